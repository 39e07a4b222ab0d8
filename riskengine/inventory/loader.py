"""Load an inventory from any supported format (systems are found in it by ``riskengine.inventory.matching``)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from riskengine.inventory.model import Inventory
from riskengine.inventory.records import build_inventory
from riskengine.inventory.vocabulary import Vocabularies
from riskengine.runfiles import require_regular_file

InventoryFormat = Literal["yaml", "xlsx", "backstage"]


def detect_format(path: Path) -> InventoryFormat:
    """By structure, not name alone: a folder or a YAML file of ``apiVersion: backstage.io`` entities is a
    Backstage catalog; a workbook is the Excel format; other YAML is the native format."""
    if path.is_dir():
        return "backstage"
    require_regular_file(path)  # before the first open: a pipe would keep it waiting
    with path.open("rb") as handle:
        head = handle.read(4096)
    if head.startswith(b"PK\x03\x04") or path.suffix.lower() in (".xlsx", ".xlsm"):
        return "xlsx"
    if b"backstage.io/" in head and b"kind:" in head:
        return "backstage"
    return "yaml"


def load_inventory(path: Path, *, vocabularies: Vocabularies, format: InventoryFormat | None = None) -> Inventory:
    """Load and check an inventory; every problem is reported with its place (``file:line``, ``Sheet!Cell``).

    Capabilities and data classes are resolved to the terms of ``vocabularies`` (the policy's)."""
    kind = format or detect_format(path)
    if kind == "xlsx":
        from riskengine.inventory.workbook import read_workbook

        organisation, systems, integrations = read_workbook(path)
    elif kind == "backstage":
        from riskengine.inventory.backstage import read_catalog

        organisation, systems, integrations = read_catalog(path, vocabularies)
    else:
        from riskengine.inventory.native import read_native

        organisation, systems, integrations = read_native(path)
    return build_inventory(str(path), systems, integrations, organisation=organisation, vocabularies=vocabularies)
