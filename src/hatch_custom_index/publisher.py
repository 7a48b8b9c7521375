"""The `custom-index` publisher: wires settings, repository, plan, credentials and uploads; the only user of `app`."""

from __future__ import annotations

import os
import sys
import threading
import time
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hatch.publish.plugin.interface import PublisherInterface

from hatch_custom_index.errors import INTERRUPTED, PublishError, redact_url
from hatch_custom_index.report import (
    EXISTS,
    FAILED,
    NOT_ATTEMPTED,
    ON_INDEX,
    REFUSED,
    UPLOADED,
    WOULD_UPLOAD,
    Outcome,
)
from hatch_custom_index.report import INTERRUPTED as INTERRUPTED_UPLOAD
from hatch_custom_index.settings import HATCH, PLUGIN_NAME, PROJECT

if TYPE_CHECKING:
    from collections.abc import Callable

    from hatch_custom_index.artifacts import Artifact
    from hatch_custom_index.credentials import CredentialChain
    from hatch_custom_index.index import Credentials, IndexClient
    from hatch_custom_index.pypirc import Pypirc
    from hatch_custom_index.repositories import Repository
    from hatch_custom_index.settings import Layer


class CustomIndexPublisher(PublisherInterface):
    """Publish wheels and sdists to any PyPI-compatible index."""

    PLUGIN_NAME = PLUGIN_NAME

    def publish(self, artifacts: list[str], options: dict[str, Any]) -> None:
        from hatch_custom_index.report import JsonReport
        from hatch_custom_index.settings import report_option

        given = report_option(options, self.project_config, self.plugin_config)
        self._report = JsonReport(Path(self.root, given) if given else None)
        try:
            self._publish(artifacts, options)
        except PublishError as e:
            self._abort(str(e), e.code)
        except KeyboardInterrupt:
            self._abort("Interrupted before any upload; nothing was uploaded", INTERRUPTED)
        problem = self._report.write()
        if problem:
            self.app.abort(problem)

    def _abort(self, message: str, code: int) -> None:
        """Stop with `message`; the JSON report says why (so a stale one is never taken for this run's)."""
        problem = self._report.write(error=message)
        self.app.abort(f"{message}\n{problem}" if problem else message, code=code)

    def _publish(self, paths: list[str], options: dict[str, Any]) -> None:
        from hatch_custom_index.artifacts import find_artifacts, read_batch
        from hatch_custom_index.hatch_flags import merge_command_line, read_flags
        from hatch_custom_index.index import IndexClient
        from hatch_custom_index.repositories import select_repository
        from hatch_custom_index.settings import (
            HATCH_INDEX_PUBLISHER,
            parse_cli,
            parse_config,
            parse_env,
            parse_hatch_index_config,
        )
        from hatch_custom_index.transport import require_safe_transport

        cli, env = merge_command_line(read_flags(), parse_cli(options)), parse_env(os.environ)
        project = parse_config(self.project_config, "project config", PROJECT)
        hatch = parse_config(self.plugin_config, self._hatch_config_label(), HATCH)
        hatch_index = parse_hatch_index_config(
            self.app.config.publish.get(HATCH_INDEX_PUBLISHER, {}), self._hatch_config_label()
        )
        pypirc = _load_pypirc(cli, hatch)
        repository = select_repository(
            cli, env, project, hatch, pypirc.urls() if pypirc else None, hatch_index=hatch_index
        )
        root = Path(self.root)
        report = repository.get("report")
        self._report.path, self._report.index_url = (root / report if report else None), redact_url(repository.url)
        require_safe_transport(repository)
        passed_over: list[Path] = []
        batch = read_batch(
            find_artifacts(paths, root, passed_over), attestations=repository.get("attestations") != "false"
        )
        self._report.outcomes = [Outcome(artifact, NOT_ATTEMPTED) for artifact in batch]
        for path in passed_over:
            self.app.display_info(f"Passing over {_display_path(path, root)}: not a wheel or source distribution")
        url = redact_url(repository.url)
        self.app.display_info(f"Publishing to {repository.name} ({url})" if repository.name else f"Publishing to {url}")
        self.app.display_debug(
            f"Upload URL {url} ({repository.origin}), simple API {redact_url(repository.simple_url)}"
        )
        for ignored in hatch_index.ignored:
            self.app.display_debug(
                f"Not read: {ignored} (Hatch's `index` publisher's table; this plugin reads its "
                f"`repo`, `user`, `auth`, `ca-cert`, `client-cert`, `client-key` and `repos`)"
            )
        for name, value in repository.settings.items():
            if name not in {"user", "auth"}:
                self.app.display_debug(f"{name} = {value.value!r} ({value.source})")

        client = IndexClient(repository, notify=self._warn, debug=self._debug, verbosity=self.app.verbosity)
        dry_run = repository.get("dry-run")
        chain = self._credential_chain(client, pypirc, no_prompt=bool(options.get("no_prompt")))
        trusted = chain.trusted
        if dry_run:  # a dry run asks nothing and mints nothing, even for an index that refuses anonymous reads
            chain.prompter = chain.trusted = None
        started = time.monotonic()
        try:
            to_upload, refused = self._plan(batch, repository, client, chain)
            self._report.outcomes = [Outcome(a, NOT_ATTEMPTED if a in to_upload else EXISTS) for a in batch]
            if dry_run:
                chain.trusted = trusted  # only to say whether a real run would use it
                self._dry_run(batch, to_upload, refused, chain, root)
                return
            if refused:
                outcomes = [
                    Outcome(a, REFUSED, refused[a.name]) if a.name in refused
                    else Outcome(a, EXISTS if a not in to_upload else NOT_ATTEMPTED)
                    for a in batch
                ]  # fmt: skip
                self._finish(outcomes, client, started, chain)
                message = "Nothing was uploaded:\n" + "\n".join(f"  - {problem}" for problem in refused.values())
                raise PublishError(message)
            if to_upload or options.get("initialize_auth"):
                client.secrets.append(chain.get().password)
                self.app.display_debug(f"Credentials: {chain.sources()}")
            outcomes, failure, code = self._upload(batch, to_upload, client, chain, root)
        finally:
            client.close()
        if any(o.status == UPLOADED for o in outcomes) or (options.get("initialize_auth") and failure is None):
            chain.remember(self._warn)
        self._finish(outcomes, client, started, chain)
        if failure is not None:
            message = f"{failure}\nCredentials: {chain.sources()}"
            raise PublishError(message, code)
        self._show_releases(outcomes, client)

    def _finish(self, outcomes: list[Outcome], client: IndexClient, started: float, chain: CredentialChain) -> None:
        """The summary line and GitHub's step summary; the outcomes for the JSON report (option `report`). The time
        spent at a prompt is not counted."""
        from hatch_custom_index.report import summary, write_step_summary

        prompter = chain.prompter
        waited = prompter.waited if isinstance(prompter, _HatchPrompter) else 0.0
        seconds = max(0.0, time.monotonic() - started - waited)
        self.app.display_info(summary(outcomes, seconds))
        self._report.outcomes = outcomes
        write_step_summary(outcomes, client.repository.display_name, seconds)

    def _dry_run(
        self,
        batch: list[Artifact],
        to_upload: list[Artifact],
        refused: dict[str, str],
        chain: CredentialChain,
        root: Path,
    ) -> None:
        """What a real run would do, and stop: no upload, no prompt, nothing minted, nothing saved."""
        from hatch_custom_index.report import size

        self.app.display_info("Dry run: nothing is uploaded, nothing is saved")
        outcomes = []
        for artifact in batch:
            if artifact.name in refused:
                status, note = REFUSED, refused[artifact.name]
            elif artifact in to_upload:
                status, note = WOULD_UPLOAD, size(artifact.size)
            else:
                status, note = EXISTS, "skipped"
            outcomes.append(Outcome(artifact, status, refused.get(artifact.name)))
            self.app.display_info(f"{_display_path(artifact.path, root)} ... {status} ({note})")
        self._report.outcomes = outcomes
        if refused:
            message = "A real run would upload nothing: " + "; ".join(refused.values())
            raise PublishError(message)
        if to_upload:
            where = chain.describe(interactive=self._interactive)
            if where.startswith("none"):
                message = f"A real run would stop before uploading: {where.removeprefix('none: ')}"
                raise PublishError(message)
            self.app.display_info(f"Credentials: {where}")

    def _debug(self, message: str) -> None:
        """A -v line that may come from an upload thread."""
        with self._output_lock:
            self.app.display_debug(message, level=1)

    @cached_property
    def _output_lock(self) -> threading.Lock:
        return threading.Lock()

    def _warn(self, message: str) -> None:
        """A warning that may come from an upload thread."""
        with self._output_lock:
            self.app.display_warning(message)

    def _credential_chain(self, client: IndexClient, pypirc: Pypirc | None, *, no_prompt: bool) -> CredentialChain:
        from hatch_custom_index.cache import UserCache
        from hatch_custom_index.credentials import CredentialChain
        from hatch_custom_index.keyrings import Keyring
        from hatch_custom_index.trusted import TrustedPublishing

        repository = client.repository
        cache = UserCache(Path(self.cache_dir))
        if cache.warning:
            self.app.display_warning(f"Warning: {cache.warning}")
        keyring = Keyring(repository.url, self._warn) if repository.get("keyring") else None
        self._interactive = not no_prompt and sys.stdin.isatty()
        prompter = _HatchPrompter(self.app) if self._interactive else None
        trusted = TrustedPublishing(client, repository.get("trusted-publishing"), mask=_print_now)
        return CredentialChain(
            repository, pypirc=pypirc, cache=cache, keyring=keyring, prompter=prompter, trusted=trusted
        )

    def _plan(
        self, batch: list[Artifact], repository: Repository, client: IndexClient, chain: CredentialChain
    ) -> tuple[list[Artifact], dict[str, str]]:
        """Which files to upload (those the index lacks), and which are refused (by name, with the reason): a
        different file of that name on the index, or one already there while `skip-existing` is off."""
        from hatch_custom_index.digests import Sha256Prefetch
        from hatch_custom_index.index import different_file_message

        def credentials_for_reading() -> Credentials | None:
            """Asked only when the index refuses to show its files anonymously: reading needs credentials then."""
            try:
                return chain.get()
            except PublishError:
                return None

        prefetch = Sha256Prefetch(batch)  # hashing runs while the index is asked what it holds
        existing: dict[str, dict[str, str | None]] = {}
        try:
            for project in dict.fromkeys(artifact.project for artifact in batch):
                existing[project], warning = client.existing_files(project, credentials_for_reading)
                if warning:
                    self.app.display_warning(f"Warning: {warning}; uploading anyway")
        except BaseException:
            prefetch.finish([])
            raise
        # Only a file whose name the index already lists is hashed before its upload; the others as they are sent.
        prefetch.finish([artifact for artifact in batch if existing[artifact.project].get(artifact.name)])
        refused: dict[str, str] = {}
        to_upload = []
        for artifact in batch:
            held = existing[artifact.project]
            if artifact.name not in held or held[artifact.name] is None:
                # Not there, or listed without a sha256: the upload and its re-check by hash decide.
                to_upload.append(artifact)
            elif held[artifact.name] != artifact.sha256:
                refused[artifact.name] = different_file_message(artifact, client.project_url(artifact.project))
            elif not repository.get("skip-existing"):
                source = repository.settings["skip-existing"].source
                refused[artifact.name] = f"{artifact.name} is already on the index ({source} is false)"
        return to_upload, refused

    def _upload(
        self, batch: list[Artifact], to_upload: list[Artifact], client: IndexClient, chain: CredentialChain, root: Path
    ) -> tuple[list[Outcome], str | None, int]:
        """Run the uploads; every file's outcome, the failure's message if any, and the exit code it deserves."""

        live = None

        def show(artifact: Artifact, status: str, seconds: float = 0.0) -> None:
            line = f"{_display_path(artifact.path, root)} ... {status}"
            if seconds and self.app.verbosity >= 1:
                line += f" ({seconds:.2f} s)"
            if live is not None:  # above the bars
                live.print(line, "green" if status == UPLOADED else "yellow" if status == EXISTS else "red")
                return
            with self._output_lock:  # Hatch's console is shared with the upload threads' retry notices
                if status == UPLOADED:
                    self.app.display_success(line)
                elif status == EXISTS:
                    self.app.display_warning(line)
                else:
                    self.app.display_error(line)

        if not to_upload:  # the whole release is there already: nothing to run
            for artifact in batch:
                show(artifact, EXISTS)
            return [Outcome(artifact, EXISTS) for artifact in batch], None, 0

        from hatch_custom_index.progress import wanted as progress_wanted
        from hatch_custom_index.uploads import Uploader, UploadInterrupted

        def report(outcome: Outcome) -> None:
            show(outcome.artifact, outcome.status, outcome.seconds)

        jobs = client.repository.settings["jobs"]
        if client.is_devpi and jobs.source == "the default":
            self.app.display_debug(
                "devpi-server stores one upload at a time: uploading one after another (option `jobs`)"
            )
        uploader = Uploader(
            client,
            chain,
            jobs=1 if client.is_devpi and jobs.source == "the default" else jobs.value,
            attach_attestations=lambda artifact: self._attach_attestations(artifact, client.repository, chain),
            report=report,
        )
        try:
            if progress_wanted(self.app.verbosity):
                from hatch_custom_index.progress import LiveProgress

                with LiveProgress(to_upload) as live:
                    uploader.progress = live
                    outcomes = uploader.run(batch, to_upload)
            else:
                outcomes = uploader.run(batch, to_upload)
        except UploadInterrupted as e:
            outcomes, code = e.outcomes, INTERRUPTED
            cut = [o.artifact.name for o in outcomes if o.status == INTERRUPTED_UPLOAD]
            message = "Interrupted" + (
                f" while uploading {', '.join(cut)}: it may or may not have reached the index." if cut else "."
            )
            message += " Publish again to finish; files already there are skipped"
        else:
            code = 1
            failed = [o for o in outcomes if o.status == FAILED]
            message = "\n".join(
                f"Uploading {o.artifact.name} to {client.repository.display_name} failed: {o.error}" for o in failed
            )
        if all(o.status in ON_INDEX for o in outcomes) and code != INTERRUPTED:
            return outcomes, None, 0
        on_index = [o.artifact.name for o in outcomes if o.status in ON_INDEX]
        # An upload cut off by Ctrl-C may or may not have landed: the message above names it, as unknown.
        missing = [
            _display_path(o.artifact.path, root) for o in outcomes if o.status not in ON_INDEX | {INTERRUPTED_UPLOAD}
        ]
        if on_index:
            message += f"\nOn the index: {', '.join(on_index)}"
        if missing:
            message += f"\nNot on the index: {', '.join(missing)}"
        return outcomes, message, code

    def _attach_attestations(self, artifact: Artifact, repository: Repository, chain: CredentialChain) -> bool:
        mode = repository.get("attestations")
        attach = mode == "true" or (mode == "auto" and chain.trusted_publishing)
        if artifact.attestations and not attach:
            self.app.display_debug(
                f"Not sending the attestations of {artifact.name} (option `attestations` is {mode}; with `auto` they "
                "go with trusted publishing only, the one way PyPI accepts them)"
            )
        return attach and bool(artifact.attestations)

    def _show_releases(self, outcomes: list[Outcome], client: IndexClient) -> None:
        """Each release that got a file in this run, once, with the page that shows it."""
        uploaded = (o.artifact for o in outcomes if o.status == UPLOADED)
        for project, version in dict.fromkeys((a.project, a.version) for a in uploaded):
            self.app.display_info()
            self.app.display_mini_header(project)
            self.app.display_info(client.repository.release_url(project, version, client.simple_url))

    def _hatch_config_label(self) -> str:
        path = getattr(getattr(self.app, "config_file", None), "path", None)
        return f"Hatch config ({path})" if path else "Hatch config"


class _HatchPrompter:
    """Prompts through Hatch's terminal: the username with `__token__` as the Enter default, the password hidden.
    `waited` is the time spent waiting for the answers, which the elapsed time leaves out."""

    def __init__(self, app: Any, clock: Callable[[], float] = time.monotonic) -> None:
        self.app = app
        self.clock = clock
        self.waited = 0.0

    def username(self, text: str, default: str) -> str:
        return self._ask(text, default=default)

    def password(self, text: str) -> str:
        return self._ask(text, hide_input=True)

    def _ask(self, text: str, **options: Any) -> str:
        started = self.clock()
        try:
            return self.app.prompt(text, **options)
        finally:
            self.waited += self.clock() - started


def _load_pypirc(cli: Layer, hatch: Layer) -> Pypirc | None:
    from hatch_custom_index.pypirc import default_path, load_pypirc
    from hatch_custom_index.repositories import first_value

    given = first_value("pypirc", cli, hatch)
    if given is None:
        return load_pypirc(default_path())
    path = Path(given.value).expanduser()
    loaded = load_pypirc(path)
    if loaded is None:
        message = f"{given.source}: {path} does not exist"
        raise PublishError(message)
    return loaded


def _print_now(line: str) -> None:
    """Straight to stdout, before anything else can print: for the CI's log masking command."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _display_path(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)
