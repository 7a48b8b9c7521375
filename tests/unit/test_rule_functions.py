"""Rules as the pure functions they are: a `Subject` made by hand for the cases no corpus file needs to carry."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hatch_custom_index.archive import Contents, Member
from hatch_custom_index.rules import Authority, check, hygiene, layout, metadata, names
from hatch_custom_index.rules.content import refused_content
from hatch_custom_index.rules.subject import Subject

BASE = {"metadata_version": "2.4", "name": "demo", "version": "1.0"}


def subject(fields: dict[str, Any] | None = None, *, filename: str = "demo-1.0-py3-none-any.whl",
            members: tuple[Member, ...] = (), texts: dict[str, bytes] | None = None) -> Subject:  # fmt: skip
    filetype = "bdist_wheel" if filename.endswith(".whl") else "sdist"
    contents = Contents("zip" if filetype == "bdist_wheel" else "tar", 1000, members, texts or {})
    member = "demo-1.0.dist-info/METADATA" if filetype == "bdist_wheel" else "demo-1.0/PKG-INFO"
    return Subject(Path("dist") / filename, filetype, contents, {**BASE, **(fields or {})}, member)


def messages(found) -> list[str]:
    return [finding.message for finding in found]


@pytest.mark.parametrize(
    ("urls", "expected"),
    [
        ({"": "https://example.com/"}, "Project-URL: Must have a label"),
        ({"Docs": ""}, "Project-URL 'Docs': Must have a URL"),
        ({"Docs": "ftp://example.com/docs"}, "'ftp://example.com/docs' is not a valid url"),
        ({"Docs": "https://example.com/docs"}, None),
    ],
)
def test_project_urls(urls: dict[str, str], expected: str | None) -> None:
    found = messages(metadata.urls(subject({"project_urls": urls})))
    assert found == ([expected] if expected else [])


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("foo >=", "provides-dist: 'foo >=' is invalid: "),
        ("foo @ https://example.com/foo.tar.gz", "provides-dist: Can't have direct dependency: 'foo @ https://"),
        ("foo (>=1.0)", None),
    ],
)
def test_provides_dist(given: str, expected: str | None) -> None:
    found = messages(metadata.direct_references(subject({"provides_dist": [given]})))
    assert [message[: len(expected)] for message in found] == ([expected] if expected else [])


def test_dynamic_dynamic_is_valid_to_packaging_but_not_to_pypi() -> None:
    assert messages(metadata.dynamic_fields(subject({"dynamic": ["Dynamic"]}))) == [
        "Dynamic field 'dynamic' is not a valid dynamic field."
    ]


def test_several_author_addresses_are_not_checked_as_pypi_does_not() -> None:
    fields = {"author_email": "A <a@localhost>, B <b@localhost>"}
    assert messages(metadata.email_addresses(subject(fields))) == []


def test_an_explicit_rst_content_type_that_fails_names_it() -> None:
    fields = {"description": "See `link`_.\n", "description_content_type": "text/x-rst; charset=UTF-8"}
    (message,) = messages(metadata.description_renders(subject(fields)))
    assert message.startswith("The description failed to render for 'text/x-rst; charset=UTF-8'. (line 1: ")


@pytest.mark.parametrize("content_type", ["text/markdown", "text/plain"])
def test_markdown_and_plain_text_always_render(content_type: str) -> None:
    fields = {"description": "See `link`_.\n", "description_content_type": content_type}
    assert messages(metadata.description_renders(subject(fields))) == []


@pytest.mark.parametrize(
    ("member", "expected"),
    [
        (Member("/etc/passwd", 1), "Member '/etc/passwd' has an absolute path"),
        (Member("demo-1.0/../../x", 1), "Member 'demo-1.0/../../x' leads outside the archive (`..`)"),
        (Member("demo-1.0/dev", 0, special=True), "is a device, FIFO or other special file"),
        (Member("demo-1.0/link", 0, link="/etc/passwd"), "links to an absolute path ('/etc/passwd')"),
        (Member("demo-1.0/docs/link", 0, link="demo-1.0/docs/../README"), None),
        (Member("C:/Windows/evil.dll", 1), "Member 'C:/Windows/evil.dll' has an absolute path"),
        (Member("x:notes.txt", 1), None),  # a colon, not a drive
    ],
)
def test_unsafe_members(member: Member, expected: str | None) -> None:
    found = messages(hygiene.unsafe_members(subject(filename="demo-1.0.tar.gz", members=(member,))))
    if expected is None:
        assert found == []
    else:
        (message,) = found
        assert expected in message
        assert message.endswith("installers refuse to unpack it")


def test_a_backslash_in_a_file_name() -> None:
    found = list(hygiene.file_name_characters(subject(filename="demo-1.0-py3-none-any\\x.whl")))
    assert [(f.authority, f.message) for f in found] == [
        (Authority.PYPI, "Cannot upload a file with '/' or '\\' in the name.")
    ]


def test_an_unprintable_character_in_a_file_name() -> None:
    found = messages(hygiene.file_name_characters(subject(filename="demo-1.0-py3-none-any\x07.whl")))
    assert found[0].startswith("Cannot upload a file with non-printable characters")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (b"\xff\xfe[console_scripts]\n", "not UTF-8"),
        (b"console_scripts = x\n", "not a valid INI file: File contains no section headers."),
        (b"[console_scripts]\nDemo-Tool.x = demo:main\n", None),
    ],
)
def test_entry_points(text: bytes, expected: str | None) -> None:
    texts = {"demo-1.0.dist-info/entry_points.txt": text}
    found = messages(layout.wheel_entry_points(subject(texts=texts)))
    assert [m.split("(", 1)[1].rstrip(")") for m in found] == ([expected] if expected else [])


def test_an_sdist_whose_version_is_invalid_is_left_to_the_reading() -> None:
    assert list(names.sdist_file_name(subject({"version": "not a version"}, filename="demo-1.0.tar.gz"))) == []


def test_check_runs_every_rule_and_a_clean_file_has_no_finding() -> None:
    members = tuple(
        Member(name, 10) for name in ("demo/__init__.py", "demo-1.0.dist-info/METADATA", "demo-1.0.dist-info/WHEEL",
                                      "demo-1.0.dist-info/RECORD")
    )  # fmt: skip
    texts = {"demo-1.0.dist-info/RECORD": b"demo/__init__.py,,\n"}
    assert check(subject(members=members, texts=texts)) == []


def test_no_python_file_of_this_project_carries_a_needle_of_pypis_scanner() -> None:
    # PyPI scans the `.py` members of our own sdist and wheel with the rules `content` mirrors: spelled whole in a
    # rule or a test, a needle would make this project unpublishable there (tests/e2e/test_dogfood.py builds both).
    root = Path(__file__).parent.parent.parent
    sources = [path for path in root.rglob("*.py") if not path.relative_to(root).parts[0].startswith(".")]
    flagged = [str(path.relative_to(root)) for path in sources if refused_content(path.name, path.read_bytes())]
    assert sources
    assert flagged == []


@pytest.mark.parametrize(("name", "refused"), [("UNKNOWN", True), ("unknown-tools", False), ("Unknown", False)])
def test_a_name_warehouse_sanitises_away(name: str, refused: bool) -> None:  # noqa: FBT001
    found = list(names.name_unknown(subject({"name": name})))
    assert bool(found) is refused
    assert all(finding.authority is Authority.PYPI for finding in found)
