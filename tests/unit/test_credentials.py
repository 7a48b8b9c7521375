"""The credential chain: each username and password step wins over every later one, and no secret is ever shown."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import keyring
import pytest
from keyring.credentials import SimpleCredential

from hatch_custom_index.cache import CACHE_FILE, UserCache
from hatch_custom_index.credentials import CredentialChain
from hatch_custom_index.errors import PublishError, Secret
from hatch_custom_index.keyrings import Keyring
from hatch_custom_index.model import Credentials
from hatch_custom_index.pypirc import load_pypirc
from hatch_custom_index.repositories import Repository, select_repository
from hatch_custom_index.settings import HATCH, PROJECT, parse_cli, parse_config, parse_env
from tests.unit.test_keyrings import MemoryKeyring, RaisingKeyring, UsernameSupplyingKeyring

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from keyring.backend import KeyringBackend

CORP = "https://pkgs.example/upload/"
PYPI = "https://upload.pypi.org/legacy/"
HATCH_KEY = "Hatch's config.toml key `publish.custom-index"
PROMPT = "the interactive prompt"

CLI_AUTH = "cli-auth-Secret1"
ENV_AUTH = "env-auth-Secret2"
REPO_AUTH = "repo-auth-Secret3"
TOP_AUTH = "top-auth-Secret4"
PYPIRC_PASSWORD = "pypirc-pw-Secret5"
KEYRING_PASSWORD = "keyring-pw-Secret6"
PROMPT_PASSWORD = "prompt-pw-Secret7"
ALL_SECRETS = (CLI_AUTH, ENV_AUTH, REPO_AUTH, TOP_AUTH, PYPIRC_PASSWORD, KEYRING_PASSWORD, PROMPT_PASSWORD)


class ScriptedPrompter:
    """Answers prompts from a script and records each question."""

    def __init__(self, username: str = "prompted-user", password: str = PROMPT_PASSWORD) -> None:
        self.answers = {"username": username, "password": password}
        self.calls: list[tuple[str, ...]] = []

    def username(self, text: str, default: str) -> str:
        self.calls.append(("username", text, default))
        return self.answers["username"]

    def password(self, text: str) -> str:
        self.calls.append(("password", text))
        return self.answers["password"]


class StubbornKeyring(MemoryKeyring):
    """Answers every `get_credential` with its own username, whatever was asked."""

    def get_credential(self, *_args: object) -> SimpleCredential | None:
        return SimpleCredential("someone-else", KEYRING_PASSWORD)


@pytest.fixture(autouse=True)
def _restore_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    yield
    keyring.set_keyring(previous)


def corp_hatch(**table: str) -> dict[str, Any]:
    """Hatch's config.toml with `repo = "corp"` and the corp repos table, plus `_top_*` keys at the top level."""
    top = {key.removeprefix("_top_"): value for key, value in table.items() if key.startswith("_top_")}
    own = {key: value for key, value in table.items() if not key.startswith("_top_")}
    return {"repo": "corp", "repos": {"corp": {"url": CORP, **own}}, **top}


def make_chain(
    tmp_path: Path,
    *,
    cli: dict[str, Any] | None = None,
    env: dict[str, str] | None = None,
    project: dict[str, Any] | None = None,
    hatch: dict[str, Any] | None = None,
    pypirc: str | None = None,
    cached: dict[str, str] | None = None,
    backend: KeyringBackend | None = None,
    prompter: ScriptedPrompter | None = None,
    warn: Callable[[str], object] = pytest.fail,
) -> CredentialChain:
    """A chain over real layers, a real .pypirc, cache and keyring; the keyring is off with `-o keyring=false`."""
    pypirc_path = tmp_path / ".pypirc"
    if pypirc is not None:
        pypirc_path.write_text(pypirc, encoding="utf-8")
    loaded = load_pypirc(pypirc_path)
    cache_dir = tmp_path / "cache"
    if cached is not None:
        cache_dir.mkdir()
        (cache_dir / CACHE_FILE).write_text(json.dumps(cached), encoding="utf-8")
    repository = select_repository(
        parse_cli(cli or {}),
        parse_env(env or {}),
        parse_config(project or {}, "project config", PROJECT),
        parse_config(corp_hatch() if hatch is None else hatch, "Hatch's config.toml", HATCH),
        loaded.urls() if loaded else None,
    )
    keyring.set_keyring(backend or MemoryKeyring())
    ring = Keyring(repository.url, warn) if repository.settings.keyring else None
    return CredentialChain(repository, pypirc=loaded, cache=UserCache(cache_dir), keyring=ring, prompter=prompter)


def pypirc_corp(username: str | None = "pypirc-user", password: str | None = PYPIRC_PASSWORD) -> str:
    lines = ["[corp]", f"repository = {CORP}"]
    if username is not None:
        lines.append(f"username = {username}")
    if password is not None:
        lines.append(f"password = {password}")
    return "\n".join(lines) + "\n"


def resolved(chain: CredentialChain) -> tuple[str, str]:
    credentials = chain.get()
    return credentials.username, credentials.password.reveal()


# --- username: each step wins over every later one -------------------------------------------------------------------

USERNAME_STEPS = ["cli", "env", "repo", "top", "pypirc", "cache", "prompt", "default"]


@pytest.mark.parametrize("first", USERNAME_STEPS)
def test_username_step_wins_over_later_ones(tmp_path: Path, first: str) -> None:
    steps = set(USERNAME_STEPS[USERNAME_STEPS.index(first) :])
    table: dict[str, str] = {}
    if "repo" in steps:
        table["user"] = "repo-user"
    if "top" in steps:
        table["_top_user"] = "top-user"
    env = {"HATCH_INDEX_AUTH": ENV_AUTH}
    if "env" in steps:
        env["HATCH_INDEX_USER"] = "env-user"
    prompter = ScriptedPrompter() if "prompt" in steps else None
    chain = make_chain(
        tmp_path,
        cli={"user": "cli-user"} if "cli" in steps else None,
        env=env,
        hatch=corp_hatch(**table),
        pypirc=pypirc_corp() if "pypirc" in steps else None,
        cached={"corp": "cached-user"} if "cache" in steps else None,
        prompter=prompter,
    )
    pypirc, cache = tmp_path / ".pypirc", tmp_path / "cache" / CACHE_FILE
    expected = {
        "cli": ("cli-user", "option `-o user`"),
        "env": ("env-user", "environment variable HATCH_INDEX_USER"),
        "repo": ("repo-user", f"{HATCH_KEY}.repos.corp.user`"),
        "top": ("top-user", f"{HATCH_KEY}.user`"),
        "pypirc": ("pypirc-user", f"{pypirc} [corp] username"),
        "cache": ("cached-user", f"the username remembered in {cache}"),
        "prompt": ("prompted-user", PROMPT),
        "default": ("__token__", "the default"),
    }[first]
    # The .pypirc password goes with the .pypirc username, even over HATCH_INDEX_AUTH.
    password = (
        (PYPIRC_PASSWORD, f"{pypirc} [corp] password")
        if first == "pypirc"
        else (ENV_AUTH, "environment variable HATCH_INDEX_AUTH")
    )
    assert resolved(chain) == (expected[0], password[0])
    assert chain.sources() == f"username from {expected[1]}, password from {password[1]}"
    if prompter is not None:
        assert prompter.calls == ([("username", "Username for corp", "__token__")] if first == "prompt" else [])


@pytest.mark.parametrize("answer", ["", "   "])
def test_enter_at_the_username_prompt_is_token(tmp_path: Path, answer: str) -> None:
    prompter = ScriptedPrompter(username=answer)
    chain = make_chain(tmp_path, prompter=prompter)
    assert resolved(chain) == ("__token__", PROMPT_PASSWORD)
    assert chain.sources() == f"username from {PROMPT}, password from {PROMPT}"
    assert prompter.calls == [
        ("username", "Username for corp", "__token__"),
        ("password", "Password for __token__ at corp"),
    ]


def test_username_answer_is_stripped(tmp_path: Path) -> None:
    chain = make_chain(tmp_path, prompter=ScriptedPrompter(username="  alice \n"))
    assert resolved(chain)[0] == "alice"


def test_remembered_username_is_keyed_by_url_without_a_name(tmp_path: Path) -> None:
    url = "https://direct.example/upload/"
    chain = make_chain(
        tmp_path, cli={"repo": url}, env={"HATCH_INDEX_AUTH": ENV_AUTH}, cached={url: "url-user", "corp": "corp-user"}
    )
    assert chain.repository.name is None
    assert chain.repo_key == url
    assert resolved(chain)[0] == "url-user"


# --- password: each step wins over every later one -------------------------------------------------------------------

PASSWORD_STEPS = ["cli", "env", "repo", "top", "pypirc", "keyring", "prompt"]


@pytest.mark.parametrize("first", PASSWORD_STEPS)
def test_password_step_wins_over_later_ones(tmp_path: Path, first: str) -> None:
    steps = set(PASSWORD_STEPS[PASSWORD_STEPS.index(first) :])
    table: dict[str, str] = {}
    if "repo" in steps:
        table["auth"] = REPO_AUTH
    if "top" in steps:
        table["_top_auth"] = TOP_AUTH
    cli = {"user": "alice"}
    if "cli" in steps:
        cli["auth"] = CLI_AUTH
    stored = {(CORP, "alice"): KEYRING_PASSWORD} if "keyring" in steps else {}
    prompter = ScriptedPrompter()
    chain = make_chain(
        tmp_path,
        cli=cli,
        env={"HATCH_INDEX_AUTH": ENV_AUTH} if "env" in steps else None,
        hatch=corp_hatch(**table),
        pypirc=pypirc_corp("alice") if "pypirc" in steps else None,
        backend=MemoryKeyring(stored),
        prompter=prompter,
    )
    expected = {
        "cli": (CLI_AUTH, "option `-o auth`"),
        "env": (ENV_AUTH, "environment variable HATCH_INDEX_AUTH"),
        "repo": (REPO_AUTH, f"{HATCH_KEY}.repos.corp.auth`"),
        "top": (TOP_AUTH, f"{HATCH_KEY}.auth`"),
        "pypirc": (PYPIRC_PASSWORD, f"{tmp_path / '.pypirc'} [corp] password"),
        "keyring": (KEYRING_PASSWORD, "keyring"),
        "prompt": (PROMPT_PASSWORD, PROMPT),
    }[first]
    assert resolved(chain) == ("alice", expected[0])
    assert chain.sources() == f"username from option `-o user`, password from {expected[1]}"
    assert prompter.calls == ([("password", "Password for alice at corp")] if first == "prompt" else [])


def test_pypirc_password_with_its_username_wins_over_everything(tmp_path: Path) -> None:
    prompter = ScriptedPrompter()
    chain = make_chain(
        tmp_path,
        cli={"auth": CLI_AUTH},
        env={"HATCH_INDEX_AUTH": ENV_AUTH},
        hatch=corp_hatch(auth=REPO_AUTH, _top_auth=TOP_AUTH),
        pypirc=pypirc_corp("pypirc-user"),
        backend=MemoryKeyring({(CORP, "pypirc-user"): KEYRING_PASSWORD}),
        prompter=prompter,
    )
    assert resolved(chain) == ("pypirc-user", PYPIRC_PASSWORD)
    assert prompter.calls == []


def test_pypirc_username_without_password_takes_the_next_password(tmp_path: Path) -> None:
    chain = make_chain(tmp_path, cli={"auth": CLI_AUTH}, pypirc=pypirc_corp("pypirc-user", password=None))
    assert resolved(chain) == ("pypirc-user", CLI_AUTH)
    assert chain.sources() == f"username from {tmp_path / '.pypirc'} [corp] username, password from option `-o auth`"


def test_pypirc_password_of_another_username_is_not_used(tmp_path: Path) -> None:
    prompter = ScriptedPrompter()
    chain = make_chain(
        tmp_path,
        cli={"user": "alice"},
        pypirc=pypirc_corp("bob"),
        backend=MemoryKeyring({(CORP, "alice"): KEYRING_PASSWORD}),
        prompter=prompter,
    )
    assert resolved(chain) == ("alice", KEYRING_PASSWORD)
    assert chain.sources() == "username from option `-o user`, password from keyring"


def test_keyring_password_for_the_remembered_username(tmp_path: Path) -> None:
    prompter = ScriptedPrompter()
    chain = make_chain(
        tmp_path,
        cached={"corp": "bob"},
        backend=MemoryKeyring({(CORP.rstrip("/"), "bob"): KEYRING_PASSWORD}),
        prompter=prompter,
    )
    assert resolved(chain) == ("bob", KEYRING_PASSWORD)
    assert chain.sources().endswith("password from keyring")
    assert prompter.calls == []


def test_keyring_password_for_the_prompted_username(tmp_path: Path) -> None:
    prompter = ScriptedPrompter(username="carol")
    chain = make_chain(tmp_path, backend=MemoryKeyring({(CORP, "carol"): KEYRING_PASSWORD}), prompter=prompter)
    assert resolved(chain) == ("carol", KEYRING_PASSWORD)
    assert chain.sources() == f"username from {PROMPT}, password from keyring"
    assert [call[0] for call in prompter.calls] == ["username"]


def test_keyring_supplies_username_and_password(tmp_path: Path) -> None:
    prompter = ScriptedPrompter()
    chain = make_chain(
        tmp_path,
        backend=UsernameSupplyingKeyring({(CORP, "oauth2accesstoken"): KEYRING_PASSWORD}),
        prompter=prompter,
    )
    assert resolved(chain) == ("oauth2accesstoken", KEYRING_PASSWORD)
    assert chain.sources() == "username from keyring, password from keyring"
    assert prompter.calls == []


def test_keyring_supplied_username_is_not_used_when_a_username_was_given(tmp_path: Path) -> None:
    prompter = ScriptedPrompter()
    chain = make_chain(
        tmp_path,
        env={"HATCH_INDEX_USER": "alice"},
        backend=UsernameSupplyingKeyring({(CORP, "oauth2accesstoken"): KEYRING_PASSWORD}),
        prompter=prompter,
    )
    assert resolved(chain) == ("alice", PROMPT_PASSWORD)
    assert prompter.calls == [("password", "Password for alice at corp")]


def test_keyring_answer_for_another_username_is_not_used(tmp_path: Path) -> None:
    chain = make_chain(tmp_path, cli={"user": "alice"}, backend=StubbornKeyring(), prompter=ScriptedPrompter())
    assert resolved(chain) == ("alice", PROMPT_PASSWORD)
    assert chain.sources().endswith(f"password from {PROMPT}")


def test_keyring_off_is_not_asked(tmp_path: Path) -> None:
    backend = MemoryKeyring({(CORP, "alice"): KEYRING_PASSWORD})
    chain = make_chain(
        tmp_path, cli={"user": "alice", "keyring": "false"}, backend=backend, prompter=ScriptedPrompter()
    )
    assert chain.keyring is None
    assert resolved(chain) == ("alice", PROMPT_PASSWORD)
    assert backend.calls == []


def test_broken_keyring_falls_through_to_the_prompt(tmp_path: Path) -> None:
    warnings: list[str] = []
    chain = make_chain(
        tmp_path, cli={"user": "alice"}, backend=RaisingKeyring(), prompter=ScriptedPrompter(), warn=warnings.append
    )
    assert resolved(chain) == ("alice", PROMPT_PASSWORD)
    assert len(warnings) == 1
    assert warnings[0].startswith("Warning: could not read the keyring")


# --- prompts and failures --------------------------------------------------------------------------------------------


def test_prompter_is_not_called_when_everything_is_found(tmp_path: Path) -> None:
    prompter = ScriptedPrompter()
    chain = make_chain(tmp_path, env={"HATCH_INDEX_USER": "alice", "HATCH_INDEX_AUTH": ENV_AUTH}, prompter=prompter)
    chain.get()
    chain.get()
    assert prompter.calls == []


def test_resolved_once(tmp_path: Path) -> None:
    prompter = ScriptedPrompter()
    chain = make_chain(tmp_path, prompter=prompter)
    assert chain.sources() == "not resolved"
    assert not chain.resolved
    first, second = chain.get(), chain.get()
    assert first == second
    assert chain.resolved
    assert len(prompter.calls) == 2  # one username, one password: not asked again


def test_empty_password_answer_is_an_error(tmp_path: Path) -> None:
    chain = make_chain(tmp_path, cli={"user": "alice"}, prompter=ScriptedPrompter(password=""))
    with pytest.raises(PublishError, match="No password was entered; nothing was uploaded"):
        chain.get()


def test_nothing_found_without_prompter_lists_the_places(tmp_path: Path) -> None:
    # A .pypirc entry and a keyring entry for another username hold secrets that must not be shown.
    chain = make_chain(
        tmp_path,
        cli={"user": "alice"},
        pypirc=pypirc_corp("bob"),
        backend=MemoryKeyring({(CORP, "bob"): KEYRING_PASSWORD}),
    )
    with pytest.raises(PublishError) as caught:
        chain.get()
    message = str(caught.value)
    for place in (
        "No password or token for corp",
        "option `-a/--auth` or `-o auth`",
        "environment variable HATCH_INDEX_AUTH",
        "`[publish.custom-index.repos.corp]`",
        "`[publish.custom-index]`",
        f"{tmp_path / '.pypirc'} [corp]",
        "keyring",
        "Prompting is off",
    ):
        assert place in message
    assert "keyring (off" not in message
    assert not any(secret in message for secret in ALL_SECRETS)


def test_nothing_found_without_pypirc_or_keyring(tmp_path: Path) -> None:
    chain = make_chain(tmp_path, cli={"keyring": "false"})
    with pytest.raises(PublishError) as caught:
        chain.get()
    message = str(caught.value)
    assert ".pypirc (none found)" in message
    assert "keyring (off: option `keyring` is false)" in message


def test_nothing_found_with_pypirc_but_no_section(tmp_path: Path) -> None:
    chain = make_chain(tmp_path, pypirc="[other]\nrepository = https://other.example/\npassword = x-Secret\n")
    with pytest.raises(PublishError) as caught:
        chain.get()
    assert f"{tmp_path / '.pypirc'} (no matching section)" in str(caught.value)
    assert "x-Secret" not in str(caught.value)


# --- which .pypirc section -------------------------------------------------------------------------------------------


def test_pypirc_section_matched_by_name_without_repository(tmp_path: Path) -> None:
    chain = make_chain(tmp_path, pypirc=f"[corp]\nusername = alice\npassword = {PYPIRC_PASSWORD}\n")
    assert resolved(chain) == ("alice", PYPIRC_PASSWORD)


def test_pypirc_section_of_same_name_for_another_url_is_not_used(tmp_path: Path) -> None:
    text = f"[corp]\nrepository = https://other.example/\nusername = alice\npassword = {PYPIRC_PASSWORD}\n"
    chain = make_chain(tmp_path, pypirc=text, prompter=ScriptedPrompter())
    assert chain.entry is None
    assert resolved(chain) == ("prompted-user", PROMPT_PASSWORD)


def test_main_uses_the_pypi_section(tmp_path: Path) -> None:
    chain = make_chain(tmp_path, hatch={}, pypirc=f"[pypi]\nusername = __token__\npassword = {PYPIRC_PASSWORD}\n")
    assert chain.repository.url == PYPI
    assert resolved(chain) == ("__token__", PYPIRC_PASSWORD)


def test_repo_naming_a_pypirc_section(tmp_path: Path) -> None:
    text = f"[work]\nrepository = {CORP}\nusername = alice\npassword = {PYPIRC_PASSWORD}\n"
    chain = make_chain(tmp_path, cli={"repo": "work"}, hatch={}, pypirc=text)
    assert (chain.repository.name, chain.repository.url) == ("work", CORP)
    assert resolved(chain) == ("alice", PYPIRC_PASSWORD)


def test_project_repository_does_not_match_a_pypirc_section_by_name(tmp_path: Path) -> None:
    project = {"repo": "corp", "repos": {"corp": {"url": "https://project.example/upload/"}}}
    pypirc = f"[corp]\nusername = alice\npassword = {PYPIRC_PASSWORD}\n"
    prompter = ScriptedPrompter()
    chain = make_chain(tmp_path, project=project, hatch={}, pypirc=pypirc, prompter=prompter)
    assert chain.repository.from_project
    assert chain.entry is None
    assert resolved(chain) == ("prompted-user", PROMPT_PASSWORD)


def test_same_repository_from_hatch_config_matches_by_name(tmp_path: Path) -> None:
    hatch = {"repo": "corp", "repos": {"corp": {"url": "https://project.example/upload/"}}}
    pypirc = f"[corp]\nusername = alice\npassword = {PYPIRC_PASSWORD}\n"
    chain = make_chain(tmp_path, hatch=hatch, pypirc=pypirc)
    assert not chain.repository.from_project
    assert resolved(chain) == ("alice", PYPIRC_PASSWORD)


# --- remembering what the prompt gave --------------------------------------------------------------------------------


def cached_users(tmp_path: Path) -> object:
    path = tmp_path / "cache" / CACHE_FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def test_remember_saves_prompted_username_and_password(tmp_path: Path) -> None:
    backend = MemoryKeyring()
    chain = make_chain(tmp_path, backend=backend, prompter=ScriptedPrompter(username="carol"))
    chain.get()
    warnings: list[str] = []
    chain.remember(warnings.append)
    assert cached_users(tmp_path) == {"corp": "carol"}
    assert backend.passwords == {(CORP, "carol"): PROMPT_PASSWORD}
    assert warnings == []


def test_remember_saves_nothing_that_did_not_come_from_the_prompt(tmp_path: Path) -> None:
    backend = MemoryKeyring()
    chain = make_chain(tmp_path, env={"HATCH_INDEX_USER": "alice", "HATCH_INDEX_AUTH": ENV_AUTH}, backend=backend)
    chain.get()
    chain.remember(pytest.fail)
    assert cached_users(tmp_path) is None
    assert backend.passwords == {}
    assert not any(call[0] == "set_password" for call in backend.calls)


def test_remember_saves_only_the_prompted_password(tmp_path: Path) -> None:
    backend = MemoryKeyring()
    chain = make_chain(tmp_path, cached={"corp": "bob", "other": "x"}, backend=backend, prompter=ScriptedPrompter())
    chain.get()
    chain.remember(pytest.fail)
    assert cached_users(tmp_path) == {"corp": "bob", "other": "x"}
    assert backend.passwords == {(CORP, "bob"): PROMPT_PASSWORD}


def test_remember_saves_only_the_prompted_username(tmp_path: Path) -> None:
    backend = MemoryKeyring({(CORP, "carol"): KEYRING_PASSWORD})
    chain = make_chain(tmp_path, backend=backend, prompter=ScriptedPrompter(username="carol"))
    chain.get()
    chain.remember(pytest.fail)
    assert cached_users(tmp_path) == {"corp": "carol"}
    assert not any(call[0] == "set_password" for call in backend.calls)


def test_remember_keys_a_nameless_repository_by_url(tmp_path: Path) -> None:
    url = "https://direct.example/upload/"
    chain = make_chain(tmp_path, cli={"repo": url, "keyring": "false"}, prompter=ScriptedPrompter(username="dave"))
    chain.get()
    chain.remember(pytest.fail)
    assert cached_users(tmp_path) == {url: "dave"}


def test_remember_does_not_save_the_password_with_keyring_off(tmp_path: Path) -> None:
    backend = MemoryKeyring()
    chain = make_chain(tmp_path, cli={"keyring": "false"}, backend=backend, prompter=ScriptedPrompter())
    chain.get()
    chain.remember(pytest.fail)
    assert backend.calls == []
    assert cached_users(tmp_path) == {"corp": "prompted-user"}


def test_remember_warns_when_the_cache_cannot_be_written(tmp_path: Path) -> None:
    (tmp_path / "cache").write_text("a file, not a directory", encoding="utf-8")
    chain = make_chain(tmp_path, cli={"keyring": "false"}, prompter=ScriptedPrompter())
    chain.get()
    warnings: list[str] = []
    chain.remember(warnings.append)
    assert len(warnings) == 1
    assert warnings[0].startswith("Warning: could not remember the username in")
    assert PROMPT_PASSWORD not in warnings[0]


def test_remember_before_get_saves_nothing(tmp_path: Path) -> None:
    backend = MemoryKeyring()
    chain = make_chain(tmp_path, backend=backend, prompter=ScriptedPrompter())
    chain.remember(pytest.fail)
    assert cached_users(tmp_path) is None
    assert backend.calls == []


# --- secrets never show ----------------------------------------------------------------------------------------------


def test_get_gives_a_secret_password(tmp_path: Path) -> None:
    chain = make_chain(tmp_path, env={"HATCH_INDEX_AUTH": ENV_AUTH})
    credentials = chain.get()
    assert isinstance(credentials, Credentials)
    assert isinstance(credentials.password, Secret)
    assert credentials.password.reveal() == ENV_AUTH


@pytest.mark.parametrize(
    "sources",
    [
        {"cli": {"user": "alice", "auth": CLI_AUTH}},
        {"env": {"HATCH_INDEX_AUTH": ENV_AUTH}},
        {"hatch": corp_hatch(user="alice", auth=REPO_AUTH)},
        {"pypirc": pypirc_corp()},
        {"cli": {"user": "alice"}, "backend": MemoryKeyring({(CORP, "alice"): KEYRING_PASSWORD})},
        {"prompter": ScriptedPrompter()},
    ],
    ids=["cli", "env", "repos table", "pypirc", "keyring", "prompt"],
)
def test_found_values_never_show_the_secret(tmp_path: Path, sources: dict[str, Any]) -> None:
    chain = make_chain(tmp_path, **sources)
    credentials = chain.get()
    secret = credentials.password.reveal()
    assert secret in ALL_SECRETS
    assert chain.password is not None
    assert isinstance(chain.password.value, Secret)
    shown = [str(credentials), repr(credentials), str(chain.username), repr(chain.username)]
    shown += [str(chain.password), repr(chain.password), chain.sources(), repr(chain.password.value)]
    assert not any(secret in text for text in shown)


def test_repository_is_real(tmp_path: Path) -> None:
    chain = make_chain(tmp_path)
    assert isinstance(chain.repository, Repository)
    assert (chain.repository.name, chain.repository.url) == ("corp", CORP)
