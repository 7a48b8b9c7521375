"""File names spelled as PyPI requires them (the name and version matching the metadata is checked on reading)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from packaging.utils import InvalidWheelFilename, canonicalize_name, parse_wheel_filename
from packaging.version import InvalidVersion, Version

from hatch_custom_index.rules.platforms import accepted_platform
from hatch_custom_index.rules.subject import UNKNOWN, Authority, Finding, Subject

if TYPE_CHECKING:
    from collections.abc import Iterator

PYPI = Authority.PYPI


def sdist_file_name(subject: Subject) -> Iterator[Finding]:
    """Warehouse's `file_upload` (PEP 625): `{normalized name}-{normalized version}.tar.gz`, nothing else."""
    if subject.is_wheel:
        return
    try:
        version = str(Version(str(subject.fields["version"])))
    except InvalidVersion:
        return  # reported on reading
    expected = f"{canonicalize_name(str(subject.fields['name'])).replace('-', '_')}-{version}.tar.gz"
    if subject.filename != expected:
        hint = " (a source distribution is a .tar.gz, PEP 625)" if subject.filename.endswith(".zip") else ""
        yield Finding(
            PYPI,
            "sdist file name not normalized",
            f"Filename {subject.filename!r} is invalid, should be {expected!r}.{hint}",
        )


def wheel_project_name(subject: Subject) -> Iterator[Finding]:
    """Warehouse's `file_upload` (PEP 427, PEP 503): the file name starts with the fully normalized project name."""
    if not subject.is_wheel:
        return
    normalized = canonicalize_name(str(subject.fields["name"])).replace("-", "_")
    given = subject.filename.split("-", 1)[0]
    if given != normalized:
        yield Finding(
            PYPI,
            "wheel file name not normalized",
            f"Filename {subject.filename!r} should contain the normalized project name {normalized!r}, not {given!r}.",
        )


def wheel_platform_tags(subject: Subject) -> Iterator[Finding]:
    """Warehouse's `_valid_platform_tag`, for every tag of a compressed tag set."""
    if not subject.is_wheel:
        return
    try:
        tags = parse_wheel_filename(subject.filename)[3]
    except InvalidWheelFilename:  # pragma: no cover -- refused on reading
        return
    for platform in sorted({tag.platform for tag in tags}):
        if not accepted_platform(platform):
            yield Finding(
                PYPI,
                f"platform tag {platform}",
                f"Binary wheel '{subject.filename}' has an unsupported platform tag '{platform}'.",
            )


def name_unknown(subject: Subject) -> Iterator[Finding]:
    """Warehouse's `sanitize` deletes a form field whose value is UNKNOWN, the name too; `UploadForm` then refuses the
    form for want of one (the form still sends it: other indexes take a project of that name)."""
    if str(subject.fields["name"]).strip() == UNKNOWN:
        yield Finding(
            PYPI,
            "name UNKNOWN",
            "'' is an invalid value for Name. Error: This field is required. See "
            "https://packaging.python.org/specifications/core-metadata for more information.",
        )


RULES = (sdist_file_name, wheel_project_name, wheel_platform_tags, name_unknown)
