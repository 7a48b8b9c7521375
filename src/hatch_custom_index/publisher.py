"""The `custom-index` publisher: Hatch's adapter. It hands the pipeline what Hatch gives a publisher, speaks through
Hatch's console, and turns the run's ending into Hatch's abort; the only user of `app`.

Hatch imports this module only when it looks a publisher up (the hook imports it lazily), so its imports are at the
top.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from hatch.publish.plugin.interface import PublisherInterface

from hatch_custom_index.pipeline import Request, run
from hatch_custom_index.settings import HATCH_INDEX_PUBLISHER, PLUGIN_NAME

if TYPE_CHECKING:
    from collections.abc import Callable


class CustomIndexPublisher(PublisherInterface):
    """Publish wheels and sdists to any PyPI-compatible index."""

    PLUGIN_NAME = PLUGIN_NAME

    def publish(self, artifacts: list[str], options: dict[str, Any]) -> None:
        path = getattr(getattr(self.app, "config_file", None), "path", None)
        request = Request(
            paths=list(artifacts),
            options=options,
            root=Path(self.root),
            cache_dir=Path(self.cache_dir),
            project_config=self.project_config,
            plugin_config=self.plugin_config,
            hatch_index_config=self.app.config.publish.get(HATCH_INDEX_PUBLISHER, {}),
            config_label=f"Hatch config ({path})" if path else "Hatch config",
            interactive=sys.stdin.isatty(),
        )
        ending = run(request, HatchOutput(self.app))
        if ending.message is not None:
            self.app.abort(ending.message, code=ending.exit_code)


class HatchOutput:
    """The pipeline's `Output` on Hatch's console, which the upload threads share."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self._lock = threading.Lock()

    @property
    def verbosity(self) -> int:
        return int(self.app.verbosity)

    def info(self, text: str) -> None:
        self._say(self.app.display_info, text)

    def success(self, text: str) -> None:
        self._say(self.app.display_success, text)

    def warn(self, text: str) -> None:
        self._say(self.app.display_warning, text)

    def error(self, text: str) -> None:
        self._say(self.app.display_error, text)

    def debug(self, text: str) -> None:
        self._say(self.app.display_debug, text)  # level 1: shown with -v

    def header(self, text: str) -> None:
        self._say(self.app.display_mini_header, text)

    def _say(self, display: Callable[[str], None], text: str) -> None:
        with self._lock:  # one line at a time: the upload threads share the console
            display(text)

    def ask(self, text: str, *, default: str | None = None, hide: bool = False) -> str:
        options: dict[str, Any] = {"hide_input": True} if hide else {"default": default}
        try:
            return str(self.app.prompt(text, **options))
        except click.exceptions.Abort:  # how click reports Ctrl-C (or the end of input) at its prompt
            raise KeyboardInterrupt from None
