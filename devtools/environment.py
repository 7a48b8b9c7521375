"""The environment of every subprocess the tests start, index servers included: an allow-list, never a copy.

Whatever runs the tests sets variables that would change what `hatch publish` does: a CI's (GITHUB_ACTIONS and its
step summary, OIDC token URLs, GITLAB_CI...), proxies, keyring, pip, uv and Python settings. Only the names below are
taken from the caller; everything else a subprocess sees, its test sets itself.
"""

from __future__ import annotations

import os

# What any program needs to run here: where programs are, the text encoding, where temporary files go (SYSTEMROOT:
# Windows' sockets and random numbers need it).
BASICS = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "SYSTEMROOT")
# coverage.py's own variables: a subprocess of a measured run (`hatch test --cover`) is measured too. They change what
# is recorded, not what happens.
COVERAGE = ("COVERAGE_PROCESS_CONFIG", "COVERAGE_PROCESS_START", "COVERAGE_RCFILE", "COVERAGE_FILE")
# Where a machine keeps the certificates it trusts (an intercepting proxy's CA, say): for uv to reach PyPI.
TRUST_STORE = ("SSL_CERT_FILE", "SSL_CERT_DIR")


def clean_env(*passed_on: str, measured: bool = True, **variables: str) -> dict[str, str]:
    """The caller's BASICS (and COVERAGE if `measured`) and `passed_on` variables that are set, then `variables`."""
    names = (*BASICS, *(COVERAGE if measured else ()), *passed_on)
    return {**{name: os.environ[name] for name in names if name in os.environ}, **variables}
