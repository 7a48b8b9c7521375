"""The stand-in index served from a thread on 127.0.0.1, over http or https."""

from __future__ import annotations

from typing import TYPE_CHECKING

from devtools.background import HOST, BackgroundServer
from devtools.warehouse.base import Server
from devtools.warehouse.index import IndexHandler
from devtools.warehouse.state import TrustedPublisher, Warehouse

if TYPE_CHECKING:
    import ssl


class WarehouseServer(BackgroundServer):
    """Start with `with WarehouseServer(token) as server:`; `server.upload_url`, `server.state.uploads`.

    With `tls` (an `ssl.SSLContext` for the server side) it speaks https; with `trusted_publisher` it serves PyPI's
    `/_/oidc/audience` and `/_/oidc/mint-token`.
    """

    def __init__(
        self, token: str, tls: ssl.SSLContext | None = None, trusted_publisher: TrustedPublisher | None = None
    ) -> None:
        self.state = Warehouse(token, trusted_publisher=trusted_publisher)
        server = Server((HOST, 0), IndexHandler)
        server.state = self.state
        if tls is not None:
            server.socket = tls.wrap_socket(server.socket, server_side=True)
        super().__init__(server)
        self.origin = f"{'https' if tls is not None else 'http'}://{HOST}:{self.port}"
        self.upload_url = f"{self.origin}/legacy/"
        self.simple_url = f"{self.origin}/simple/"
