"""The sha256 prefetch: what it hashes, what it leaves, and that nothing runs after `finish`."""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pytest

from hatch_custom_index import digests
from hatch_custom_index.digests import SHA256
from hatch_custom_index.prefetch import Sha256Prefetch
from hatch_custom_index.settings import Settings, Value

if TYPE_CHECKING:
    from pathlib import Path


@dataclass
class File:  # what the prefetch reads of an artifact
    path: Path
    digests: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.path.name

    def record_digests(self, digests: dict[str, str]) -> None:
        self.digests = {**digests, **self.digests}


@pytest.fixture
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[File]:
    monkeypatch.setattr(digests, "HASH_CHUNK_SIZE", 4096)  # several chunks a file
    made = []
    for number in range(12):
        path = tmp_path / f"file-{number}.whl"
        path.write_bytes(bytes([number]) * (400_000 + number))
        made.append(File(path))
    return made


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_every_wanted_file_is_hashed_and_no_thread_outlives_finish(files: list[File]) -> None:
    before = threading.active_count()
    prefetch = Sha256Prefetch(files)
    wanted = files[::3]
    prefetch.finish(wanted)

    assert threading.active_count() == before
    for file in wanted:
        assert file.digests[SHA256] == sha256(file.path)
    for file in files:  # whatever else it got to before `finish` is right too
        assert file.digests.get(SHA256, sha256(file.path)) == sha256(file.path)


def test_nothing_wanted_stops_it(files: list[File]) -> None:
    many = [File(file.path) for _ in range(40) for file in files]  # 480 files: more than a stalled caller's slice
    prefetch = Sha256Prefetch(many)
    prefetch.finish([])
    hashed = [file for file in many if SHA256 in file.digests]
    assert len(hashed) < len(many)
    assert all(file.digests[SHA256] == sha256(file.path) for file in hashed)


def test_an_unreadable_file_is_left_for_the_upload_to_report(files: list[File]) -> None:
    gone = files[0]
    gone.path.unlink()
    Sha256Prefetch(files).finish(files)
    assert SHA256 not in gone.digests
    assert all(file.digests[SHA256] == sha256(file.path) for file in files[1:])


def test_a_known_digest_is_kept(files: list[File]) -> None:
    files[1].digests = {SHA256: "f" * 64}
    Sha256Prefetch(files).finish(files)
    assert files[1].digests[SHA256] == "f" * 64


# --- which digests an index gets -------------------------------------------------------------------------------------


def settings_with(**values: object) -> Settings:
    return Settings.from_values({name.replace("_", "-"): Value(value, "a test") for name, value in values.items()})


@pytest.mark.parametrize(
    "url",
    [
        "https://example.jfrog.io/artifactory/api/pypi/pypi-local",
        "https://ACME.JFROG.IO/custom/",
        "https://artifacts.example.com/artifactory/api/pypi/python-releases/",
        "https://artifacts.example.com/api/pypi/python-releases",
    ],
)
def test_artifactory_gets_md5(url: str) -> None:
    assert digests.upload_digests(url, settings_with()) == (digests.SHA256, digests.MD5)


@pytest.mark.parametrize(
    "url",
    [
        "https://upload.pypi.org/legacy/",
        "http://127.0.0.1:3141/root/dev/",
        "https://pkgs.dev.azure.com/org/_packaging/feed/pypi/upload/",
        "https://gitlab.example.com/api/v4/projects/7/packages/pypi",
        "https://nexus.example.com/repository/pypi-hosted/",
        "https://notjfrog.io.example.com/api/pypiserver/",
    ],
)
def test_other_indexes_get_no_md5_unless_asked(url: str) -> None:
    assert digests.upload_digests(url, settings_with()) == (digests.SHA256,)
    assert digests.MD5 in digests.upload_digests(url, settings_with(md5=True))


def test_an_oidc_provider_means_artifactory_behind_any_address() -> None:
    settings = settings_with(oidc_provider="github-oidc")
    assert digests.MD5 in digests.upload_digests("https://packages.example.com/pypi/", settings)
    cloudsmith = settings_with(oidc_provider="service-account")  # Cloudsmith's provider is not JFrog's
    assert digests.MD5 not in digests.upload_digests("https://python.cloudsmith.io/acme/repo/", cloudsmith)


def test_md5_is_never_asked_of_a_build_that_forbids_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(digests, "DIGEST_FIELDS", (digests.SHA256,))  # FIPS: md5 unavailable
    assert digests.upload_digests("https://x.jfrog.io/", settings_with(md5=True)) == (digests.SHA256,)
