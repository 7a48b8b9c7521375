"""The remembered usernames: a missing or corrupt file is never a traceback, and saving is atomic and private."""

from __future__ import annotations

import json
import stat
from typing import TYPE_CHECKING

import pytest

from hatch_custom_index.cache import CACHE_FILE, UserCache

if TYPE_CHECKING:
    from pathlib import Path


def write_cache(directory: Path, content: str | bytes) -> Path:
    path = directory / CACHE_FILE
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def read_cache(directory: Path) -> object:
    return json.loads((directory / CACHE_FILE).read_text(encoding="utf-8"))


def test_path_is_in_the_cache_dir(tmp_path: Path) -> None:
    assert UserCache(tmp_path).path == tmp_path / "previous_working_users.json"


def test_missing_file_is_empty_without_warning(tmp_path: Path) -> None:
    cache = UserCache(tmp_path / "not-yet")
    assert cache.warning is None
    assert cache.get("main") is None


def test_reads_usernames(tmp_path: Path) -> None:
    write_cache(tmp_path, json.dumps({"main": "alice", "https://pkgs.example/upload/": "bob"}))
    cache = UserCache(tmp_path)
    assert cache.warning is None
    assert cache.get("main") == "alice"
    assert cache.get("https://pkgs.example/upload/") == "bob"
    assert cache.get("test") is None


@pytest.mark.parametrize(
    ("content", "what"),
    [
        ("{not json", "not valid JSON"),
        ("", "not valid JSON"),
        (b"\xff\xfe\x00garbage", "not valid JSON"),
        ('["main", "alice"]', "JSON object"),
        ('"alice"', "JSON object"),
        ("null", "JSON object"),
    ],
)
def test_corrupt_file_is_a_warning(tmp_path: Path, content: str | bytes, what: str) -> None:
    path = write_cache(tmp_path, content)
    cache = UserCache(tmp_path)
    assert cache.warning is not None
    assert str(path) in cache.warning
    assert what in cache.warning
    assert cache.get("main") is None


def test_non_string_values_are_ignored(tmp_path: Path) -> None:
    write_cache(tmp_path, json.dumps({"main": 42, "test": None, "corp": ["x"], "empty": "", "ok": "alice"}))
    cache = UserCache(tmp_path)
    assert cache.warning is None
    assert [cache.get(key) for key in ("main", "test", "corp", "empty", "ok")] == [None, None, None, None, "alice"]


def test_save_writes_json_readable_by_owner_only(tmp_path: Path) -> None:
    cache = UserCache(tmp_path)
    cache.save("main", "alice")
    assert read_cache(tmp_path) == {"main": "alice"}
    assert stat.S_IMODE((tmp_path / CACHE_FILE).stat().st_mode) == 0o600
    assert cache.get("main") == "alice"
    assert UserCache(tmp_path).get("main") == "alice"


def test_save_tightens_an_existing_files_mode(tmp_path: Path) -> None:
    path = write_cache(tmp_path, json.dumps({"main": "alice"}))
    path.chmod(0o644)
    UserCache(tmp_path).save("test", "bob")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_save_keeps_other_keys_and_replaces_the_same_key(tmp_path: Path) -> None:
    write_cache(tmp_path, json.dumps({"main": "alice", "corp": "carol"}))
    cache = UserCache(tmp_path)
    cache.save("corp", "dave")
    cache.save("https://pkgs.example/upload/", "bob")
    assert read_cache(tmp_path) == {"main": "alice", "corp": "dave", "https://pkgs.example/upload/": "bob"}


def test_save_replaces_a_corrupt_file(tmp_path: Path) -> None:
    write_cache(tmp_path, "{corrupt")
    cache = UserCache(tmp_path)
    assert cache.warning is not None
    cache.save("main", "alice")
    assert read_cache(tmp_path) == {"main": "alice"}
    fresh = UserCache(tmp_path)
    assert fresh.warning is None
    assert fresh.get("main") == "alice"


def test_save_leaves_no_temp_files(tmp_path: Path) -> None:
    cache = UserCache(tmp_path)
    cache.save("main", "alice")
    cache.save("test", "bob")
    assert [path.name for path in tmp_path.iterdir()] == [CACHE_FILE]


def test_save_creates_the_directory(tmp_path: Path) -> None:
    directory = tmp_path / "cache" / "publish" / "custom-index"
    UserCache(directory).save("main", "alice")
    assert read_cache(directory) == {"main": "alice"}


def test_failed_save_raises_oserror_and_leaves_no_temp_file(tmp_path: Path) -> None:
    # The cache "directory" is a file: nothing can be written, and the caller turns the OSError into a warning.
    blocker = tmp_path / "cache"
    blocker.write_text("not a directory", encoding="utf-8")
    with pytest.raises(OSError, match=r"exists|directory"):
        UserCache(blocker).save("main", "alice")
    assert [path.name for path in tmp_path.iterdir()] == ["cache"]


def test_two_publishes_at_once_keep_both_remembered_usernames(tmp_path: Path) -> None:
    first, second = UserCache(tmp_path), UserCache(tmp_path)  # both read before either saves

    first.save("corp", "alice")
    second.save("test", "bob")

    assert json.loads((tmp_path / "previous_working_users.json").read_text()) == {"corp": "alice", "test": "bob"}


def test_a_cache_directory_that_is_a_file_is_named_as_such(tmp_path: Path) -> None:
    not_a_directory = tmp_path / "cache"
    not_a_directory.write_text("")

    cache = UserCache(not_a_directory)

    assert cache.get("corp") is None
    assert cache.warning is not None
    assert "is a file, not a directory" in cache.warning
    assert "not valid JSON" not in cache.warning
