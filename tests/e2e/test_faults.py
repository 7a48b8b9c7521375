"""Faults made, not mocked: a Warehouse-like index on 127.0.0.1 that fails on purpose, real TLS, the plain-HTTP guard.

Every scenario publishes with a recognisable token and checks it never reaches the output.
"""

from __future__ import annotations

import base64
import json
import os
import signal
import ssl
import subprocess
import time
import zipfile

import pytest
import trustme

from devtools.warehouse import Fault, WarehouseServer
from tests.corpus import wheel_members, wheel_path, write_zip
from tests.e2e.conftest import WAREHOUSE_TOKEN, finish

pytestmark = pytest.mark.e2e


def configure(sandbox, server, extra: str = "", url: str | None = None) -> None:
    sandbox.write_config(
        "[publish.custom-index.repos.warehouse]\n"
        f'url = "{url or server.upload_url}"\nsimple-url = "{server.simple_url}"\n{extra}\n'
    )


def publish(project, *args: str, env: dict[str, str] | None = None):
    result = project.publish("-o", "repo=warehouse", *args, env={"HATCH_INDEX_AUTH": WAREHOUSE_TOKEN, **(env or {})})
    assert WAREHOUSE_TOKEN not in result.output
    return result


def posts(server) -> int:
    return sum(1 for method, _, _ in server.state.requests if method == "POST")


@pytest.fixture
def wheel_project(sandbox, warehouse):
    configure(sandbox, warehouse)
    project = sandbox.project()
    project.build(("wheel",))
    return project


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


def test_a_connection_reset_mid_body_is_retried(wheel_project, warehouse):
    warehouse.state.faults.append(Fault("reset"))

    result = publish(wheel_project)

    assert result.returncode == 0, result.output
    assert "retrying in" in result.output
    assert len(warehouse.state.uploads) == 1


def test_a_lost_answer_is_recovered_by_hash_without_sending_again(wheel_project, warehouse):
    warehouse.state.faults.append(Fault("store-then-drop"))

    result = publish(wheel_project)

    assert result.returncode == 0, result.output
    assert "... success" in result.output
    assert posts(warehouse) == 1  # the index holds it with the same sha256: never sent twice
    assert len(warehouse.state.uploads) == 1


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


def test_a_silent_index_is_an_error_within_the_timeout(wheel_project, warehouse):
    warehouse.state.faults.append(Fault("stall", seconds=30))
    started = time.monotonic()

    result = publish(wheel_project, "-o", "timeout=1")

    assert result.returncode == 1
    assert f"{warehouse.upload_url} did not answer within 1 s (option `timeout`)" in result.output
    assert time.monotonic() - started < 20
    assert warehouse.state.uploads == []


def test_a_failing_existence_check_is_retried_then_a_warning(wheel_project, warehouse):
    warehouse.state.get_faults += [Fault.status(500)] * 2

    result = publish(wheel_project, "-o", "retries=1")

    assert result.returncode == 0, result.output
    assert "Warning: could not check" in result.output
    assert "uploading anyway" in result.output
    assert len(warehouse.state.uploads) == 1


# --- answers that are not success ------------------------------------------------------------------------------------


def test_no_content_is_accepted_and_then_not_found_listed(wheel_project, warehouse):
    """Any 2xx is an index's "accepted" (Pulp's 202 stores the file a moment later): the read-back decides."""
    warehouse.state.faults.append(Fault("no-content"))  # 204, and nothing stored

    result = publish(wheel_project, "-o", "confirm=1")

    assert result.returncode == 1
    assert "does not list the file after 1 s (option `confirm`): it was not stored" in result.output
    assert "... not listed" in result.output
    assert warehouse.state.files == {}


def test_a_redirect_to_a_login_page_is_not_success(wheel_project, warehouse):
    warehouse.state.faults.append(Fault("login-redirect"))

    result = publish(wheel_project)

    assert result.returncode == 1
    assert f"redirect to {warehouse.origin}/login?next=/legacy/ (302)" in result.output
    assert "... success" not in result.output


# --- TLS --------------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ca():
    return trustme.CA()


def tls_server(ca, *, client_ca: trustme.CA | None = None) -> WarehouseServer:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    if client_ca is not None:
        client_ca.configure_trust(context)
        context.verify_mode = ssl.CERT_REQUIRED
    return WarehouseServer(WAREHOUSE_TOKEN, tls=context)


def test_https_with_a_private_ca(sandbox, ca, tmp_path):
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    with tls_server(ca) as server:
        configure(sandbox, server)
        project = sandbox.project()
        project.build(("wheel",))

        refused = publish(project)
        assert refused.returncode == 1
        assert "The certificate of 127.0.0.1 is not trusted" in refused.output
        assert "`ca-cert`" in refused.output
        assert server.state.uploads == []

        trusted = publish(project, env={"HATCH_INDEX_CA_CERT": str(bundle)})
        assert trusted.returncode == 0, trusted.output
        assert len(server.state.uploads) == 1


def test_mutual_tls_with_a_client_certificate(sandbox, ca, tmp_path):
    bundle, cert, key, combined = (tmp_path / name for name in ("ca.pem", "client.pem", "client.key", "both.pem"))
    ca.cert_pem.write_to_path(str(bundle))
    client_ca = trustme.CA()
    client = client_ca.issue_cert("publisher@example.org")
    client.cert_chain_pems[0].write_to_path(str(cert))
    client.private_key_pem.write_to_path(str(key))
    client.private_key_and_cert_chain_pem.write_to_path(str(combined))
    with tls_server(ca, client_ca=client_ca) as server:
        configure(sandbox, server, f'ca-cert = "{bundle}"')
        project = sandbox.project()
        project.build(("wheel",))

        without = publish(project)
        assert without.returncode == 1
        assert "could not reach" in without.output

        separate = publish(project, "-o", f"client-cert={cert}", "-o", f"client-key={key}")
        assert separate.returncode == 0, separate.output
        assert len(server.state.uploads) == 1

        other = sandbox.project()
        other.build(("wheel",))
        one_file = publish(other, env={"HATCH_INDEX_CLIENT_CERT": str(combined)})
        assert one_file.returncode == 0, one_file.output
        assert len(server.state.uploads) == 2


def test_an_unreadable_certificate_file_is_named(sandbox, warehouse, tmp_path):
    configure(sandbox, warehouse)
    project = sandbox.project()
    project.build(("wheel",))
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate")

    result = publish(project, "-o", f"ca-cert={junk}")

    assert result.returncode == 1
    assert f"option `-o ca-cert`: cannot use {junk} as a CA bundle" in result.output
    assert "Traceback" not in result.output


def test_a_ca_bundle_that_cannot_be_used_stops_before_any_request(sandbox, warehouse, tmp_path):
    proxy = {"HTTP_PROXY": warehouse.origin, "http_proxy": warehouse.origin, "NO_PROXY": "", "no_proxy": ""}
    configure(sandbox, warehouse, url="http://pypi.corp.example/legacy/", extra="allow-insecure-http = true")
    project = sandbox.project()
    project.build(("wheel",))

    result = publish(project, "-o", f"ca-cert={tmp_path / 'missing.pem'}", env=proxy)

    assert result.returncode == 1
    assert f"option `-o ca-cert`: cannot use {tmp_path / 'missing.pem'} as a CA bundle" in result.output
    assert "uploading anyway" not in result.output
    assert warehouse.state.requests == []  # not one request: not the check, not the upload


# --- a check that cannot be made stops the publish -------------------------------------------------------------------


def test_an_unreachable_index_stops_before_asking_for_anything(sandbox, warehouse):
    closed = warehouse.origin.rsplit(":", 1)[0] + ":9"
    configure(sandbox, warehouse, url=f"{closed}/legacy/")
    project = sandbox.project()
    project.build(("wheel",))

    result = project.publish("-o", "repo=warehouse", "-o", "retries=0", "-o", f"simple-url={closed}/simple/")

    assert result.returncode == 1
    assert f"could not check {closed}/simple/{project.name}/ for files already there: could not reach" in result.output
    assert "Nothing was uploaded" in result.output
    assert "uploading anyway" not in result.output
    assert "No password" not in result.output  # never asked for credentials it could not use


def test_a_dead_proxy_is_named_as_what_failed(sandbox, warehouse):
    dead = "http://127.0.0.1:9"
    configure(sandbox, warehouse)
    project = sandbox.project()
    project.build(("wheel",))

    result = publish(project, "-o", "retries=0", env={"HTTP_PROXY": dead, "NO_PROXY": ""})

    assert result.returncode == 1
    assert f"through the proxy {dead} (from the environment" in result.output
    assert warehouse.state.requests == []


# --- the plain-HTTP guard ---------------------------------------------------------------------------------------------


def test_credentials_never_go_over_plain_http_to_another_machine(sandbox, warehouse):
    # Every request the publisher tries goes through this loopback proxy, which records it and plays the index.
    proxy = {"HTTP_PROXY": warehouse.origin, "http_proxy": warehouse.origin, "NO_PROXY": "", "no_proxy": ""}
    configure(sandbox, warehouse, url="http://pypi.corp.example/legacy/")
    project = sandbox.project()
    project.build(("wheel",))

    refused = publish(project, env=proxy)

    assert refused.returncode == 1
    assert "http://pypi.corp.example/legacy/ is plain http:// to pypi.corp.example, another machine" in refused.output
    assert "allow-insecure-http = true" in refused.output
    assert warehouse.state.requests == []  # stopped before any request

    allowed = publish(project, "-o", "allow-insecure-http=true", env=proxy)

    assert allowed.returncode == 0, allowed.output
    assert ("POST", "pypi.corp.example/legacy/") in [(m, where) for m, where, _ in warehouse.state.requests]
    assert len(warehouse.state.uploads) == 1


def test_plain_http_to_localhost_is_fine(sandbox, warehouse):
    port = warehouse.origin.rsplit(":", 1)[1]
    configure(sandbox, warehouse, url=f"http://localhost:{port}/legacy/")
    project = sandbox.project()
    project.build(("wheel",))

    result = publish(project)

    assert result.returncode == 0, result.output


# --- Ctrl-C -----------------------------------------------------------------------------------------------------------


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


def test_ctrl_c_before_any_upload_says_nothing_was_uploaded(sandbox, warehouse):
    configure(sandbox, warehouse)
    project = sandbox.project()
    project.build()
    warehouse.state.get_faults.append(Fault("stall", seconds=30))  # the check for files already there hangs

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
    warehouse.state.faults += [Fault("none"), Fault("stall", seconds=30)]  # the sdist lands, the wheel hangs

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


def test_sigterm_during_an_upload_is_handled_as_ctrl_c_and_writes_the_report(sandbox, warehouse, tmp_path):
    configure(sandbox, warehouse)
    project = sandbox.project()
    _, wheel = project.build()
    warehouse.state.faults += [Fault("none"), Fault("stall", seconds=30)]  # the sdist lands, the wheel hangs
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


def test_ctrl_c_during_the_first_upload_of_a_release_stops_cleanly(sandbox, warehouse):
    configure(sandbox, warehouse)
    project = sandbox.project()
    sdist, wheel = project.build()
    warehouse.state.faults += [Fault("stall", seconds=30)]  # the sdist, uploaded alone first, hangs

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


# --- hostile input ----------------------------------------------------------------------------------------------------


def write_wheel(path, entries: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)


def test_a_hostile_batch_is_refused_whole(sandbox, warehouse):
    configure(sandbox, warehouse)
    project = sandbox.project()
    sdist, good = project.build()
    dist, stem = project.dist, project.name.replace("-", "_")
    hostile = {
        f"{stem}-2.0-py3-none-any.whl": {"README": b"a zip, but not a wheel"},
        f"{stem}-3.0-py3-none-any.whl": {f"{stem}-3.0.dist-info/METADATA": b"Metadata-Version: 2.1\nName: \xe9\xff\n"},
        f"{stem}-4.0-py3-none-any.whl": {f"{stem}-4.0.dist-info/METADATA": b"\0" * (20 * 1024 * 1024)},  # a zip bomb
        f"{stem}-5.0-py3-none-any.whl": {f"{stem}-5.0.dist-info/METADATA": b"Metadata-Version: 2.1\nName: other\nVersion: 5.0\n"},
        f"{stem}-6.0-py3-none-any.whl": {f"{stem}-6.0.dist-info/METADATA": f"Metadata-Version: 2.1\nName: {stem}\nVersion: 6.1\n".encode()},
    }  # fmt: skip
    for name, entries in hostile.items():
        write_wheel(dist / name, entries)
    (dist / f"{stem}-7.0.tar.gz").write_bytes(sdist.read_bytes()[:300])
    (dist / "loop").symlink_to(dist)

    result = publish(project)

    assert result.returncode == 1
    assert "Nothing was uploaded: the batch has 6 problems" in result.output
    for name in (*hostile, f"{stem}-7.0.tar.gz"):
        if name.startswith(f"{stem}-4.0"):
            assert "is larger than 16 MiB; that is not metadata" in result.output
        else:
            assert name in result.output
    assert "Traceback" not in result.output
    assert warehouse.state.requests == []
    assert good.exists()


def test_a_server_that_echoes_the_token_has_it_scrubbed(wheel_project, warehouse):
    warehouse.state.faults.append(Fault("echo-auth"))

    result = publish(wheel_project)  # publish() asserts the token is absent

    assert result.returncode == 1
    assert "400 Bad Request: Bad request from __token__:********; tokens look like ********" in result.output


PLAIN_SECRET = "plain-secret-Xy77-not-token-shaped"  # a password no token pattern catches


@pytest.mark.parametrize("verbose", [0, 2], ids=["plain", "-vv"])
def test_an_index_that_echoes_the_basic_header_never_gets_it_printed(wheel_project, warehouse, verbose):
    warehouse.state.faults.append(Fault("echo-header"))
    basic = base64.b64encode(f"__token__:{PLAIN_SECRET}".encode()).decode()

    result = wheel_project.publish("-o", "repo=warehouse", "-a", PLAIN_SECRET, verbose=verbose)

    assert result.returncode == 1
    assert "Rejected: Authorization: Basic ********" in result.output
    assert basic not in result.output
    assert basic[12:24] not in result.output  # not even a part of it
    assert PLAIN_SECRET not in result.output


def test_a_password_where_a_message_is_cut_is_removed_before_the_cut(wheel_project, warehouse):
    warehouse.state.faults.append(Fault("echo-at-cut"))

    result = wheel_project.publish("-o", "repo=warehouse", "-a", PLAIN_SECRET)

    assert result.returncode == 1
    assert "x ******** tail" in result.output or "x ********" in result.output
    assert PLAIN_SECRET[:6] not in result.output  # no first half left by the cut


def test_escape_sequences_from_the_index_are_shown_harmless(wheel_project, warehouse):
    warehouse.state.faults.append(Fault("escapes"))

    result = publish(wheel_project)

    assert result.returncode == 1
    assert "\x1b" not in result.output
    assert "\x07" not in result.output
    assert "nope\\x1b[2K\\r\\x1b[32mdist/evil.whl ... success" in result.output


# --- success means the index has the file -----------------------------------------------------------------------------


def test_a_200_without_the_file_stored_is_not_success(wheel_project, warehouse):
    warehouse.state.faults.append(Fault("accept-no-store"))

    result = publish(wheel_project, "-o", "confirm=1")

    assert result.returncode == 1
    assert "... not listed" in result.output
    assert "does not list the file after 1 s (option `confirm`)" in result.output
    assert "none uploaded" in result.output
    assert "1 not on the index" in result.output


def test_a_sign_in_page_answering_the_upload_is_a_failure(wheel_project, warehouse):
    warehouse.state.faults.append(Fault("sign-in"))

    result = publish(wheel_project)

    assert result.returncode == 1
    assert "... failed" in result.output
    assert "the upload was answered by a sign-in page (200, HTML with a password form)" in result.output
    assert warehouse.state.uploads == []


def test_confirm_0_turns_the_read_back_off(wheel_project, warehouse):
    warehouse.state.faults.append(Fault("accept-no-store"))

    result = publish(wheel_project, "-o", "confirm=0")

    assert result.returncode == 0  # as asked: the index's word is taken
    assert sum(1 for method, _, _ in warehouse.state.requests if method == "GET") == 1


# --- bounded reading ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "timeout", "said"),
    [
        ("endless", 10, "sent an answer larger than 64 MiB (200)"),
        ("gzip-bomb", 10, "sent an answer larger than 64 MiB (200)"),
        ("trickle", 1, "did not finish its answer within 1 s of starting it (option `timeout`)"),
    ],
)
def test_a_hostile_project_page_ends_in_a_clear_message(wheel_project, warehouse, kind, timeout, said):
    warehouse.state.get_faults.append(Fault(kind, seconds=20))
    started = time.monotonic()

    result = publish(wheel_project, "-o", f"timeout={timeout}", "-o", "retries=0")

    assert said in result.output
    assert time.monotonic() - started < 15
    assert "Traceback" not in result.output


def test_a_bug_of_ours_never_shows_a_secret_nor_hatch_s_locals(wheel_project, tmp_path):
    # A fault put into the plugin itself (at start-up, through sitecustomize): the plan raises what no code expects.
    (tmp_path / "sitecustomize.py").write_text(
        "import hatch_custom_index.plan as plan\n"
        "def broken(*_args, **_kwargs):\n"
        f"    raise RuntimeError('a bug, holding {PLAIN_SECRET}')\n"
        "plan.make_plan = broken\n"
    )
    pythonpath = f"{tmp_path}:{wheel_project.sandbox.env['PYTHONPATH']}"

    quiet = wheel_project.publish("-o", "repo=warehouse", "-a", PLAIN_SECRET, env={"PYTHONPATH": pythonpath})
    verbose = wheel_project.publish(
        "-o", "repo=warehouse", "-a", PLAIN_SECRET, env={"PYTHONPATH": pythonpath}, verbose=1
    )

    assert quiet.returncode == 1
    assert "failed unexpectedly: RuntimeError: a bug, holding ********. This is a bug" in quiet.output
    assert "Traceback" not in quiet.output  # HATCH_DEBUG is set in these runs: no frames, no locals
    assert "Traceback (most recent call last)" in verbose.output  # -v: where it happened, as text
    assert "in broken" in verbose.output
    assert PLAIN_SECRET not in quiet.output + verbose.output


def test_a_wheel_rewritten_while_it_uploads_never_reaches_the_index_torn(sandbox, warehouse):
    configure(sandbox, warehouse)
    project = sandbox.project()
    project.dist.mkdir()
    module = project.name.replace("-", "_")
    # 16 MB that do not compress, stored: more than loopback's socket buffers take, so the upload is still sending
    # when the server starts reading, whatever the machine's load.
    members = wheel_members("1.0.0", name=project.name, module=module)
    members[f"{module}/blob.bin"] = os.urandom(16 * 1024 * 1024)
    wheel = write_zip(wheel_path(project.dist, "1.0.0", name=module), members, compression=zipfile.ZIP_STORED)
    warehouse.state.faults.append(Fault("slow-read", seconds=3))
    command = sandbox.command("-o", "repo=warehouse", "-a", WAREHOUSE_TOKEN)
    env = {**sandbox.env, "NO_COLOR": "1"}
    running = subprocess.Popen(command, cwd=project.root, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)  # fmt: skip
    assert warehouse.state.reading.wait(30)
    with wheel.open("r+b") as stream:  # in place, same size: the first half becomes another build's
        half = stream.read(wheel.stat().st_size // 2)
        stream.seek(0)
        stream.write(half[::-1])
    output, _ = running.communicate(timeout=60)

    assert running.returncode == 1, output
    assert "changed since it was checked" in output, output
    assert warehouse.state.uploads == []
    assert WAREHOUSE_TOKEN not in output


def test_sigterm_before_any_upload_says_nothing_was_uploaded(sandbox, warehouse):
    configure(sandbox, warehouse)
    project = sandbox.project()
    project.build()
    warehouse.state.get_faults.append(Fault("stall", seconds=30))

    seconds, code, output = ctrl_c_at_post(sandbox, warehouse, project, 1, "GET", stop=signal.SIGTERM)

    assert seconds < 15
    assert code == 143
    assert "Terminated (SIGTERM) before any upload; nothing was uploaded" in output
    assert posts(warehouse) == 0


def test_an_answer_whose_head_trickles_in_ends_at_the_request_s_deadline(wheel_project, warehouse):
    warehouse.state.get_faults.append(Fault("slow-head", seconds=60))  # a byte every 0.1 s: no read ever times out
    started = time.monotonic()

    result = publish(wheel_project, "-o", "timeout=1", "-o", "retries=0")

    assert time.monotonic() - started < 15
    assert result.returncode == 1
    assert "did not complete the request within its deadline (twice the option `timeout`" in result.output
    assert "Nothing was uploaded" in result.output
