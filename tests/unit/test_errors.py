"""Secrets never show, URLs lose their credentials, and scrubbed text holds no token."""

from __future__ import annotations

import base64

import pytest

from hatch_custom_index.errors import REDACTED, Secret, redact_url, scrub
from hatch_custom_index.text import continued, printable, printable_line

TOKEN = "pypi-AgEIcHlwaS5vcmcCJGE4ZjY1MzI5LTAxMjM"


def test_secret_str_and_repr_are_redacted() -> None:
    secret = Secret("hunter2")
    assert str(secret) == REDACTED
    assert "hunter2" not in repr(secret)
    assert repr(secret) == f"Secret({REDACTED})"
    assert f"{secret}" == REDACTED


def test_secret_reveal_returns_the_value() -> None:
    assert Secret("hunter2").reveal() == "hunter2"


def test_secret_equality_truthiness_and_hash() -> None:
    assert Secret("a") == Secret("a")
    assert Secret("a") != Secret("b")
    assert Secret("a") != "a"
    assert hash(Secret("a")) == hash(Secret("a"))
    assert not Secret("")
    assert Secret("x")


def test_secret_is_redacted_inside_containers() -> None:
    assert "hunter2" not in repr({"auth": Secret("hunter2")})


def test_redact_url_drops_userinfo() -> None:
    assert redact_url("https://alice:s3cret@host.example:8443/legacy/?a=1") == "https://host.example:8443/legacy/?a=1"
    assert redact_url("https://token@host.example/") == "https://host.example/"


def test_redact_url_keeps_url_without_userinfo() -> None:
    assert redact_url("https://upload.pypi.org/legacy/") == "https://upload.pypi.org/legacy/"
    assert redact_url("https://host.example/path@v1?q=a@b") == "https://host.example/path@v1?q=a@b"


def test_redact_url_drops_userinfo_of_unparsable_url() -> None:
    redacted = redact_url("https://alice:s3cret@[::1/legacy/")
    assert "s3cret" not in redacted
    assert "alice" not in redacted


def test_scrub_removes_given_secrets() -> None:
    text = "login alice:hunter2 failed; password hunter2; other swordfish"
    scrubbed = scrub(text, (Secret("hunter2"), "swordfish", None, ""))
    assert "hunter2" not in scrubbed
    assert "swordfish" not in scrubbed
    assert scrubbed == f"login alice:{REDACTED} failed; password {REDACTED}; other {REDACTED}"


def test_scrub_removes_pypi_token_shaped_strings() -> None:
    assert scrub(f"Invalid token {TOKEN} given") == f"Invalid token {REDACTED} given"


def test_scrub_keeps_ordinary_text() -> None:
    assert scrub("see pypi-docs and pypi-short") == "see pypi-docs and pypi-short"


def test_a_secret_is_scrubbed_in_every_form_it_travels_in() -> None:
    password = "plain-secret/Xy 77"
    basic = base64.b64encode(f"alice:{password}".encode()).decode()
    urlsafe = base64.urlsafe_b64encode(f"{password}!".encode()).decode().rstrip("=")
    text = f"Basic {basic}; token={urlsafe}; url=https://h/?p=plain-secret%2FXy%2077; form=plain-secret%2FXy+77"

    scrubbed = scrub(text, (Secret(password),))

    assert scrubbed == f"Basic {REDACTED}; token={REDACTED}; url=https://h/?p={REDACTED}; form={REDACTED}"
    assert scrub("authentication and configuration stay", (Secret(password),)) == (
        "authentication and configuration stay"
    )


def test_control_characters_are_made_visible() -> None:
    assert printable("ok\x1b[2K\r\x1b]52;c;ZXZpbA==\x07 done\nnext\tcol\u202e") == (
        "ok\\x1b[2K\\r\\x1b]52;c;ZXZpbA==\\x07 done\nnext\tcol\\u202e"
    )


def test_line_breaks_other_than_newline_are_made_visible() -> None:
    assert printable("a\u2028b\u2029c\x85d\re") == "a\\u2028b\\u2029c\\x85d\\re"


def test_a_line_of_ours_keeps_no_line_break_of_a_foreign_text() -> None:
    assert printable_line("dist/evil\n.whl\t\x1b[31m") == "dist/evil\\n.whl\\t\\x1b[31m"


def test_a_foreign_message_s_next_lines_are_indented_under_ours() -> None:
    forged = "nope\ndist/evil.whl ... success\u2028Uploading done"
    assert continued(forged) == "nope\n    dist/evil.whl ... success\\u2028Uploading done"


@pytest.mark.parametrize(
    "form",
    [
        "s3cr%40t+p%C3%A4ss",  # percent-encoded, `+` for the space
        "\\u0073\\u0033cr@t p\\u00e4ss",  # JSON-escaped, some characters only
        "&#115;&#51;&#x63;&#X72;&#64;t&#32;p&auml;ss",  # HTML entities: decimal, hexadecimal, named
        "s3cr&#x40;t p&#228;ss",
    ],
)
def test_a_secret_is_scrubbed_escaped_as_json_and_html_and_mixed(form: str) -> None:
    assert scrub(f"<{form}>", ("s3cr@t päss",)) == f"<{REDACTED}>"


def test_the_userinfo_of_any_url_is_scrubbed() -> None:
    text = "via http://proxy-user:pw@proxy:3128 to https://token@host/x?mail=a@b and git@host:x"
    assert scrub(text) == "via http://proxy:3128 to https://host/x?mail=a@b and git@host:x"
