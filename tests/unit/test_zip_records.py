"""A zip's records walked as a streaming reader sees them: each reason PyPI gives for refusing a zip's framing, from
bytes written by zipfile and then altered where no writer would."""

from __future__ import annotations

import io
import struct
import zipfile

import pytest

from hatch_custom_index.zip_records import framing_problem


def zip_bytes(members: dict[str, bytes], *, comment: bytes = b"", force_zip64: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.comment = comment
        for name, data in members.items():
            with archive.open(name, "w", force_zip64=force_zip64) as stream:
                stream.write(data)
    return buffer.getvalue()


def problem(data: bytes, sizes: dict[str, tuple[int, int]] | None = None) -> str | None:
    """What the walk says, with the central directory's sizes as zipfile reads them unless given."""
    if sizes is None:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            sizes = {info.orig_filename: (info.compress_size, info.file_size) for info in archive.infolist()}
    stream = io.BytesIO(data)
    stream.seek(7)
    found = framing_problem(stream, sizes)
    assert stream.tell() == 7  # the caller's position is restored
    return found


MEMBERS = {"pkg/__init__.py": b"x = 1\n" * 50, "pkg/data.txt": b"data\n"}


def test_a_zip_as_zipfile_writes_it_is_accepted() -> None:
    assert problem(zip_bytes(MEMBERS)) is None


def test_an_archive_comment_is_accepted() -> None:
    assert problem(zip_bytes(MEMBERS, comment=b"built by a tool")) is None


def test_zip64_records_are_accepted() -> None:
    assert problem(zip_bytes(MEMBERS, force_zip64=True)) is None


def test_an_empty_zip_is_accepted() -> None:
    assert problem(zip_bytes({})) is None


def test_data_before_the_first_record_is_an_unknown_record() -> None:
    assert problem(b"junk" + zip_bytes(MEMBERS), {}) == "Unknown record signature"


def test_a_cut_off_zip_is_malformed() -> None:
    data = zip_bytes(MEMBERS)
    assert problem(data[:20], {}) == "Malformed zip file"


def test_a_local_name_the_central_directory_lacks() -> None:
    data = zip_bytes(MEMBERS)
    assert problem(data, {"pkg/data.txt": (0, 0)}) == "Filename not in central directory"


def test_a_central_name_without_a_local_record() -> None:
    data = bytearray(zip_bytes(MEMBERS))
    central = data.index(b"PK\x01\x02", data.index(b"PK\x01\x02") + 4)  # the second member's central record
    name_at = central + 46
    data[name_at : name_at + len("pkg/data.txt")] = b"pkg/dat2.txt"
    sizes = {"pkg/__init__.py": (0, 0), "pkg/data.txt": (0, 0), "pkg/dat2.txt": (0, 0)}
    with zipfile.ZipFile(io.BytesIO(zip_bytes(MEMBERS))) as archive:
        sizes |= {i.orig_filename: (i.compress_size, i.file_size) for i in archive.infolist()}
    assert problem(bytes(data), sizes) == "Missing filename in local headers"


def test_an_unprintable_name() -> None:
    assert problem(zip_bytes({"pkg/a\x01b.py": b"x"})) == "Invalid character in filename"


def test_a_name_that_is_not_utf8() -> None:
    data = bytearray(zip_bytes({"pkg/ab.py": b"x"}))
    data[30 : 30 + len("pkg/ab.py")] = b"pkg/\xe9b.py"  # the local record's name: cp437, not UTF-8
    assert problem(bytes(data), {"pkg/ab.py": (1, 1)}) == "Filename not unicode"


def test_a_compressed_size_that_disagrees() -> None:
    data = zip_bytes(MEMBERS)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sizes = {i.orig_filename: (i.compress_size + 1, i.file_size) for i in archive.infolist()}
    assert problem(data, sizes) == "Mis-matched data size"


def local_with_extra(extra: bytes, *, method: int = 0, packed: int = 1, size: int = 1) -> bytes:
    name = b"a.py"
    header = struct.pack("<4sHHHHHLLLHH", b"PK\x03\x04", 20, 0, method, 0, 0, 0, packed, size, len(name), len(extra))
    return header + name + extra + b"x"


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (
            struct.pack("<HH", 0x7075, 6)
            + b"\x01\x00\x00\x00\x00a"
            + struct.pack("<HH", 0x7075, 6)
            + b"\x01\x00\x00\x00\x00a",
            "Invalid duplicate extra in local file",
        ),
        (struct.pack("<HH", 0x7075, 6) + b"\x01\x00\x00\x00\x00\xff", "Filename not valid UTF-8"),
        (struct.pack("<HH", 0x7075, 6) + b"\x01\x00\x00\x00\x00\x07", "Invalid character in filename"),
        (struct.pack("<HH", 0x0001, 4) + b"\x00" * 4, "Malformed zip file"),
        (struct.pack("<HH", 0x0001, 9) + b"\x00" * 4, "Malformed zip file"),
        (b"\x01\x00", "Malformed zip file"),
    ],
    ids=[
        "duplicate-unicode-path",
        "unicode-path-not-utf8",
        "unicode-path-unprintable",
        "zip64-odd-length",
        "extra-cut-off",
        "extra-header-cut-off",
    ],
)
def test_local_extras(extra: bytes, expected: str) -> None:
    assert problem(local_with_extra(extra), {"a.py": (1, 1)}) == expected


def test_a_zip64_extra_with_only_the_size_must_be_stored() -> None:
    extra = struct.pack("<HHQ", 0x0001, 8, 1)
    assert problem(local_with_extra(extra, method=8, packed=0xFFFFFFFF, size=0xFFFFFFFF), {"a.py": (1, 1)}) == (
        "Malformed zip file"
    )


def test_an_empty_zip64_extra_with_unset_sizes() -> None:
    extra = struct.pack("<HH", 0x0001, 0)
    assert problem(local_with_extra(extra, packed=0xFFFFFFFF), {"a.py": (1, 1)}) == "Malformed zip file"


def test_central_records_fewer_than_the_end_record_says() -> None:
    data = bytearray(zip_bytes(MEMBERS))
    end = data.rindex(b"PK\x05\x06")
    data[end + 8 : end + 12] = struct.pack("<HH", 3, 3)  # records on this disk, records in all
    assert problem(bytes(data)) == "Mismatched central directory records"


def test_an_end_record_whose_counts_disagree() -> None:
    data = bytearray(zip_bytes(MEMBERS))
    end = data.rindex(b"PK\x05\x06")
    data[end + 8 : end + 10] = struct.pack("<H", 1)
    assert problem(bytes(data)) == "Malformed zip file"


def test_a_central_directory_offset_that_is_wrong() -> None:
    data = bytearray(zip_bytes(MEMBERS))
    end = data.rindex(b"PK\x05\x06")
    offset = struct.unpack("<L", data[end + 16 : end + 20])[0]
    data[end + 16 : end + 20] = struct.pack("<L", offset + 1)
    assert problem(bytes(data)) == "Mismatched central directory offset"


def zip64_end(extensible: bytes = b"", *, with_locator: bool = True) -> bytes:
    """An empty zip with a ZIP64 end record (and its locator), then the classic end record; the directory (empty)
    declared where the classic end record begins, as the walk finds it."""
    directory_at = 56 + len(extensible) + (20 if with_locator else 0)
    end64 = struct.pack("<4sQHHLLQQQQ", b"PK\x06\x06", 44 + len(extensible), 45, 45, 0, 0, 0, 0, 0, directory_at)
    end64 += extensible
    locator = struct.pack("<4sLQL", b"PK\x06\x07", 0, 0, 1) if with_locator else b""
    end = struct.pack("<4sHHHHLLH", b"PK\x05\x06", 0, 0, 0, 0, 0, len(end64) + len(locator), 0)
    return end64 + locator + end


def test_a_zip64_end_record_is_accepted() -> None:
    assert problem(zip64_end(), {}) is None


def test_zip64_extensible_data_is_refused() -> None:
    assert problem(zip64_end(b"\x00" * 8), {}) == "ZIP64 extensible data not allowed"


def test_an_end_record_after_a_zip64_end_without_its_locator() -> None:
    assert problem(zip64_end(with_locator=False), {}) == "Malformed zip file"
