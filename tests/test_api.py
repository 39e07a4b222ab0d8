"""The public API: every name a riskengine package exports imports, is the object its module defines, and is
named where type checkers and readers see it (the lazy exports hide names from them otherwise)."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest

import riskengine

ROOT = Path(riskengine.__file__).parent


def _packages() -> list[str]:
    names = ["riskengine"]
    names += [info.name for info in pkgutil.walk_packages([str(ROOT)], prefix="riskengine.") if info.ispkg]
    return sorted(names)


def _exported() -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for package in _packages():
        module = importlib.import_module(package)
        pairs += [(package, name) for name in getattr(module, "__all__", ())]
    return pairs


@pytest.mark.parametrize(("package", "name"), _exported())
def test_every_exported_name_imports(package: str, name: str) -> None:
    module = importlib.import_module(package)
    exported = getattr(module, name)
    lazy = getattr(module, "_EXPORTS", {})
    if name in lazy:
        assert exported is getattr(importlib.import_module(lazy[name]), name)


@pytest.mark.parametrize("package", _packages())
def test_lazy_exports_are_listed_for_type_checkers(package: str) -> None:
    module = importlib.import_module(package)
    lazy: dict[str, str] = getattr(module, "_EXPORTS", {})
    if not lazy:
        return
    assert sorted(module.__all__) == sorted(lazy), "__all__ and the lazy exports differ"
    tree = ast.parse(Path(module.__file__ or "").read_text(encoding="utf-8"))
    typed: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            for statement in node.body:
                if isinstance(statement, ast.ImportFrom) and statement.module:
                    typed.update({alias.name: statement.module for alias in statement.names})
    assert typed == lazy, "the TYPE_CHECKING imports must name exactly the lazy exports, from the same modules"


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'assess_everything'"):
        riskengine.assess_everything  # noqa: B018
