"""The batch's sha256s, computed while the index is asked what it holds: only a file whose name the index already
lists needs its hash before the upload (to be compared), the others are hashed as they are sent."""

from __future__ import annotations

import os
import queue
import threading
from functools import partial
from typing import TYPE_CHECKING

from hatch_custom_index.digests import SHA256, file_sha256

if TYPE_CHECKING:
    from hatch_custom_index.artifacts import Artifact


class Sha256Prefetch:
    """Hashes the batch's files on one background thread while the index is asked what it holds; `finish(wanted)`
    then hashes the rest of `wanted` on every core and abandons the others, mid-file if need be. Unreadable files are
    left unhashed: the upload says what is wrong with them."""

    def __init__(self, artifacts: list[Artifact]) -> None:
        self._pending: queue.SimpleQueue[Artifact] = queue.SimpleQueue()
        for artifact in artifacts:
            self._pending.put(artifact)
        self._wanted: set[str] | None = None  # names; None: all
        self._threads = [self._start()]

    def _start(self) -> threading.Thread:
        thread = threading.Thread(target=self._work, name="sha256", daemon=True)
        thread.start()
        return thread

    def _is_wanted(self, artifact: Artifact) -> bool:
        return self._wanted is None or artifact.name in self._wanted

    def _is_unwanted(self, artifact: Artifact) -> bool:
        return not self._is_wanted(artifact)

    def _work(self) -> None:
        while True:
            try:
                artifact = self._pending.get_nowait()
            except queue.Empty:
                return
            if SHA256 in artifact.digests or not self._is_wanted(artifact):
                continue
            try:
                digest = file_sha256(artifact.path, partial(self._is_unwanted, artifact))
            except OSError:
                continue
            if digest is not None:
                artifact.record_digests({SHA256: digest})

    def finish(self, wanted: list[Artifact]) -> None:
        """Hash what is left of `wanted` with a thread per core, drop the rest, and wait: afterwards no digest is
        written behind the caller's back."""
        self._wanted = {artifact.name for artifact in wanted}
        helpers = min(len(wanted), self._pending.qsize(), (os.cpu_count() or 1) - 1)
        self._threads += [self._start() for _ in range(helpers)]
        for thread in self._threads:
            thread.join()
