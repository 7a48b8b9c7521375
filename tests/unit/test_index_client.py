"""The index client against a real HTTP index on 127.0.0.1 (the Warehouse stand-in) with faults made on purpose: each
retry rule, the recovery by hash, and the failures that are final. Waits are recorded, never slept."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import pytest

from devtools.warehouse import Fault, FaultKind, WarehouseServer
from hatch_custom_index.artifacts import Artifact, read_artifact
from hatch_custom_index.errors import IndexRefusedError, IndexUnreachableError, Redactor, Secret
from hatch_custom_index.index import IndexClient, IndexFacts
from hatch_custom_index.index.client import Confirmation
from hatch_custom_index.index.retry import RetryPolicy
from hatch_custom_index.model import Credentials, Listed, NoPage, Status, Unreadable
from hatch_custom_index.repositories import select_repository
from hatch_custom_index.settings import HATCH, PROJECT, parse_cli, parse_config, parse_env
from tests.unit.builders import build

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

TOKEN = "pypi-AgEIcHlwaS5vcmcCJGE4ZjY1MzI5LTAxMjMtNDU2Ny04OWFiLWNkZWYwMTIzNDU2Nw"
CREDENTIALS = Credentials("__token__", Secret(TOKEN))


class Index:
    """A client of the stand-in index, with the waits it would have slept and the notices it gave."""

    def __init__(self, server: WarehouseServer, retries: int = 3, then: Callable[[], None] = lambda: None) -> None:
        cli = {"repo": server.upload_url, "simple-url": server.simple_url, "timeout": "5"}
        project, hatch = parse_config({}, "project", PROJECT), parse_config({}, "hatch", HATCH)
        self.repository = select_repository(parse_cli(cli), parse_env({}), project, hatch)
        self.waits: list[float] = []
        self.notices: list[str] = []
        policy = RetryPolicy(retries, sleep=lambda seconds: (self.waits.append(seconds), then()), jitter=lambda: 1.0)
        self.redact = Redactor()
        self.redact.add(CREDENTIALS.password)
        self.client = IndexClient(self.repository, redact=self.redact, notify=self.notices.append, policy=policy)

    def upload(self, artifact: Artifact) -> Status:
        return self.client.upload(artifact, lambda: CREDENTIALS)


@pytest.fixture
def server():
    with WarehouseServer(TOKEN) as running:
        yield running


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("project")
    built, _ = build(root / "src", root / "dist")
    return built


def test_server_errors_are_retried_with_backoff_until_the_upload_lands(server, wheel) -> None:
    server.state.faults += [Fault.status(503), Fault.status(502)]
    index = Index(server)

    assert index.upload(read_artifact(wheel)) is Status.UPLOADED
    assert index.waits == [0.5, 1.0]
    assert [upload.filename for upload in server.state.uploads] == [wheel.name]
    assert index.notices[0].startswith(
        f"{wheel.name}: 503 Service Unavailable: Injected 503; retrying in 0.5 s (1 of 3)"
    )


def test_when_the_tries_run_out_the_last_answer_is_the_error(server, wheel) -> None:
    server.state.faults += [Fault.status(503)] * 4
    index = Index(server)

    with pytest.raises(IndexRefusedError, match=r"503 Service Unavailable: Injected 503 \(tried 4 times\)"):
        index.upload(read_artifact(wheel))
    assert index.waits == [0.5, 1.0, 2.0]
    assert server.state.uploads == []


def test_retry_after_is_honoured_without_waiting_for_it(server, wheel) -> None:
    server.state.faults += [Fault.status(429, retry_after=7)]
    index = Index(server)

    assert index.upload(read_artifact(wheel)) is Status.UPLOADED
    assert index.waits == [7.0]


def test_a_connection_reset_mid_body_is_retried(server, wheel) -> None:
    server.state.faults.append(Fault(FaultKind.RESET))
    index = Index(server)

    assert index.upload(read_artifact(wheel)) is Status.UPLOADED
    assert len(index.waits) == 1


def test_a_lost_answer_is_recovered_by_hash_without_sending_again(server, wheel) -> None:
    server.state.faults.append(Fault(FaultKind.STORE_THEN_DROP))
    index = Index(server)

    assert index.upload(read_artifact(wheel)) is Status.UPLOADED
    assert len(server.state.uploads) == 1
    assert index.waits == []  # the index said it holds the very file: nothing to wait for


@pytest.mark.parametrize(
    ("fault", "status", "words"),
    [
        (Fault.status(400), 400, "400 Bad Request: Injected 400"),
        (Fault(FaultKind.LOGIN_REDIRECT), 302, "answered the upload with a redirect to"),
    ],
    ids=["client error", "login redirect"],
)
def test_final_answers_are_not_retried(server, wheel, fault: Fault, status: int, words: str) -> None:
    server.state.faults.append(fault)
    index = Index(server)

    with pytest.raises(IndexRefusedError, match=words) as caught:
        index.upload(read_artifact(wheel))
    assert caught.value.status == status
    assert index.waits == []


def test_a_refused_token_says_whose_and_never_shows_it(server, wheel) -> None:
    index = Index(server)
    wrong = Credentials("__token__", Secret("pypi-wrong-token-0123456789abcdef"))

    with pytest.raises(IndexRefusedError) as caught:
        index.client.upload(read_artifact(wheel), lambda: wrong)

    assert caught.value.status == 403
    assert "the index refused the credentials of user '__token__'" in str(caught.value)
    assert "pypi-wrong-token" not in str(caught.value)


def test_a_file_already_there_is_told_apart_from_a_different_one(server, wheel) -> None:
    index = Index(server)
    artifact = read_artifact(wheel)
    assert index.upload(artifact) is Status.UPLOADED

    holdings = index.client.existing_files(artifact.project, lambda: None)

    assert holdings == Listed({wheel.name: artifact.sha256})
    assert index.client.holds(artifact, CREDENTIALS)
    assert index.client.existing_files("never-uploaded", lambda: None) == NoPage()


def test_an_existence_check_that_keeps_failing_is_a_problem_not_an_exception(server) -> None:
    server.state.get_faults += [Fault.status(500)] * 2
    index = Index(server, retries=1)

    holdings = index.client.existing_files("demo-pkg", lambda: None)

    assert holdings == Unreadable(
        f"could not check {server.simple_url}demo-pkg/ for files already there: 500 Internal Server Error: Injected "
        "failure"
    )
    assert index.waits == [0.5]


def test_a_closed_port_is_unreachable_after_the_retries(server) -> None:
    index = Index(server, retries=2)
    closed = server.origin.rsplit(":", 1)[0] + ":9"

    with pytest.raises(
        IndexUnreachableError, match=r"could not reach http://127\.0\.0\.1:9/simple/: .* \(tried 3 times\)"
    ):
        index.client.request("GET", f"{closed}/simple/")
    assert index.waits == [0.5, 1.0]


def test_an_upload_the_index_never_lists_is_waited_for_up_to_confirm_and_no_longer(server, wheel) -> None:
    server.state.faults.append(Fault(FaultKind.ACCEPT_NO_STORE))
    index = Index(server)
    artifact = read_artifact(wheel)
    assert index.upload(artifact) is Status.UPLOADED

    assert index.client.confirm([artifact], CREDENTIALS, wait=3.0) == Confirmation([artifact])
    assert index.waits == [0.5, 1.0, 1.5]  # backoff, the last wait cut to what is left of the 3 s


@pytest.mark.parametrize("status", [202, 204])
def test_any_success_is_accepted_and_the_read_back_waits_until_the_index_lists_it(server, wheel, status) -> None:
    """Pulp answers 202 and stores the file when a worker gets to it: accepted, then listed a moment later."""
    server.state.accepted_status, server.state.store_after = status, 3600
    index = Index(server, then=server.state.listed_at.clear)  # stored while the client waits
    artifact = read_artifact(wheel)
    assert index.upload(artifact) is Status.UPLOADED

    assert index.client.confirm([artifact], CREDENTIALS, wait=5.0) == Confirmation([])
    assert index.waits == [0.5]


def test_a_simple_api_that_is_not_there_makes_the_read_back_unknown_not_missing(server, wheel) -> None:
    index = Index(server)
    artifact = read_artifact(wheel)
    assert index.upload(artifact) is Status.UPLOADED
    index.client.facts = IndexFacts(f"{server.origin}/nowhere/simple/")  # what a wrong `simple-url` would give

    confirmation = index.client.confirm([artifact], CREDENTIALS, wait=3.0)

    assert confirmation.unlisted == []
    assert confirmation.unknown == {
        artifact.name: f"the index's simple API was not found at {server.origin}/nowhere/simple/ "
        f"({server.origin}/nowhere/simple/{artifact.project}/ and the root both answered otherwise than a simple API "
        "does); set `simple-url` to where the index lists its files"
    }
    assert index.waits == []  # nothing to wait for: asking again cannot find it


def test_a_simple_page_redirected_to_another_origin_is_read_there_without_credentials(server, wheel) -> None:
    with WarehouseServer("unused") as cdn:
        cdn.state.files = server.state.files  # a CDN in front of the index: the same files, another origin
        server.state.simple_redirect = cdn.origin
        index = Index(server)
        artifact = read_artifact(wheel)
        assert index.upload(artifact) is Status.UPLOADED
        server.state.private_reads = True  # the index's own pages need credentials; the CDN's do not

        assert index.client.confirm([artifact], CREDENTIALS, wait=1.0) == Confirmation([])
        assert [path for method, path, _ in cdn.state.requests if method == "GET"]
        assert cdn.state.authorized_reads == []


def test_a_redirect_loop_is_a_problem_not_an_empty_page(server) -> None:
    server.state.simple_redirect = server.origin  # every simple page redirected to itself
    index = Index(server)

    holdings = index.client.existing_files("demo-pkg", lambda: None)

    assert holdings == Unreadable(
        f"could not check {server.simple_url}demo-pkg/ for files already there: more than 5 redirects"
    )


def test_the_credentials_are_asked_for_at_every_attempt(server, wheel) -> None:
    """A token that lapsed during a long batch is minted afresh for the retry: the auth asks its source each time."""
    server.state.faults.append(Fault.status(503))
    lapsed = Credentials("__token__", Secret("pypi-lapsed-token-0123456789abcdef"))
    answers = [lapsed]  # the first ask; every later one gets the fresh token

    def source() -> Credentials:
        return answers.pop(0) if answers else CREDENTIALS

    index = Index(server)
    assert index.client.upload(read_artifact(wheel), source) is Status.UPLOADED
    assert len(server.state.uploads) == 1


def test_a_page_that_cannot_be_read_leaves_its_files_unknown_while_others_are_read(server, wheel) -> None:
    """One project's page failing makes its files unknown, never "not stored", whatever the next project's page says."""
    index = Index(server)
    artifact = read_artifact(wheel)
    assert index.upload(artifact) is Status.UPLOADED
    other = replace(
        artifact, project="other-project", path=artifact.path.with_name("other_project-1.0-py3-none-any.whl")
    )
    server.state.get_faults.append(Fault.status(500))  # the first project's page, read first
    server.state.files.clear()  # and the index stored nothing: the other project's page is a 404 on a live index

    confirmation = index.client.confirm([artifact, other], CREDENTIALS, wait=0.0)

    assert confirmation.unlisted == [other]  # read, and not listed
    assert list(confirmation.unknown) == [artifact.name]
    assert "500 Internal Server Error" in confirmation.unknown[artifact.name]
