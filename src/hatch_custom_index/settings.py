"""The registry of options: one name, type, default and set of sources each, and the rules that merge them.

Sources, highest precedence first: `-o key=value`, the `HATCH_INDEX_*` environment variables (read here because Hatch
drops them for publishers other than `index`), the project's `[tool.hatch.publish.custom-index]`, then Hatch's
config.toml `[publish.custom-index]`; within each config, a repository's own table wins over the top level.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from functools import partial
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlsplit

from hatch_custom_index.errors import ConfigurationError, Secret
from hatch_custom_index.suggest import did_you_mean
from hatch_custom_index.text import printable_line

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

PLUGIN_NAME = "custom-index"


class Scope(Enum):
    """Where an option may be given."""

    CLI = "cli"  # Hatch's flags and -o key=value
    ENV = "env"  # HATCH_INDEX_* environment variable
    PROJECT = "project"  # top level of the project's config
    HATCH = "hatch"  # top level of Hatch's config.toml
    REPO = "repo"  # a repos table (project or Hatch config)


CLI, ENV, PROJECT, HATCH, REPO = Scope
EVERYWHERE = frozenset(Scope)
NOT_ENV = EVERYWHERE - {ENV}
# Repositories whose URL is predefined (PyPI and TestPyPI): their tables may set other keys without a `url`.
PREDEFINED_REPOSITORIES = frozenset({"main", "test"})
TRUE_WORDS = frozenset({"true", "1", "yes", "on"})
FALSE_WORDS = frozenset({"false", "0", "no", "off"})
DEFAULT_SOURCE = "the default"


class Kind(Enum):
    """How an option's raw value is checked and converted."""

    STR = "str"
    URL = "url"
    PATH = "path"  # -> Path
    BOOL = "bool"
    SECONDS = "seconds"  # -> float
    COUNT = "count"  # -> int
    SECRET = "secret"  # noqa: S105 -- a kind of option, not a password; -> Secret
    CHOICE = "choice"  # -> a member of the option's enum


class TrustedPublishingMode(str, Enum):
    AUTO = "auto"
    ALWAYS = "always"
    NEVER = "never"


class AttestationsMode(str, Enum):
    AUTO = "auto"  # with trusted publishing only
    ALWAYS = "true"
    NEVER = "false"


class SignMode(str, Enum):
    AUTO = "auto"  # with trusted publishing in a CI that gives an identity, to an index that takes attestations
    ALWAYS = "true"
    NEVER = "false"


SIGSTORE_INSTANCES = ("production", "staging")  # option `sigstore`: one of these, or a client trust config's path


class RulesMode(str, Enum):
    AUTO = "auto"  # PyPI's for PyPI and TestPyPI, the standards' for any other index
    PYPI = "pypi"
    STANDARDS = "standards"


class Registry(str, Enum):
    """Which cloud's credentials an index takes (`auto`: recognised by its URL; `none`: no cloud's)."""

    AUTO = "auto"
    NONE = "none"
    CODEARTIFACT = "codeartifact"
    ARTIFACT_REGISTRY = "artifact-registry"
    AZURE_ARTIFACTS = "azure-artifacts"


@dataclass(frozen=True)
class Option:
    """One setting of the plugin; the README's configuration reference documents each."""

    name: str
    kind: Kind
    default: Any
    where: frozenset[Scope]
    env: str | None = None
    credential: bool = False
    choices: type[Enum] | None = None  # for CHOICE; with `true`/`false` among its values, booleans are taken too
    minimum: int = 0  # for COUNT; for SECONDS, 1 means more than 0
    help: str = ""  # one line of meaning, for `-o help`
    default_text: str = ""  # the default in words, where the registry's `None` means "decided later"


OPTIONS: dict[str, Option] = {
    option.name: option
    for option in (
        Option(
            "repo",
            Kind.STR,
            "main",
            frozenset({CLI, ENV, PROJECT, HATCH}),
            env="HATCH_INDEX_REPO",
            help="where to publish: a name from the repos tables, or a full upload URL",
        ),
        Option(
            "user",
            Kind.STR,
            None,
            frozenset({CLI, ENV, HATCH, REPO}),
            env="HATCH_INDEX_USER",
            credential=True,
            help="the username (`__token__` for an API token)",
            default_text="__token__",
        ),
        Option(
            "auth",
            Kind.SECRET,
            None,
            frozenset({CLI, ENV, HATCH, REPO}),
            env="HATCH_INDEX_AUTH",
            credential=True,
            help="the password or API token (prefer HATCH_INDEX_AUTH: a command line is visible to other users)",
        ),
        Option(
            "ca-cert",
            Kind.PATH,
            None,
            EVERYWHERE,
            env="HATCH_INDEX_CA_CERT",
            help="a PEM CA bundle to verify the index's certificate (a private CA)",
            default_text="the system's trust store",
        ),
        Option(
            "client-cert",
            Kind.PATH,
            None,
            EVERYWHERE,
            env="HATCH_INDEX_CLIENT_CERT",
            help="a client certificate for mutual TLS, optionally with its private key",
        ),
        Option(
            "client-key",
            Kind.PATH,
            None,
            EVERYWHERE,
            env="HATCH_INDEX_CLIENT_KEY",
            help="the client certificate's private key, when not in `client-cert`",
        ),
        Option(
            "skip-existing",
            Kind.BOOL,
            True,
            NOT_ENV,
            help="a file the index holds with the same sha256 is skipped (false: an error)",
        ),
        Option(
            "simple-url",
            Kind.URL,
            None,
            frozenset({CLI, REPO}),
            help="the index's simple API root, when the one derived from `url` is not where it lists files",
            default_text="derived from the upload URL",
        ),
        Option(
            "retries",
            Kind.COUNT,
            3,
            NOT_ENV,
            help="how often a request that failed on the way is tried again (connection errors, 408, 429, 5xx)",
        ),
        Option("jobs", Kind.COUNT, 8, NOT_ENV, minimum=1, help="how many uploads run at once"),
        Option(
            "allow-insecure-http",
            Kind.BOOL,
            False,
            frozenset({CLI, REPO}),
            help="send credentials over plain http:// to another machine (a network you trust only)",
        ),
        Option(
            "md5",
            Kind.BOOL,
            False,
            frozenset({CLI, REPO}),
            help="send an md5 digest too (Artifactory is recognised by its URL without it)",
        ),
        Option(
            "trusted-publishing",
            Kind.CHOICE,
            TrustedPublishingMode.AUTO,
            NOT_ENV,
            choices=TrustedPublishingMode,
            help="exchange the CI's identity token for an upload token when no password is found",
        ),
        Option(
            "oidc-provider",
            Kind.STR,
            None,
            frozenset({CLI, REPO}),
            help="JFrog's OIDC integration name, or Cloudsmith's service account slug, for trusted publishing",
        ),
        Option(
            "oidc-audience",
            Kind.STR,
            None,
            frozenset({CLI, REPO}),
            help="the audience of the CI's identity token, where it is not the index's own or PyPI's",
            default_text="by host: see the README",
        ),
        Option(
            "attestations",
            Kind.CHOICE,
            AttestationsMode.AUTO,
            NOT_ENV,
            choices=AttestationsMode,
            help="send the PEP 740 attestations beside each file (auto: with trusted publishing)",
        ),
        Option(
            "sign",
            Kind.CHOICE,
            SignMode.AUTO,
            NOT_ENV,
            choices=SignMode,
            help="make each file's publish attestation with Sigstore before the upload (auto: in CI, with trusted "
            "publishing, to an index that takes attestations)",
        ),
        Option(
            "sigstore",
            Kind.STR,
            "production",
            NOT_ENV,
            help="the Sigstore that signs: production, staging, or the path of a client trust config (JSON)",
        ),
        Option(
            "rules",
            Kind.CHOICE,
            RulesMode.AUTO,
            NOT_ENV,
            choices=RulesMode,
            help="whose upload rules refuse a file before anything is sent (auto: PyPI's for PyPI and TestPyPI)",
        ),
        Option(
            "registry",
            Kind.CHOICE,
            Registry.AUTO,
            frozenset({CLI, REPO}),
            choices=Registry,
            help="the cloud whose SDK gives a token when no password is found (auto: by the upload URL)",
        ),
        Option(
            "dry-run",
            Kind.BOOL,
            False,
            frozenset({CLI, PROJECT, HATCH}),
            help="check everything and say what would be uploaded; upload, ask and save nothing",
        ),
        Option("report", Kind.PATH, None, frozenset({CLI, PROJECT, HATCH}), help="a path for a JSON report of the run"),
        Option(
            "pypirc",
            Kind.PATH,
            Path("~/.pypirc"),
            frozenset({CLI, HATCH}),
            help="the .pypirc file to read credentials from",
        ),
        Option(
            "keyring",
            Kind.BOOL,
            True,
            NOT_ENV,
            help="look the password up in the keyring, and save a prompted one there",
        ),
        Option(
            "timeout", Kind.SECONDS, 60.0, NOT_ENV, minimum=1, help="seconds of silence after which a request fails"
        ),
        Option(
            "confirm",
            Kind.SECONDS,
            30.0,
            NOT_ENV,
            help="seconds to wait for the index to list what it accepted (0: do not read back)",
        ),
    )
}


@dataclass(frozen=True)
class Value:
    """A setting's value and where it came from, e.g. `environment variable HATCH_INDEX_USER`."""

    value: Any
    source: str


@dataclass(frozen=True)
class Settings:
    """Every option in effect for one publish, typed, with where each value came from (for messages and -v)."""

    repo: str
    user: str | None
    auth: Secret | None
    ca_cert: Path | None
    client_cert: Path | None
    client_key: Path | None
    skip_existing: bool
    simple_url: str | None
    retries: int
    jobs: int
    allow_insecure_http: bool
    md5: bool
    trusted_publishing: TrustedPublishingMode
    oidc_provider: str | None
    oidc_audience: str | None
    attestations: AttestationsMode
    sign: SignMode
    sigstore: str
    rules: RulesMode
    registry: Registry
    dry_run: bool
    report: Path | None
    pypirc: Path
    keyring: bool
    timeout: float
    confirm: float
    sources: Mapping[str, str] = field(repr=False, compare=False)  # option name -> where its value came from
    given: frozenset[str] = field(default=frozenset(), repr=False, compare=False)  # the options not defaulted

    @classmethod
    def from_values(cls, values: Mapping[str, Value]) -> Settings:
        """From a value per option (an option missing takes its default)."""
        found = {name: values.get(name) or Value(option.default, DEFAULT_SOURCE) for name, option in OPTIONS.items()}
        fields = {name.replace("-", "_"): value.value for name, value in found.items()}
        sources = MappingProxyType({name: value.source for name, value in found.items()})
        return cls(**fields, sources=sources, given=frozenset(name for name in OPTIONS if name in values))

    def source(self, name: str) -> str:
        """Where the value of option `name` came from: `option `-o jobs``, `the default`, ..."""
        return self.sources[name]

    def is_default(self, name: str) -> bool:
        """Nothing gave option `name`: it has its default (as when devpi's uploads go one at a time)."""
        return name not in self.given

    def value(self, name: str) -> Any:
        return getattr(self, name.replace("-", "_"))

    def shown(self) -> list[str]:
        """`timeout = 60 (the default)` for each option but the credentials, as you would write it: for -v."""
        return [
            f"{name} = {plain(self.value(name))} ({self.source(name)})"
            for name, option in OPTIONS.items()
            if not option.credential
        ]


def plain(value: object) -> str:
    """A value as you would write it: `auto`, `true`, `60`, `~/.pypirc`, `none`."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return printable_line(str(value))


_VALUES = {Kind.STR: "TEXT", Kind.URL: "URL", Kind.PATH: "PATH", Kind.BOOL: "true|false", Kind.SECONDS: "SECONDS",
           Kind.COUNT: "N", Kind.SECRET: "SECRET"}  # fmt: skip
_PLACES = {CLI: "-o", PROJECT: "project config", HATCH: "Hatch config", REPO: "repos tables"}


def help_text() -> list[str]:
    """`-o help`: each option's key, allowed values, default, where it may be given, and what it means."""
    lines = ["Options of hatch-custom-index: `-o KEY=VALUE`, or the places listed; `-` and `_` are one in keys"]
    for option in OPTIONS.values():
        values = "|".join(choice.value for choice in option.choices) if option.choices else _VALUES[option.kind]
        if option.kind is Kind.COUNT and option.minimum:
            values += f" (at least {option.minimum})"
        places = [option.env if scope is ENV else _PLACES[scope] for scope in Scope if scope in option.where]
        lines.append(f"  {option.name} = {values}   default: {option.default_text or plain(option.default)}")
        lines.append(f"      {option.help}; in: {', '.join(str(place) for place in places)}")
    return lines


class HelpRequested(Exception):  # noqa: N818 -- what was asked, not an error
    """`-o help` (or `-o help=true`): print `help_text()` and publish nothing."""


@dataclass
class Layer:
    """The validated options of one source: its top level, and for a config its repos tables."""

    values: dict[str, Value] = field(default_factory=dict)
    repos: dict[str, dict[str, Value]] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)  # keys left alone, each as `<label> key `<path>``
    notes: list[str] = field(default_factory=list)  # what was corrected in a value, to say so


def canonical_key(key: str) -> str:
    """`ca_cert` and `ca-cert` name the same option."""
    return key.strip().replace("_", "-").lower()


def convert(option: Option, raw: object, where: str) -> Any:
    """Check and convert one raw value; `where` names the key and its source for the error."""
    if isinstance(raw, str) and not raw.strip():
        message = f"{where} is given but empty; give a value or remove it"
        raise ConfigurationError(message)
    if option.kind is Kind.BOOL:
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip().lower() in TRUE_WORDS | FALSE_WORDS:
            return raw.strip().lower() in TRUE_WORDS
        message = f"{where} must be a boolean (true/false, 1/0, yes/no), not {_describe(raw)}"
        raise ConfigurationError(message)
    if option.kind is Kind.CHOICE:
        return _choice(option, raw, where)
    if option.kind is Kind.SECONDS:
        number: object = raw
        if isinstance(raw, str):
            try:
                number = float(raw)
            except ValueError:
                number = None
        seconds = float(number) if isinstance(number, (int, float)) and not isinstance(number, bool) else -1.0
        if not 0 <= seconds < float("inf") or (option.minimum and seconds <= 0):
            kind = "a positive number of seconds" if option.minimum else "a number of seconds, 0 or more"
            message = f"{where} must be {kind}, not {_describe(raw)}"
            raise ConfigurationError(message)
        return seconds
    if option.kind is Kind.COUNT:
        count: object = raw
        if isinstance(raw, str) and raw.strip().isascii() and raw.strip().isdigit():  # not "²", a digit to Python
            count = int(raw)
        if isinstance(count, bool) or not isinstance(count, int) or count < option.minimum:
            message = f"{where} must be a whole number, {option.minimum} or more, not {_describe(raw)}"
            raise ConfigurationError(message)
        return count
    if not isinstance(raw, str):
        message = f"{where} must be a string, not {_describe(raw)}"
        raise ConfigurationError(message)
    if option.kind is Kind.SECRET:
        return Secret(raw.strip())  # a newline pasted with a token is never part of it
    value = raw.strip()
    if option.kind is Kind.URL:
        check_url(value, where)
    if option.kind is Kind.PATH:
        return Path(value)
    return value


def _choice(option: Option, raw: object, where: str) -> Enum:
    choices = cast("type[Enum]", option.choices)
    values = [member.value for member in choices]
    word = str(raw).lower() if isinstance(raw, bool) else raw.strip().lower() if isinstance(raw, str) else None
    if "true" in values and word in TRUE_WORDS | FALSE_WORDS:
        word = "true" if word in TRUE_WORDS else "false"
    if word not in values:
        message = f"{where} must be one of {', '.join(values)}, not {_describe(raw)}"
        raise ConfigurationError(message)
    return choices(word)


def check_url(url: str, where: str) -> None:
    """An index URL must be absolute http(s), in printable characters without spaces, and carry no credentials."""
    if any(char.isspace() or not char.isprintable() for char in url):
        message = (
            f"{where} holds a control character or a space "
            f"({printable_line(url) if '@' not in url else 'a URL with credentials'}): an index URL has none; check for "
            "a line break pasted with it"
        )
        raise ConfigurationError(message)
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 -- raises ValueError on a bad port
    except ValueError:
        parts = None
    if parts is not None and "@" in parts.netloc:
        message = (
            f"{where} holds credentials in the URL; remove them from it and set `user`/`auth` in the repos table "
            "of Hatch's config.toml, or HATCH_INDEX_USER/HATCH_INDEX_AUTH, instead"
        )
        raise ConfigurationError(message)
    if parts is None or parts.scheme not in {"http", "https"} or not parts.hostname:
        shown = url if "@" not in url else "(a URL with credentials)"
        message = f"{where} must be an http:// or https:// URL, not {shown!r}"
        raise ConfigurationError(message)


def _describe(raw: object) -> str:
    if isinstance(raw, bool):
        return f"the boolean {str(raw).lower()}"
    if isinstance(raw, str):
        return repr(raw) if len(raw) <= 40 else "a long string"  # noqa: PLR2004
    return f"a {type(raw).__name__}"


def parse_cli(options: Mapping[str, object]) -> Layer:
    """Validate the `-o key=value` options Hatch passed, leaving out Hatch's own `no_prompt`/`initialize_auth`."""
    layer = Layer()
    for key, raw in options.items():
        if key in {"no_prompt", "initialize_auth"}:
            if not isinstance(raw, bool):
                flag = key.replace("_", "-")
                message = f"`-o {key}` is not an option of this plugin; use Hatch's own flag `hatch publish --{flag}`"
                raise ConfigurationError(message)
            continue
        name = canonical_key(key)
        where = f"option `-o {key}`"
        if name == "help" and (raw is True or str(raw).strip().lower() in {"", *TRUE_WORDS}):
            raise HelpRequested
        option = OPTIONS.get(name)
        if option is None or CLI not in option.where:
            message = f"{where} is unknown{did_you_mean(name, _names(CLI))} {_known(CLI)}; `-o help` describes each"
            raise ConfigurationError(message)
        _set_once(layer.values, name, Value(convert(option, raw, where), where))
        note_trimmed(layer, option, raw, where)
    return layer


def note_trimmed(layer: Layer, option: Option, raw: object, where: str) -> None:
    """A secret given with whitespace around it (a CI secret pasted with Enter) is used without it, and said so."""
    if option.kind is Kind.SECRET and isinstance(raw, str) and raw != raw.strip():
        layer.notes.append(f"{where} ends or starts with whitespace (pasted with the secret?): it was left out")


def parse_env(environ: Mapping[str, str]) -> Layer:
    """The options given by `HATCH_INDEX_*` environment variables."""
    layer = Layer()
    for option in OPTIONS.values():
        if option.env and option.env in environ:
            where = f"environment variable {option.env}"
            layer.values[option.name] = Value(convert(option, environ[option.env], where), where)
            note_trimmed(layer, option, environ[option.env], where)
    return layer


def parse_config(config: object, label: str, scope: Scope) -> Layer:
    """Validate a `[publish.custom-index]` table: `scope` is PROJECT or HATCH, `label` names the file for errors."""
    prefix = f"publish.{PLUGIN_NAME}"
    if not isinstance(config, dict):
        message = f"{label} key `{prefix}` must be a table"
        raise ConfigurationError(message)
    layer = Layer()
    for key, raw in config.items():
        name = canonical_key(key)
        where = f"{label} key `{prefix}.{key}`"
        if name == "repos":
            layer.repos = _parse_repos(
                raw,
                f"{label} key `{prefix}.{key}",
                lambda option, value, where: _convert_config_value(option, value, where, REPO, scope),
            )
        elif name != "disable":  # Hatch itself reads and checks `disable` before the plugin runs
            _set_once(layer.values, name, Value(_convert_config_value(name, raw, where, scope, scope), where))
    return layer


def _parse_repos(
    raw: object, where: str, convert_key: Callable[[str, object, str], object]
) -> dict[str, dict[str, Value]]:
    """A `repos` table: `NAME = "url"`, or `NAME` tables with a `url` (`main`/`test` may leave it out) and other keys,
    each converted by `convert_key(option name, raw value, where)`; a key it answers `IGNORED` is left out."""
    if not isinstance(raw, dict):
        message = f"{where}` must be a table of repositories"
        raise ConfigurationError(message)
    repos: dict[str, dict[str, Value]] = {}
    for name, table in raw.items():
        repo_where = f"{where}.{name}`"
        if isinstance(table, str):  # the short form
            repos[name] = {"url": Value(convert(URL_KEY, table, repo_where), repo_where)}
            continue
        if not isinstance(table, dict):
            message = f"{repo_where} must be a URL string or a table with a `url` key"
            raise ConfigurationError(message)
        if "url" not in table and name not in PREDEFINED_REPOSITORIES:
            message = f"{repo_where} has no `url`; every repository needs its upload URL"
            raise ConfigurationError(message)
        values: dict[str, Value] = {}
        for key, raw_value in table.items():
            option_name, key_where = canonical_key(key), f"{where}.{name}.{key}`"
            if option_name == "url":
                value = convert(URL_KEY, raw_value, key_where)
            else:
                value = convert_key(option_name, raw_value, key_where)
            if value is not IGNORED:
                _set_once(values, option_name, Value(value, key_where))
        repos[name] = values
    return repos


IGNORED = object()  # a key of Hatch's own table that this plugin leaves alone
URL_KEY = Option("url", Kind.URL, None, frozenset({REPO}))  # a repository's upload URL

# Hatch's built-in publisher: its table in config.toml, and the options it reads there (top level and repos tables).
HATCH_INDEX_PUBLISHER = "index"
HATCH_INDEX_OPTIONS = ("repo", "user", "auth", "ca-cert", "client-cert", "client-key")


def parse_hatch_index_config(config: object, label: str) -> Layer:
    """Hatch's own `[publish.index]` of config.toml, read as Hatch's `index` publisher reads it: its repos tables
    (`NAME = "url"`, or `url` with `user`, `auth`, `ca-cert`, `client-cert`, `client-key`) and those keys with `repo`
    at the top level. Other keys there belong to Hatch and are left alone (listed in `ignored`)."""
    prefix = f"publish.{HATCH_INDEX_PUBLISHER}"
    layer = Layer()
    if not isinstance(config, dict):
        return layer  # Hatch itself refuses a `publish.index` that is not a table
    for key, raw in config.items():
        name = canonical_key(key)
        where = f"{label} key `{prefix}.{key}`"
        if name == "repos":
            layer.repos = _parse_repos(raw, f"{label} key `{prefix}.{key}", partial(_hatch_index_key, layer.ignored))
        elif name in HATCH_INDEX_OPTIONS:
            option = OPTIONS[name]
            _set_once(layer.values, name, Value(convert(option, raw, where), where))
        elif name != "disable":  # Hatch reads `disable` for its own publisher
            layer.ignored.append(where)
    return layer


def _hatch_index_key(ignored: list[str], option: str, raw: object, where: str) -> Any:
    """A key of a `[publish.index.repos.NAME]` table: one Hatch's publisher reads, or IGNORED (and listed)."""
    if option in HATCH_INDEX_OPTIONS and option != "repo":
        return convert(OPTIONS[option], raw, where)
    ignored.append(where)
    return IGNORED


def _convert_config_value(name: str, raw: object, where: str, scope: Scope, config: Scope) -> Any:
    option = OPTIONS.get(name)
    if option is not None and option.credential and config == PROJECT:
        message = (
            f"{where}: credentials don't belong in a project's config, which is committed and shared; "
            "set them in Hatch's config.toml, HATCH_INDEX_USER/HATCH_INDEX_AUTH, or `-o`"
        )
        raise ConfigurationError(message)
    if option is None or scope not in option.where:
        if name == "url":
            message = f"{where}: `url` belongs in a repository's table (`publish.{PLUGIN_NAME}.repos.NAME.url`)"
            raise ConfigurationError(message)
        message = f"{where} is unknown here{did_you_mean(name, _names(scope))} {_known(scope)}"
        raise ConfigurationError(message)
    return convert(option, raw, where)


def _names(scope: Scope) -> list[str]:
    """The keys that `scope` takes."""
    names = sorted(name for name, option in OPTIONS.items() if scope in option.where)
    if scope == REPO:
        names = ["url", *names]
    if scope in {PROJECT, HATCH}:
        names += ["disable", "repos"]
    return names


def _known(scope: Scope) -> str:
    return "Valid keys: " + ", ".join(_names(scope))


def _set_once(values: dict[str, Value], name: str, value: Value) -> None:
    if name in values:
        message = f"{value.source} names `{name}` a second time (`{name}` and `{name.replace('-', '_')}` are one key); keep one"
        raise ConfigurationError(message)
    values[name] = value


def report_option(options: Mapping[str, object], project_config: object, hatch_config: object) -> str | None:
    """The `report` path as the full parse will find it (`-o`, then the project's config, then Hatch's), read on its
    own and leniently, so that a run stopped by another bad setting still writes its report saying why."""
    for source in (options, project_config, hatch_config):
        if not isinstance(source, dict):
            continue
        for key, raw in source.items():
            if isinstance(key, str) and canonical_key(key) == "report" and isinstance(raw, str) and raw.strip():
                return raw.strip()
    return None
