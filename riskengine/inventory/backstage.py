"""Read a Backstage software catalog (``catalog-info.yaml`` files) into records placed as ``file:line``.

Components and Resources become systems; APIs (each provider sends to each consumer) and ``dependsOn``
(the depended-on system sends to the dependent) become integrations. ``Location`` entities are followed
when they name local files inside the catalog folder; a URL is never fetched. The mapping is described in
docs/inventory.md ("Backstage catalog"); values are checked later by ``build_inventory``.
"""

from __future__ import annotations

import difflib
import os
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from riskengine.datafile import YamlSyntaxError, parse_yaml_documents, yaml_problem
from riskengine.errors import InputError, Problem
from riskengine.inventory.native import read_text
from riskengine.inventory.records import Record
from riskengine.inventory.vocabulary import Vocabularies, Vocabulary

MAX_CATALOG_FILE_BYTES = 5_000_000
MAX_CATALOG_BYTES = 100_000_000
MAX_CATALOG_FILES = 20_000
API_VERSIONS = ("backstage.io/v1alpha1", "backstage.io/v1beta1")
ANNOTATION_PREFIX = "riskengine.io/"

_SYSTEM_KINDS = frozenset({"component", "resource"})
_IGNORED_KINDS = frozenset({"system", "domain", "group", "user", "template"})
_KNOWN_KINDS = _SYSTEM_KINDS | _IGNORED_KINDS | {"api", "location"}
_SYSTEM_ANNOTATIONS = ("department", "criticality", "capabilities", "data-classes", "customer-facing", "sanctioned",
                       "hosting", "region", "vendor", "product", "aliases")
_API_ANNOTATIONS = ("method", "data-classes", "frequency")
_PLAIN_ANNOTATIONS = {"data-classes": "data_classes", "customer-facing": "customer_facing",
                      "sanctioned": "sanctioned", "hosting": "hosting", "region": "region", "vendor": "vendor",
                      "product": "product", "aliases": "aliases"}
_GLOB = frozenset("*?[")
_ORGANISATION = ("organization", "organisation")
"""The ``spec.type`` of the Group that names the company (Backstage's own spelling first)."""


@dataclass(frozen=True)
class _Entity:
    """One catalog entity as read, with its YAML node for the line of any key."""

    kind: str
    """Lower case: ``component``, ``api`` ..."""
    name: str
    data: dict[str, Any]
    node: yaml.MappingNode
    file: str
    line: int

    @property
    def key(self) -> str:
        return self.name.casefold()

    @property
    def place(self) -> str:
        return f"{self.file}:{self.line}"

    @property
    def sort_key(self) -> tuple[str, int]:
        return self.file, self.line

    def section(self, name: str) -> dict[str, Any]:
        value = self.data.get(name)
        return value if isinstance(value, dict) else {}

    def annotations(self) -> dict[str, Any]:
        value = self.section("metadata").get("annotations")
        return value if isinstance(value, dict) else {}

    def where(self, *path: str) -> str:
        """``file:line`` of the key at ``path`` (``metadata``, ``name``), or of the entity if it is absent."""
        line = _key_line(self.node, path)
        return f"{self.file}:{line}" if line else self.place

    def items(self, *path: str) -> list[tuple[Any, str]]:
        """The items of the list at ``path``, each with its own ``file:line``."""
        node = _value_node(self.node, path)
        if not isinstance(node, yaml.SequenceNode):
            return []
        value: Any = self.data
        for part in path:
            value = value.get(part) if isinstance(value, dict) else None
        if not isinstance(value, list):
            return []
        return [(item, f"{self.file}:{child.start_mark.line + 1}")
                for item, child in zip(value, node.value, strict=False)]


def read_catalog(path: Path, vocabularies: Vocabularies) -> tuple[str, list[Record], list[Record]]:
    """The organisation, system records and integration records of a Backstage catalog.

    ``path`` is a catalog folder (every ``*.yaml``/``*.yml`` file below it that mentions ``backstage.io/``,
    hidden folders skipped) or one catalog file. Raises ``InputError`` listing every problem as ``file:line``.
    """
    reader = _CatalogReader(path)
    entities = reader.read()
    if reader.problems:
        # a file that cannot be read loses its entities, and every reference to them would be a problem too
        raise InputError(str(path), reader.problems)
    problems: list[Problem] = []
    systems, integrations, organisation = _records(entities, vocabularies.capability, problems)
    if problems:
        raise InputError(str(path), problems)
    return organisation, systems, integrations


class _CatalogReader:
    """Reads catalog files once each, following local Locations that stay inside the catalog folder."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.root = path if path.is_dir() else path.parent
        self.real_root = path.resolve() if path.is_dir() else path.resolve().parent
        self.problems: list[Problem] = []
        self.entities: list[_Entity] = []
        self._queue: deque[tuple[Path, str, bool]] = deque()
        self._seen: set[Path] = set()
        self._files = 0
        self._bytes = 0

    def read(self) -> list[_Entity]:
        if self.path.is_dir():
            for file in self._walk():
                self._enqueue(file, str(file), strict=False)
        elif self.path.exists():
            self._enqueue(self.path, str(self.path), strict=True)
        else:
            self._problem(str(self.path), "no such file or folder")
        while self._queue:
            self._read_file(*self._queue.popleft())
        return sorted(self.entities, key=lambda entity: entity.sort_key)

    def _walk(self) -> list[Path]:
        """Every YAML file below the root, in a stable order, skipping hidden folders and files; symbolic links
        to folders are not followed (``os.walk`` default), so the walk cannot leave the root or loop."""
        found: list[Path] = []
        for folder, folders, files in os.walk(self.root):
            folders[:] = sorted(name for name in folders if not name.startswith("."))
            found.extend(Path(folder) / name for name in sorted(files)
                         if not name.startswith(".") and name.lower().endswith((".yaml", ".yml")))
        return found

    def _enqueue(self, file: Path, name: str, *, strict: bool) -> None:
        """Queue a file unless it was queued before (by the folder walk or another Location)."""
        real = file.resolve()
        if real not in self._seen:
            self._seen.add(real)
            self._queue.append((real, name, strict))

    def _read_file(self, real: Path, name: str, strict: bool) -> None:
        if not real.is_relative_to(self.real_root):
            self._problem(name, f"is a link that leaves the catalog folder {self.root}; refused, not read")
            return
        self._files += 1
        if self._files > MAX_CATALOG_FILES:
            self._problem(name, f"the catalog has more than {MAX_CATALOG_FILES:,} YAML files; refused")
            self._queue.clear()
            return
        try:
            text = read_text(real, MAX_CATALOG_FILE_BYTES)
        except InputError as exc:
            self.problems.extend(Problem(place=name, message=problem.message) for problem in exc.problems)
            return
        self._bytes += len(text)
        if self._bytes > MAX_CATALOG_BYTES:
            self._problem(name, f"the catalog is larger than {MAX_CATALOG_BYTES:,} bytes; refused")
            self._queue.clear()
            return
        if not strict and "backstage.io/" not in text:
            return  # another tool's YAML (mkdocs.yml, a Helm chart): not part of the catalog
        try:
            documents = parse_yaml_documents(text, name)
        except YamlSyntaxError as exc:  # beyond the size, depth or alias limits: nothing was built
            self.problems.append(exc.problem)
            return
        except yaml.YAMLError as exc:
            self.problems.append(yaml_problem(name, exc))
            return
        if not strict and not any(isinstance(data, dict) and ("kind" in data or "apiVersion" in data)
                                  for data, _ in documents):
            return  # YAML that mentions backstage.io/ but holds no entity (a Backstage app-config.yaml)
        for data, node in documents:
            if data is None:
                continue
            entity = self._entity(name, data, node)
            if entity is None:
                continue
            self.entities.append(entity)
            if entity.kind == "location":
                self._follow(entity, real.parent)

    def _entity(self, name: str, data: Any, node: yaml.Node) -> _Entity | None:
        line = node.start_mark.line + 1
        place = f"{name}:{line}"
        if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
            self._problem(place, "expected a catalog entity (a mapping with apiVersion, kind and metadata)")
            return None
        kind, api_version, metadata = data.get("kind"), data.get("apiVersion"), data.get("metadata")
        entity_name = metadata.get("name") if isinstance(metadata, dict) else None
        if not isinstance(kind, str) or not kind.strip():
            self._problem(place, "not a catalog entity: no kind")
            return None
        if not isinstance(entity_name, str) or not entity_name.strip():
            self._problem(place, f"{kind}: no metadata.name")
            return None
        kind = kind.strip().casefold()
        if not isinstance(api_version, str):
            self._problem(place, f"{entity_name}: no apiVersion; expected {' or '.join(API_VERSIONS)}")
            return None
        if kind in _IGNORED_KINDS:
            pass  # any apiVersion: a Template, for one, is scaffolder.backstage.io/v1beta3
        elif kind not in _KNOWN_KINDS:
            if api_version.startswith("backstage.io/"):
                self._problem(place, f"{entity_name}: unknown kind {data['kind']!r}; expected one of "
                                     f"{', '.join(sorted(_KNOWN_KINDS))}")
            return None  # a kind another plugin defines: not a system
        elif api_version not in API_VERSIONS:
            self._problem(f"{name}:{_key_line(node, ('apiVersion',)) or line}",
                          f"{entity_name}: apiVersion {api_version!r}; expected {' or '.join(API_VERSIONS)}")
            return None
        return _Entity(kind=kind, name=entity_name.strip(), data=data, node=node, file=name, line=line)

    def _follow(self, location: _Entity, folder: Path) -> None:
        """Queue the local files a Location names; URLs are left alone, never fetched."""
        spec = location.section("spec")
        targets: list[tuple[Any, str]] = []
        if "target" in spec:
            targets.append((spec["target"], location.where("spec", "target")))
        targets.extend(location.items("spec", "targets"))
        for target, place in targets:
            if not isinstance(target, str) or not target.strip():
                self._problem(place, f"Location {location.name}: target must be a path; got {target!r}")
                continue
            target = target.strip()
            if "://" in target:
                continue  # a URL: never fetched, so its entities are not part of this inventory
            matches = self._matches(folder, target)
            if matches is None:
                self._problem(place, f"Location {location.name}: {target!r} leaves the catalog folder "
                                     f"{self.root}; refused, not read")
                continue
            if not matches:
                self._problem(place, f"Location {location.name}: no file matches {target!r}")
            for match in matches:
                real = match.resolve()
                if not real.is_relative_to(self.real_root):
                    self._problem(place, f"Location {location.name}: {target!r} leaves the catalog folder "
                                         f"{self.root}; refused, not read")
                elif not real.is_file():
                    self._problem(place, f"Location {location.name}: {target!r} is not a file in the catalog")
                else:
                    self._enqueue(real, str(self.root / real.relative_to(self.real_root)), strict=True)

    def _matches(self, folder: Path, target: str) -> list[Path] | None:
        """The files a target names (a path, or a glob such as ``./*/catalog-info.yaml``); None when a glob
        would search outside the catalog folder, which is refused before any folder is listed."""
        parts = Path(target).parts
        first_glob = next((index for index, part in enumerate(parts) if _GLOB & set(part)), None)
        if first_glob is None:
            return [folder / target]
        base = (folder.joinpath(*parts[:first_glob])).resolve()
        if ".." in parts[first_glob:] or not base.is_relative_to(self.real_root):
            return None
        try:
            return sorted(base.glob(str(Path(*parts[first_glob:]))))
        except (OSError, ValueError, NotImplementedError):
            return []

    def _problem(self, place: str, message: str) -> None:
        self.problems.append(Problem(place=place, message=message))


def _records(entities: list[_Entity], capabilities: Vocabulary,
             problems: list[Problem]) -> tuple[list[Record], list[Record], str]:
    """Systems from Components and Resources, integrations from APIs and dependsOn, the organisation's name."""
    titles: dict[str, str] = {}
    apis: dict[str, _Entity] = {}
    organisation = ""
    for entity in entities:
        title = _title(entity)
        if entity.kind == "system":
            titles.setdefault(entity.key, title)
        elif entity.kind == "group" and not organisation and entity.section("spec").get("type") in _ORGANISATION:
            organisation = title
        elif entity.kind == "api":
            if entity.key in apis:
                problems.append(Problem(place=entity.where("metadata", "name"),
                                        message=f"duplicate API {entity.name!r} (first at {apis[entity.key].place})"))
            else:
                apis[entity.key] = entity
            _check_annotations(entity, _API_ANNOTATIONS, problems)
    members = [entity for entity in entities if entity.kind in _SYSTEM_KINDS]
    systems = [_system(entity, titles, capabilities, problems) for entity in members]
    flows = _api_flows(members, apis, problems) + _dependencies(members, problems)
    unique: dict[tuple[Any, ...], Record] = {}
    for record in flows:
        # API flows come first, so a dependsOn repeating one adds nothing; two APIs between the same systems
        # by the same method are one integration carrying the data classes of both
        key = (record.fields["from"], record.fields["to"], record.fields["method"])
        kept = unique.setdefault(key, record)
        if kept is not record and "data_classes" in record.fields:
            classes = _terms(kept.fields.get("data_classes", [])) + _terms(record.fields["data_classes"])
            places = {name: kept.where(name) for name in ("from", "to", "method", "frequency")}
            places["data_classes"] = (kept if "data_classes" in kept.fields else record).where("data_classes")
            unique[key] = Record(place=kept.place, fields={**kept.fields, "data_classes": classes},
                                 field_places=places)
    integrations = sorted(unique.values(), key=lambda record: _place_key(record.place))
    return systems, integrations, organisation


def _system(entity: _Entity, titles: dict[str, str], capabilities: Vocabulary, problems: list[Problem]) -> Record:
    metadata, spec, annotations = entity.section("metadata"), entity.section("spec"), entity.annotations()
    _check_annotations(entity, _SYSTEM_ANNOTATIONS, problems)
    fields: dict[str, Any] = {"id": entity.name.lower()}
    places = {"id": entity.where("metadata", "name")}

    def annotated(annotation: str, field: str) -> bool:
        if ANNOTATION_PREFIX + annotation not in annotations:
            return False
        fields[field] = annotations[ANNOTATION_PREFIX + annotation]
        places[field] = entity.where("metadata", "annotations", ANNOTATION_PREFIX + annotation)
        return True

    title = metadata.get("title")
    fields["name"] = title.strip() if isinstance(title, str) and title.strip() else entity.name
    places["name"] = entity.where("metadata", "title" if "title" in metadata else "name")
    if isinstance(spec.get("owner"), str):
        fields["owner"] = _ref_name(spec["owner"])
        places["owner"] = entity.where("spec", "owner")
    if not annotated("department", "department") and isinstance(spec.get("system"), str):
        system = _ref_name(spec["system"])
        fields["department"] = titles.get(system.casefold(), system)
        places["department"] = entity.where("spec", "system")
    labels = metadata.get("labels")
    if not annotated("criticality", "criticality"):
        if isinstance(labels, dict) and "criticality" in labels:
            fields["criticality"] = labels["criticality"]
            places["criticality"] = entity.where("metadata", "labels", "criticality")
        else:
            fields["criticality"] = "medium"
    terms: list[Any] = []
    if annotated("capabilities", "capabilities"):
        declared = fields["capabilities"]
        terms = _terms(declared)
    tags = metadata.get("tags")
    if isinstance(tags, list):
        # tags are free-form: only those naming a capability count, the rest ("java", "tier-1") are ignored
        terms.extend(term for tag in tags if isinstance(tag, str) and (term := capabilities.resolve(tag)))
        places.setdefault("capabilities", entity.where("metadata", "tags"))
    if terms:
        fields["capabilities"] = terms
    for annotation, field in _PLAIN_ANNOTATIONS.items():
        annotated(annotation, field)
    return Record(place=entity.place, fields=fields, field_places=places)


def _api_flows(members: list[_Entity], apis: dict[str, _Entity], problems: list[Problem]) -> list[Record]:
    """For each API, an integration from every provider to every consumer, described by the API's annotations."""
    providers: dict[str, list[tuple[_Entity, str]]] = {key: [] for key in apis}
    consumers: dict[str, list[tuple[_Entity, str]]] = {key: [] for key in apis}
    for entity in members:
        for field, index in (("providesApis", providers), ("consumesApis", consumers)):
            for ref, place in _refs(entity, field, problems):
                key = _ref_name(ref).casefold()
                if key in index:
                    index[key].append((entity, place))
                else:
                    close = difflib.get_close_matches(key, list(apis), n=3, cutoff=0.6)
                    hint = f"; closest: {', '.join(apis[match].name for match in close)}" if close else ""
                    problems.append(Problem(place=place, message=f"{field}: unknown API {ref!r}{hint}"))
    records: list[Record] = []
    for key, api in apis.items():
        annotations = api.annotations()
        described: dict[str, Any] = {"method": "api", "frequency": "real-time"}
        described_places: dict[str, str] = {"method": api.place, "frequency": api.place}
        for annotation, field in (("method", "method"), ("frequency", "frequency"), ("data-classes", "data_classes")):
            if ANNOTATION_PREFIX + annotation in annotations:
                described[field] = annotations[ANNOTATION_PREFIX + annotation]
                described_places[field] = api.where("metadata", "annotations", ANNOTATION_PREFIX + annotation)
        for provider, provider_place in providers[key]:
            for consumer, consumer_place in consumers[key]:
                if provider.key == consumer.key:
                    continue  # a system using its own API moves no data between systems
                records.append(Record(
                    place=consumer_place,
                    fields={"from": provider.name.lower(), "to": consumer.name.lower(), **described},
                    field_places={"from": provider_place, "to": consumer_place, **described_places}))
    return records


def _dependencies(members: list[_Entity], problems: list[Problem]) -> list[Record]:
    """``A dependsOn B``: B serves A, so the flow runs from B to A, by API, in real time."""
    records: list[Record] = []
    for entity in members:
        for ref, place in _refs(entity, "dependsOn", problems):
            records.append(Record(place=place,
                                  fields={"from": _ref_name(ref).lower(), "to": entity.name.lower(),
                                          "method": "api", "frequency": "real-time"},
                                  field_places={"from": place, "to": entity.where("metadata", "name")}))
    return records


def _refs(entity: _Entity, field: str, problems: list[Problem]) -> list[tuple[str, str]]:
    """The entity references listed under ``spec.<field>``, each with its line."""
    spec = entity.section("spec")
    if field not in spec or spec[field] is None:
        return []
    if not isinstance(spec[field], list):
        problems.append(Problem(place=entity.where("spec", field), message=f"{field}: expected a list of entity "
                                                                           f"references; got {spec[field]!r}"))
        return []
    refs: list[tuple[str, str]] = []
    for ref, place in entity.items("spec", field):
        if isinstance(ref, str) and _ref_name(ref):
            refs.append((ref.strip(), place))
        else:
            problems.append(Problem(place=place, message=f"{field}: expected an entity reference such as "
                                                         f"component:default/crm; got {ref!r}"))
    return refs


def _check_annotations(entity: _Entity, known: tuple[str, ...], problems: list[Problem]) -> None:
    """A misspelt ``riskengine.io/`` annotation would silently fall back to a default, so it is a problem."""
    for annotation in entity.annotations():
        if not isinstance(annotation, str) or not annotation.startswith(ANNOTATION_PREFIX):
            continue
        if annotation.removeprefix(ANNOTATION_PREFIX) not in known:
            expected = ", ".join(ANNOTATION_PREFIX + name for name in known)
            problems.append(Problem(place=entity.where("metadata", "annotations", annotation),
                                    message=f"unknown annotation {annotation!r} on {entity.data['kind']} "
                                            f"{entity.name}; expected one of {expected}"))


def _ref_name(ref: str) -> str:
    """The name in an entity reference ``[kind:][namespace/]name``; kind and namespace are ignored."""
    text = ref.strip()
    if ":" in text:
        text = text.split(":", 1)[1]
    return text.rpartition("/")[2].strip()


def _terms(value: Any) -> list[Any]:
    """A comma-separated annotation (or, leniently, a YAML list) as a list of terms."""
    return list(value) if isinstance(value, list) else str(value).split(",")


def _title(entity: _Entity) -> str:
    title = entity.section("metadata").get("title")
    return title.strip() if isinstance(title, str) and title.strip() else entity.name


def _place_key(place: str) -> tuple[str, int]:
    file, _, line = place.rpartition(":")
    return file, int(line) if line.isdigit() else 0


def _key_line(node: yaml.Node, path: tuple[str, ...]) -> int | None:
    """The 1-based line of the last key of ``path``, or None when the path is not in the tree."""
    line: int | None = None
    for part in path:
        found = _child(node, part)
        if found is None:
            return None
        key, node = found
        line = key.start_mark.line + 1
    return line


def _value_node(node: yaml.Node, path: tuple[str, ...]) -> yaml.Node | None:
    for part in path:
        found = _child(node, part)
        if found is None:
            return None
        node = found[1]
    return node


def _child(node: yaml.Node, key: str) -> tuple[yaml.Node, yaml.Node] | None:
    if isinstance(node, yaml.MappingNode):
        for child_key, child_value in node.value:
            if isinstance(child_key, yaml.ScalarNode) and child_key.value == key:
                return child_key, child_value
    return None
