"""Did you mean: the nearest real name for a mistyped one, and the variables of other tools that this plugin does
not read (pure functions over names)."""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

# Variables that other publishers read and this plugin does not, with the one it reads instead.
LOOK_ALIKES = {
    "HATCH_INDEX_PASSWORD": "HATCH_INDEX_AUTH",
    "HATCH_INDEX_TOKEN": "HATCH_INDEX_AUTH",
    "HATCH_INDEX_USERNAME": "HATCH_INDEX_USER",
    "TWINE_PASSWORD": "HATCH_INDEX_AUTH",
    "TWINE_USERNAME": "HATCH_INDEX_USER",
    "TWINE_REPOSITORY_URL": "HATCH_INDEX_REPO",
    "PYPI_TOKEN": "HATCH_INDEX_AUTH",
    "PYPI_API_TOKEN": "HATCH_INDEX_AUTH",
    "UV_PUBLISH_TOKEN": "HATCH_INDEX_AUTH",
    "UV_PUBLISH_PASSWORD": "HATCH_INDEX_AUTH",
    "UV_PUBLISH_USERNAME": "HATCH_INDEX_USER",
    "UV_PUBLISH_URL": "HATCH_INDEX_REPO",
    "FLIT_PASSWORD": "HATCH_INDEX_AUTH",
    "POETRY_PYPI_TOKEN_PYPI": "HATCH_INDEX_AUTH",
}


def nearest(name: str, known: Iterable[str]) -> str | None:
    """The known name closest to `name`, if one is close (`compnay` → `company`)."""
    found = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return found[0] if found else None


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """`: did you mean 'company'?` or `.`, to end a sentence that names `name`."""
    found = nearest(name, known)
    return f": did you mean {found!r}?" if found else "."


def look_alike_variables(environ: Mapping[str, str], read: Iterable[str]) -> list[str]:
    """A line for each variable that is set but not read here, naming the one to use: other tools' names, and
    mistyped `HATCH_INDEX_*` ones (`read` are the variables this plugin reads)."""
    read = set(read)
    lines = []
    for variable in sorted(environ):
        if variable in read or not environ[variable]:
            continue
        instead = LOOK_ALIKES.get(variable)
        if instead is None and variable.startswith("HATCH_INDEX_"):
            instead = nearest(variable, read)
        if instead is not None:
            lines.append(f"{variable} is set but not read; use {instead}")
    return lines
