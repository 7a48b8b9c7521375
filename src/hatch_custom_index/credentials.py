"""Finding the username and password, each from the first source in the documented order that has one.

Username: `-o user` > HATCH_INDEX_USER > the repos table > .pypirc > the username remembered from an earlier prompt >
the prompt (Enter takes `__token__`) > `__token__`.
Password: .pypirc (when the username came from it) > `-o auth` > HATCH_INDEX_AUTH > the repos table > .pypirc (when its
entry has the same username) > keyring > a cloud registry's token from its SDK (CodeArtifact, Artifact Registry, Azure
Artifacts, with the username it expects) or trusted publishing (for `__token__` in a CI with an identity token) > the
prompt (hidden). Where `__token__` is refused (those registries, Cloudsmith), the default username is the index's.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from hatch_custom_index.errors import NoCredentialsError, Redactor, Secret, TrustedPublishingError
from hatch_custom_index.model import Credentials, MintedToken, NotMinted
from hatch_custom_index.settings import OPTIONS
from hatch_custom_index.suggest import look_alike_variables
from hatch_custom_index.tokens import TRUSTED

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from hatch_custom_index.cache import UserCache
    from hatch_custom_index.keyrings import Keyring
    from hatch_custom_index.model import Outcome
    from hatch_custom_index.pypirc import Pypirc, PypircEntry
    from hatch_custom_index.repositories import Repository
    from hatch_custom_index.tokens import Tokens

DEFAULT_USERNAME = "__token__"
KEYRING = "keyring"  # the source of a credential found there
PROMPT = "the interactive prompt"


class Prompter(Protocol):
    def username(self, text: str, default: str) -> str: ...

    def password(self, text: str) -> str: ...


@dataclass(frozen=True)
class CredentialsPreview:
    """A dry run's answer: where the credentials would come from, or (`found` false) why a real run would stop."""

    text: str
    found: bool = True
    trusted: bool = False  # the credentials would be minted by trusted publishing


@dataclass(frozen=True)
class Found:
    """A credential and where it came from; the source is shown, the value never."""

    value: str | Secret
    source: str


class CredentialChain:
    """Resolves credentials once, on first use, so nothing is asked for when nothing will be uploaded."""

    def __init__(
        self,
        repository: Repository,
        *,
        pypirc: Pypirc | None = None,
        cache: UserCache | None = None,
        keyring: Keyring | None = None,
        prompter: Prompter | None = None,
        tokens: Tokens | None = None,
        redact: Redactor | None = None,
        default_username: str = DEFAULT_USERNAME,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self.repository = repository
        self.pypirc = pypirc
        self.cache = cache
        self.keyring = keyring
        self.prompter = prompter
        self.tokens = tokens
        self.redact = redact
        self.default_username = default_username
        self.environ = os.environ if environ is None else environ
        self.minted: MintedToken | None = None  # a token this run obtained: renewed before it lapses
        self._lock = threading.RLock()
        name = None if repository.from_project else repository.name
        self.entry: PypircEntry | None = pypirc.find(name, repository.url) if pypirc else None
        self.username: Found | None = None
        self.password: Found | None = None

    @property
    def repo_key(self) -> str:
        """The key of the remembered username: the repository's name, or its URL when it has none."""
        return self.repository.name or self.repository.url

    @property
    def resolved(self) -> bool:
        return self.password is not None

    def get(self) -> Credentials:
        """The credentials, resolved on first use; a minted token about to expire is replaced by a fresh one."""
        with self._lock:  # uploads run in threads; one of them re-mints, the others wait for it
            if self.minted is not None and self.minted.expiring():
                self.username = self.password = None
            if self.username is None or self.password is None:
                self.username, self.password = self._resolve()
            password = self.password.value
            secret = password if isinstance(password, Secret) else Secret(password)
            if self.redact is not None:
                self.redact.add(secret)
            return Credentials(str(self.username.value), secret)

    def _resolve(self) -> tuple[Found, Found]:
        tokens = self.tokens
        if tokens is not None and tokens.first is not None:  # trusted publishing in `always` mode
            minted = tokens.first.mint()
            if isinstance(minted, NotMinted):  # `always` raises rather than give this; kept for the type
                raise TrustedPublishingError(minted.reason)
            return self._use(minted, tokens.first.source)
        username = self._given_username()
        password = self._given_password(username)
        if password is None and username is None and self.keyring is not None:
            found = self.keyring.credential(None)
            if found is not None and found[0]:  # a backend that knows the username (Artifact Registry, Azure)
                return Found(found[0], KEYRING), Found(found[1], KEYRING)
        if password is None and username is not None:
            password = self._keyring_password(username)
        why_not_trusted = ""
        # A cloud registry's SDK (never PyPI's exchange there), else trusted publishing where it is wanted.
        if password is None and tokens is not None:
            exchange = tokens.last
            decision = exchange.wanted(str(username.value) if username is not None else None)
            minted = exchange.mint() if decision.wanted else NotMinted(decision.reason)
            if isinstance(minted, MintedToken):
                return self._use(minted, exchange.source)
            why_not_trusted = minted.reason
        if username is None:
            username = self._remembered_or_prompted_username()
            if password is None:
                password = self._pypirc_password_for(username) or self._keyring_password(username)
        if password is None:
            password = self._prompted_password(username, why_not_trusted)
        return username, password

    def _use(self, minted: MintedToken, source: str) -> tuple[Found, Found]:
        self.minted = minted
        return Found(minted.username, source), Found(minted.token, f"{source} ({minted.provider})")

    @property
    def trusted_publishing(self) -> bool:
        """Whether the credentials in use were minted by trusted publishing."""
        return self.minted is not None and self.username is not None and self.username.source == TRUSTED

    def _given_username(self) -> Found | None:
        settings = self.repository.settings
        if settings.user:
            return Found(settings.user, settings.source("user"))
        if self.entry is not None and self.entry.username and self.pypirc is not None:
            return Found(self.entry.username, self.pypirc.where(self.entry, "username"))
        return None

    def _given_password(self, username: Found | None) -> Found | None:
        entry, pypirc = self.entry, self.pypirc
        if entry and pypirc and entry.password and username and username.source == pypirc.where(entry, "username"):
            return Found(entry.password, pypirc.where(entry, "password"))
        settings = self.repository.settings
        if settings.auth:
            return Found(settings.auth, settings.source("auth"))
        return self._pypirc_password_for(username) if username is not None else None

    def _pypirc_password_for(self, username: Found) -> Found | None:
        """The .pypirc password of this repository's entry, when that entry names the same username."""
        entry = self.entry
        # A section with a password and no username holds a token: its username is `__token__`.
        if entry is None or self.pypirc is None or not entry.password:
            return None
        if (entry.username or DEFAULT_USERNAME) != username.value:
            return None
        return Found(entry.password, self.pypirc.where(entry, "password"))

    def _remembered_or_prompted_username(self) -> Found:
        cache = self.cache
        remembered = cache.get(self.repo_key) if cache is not None else None
        if cache is not None and remembered:
            return Found(remembered, f"the username remembered in {cache.path}")
        if self.prompter is not None:
            text = f"Username for {self.repository.display_name}"
            answer = self.prompter.username(text, self.default_username).strip()
            return Found(answer or self.default_username, PROMPT)
        return Found(self.default_username, "the default")

    def _keyring_password(self, username: Found) -> Found | None:
        if self.keyring is None:
            return None
        found = self.keyring.credential(str(username.value))
        if found is None or (found[0] and found[0] != username.value):
            return None
        return Found(found[1], KEYRING)

    def _prompted_password(self, username: Found, why_not_trusted: str) -> Found:
        if self.prompter is not None:
            answer = self.prompter.password(f"Password for {username.value} at {self.repository.display_name}")
            if answer:
                return Found(Secret(answer), PROMPT)
            message = "No password was entered; nothing was uploaded"
            raise NoCredentialsError(message)
        raise NoCredentialsError(self._nothing_found_message(why_not_trusted))

    def _nothing_found_message(self, why_not_trusted: str) -> str:
        places = ["option `-a/--auth` or `-o auth`", "environment variable HATCH_INDEX_AUTH"]
        places.extend(f"`auth` in Hatch's config.toml `{table}`" for table in self.repository.credential_tables)
        if self.pypirc is not None:
            places.append(
                f"{self.pypirc.path}" + (f" [{self.entry.section}]" if self.entry else " (no matching section)")
            )
        else:
            places.append(".pypirc (none found)")
        places.append("keyring" if self.keyring is not None else "keyring (off: option `keyring` is false)")
        if why_not_trusted:
            places.append(why_not_trusted)
        read = [option.env for option in OPTIONS.values() if option.env]
        hints = "".join(f"\n{line}" for line in look_alike_variables(self.environ, read))
        return (
            f"No password or token for {self.repository.display_name}; looked in: {', '.join(places)}. "
            "Prompting is off (`--no-prompt`, or no terminal)" + hints
        )

    def preview(self, *, interactive: bool, tokens: Tokens | None) -> CredentialsPreview:
        """Where a real run would take the credentials from (for a dry run): found without prompting, without
        minting a token, without saving anything. `tokens` are what a real run would try."""
        try:
            username, password = self._resolve()
        except NoCredentialsError as e:
            would_mint = tokens.last.preview() if tokens is not None else None
            if would_mint:
                return CredentialsPreview(would_mint, trusted=tokens is not None and tokens.last.trusted)
            if interactive:
                return CredentialsPreview(PROMPT)
            return CredentialsPreview(str(e), found=False)
        return CredentialsPreview(f"username from {username.source}, password from {password.source}")

    def keyring_hint(self, outcomes: list[Outcome]) -> str | None:
        """When the index refused a password that came from the keyring: which entry to fix, and how."""
        refused = any(outcome.refused in {401, 403} for outcome in outcomes)
        if not refused or self.keyring is None or self.password is None or self.password.source != KEYRING:
            return None
        user = self.username.value if self.username is not None else DEFAULT_USERNAME
        return (
            f"The password came from the keyring entry for {self.keyring.service} and user {user}: if it is stale, "
            f"replace it with `keyring set {self.keyring.service} {user}` (with Hatch installed by pipx: `pipx run "
            f"keyring set ...`; by uv: `uvx keyring set ...`)"
        )

    def sources(self) -> str:
        """`username from X, password from Y`, never the values."""
        if self.username is None or self.password is None:
            return "not resolved"
        return f"username from {self.username.source}, password from {self.password.source}"

    def remember(self, warn: Callable[[str], None]) -> None:
        """Save what the prompt gave: the username to Hatch's cache, the password to the keyring."""
        if self.username is not None and self.username.source == PROMPT and self.cache is not None:
            try:
                self.cache.save(self.repo_key, str(self.username.value))
            except OSError as e:
                warn(f"Warning: could not remember the username in {self.cache.path} ({e.strerror or e})")
        if self.password is not None and self.password.source == PROMPT and self.keyring is not None:
            password = self.password.value
            user = self.username.value if self.username is not None else self.default_username
            self.keyring.save(str(user), password if isinstance(password, Secret) else Secret(password))
