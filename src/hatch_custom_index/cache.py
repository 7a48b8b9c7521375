"""The usernames remembered from earlier prompts: `<cache_dir>/previous_working_users.json`, keyed by repository."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

CACHE_FILE = "previous_working_users.json"


class UserCache:
    """Reads once; a corrupt file is a warning (and is replaced by the next save), never a traceback."""

    def __init__(self, cache_dir: Path) -> None:
        self.path = Path(cache_dir) / CACHE_FILE
        self.warning: str | None = None
        self._users = self._load()

    def _load(self) -> dict[str, str]:
        try:
            data = json.loads(self.path.read_bytes())
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            self.warning = f"{self.path} is not valid JSON; ignoring it (it is replaced when a username is saved)"
            return {}
        if not isinstance(data, dict):
            self.warning = (
                f"{self.path} does not hold a JSON object; ignoring it (it is replaced when a username is saved)"
            )
            return {}
        return {key: value for key, value in data.items() if isinstance(key, str) and isinstance(value, str) and value}

    def get(self, repo_key: str) -> str | None:
        return self._users.get(repo_key)

    def save(self, repo_key: str, username: str) -> None:
        """Write atomically (a temp file renamed over the old one), readable by the owner only."""
        self._users[repo_key] = username
        self.path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{CACHE_FILE}.", suffix=".tmp")
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
                json.dump(self._users, stream, indent=2, sort_keys=True)
                stream.write("\n")
            os.chmod(temp, 0o600)
            os.replace(temp, self.path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
