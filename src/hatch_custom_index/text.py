"""Foreign text made safe to print: the one place that escapes what a file name, an index's message or a token
service's answer could use to forge a line of ours or drive the terminal."""

from __future__ import annotations

import unicodedata

CONTINUATION = "\n    "  # where a foreign text's next line goes: indented under our line, never at the start of one


def _escaped(char: str) -> str:
    return repr(char)[1:-1] if char != "\\" else char


def printable(text: str) -> str:
    """`text` with control characters and escape sequences (cursor moves, OSC 52 clipboard writes, a carriage return
    that overwrites a line) made visible and harmless, each as `\\xNN` / `\\uNNNN`; so are the line breaks other than
    `\\n` (U+0085, U+2028, U+2029), which a terminal or a CI's log may break a line at. `\\n` and tabs stay."""
    return "".join(
        char if char in "\n\t" or unicodedata.category(char) not in _UNPRINTABLE else _escaped(char) for char in text
    )


def printable_line(text: str) -> str:
    """`text` as part of one line of ours (a file name): `printable`, with `\\n` and tabs escaped too."""
    return printable(text).replace("\n", "\\n").replace("\t", "\\t")


def continued(text: str) -> str:
    """A foreign text of several lines (an index's message) made printable, each line after the first indented
    under the line of ours that carries it."""
    return printable(text).replace("\n", CONTINUATION)


# Control, format, surrogate, private-use and unassigned characters, and the line and paragraph separators.
_UNPRINTABLE = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
