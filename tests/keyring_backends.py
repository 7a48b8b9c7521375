"""Keyring backends for the tests, chosen with PYTHON_KEYRING_BACKEND in the `hatch publish` subprocess.

`FileKeyring` keeps {service: {username: password}} in the JSON file named by TEST_KEYRING_FILE.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.credentials import SimpleCredential
from keyring.errors import KeyringError


class FileKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    @property
    def path(self) -> Path:
        return Path(os.environ["TEST_KEYRING_FILE"])

    def _load(self) -> dict[str, dict[str, str]]:
        return json.loads(self.path.read_text()) if self.path.exists() else {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(service, {}).get(username)

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._load()
        data.setdefault(service, {})[username] = password
        self.path.write_text(json.dumps(data))

    def delete_password(self, service: str, username: str) -> None:
        data = self._load()
        data.get(service, {}).pop(username, None)
        self.path.write_text(json.dumps(data))


class UsernameSupplyingKeyring(FileKeyring):
    """Like Google Artifact Registry's or Azure Artifacts' backends: it knows the username for a service."""

    def get_credential(self, service: str, username: str | None) -> SimpleCredential | None:
        users = self._load().get(service, {})
        if username is None and users:
            name, password = next(iter(users.items()))
            return SimpleCredential(name, password)
        return super().get_credential(service, username)


class RaisingKeyring(KeyringBackend):
    """A backend that fails on every call, as a locked or broken system keyring does."""

    priority = 1  # type: ignore[assignment]

    @staticmethod
    def _fail() -> KeyringError:
        return KeyringError("the keyring daemon exploded")

    def get_password(self, *_args: object) -> str | None:
        raise self._fail()

    def set_password(self, *_args: object) -> None:
        raise self._fail()

    def delete_password(self, *_args: object) -> None:
        raise self._fail()


class HangingKeyring(KeyringBackend):
    """A locked Secret Service over SSH or in a container: it never answers."""

    priority = 1  # type: ignore[assignment]

    def get_password(self, *_args: object) -> str | None:
        time.sleep(600)
        return None

    def set_password(self, *_args: object) -> None:
        time.sleep(600)

    def delete_password(self, *_args: object) -> None:
        time.sleep(600)
