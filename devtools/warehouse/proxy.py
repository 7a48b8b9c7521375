"""The stand-in as an HTTP forward proxy for any host: a request with an absolute URI is served as if it were for the
index itself, and recorded with the host it named, so a test that points `HTTP_PROXY` here sees every request a client
tried to make."""

from __future__ import annotations

import time

from devtools.warehouse.base import Exchange


class ForwardProxy(Exchange):
    def _route(self, method: str) -> str:
        """The request's path, recording it; an absolute URI (a proxied request) is reduced to its path."""
        path, host = self.path, self.headers.get("Host", "")
        if path.startswith(("http://", "https://")):
            host, _, rest = path.split("://", 1)[1].partition("/")
            path = "/" + rest
        with self.server.state.lock:
            self.server.state.requests.append((method, host + path, time.monotonic()))
        return path
