"""Read the native inventory format (YAML, see docs/inventory.md) into records placed as ``file:line``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from riskengine.datafile import parse_yaml, yaml_problem
from riskengine.errors import InputError, Problem
from riskengine.inventory.records import Record

MAX_INVENTORY_BYTES = 100_000_000
_TOP_LEVEL = {"organisation", "systems", "integrations"}


def read_native(path: Path) -> tuple[str, list[Record], list[Record]]:
    """The organisation, system records and integration records of a native YAML inventory."""
    name = str(path)
    text = read_text(path, MAX_INVENTORY_BYTES)
    try:
        data, root = parse_yaml(text)
    except yaml.YAMLError as exc:
        raise InputError(name, [yaml_problem(name, exc)]) from exc
    if not isinstance(data, dict) or not isinstance(root, yaml.MappingNode):
        raise InputError(name, [Problem(place=f"{name}:1", message="expected a mapping with systems: and integrations:")])
    problems: list[Problem] = []
    sections: dict[str, yaml.Node] = {}
    for key, value in root.value:
        if key.value not in _TOP_LEVEL:
            problems.append(Problem(place=f"{name}:{key.start_mark.line + 1}",
                                    message=f"unknown key {key.value!r}; expected one of {', '.join(sorted(_TOP_LEVEL))}"))
        sections[key.value] = value
    records: dict[str, list[Record]] = {"systems": [], "integrations": []}
    for section in records:
        node = sections.get(section)
        if node is None:
            continue
        if not isinstance(node, yaml.SequenceNode):
            problems.append(Problem(place=f"{name}:{node.start_mark.line + 1}", message=f"{section}: expected a list"))
            continue
        for item, value in zip(node.value, data[section] or [], strict=False):
            place = f"{name}:{item.start_mark.line + 1}"
            if not isinstance(item, yaml.MappingNode) or not isinstance(value, dict):
                problems.append(Problem(place=place, message=f"{section}: each entry must be a mapping"))
                continue
            field_places = {key.value: f"{name}:{key.start_mark.line + 1}" for key, _ in item.value}
            records[section].append(Record(place=place, fields=value, field_places=field_places))
    if problems:
        raise InputError(name, problems)
    organisation = data.get("organisation") or ""
    return str(organisation), records["systems"], records["integrations"]


def read_text(path: Path, limit: int) -> str:
    """A user's text file, refused if larger than ``limit`` or not UTF-8."""
    name = str(path)
    try:
        size = path.stat().st_size
        if size > limit:
            raise InputError(name, [Problem(place=name, message=f"file is {size:,} bytes; the limit is {limit:,}")])
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(name, [Problem(place=name, message=f"not UTF-8 text ({exc.reason} at byte {exc.start})")]) \
            from exc
    except OSError as exc:
        raise InputError(name, [Problem(place=name, message=f"cannot read: {exc.strerror or exc}")]) from exc


