"""Credentials through the real `hatch publish -p custom-index`: the documented order, .pypirc, keyring, the cache.

Every user on the pypiserver has its own password, so picking the wrong source fails the upload.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from tests.e2e.conftest import PYPISERVER_USERS as PW

pytestmark = pytest.mark.e2e

FILE_KEYRING = "tests.keyring_backends.FileKeyring"
WRONG = {source: f"wrong-{source}-pw-{n:02d}x" for n, source in enumerate(("o", "env", "table", "top", "rc", "kr"))}


@dataclass
class Case:
    expect_user: str
    username_source: str
    password_source: str
    args: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    table: str = ""  # extra lines for [publish.custom-index.repos.local]
    top: str = ""  # extra lines for [publish.custom-index]
    pypirc: str | None = None  # lines of the [local] section
    cache: str | None = None
    keyring: dict[str, str] | None = None
    backend: str = FILE_KEYRING


USERNAME_CASES = {
    "option": Case(
        "alice",
        "option `-o user`",
        "option `-o auth`",
        args=["-o", "user=alice", "-o", f"auth={PW['alice']}"],
        env={"HATCH_INDEX_USER": "bob"},
        table='user = "carol"',
        pypirc="username = dave",
        cache="erin",
    ),
    "environment": Case(
        "bob",
        "environment variable HATCH_INDEX_USER",
        "option `-o auth`",
        args=["-o", f"auth={PW['bob']}"],
        env={"HATCH_INDEX_USER": "bob"},
        table='user = "carol"',
        pypirc="username = dave",
        cache="erin",
    ),
    "repo-table": Case(
        "carol",
        "publish.custom-index.repos.local.user",
        "option `-o auth`",
        args=["-o", f"auth={PW['carol']}"],
        table='user = "carol"',
        top='user = "bob"',
        pypirc="username = dave",
        cache="erin",
    ),
    "top-level-table": Case(
        "bob",
        "publish.custom-index.user",
        "option `-o auth`",
        args=["-o", f"auth={PW['bob']}"],
        top='user = "bob"',
        pypirc="username = dave",
        cache="erin",
    ),
    "pypirc": Case(
        "dave",
        ".pypirc [local] username",
        "option `-o auth`",
        args=["-o", f"auth={PW['dave']}"],
        pypirc="username = dave",
        cache="erin",
    ),
    "remembered": Case(
        "erin",
        "the username remembered in",
        "option `-o auth`",
        args=["-o", f"auth={PW['erin']}"],
        cache="erin",
    ),
    "default": Case("__token__", "the default", "option `-o auth`", args=["-o", f"auth={PW['__token__']}"]),
}

PASSWORD_CASES = {
    "pypirc-with-its-username": Case(
        "alice",
        ".pypirc [local] username",
        ".pypirc [local] password",
        args=["-o", f"auth={WRONG['o']}"],
        env={"HATCH_INDEX_AUTH": WRONG["env"]},
        top=f'auth = "{WRONG["top"]}"',
        pypirc=f"username = alice\npassword = {PW['alice']}",
        keyring={"alice": WRONG["kr"]},
    ),
    "option": Case(
        "alice",
        "publish.custom-index.repos.local.user",
        "option `-o auth`",
        args=["-o", f"auth={PW['alice']}"],
        env={"HATCH_INDEX_AUTH": WRONG["env"]},
        table=f'user = "alice"\nauth = "{WRONG["table"]}"',
        pypirc=f"username = alice\npassword = {WRONG['rc']}",
        keyring={"alice": WRONG["kr"]},
    ),
    "environment": Case(
        "alice",
        "publish.custom-index.repos.local.user",
        "environment variable HATCH_INDEX_AUTH",
        env={"HATCH_INDEX_AUTH": PW["alice"]},
        table=f'user = "alice"\nauth = "{WRONG["table"]}"',
        pypirc=f"username = alice\npassword = {WRONG['rc']}",
        keyring={"alice": WRONG["kr"]},
    ),
    "repo-table": Case(
        "alice",
        "publish.custom-index.repos.local.user",
        "publish.custom-index.repos.local.auth",
        table=f'user = "alice"\nauth = "{PW["alice"]}"',
        top=f'auth = "{WRONG["top"]}"',
        pypirc=f"username = alice\npassword = {WRONG['rc']}",
        keyring={"alice": WRONG["kr"]},
    ),
    "top-level-table": Case(
        "alice",
        "publish.custom-index.repos.local.user",
        "publish.custom-index.auth",
        table='user = "alice"',
        top=f'auth = "{PW["alice"]}"',
        pypirc=f"username = alice\npassword = {WRONG['rc']}",
        keyring={"alice": WRONG["kr"]},
    ),
    "pypirc-same-username": Case(
        "alice",
        "publish.custom-index.repos.local.user",
        ".pypirc [local] password",
        table='user = "alice"',
        pypirc=f"username = alice\npassword = {PW['alice']}",
        keyring={"alice": WRONG["kr"]},
    ),
    "keyring": Case(
        "alice",
        "publish.custom-index.repos.local.user",
        "keyring",
        table='user = "alice"',
        pypirc=f"username = bob\npassword = {PW['bob']}",  # another user's entry is not used
        keyring={"alice": PW["alice"]},
    ),
    "keyring-supplies-the-username": Case(
        "dave",
        "keyring",
        "keyring",
        keyring={"dave": PW["dave"]},
        backend="tests.keyring_backends.UsernameSupplyingKeyring",
    ),
}


def arrange(sandbox, server, case: Case) -> None:
    sandbox.write_config(
        f'[publish.custom-index]\n{case.top}\n[publish.custom-index.repos.local]\nurl = "{server.url}"\n{case.table}\n'
    )
    if case.pypirc is not None:
        sandbox.write_pypirc(f"[distutils]\nindex-servers =\n    local\n\n[local]\n{case.pypirc}\n")
    if case.cache is not None:
        sandbox.remember_user("local", case.cache)
    if case.keyring is not None:
        sandbox.write_keyring({server.url: case.keyring})


def check(result, case: Case, project, server) -> None:
    assert result.returncode == 0, result.output
    credentials_line = result.output.split("Credentials: username from ", 1)[1].splitlines()[0]
    username_source, password_source = credentials_line.split(", password from ")
    assert case.username_source in username_source
    assert case.password_source in password_source
    assert any(name.startswith(project.name.replace("-", "_")) for name in server.files())
    for secret in (*PW.values(), *WRONG.values()):
        assert secret not in result.output


@pytest.mark.parametrize("case", USERNAME_CASES.values(), ids=USERNAME_CASES.keys())
def test_username_order(sandbox, pypiserver, case: Case):
    arrange(sandbox, pypiserver, case)
    project = sandbox.project()
    project.build()

    result = project.publish(
        *case.args, "-o", "repo=local", env={**case.env, "PYTHON_KEYRING_BACKEND": case.backend}, verbose=True
    )

    check(result, case, project, pypiserver)


@pytest.mark.parametrize("case", PASSWORD_CASES.values(), ids=PASSWORD_CASES.keys())
def test_password_order(sandbox, pypiserver, case: Case):
    arrange(sandbox, pypiserver, case)
    project = sandbox.project()
    project.build()

    result = project.publish(
        *case.args, "-o", "repo=local", env={**case.env, "PYTHON_KEYRING_BACKEND": case.backend}, verbose=True
    )

    check(result, case, project, pypiserver)


def test_a_stale_keyring_password_refused_says_which_entry_to_fix(sandbox, pypiserver):
    sandbox.write_config(f'[publish.custom-index.repos.local]\nurl = "{pypiserver.url}"\nuser = "alice"\n')
    stale = "stale-keyring-pw-Qq11"
    sandbox.write_keyring({pypiserver.url: {"alice": stale}})
    project = sandbox.project()
    project.build()

    result = project.publish("-o", "repo=local", env={"PYTHON_KEYRING_BACKEND": FILE_KEYRING})

    assert result.returncode == 1
    assert "password from keyring" in result.output
    assert f"replace it with `keyring set {pypiserver.url} alice`" in result.output
    assert stale not in result.output
