"""The usernames remembered from earlier prompts: `<cache_dir>/previous_working_users.json`, keyed by repository."""

from __future__ import annotations

import json
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from hatch_custom_index.errors import reason

try:
    import fcntl
except ImportError:  # Windows: the merge narrows the race to the write itself
    fcntl = None  # type: ignore[assignment]  # the module's name, bound to None where the platform has none

if TYPE_CHECKING:
    from collections.abc import Iterator

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
        except NotADirectoryError:
            self.warning = (
                f"{self.path} cannot be read: a part of Hatch's cache directory path ({self.path.parent}) is a file, "
                "not a directory; no username is remembered (set HATCH_CACHE_DIR to a directory)"
            )
            return {}
        except OSError as e:
            self.warning = f"{self.path} cannot be read ({reason(e)}); ignoring it"
            return {}
        except ValueError:
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
        """Write atomically (a temp file renamed over the old one), readable by the owner only, merged with what
        another publish saved meanwhile (under a lock where the system has one)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with _locked(self.path.parent):
            self._users = {**self._load(), repo_key: username}
            self._write()

    def _write(self) -> None:
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


@contextmanager
def _locked(directory: Path) -> Iterator[None]:
    """An exclusive lock on the cache directory while its file is read and replaced; none where fcntl is missing."""
    if fcntl is None:
        yield
        return
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock
