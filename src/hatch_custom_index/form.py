"""The upload form's metadata: packaging's raw fields in Warehouse's names, only those Warehouse reads (the file's
Metadata-Version's, none that its sanitising would delete), multi-use fields as repeated entries."""

from __future__ import annotations

from typing import TypeAlias

from packaging.metadata import Metadata
from packaging.version import Version

from hatch_custom_index.rules.subject import UNKNOWN

# A core-metadata field's value as packaging's `parse_email` gives it: text, a multi-use field's list, or the labelled
# URLs of `Project-URL`.
RawValue: TypeAlias = str | list[str] | dict[str, str]
Fields: TypeAlias = dict[str, RawValue]  # field name (packaging's raw name) -> value

# RawMetadata keys whose form field is singular although the field may repeat (Warehouse's names).
SINGULAR_FORM_KEYS = {
    "platforms": "platform",
    "supported_platforms": "supported_platform",
    "license_files": "license_file",
    "import_names": "import_name",
    "import_namespaces": "import_namespace",
}

# Fields the form always carries, whatever their value: they name the file, and every index needs them (a name of
# UNKNOWN, which Warehouse would delete, is a rule of its own: `rules.names.name_unknown`).
IDENTITY_FIELDS = frozenset({"metadata_version", "name", "version"})


def metadata_form_fields(metadata: Fields) -> list[tuple[str, str]]:
    """Map packaging's raw metadata to Warehouse's form: repeated parts for multi-use fields; only `sendable` ones."""
    sent = sendable(metadata)
    fields = [entry for key, value in sent.items() for entry in form_entries(key, value)]
    if "requires_python" not in sent:
        fields.append(("requires_python", ""))  # GitLab requires the field; Warehouse ignores it empty
    return fields


def form_entries(key: str, value: RawValue) -> list[tuple[str, str]]:
    """One raw metadata field as the form's entries, in Warehouse's names: one per item of a multi-use field, the
    keywords as one comma-joined entry, each project URL as `label, URL`."""
    if isinstance(value, dict):
        return [(key, f"{label}, {url}") for label, url in value.items()]
    if key == "keywords" and isinstance(value, list):
        return [("keywords", ", ".join(value))]
    if isinstance(value, list):
        return [(SINGULAR_FORM_KEYS.get(key, key), item) for item in value]
    return [(key, value)]


def sendable(metadata: Fields) -> Fields:
    """The fields the form sends, which the rules check: those of the file's Metadata-Version that Warehouse reads.

    A field newer than the Metadata-Version is left out, as twine does, since PyPI refuses it (setuptools 56-76 writes
    `License-File` in Metadata 2.1, which PyPI answers with 400 "license-file introduced in metadata version 2.4, not
    2.1"); so is a field Warehouse would drop unread (`read_by_warehouse`)."""
    declared = Version(str(metadata.get("metadata_version", "1.0")))
    return {
        key: value
        for key, value in metadata.items()
        if Version(introduced_in(key)) <= declared and (key in IDENTITY_FIELDS or read_by_warehouse(key, value))
    }


def read_by_warehouse(key: str, value: RawValue) -> bool:
    """Whether Warehouse reads the field at all. Its `sanitize` (`forklift/decorators.py`) first deletes each form key
    whose value strips to `UNKNOWN` (distutils' placeholder): for a repeated key, the last value decides (WebOb's
    `MultiDict.get`) and every value goes; then `parse_form_metadata` (`forklift/metadata.py`) skips a key whose only
    value is empty."""
    values = [entry for _, entry in form_entries(key, value)]
    return bool(values) and values != [""] and values[-1].strip() != UNKNOWN


def introduced_in(key: str) -> str:
    """The Metadata-Version that introduced the raw field `key`, as packaging (which Warehouse validates with) knows
    it; `1.0` for a field packaging does not describe."""
    return str(getattr(vars(Metadata).get(key), "added", "1.0"))  # its field descriptors say when
