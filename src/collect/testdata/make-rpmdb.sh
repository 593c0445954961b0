#!/bin/sh
# Regenerates the rpm collector's test fixtures:
#
# rpmdb.sqlite   an rpm 4.16+ sqlite package database holding two tiny
#                packages and one imported signing key (a `gpg-pubkey`
#                pseudo-package, which the collector skips);
# libexample.hdr the raw header blob of one package, as rpm stores it in
#                every backend: the tests wrap it in hand-built ndb and bdb
#                containers, since Debian's rpm can't write those formats.
#
#   hello-sovscan-1.2.3-4.fc40.x86_64  Epoch 2, Vendor "Example Corp",
#                                      License MIT, owns /usr/bin/hello-sovscan
#   libexample-0.9-1.noarch            Vendor "Fedora Project", License
#                                      GPL-2.0-or-later, owns /usr/lib/libexample.txt
#
# Needs rpm and rpmbuild (Debian: `apt-get install rpm`) and sqlite3; Debian's
# rpm only has the sqlite backend, so ndb and bdb fixtures can't be made here.
# Run from anywhere: sh src/collect/testdata/make-rpmdb.sh
#
# Deterministic as far as rpm allows: build times, mtimes and the build host
# are pinned, and the key is a fixed throwaway key embedded below (its
# private half was discarded). The install time rpm stamps on each header
# and sqlite's page layout still differ between runs, so the committed file
# is not byte-reproducible; its content (names, versions, files) is.
set -eu

out_dir=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export SOURCE_DATE_EPOCH=1700000000
export TZ=UTC LC_ALL=C

mkdir -p "$work/SPECS" "$work/db"

cat > "$work/SPECS/hello-sovscan.spec" <<'SPEC'
Name:           hello-sovscan
Epoch:          2
Version:        1.2.3
Release:        4.fc40
Summary:        Test program for sovscan
License:        MIT
Vendor:         Example Corp
URL:            https://example.com/hello
Packager:       Example Build System <build@example.com>

%description
A test package for sovscan's rpm collector.

%install
mkdir -p %{buildroot}/usr/bin %{buildroot}/usr/share/doc/hello-sovscan
printf '#!/bin/sh\necho hello\n' > %{buildroot}/usr/bin/hello-sovscan
chmod 755 %{buildroot}/usr/bin/hello-sovscan
echo readme > %{buildroot}/usr/share/doc/hello-sovscan/README

%files
/usr/bin/hello-sovscan
%dir /usr/share/doc/hello-sovscan
/usr/share/doc/hello-sovscan/README
SPEC

cat > "$work/SPECS/libexample.spec" <<'SPEC'
Name:           libexample
Version:        0.9
Release:        1
Summary:        Test data package for sovscan
License:        GPL-2.0-or-later
Vendor:         Fedora Project
BuildArch:      noarch

%description
A second test package for sovscan's rpm collector.

%install
mkdir -p %{buildroot}/usr/lib
echo data > %{buildroot}/usr/lib/libexample.txt

%files
/usr/lib/libexample.txt
SPEC

cat > "$work/key.asc" <<'KEY'
-----BEGIN PGP PUBLIC KEY BLOCK-----

mDMEawKcoBYJKwYBBAHaRw8BAQdAJw+7vm9MIkxTc6ZK+zjUxSWW+Ct/bslk5zkU
pyUaOue0J3NvdnNjYW4gdGVzdCBrZXkgPHRlc3RAZXhhbXBsZS5pbnZhbGlkPoiQ
BBMWCAA4FiEEob2HjMtr0E9owaf4RFzuryBdRzUFAmsCnKACGwMFCwkIBwIGFQoJ
CAsCBBYCAwECHgECF4AACgkQRFzuryBdRzVqVAEA72t/T9cWXsIeQp8fYNwrxMl+
VVBONxMds+dI3EF110AA/j2GxSHeYiZ6ANfT0aByo6wbn1Pv2Y8Yy210JNeeew4L
=b2lt
-----END PGP PUBLIC KEY BLOCK-----
KEY

for spec in hello-sovscan libexample; do
    rpmbuild --quiet -bb --nodeps \
        --target x86_64 \
        --define "_topdir $work" \
        --define "_buildhost build.example.com" \
        --define "use_source_date_epoch_as_buildtime 1" \
        --define "clamp_mtime_to_source_date_epoch 1" \
        --define "debug_package %{nil}" \
        --define "__os_install_post %{nil}" \
        "$work/SPECS/$spec.spec"
done

rpm --dbpath "$work/db" --initdb
rpm --dbpath "$work/db" --import "$work/key.asc"
for pkg in "$work"/RPMS/*/*.rpm; do
    rpm --dbpath "$work/db" -i --force-debian --justdb --nodeps --noscripts --ignorearch --ignoreos "$pkg"
done
rpm --dbpath "$work/db" -qa --qf '%{NEVRA} %{VENDOR}\n' | sort

# Fold the write-ahead log into the main file so the fixture is one file, and
# shrink rpm's 4 KiB pages to 1 KiB (each of its ~20 index tables takes at
# least a page): a quarter of the size, same content. The file stays in WAL
# mode as rpm left it, so opening it read-write would create -wal and -shm
# files beside it, which the collector must not do inside an image.
sqlite3 "$work/db/rpmdb.sqlite" \
    'PRAGMA journal_mode=DELETE; PRAGMA page_size=1024; VACUUM; PRAGMA journal_mode=WAL;' >/dev/null
rpm --dbpath "$work/db" -qa | sort >/dev/null
cp "$work/db/rpmdb.sqlite" "$out_dir/rpmdb.sqlite"
sqlite3 "$out_dir/rpmdb.sqlite" "SELECT writefile('$out_dir/libexample.hdr', blob) FROM Packages
    WHERE hnum = (SELECT hnum FROM Name WHERE key = 'libexample')" >/dev/null
ls -l "$out_dir/rpmdb.sqlite" "$out_dir/libexample.hdr"
