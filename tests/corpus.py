"""Files that break one upload rule each (written directly where no build backend would make them), files that are
valid but unusual, and what PyPI answers each broken one. Shared by the unit and the end-to-end tests.

The reasons are Warehouse's wording (`warehouse/forklift/legacy.py`, `forklift/metadata.py`, `utils/zipfiles.py`,
`utils/scanner_rules/`), which the plugin repeats so a refusal reads as PyPI's would.
"""

from __future__ import annotations

import io
import tarfile
import zipfile
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

NAME = "corpus-demo"
MODULE = "corpus_demo"
STANDARDS, PYPI = "standards", "pypi"
# PyPI scans the `.py` members of this project's own sdist with the very YARA rules the corpus breaks: their needles
# are joined when a file is written, never spelled whole here (tests/e2e/test_dogfood.py).
PYARMOR = "__py" + "armor__"


def metadata(
    version: str, extra: str = "", *, metadata_version: str = "2.4", name: str = NAME, body: str = ""
) -> bytes:
    summary = "" if "Summary:" in extra else "Summary: A corpus file\n"
    text = f"Metadata-Version: {metadata_version}\nName: {name}\nVersion: {version}\n{summary}{extra}"
    return (text + (f"\n{body}" if body else "")).encode()


def record(members: dict[str, bytes], record_name: str) -> bytes:
    return "".join(f"{m},,\n" for m in [*members, record_name]).encode()


def wheel_members(
    version: str,
    extra: str = "",
    *,
    dist_info: str | None = None,
    body: str = "",
    module: str = MODULE,
    **kwargs: str,
) -> dict[str, bytes]:
    """A complete pure wheel's members: a module, METADATA, WHEEL and RECORD."""
    dist_info = dist_info or f"{module}-{version}.dist-info"
    members = {
        f"{module}/__init__.py": b"VALUE = 1\n",
        f"{dist_info}/METADATA": metadata(version, extra, body=body, **kwargs),
        f"{dist_info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: corpus\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    members[f"{dist_info}/RECORD"] = record(members, f"{dist_info}/RECORD")
    return members


def write_zip(
    path: Path, members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED, comment: bytes = b""
) -> Path:
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0))
            info.compress_type = compression
            info.comment = comment
            archive.writestr(info, data)
    return path


def sdist_members(version: str, extra: str = "", *, top: str | None = None, body: str = "") -> dict[str, bytes]:
    top = top or f"{MODULE}-{version}"
    return {
        f"{top}/PKG-INFO": metadata(version, extra, body=body),
        f"{top}/pyproject.toml": b'[project]\nname = "corpus-demo"\n',
        f"{top}/src/{MODULE}/__init__.py": b"VALUE = 1\n",
    }


def write_tar(path: Path, members: dict[str, bytes], adjust: Callable[[tarfile.TarInfo], None] | None = None) -> Path:
    with tarfile.open(path, "w:gz", format=tarfile.PAX_FORMAT) as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size, info.mtime = len(data), 1_700_000_000
            if adjust:
                adjust(info)
            archive.addfile(info, io.BytesIO(data))
    return path


def wheel_path(dist: Path, version: str, tag: str = "py3-none-any", name: str = MODULE) -> Path:
    return dist / f"{name}-{version}-{tag}.whl"


# --- the broken files -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One file that breaks one rule: whose rule it is, and words of the reason a refusal must carry."""

    id: str
    authority: str
    reason: str
    make: Callable[[Path], Path]


def _local_version(dist: Path) -> Path:
    return write_zip(wheel_path(dist, "1.0+corp.1"), wheel_members("1.0+corp.1"))


def _linux_wheel(dist: Path) -> Path:
    return write_zip(wheel_path(dist, "1.0.2", "cp311-cp311-linux_x86_64"), wheel_members("1.0.2"))


def _sdist_name(dist: Path) -> Path:
    return write_tar(dist / "Corpus.Demo-1.0.3.tar.gz", sdist_members("1.0.3", top="Corpus.Demo-1.0.3"))


def _zip_sdist(dist: Path) -> Path:
    return write_zip(dist / f"{MODULE}-1.0.4.zip", sdist_members("1.0.4"))


def _wheel_name(dist: Path) -> Path:
    members = wheel_members("1.0.5", dist_info="Corpus_Demo-1.0.5.dist-info")
    return write_zip(wheel_path(dist, "1.0.5", name="Corpus_Demo"), members)


def _dist_info_spelling(dist: Path) -> Path:
    return write_zip(wheel_path(dist, "1.0.6"), wheel_members("1.0.6", dist_info="corpus.demo-1.0.6.dist-info"))


def _no_record(dist: Path) -> Path:
    members = wheel_members("1.0.7")
    del members[f"{MODULE}-1.0.7.dist-info/RECORD"]
    return write_zip(wheel_path(dist, "1.0.7"), members)


def _record_not_utf8(dist: Path) -> Path:
    members = wheel_members("1.0.34")
    members[f"{MODULE}-1.0.34.dist-info/RECORD"] = "corpus_demo/__init__.py,,\n".encode("utf-16")
    return write_zip(wheel_path(dist, "1.0.34"), members)


def _two_top_levels(dist: Path) -> Path:
    return write_tar(dist / f"{MODULE}-1.0.8.tar.gz", {**sdist_members("1.0.8"), "stray/notes.txt": b"x"})


def _bzip2(dist: Path) -> Path:
    return write_zip(wheel_path(dist, "1.0.9"), wheel_members("1.0.9"), compression=zipfile.ZIP_BZIP2)


def _bomb(dist: Path) -> Path:
    members = {**wheel_members("1.0.10"), f"{MODULE}/zeros.bin": bytes(65 * 1024 * 1024)}
    dist_info = f"{MODULE}-1.0.10.dist-info"
    members[f"{dist_info}/RECORD"] = record(
        {k: v for k, v in members.items() if k != f"{dist_info}/RECORD"}, f"{dist_info}/RECORD"
    )
    return write_zip(wheel_path(dist, "1.0.10"), members)


def _duplicate_member(dist: Path) -> Path:
    path = wheel_path(dist, "1.0.11")
    write_zip(path, wheel_members("1.0.11"))
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr(
            f"{MODULE}/__init__.py", b"VALUE = 1\n", zipfile.ZIP_DEFLATED
        )  # a second entry of one name (zipfile warns)
    return path


def _trailing_data(dist: Path) -> Path:
    path = write_zip(wheel_path(dist, "1.0.12"), wheel_members("1.0.12"))
    with path.open("ab") as stream:
        stream.write(b"appended after the end of the archive")
    return path


def _entry_comment(dist: Path) -> Path:
    return write_zip(wheel_path(dist, "1.0.13"), wheel_members("1.0.13"), comment=b"hello")


class _Unseekable(io.RawIOBase):
    """A stream zipfile cannot seek back in, so it writes data descriptors after each member."""

    def __init__(self, target: io.BufferedWriter) -> None:
        self.target = target

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        return self.target.write(data)


def _data_descriptor(dist: Path) -> Path:
    path = wheel_path(dist, "1.0.14")
    with path.open("wb") as target, zipfile.ZipFile(_Unseekable(target), "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in wheel_members("1.0.14").items():
            archive.writestr(name, data)
    return path


def _size_mismatch(dist: Path) -> Path:
    path = write_zip(wheel_path(dist, "1.0.15"), wheel_members("1.0.15"), compression=zipfile.ZIP_STORED)
    data = bytearray(path.read_bytes())
    data[22:26] = (int.from_bytes(data[22:26], "little") + 1).to_bytes(4, "little")  # the first local header's size
    path.write_bytes(bytes(data))
    return path


def _sparse(dist: Path) -> Path:
    def sparse(info: tarfile.TarInfo) -> None:
        if info.name.endswith(".py"):
            info.type = tarfile.GNUTYPE_SPARSE

    path = dist / f"{MODULE}-1.0.16.tar.gz"
    with tarfile.open(path, "w:gz", format=tarfile.GNU_FORMAT) as archive:
        for name, data in sdist_members("1.0.16").items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            sparse(info)
            archive.addfile(info, io.BytesIO(data))
    return path


def _escaping_link(dist: Path) -> Path:
    path = dist / f"{MODULE}-1.0.17.tar.gz"
    write_tar(path, sdist_members("1.0.17"))
    with tarfile.open(path, "r:gz") as archive:
        members = [(m, archive.extractfile(m).read() if m.isfile() else b"") for m in archive]  # type: ignore[union-attr]
    with tarfile.open(path, "w:gz", format=tarfile.PAX_FORMAT) as archive:
        for member, data in members:
            archive.addfile(member, io.BytesIO(data))
        link = tarfile.TarInfo(f"{MODULE}-1.0.17/passwd")
        link.type, link.linkname = tarfile.SYMTYPE, "../../etc/passwd"
        archive.addfile(link)
    return path


def _pyarmor(dist: Path) -> Path:
    members = wheel_members("1.0.18")
    call = f"{PYARMOR}(__name__, __file__, b'x')"
    members[f"{MODULE}/__init__.py"] = f"from .pyarmor_runtime import {PYARMOR}\n{call}\n".encode()
    return write_zip(wheel_path(dist, "1.0.18"), members)


def _sourcedefender(dist: Path) -> Path:
    members = sdist_members("1.0.19")
    begin, end = (f"---{edge} PYE FILE---" for edge in ("BEGIN", "END"))
    members[f"{MODULE}-1.0.19/src/{MODULE}/core.pye"] = f"{begin}\nAAAA\n{end}\n".encode()
    return write_tar(dist / f"{MODULE}-1.0.19.tar.gz", members)


def _metadata_case(version: str, extra: str, *, body: str = "", **kwargs: str) -> Callable[[Path], Path]:
    def make(dist: Path) -> Path:
        return write_zip(wheel_path(dist, version), wheel_members(version, extra, body=body, **kwargs))

    return make


def _missing_license_file(dist: Path) -> Path:
    return write_zip(
        wheel_path(dist, "1.0.31"), wheel_members("1.0.31", "License-Expression: MIT\nLicense-File: LICENSE\n")
    )


def _bad_entry_points(dist: Path) -> Path:
    members = wheel_members("1.0.32")
    dist_info = f"{MODULE}-1.0.32.dist-info"
    members[f"{dist_info}/entry_points.txt"] = b"[console_scripts]\n../evil = corpus_demo:main\n"
    members[f"{dist_info}/RECORD"] = record(
        {k: v for k, v in members.items() if not k.endswith("RECORD")}, f"{dist_info}/RECORD"
    )
    return write_zip(wheel_path(dist, "1.0.32"), members)


def _name_unknown(dist: Path) -> Path:
    """A project named UNKNOWN: Warehouse's `sanitize` deletes the name, and the form is refused without one."""
    return write_zip(
        wheel_path(dist, "1.0.36", name="unknown"), wheel_members("1.0.36", name="UNKNOWN", module="unknown")
    )


def _both_zip_and_tar(dist: Path) -> Path:
    path = write_zip(wheel_path(dist, "1.0.33"), wheel_members("1.0.33"))
    tar = io.BytesIO()
    with tarfile.open(fileobj=tar, mode="w") as archive:
        info = tarfile.TarInfo("hidden.txt")
        archive.addfile(info, io.BytesIO(b""))
    path.write_bytes(tar.getvalue() + path.read_bytes())
    return path


CASES = (
    Case("local-version", PYPI, "The use of local versions in '1.0+corp.1' is not allowed.", _local_version),
    Case("platform-tag", PYPI, "has an unsupported platform tag 'linux_x86_64'.", _linux_wheel),
    Case(
        "sdist-name", PYPI, "'Corpus.Demo-1.0.3.tar.gz' is invalid, should be 'corpus_demo-1.0.3.tar.gz'.", _sdist_name
    ),
    Case("zip-sdist", PYPI, "'corpus_demo-1.0.4.zip' is invalid, should be 'corpus_demo-1.0.4.tar.gz'.", _zip_sdist),
    Case(
        "wheel-name", PYPI, "should contain the normalized project name 'corpus_demo', not 'Corpus_Demo'.", _wheel_name
    ),
    Case(
        "dist-info-spelling",
        PYPI,
        "WHEEL not found at corpus_demo-1.0.6.dist-info/WHEEL (PyPI reads WHEEL, METADATA and RECORD",
        _dist_info_spelling,
    ),
    Case("no-record", STANDARDS, "has no `corpus_demo-1.0.7.dist-info/RECORD`", _no_record),
    Case(
        "record-not-utf8",
        PYPI,
        "does not contain the required RECORD file: corpus_demo-1.0.34.dist-info/RECORD",
        _record_not_utf8,
    ),
    Case("two-top-levels", STANDARDS, "Incorrect number of top-level directories in sdist", _two_top_levels),
    Case("bzip2", PYPI, "File does not use a supported compression type", _bzip2),
    Case("compression-ratio", PYPI, "File exceeds compression ratio of 50", _bomb),
    Case("duplicate-member", PYPI, "ZIP archive not accepted: Duplicate filename in local headers.", _duplicate_member),
    Case("trailing-data", PYPI, "ZIP archive not accepted: Trailing data.", _trailing_data),
    Case("entry-comment", PYPI, "ZIP archive not accepted: Comment in central directory.", _entry_comment),
    Case("data-descriptor", PYPI, "ZIP archive not accepted: ZIP contains a data descriptor.", _data_descriptor),
    Case("size-mismatch", PYPI, "ZIP archive not accepted: Mis-matched file size.", _size_mismatch),
    Case("sparse", PYPI, "tar archive not accepted: Sparse members are not allowed", _sparse),
    Case(
        "escaping-link",
        STANDARDS,
        "links outside the archive (to 'corpus_demo-1.0.17/../../etc/passwd')",
        _escaping_link,
    ),
    Case("pyarmor", PYPI, "PyArmor-encrypted content is not allowed.", _pyarmor),
    Case("sourcedefender", PYPI, "SourceDefender-encrypted content is not allowed.", _sourcedefender),
    Case(
        "invalid-requirement",
        STANDARDS,
        "'foo >=' is invalid for 'requires-dist'",
        _metadata_case("1.0.20", "Requires-Dist: foo >=\n"),
    ),
    Case(
        "summary-length",
        PYPI,
        "'summary' field must be 512 characters or less.",
        _metadata_case("1.0.21", "Summary: " + "s" * 513 + "\n"),
    ),
    Case(
        "email",
        PYPI,
        "'someone@localhost' is not a valid email address",
        _metadata_case("1.0.22", "Author-email: Someone <someone@localhost>\n"),
    ),
    Case(
        "unknown-classifier",
        PYPI,
        "'Private :: Do Not Upload' is not a valid classifier.",
        _metadata_case("1.0.23", "Classifier: Private :: Do Not Upload\n"),
    ),
    Case(
        "deprecated-classifier",
        PYPI,
        "The classifier 'Framework :: Django CMS :: 4.2' has been deprecated",
        _metadata_case("1.0.24", "Classifier: Framework :: Django CMS :: 4.2\n"),
    ),
    Case("home-page", PYPI, "'not a url' is not a valid url.", _metadata_case("1.0.25", "Home-page: not a url\n")),
    Case(
        "project-url-label",
        PYPI,
        "must be 32 characters or less.",
        _metadata_case("1.0.26", "Project-URL: " + "L" * 33 + ", https://example.com/\n"),
    ),
    Case(
        "direct-reference",
        PYPI,
        "Can't have direct dependency: foo @ https://example.com/foo-1.0.tar.gz",
        _metadata_case("1.0.27", "Requires-Dist: foo @ https://example.com/foo-1.0.tar.gz\n"),
    ),
    Case(
        "dynamic-version",
        STANDARDS,
        "'version' is not allowed as a dynamic field",
        _metadata_case("1.0.28", "Dynamic: Version\n"),
    ),
    Case(
        "license-and-expression",
        PYPI,
        "License is deprecated when License-Expression is present.",
        _metadata_case("1.0.29", "License: MIT\nLicense-Expression: MIT\n"),
    ),
    Case(
        "rst-description",
        PYPI,
        "The description failed to render in the default format of reStructuredText. (line 1",
        _metadata_case("1.0.30", "", body="See `link`_.\n"),
    ),
    Case("license-file", PYPI, "License-File LICENSE does not exist in distribution file", _missing_license_file),
    Case("entry-points", PYPI, "has invalid entry points defined in the entry_points.txt file", _bad_entry_points),
    Case(
        "metadata-2.6",
        PYPI,
        "'2.6' is not a valid metadata version (PyPI takes 1.0, 1.1, 1.2, 2.1",
        _metadata_case("1.0.35", "", metadata_version="2.6"),
    ),
    Case("zip-and-tar", PYPI, "File is both a zip and a tar file", _both_zip_and_tar),
    Case("name-unknown", PYPI, "'' is an invalid value for Name. Error: This field is required.", _name_unknown),
)


# --- valid but unusual files ------------------------------------------------------------------------------------------


def _license_file_in_2_1(dist: Path) -> Path:
    """What setuptools 56-76 writes: License-File in Metadata 2.1 (left out of the form)."""
    extra = "License-File: LICENSE\n"
    return write_zip(wheel_path(dist, "2.0.1"), wheel_members("2.0.1", extra, metadata_version="2.1"))


def _expression_and_license_files(dist: Path) -> Path:
    dist_info = f"{MODULE}-2.0.2.dist-info"
    members = wheel_members(
        "2.0.2", "License-Expression: MIT OR Apache-2.0\nLicense-File: LICENSE\nLicense-File: licenses/NOTICE.txt\n"
    )
    members[f"{dist_info}/licenses/LICENSE"] = b"MIT\n"
    members[f"{dist_info}/licenses/licenses/NOTICE.txt"] = b"notice\n"
    members[f"{dist_info}/RECORD"] = record(
        {k: v for k, v in members.items() if not k.endswith("RECORD")}, f"{dist_info}/RECORD"
    )
    return write_zip(wheel_path(dist, "2.0.2"), members)


def _import_name(dist: Path) -> Path:
    extra = "Import-Name: corpus_demo\nImport-Namespace: corpus_ns\n"
    return write_zip(wheel_path(dist, "2.0.3"), wheel_members("2.0.3", extra, metadata_version="2.5"))


def _markdown(dist: Path) -> Path:
    body = "# Title\n\nSome *markdown* with `code` and a [link](https://example.com).\n"
    extra = "Description-Content-Type: text/markdown; charset=UTF-8; variant=GFM\n"
    return write_zip(wheel_path(dist, "2.0.4"), wheel_members("2.0.4", extra, body=body))


def _rst(dist: Path) -> Path:
    body = "Title\n=====\n\nSome *rst* with a `link <https://example.com>`_.\n\n.. code-block:: python\n\n   x = 1\n"
    extra = "Description-Content-Type: text/x-rst\nAuthor-email: Some One <some.one@example.com>, two@example.org\n"
    extra += "Classifier: License :: OSI Approved :: MIT License\nProject-URL: Source, https://example.com/src\n"
    extra += "Requires-Dist: packaging>=24; python_version >= '3.8'\nProvides-Extra: docs\n"
    return write_zip(wheel_path(dist, "2.0.5"), wheel_members("2.0.5", extra, body=body))


def _platform_wheels(dist: Path) -> list[Path]:
    tags = (
        "cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64",
        "cp311-cp311-musllinux_1_2_aarch64",
        "cp311-cp311-macosx_10_9_universal2",
        "cp311-cp311-macosx_14_0_arm64",
        "cp311-cp311-win_amd64",
        "cp313-cp313-ios_13_0_arm64_iphoneos",
        "cp313-cp313-android_24_arm64_v8a",
        "cp313-abi3-linux_armv7l",
    )
    return [write_zip(wheel_path(dist, "2.0.6", tag), wheel_members("2.0.6")) for tag in tags]


def _namespace_and_long_paths(dist: Path) -> list[Path]:
    deep = "/".join(["a-rather-long-directory-name"] * 6)
    sdist = sdist_members("2.0.7")
    sdist[f"{MODULE}-2.0.7/src/corpus_ns/{deep}/module_with_a_long_name.py"] = b"X = 1\n"
    sdist[f"{MODULE}-2.0.7/LICENSE"] = b"MIT\n"
    sdist[f"{MODULE}-2.0.7/PKG-INFO"] = metadata("2.0.7", "License-Expression: MIT\nLicense-File: LICENSE\n")
    wheel = wheel_members("2.0.7")
    dist_info = f"{MODULE}-2.0.7.dist-info"
    wheel["corpus_ns/plugin/__init__.py"] = b""  # no corpus_ns/__init__.py: a namespace package
    wheel[f"{dist_info}/RECORD"] = record(
        {k: v for k, v in wheel.items() if not k.endswith("RECORD")}, f"{dist_info}/RECORD"
    )
    return [write_tar(dist / f"{MODULE}-2.0.7.tar.gz", sdist), write_zip(wheel_path(dist, "2.0.7"), wheel)]


# What distutils (and setuptools before 60) wrote for a field it was not given: Warehouse's `sanitize` deletes every form
# field whose value is UNKNOWN before it validates anything, so PyPI takes the file; the form leaves them out.
DISTUTILS_UNKNOWN = {
    "summary": "Summary",
    "home_page": "Home-page",
    "download_url": "Download-URL",
    "author": "Author",
    "author_email": "Author-email",
    "license": "License",
    "platform": "Platform",
    "keywords": "Keywords",
}


def distutils_unknowns(dist: Path) -> Path:
    extra = "".join(f"{label}: UNKNOWN\n" for label in DISTUTILS_UNKNOWN.values())
    return write_zip(wheel_path(dist, "2.0.8"), wheel_members("2.0.8", extra, metadata_version="2.1", body="UNKNOWN\n"))


def _empty_fields(dist: Path) -> Path:
    """Fields with an empty value, which Warehouse's `parse_form_metadata` takes as absent."""
    extra = "Home-page: \nDescription-Content-Type: \nRequires-Dist: \nClassifier: \nProvides-Dist: \n"
    return write_zip(wheel_path(dist, "2.0.9"), wheel_members("2.0.9", extra))


def valid_unusual(dist: Path) -> list[Path]:
    """Files PyPI takes although they are unusual; none may be refused."""
    return [
        _license_file_in_2_1(dist),
        _expression_and_license_files(dist),
        _import_name(dist),
        _markdown(dist),
        _rst(dist),
        *_platform_wheels(dist),
        *_namespace_and_long_paths(dist),
        distutils_unknowns(dist),
        _empty_fields(dist),
    ]
