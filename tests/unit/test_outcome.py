"""What a run comes to: the summary line, sizes, the failure message and the exit code (pure functions)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hatch_custom_index.artifacts import Artifact
from hatch_custom_index.model import Outcome, Status
from hatch_custom_index.outcome import EXIT_INTERRUPTED, conclude, count, released, size, summary, unlisted
from hatch_custom_index.pipeline import Prompter

ROOT = Path("/project")


def artifact(name: str, size_in_bytes: int = 10, version: str = "1.0") -> Artifact:
    return Artifact(
        Path("dist", name),
        "bdist_wheel",
        "py3",
        "demo",
        version,
        {},
        size_in_bytes,
        {"sha256_digest": "ab"},
    )


@pytest.mark.parametrize(
    ("count_in_bytes", "shown"),
    [
        (0, "0 bytes"),
        (1, "1 byte"),
        (999, "999 bytes"),
        (52_341, "52.3 kB"),
        (999_949, "999.9 kB"),
        (4_123_000, "4.1 MB"),
    ],
)
def test_sizes_are_in_kb_below_one_mb(count_in_bytes: int, shown: str) -> None:
    assert size(count_in_bytes) == shown


def test_one_file_is_singular() -> None:
    assert count(1, "file") == "1 file"
    assert count(2, "file") == "2 files"


def test_the_summary_leaves_out_counts_that_are_zero() -> None:
    small, large = artifact("a.whl", 52_341), artifact("b.whl", 3_000_000)
    assert (
        summary([Outcome(small, Status.UPLOADED), Outcome(large, Status.EXISTS)], 0.94)
        == "1 uploaded (52.3 kB), 1 already there, in 0.9 s"
    )
    assert (
        summary([Outcome(small, Status.EXISTS), Outcome(large, Status.EXISTS)], 0.2)
        == "none uploaded, 2 already there, in 0.2 s"
    )
    assert (
        summary(
            [
                Outcome(large, Status.UPLOADED),
                Outcome(small, Status.INTERRUPTED),
                Outcome(artifact("c.whl", 1), Status.NOT_ATTEMPTED),
            ],
            3,
        )
        == "1 uploaded (3.0 MB), 1 unknown (interrupted), 1 not on the index, in 3.0 s"
    )


def test_every_file_on_the_index_concludes_with_no_message() -> None:
    outcomes = [Outcome(artifact("a.whl"), Status.UPLOADED), Outcome(artifact("b.whl"), Status.EXISTS)]
    conclusion = conclude(outcomes, "corp", ROOT)
    assert (conclusion.message, conclusion.exit_code) == (None, 0)


def test_a_failure_names_the_file_the_server_s_words_and_what_is_where() -> None:
    outcomes = [
        Outcome(artifact("a.tar.gz"), Status.UPLOADED),
        Outcome(artifact("b.whl"), Status.FAILED, "400 Bad Request: Invalid classifier"),
        Outcome(artifact("c.whl"), Status.NOT_ATTEMPTED),
    ]
    conclusion = conclude(outcomes, "corp", ROOT)
    assert conclusion.exit_code == 1
    assert conclusion.message == (
        "Uploading b.whl to corp failed: 400 Bad Request: Invalid classifier\n"
        "On the index: a.tar.gz\n"
        f"Not on the index: {Path('dist', 'b.whl')}, {Path('dist', 'c.whl')}"
    )


def test_after_ctrl_c_a_file_in_flight_is_unknown_never_also_missing() -> None:
    outcomes = [
        Outcome(artifact("a.tar.gz"), Status.UPLOADED),
        Outcome(artifact("b.whl"), Status.INTERRUPTED),
        Outcome(artifact("c.whl"), Status.NOT_ATTEMPTED),
    ]
    conclusion = conclude(outcomes, "corp", ROOT, interrupted=True)
    assert conclusion.exit_code == EXIT_INTERRUPTED
    assert conclusion.message == (
        "Interrupted while uploading b.whl: it may or may not have reached the index. Publish again to finish; files "
        f"already there are skipped\nOn the index: a.tar.gz\nNot on the index: {Path('dist', 'c.whl')}"
    )


def test_ctrl_c_with_nothing_in_flight() -> None:
    conclusion = conclude([Outcome(artifact("a.whl"), Status.NOT_ATTEMPTED)], "corp", ROOT, interrupted=True)
    assert conclusion.message is not None
    assert conclusion.message.startswith("Interrupted. Publish again to finish")


def test_releases_shown_are_those_that_got_a_file_once_each() -> None:
    outcomes = [
        Outcome(artifact("old.whl", version="1.0"), Status.EXISTS),
        Outcome(artifact("new.tar.gz", version="1.1"), Status.UPLOADED),
        Outcome(artifact("new.whl", version="1.1"), Status.UPLOADED),
    ]
    assert released(outcomes) == [("demo", "1.1")]


def test_time_at_a_prompt_is_counted_apart() -> None:
    clock = [100.0]

    class Output:
        def ask(self, _text: str, **_options: object) -> str:
            clock[0] += 42.0  # the person takes their time
            return "answer"

    prompter = Prompter(Output(), clock=lambda: clock[0])  # type: ignore[arg-type]
    prompter.username("Username", "__token__")
    prompter.password("Password")

    assert prompter.waited == 84.0


def test_an_upload_the_index_does_not_list_is_not_a_success() -> None:
    listed, missing = artifact("a.whl"), artifact("b.whl")
    outcomes = [Outcome(listed, Status.UPLOADED, seconds=1.0), Outcome(missing, Status.UPLOADED, seconds=2.0)]

    after = unlisted(outcomes, {"b.whl"}, lambda o: f"{o.artifact.name} is not listed")

    assert after[0] is outcomes[0]
    assert (after[1].status, after[1].error, after[1].seconds) == (Status.UNCONFIRMED, "b.whl is not listed", 2.0)
    assert conclude(after, "corp", ROOT).exit_code == 1
