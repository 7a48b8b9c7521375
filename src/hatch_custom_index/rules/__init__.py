"""The rules a file must pass before anything is sent: the packaging standards' and PyPI's own, each a small function.

Every rule is a function from a `Subject` (one file, read) to its findings, in the wording PyPI answers with, and cites
the Warehouse function it mirrors, so a change on PyPI's side is easy to follow here. `check` runs them all; which of
them refuse a file is the caller's choice (`rules` option): the standards' everywhere, PyPI's for PyPI.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hatch_custom_index.rules import content, hygiene, layout, metadata, names
from hatch_custom_index.rules.subject import Authority, Finding, Subject

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

__all__ = ["RULES", "Authority", "Finding", "Subject", "check", "unapplied_note"]
NOTE_KINDS = 4  # the kinds of finding a note names; the rest it counts

RULES: tuple[Callable[[Subject], Iterator[Finding]], ...] = (
    *hygiene.RULES,
    *names.RULES,
    *layout.RULES,
    *metadata.RULES,
    *content.RULES,
)


def check(subject: Subject, *, costly: bool = True) -> list[Finding]:
    """Every finding of every rule for one file; without `costly`, the rules that load a renderer are left out (for
    an index whose rules are the standards', where their findings would only be a note)."""
    rules = RULES if costly else [rule for rule in RULES if rule not in metadata.COSTLY]
    return [finding for rule in rules for finding in rule(subject)]


def unapplied_note(unapplied: list[tuple[Path, Finding]]) -> str:
    """One line for what PyPI's rules would refuse where they do not apply: how many files, and which kinds."""
    files = len({path for path, _ in unapplied})
    kinds = list(dict.fromkeys(finding.label for _, finding in unapplied))
    named = "; ".join(kinds[:NOTE_KINDS]) + (f"; {len(kinds) - NOTE_KINDS} more" if len(kinds) > NOTE_KINDS else "")
    return (
        f"Note: PyPI's own rules would refuse {files} file{'s' if files > 1 else ''} ({named}); they do not apply to "
        "this index (option `rules`), so nothing is held back"
    )
