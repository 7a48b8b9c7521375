"""Running the uploads: the first file of each new release alone, the rest `jobs` at a time over one connection pool,
outcomes reported in the plan's order, and no new upload started once one has failed."""

from __future__ import annotations

import queue
import threading
import time
from typing import TYPE_CHECKING, Protocol

from hatch_custom_index.errors import IndexRefusedError, PublishError
from hatch_custom_index.model import Outcome, Status

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from hatch_custom_index.artifacts import Artifact
    from hatch_custom_index.progress import LiveProgress


class Send(Protocol):
    """Sends one file (telling `progress` the bytes as they go, when bars are drawn): UPLOADED or EXISTS, or raises
    a PublishError."""

    def __call__(self, artifact: Artifact, progress: Callable[[int | None], None] | None, /) -> Status: ...


class Uploader:
    """Uploads a planned batch with `send`; `report` is called once per file, in the batch's order. `cut_off` closes
    the connections under the running uploads (Ctrl-C); `unexpected` words an exception nobody expected."""

    def __init__(
        self,
        send: Send,
        *,
        jobs: int,
        report: Callable[[Outcome], None],
        cut_off: Callable[[], None],
        unexpected: Callable[[Exception], str],
        progress: LiveProgress | None = None,
    ) -> None:
        self.send = send
        self.jobs = jobs
        self.report = report
        self.cut_off = cut_off
        self.unexpected = unexpected
        self.progress = progress
        self._stop = threading.Event()
        self._started: set[str] = set()
        self._done: queue.SimpleQueue[Outcome] = queue.SimpleQueue()  # the concurrent uploads' outcomes

    def run(self, batch: list[Artifact], to_upload: list[Artifact]) -> list[Outcome]:
        """Every file's outcome, in the batch's order. Ctrl-C stops it: running uploads are cut off and reported as
        interrupted, the rest as not attempted."""
        uploading = {a.name for a in to_upload}  # by name: a list's `in` compares whole artifacts, N times over
        outcomes: dict[str, Outcome] = {a.name: Outcome(a, Status.EXISTS) for a in batch if a.name not in uploading}
        printer = _OrderedReport(batch, self.report)
        for outcome in outcomes.values():
            printer.add(outcome)
        first, rest = self._first_of_each_new_release(batch, to_upload)
        try:
            for artifact in first:  # alone, on this thread: the first upload creates the project and the release
                outcome = self._upload(artifact)
                outcomes[artifact.name] = outcome
                printer.add(outcome)
            for outcome in self._upload_concurrently(rest):
                outcomes[outcome.artifact.name] = outcome
                printer.add(outcome)
        except KeyboardInterrupt:
            self._stop.set()
            started = set(self._started)
            while not self._done.empty():  # finished, but not yet taken
                outcome = self._done.get()
                outcomes.setdefault(outcome.artifact.name, outcome)
            self.cut_off()  # cuts off the uploads still running; their threads die with the process
            for artifact in to_upload:
                status = Status.INTERRUPTED if artifact.name in started else Status.NOT_ATTEMPTED
                outcomes.setdefault(artifact.name, Outcome(artifact, status))
            for artifact in batch:
                printer.add(outcomes[artifact.name])
            raise UploadInterrupted([outcomes[artifact.name] for artifact in batch]) from None
        for artifact in batch:  # the first files' failure leaves the rest not attempted
            printer.add(outcomes.setdefault(artifact.name, Outcome(artifact, Status.NOT_ATTEMPTED)))
        return [outcomes[artifact.name] for artifact in batch]

    def _upload_concurrently(self, artifacts: list[Artifact]) -> Iterator[Outcome]:
        """Upload `jobs` at a time; each outcome as it comes. The threads are daemons, so a Ctrl-C never waits for an
        upload that hangs."""
        todo: queue.SimpleQueue[Artifact] = queue.SimpleQueue()
        for artifact in artifacts:
            todo.put(artifact)

        def work() -> None:
            while True:
                try:
                    artifact = todo.get_nowait()
                except queue.Empty:
                    return
                self._done.put(self._upload(artifact))

        for number in range(min(self.jobs, len(artifacts))):
            threading.Thread(target=work, name=f"upload-{number}", daemon=True).start()
        for _ in artifacts:
            yield self._done.get()

    def _upload(self, artifact: Artifact) -> Outcome:
        if self._stop.is_set():
            return Outcome(artifact, Status.NOT_ATTEMPTED)
        self._started.add(artifact.name)
        started = time.monotonic()
        try:
            result = self.send(artifact, self._progress_of(artifact))
        except PublishError as e:
            self._stop.set()
            refused = e.status if isinstance(e, IndexRefusedError) else 0
            return Outcome(artifact, Status.FAILED, str(e), time.monotonic() - started, refused)
        except Exception as e:  # noqa: BLE001 -- a bug, or the connections closed under it by Ctrl-C: reported
            self._stop.set()
            return Outcome(
                artifact, Status.FAILED, f"unexpected {self.unexpected(e)} (-v shows where)", time.monotonic() - started
            )
        finally:
            if self.progress is not None:
                self.progress.finish(artifact)
        return Outcome(artifact, result, seconds=time.monotonic() - started)

    def _progress_of(self, artifact: Artifact) -> Callable[[int | None], None] | None:
        """What tells the live bars about `artifact`'s upload, when bars are drawn."""
        progress = self.progress
        if progress is None:
            return None

        def update(sent: int | None) -> None:
            if sent is None:
                progress.start(artifact)
            else:
                progress.advance(artifact, sent)

        return update

    def _first_of_each_new_release(
        self, batch: list[Artifact], to_upload: list[Artifact]
    ) -> tuple[list[Artifact], list[Artifact]]:
        """A release with no file on the index yet gets its first file uploaded alone; the batch is in plan order,
        so that is its sdist when it has one."""
        uploading = {a.name for a in to_upload}
        released = {(a.project, a.version) for a in batch if a.name not in uploading}
        first: dict[tuple[str, str], Artifact] = {}
        for artifact in to_upload:
            release = (artifact.project, artifact.version)
            if release not in released:
                first.setdefault(release, artifact)
        firsts = list(first.values())
        alone = {a.name for a in firsts}
        return firsts, [a for a in to_upload if a.name not in alone]


class UploadInterrupted(Exception):  # noqa: N818 -- it is what happened, not an error of the plugin
    """Ctrl-C during the uploads; carries every file's outcome."""

    def __init__(self, outcomes: list[Outcome]) -> None:
        super().__init__("interrupted")
        self.outcomes = outcomes


class _OrderedReport:
    """Passes outcomes on in the batch's order, each as soon as all before it are known."""

    def __init__(self, batch: list[Artifact], report: Callable[[Outcome], None]) -> None:
        self.order = [artifact.name for artifact in batch]
        self.known: dict[str, Outcome] = {}
        self.next = 0
        self.report = report

    def add(self, outcome: Outcome) -> None:
        self.known.setdefault(outcome.artifact.name, outcome)
        while self.next < len(self.order) and self.order[self.next] in self.known:
            self.report(self.known[self.order[self.next]])
            self.next += 1
