"""The scoring profile: categories, controls, inherent-risk factors, knockouts, requirements, tiers, decisions.

It is data (``scoring/default.yaml``), validated on load against the facts that can exist: every fact a
rule names must be an answer of the question bank, a derived fact of the profile, or a stage fact.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from riskengine.conditions import ASSESSMENT_DATE, Condition, FactTest, fact_tests, facts_read
from riskengine.datafile import YamlPlaces, load_yaml_model, read_yaml, validate_data
from riskengine.questionnaire.bank import QuestionBank
from riskengine.resources import data_path

Owner = Literal["it", "marketing", "vendor", "compliance"]
Due = Literal["before-go-live", "within-30-days", "within-90-days", "at-renewal"]
Severity = Literal["low", "medium", "high", "critical"]
Tier = Literal["low", "medium", "high", "critical"]
TierDecision = Literal["approve", "approve_with_conditions", "reject"]
"""What a tier decides when nothing else does (the profile's ``decisions``)."""
Decision = Literal["approve", "approve_with_conditions", "reject", "more_information_needed"]
"""The outcome: a knockout rejects; an answer a knockout or a critical control needs, left unanswered, makes it
``more_information_needed``; otherwise the tier decides, and findings that are conditions turn approve into
approve with conditions."""
FixableBy = Literal["vendor", "ours", "nobody"]
"""Who can change what a rule reads: the vendor (its answers, contract, configuration), we (our inventory and
integration design: retiring a duplicate tool), or nobody (the year the company was founded)."""
TIER_ORDER: tuple[Tier, ...] = ("low", "medium", "high", "critical")
DECISION_RANK: dict[str, int] = {"reject": 0, "more_information_needed": 1, "approve_with_conditions": 2,
                                 "approve": 3}
"""Decisions from worst to best, for "improving an answer never worsens the decision"."""
SCALE = 1000
"""Weights, points and thresholds are held as whole thousandths, so that scores are exact (see the engine)."""

ASSESSMENT_FACTS: dict[str, str] = {
    ASSESSMENT_DATE: "the date of the assessment (its clock): age tests count back from it",
}
ENGINE_FACTS: dict[str, str] = {
    "score.inherent": "the inherent risk (0-100), known before any control is scored",
}
"""Facts the scoring engine publishes itself, for controls and requirements to read."""



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


def _thousandths(value: float) -> float:
    if abs(value * SCALE - round(value * SCALE)) > 1e-6:
        raise ValueError(f"{value!r} has more than three decimals")
    return value


def scaled(value: float) -> int:
    """``value`` in whole thousandths (validated on load to be exact)."""
    return round(value * SCALE)


class _Explained(_Frozen):
    """What a gap means, in two voices, and what closes it: shared by controls and requirements."""

    severity: Severity
    title: str
    plain: str
    """The finding for a marketer: what it means for the business."""
    technical: str
    """The finding for IT: what exactly is missing."""
    remediation: Remediation
    fixable_by: FixableBy | None = None
    """Who can close the gap; by default ``ours`` for a graph fact (``graph.*``), else ``vendor``."""


class Control(_Explained):
    """One control: the fact it reads, when it applies, how answers score, and what a gap means in two voices."""

    id: str = Field(pattern=r"^[A-Z][A-Z0-9-]+$")
    category: str
    fact: str
    weight: float = Field(gt=0)
    points: dict[str, float] = {}
    """Score per answer, 0 (gap) to 1 (met); answers not listed score 0; an accepted N/A is excluded."""
    passes: Condition | None = None
    """Instead of points: the control is met (1) when this holds, a gap (0) otherwise."""
    share: bool = False
    """Instead of points: the fact is itself a share from 0 to 1 (``import.own.security``: the vendor's own
    controls in place, by its own questionnaire) and scores as itself, "N/A" excluding the control."""
    applies: Condition | Literal["always"]
    """When the control counts: ``always``, or a condition (for example only if personal data is held). A
    control that does not apply neither adds nor removes points."""

    _exact_weight = field_validator("weight")(_thousandths)

    @field_validator("points")
    @classmethod
    def _exact_points(cls, points: dict[str, float]) -> dict[str, float]:
        for value in points.values():
            _thousandths(value)
        return points

    @model_validator(mode="after")
    def _one_scoring(self) -> Control:
        if sum((bool(self.points), self.passes is not None, self.share)) != 1:
            raise ValueError(f"control {self.id} needs exactly one of points, passes or share")
        if any(not 0 <= score <= 1 for score in self.points.values()):
            raise ValueError(f"control {self.id}: points lie between 0 and 1")
        return self

    @property
    def fix_facts(self) -> tuple[str, ...]:
        return (self.fact,)

    @property
    def who_fixes(self) -> FixableBy:
        return self.fixable_by or default_fixer(self.fix_facts)


def default_fixer(facts: tuple[str, ...]) -> FixableBy:
    """Our side for what our inventory says (``graph.*``); the vendor for everything else."""
    return "ours" if facts and all(fact.startswith("graph.") for fact in facts) else "vendor"


class InherentFactor(_Frozen):
    id: str
    when: Condition
    points: float = Field(gt=0)
    reason: str

    _exact_points = field_validator("points")(_thousandths)


class Inherent(_Frozen):
    base: float = Field(ge=0, le=100)
    factors: tuple[InherentFactor, ...]

    _exact_base = field_validator("base")(_thousandths)


class Knockout(_Frozen):
    """A gap that rejects on its own: it sets the decision to reject, the tier to at least ``tier`` and the
    reassessment to the profile's shortest interval.

    Its condition is read in three-valued logic: if it may hold but an answer it reads is missing, the decision
    is "more information needed", naming the answer.
    """

    id: str
    when: Condition
    reason: str
    remediation: Remediation
    """What the vendor (or we) must do for the vendor to be reconsidered."""
    tier: Tier = "critical"
    """The lowest tier a vendor with this knockout can have."""
    control: str | None = None
    """The control whose gap is this knockout's cause (KO-NO-DPA and PRV-DPA): the two are one condition."""
    fix: tuple[str, ...] = ()
    """Facts whose change would lift the knockout (for what-if); by default the ``control``'s fact."""
    fixable_by: FixableBy | None = None


class Requirement(_Explained):
    """Minimum assurance for what the tool holds or touches: when ``when`` holds, ``requires`` must hold too,
    or the requirement is a finding (a condition at or above the profile's condition severity). It never
    changes the score: it decides what a decision must ask for (a current PCI DSS attestation for a tool
    handling card data, an IT review when it reaches critical systems). Without ``requires`` it is a standing
    condition whenever ``when`` holds."""

    id: str = Field(pattern=r"^[A-Z][A-Z0-9-]+$")
    category: str
    """Where the finding is listed (it earns and costs no points)."""
    when: Condition
    requires: Condition | None = None

    @property
    def fix_facts(self) -> tuple[str, ...]:
        return facts_read(self.requires) if self.requires is not None else ()

    @property
    def who_fixes(self) -> FixableBy:
        if self.requires is None:
            return self.fixable_by or "nobody"
        return self.fixable_by or default_fixer(self.fix_facts)


class InsufficientEvidence(_Frozen):
    """Evidence too thin to decide on: when ``when`` holds, the decision is "more information needed", with
    ``reason`` among the missing answers (a foreign questionnaire mostly unanswered)."""

    id: str = Field(pattern=r"^[A-Z][A-Z0-9-]+$")
    when: Condition
    reason: str


class TierBand(_Frozen):
    id: Tier
    below: float | None = None
    """Residual scores under this fall in this tier; the last tier has none."""

    @field_validator("below")
    @classmethod
    def _tenths(cls, value: float | None) -> float | None:
        if value is not None and abs(value * 10 - round(value * 10)) > 1e-9:
            raise ValueError(f"tier threshold {value!r}: residual scores are compared in tenths")
        return value


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
    decisions: dict[Tier, TierDecision]
    reassess_months: dict[Tier, int]
    knockouts: tuple[Knockout, ...] = ()
    requirements: tuple[Requirement, ...] = ()
    insufficient_evidence: tuple[InsufficientEvidence, ...] = ()
    condition_severity: Severity = "high"
    """Findings at or above this severity are conditions of approval; milder ones are recommendations."""
    unanswered_severity: Severity = "critical"
    """A control at or above this severity cannot be left unanswered: its missing answer makes the decision
    "more information needed" (as does a missing answer a knockout reads)."""
    severity_floors: dict[Severity, Tier] = {}
    """The lowest tier a vendor can have while a control gap of this severity is open (``critical: high``)."""
    borderline_margin: float = Field(default=2.0, ge=0)
    """A residual score within this many points of a tier threshold is reported as borderline."""

    _exact_reduction = field_validator("residual_reduction")(_thousandths)

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> ScoringProfile:
        categories = {category.id for category in self.categories}
        problems: list[str] = []
        ids = self.rule_ids
        for duplicate in sorted({rule_id for rule_id in ids if ids.count(rule_id) > 1}):
            problems.append(f"rule id {duplicate} appears twice")
        controls = {control.id: control for control in self.controls}
        scored = {control.fact for control in self.controls}
        derived = {fact.name for fact in self.derived_facts}
        for control in self.controls:
            if control.category not in categories:
                problems.append(f"rule {control.id}: unknown category {control.category!r}")
            for fact in facts_read(control.passes) if control.passes is not None else ():
                if fact.startswith("answer.") and fact not in scored:
                    problems.append(f"rule {control.id} reads {fact}, which no control scores: an answer that can "
                                    "lower a score must have a control of its own")
        for requirement in self.requirements:
            if requirement.category not in categories:
                problems.append(f"rule {requirement.id}: unknown category {requirement.category!r}")
        for knockout in self.knockouts:
            if knockout.control is not None and knockout.control not in controls:
                problems.append(f"knockout {knockout.id}: unknown control {knockout.control!r}")
            if not knockout.fix and knockout.control is None:
                problems.append(f"knockout {knockout.id} needs fix (the facts whose change lifts it) or control")
            for fact in knockout.fix:
                if fact in derived:
                    problems.append(f"knockout {knockout.id}: fix names derived fact {fact}; name what it is "
                                    "derived from")
        if [band.id for band in self.tiers] != list(TIER_ORDER) or self.tiers[-1].below is not None:
            problems.append("tiers must be low, medium, high, critical in order, the last without 'below'")
        for tier in TIER_ORDER:
            if tier not in self.decisions or tier not in self.reassess_months:
                problems.append(f"tier {tier} needs a decision and reassess_months")
        context = info.context or {}
        bank, facts = context.get("bank"), context.get("facts")
        if isinstance(bank, QuestionBank) and isinstance(facts, Mapping):
            problems += _check_facts(self, bank, facts)
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def rule_ids(self) -> list[str]:
        """Every rule's id, in the profile's order: controls, knockouts, inherent-risk factors, requirements and
        insufficient-evidence rules."""
        ids = [control.id for control in self.controls] + [k.id for k in self.knockouts]
        ids += [factor.id for factor in self.inherent.factors] + [r.id for r in self.requirements]
        return ids + [rule.id for rule in self.insufficient_evidence]

    @cached_property
    def scales(self) -> ProfileScales:
        """The profile's numbers as whole thousandths, worked out once (scoring repeats for every what-if)."""
        return ProfileScales(
            weight={control.id: scaled(control.weight) for control in self.controls},
            points={control.id: {answer.casefold(): scaled(value) for answer, value in control.points.items()}
                    for control in self.controls},
            category={category.id: scaled(category.weight) for category in self.categories},
            thresholds=tuple((band.id, round(band.below * 10)) for band in self.tiers if band.below is not None),
            reduction=scaled(self.residual_reduction), base=scaled(self.inherent.base),
            factor={factor.id: scaled(factor.points) for factor in self.inherent.factors},
            controls=tuple((control, None if isinstance(control.applies, str) else control.applies,
                            {answer.casefold(): scaled(value) for answer, value in control.points.items()})
                           for control in self.controls))

    @cached_property
    def must_answer(self) -> tuple[Control, ...]:
        """Controls at or above ``unanswered_severity``: their missing answer holds the decision back."""
        return tuple(control for control in self.controls
                     if SEVERITY_RANK[control.severity] >= SEVERITY_RANK[self.unanswered_severity])

    @cached_property
    def fixers(self) -> dict[str, FixableBy]:
        """Who can close each rule's gap (controls, requirements, knockouts), by rule id."""
        return {**{control.id: control.who_fixes for control in self.controls},
                **{requirement.id: requirement.who_fixes for requirement in self.requirements},
                **{knockout.id: self.knockout_fixer(knockout) for knockout in self.knockouts}}

    def tier_for(self, residual_tenths: int) -> Tier:
        """The tier of a residual score given in whole tenths (``199`` is 19.9): compared exactly."""
        for tier, below in self.scales.thresholds:
            if residual_tenths < below:
                return tier
        return "critical"

    def knockout_fix(self, knockout: Knockout) -> tuple[str, ...]:
        if knockout.fix:
            return knockout.fix
        return next(control.fix_facts for control in self.controls if control.id == knockout.control)

    def knockout_fixer(self, knockout: Knockout) -> FixableBy:
        return knockout.fixable_by or default_fixer(self.knockout_fix(knockout))


@dataclass(frozen=True)
class ProfileScales:
    weight: dict[str, int]
    """Control id -> weight in thousandths."""
    points: dict[str, dict[str, int]]
    """Control id -> answer (casefolded) -> points in thousandths."""
    category: dict[str, int]
    thresholds: tuple[tuple[Tier, int], ...]
    """Tier -> the residual, in tenths, it lies below."""
    reduction: int
    base: int
    factor: dict[str, int]
    controls: tuple[tuple[Control, Condition | None, dict[str, int]], ...]
    """Each control, its applicability (None: always) and its points in thousandths, in profile order."""


def own_fact(category: str) -> str:
    """The fact holding the share of the vendor's own controls in place in one of our categories, by its own
    questionnaire (see ``riskengine.questionnaire.submission.own_answer_facts``)."""
    return f"import.own.{category}"


def _check_facts(profile: ScoringProfile, bank: QuestionBank, facts: Mapping[str, str]) -> list[str]:
    """Every fact a rule names must exist (an answer of ``bank``, a fact a stage declares in ``facts``, the
    engine's own, a derived one), and every answer it compares must be possible."""
    questions = {f"answer.{question.id}": question for _, question in bank.questions()}
    known = set(questions) | set(facts) | set(ASSESSMENT_FACTS) | set(ENGINE_FACTS) | {
        fact.name for fact in profile.derived_facts} | {own_fact(category.id) for category in profile.categories}
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
        if control.share and control.fact != own_fact(control.category):
            problems.append(f"rule {control.id}: a share control reads {own_fact(control.category)}, the vendor's "
                            f"own answers of its category, not {control.fact}")
        question = questions.get(control.fact)
        if question is not None and control.points:
            for answer in control.points:
                check(control.id, FactTest(fact=control.fact, equals=answer))
        for condition in (control.passes, control.applies):
            if condition is not None and not isinstance(condition, str):  # str: "always"
                for test in fact_tests(condition):
                    check(control.id, test)
    rules: list[tuple[str, Condition | None]] = [(f.id, f.when) for f in profile.inherent.factors]
    rules += [(k.id, k.when) for k in profile.knockouts]
    rules += [(r.id, r.when) for r in profile.requirements] + [(r.id, r.requires) for r in profile.requirements]
    rules += [(rule.id, rule.when) for rule in profile.insufficient_evidence]
    for rule_id, condition in rules:
        for test in fact_tests(condition) if condition is not None else ():
            check(rule_id, test)
    for knockout in profile.knockouts:
        for fact in knockout.fix:
            check(knockout.id, FactTest(fact=fact, exists=True))
    return problems


DEFAULT_PROFILE = "default.yaml"


def load_profile(path: Path | None = None, *, bank: QuestionBank, facts: Mapping[str, str]) -> ScoringProfile:
    """Load and validate a scoring profile (default: the shipped one) against the answers of ``bank`` and the
    catalogue of facts the stages declare (``facts``: name -> meaning; ``riskengine.pipeline.fact_catalogue``).

    A profile with ``extends: default`` (or a path, relative to it) is an overlay: it changes only what it
    names, see ``overlay``. Problems in the result are reported against the overlay's file.
    """
    context = {"bank": bank, "facts": facts}
    if path is None:
        return load_yaml_model(data_path("scoring", DEFAULT_PROFILE), ScoringProfile, context=context)
    data, text = read_yaml(path, user_file=True)
    places = YamlPlaces(str(path), text)
    if isinstance(data, dict) and "extends" in data:
        data = _layered(path, data, set())
        places = _RulePlaces(str(path), text)
    return validate_data(data, ScoringProfile, places, user_file=True, context=context)


_KEYED_LISTS = {"categories": "id", "controls": "id", "knockouts": "id", "requirements": "id", "derived_facts": "name",
                "tiers": "id"}


def overlay(base: dict[str, Any], change: dict[str, Any]) -> dict[str, Any]:
    """``base`` with ``change`` applied: scalars replace; ``decisions`` and ``reassess_months`` update by
    tier; lists of rules (categories, controls, knockouts, requirements, derived facts, tiers, inherent factors)
    merge by id, a listed field replacing only that field of the rule, a new id adding a rule; ``remove: [ids]`` drops
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
