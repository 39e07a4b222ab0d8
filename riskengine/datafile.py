"""Read a YAML file into a pydantic model, reporting every problem as ``file:line``.

One loader for every YAML file riskengine reads (profiles, organisation profiles, mappings, banks, templates,
offers, inventories, Backstage catalogs): values are built by yaml-rs alone, as YAML 1.2's core schema reads
them (YAML 1.2.2 §10.3.2): ``true``/``True``/``TRUE`` and the ``false`` forms are booleans, and ``yes``, ``no``,
``on``, ``off``, ``y``, ``n`` (any case; YAML 1.1's booleans) are strings, so ``country: NO`` is Norway;
integers are ``[-+]?[0-9]+`` in base 10 whatever their leading zeros (``010`` is 10; YAML 1.1 read 8), ``0o17``
octal and ``0x1F`` hexadecimal; ``null``, ``~`` and nothing are null; a date is the string it is written as
(no timestamp type: a model's date field reads the ISO text). Beyond the core schema yaml-rs also reads
``0b101`` and digit groups ``1_000`` as integers. Tags other than the core schema's own (``!!str``, ``!!int``,
...) are refused: data files hold data, never objects. PyYAML's libyaml (C) only scans the text, for the limits
below and the line numbers of problems; it never builds a value.

Files are hostile until read. Before yaml-rs builds a single Python object, a document is held to
``YamlLimits``: how many nodes, how deep, how long one string and one integer may be, and how large the
whole document may become once its aliases are expanded (an alias counts as the size of what it names, so
a 1 MB string aliased 12,000 times counts 12 GB, not 12,000 nodes). A breach is a ``YamlSyntaxError``
with ``file:line``, which readers turn into an ``InputError`` (exit 2): never a MemoryError, a crash of
yaml-rs, or a number Python refuses to print. The limits and why each number: docs/limits.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
import yaml_rs  # imported with the module, in the importing thread: see parse_yaml
from pydantic import BaseModel, ValidationError

from riskengine.errors import ConfigurationError, InputError, Problem
from riskengine.runfiles import require_regular_file

ModelT = TypeVar("ModelT", bound=BaseModel)

MAX_YAML_BYTES = 5_000_000
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class YamlLimits:
    """How large a YAML document may grow: checked on the text, or on a scan of its events, before parsing."""

    max_expanded_chars: int = MAX_YAML_BYTES
    """Characters of every scalar, keys included, with each alias counted as what it names. Aliases may
    shorten a file; they may not make it larger than the largest file the reader accepts written out."""
    max_nodes: int = 500_000
    """Scalars, sequences and mappings, aliases expanded. Our largest data file (scoring/default.yaml) has
    3,540; 500,000 is over a hundred times that and builds in well under a second."""
    max_depth: int = 64
    """Nested sequences and mappings. Our deepest data file nests 10 levels (rule conditions); yaml-rs has no
    limit of its own on block nesting and crashed (a segmentation fault) at 12,000 levels."""
    max_string_chars: int = 100_000
    """One scalar. The longest in our data is 461 characters; 100,000 (some 30 pages) is room for any note."""
    max_integer_digits: int = 100
    """One integer. No count, amount or id needs more than 20 digits; Python refuses to turn an integer of
    more than 4,300 digits into text, and yaml-rs takes seconds to build one of a million."""
    text_trusted_above: int | None = None
    """Above this many characters, a file whose text shows no alias, no long number, no deep indentation and
    not too many nodes is parsed without the event scan (see ``_vouched_by_text``); None: always scan
    what the text cannot vouch for."""


DATA_FILE_LIMITS = YamlLimits()
"""Scoring profiles, organisation profiles, importer mappings, banks, templates: files of up to 5 MB."""
def load_yaml_model(
    path: Path, model: type[ModelT], *, user_file: bool = False, context: dict[str, Any] | None = None,
    max_bytes: int = MAX_YAML_BYTES, limits: YamlLimits = DATA_FILE_LIMITS,
) -> ModelT:
    """Parse ``path`` and validate it as ``model``.

    Problems carry ``file:line`` places. ``user_file`` selects the error raised: an ``InputError`` for a
    file the user passed (exit 2), a ``ConfigurationError`` for a data file of riskengine's own.
    """
    data, text = read_yaml(path, user_file=user_file, max_bytes=max_bytes, limits=limits)
    return validate_data(data, model, YamlPlaces(str(path), text), user_file=user_file, context=context)


def read_yaml(path: Path, *, user_file: bool = False, max_bytes: int = MAX_YAML_BYTES,
              limits: YamlLimits = DATA_FILE_LIMITS) -> tuple[Any, str]:
    """The parsed data of a YAML file and its text (for line numbers later); size-capped, UTF-8 only, held
    to ``limits`` before any object is built."""
    error: type[InputError] | type[ConfigurationError] = InputError if user_file else ConfigurationError
    text = read_text(path, error=error, max_bytes=max_bytes)
    try:
        return parse_yaml(text, str(path), limits), text
    except YamlSyntaxError as exc:
        raise error(str(path), [exc.problem]) from exc


def read_text(path: Path, *, error: type[InputError] | type[ConfigurationError], max_bytes: int) -> str:
    """The UTF-8 text of a regular file of at most ``max_bytes``; anything else is ``error`` naming the file."""
    name = str(path)
    require_regular_file(path)  # a pipe or a device would keep the read waiting
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise error(name, [Problem(place=name, message=f"file is {size:,} bytes; the limit is {max_bytes:,}")])
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise error(name, [Problem(place=name, message=f"cannot read: {exc}")]) from exc


def validate_data(data: Any, model: type[ModelT], places: YamlPlaces, *, user_file: bool = False,
                  context: dict[str, Any] | None = None) -> ModelT:
    """Validate parsed data as ``model``; every problem is placed through ``places``."""
    error: type[InputError] | type[ConfigurationError] = InputError if user_file else ConfigurationError
    try:
        return model.model_validate(data if data is not None else {}, context=context)
    except ValidationError as exc:
        problems = [Problem(place=places.place(item["loc"]), message=_describe(item)) for item in exc.errors()]
        raise error(places.name, problems) from exc


class YamlSyntaxError(Exception):
    """Bad syntax, or a document beyond its ``YamlLimits``; ``problem`` holds the place (``file:line``)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def parse_yaml(text: str, name: str, limits: YamlLimits = DATA_FILE_LIMITS) -> Any:
    """Parse one YAML 1.2 document fast (yaml-rs, in Rust, duplicate keys refused) once ``check_yaml`` has
    held it to ``limits``; raise ``YamlSyntaxError`` with ``file:line`` on bad syntax or a breached limit.

    yaml-rs is imported at the top of this module, never here: first imported in a thread that then ends, it
    crashed the process (a segmentation fault) at a later parse in another thread, and the first parse of a run
    may well be in one (an enrichment check, a web request)."""
    check_yaml(text, name, limits)
    return _values(text, name, limits)


def _values(text: str, name: str, limits: YamlLimits) -> Any:
    """The values of a stream ``check_yaml`` accepted, as yaml-rs builds them (YAML 1.2 core schema, dates left
    as text): one document's value, or the list of several documents' values."""
    # Our scan already bounds what aliases expand to; yaml-rs's own replay limits are set no lower, so a
    # document we accept is never refused by a different count.
    alias_limits = yaml_rs.AliasLimits(max_total_replayed_events=2 * limits.max_nodes + 8,
                                       max_replay_stack_depth=limits.max_depth)
    try:
        return yaml_rs.loads(text, parse_datetime=False, alias_limits=alias_limits)
    except yaml_rs.YAMLDecodeError as exc:
        message = str(exc)
        line = re.search(r"line (\d+)", message)
        detail = message.strip().splitlines()[-1].strip() if message.strip() else "syntax error"
        place = f"{name}:{line.group(1)}" if line else name
        raise YamlSyntaxError(Problem(place=place, message=f"not valid YAML: {detail}")) from exc


class YamlPlaces:
    """Turns a location inside a parsed document (keys and indexes) into ``file:line``.

    The node tree that knows lines is built only on the first question, so files without problems never
    pay for it.
    """

    def __init__(self, name: str, text: str) -> None:
        self.name, self._text = name, text
        self._root: yaml.Node | None = None
        self._parsed = False

    def place(self, location: tuple[int | str, ...]) -> str:
        if not self._parsed:
            self._parsed = True
            try:
                self._root = yaml.compose(self._text, Loader=_LOADER)
            except yaml.YAMLError:
                self._root = None
        return f"{self.name}:{_line_of(self._root, tuple(location))}"


def parse_yaml_documents(text: str, name: str,
                         limits: YamlLimits = DATA_FILE_LIMITS) -> list[tuple[Any, yaml.Node]]:
    """Parse every document of a multi-document YAML stream (``---`` separated): each one's value, built as
    ``parse_yaml`` builds it, with its node tree (for the line of any key; the tree's scalars are the text).

    Raises ``YamlSyntaxError`` when the stream breaks ``limits`` or yaml-rs refuses it, and ``yaml.YAMLError``
    on syntax libyaml refuses.
    """
    check_yaml(text, name, limits)
    loader = _LOADER(text)
    nodes: list[yaml.Node] = []
    try:
        while loader.check_node():
            nodes.append(loader.get_node())
    finally:
        loader.dispose()
    values = _values(text, name, limits)
    if len(nodes) == 1:
        values = [values]  # yaml-rs gives one document's value as it is, several as a list of them
    elif not nodes:
        values = []
    if not isinstance(values, list) or len(values) != len(nodes):
        raise YamlSyntaxError(Problem(place=name, message=f"not valid YAML: {len(nodes)} documents, which yaml-rs "
                                                          "reads otherwise"))
    return list(zip(values, nodes, strict=True))


# --------------------------------------------------------------------------------------------- limits

_CLASSES = bytes(
    ord("0") if char in b"0123456789abcdefABCDEF_" else
    ord(" ") if char in b" \t" else
    ord("-") if char in b"-:?" else
    ord("\n") if char in b"\r\n" else
    ord("[") if char in b"[{" else
    ord(",") if char in b",]}" else
    ord("x")
    for char in range(256))
"""Each byte of a document's UTF-8 as its class: a digit (hex digits and ``_``, as integers are written), a
blank, a block indicator, a line break, an opening bracket, another flow indicator, anything else."""
_INTEGER = re.compile(r"[-+]?(?:0[xXoObB])?[0-9a-fA-F_]+")
"""A plain scalar yaml-rs may read as an integer (YAML 1.2 core: decimal, 0x, 0o; yaml-rs also 0b and _)."""
_INTEGER_TAGS = frozenset({"tag:yaml.org,2002:int", "!!int"})
_CORE_TAGS = frozenset({None, "!", *(f"tag:yaml.org,2002:{name}" for name in
                                     ("str", "int", "float", "bool", "null", "seq", "map"))})
"""The tags YAML 1.2's core schema knows (and the non-specific ``!``, which keeps a scalar a string)."""
_BEYOND = "not valid YAML within riskengine's limits: "


def check_yaml(text: str, name: str, limits: YamlLimits = DATA_FILE_LIMITS) -> None:
    """Raise ``YamlSyntaxError`` (``file:line``) if the YAML in ``text`` breaks ``limits``; build nothing.

    What the text alone can vouch for costs a few passes at C speed; anything else is settled by one walk
    over libyaml's events, which counts each alias as the size of what its anchor holds (remembered once
    per anchor, so a bomb is measured, never expanded).
    """
    if _vouched_by_text(text, name, limits):
        return
    _scan_events(text, name, limits)


def _vouched_by_text(text: str, name: str, limits: YamlLimits) -> bool:
    """Whether the text alone shows the document is within ``limits`` (False: the event scan must decide);
    raises ``YamlSyntaxError`` when libyaml's count in C already shows too many nodes.

    Without aliases a document is no larger than its text. A node needs a line break or an indicator
    (``- : ? , [ ] { }``) before it and at most two nodes start at one (a block mapping and its first key),
    so nodes <= 2 x (indicators + line breaks + 1). Block nesting needs indentation or a run of ``- ``/``? ``
    at a line's start; each two levels of it take at least one column, so a document none of whose lines
    starts with ``q`` blanks or indicators nests less than 2q + 2 block levels. Flow nesting is at most the
    number of opening brackets. Integers are runs of digits.
    """
    if _may_hold_alias(text) or _may_hold_tag(text):
        return False
    classes = text.encode("utf-8", "surrogatepass").translate(_CLASSES)
    if b"0" * (limits.max_integer_digits + 1) in classes:
        return False
    quarter = max(1, limits.max_depth // 4)
    if re.match(rb"[ -]{%d}" % quarter, classes) or re.search(rb"\n[ -]{%d}" % quarter, classes):
        return False
    nodes = 2 * (1 + classes.count(b"\n") + classes.count(b"-") + classes.count(b"[") + classes.count(b","))
    if nodes > limits.max_nodes and not _few_events(text, name, limits.max_nodes):
        return False
    if len(text) > limits.max_expanded_chars:
        return False
    if len(text) <= limits.max_string_chars and 2 * quarter + 2 + classes.count(b"[") <= limits.max_depth:
        return True
    # A large file the text cannot vouch for entirely: an inventory may rely on its size cap for string
    # lengths and on yaml-rs's own limit of 255 levels for flow nesting, because the event scan would cost
    # more than the parse (2 s for the 10,000-system benchmark inventory, against 1.2 s to parse it).
    return limits.text_trusted_above is not None and len(text) > limits.text_trusted_above


def _may_hold_alias(text: str) -> bool:
    """Whether ``*`` ever starts a node (follows a blank, a line break, ``[ { , :``, a BOM or the start)."""
    position = text.find("*")
    while position != -1:
        if position == 0 or text[position - 1] in " \t\r\n[{,:\ufeff":
            return True
        position = text.find("*", position + 1)
    return False


def _may_hold_tag(text: str) -> bool:
    """Whether ``!`` may start a node's tag (follows a blank, a line break, ``[ { ,``, a BOM or the start)."""
    return re.search(r"(?:^|[\s\[{,\ufeff])!", text) is not None


def _few_events(text: str, name: str, limit: int) -> bool:
    """Whether libyaml, counting in C without building events, sees at most ``limit`` events (nodes never
    outnumber events); False when it cannot tell (no C loader, bad syntax, a count between ``limit`` and
    twice it), for the scan to say where. Raises ``YamlSyntaxError`` when the count proves too many nodes:
    a scalar is one event, a sequence or mapping two, a document two more, so nodes >= (events - 2 -
    2 x documents) / 2. That refusal is placed on the file, which is too large as a whole: finding the line
    where the count crosses the limit would cost a slow scan of every event before it."""
    raw_parse = getattr(_LOADER(text), "raw_parse", None)
    if raw_parse is None:
        return False
    try:
        events = int(raw_parse())
    except yaml.YAMLError:
        return False
    documents = 1 + text.count("---") + text.count("...")
    at_least = (events - 2 - 2 * documents) // 2
    if at_least > limit:
        raise YamlSyntaxError(Problem(place=name, message=f"{_BEYOND}holds at least {at_least:,} values; the "
                                                          f"limit is {limit:,}"))
    return events <= limit


@dataclass
class _Open:
    """A sequence or mapping whose end has not come yet."""

    anchor: str | None
    chars: int
    nodes: int
    deepest: int = 0
    """Levels below it reached so far."""


@dataclass(frozen=True)
class _Anchored:
    """What an anchor's node amounts to once expanded: the size an alias to it adds."""

    chars: int
    nodes: int
    depth: int


def _scan_events(text: str, name: str, limits: YamlLimits) -> None:
    """Walk libyaml's events once, keeping expanded sizes; raise ``YamlSyntaxError`` at the first breach."""
    scalar, alias = yaml.ScalarEvent, yaml.AliasEvent
    starts, ends = (yaml.SequenceStartEvent, yaml.MappingStartEvent), (yaml.SequenceEndEvent, yaml.MappingEndEvent)
    tagged = (scalar, *starts)
    anchors: dict[str, _Anchored] = {}
    open_nodes: list[_Open] = []
    chars = nodes = 0
    loader = _LOADER(text)

    def refuse(event: Any, message: str, *, limit: bool = True) -> YamlSyntaxError:
        return YamlSyntaxError(Problem(place=f"{name}:{event.start_mark.line + 1}",
                                       message=(_BEYOND if limit else "not valid YAML: ") + message))

    try:
        while loader.check_event():
            event = loader.get_event()
            kind = type(event)
            if kind in tagged and event.tag not in _CORE_TAGS:
                tag = event.tag.replace("tag:yaml.org,2002:", "!!")
                raise refuse(event, f"the tag {tag} is not allowed: riskengine reads plain data (strings, numbers, "
                                    "booleans, null, lists and mappings), never tagged objects", limit=False)
            if kind is scalar:
                value: str = event.value
                if len(value) > limits.max_string_chars:
                    raise refuse(event, f"a value of {len(value):,} characters; the limit is "
                                        f"{limits.max_string_chars:,}")
                if (not event.style or event.tag in _INTEGER_TAGS) and _INTEGER.fullmatch(value) and \
                        sum(char != "_" for char in value.lstrip("+-")) > limits.max_integer_digits:
                    raise refuse(event, f"a number of more than {limits.max_integer_digits} digits (quote it if "
                                        "it is text)")
                added = _Anchored(len(value), 1, 0)
            elif kind is alias:
                known = anchors.get(event.anchor)
                if known is None:
                    inside = any(node.anchor == event.anchor for node in open_nodes)
                    raise refuse(event, f"alias *{event.anchor} names " + (
                        "the collection it is inside" if inside else "no anchor defined before it"), limit=False)
                added = known
            elif kind in starts:
                nodes += 1
                open_nodes.append(_Open(event.anchor, chars, nodes - 1))
                if len(open_nodes) > limits.max_depth:
                    raise refuse(event, f"nested more than {limits.max_depth} levels deep")
                if nodes > limits.max_nodes:
                    raise refuse(event, f"more than {limits.max_nodes:,} values (aliases counted as what they "
                                        "repeat)")
                continue
            elif kind in ends:
                closed = open_nodes.pop()
                depth = closed.deepest + 1
                if open_nodes:
                    open_nodes[-1].deepest = max(open_nodes[-1].deepest, depth)
                if closed.anchor is not None:
                    anchors[closed.anchor] = _Anchored(chars - closed.chars, nodes - closed.nodes, depth)
                continue
            elif kind is yaml.DocumentStartEvent:
                anchors.clear()  # an anchor names a node of its own document only
                continue
            else:
                continue
            chars += added.chars
            nodes += added.nodes
            if open_nodes:
                open_nodes[-1].deepest = max(open_nodes[-1].deepest, added.depth)
            if kind is scalar and event.anchor is not None:
                anchors[event.anchor] = added
            if len(open_nodes) + added.depth > limits.max_depth:
                raise refuse(event, f"alias *{event.anchor} nests the document more than {limits.max_depth} "
                                    "levels deep")
            if nodes > limits.max_nodes:
                raise refuse(event, f"more than {limits.max_nodes:,} values (aliases counted as what they repeat)"
                                    + (f"; alias *{event.anchor} repeats {added.nodes:,}" if kind is alias else ""))
            if chars > limits.max_expanded_chars:
                raise refuse(event, f"more than {limits.max_expanded_chars:,} characters once aliases are "
                                    "expanded" + (f" (alias *{event.anchor} repeats {added.chars:,})"
                                                  if kind is alias else ""))
    except yaml.YAMLError as exc:
        problem = yaml_problem(name, exc)
        if "maximum nesting depth" in problem.message:  # libyaml's own limit (1,000), met before ours
            problem = Problem(place=problem.place, message=f"{_BEYOND}nested more than {limits.max_depth} levels "
                                                           "deep")
        raise YamlSyntaxError(problem) from exc
    finally:
        loader.dispose()


def yaml_problem(name: str, exc: yaml.YAMLError) -> Problem:
    mark = getattr(exc, "problem_mark", None)
    place = f"{name}:{mark.line + 1}" if mark is not None else name
    detail = getattr(exc, "problem", None) or str(exc)
    return Problem(place=place, message=f"not valid YAML: {detail}")


def _describe(item: Any) -> str:
    path = ".".join(str(part) for part in item["loc"])
    message = str(item["msg"]).removeprefix("Value error, ")
    return f"{path}: {message}" if path else message


def _line_of(node: yaml.Node | None, loc: tuple[int | str, ...]) -> int:
    """The 1-based line of the deepest YAML node that ``loc`` (a pydantic error location) reaches."""
    if node is None:
        return 1
    line = node.start_mark.line + 1
    for part in loc:
        child: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and key.value == str(part):
                    child = value
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            child = node.value[part]
        if child is None:
            break
        node = child
        line = node.start_mark.line + 1
    return line
