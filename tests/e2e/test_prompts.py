"""Prompts in a real pseudo-terminal, and what is remembered afterwards (Hatch's cache file, the keyring)."""

from __future__ import annotations

import json
import stat
from typing import TYPE_CHECKING

import pytest

from tests.e2e.conftest import PYPISERVER_USERS as PW
from tests.e2e.conftest import finish, upload_refusal

if TYPE_CHECKING:
    import pexpect

pytestmark = pytest.mark.e2e

FILE_KEYRING = "tests.keyring_backends.FileKeyring"


def spawn(sandbox, project, *args: str, backend: str = FILE_KEYRING) -> pexpect.spawn:
    return sandbox.spawn(project, "-o", "repo=local", *args, env={"PYTHON_KEYRING_BACKEND": backend})


@pytest.fixture
def local(sandbox, pypiserver):
    sandbox.write_config(f'[publish.custom-index.repos.local]\nurl = "{pypiserver.url}"\n')
    return pypiserver


def test_enter_takes_token_and_the_password_is_hidden_then_remembered(sandbox, local):
    project = sandbox.project()
    project.build()

    child = spawn(sandbox, project)
    child.expect_exact("Username for local [__token__]: ")
    child.sendline("")
    child.expect_exact("Password for __token__ at local: ")
    child.sendline(PW["__token__"])
    code, output = finish(child)

    assert code == 0, output
    assert PW["__token__"] not in output  # not echoed, not printed
    assert "... success" in output
    assert json.loads(sandbox.user_cache.read_text()) == {"local": "__token__"}
    assert stat.S_IMODE(sandbox.user_cache.stat().st_mode) == 0o600
    assert sandbox.keyring() == {local.url: {"__token__": PW["__token__"]}}

    # The next publish asks nothing: the username from the cache, the password from the keyring.
    again = sandbox.project()
    again.build()
    result = again.publish("-o", "repo=local", env={"PYTHON_KEYRING_BACKEND": FILE_KEYRING}, verbose=True)
    assert result.returncode == 0, result.output
    assert "username from the username remembered in" in result.output
    assert "password from keyring" in result.output


@pytest.mark.usefixtures("local")
def test_a_typed_username_and_a_wrong_password_save_nothing(sandbox):
    project = sandbox.project()
    project.build()
    wrong = "typed-wrong-pw-Fq28"

    child = spawn(sandbox, project)
    child.expect_exact("Username for local [__token__]: ")
    child.sendline("alice")
    child.expect_exact("Password for alice at local: ")
    child.sendline(wrong)
    code, output = finish(child)

    assert code == 1
    assert upload_refusal(output, "local") == "403 Forbidden"
    assert wrong not in output
    assert not sandbox.user_cache.exists()
    assert sandbox.keyring() == {}


@pytest.mark.usefixtures("local")
def test_no_prompt_is_an_error_that_lists_the_places(sandbox):
    project = sandbox.project()
    project.build()

    child = spawn(sandbox, project, "--no-prompt")
    code, output = finish(child)

    assert code == 1
    assert "No password or token for local; looked in:" in output
    assert "Username for" not in output


@pytest.mark.usefixtures("local")
def test_nothing_is_asked_when_everything_is_already_there(sandbox):
    project = sandbox.project()
    project.build()
    assert project.publish("-o", "repo=local", "-o", "user=alice", "-o", f"auth={PW['alice']}").returncode == 0

    child = spawn(sandbox, project)
    code, output = finish(child)

    assert code == 0, output
    assert "Username for" not in output
    assert output.count("already exists") == 2


def test_initialize_auth_saves_even_when_nothing_was_uploaded(sandbox, local):
    project = sandbox.project()
    project.build()
    assert project.publish("-o", "repo=local", "-o", "user=bob", "-o", f"auth={PW['bob']}").returncode == 0

    child = spawn(sandbox, project, "--initialize-auth")
    child.expect_exact("Username for local [__token__]: ")
    child.sendline("bob")
    child.expect_exact("Password for bob at local: ")
    child.sendline(PW["bob"])
    code, output = finish(child)

    assert code == 0, output
    assert json.loads(sandbox.user_cache.read_text()) == {"local": "bob"}
    assert sandbox.keyring() == {local.url: {"bob": PW["bob"]}}


@pytest.mark.usefixtures("local")
def test_a_keyring_that_cannot_save_leaves_a_successful_publish_successful(sandbox):
    project = sandbox.project()
    project.build()

    child = spawn(sandbox, project, backend="tests.keyring_backends.RaisingKeyring")
    child.expect_exact("Username for local [__token__]: ")
    child.sendline("carol")
    child.expect_exact("Password for carol at local: ")
    child.sendline(PW["carol"])
    code, output = finish(child)

    assert code == 0, output
    assert "Warning: could not read the keyring" in output
    assert "... success" in output
    assert json.loads(sandbox.user_cache.read_text()) == {"local": "carol"}
    assert PW["carol"] not in output


@pytest.mark.usefixtures("local")
def test_a_corrupt_cache_file_is_replaced_after_a_prompted_success(sandbox):
    sandbox.user_cache.parent.mkdir(parents=True)
    sandbox.user_cache.write_text('["not", "an", "object"]')
    project = sandbox.project()
    project.build()

    child = spawn(sandbox, project)
    child.expect_exact("does not hold a JSON object")
    child.expect_exact("Username for local [__token__]: ")
    child.sendline("dave")
    child.expect_exact("Password for dave at local: ")
    child.sendline(PW["dave"])
    code, output = finish(child)

    assert code == 0, output
    assert json.loads(sandbox.user_cache.read_text()) == {"local": "dave"}
    assert [path.name for path in sandbox.user_cache.parent.iterdir()] == [sandbox.user_cache.name]


def test_two_prompted_publishes_at_once_both_remember_their_username(sandbox, pypiserver):
    sandbox.write_config(f'[publish.custom-index.repos]\nfirst = "{pypiserver.url}"\nsecond = "{pypiserver.url}"\n')
    one, two = sandbox.project(), sandbox.project()
    one.build()
    two.build()
    backend = {"PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"}
    first = sandbox.spawn(one, "-o", "repo=first", env=backend)
    second = sandbox.spawn(two, "-o", "repo=second", env=backend)
    for child, user in ((first, "bob"), (second, "carol")):  # both have read the cache before either saves
        child.expect_exact("Username for ")
        child.sendline(user)
        child.expect_exact(f"Password for {user} at ")
    for child, user in ((first, "bob"), (second, "carol")):
        child.sendline(PW[user])
    (code_one, out_one), (code_two, out_two) = finish(first), finish(second)

    assert code_one == 0, out_one
    assert code_two == 0, out_two
    assert json.loads(sandbox.user_cache.read_text()) == {"first": "bob", "second": "carol"}
