"""The run of one publish, free of Hatch: settings → repository → batch → plan → credentials → uploads → confirmation
→ outcome, speaking to the person through a small `Output`. `run()` never raises for what can go wrong in a publish:
it ends with an `Ending` (a message and an exit code), which Hatch's adapter (publisher.py) turns into Hatch's abort.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from hatch_custom_index.artifacts import read_batch
from hatch_custom_index.cache import UserCache
from hatch_custom_index.credentials import DEFAULT_USERNAME, CredentialChain
from hatch_custom_index.discovery import Found, find_artifacts
from hatch_custom_index.errors import (
    ConfigurationError,
    IndexUnreachableError,
    PublishError,
    Redactor,
    Secret,
    describe_unexpected,
    redact_url,
)
from hatch_custom_index.hatch_flags import merge_command_line, read_flags
from hatch_custom_index.index import IndexClient
from hatch_custom_index.keyrings import WAIT_AT_A_TERMINAL, WAIT_UNATTENDED, Keyring
from hatch_custom_index.model import Credentials, Listed, Outcome, Status, Unreadable
from hatch_custom_index.outcome import (
    EXIT_INTERRUPTED,
    EXIT_TERMINATED,
    Conclusion,
    conclude,
    display_path,
    released,
    summary,
    unconfirmed,
    unlisted,
)
from hatch_custom_index.plan import (
    Plan,
    SigningDecision,
    SigningVerdict,
    make_plan,
    sends_attestations,
    several_versions,
    signing_decision,
    takes_attestations,
    unreadable_index,
    upload_jobs,
)
from hatch_custom_index.prefetch import Sha256Prefetch
from hatch_custom_index.progress import LiveProgress
from hatch_custom_index.progress import wanted as progress_wanted
from hatch_custom_index.pypirc import Pypirc, default_path, load_pypirc
from hatch_custom_index.report import JsonReport, write_step_summary
from hatch_custom_index.repositories import Repository, first_value, select_repository
from hatch_custom_index.rules import unapplied_note
from hatch_custom_index.settings import (
    HATCH,
    PROJECT,
    AttestationsMode,
    HelpRequested,
    Layer,
    SignMode,
    help_text,
    parse_cli,
    parse_config,
    parse_env,
    parse_hatch_index_config,
    report_option,
)
from hatch_custom_index.signing import (
    SigningError,
    Sigstore,
    attestation_path,
    certificate_identity,
    identity_source,
    missing_library,
    signing_identity,
)
from hatch_custom_index.text import printable, printable_line
from hatch_custom_index.tokens import Tokens, expected_username, tokens_for
from hatch_custom_index.transport import proxy_secrets, require_safe_transport
from hatch_custom_index.uploads import Uploader, UploadInterrupted
from hatch_custom_index.urls import devpi_simple_upload_url, upload_url_for_simple

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping

    from hatch_custom_index.artifacts import Artifact
    from hatch_custom_index.rules import Finding


MAX_PASSED_OVER_LINES = 20  # more "Passing over" lines than this are one count, unless -v


@dataclass(frozen=True)
class Request:
    """What Hatch hands a publish: the paths and `-o` options, the project, the configs, where to cache, and whether a
    person can answer a prompt."""

    paths: list[str]
    options: dict[str, object]
    root: Path
    cache_dir: Path
    project_config: object
    plugin_config: object
    hatch_index_config: object  # Hatch's own [publish.index]
    config_label: str  # how Hatch's config.toml is named in messages
    interactive: bool
    environ: Mapping[str, str] = field(default_factory=lambda: os.environ)


class Output(Protocol):
    """How the run speaks to the person; each method may be called from an upload thread."""

    @property
    def verbosity(self) -> int: ...

    def info(self, text: str) -> None: ...

    def success(self, text: str) -> None: ...

    def warn(self, text: str) -> None: ...

    def error(self, text: str) -> None: ...

    def debug(self, text: str) -> None: ...

    def header(self, text: str) -> None: ...

    def ask(self, text: str, *, default: str | None = None, hide: bool = False) -> str:
        """An answer typed at a prompt; KeyboardInterrupt when the person gives up (Ctrl-C)."""
        ...


@dataclass(frozen=True)
class Ending:
    """How the run ended: `message` is None when it went well."""

    message: str | None
    exit_code: int


def run(request: Request, output: Output) -> Ending:
    """One publish, from Hatch's arguments to its ending; what goes wrong becomes the ending's message."""
    return Run(request, output).execute()


class Run:
    """The state of one publish: its request, output, report, secrets and the signal that stopped it."""

    def __init__(self, request: Request, output: Output) -> None:
        self.request = request
        self.output = output
        self.root = request.root
        given = report_option(request.options, request.project_config, request.plugin_config)
        self._report = JsonReport(Path(self.root, given) if given else None)
        self._redact = Redactor()
        for secret in proxy_secrets(request.environ):  # a proxy's password is a secret of the run too
            self._redact.add(secret)
        self.stop = Stop()

    def execute(self) -> Ending:
        with self.stop.watching():
            try:
                self._publish(self.request.paths, self.request.options)
            except HelpRequested:
                self.output.info("\n".join(help_text()))
                return Ending(None, 0)
            except PublishError as e:
                return self._abort(str(e), self.stop.exit_code(e.code))
            except KeyboardInterrupt as e:
                return self._abort(self._interrupted(e), self.stop.exit_code(EXIT_INTERRUPTED))
            except Exception as e:  # noqa: BLE001 -- a bug of ours: reported without the frames' locals
                return self._abort(self._unexpected(e), 1)
        problem = self._report.write()
        if problem:  # the publish itself went well: that stays its outcome
            self.output.warn(f"Warning: {problem}")
        return Ending(None, 0)

    def _interrupted(self, interruption: KeyboardInterrupt) -> str:
        """What Ctrl-C or SIGTERM left: nothing uploaded when no upload had begun, else where each file stands."""
        outcomes = self._report.outcomes
        if not any(o.status.sent or o.status is Status.INTERRUPTED for o in outcomes):
            return f"{self.stop.words(interruption)} before any upload; nothing was uploaded"
        by = self.stop.words(interruption)
        return conclude(outcomes, "", Path(self.root), interrupted=True, by=by).message or ""

    def _unexpected(self, error: Exception) -> str:
        """A bug's message, and with -v its traceback as text: never an exception that would carry this run's
        arguments (`-a`, `-o auth=`) into Hatch's traceback of local variables."""
        described = describe_unexpected(error, self._redact, self.output.debug)
        return (
            f"hatch-custom-index failed unexpectedly: {described}. This is a bug: please report it with the output of "
            "`hatch -v publish ...` (no secret is in it)"
        )

    def _abort(self, message: str, code: int) -> Ending:
        """End with `message`; the JSON report says why (so a stale one is never taken for this run's)."""
        message = printable(message)  # what it quotes (a file's name, an index's words) cannot forge a line of ours
        problem = self._report.write(error=message)
        if problem:
            self.output.warn(f"Warning: {problem}")
        return Ending(message, code)

    def _publish(self, paths: list[str], options: dict[str, object]) -> None:
        repository, pypirc = self._repository(options)
        root = Path(self.root)
        batch = self._batch(paths, repository, root)
        dry_run = repository.settings.dry_run
        self._report.dry_run = dry_run
        interactive = not options.get("no_prompt") and self.request.interactive
        prompter = Prompter(self.output) if interactive and not dry_run else None
        if repository.settings.auth:
            self._redact.add(repository.settings.auth)
        verbosity = self.output.verbosity
        with IndexClient(
            repository, redact=self._redact, notify=self.output.warn, debug=self.output.debug, verbosity=verbosity
        ) as client:
            tokens = tokens_for(client, repository.settings.trusted_publishing, mask=print_now)
            # A dry run asks nothing and mints nothing, even for an index that refuses anonymous reads.
            chain = self._credential_chain(
                repository, pypirc, prompter, tokens, interactive=interactive, dry_run=dry_run
            )
            started = time.monotonic()
            plan, readable = self._plan(batch, client, chain, dry_run=dry_run)
            self._report.outcomes = plan.outcomes(dry_run=dry_run)
            if dry_run:
                self._dry_run(plan, chain, tokens, repository, interactive=interactive)
                return
            if plan.refusals:
                self._finish(plan.outcomes(), client, started, prompter)
                raise PublishError(plan.refused_message())
            if plan.to_upload or options.get("initialize_auth"):
                chain.get()
                self.output.debug(f"Credentials: {chain.sources()}")
            if plan.to_upload:  # after every check, before the first upload: all files get one, or none does
                self._sign(plan.to_upload, repository, root, trusted_publishing=chain.trusted_publishing)
            outcomes, interrupted = self._upload(batch, plan.to_upload, client, chain, root)
            self._report.outcomes = outcomes  # from here on, whatever stops the run, the report tells it
            if not interrupted:
                outcomes, interrupted = self._confirm(outcomes, client, chain, root, readable=readable)
        stopped_by = self.stop.words()
        conclusion = conclude(outcomes, repository.display_name, root, interrupted=interrupted, by=stopped_by)
        if any(o.status.sent for o in outcomes) or (options.get("initialize_auth") and conclusion.message is None):
            conclusion = self._remember(chain, conclusion)
        self._finish(outcomes, client, started, prompter)
        if conclusion.message is not None:
            hint = chain.keyring_hint(outcomes)
            message = f"{conclusion.message}\nCredentials: {chain.sources()}" + (f"\n{hint}" if hint else "")
            raise PublishError(message, conclusion.exit_code)
        for project, version in released(outcomes):
            self.output.info("")
            self.output.header(project)
            self.output.info(repository.release_url(project, version, client.facts.simple_url))

    def _batch(self, paths: list[str], repository: Repository, root: Path) -> list[Artifact]:
        """Every file read and checked, before anything is sent (the report knows them from here on)."""
        report = repository.settings.report
        self._report.path, self._report.index_url = (root / report if report else None), redact_url(repository.url)
        require_safe_transport(repository)
        found = Found()
        notes: list[tuple[Path, Finding]] = []
        batch = read_batch(
            find_artifacts(paths, root, found),
            attestations=repository.settings.attestations is not AttestationsMode.NEVER,
            pypi_rules=repository.pypi_rules,
            notes=notes,
        )
        self._report.outcomes = [Outcome(artifact, Status.NOT_ATTEMPTED) for artifact in batch]
        self._show_found(found, root)
        self._show_findings(notes, root, pypi_rules=repository.pypi_rules)
        for project, versions in several_versions(batch).items():
            self.output.info(
                f"Note: the batch holds {len(versions)} versions of {project} ({', '.join(versions)}); all are "
                "published" + ("" if self.output.verbosity > 0 else " (-v lists the files)")
            )
            for artifact in batch:
                if artifact.project == project:
                    self.output.debug(f"  {display_path(artifact.path, root)}: version {artifact.version}")
        self._show_repository(repository)
        return batch

    def _show_found(self, found: Found, root: Path) -> None:
        """What was found beside the files: other files passed over (a count when there are many; -v lists them),
        and with -v the directories below that were not looked into."""
        shown = [printable_line(display_path(path, root)) for path in found.passed_over]
        if len(shown) > MAX_PASSED_OVER_LINES and self.output.verbosity < 1:
            self.output.info(
                f"Passing over {len(shown)} files that are not wheels or source distributions (-v lists them)"
            )
        else:
            for path in shown:
                self.output.info(f"Passing over {path}: not a wheel or source distribution")
        if found.not_looked_into:
            below = ", ".join(printable_line(display_path(path, root)) + "/" for path in found.not_looked_into)
            self.output.debug(
                f"Not looked into: {below} (a directory's own files are published, as Hatch does; give the paths of "
                "others, or a glob, to publish them)"
            )

    def _show_findings(self, notes: list[tuple[Path, Finding]], root: Path, *, pypi_rules: bool) -> None:
        """PyPI's warnings when its rules apply; otherwise what PyPI alone would refuse, as one note (-v: each)."""
        unapplied = []
        for path, finding in notes:
            if pypi_rules:
                self.output.warn(f"Warning: {display_path(path, root)}: {finding.message}")
            else:
                unapplied.append((path, finding))
        if unapplied:
            self.output.info(unapplied_note(unapplied) + ("" if self.output.verbosity > 0 else "; -v lists them"))
            for path, finding in unapplied:
                self.output.debug(f"  {display_path(path, root)}: {finding.message}")

    def _credential_chain(
        self,
        repository: Repository,
        pypirc: Pypirc | None,
        prompter: Prompter | None,
        tokens: Tokens,
        *,
        interactive: bool,
        dry_run: bool = False,
    ) -> CredentialChain:
        keyring = None
        if repository.settings.keyring:
            wait = WAIT_AT_A_TERMINAL if interactive else WAIT_UNATTENDED
            keyring = Keyring(repository.url, self.output.warn, timeout=wait, note=self.output.debug)
        return CredentialChain(
            repository,
            pypirc=pypirc,
            cache=self._user_cache(),
            keyring=keyring,
            prompter=prompter,
            tokens=None if dry_run else tokens,  # a dry run gets no token
            redact=self._redact,
            default_username=expected_username(repository.url, repository.settings.registry) or DEFAULT_USERNAME,
        )

    def _remember(self, chain: CredentialChain, conclusion: Conclusion) -> Conclusion:
        """Save what the prompt gave; Ctrl-C meanwhile ends the run as interrupted, the uploads' outcome kept."""
        try:
            chain.remember(self.output.warn)
        except KeyboardInterrupt:  # the uploads are done: say so, not "nothing was uploaded"
            self.output.warn("Warning: interrupted while saving what the prompt gave; it may not have been saved")
            return Conclusion(conclusion.message or "Interrupted after the uploads", EXIT_INTERRUPTED)
        return conclusion

    def _repository(self, options: dict[str, object]) -> tuple[Repository, Pypirc | None]:
        """The repository and its settings from Hatch's flags, `-o`, the environment and the config tables."""
        cli, env = merge_command_line(read_flags(), parse_cli(options)), parse_env(self.request.environ)
        label = self.request.config_label
        project = parse_config(self.request.project_config, "project config", PROJECT)
        hatch = parse_config(self.request.plugin_config, label, HATCH)
        hatch_index = parse_hatch_index_config(self.request.hatch_index_config, label)
        pypirc = _load_pypirc(cli, hatch)
        urls = pypirc.urls() if pypirc else None
        repository = select_repository(cli, env, project, hatch, urls, hatch_index=hatch_index)
        for note in (*cli.notes, *env.notes):
            self.output.warn(f"Note: {note}")
        for ignored in hatch_index.ignored:
            self.output.debug(
                f"Not read: {ignored} (Hatch's `index` publisher's table; this plugin reads its "
                "`repo`, `user`, `auth`, `ca-cert`, `client-cert`, `client-key` and `repos`)"
            )
        return repository, pypirc

    def _show_repository(self, repository: Repository) -> None:
        url = redact_url(repository.url)
        self.output.info(f"Publishing to {repository.name} ({url})" if repository.name else f"Publishing to {url}")
        simple = repository.simple_api
        self.output.debug(f"Upload URL {url} ({repository.origin}), simple API {redact_url(simple.url)} ({simple.how})")
        for line in repository.settings.shown():
            self.output.debug(line)

    def _user_cache(self) -> UserCache:
        cache = UserCache(self.request.cache_dir)
        if cache.warning:
            self.output.warn(f"Warning: {cache.warning}")
        return cache

    def _plan(
        self, batch: list[Artifact], client: IndexClient, chain: CredentialChain, *, dry_run: bool
    ) -> tuple[Plan, bool]:
        """Ask the index what it holds (hashing the batch meanwhile), then decide file by file; and what the index
        revealed about itself, and whether every project's page could be read. An index that refuses to say stops a
        real run (an upload might replace a file it cannot see); a dry run, which mints and asks nothing, warns."""

        unresolved: list[PublishError] = []  # why no credentials could be found to read with

        def credentials_for_reading() -> Credentials | None:
            """Asked only when the index refuses to show its files anonymously: reading needs credentials then."""
            try:
                return chain.get()
            except PublishError as e:
                unresolved.append(e)
                return None

        prefetch = Sha256Prefetch(batch)
        held: dict[str, dict[str, str | None]] = {}
        readable = True
        refused: Unreadable | None = None  # the index would not say what it holds
        try:
            for project in dict.fromkeys(artifact.project for artifact in batch):
                try:
                    holdings = client.existing_files(project, credentials_for_reading)
                except IndexUnreachableError as e:  # the upload would fail the same way: stop before asking more
                    message = f"{e}. Nothing was uploaded"
                    raise IndexUnreachableError(message) from None
                held[project] = holdings.files if isinstance(holdings, Listed) else {}
                if not isinstance(holdings, Unreadable):
                    continue
                if holdings.forbidden and not dry_run:
                    refused = holdings
                    break
                readable = False
                if holdings.forbidden:
                    self.output.warn(
                        f"Warning: {holdings.reason}; a real run stops here unless the credentials it uses (a token "
                        "it mints, a password it asks for) may read the index"
                    )
                else:
                    self.output.warn(f"Warning: {holdings.reason}; uploading anyway")
        except BaseException:
            prefetch.finish([])
            raise
        facts = client.facts  # what the index revealed while it was asked
        wrong_url = devpi_simple_upload_url(client.repository.url, is_devpi=facts.is_devpi)
        if wrong_url:
            prefetch.finish([])
            raise ConfigurationError(wrong_url)
        if refused:
            prefetch.finish([])
            if unresolved:  # the uploads would need them too: say where they were looked for
                raise unresolved[0]
            raise PublishError(unreadable_index(refused.reason, credentials_refused=refused.credentials_refused))
        # Only a file whose name the index already lists is hashed before its upload; the others as they are sent.
        prefetch.finish([artifact for artifact in batch if held[artifact.project].get(artifact.name)])
        settings = client.repository.settings
        plan = make_plan(
            batch,
            held,
            {project: facts.project_url(project) for project in held},
            skip_existing=settings.skip_existing,
            skip_existing_source=settings.source("skip-existing"),
            public=client.repository.is_public,
        )
        return plan, readable

    def _dry_run(
        self, plan: Plan, chain: CredentialChain, tokens: Tokens, repository: Repository, *, interactive: bool
    ) -> None:
        """What a real run would do, and stop: no upload, no prompt, nothing minted, nothing saved."""
        root = Path(self.root)
        self.output.info("Dry run: nothing is uploaded, nothing is saved, nothing is signed")
        for artifact, line in plan.preview():
            self.output.info(f"{display_path(artifact.path, root)} ... {line}")
        if plan.refusals:
            raise PublishError(plan.refused_message(dry_run=True))
        if plan.to_upload:
            preview = chain.preview(interactive=interactive, tokens=tokens)
            if not preview.found:
                message = f"A real run would stop before uploading: {preview.text}"
                raise PublishError(message)
            self.output.info(f"Credentials: {preview.text}")
            self._would_sign(plan.to_upload, repository, root, trusted_publishing=preview.trusted)

    def _upload(
        self,
        batch: list[Artifact],
        to_upload: list[Artifact],
        client: IndexClient,
        chain: CredentialChain,
        root: Path,
    ) -> tuple[list[Outcome], bool]:
        """Run the uploads: every file's outcome, and whether Ctrl-C cut them off."""
        if not to_upload:  # the whole release is there already: nothing to run
            outcomes = [Outcome(artifact, Status.EXISTS) for artifact in batch]
            for outcome in outcomes:
                self._show(outcome, root, None)
            return outcomes, False
        settings = client.repository.settings
        jobs = upload_jobs(settings.jobs, is_devpi=client.facts.is_devpi, jobs_given=not settings.is_default("jobs"))
        if jobs != settings.jobs:
            self.output.debug("devpi-server stores one upload at a time: uploading one after another (option `jobs`)")
        live = LiveProgress(to_upload) if progress_wanted(self.output.verbosity) else None

        def send(artifact: Artifact, progress: Callable[[int | None], None] | None) -> Status:
            attach = self._attach_attestations(artifact, client.repository, chain)
            # The chain is asked at every request: a minted token about to expire is minted afresh there.
            return client.upload(artifact, chain.get, attestations=attach, progress=progress)

        uploader = Uploader(
            send,
            jobs=jobs,
            report=lambda outcome: self._show(outcome, root, live),
            cut_off=client.close,
            unexpected=lambda error: describe_unexpected(error, self._redact, self.output.debug),
            progress=live,
        )
        with live if live is not None else nullcontext():
            try:
                return uploader.run(batch, to_upload), False
            except UploadInterrupted as e:
                return e.outcomes, True

    def _confirm(
        self,
        outcomes: list[Outcome],
        client: IndexClient,
        chain: CredentialChain,
        root: Path,
        *,
        readable: bool,
    ) -> tuple[list[Outcome], bool]:
        """Read back what was uploaded (option `confirm`): a file the index does not list afterwards is not success,
        whatever answered the upload; one it could not be asked about is accepted, not confirmed. And whether Ctrl-C
        cut the read-back off."""
        wait = client.repository.settings.confirm
        uploaded = [o.artifact for o in outcomes if o.status is Status.UPLOADED]
        if not uploaded or not wait:
            return outcomes, False
        names = {artifact.name for artifact in uploaded}
        if not readable:
            unread = "the index's simple pages could not be read"
            self.output.warn(f"Warning: the uploads could not be confirmed: {unread}")
            return unconfirmed(outcomes, names, unread), False
        try:
            confirmation = client.confirm(uploaded, chain.get(), wait)
        except KeyboardInterrupt:
            return unconfirmed(outcomes, names, "interrupted before it was confirmed"), True
        for reason in dict.fromkeys(confirmation.unknown.values()):  # a page not read: accepted, never "not stored"
            names = {name for name, why in confirmation.unknown.items() if why == reason}
            self.output.warn(f"Warning: {', '.join(sorted(names))}: accepted by the index; could not confirm: {reason}")
            outcomes = unconfirmed(outcomes, names, f"could not confirm: {reason}")
        pending = {artifact.name for artifact in confirmation.unlisted}
        if not pending:
            if not confirmation.unknown:
                self.output.debug(f"Confirmed: the index lists {', '.join(a.name for a in uploaded)}")
            return outcomes, False

        def why(outcome: Outcome) -> str:
            url = redact_url(client.facts.project_url(outcome.artifact.project))
            hint = "check the upload URL, or what answered it (a proxy or a sign-in page in front of the index)"
            upload_url = upload_url_for_simple(client.repository.url)
            if upload_url is not None:
                hint = (
                    f"the upload URL names a simple API, where an index lists files: upload to {redact_url(upload_url)}"
                )
            return (
                f"the upload was answered as a success, but {url} does not list the file after {wait:g} s (option "
                f"`confirm`): it was not stored; {hint}"
            )

        confirmed = unlisted(outcomes, pending, why)
        for outcome in confirmed:
            if outcome.status is Status.UNCONFIRMED:
                self._show(outcome, root, None)
        return confirmed, False

    def _show(self, outcome: Outcome, root: Path, live: LiveProgress | None) -> None:
        """A finished file's line: above the live bars on a terminal, else through Hatch's console."""
        line = f"{display_path(outcome.artifact.path, root)} ... {outcome.status}"
        if outcome.seconds and self.output.verbosity >= 1:
            line += f" ({outcome.seconds:.2f} s)"
        if self.output.verbosity >= 1 and outcome.status.sent and outcome.artifact.attestation != "none":
            line += f", attestation: {outcome.artifact.attestation}"
        status = outcome.status
        if live is not None:
            live.print(line, "green" if status is Status.UPLOADED else "yellow" if status is Status.EXISTS else "red")
            return
        if status is Status.UPLOADED:
            self.output.success(line)
        elif status is Status.EXISTS:
            self.output.warn(line)
        else:
            self.output.error(line)

    def _finish(self, outcomes: list[Outcome], client: IndexClient, started: float, prompter: Prompter | None) -> None:
        """The summary line and GitHub's step summary; the outcomes for the JSON report (option `report`). The time
        spent at a prompt is not counted."""
        seconds = max(0.0, time.monotonic() - started - (prompter.waited if prompter is not None else 0.0))
        self.output.info(summary(outcomes, seconds))
        self._report.outcomes = outcomes
        write_step_summary(outcomes, client.repository.display_name, seconds)

    def _signing(self, repository: Repository, *, trusted_publishing: bool) -> SigningDecision:
        settings = repository.settings
        return signing_decision(
            settings.sign,
            trusted_publishing=trusted_publishing,
            takes_attestations=takes_attestations(settings.attestations, public=repository.is_public),
            missing_library=missing_library(),
            identity_source=identity_source(self.request.environ),
        )

    def _sign(self, to_upload: list[Artifact], repository: Repository, root: Path, *, trusted_publishing: bool) -> None:
        """Option `sign`: each file to upload without a publish attestation beside it gets one from Sigstore, all of
        them or none. `auto` that cannot sign says why once and publishes without; `true` stops before any upload."""
        decision = self._signing(repository, trusted_publishing=trusted_publishing)
        unsigned = _unsigned(to_upload) if decision.verdict is not SigningVerdict.SKIP else []
        if not unsigned:
            why = decision.reason if decision.verdict is SigningVerdict.SKIP else "every file has its attestation"
            self.output.debug(f"Not signing with Sigstore: {why}")
            return
        settings = repository.settings
        try:
            identity = self._signing_identity(decision, settings.timeout)
            self.output.debug(
                f"Signing with Sigstore ({settings.sigstore}) as {certificate_identity(identity)}, {decision.reason}"
            )
            sigstore = Sigstore(
                settings.sigstore,
                root,
                source=settings.source("sigstore"),
                timeout=settings.timeout,
                jobs=settings.jobs,
            )
            signed = sigstore.sign(unsigned, identity)
        except SigningError as e:
            if settings.sign is SignMode.ALWAYS:
                message = f"Nothing was uploaded: {self._redact(str(e))} (option `sign` is true)"
                raise SigningError(message) from None
            why = printable(self._redact(str(e)))  # a CI's or Sigstore's words, never a token
            self.output.warn(f"Warning: not signing with Sigstore: {why}; publishing without new attestations")
            return
        for item in signed:
            item.artifact.attestations.append(item.attestation)
            item.artifact.signer = item.identity
            self.output.debug(
                f"Signed {display_path(item.artifact.path, root)}: {display_path(item.path, root)}, certificate for "
                f"{item.identity}"
            )
        identities = ", ".join(sorted({item.identity for item in signed}))
        self.output.info(f"Signed {len(signed)} file{'s' if len(signed) != 1 else ''} with Sigstore ({identities})")

    def _signing_identity(self, decision: SigningDecision, timeout: float) -> Secret:
        """The identity token for Sigstore, redacted from here on; a SigningError when the decision was not to sign."""
        if decision.verdict is not SigningVerdict.SIGN:
            raise SigningError(decision.reason)
        identity = signing_identity(self.request.environ, timeout)
        self._redact.add(identity)
        return identity

    def _would_sign(
        self, to_upload: list[Artifact], repository: Repository, root: Path, *, trusted_publishing: bool
    ) -> None:
        """What a real run would sign, and with what; nothing is asked for or signed."""
        decision = self._signing(repository, trusted_publishing=trusted_publishing)
        if decision.verdict is SigningVerdict.SKIP:
            self.output.debug(f"A real run would not sign with Sigstore: {decision.reason}")
            return
        unsigned = _unsigned(to_upload)
        if not unsigned:
            return
        if decision.verdict is SigningVerdict.STOP:
            message = f"A real run would stop before uploading: {decision.reason} (option `sign` is true)"
            raise PublishError(message)
        if decision.verdict is SigningVerdict.WARN:
            self.output.warn(f"Warning: a real run would not sign with Sigstore: {decision.reason}")
            return
        names = ", ".join(display_path(artifact.path, root) for artifact in unsigned)
        sigstore = repository.settings.sigstore
        self.output.info(f"Would sign with Sigstore ({sigstore}), {decision.reason}: {names}")

    def _attach_attestations(self, artifact: Artifact, repository: Repository, chain: CredentialChain) -> bool:
        mode = repository.settings.attestations
        attach = sends_attestations(mode, trusted_publishing=chain.trusted_publishing)
        if artifact.attestations and not attach:
            self.output.debug(
                f"Not sending the attestations of {artifact.name} (option `attestations` is {mode}; with `auto` they "
                "go with trusted publishing only, the one way PyPI accepts them)"
            )
        return attach and bool(artifact.attestations)


class Prompter:
    """Prompts through the output: the username with `__token__` as the Enter default, the password hidden. `waited`
    is the time spent waiting for the answers, which the elapsed time leaves out."""

    def __init__(self, output: Output, clock: Callable[[], float] = time.monotonic) -> None:
        self.output = output
        self.clock = clock
        self.waited = 0.0

    def username(self, text: str, default: str) -> str:
        return self._ask(text, default=default)

    def password(self, text: str) -> str:
        return self._ask(text, hide=True)

    def _ask(self, text: str, *, default: str | None = None, hide: bool = False) -> str:
        started = self.clock()
        try:
            return self.output.ask(text, default=default, hide=hide)
        finally:
            self.waited += self.clock() - started


def _unsigned(to_upload: list[Artifact]) -> list[Artifact]:
    """The files to upload that have no publish attestation beside them (asked only when signing is wanted)."""
    return [artifact for artifact in to_upload if not attestation_path(artifact.path).exists()]


def _load_pypirc(cli: Layer, hatch: Layer) -> Pypirc | None:
    given = first_value("pypirc", cli, hatch)
    if given is None:
        return load_pypirc(default_path())
    path = Path(given.value).expanduser()
    loaded = load_pypirc(path)
    if loaded is None:
        message = f"{given.source}: {path} does not exist"
        raise PublishError(message)
    return loaded


class Terminated(KeyboardInterrupt):
    """SIGTERM (a cancelled CI job, `docker stop`): handled as Ctrl-C is, and ends with 143."""


@dataclass
class Stop:
    """The signal that stopped the run, if one did: SIGTERM is made to stop it as Ctrl-C does (uploads stopped, what
    is on the index said, the report written), and ends it with 143."""

    signals: list[int] = field(default_factory=list)

    @contextmanager
    def watching(self) -> Iterator[None]:
        """While the run goes, SIGTERM raises `Terminated` where Ctrl-C raises KeyboardInterrupt."""

        def terminate(number: int, _frame: object) -> None:
            self.signals.append(number)
            raise Terminated

        try:
            previous = signal.signal(signal.SIGTERM, terminate)
        except ValueError:  # not the main thread: leave SIGTERM as it is
            yield
            return
        try:
            yield
        finally:
            signal.signal(signal.SIGTERM, previous)

    def words(self, interruption: BaseException | None = None) -> str:
        """How the run was stopped, for its message."""
        return "Terminated (SIGTERM)" if isinstance(interruption, Terminated) or self.signals else "Interrupted"

    def exit_code(self, code: int) -> int:
        """143 for a run that SIGTERM stopped, else `code`."""
        return EXIT_TERMINATED if code == EXIT_INTERRUPTED and self.signals else code


def print_now(line: str) -> None:
    """Straight to stdout, before anything else can print: for the CI's log masking command."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()
