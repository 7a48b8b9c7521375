"""The options registry: every source's keys, values and errors, each error naming the key and where it was given."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hatch_custom_index.errors import PublishError, Secret
from hatch_custom_index.settings import (
    HATCH,
    OPTIONS,
    PROJECT,
    HelpRequested,
    Layer,
    Settings,
    help_text,
    parse_cli,
    parse_config,
    parse_env,
)

PROJECT_LABEL = "project config"
HATCH_LABEL = "Hatch's config.toml"


def project(config: Any) -> Layer:
    return parse_config(config, PROJECT_LABEL, PROJECT)


def hatch(config: Any) -> Layer:
    return parse_config(config, HATCH_LABEL, HATCH)


def valid_keys(message: str) -> list[str]:
    """The keys an unknown-key error lists."""
    assert " Valid keys: " in message
    return message.split(" Valid keys: ", 1)[1].split(";", 1)[0].split(", ")


# --- -o key=value ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["ca_cert", "ca-cert", "CA_CERT"])
def test_cli_key_accepts_underscore_and_dash(key: str) -> None:
    layer = parse_cli({key: "/etc/ca.pem"})
    assert layer.values["ca-cert"].value == Path("/etc/ca.pem")
    assert layer.values["ca-cert"].source == f"option `-o {key}`"


def test_cli_key_given_both_ways_is_an_error() -> None:
    with pytest.raises(PublishError, match="second time") as caught:
        parse_cli({"ca_cert": "/a.pem", "ca-cert": "/b.pem"})
    assert "`ca-cert`" in str(caught.value)
    assert "-o ca-cert" in str(caught.value)


@pytest.mark.parametrize(
    ("parse", "key", "nearest"),
    [(parse_cli, "jbos", "jobs"), (parse_cli, "skip_exsting", "skip-existing"), (hatch, "timout", "timeout")],
)
def test_a_mistyped_key_gets_the_nearest_real_one(parse: Any, key: str, nearest: str) -> None:
    with pytest.raises(PublishError, match=f"is unknown( here)?: did you mean '{nearest}'"):
        parse({key: "4"})


def test_a_mistyped_repos_table_key_gets_the_nearest_real_one() -> None:
    with pytest.raises(PublishError, match=r"repos\.corp\.simple_ulr` is unknown here: did you mean 'simple-url'"):
        hatch({"repos": {"corp": {"url": "https://pkgs.example/", "simple_ulr": "https://pkgs.example/simple/"}}})


@pytest.mark.parametrize("raw", ["", "true", True])
def test_help_is_asked_with_or_without_a_value(raw: object) -> None:
    with pytest.raises(HelpRequested):
        parse_cli({"help": raw})


def test_help_describes_every_option_from_the_registry() -> None:
    text = "\n".join(help_text())
    for option in OPTIONS.values():
        assert f"  {option.name} = " in text
        assert option.help, option.name
        assert option.help in text
    assert "  trusted-publishing = auto|always|never   default: auto" in text
    assert "  jobs = N (at least 1)   default: 8" in text
    assert "  user = TEXT   default: __token__" in text
    assert "in: -o, HATCH_INDEX_AUTH, Hatch config, repos tables" in text


def test_values_are_shown_as_you_would_write_them() -> None:
    shown = Settings.from_values({}).shown()
    assert "trusted-publishing = auto (the default)" in shown
    assert "timeout = 60 (the default)" in shown
    assert "pypirc = ~/.pypirc (the default)" in shown
    assert "keyring = true (the default)" in shown
    assert "simple-url = none (the default)" in shown
    assert not [line for line in shown if "Mode." in line or "object at 0x" in line or "'" in line]


def test_cli_unknown_key_names_it_and_lists_valid_keys() -> None:
    with pytest.raises(PublishError) as caught:
        parse_cli({"bogus": "x"})
    message = str(caught.value)
    assert "option `-o bogus` is unknown" in message
    keys = valid_keys(message)
    assert keys == sorted(keys)
    assert {
        "auth",
        "ca-cert",
        "client-cert",
        "client-key",
        "repo",
        "simple-url",
        "skip-existing",
        "timeout",
        "user",
    } <= (set(keys))
    assert not {"url", "repos", "disable", "bogus"} & set(keys)


def test_cli_values_are_stripped() -> None:
    assert parse_cli({"repo": "  test "}).values["repo"].value == "test"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("true", True),
        ("TRUE", True),
        ("True", True),
        ("1", True),
        ("yes", True),
        ("Yes", True),
        ("false", False),
        ("FALSE", False),
        ("0", False),
        ("no", False),
        ("NO", False),
        (" false ", False),
    ],
)
def test_cli_boolean_words(raw: str, *, expected: bool) -> None:
    value = parse_cli({"skip-existing": raw}).values["skip-existing"]
    assert value.value is expected
    assert value.source == "option `-o skip-existing`"


@pytest.mark.parametrize("raw", ["maybe", "2", "tru"])
def test_cli_wrong_boolean_is_an_error(raw: str) -> None:
    with pytest.raises(PublishError) as caught:
        parse_cli({"skip_existing": raw})
    message = str(caught.value)
    assert "option `-o skip_existing` must be a boolean" in message
    assert repr(raw) in message


@pytest.mark.parametrize(("raw", "expected"), [("2.5", 2.5), ("10", 10.0), (" 3 ", 3.0)])
def test_cli_timeout_numbers(raw: str, expected: float) -> None:
    value = parse_cli({"timeout": raw}).values["timeout"].value
    assert value == expected
    assert isinstance(value, float)


@pytest.mark.parametrize("raw", ["-1", "0", "abc", "inf", "nan", "-0.5"])
def test_cli_bad_timeout_is_an_error(raw: str) -> None:
    with pytest.raises(PublishError) as caught:
        parse_cli({"timeout": raw})
    message = str(caught.value)
    assert "option `-o timeout` must be a positive number of seconds" in message
    assert repr(raw) in message


@pytest.mark.parametrize("key", ["repo", "user", "auth", "ca-cert", "timeout", "skip-existing", "simple-url"])
@pytest.mark.parametrize("raw", ["", "   "])
def test_cli_empty_value_is_an_error(key: str, raw: str) -> None:
    with pytest.raises(PublishError, match=f"option `-o {key}` is given but empty"):
        parse_cli({key: raw})


@pytest.mark.parametrize(("key", "flag"), [("no_prompt", "--no-prompt"), ("initialize_auth", "--initialize-auth")])
def test_cli_hatch_flag_given_as_string_is_an_error(key: str, flag: str) -> None:
    with pytest.raises(PublishError) as caught:
        parse_cli({key: "x"})
    message = str(caught.value)
    assert f"`-o {key}` is not an option of this plugin" in message
    assert f"hatch publish {flag}" in message


def test_cli_hatch_boolean_flags_are_ignored() -> None:
    layer = parse_cli({"no_prompt": True, "initialize_auth": False, "repo": "test"})
    assert set(layer.values) == {"repo"}
    assert layer.repos == {}


def test_cli_auth_is_a_secret() -> None:
    value = parse_cli({"auth": "pypi-s3cret"}).values["auth"].value
    assert isinstance(value, Secret)
    assert value.reveal() == "pypi-s3cret"
    assert "pypi-s3cret" not in str(value)
    assert "pypi-s3cret" not in repr(value)


def test_whitespace_around_a_secret_is_left_out_and_said_so() -> None:
    layer = parse_cli({"auth": " pw\n"})
    assert layer.values["auth"].value.reveal() == "pw"
    assert layer.notes == ["option `-o auth` ends or starts with whitespace (pasted with the secret?): it was left out"]
    assert parse_env({"HATCH_INDEX_AUTH": "pw"}).notes == []


def test_cli_simple_url_must_be_http() -> None:
    with pytest.raises(
        PublishError, match=r"option `-o simple-url` must be an http:// or https:// URL, not 'ftp://h/'"
    ):
        parse_cli({"simple-url": "ftp://h/"})


def test_cli_simple_url_must_not_hold_credentials() -> None:
    with pytest.raises(PublishError, match="holds credentials") as caught:
        parse_cli({"simple-url": "https://alice:pw-Zq81@host.example/simple/"})
    assert "pw-Zq81" not in str(caught.value)


# --- environment variables ------------------------------------------------------------------------------------------


def test_env_reads_exactly_the_hatch_index_variables() -> None:
    environ = {
        "HATCH_INDEX_REPO": "test",
        "HATCH_INDEX_USER": "alice",
        "HATCH_INDEX_AUTH": "pw",
        "HATCH_INDEX_CA_CERT": "/ca.pem",
        "HATCH_INDEX_CLIENT_CERT": "/client.pem",
        "HATCH_INDEX_CLIENT_KEY": "/client.key",
        "HATCH_INDEX_TIMEOUT": "5",
        "HATCH_INDEX_SKIP_EXISTING": "false",
        "HATCH_INDEX_SIMPLE_URL": "https://h/simple/",
        "HATCH_INDEX_BOGUS": "x",
        "PATH": "/usr/bin",
    }
    layer = parse_env(environ)
    assert {name: value.value for name, value in layer.values.items() if name != "auth"} == {
        "repo": "test",
        "user": "alice",
        "ca-cert": Path("/ca.pem"),
        "client-cert": Path("/client.pem"),
        "client-key": Path("/client.key"),
    }
    assert layer.values["auth"].value == Secret("pw")
    assert layer.values["ca-cert"].source == "environment variable HATCH_INDEX_CA_CERT"
    assert layer.values["user"].source == "environment variable HATCH_INDEX_USER"


def test_env_nothing_set() -> None:
    assert parse_env({}).values == {}


def test_env_auth_is_a_secret() -> None:
    value = parse_env({"HATCH_INDEX_AUTH": "pypi-s3cret"}).values["auth"].value
    assert isinstance(value, Secret)
    assert "pypi-s3cret" not in f"{value} {value!r}"


@pytest.mark.parametrize(
    "variable", ["HATCH_INDEX_AUTH", "HATCH_INDEX_USER", "HATCH_INDEX_REPO", "HATCH_INDEX_CA_CERT"]
)
def test_env_empty_variable_is_an_error(variable: str) -> None:
    with pytest.raises(PublishError, match=f"environment variable {variable} is given but empty"):
        parse_env({variable: ""})


# --- config tables --------------------------------------------------------------------------------------------------


def test_config_values_and_sources() -> None:
    layer = hatch({"timeout": 5, "skip_existing": False, "user": "alice", "auth": "pw", "disable": True})
    assert layer.values["timeout"].value == 5.0
    assert layer.values["timeout"].source == "Hatch's config.toml key `publish.custom-index.timeout`"
    assert layer.values["skip-existing"].value is False
    assert layer.values["skip-existing"].source == "Hatch's config.toml key `publish.custom-index.skip_existing`"
    assert layer.values["user"].value == "alice"
    assert layer.values["auth"].value == Secret("pw")
    assert "disable" not in layer.values


@pytest.mark.parametrize(("raw", "expected"), [(5, 5.0), (2.5, 2.5), ("7", 7.0)])
def test_config_timeout_int_float_or_string(raw: Any, expected: float) -> None:
    assert project({"timeout": raw}).values["timeout"].value == expected


@pytest.mark.parametrize("raw", [0, -3, 0.0, -0.1, True, False, "abc", [1]])
def test_config_bad_timeout_is_an_error(raw: Any) -> None:
    with pytest.raises(
        PublishError, match=r"project config key `publish.custom-index.timeout` must be a positive number"
    ):
        project({"timeout": raw})


@pytest.mark.parametrize("raw", [1, 0, "maybe", 1.0])
def test_config_bad_boolean_is_an_error(raw: Any) -> None:
    with pytest.raises(PublishError, match=r"key `publish.custom-index.skip-existing` must be a boolean"):
        hatch({"skip-existing": raw})


@pytest.mark.parametrize("key", ["ca-cert", "repo", "client_key"])
def test_config_wrong_type_is_an_error(key: str) -> None:
    with pytest.raises(PublishError) as caught:
        project({key: 5})
    assert str(caught.value) == f"project config key `publish.custom-index.{key}` must be a string, not a int"


def test_config_empty_string_is_an_error() -> None:
    with pytest.raises(PublishError, match=r"project config key `publish.custom-index.ca-cert` is given but empty"):
        project({"ca-cert": ""})


def test_config_key_given_both_ways_is_an_error() -> None:
    with pytest.raises(PublishError, match="second time"):
        hatch({"ca-cert": "/a.pem", "ca_cert": "/b.pem"})


def test_config_repo_table_key_given_both_ways_is_an_error() -> None:
    with pytest.raises(PublishError, match="second time"):
        hatch({"repos": {"corp": {"url": "https://h/", "ca-cert": "/a.pem", "ca_cert": "/b.pem"}}})


def test_config_unknown_key_names_label_and_dotted_key() -> None:
    with pytest.raises(PublishError) as caught:
        hatch({"bogus": 1})
    message = str(caught.value)
    assert "Hatch's config.toml key `publish.custom-index.bogus` is unknown here" in message
    keys = valid_keys(message)
    assert keys[-2:] == ["disable", "repos"]
    assert {"auth", "ca-cert", "client-cert", "client-key", "repo", "skip-existing", "timeout", "user"} <= set(keys)
    assert not {"url", "simple-url", "bogus"} & set(keys)


def test_config_option_not_allowed_at_top_level_is_unknown_there() -> None:
    with pytest.raises(PublishError, match=r"project config key `publish.custom-index.simple-url` is unknown here"):
        project({"simple-url": "https://h/simple/"})


def test_config_unknown_key_in_repo_table_names_the_dotted_key() -> None:
    with pytest.raises(PublishError) as caught:
        hatch({"repos": {"corp": {"url": "https://h/", "bogus": 1}}})
    message = str(caught.value)
    assert "Hatch's config.toml key `publish.custom-index.repos.corp.bogus` is unknown here" in message
    keys = valid_keys(message)
    assert keys[0] == "url"
    assert {"auth", "user", "ca-cert", "simple-url", "timeout", "skip-existing"} <= set(keys)
    assert not {"repo", "repos", "disable"} & set(keys)


@pytest.mark.parametrize("key", ["repo", "disable"])
def test_config_top_level_only_keys_are_unknown_in_repo_table(key: str) -> None:
    with pytest.raises(PublishError, match=rf"`publish.custom-index.repos.corp.{key}` is unknown here"):
        hatch({"repos": {"corp": {"url": "https://h/", key: "x"}}})


@pytest.mark.parametrize("key", ["user", "auth"])
def test_project_config_refuses_credentials_at_top_level(key: str) -> None:
    with pytest.raises(PublishError) as caught:
        project({key: "s3cret-value"})
    message = str(caught.value)
    assert f"project config key `publish.custom-index.{key}`" in message
    assert "credentials don't belong in a project's config, which is committed and shared" in message
    assert "s3cret-value" not in message


@pytest.mark.parametrize("key", ["user", "auth"])
def test_project_config_refuses_credentials_in_repo_table(key: str) -> None:
    with pytest.raises(PublishError) as caught:
        project({"repos": {"corp": {"url": "https://h/", key: "s3cret-value"}}})
    message = str(caught.value)
    assert f"project config key `publish.custom-index.repos.corp.{key}`" in message
    assert "credentials don't belong in a project's config" in message
    assert "s3cret-value" not in message


def test_hatch_config_accepts_credentials_in_repo_table() -> None:
    layer = hatch({"repos": {"corp": {"url": "https://h/", "user": "alice", "auth": "pw"}}})
    assert layer.repos["corp"]["user"].value == "alice"
    assert layer.repos["corp"]["auth"].value == Secret("pw")
    assert layer.repos["corp"]["auth"].source == "Hatch's config.toml key `publish.custom-index.repos.corp.auth`"


def test_config_repos_short_form() -> None:
    layer = project({"repos": {"corp": "https://pkgs.example/upload/"}})
    url = layer.repos["corp"]["url"]
    assert url.value == "https://pkgs.example/upload/"
    assert url.source == "project config key `publish.custom-index.repos.corp`"


def test_config_repos_table_form() -> None:
    layer = project(
        {"repos": {"corp": {"url": "https://pkgs.example/upload/", "timeout": 9, "simple-url": "https://s/"}}}
    )
    table = layer.repos["corp"]
    assert table["url"].value == "https://pkgs.example/upload/"
    assert table["url"].source == "project config key `publish.custom-index.repos.corp.url`"
    assert table["timeout"].value == 9.0
    assert table["simple-url"].value == "https://s/"


def test_config_repo_table_without_url_is_an_error() -> None:
    with pytest.raises(PublishError) as caught:
        hatch({"repos": {"corp": {"timeout": 3}}})
    assert str(caught.value) == (
        "Hatch's config.toml key `publish.custom-index.repos.corp` has no `url`; every repository needs its upload URL"
    )


def test_config_repo_neither_string_nor_table_is_an_error() -> None:
    with pytest.raises(PublishError, match=r"`publish.custom-index.repos.corp` must be a URL string or a table"):
        hatch({"repos": {"corp": 5}})


@pytest.mark.parametrize("url", ["ftp://pkgs.example/", "pkgs.example/upload", "/local/path", "https://"])
def test_config_repo_url_must_be_http(url: str) -> None:
    with pytest.raises(PublishError) as caught:
        project({"repos": {"corp": {"url": url}}})
    message = str(caught.value)
    assert "project config key `publish.custom-index.repos.corp.url` must be an http:// or https:// URL" in message
    assert repr(url) in message


def test_config_repo_url_short_form_must_be_http() -> None:
    with pytest.raises(PublishError, match=r"`publish.custom-index.repos.corp` must be an http:// or https:// URL"):
        project({"repos": {"corp": "ftp://pkgs.example/"}})


@pytest.mark.parametrize(
    "url",
    ["https://alice:pw-Zq81@pkgs.example/upload/", "https://pw-Zq81@pkgs.example/", "https://alice:pw-Zq81@pkgs:x/"],
)
@pytest.mark.parametrize("form", ["short", "table"])
def test_config_repo_url_with_credentials_is_an_error_that_hides_them(url: str, form: str) -> None:
    repo = url if form == "short" else {"url": url}
    with pytest.raises(PublishError) as caught:
        hatch({"repos": {"corp": repo}})
    message = str(caught.value)
    assert "Hatch's config.toml key `publish.custom-index.repos.corp" in message
    assert "pw-Zq81" not in message


def test_config_repo_url_with_credentials_says_where_they_belong() -> None:
    with pytest.raises(PublishError, match="holds credentials in the URL; remove them"):
        hatch({"repos": {"corp": "https://alice:pw@pkgs.example/"}})


def test_config_repo_url_wrong_type_is_an_error() -> None:
    with pytest.raises(PublishError, match=r"`publish.custom-index.repos.corp.url` must be a string, not a int"):
        hatch({"repos": {"corp": {"url": 5}}})


def test_config_url_at_top_level_is_refused() -> None:
    with pytest.raises(PublishError) as caught:
        project({"url": "https://pkgs.example/"})
    message = str(caught.value)
    assert "project config key `publish.custom-index.url`" in message
    assert "`url` belongs in a repository's table (`publish.custom-index.repos.NAME.url`)" in message


@pytest.mark.parametrize("repos", ["https://pkgs.example/", ["a"], 5])
def test_config_repos_must_be_a_table(repos: Any) -> None:
    with pytest.raises(PublishError) as caught:
        hatch({"repos": repos})
    assert str(caught.value) == "Hatch's config.toml key `publish.custom-index.repos` must be a table of repositories"


def test_config_must_be_a_table() -> None:
    with pytest.raises(PublishError, match=r"project config key `publish.custom-index` must be a table"):
        project("https://pkgs.example/")


def test_config_empty_table() -> None:
    layer = project({})
    assert layer.values == {}
    assert layer.repos == {}
