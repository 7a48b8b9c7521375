"""HTTP Basic auth whose credentials are asked for at every request, not fixed when an upload starts."""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING

import httpx2

if TYPE_CHECKING:
    from collections.abc import Callable, Generator

    from hatch_custom_index.model import Credentials


class SourcedAuth(httpx2.Auth):
    """Basic auth from `source`, asked at each request and each retry: a source that mints short-lived tokens (the
    credential chain re-mints one that is about to lapse) so gives a fresh token to a retry late in a long batch. The
    password is revealed only while the header is made."""

    def __init__(self, source: Callable[[], Credentials]) -> None:
        self.source = source

    def auth_flow(self, request: httpx2.Request) -> Generator[httpx2.Request, httpx2.Response, None]:
        credentials = self.source()
        userinfo = f"{credentials.username}:{credentials.password.reveal()}".encode()
        request.headers["Authorization"] = "Basic " + base64.b64encode(userinfo).decode()
        del userinfo  # no revealed secret lingers in this frame's locals for a debug traceback
        yield request
