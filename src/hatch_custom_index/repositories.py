"""Repositories: the named upload URLs of the repos tables, the one a publish goes to, and its effective settings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hatch_custom_index.errors import PublishError
from hatch_custom_index.settings import OPTIONS, Layer, Value, check_url

PYPI_UPLOAD_URL = "https://upload.pypi.org/legacy/"
TESTPYPI_UPLOAD_URL = "https://test.pypi.org/legacy/"
RESERVED = {"main": PYPI_UPLOAD_URL, "test": TESTPYPI_UPLOAD_URL}
# Upload URL (without trailing slash) -> (simple API, project page) of the public indexes.
PUBLIC_INDEXES = {
    PYPI_UPLOAD_URL.rstrip("/"): ("https://pypi.org/simple/", "https://pypi.org/project/"),
    TESTPYPI_UPLOAD_URL.rstrip("/"): ("https://test.pypi.org/simple/", "https://test.pypi.org/project/"),
}


@dataclass(frozen=True)
class Repository:
    """Where a publish goes, and every setting in effect for it, each with its source."""

    name: str | None  # None when `repo` was a URL that no repos table names
    url: str
    settings: dict[str, Value]
    # The URL came from the project's config, not from you: no credentials stored for other repositories go there.
    from_project: bool = False

    def get(self, name: str) -> Any:
        return self.settings[name].value

    @property
    def display_name(self) -> str:
        return self.name or self.url

    @property
    def simple_url(self) -> str:
        """The simple API's root: the `simple-url` option, else derived from the upload URL."""
        configured = self.get("simple-url")
        if configured:
            return configured.rstrip("/") + "/"
        public = PUBLIC_INDEXES.get(self.url.rstrip("/"))
        if public:
            return public[0]
        # pypiserver, Artifactory, Nexus and GitLab serve the simple API under the upload URL; devpi's `+simple/` is
        # found by the existence check when the server says it is devpi.
        return self.url.rstrip("/") + "/simple/"

    @property
    def simple_url_configured(self) -> bool:
        return bool(self.get("simple-url")) or self.url.rstrip("/") in PUBLIC_INDEXES

    def release_url(self, project: str, version: str, simple_url: str) -> str:
        """The page a person opens to see the release: PyPI's project page, else the simple API's project page."""
        public = PUBLIC_INDEXES.get(self.url.rstrip("/"))
        if public and not self.get("simple-url"):
            return f"{public[1]}{project}/{version}/"
        return f"{simple_url}{project}/"


def same_url(left: str, right: str) -> bool:
    return left.rstrip("/") == right.rstrip("/")


def select_repository(
    cli: Layer, env: Layer, project: Layer, hatch: Layer, pypirc_urls: dict[str, str] | None = None
) -> Repository:
    """Pick the repository named by `repo` and merge every option for it, highest precedence first.

    `pypirc_urls` maps .pypirc sections to their `repository` URLs: `repo=SECTION` selects that URL when no repos
    table has the name.
    """
    repos = _known_repos(project, hatch)
    chosen = _first("repo", (cli.values, env.values, project.values, hatch.values))
    target = chosen.value if chosen else OPTIONS["repo"].default
    where = chosen.source if chosen else "`repo`"

    name: str | None
    if target in repos:
        name, url = target, repos[target]
    elif "://" in target or target in (pypirc_urls or {}):
        url = target if "://" in target else (pypirc_urls or {})[target]
        check_url(url, where)
        name = next((repo for repo, known in repos.items() if same_url(known, url)), None)
        if name is not None:
            url = repos[name]
        elif "://" not in target:
            name = target  # a .pypirc section: its name finds its credentials
    else:
        message = (
            f"{where} names the repository {target!r}, which is not defined; known repositories: "
            f"{', '.join(sorted(repos))}. Define it in Hatch's config.toml as "
            f'`[publish.custom-index.repos.{target}]` with `url = "..."`, a .pypirc section with a `repository`, '
            "or give the full upload URL"
        )
        raise PublishError(message)

    if name is not None:
        from_project = name in project.repos and name not in hatch.repos and name not in RESERVED
    else:
        from_project = chosen is project.values.get("repo")
    scopes = (cli.values, env.values)
    if name is not None:
        scopes += (project.repos.get(name, {}), project.values, hatch.repos.get(name, {}), hatch.values)
    else:
        scopes += (project.values, hatch.values)
    # A project's config is shared: Hatch's top-level credentials never follow a URL that it chose.
    credential_scopes = (cli.values, env.values) if from_project else scopes
    settings = {}
    for option in OPTIONS.values():
        found = _first(option.name, credential_scopes if option.credential else scopes)
        settings[option.name] = found or Value(option.default, "the default")
    settings["repo"] = Value(target, chosen.source if chosen else "the default")
    return Repository(name, url, settings, from_project=from_project)


def _known_repos(project: Layer, hatch: Layer) -> dict[str, str]:
    repos = dict(RESERVED)
    for layer in (hatch, project):
        for name, table in layer.repos.items():
            url = table.get("url")
            if url is None:  # `main` or `test` with other keys only
                continue
            if name in repos and not same_url(repos[name], url.value):
                if name in RESERVED:
                    reason = f"`{name}` is reserved for {RESERVED[name]}; give your repository another name"
                else:
                    reason = (
                        "Hatch's config.toml defines it with another URL, and a project's config must not redirect "
                        "the credentials stored for a repository; rename the project's repository"
                    )
                message = f"{url.source} is {url.value!r}, but {reason}"
                raise PublishError(message)
            repos[name] = repos.get(name, url.value)
    return repos


def first_value(name: str, *layers: Layer) -> Value | None:
    """The highest-precedence top-level value of `name` among `layers`."""
    return _first(name, tuple(layer.values for layer in layers))


def _first(name: str, scopes: tuple[dict[str, Value], ...]) -> Value | None:
    for scope in scopes:
        if name in scope:
            return scope[name]
    return None
