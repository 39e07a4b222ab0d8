"""The public API: every name ``riskengine`` exports imports, and is the object its module defines."""

from __future__ import annotations

import importlib

import pytest

import riskengine


@pytest.mark.parametrize("name", riskengine.__all__)
def test_every_exported_name_imports(name: str) -> None:
    exported = getattr(riskengine, name)
    module = importlib.import_module(riskengine._EXPORTS[name])
    assert exported is getattr(module, name)
