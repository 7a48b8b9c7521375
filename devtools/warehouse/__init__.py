"""A small index on 127.0.0.1 that reads uploads the way Warehouse (PyPI) does, records them, and makes faults.

It stands in for PyPI, which cannot run here: the legacy upload API at `/legacy/` (Basic auth, `__token__` only, the
form's fields recorded exactly as sent, 400 "File already exists" for different bytes under a known name, 200 for an
identical re-upload), and the PEP 691 JSON simple API at `/simple/<project>/`. The form's metadata is validated as
Warehouse's `parse_form_metadata` (`warehouse/forklift/metadata.py`) validates it once `sanitize` has deleted the
fields whose value is UNKNOWN: packaging's `Metadata.from_raw`, a 400 with the first error otherwise (e.g.
"license-file introduced in metadata version 2.4, not 2.1").

Faults, queued in `state.faults` and used up one per upload (`state.get_faults` for simple-API reads), each of a
`FaultKind`: `Fault.status(503)`, `Fault.status(429, retry_after=1)`, `Fault(FaultKind.RESET)` (connection reset
mid-body), `Fault(FaultKind.STORE_THEN_DROP)` (the file is stored, the connection closed before any answer),
`Fault(FaultKind.STALL, seconds=30)` (silence, nothing stored), `Fault(FaultKind.NONE)` (nothing goes wrong: a place in
the queue), and the rest in `faults.py`.
How a real index answers can be set: `accepted_status` (Pulp's 202), `store_after` (a file listed some seconds after
it was accepted), `upload_path` and `simple_path` (Azure's and Cloudsmith's URL shapes), `simple_redirect` (simple
pages redirected to a CDN's origin); `authorized_reads` records which pages were read with credentials.
It also serves as an HTTP forward proxy for any host (requests with an absolute URI), recording which hosts were asked,
so tests can point `HTTP_PROXY` at it and see every request a client tried to make.

The modules, one an exchange: `faults` (the kinds) and `state` (what the index holds and is told); `base` (the server
and the handler's answers); `index` (uploads and the simple API); `forms` (the upload form and its metadata checks);
`oidc` (PyPI's mint-token, JFrog's and Cloudsmith's exchanges); `proxy` (the forward proxy); `faulty` (the faults as
made); `server` (`WarehouseServer`).
"""

from devtools.warehouse.faults import Fault, FaultKind
from devtools.warehouse.forms import form_metadata_problem, parse_form, sanitized
from devtools.warehouse.oidc import jwt_claims
from devtools.warehouse.server import WarehouseServer
from devtools.warehouse.state import TrustedPublisher, Upload, Warehouse

__all__ = [
    "Fault",
    "FaultKind",
    "TrustedPublisher",
    "Upload",
    "Warehouse",
    "WarehouseServer",
    "form_metadata_problem",
    "jwt_claims",
    "parse_form",
    "sanitized",
]
