"""Which repository a publish goes to, and the effective value and source of every setting for it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hatch_custom_index.errors import PublishError, Secret
from hatch_custom_index.repositories import Repository, select_repository
from hatch_custom_index.settings import (
    HATCH,
    PROJECT,
    Layer,
    parse_cli,
    parse_config,
    parse_env,
    parse_hatch_index_config,
)

PYPI = "https://upload.pypi.org/legacy/"
TESTPYPI = "https://test.pypi.org/legacy/"
CORP = "https://pkgs.example/upload/"
PROJECT_KEY = "project config key `publish.custom-index"
HATCH_KEY = "Hatch's config.toml key `publish.custom-index"
DEFAULT = "the default"  # the source shown for a value nothing gave


def select(
    cli: dict[str, Any] | None = None,
    env: dict[str, str] | None = None,
    project: dict[str, Any] | None = None,
    hatch: dict[str, Any] | None = None,
    hatch_index: dict[str, Any] | None = None,
) -> Repository:
    layers: tuple[Layer, ...] = (
        parse_cli(cli or {}),
        parse_env(env or {}),
        parse_config(project or {}, "project config", PROJECT),
        parse_config(hatch or {}, "Hatch's config.toml", HATCH),
    )
    index = parse_hatch_index_config(hatch_index or {}, "Hatch's config.toml")
    return select_repository(*layers, hatch_index=index)


# --- which repository -----------------------------------------------------------------------------------------------


def test_default_is_pypi() -> None:
    repository = select()
    assert repository.name == "main"
    assert repository.url == PYPI
    assert repository.display_name == "main"
    assert repository.settings.repo == "main"
    assert repository.settings.source("repo") == DEFAULT


def test_test_is_testpypi() -> None:
    repository = select(cli={"repo": "test"})
    assert (repository.name, repository.url) == ("test", TESTPYPI)
    assert repository.settings.source("repo") == "option `-o repo`"


def test_name_from_hatch_config() -> None:
    repository = select(env={"HATCH_INDEX_REPO": "corp"}, hatch={"repos": {"corp": CORP}})
    assert (repository.name, repository.url) == ("corp", CORP)
    assert repository.settings.source("repo") == "environment variable HATCH_INDEX_REPO"


def test_name_from_project_config() -> None:
    repository = select(project={"repo": "corp", "repos": {"corp": {"url": CORP}}})
    assert (repository.name, repository.url) == ("corp", CORP)
    assert repository.settings.source("repo") == f"{PROJECT_KEY}.repo`"


def test_repo_from_hatch_top_level() -> None:
    repository = select(hatch={"repo": "test"})
    assert repository.name == "test"
    assert repository.settings.source("repo") == f"{HATCH_KEY}.repo`"


def test_repo_precedence_cli_over_env_over_project_over_hatch() -> None:
    hatch = {"repo": "main"}
    project = {"repo": "test"}
    env = {"HATCH_INDEX_REPO": "corp"}
    repos = {"repos": {"corp": CORP, "other": "https://other.example/"}}
    assert select(hatch=hatch | repos).name == "main"
    assert select(project=project, hatch=hatch | repos).name == "test"
    assert select(env=env, project=project, hatch=hatch | repos).name == "corp"
    assert select(cli={"repo": "other"}, env=env, project=project, hatch=hatch | repos).name == "other"


@pytest.mark.parametrize("given", [CORP, CORP.rstrip("/")])
def test_url_of_a_configured_repo_selects_it_with_its_settings(given: str) -> None:
    repository = select(
        cli={"repo": given},
        hatch={"repos": {"corp": {"url": CORP, "user": "alice", "timeout": 7}}},
    )
    assert repository.name == "corp"
    assert repository.url == CORP
    assert repository.settings.user == "alice"
    assert repository.settings.timeout == 7.0
    assert repository.settings.repo == given


def test_pypi_url_selects_main() -> None:
    repository = select(cli={"repo": "https://upload.pypi.org/legacy"})
    assert repository.name == "main"
    assert repository.url == PYPI


def test_unknown_url_has_no_name_and_skips_repo_tables() -> None:
    repository = select(
        cli={"repo": "https://elsewhere.example/upload/"},
        hatch={"timeout": 3, "repos": {"corp": {"url": CORP, "user": "alice", "timeout": 7}}},
    )
    assert repository.name is None
    assert repository.url == "https://elsewhere.example/upload/"
    assert repository.display_name == "https://elsewhere.example/upload/"
    assert repository.settings.user is None
    assert repository.settings.timeout == 3.0


def test_repo_url_must_be_http() -> None:
    with pytest.raises(PublishError, match=r"option `-o repo` must be an http:// or https:// URL"):
        select(cli={"repo": "ftp://pkgs.example/"})


@pytest.mark.parametrize(
    "given",
    [
        "http://127.0.0.1:3141/alice/stable/+simple/",
        "http://127.0.0.1:8080/simple/",
        "https://nexus.example/repository/pypi-hosted/simple",
        "https://gitlab.example/api/v4/projects/7/packages/pypi/simple",
    ],
)
def test_an_upload_url_ending_in_simple_is_taken_as_given_and_is_its_own_simple_api(given: str) -> None:
    """Some private indexes take uploads there: what the index answers decides (devpi's `+simple/` is caught by
    its answer, an index that does not store by the read-back)."""
    repository = select(cli={"repo": given})
    assert repository.url == given
    assert repository.simple_url == given.rstrip("/") + "/"
    assert repository.simple_api.how == "the upload URL itself: it names a simple API"


@pytest.mark.parametrize(
    ("given", "right"), [("https://pypi.org/simple/", PYPI), ("https://test.pypi.org/simple", TESTPYPI)]
)
def test_pypi_s_own_simple_api_given_as_the_upload_url_names_its_upload_url(given: str, right: str) -> None:
    with pytest.raises(PublishError) as caught:
        select(cli={"repo": given})
    assert str(caught.value) == (
        f"the upload URL {given} (option `-o repo`) is where PyPI lists files, not where it takes them; use {right}"
    )


@pytest.mark.parametrize("url", ["https://pkgs.example/simple-uploads/", "https://pkgs.example/simple/legacy/"])
def test_an_upload_url_merely_containing_simple_is_taken(url: str) -> None:
    assert select(cli={"repo": url}).url == url


def test_repo_url_with_credentials_is_refused_without_showing_them() -> None:
    with pytest.raises(PublishError, match="holds credentials") as caught:
        select(env={"HATCH_INDEX_REPO": "https://alice:pw-Zq81@pkgs.example/"})
    assert "environment variable HATCH_INDEX_REPO" in str(caught.value)
    assert "pw-Zq81" not in str(caught.value)


def test_unknown_name_lists_known_names() -> None:
    with pytest.raises(PublishError) as caught:
        select(cli={"repo": "nope"}, project={"repos": {"proj": CORP}}, hatch={"repos": {"corp": CORP}})
    message = str(caught.value)
    assert "option `-o repo` names the repository 'nope', which is not defined" in message
    assert "Known repositories: corp, main, proj, test" in message
    assert "[publish.custom-index.repos.nope]" in message


def test_unknown_name_from_project_config_names_the_key() -> None:
    with pytest.raises(PublishError, match=r"project config key `publish.custom-index.repo` names the repository"):
        select(project={"repo": "nope"})


@pytest.mark.parametrize(("name", "url"), [("main", TESTPYPI), ("test", PYPI), ("main", CORP)])
@pytest.mark.parametrize("scope", ["project", "hatch"])
def test_reserved_name_with_another_url_is_an_error(name: str, url: str, scope: str) -> None:
    config = {"repos": {name: url}}
    with pytest.raises(PublishError) as caught:
        select(**{scope: config})
    message = str(caught.value)
    assert f"`{name}` is reserved for " in message
    assert "give your repository another name" in message
    assert repr(url) in message


def test_reserved_name_with_same_url_applies_its_settings() -> None:
    repository = select(
        hatch={"repos": {"main": {"url": PYPI.rstrip("/"), "user": "__token__", "auth": "pypi-x", "timeout": 4}}}
    )
    assert repository.name == "main"
    assert repository.url == PYPI
    assert repository.settings.user == "__token__"
    assert repository.settings.auth == Secret("pypi-x")
    assert repository.settings.timeout == 4.0


def test_project_repo_redirecting_a_hatch_repo_is_an_error() -> None:
    with pytest.raises(PublishError) as caught:
        select(
            project={"repos": {"corp": "https://evil.example/"}},
            hatch={"repos": {"corp": {"url": CORP, "auth": "pw"}}},
        )
    message = str(caught.value)
    assert "project config key `publish.custom-index.repos.corp` is 'https://evil.example/'" in message
    assert "Hatch's config.toml defines it with another URL" in message
    assert "rename the project's repository" in message


def test_project_repo_with_hatch_repo_name_and_same_url_is_allowed() -> None:
    repository = select(
        project={"repo": "corp", "repos": {"corp": {"url": CORP.rstrip("/"), "timeout": 5}}},
        hatch={"repos": {"corp": {"url": CORP, "auth": "pw", "timeout": 9}}},
    )
    assert repository.name == "corp"
    assert repository.url == CORP  # Hatch's definition is kept
    assert repository.settings.auth == Secret("pw")
    assert repository.settings.timeout == 5.0


# --- precedence of the settings -------------------------------------------------------------------------------------


def test_ca_cert_precedence_through_every_source() -> None:
    cli = {"ca-cert": "/cli.pem"}
    env = {"HATCH_INDEX_REPO": "corp", "HATCH_INDEX_CA_CERT": "/env.pem"}
    project_repo = {"repos": {"corp": {"url": CORP, "ca_cert": "/project-repo.pem"}}}
    project_top = {"ca-cert": "/project-top.pem"}
    hatch_repo = {"repos": {"corp": {"url": CORP, "ca-cert": "/hatch-repo.pem"}}}
    hatch_top = {"ca-cert": "/hatch-top.pem"}

    def ca_cert(**layers: Any) -> tuple[Any, str]:
        settings = select(**layers).settings
        return (str(settings.ca_cert) if settings.ca_cert else None), settings.source("ca-cert")

    base_env = {"HATCH_INDEX_REPO": "corp"}
    hatch: dict[str, Any] = {}
    assert ca_cert(env=base_env, hatch={"repos": {"corp": CORP}}) == (None, DEFAULT)
    hatch = hatch_top | {"repos": {"corp": CORP}}
    assert ca_cert(env=base_env, hatch=hatch) == ("/hatch-top.pem", f"{HATCH_KEY}.ca-cert`")
    hatch = hatch_top | hatch_repo
    assert ca_cert(env=base_env, hatch=hatch) == ("/hatch-repo.pem", f"{HATCH_KEY}.repos.corp.ca-cert`")
    assert ca_cert(env=base_env, project=project_top, hatch=hatch) == ("/project-top.pem", f"{PROJECT_KEY}.ca-cert`")
    project = project_top | project_repo
    assert ca_cert(env=base_env, project=project, hatch=hatch) == (
        "/project-repo.pem",
        f"{PROJECT_KEY}.repos.corp.ca_cert`",
    )
    assert ca_cert(env=env, project=project, hatch=hatch) == ("/env.pem", "environment variable HATCH_INDEX_CA_CERT")
    assert ca_cert(cli=cli, env=env, project=project, hatch=hatch) == ("/cli.pem", "option `-o ca-cert`")


def test_timeout_precedence_and_default() -> None:
    hatch = {"timeout": 1, "repos": {"corp": {"url": CORP, "timeout": 2}}}
    project = {"repo": "corp", "timeout": 3, "repos": {"corp": {"url": CORP, "timeout": 4}}}
    assert select().settings.timeout == 60.0
    assert select().settings.source("timeout") == DEFAULT
    assert select(project={"repo": "corp"}, hatch=hatch).settings.timeout == 2.0
    assert select(project=project, hatch=hatch).settings.timeout == 4.0
    chosen = select(cli={"timeout": "5"}, project=project, hatch=hatch).settings
    assert (chosen.timeout, chosen.source("timeout")) == (5.0, "option `-o timeout`")


def test_other_repos_tables_do_not_apply() -> None:
    repository = select(
        project={"repos": {"other": {"url": "https://other.example/", "timeout": 4}}},
        hatch={"repos": {"corp": {"url": CORP, "user": "alice"}}},
    )
    assert repository.name == "main"
    assert repository.settings.timeout == 60.0
    assert repository.settings.user is None


def test_defaults() -> None:
    repository = select()
    assert repository.settings.skip_existing is True
    assert repository.settings.user is None
    assert repository.settings.auth is None
    assert repository.settings.simple_url is None
    assert all(repository.settings.is_default(name) for name in ("user", "auth", "skip-existing"))


def test_user_and_auth_precedence() -> None:
    hatch = {"user": "top-user", "auth": "top-pw", "repos": {"corp": {"url": CORP}}}
    env = {"HATCH_INDEX_REPO": "corp"}

    def creds(**layers: Any) -> tuple[tuple[Any, str], tuple[Any, str]]:
        settings = select(**layers).settings
        return (settings.user, settings.source("user")), (settings.auth, settings.source("auth"))

    assert creds(env=env, hatch=hatch) == (
        ("top-user", f"{HATCH_KEY}.user`"),
        (Secret("top-pw"), f"{HATCH_KEY}.auth`"),
    )
    hatch = hatch | {"repos": {"corp": {"url": CORP, "user": "repo-user", "auth": "repo-pw"}}}
    assert creds(env=env, hatch=hatch) == (
        ("repo-user", f"{HATCH_KEY}.repos.corp.user`"),
        (Secret("repo-pw"), f"{HATCH_KEY}.repos.corp.auth`"),
    )
    env = env | {"HATCH_INDEX_USER": "env-user", "HATCH_INDEX_AUTH": "env-pw"}
    assert creds(env=env, hatch=hatch) == (
        ("env-user", "environment variable HATCH_INDEX_USER"),
        (Secret("env-pw"), "environment variable HATCH_INDEX_AUTH"),
    )
    cli = {"user": "cli-user", "auth": "cli-pw"}
    assert creds(cli=cli, env=env, hatch=hatch) == (
        ("cli-user", "option `-o user`"),
        (Secret("cli-pw"), "option `-o auth`"),
    )


# --- derived URLs ---------------------------------------------------------------------------------------------------


def test_simple_url_of_pypi() -> None:
    assert select().simple_url == "https://pypi.org/simple/"
    assert not select().simple_api.under_upload_url


def test_simple_url_of_testpypi() -> None:
    assert select(cli={"repo": "test"}).simple_url == "https://test.pypi.org/simple/"


@pytest.mark.parametrize(
    ("url", "simple"),
    [
        ("https://host/artifactory/api/pypi/repo", "https://host/artifactory/api/pypi/repo/simple/"),
        ("https://host/artifactory/api/pypi/repo/", "https://host/artifactory/api/pypi/repo/simple/"),
        ("http://127.0.0.1:8080/", "http://127.0.0.1:8080/simple/"),
    ],
)
def test_simple_url_derived_under_the_upload_url(url: str, simple: str) -> None:
    repository = select(cli={"repo": url})
    assert repository.simple_url == simple
    assert repository.simple_api.under_upload_url  # devpi-server, recognised by its answer, may correct it


@pytest.mark.parametrize(
    ("url", "simple", "how"),
    [
        # Pulp: https://pulpproject.org/pulp_python/docs/user/guides/upload/ (twine's URL is .../legacy/)
        (
            "https://pulp.example/pypi/team/legacy/",
            "https://pulp.example/pypi/team/simple/",
            "Warehouse's and Pulp's sibling of legacy/",
        ),
        (
            "https://warehouse.example/legacy",
            "https://warehouse.example/simple/",
            "Warehouse's and Pulp's sibling of legacy/",
        ),
        (
            "https://pkgs.dev.azure.com/org/proj/_packaging/feed/pypi/upload/",
            "https://pkgs.dev.azure.com/org/proj/_packaging/feed/pypi/simple/",
            "Azure Artifacts' sibling of upload/",
        ),
        (
            "https://org.pkgs.visualstudio.com/_packaging/feed/pypi/upload",
            "https://org.pkgs.visualstudio.com/_packaging/feed/pypi/simple/",
            "Azure Artifacts' sibling of upload/",
        ),
        (
            "https://python.cloudsmith.io/corp/releases/",
            "https://dl.cloudsmith.io/basic/corp/releases/python/simple/",
            "Cloudsmith's download host",
        ),
    ],
)
def test_simple_url_derived_where_each_index_serves_it(url: str, simple: str, how: str) -> None:
    repository = select(cli={"repo": url})
    assert (repository.simple_url, repository.simple_api.how) == (simple, how)
    assert not repository.simple_api.under_upload_url


@pytest.mark.parametrize("url", ["https://pkgs.example/upload/", "https://pkgs.example/legacy/x/"])
def test_look_alikes_of_known_shapes_keep_the_generic_guess(url: str) -> None:
    assert select(cli={"repo": url}).simple_url == url + "simple/"


def test_simple_url_option_wins() -> None:
    repository = select(
        cli={"repo": "corp"},
        hatch={"repos": {"corp": {"url": CORP, "simple-url": "https://pkgs.example/simple"}}},
    )
    assert repository.simple_url == "https://pkgs.example/simple/"
    assert repository.simple_api.how.startswith("set by ")


def test_simple_url_option_wins_for_pypi() -> None:
    repository = select(cli={"simple-url": "https://mirror.example/simple/"})
    assert repository.simple_url == "https://mirror.example/simple/"


def test_release_url_of_pypi() -> None:
    repository = select()
    assert repository.release_url("demo-pkg", "1.2.0", repository.simple_url) == (
        "https://pypi.org/project/demo-pkg/1.2.0/"
    )


def test_release_url_of_testpypi() -> None:
    repository = select(cli={"repo": "test"})
    assert repository.release_url("demo", "1.0", repository.simple_url) == "https://test.pypi.org/project/demo/1.0/"


def test_release_url_of_other_index_is_its_simple_page() -> None:
    repository = select(cli={"repo": "https://host/artifactory/api/pypi/repo"})
    assert repository.release_url("demo", "1.0", repository.simple_url) == (
        "https://host/artifactory/api/pypi/repo/simple/demo/"
    )


# --- a project's config must not redirect the credentials stored in Hatch's config.toml ----------------------------


def test_project_repo_url_does_not_receive_hatch_top_level_credentials() -> None:
    repository = select(
        project={"repo": "https://evil.example/upload/"},
        hatch={"user": "__token__", "auth": "pypi-stored-token"},
    )
    assert repository.url == "https://evil.example/upload/"
    assert repository.settings.auth != Secret("pypi-stored-token")


def test_project_defined_repo_does_not_receive_hatch_top_level_credentials() -> None:
    repository = select(
        project={"repo": "mine", "repos": {"mine": "https://evil.example/upload/"}},
        hatch={"user": "__token__", "auth": "pypi-stored-token"},
    )
    assert repository.url == "https://evil.example/upload/"
    assert repository.settings.auth != Secret("pypi-stored-token")


def test_predefined_repositories_take_other_keys_without_a_url() -> None:
    repository = select(hatch={"repos": {"main": {"user": "__token__", "timeout": 5}}})
    assert repository.url == "https://upload.pypi.org/legacy/"
    assert repository.settings.timeout == 5.0
    assert repository.settings.source("timeout").endswith("publish.custom-index.repos.main.timeout`")


# --- Hatch's own [publish.index] tables ----------------------------------------------------------------------------

INDEX_KEY = "Hatch's config.toml key `publish.index"
OTHER = "https://other.example/upload/"


def test_a_repository_of_hatch_s_index_table_with_its_credentials() -> None:
    repository = select(
        cli={"repo": "corp"},
        hatch_index={"repos": {"corp": {"url": CORP, "user": "alice", "auth": "pw", "ca-cert": "/ca.pem"}}},
    )
    assert (repository.name, repository.url) == ("corp", CORP)
    assert repository.origin == f"{INDEX_KEY}.repos.corp.url`"
    assert (repository.settings.user, repository.settings.source("user")) == ("alice", f"{INDEX_KEY}.repos.corp.user`")
    assert repository.settings.auth == Secret("pw")
    assert repository.settings.ca_cert == Path("/ca.pem")
    assert repository.credential_tables == (
        "[publish.custom-index.repos.corp]",
        "[publish.index.repos.corp]",
        "[publish.custom-index]",
        "[publish.index]",
    )


def test_the_short_form_and_hatch_s_default_repository() -> None:
    repository = select(hatch_index={"repo": "corp", "repos": {"corp": CORP}})
    assert (repository.name, repository.url) == ("corp", CORP)
    assert repository.settings.source("repo") == f"{INDEX_KEY}.repo`"


def test_the_plugin_s_repo_wins_over_hatch_s() -> None:
    repository = select(hatch={"repo": "test"}, hatch_index={"repo": "corp", "repos": {"corp": CORP}})
    assert repository.name == "test"


def test_a_name_in_both_tables_with_other_urls_is_the_plugin_s_alone() -> None:
    repository = select(
        cli={"repo": "corp"},
        hatch={"repos": {"corp": OTHER}},
        hatch_index={"user": "top", "repos": {"corp": {"url": CORP, "user": "alice", "auth": "pw"}}},
    )
    assert repository.url == OTHER
    assert repository.settings.user is None  # neither Hatch's table nor its top level speak for another URL
    assert repository.settings.auth is None
    assert "`publish.index.repos.corp`, for https://pkgs.example/upload/, is not used" in repository.origin
    assert "[publish.index]" not in repository.credential_tables


def test_a_name_in_both_tables_with_one_url_takes_the_plugin_s_keys_first() -> None:
    repository = select(
        cli={"repo": "corp"},
        hatch={"user": "plugin-top", "repos": {"corp": {"url": CORP + "/", "jobs": 2, "user": "plugin"}}},
        hatch_index={"repos": {"corp": {"url": CORP, "user": "hatch", "auth": "pw"}}},
    )
    assert repository.settings.user == "plugin"
    assert repository.settings.auth == Secret("pw")
    assert repository.settings.jobs == 2


def test_a_repository_s_own_table_wins_over_any_top_level() -> None:
    repository = select(
        cli={"repo": "corp"},
        hatch={"user": "plugin-top"},
        hatch_index={"user": "hatch-top", "repos": {"corp": {"url": CORP, "user": "hatch-repo"}}},
    )
    assert repository.settings.user == "hatch-repo"


def test_hatch_s_top_level_applies_to_main_and_its_own_repositories_only() -> None:
    index = {"user": "hatch-top", "auth": "pypi-token"}
    assert select(hatch_index=index).settings.user == "hatch-top"  # main, as Hatch's own publisher does
    plugin_only = select(cli={"repo": "corp"}, hatch={"repos": {"corp": CORP}}, hatch_index=index)
    assert plugin_only.settings.user is None
    assert plugin_only.settings.auth is None
    by_url = select(cli={"repo": CORP}, hatch_index=index)
    assert by_url.settings.auth is None  # Hatch gives a URL no defaults either


def test_a_project_can_not_redirect_a_repository_of_hatch_s_index_table() -> None:
    with pytest.raises(PublishError, match="must not redirect"):
        select(project={"repos": {"corp": OTHER}}, hatch_index={"repos": {"corp": CORP}})


def test_hatch_s_main_keeps_pypi_s_url() -> None:
    with pytest.raises(PublishError, match="`main` is reserved"):
        select(hatch_index={"repos": {"main": CORP}})


def test_keys_hatch_s_publisher_does_not_read_are_left_alone() -> None:
    index = parse_hatch_index_config(
        {"repo": "main", "disable": True, "colour": "blue", "repos": {"corp": {"url": CORP, "jobs": 2}}}, "cfg"
    )
    assert index.ignored == ["cfg key `publish.index.colour`", "cfg key `publish.index.repos.corp.jobs`"]
    with pytest.raises(PublishError, match=r"cfg key `publish.index.repos.corp.user` must be a string"):
        parse_hatch_index_config({"repos": {"corp": {"url": CORP, "user": 3}}}, "cfg")
    with pytest.raises(PublishError, match=r"`publish.index.repos.corp` has no `url`"):
        parse_hatch_index_config({"repos": {"corp": {"user": "x"}}}, "cfg")
