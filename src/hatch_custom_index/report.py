"""The reports of a run for machines: the JSON file (option `report`) and GitHub's step summary."""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING

from hatch_custom_index.outcome import summary

if TYPE_CHECKING:
    from pathlib import Path

    from hatch_custom_index.model import Outcome


def entries(outcomes: list[Outcome], index_url: str | None) -> list[dict[str, object]]:
    return [
        {
            "file": str(o.artifact.path),
            "project": o.artifact.project,
            "version": o.artifact.version,
            "sha256": o.artifact.digests.get("sha256_digest") or o.artifact.sha256,
            "size": o.artifact.size,
            "status": o.status.value,
            "attestation": o.artifact.attestation,
            "signed_by": o.artifact.signer,
            "index_url": index_url,
            "error": o.error,
        }
        for o in outcomes
    ]


def write_json(
    path: Path, outcomes: list[Outcome], index_url: str | None, error: str | None = None, *, dry_run: bool = False
) -> str | None:
    """The machine-readable report: `error` (why the run failed or stopped, else null), whether it was a dry run,
    `index_url`, and one entry per file. Returns why it could not be written, or None."""
    document = {"error": error, "dry_run": dry_run, "index_url": index_url, "files": entries(outcomes, index_url)}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    except OSError as e:
        return f"cannot write the report {path} (option `report`): {e.strerror or e}"
    return None


def write_step_summary(outcomes: list[Outcome], repository: str, seconds: float) -> None:
    """On GitHub Actions, a short table in the job's summary page."""
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return
    lines = [
        f"### Published to {repository}",
        "",
        "| file | status | sha256 | attestation |",
        "|---|---|---|---|",
        *(
            f"| `{o.artifact.name}` | {o.status} | `{(o.artifact.digests.get('sha256_digest') or '')[:16]}` | "
            f"{_attestation_cell(o)} |"
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


def _attestation_cell(outcome: Outcome) -> str:
    """`signed by <identity>` (the certificate's, a workflow or an email), `found` or `none`."""
    signer = outcome.artifact.signer
    return f"signed by `{signer.replace('`', '')}`" if signer else outcome.artifact.attestation


class JsonReport:
    """The report file of one run (option `report`): written once, with the outcomes known when the run ended and why
    it failed or stopped; a run that had no report path writes nothing."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.index_url: str | None = None
        self.outcomes: list[Outcome] = []
        self.dry_run = False
        self._written = False

    def write(self, error: str | None = None) -> str | None:
        """Why it could not be written, or None."""
        if self.path is None or self._written:
            return None
        self._written = True
        return write_json(self.path, self.outcomes, self.index_url, error, dry_run=self.dry_run)
