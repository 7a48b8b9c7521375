"""Registers the `custom-index` publisher with Hatch; kept cheap, since Hatch imports it at start-up."""

from __future__ import annotations

from hatchling.plugin import hookimpl


@hookimpl
def hatch_register_publisher():
    from hatch_custom_index.publisher import CustomIndexPublisher

    return CustomIndexPublisher
