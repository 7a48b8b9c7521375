"""The JSON report, written once whatever ends the run."""

from __future__ import annotations

import json
from pathlib import Path

from hatch_custom_index.model import Outcome, Status
from hatch_custom_index.report import JsonReport
from tests.unit.test_outcome import artifact


def test_the_json_report_is_written_once_with_the_reason(tmp_path: Path) -> None:
    report = JsonReport(tmp_path / "out" / "report.json")
    report.index_url = "https://pkgs.example/upload/"
    report.outcomes = [Outcome(artifact("a.whl", 10), Status.FAILED, "400 Bad Request")]

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
