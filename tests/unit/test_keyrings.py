"""Keyring look-ups under the upload URL, and failures that are one warning, never an aborted publish."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, TypeVar

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends.fail import Keyring as FailKeyring
from keyring.credentials import SimpleCredential
from keyring.errors import KeyringError, NoKeyringError, PasswordSetError

from hatch_custom_index.errors import Secret
from hatch_custom_index.keyrings import Keyring

if TYPE_CHECKING:
    from collections.abc import Iterator

URL = "https://pkgs.example/upload/"
BARE = "https://pkgs.example/upload"
PASSWORD = "correct-horse-battery"


class MemoryKeyring(KeyringBackend):
    """{(service, username): password}, with every call recorded."""

    priority = 1  # type: ignore[assignment]

    def __init__(self, passwords: dict[tuple[str, str], str] | None = None) -> None:
        super().__init__()
        self.passwords = dict(passwords or {})
        self.calls: list[tuple[str, str, str | None]] = []

    def get_credential(self, service: str, username: str | None) -> SimpleCredential | None:
        self.calls.append(("get_credential", service, username))
        return super().get_credential(service, username)

    def get_password(self, service: str, username: str) -> str | None:
        self.calls.append(("get_password", service, username))
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.calls.append(("set_password", service, username))
        self.passwords[service, username] = password

    def delete_password(self, service: str, username: str) -> None:
        del self.passwords[service, username]


class UsernameSupplyingKeyring(MemoryKeyring):
    """Knows the username for a service, like Google Artifact Registry's or Azure Artifacts' backends."""

    def get_credential(self, service: str, username: str | None) -> SimpleCredential | None:
        if username is None:
            self.calls.append(("get_credential", service, None))
            for (known_service, known_user), password in self.passwords.items():
                if known_service == service:
                    return SimpleCredential(known_user, password)
            return None
        return super().get_credential(service, username)


class PasswordOnlyKeyring(MemoryKeyring):
    """A backend whose `get_credential` never answers: only `get_password` finds anything."""

    def get_credential(self, service: str, username: str | None) -> SimpleCredential | None:
        self.calls.append(("get_credential", service, username))
        return None


class RaisingKeyring(KeyringBackend):
    """Fails on every call, as a locked or missing system keyring does; `set_password` leaks the password."""

    priority = 1  # type: ignore[assignment]

    def __init__(self, error: type[KeyringError] = KeyringError) -> None:
        super().__init__()
        self.error = error
        self.calls = 0

    def _fail(self, text: str) -> KeyringError:
        self.calls += 1
        return self.error(text)

    def get_password(self, service: str, *_args: object) -> str | None:
        message = f"cannot unlock the collection for {service}"
        raise self._fail(message)

    def set_password(self, _service: str, username: str, password: str) -> None:
        message = f"refused to store {password!r} for {username}\nsecond line"
        raise self._fail(message)

    def delete_password(self, *_args: object) -> None:
        message = "no"
        raise self._fail(message)


Backend = TypeVar("Backend", bound=KeyringBackend)


@pytest.fixture(autouse=True)
def _restore_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    yield
    keyring.set_keyring(previous)


def use_backend(backend: Backend) -> Backend:
    keyring.set_keyring(backend)
    return backend


class Warnings(list[str]):
    def __call__(self, message: str) -> None:
        self.append(message)


# --- look-ups --------------------------------------------------------------------------------------------------------


def test_services_are_the_url_with_and_without_trailing_slash() -> None:
    assert Keyring(URL, Warnings()).services == [URL, BARE]
    assert Keyring(BARE, Warnings()).services == [BARE, URL]
    assert Keyring(URL, Warnings()).service == URL


@pytest.mark.parametrize(("stored_under", "url"), [(URL, URL), (BARE, URL), (URL, BARE), (BARE, BARE)])
def test_password_found_with_or_without_trailing_slash(stored_under: str, url: str) -> None:
    use_backend(MemoryKeyring({(stored_under, "alice"): PASSWORD}))
    warnings = Warnings()
    found = Keyring(url, warnings).credential("alice")
    assert found == ("alice", Secret(PASSWORD))
    assert isinstance(found[1], Secret)
    assert warnings == []


def test_nothing_stored_is_none() -> None:
    use_backend(MemoryKeyring({(URL, "bob"): PASSWORD, ("https://other.example/", "alice"): PASSWORD}))
    warnings = Warnings()
    assert Keyring(URL, warnings).credential("alice") is None
    assert warnings == []


def test_no_username_and_a_plain_backend_is_none() -> None:
    backend = use_backend(MemoryKeyring({(URL, "alice"): PASSWORD}))
    assert Keyring(URL, Warnings()).credential(None) is None
    # get_password needs a username: it is not tried without one.
    assert [call[0] for call in backend.calls] == ["get_credential", "get_credential"]


def test_get_credential_then_get_password() -> None:
    backend = use_backend(PasswordOnlyKeyring({(BARE, "alice"): PASSWORD}))
    assert Keyring(URL, Warnings()).credential("alice") == ("alice", Secret(PASSWORD))
    assert backend.calls == [
        ("get_credential", URL, "alice"),
        ("get_credential", BARE, "alice"),
        ("get_password", URL, "alice"),
        ("get_password", BARE, "alice"),
    ]


def test_get_credential_answer_wins() -> None:
    backend = use_backend(MemoryKeyring({(URL, "alice"): PASSWORD}))
    assert Keyring(URL, Warnings()).credential("alice") == ("alice", Secret(PASSWORD))
    assert backend.calls[0] == ("get_credential", URL, "alice")
    assert ("get_credential", BARE, "alice") not in backend.calls  # the first answer ends the search


def test_backend_supplies_the_username() -> None:
    use_backend(UsernameSupplyingKeyring({(BARE, "oauth2accesstoken"): PASSWORD}))
    assert Keyring(URL, Warnings()).credential(None) == ("oauth2accesstoken", Secret(PASSWORD))


def test_username_supplying_backend_with_a_given_username() -> None:
    use_backend(UsernameSupplyingKeyring({(URL, "alice"): PASSWORD}))
    assert Keyring(URL, Warnings()).credential("alice") == ("alice", Secret(PASSWORD))
    assert Keyring(URL, Warnings()).credential("bob") is None


# --- failures --------------------------------------------------------------------------------------------------------


def test_raising_backend_warns_once_and_finds_nothing() -> None:
    backend = use_backend(RaisingKeyring(KeyringError))
    warnings = Warnings()
    ring = Keyring(URL, warnings)
    assert ring.credential(None) is None
    assert ring.credential("alice") is None
    assert ring.save("alice", Secret(PASSWORD)) is False
    assert len(warnings) == 1
    assert warnings[0].startswith("Warning: could not read the keyring")
    assert "KeyringError" in warnings[0]
    assert "going on without it" in warnings[0]
    assert backend.calls == 1  # a broken keyring is not asked again


@pytest.mark.parametrize("backend", [RaisingKeyring(NoKeyringError), FailKeyring()], ids=["raising", "keyring's fail"])
def test_no_backend_on_a_headless_machine_is_one_v_line_not_a_warning(backend: object) -> None:
    use_backend(backend)
    warnings, notes = Warnings(), Warnings()
    ring = Keyring(URL, warnings, note=notes)
    assert ring.credential("alice") is None
    assert ring.credential("alice") is None
    assert len(warnings) == 0
    assert notes == ["No keyring backend here (keyring's NoKeyringError): going on without the keyring"]


def test_no_backend_when_saving_a_prompted_password_says_it_was_not_saved() -> None:
    use_backend(FailKeyring())
    warnings = Warnings()
    assert Keyring(URL, warnings).save("alice", Secret(PASSWORD)) is False
    assert warnings == ["Warning: no keyring backend here: the password was not saved"]


# --- saving ----------------------------------------------------------------------------------------------------------


def test_save_stores_under_the_url() -> None:
    backend = use_backend(MemoryKeyring())
    warnings = Warnings()
    ring = Keyring(URL, warnings)
    assert ring.save("alice", Secret(PASSWORD)) is True
    assert backend.passwords == {(URL, "alice"): PASSWORD}
    assert ring.credential("alice") == ("alice", Secret(PASSWORD))
    assert warnings == []


@pytest.mark.parametrize("error", [KeyringError, PasswordSetError])
def test_failed_save_warns_without_the_password(error: type[KeyringError]) -> None:
    use_backend(RaisingKeyring(error))
    warnings = Warnings()
    assert Keyring(URL, warnings).save("alice", Secret(PASSWORD)) is False
    assert len(warnings) == 1
    assert warnings[0].startswith("Warning: could not save the password to the keyring")
    assert PASSWORD not in warnings[0]
    assert "refused to store" in warnings[0]  # the reason is shown, the password is not
    assert "second line" not in warnings[0]


def test_failed_save_scrubs_a_pypi_token() -> None:
    use_backend(RaisingKeyring())
    warnings = Warnings()
    token = "pypi-AgEIcHlwaS5vcmcCJGE4ZjY1MzI5LTAxMjM"
    Keyring(URL, warnings).save("__token__", Secret(token))
    assert token not in warnings[0]
    assert "AgEIcHlwaS5vcmc" not in warnings[0]


class HangingKeyring(KeyringBackend):
    """A locked Secret Service over SSH: it never answers (until the test lets it go)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()
        self.calls = 0

    def get_password(self, *_args: object) -> str | None:
        self.calls += 1
        self.release.wait(30)
        return "too late"

    def set_password(self, *_args: object) -> None:
        self.calls += 1
        self.release.wait(30)

    def delete_password(self, *_args: object) -> None:
        self.release.wait(30)


def test_a_keyring_that_never_answers_is_one_warning_after_the_limit() -> None:
    backend = use_backend(HangingKeyring())
    warnings = Warnings()
    ring = Keyring(URL, warnings, timeout=0.05)
    try:
        assert ring.credential("alice") is None
        assert ring.save("alice", Secret(PASSWORD)) is False
    finally:
        backend.release.set()
    assert warnings == [
        "Warning: could not read the keyring (no answer within 0.05 s: locked, or waiting for an unlock nobody can "
        "give here); going on without it"
    ]
    assert backend.calls == 1  # not asked again, not for saving either


def test_saving_to_a_keyring_that_never_answers_ends_the_publish_as_it_would_have() -> None:
    backend = use_backend(HangingKeyring())
    warnings = Warnings()
    try:
        assert Keyring(URL, warnings, timeout=0.05).save("alice", Secret(PASSWORD)) is False
    finally:
        backend.release.set()
    assert warnings[0].startswith("Warning: could not save the password to the keyring (no answer within 0.05 s")
    assert PASSWORD not in warnings[0]
