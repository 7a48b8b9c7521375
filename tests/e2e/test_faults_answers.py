"""Faults that attack the answers: status codes to retry or not, answers that look like success and are not (204, a 200
that stores nothing, a sign-in page, a redirect to a login page), answers that echo secrets or carry terminal escapes,
and hostile project pages.

Made, not mocked: a Warehouse-like index on 127.0.0.1 that answers wrongly on purpose. Every scenario publishes with a
recognisable token and checks it never reaches the output.
"""

from __future__ import annotations

import base64
import time

import pytest

from devtools.warehouse import Fault, FaultKind
from tests.e2e.faulting import PLAIN_SECRET, built_wheel_project, posts, publish

pytestmark = pytest.mark.e2e


@pytest.fixture
def wheel_project(sandbox, warehouse):
    return built_wheel_project(sandbox, warehouse)


# --- retries ----------------------------------------------------------------------------------------------------------


# Each retry rule, with its waits recorded rather than slept, is in tests/unit/test_index_client.py; these prove the
# rules reach a real run, with the fewest real waits (0.5 s each).


def test_server_errors_are_retried_until_the_upload_lands(wheel_project, warehouse):
    warehouse.state.faults += [Fault.status(503)]

    result = publish(wheel_project)

    assert result.returncode == 0, result.output
    assert "... success" in result.output
    assert result.output.count("retrying in") == 1
    assert "503 Service Unavailable: Injected 503; retrying in " in result.output
    assert posts(warehouse) == 2
    assert len(warehouse.state.uploads) == 1


def test_retries_run_out(wheel_project, warehouse):
    warehouse.state.faults += [Fault.status(503)] * 2

    result = publish(wheel_project, "-o", "retries=1")

    assert result.returncode == 1
    assert "503 Service Unavailable: Injected 503 (tried 2 times)" in result.output
    assert "Not on the index:" in result.output
    assert warehouse.state.uploads == []


def test_too_many_requests_waits_as_long_as_retry_after_says(wheel_project, warehouse):
    warehouse.state.faults.append(Fault.status(429, retry_after=1))

    result = publish(wheel_project)

    assert result.returncode == 0, result.output
    times = [when for method, _, when in warehouse.state.requests if method == "POST"]
    assert times[1] - times[0] >= 1
    assert "429 Too Many Requests" in result.output


def test_a_client_error_is_final(wheel_project, warehouse):
    warehouse.state.faults.append(Fault.status(400))

    result = publish(wheel_project)

    assert result.returncode == 1
    assert "400 Bad Request: Injected 400" in result.output
    assert "retrying" not in result.output
    assert posts(warehouse) == 1


def test_a_failing_existence_check_is_retried_then_a_warning(wheel_project, warehouse):
    warehouse.state.get_faults += [Fault.status(500)] * 2

    result = publish(wheel_project, "-o", "retries=1")

    assert result.returncode == 0, result.output
    assert "Warning: could not check" in result.output
    assert "uploading anyway" in result.output
    assert len(warehouse.state.uploads) == 1


# --- answers that are not success -------------------------------------------------------------------------------------


def test_no_content_is_accepted_and_then_not_found_listed(wheel_project, warehouse):
    """Any 2xx is an index's "accepted" (Pulp's 202 stores the file a moment later): the read-back decides."""
    warehouse.state.faults.append(Fault(FaultKind.NO_CONTENT))  # 204, and nothing stored

    result = publish(wheel_project, "-o", "confirm=1")

    assert result.returncode == 1
    assert "does not list the file after 1 s (option `confirm`): it was not stored" in result.output
    assert "... not listed" in result.output
    assert warehouse.state.files == {}


def test_a_redirect_to_a_login_page_is_not_success(wheel_project, warehouse):
    warehouse.state.faults.append(Fault(FaultKind.LOGIN_REDIRECT))

    result = publish(wheel_project)

    assert result.returncode == 1
    assert f"redirect to {warehouse.origin}/login?next=/legacy/ (302)" in result.output
    assert "... success" not in result.output


# --- success means the index has the file -----------------------------------------------------------------------------


def test_a_200_without_the_file_stored_is_not_success(wheel_project, warehouse):
    warehouse.state.faults.append(Fault(FaultKind.ACCEPT_NO_STORE))

    result = publish(wheel_project, "-o", "confirm=1")

    assert result.returncode == 1
    assert "... not listed" in result.output
    assert "does not list the file after 1 s (option `confirm`)" in result.output
    assert "none uploaded" in result.output
    assert "1 not on the index" in result.output


def test_a_sign_in_page_answering_the_upload_is_a_failure(wheel_project, warehouse):
    warehouse.state.faults.append(Fault(FaultKind.SIGN_IN))

    result = publish(wheel_project)

    assert result.returncode == 1
    assert "... failed" in result.output
    assert "the upload was answered by a sign-in page (200, HTML with a password form)" in result.output
    assert warehouse.state.uploads == []


def test_confirm_0_turns_the_read_back_off(wheel_project, warehouse):
    warehouse.state.faults.append(Fault(FaultKind.ACCEPT_NO_STORE))

    result = publish(wheel_project, "-o", "confirm=0")

    assert result.returncode == 0  # as asked: the index's word is taken
    assert sum(1 for method, _, _ in warehouse.state.requests if method == "GET") == 1


# --- answers that repeat secrets or carry escapes ---------------------------------------------------------------------


def test_a_server_that_echoes_the_token_has_it_scrubbed(wheel_project, warehouse):
    warehouse.state.faults.append(Fault(FaultKind.ECHO_AUTH))

    result = publish(wheel_project)  # publish() asserts the token is absent

    assert result.returncode == 1
    assert "400 Bad Request: Bad request from __token__:********; tokens look like ********" in result.output


@pytest.mark.parametrize("verbose", [0, 2], ids=["plain", "-vv"])
def test_an_index_that_echoes_the_basic_header_never_gets_it_printed(wheel_project, warehouse, verbose):
    warehouse.state.faults.append(Fault(FaultKind.ECHO_HEADER))
    basic = base64.b64encode(f"__token__:{PLAIN_SECRET}".encode()).decode()

    result = wheel_project.publish("-o", "repo=warehouse", "-a", PLAIN_SECRET, verbose=verbose)

    assert result.returncode == 1
    assert "Rejected: Authorization: Basic ********" in result.output
    assert basic not in result.output
    assert basic[12:24] not in result.output  # not even a part of it
    assert PLAIN_SECRET not in result.output


def test_a_password_where_a_message_is_cut_is_removed_before_the_cut(wheel_project, warehouse):
    warehouse.state.faults.append(Fault(FaultKind.ECHO_AT_CUT))

    result = wheel_project.publish("-o", "repo=warehouse", "-a", PLAIN_SECRET)

    assert result.returncode == 1
    assert "x ******** tail" in result.output or "x ********" in result.output
    assert PLAIN_SECRET[:6] not in result.output  # no first half left by the cut


def test_escape_sequences_from_the_index_are_shown_harmless(wheel_project, warehouse):
    warehouse.state.faults.append(Fault(FaultKind.ESCAPES))

    result = publish(wheel_project)

    assert result.returncode == 1
    assert "\x1b" not in result.output
    assert "\x07" not in result.output
    assert "nope\\x1b[2K\\r\\x1b[32mdist/evil.whl ... success" in result.output


# --- bounded reading --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "timeout", "said"),
    [
        (FaultKind.ENDLESS, 10, "sent an answer larger than 64 MiB (200)"),
        (FaultKind.GZIP_BOMB, 10, "sent an answer larger than 64 MiB (200)"),
        (FaultKind.TRICKLE, 1, "did not finish its answer within 1 s of starting it (option `timeout`)"),
    ],
    ids=lambda value: value.value if isinstance(value, FaultKind) else None,  # the ids they had as strings
)
def test_a_hostile_project_page_ends_in_a_clear_message(wheel_project, warehouse, kind, timeout, said):
    warehouse.state.get_faults.append(Fault(kind, seconds=20))
    started = time.monotonic()

    result = publish(wheel_project, "-o", f"timeout={timeout}", "-o", "retries=0")

    assert said in result.output
    assert time.monotonic() - started < 15
    assert "Traceback" not in result.output
