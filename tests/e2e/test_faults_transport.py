"""Faults that attack the transport: connections reset, dropped or never answered, heads that trickle in, TLS with
private CAs and client certificates, proxies and indexes that cannot be reached, the plain-HTTP guard.

Made, not mocked: a Warehouse-like index on 127.0.0.1 that fails on purpose, real TLS. Every scenario publishes with a
recognisable token and checks it never reaches the output.
"""

from __future__ import annotations

import ssl
import time

import pytest
import trustme

from devtools.warehouse import Fault, FaultKind, WarehouseServer
from tests.e2e.conftest import WAREHOUSE_TOKEN
from tests.e2e.faulting import built_wheel_project, configure, posts, publish

pytestmark = pytest.mark.e2e


@pytest.fixture
def wheel_project(sandbox, warehouse):
    return built_wheel_project(sandbox, warehouse)


# --- connections cut or silent ----------------------------------------------------------------------------------------


# Each retry rule, with its waits recorded rather than slept, is in tests/unit/test_index_client.py; these prove the
# rules reach a real run, with the fewest real waits (0.5 s each).


def test_a_connection_reset_mid_body_is_retried(wheel_project, warehouse):
    warehouse.state.faults.append(Fault(FaultKind.RESET))

    result = publish(wheel_project)

    assert result.returncode == 0, result.output
    assert "retrying in" in result.output
    assert len(warehouse.state.uploads) == 1


def test_a_lost_answer_is_recovered_by_hash_without_sending_again(wheel_project, warehouse):
    warehouse.state.faults.append(Fault(FaultKind.STORE_THEN_DROP))

    result = publish(wheel_project)

    assert result.returncode == 0, result.output
    assert "... success" in result.output
    assert posts(warehouse) == 1  # the index holds it with the same sha256: never sent twice
    assert len(warehouse.state.uploads) == 1


def test_a_silent_index_is_an_error_within_the_timeout(wheel_project, warehouse):
    warehouse.state.faults.append(Fault(FaultKind.STALL, seconds=30))
    started = time.monotonic()

    result = publish(wheel_project, "-o", "timeout=1")

    assert result.returncode == 1
    assert f"{warehouse.upload_url} did not answer within 1 s (option `timeout`)" in result.output
    assert time.monotonic() - started < 20
    assert warehouse.state.uploads == []


def test_an_answer_whose_head_trickles_in_ends_at_the_request_s_deadline(wheel_project, warehouse):
    # A byte every 0.1 s: no read ever times out.
    warehouse.state.get_faults.append(Fault(FaultKind.SLOW_HEAD, seconds=60))
    started = time.monotonic()

    result = publish(wheel_project, "-o", "timeout=1", "-o", "retries=0")

    assert time.monotonic() - started < 15
    assert result.returncode == 1
    assert "did not complete the request within its deadline (twice the option `timeout`" in result.output
    assert "Nothing was uploaded" in result.output


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


# --- a check that cannot be made stops the publish --------------------------------------------------------------------


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
