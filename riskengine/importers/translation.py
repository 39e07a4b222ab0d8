"""Translate a foreign questionnaire onto our bank through a mapping: a pure function, no files.

Only what translates cleanly becomes an answer of ours. An answer that is not clearly an answer, or that the
mapping has no translation for, is kept as unparsed with its place and the reason; the question of ours it
would have answered stays unanswered and is listed as not covered, so the gap shows instead of being scored
as compliant. The vendor's free-text descriptions behind each mapped answer are kept as their evidence.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from riskengine.errors import Problem
from riskengine.importers.answers import option_key, option_text, read_answer
from riskengine.importers.domains import host_of
from riskengine.importers.foreign import ForeignItem, ForeignQuestionnaire
from riskengine.importers.mapping import COMBINES, Mapping, Rule, source_id
from riskengine.importers.sheets import cell_text
from riskengine.questionnaire.bank import YES_NO_OPTIONS, Question, QuestionBank
from riskengine.questionnaire.not_applicable import screen_not_applicable
from riskengine.questionnaire.submission import (
    FORMAT_NAMES,
    Answer,
    AnswerValue,
    Coverage,
    ImportedFact,
    OwnAnswer,
    OwnVerdict,
    Submission,
    UnparsedAnswer,
    VendorEvidence,
)

_NUMBER = re.compile(r"^[-+]?\d+(\.\d+)?$")
_MAX_COMMENT = 2000
_MAX_EVIDENCE = 4000


class _Unclear(Exception):
    """One source answer that cannot be translated; becomes an ``UnparsedAnswer``."""


class _Silent(Exception):
    """One source answer that the mapping says tells nothing about ours (its value is ``null``)."""


_NEGATED = {"Yes": "No", "No": "Yes"}


@dataclass
class _Result:
    answers: dict[str, Answer]
    sources: dict[str, tuple[str, ...]]
    unparsed: dict[str, UnparsedAnswer]
    evidence: list[VendorEvidence]
    facts: list[ImportedFact]
    warnings: list[Problem]


def translate(foreign: ForeignQuestionnaire, mapping: Mapping, bank: QuestionBank, *,
              today: dt.date) -> Submission:
    """Our ``Submission`` from ``foreign`` through ``mapping``, with its ``Coverage``."""
    items = foreign.by_id()
    not_applicable = routed_out(items, mapping)
    result = _Result(answers={}, sources={}, unparsed={item.their_id: item for item in foreign.unparsed}, evidence=[],
                     facts=[], warnings=list(foreign.problems))
    result.warnings.extend(Problem(place=item.place, severity="warning",
                                   message=f"{item.their_id} {_short(item.text)!r} is not read ({item.reason}); kept "
                                           "for the analyst") for item in foreign.unparsed)
    vocabularies = dict(bank.vocabularies)
    for rule in mapping.rules:
        used: list[tuple[ForeignItem, bool]] = []
        for source in rule.sources:
            their_id, negated = source_id(source)
            if their_id in items and their_id not in not_applicable and items[their_id].answered:
                used.append((items[their_id], negated))
        if not used:
            continue
        if rule.fact is not None:
            _publish_fact(rule, [item for item, _ in used], mapping, result)
        else:
            assert rule.ours is not None
            _answer(rule, bank.question(rule.ours), used, mapping, vocabularies, today, result)
    for item in foreign.items:
        if item.yes_no and item.answered and item.their_id not in result.unparsed and item.kind == "text":
            reading = read_answer(cell_text(item.answer), mapping.answers)
            if not reading.clear:
                _keep_unparsed(item, f"{reading.reason} (every {FORMAT_NAMES[foreign.format]} question is "
                                     "answered Yes, No or N/A)", result, ours=None)
    # The questionnaire's own "not required" (HECVAT 3) only takes questions out of its score: an answer the
    # vendor gave there anyway still answers ours.
    not_required = not_applicable | foreign.not_applicable
    own_answers = _own_answers(foreign, mapping, not_required)
    answered = [question.id for _, question in bank.questions() if question.id in result.answers]
    coverage = Coverage(
        format=foreign.format, format_version=foreign.format_version, mapping=mapping.label,
        source_sha256=foreign.sha256, related_files=dict(foreign.related_files),
        questions_read=len(foreign.items), questions_answered=sum(1 for item in foreign.items if item.answered),
        questions_total=len(bank.questions()), answers_mapped=len(answered),
        not_covered=tuple(question.id for _, question in bank.questions() if question.id not in result.answers),
        not_applicable=tuple(item.their_id for item in foreign.items if item.their_id in not_required),
        sources={question_id: result.sources[question_id] for question_id in answered},
        unparsed=tuple(result.unparsed.values()), vendor_evidence=tuple(result.evidence), flags=foreign.flags,
        facts=tuple(result.facts), own_answers=own_answers)
    return screen_not_applicable(Submission(
        bank_id=bank.id, bank_version=bank.version, source=foreign.source,
        answers={question_id: result.answers[question_id] for question_id in answered}, tables={},
        warnings=tuple(result.warnings), coverage=coverage), bank)


def _own_answers(foreign: ForeignQuestionnaire, mapping: Mapping, not_applicable: set[str]) -> tuple[OwnAnswer, ...]:
    """Every scored question of theirs that answers none of ours, with our category and what its answer says of
    the control (see ``OwnAnswers`` in the mapping). Questions that feed one of ours are scored there only."""
    own = mapping.own_answers
    if own is None:
        return ()
    feeding = {source_id(source)[0] for rule in mapping.rules if rule.ours is not None for source in rule.sources}
    unreadable = {item.their_id: item.text for item in foreign.unparsed}  # a CAIQ v3.1 row marked twice
    found: list[OwnAnswer] = []
    for item in foreign.items:
        category = own.category(item.their_id)
        if category is None or item.their_id in feeding:
            continue
        expected = "No" if item.their_id in own.compliant_no else "Yes"
        verdict = item.verdict if foreign.self_judged else _own_verdict(
            item, expected, mapping, routed=item.their_id in not_applicable)
        if verdict == "unanswered" and item.their_id in unreadable:
            verdict = "unclear"
        if verdict is None:
            continue
        shown = cell_text(item.answer) if item.kind == "text" else _shown(item) if item.answered else ""
        shown = shown or unreadable.get(item.their_id, "")
        found.append(OwnAnswer(their_id=item.their_id, category=category, place=item.place, answer=_short(shown, 60),
                               verdict=verdict, expected=expected))
    return tuple(found)


def _own_verdict(item: ForeignItem, expected: str, mapping: Mapping, *, routed: bool) -> OwnVerdict | None:
    """What one answer says of its control; None when the question is not a yes/no one the format judges."""
    if routed:
        return "not_applicable"
    if item.kind != "text":
        return None  # an option picked: only a format that judges itself says whether it is weak
    if not item.answered:
        return "unanswered"
    reading = read_answer(cell_text(item.answer), mapping.answers)
    if not reading.clear:
        return "unclear"
    if reading.value == "N/A":
        return "not_applicable"
    if reading.value == "Partial":
        return "partial"
    if reading.value in ("Yes", "No"):
        return "met" if reading.value == expected else "gap"
    return "unclear"  # an option of a choice question where Yes or No was asked


def routed_out(items: dict[str, ForeignItem], mapping: Mapping) -> set[str]:
    """Their ids that the questionnaire's own routing makes not applicable (a routing question answered No)."""
    prefixes: list[str] = []
    for their_id, routed in mapping.routing.items():
        item = items.get(their_id)
        if item is not None and item.answered and read_answer(cell_text(item.answer), mapping.answers).value == "No":
            prefixes.extend(routed)
    if not prefixes:
        return set()
    return {their_id for their_id in items if their_id.startswith(tuple(prefixes)) and their_id not in mapping.routing}


def _answer(rule: Rule, question: Question, used: list[tuple[ForeignItem, bool]], mapping: Mapping,
            vocabularies: dict[str, tuple[str, ...]], today: dt.date, result: _Result) -> None:
    combine = rule.combine or COMBINES[question.type][0]
    options = question.choices(vocabularies) if question.type in ("yes_no", "choice", "multi_choice") else ()
    translated: list[tuple[ForeignItem, list[str], str]] = []
    for item, negated in used:
        reversed_note = "read reversed" if negated else ""
        try:
            if question.type in ("yes_no", "choice", "multi_choice"):
                values, remark = _choices(item, rule, question, options, mapping, negated=negated)
            else:
                values, remark = [_plain(item, rule, question, today)], ""
        except _Unclear as exc:
            _keep_unparsed(item, str(exc), result, ours=question.id)
            continue
        except _Silent:
            continue
        translated.append((item, values, "; ".join(part for part in (remark, reversed_note) if part)))
        if combine == "first":
            break
    if not translated:
        return
    value = _combine(question, combine, [values for _, values, _ in translated], options)
    contributing = [item for item, _, _ in translated]
    answer_value: AnswerValue = value
    if question.type == "number":
        answer_value = int(float(value)) if question.integer else float(value)
    elif question.type == "date":
        answer_value = dt.date.fromisoformat(value)
    elif question.type == "multi_choice":
        answer_value = tuple(part for part in value.split("\n") if part)
    label = mapping.id if mapping.format == "mapped" else FORMAT_NAMES[mapping.format]
    comment = "; ".join(_describe(label, item, remark) for item, _, remark in translated)
    if len(contributing) > 1:
        comment += f" -> {combine}"
    reason = "; ".join([remark for _, _, remark in translated if remark] +
                       [item.evidence for item in contributing if item.evidence])
    result.answers[question.id] = Answer(question_id=question.id, value=answer_value,
                                         place=", ".join(item.place for item in contributing),
                                         comment=comment[:_MAX_COMMENT], reason=reason[:_MAX_EVIDENCE])
    result.sources[question.id] = tuple(item.their_id for item in contributing)
    result.evidence.extend(VendorEvidence(question_id=question.id, their_id=item.their_id, place=item.evidence_place,
                                          text=item.evidence[:_MAX_EVIDENCE])
                           for item in contributing if item.evidence)


def _choices(item: ForeignItem, rule: Rule, question: Question, options: Sequence[str], mapping: Mapping, *,
             negated: bool = False) -> tuple[list[str], str]:
    """Our option(s) for one of their answers to a yes/no or choice question of ours, and the vendor's remark."""
    values = {option_key(key): value for key, value in rule.values.items()}

    def translate_key(key: str) -> list[str]:
        value = values[key]
        if value is None:
            raise _Silent
        return _canonical([value], question, options)

    if item.kind == "choices":
        keys = [option_key(choice) for choice in item.answer if option_key(choice) in values]
        picked = [value for key in keys if (value := values[key]) is not None]
        if not picked:
            if keys:
                raise _Silent
            raise _Unclear(f"none of the options ticked ({', '.join(item.answer)[:120]}) translates to "
                           f"{question.id}")
        return _canonical(picked, question, options), ""
    if item.kind == "choice":
        key = option_key(str(item.answer))
        if key in values:
            return translate_key(key), ""
        raise _Unclear(f"option {item.answer!r} has no translation to {question.id} in mapping {mapping.id}")
    text = cell_text(item.answer)
    whole = option_key(text)
    if whole in values and not negated:
        return translate_key(whole), ""
    reading = read_answer(text, mapping.answers)
    if not reading.clear:
        raise _Unclear(reading.reason)
    value = _NEGATED.get(reading.value, reading.value) if negated else reading.value
    token = option_key(value)
    if token in values:
        return translate_key(token), reading.remark
    matches = [option for option in options if option.casefold() == value.casefold()]
    if matches:
        return matches, reading.remark
    expected = YES_NO_OPTIONS if question.type == "yes_no" else options
    raise _Unclear(f"answer {value!r} has no translation to {question.id} (expected one of "
                   f"{', '.join(expected)[:120]})")


def _canonical(values: list[str], question: Question, options: Sequence[str]) -> list[str]:
    by_key = {option.casefold(): option for option in options}
    found: list[str] = []
    for value in values:
        for part in (value.split(",") if question.type == "multi_choice" else [value]):
            if part.strip().casefold() in by_key:
                found.append(by_key[part.strip().casefold()])
    return found


def _plain(item: ForeignItem, rule: Rule, question: Question, today: dt.date) -> str:
    """One of their answers as our text, number or date (as text; parsed back by the caller)."""
    raw = item.answer
    if question.type == "number":
        if isinstance(raw, bool) or not isinstance(raw, int | float | str) or not _NUMBER.match(cell_text(raw)):
            raise _Unclear(f"{question.id} needs a number; {_short(cell_text(raw))!r} is not one")
        number = float(cell_text(raw))
        if (question.minimum is not None and number < question.minimum) or (
                question.maximum is not None and number > question.maximum):
            raise _Unclear(f"{number:g} is outside the range {question.id} accepts")
        if question.integer and not number.is_integer():
            raise _Unclear(f"{question.id} needs a whole number; got {number:g}")
        return cell_text(raw)
    if question.type == "date":
        if isinstance(raw, dt.datetime):
            day = raw.date()
        elif isinstance(raw, dt.date):
            day = raw
        else:
            try:
                day = dt.date.fromisoformat(cell_text(raw))
            except ValueError:
                raise _Unclear(f"{question.id} needs a date as YYYY-MM-DD; got {_short(cell_text(raw))!r}") from None
        if question.not_future and day > today:
            raise _Unclear(f"date {day.isoformat()} is in the future")
        return day.isoformat()
    text = option_text(cell_text(raw)) if item.kind == "text" else _shown(item)
    if rule.transform == "domain":
        domain = _domain_of(text)
        if domain is None:
            raise _Unclear(f"no web address or domain in {_short(text)!r} for {question.id}")
        text = domain
    return text[: question.max_length]


def _combine(question: Question, combine: str, answers: list[list[str]], options: Sequence[str]) -> str:
    """Several of their answers into one of ours (multi-choice answers come back newline-separated)."""
    if question.type == "yes_no":
        flat = [value for values in answers for value in values]
        if combine == "first":
            return flat[0]
        decided = [value for value in flat if value != "N/A"]
        if not decided:
            return "N/A"
        if combine == "any":
            return "Yes" if "Yes" in decided else ("Partial" if "Partial" in decided else "No")
        return decided[0] if len(set(decided)) == 1 else "Partial"
    if question.type == "multi_choice":
        picked = {value for values in (answers[:1] if combine == "first" else answers) for value in values}
        return "\n".join(option for option in options if option in picked)
    if question.type == "text" and combine == "join":
        parts: list[str] = []
        for values in answers:
            if values[0] and values[0] not in parts:
                parts.append(values[0])
        return "; ".join(parts)[: question.max_length]
    return answers[0][0]


def _publish_fact(rule: Rule, used: list[ForeignItem], mapping: Mapping, result: _Result) -> None:
    assert rule.fact is not None
    values: list[str] = []
    for item in used:
        if item.kind == "choices":
            raw = [str(choice) for choice in item.answer]
        else:
            text = cell_text(item.answer) if item.kind == "text" else str(item.answer)
            reading = read_answer(text, mapping.answers)
            raw = [reading.value if reading.clear else option_key(text)]
        translated = {option_key(key): value for key, value in rule.values.items()}
        for answer in raw:
            mapped = translated.get(option_key(answer), answer)
            if mapped is not None:
                values.append(mapped)
        if (rule.combine or "first") == "first":
            break
    if not values:
        return
    value: str | tuple[str, ...] = values[0][:200] if len(values) == 1 else tuple(dict.fromkeys(values))
    result.facts.append(ImportedFact(name=rule.fact, value=value, place=used[0].place))


def _keep_unparsed(item: ForeignItem, reason: str, result: _Result, *, ours: str | None) -> None:
    if item.their_id in result.unparsed:
        return
    text = cell_text(item.answer) if item.kind == "text" else _shown(item)
    result.unparsed[item.their_id] = UnparsedAnswer(their_id=item.their_id, place=item.place, text=text[:2000],
                                                    reason=reason)
    left = f"; {ours} is left unanswered" if ours else ""
    result.warnings.append(Problem(place=item.place, severity="warning", question_id=ours,
                                   message=f"{item.their_id} {_short(text)!r} is not clearly an answer ({reason})"
                                           f"{left}; kept for the analyst"))


def _domain_of(text: str) -> str | None:
    """The host of a web address, an e-mail address's domain, or a bare domain; None when there is none. One
    reading for every reader of the vendor's domain (``riskengine.importers.domains``)."""
    return host_of(text)


def _describe(label: str, item: ForeignItem, remark: str) -> str:
    """``CAIQ IAM-14.1: Yes (see policy) [CSP-owned]``: one source of an answer, for its comment."""
    answer = _short(cell_text(item.answer) if item.kind == "text" else _shown(item))
    owner = f" [{item.note.split(';')[0]}]" if item.note else ""
    return f"{label} {item.their_id}: {answer}" + (f" ({remark[:80]})" if remark else "") + owner


def _shown(item: ForeignItem) -> str:
    if isinstance(item.answer, tuple):
        return ", ".join(str(choice) for choice in item.answer)
    return str(item.answer)


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
