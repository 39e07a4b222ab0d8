"""From raw records (whatever the source format) to a checked Inventory, with every problem placed.

Each reader (YAML, Excel, Backstage) turns its file into ``Record``s that remember where each field came
from; ``build_inventory`` then validates them all the same way, so the three formats report problems alike
and give the same graph for the same content.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from typing import Any

from pydantic import ValidationError

from riskengine.errors import InputError, Problem
from riskengine.inventory.model import Integration, Inventory, System
from riskengine.inventory.vocabulary import Vocabularies, Vocabulary

_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0", ""}
_LIST_FIELDS = ("capabilities", "data_classes")
_TEXT_LIST_FIELDS = ("aliases",)
"""Lists of free text (comma-separated in one cell or annotation, or a YAML list)."""
_BOOL_FIELDS = ("customer_facing", "sanctioned")


class Record:
    """One system or integration as read, with its place and, where known, each field's place.

    Places may be given lazily (a function), for readers whose places are costly to compute and are
    only needed when there is a problem to report (the YAML reader parses line numbers only then).
    """

    __slots__ = ("_field_places", "_place", "fields")

    def __init__(self, place: str | Callable[[], str], fields: dict[str, Any],
                 field_places: Mapping[str, str] | Callable[[str], str] | None = None) -> None:
        self._place = place
        self.fields = fields
        self._field_places = field_places or {}

    @property
    def place(self) -> str:
        return self._place if isinstance(self._place, str) else self._place()

    def where(self, name: str) -> str:
        if callable(self._field_places):
            return self._field_places(name)
        return self._field_places.get(name) or self.place


MAX_SYSTEMS = 100_000
MAX_INTEGRATIONS = 1_000_000
"""What one assessment analyses: the analysis is linear in both (``PathTree``), about 4 s and 400 MB for a
ring of 50,000 systems; past these the machine, not the method, sets the limit."""


def build_inventory(source: str, systems: list[Record], integrations: list[Record], *, organisation: str = "",
                    vocabularies: Vocabularies) -> Inventory:
    """Validate records into an Inventory; raise ``InputError`` listing every problem with its place."""
    if len(systems) > MAX_SYSTEMS or len(integrations) > MAX_INTEGRATIONS:
        raise InputError(source, [Problem(place=source, message=(
            f"{len(systems):,} systems and {len(integrations):,} integrations; the limits are {MAX_SYSTEMS:,} and "
            f"{MAX_INTEGRATIONS:,} (split the inventory by business unit)"))])
    lookups = {"capabilities": vocabularies.capability, "data_classes": vocabularies.data_class}
    problems: list[Problem] = []
    built_systems: list[System] = []
    first_record: dict[str, Record] = {}
    for record in systems:
        raw_id = str(record.fields.get("id") or "").strip()
        duplicate = raw_id in first_record
        if duplicate:
            problems.append(Problem(place=record.where("id"), message=f"duplicate system id {raw_id!r} "
                                                                      f"(first at {first_record[raw_id].place})"))
        elif raw_id:
            first_record[raw_id] = record
        system = _system(record, lookups, problems)
        if system is not None and not duplicate:
            built_systems.append(system)
    known = sorted(first_record)
    built_integrations: list[Integration] = []
    for record in integrations:
        integration = _integration(record, lookups, problems)
        if integration is None:
            continue
        ok = True
        for end, name in ((integration.source, "from"), (integration.target, "to")):
            if end not in first_record:
                close = difflib.get_close_matches(end, known, n=3, cutoff=0.6)
                hint = f"; closest: {', '.join(close)}" if close else ""
                problems.append(Problem(place=record.where(name), message=f"{name}: unknown system {end!r}{hint}"))
                ok = False
        if integration.source == integration.target:
            problems.append(Problem(place=record.place,
                                    message=f"self-loop: {integration.source!r} integrates with itself"))
            ok = False
        if ok:
            built_integrations.append(integration)
    if not systems:
        problems.append(Problem(place=source, message="no systems found"))
    if problems:
        raise InputError(source, problems)
    return Inventory(organisation=organisation, source=source, systems=tuple(built_systems),
                     integrations=tuple(built_integrations))


def _system(record: Record, lookups: dict[str, Vocabulary], problems: list[Problem]) -> System | None:
    fields = dict(record.fields)
    if "id" in fields and fields["id"] is not None:
        fields["id"] = str(fields["id"]).strip()
    fields.setdefault("name", fields.get("id", ""))
    ok = _normalise(fields, record, lookups, problems)
    for name in _TEXT_LIST_FIELDS:
        if name in fields:
            fields[name] = tuple(dict.fromkeys(_as_list(fields[name])))
    for name in _BOOL_FIELDS:
        if name in fields and not isinstance(fields[name], bool):
            text = str(fields[name] if fields[name] is not None else "").strip().casefold()
            if text in _TRUE | _FALSE:
                fields[name] = text in _TRUE if text else name == "sanctioned"
            else:
                problems.append(Problem(place=record.where(name),
                                        message=f"{name}: expected yes or no; got {fields[name]!r}"))
                ok = False
    if isinstance(fields.get("criticality"), str):
        fields["criticality"] = fields["criticality"].strip().casefold()
    return _validate(System, fields, record, problems) if ok else None


def _integration(record: Record, lookups: dict[str, Vocabulary], problems: list[Problem]) -> Integration | None:
    fields = dict(record.fields)
    for name in ("from", "to"):
        if fields.get(name) is not None:
            fields[name] = str(fields[name]).strip()
    for name in ("method", "frequency"):
        if isinstance(fields.get(name), str):
            fields[name] = fields[name].strip().casefold()
    ok = _normalise(fields, record, lookups, problems)
    return _validate(Integration, fields, record, problems) if ok else None


def _normalise(fields: dict[str, Any], record: Record, lookups: dict[str, Vocabulary], problems: list[Problem]) -> bool:
    """Resolve list fields through their vocabularies (synonyms allowed); an unknown term is a problem."""
    ok = True
    for name in _LIST_FIELDS:
        if name not in fields:
            continue
        vocabulary = lookups[name]
        terms: list[str] = []
        for raw in _as_list(fields[name]):
            term = vocabulary.resolve(raw)
            if term is None:
                close = vocabulary.closest(raw)
                hint = f"; closest known term: {close}" if close else ""
                problems.append(Problem(place=record.where(name),
                                        message=f"{name}: unknown {vocabulary.name} {raw!r}{hint}"))
                ok = False
            elif term not in terms and term != "none":
                terms.append(term)
        fields[name] = tuple(terms)
    return ok


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [str(item).strip() for item in value if str(item).strip()]
    return [item.strip() for item in str(value).replace(";", ",").split(",") if item.strip()]


def _validate(model: type[System] | type[Integration], fields: dict[str, Any], record: Record,
              problems: list[Problem]) -> Any:
    try:
        return model.model_validate(fields)
    except ValidationError as exc:
        for item in exc.errors():
            name = str(item["loc"][0]) if item["loc"] else ""
            message = str(item["msg"]).removeprefix("Value error, ")
            value = f"; got {item['input']!r}" if name and item["type"] != "missing" else ""
            problems.append(Problem(place=record.where(name), message=f"{name}: {message}{value}"))
        return None
