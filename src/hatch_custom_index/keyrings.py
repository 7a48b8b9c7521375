"""Keyring access that never aborts a publish: every failure, or no usable backend, becomes a one-line warning."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hatch_custom_index.bounded import call_within, describe
from hatch_custom_index.errors import Secret, scrub
from hatch_custom_index.urls import spellings

if TYPE_CHECKING:
    from collections.abc import Callable


# How long one keyring call may take: a locked Secret Service over SSH or in a container never answers. At a terminal
# the keyring may be showing its unlock dialog, so a person gets time to type.
WAIT_UNATTENDED = 10.0
WAIT_AT_A_TERMINAL = 120.0


class Keyring:
    """Look-ups under the repository URL, tried with and without its trailing slash; each call bounded in time."""

    def __init__(
        self,
        url: str,
        warn: Callable[[str], None],
        *,
        timeout: float = WAIT_UNATTENDED,
        note: Callable[[str], None] = lambda _line: None,
    ) -> None:
        self.services = spellings(url)
        self.service = url
        self.timeout = timeout
        self._warn = warn
        self._note = note  # a -v line
        self._broken = False

    def credential(self, username: str | None) -> tuple[str, Secret] | None:
        """`get_credential` (a backend may supply the username too), then `get_password` when a username is known."""
        for service in self.services:
            found = self._call("get_credential", service, username)
            password, user = getattr(found, "password", None), getattr(found, "username", None)
            if isinstance(password, str) and password:
                return (user if isinstance(user, str) and user else username or ""), Secret(password)
        if username:
            for service in self.services:
                password = self._call("get_password", service, username)
                if isinstance(password, str) and password:
                    return username, Secret(password)
        return None

    def save(self, username: str, password: Secret) -> bool:
        return self._call("set_password", self.service, username, password, saving=True) is not False

    def _call(self, name: str, service: str, username: str | None, *secret: Secret, saving: bool = False) -> object:
        if self._broken:
            return False if saving else None
        # Imported here, the one use: 15 ms and a few MiB that a publish with nothing to upload never needs.
        import keyring  # noqa: PLC0415

        def ask() -> object:
            return getattr(keyring, name)(service, username, *(value.reveal() for value in secret))

        answer = call_within(ask, self.timeout, f"keyring-{name}")
        if answer.answered and answer.error is None:
            return answer.value
        self._broken = True  # any backend failure leaves the publish going, without the keyring
        if type(answer.error).__name__ == "NoKeyringError":  # a headless machine: nothing is wrong
            if saving:
                self._warn("Warning: no keyring backend here: the password was not saved")
            else:
                self._note("No keyring backend here (keyring's NoKeyringError): going on without the keyring")
            return False if saving else None
        action = "save the password to" if saving else "read"
        if answer.error is not None:
            reason = scrub(describe(answer.error), secret)
        else:
            reason = f"no answer within {self.timeout:g} s: locked, or waiting for an unlock nobody can give here"
        self._warn(f"Warning: could not {action} the keyring ({reason}); going on without it")
        return False if saving else None
