"""What a finished run comes to, as pure functions of its outcomes: the summary line, the failure message, the exit
code."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from hatch_custom_index.model import Outcome, Status
from hatch_custom_index.text import printable_line

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

EXIT_FAILED = 1
EXIT_INTERRUPTED = 130  # the exit code of a program stopped by Ctrl-C (128 + SIGINT)
EXIT_TERMINATED = 143  # ... and by SIGTERM (128 + SIGTERM)


@dataclass(frozen=True)
class Conclusion:
    """The run's end: `message` is None when every file is on the index."""

    message: str | None
    exit_code: int


def conclude(
    outcomes: list[Outcome], repository: str, root: Path, *, interrupted: bool = False, by: str = "Interrupted"
) -> Conclusion:
    """Which files are on the index, which were accepted without being confirmed, which are not there and which are
    unknown (cut off by Ctrl-C, or what `by` names), and why."""
    if interrupted:
        cut = [o.artifact.name for o in outcomes if o.status is Status.INTERRUPTED]
        message = by + (f" while uploading {', '.join(cut)}: it may or may not have reached the index." if cut else ".")
        message += " Publish again to finish; files already there are skipped"
        code = EXIT_INTERRUPTED
    elif all(o.status.on_index or o.status is Status.ACCEPTED for o in outcomes):
        return Conclusion(None, 0)
    else:
        message = "\n".join(
            f"Uploading {o.artifact.name} to {repository} failed: {o.error}"
            for o in outcomes
            if o.status in {Status.FAILED, Status.UNCONFIRMED}
        )
        code = EXIT_FAILED
    return Conclusion((message + "\n" + account(outcomes, root)).strip("\n"), code)


def account(outcomes: list[Outcome], root: Path) -> str:
    """Where each file stands, a line per state that has files: on the index, accepted but not confirmed, not on the
    index. An upload cut off by Ctrl-C may or may not have landed: the caller's message names it, as unknown."""
    lines = []
    on_index = [o.artifact.name for o in outcomes if o.status.on_index]
    accepted = [o.artifact.name for o in outcomes if o.status is Status.ACCEPTED]
    missing = [
        display_path(o.artifact.path, root)
        for o in outcomes
        if not o.status.on_index and o.status not in {Status.INTERRUPTED, Status.ACCEPTED}
    ]
    if on_index:
        lines.append(f"On the index: {', '.join(on_index)}")
    if accepted:
        lines.append(f"Accepted by the index, not confirmed: {', '.join(accepted)}")
    if missing:
        lines.append(f"Not on the index: {', '.join(missing)}")
    return "\n".join(lines)


def unconfirmed(outcomes: list[Outcome], names: set[str], why: str) -> list[Outcome]:
    """The outcomes once the read-back could not be made: the files accepted are not confirmed, for `why`."""
    return [
        Outcome(o.artifact, Status.ACCEPTED, why, o.seconds) if o.artifact.name in names and o.status.sent else o
        for o in outcomes
    ]


def unlisted(outcomes: list[Outcome], names: set[str], why: Callable[[Outcome], str]) -> list[Outcome]:
    """The outcomes once the read-back is known: an upload the index does not list is not a success, whatever
    answered it; `why` words each such file's error."""
    return [
        Outcome(o.artifact, Status.UNCONFIRMED, why(o), o.seconds) if o.artifact.name in names else o for o in outcomes
    ]


def summary(outcomes: list[Outcome], seconds: float) -> str:
    """`2 uploaded (4.1 MB), 1 already there, in 1.3 s`: only the counts that are not zero."""
    uploaded = [o for o in outcomes if o.status is Status.UPLOADED]
    there = sum(1 for o in outcomes if o.status is Status.EXISTS)
    accepted = sum(1 for o in outcomes if o.status is Status.ACCEPTED)
    unknown = sum(1 for o in outcomes if o.status is Status.INTERRUPTED)
    missing = sum(
        1
        for o in outcomes
        if not o.status.on_index and o.status not in {Status.INTERRUPTED, Status.WOULD_UPLOAD, Status.ACCEPTED}
    )
    parts = [
        f"{len(uploaded)} uploaded ({size(sum(o.artifact.size for o in uploaded))})" if uploaded else "none uploaded"
    ]
    if accepted:
        parts.append(f"{accepted} accepted, not confirmed")
    if there:
        parts.append(f"{there} already there")
    if unknown:
        parts.append(f"{unknown} unknown (interrupted)")
    if missing:
        parts.append(f"{missing} not on the index")
    return f"{', '.join(parts)}, in {seconds:.1f} s"


def released(outcomes: list[Outcome]) -> list[tuple[str, str]]:
    """Each (project, version) that got a file in this run, once, in order."""
    return list(dict.fromkeys((o.artifact.project, o.artifact.version) for o in outcomes if o.status.sent))


def size(count: int) -> str:
    """`512 bytes`, `52.3 kB`, `4.1 MB`: decimal units, as PyPI shows sizes."""
    if count < 1000:  # noqa: PLR2004
        return f"{count} byte{'' if count == 1 else 's'}"
    if count < 1_000_000:  # noqa: PLR2004
        return f"{count / 1000:.1f} kB"
    return f"{count / 1_000_000:.1f} MB"


def count(number: int, noun: str) -> str:
    """`1 file`, `2 files`."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


def display_path(path: Path, root: Path) -> str:
    """The path relative to the project when it is inside it, as part of one printed line (a file name's escape
    sequences and line breaks shown escaped)."""
    try:
        return printable_line(str(path.relative_to(root)))
    except ValueError:
        return printable_line(str(path))
