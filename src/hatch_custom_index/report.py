"""What happened to each file: the outcome type, the closing summary, the JSON report and GitHub's step summary."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from hatch_custom_index.errors import PublishError

if TYPE_CHECKING:
    from pathlib import Path

    from hatch_custom_index.artifacts import Artifact

# Outcomes.
UPLOADED = "success"
EXISTS = "already exists"
FAILED = "failed"
REFUSED = "refused"  # stopped by the plan: a different file of that name on the index, or skip-existing off
INTERRUPTED = "interrupted"
NOT_ATTEMPTED = "not attempted"
WOULD_UPLOAD = "would upload"  # a dry run's plan
ON_INDEX = frozenset({UPLOADED, EXISTS})


@dataclass
class Outcome:
    artifact: Artifact
    status: str
    error: str | None = None
    seconds: float = 0.0


def summary(outcomes: list[Outcome], seconds: float) -> str:
    """`2 uploaded (4.1 MB), 1 already there, 0 failed, in 1.3 s`."""
    uploaded = [o for o in outcomes if o.status == UPLOADED]
    there = sum(1 for o in outcomes if o.status == EXISTS)
    missing = sum(1 for o in outcomes if o.status not in ON_INDEX and o.status != WOULD_UPLOAD)
    size = sum(o.artifact.size for o in uploaded)
    return (
        f"{len(uploaded)} uploaded ({size / 1_000_000:.1f} MB), {there} already there, {missing} not on the index, "
        f"in {seconds:.1f} s"
    )


def entries(outcomes: list[Outcome], index_url: str) -> list[dict[str, object]]:
    return [
        {
            "file": str(o.artifact.path),
            "project": o.artifact.project,
            "version": o.artifact.version,
            "sha256": o.artifact.digests.get("sha256_digest") or o.artifact.sha256,
            "size": o.artifact.size,
            "status": o.status,
            "index_url": index_url,
            "error": o.error,
        }
        for o in outcomes
    ]


def write_json(path: Path, outcomes: list[Outcome], index_url: str) -> None:
    """The machine-readable report, one entry per file; a path that cannot be written is an error naming it."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"files": entries(outcomes, index_url)}, indent=2) + "\n", encoding="utf-8")
    except OSError as e:
        message = f"cannot write the report {path} (option `report`): {e.strerror or e}"
        raise PublishError(message) from None


def write_step_summary(outcomes: list[Outcome], repository: str, seconds: float) -> None:
    """On GitHub Actions, a short table in the job's summary page."""
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return
    lines = [
        f"### Published to {repository}",
        "",
        "| file | status | sha256 |",
        "|---|---|---|",
        *(
            f"| `{o.artifact.name}` | {o.status} | `{(o.artifact.digests.get('sha256_digest') or '')[:16]}` |"
            for o in outcomes
        ),
        "",
        summary(outcomes, seconds),
        "",
    ]
    try:
        with open(target, "a", encoding="utf-8") as stream:
            stream.write("\n".join(lines) + "\n")
    except OSError:  # the summary is a courtesy; the publish itself is done
        pass
