"""The registry of options: one name, type, default and set of sources each, and the rules that merge them.

Sources, highest precedence first: `-o key=value`, the `HATCH_INDEX_*` environment variables (read here because Hatch
drops them for publishers other than `index`), the project's `[tool.hatch.publish.custom-index]`, then Hatch's
config.toml `[publish.custom-index]`; within each config, a repository's own table wins over the top level.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hatch_custom_index.errors import PublishError, Secret

if TYPE_CHECKING:
    from collections.abc import Mapping

PLUGIN_NAME = "custom-index"

# Where an option may be given.
CLI = "cli"  # -o key=value
ENV = "env"  # HATCH_INDEX_* environment variable
PROJECT = "project"  # top level of the project's config
HATCH = "hatch"  # top level of Hatch's config.toml
REPO = "repo"  # a repos table (project or Hatch config)

EVERYWHERE = frozenset({CLI, ENV, PROJECT, HATCH, REPO})
# Repositories whose URL is predefined (PyPI and TestPyPI): their tables may set other keys without a `url`.
PREDEFINED_REPOSITORIES = frozenset({"main", "test"})
TRUE_WORDS = frozenset({"true", "1", "yes", "on"})
FALSE_WORDS = frozenset({"false", "0", "no", "off"})


@dataclass(frozen=True)
class Option:
    """One setting of the plugin."""

    name: str
    kind: str  # "str", "url", "path", "bool", "seconds", "count", "secret", "choice"
    default: Any
    doc: str
    where: frozenset[str]
    env: str | None = None
    credential: bool = False
    choices: tuple[str, ...] = ()  # for "choice"; `true`/`false` among them also take the boolean words
    minimum: int = 0  # for "count"


OPTIONS: dict[str, Option] = {
    option.name: option
    for option in (
        Option(
            "repo",
            "str",
            "main",
            "The repository to publish to: a name from the repos tables, or a full upload URL.",
            frozenset({CLI, ENV, PROJECT, HATCH}),
            env="HATCH_INDEX_REPO",
        ),
        Option(
            "user",
            "str",
            None,
            "The username to authenticate with (`__token__` when nothing gives one).",
            frozenset({CLI, ENV, HATCH, REPO}),
            env="HATCH_INDEX_USER",
            credential=True,
        ),
        Option(
            "auth",
            "secret",
            None,
            "The password or API token.",
            frozenset({CLI, ENV, HATCH, REPO}),
            env="HATCH_INDEX_AUTH",
            credential=True,
        ),
        Option(
            "ca-cert",
            "path",
            None,
            "A CA bundle to verify the index's certificate with.",
            EVERYWHERE,
            env="HATCH_INDEX_CA_CERT",
        ),
        Option(
            "client-cert",
            "path",
            None,
            "A client certificate for mutual TLS, optionally holding the private key.",
            EVERYWHERE,
            env="HATCH_INDEX_CLIENT_CERT",
        ),
        Option(
            "client-key",
            "path",
            None,
            "The private key of `client-cert`, when it is a file of its own.",
            EVERYWHERE,
            env="HATCH_INDEX_CLIENT_KEY",
        ),
        Option(
            "skip-existing",
            "bool",
            True,
            "Files already on the index with the same sha256 are skipped; false makes them an error.",
            frozenset({CLI, PROJECT, HATCH, REPO}),
        ),
        Option(
            "simple-url",
            "url",
            None,
            "The index's simple API, used to find files already there (derived from the upload URL when unset).",
            frozenset({CLI, REPO}),
        ),
        Option(
            "retries",
            "count",
            3,
            "How often to retry a request that failed on the way (connection lost, 429, 5xx), with backoff.",
            frozenset({CLI, PROJECT, HATCH, REPO}),
        ),
        Option(
            "jobs",
            "count",
            8,
            "How many uploads run at once (1: one after another). The first file of a new release always goes alone.",
            frozenset({CLI, PROJECT, HATCH, REPO}),
            minimum=1,
        ),
        Option(
            "allow-insecure-http",
            "bool",
            False,
            "Allow sending credentials over plain http:// to a host that is not this machine (loopback).",
            frozenset({CLI, REPO}),
        ),
        Option(
            "trusted-publishing",
            "choice",
            "auto",
            "Exchange the CI's identity token for a short-lived upload token (OIDC): `auto` when no password is "
            "found and an identity token is there, `always`, or `never`.",
            frozenset({CLI, PROJECT, HATCH, REPO}),
            choices=("auto", "always", "never"),
        ),
        Option(
            "attestations",
            "choice",
            "auto",
            "Send the PEP 740 attestations found beside each file (`<file>.<kind>.attestation`): `auto` with trusted "
            "publishing only (PyPI accepts them only then), `true`, or `false`.",
            frozenset({CLI, PROJECT, HATCH, REPO}),
            choices=("auto", "true", "false"),
        ),
        Option(
            "dry-run",
            "bool",
            False,
            "Do everything up to the upload (settings, checks, what the index holds, where credentials would come "
            "from) and show what would be uploaded, skipped or refused; upload and save nothing.",
            frozenset({CLI, PROJECT, HATCH}),
        ),
        Option(
            "report",
            "path",
            None,
            "Write a JSON report there (relative to the project): one entry per file with its sha256, size, status "
            "and error.",
            frozenset({CLI, PROJECT, HATCH}),
        ),
        Option(
            "pypirc",
            "path",
            "~/.pypirc",
            "The .pypirc file to read credentials (and section URLs) from; `~/.pypirc` when unset.",
            frozenset({CLI, HATCH}),
        ),
        Option(
            "keyring",
            "bool",
            True,
            "Look passwords up in the system keyring, and save prompted ones there; false skips keyring entirely.",
            frozenset({CLI, PROJECT, HATCH, REPO}),
        ),
        Option(
            "timeout",
            "seconds",
            60.0,
            "Seconds to wait for the index to connect, accept or answer, per request.",
            frozenset({CLI, PROJECT, HATCH, REPO}),
        ),
    )
}

# Keys of the config tables that are not options.
TABLE_KEYS = {
    "url": "The upload URL of a repository (repos tables only).",
    "repos": 'Named repositories: `NAME = "url"` or a table with `url` and any per-repository option.',
    "disable": "Ask for confirmation before publishing with this plugin (Hatch reads it).",
}


@dataclass(frozen=True)
class Value:
    """A setting's value and where it came from, e.g. `environment variable HATCH_INDEX_USER`."""

    value: Any
    source: str


@dataclass
class Layer:
    """The validated options of one source: its top level, and for a config its repos tables."""

    values: dict[str, Value] = field(default_factory=dict)
    repos: dict[str, dict[str, Value]] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)  # keys left alone, each as `<label> key `<path>``


def canonical_key(key: str) -> str:
    """`ca_cert` and `ca-cert` name the same option."""
    return key.strip().replace("_", "-").lower()


def convert(option: Option, raw: Any, where: str) -> Any:
    """Check and convert one raw value; `where` names the key and its source for the error."""
    if isinstance(raw, str) and not raw.strip():
        message = f"{where} is given but empty; give a value or remove it"
        raise PublishError(message)
    if option.kind == "bool":
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip().lower() in TRUE_WORDS | FALSE_WORDS:
            return raw.strip().lower() in TRUE_WORDS
        message = f"{where} must be a boolean (true/false, 1/0, yes/no), not {_describe(raw)}"
        raise PublishError(message)
    if option.kind == "choice":
        word = str(raw).lower() if isinstance(raw, bool) else raw.strip().lower() if isinstance(raw, str) else None
        if "true" in option.choices and word in TRUE_WORDS | FALSE_WORDS:
            word = "true" if word in TRUE_WORDS else "false"
        if word not in option.choices:
            message = f"{where} must be one of {', '.join(option.choices)}, not {_describe(raw)}"
            raise PublishError(message)
        return word
    if option.kind == "seconds":
        number: Any = raw
        if isinstance(raw, str):
            try:
                number = float(raw)
            except ValueError:
                number = None
        if isinstance(number, bool) or not isinstance(number, (int, float)) or not 0 < number < float("inf"):
            message = f"{where} must be a positive number of seconds, not {_describe(raw)}"
            raise PublishError(message)
        return float(number)
    if option.kind == "count":
        count: Any = raw
        if isinstance(raw, str) and raw.strip().isdigit():
            count = int(raw)
        if isinstance(count, bool) or not isinstance(count, int) or count < option.minimum:
            message = f"{where} must be a whole number, {option.minimum} or more, not {_describe(raw)}"
            raise PublishError(message)
        return count
    if not isinstance(raw, str):
        message = f"{where} must be a string, not {_describe(raw)}"
        raise PublishError(message)
    if option.kind == "secret":
        return Secret(raw)
    value = raw.strip()
    if option.kind == "url":
        check_url(value, where)
    return value


def check_url(url: str, where: str) -> None:
    """An index URL must be absolute http(s) and carry no credentials."""
    from urllib.parse import urlsplit

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
        raise PublishError(message)
    if parts is None or parts.scheme not in {"http", "https"} or not parts.hostname:
        shown = url if "@" not in url else "(a URL with credentials)"
        message = f"{where} must be an http:// or https:// URL, not {shown!r}"
        raise PublishError(message)


def _describe(raw: Any) -> str:
    if isinstance(raw, bool):
        return f"the boolean {str(raw).lower()}"
    if isinstance(raw, str):
        return repr(raw) if len(raw) <= 40 else "a long string"  # noqa: PLR2004
    return f"a {type(raw).__name__}"


def parse_cli(options: Mapping[str, Any]) -> Layer:
    """Validate the `-o key=value` options Hatch passed, leaving out Hatch's own `no_prompt`/`initialize_auth`."""
    layer = Layer()
    for key, raw in options.items():
        if key in {"no_prompt", "initialize_auth"}:
            if not isinstance(raw, bool):
                flag = key.replace("_", "-")
                message = f"`-o {key}` is not an option of this plugin; use Hatch's own flag `hatch publish --{flag}`"
                raise PublishError(message)
            continue
        name = canonical_key(key)
        where = f"option `-o {key}`"
        option = OPTIONS.get(name)
        if option is None or CLI not in option.where:
            message = f"{where} is unknown; {_known(CLI)}"
            raise PublishError(message)
        _set_once(layer.values, name, Value(convert(option, raw, where), where))
    return layer


def parse_env(environ: Mapping[str, str]) -> Layer:
    """The options given by `HATCH_INDEX_*` environment variables."""
    layer = Layer()
    for option in OPTIONS.values():
        if option.env and option.env in environ:
            where = f"environment variable {option.env}"
            layer.values[option.name] = Value(convert(option, environ[option.env], where), where)
    return layer


def parse_config(config: Any, label: str, scope: str) -> Layer:
    """Validate a `[publish.custom-index]` table: `scope` is PROJECT or HATCH, `label` names the file for errors."""
    prefix = f"publish.{PLUGIN_NAME}"
    if not isinstance(config, dict):
        message = f"{label} key `{prefix}` must be a table"
        raise PublishError(message)
    layer = Layer()
    for key, raw in config.items():
        name = canonical_key(key)
        where = f"{label} key `{prefix}.{key}`"
        if name == "repos":
            layer.repos = _parse_repos(raw, f"{label} key `{prefix}.{key}", scope)
        elif name != "disable":  # Hatch itself reads and checks `disable` before the plugin runs
            _set_once(layer.values, name, Value(_convert_config_value(name, raw, where, scope, scope), where))
    return layer


def _parse_repos(raw: Any, where: str, scope: str) -> dict[str, dict[str, Value]]:
    if not isinstance(raw, dict):
        message = f"{where}` must be a table of repositories"
        raise PublishError(message)
    repos: dict[str, dict[str, Value]] = {}
    for name, table in raw.items():
        repo_where = f"{where}.{name}`"
        if isinstance(table, str):
            table = {"url": table}  # noqa: PLW2901 -- the short form `NAME = "url"`
        elif not isinstance(table, dict):
            message = f"{repo_where} must be a URL string or a table with a `url` key"
            raise PublishError(message)
        if "url" not in table and name not in PREDEFINED_REPOSITORIES:
            message = f"{repo_where} has no `url`; every repository needs its upload URL"
            raise PublishError(message)
        values: dict[str, Value] = {}
        for key, raw_value in table.items():
            option_name = canonical_key(key)
            key_where = f"{where}.{name}.{key}`" if key != "url" or not isinstance(raw[name], str) else repo_where
            if option_name == "url":
                value = convert(URL_KEY, raw_value, key_where)
            else:
                value = _convert_config_value(option_name, raw_value, key_where, REPO, scope)
            _set_once(values, option_name, Value(value, key_where))
        repos[name] = values
    return repos


URL_KEY = Option("url", "url", None, "The upload URL of a repository.", frozenset({REPO}))

# Hatch's built-in publisher: its table in config.toml, and the options it reads there (top level and repos tables).
HATCH_INDEX_PUBLISHER = "index"
HATCH_INDEX_OPTIONS = ("repo", "user", "auth", "ca-cert", "client-cert", "client-key")


def parse_hatch_index_config(config: Any, label: str) -> Layer:
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
            layer.repos = _parse_hatch_index_repos(raw, f"{label} key `{prefix}.{key}", layer.ignored)
        elif name in HATCH_INDEX_OPTIONS:
            option = OPTIONS[name]
            _set_once(layer.values, name, Value(convert(option, raw, where), where))
        elif name != "disable":  # Hatch reads `disable` for its own publisher
            layer.ignored.append(where)
    return layer


def _parse_hatch_index_repos(raw: Any, where: str, ignored: list[str]) -> dict[str, dict[str, Value]]:
    if not isinstance(raw, dict):
        message = f"{where}` must be a table of repositories"
        raise PublishError(message)
    repos: dict[str, dict[str, Value]] = {}
    for name, table in raw.items():
        repo_where = f"{where}.{name}`"
        if isinstance(table, str):
            repos[name] = {"url": Value(convert(URL_KEY, table, repo_where), repo_where)}
            continue
        if not isinstance(table, dict) or ("url" not in table and name not in PREDEFINED_REPOSITORIES):
            message = f"{repo_where} must be a URL string or a table with a `url` key"
            raise PublishError(message)
        values: dict[str, Value] = {}
        for key, raw_value in table.items():
            option_name = canonical_key(key)
            key_where = f"{where}.{name}.{key}`"
            if option_name == "url":
                _set_once(values, "url", Value(convert(URL_KEY, raw_value, key_where), key_where))
            elif option_name in HATCH_INDEX_OPTIONS and option_name != "repo":
                _set_once(values, option_name, Value(convert(OPTIONS[option_name], raw_value, key_where), key_where))
            else:
                ignored.append(key_where)
        repos[name] = values
    return repos


def _convert_config_value(name: str, raw: Any, where: str, scope: str, config: str) -> Any:
    option = OPTIONS.get(name)
    if option is not None and option.credential and config == PROJECT:
        message = (
            f"{where}: credentials don't belong in a project's config, which is committed and shared; "
            "set them in Hatch's config.toml, HATCH_INDEX_USER/HATCH_INDEX_AUTH, or `-o`"
        )
        raise PublishError(message)
    if option is None or scope not in option.where:
        if name == "url":
            message = f"{where}: `url` belongs in a repository's table (`publish.{PLUGIN_NAME}.repos.NAME.url`)"
            raise PublishError(message)
        message = f"{where} is unknown here; {_known(scope)}"
        raise PublishError(message)
    return convert(option, raw, where)


def _known(scope: str) -> str:
    names = sorted(name for name, option in OPTIONS.items() if scope in option.where)
    if scope == REPO:
        names = ["url", *names]
    if scope in {PROJECT, HATCH}:
        names += ["disable", "repos"]
    return "valid keys: " + ", ".join(names)


def _set_once(values: dict[str, Value], name: str, value: Value) -> None:
    if name in values:
        message = f"{value.source} names `{name}` a second time (`{name}` and `{name.replace('-', '_')}` are one key); keep one"
        raise PublishError(message)
    values[name] = value


def report_option(options: Mapping[str, Any], project_config: Any, hatch_config: Any) -> str | None:
    """The `report` path as the full parse will find it (`-o`, then the project's config, then Hatch's), read on its
    own and leniently, so that a run stopped by another bad setting still writes its report saying why."""
    for source in (options, project_config, hatch_config):
        if not isinstance(source, dict):
            continue
        for key, raw in source.items():
            if isinstance(key, str) and canonical_key(key) == "report" and isinstance(raw, str) and raw.strip():
                return raw.strip()
    return None
