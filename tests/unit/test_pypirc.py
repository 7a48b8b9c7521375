""".pypirc per the packaging spec: no interpolation, `index-servers`, default URLs, section lookup, and safe errors."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from hatch_custom_index.errors import PublishError, Secret
from hatch_custom_index.pypirc import Pypirc, PypircEntry, default_path, load_pypirc

if TYPE_CHECKING:
    from pathlib import Path

PYPI = "https://upload.pypi.org/legacy/"
TESTPYPI = "https://test.pypi.org/legacy/"
CORP = "https://pkgs.example/upload/"
SECRET = "s3cr3t-on-the-bad-line"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / ".pypirc"
    path.write_text(text, encoding="utf-8")
    return path


def load(tmp_path: Path, text: str) -> Pypirc:
    pypirc = load_pypirc(write(tmp_path, text))
    assert pypirc is not None
    return pypirc


# --- reading ---------------------------------------------------------------------------------------------------------


def test_missing_file_is_none(tmp_path: Path) -> None:
    assert load_pypirc(tmp_path / "nope" / ".pypirc") is None


def test_default_path_is_in_home(tmp_path: Path) -> None:
    assert default_path(tmp_path) == tmp_path / ".pypirc"


def test_entry_fields_and_password_is_secret(tmp_path: Path) -> None:
    pypirc = load(tmp_path, f"[corp]\nrepository = {CORP}\nusername = alice\npassword = hunter2\n")
    entry = pypirc.entries["corp"]
    assert entry == PypircEntry("corp", CORP, "alice", Secret("hunter2"))
    assert isinstance(entry.password, Secret)
    assert entry.password.reveal() == "hunter2"
    assert "hunter2" not in repr(entry)
    assert "hunter2" not in str(pypirc)
    assert pypirc.path == tmp_path / ".pypirc"


@pytest.mark.parametrize("password", ["100%sure", "%(user)s", "a%%b", "%"])
def test_percent_in_password_is_kept_literally(tmp_path: Path, password: str) -> None:
    pypirc = load(tmp_path, f"[corp]\nrepository = {CORP}\nusername = alice\npassword = {password}\n")
    entry = pypirc.entries["corp"]
    assert entry.password is not None
    assert entry.password.reveal() == password


def test_missing_or_empty_credentials_are_none(tmp_path: Path) -> None:
    pypirc = load(tmp_path, f"[corp]\nrepository = {CORP}\nusername =\n")
    entry = pypirc.entries["corp"]
    assert entry.username is None
    assert entry.password is None


def test_without_distutils_every_section_counts(tmp_path: Path) -> None:
    pypirc = load(tmp_path, f"[corp]\nrepository = {CORP}\n\n[other]\nusername = bob\n")
    assert set(pypirc.entries) == {"corp", "other"}
    assert pypirc.entries["other"].repository is None


def test_index_servers_restricts_sections(tmp_path: Path) -> None:
    text = (
        f"[distutils]\nindex-servers =\n    corp\n\n[corp]\nrepository = {CORP}\n\n[unlisted]\nrepository = {CORP}x\n"
    )
    pypirc = load(tmp_path, text)
    assert set(pypirc.entries) == {"corp"}


def test_distutils_without_index_servers_keeps_the_sections(tmp_path: Path) -> None:
    pypirc = load(
        tmp_path, f"[distutils]\n\n[pypi]\nusername = __token__\npassword = pw\n\n[corp]\nrepository = {CORP}\n"
    )
    assert set(pypirc.entries) == {"pypi", "corp"}
    assert section(pypirc.find("main", PYPI)) == "pypi"


def test_empty_index_servers_lists_nothing(tmp_path: Path) -> None:
    pypirc = load(tmp_path, "[distutils]\nindex-servers =\n\n[corp]\nusername = x\n")
    assert pypirc.entries == {}


def test_listed_pypi_and_testpypi_exist_without_their_sections(tmp_path: Path) -> None:
    pypirc = load(tmp_path, "[distutils]\nindex-servers =\n    pypi\n    testpypi\n    ghost\n")
    assert set(pypirc.entries) == {"pypi", "testpypi"}  # an unknown name without a section is nothing
    assert pypirc.entries["pypi"] == PypircEntry("pypi", PYPI, None, None)
    assert pypirc.entries["testpypi"] == PypircEntry("testpypi", TESTPYPI, None, None)


def test_pypi_and_testpypi_default_their_repository(tmp_path: Path) -> None:
    pypirc = load(tmp_path, "[pypi]\nusername = __token__\n\n[testpypi]\nusername = __token__\n")
    assert pypirc.entries["pypi"].repository == PYPI
    assert pypirc.entries["testpypi"].repository == TESTPYPI


def test_pypi_repository_can_be_overridden(tmp_path: Path) -> None:
    pypirc = load(tmp_path, f"[pypi]\nrepository = {CORP}\n")
    assert pypirc.entries["pypi"].repository == CORP


def test_urls_lists_sections_with_a_repository(tmp_path: Path) -> None:
    pypirc = load(tmp_path, f"[pypi]\n\n[corp]\nrepository = {CORP}\n\n[bare]\nusername = bob\n")
    assert pypirc.urls() == {"pypi": PYPI, "corp": CORP}


def test_where_names_file_section_and_key(tmp_path: Path) -> None:
    pypirc = load(tmp_path, f"[corp]\nrepository = {CORP}\n")
    assert pypirc.where(pypirc.entries["corp"], "password") == f"{tmp_path / '.pypirc'} [corp] password"


# --- malformed files -------------------------------------------------------------------------------------------------

MALFORMED = {
    "missing section header": (f"username = {SECRET}\n[pypi]\n", 1),
    "junk line": (f"[pypi]\nusername = alice\njunk {SECRET}\n", 3),
    "indented junk after a header": (f"[pypi]\n    {SECRET}\n", 2),
    "duplicate section": (f"[{SECRET}]\nusername = a\n\n[{SECRET}]\nusername = b\n", 4),
    "duplicate option": (f"[pypi]\npassword = first\npassword = {SECRET}\n", 3),
}


@pytest.mark.parametrize(("text", "line"), MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_file_names_file_and_line_not_content(tmp_path: Path, text: str, line: int) -> None:
    path = write(tmp_path, text)
    with pytest.raises(PublishError) as caught:
        load_pypirc(path)
    message = str(caught.value)
    assert str(path) in message
    assert f"line {line}" in message
    assert SECRET not in message
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__


def test_non_utf8_file_is_an_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / ".pypirc"
    path.write_bytes(b"[pypi]\npassword = caf\xe9\xff\xfe\n")
    with pytest.raises(PublishError, match="UTF-8") as caught:
        load_pypirc(path)
    assert str(path) in str(caught.value)
    assert "caf" not in str(caught.value)


def test_binary_junk_is_an_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / ".pypirc"
    path.write_bytes(b"\x00\x01\x02zq-payload\x00\n\x7fELF")
    with pytest.raises(PublishError) as caught:
        load_pypirc(path)
    assert str(path) in str(caught.value)
    assert "zq-payload" not in str(caught.value)


def test_directory_instead_of_file_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / ".pypirc"
    path.mkdir()
    with pytest.raises(PublishError, match="cannot be read") as caught:
        load_pypirc(path)
    assert str(path) in str(caught.value)


# --- finding the section of a repository -----------------------------------------------------------------------------

FIND_TEXT = f"""\
[pypi]
username = pypi-user

[testpypi]
username = test-user

[corp]
repository = {CORP}
username = corp-user

[named-only]
username = named-user

[elsewhere]
repository = https://elsewhere.example/upload
username = elsewhere-user
"""


@pytest.fixture
def pypirc(tmp_path: Path) -> Pypirc:
    return load(tmp_path, FIND_TEXT)


def section(entry: PypircEntry | None) -> str | None:
    return entry.section if entry is not None else None


def test_main_is_pypi(pypirc: Pypirc) -> None:
    assert section(pypirc.find("main", PYPI)) == "pypi"


def test_test_is_testpypi(pypirc: Pypirc) -> None:
    assert section(pypirc.find("test", TESTPYPI)) == "testpypi"


def test_other_name_is_same_name_section(pypirc: Pypirc) -> None:
    assert section(pypirc.find("corp", CORP)) == "corp"
    assert section(pypirc.find("named-only", "https://anything.example/")) == "named-only"


def test_name_match_ignores_trailing_slash(pypirc: Pypirc) -> None:
    assert section(pypirc.find("corp", CORP.rstrip("/"))) == "corp"
    assert section(pypirc.find("elsewhere", "https://elsewhere.example/upload/")) == "elsewhere"


def test_by_url_when_no_name(pypirc: Pypirc) -> None:
    assert section(pypirc.find(None, CORP)) == "corp"
    assert section(pypirc.find(None, PYPI)) == "pypi"


def test_by_url_ignores_trailing_slash(pypirc: Pypirc) -> None:
    assert section(pypirc.find(None, CORP.rstrip("/"))) == "corp"
    assert section(pypirc.find(None, "https://elsewhere.example/upload/")) == "elsewhere"


def test_unknown_name_falls_back_to_url(pypirc: Pypirc) -> None:
    assert section(pypirc.find("company", CORP)) == "corp"


def test_no_match_is_none(pypirc: Pypirc) -> None:
    assert pypirc.find("company", "https://unknown.example/") is None
    assert pypirc.find(None, "https://unknown.example/") is None


def test_same_name_section_for_another_url_is_not_matched_by_name(pypirc: Pypirc) -> None:
    # `[elsewhere]` points at another index: a repository called `elsewhere` at CORP gets CORP's section.
    assert section(pypirc.find("elsewhere", CORP)) == "corp"
    assert pypirc.find("elsewhere", "https://unknown.example/") is None


def test_main_with_pypi_pointing_elsewhere_is_not_matched_by_name(tmp_path: Path) -> None:
    pypirc = load(tmp_path, f"[pypi]\nrepository = {CORP}\nusername = x\n\n[real]\nrepository = {PYPI}\n")
    assert section(pypirc.find("main", PYPI)) == "real"


def test_reserved_names_do_not_use_their_own_section_names(tmp_path: Path) -> None:
    pypirc = load(tmp_path, "[main]\nusername = x\n\n[test]\nusername = y\n")
    assert pypirc.find("main", PYPI) is None
    assert pypirc.find("test", TESTPYPI) is None


def test_unlisted_section_is_not_found(tmp_path: Path) -> None:
    pypirc = load(tmp_path, f"[distutils]\nindex-servers = pypi\n\n[corp]\nrepository = {CORP}\nusername = x\n")
    assert pypirc.find("corp", CORP) is None
    assert pypirc.find(None, CORP) is None
