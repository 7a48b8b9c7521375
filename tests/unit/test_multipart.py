"""The upload body: a multipart form of known length whose digests follow the file, computed while it streams."""

from __future__ import annotations

import hashlib
import os
import time
from typing import TYPE_CHECKING

import pytest

from devtools.warehouse import parse_form
from hatch_custom_index import digests, multipart
from hatch_custom_index.digests import file_sha256
from hatch_custom_index.discovery import identity
from hatch_custom_index.multipart import UploadBody

if TYPE_CHECKING:
    from pathlib import Path

FIELDS = [(":action", "file_upload"), ("name", "demo"), ("classifiers", "A :: B"), ("classifiers", "C :: D")]


@pytest.fixture
def blob(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, bytes]:
    monkeypatch.setattr(multipart, "CHUNK_SIZE", 1000)  # several chunks
    data = os.urandom(5555)
    path = tmp_path / "demo-1.0-py3-none-any.whl"
    path.write_bytes(data)
    return path, data


def expected_digests(data: bytes) -> dict[str, str]:
    return {
        "sha256_digest": hashlib.sha256(data).hexdigest(),
        "md5_digest": hashlib.md5(data, usedforsecurity=False).hexdigest(),
    }


def test_the_digests_are_computed_while_the_file_streams(blob):
    path, data = blob
    body = UploadBody(FIELDS, path, path.name)
    assert body.digests is None

    sent = b"".join(body)

    assert len(sent) == body.length
    assert body.digests == expected_digests(data)
    fields, filename, content = parse_form(body.content_type, sent)
    assert filename == path.name
    assert content == data
    assert fields["classifiers"] == ["A :: B", "C :: D"]
    assert fields["sha256_digest"] == [hashlib.sha256(data).hexdigest()]
    assert "blake2_256_digest" not in fields  # no index needs it; it cost a large upload a third of its time
    assert fields["md5_digest"] == [hashlib.md5(data, usedforsecurity=False).hexdigest()]  # Artifactory records it
    assert sent.index(b'name="content"') < sent.index(b'name="sha256_digest"')


def test_known_digests_are_sent_as_they_are(blob):
    path, data = blob
    known = expected_digests(data)
    body = UploadBody(FIELDS, path, path.name, known)

    sent = b"".join(body)

    assert len(sent) == body.length
    assert parse_form(body.content_type, sent)[0]["sha256_digest"] == [known["sha256_digest"]]


def test_only_the_digests_the_index_gets_are_computed_and_sent(blob):
    path, data = blob
    wanted = (digests.SHA256,)  # an index that is not Artifactory: no md5
    body = UploadBody(FIELDS, path, path.name, digest_fields=wanted)

    sent = b"".join(body)

    assert len(sent) == body.length
    fields = parse_form(body.content_type, sent)[0]
    assert "md5_digest" not in fields
    assert fields["sha256_digest"] == [expected_digests(data)["sha256_digest"]]
    assert body.digests == {field: expected_digests(data)[field] for field in wanted}


def test_a_known_digest_the_index_does_not_get_is_kept_but_not_sent(blob):
    path, data = blob
    known = {"md5_digest": expected_digests(data)["md5_digest"]}
    body = UploadBody(FIELDS, path, path.name, known, digest_fields=(digests.SHA256,))

    sent = b"".join(body)

    assert len(sent) == body.length
    assert b"md5_digest" not in sent
    assert body.digests == {**known, "sha256_digest": expected_digests(data)["sha256_digest"]}


def test_a_file_that_changes_while_it_is_sent_is_an_error(blob):
    path, _ = blob
    body = UploadBody(FIELDS, path, path.name)
    chunks = iter(body)
    next(chunks)
    path.write_bytes(b"shorter")

    with pytest.raises(OSError, match="changed while it was being uploaded"):
        list(chunks)


def test_an_empty_file(tmp_path: Path):
    path = tmp_path / "empty.whl"
    path.write_bytes(b"")
    body = UploadBody([], path, path.name)

    sent = b"".join(body)

    assert len(sent) == body.length
    assert body.digests == expected_digests(b"")


def test_file_sha256_matches_hashlib(blob, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(digests, "HASH_CHUNK_SIZE", 1000)
    path, data = blob
    assert file_sha256(path) == expected_digests(data)["sha256_digest"]


def test_quotes_in_a_file_name_stay_inside_the_header(tmp_path: Path):
    path = tmp_path / "x.whl"
    path.write_bytes(b"data")
    body = UploadBody([], path, 'we"ird\r\nname.whl')
    head = next(iter(body))
    assert b'filename="we\\"ird  name.whl"' in head


def test_a_file_rewritten_in_place_with_the_same_size_is_refused_before_its_digests(blob):
    path, data = blob
    body = UploadBody(FIELDS, path, path.name, checked=identity(path))
    chunks = iter(body)
    sent = next(chunks) + next(chunks)
    path.write_bytes(bytes(reversed(data)))  # same size, other bytes: a build rewriting it
    os.utime(path, ns=(time.time_ns(), time.time_ns() + 10**9))

    received = bytearray(sent)
    with pytest.raises(OSError, match="changed since it was checked"):
        drain(chunks, received)
    assert received.startswith(sent)
    assert b"sha256_digest" not in received  # the form was cut off before the digests: no index can complete it


def drain(chunks, into: bytearray) -> None:
    """What a server receives of a body, up to where it stops."""
    for chunk in chunks:
        into.extend(chunk)
