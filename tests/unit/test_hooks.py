"""Hatch imports the plugin at start-up: that import must stay cheap, and the hook must give the publisher."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import entry_points

from hatch_custom_index.hooks import hatch_register_publisher

HEAVY = ("httpx2", "keyring", "packaging.metadata", "id", "hatch_custom_index.publisher", "hatch_custom_index.index")


def test_importing_the_hooks_loads_nothing_heavy():
    probe = f"import sys, hatch_custom_index.hooks; print([m for m in {HEAVY!r} if m in sys.modules])"
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"


def test_the_hook_registers_the_custom_index_publisher():
    publisher = hatch_register_publisher()
    assert publisher.PLUGIN_NAME == "custom-index"


def test_hatch_finds_the_plugin_through_its_entry_point():
    (entry,) = [entry for entry in entry_points(group="hatch") if entry.name == "custom-index"]
    assert entry.value == "hatch_custom_index.hooks"
