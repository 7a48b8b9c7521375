"""The closing summary, sizes, and the JSON report written once whatever ends the run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hatch_custom_index import publisher
from hatch_custom_index.artifacts import Artifact
from hatch_custom_index.report import (
    EXISTS,
    FAILED,
    INTERRUPTED,
    NOT_ATTEMPTED,
    UPLOADED,
    JsonReport,
    Outcome,
    count,
    size,
    summary,
)


def artifact(name: str, size_in_bytes: int) -> Artifact:
    return Artifact(Path("dist", name), "bdist_wheel", "py3", "demo", "1.0", {}, size_in_bytes, {"sha256_digest": "ab"})


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
        summary([Outcome(small, UPLOADED), Outcome(large, EXISTS)], 0.94)
        == "1 uploaded (52.3 kB), 1 already there, in 0.9 s"
    )
    assert summary([Outcome(small, EXISTS), Outcome(large, EXISTS)], 0.2) == "none uploaded, 2 already there, in 0.2 s"
    assert (
        summary(
            [Outcome(large, UPLOADED), Outcome(small, INTERRUPTED), Outcome(artifact("c.whl", 1), NOT_ATTEMPTED)], 3
        )
        == "1 uploaded (3.0 MB), 1 unknown (interrupted), 1 not on the index, in 3.0 s"
    )


def test_the_json_report_is_written_once_with_the_reason(tmp_path: Path) -> None:
    report = JsonReport(tmp_path / "out" / "report.json")
    report.index_url = "https://pkgs.example/upload/"
    report.outcomes = [Outcome(artifact("a.whl", 10), FAILED, "400 Bad Request")]

    assert report.write(error="Uploading a.whl failed") is None
    assert report.write(error="a second reason is not written") is None

    written = json.loads((tmp_path / "out" / "report.json").read_text())
    assert written["error"] == "Uploading a.whl failed"
    assert written["index_url"] == "https://pkgs.example/upload/"
    assert [(entry["file"], entry["status"], entry["error"]) for entry in written["files"]] == [
        (str(Path("dist", "a.whl")), "failed", "400 Bad Request")
    ]


def test_a_report_that_cannot_be_written_says_so_and_none_is_silent(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    assert "cannot write the report" in (JsonReport(tmp_path / "file" / "report.json").write() or "")
    assert JsonReport(None).write(error="nothing to write to") is None


def test_time_at_a_prompt_is_counted_apart() -> None:
    clock = [100.0]

    class App:
        def prompt(self, _text: str, **_options: object) -> str:
            clock[0] += 42.0  # the person takes their time
            return "answer"

    prompter = publisher._HatchPrompter(App(), clock=lambda: clock[0])  # noqa: SLF001
    prompter.username("Username", "__token__")
    prompter.password("Password")

    assert prompter.waited == 84.0
