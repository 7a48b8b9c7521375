"""A call that may never return (a keyring waiting for an unlock nobody can give, a cloud SDK probing a metadata
server), made on a daemon thread and given up after a bound; the thread is left behind and never keeps the process
alive."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable

T = TypeVar("T")


@dataclass(frozen=True)
class Answer(Generic[T]):
    """What the call returned, or what it raised; neither when it did not end in time."""

    value: T | None = None
    error: BaseException | None = None
    answered: bool = False


def call_within(call: Callable[[], T], timeout: float, name: str) -> Answer[T]:
    """`call()` on a daemon thread named `name`, waited for at most `timeout` seconds."""
    outcome: list[Answer[T]] = []

    def run() -> None:
        try:
            outcome.append(Answer(call(), answered=True))
        except BaseException as e:  # noqa: BLE001 -- any failure is the caller's to word
            outcome.append(Answer(error=e, answered=True))

    worker = threading.Thread(target=run, name=name, daemon=True)
    worker.start()
    worker.join(timeout)
    return outcome[0] if outcome else Answer()


def describe(error: BaseException) -> str:
    """`TypeName: the first line of its message`, or the type's name alone."""
    text = str(error).strip()
    return f"{type(error).__name__}: {text.splitlines()[0]}" if text else type(error).__name__
