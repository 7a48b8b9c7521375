"""The .pypirc file, per the packaging spec: `[distutils] index-servers`, default URLs, and section lookup.

Parsed without interpolation (a `%` in a password is just a character); no error message ever holds a line's content.
"""

from __future__ import annotations

import configparser
from dataclasses import dataclass
from pathlib import Path

from hatch_custom_index.errors import PublishError, Secret
from hatch_custom_index.urls import PYPI_UPLOAD_URL, TESTPYPI_UPLOAD_URL, same_url

DEFAULT_REPOSITORIES = {"pypi": PYPI_UPLOAD_URL, "testpypi": TESTPYPI_UPLOAD_URL}
# Hatch's reserved repository names and the .pypirc sections that mean the same index.
SECTION_FOR_REPO = {"main": "pypi", "test": "testpypi"}


@dataclass(frozen=True)
class PypircEntry:
    """One index-server section: its name, upload URL, and credentials if it has them."""

    section: str
    repository: str | None
    username: str | None
    password: Secret | None


@dataclass(frozen=True)
class Pypirc:
    path: Path
    entries: dict[str, PypircEntry]

    def find(self, repo_name: str | None, url: str) -> PypircEntry | None:
        """The section for a repository: by name (`main` ↔ `[pypi]`, `test` ↔ `[testpypi]`), else by URL."""
        if repo_name is not None:
            entry = self.entries.get(SECTION_FOR_REPO.get(repo_name, repo_name))
            # A section of that name for another URL is another index: its credentials must not go to this one.
            if entry is not None and (not entry.repository or same_url(entry.repository, url)):
                return entry
        return next(
            (entry for entry in self.entries.values() if entry.repository and same_url(entry.repository, url)), None
        )

    def urls(self) -> dict[str, str]:
        """Section name -> upload URL, for the sections that have one."""
        return {name: entry.repository for name, entry in self.entries.items() if entry.repository}

    def where(self, entry: PypircEntry, key: str) -> str:
        return f"{self.path} [{entry.section}] {key}"


def default_path(home: Path | None = None) -> Path:
    return (home or Path.home()) / ".pypirc"


def load_pypirc(path: Path) -> Pypirc | None:
    """Read a .pypirc; None when the file does not exist. A malformed file is an error naming the file and line."""
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        return None
    except UnicodeDecodeError:
        message = f"{path} is not a UTF-8 text file; fix or remove it"
        raise PublishError(message) from None
    except OSError as e:
        message = f"{path} cannot be read ({e.strerror or type(e).__name__})"
        raise PublishError(message) from None

    parser = configparser.RawConfigParser(strict=True)
    try:
        parser.read_string(text, source=str(path))
    except configparser.Error as e:
        message = f"{path}, line {_line_number(e)}: not valid .pypirc (INI) syntax; fix the file or remove it"
        raise PublishError(message) from None

    if parser.has_option("distutils", "index-servers"):
        listed = parser.get("distutils", "index-servers").split()
        names = [name for name in listed if parser.has_section(name) or name in DEFAULT_REPOSITORIES]
    else:
        names = [name for name in parser.sections() if name != "distutils"]
    entries = {}
    for name in names:
        values = dict(parser.items(name)) if parser.has_section(name) else {}
        password = values.get("password")
        entries[name] = PypircEntry(
            section=name,
            repository=values.get("repository") or DEFAULT_REPOSITORIES.get(name),
            username=values.get("username") or None,
            password=Secret(password) if password else None,
        )
    return Pypirc(path, entries)


def _line_number(error: Exception) -> str:
    lineno = getattr(error, "lineno", None)
    if lineno is None:
        errors = getattr(error, "errors", None)
        if errors:
            lineno = errors[0][0]
    return str(lineno) if lineno is not None else "?"
