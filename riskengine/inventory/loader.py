"""Read the inventory (documented YAML format, see docs/inventory.md) and find systems by id or name."""

from __future__ import annotations

import difflib
from pathlib import Path

from riskengine.datafile import load_yaml_model
from riskengine.inventory.model import Inventory, System


def load_inventory(path: Path) -> Inventory:
    """Load and validate an inventory file; problems are reported as ``file:line``."""
    return load_yaml_model(path, Inventory, user_file=True)


def _key(text: str) -> str:
    return "".join(text.split()).casefold()


class SystemIndex:
    """Finds an existing system by its id or its name, ignoring case and spacing."""

    def __init__(self, inventory: Inventory) -> None:
        self._by_key: dict[str, System] = {}
        for system in inventory.systems:
            self._by_key.setdefault(_key(system.id), system)
            self._by_key.setdefault(_key(system.name), system)
        self._labels = sorted({system.id for system in inventory.systems} |
                              {system.name for system in inventory.systems})

    def find(self, name: str) -> System | None:
        return self._by_key.get(_key(name))

    def closest(self, name: str, count: int = 3) -> list[str]:
        """The known ids and names nearest to ``name``, for an error message."""
        by_key = {_key(label): label for label in self._labels}
        matches = difflib.get_close_matches(_key(name), list(by_key), n=count, cutoff=0.5)
        return [by_key[match] for match in matches]
