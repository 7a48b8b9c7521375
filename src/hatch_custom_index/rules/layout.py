"""What an archive must hold, and where: a wheel's `.dist-info`, an sdist's top-level directory, license files and
entry points."""

from __future__ import annotations

import configparser
import csv
import re
from typing import TYPE_CHECKING

from hatch_custom_index.rules.subject import Authority, Finding, Subject

if TYPE_CHECKING:
    from collections.abc import Iterator

PYPI, STANDARDS = Authority.PYPI, Authority.STANDARDS
# The entry points specification's names (https://packaging.python.org/en/latest/specifications/entry-points/).
ENTRY_POINT_NAME = re.compile(r"[\w.-]+")
SCRIPT_GROUPS = ("console_scripts", "gui_scripts")


def _dist_info(subject: Subject) -> str:
    """The `.dist-info` directory PyPI looks in: named exactly as the wheel's file name begins."""
    name, version, _ = subject.filename.split("-", 2)
    return f"{name}-{version}.dist-info"


def _top_level(subject: Subject) -> str:
    return subject.metadata_member.split("/", 1)[0]


def wheel_format_files(subject: Subject) -> Iterator[Finding]:
    """The binary distribution format: `WHEEL` and `RECORD` beside `METADATA` (pip refuses a wheel without them)."""
    if not subject.is_wheel:
        return
    directory = _top_level(subject)
    names = subject.contents.names()
    for required in ("WHEEL", "RECORD"):
        if f"{directory}/{required}" not in names:
            yield Finding(STANDARDS, f"no {required}", f"The wheel has no `{directory}/{required}`; rebuild it")


def wheel_dist_info_spelling(subject: Subject) -> Iterator[Finding]:
    """Warehouse's `_is_valid_dist_file` (WHEEL), `file_upload` (METADATA) and `validate_record` (RECORD): each in
    the directory the file name spells; PyPI answers the first one it misses."""
    if not subject.is_wheel or _top_level(subject) == _dist_info(subject):
        return  # the standards' rule checks them beside METADATA
    directory, names = _dist_info(subject), subject.contents.names()
    missing = [base for base in ("WHEEL", "METADATA", "RECORD") if f"{directory}/{base}" not in names]
    if missing:
        yield Finding(
            PYPI,
            "dist-info spelled unlike the file name",
            f"{missing[0]} not found at {directory}/{missing[0]} (PyPI reads WHEEL, METADATA and RECORD from the "
            f"`.dist-info` the file name spells; this wheel has `{_top_level(subject)}`)",
        )


def wheel_record(subject: Subject) -> Iterator[Finding]:
    """Warehouse's `validate_record`: a RECORD that is UTF-8 CSV (a mismatch with the members is only mailed)."""
    if not subject.is_wheel:
        return
    record = f"{_dist_info(subject)}/RECORD"
    text = subject.contents.texts.get(record)
    if text is None:
        return  # missing: the rules above say where
    try:
        list(csv.reader(text.decode("utf-8").splitlines()))
    except (UnicodeError, csv.Error):
        yield Finding(PYPI, "RECORD", f"Wheel '{subject.filename}' does not contain the required RECORD file: {record}")


def wheel_entry_points(subject: Subject) -> Iterator[Finding]:
    """Warehouse's `validate_entrypoints`: UTF-8, an INI file with `=`, script names without path parts."""
    if not subject.is_wheel:
        return
    text = subject.contents.texts.get(f"{_dist_info(subject)}/entry_points.txt")
    if text is None:
        return
    problem = _entry_points_problem(text)
    if problem:
        yield Finding(
            PYPI,
            "entry_points.txt",
            f"Wheel '{subject.filename}' has invalid entry points defined in the entry_points.txt file ({problem})",
        )


class _CaseSensitiveParser(configparser.ConfigParser):
    """Entry point names are case-sensitive."""

    def optionxform(self, optionstr: str) -> str:
        return optionstr


def _entry_points_problem(text: bytes) -> str | None:
    parser = _CaseSensitiveParser(delimiters=("=",), interpolation=None)
    try:
        parser.read_string(text.decode("utf-8"))
    except UnicodeError:
        return "not UTF-8"
    except configparser.Error as e:
        return f"not a valid INI file: {e.message.splitlines()[0]}"
    for group in SCRIPT_GROUPS:
        for name in parser[group] if parser.has_section(group) else ():
            if not ENTRY_POINT_NAME.fullmatch(name):
                return f"invalid entry point name {name!r} in {group!r}"
    return None


def sdist_top_level(subject: Subject) -> Iterator[Finding]:
    """The source distribution format (and Warehouse's `_is_valid_dist_file`): one top-level directory, holding
    `PKG-INFO`."""
    if subject.is_wheel:
        return
    tops = {member.name.split("/", 1)[0] for member in subject.contents.members}
    if len(tops) > 1:
        shown = ", ".join(sorted(tops)[:4]) + (", ..." if len(tops) > 4 else "")  # noqa: PLR2004
        yield Finding(
            STANDARDS,
            "several top-level directories",
            f"Invalid distribution file. Incorrect number of top-level directories in sdist ({shown})",
        )


def license_files(subject: Subject) -> Iterator[Finding]:
    """Warehouse's `file_upload` (PEP 639): each `License-File` in the archive, under the wheel's
    `.dist-info/licenses/` or the sdist's top-level directory."""
    names = subject.contents.names()
    base = f"{_dist_info(subject)}/licenses" if subject.is_wheel else _top_level(subject)
    for license_file in subject.fields.get("license_files") or ():
        where = f"{base}/{license_file}"
        if where not in names:
            yield Finding(
                PYPI,
                "License-File missing",
                f"License-File {license_file} does not exist in distribution file {subject.filename} at {where}",
            )


RULES = (
    wheel_format_files,
    wheel_dist_info_spelling,
    wheel_record,
    wheel_entry_points,
    sdist_top_level,
    license_files,
)
