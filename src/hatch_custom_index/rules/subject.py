"""One file as the rules see it, and what they find."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from functools import cached_property
from typing import TYPE_CHECKING, Literal, cast, overload

from packaging.metadata import Metadata

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

    from packaging.metadata import RawMetadata
    from packaging.requirements import Requirement
    from packaging.specifiers import SpecifierSet
    from packaging.version import Version

    from hatch_custom_index.archive import Contents

# packaging's `Metadata` fields that hold a list of text
ListField = Literal[
    "dynamic",
    "platforms",
    "supported_platforms",
    "keywords",
    "license_files",
    "requires_external",
    "provides_extra",
    "provides_dist",
    "obsoletes_dist",
    "import_names",
    "import_namespaces",
    "requires",
    "provides",
    "obsoletes",
    "classifiers",
]

# packaging's `Metadata` fields that hold one text
TextField = Literal[
    "metadata_version",
    "name",
    "summary",
    "description",
    "description_content_type",
    "home_page",
    "download_url",
    "author",
    "author_email",
    "maintainer",
    "maintainer_email",
    "license",
    "license_expression",
]

UNKNOWN = "UNKNOWN"  # what distutils wrote for a field it was not given; Warehouse's `sanitize` deletes such a field


class Authority(Enum):
    """Whose rule a finding breaks."""

    STANDARDS = "the packaging standards"  # every index: broken archives, invalid metadata, names that contradict it
    PYPI = "PyPI"  # PyPI's own policy, which private indexes need not share


@dataclass(frozen=True)
class Finding:
    """One problem of one file: `label` in a few words (for a short note), `message` in PyPI's wording."""

    authority: Authority
    label: str
    message: str
    warning: bool = False  # worth saying, never a reason to refuse (the index may allow it)


@dataclass
class Subject:
    """One file as the rules see it: its name, its kind, its archive, and the metadata fields its form sends."""

    path: Path
    filetype: str  # "sdist" or "bdist_wheel"
    contents: Contents
    # packaging's raw metadata as sent, which is what Warehouse reads: fields newer than the Metadata-Version, UNKNOWN
    # and empty ones left out (`form.sendable`)
    fields: Mapping[str, str | list[str] | dict[str, str]]  # form.RawValue (rules sit below form)
    metadata_member: str  # where the metadata was found, e.g. `demo-1.0.dist-info/METADATA`

    @property
    def filename(self) -> str:
        return self.path.name

    @property
    def is_wheel(self) -> bool:
        return self.filetype == "bdist_wheel"

    @cached_property
    def metadata(self) -> Metadata:
        """The metadata, validated field by field as it is read (`field` returns None for an invalid one)."""
        return Metadata.from_raw(cast("RawMetadata", dict(self.fields)), validate=False)

    @overload
    def field(self, name: Literal["version"]) -> Version | None: ...
    @overload
    def field(self, name: Literal["requires_python"]) -> SpecifierSet | None: ...
    @overload
    def field(self, name: Literal["requires_dist"]) -> list[Requirement] | None: ...
    @overload
    def field(self, name: Literal["project_urls"]) -> dict[str, str] | None: ...
    @overload
    def field(self, name: ListField) -> list[str] | None: ...
    @overload
    def field(self, name: TextField) -> str | None: ...

    def field(self, name: str) -> object:
        """A metadata field's validated value, None when absent or invalid (the standards' rule reports that); its
        type is packaging's for that field."""
        try:
            return getattr(self.metadata, name)
        except Exception:  # noqa: BLE001 -- packaging raises InvalidMetadata, or what a bad value makes it raise
            return None
