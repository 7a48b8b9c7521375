"""The upload runner: a new release's first file alone, the rest in parallel, outcomes in the plan's order, and a
failure, even an unexpected one, reported with what it was (never a bare exception name)."""

from __future__ import annotations

import threading
from pathlib import Path

from hatch_custom_index.artifacts import Artifact
from hatch_custom_index.errors import IndexRefusedError, Redactor, Secret, describe_unexpected
from hatch_custom_index.model import Credentials, Status
from hatch_custom_index.uploads import Uploader

SECRET = Secret("s3cret-token-Qz81")


def artifact(name: str, version: str = "1.0") -> Artifact:
    filetype = "sdist" if name.endswith(".tar.gz") else "bdist_wheel"
    return Artifact(Path("dist", name), filetype, "py3", "demo", version, {}, 10)


class Index:
    """Stands in for IndexClient's upload: records the order, fails as told."""

    def __init__(self, failures: dict[str, Exception] | None = None) -> None:
        self.redact = Redactor()
        self.redact.add(SECRET)
        self.failures = failures or {}
        self.sent: list[str] = []
        self.events: list[tuple[str, str]] = []  # ("start" | "end", file name), in the order they happened
        self.debugged: list[str] = []
        self.lock = threading.Lock()
        self.release = threading.Event()  # holds every upload but the first until set
        self.release.set()

    def upload(self, artifact: Artifact, _credentials: Credentials) -> Status:
        with self.lock:
            first = not self.sent
            self.sent.append(artifact.name)
            self.events.append(("start", artifact.name))
        if first:  # the first upload takes its time: a runner that does not wait for it starts others meanwhile
            self.release.wait(0.2)
        with self.lock:
            self.events.append(("end", artifact.name))
        if artifact.name in self.failures:
            raise self.failures[artifact.name]
        return Status.UPLOADED

    def debug(self, message: str) -> None:
        self.debugged.append(message)


class Chain:
    def get(self) -> Credentials:
        return Credentials("__token__", SECRET)


def run(index: Index, batch: list[Artifact], to_upload: list[Artifact]) -> list[tuple[str, Status, str | None]]:
    reported = []
    uploader = Uploader(
        lambda artifact, _progress: index.upload(artifact, Chain().get()),
        jobs=4,
        report=reported.append,
        cut_off=lambda: None,
        unexpected=lambda error: describe_unexpected(error, index.redact, index.debug),
    )
    outcomes = uploader.run(batch, to_upload)
    assert [o.artifact.name for o in reported] == [a.name for a in batch]  # in the plan's order
    return [(o.artifact.name, o.status, o.error) for o in outcomes]


def test_a_new_release_s_first_file_goes_alone_then_the_rest() -> None:
    sdist, wheels = artifact("demo-1.0.tar.gz"), [artifact(f"demo-1.0-py3{n}-none-any.whl") for n in range(5)]
    index = Index()
    index.release.clear()

    outcomes = run(index, [sdist, *wheels], [sdist, *wheels])

    assert index.events[:2] == [("start", sdist.name), ("end", sdist.name)]  # nothing else began meanwhile
    assert {status for _, status, _ in outcomes} == {Status.UPLOADED}


def test_a_release_already_on_the_index_has_no_first_file_and_what_is_there_is_reported() -> None:
    there, new = artifact("demo-1.0.tar.gz"), artifact("demo-1.0-py3-none-any.whl")

    outcomes = run(Index(), [there, new], [new])

    assert outcomes == [(there.name, Status.EXISTS, None), (new.name, Status.UPLOADED, None)]


def test_a_failed_first_file_leaves_the_rest_not_attempted() -> None:
    sdist, wheel = artifact("demo-1.0.tar.gz"), artifact("demo-1.0-py3-none-any.whl")
    index = Index({sdist.name: IndexRefusedError("400 Bad Request: Invalid classifier", 400)})

    outcomes = run(index, [sdist, wheel], [sdist, wheel])

    assert outcomes == [
        (sdist.name, Status.FAILED, "400 Bad Request: Invalid classifier"),
        (wheel.name, Status.NOT_ATTEMPTED, None),
    ]
    assert index.sent == [sdist.name]


def test_an_unexpected_exception_keeps_its_type_and_message_without_secrets() -> None:
    wheel = artifact("demo-1.0-py3-none-any.whl")
    index = Index({wheel.name: KeyError(f"lost {SECRET.reveal()}")})

    ((_, status, error),) = run(index, [wheel], [wheel])

    assert status is Status.FAILED
    assert error == "unexpected KeyError: 'lost ********' (-v shows where)"
    (traceback,) = index.debugged
    assert traceback.startswith("Traceback (most recent call last):")
    assert "KeyError" in traceback
    assert SECRET.reveal() not in traceback
