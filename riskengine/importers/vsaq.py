"""Google VSAQ: questionnaire definitions (JSON-like) and a vendor's answers to them.

A definition is ``{"questionnaire": [items]}``: nested blocks of ``info``, ``line``, ``box``, ``check``,
``radiogroup``, ``checkgroup``, ``yesno`` and ``tip`` items, each shown only when its ``cond`` holds. VSAQ keeps
answers as a flat map ``{id: "checked" | text}`` (a radio button or a check box by its own id). We read an
answers file that names its definition::

    {"questionnaire": "webapp.json", "answers": {"application_name": "Acme", "..._yes": "checked"}}

The definition is looked up beside the answers file, by file name only (a vendor's file cannot make us read
elsewhere). A definition alone is recognised too: its questions are read and none is answered. A ``tip`` with
``"warn": "yes"`` and a severity is a finding of the questionnaire itself: when its condition holds on the
vendor's answers it becomes a flag.

The published definitions are not strict JSON: they start with ``//`` licence comments and join long strings
with JavaScript's ``"..." +`` ``"..."``. ``parse_lenient_json`` accepts exactly those two liberties; it is
hand-written because no maintained Python library parses the ``+`` concatenation (json5 and pyjson5 accept
comments, not that).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from riskengine.digest import file_sha256
from riskengine.errors import InputError, Problem
from riskengine.importers.foreign import ForeignItem, ForeignQuestionnaire
from riskengine.questionnaire.submission import ImportFlag, OwnVerdict, UnparsedAnswer
from riskengine.runfiles import require_regular_file

MAX_JSON_BYTES = 5_000_000
MAX_JSON_DEPTH = 64
"""Nested arrays and objects. Google's published definitions nest at most 15 levels (blocks in blocks);
Python's own parser gives up near 1,000, with no place to show."""
MAX_JSON_STRING_CHARS = 100_000
"""One string, joins done. The longest in the published definitions has 2,028 characters (a tip in HTML);
100,000 is some 30 pages."""
MAX_JSON_INTEGER_DIGITS = 100
"""One integer. VSAQ has none but version numbers; Python refuses to read one of more than 4,300 digits."""
MAX_JSON_VALUES = 500_000
"""Values of every kind, keys included. The published definitions hold at most 3,100; JSON is never more than
its text, so this keeps a 5 MB file of one-character values from building 2.5 million objects."""
_CHECKED = ("checked", "true")
VALUE_TYPES = ("line", "box", "check", "radiogroup", "checkgroup", "yesno")
"""Item types that take an answer (``upload`` takes a file, which an answers map cannot carry)."""

_CONDITION_TOKEN = re.compile(r"\s*(\(|\)|!|&&|\|\||[^\s()!&|,]+|,|&|\|)")
_TAG = re.compile(r"<[^>]+>")
_SAFE_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class ConditionError(ValueError):
    """A ``cond`` that cannot be evaluated (a syntax error, an unknown id, a function we do not run)."""


def parse_lenient_json(text: str, name: str) -> Any:
    """Parse JSON that may hold ``//`` and ``/* */`` comments and ``"a" + "b"`` string joins.

    Comments become whitespace and a join's newlines move after the joined string, so every line keeps its
    number and a syntax error is reported at the line a person sees in the file. The text is read in one
    pass (no step goes back over what it has read), and held to the ``MAX_JSON_*`` limits, each breach an
    ``InputError`` with its line.
    """
    pieces: list[str] = []
    position, depth, length, tokens = 0, 0, len(text), 0
    while True:
        special = _SPECIAL.search(text, position)
        end = special.start() if special is not None else length
        pieces.append(text[position:end])
        depth = _nesting(text, position, end, depth, name)
        if special is None:
            break
        tokens += 1
        if tokens > MAX_JSON_VALUES:  # each string is a value or a key: the count, kept as we go, bounds the time
            raise _refuse(name, text, end, f"more than {MAX_JSON_VALUES:,} strings and comments", limit=True)
        if text[end] == '"':
            position = _string(text, end, name, pieces)
        elif text.startswith("//", end):
            newline = text.find("\n", end)
            position = length if newline == -1 else newline  # the newline stays, for the line count
        elif text.startswith("/*", end):
            close = text.find("*/", end + 2)
            if close == -1:
                raise _refuse(name, text, end, "a /* comment that never ends")
            pieces.append("\n" * text.count("\n", end, close) or " ")
            position = close + 2
        else:
            raise _refuse(name, text, end, "'/' outside a string that starts no comment")
    cleaned = "".join(pieces)
    values = 1 + cleaned.count(",") + cleaned.count(":") + cleaned.count("[") + cleaned.count("{")
    if values > MAX_JSON_VALUES:  # an upper bound (strings' commas count too): counted exactly only then
        beyond = _value_beyond_limit(cleaned)
        if beyond is not None:
            raise _refuse(name, cleaned, beyond, f"more than {MAX_JSON_VALUES:,} values", limit=True)
    try:
        return json.loads(cleaned, parse_int=_integer)
    except json.JSONDecodeError as exc:
        raise InputError(name, [Problem(place=f"{name}:{exc.lineno}", message=f"not valid JSON: {exc.msg}")]) from exc
    except _LongInteger as exc:
        at = re.search(rf"(?<![0-9.eE+-]){re.escape(exc.digits[:MAX_JSON_INTEGER_DIGITS + 1])}", cleaned)
        raise _refuse(name, cleaned, at.start() if at else 0, f"a number of more than {MAX_JSON_INTEGER_DIGITS} "
                                                              "digits", limit=True) from None


_SPECIAL = re.compile(r'["/]')
_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"')
_PLUS = re.compile(r"\s*\+\s*(?=\")")
_BRACKET = re.compile(r"[\[\]{}]")
_VALUE_MARK = re.compile(r'"(?:[^"\\]|\\.)*"|\[\s*\]|\{\s*\}|[,:\[{]')


def _string(text: str, start: int, name: str, pieces: list[str]) -> int:
    """Append the string at ``start`` and any ``+ "..."`` joined to it; return where reading goes on."""
    match = _STRING.match(text, start)
    if match is None:
        raise _refuse(name, text, start, "a string that does not end on its line")
    parts = [match.group()[:-1]]
    position, newlines = match.end(), 0
    while (plus := _PLUS.match(text, position)) is not None:
        joined = _STRING.match(text, plus.end())
        if joined is None:
            raise _refuse(name, text, plus.end(), "a string that does not end on its line")
        newlines += text.count("\n", position, plus.end())
        parts.append(joined.group()[1:-1])
        position = joined.end()
    string = "".join(parts) + '"'
    if len(string) - 2 > MAX_JSON_STRING_CHARS:
        raise _refuse(name, text, start, f"a string of {len(string) - 2:,} characters; the limit is "
                                         f"{MAX_JSON_STRING_CHARS:,}", limit=True)
    pieces.append(string)
    if newlines:
        pieces.append("\n" * newlines)
    return position


def _nesting(text: str, start: int, end: int, depth: int, name: str) -> int:
    """The nesting depth after the brackets of ``text[start:end]`` (no strings there), refusing a breach."""
    for bracket in _BRACKET.finditer(text, start, end):
        depth += 1 if bracket.group() in "[{" else -1
        if depth > MAX_JSON_DEPTH:
            raise _refuse(name, text, bracket.start(), f"nested more than {MAX_JSON_DEPTH} levels deep", limit=True)
    return depth


def _value_beyond_limit(cleaned: str) -> int | None:
    """Where the value past ``MAX_JSON_VALUES`` starts in comment-free JSON, or None. Values (keys included)
    are the first, and one after each ``,`` ``:`` and opening bracket, outside strings and empty ``[]``/``{}``."""
    values = 1
    for match in _VALUE_MARK.finditer(cleaned):
        if match.group() in (",", ":", "[", "{"):
            values += 1
            if values > MAX_JSON_VALUES:
                return match.start()
    return None


class _LongInteger(ValueError):
    def __init__(self, digits: str) -> None:
        super().__init__(digits[:40])
        self.digits = digits.lstrip("-")


def _integer(literal: str) -> int:
    if len(literal.lstrip("-")) > MAX_JSON_INTEGER_DIGITS:
        raise _LongInteger(literal)
    return int(literal)


def _refuse(name: str, text: str, offset: int, message: str, *, limit: bool = False) -> InputError:
    """An ``InputError`` placed at the line of ``offset``: bad syntax, or (``limit``) a breached limit."""
    line = text.count("\n", 0, offset) + 1
    prefix = "not valid JSON within riskengine's limits: " if limit else "not valid JSON: "
    return InputError(name, [Problem(place=f"{name}:{line}", message=prefix + message)])


def read_json_file(path: Path) -> Any:
    """A size-capped, UTF-8 JSON-like file, parsed leniently."""
    name = str(path)
    require_regular_file(path)
    try:
        size = path.stat().st_size
        if size > MAX_JSON_BYTES:
            raise InputError(name, [Problem(place=name, message=f"the file is {size:,} bytes; the limit is "
                                                                f"{MAX_JSON_BYTES:,}")])
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(name, [Problem(place=name, message=f"cannot be read as UTF-8 text ({exc})")]) from exc
    return parse_lenient_json(text, name)


def vsaq_kind(data: Any) -> str | None:
    """``definition`` or ``answers`` for VSAQ data, else None."""
    if not isinstance(data, dict):
        return None
    if isinstance(data.get("answers"), dict) and isinstance(data.get("questionnaire"), str | list):
        return "answers"
    if isinstance(data.get("questionnaire"), list) or isinstance(data.get("extensions"), list):
        return "definition"
    return None


@dataclass(eq=False)
class _Item:
    type: str
    id: str
    text: str
    cond: str
    parent: _Item | None
    path: str
    choices: tuple[tuple[str, str], ...] = ()
    group: _Item | None = None
    """For a radio or check choice: its group."""
    warn: bool = False
    severity: str = ""
    name: str = ""


@dataclass
class Definition:
    """Every item of one or more definitions, by id, in file order."""

    names: list[str] = field(default_factory=list)
    version: str = ""
    items: dict[str, _Item] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def add(self, data: Any, name: str) -> None:
        self.names.append(name)
        if isinstance(data.get("version"), int | str) and not self.version:
            self.version = str(data["version"])
        roots = data.get("questionnaire") or data.get("extensions") or []
        key = "questionnaire" if data.get("questionnaire") else "extensions"
        self._walk(roots, None, f"{name}:$.{key}")

    def value_items(self) -> list[_Item]:
        return [item for item in self.items.values() if item.type in VALUE_TYPES]

    def _walk(self, items: Any, parent: _Item | None, path: str) -> None:
        if not isinstance(items, list):
            return
        for index, raw in enumerate(items):
            if not isinstance(raw, dict):
                continue
            where = f"{path}[{index}]"
            item_type = str(raw.get("type", ""))
            choices: list[tuple[str, str]] = []
            if item_type in ("radiogroup", "checkgroup"):
                for choice in raw.get("choices") or []:
                    if isinstance(choice, dict) and len(choice) == 1:
                        choice_id, choice_text = next(iter(choice.items()))
                        choices.append((str(choice_id), _plain_text(choice_text)))
            item_id = str(raw.get("id") or "") or self._group_name(choices) or where
            item = _Item(type=item_type, id=item_id, text=_plain_text(raw.get("text")),
                         cond=str(raw.get("cond") or ""), parent=parent, path=where, choices=tuple(choices),
                         warn=str(raw.get("warn", "")).lower() in ("yes", "true"),
                         severity=str(raw.get("severity") or ""), name=_plain_text(raw.get("name")))
            self._register(item)
            for position, (choice_id, choice_text) in enumerate(choices):
                self._register(_Item(type="choice", id=choice_id, text=choice_text, cond="", parent=parent,
                                     path=f"{where}.choices[{position}]", group=item))
            if item_type == "block":
                self._walk(raw.get("items"), item, f"{where}.items")

    def _group_name(self, choices: list[tuple[str, str]]) -> str:
        """A name for a group the definition leaves without an id: its choices' common prefix
        (``application_ssl_exclusively``, ``application_ssl_mixed`` -> ``application_ssl``), so that a mapping can
        name it, with ``_options`` added when that name is taken; '' when the choices share no prefix."""
        if len(choices) < 2:
            return ""
        ids = [choice_id for choice_id, _ in choices]
        shortest = min(ids, key=len)
        length = next((index for index, char in enumerate(shortest) if any(other[index] != char for other in ids)),
                      len(shortest))
        prefix = shortest[:length]
        name = prefix[: prefix.rfind("_")] if "_" in prefix and not prefix.endswith("_") else prefix.rstrip("_")
        if not name:
            return ""
        if name in self.items or any(name == choice_id for choice_id, _ in choices):
            name += "_options"
        return "" if name in self.items else name

    def _register(self, item: _Item) -> None:
        if item.id in self.items:
            self.problems.append(Problem(place=item.path, severity="warning",
                                         message=f"id {item.id!r} appears twice in the definition; the first is used"))
            return
        self.items[item.id] = item


class _Answers:
    """A vendor's answers and what they make visible, as VSAQ decides it."""

    def __init__(self, definition: Definition, answers: dict[str, Any]) -> None:
        self.definition, self.answers = definition, answers
        self._visible: dict[str, bool] = {}
        self._evaluating: set[str] = set()

    def checked(self, item: _Item) -> bool:
        if item.type == "choice" and item.group is not None:
            return is_checked(self.answers.get(item.id)) or self.answers.get(item.group.id) == item.id
        return is_checked(self.answers.get(item.id))

    def visible(self, item: _Item) -> bool:
        """Whether VSAQ would show ``item``: its own condition and every enclosing block's hold."""
        if item.id in self._visible:
            return self._visible[item.id]
        if item.id in self._evaluating:
            raise ConditionError(f"the condition of {item.id!r} refers to itself")
        self._evaluating.add(item.id)
        try:
            own = item.group if item.type == "choice" and item.group is not None else item
            shown = (own.parent is None or self.visible(own.parent)) and self.holds(own.cond)
        finally:
            self._evaluating.discard(item.id)
        self._visible[item.id] = shown
        return shown

    def holds(self, condition: str) -> bool:
        tokens = _condition_tokens(condition)
        if not tokens:
            return True
        value, position = self._evaluate(tokens, 0)
        if position != len(tokens):
            raise ConditionError(f"unexpected {tokens[position]!r} in condition {condition!r}")
        return value

    def _evaluate(self, tokens: list[str], position: int) -> tuple[bool, int]:
        """VSAQ's own semantics: operators apply left to right, with no precedence of && over ||."""
        result: bool | None = None
        operator = ""
        while position < len(tokens):
            token = tokens[position]
            if token == ")":
                if operator:
                    raise ConditionError(f"operator {operator} without a second operand")
                return (True if result is None else result), position + 1
            if token in ("&&", "||"):
                if result is None or operator:
                    raise ConditionError(f"operator {token} without an operand")
                operator, position = token, position + 1
                continue
            if token in (",", "&", "|"):
                raise ConditionError(f"{token!r} is not supported in conditions")
            negate = False
            while position < len(tokens) and tokens[position] == "!":
                negate, position = not negate, position + 1
            if position >= len(tokens):
                raise ConditionError("condition ends after '!'")
            if tokens[position] == "(":
                value, position = self._evaluate(tokens, position + 1)
            else:
                value, position = self.resolve(tokens[position]), position + 1
            value = not value if negate else value
            if result is None:
                result = value
            elif operator == "&&":
                result = result and value
            elif operator == "||":
                result = result or value
            else:
                raise ConditionError("two operands without an operator between them")
            operator = ""
        if operator:
            raise ConditionError(f"operator {operator} without a second operand")
        return (True if result is None else result), position

    def resolve(self, name: str) -> bool:
        if name == "false":
            return False
        if name.startswith('"') or name in ("matches", "contains"):
            raise ConditionError(f"functions and strings ({name}) are not evaluated")
        reference = re.sub(r"(/yes|/no|/value)$", "", name.removeprefix("^"))
        item = self.definition.items.get(reference)
        if item is None:
            raise ConditionError(f"the condition names {reference!r}, which the definition does not have")
        if name.startswith("^"):
            return self.visible(item)
        if not self.visible(item):
            return False
        if item.type in ("choice", "check"):
            return self.checked(item)
        value = self.answers.get(item.id)
        if item.type == "yesno":
            return str(value).lower() == ("no" if name.endswith("/no") else "yes")
        return bool(str(value).strip()) if value is not None else False


def read_vsaq(path: Path, data: Any) -> ForeignQuestionnaire:
    """Read a VSAQ answers file (with its definition) or a definition alone."""
    source = str(path)
    definition = Definition()
    related: dict[str, str] = {}
    answers: dict[str, Any] = {}
    answers_name = path.name
    if vsaq_kind(data) == "answers":
        references = data["questionnaire"] if isinstance(data["questionnaire"], list) else [data["questionnaire"]]
        for reference in references:
            definition_path = _definition_path(path, reference)
            definition.add(read_json_file(definition_path), definition_path.name)
            related[definition_path.name] = file_sha256(definition_path)
        answers = data["answers"]
    else:
        definition.add(data, path.name)
    problems = list(definition.problems)
    evaluation = _Answers(definition, answers)
    verdicts = _verdicts(definition, evaluation)
    items = [replace(_foreign_item(item, evaluation, answers_name), verdict=verdicts.get(item.id))
             for item in definition.value_items()]
    unparsed = _unknown_answers(definition, answers, answers_name)
    flags = _flags(definition, evaluation, answers_name, problems) if answers else ()
    version = ", ".join(Path(name).stem for name in definition.names) + (
        f" v{definition.version}" if definition.version else "")
    return ForeignQuestionnaire(format="vsaq", format_version=version, source=source, sha256=file_sha256(path),
                                items=tuple(items), problems=tuple(problems), flags=flags, related_files=related,
                                unparsed=unparsed, self_judged=True)


def answer_place(answers_name: str, key: str) -> str:
    return f"{answers_name}:$.answers.{key}" if _SAFE_KEY.match(key) else f"{answers_name}:$.answers[{key!r}]"


def _definition_path(path: Path, reference: Any) -> Path:
    name = str(path)
    if not isinstance(reference, str) or not reference or reference != Path(reference).name or reference in (
            ".", ".."):
        raise InputError(name, [Problem(place=f"{name}:$.questionnaire",
                                        message=f"the definition must be named by its file name beside the answers "
                                                f"file (for example \"webapp.json\"); got {reference!r}")])
    candidate = path.parent / reference
    if not candidate.is_file():
        raise InputError(name, [Problem(place=f"{name}:$.questionnaire",
                                        message=f"definition {reference!r} not found in {path.parent}")])
    return candidate


def _foreign_item(item: _Item, evaluation: _Answers, answers_name: str) -> ForeignItem:
    answers = evaluation.answers
    if item.type == "radiogroup":
        chosen = [choice_id for choice_id, _ in item.choices
                  if is_checked(answers.get(choice_id)) or answers.get(item.id) == choice_id]
        key = chosen[0] if chosen and chosen[0] in answers else item.id
        return ForeignItem(their_id=item.id, text=item.text, answer=chosen[0] if chosen else None, kind="choice",
                           place=answer_place(answers_name, key))
    if item.type == "checkgroup":
        ticked = tuple(choice_id for choice_id, _ in item.choices if is_checked(answers.get(choice_id)))
        return ForeignItem(their_id=item.id, text=item.text, answer=ticked or None, kind="choices",
                           place=answer_place(answers_name, ticked[0] if ticked else item.id))
    value = answers.get(item.id)
    if item.type == "check":
        value = "Yes" if is_checked(value) else None
    elif item.type == "yesno" and value is not None:
        value = {"yes": "Yes", "no": "No"}.get(str(value).lower(), value)
    elif value is not None and not isinstance(value, str):
        value = json.dumps(value)
    return ForeignItem(their_id=item.id, text=item.text, answer=value, place=answer_place(answers_name, item.id),
                       yes_no=item.type in ("check", "yesno"))


def _unknown_answers(definition: Definition, answers: dict[str, Any], answers_name: str) -> tuple[UnparsedAnswer, ...]:
    """Answers to ids the definition does not have, and radio groups answered with an option they do not have."""
    names = ", ".join(definition.names)
    found: list[UnparsedAnswer] = []
    for key, value in answers.items():
        item = definition.items.get(str(key))
        if item is None:
            reason = f"not a question of {names}"
        elif item.type == "radiogroup" and not any(value == choice_id for choice_id, _ in item.choices):
            reason = f"not one of the options of {item.id} ({', '.join(choice for choice, _ in item.choices)[:200]})"
        else:
            continue
        found.append(UnparsedAnswer(their_id=str(key), place=answer_place(answers_name, str(key)),
                                    text=str(value)[:2000], reason=reason))
    return tuple(found)


def is_checked(value: Any) -> bool:
    """VSAQ marks a ticked box or a picked radio button "checked"; ``true`` is taken to mean the same."""
    return value is True or (isinstance(value, str) and value.strip().lower() in _CHECKED)


def _flags(definition: Definition, evaluation: _Answers, answers_name: str,
           problems: list[Problem]) -> tuple[ImportFlag, ...]:
    flags: list[ImportFlag] = []
    for item in definition.items.values():
        if item.type != "tip" or not item.warn or not item.severity:
            continue
        try:
            fires = evaluation.visible(item)
        except (ConditionError, RecursionError) as exc:
            reason = exc if isinstance(exc, ConditionError) else "its conditions refer to each other too deeply"
            problems.append(Problem(place=item.path, severity="warning",
                                    message=f"tip {item.id} not evaluated: {reason}"))
            continue
        if fires:
            flags.append(ImportFlag(
                their_id=item.id, severity=item.severity.lower(), text=(item.name or item.text)[:300],
                place=_flag_place(item, evaluation, answers_name),
                response=str(evaluation.answers.get(item.id) or "")[:2000]))
    return tuple(flags)


def _verdicts(definition: Definition, evaluation: _Answers) -> dict[str, OwnVerdict]:
    """What VSAQ itself says of each question a warning tip reads: ``gap`` when a tip on it fires, else ``met``
    when answered, ``unanswered`` when shown and blank, ``not_applicable`` when the answers hide it. A question
    no warning reads is not judged here (the questionnaire says nothing about which answer is weak)."""
    judged: dict[str, bool] = {}
    for tip in definition.items.values():
        if tip.type != "tip" or not tip.warn or not tip.severity:
            continue
        try:
            fires = evaluation.visible(tip)
            tokens = _condition_tokens(tip.cond)
        except (ConditionError, RecursionError):
            continue  # reported once by _flags
        for token in tokens:
            if token.startswith("^"):
                continue  # "is shown", not an answer
            item = definition.items.get(re.sub(r"(/yes|/no|/value)$", "", token))
            question = item.group if item is not None and item.type == "choice" else item
            if question is not None and question.type in VALUE_TYPES:
                judged[question.id] = judged.get(question.id, False) or fires
    verdicts: dict[str, OwnVerdict] = {}
    for question_id, fired in judged.items():
        question = definition.items[question_id]
        try:
            shown = evaluation.visible(question)
        except (ConditionError, RecursionError):
            continue
        if not shown:
            verdicts[question_id] = "not_applicable"  # hidden by an earlier answer: an answer left there is stale
        elif fired and evaluation.answers:  # a definition alone is a blank questionnaire, not a weak one
            verdicts[question_id] = "gap"
        else:
            verdicts[question_id] = "met" if _answered(question, evaluation) else "unanswered"
    return verdicts


def _answered(item: _Item, evaluation: _Answers) -> bool:
    answers = evaluation.answers
    if item.type in ("radiogroup", "checkgroup"):
        return item.id in answers or any(choice_id in answers for choice_id, _ in item.choices)
    value = answers.get(item.id)
    return value is not None and bool(str(value).strip())


def _flag_place(item: _Item, evaluation: _Answers, answers_name: str) -> str:
    """The answer that made a tip fire: the first id its condition names that the vendor answered."""
    for token in _condition_tokens(item.cond):
        key = re.sub(r"(/yes|/no|/value)$", "", token.removeprefix("^"))
        if key in evaluation.answers:
            return answer_place(answers_name, key)
    return f"{answers_name}:$.answers"


def _condition_tokens(condition: str) -> list[str]:
    tokens: list[str] = []
    position = 0
    condition = condition.strip()
    while position < len(condition):
        match = _CONDITION_TOKEN.match(condition, position)
        if match is None:
            raise ConditionError(f"cannot read condition {condition!r}")
        tokens.append(match.group(1))
        position = match.end()
        while position < len(condition) and condition[position].isspace():
            position += 1
    return tokens


def _plain_text(value: Any) -> str:
    """Item text without its HTML markup."""
    if not isinstance(value, str):
        return ""
    return " ".join(_TAG.sub(" ", value).replace("&nbsp;", " ").split())
