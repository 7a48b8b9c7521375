"""The live display on a terminal: a bar per running upload (bytes, rate, time left) and one for the whole batch.

Used only when stderr is a terminal, Hatch is not quiet, and neither NO_COLOR nor TERM=dumb is set; otherwise each
finished file is one plain line. Finished files are printed above the bars, in the plan's order.
"""

from __future__ import annotations

import os
import sys
import threading
from typing import TYPE_CHECKING

from hatch_custom_index.outcome import count

if TYPE_CHECKING:
    from rich.progress import TaskID

    from hatch_custom_index.artifacts import Artifact


def wanted(verbosity: int) -> bool:
    return (
        sys.stderr.isatty()
        and verbosity >= 0
        and not os.environ.get("NO_COLOR")
        and os.environ.get("TERM", "") != "dumb"
    )


class LiveProgress:
    """Thread-safe: the upload threads report bytes, the main thread prints the finished lines."""

    def __init__(self, artifacts: list[Artifact]) -> None:
        # Imported here: bars are drawn only on a terminal, for uploads (12 ms that a CI log or a re-publish skips).
        from rich.console import Console  # noqa: PLC0415
        from rich.progress import (  # noqa: PLC0415
            BarColumn,
            DownloadColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
            TransferSpeedColumn,
        )

        self.console = Console(stderr=True, highlight=False)
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
            console=self.console,
            transient=True,
        )
        self._total = self._progress.add_task(count(len(artifacts), "file"), total=sum(a.size for a in artifacts))
        self._tasks: dict[str, TaskID] = {}
        self._sent: dict[str, int] = {}
        self._lock = threading.Lock()

    def __enter__(self) -> LiveProgress:  # noqa: PYI034 -- typing.Self needs Python 3.11
        self._progress.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._progress.stop()

    def start(self, artifact: Artifact) -> None:
        """A new attempt at this file: its bar starts from zero (a retry gives back what it had counted)."""
        with self._lock:
            task = self._tasks.get(artifact.name)
            if task is None:
                self._tasks[artifact.name] = self._progress.add_task(artifact.name, total=artifact.size)
            else:
                self._progress.reset(task, total=artifact.size, description=artifact.name)
                self._progress.advance(self._total, -self._sent.get(artifact.name, 0))
            self._sent[artifact.name] = 0

    def advance(self, artifact: Artifact, sent: int) -> None:
        """`sent` more bytes of the file went out; once all have, the index is checking and storing it."""
        with self._lock:
            before = self._sent.get(artifact.name, 0)
            self._sent[artifact.name] = before + sent
            task = self._tasks[artifact.name]
            self._progress.advance(task, sent)
            self._progress.advance(self._total, sent)
            if before < artifact.size <= before + sent:
                self._progress.update(task, description=f"{artifact.name} (waiting for the index)")

    def finish(self, artifact: Artifact) -> None:
        with self._lock:
            task = self._tasks.pop(artifact.name, None)
            if task is not None:
                self._progress.remove_task(task)

    def print(self, line: str, style: str) -> None:
        self.console.print(line, style=style, markup=False, overflow="ignore", crop=False)
