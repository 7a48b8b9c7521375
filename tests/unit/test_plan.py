"""The plan: upload, skip or refuse each file, decided from the batch and what the index holds (pure)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from hatch_custom_index.artifacts import Artifact
from hatch_custom_index.model import Status
from hatch_custom_index.plan import make_plan, sends_attestations, several_versions, unreadable_index, upload_jobs
from hatch_custom_index.settings import AttestationsMode

SHA_A, SHA_B = "a" * 64, "b" * 64
URLS = {"demo": "https://pkgs.example/simple/demo/"}


def artifact(name: str, sha256: str = SHA_A) -> Artifact:
    return Artifact(Path("dist", name), "bdist_wheel", "py3", "demo", "1.0", {}, 52_341, {"sha256_digest": sha256})


def plan(held: dict[str, str | None], *files: Artifact, skip_existing: bool = True, public: bool = False):
    return make_plan(
        list(files),
        {"demo": held},
        URLS,
        skip_existing=skip_existing,
        skip_existing_source="the default",
        public=public,
    )


def test_what_the_index_lacks_is_uploaded_what_it_holds_is_skipped() -> None:
    new, there, unhashed = artifact("new.whl"), artifact("there.whl"), artifact("unhashed.whl")

    result = plan({"there.whl": SHA_A, "unhashed.whl": None}, new, there, unhashed)

    assert result.to_upload == [new, unhashed]  # listed without a sha256: the upload and its re-check decide
    assert result.refusals == []
    assert [step.status for step in result.steps] == [Status.WOULD_UPLOAD, Status.EXISTS, Status.WOULD_UPLOAD]


def test_a_different_file_of_the_same_name_is_refused_with_the_reason() -> None:
    changed = artifact("demo.whl", SHA_B)

    result = plan({"demo.whl": SHA_A}, changed, artifact("other.whl"))

    assert result.refusals == [
        "demo.whl: the index already holds a different file of that name (https://pkgs.example/simple/demo/); this "
        "index may replace it if you are allowed to, but a release should not change under its users: release a new "
        "version"
    ]
    assert [o.status for o in result.outcomes()] == [Status.REFUSED, Status.NOT_ATTEMPTED]
    assert result.refused_message().startswith("Nothing was uploaded:\n  - demo.whl: the index already holds")
    assert result.refused_message(dry_run=True).startswith("A real run would upload nothing: demo.whl")


def test_pypi_is_said_never_to_replace_a_file() -> None:
    result = plan({"demo.whl": SHA_A}, artifact("demo.whl", SHA_B), public=True)

    assert result.refusals[0].endswith("; PyPI never replaces a file: release a new version")


def test_skip_existing_off_refuses_a_file_already_there() -> None:
    result = plan({"demo.whl": SHA_A}, artifact("demo.whl"), skip_existing=False)

    assert result.refusals == ["demo.whl is already on the index (the default is false)"]


def test_the_dry_run_preview_says_what_a_real_run_would_do() -> None:
    new, there, changed = artifact("new.whl"), artifact("there.whl"), artifact("changed.whl", SHA_B)

    result = plan({"there.whl": SHA_A, "changed.whl": SHA_A}, new, there, changed)

    lines = [line for _, line in result.preview()]
    assert lines[0] == "would upload (52.3 kB)"
    assert lines[1] == "already exists (skipped)"
    assert lines[2].startswith("refused (changed.whl: the index already holds a different file")
    assert [o.status for o in result.outcomes(dry_run=True)] == [Status.WOULD_UPLOAD, Status.EXISTS, Status.REFUSED]


def test_several_versions_of_a_project_are_named_in_the_batch_s_order() -> None:
    def of(project: str, version: str) -> Artifact:
        return replace(artifact(f"{project}-{version}.whl"), project=project, version=version)

    batch = [of("demo", "1.1"), of("demo", "1.0"), of("demo", "1.1"), of("other", "2.0")]
    assert several_versions(batch) == {"demo": ["1.1", "1.0"]}
    assert several_versions(batch[:1]) == {}


def test_an_index_refusing_the_credentials_is_told_apart_from_missing_read_access() -> None:
    refused = unreadable_index("could not check URL: 401 Unauthorized", credentials_refused=True)
    missing = unreadable_index("could not check URL: 403 Forbidden", credentials_refused=False)
    assert "the index refused the credentials it asked for to read its files; check the password" in refused
    assert "read access" not in refused
    assert "Give the credentials read access to the index" in missing


def test_devpi_gets_one_upload_at_a_time_unless_jobs_was_given() -> None:
    assert upload_jobs(8, is_devpi=True, jobs_given=False) == 1
    assert upload_jobs(4, is_devpi=True, jobs_given=True) == 4
    assert upload_jobs(8, is_devpi=False, jobs_given=False) == 8


def test_attestations_go_always_with_true_with_trusted_publishing_under_auto_never_with_false() -> None:
    assert sends_attestations(AttestationsMode.ALWAYS, trusted_publishing=False)
    assert sends_attestations(AttestationsMode.AUTO, trusted_publishing=True)
    assert not sends_attestations(AttestationsMode.AUTO, trusted_publishing=False)
    assert not sends_attestations(AttestationsMode.NEVER, trusted_publishing=True)
