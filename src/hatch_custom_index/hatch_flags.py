"""Hatch's own publish flags, `-r/-u/-a/--ca-cert/--client-cert/--client-key`, read from the running `hatch publish`.

Hatch passes these flags only to its built-in `index` publisher; every other publisher gets `-o` options alone. The
values are still in the click context of the command that is running the plugin, with where click took each from:
the command line, or the `HATCH_INDEX_*` environment variable (read by `settings.parse_env` itself, which also
refuses an empty one). When that context cannot be read, the publish stops: a repository, user or certificate the
user typed is never silently ignored.
"""

from __future__ import annotations

from typing import Any

import click
from click.core import ParameterSource

from hatch_custom_index.errors import ConfigurationError
from hatch_custom_index.settings import OPTIONS, Layer, Value, convert, note_trimmed

# click's parameter name -> (the plugin's option, the flag as Hatch's help spells it)
FLAGS: dict[str, tuple[str, str]] = {
    "repo": ("repo", "-r/--repo"),
    "user": ("user", "-u/--user"),
    "auth": ("auth", "-a/--auth"),
    "ca_cert": ("ca-cert", "--ca-cert"),
    "client_cert": ("client-cert", "--client-cert"),
    "client_key": ("client-key", "--client-key"),
}


def read_flags(context: Any = None) -> Layer:
    """The flags given on the command line of the running `hatch publish`, as a layer of options.

    `context` is the click context of `hatch publish`; the current one when not given.
    """
    context = context if context is not None else click.get_current_context(silent=True)
    params = getattr(context, "params", None)
    if not isinstance(params, dict) or not set(FLAGS) <= set(params) or not hasattr(context, "get_parameter_source"):
        flags = ", ".join(flag for _, flag in FLAGS.values())
        message = (
            f"cannot read Hatch's flags ({flags}) from the running `hatch publish`: this version of Hatch passes "
            "them in a way hatch-custom-index does not know, and a publish must not ignore a repository, user or "
            "certificate you gave. Install a Hatch version that hatch-custom-index supports, or report this"
        )
        raise ConfigurationError(message)
    layer = Layer()
    for param, (name, flag) in FLAGS.items():
        if context.get_parameter_source(param) is not ParameterSource.COMMANDLINE or params[param] is None:
            continue  # not given, or taken from its HATCH_INDEX_* variable, which the environment layer reads
        where = f"option `{flag}`"
        layer.values[name] = Value(convert(OPTIONS[name], params[param], where), where)
        note_trimmed(layer, OPTIONS[name], params[param], where)
    return layer


def merge_command_line(flags: Layer, options: Layer) -> Layer:
    """Hatch's flags and `-o` options are one source; the same option given by both with different values is an
    error naming both (a secret's value is never shown)."""
    merged = Layer(values=dict(options.values), notes=[*flags.notes, *options.notes])
    for name, flagged in flags.values.items():
        other = options.values.get(name)
        if other is not None and other.value != flagged.value:
            shown = "" if OPTIONS[name].credential else f" ({flagged.value!r} and {other.value!r})"
            message = f"{flagged.source} and {other.source} give different values{shown}; give only one of them"
            raise ConfigurationError(message)
        merged.values[name] = flagged
    return merged
