"""Finding artifacts, reading and checking their metadata, the whole-batch checks, digests and the upload form."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import pytest

from hatch_custom_index import archive
from hatch_custom_index.artifacts import (
    Artifact,
    parse_metadata,
    plan_order,
    read_artifact,
    read_batch,
    subject_of,
)
from hatch_custom_index.attestations import Listing, find_attestations
from hatch_custom_index.discovery import Found, find_artifacts
from hatch_custom_index.errors import PublishError
from hatch_custom_index.form import metadata_form_fields, read_by_warehouse
from tests.unit.builders import build, metadata_text, write_sdist, write_wheel

WHEEL = "demo_pkg-1.2.0-py3-none-any.whl"
SDIST = "demo_pkg-1.2.0.tar.gz"
DIST_INFO = "demo_pkg-1.2.0.dist-info"


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, Path]:
    """A real wheel and sdist of demo-pkg 1.2.0 in tmp_path/out."""
    return build(tmp_path / "project", tmp_path / "out")


def hand_wheel(directory: Path, metadata: str | bytes, name: str = WHEEL, dist_info: str = DIST_INFO) -> Path:
    data = metadata.encode() if isinstance(metadata, str) else metadata
    members = {f"{dist_info}/METADATA": data, f"{dist_info}/WHEEL": b"Wheel-Version: 1.0\n", f"{dist_info}/RECORD": b""}
    return write_wheel(directory / name, members)


def hand_sdist(directory: Path, metadata: str, name: str = SDIST, top: str = "demo_pkg-1.2.0") -> Path:
    return write_sdist(directory / name, {f"{top}/PKG-INFO": metadata.encode(), f"{top}/setup.py": b""})


# --- find_artifacts -------------------------------------------------------------------------------------------------


def test_find_in_a_directory_its_own_files_only(tmp_path: Path) -> None:
    """`dist/deps/*.whl` (a build's or `pip download`'s) are not this project's release: Hatch, twine and uv publish
    a directory's own files too."""
    dist = tmp_path / "dist"
    (dist / "deps").mkdir(parents=True)
    (dist / ".cache").mkdir()
    for name in (SDIST, WHEEL, "deps/other-1.0-py3-none-any.whl", "README.txt", f"{WHEEL}.publish.attestation"):
        (dist / name).write_bytes(b"x")
    found = Found()
    assert find_artifacts([str(dist)], tmp_path, found) == [dist / WHEEL, dist / SDIST]
    assert found == Found(passed_over=[dist / "README.txt"], not_looked_into=[dist / "deps"])


def test_find_a_file_below_when_given_by_path_or_glob(tmp_path: Path) -> None:
    deps = tmp_path / "dist" / "deps"
    deps.mkdir(parents=True)
    wheel, other = deps / WHEEL, deps / "other-1.0-py3-none-any.whl"
    for path in (wheel, other, deps / "notes.txt"):
        path.write_bytes(b"x")
    assert find_artifacts([f"dist/deps/{WHEEL}"], tmp_path) == [wheel]
    assert find_artifacts(["dist/deps/*.whl"], tmp_path) == [wheel, other]  # quoted: no shell expanded it


@pytest.mark.parametrize("given", ["dist/x.whl", "dist"])
def test_find_a_fifo_is_not_a_regular_file(tmp_path: Path, given: str) -> None:
    (tmp_path / "dist").mkdir()
    os.mkfifo(tmp_path / "dist" / "x.whl")
    with pytest.raises(PublishError) as caught:
        find_artifacts([given], tmp_path)
    assert str(caught.value) == (
        f"{tmp_path / 'dist' / 'x.whl'} is not a regular file (a FIFO): give the wheel or source distribution itself"
    )


def test_find_relative_paths_against_root(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / WHEEL).write_bytes(b"x")
    assert find_artifacts(["out"], tmp_path) == [tmp_path / "out" / WHEEL]


def test_find_explicit_files_deduplicated(tmp_path: Path) -> None:
    (tmp_path / "dist").mkdir()
    wheel, sdist = tmp_path / "dist" / WHEEL, tmp_path / "dist" / SDIST
    wheel.write_bytes(b"x")
    sdist.write_bytes(b"x")
    assert find_artifacts([f"dist/{WHEEL}", str(sdist), "dist"], tmp_path) == [wheel, sdist]


def test_find_defaults_to_dist(tmp_path: Path) -> None:
    (tmp_path / "dist").mkdir()
    (tmp_path / "dist" / SDIST).write_bytes(b"x")
    (tmp_path / SDIST).write_bytes(b"x")  # not in dist/: not found
    assert find_artifacts([], tmp_path) == [tmp_path / "dist" / SDIST]


def test_find_default_dist_missing_says_build_first(tmp_path: Path) -> None:
    with pytest.raises(PublishError) as caught:
        find_artifacts([], tmp_path)
    assert str(caught.value) == f"{tmp_path / 'dist'} does not exist (build first: `hatch build`)"


def test_find_nonexistent_path(tmp_path: Path) -> None:
    with pytest.raises(PublishError) as caught:
        find_artifacts(["nope/x.whl"], tmp_path)
    assert str(caught.value) == f"{tmp_path / 'nope' / 'x.whl'} does not exist"


@pytest.mark.parametrize("name", ["README.txt", "demo.egg", f"{WHEEL}.asc"])
def test_find_passes_over_other_files_and_names_them(tmp_path: Path, name: str) -> None:
    (tmp_path / WHEEL).write_bytes(b"x")
    (tmp_path / name).write_bytes(b"x")
    found = Found()
    assert find_artifacts([WHEEL, name], tmp_path, found) == [tmp_path / WHEEL]
    assert found.passed_over == [tmp_path / name]


def test_find_passes_over_attestations_and_hidden_files_silently(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    dist.mkdir()
    for name in (WHEEL, f"{WHEEL}.publish.attestation", ".gitignore", "notes.txt"):
        (dist / name).write_bytes(b"x")
    found = Found()
    assert find_artifacts([], tmp_path, found) == [dist / WHEEL]
    assert found.passed_over == [dist / "notes.txt"]


def test_attestations_of_an_artifact_are_its_name_a_kind_and_attestation(tmp_path: Path) -> None:
    odd = "odd[1]_pkg-1.0-py3-none-any.whl"  # glob metacharacters in a name match only themselves
    names = [
        f"{WHEEL}.publish.attestation",
        f"{WHEEL}.other.attestation",
        f"{WHEEL}.attestation",  # no kind
        f"{WHEEL}.publish.attestation.bak",
        f"{SDIST}.publish.attestation",
        f"{odd}.publish.attestation",
        "odd1_pkg-1.0-py3-none-any.whl.publish.attestation",
    ]
    for name in names:
        (tmp_path / name).write_text("{}")
    (tmp_path / f"{WHEEL}.dir.attestation").mkdir()
    assert find_attestations(tmp_path / WHEEL) == [
        tmp_path / f"{WHEEL}.other.attestation",
        tmp_path / f"{WHEEL}.publish.attestation",
    ]
    assert find_attestations(tmp_path / odd) == [tmp_path / f"{odd}.publish.attestation"]
    listing = Listing()  # one listing answers for every file of the directory, by the same rules
    for name in (WHEEL, odd, SDIST, "odd1_pkg-1.0-py3-none-any.whl", "demo_pkg-1.2.0-py3-none-any", "other.whl"):
        assert listing.attestations(tmp_path / name) == find_attestations(tmp_path / name)


def test_a_batch_lists_its_directory_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    wheels = [
        hand_wheel(
            tmp_path,
            metadata_text(version=f"1.2.{i}"),
            f"demo_pkg-1.2.{i}-py3-none-any.whl",
            f"demo_pkg-1.2.{i}.dist-info",
        )
        for i in range(20)
    ]
    scanned: list[object] = []
    real_scandir = os.scandir

    def counting_scandir(path: Path) -> object:
        scanned.append(path)
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", counting_scandir)
    assert len(read_batch(wheels)) == 20
    assert scanned == [tmp_path]


def test_find_only_other_files_is_nothing_found(tmp_path: Path) -> None:
    (tmp_path / "README.txt").write_bytes(b"x")
    with pytest.raises(PublishError, match=r"No wheels or source distributions found in README\.txt"):
        find_artifacts(["README.txt"], tmp_path)


def test_find_only_attestations_is_nothing_found(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / f"{WHEEL}.publish.attestation").write_text("{}")
    (dist / f"{SDIST}.publish.attestation").write_text("{}")
    with pytest.raises(PublishError, match="No wheels or source distributions found in") as caught:
        find_artifacts([], tmp_path)
    assert str(dist) in str(caught.value)


def test_find_empty_directory_names_it(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(PublishError) as caught:
        find_artifacts(["empty"], tmp_path)
    assert str(caught.value) == "No wheels or source distributions found in empty"


def test_find_follows_a_symlinked_file(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / WHEEL).write_bytes(b"x")
    (tmp_path / "dist").mkdir()
    os.symlink(elsewhere / WHEEL, tmp_path / "dist" / WHEEL)
    assert find_artifacts([], tmp_path) == [tmp_path / "dist" / WHEEL]


# --- read_artifact --------------------------------------------------------------------------------------------------


def test_read_real_wheel(built: tuple[Path, Path]) -> None:
    wheel, _ = built
    assert wheel.name == WHEEL
    artifact = read_artifact(wheel)
    assert artifact.path == wheel
    assert artifact.name == WHEEL
    assert artifact.filetype == "bdist_wheel"
    assert artifact.pyversion == "py3"
    assert artifact.project == "demo-pkg"
    assert artifact.version == "1.2.0"
    assert artifact.metadata["name"] == "demo-pkg"
    assert artifact.metadata["version"] == "1.2.0"


def test_read_real_sdist(built: tuple[Path, Path]) -> None:
    _, sdist = built
    assert sdist.name == SDIST
    artifact = read_artifact(sdist)
    assert artifact.filetype == "sdist"
    assert artifact.pyversion == "source"
    assert artifact.project == "demo-pkg"
    assert artifact.version == "1.2.0"
    assert artifact.metadata["requires_python"] == ">=3.8"


def test_read_zip_sdist(tmp_path: Path) -> None:
    path = hand_sdist(tmp_path, metadata_text(), name="demo_pkg-1.2.0.zip")
    artifact = read_artifact(path)
    assert (artifact.filetype, artifact.pyversion, artifact.project, artifact.version) == (
        "sdist",
        "source",
        "demo-pkg",
        "1.2.0",
    )


def test_read_wheel_with_several_python_tags(tmp_path: Path) -> None:
    path = hand_wheel(tmp_path, metadata_text(), name="demo_pkg-1.2.0-py2.py3-none-any.whl")
    assert read_artifact(path).pyversion == "py2.py3"


def test_read_wheel_dist_info_matched_after_normalization(tmp_path: Path) -> None:
    path = hand_wheel(tmp_path, metadata_text(name="Demo.Pkg", version="1.2"), dist_info="Demo.Pkg-1.2.dist-info")
    artifact = read_artifact(path)
    assert (artifact.project, artifact.version) == ("demo-pkg", "1.2.0")


def test_read_invalid_file_name(tmp_path: Path) -> None:
    path = write_wheel(tmp_path / "not-a-wheel-name.whl", {})
    with pytest.raises(PublishError) as caught:
        read_artifact(path)
    assert str(caught.value).startswith(f"{path}: the file name is not a valid distribution name")


def test_read_wheel_that_is_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / WHEEL
    path.write_bytes(b"this is not a zip archive")
    with pytest.raises(PublishError) as caught:
        read_artifact(path)
    assert str(caught.value).startswith(f"{path}: not a readable wheel (a zip archive)")


def test_read_zip_that_is_not_a_wheel(tmp_path: Path) -> None:
    path = write_wheel(tmp_path / WHEEL, {"hello.txt": b"hello", "demo_pkg/__init__.py": b""})
    with pytest.raises(PublishError) as caught:
        read_artifact(path)
    assert str(caught.value) == f"{path}: the wheel has no `demo_pkg-1.2.0.dist-info/METADATA`; rebuild it"


def test_read_wheel_without_metadata(tmp_path: Path) -> None:
    path = write_wheel(tmp_path / WHEEL, {f"{DIST_INFO}/WHEEL": b"Wheel-Version: 1.0\n", f"{DIST_INFO}/RECORD": b""})
    with pytest.raises(PublishError, match=re.escape("the wheel has no `demo_pkg-1.2.0.dist-info/METADATA`")) as caught:
        read_artifact(path)
    assert str(caught.value).startswith(str(path))


def test_read_wheel_with_metadata_of_another_dist_info(tmp_path: Path) -> None:
    path = hand_wheel(tmp_path, metadata_text(name="other"), dist_info="other-1.2.0.dist-info")
    with pytest.raises(PublishError, match="the wheel has no"):
        read_artifact(path)


def test_read_truncated_sdist(built: tuple[Path, Path]) -> None:
    _, sdist = built
    data = sdist.read_bytes()
    sdist.write_bytes(data[: len(data) // 2])
    with pytest.raises(PublishError) as caught:
        read_artifact(sdist)
    assert str(caught.value).startswith(f"{sdist}: not a readable source distribution (a gzip-compressed tar archive)")


def test_read_sdist_truncated_after_pkg_info(tmp_path: Path) -> None:
    path = write_sdist(
        tmp_path / SDIST,
        {"demo_pkg-1.2.0/PKG-INFO": metadata_text().encode(), "demo_pkg-1.2.0/data.bin": os.urandom(200_000)},
    )
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(PublishError, match="not a readable source distribution"):
        read_artifact(path)


def test_read_sdist_that_is_not_gzip(tmp_path: Path) -> None:
    path = tmp_path / SDIST
    path.write_bytes(b"plain text, not gzip")
    with pytest.raises(PublishError, match="not a readable source distribution") as caught:
        read_artifact(path)
    assert str(caught.value).startswith(str(path))


def test_read_zip_sdist_that_is_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "demo_pkg-1.2.0.zip"
    path.write_bytes(b"plain text, not zip")
    with pytest.raises(PublishError, match=r"not a readable source distribution \(a zip archive\)"):
        read_artifact(path)


@pytest.mark.parametrize("name", [SDIST, "demo_pkg-1.2.0.zip"])
def test_read_sdist_without_top_level_pkg_info(tmp_path: Path, name: str) -> None:
    path = write_sdist(tmp_path / name, {"demo_pkg-1.2.0/sub/PKG-INFO": metadata_text().encode(), "PKG-INFO": b""})
    with pytest.raises(PublishError) as caught:
        read_artifact(path)
    assert str(caught.value) == f"{path}: the source distribution has no top-level `PKG-INFO`; rebuild it"


def test_read_metadata_not_utf8(tmp_path: Path) -> None:
    path = hand_wheel(tmp_path, metadata_text().encode() + "Author: Jos\u00e9\n".encode("latin-1"))
    with pytest.raises(PublishError) as caught:
        read_artifact(path)
    assert str(caught.value) == (
        f"{path}: the metadata is not valid UTF-8; rebuild the file with a current build backend"
    )


def test_read_metadata_over_the_size_limit(built: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(archive, "MAX_TEXT_BYTES", 20)
    wheel, sdist = built
    with pytest.raises(PublishError, match=re.escape(f"`{DIST_INFO}/METADATA` is larger than")) as caught:
        read_artifact(wheel)
    assert str(caught.value).startswith(str(wheel))
    with pytest.raises(PublishError, match=re.escape("`demo_pkg-1.2.0/PKG-INFO` is larger than")):
        read_artifact(sdist)


def test_read_metadata_at_the_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = metadata_text()
    monkeypatch.setattr(archive, "MAX_TEXT_BYTES", len(text))
    assert read_artifact(hand_wheel(tmp_path, text)).version == "1.2.0"


def test_read_name_mismatch(tmp_path: Path) -> None:
    path = hand_wheel(tmp_path, metadata_text(name="other-pkg"))
    with pytest.raises(PublishError) as caught:
        read_artifact(path)
    assert str(caught.value) == f"{path}: the metadata names the project 'other-pkg', but the file name says 'demo-pkg'"


def test_read_version_mismatch_in_sdist(tmp_path: Path) -> None:
    path = hand_sdist(tmp_path, metadata_text(version="1.3.0"))
    with pytest.raises(PublishError) as caught:
        read_artifact(path)
    assert str(caught.value) == f"{path}: the metadata says version '1.3.0', but the file name says '1.2.0'"


def test_read_name_and_version_equal_after_normalization(tmp_path: Path) -> None:
    artifact = read_artifact(hand_sdist(tmp_path, metadata_text(name="Demo_Pkg", version="1.2")))
    assert artifact.project == "demo-pkg"


def test_read_invalid_version_in_metadata(tmp_path: Path) -> None:
    path = hand_sdist(tmp_path, metadata_text(version="not a version"))
    with pytest.raises(PublishError, match=r"the metadata's version 'not a version' is not a valid version"):
        read_artifact(path)


@pytest.mark.parametrize("metadata_version", ["2.0", "3.0"])
def test_read_unknown_metadata_version(tmp_path: Path, metadata_version: str) -> None:
    path = hand_wheel(tmp_path, metadata_text(metadata_version=metadata_version))
    with pytest.raises(PublishError) as caught:
        read_artifact(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: Metadata-Version {metadata_version} is not a metadata version")
    assert "1.0, 1.1, 1.2, 2.1, 2.2, 2.3, 2.4, 2.5" in message


# --- parse_metadata -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("metadata_version", ["1.0", "1.1", "1.2", "2.1", "2.2", "2.3", "2.4", "2.5"])
def test_supported_metadata_versions(metadata_version: str) -> None:
    metadata = parse_metadata(metadata_text(metadata_version=metadata_version).encode(), Path("x.whl"))
    assert metadata["metadata_version"] == metadata_version


@pytest.mark.parametrize("metadata_version", ["2.0", "3.0", "1.3"])
def test_unknown_metadata_versions(metadata_version: str) -> None:
    with pytest.raises(PublishError, match=f"x.whl: Metadata-Version {metadata_version} is not a metadata version"):
        parse_metadata(metadata_text(metadata_version=metadata_version).encode(), Path("x.whl"))


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Name: demo\nVersion: 1.0\n", "Metadata-Version"),
        ("Metadata-Version: 2.1\nVersion: 1.0\n", "Name"),
        ("Metadata-Version: 2.1\nName: demo\n", "Version"),
    ],
)
def test_missing_required_field(text: str, label: str) -> None:
    with pytest.raises(PublishError) as caught:
        parse_metadata(text.encode(), Path("x.whl"))
    assert str(caught.value) == f"x.whl: the metadata has no `{label}` field"


# --- read_batch and plan_order --------------------------------------------------------------------------------------


def test_read_batch_reads_and_digests(built: tuple[Path, Path]) -> None:
    wheel, sdist = built
    batch = read_batch([wheel, sdist])
    assert [a.path for a in batch] == [sdist, wheel]
    for artifact in batch:
        assert artifact.size == artifact.path.stat().st_size
        assert artifact.sha256 == hashlib.sha256(artifact.path.read_bytes()).hexdigest()


def test_read_batch_orders_sdist_first_then_wheels_sorted(tmp_path: Path) -> None:
    text = metadata_text()
    py3 = hand_wheel(tmp_path, text, name="demo_pkg-1.2.0-py3-none-any.whl")
    cp311 = hand_wheel(tmp_path, text, name="demo_pkg-1.2.0-cp311-cp311-manylinux_2_17_x86_64.whl")
    cp310 = hand_wheel(tmp_path, text, name="demo_pkg-1.2.0-cp310-cp310-win_amd64.whl")
    sdist = hand_sdist(tmp_path, text)
    assert [a.path for a in read_batch([py3, cp311, sdist, cp310])] == [sdist, cp310, cp311, py3]


def test_plan_order_groups_releases() -> None:
    def artifact(name: str, filetype: str, project: str, version: str) -> Artifact:
        return Artifact(Path(name), filetype, "py3", project, version, {})

    items = [
        artifact("b-1.0-py3-none-any.whl", "bdist_wheel", "b", "1.0"),
        artifact("a-2.0-py3-none-any.whl", "bdist_wheel", "a", "2.0"),
        artifact("a-1.0-py3-none-any.whl", "bdist_wheel", "a", "1.0"),
        artifact("b-1.0.tar.gz", "sdist", "b", "1.0"),
        artifact("a-1.0.tar.gz", "sdist", "a", "1.0"),
    ]
    assert [a.name for a in plan_order(items)] == [
        "a-1.0.tar.gz",
        "a-1.0-py3-none-any.whl",
        "a-2.0-py3-none-any.whl",
        "b-1.0.tar.gz",
        "b-1.0-py3-none-any.whl",
    ]


def test_read_batch_reports_every_problem(tmp_path: Path, built: tuple[Path, Path]) -> None:
    good_wheel, _ = built
    bad = tmp_path / "bad"
    bad.mkdir()
    not_zip = bad / "broken-1.0-py3-none-any.whl"
    not_zip.write_bytes(b"junk")
    mismatch = hand_sdist(bad, metadata_text(version="9.9"))
    old = hand_wheel(bad, metadata_text(metadata_version="2.0"), name="demo_pkg-1.2.0-py2-none-any.whl")
    with pytest.raises(PublishError) as caught:
        read_batch([good_wheel, not_zip, mismatch, old])
    message = str(caught.value)
    assert message.startswith("Nothing was uploaded: the batch has 3 problems:\n")
    lines = message.splitlines()[1:]
    assert len(lines) == 3
    assert lines[0].startswith(f"  - {not_zip}: not a readable wheel")
    assert lines[1].startswith(f"  - {mismatch}: the metadata says version '9.9'")
    assert lines[2].startswith(f"  - {old}: Metadata-Version 2.0")
    assert str(good_wheel) not in message


def test_read_batch_single_problem(tmp_path: Path) -> None:
    path = tmp_path / WHEEL
    path.write_bytes(b"junk")
    with pytest.raises(PublishError, match=r"^Nothing was uploaded: the batch has a problem:\n  - "):
        read_batch([path])


def test_read_batch_two_different_sdists_of_one_release(tmp_path: Path) -> None:
    tar = hand_sdist(tmp_path, metadata_text())
    zipped = hand_sdist(tmp_path, metadata_text(), name="demo_pkg-1.2.0.zip")
    with pytest.raises(PublishError) as caught:
        read_batch([tar, zipped])
    message = str(caught.value)
    assert "the batch has a problem" in message
    assert (
        f"{tar} and {zipped} are two source distributions of demo-pkg 1.2.0; an index takes one per release" in message
    )


def test_read_batch_same_name_different_contents(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = hand_wheel(tmp_path / "a", metadata_text())
    second = hand_wheel(tmp_path / "b", metadata_text() + "Summary: changed\n")
    with pytest.raises(PublishError) as caught:
        read_batch([first, second])
    assert f"{second} and {first} have the same name but different contents" in str(caught.value)


def test_read_batch_same_file_twice_is_uploaded_once(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = hand_sdist(tmp_path / "a", metadata_text())
    second = tmp_path / "b" / SDIST
    second.write_bytes(first.read_bytes())
    assert [artifact.path for artifact in read_batch([first, second])] == [first]


def test_read_batch_sdists_of_different_releases_are_fine(tmp_path: Path) -> None:
    one = hand_sdist(tmp_path, metadata_text())
    two = hand_sdist(tmp_path, metadata_text(version="1.3.0"), name="demo_pkg-1.3.0.tar.gz", top="demo_pkg-1.3.0")
    assert [a.version for a in read_batch([two, one])] == ["1.2.0", "1.3.0"]


# --- the upload form ------------------------------------------------------------------------------------------------


def test_form_fields_of_a_real_wheel(built: tuple[Path, Path]) -> None:
    wheel, _ = built
    (artifact,) = read_batch([wheel])
    fields = artifact.form_fields()
    assert fields[:4] == [
        (":action", "file_upload"),
        ("protocol_version", "1"),
        ("filetype", "bdist_wheel"),
        ("pyversion", "py3"),
    ]
    assert ("name", "demo-pkg") in fields
    assert ("version", "1.2.0") in fields
    assert ("metadata_version", artifact.metadata["metadata_version"]) in fields
    assert ("requires_python", ">=3.8") in fields
    assert [v for k, v in fields if k == "classifiers"] == ["Programming Language :: Python :: 3", "Typing :: Typed"]
    assert [v for k, v in fields if k == "requires_dist"] == ["packaging>=20", "tomli; python_version < '3.11'"]
    assert [v for k, v in fields if k == "keywords"] == ["demo, test"]
    assert [v for k, v in fields if k == "project_urls"] == [
        "Homepage, https://example.org/demo-pkg",
        "Source, https://example.org/demo-pkg/src",
    ]
    assert not [key for key, _ in fields if key.endswith("_digest")]  # the upload body adds them after the file
    assert all(isinstance(key, str) and isinstance(value, str) for key, value in fields)


def test_form_fields_of_a_real_sdist(built: tuple[Path, Path]) -> None:
    _, sdist = built
    (artifact,) = read_batch([sdist])
    fields = dict(artifact.form_fields()[:4])
    assert fields == {":action": "file_upload", "protocol_version": "1", "filetype": "sdist", "pyversion": "source"}


METADATA_2_5 = """\
Metadata-Version: 2.5
Name: demo
Version: 1.0
Summary: A demo
Platform: linux
Platform: win32
Supported-Platform: RedHat 8
Keywords: alpha,beta,gamma
Classifier: Programming Language :: Python :: 3
Classifier: Typing :: Typed
Requires-Dist: foo>=1
Requires-Dist: bar; extra == "x"
Provides-Extra: x
Project-URL: Homepage, https://example.com
Project-URL: Issue Tracker, https://example.com/issues
License-Expression: MIT
License-File: LICENSE
License-File: NOTICE
Import-Name: demo
Import-Name: demo.sub
Import-Namespace: nsdemo
Dynamic: Classifier
Description-Content-Type: text/markdown

# Demo

The long description.
"""


def test_metadata_form_fields_of_metadata_2_5() -> None:
    fields = metadata_form_fields(parse_metadata(METADATA_2_5.encode(), Path("demo-1.0.tar.gz")))

    def values(key: str) -> list[str]:
        return [value for name, value in fields if name == key]

    assert values("metadata_version") == ["2.5"]
    assert values("name") == ["demo"]
    assert values("version") == ["1.0"]
    assert values("summary") == ["A demo"]
    assert values("import_name") == ["demo", "demo.sub"]
    assert values("import_namespace") == ["nsdemo"]
    assert values("platform") == ["linux", "win32"]
    assert values("supported_platform") == ["RedHat 8"]
    assert values("license_file") == ["LICENSE", "NOTICE"]
    assert values("license_expression") == ["MIT"]
    assert values("classifiers") == ["Programming Language :: Python :: 3", "Typing :: Typed"]
    assert values("requires_dist") == ["foo>=1", 'bar; extra == "x"']
    assert values("provides_extra") == ["x"]
    assert values("dynamic") == ["Classifier"]
    assert values("keywords") == ["alpha, beta, gamma"]
    assert values("project_urls") == ["Homepage, https://example.com", "Issue Tracker, https://example.com/issues"]
    assert values("description_content_type") == ["text/markdown"]
    assert values("description") == ["# Demo\n\nThe long description.\n"]
    plural = {"platforms", "supported_platforms", "license_files", "import_names", "import_namespaces"}
    assert not plural & {name for name, _ in fields}
    assert values("requires_python") == [""]  # present although the file has none: GitLab requires the field


def test_two_sdists_whose_versions_are_one_release_to_an_index(tmp_path: Path) -> None:
    short = hand_sdist(tmp_path, metadata_text(version="1.2"), name="demo_pkg-1.2.tar.gz", top="demo_pkg-1.2")
    long = hand_sdist(tmp_path, metadata_text(version="1.2.0"), name="demo_pkg-1.2.0.tar.gz", top="demo_pkg-1.2.0")
    with pytest.raises(PublishError, match="two source distributions of demo-pkg"):
        read_batch([short, long])


def test_a_field_newer_than_the_declared_metadata_version_is_not_sent() -> None:
    # setuptools 56-76: License-File in Metadata 2.1, which PyPI refuses ("introduced in metadata version 2.4").
    text = metadata_text(metadata_version="2.1") + "License-File: LICENSE\nLicense-Expression: MIT\nSummary: s\n"
    fields = dict(metadata_form_fields(parse_metadata(text.encode(), Path("demo-1.0.tar.gz"))))
    assert "license_file" not in fields
    assert "license_expression" not in fields
    assert fields["summary"] == "s"
    newer = metadata_text(metadata_version="2.4") + "License-File: LICENSE\n"
    assert dict(metadata_form_fields(parse_metadata(newer.encode(), Path("demo-1.0.tar.gz"))))["license_file"] == (
        "LICENSE"
    )


def test_fields_distutils_left_unknown_are_not_sent_nor_checked(tmp_path: Path) -> None:
    # Warehouse's `sanitize` deletes them before validating anything: `Author-email: UNKNOWN` is no address to check.
    unknown = "Summary: UNKNOWN\nHome-page: UNKNOWN\nAuthor-email: UNKNOWN\nLicense: UNKNOWN\nPlatform: UNKNOWN\n"
    text = metadata_text(metadata_version="2.1") + unknown + "Keywords: UNKNOWN\n\nUNKNOWN\n"
    artifact = read_artifact(hand_wheel(tmp_path, text))

    fields = dict(artifact.form_fields())

    assert not {"summary", "home_page", "author_email", "license", "platform", "keywords", "description"} & set(fields)
    assert (fields["name"], fields["version"], fields["requires_python"]) == ("demo-pkg", "1.2.0", "")
    assert "home_page" not in subject_of(artifact).fields
    assert read_batch([artifact.path], pypi_rules=True)


@pytest.mark.parametrize(
    ("key", "value", "read"),
    [
        ("home_page", "UNKNOWN", False),
        ("home_page", " UNKNOWN ", False),  # stripped
        ("home_page", "unknown", True),  # the exact word only
        ("platforms", ["UNKNOWN"], False),
        ("platforms", ["any", "UNKNOWN"], False),  # the last value decides (WebOb's MultiDict.get), all go with it
        ("platforms", ["UNKNOWN", "any"], True),  # ... and an earlier UNKNOWN stays, to be validated
        ("keywords", ["UNKNOWN"], False),
        ("keywords", ["a", "UNKNOWN"], True),  # one form value: "a, UNKNOWN"
        ("project_urls", {"UNKNOWN": "https://example.com"}, True),
        ("summary", "", False),  # parse_form_metadata: an only value that is empty is no value
        ("requires_dist", [""], False),
        ("classifiers", ["", "Typing :: Typed"], True),
    ],
)
def test_what_warehouse_reads_of_a_form_field(key: str, value: object, read: bool) -> None:  # noqa: FBT001
    assert read_by_warehouse(key, value) is read


def test_a_name_of_unknown_is_still_sent() -> None:
    # Other indexes take a project of that name; PyPI's rule `name_unknown` refuses it there.
    fields = dict(metadata_form_fields(parse_metadata(metadata_text(name="UNKNOWN").encode(), Path("x.tar.gz"))))
    assert fields["name"] == "UNKNOWN"
