"""Hatch's publish flags, read from its click command: the shape this plugin relies on, and failing closed."""

from __future__ import annotations

from pathlib import Path

import pytest
from hatch.cli.publish import publish as hatch_publish

from hatch_custom_index.errors import PublishError, Secret
from hatch_custom_index.hatch_flags import FLAGS, merge_command_line, read_flags
from hatch_custom_index.settings import parse_cli


def context(*args: str, env: dict[str, str] | None = None, monkeypatch: pytest.MonkeyPatch | None = None):
    for name, value in (env or {}).items():
        monkeypatch.setenv(name, value)  # type: ignore[union-attr]
    return hatch_publish.make_context("publish", ["-p", "custom-index", *args])


def test_hatch_s_publish_command_still_has_the_flags_this_plugin_reads():
    # If this fails, a new Hatch changed `hatch publish`: update FLAGS (and the README) before anything else.
    declared = {param.name: (sorted(param.opts), param.envvar) for param in hatch_publish.params}
    assert declared["repo"] == (["--repo", "-r"], "HATCH_INDEX_REPO")
    assert declared["user"] == (["--user", "-u"], "HATCH_INDEX_USER")
    assert declared["auth"] == (["--auth", "-a"], "HATCH_INDEX_AUTH")
    assert declared["ca_cert"] == (["--ca-cert"], "HATCH_INDEX_CA_CERT")
    assert declared["client_cert"] == (["--client-cert"], "HATCH_INDEX_CLIENT_CERT")
    assert declared["client_key"] == (["--client-key"], "HATCH_INDEX_CLIENT_KEY")
    assert set(FLAGS) <= set(declared)


def test_flags_on_the_command_line_become_options_with_their_flag_as_source():
    ctx = context("-r", "company", "--user", "alice", "-a", "s3cret", "--ca-cert", "/ca.pem", "--client-key", "/k")

    with ctx:
        layer = read_flags()

    assert {name: value.value for name, value in layer.values.items()} == {
        "repo": "company",
        "user": "alice",
        "auth": Secret("s3cret"),
        "ca-cert": Path("/ca.pem"),
        "client-key": Path("/k"),
    }
    assert layer.values["repo"].source == "option `-r/--repo`"
    assert layer.values["ca-cert"].source == "option `--ca-cert`"


def test_values_click_took_from_the_environment_are_left_to_the_environment_layer(monkeypatch):
    ctx = context(env={"HATCH_INDEX_REPO": "from-env", "HATCH_INDEX_USER": "bob"}, monkeypatch=monkeypatch)

    assert ctx.params["repo"] == "from-env"  # click has it, but as the variable's value, not a flag
    assert read_flags(ctx).values == {}


def test_an_empty_flag_is_an_error_naming_it():
    with pytest.raises(PublishError, match=r"option `-a/--auth` is given but empty"):
        read_flags(context("-a", ""))


@pytest.mark.parametrize("broken", [None, object()], ids=["outside any click command", "not a click context"])
def test_without_hatch_s_flags_the_publish_stops(broken):
    with pytest.raises(PublishError, match=r"cannot read Hatch's flags \(-r/--repo, -u/--user, -a/--auth"):
        read_flags(broken)


def test_a_context_missing_a_flag_stops_the_publish():
    class Shrunk:
        def __init__(self) -> None:
            self.params = {"repo": None, "user": None}  # a future Hatch that dropped some

        def get_parameter_source(self, _name: str) -> None:
            return None

    with pytest.raises(PublishError, match="cannot read Hatch's flags"):
        read_flags(Shrunk())


def test_a_flag_and_an_option_agreeing_are_one_value():
    merged = merge_command_line(read_flags(context("-r", "a", "-u", "alice")), parse_cli({"repo": "a", "jobs": "2"}))

    assert merged.values["repo"].source == "option `-r/--repo`"
    assert merged.values["jobs"].value == 2
    assert merged.values["user"].value == "alice"


def test_a_flag_and_an_option_disagreeing_name_both_and_never_a_secret():
    with pytest.raises(PublishError, match=r"option `-r/--repo` and option `-o repo` give different values \('a' and"):
        merge_command_line(read_flags(context("-r", "a")), parse_cli({"repo": "b"}))
    with pytest.raises(PublishError) as caught:
        merge_command_line(read_flags(context("-a", "first-secret")), parse_cli({"auth": "second-secret"}))
    assert "option `-a/--auth` and option `-o auth`" in str(caught.value)
    assert "first-secret" not in str(caught.value)
    assert "second-secret" not in str(caught.value)
