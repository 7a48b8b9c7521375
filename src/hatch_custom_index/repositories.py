"""Repositories: the named upload URLs of the repos tables, the one a publish goes to, and its effective settings."""

from __future__ import annotations

from dataclasses import dataclass

from hatch_custom_index.errors import ConfigurationError, redact_url
from hatch_custom_index.settings import OPTIONS, Layer, RulesMode, Settings, Value, check_url
from hatch_custom_index.suggest import did_you_mean
from hatch_custom_index.urls import (
    PYPI_UPLOAD_URL,
    TESTPYPI_UPLOAD_URL,
    SimpleApi,
    child,
    derive_simple_api,
    is_public_simple_page,
    public_index,
    same_url,
    upload_url_for_simple,
)

RESERVED = {"main": PYPI_UPLOAD_URL, "test": TESTPYPI_UPLOAD_URL}


@dataclass(frozen=True)
class Repository:
    """Where a publish goes, and every setting in effect for it, each with its source."""

    name: str | None  # None when `repo` was a URL that no repos table names
    url: str
    settings: Settings
    # The URL came from the project's config, not from you: no credentials stored for other repositories go there.
    from_project: bool = False
    origin: str = "predefined"  # where the URL was defined, for -v
    # The tables of Hatch's config.toml this repository takes `user`/`auth` from (for "nothing found" messages).
    credential_tables: tuple[str, ...] = ()

    @property
    def display_name(self) -> str:
        return self.name or self.url

    @property
    def simple_api(self) -> SimpleApi:
        """The simple API's root: the `simple-url` option, else derived from the upload URL as each index serves it."""
        configured = self.settings.simple_url
        if configured:
            return SimpleApi(child(configured, ""), f"set by {self.settings.source('simple-url')}")
        return derive_simple_api(self.url)

    @property
    def simple_url(self) -> str:
        return self.simple_api.url

    @property
    def is_public(self) -> bool:
        """PyPI or TestPyPI, whose rules (a file is never replaced, say) are known."""
        return public_index(self.url) is not None

    @property
    def pypi_rules(self) -> bool:
        """Whether PyPI's own upload rules refuse files here: option `rules`, `auto` meaning for PyPI and TestPyPI."""
        mode = self.settings.rules
        return mode is RulesMode.PYPI or (mode is RulesMode.AUTO and public_index(self.url) is not None)

    def release_url(self, project: str, version: str, simple_url: str) -> str:
        """The page a person opens to see the release: PyPI's project page, else the simple API's project page."""
        public = public_index(self.url)
        if public and not self.settings.simple_url:
            return f"{public[1]}{project}/{version}/"
        return f"{simple_url}{project}/"


def select_repository(
    cli: Layer,
    env: Layer,
    project: Layer,
    hatch: Layer,
    pypirc_urls: dict[str, str] | None = None,
    *,
    hatch_index: Layer | None = None,
) -> Repository:
    """Pick the repository named by `repo` and merge every option for it, highest precedence first.

    `hatch_index` is Hatch's own `[publish.index]`: its repos define repositories too (`[publish.custom-index.repos]`
    wins for a name in both), and its top-level keys apply to its own repositories and `main`/`test`, as Hatch's
    publisher applies them. `pypirc_urls` maps .pypirc sections to their `repository` URLs: `repo=SECTION` selects
    that URL when no repos table has the name.
    """
    index = hatch_index or Layer()
    repos = _known_repos(project, hatch, index)
    chosen = _first("repo", (cli.values, env.values, project.values, hatch.values, index.values))
    target = chosen.value if chosen else OPTIONS["repo"].default
    name, url, origin = _resolve(target, chosen.source if chosen else "`repo`", repos, pypirc_urls or {})
    if is_public_simple_page(url):
        right = upload_url_for_simple(url)
        message = f"the upload URL {redact_url(url)} ({origin}) is where PyPI lists files, not where it takes them; use {right}"
        raise ConfigurationError(message)
    if name is not None:
        from_project = name in project.repos and name not in hatch.repos and name not in index.repos
        from_project = from_project and name not in RESERVED
    else:
        from_project = chosen is project.values.get("repo")
    # Hatch's [publish.index] speaks for the repositories it defines with this very URL, and for main and test.
    index_table = index.repos.get(name, {}) if name is not None else {}
    index_applies = name in RESERVED or (bool(index_table) and same_url(index_table["url"].value, url))
    if name in index.repos and not index_applies:
        origin += f" (the table `publish.index.repos.{name}`, for {redact_url(index_table['url'].value)}, is not used)"
    scopes: tuple[dict[str, Value], ...] = (cli.values, env.values)
    if name is not None:
        scopes += (project.repos.get(name, {}), project.values, hatch.repos.get(name, {}))
        scopes += (index_table, hatch.values, index.values) if index_applies else (hatch.values,)
    else:
        scopes += (project.values, hatch.values)
    # A project's config is shared: Hatch's top-level credentials never follow a URL that it chose.
    credential_scopes = (cli.values, env.values) if from_project else scopes
    values = {}
    for option in OPTIONS.values():
        found = _first(option.name, credential_scopes if option.credential else scopes)
        if found is not None:
            values[option.name] = found
    if chosen is not None:
        values["repo"] = Value(target, chosen.source)
    tables = () if from_project else _credential_tables(name, index_applies=index_applies)
    settings = Settings.from_values(values)
    return Repository(name, url, settings, from_project=from_project, origin=origin, credential_tables=tables)


def _resolve(
    target: str, where: str, repos: dict[str, Value], pypirc_urls: dict[str, str]
) -> tuple[str | None, str, str]:
    """(name, upload URL, where it was defined) of `repo`: a repository's name, a URL (named when a table has it), or
    a .pypirc section; anything else is an error naming the known repositories."""
    if target in repos:
        return target, repos[target].value, repos[target].source
    if "://" not in target and target not in pypirc_urls:
        message = (
            f"{where} names the repository {target!r}, which is not defined{did_you_mean(target, repos)} Known "
            f"repositories: {', '.join(sorted(repos))}. Define it in Hatch's config.toml as "
            f'`[publish.custom-index.repos.{target}]` with `url = "..."`, a .pypirc section with a `repository`, '
            "or give the full upload URL"
        )
        raise ConfigurationError(message)
    url = target if "://" in target else pypirc_urls[target]
    check_url(url, where)
    named = next((repo for repo, known in repos.items() if same_url(known.value, url)), None)
    if named is not None:
        return named, repos[named].value, repos[named].source
    if "://" in target:
        return None, url, where
    return target, url, f"the .pypirc section [{target}]"  # a section's name finds its credentials


def _credential_tables(name: str | None, *, index_applies: bool) -> tuple[str, ...]:
    """The tables of Hatch's config.toml whose `user`/`auth` this repository reads, most specific first."""
    tables = []
    if name is not None:
        tables.append(f"[publish.custom-index.repos.{name}]")
        if index_applies:
            tables.append(f"[publish.index.repos.{name}]")
    tables.append("[publish.custom-index]")
    if index_applies:
        tables.append("[publish.index]")
    return tuple(tables)


def _known_repos(project: Layer, hatch: Layer, index: Layer) -> dict[str, Value]:
    """Every repository name with its upload URL and where that was defined."""
    repos = {name: Value(url, "predefined") for name, url in RESERVED.items()}
    # Hatch's config.toml: its [publish.custom-index] tables win over its [publish.index] tables for a name in both.
    hatch_side = {**_urls(index), **_urls(hatch)}
    for layer_urls in (hatch_side, _urls(project)):
        for name, url in layer_urls.items():
            known = repos.get(name)
            if known is not None and not same_url(known.value, url.value):
                if name in RESERVED:
                    reason = f"`{name}` is reserved for {RESERVED[name]}; give your repository another name"
                else:
                    reason = (
                        "Hatch's config.toml defines it with another URL, and a project's config must not redirect "
                        "the credentials stored for a repository; rename the project's repository"
                    )
                message = f"{url.source} is {url.value!r}, but {reason}"
                raise ConfigurationError(message)
            repos.setdefault(name, url)
    return repos


def _urls(layer: Layer) -> dict[str, Value]:
    """The URLs a layer's repos tables give (`main` or `test` with other keys only give none)."""
    return {name: table["url"] for name, table in layer.repos.items() if "url" in table}


def first_value(name: str, *layers: Layer) -> Value | None:
    """The highest-precedence top-level value of `name` among `layers`."""
    return _first(name, tuple(layer.values for layer in layers))


def _first(name: str, scopes: tuple[dict[str, Value], ...]) -> Value | None:
    for scope in scopes:
        if name in scope:
            return scope[name]
    return None
