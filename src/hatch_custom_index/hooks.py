"""Registers the `custom-index` publisher with Hatch; kept cheap, since Hatch imports it at start-up."""

from __future__ import annotations

from hatchling.plugin import hookimpl


@hookimpl
def hatch_register_publisher() -> type:
    # Hatch imports this module at every start-up and calls the hook only to look a publisher up: the one lazy import.
    from hatch_custom_index.publisher import CustomIndexPublisher  # noqa: PLC0415

    return CustomIndexPublisher
