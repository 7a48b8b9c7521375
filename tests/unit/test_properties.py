"""Arbitrary input to the parsers gives a value or the plugin's own error, never another exception."""

from __future__ import annotations

import string
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hatch_custom_index.artifacts import parse_metadata
from hatch_custom_index.errors import PublishError
from hatch_custom_index.form import metadata_form_fields
from hatch_custom_index.pypirc import load_pypirc
from hatch_custom_index.repositories import select_repository
from hatch_custom_index.settings import HATCH, PROJECT, parse_cli, parse_config, parse_env

KEYS = st.sampled_from(
    ["repo", "user", "auth", "ca-cert", "ca_cert", "timeout", "retries", "skip-existing", "keyring", "url", "repos",
     "simple-url", "pypirc", "allow-insecure-http", "disable", "colour", ""]
)  # fmt: skip
TOML_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS | st.text(max_size=8), inner, max_size=4),
    max_leaves=10,
)
CONFIGS = st.dictionaries(KEYS, TOML_VALUES, max_size=6)


@given(cli=st.dictionaries(KEYS | st.text(max_size=10), st.text(max_size=20) | st.booleans(), max_size=5),
       env=st.dictionaries(st.sampled_from(["HATCH_INDEX_REPO", "HATCH_INDEX_USER", "HATCH_INDEX_AUTH",
                                            "HATCH_INDEX_CA_CERT", "OTHER"]), st.text(max_size=20), max_size=3),
       project=CONFIGS, hatch=CONFIGS)  # fmt: skip
@settings(max_examples=300, deadline=None)
def test_settings_and_repositories_give_a_value_or_a_publish_error(cli, env, project, hatch):
    try:
        repository = select_repository(
            parse_cli(cli),
            parse_env(env),
            parse_config(project, "project", PROJECT),
            parse_config(hatch, "hatch", HATCH),
        )
    except PublishError as e:
        error = str(e)
    else:
        error = None
        assert repository.url.startswith(("http://", "https://"))
    assert error is None or error


PYPIRC_TEXT = st.text(alphabet=string.printable + "é%[]=:\x00\xff", max_size=300) | st.lists(
    st.sampled_from(["[distutils]", "index-servers =", "  pypi", "  corp", "[pypi]", "[corp]", "[corp",
                     "username = u", "password = p%(x)s", "repository = https://x/", "repository: ftp://y",
                     "  continued", "= v", "key", ""]), max_size=12
).map("\n".join)  # fmt: skip


@given(content=PYPIRC_TEXT.map(str.encode) | st.binary(max_size=200))
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_pypirc_gives_entries_or_a_publish_error(tmp_path: Path, content: bytes):
    path = tmp_path / ".pypirc"
    path.write_bytes(content)
    try:
        loaded = load_pypirc(path)
    except PublishError as e:
        error = str(e)
    else:
        error = None
        assert loaded is not None
        for name in ("main", "test", "corp", None):
            loaded.find(name, "https://x/")
    assert error is None or str(path) in error


HEADERS = st.sampled_from(
    ["Metadata-Version", "Name", "Version", "Summary", "Classifier", "Requires-Dist", "Project-URL", "Keywords",
     "Import-Name", "Import-Namespace", "Platform", "License-File", "Dynamic", "Description", "X-Unknown"]
)  # fmt: skip
METADATA = st.lists(st.tuples(HEADERS, st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=30)),
                    max_size=15)  # fmt: skip


@given(lines=METADATA, version=st.sampled_from(["1.0", "2.1", "2.4", "2.5", "2.6", "3", ""]))
@settings(max_examples=300, deadline=None)
def test_metadata_gives_form_fields_or_a_publish_error(lines, version):
    text = f"Metadata-Version: {version}\n" + "".join(f"{key}: {value}\n" for key, value in lines)
    try:
        metadata = parse_metadata(text.encode("utf-8", "surrogatepass"), Path("x.whl"))
    except PublishError as e:
        error = str(e)
    else:
        error = None
        for key, value in metadata_form_fields(metadata):
            assert isinstance(key, str)
            assert isinstance(value, str)
    assert error is None or "x.whl" in error
