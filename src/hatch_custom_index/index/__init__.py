"""Talking to the index: the client (`client`), one retry policy (`retry`), the simple API (`simple`), and the reading
of its answers into words (`messages`)."""

from hatch_custom_index.index.client import IndexClient, IndexFacts

__all__ = ["IndexClient", "IndexFacts"]
