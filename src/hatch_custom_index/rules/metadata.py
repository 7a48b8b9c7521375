"""The metadata as PyPI validates the form it is sent in: packaging's validation (the standards), then Warehouse's
additions (`_validate_metadata` in `warehouse/forklift/metadata.py`) and the description's rendering."""

from __future__ import annotations

import email.message
import email.utils
import functools
import io
import re
from typing import TYPE_CHECKING, cast

from packaging.metadata import ExceptionGroup, InvalidMetadata, Metadata
from packaging.requirements import InvalidRequirement, Requirement
from trove_classifiers import all_classifiers, deprecated_classifiers

from hatch_custom_index.rules.subject import Authority, Finding, Subject, TextField

if TYPE_CHECKING:
    from collections.abc import Iterator

    from packaging.metadata import RawMetadata

PYPI, STANDARDS = Authority.PYPI, Authority.STANDARDS
CORE_METADATA_HELP = "See https://packaging.python.org/specifications/core-metadata for more information."
DOCUTILS_PROBLEM = re.compile(r"<string>:(?P<line>\d+): \(\w+/\d\) (?P<text>.*)")
PYPI_METADATA_VERSIONS = frozenset({"1.0", "1.1", "1.2", "2.1", "2.2", "2.3", "2.4", "2.5"})
SUMMARY_LIMIT = 512
PROJECT_URL_LABEL_LIMIT = 32
# Warehouse's `DYNAMIC_FIELDS`, lowercased: what PEP 643 (and PEP 794) let a build backend leave dynamic.
DYNAMIC_FIELDS = frozenset({
    "platform", "supported-platform", "summary", "description", "description-content-type", "keywords", "home-page",
    "download-url", "author", "author-email", "maintainer", "maintainer-email", "license", "license-expression",
    "license-file", "classifier", "requires-dist", "requires-python", "requires-external", "project-url",
    "provides-extra", "provides-dist", "obsoletes-dist", "requires", "provides", "obsoletes", "import-name",
    "import-namespace",
})  # fmt: skip
EMAIL_FIELDS: dict[TextField, str] = {"author_email": "author-email", "maintainer_email": "maintainer-email"}
URL_FIELDS: dict[TextField, str] = {"home_page": "home-page", "download_url": "download-url"}
DIST_FIELDS = {"provides_dist": "provides-dist", "obsoletes_dist": "obsoletes-dist"}


def valid_metadata(subject: Subject) -> Iterator[Finding]:
    """packaging's `Metadata.from_raw` with validation, which Warehouse's `parse_form_metadata` ends with."""
    try:
        Metadata.from_raw(cast("RawMetadata", dict(subject.fields)), validate=True)
    except ExceptionGroup as group:
        for error in _leaves(group):
            yield Finding(STANDARDS, f"invalid {error.field}", f"{_sentence(str(error))} {CORE_METADATA_HELP}")


def _leaves(group: BaseException) -> Iterator[InvalidMetadata]:
    for error in getattr(group, "exceptions", ()):
        if isinstance(error, InvalidMetadata):
            yield error
        else:
            yield from _leaves(error)


def _sentence(text: str) -> str:
    return text if text.endswith(".") else text + "."


def metadata_version(subject: Subject) -> Iterator[Finding]:
    """Warehouse's `SUPPORTED_METADATA_VERSIONS`: the versions PyPI has implemented, which may trail packaging's."""
    version = subject.fields.get("metadata_version")
    if version not in PYPI_METADATA_VERSIONS:
        yield Finding(
            PYPI,
            f"Metadata-Version {version}",
            f"{version!r} is not a valid metadata version (PyPI takes {', '.join(sorted(PYPI_METADATA_VERSIONS))}).",
        )


def local_version(subject: Subject) -> Iterator[Finding]:
    """Warehouse: no local versions on PyPI."""
    version = subject.field("version")
    if version is not None and version.local:
        yield Finding(
            PYPI,
            "local version",
            f"The use of local versions in '{version}' is not allowed. See https://packaging.python.org/en/latest/"
            "specifications/version-specifiers/#local-version-identifiers for more information.",
        )


def summary_length(subject: Subject) -> Iterator[Finding]:
    """Warehouse's `_LENGTH_LIMITS`."""
    summary = subject.field("summary")
    if isinstance(summary, str) and len(summary) > SUMMARY_LIMIT:
        yield Finding(PYPI, "summary too long", f"'summary' field must be {SUMMARY_LIMIT} characters or less.")


def email_addresses(subject: Subject) -> Iterator[Finding]:
    """Warehouse: the address of Author-email and Maintainer-email valid (email-validator, no deliverability)."""
    for name, label in EMAIL_FIELDS.items():
        value = subject.field(name)
        if not value:
            continue
        if len(email.utils.getaddresses([value])) != 1:
            continue  # several addresses: Warehouse's `parseaddr` takes none of them, so checks nothing
        _, address = email.utils.parseaddr(value)
        problem = _email_problem(address) if address else None
        if problem:
            yield Finding(PYPI, f"invalid {label}", f"{address!r} is not a valid email address: {problem}")


def _email_problem(address: str) -> str | None:
    import email_validator  # noqa: PLC0415 -- loaded only when an address is checked

    try:
        email_validator.validate_email(address, check_deliverability=False)
    except email_validator.EmailNotValidError as e:
        return str(e)
    return None


def classifiers(subject: Subject) -> Iterator[Finding]:
    """Warehouse: classifiers PyPI knows (trove-classifiers is its list), none deprecated."""
    given = set(subject.field("classifiers") or ())
    for classifier in sorted(given - set(all_classifiers)):
        yield Finding(PYPI, "unknown classifier", f"{classifier!r} is not a valid classifier.")
    for classifier in sorted(given & deprecated_classifiers.keys()):
        instead = deprecated_classifiers[classifier]
        hint = f", use one of {instead} instead" if instead else ""
        yield Finding(PYPI, "deprecated classifier", f"The classifier {classifier!r} has been deprecated{hint}.")


def urls(subject: Subject) -> Iterator[Finding]:
    """Warehouse: Home-page, Download-URL and each Project-URL an http(s) URL; labels of up to 32 characters."""
    for name, label in URL_FIELDS.items():
        url = subject.field(name)
        if url is not None and not is_valid_url(url):
            yield Finding(PYPI, f"invalid {label}", f"{url!r} is not a valid url.")
    for label, url in (subject.field("project_urls") or {}).items():
        if not label:
            yield Finding(PYPI, "Project-URL without a label", "Project-URL: Must have a label")
        elif len(label) > PROJECT_URL_LABEL_LIMIT:
            yield Finding(
                PYPI, "Project-URL label too long", f"{label!r} must be {PROJECT_URL_LABEL_LIMIT} characters or less."
            )
        elif not url:
            yield Finding(PYPI, "Project-URL without a URL", f"Project-URL {label!r}: Must have a URL")
        elif not is_valid_url(url):
            yield Finding(PYPI, "invalid Project-URL", f"{url!r} is not a valid url")


def is_valid_url(url: str) -> bool:
    """Warehouse's `is_valid_uri(url, require_authority=False)`: rfc3986, scheme http or https."""
    from rfc3986 import (  # type: ignore[import-untyped]  # noqa: PLC0415 -- ships no types
        exceptions,
        uri_reference,
        validators,
    )

    validator = validators.Validator().allow_schemes("http", "https").require_presence_of("scheme")
    validator = validator.check_validity_of("scheme", "host", "port", "path", "query")
    try:
        validator.validate(uri_reference(url).normalize())
    except exceptions.ValidationError:
        return False
    return True


def direct_references(subject: Subject) -> Iterator[Finding]:
    """Warehouse: Provides-Dist and Obsoletes-Dist valid requirements; no URL in them nor in Requires-Dist."""
    for name, label in DIST_FIELDS.items():
        for text in subject.fields.get(name) or ():
            try:
                requirement = Requirement(text)
            except InvalidRequirement as e:
                yield Finding(PYPI, f"invalid {label}", f"{label}: {text!r} is invalid: {e}")
                continue
            if requirement.url is not None:
                yield Finding(PYPI, "direct URL dependency", f"{label}: Can't have direct dependency: {text!r}")
    for requirement in subject.field("requires_dist") or ():
        if requirement.url is not None:
            yield Finding(PYPI, "direct URL dependency", f"requires-dist: Can't have direct dependency: {requirement}")


def dynamic_fields(subject: Subject) -> Iterator[Finding]:
    """Warehouse's `DYNAMIC_FIELDS`."""
    for key in subject.field("dynamic") or ():
        if key not in DYNAMIC_FIELDS:
            yield Finding(PYPI, "invalid Dynamic", f"Dynamic field {key!r} is not a valid dynamic field.")


def license_and_expression(subject: Subject) -> Iterator[Finding]:
    """Warehouse (PEP 639): License and License-Expression are exclusive."""
    if subject.field("license") and subject.field("license_expression"):
        yield Finding(
            PYPI,
            "License with License-Expression",
            "License is deprecated when License-Expression is present. Only License-Expression should be present.",
        )


def description_renders(subject: Subject) -> Iterator[Finding]:
    """Warehouse's `readme.render` in `file_upload`: a reStructuredText description (the default) must render;
    Markdown and plain text always do."""
    description = subject.fields.get("description")
    content_type = subject.field("description_content_type")
    if not isinstance(description, str) or not description or _content_type(content_type) != "text/x-rst":
        return
    problem = rst_problem(description)
    if problem is not None:
        message = (
            f"The description failed to render for '{content_type}'."
            if content_type
            else "The description failed to render in the default format of reStructuredText."
        )
        hint = "See https://pypi.org/help/#description-content-type for more information."
        yield Finding(PYPI, "description does not render", f"{message}{problem} {hint}")


@functools.lru_cache(maxsize=8)
def rst_problem(description: str) -> str | None:
    """None when the reStructuredText renders, else docutils' first complaint (` (line 3: ...)`, or empty). Rendered
    once per text: a release's files share their description."""
    from readme_renderer.rst import render  # noqa: PLC0415 -- docutils is loaded only for an rst description

    warnings = io.StringIO()
    if render(description, stream=warnings) is not None:
        return None
    return _first_problem(warnings.getvalue())


def _first_problem(report: str) -> str:
    """docutils' first complaint, `<string>:3: (ERROR/3) Unknown target name: "link".`, as ` (line 3: ...)`."""
    for line in report.splitlines():
        found = DOCUTILS_PROBLEM.match(line)
        if found:
            return f" (line {found['line']}: {found['text']})"
    return ""


def _content_type(value: str | None) -> str:
    if not value:
        return "text/x-rst"
    message = email.message.EmailMessage()
    message["content-type"] = value
    return message.get_content_type()


# Rules whose cost (docutils, about 0.2 s to load) is paid only where PyPI's rules refuse.
COSTLY = frozenset({description_renders})
RULES = (
    valid_metadata,
    metadata_version,
    local_version,
    summary_length,
    email_addresses,
    classifiers,
    urls,
    direct_references,
    dynamic_fields,
    license_and_expression,
    description_renders,
)
