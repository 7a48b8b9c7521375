"""A drop-in for `hatch publish`: Hatch's own flags (`-r/-u/-a/--ca-cert/--client-cert/--client-key`) and its
`[publish.index.repos]` tables work unchanged with `-p custom-index`, and a name that is not defined never falls back
to PyPI."""

from __future__ import annotations

import ssl

import pytest
import trustme

from devtools.warehouse import WarehouseServer
from tests.e2e.conftest import PYPISERVER_USERS, WAREHOUSE_TOKEN

pytestmark = pytest.mark.e2e

ALICE, BOB = PYPISERVER_USERS["alice"], PYPISERVER_USERS["bob"]


def names(paths) -> set[str]:
    return {path.name for path in paths}


def test_hatch_flags_publish_to_a_repository_of_hatch_s_own_table(sandbox, pypiserver):
    sandbox.write_config(f'[publish.index.repos.company]\nurl = "{pypiserver.url}"\n')
    project = sandbox.project()
    built = project.build()

    result = project.publish("-r", "company", "-u", "alice", "-a", ALICE, verbose=1)

    assert result.returncode == 0, result.output
    assert f"Publishing to company ({pypiserver.url})" in result.output
    assert names(built) <= set(pypiserver.files())
    assert "username from option `-u/--user`, password from option `-a/--auth`" in result.output
    assert "repo = company (option `-r/--repo`)" in result.output
    assert "key `publish.index.repos.company.url`)" in result.output  # -v: which table defined it


def test_hatch_flags_with_a_repository_of_the_plugin_s_own_table(sandbox, pypiserver):
    sandbox.write_config(f'[publish.custom-index.repos.company]\nurl = "{pypiserver.url}"\n')
    project = sandbox.project()
    built = project.build()

    result = project.publish("--repo", "company", "--user", "bob", "--auth", BOB)

    assert result.returncode == 0, result.output
    assert names(built) <= set(pypiserver.files())


def test_a_name_in_both_tables_is_the_plugin_s_own(sandbox, pypiserver, warehouse):
    sandbox.write_config(
        f'[publish.index.repos.company]\nurl = "{warehouse.upload_url}"\nuser = "carol"\n\n'
        f'[publish.custom-index.repos.company]\nurl = "{pypiserver.url}"\n'
    )
    project = sandbox.project()
    built = project.build()

    result = project.publish("-r", "company", "-a", ALICE, env={"HATCH_INDEX_USER": "alice"}, verbose=1)

    assert result.returncode == 0, result.output
    assert names(built) <= set(pypiserver.files())
    assert warehouse.state.requests == []  # Hatch's table for that name, with another URL, is not used at all
    assert "publish.index.repos.company`, for" in result.output
    assert "is not used" in result.output


def test_both_tables_with_one_url_merge_the_plugin_s_first(sandbox, pypiserver):
    # Hatch's table holds the credentials, the plugin's adds its own options: both apply to the one repository.
    sandbox.write_config(
        f'[publish.index.repos.company]\nurl = "{pypiserver.url}"\nuser = "alice"\nauth = "{ALICE}"\n\n'
        f'[publish.custom-index.repos.company]\nurl = "{pypiserver.url}"\njobs = 1\n'
    )
    project = sandbox.project()
    built = project.build()

    result = project.publish("-r", "company", verbose=1)

    assert result.returncode == 0, result.output
    assert names(built) <= set(pypiserver.files())
    assert "jobs = 1 (Hatch config" in result.output
    assert "password from Hatch config" in result.output
    assert "publish.index.repos.company.auth`" in result.output


def test_an_unchanged_hatch_config_with_hatch_index_repo(sandbox, pypiserver):
    # What a user of Hatch's own publisher already has: a repos table with credentials, chosen by the environment.
    sandbox.write_config(
        f'[publish.index]\nrepo = "main"\n\n[publish.index.repos.company]\nurl = "{pypiserver.url}"\n'
        f'user = "alice"\nauth = "{ALICE}"\n'
    )
    project = sandbox.project()
    built = project.build()

    result = project.publish(env={"HATCH_INDEX_REPO": "company"})

    assert result.returncode == 0, result.output
    assert f"Publishing to company ({pypiserver.url})" in result.output
    assert names(built) <= set(pypiserver.files())


def test_hatch_s_default_repository_is_read(sandbox, pypiserver):
    sandbox.write_config(
        f'[publish.index]\nrepo = "company"\nuser = "carol"\n\n[publish.index.repos]\ncompany = "{pypiserver.url}"\n'
    )
    project = sandbox.project()
    built = project.build()

    result = project.publish(env={"HATCH_INDEX_AUTH": PYPISERVER_USERS["carol"]})

    assert result.returncode == 0, result.output
    assert names(built) <= set(pypiserver.files())


def test_a_typo_in_the_repository_never_reaches_pypi(sandbox, warehouse):
    # Every request the run attempts goes through the loopback proxy: none may be made.
    proxy = {"HTTPS_PROXY": warehouse.origin, "https_proxy": warehouse.origin, "NO_PROXY": "", "no_proxy": ""}
    sandbox.write_config('[publish.index.repos.company]\nurl = "https://pypi.company.example/legacy/"\n')
    project = sandbox.project()
    project.build()

    result = project.publish("-r", "compnay", "-a", WAREHOUSE_TOKEN, env=proxy)

    assert result.returncode == 1
    assert "option `-r/--repo` names the repository 'compnay', which is not defined: did you mean 'company'?" in (
        result.output
    )
    assert "Known repositories: company, main, test" in result.output
    assert "Publishing to" not in result.output
    assert warehouse.state.requests == []


def test_a_flag_and_an_option_that_disagree_are_an_error_naming_both(sandbox, pypiserver):
    sandbox.write_config(f'[publish.custom-index.repos]\na = "{pypiserver.url}"\nb = "{pypiserver.url}other/"\n')
    project = sandbox.project()
    project.build()

    repo = project.publish("-r", "a", "-o", "repo=b", "-a", ALICE)
    auth = project.publish("-r", "a", "-a", ALICE, "-o", f"auth={BOB}")
    agreeing = project.publish("-r", "a", "-o", "repo=a", "-u", "alice", "-a", ALICE)

    assert repo.returncode == 1
    assert "option `-r/--repo` and option `-o repo` give different values ('a' and 'b')" in repo.output
    assert auth.returncode == 1
    assert "option `-a/--auth` and option `-o auth` give different values; give only one" in auth.output
    assert agreeing.returncode == 0, agreeing.output
    assert "Traceback" not in repo.output + auth.output


def test_an_empty_flag_is_an_error(sandbox, pypiserver):
    sandbox.write_config(f'[publish.index.repos.company]\nurl = "{pypiserver.url}"\n')
    project = sandbox.project()
    project.build()

    result = project.publish("-r", "company", "-u", "alice", "-a", "")

    assert result.returncode == 1
    assert "option `-a/--auth` is given but empty" in result.output
    assert not any(name.startswith(project.name.replace("-", "_")) for name in pypiserver.files())


@pytest.fixture(scope="module")
def ca():
    return trustme.CA()


def test_ca_cert_and_client_cert_flags_with_mutual_tls(sandbox, ca, tmp_path):
    bundle, combined = tmp_path / "ca.pem", tmp_path / "client.pem"
    ca.cert_pem.write_to_path(str(bundle))
    client_ca = trustme.CA()
    client_ca.issue_cert("publisher@example.org").private_key_and_cert_chain_pem.write_to_path(str(combined))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    client_ca.configure_trust(context)
    context.verify_mode = ssl.CERT_REQUIRED
    with WarehouseServer(WAREHOUSE_TOKEN, tls=context) as server:
        sandbox.write_config(
            f'[publish.index.repos.tls]\nurl = "{server.upload_url}"\n\n'
            f'[publish.custom-index.repos.tls]\nurl = "{server.upload_url}"\nsimple-url = "{server.simple_url}"\n'
        )
        project = sandbox.project()
        project.build(("wheel",))

        untrusted = project.publish("-r", "tls", "-a", WAREHOUSE_TOKEN)
        trusted = project.publish(
            "-r", "tls", "-u", "__token__", "-a", WAREHOUSE_TOKEN, "--ca-cert", str(bundle), "--client-cert",
            str(combined),
        )  # fmt: skip

        assert untrusted.returncode == 1
        assert "The certificate of 127.0.0.1 is not trusted" in untrusted.output
        assert trusted.returncode == 0, trusted.output
        assert [upload.filename for upload in server.state.uploads] == [next(project.dist.glob("*.whl")).name]
