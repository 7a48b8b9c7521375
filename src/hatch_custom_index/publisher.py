"""The `custom-index` publisher: wires settings, repository, plan, credentials and uploads; the only user of `app`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hatch.publish.plugin.interface import PublisherInterface

from hatch_custom_index.errors import PublishError, redact_url
from hatch_custom_index.settings import HATCH, PLUGIN_NAME, PROJECT

if TYPE_CHECKING:
    from hatch_custom_index.artifacts import Artifact
    from hatch_custom_index.credentials import CredentialChain
    from hatch_custom_index.index import Credentials, IndexClient
    from hatch_custom_index.repositories import Repository


class CustomIndexPublisher(PublisherInterface):
    """Publish wheels and sdists to any PyPI-compatible index."""

    PLUGIN_NAME = PLUGIN_NAME

    def publish(self, artifacts: list[str], options: dict[str, Any]) -> None:
        try:
            self._publish(artifacts, options)
        except PublishError as e:
            self.app.abort(str(e))

    def _publish(self, paths: list[str], options: dict[str, Any]) -> None:
        from hatch_custom_index.artifacts import find_artifacts, read_batch
        from hatch_custom_index.credentials import CredentialChain
        from hatch_custom_index.index import IndexClient
        from hatch_custom_index.repositories import select_repository
        from hatch_custom_index.settings import parse_cli, parse_config, parse_env

        repository = select_repository(
            parse_cli(options),
            parse_env(os.environ),
            parse_config(self.project_config, "project config", PROJECT),
            parse_config(self.plugin_config, self._hatch_config_label(), HATCH),
        )
        root = Path(self.root)
        batch = read_batch(find_artifacts(paths, root))
        self.app.display_info(f"Publishing to {repository.display_name} ({redact_url(repository.url)})")

        chain = CredentialChain(repository)
        client = IndexClient(repository, repository.get("timeout"))
        try:
            to_upload = self._plan(batch, repository, client, chain.get)
            credentials = chain.get() if to_upload else None
            if credentials is not None:
                client.secrets.append(credentials.password)
            self._upload(batch, to_upload, client, credentials, root, chain)
        finally:
            client.close()

    def _plan(
        self, batch: list[Artifact], repository: Repository, client: IndexClient, credentials: Any
    ) -> list[Artifact]:
        """Which files to upload: those the index lacks. Files it holds already are skipped or refused, all before
        the first upload."""
        from hatch_custom_index.index import different_file_message

        def optional_credentials() -> Credentials | None:
            try:
                return credentials()
            except PublishError:
                return None

        existing: dict[str, dict[str, str | None]] = {}
        for project in dict.fromkeys(artifact.project for artifact in batch):
            existing[project], warning = client.existing_files(project, optional_credentials)
            if warning:
                self.app.display_warning(f"Warning: {warning}; uploading anyway")

        problems, to_upload = [], []
        for artifact in batch:
            digest = existing[artifact.project].get(artifact.name, "")
            if artifact.name not in existing[artifact.project] or digest is None:
                to_upload.append(artifact)
            elif digest != artifact.sha256:
                problems.append(different_file_message(artifact, client.project_url(artifact.project)))
            elif not repository.get("skip-existing"):
                source = repository.settings["skip-existing"].source
                problems.append(f"{artifact.name} is already on the index ({source} is false)")
        if problems:
            message = "Nothing was uploaded:\n" + "\n".join(f"  - {problem}" for problem in problems)
            raise PublishError(message)
        return to_upload

    def _upload(
        self,
        batch: list[Artifact],
        to_upload: list[Artifact],
        client: IndexClient,
        credentials: Credentials | None,
        root: Path,
        chain: CredentialChain,
    ) -> None:
        from hatch_custom_index.index import EXISTS

        on_index: list[Artifact] = []
        for artifact in batch:
            shown = _display_path(artifact.path, root)
            if artifact not in to_upload:
                self.app.display_warning(f"{shown} ... already exists")
                on_index.append(artifact)
                continue
            try:
                result = client.upload(artifact, credentials)  # type: ignore[arg-type]
            except PublishError as e:
                self.app.display_error(f"{shown} ... failed")
                missing = [_display_path(a.path, root) for a in batch if a not in on_index]
                message = f"Uploading {artifact.name} to {client.repository.display_name} failed: {e}"
                if on_index:
                    message += f"\nOn the index: {', '.join(a.name for a in on_index)}"
                message += f"\nNot on the index: {', '.join(missing)}"
                message += (
                    f"\nCredentials: username from {chain.username_source}, password from {chain.password_source}"
                )
                raise PublishError(message) from None
            if result == EXISTS:
                self.app.display_warning(f"{shown} ... already exists")
            else:
                self.app.display_success(f"{shown} ... success")
            on_index.append(artifact)

        for project, version in dict.fromkeys((a.project, a.version) for a in batch):
            self.app.display_info()
            self.app.display_mini_header(project)
            self.app.display_info(client.repository.release_url(project, version, client.simple_url))

    def _hatch_config_label(self) -> str:
        path = getattr(getattr(self.app, "config_file", None), "path", None)
        return f"Hatch config ({path})" if path else "Hatch config"


def _display_path(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)
