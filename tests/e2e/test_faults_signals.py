"""Faults that attack the run itself: Ctrl-C and SIGTERM before any upload, during one, and during a release's first.

Each run is in a terminal against a Warehouse-like index on 127.0.0.1 that hangs on purpose; it must end promptly,
say what is on the index and what is not, and never show the token.
"""

from __future__ import annotations

import json
import signal
import time

import pytest

from devtools.warehouse import Fault, FaultKind
from tests.e2e.conftest import WAREHOUSE_TOKEN, finish
from tests.e2e.faulting import configure, posts

pytestmark = pytest.mark.e2e


def ctrl_c_at_post(
    sandbox, warehouse, project, number: int, method: str = "POST", *args: str, stop: int = signal.SIGINT
) -> tuple[float, int | None, str]:
    """Publish in a terminal and press Ctrl-C (or send `stop`) once the index has received request `number` of
    `method` (an upload, by default): how long the run took to end after it, its exit code and its output."""
    child = sandbox.spawn(
        project, "-o", "repo=warehouse", "-o", "user=__token__", *args, env={"HATCH_INDEX_AUTH": WAREHOUSE_TOKEN}
    )
    deadline = time.monotonic() + 20
    while sum(1 for seen, _, _ in warehouse.state.requests if seen == method) < number and time.monotonic() < deadline:
        time.sleep(0.05)
    child.kill(stop)
    interrupted = time.monotonic()
    code, output = finish(child)
    return time.monotonic() - interrupted, code, output


# --- Ctrl-C -----------------------------------------------------------------------------------------------------------


def test_ctrl_c_before_any_upload_says_nothing_was_uploaded(sandbox, warehouse):
    configure(sandbox, warehouse)
    project = sandbox.project()
    project.build()
    warehouse.state.get_faults.append(Fault(FaultKind.STALL, seconds=30))  # the check for files already there hangs

    seconds, code, output = ctrl_c_at_post(sandbox, warehouse, project, 1, method="GET")

    assert seconds < 15, "Ctrl-C waited for the hanging existence check (it stalls 30 s)"
    assert code == 130, output
    assert "Interrupted before any upload; nothing was uploaded" in output
    assert posts(warehouse) == 0
    assert "Traceback" not in output
    assert WAREHOUSE_TOKEN not in output


def test_ctrl_c_during_an_upload_stops_cleanly(sandbox, warehouse):
    configure(sandbox, warehouse)
    project = sandbox.project()
    _, wheel = project.build()
    # The sdist lands, the wheel hangs.
    warehouse.state.faults += [Fault(FaultKind.NONE), Fault(FaultKind.STALL, seconds=30)]

    seconds, code, output = ctrl_c_at_post(sandbox, warehouse, project, 2)

    assert seconds < 15, "Ctrl-C waited for the hanging upload (it stalls 30 s)"
    assert code == 130
    assert f"Interrupted while uploading {wheel.name}: it may or may not have reached the index" in output
    assert ".tar.gz" in output.split("On the index:", 1)[1]
    assert "Not on the index:" not in output  # the wheel's state is unknown, and said so once
    assert "1 uploaded (" in output
    assert "1 unknown (interrupted)" in output
    assert "Traceback" not in output
    assert WAREHOUSE_TOKEN not in output


def test_ctrl_c_during_the_first_upload_of_a_release_stops_cleanly(sandbox, warehouse):
    configure(sandbox, warehouse)
    project = sandbox.project()
    sdist, wheel = project.build()
    warehouse.state.faults += [Fault(FaultKind.STALL, seconds=30)]  # the sdist, uploaded alone first, hangs

    seconds, code, output = ctrl_c_at_post(sandbox, warehouse, project, 1)

    assert seconds < 15, "Ctrl-C waited for the hanging upload (it stalls 30 s)"
    assert code == 130
    assert f"{sdist.name} ... interrupted" in output
    assert f"{wheel.name} ... not attempted" in output
    assert f"Interrupted while uploading {sdist.name}" in output
    assert f"Not on the index: dist/{wheel.name}\r\n" in output
    assert "On the index:" not in output
    assert "Traceback" not in output
    assert WAREHOUSE_TOKEN not in output


# --- SIGTERM ----------------------------------------------------------------------------------------------------------


def test_sigterm_during_an_upload_is_handled_as_ctrl_c_and_writes_the_report(sandbox, warehouse, tmp_path):
    configure(sandbox, warehouse)
    project = sandbox.project()
    _, wheel = project.build()
    # The sdist lands, the wheel hangs.
    warehouse.state.faults += [Fault(FaultKind.NONE), Fault(FaultKind.STALL, seconds=30)]
    report = tmp_path / "report.json"

    seconds, code, output = ctrl_c_at_post(
        sandbox, warehouse, project, 2, "POST", "-o", f"report={report}", stop=signal.SIGTERM
    )

    assert seconds < 15, "SIGTERM waited for the hanging upload (it stalls 30 s)"
    assert code == 143
    assert f"Terminated (SIGTERM) while uploading {wheel.name}: it may or may not have reached the index" in output
    assert ".tar.gz" in output.split("On the index:", 1)[1]
    assert "1 unknown (interrupted)" in output
    written = json.loads(report.read_text())
    assert written["error"].startswith("Terminated (SIGTERM) while uploading")
    assert [entry["status"] for entry in written["files"]] == ["success", "interrupted"]
    assert WAREHOUSE_TOKEN not in output


def test_sigterm_before_any_upload_says_nothing_was_uploaded(sandbox, warehouse):
    configure(sandbox, warehouse)
    project = sandbox.project()
    project.build()
    warehouse.state.get_faults.append(Fault(FaultKind.STALL, seconds=30))

    seconds, code, output = ctrl_c_at_post(sandbox, warehouse, project, 1, "GET", stop=signal.SIGTERM)

    assert seconds < 15
    assert code == 143
    assert "Terminated (SIGTERM) before any upload; nothing was uploaded" in output
    assert posts(warehouse) == 0
