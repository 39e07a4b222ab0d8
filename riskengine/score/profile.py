"""The scoring profile: categories, controls, inherent-risk factors, knockouts, tiers and decisions.

It is data (``scoring/default.yaml``), validated on load against the facts that can exist: every fact a
rule names must be an answer of the question bank, a derived fact of the profile, or a stage fact.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, model_validator

from riskengine.datafile import YamlPlaces, load_yaml_model, read_yaml, validate_data
from riskengine.questionnaire.bank import QuestionBank, load_bank
from riskengine.resources import data_path
from riskengine.score.conditions import Condition, FactTest, fact_tests

Owner = Literal["it", "marketing", "vendor", "compliance"]
Due = Literal["before-go-live", "within-30-days", "within-90-days", "at-renewal"]
Severity = Literal["low", "medium", "high", "critical"]
Tier = Literal["low", "medium", "high", "critical"]
Decision = Literal["approve", "approve_with_conditions", "reject"]
TIER_ORDER: tuple[Tier, ...] = ("low", "medium", "high", "critical")

STAGE_FACTS: dict[str, str] = {
    "graph.connected": "number of existing systems the tool connects to directly",
    "graph.reach.total": "existing systems downstream of the tool (its blast radius)",
    "graph.reach.critical": "downstream systems with criticality high or critical",
    "graph.customer_facing": "a customer-facing system (the website, the shop) is downstream",
    "graph.blast_score": "sum of criticality (1-4) divided by distance over downstream systems",
    "graph.duplicates": "sanctioned systems that already provide the tool's capability",
    "graph.shadow_it": "unsanctioned systems in the same capability space",
    "graph.data_in": "data classes that reach the tool",
    "graph.data_through": "data classes the tool passes on to other systems",
    "graph.cut_vertex": "the tool would be the only link between some of its neighbours",
    "graph.new_department_links": "department pairs the tool would link for the first time",
    "graph.degree_percentile": "share of existing systems with fewer connections than the tool",
    "graph.integration_hours": "likely hours to build the tool's new integrations",
    "data.outside_approved_regions": "the tool would store data in regions the organisation has not approved",
    "import.format": "the questionnaire's foreign format (caiq, hecvat3, hecvat4, vsaq, mapped); absent for ours",
    "import.coverage": "percent of our questions a foreign questionnaire answers through its mapping",
    "import.not_covered": "how many of our questions a foreign questionnaire does not answer",
    "import.unparsed": "answers in a foreign questionnaire that are not clearly answers",
    "import.flags": "warnings the foreign questionnaire itself raised on the vendor's answers",
    "import.flag.critical": "of those, critical",
    "import.flag.high": "of those, high",
    "import.flag.medium": "of those, medium",
    "import.flag.low": "of those, low",
}
"""Facts the pipeline's stages publish besides answers: the graph stage, the organisation's policy and the
importers (``import.*``, only for a questionnaire in a foreign format)."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class Category(_Frozen):
    id: str
    title: str
    weight: float = Field(gt=0)


Effort = Literal["low", "medium", "high"]
EFFORT_RANK: dict[str, int] = {"low": 1, "medium": 2, "high": 3}
SEVERITY_RANK: dict[str, int] = {"low": 1, "medium": 2, "high": 3, "critical": 4}


class Remediation(_Frozen):
    action: str
    owner: Owner
    due: Due
    effort: Effort = "medium"
    """How hard the fix is to obtain; the what-if list prefers cheap fixes."""


class DerivedFact(_Frozen):
    name: str = Field(pattern=r"^[a-z]+(\.[a-z_]+)+$")
    description: str
    when: Condition


class Control(_Frozen):
    """One control: the fact it reads, how answers score, and what a gap means in two voices."""

    id: str = Field(pattern=r"^[A-Z][A-Z0-9-]+$")
    category: str
    fact: str
    weight: float = Field(gt=0)
    points: dict[str, float] = {}
    """Score per answer, 0 (gap) to 1 (met); answers not listed score 0; N/A is excluded."""
    passes: Condition | None = None
    """Instead of points: the control is met (1) when this holds, a gap (0) otherwise."""
    applies: Condition | None = None
    """The control counts only when this holds (for example only if personal data is held)."""
    severity: Severity
    title: str
    plain: str
    """The finding for a marketer: what it means for the business."""
    technical: str
    """The finding for IT: what exactly is missing."""
    remediation: Remediation

    @model_validator(mode="after")
    def _one_scoring(self) -> Control:
        if bool(self.points) == (self.passes is not None):
            raise ValueError(f"control {self.id} needs exactly one of points or passes")
        if any(not 0 <= score <= 1 for score in self.points.values()):
            raise ValueError(f"control {self.id}: points lie between 0 and 1")
        return self


class InherentFactor(_Frozen):
    id: str
    when: Condition
    points: float = Field(gt=0)
    reason: str


class Inherent(_Frozen):
    base: float = Field(ge=0, le=100)
    factors: tuple[InherentFactor, ...]


class Knockout(_Frozen):
    id: str
    when: Condition
    reason: str
    remediation: Remediation


class TierBand(_Frozen):
    id: Tier
    below: float | None = None
    """Residual scores under this fall in this tier; the last tier has none."""


class ScoringProfile(_Frozen):
    id: str
    version: str
    title: str
    categories: tuple[Category, ...] = Field(min_length=1)
    derived_facts: tuple[DerivedFact, ...] = ()
    controls: tuple[Control, ...] = Field(min_length=1)
    inherent: Inherent
    residual_reduction: float = Field(gt=0, le=1)
    """Share of inherent risk that fully effective controls remove: residual = inherent x (1 - r x effectiveness)."""
    tiers: tuple[TierBand, ...]
    decisions: dict[Tier, Decision]
    reassess_months: dict[Tier, int]
    knockouts: tuple[Knockout, ...] = ()
    condition_severity: Severity = "high"
    """Findings at or above this severity are conditions of approval; milder ones are recommendations."""

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> ScoringProfile:
        categories = {category.id for category in self.categories}
        problems: list[str] = []
        ids = [control.id for control in self.controls] + [k.id for k in self.knockouts]
        ids += [factor.id for factor in self.inherent.factors]
        for duplicate in sorted({rule_id for rule_id in ids if ids.count(rule_id) > 1}):
            problems.append(f"rule id {duplicate} appears twice")
        for control in self.controls:
            if control.category not in categories:
                problems.append(f"rule {control.id}: unknown category {control.category!r}")
        if [band.id for band in self.tiers] != list(TIER_ORDER) or self.tiers[-1].below is not None:
            problems.append("tiers must be low, medium, high, critical in order, the last without 'below'")
        for tier in TIER_ORDER:
            if tier not in self.decisions or tier not in self.reassess_months:
                problems.append(f"tier {tier} needs a decision and reassess_months")
        bank = (info.context or {}).get("bank")
        if isinstance(bank, QuestionBank):
            problems += _check_facts(self, bank)
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def tier_for(self, residual: float) -> Tier:
        for band in self.tiers:
            if band.below is not None and residual < band.below:
                return band.id
        return "critical"


def _check_facts(profile: ScoringProfile, bank: QuestionBank) -> list[str]:
    """Every fact a rule names must exist, and every answer it compares must be possible."""
    questions = {f"answer.{question.id}": question for _, question in bank.questions()}
    from riskengine.enrich.gather import all_checks

    known = set(questions) | set(STAGE_FACTS) | set(all_checks()) | {fact.name for fact in profile.derived_facts}
    vocabularies = dict(bank.vocabularies)
    problems: list[str] = []

    def check(rule_id: str, test: FactTest) -> None:
        if test.fact not in known:
            close = difflib.get_close_matches(test.fact, sorted(known), n=1)
            hint = f"; did you mean {close[0]}?" if close else ""
            problems.append(f"rule {rule_id}: unknown fact {test.fact!r}{hint}")
            return
        question = questions.get(test.fact)
        if question is None or question.type not in ("choice", "yes_no", "multi_choice"):
            return
        options = {option.casefold() for option in question.choices(vocabularies)}
        for value in test.tested_values():
            if str(value).casefold() not in options:
                problems.append(f"rule {rule_id}: {test.fact} can never be {value!r} (options: "
                                f"{', '.join(question.choices(vocabularies))})")

    for derived in profile.derived_facts:
        for test in fact_tests(derived.when):
            check(derived.name, test)
    for control in profile.controls:
        check(control.id, FactTest(fact=control.fact, exists=True))
        question = questions.get(control.fact)
        if question is not None and control.points:
            for answer in control.points:
                check(control.id, FactTest(fact=control.fact, equals=answer))
        for condition in (control.passes, control.applies):
            if condition is not None:
                for test in fact_tests(condition):
                    check(control.id, test)
    for rule_id, condition in [(f.id, f.when) for f in profile.inherent.factors] + [
        (k.id, k.when) for k in profile.knockouts
    ]:
        for test in fact_tests(condition):
            check(rule_id, test)
    return problems


DEFAULT_PROFILE = "default.yaml"


def load_profile(path: Path | None = None, bank: QuestionBank | None = None) -> ScoringProfile:
    """Load and validate a scoring profile against the facts of ``bank`` (default: the shipped ones).

    A profile with ``extends: default`` (or a path, relative to it) is an overlay: it changes only what it
    names, see ``overlay``. Problems in the result are reported against the overlay's file.
    """
    context = {"bank": bank or load_bank()}
    if path is None:
        return load_yaml_model(data_path("scoring", DEFAULT_PROFILE), ScoringProfile, context=context)
    data, text = read_yaml(path, user_file=True)
    places = YamlPlaces(str(path), text)
    if isinstance(data, dict) and "extends" in data:
        data = _layered(path, data, set())
        places = _RulePlaces(str(path), text)
    return validate_data(data, ScoringProfile, places, user_file=True, context=context)


_KEYED_LISTS = {"categories": "id", "controls": "id", "knockouts": "id", "derived_facts": "name", "tiers": "id"}


def overlay(base: dict[str, Any], change: dict[str, Any]) -> dict[str, Any]:
    """``base`` with ``change`` applied: scalars replace; ``decisions`` and ``reassess_months`` update by
    tier; lists of rules (categories, controls, knockouts, derived facts, tiers, inherent factors) merge by
    id, a listed field replacing only that field of the rule, a new id adding a rule; ``remove: [ids]`` drops
    rules and categories by id."""
    merged = {key: value for key, value in base.items()}
    for key, value in change.items():
        if key in ("extends", "remove"):
            continue
        if key in _KEYED_LISTS and isinstance(value, list):
            merged[key] = _merge_list(merged.get(key, []), value, _KEYED_LISTS[key])
        elif key == "inherent" and isinstance(value, dict):
            inherent = dict(merged.get("inherent", {}))
            for field, item in value.items():
                inherent[field] = _merge_list(inherent.get("factors", []), item, "id") if field == "factors" \
                    else item
            merged[key] = inherent
        elif key in ("decisions", "reassess_months") and isinstance(value, dict):
            merged[key] = {**merged.get(key, {}), **value}
        else:
            merged[key] = value
    removed = set(change.get("remove") or ())
    for key, id_field in _KEYED_LISTS.items():
        merged[key] = [item for item in merged.get(key, []) if item.get(id_field) not in removed]
    if "inherent" in merged:
        factors = [f for f in merged["inherent"].get("factors", []) if f.get("id") not in removed]
        merged["inherent"] = {**merged["inherent"], "factors": factors}
    return merged


def _merge_list(base: list[Any], change: list[Any], id_field: str) -> list[Any]:
    result = [dict(item) for item in base]
    index = {item.get(id_field): position for position, item in enumerate(result)}
    for item in change:
        key = item.get(id_field) if isinstance(item, dict) else None
        if key in index:
            result[index[key]] = {**result[index[key]], **item}
        else:
            result.append(item)
    return result


def _layered(path: Path, data: dict[str, Any], seen: set[Path]) -> dict[str, Any]:
    from riskengine.errors import InputError, Problem

    target = str(data["extends"])
    base_path = data_path("scoring", DEFAULT_PROFILE) if target == "default" else (path.parent / target).resolve()
    if base_path in seen:
        raise InputError(str(path), [Problem(place=str(path), message=f"extends {target!r} makes a cycle")])
    seen.add(base_path)
    base, _ = read_yaml(base_path, user_file=True)
    if isinstance(base, dict) and "extends" in base:
        base = _layered(base_path, base, seen)
    return overlay(base if isinstance(base, dict) else {}, data)


class _RulePlaces(YamlPlaces):
    """Places in a layered profile: the merged document has no lines of its own, so a problem is placed
    on the overlay's file, and its message names the rule and the field."""

    def place(self, location: tuple[int | str, ...]) -> str:
        return self.name
