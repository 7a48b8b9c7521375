"""Short-lived upload tokens. Each way to one is an `Exchange`, in a sibling module: a cloud registry's SDK
(`cloud.py`: CodeArtifact, Artifact Registry, Azure Artifacts), and trusted publishing, the CI's identity token
exchanged at Cloudsmith (`cloudsmith.py`), at Artifactory (`jfrog.py`) or PyPI's way (`pypi.py`).

`EXCHANGES` is their order: each detector recognises its index (by the upload URL, or an option) or gives None, and the
first that recognises it is the one used; PyPI's, last, takes any index.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from hatch_custom_index.settings import Registry, TrustedPublishingMode
from hatch_custom_index.tokens import cloud, cloudsmith, jfrog, pypi
from hatch_custom_index.tokens.identity import TRUSTED, Context

if TYPE_CHECKING:
    from collections.abc import Callable

    from hatch_custom_index.index import IndexClient
    from hatch_custom_index.model import Decision, MintedToken, NotMinted

__all__ = ["EXCHANGES", "TRUSTED", "Exchange", "Tokens", "expected_username", "select", "tokens_for"]


class Exchange(Protocol):
    """One way to a short-lived upload token for one index."""

    @property
    def source(self) -> str:
        """Where the credentials are said to come from: trusted publishing, or the cloud registry's name."""
        ...

    @property
    def trusted(self) -> bool:
        """Trusted publishing: the CI's identity token exchanged at the index (option `trusted-publishing`)."""
        ...

    def wanted(self, username: str | None) -> Decision:
        """Whether to try, given the username found so far, and if not, why."""
        ...

    def preview(self) -> str | None:
        """What a real run would do, for a dry run; None when it would not try."""
        ...

    def mint(self) -> MintedToken | NotMinted:
        """A fresh token; or why this index or CI cannot give one, where that is no error (else it raises)."""
        ...


EXCHANGES: tuple[Callable[[Context], Exchange | None], ...] = (
    cloud.codeartifact,
    cloud.artifact_registry,
    cloud.azure,
    cloudsmith.detect,
    jfrog.detect,
    pypi.detect,
)


def select(context: Context, *, trusted: bool = False) -> Exchange:
    """The first exchange that recognises the index (with `trusted`, the first of trusted publishing's)."""
    for detect in EXCHANGES:
        exchange = detect(context)
        if exchange is not None and (exchange.trusted or not trusted):
            return exchange
    return pypi.detect(context)  # not reached: PyPI's takes any index


@dataclass(frozen=True)
class Tokens:
    """The exchanges of one repository: `first` before every other source (trusted publishing in `always` mode),
    `last` just before the prompt."""

    last: Exchange
    first: Exchange | None = None


def tokens_for(client: IndexClient, mode: TrustedPublishingMode, mask: Callable[[str], None]) -> Tokens:
    """The exchanges for the repository of `client`; `mask` prints GitHub's `::add-mask::` commands."""
    context = Context(client, mode, mask)
    first = select(context, trusted=True) if mode is TrustedPublishingMode.ALWAYS else None
    return Tokens(select(context), first)


def expected_username(url: str, setting: Registry = Registry.AUTO) -> str | None:
    """The username an index takes where `__token__` is refused: a cloud registry's, Cloudsmith's `token`."""
    index = cloud.recognise(url, setting)
    if index is not None:
        return index.username
    return cloudsmith.USERNAME if cloudsmith.on_cloudsmith(url) else None
