"""Finding the username and password, each from the first source in the documented order that has one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from hatch_custom_index.errors import PublishError, Secret
from hatch_custom_index.index import Credentials

if TYPE_CHECKING:
    from hatch_custom_index.repositories import Repository

DEFAULT_USERNAME = "__token__"


@dataclass(frozen=True)
class Found:
    """A credential and where it came from; the source is shown, the value never."""

    value: str | Secret
    source: str


class CredentialChain:
    """Resolves credentials once, on first use, so nothing is asked for when nothing will be uploaded."""

    def __init__(self, repository: Repository) -> None:
        self.repository = repository
        self._credentials: Credentials | None = None
        self.username_source = ""
        self.password_source = ""

    def username(self) -> Found:
        """`-o user` > HATCH_INDEX_USER > the repos table (the repo's own, then the top level) > `__token__`."""
        given = self.repository.settings["user"]
        if given.value:
            return Found(given.value, given.source)
        return Found(DEFAULT_USERNAME, "the default")

    def password(self) -> Found:
        """`-o auth` > HATCH_INDEX_AUTH > the repos table; nothing found is an error naming where it looked."""
        given = self.repository.settings["auth"]
        if given.value:
            return Found(given.value, given.source)
        name = self.repository.name
        places = ["option `-o auth`", "environment variable HATCH_INDEX_AUTH"]
        if name:
            places.append(f"`auth` in Hatch's config.toml `[publish.custom-index.repos.{name}]`")
        places.append("`auth` in Hatch's config.toml `[publish.custom-index]`")
        message = f"No password or token for {self.repository.display_name}; looked in: " + ", ".join(places)
        raise PublishError(message)

    def get(self) -> Credentials:
        if self._credentials is None:
            username, password = self.username(), self.password()
            secret = password.value if isinstance(password.value, Secret) else Secret(password.value)
            self._credentials = Credentials(str(username.value), secret)
            self.username_source, self.password_source = username.source, password.source
        return self._credentials
