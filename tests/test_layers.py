"""Layers never import upward (`../shared/DESIGN.md`, "Layers"), and no module imports itself back through
others. Every import counts, those inside functions too: a lazy import is still a dependency.

From the bottom up; a module may import its own layer and those below:

    kernel   facts, errors, digest, datafile, resources, exports, atomic, cells, clock, database, collector,
             runfiles, filekind
    policy   policy, questionnaire.bank, score.profile, report.wording, report.scorecard, tco.assumptions,
             inventory.vocabulary, inventory.effort, enrich.kinds, enrich.web_scoring, portfolio.wording,
             organisation, conditions
    read     questionnaire, importers, inventory, enrich, settings
    judge    score, tco
    stages   assessment, pipeline, validation, schema, explain
    output   report, register, outputs, council, signing
    many     batch, portfolio, discover
    shells   cli, web, __main__, the package's lazy exports
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "riskengine"
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("kernel", ("facts", "errors", "digest", "datafile", "resources", "exports", "atomic", "cells", "clock",
                "database", "collector", "runfiles", "filekind")),
    ("policy", ("policy", "questionnaire.bank", "score.profile", "report.wording", "report.scorecard",
                "tco.assumptions", "inventory.vocabulary", "inventory.effort", "enrich.kinds", "enrich.web_scoring",
                "portfolio.wording", "organisation", "conditions")),
    ("read", ("questionnaire", "importers", "inventory", "enrich", "settings")),
    ("judge", ("score", "tco")),
    ("stages", ("assessment", "pipeline", "validation", "schema", "explain")),
    ("output", ("report", "register", "outputs", "council", "signing")),
    ("many", ("batch", "portfolio", "discover")),
    ("shells", ("cli", "web", "__main__", "__init__")),
)
KNOWN_UPWARD: dict[tuple[str, str], str] = {
}
"""Upward imports that exist today, each with the issue that removes it. A new one fails the test."""


def _module_name(path: Path) -> str:
    relative = path.relative_to(ROOT).with_suffix("")
    parts = [part for part in relative.parts if part != "__init__"] or ["__init__"]
    return ".".join(parts)


def _layer(module: str) -> int:
    """The layer of ``module`` (``score.engine``): the longest matching prefix decides."""
    best, found = -1, -1
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best:
                best, found = len(prefix), index
    if found < 0:
        raise AssertionError(f"riskengine.{module} belongs to no layer: add it to LAYERS")
    return found


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("riskengine.") \
                and node.level == 0:
            names.add(node.module.removeprefix("riskengine."))
        elif isinstance(node, ast.Import):
            names.update(alias.name.removeprefix("riskengine.") for alias in node.names
                         if alias.name.startswith("riskengine."))
    return names


MODULES = {_module_name(path): _imports(path) for path in sorted(ROOT.rglob("*.py"))}


def test_every_module_has_a_layer() -> None:
    for module in MODULES:
        _layer(module)


@pytest.mark.parametrize("module", sorted(name for name in MODULES if name != "__init__"))
def test_no_module_imports_a_layer_above_its_own(module: str) -> None:
    upward = sorted(name for name in MODULES[module] if name in MODULES and _layer(name) > _layer(module)
                    and (module, name) not in KNOWN_UPWARD)
    assert not upward, (f"riskengine.{module} ({LAYERS[_layer(module)][0]}) imports "
                        + ", ".join(f"{name} ({LAYERS[_layer(name)][0]})" for name in upward))


def test_the_known_upward_imports_still_exist() -> None:
    """An exception that is no longer needed is removed from KNOWN_UPWARD (the list only ever shrinks)."""
    for module, target in KNOWN_UPWARD:
        assert target in MODULES[module], f"{module} -> {target} is gone: remove it from KNOWN_UPWARD"


KNOWN_CYCLES: dict[tuple[str, str], str] = {}


def test_no_import_cycles() -> None:
    graph = {module: {name for name in names if name in MODULES and name != module
                      and (module, name) not in KNOWN_CYCLES}
             for module, names in MODULES.items() if module != "__init__"}
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for target in sorted(graph.get(module, ())):
            if state.get(target) == 1:
                cycles.append([*path[path.index(target):], target] if target in path else [module, target])
            elif target not in state:
                visit(target, [*path, target])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert not cycles, "; ".join(" -> ".join(cycle) for cycle in cycles)
