""".pypirc, keyring backends and bad values, through the real `hatch publish -p custom-index` (no terminal)."""

from __future__ import annotations

import time

import pytest

from tests.e2e.conftest import PYPISERVER_USERS as PW

pytestmark = pytest.mark.e2e


def local_repo(sandbox, server, extra: str = "") -> None:
    sandbox.write_config(f'[publish.custom-index.repos.local]\nurl = "{server.url}"\n{extra}\n')


def published(server, project) -> bool:
    return any(name.startswith(project.name.replace("-", "_")) for name in server.files())


def test_pypirc_index_servers_limits_the_sections(sandbox, pypiserver):
    local_repo(sandbox, pypiserver)
    sandbox.write_pypirc(f"[distutils]\nindex-servers = other\n\n[local]\nusername = alice\npassword = {PW['alice']}\n")
    project = sandbox.project()
    project.build()

    result = project.publish("-o", "repo=local")

    assert result.returncode == 1
    assert "No password or token for local" in result.output
    assert ".pypirc (no matching section)" in result.output
    assert PW["alice"] not in result.output


def test_pypirc_password_with_percent_signs_is_taken_literally(sandbox, pypiserver):
    local_repo(sandbox, pypiserver)
    sandbox.write_pypirc(f"[local]\nusername = frank\npassword = {PW['frank']}\n")
    project = sandbox.project()
    project.build()

    result = project.publish("-o", "repo=local")

    assert result.returncode == 0, result.output
    assert published(pypiserver, project)
    assert PW["frank"] not in result.output


def test_a_pypirc_section_is_a_repository(sandbox, pypiserver):
    sandbox.write_pypirc(
        f"[distutils]\nindex-servers =\n    corp\n\n[corp]\nrepository = {pypiserver.url}\n"
        f"username = bob\npassword = {PW['bob']}\n"
    )
    project = sandbox.project()
    project.build()

    result = project.publish("-o", "repo=corp")

    assert result.returncode == 0, result.output
    assert f"Publishing to corp ({pypiserver.url})" in result.output
    assert published(pypiserver, project)


def test_the_pypirc_option_names_another_file(sandbox, pypiserver):
    local_repo(sandbox, pypiserver)
    other = sandbox.root / "team.pypirc"
    other.write_text(f"[local]\nusername = carol\npassword = {PW['carol']}\n")
    sandbox.write_pypirc(f"[local]\nusername = bob\npassword = {PW['alice']}\n")  # would fail
    project = sandbox.project()
    project.build()

    result = project.publish("-o", "repo=local", "-o", f"pypirc={other}")

    assert result.returncode == 0, result.output
    missing = project.publish("-o", "repo=local", "-o", f"pypirc={sandbox.root / 'nope.pypirc'}")
    assert missing.returncode == 1
    assert "nope.pypirc does not exist" in missing.output


def test_a_malformed_pypirc_names_the_line_never_its_content(sandbox, pypiserver):
    local_repo(sandbox, pypiserver)
    secret = "pypi-AgEIcHlwaS5vcmcCJGJhZGxpbmUtc2VjcmV0LXZhbHVl"
    path = sandbox.write_pypirc(f"[local]\nusername = alice\n{secret}\n[broken\n")
    project = sandbox.project()
    project.build()

    result = project.publish("-o", "repo=local", env={"HATCH_INDEX_AUTH": PW["alice"]})

    assert result.returncode == 1
    assert f"{path}, line 3: not valid .pypirc (INI) syntax" in result.output
    assert secret not in result.output
    assert "Traceback" not in result.output


def test_keyring_off_skips_the_keyring(sandbox, pypiserver):
    local_repo(sandbox, pypiserver, 'user = "alice"')
    sandbox.write_keyring({pypiserver.url: {"alice": PW["alice"]}})
    project = sandbox.project()
    project.build()
    env = {"PYTHON_KEYRING_BACKEND": "tests.keyring_backends.FileKeyring"}

    off = project.publish("-o", "repo=local", "-o", "keyring=false", env=env)

    assert off.returncode == 1
    assert "keyring (off: option `keyring` is false)" in off.output

    on = project.publish("-o", "repo=local", env=env, verbose=True)

    assert on.returncode == 0, on.output
    assert "password from keyring" in on.output
    assert PW["alice"] not in off.output + on.output


def test_no_keyring_backend_is_one_v_line_and_the_chain_goes_on(sandbox, pypiserver):
    local_repo(sandbox, pypiserver, 'user = "alice"')
    project = sandbox.project()
    project.build()
    env = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}

    quiet = project.publish("-o", "repo=local", "-o", "pypirc=/dev/null", env=env)
    verbose = project.publish("-o", "repo=local", "-o", "pypirc=/dev/null", env=env, verbose=1)

    assert quiet.returncode == 1
    assert "Warning" not in quiet.output
    assert "keyring" in quiet.output  # among the places looked in
    assert "No password or token for local" in quiet.output
    assert verbose.output.count("No keyring backend here (keyring's NoKeyringError)") == 1


@pytest.mark.parametrize(
    ("backend", "warning"), [("tests.keyring_backends.RaisingKeyring", "KeyringError: the keyring daemon exploded")]
)
def test_a_failing_keyring_is_a_warning_and_the_chain_goes_on(sandbox, pypiserver, backend, warning):
    local_repo(sandbox, pypiserver, 'user = "alice"')
    sandbox.write_pypirc(f"[local]\nusername = alice\npassword = {PW['alice']}\n")
    project = sandbox.project()
    project.build()

    # Without a password anywhere else the keyring is asked: it fails with one warning, then the error lists places.
    nothing = project.publish("-o", "repo=local", "-o", "pypirc=/dev/null", env={"PYTHON_KEYRING_BACKEND": backend})

    assert nothing.returncode == 1
    assert nothing.output.count("Warning: could not read the keyring") == 1
    assert warning in nothing.output
    assert "No password or token for local" in nothing.output
    assert "Traceback" not in nothing.output

    # With the password in .pypirc, the keyring is never needed.
    found = project.publish("-o", "repo=local", env={"PYTHON_KEYRING_BACKEND": backend})

    assert found.returncode == 0, found.output
    assert "keyring" not in found.output


def test_the_null_keyring_finds_nothing(sandbox, pypiserver):
    local_repo(sandbox, pypiserver, 'user = "alice"')
    project = sandbox.project()
    project.build()

    result = project.publish("-o", "repo=local", env={"PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"})

    assert result.returncode == 1
    assert "looked in: option `-a/--auth` or `-o auth`, environment variable HATCH_INDEX_AUTH" in result.output
    assert "keyring" in result.output
    assert "Warning" not in result.output


@pytest.mark.parametrize("variable", ["HATCH_INDEX_AUTH", "HATCH_INDEX_USER", "HATCH_INDEX_REPO"])
def test_an_empty_variable_is_an_error_not_a_fall_through(sandbox, pypiserver, variable):
    local_repo(sandbox, pypiserver, f'user = "alice"\nauth = "{PW["alice"]}"')
    project = sandbox.project()
    project.build()

    result = project.publish("-o", "repo=local", env={variable: ""})

    assert result.returncode == 1
    assert f"environment variable {variable} is given but empty" in result.output
    assert not published(pypiserver, project)


def test_an_empty_option_is_an_error(sandbox, pypiserver):
    local_repo(sandbox, pypiserver, f'user = "alice"\nauth = "{PW["alice"]}"')
    project = sandbox.project()
    project.build()

    result = project.publish("-o", "repo=local", "-o", "auth=")

    assert result.returncode == 1
    assert "option `-o auth` is given but empty" in result.output


def test_a_corrupt_username_cache_is_a_warning(sandbox, pypiserver):
    local_repo(sandbox, pypiserver)
    sandbox.user_cache.parent.mkdir(parents=True)
    sandbox.user_cache.write_bytes(b"\x00\xff not json")
    project = sandbox.project()
    project.build()

    result = project.publish("-o", "repo=local", "-o", f"auth={PW['__token__']}")

    assert result.returncode == 0, result.output
    assert f"Warning: {sandbox.user_cache} is not valid JSON" in result.output
    assert "Traceback" not in result.output


def test_a_token_pasted_with_a_newline_is_used_without_it_and_said_so(sandbox, pypiserver):
    local_repo(sandbox, pypiserver, 'user = "alice"')
    project = sandbox.project()
    project.build()

    result = project.publish("-o", "repo=local", env={"HATCH_INDEX_AUTH": PW["alice"] + "\n"})

    assert result.returncode == 0, result.output
    assert published(pypiserver, project)
    assert "Note: environment variable HATCH_INDEX_AUTH ends or starts with whitespace" in result.output


def test_a_cache_directory_that_is_a_file_is_named_as_such(sandbox, pypiserver, tmp_path):
    local_repo(sandbox, pypiserver, 'user = "alice"')
    not_a_directory = tmp_path / "cache-file"
    not_a_directory.write_text("")
    project = sandbox.project()
    project.build()

    result = project.publish(
        "-o", "repo=local", env={"HATCH_INDEX_AUTH": PW["alice"], "HATCH_CACHE_DIR": str(not_a_directory)}
    )

    assert result.returncode == 0, result.output
    assert "is a file, not a directory" in result.output
    assert "not valid JSON" not in result.output


def test_a_keyring_that_never_answers_is_given_up_after_10_s(sandbox, pypiserver):
    local_repo(sandbox, pypiserver, 'user = "alice"')
    project = sandbox.project()
    project.build()
    started = time.monotonic()

    result = project.publish(
        "-o", "repo=local", env={"PYTHON_KEYRING_BACKEND": "tests.keyring_backends.HangingKeyring"}
    )

    assert time.monotonic() - started < 40  # 10 s for the keyring, then the run ends on its own
    assert result.returncode == 1
    assert "could not read the keyring (no answer within 10 s" in result.output
    assert "No password or token for local" in result.output
