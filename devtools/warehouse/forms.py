"""The upload form as Warehouse reads it: multipart parsing, and the metadata checks of `parse_form_metadata`
(`warehouse/forklift/metadata.py`) once `sanitize` has deleted the fields whose value is UNKNOWN: packaging's
`Metadata.from_raw`, the first error otherwise (e.g. "license-file introduced in metadata version 2.4, not 2.1")."""

from __future__ import annotations

from email.parser import BytesParser
from email.policy import HTTP

from packaging.metadata import (
    _LIST_FIELDS,
    _RAW_TO_EMAIL_MAPPING,
    _STRING_FIELDS,
    ExceptionGroup,
    Metadata,
    _parse_keywords,
    _parse_project_urls,
)


def parse_form(content_type: str, body: bytes) -> tuple[dict[str, list[str]], str, bytes]:
    message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + body)
    fields: dict[str, list[str]] = {}
    filename, content = "", b""
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True) or b""
        if part.get_filename() is not None:
            filename, content = part.get_filename(), payload
        else:
            fields.setdefault(name, []).append(payload.decode())
    return fields, filename, content


# Warehouse's form names for packaging's raw fields: singular names for the multiple-use ones.
_SINGULAR = {
    "platforms": "platform",
    "supported_platforms": "supported_platform",
    "license_files": "license_file",
    "import_names": "import_name",
    "import_namespaces": "import_namespace",
}
_WAREHOUSE_METADATA_VERSIONS = frozenset({"1.0", "1.1", "1.2", "2.1", "2.2", "2.3", "2.4", "2.5"})
_FORM_TO_RAW = {_SINGULAR.get(key, key): key for key in _RAW_TO_EMAIL_MAPPING}


def sanitized(fields: dict[str, list[str]]) -> dict[str, list[str]]:
    """Warehouse's `sanitize` (`forklift/decorators.py`): a key whose value (the last one, as WebOb's `MultiDict.get`
    returns it) strips to UNKNOWN is deleted, every value of it."""
    return {name: values for name, values in fields.items() if not values or values[-1].strip() != "UNKNOWN"}


def form_metadata_problem(fields: dict[str, list[str]]) -> str | None:
    """The first reason Warehouse's `parse_form_metadata` would refuse the form's metadata once sanitised, or None."""
    raw: dict[str, object] = {}
    for name, values in sanitized(fields).items():
        key = _FORM_TO_RAW.get(name)
        if key is None or values == [""]:
            continue
        if key in _STRING_FIELDS and len(values) == 1:
            raw[key] = values[0]
        elif key in _LIST_FIELDS:
            raw[key] = values
        elif key == "keywords" and len(values) == 1:
            raw[key] = _parse_keywords(values[0])
        elif key == "project_urls":
            raw[key] = _parse_project_urls(values)
        else:
            return f"{name!r} has invalid data."
    if raw.get("metadata_version") not in _WAREHOUSE_METADATA_VERSIONS:
        return f"{raw.get('metadata_version')!r} is not a valid metadata version."
    try:
        Metadata.from_raw(raw, validate=True)  # type: ignore[arg-type]
    except ExceptionGroup as group:
        first = str(group.exceptions[0])
        return first if first.endswith(".") else first + "."
    return None
