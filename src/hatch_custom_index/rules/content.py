"""Content PyPI's acceptable-use policy refuses, found as Warehouse's scanner finds it (`warehouse/utils/scanner.py`
and its YARA rules in `warehouse/utils/scanner_rules/`): the same members (`.py` and `.pye` up to 5 MiB), the same
strings. Both rules are plain string matches, so no YARA engine is needed to mirror them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hatch_custom_index.rules.subject import Authority, Finding, Subject

if TYPE_CHECKING:
    from collections.abc import Iterator

POLICY = "See https://pypi.org/policy/acceptable-use-policy/ for more information."
# The needles are joined here at import time, never spelled whole: PyPI runs these very rules on the `.py` members of
# every upload, this project's own sdist and wheel included (tests/e2e/test_dogfood.py).
_PYARMOR = "__py" + "armor"
# pyarmor.yar: any of these.
PYARMOR = tuple(
    (_PYARMOR + tail).encode() for tail in ("__(__name__, __file__,", "_enter__", "_exit__", "_assert__", "_bcc__")
)
# sourcedefender.yar: all of these.
SOURCEDEFENDER = tuple(f"---{edge} PYE FILE---".encode() for edge in ("BEGIN", "END"))


def refused_content(_member: str, data: bytes) -> str | None:
    """The policy a scanned member's content breaks, in PyPI's words, or None."""
    if any(marker in data for marker in PYARMOR):
        return f"PyArmor-encrypted content is not allowed. {POLICY}"
    if all(marker in data for marker in SOURCEDEFENDER):
        return f"SourceDefender-encrypted content is not allowed. {POLICY}"
    return None


def policy_content(subject: Subject) -> Iterator[Finding]:
    """What the scan found while the archive was read."""
    for member, policy in subject.contents.flagged:
        label = "PyArmor" if "PyArmor" in policy else "SourceDefender"
        yield Finding(Authority.PYPI, f"{label}-encrypted content", f"Invalid distribution file. {policy} ({member})")


RULES = (policy_content,)
