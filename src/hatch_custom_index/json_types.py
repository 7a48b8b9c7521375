"""The JSON the plugin reads (attestations, PEP 691 pages, token services' answers) before its values are checked."""

from __future__ import annotations

JSONObject = dict[str, object]  # a JSON object as `json.loads` gives it, its values not looked into yet
