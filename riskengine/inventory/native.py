"""Read the native inventory format (YAML, see docs/inventory.md) into records placed as ``file:line``."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from riskengine.datafile import YamlLimits, YamlPlaces, YamlSyntaxError, parse_yaml
from riskengine.errors import InputError, Problem
from riskengine.inventory.records import Record
from riskengine.runfiles import require_regular_file

MAX_INVENTORY_BYTES = 100_000_000
INVENTORY_LIMITS = YamlLimits(max_expanded_chars=MAX_INVENTORY_BYTES, max_nodes=2_500_000,
                              text_trusted_above=1_000_000)
"""An inventory may be as large as its file cap once aliases are expanded, and hold 2,500,000 values: three
times the 815,000 of the 10,000-system benchmark inventory (benchmarks/inventory_scale.py), which peaks at
300 MB. Above 1 MB, what its text vouches for spares it the event scan (see ``riskengine.datafile``)."""
_TOP_LEVEL = ("organisation", "systems", "integrations")


def read_native(path: Path) -> tuple[str, list[Record], list[Record]]:
    """The organisation, system records and integration records of a native YAML inventory.

    Line numbers are worked out only for records that turn out to have a problem.
    """
    name = str(path)
    text = read_text(path, MAX_INVENTORY_BYTES)
    try:
        data = parse_yaml(text, name, INVENTORY_LIMITS)
    except YamlSyntaxError as exc:
        raise InputError(name, [exc.problem]) from exc
    places = YamlPlaces(name, text)
    if not isinstance(data, dict):
        raise InputError(name, [Problem(place=f"{name}:1",
                                        message="expected a mapping with systems: and integrations:")])
    problems = [Problem(place=places.place((key,)), message=f"unknown key {key!r}; expected one of "
                                                            f"{', '.join(_TOP_LEVEL)}")
                for key in data if key not in _TOP_LEVEL]
    records: dict[str, list[Record]] = {"systems": [], "integrations": []}
    for section, found in records.items():
        items = data.get(section) or []
        if not isinstance(items, list):
            problems.append(Problem(place=places.place((section,)), message=f"{section}: expected a list"))
            continue
        for index, item in enumerate(items):
            location = (section, index)
            if not isinstance(item, dict):
                problems.append(Problem(place=places.place(location),
                                        message=f"{section}: each entry must be a mapping"))
                continue
            found.append(Record(place=partial(places.place, location), fields=item,
                                field_places=partial(_field_place, places, location)))
    if problems:
        raise InputError(name, problems)
    return str(data.get("organisation") or ""), records["systems"], records["integrations"]


def _field_place(places: YamlPlaces, location: tuple[str | int, ...], field: str) -> str:
    return places.place((*location, field))


def read_text(path: Path, limit: int) -> str:
    """A user's text file, refused if larger than ``limit``, not UTF-8, or not a regular file."""
    name = str(path)
    require_regular_file(path)
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
