"""Wheel platform tags PyPI accepts: Warehouse's `_valid_platform_tag` (`warehouse/forklift/legacy.py`).

Update the sets when Warehouse does; each new platform there comes with an ABI specification (manylinux, musllinux,
macOS, iOS, Android, Emscripten). A plain `linux_x86_64` wheel is refused: it promises nothing about the system.
"""

from __future__ import annotations

import re

FIXED = frozenset(
    {
        "any",
        "win32",
        "win_arm64",
        "win_amd64",
        "win_ia64",
        "manylinux1_x86_64",
        "manylinux1_i686",
        "manylinux2010_x86_64",
        "manylinux2010_i686",
        "manylinux2014_x86_64",
        "manylinux2014_i686",
        "manylinux2014_aarch64",
        "manylinux2014_armv7l",
        "manylinux2014_ppc64",
        "manylinux2014_ppc64le",
        "manylinux2014_s390x",
        "linux_armv6l",
        "linux_armv7l",
    }
)
MACOS = re.compile(r"macosx_(?P<major>\d+)_(?P<minor>\d+)_(?P<arch>.*)")
MACOS_ARCHES = frozenset(
    {"ppc", "ppc64", "i386", "x86_64", "arm64", "intel", "fat", "fat3", "fat64", "universal", "universal2"}
)
MACOS_MAJORS = frozenset({"11", "12", "13", "14", "15", "26"})  # `macosx_{major}_0`; 10 takes any minor
LINUX = re.compile(r"(?P<libc>many|musl)linux_(\d+)_(\d+)_(?P<arch>.*)")
MUSLLINUX_ARCHES = frozenset({"x86_64", "i686", "aarch64", "armv7l", "ppc64le", "s390x", "riscv64"})
MANYLINUX_ARCHES = MUSLLINUX_ARCHES | {"ppc64"}
IOS = re.compile(r"ios_(\d+)_(\d+)_(?P<arch>.*)_(iphoneos|iphonesimulator)")
IOS_ARCHES = frozenset({"arm64", "x86_64"})
ANDROID = re.compile(r"android_(\d+)_(?P<arch>.*)")
ANDROID_ARCHES = frozenset({"armeabi_v7a", "arm64_v8a", "x86", "x86_64"})
EMSCRIPTEN = re.compile(r"pyemscripten_(\d+)_(\d+)_wasm32")


def accepted_platform(tag: str) -> bool:
    """Whether PyPI takes a wheel with this platform tag."""
    if tag in FIXED:
        return True
    if macos := MACOS.match(tag):
        major, minor, arch = macos.group("major", "minor", "arch")
        return arch in MACOS_ARCHES and (major == "10" or (major in MACOS_MAJORS and minor == "0"))
    if linux := LINUX.match(tag):
        return linux.group("arch") in (MANYLINUX_ARCHES if linux.group("libc") == "many" else MUSLLINUX_ARCHES)
    if ios := IOS.match(tag):
        return ios.group("arch") in IOS_ARCHES
    if android := ANDROID.match(tag):
        return android.group("arch") in ANDROID_ARCHES
    return bool(EMSCRIPTEN.match(tag))
