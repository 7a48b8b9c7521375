"""The pure parts of trusted publishing beyond PyPI: the user a JFrog token stands for, and where an identity token
may go."""

from __future__ import annotations

import base64
import json

import pytest

from hatch_custom_index.errors import TrustedPublishingError
from hatch_custom_index.tokens.identity import is_plain_token, require_https
from hatch_custom_index.tokens.jfrog import jfrog_user
from hatch_custom_index.tokens.pypi import relayed_audience


def token_with(claims: dict[str, str]) -> str:
    payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    return f"eyJhbGciOiJSUzI1NiJ9.{payload}.c2ln"


@pytest.mark.parametrize(
    ("subject", "user"),
    [
        ("jfrt@01h8xyz/users/ci-publisher", "ci-publisher"),
        ("jfac@01h8xyz/users/release-bot", "release-bot"),
        ("jfrt@01h8xyz", "jfrt@01h8xyz"),
        ("plain-user", "plain-user"),
    ],
)
def test_the_user_a_jfrog_token_stands_for(subject: str, user: str) -> None:
    assert jfrog_user(token_with({"sub": subject})) == user


def test_a_jfrog_token_that_is_no_jwt_uploads_with_an_empty_username() -> None:
    assert jfrog_user("an-opaque-reference-token") == ""


@pytest.mark.parametrize("url", ["https://api.cloudsmith.io/openid/corp/", "http://127.0.0.1:8080/openid/corp/"])
def test_an_identity_token_goes_over_https_or_to_this_machine(url: str) -> None:
    require_https(url)


def test_an_identity_token_never_goes_over_plain_http_to_another_machine() -> None:
    with pytest.raises(TrustedPublishingError) as caught:
        require_https("http://api.example/openid/x/")
    assert str(caught.value) == (
        "trusted publishing needs https: http://api.example/openid/x/ is plain http to another machine"
    )


@pytest.mark.parametrize(
    ("host", "served", "relayed"),
    [
        ("pypi.corp.example", "pypi", True),
        ("pypi.corp.example", "testpypi", True),
        ("pypi.corp.example", " PyPI ", True),
        ("upload.pypi.org", "pypi", False),
        ("test.pypi.org", "testpypi", False),
        ("pypi.corp.example", "corp-index", False),
    ],
)
def test_a_public_index_s_audience_is_asked_for_only_on_its_own_host(host: str, served: str, relayed: bool) -> None:  # noqa: FBT001
    assert (relayed_audience(host, served) is not None) is relayed


@pytest.mark.parametrize(
    ("token", "plain"),
    [
        ("pypi-AgEIcHlwaS5vcmc_-", True),
        ("", False),
        ("pypi-a\nb", False),
        ("pypi-a b", False),
        ("pypi-a\u2028b", False),
        ("pypi-é", False),
        ("pypi-\x1b[2K", False),
    ],
)
def test_only_a_printable_ascii_token_without_whitespace_is_plain(token: str, plain: bool) -> None:  # noqa: FBT001
    assert is_plain_token(token) is plain
