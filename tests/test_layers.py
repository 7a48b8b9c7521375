"""The package's imports go down the layers that the README's design section draws, and form no circle: a module
imports only modules of its own layer or below (type-checking imports included), and every module has a layer."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = "hatch_custom_index"
SOURCE = Path(__file__).parent.parent / "src" / PACKAGE

# Bottom first. A name stands for the module and, for a package, everything in it.
LAYERS: list[set[str]] = [
    # words and values: no module of ours below them
    {
        "__about__",
        "errors",
        "text",
        "suggest",
        "bounded",
        "json_types",
        "html_pages",
        "zip_records",
        "index.retry",
        "index.deadline",
    },
    # reading what is given: settings, URLs, files, archives and their rules, digests
    {
        "urls",
        "settings",
        "hatch_flags",
        "archive",
        "rules",
        "attestations",
        "cache",
        "pypirc",
        "keyrings",
        "digests",
        "discovery",
        "index.messages",
        "index.simple",
    },
    # what a publish is made of: the repository, its transport, the artifacts read and checked, the upload body
    {"repositories", "transport", "form", "artifacts", "multipart", "prefetch"},
    # the pure decisions over them: what happened to a file, the plan, the outcome, and their reports
    {"model", "plan", "outcome", "progress", "report"},
    # talking to the index, to token services, and to Sigstore
    {"index", "tokens", "signing"},
    # the run: credentials in the documented order, the uploads
    {"credentials", "uploads", "pipeline"},
    # Hatch's door
    {"publisher", "hooks", ""},
]


def module_names() -> dict[str, Path]:
    """Every module of the package by its dotted name below the package (`index.client`; the package itself is "")."""
    names = {}
    for path in SOURCE.rglob("*.py"):
        parts = path.relative_to(SOURCE).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names[".".join(parts)] = path
    return names


def imports_of(path: Path, modules: dict[str, Path]) -> set[str]:
    """The modules of ours that `path` imports, wherever in it (functions and type-checking blocks too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == PACKAGE:
            base = node.module.removeprefix(PACKAGE).lstrip(".")
            for alias in node.names:
                candidate = f"{base}.{alias.name}".lstrip(".")
                found.add(candidate if candidate in modules else base)
        elif isinstance(node, ast.Import):
            found.update(a.name.removeprefix(PACKAGE).lstrip(".") for a in node.names if a.name.startswith(PACKAGE))
    return found


def layer_of(module: str) -> int:
    for number, layer in enumerate(LAYERS):
        if any(module == name or (name and module.startswith(name + ".")) for name in layer):
            return number
    message = f"{module} is in no layer: add it to LAYERS and to the README's design section"
    raise AssertionError(message)


def graph() -> dict[str, set[str]]:
    modules = module_names()
    return {name: imports_of(path, modules) - {name} for name, path in modules.items()}


def test_every_import_goes_down_the_layers() -> None:
    upward = [
        f"{module} (layer {layer_of(module)}) imports {imported} (layer {layer_of(imported)})"
        for module, imported_modules in graph().items()
        for imported in imported_modules
        if layer_of(imported) > layer_of(module)
    ]
    assert upward == []


def test_no_module_imports_itself_through_others() -> None:
    edges = graph()
    circles = []

    def visit(module: str, path: list[str]) -> None:
        for imported in sorted(edges[module]):
            if imported == path[0]:
                circles.append(" -> ".join([*path, imported]))
            elif imported not in path and imported > path[0]:  # each circle once, from its smallest name
                visit(imported, [*path, imported])

    for module in sorted(edges):
        visit(module, [module])
    assert circles == []
