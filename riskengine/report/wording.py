"""The report's wording, structure per audience and theme, read from ``templates/report.yaml``.

Text is data so a change of voice or a translation is an edit of the YAML, not of the renderer. Every
sentence may use only the ``{placeholders}`` the renderer fills in; anything else is an error at load time,
with the file and line, rather than a ``KeyError`` halfway through a render.
"""

from __future__ import annotations

import datetime as dt
import string
from functools import cache
from pathlib import Path
from typing import Any, ClassVar, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

from riskengine.datafile import load_yaml_model
from riskengine.enrich.kinds import Kind, Mode, Status
from riskengine.errors import UsageError
from riskengine.resources import data_path
from riskengine.score.profile import Decision, Due, Effort, FixableBy, Owner, Severity, Tier
from riskengine.tco.assumptions import OptionId

SectionId = Literal["cover", "summary", "scores", "findings", "conditions", "dependencies", "tco", "cost",
                    "evidence", "scorecard", "glossary", "inputs", "signoff", "appendix"]
Form = Literal["whole", "compact", "short"]
"""How much of a section an audience's report shows: ``whole`` (the default), ``compact`` (one row per item, no
detail paragraphs) or ``short`` (one line per item on one page, the rest counted)."""
SECTION_FORMS: dict[SectionId, tuple[Form, ...]] = {
    "findings": ("whole", "compact"),
    "conditions": ("whole", "compact", "short"),
}
"""The forms each section has besides ``whole``; a section not listed has only its whole form."""
SignoffRole = Literal["it", "marketing", "compliance"]
"""The roles that sign the report, in the order of their blocks (their names come from ``owners``)."""
Direction = Literal["inbound", "outbound", "bidirectional"]
WhatIfRoute = Literal["vendor", "with_our_side"]
FindingRole = Literal["knockout", "condition", "recommendation", "none"]
"""What a finding is to the approval: the cause of a knockout, a condition, a recommendation, or none of them."""
Role = Literal["questionnaire", "inventory", "profile", "org_profile", "bank", "policy"]
Border = Literal["solid", "dashed", "double", "dotted"]
LineStyle = Literal["solid", "dashed"]
HexColour = str

_HEX = r"^#[0-9A-Fa-f]{6}$"
REPORT_TEMPLATE = "report.yaml"
GLOSSARY_TEMPLATE = "glossary.yaml"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Sentences(_Frozen):
    """A group of texts; ``placeholders`` names the ``{fields}`` each text may use (none by default)."""

    placeholders: ClassVar[dict[str, frozenset[str]]] = {}

    @model_validator(mode="after")
    def _known_placeholders(self) -> Sentences:
        problems: list[str] = []
        for name in type(self).model_fields:
            text = getattr(self, name)
            if isinstance(text, str):
                problems += placeholder_problems(name, text, self.placeholders.get(name, frozenset()))
        if problems:
            raise ValueError("; ".join(problems))
        return self


def placeholder_problems(name: str, text: str, allowed: frozenset[str]) -> list[str]:
    """What is wrong with the ``{fields}`` of ``text`` (unknown names, unbalanced braces); empty when fine."""
    try:
        used = {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}
    except ValueError as exc:
        return [f"{name}: {exc} (write {{{{ and }}}} for literal braces)"]
    unknown = sorted(used - allowed)
    if not unknown:
        return []
    offer = ", ".join(f"{{{field}}}" for field in sorted(allowed)) or "none"
    named = ", ".join(f"{{{field}}}" for field in unknown)
    return [f"{name}: unknown placeholder {named} (allowed: {offer})"]


class AudienceSpec(_Frozen):
    """One audience's report: its label and its sections in order, each written as its id (its whole form) or
    as ``{id: form}`` (``findings: compact``); on load the entries become ``sections`` and ``forms``."""

    label: str
    """Shown on the cover and in the footer: "Full report", "Marketing summary"."""
    sections: tuple[SectionId, ...] = Field(min_length=1)
    forms: dict[SectionId, Form] = Field(default_factory=dict)
    """The form of each section that is not shown whole."""

    @model_validator(mode="before")
    @classmethod
    def _split_forms(cls, data: Any) -> Any:
        if not isinstance(data, dict) or not isinstance(data.get("sections"), list | tuple):
            return data
        if "forms" in data:
            raise ValueError("forms: write a section's form in its sections entry ({findings: compact})")
        sections: list[Any] = []
        forms: dict[Any, Any] = {}
        for index, entry in enumerate(data["sections"]):
            if isinstance(entry, dict):
                if len(entry) != 1:
                    raise ValueError(f"sections[{index}]: one section and its form ({{findings: compact}}), "
                                     f"got {entry!r}")
                (entry, form), = entry.items()
                forms[entry] = form
            sections.append(entry)
        return {**data, "sections": sections, "forms": forms}

    @model_validator(mode="after")
    def _cover_first(self) -> AudienceSpec:
        if self.sections[0] != "cover":
            raise ValueError("sections must start with cover")
        if len(set(self.sections)) != len(self.sections):
            raise ValueError("a section appears twice")
        problems = [f"sections: {section} has no {form} form (it has: "
                    f"{', '.join(SECTION_FORMS.get(section, ('whole',)))})"
                    for section, form in sorted(self.forms.items())
                    if form not in SECTION_FORMS.get(section, ("whole",))]
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def form(self, section: SectionId) -> Form:
        """How this audience's report shows ``section``: ``whole`` unless its entry names a form."""
        return self.forms.get(section, "whole")


class DecisionWording(_Frozen):
    badge: str
    """The badge's label; each decision's differs so the badge reads without colour."""
    verdict: str
    """One plain sentence: what the decision means for the business."""
    name: str
    """The decision inside a sentence: "approval with conditions"."""


class PageWording(Sentences):
    placeholders: ClassVar[dict[str, frozenset[str]]] = {
        "number": frozenset({"page", "total"}),
        "footer": frozenset({"engine", "audience"}),
    }
    number: str
    footer: str


class CoverWording(Sentences):
    placeholders: ClassVar[dict[str, frozenset[str]]] = {
        "out_of_100": frozenset({"score"}),
        "badge_tier": frozenset({"tier"}),
        "badge_tier_pending": frozenset({"tier"}),
        "reasons_more": frozenset({"count", "section"}),
        "reasons_more_elsewhere": frozenset({"count"}),
    }
    assessment_id: str
    date: str
    requested_by: str
    report: str
    tier: str
    residual: str
    inherent: str
    effectiveness: str
    out_of_100: str
    badge_tier: str
    badge_tier_pending: str
    """Under the badge while the decision waits for missing answers: the tier is provisional."""
    reassess: str
    reasons: str
    """Above the three main reasons: the knockouts, the answers the decision waits for, the worst findings."""
    knockout: str
    missing: str
    """The tags of a knockout and of a missing answer among the reasons (a finding's tag is its severity)."""
    no_reasons: str
    reasons_more: str
    reasons_more_elsewhere: str
    """The reasons not shown, in a report without the Findings section."""


class InputsWording(Sentences):
    """The Inputs section: every file the assessment read with its SHA-256, and the versions that judged it."""

    intro: str
    role: str
    file: str
    sha256: str
    versions: str
    engine: str
    bank: str
    profile: str
    schema_: str = Field(alias="schema")


class NotConsideredWording(Sentences):
    """The inputs an assessment was run without, and what each leaves out: a row on the cover, a list in the Inputs
    section, a warning on the command line and ``not_considered`` in the JSON, each sentence as written."""

    placeholders: ClassVar[dict[str, frozenset[str]]] = {"org_profile": frozenset({"currency", "years"})}
    label: str
    intro: str
    inventory: str
    org_profile: str


_BORDERLINE = frozenset({"residual", "distance", "threshold", "tier", "other_tier"})


class SummaryWording(Sentences):
    placeholders: ClassVar[dict[str, frozenset[str]]] = {
        "knockouts": frozenset({"count"}),
        "score": frozenset({"residual", "tier"}),
        "score_knockout": frozenset({"residual", "tier", "score_tier"}),
        "score_knockout_same": frozenset({"residual", "tier"}),
        "score_pending": frozenset({"residual", "tier"}),
        "score_floor": frozenset({"residual", "tier", "score_tier"}),
        "borderline_below": _BORDERLINE,
        "borderline_above": _BORDERLINE,
        "borderline_at": _BORDERLINE,
        "borderline_differs": frozenset({"other_tier", "decision"}),
        "borderline_same": frozenset({"other_tier", "decision"}),
        "findings_count": frozenset({"counts"}),
        "conditions_later": frozenset({"count"}),
        "reconsider_score": frozenset({"tier"}),
        "reconsider_also": frozenset({"count"}),
        "missing_more": frozenset({"count"}),
        "missing_conditions": frozenset({"count"}),
        "reassess": frozenset({"months", "tier"}),
        "reassess_by": frozenset({"date", "months", "tier"}),
        "cost": frozenset({"horizon", "good_enough", "built_to_last"}),
    }
    decision: str
    why: str
    knockouts: str
    score: str
    """The residual with one decimal: the figure the tier was decided on, as on the cover and in the JSON."""
    score_knockout: str
    """A rejection whose knockouts raised the tier above the score's."""
    score_knockout_same: str
    score_pending: str
    score_floor: str
    """The decision waits for missing answers: the score is provisional."""
    borderline_below: str
    borderline_above: str
    borderline_at: str
    borderline_differs: str
    borderline_same: str
    findings_count: str
    no_findings: str
    top_findings: str
    before_go_live: str
    before_go_live_intro: str
    nothing_before_go_live: str
    conditions_later: str
    no_conditions: str
    no_conditions_or_recommendations: str
    reconsider_title: str
    """A rejection: what must change to be reconsidered, in place of "before go-live"."""
    reconsider_intro: str
    knockout: str
    what_must_change: str
    reconsider_score: str
    """A rejection by the score alone (no knockout)."""
    reconsider_also: str
    reconsider_also_none: str
    other_top_findings: str
    """A rejection: the top findings besides the control gaps behind the knockouts."""
    missing_title: str
    """More information needed: the answers the decision waits for."""
    missing_intro: str
    question: str
    place: str
    why_missing: str
    missing_more: str
    missing_conditions: str
    missing_conditions_none: str
    reassess_pending: str
    reassess_title: str
    reassess: str
    """Used when the result carries no reassessment date."""
    reassess_by: str
    cost_title: str
    cost: str
    """The medians of both options' present value; the TCO recommendation follows it."""
    cost_none: str


class ScoresWording(Sentences):
    placeholders: ClassVar[dict[str, frozenset[str]]] = {
        "not_applicable_list": frozenset({"categories"}),
        "overall": frozenset({"effectiveness", "inherent", "residual"}),
        "inherent_intro": frozenset({"inherent"}),
        "earned_possible_value": frozenset({"earned", "possible"}),
    }
    intro: str
    not_applicable_list: str
    no_chart: str
    not_applicable: str
    category: str
    weight: str
    effectiveness: str
    controls: str
    earned_possible: str
    earned_possible_value: str
    no_points: str
    overall: str
    inherent_title: str
    inherent_intro: str
    no_factors: str
    factor: str
    points: str
    provenance: str


class FindingsWording(Sentences):
    placeholders: ClassVar[dict[str, frozenset[str]]] = {
        "remediation_line": frozenset({"action", "owner", "due"}),
        "points": frozenset({"points"}),
        "causes_knockout": frozenset({"knockout"}),
    }
    intro: str
    compact_intro: str
    """Above the compact form: one row per finding, and where each is given in full."""
    none: str
    what_it_means: str
    for_it: str
    remediation: str
    vendor_answer: str
    points_lost: str
    provenance: str
    remediation_line: str
    is_condition: str
    is_recommendation: str
    points: str
    requirement_points: str
    """A requirement's "points lost": it earns and costs none."""
    causes_knockout: str
    """A control gap behind a knockout: its remediation is the knockout's."""
    fixers: dict[FixableBy, str]
    """Who can close a gap, after the condition or recommendation mark."""
    finding: str
    approval: str
    points_short: str
    fixed_by: str
    roles: dict[FindingRole, str]
    """The compact form's word for what a finding is to the approval."""
    fixers_short: dict[FixableBy, str]
    """The compact form's word for who can close the gap."""

    @model_validator(mode="after")
    def _fixers_complete(self) -> FindingsWording:
        problems = missing_keys("fixers", self.fixers, FixableBy)
        problems += missing_keys("fixers_short", self.fixers_short, FixableBy)
        problems += missing_keys("roles", self.roles, FindingRole)
        for group in ("fixers", "fixers_short", "roles"):
            for key, text in sorted(getattr(self, group).items()):
                problems += placeholder_problems(f"{group}.{key}", text, frozenset())
        if problems:
            raise ValueError("; ".join(problems))
        return self


class ConditionsWording(Sentences):
    """The Conditions section: knockouts, conditions of approval, recommendations and the what-if plans."""

    placeholders: ClassVar[dict[str, frozenset[str]]] = {
        "more_rows": frozenset({"count"}),
        "group": frozenset({"owner", "due"}),
        "reconsider_score": frozenset({"tier"}),
        "sources": frozenset({"sources"}),
        "blocked_by": frozenset({"rule", "title", "who"}),
        "goal_tier": frozenset({"tier"}),
        "fix_these": frozenset({"goal", "count"}),
        "fix_this_one": frozenset({"goal"}),
        "nothing_to_fix": frozenset({"goal"}),
        "more_actions": frozenset({"count", "rules"}),
        "outcome": frozenset({"residual", "tier", "decision"}),
        "unreachable": frozenset({"goal"}),
        "unreachable_outcome": frozenset({"count", "residual", "tier", "decision"}),
        "compact_pending": frozenset({"count", "questions"}),
        "compact_score": frozenset({"tier"}),
        "owner_group": frozenset({"owner", "count"}),
        "short_more": frozenset({"count", "owner"}),
        "short_recommendations": frozenset({"count"}),
        "compact_recommendations": frozenset({"count", "section"}),
    }
    knockouts_title: str
    """A rejection: the knockouts, with what must change for the vendor to be reconsidered."""
    knockouts_intro: str
    reconsider_score: str
    """A rejection by the score alone (no knockout)."""
    knockout: str
    remediation: str
    sources: str
    conditions_title: str
    intro: str
    none: str
    conditions_title_reconsidered: str
    """A rejection: the conditions besides the knockouts, that would apply if it were reconsidered."""
    intro_reconsidered: str
    none_reconsidered: str
    conditions_title_pending: str
    """More information needed: the conditions found on the answers given."""
    intro_pending: str
    none_pending: str
    missing_title: str
    missing_intro: str
    question_id: str
    question: str
    place: str
    why: str
    needed_by: str
    not_in_questionnaire: str
    none_approved: str
    owner: str
    due: str
    action: str
    severity: str
    effort: str
    group: str
    """The heading row of a group of conditions: who owns them and when they are due."""
    recommendations_title: str
    recommendations_intro: str
    no_recommendations: str
    more_rows: str
    what_if_title: str
    what_if_intro: str
    what_if_best: str
    what_if_none: str
    what_if_pending: str
    routes: dict[WhatIfRoute, str]
    """The heading of a what-if: the fixes its route may use."""
    our_side: str
    blocked_by: str
    blocked_who: dict[FixableBy, str]
    goal_tier: str
    goal_approve_with_conditions: str
    goal_approve: str
    fix_these: str
    fix_this_one: str
    nothing_to_fix: str
    more_actions: str
    outcome: str
    unreachable: str
    unreachable_note: str
    """Shown when the result gives no reason why a goal is out of reach."""
    unreachable_outcome: str
    outcomes: dict[Decision, str]
    """The decision as the end of a sentence: "approved with conditions"."""
    compact_intro: str
    """The compact and short forms: one line per condition, by owner, most severe first."""
    compact_reconsidered: str
    compact_score: str
    compact_pending: str
    owner_group: str
    knockout_mark: str
    """Beside a knockout's remediation among the conditions: lifting it is what being reconsidered takes."""
    short_more: str
    """The short form: the conditions of an owner left out, and where they are."""
    short_recommendations: str
    compact_recommendations: str
    """The compact form counts the recommendations: the compact findings mark them."""

    @model_validator(mode="after")
    def _complete(self) -> ConditionsWording:
        problems = missing_keys("outcomes", self.outcomes, Decision)
        problems += missing_keys("routes", self.routes, WhatIfRoute)
        problems += missing_keys("blocked_who", self.blocked_who, FixableBy)
        for group in ("outcomes", "routes", "blocked_who"):
            for key, text in sorted(getattr(self, group).items()):
                problems += placeholder_problems(f"{group}.{key}", text, frozenset())
        if problems:
            raise ValueError("; ".join(problems))
        return self


class DiagramWording(Sentences):
    """The neighbourhood diagram's tags, legend and notes (riskengine/report/diagram/)."""

    placeholders: ClassVar[dict[str, frozenset[str]]] = {"more": frozenset({"count"}),
                                                         "key_entry": frozenset({"system", "data_classes"})}
    critical: str
    high: str
    customer_facing: str
    legend_tool: str
    legend_direct: str
    legend_second: str
    legend_critical: str
    legend_high: str
    legend_duplicate: str
    legend_customer_facing: str
    legend_flow: str
    legend_one_off: str
    more: str
    no_connections: str
    key_entry: str


class DependenciesWording(Sentences):
    placeholders: ClassVar[dict[str, frozenset[str]]] = {
        "systems_in_inventory_value": frozenset({"systems", "integrations"}),
        "blast_radius_value": frozenset({"count", "score", "top"}),
        "one_off_connections": frozenset({"count"}),
        "blast_intro": frozenset({"count", "score"}),
        "confirm_no_capability": frozenset({"capability"}),
        "confirm_capability": frozenset({"capability", "system"}),
        "matched_by_product": frozenset({"written"}),
        "matched_by_alias": frozenset({"written"}),
        "matched_by_vendor": frozenset({"written"}),
        "matched_by_capability": frozenset({"written"}),
        "critical_dependents": frozenset({"systems"}),
        "customer_facing_dependents": frozenset({"systems"}),
        "separated_groups": frozenset({"groups"}),
        "department_link": frozenset({"first", "second"}),
        "new_department_links": frozenset({"links"}),
        "degree": frozenset({"degree", "percentile"}),
        "degree_one": frozenset({"percentile"}),
        "betweenness": frozenset({"rank", "systems", "score"}),
        "centrality_method": frozenset({"method"}),
        "more_rows": frozenset({"count"}),
    }
    no_inventory: str
    diagram_title: str
    diagram_intro: str
    overview: str
    inventory: str
    systems_in_inventory: str
    systems_in_inventory_value: str
    capability: str
    connections_count: str
    blast_radius: str
    blast_radius_value: str
    blast_radius_none: str
    critical_dependents: str
    customer_facing_dependents: str
    structural_risk: str
    cut_vertex_yes: str
    cut_vertex_no: str
    separated_groups: str
    department_link: str
    new_department_links: str
    no_new_department_links: str
    centrality: str
    degree: str
    degree_one: str
    betweenness: str
    centrality_method: str
    duplicates: str
    shadow_it: str
    data_in_title: str
    data_in_none: str
    data_through_title: str
    data_through_none: str
    data_class: str
    path: str
    the_tool: str
    blast_title: str
    blast_intro: str
    adds: str
    one_off_connections: str
    confirm_title: str
    confirm_intro: str
    written: str
    found: str
    candidates: str
    confirm_ambiguous: str
    confirm_unknown: str
    confirm_no_capability: str
    confirm_capability: str
    matched_by_product: str
    matched_by_alias: str
    matched_by_vendor: str
    matched_by_capability: str
    once: str
    distance: str
    customer_facing: str
    more_rows: str
    effort_title: str
    effort_intro: str
    effort_none: str
    hours: str
    basis: str
    total: str
    connections: str
    no_connections: str
    system: str
    direction: str
    data_classes: str
    method: str
    frequency: str
    criticality: str
    place: str
    diagram: DiagramWording


class EvidenceWording(Sentences):
    """The External evidence section: what outside checks of the vendor's domain observed."""

    placeholders: ClassVar[dict[str, frozenset[str]]] = {
        "intro": frozenset({"domain", "mode", "passed", "failed", "unknown"}),
        "run_hash": frozenset({"hash"}),
        "network": frozenset({"reason"}),
        "collapsed": frozenset({"kind", "count", "reason"}),
        "collapsed_one": frozenset({"kind", "reason"}),
    }
    none: str
    intro: str
    unknown_note: str
    run_hash: str
    network: str
    """Whether the network answered before any check was trusted (shown when the run asked it)."""
    modes: dict[Mode, str]
    kinds: dict[Kind, str]
    statuses: dict[Status, str]
    """The words on the status tags; each differs, so a tag reads without its colour."""
    checks: dict[str, str]
    """Check name (``web.hsts``) -> the label shown; a check without one shows its name."""
    check: str
    status: str
    observed: str
    reason: str
    fetched_record: str
    no_value: str
    contradictions_title: str
    contradictions_intro: str
    no_contradictions: str
    nothing_checked: str
    collapsed_title: str
    collapsed: str
    """An offline run, or one whose network did not answer: the checks of one kind that were not made, in one line
    instead of a row each."""
    collapsed_one: str

    @model_validator(mode="after")
    def _complete(self) -> EvidenceWording:
        problems = missing_keys("modes", self.modes, Mode)
        problems += missing_keys("kinds", self.kinds, Kind)
        problems += missing_keys("statuses", self.statuses, Status)
        for group in ("modes", "kinds", "statuses", "checks"):
            for key, text in sorted(getattr(self, group).items()):
                problems += placeholder_problems(f"{group}.{key}", text, frozenset())
        if problems:
            raise ValueError("; ".join(problems))
        return self


class TcoChartWording(Sentences):
    """The cumulative cost chart and the sensitivity bars (riskengine/report/charts.py)."""

    placeholders: ClassVar[dict[str, frozenset[str]]] = {
        "legend": frozenset({"option"}),
        "y_axis": frozenset({"currency"}),
        "breakeven": frozenset({"year"}),
        "thousands": frozenset({"value"}),
        "tornado_axis": frozenset({"currency"}),
        "tornado_low": frozenset({"value"}),
        "tornado_high": frozenset({"value"}),
        "lec_x_axis": frozenset({"currency"}),
    }
    legend: str
    """One entry per option: its line (the median) drawn over its band (P10 to P90)."""
    legend_note: str
    x_axis: str
    y_axis: str
    breakeven: str
    thousands: str
    """A tick or end label in thousands: ``{value}`` is "1,250" for 1,250,000."""
    tornado_axis: str
    tornado_low: str
    tornado_high: str
    tornado_legend_low: str
    tornado_legend_high: str
    tornado_legend_base: str
    lec_x_axis: str
    lec_y_axis_year: str
    lec_y_axis_horizon: str
    lec_appetite: str
    built_to_last_cheaper: str
    good_enough_cheaper: str


class CostWording(Sentences):
    """The marketing audience's one page of cost: three numbers, one chart, one sentence, one line of how sure."""

    placeholders: ClassVar[dict[str, frozenset[str]]] = {
        "year_one": frozenset({"option"}),
        "total": frozenset({"option", "horizon"}),
        "how_sure": frozenset({"option", "count", "horizon"}),
        "how_sure_close": frozenset({"horizon"}),
    }
    intro: str
    year_one: str
    total: str
    how_sure: str
    how_sure_close: str
    parts: dict[str, str]
    """The parts of a total, in order: vendor, setup, running, exit, losses; each names the cost lines it sums."""


class TcoWording(Sentences):
    """The Total cost of ownership section: good enough against built to last."""

    placeholders: ClassVar[dict[str, frozenset[str]]] = {
        "intro": frozenset({"horizon", "currency", "trials", "rate"}),
        "horizon": frozenset({"years"}),
        "off_scale": frozenset({"option", "value", "year"}),
        "amount_header": frozenset({"label", "currency"}),
        "probability_value": frozenset({"percent", "error", "horizon"}),
        "breakeven_value": frozenset({"year"}),
        "breakeven_none": frozenset({"horizon"}),
        "precision": frozenset({"trials", "currency", "difference_error", "probability_error"}),
        "not_available": frozenset({"items"}),
        "difference_interval_value": frozenset({"low", "high"}),
        "mean_median": frozenset({"option"}),
        "premium_more": frozenset({"percent"}),
        "premium_less": frozenset({"percent"}),
        "expected_loss_value": frozenset({"good_enough", "built_to_last"}),
        "lines_option": frozenset({"option"}),
        "year": frozenset({"year"}),
        "chargeback_intro": frozenset({"horizon"}),
        "option_hours": frozenset({"option"}),
        "option_cost": frozenset({"option"}),
        "assumptions_intro": frozenset({"count", "trials", "seed", "basis", "sha"}),
        "range_value": frozenset({"low", "likely", "high"}),
        "low_to_high": frozenset({"low", "high"}),
        "sensitivity_intro": frozenset({"trials", "low", "high", "probability"}),
        "losses_intro": frozenset({"horizon"}),
        "tail": frozenset({"option", "p95", "p99", "chance"}),
        "tail_rare": frozenset({"option", "p99", "chance"}),
        "tail_rarer": frozenset({"option", "chance"}),
        "tail_none": frozenset({"option"}),
        "probability_low_high": frozenset({"low", "high"}),
        "assumption_id": frozenset({"id"}),
    }
    none: str
    intro: str
    horizon: str
    horizon_one: str
    options_title: str
    recommendation_title: str
    precision: str
    """How settled the headline is: trials and the standard errors reached."""
    not_available: str
    """What built to last would include that the vendor does not offer, left unpriced."""
    chart_title: str
    chart_intro: str
    off_scale: str
    npv_title: str
    npv_intro: str
    option: str
    amount_header: str
    """A money column's header: ``{label}`` is P10, P50, P90, Mean, Year 2 ...; ``{currency}`` EUR."""
    p10: str
    p50: str
    p90: str
    mean: str
    difference: str
    probability: str
    probability_value: str
    breakeven: str
    breakeven_value: str
    breakeven_none: str
    breakeven_close: str
    difference_interval: str
    difference_interval_value: str
    mean_median: str
    year_one_premium: str
    premium_more: str
    premium_less: str
    expected_loss: str
    expected_loss_value: str
    lines_title: str
    lines_intro: str
    lines_option: str
    line: str
    year: str
    total: str
    present_value: str
    chargeback_note: str
    """Under the yearly tables: how the chargeback line is priced."""
    chargeback_title: str
    chargeback_intro: str
    role: str
    rate: str
    option_hours: str
    option_cost: str
    sensitivity_title: str
    sensitivity_intro: str
    sensitivity_none: str
    probability_column: str
    probability_low_high: str
    assumption: str
    range: str
    at_low: str
    at_high: str
    losses_title: str
    losses_intro: str
    scenario: str
    frequency: str
    magnitude: str
    annual_loss: str
    tail: str
    tail_rare: str
    tail_rarer: str
    tail_none: str
    within_appetite: str
    outside_appetite: str
    not_applicable_scenario: str
    assumptions_title: str
    assumptions_intro: str
    name: str
    value: str
    unit: str
    source: str
    range_value: str
    low_to_high: str
    assumption_id: str
    notes_title: str
    zero: str
    """A zero amount in the yearly tables (a dash reads faster than a column of zeros)."""
    roles: dict[str, str]
    """Role id (``it_engineer``) -> the name shown; a role not listed shows its id."""
    chart: TcoChartWording

    @model_validator(mode="after")
    def _roles_plain(self) -> TcoWording:
        problems: list[str] = []
        for key, text in sorted(self.roles.items()):
            problems += placeholder_problems(f"roles.{key}", text, frozenset())
        if problems:
            raise ValueError("; ".join(problems))
        return self


class AppendixWording(Sentences):
    answers: str
    no_answers: str
    question_id: str
    question: str
    answer: str
    place: str
    comment: str
    warnings: str
    no_warnings: str


class CoverageWording(Sentences):
    """How a questionnaire in the vendor's own format covered ours: on the cover, in the summary, the findings
    and the appendix."""

    placeholders: ClassVar[dict[str, frozenset[str]]] = {
        "cover": frozenset({"format", "mapping", "answered", "total", "percent"}),
        "summary": frozenset({"format", "open", "total"}),
        "findings": frozenset({"format", "open", "total"}),
        "own_intro": frozenset({"format", "answered", "scored", "percent"}),
    }
    formats: dict[str, str]
    """Display names of the formats (caiq, hecvat3, hecvat4, vsaq, mapped)."""
    cover_label: str
    cover: str
    summary: str
    findings_title: str
    findings: str
    flags_title: str
    flags_intro: str
    their_id: str
    severity: str
    warning: str
    place: str
    not_covered_title: str
    not_covered_intro: str
    section: str
    unparsed_title: str
    unparsed_intro: str
    text: str
    reason: str
    evidence_title: str
    evidence_intro: str
    ours: str
    not_covered_answer: str
    """A finding's "vendor's answer" when the vendor's questionnaire does not ask the question."""
    own_title: str
    own_intro: str
    """Above the table of the vendor's own answers by category: how many of its scored questions it answered."""
    own_columns: dict[str, str]
    """Column headings: category, met, gap, partial, not_applicable, open (unanswered or unclear), share,
    not_in_place."""
    own_none: str
    """In the "not in place" column when every answer is."""
    own_blank: str
    """Beside an id left unanswered."""
    own_all_na: str
    """In the "not in place" column when every question of the category is N/A or taken out."""


class SignoffWording(Sentences):
    """The Sign-off section: one block per role with blank lines and tick boxes to fill in by hand, or, for a
    role that has signed in the register when the report is rendered, what it signed."""

    placeholders: ClassVar[dict[str, frozenset[str]]] = {
        "intro": frozenset({"assessment_id", "date"}),
        "block_title": frozenset({"role"}),
        "signed_title": frozenset({"role"}),
        "status_approved": frozenset({"role", "date"}),
        "status_rejected": frozenset({"role", "date"}),
        "status_pending": frozenset({"signed", "waiting"}),
        "sealed": frozenset({"signer", "fingerprint", "date"}),
        "proof_account": frozenset({"account"}),
        "proof_key": frozenset({"fingerprint"}),
    }
    intro: str
    """One sentence: which assessment is approved, and that the approval covers this exact report."""
    block_title: str
    name: str
    decision: str
    approve: str
    reject: str
    date: str
    conditions: str
    conditions_accepted: str
    """The label beside the conditions' tick box."""
    signature: str
    pending: str
    """In place of the blocks while the decision waits for missing answers: there is nothing to approve."""
    signed_title: str
    """Above the block of a role that signed in the register."""
    approved: str
    rejected: str
    """A signed block's decision."""
    note: str
    no_note: str
    """A signed block's note, when the sign-off gave none."""
    report: str
    """Beside the label of the audience of the report the role signed."""
    sha256: str
    """Beside that report's sha256, in full."""
    status_approved: str
    status_rejected: str
    status_pending: str
    sealed_title: str
    """Above what the sign-off page of a digitally signed report says of its signature."""
    sealed: str
    """Who signs the report, the certificate's fingerprint, when, and how to verify it."""
    proof: str
    """A signed block's label for how the sign-off was made."""
    proof_account: str
    proof_key: str
    proof_name: str
    """A sign-off made in the web app (its account), with the user's key (its fingerprint), or by a name typed on
    the command line (not proven)."""
    inputs_title: str
    """Above the inputs' sha256 on a digitally signed report's sign-off page."""
    """The approval's status in the register, one sentence under the intro once any role has signed: final by
    ``{role}`` on ``{date}``, or pending with the roles that ``{signed}`` and those still ``{waiting}``."""


class GlossaryWording(Sentences):
    intro: str
    term: str
    meaning: str


class GlossaryEntry(_Frozen):
    term: str = Field(min_length=1, max_length=40)
    meaning: str = Field(min_length=1, max_length=300)
    """One plain sentence."""


class Glossary(_Frozen):
    """``templates/glossary.yaml``: the acronyms both IT and marketing use, unique and sorted by term."""

    terms: tuple[GlossaryEntry, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_and_sorted(self) -> Glossary:
        problems: list[str] = []
        seen: set[str] = set()
        for entry in self.terms:
            key = glossary_key(entry.term)
            if key in seen:
                problems.append(f"terms: {entry.term!r} appears twice")
            seen.add(key)
        for before, after in zip(self.terms, self.terms[1:], strict=False):
            if glossary_key(after.term) < glossary_key(before.term):
                problems.append(f"terms: {after.term!r} must come before {before.term!r} (sorted by term, "
                                "ignoring case)")
        if problems:
            raise ValueError("; ".join(problems))
        return self


def glossary_key(term: str) -> str:
    """The glossary's sort key: case ignored, so "iPaaS" sits between "HSTS" and "knockout"."""
    return term.casefold()


class DecisionTheme(_Frozen):
    """Colours and border of a decision badge or an evidence status tag."""

    stroke: HexColour = Field(pattern=_HEX)
    fill: HexColour = Field(pattern=_HEX)
    text: HexColour = Field(pattern=_HEX)
    border: Border


class OptionTheme(_Frozen):
    """How one TCO option is drawn: its median line and its P10-P90 band."""

    line: HexColour = Field(pattern=_HEX)
    band: HexColour = Field(pattern=_HEX)
    style: LineStyle
    """Solid for one option, dashed for the other, so the lines read in greyscale."""


class Theme(_Frozen):
    primary: HexColour = Field(pattern=_HEX)
    accent: HexColour = Field(pattern=_HEX)
    text: HexColour = Field(pattern=_HEX)
    muted: HexColour = Field(pattern=_HEX)
    rule: HexColour = Field(pattern=_HEX)
    header_fill: HexColour = Field(pattern=_HEX)
    header_text: HexColour = Field(pattern=_HEX)
    stripe: HexColour = Field(pattern=_HEX)
    label_fill: HexColour = Field(pattern=_HEX)
    chart_bar: HexColour = Field(pattern=_HEX)
    chart_grid: HexColour = Field(pattern=_HEX)
    decisions: dict[Decision, DecisionTheme]
    statuses: dict[Status, DecisionTheme]
    """Evidence status tags: fill and border differ as well as hue, so they read in greyscale."""
    severities: dict[Severity, HexColour]
    options: dict[OptionId, OptionTheme]
    """The TCO chart's lines and bands; the two options' line styles and band tints must differ."""
    tornado_low: HexColour = Field(pattern=_HEX)
    tornado_high: HexColour = Field(pattern=_HEX)

    @model_validator(mode="after")
    def _complete(self) -> Theme:
        problems = missing_keys("decisions", self.decisions, Decision)
        if len({theme.border for theme in self.decisions.values()}) < len(self.decisions):
            problems.append("decisions: each decision needs its own border (solid, dashed, double, dotted), for "
                            "greyscale print")
        problems += missing_keys("options", self.options, OptionId)
        if len(self.options) > 1 and len({option.style for option in self.options.values()}) < len(self.options):
            problems.append("options: each option needs its own line style (solid, dashed), for greyscale print")
        if len(self.options) > 1 and len({option.band for option in self.options.values()}) < len(self.options):
            problems.append("options: each option needs its own band tint")
        problems += missing_keys("statuses", self.statuses, Status)
        problems += missing_keys("severities", self.severities, Severity)
        problems += [f"severities.{key}: {value!r} is not a #RRGGBB colour"
                     for key, value in sorted(self.severities.items()) if not _is_hex(value)]
        if problems:
            raise ValueError("; ".join(problems))
        return self


class ReportWording(_Frozen):
    """Everything the PDF says that does not come from the assessment itself."""

    title: str
    sections: dict[SectionId, str]
    audiences: dict[str, AudienceSpec] = Field(min_length=1)
    months: tuple[str, ...] = Field(min_length=12, max_length=12)
    decisions: dict[Decision, DecisionWording]
    severities: dict[Severity, str]
    tiers: dict[Tier, str]
    owners: dict[Owner, str]
    dues: dict[Due, str]
    efforts: dict[Effort, str]
    directions: dict[Direction, str]
    roles: dict[Role, str]
    answer_yes: str
    answer_no: str
    none: str
    blank: str
    page: PageWording
    cover: CoverWording
    summary: SummaryWording
    scores: ScoresWording
    findings: FindingsWording
    conditions: ConditionsWording
    dependencies: DependenciesWording
    cost: CostWording
    tco: TcoWording
    evidence: EvidenceWording
    inputs: InputsWording
    not_considered: NotConsideredWording
    signoff: SignoffWording
    glossary: GlossaryWording
    appendix: AppendixWording
    coverage: CoverageWording
    theme: Theme

    @model_validator(mode="after")
    def _complete(self) -> ReportWording:
        problems: list[str] = []
        for name, literal in (("sections", SectionId), ("decisions", Decision), ("severities", Severity),
                              ("tiers", Tier), ("owners", Owner), ("dues", Due),
                              ("efforts", Effort), ("directions", Direction), ("roles", Role)):
            problems += missing_keys(name, getattr(self, name), literal)
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def audience(self, name: str) -> AudienceSpec:
        """The sections of ``name``'s report; ``UsageError`` names the known audiences."""
        spec = self.audiences.get(name)
        if spec is None:
            known = ", ".join(sorted(self.audiences))
            raise UsageError(f"unknown audience {name!r}; expected one of {known}")
        return spec

    def date(self, day: dt.date) -> str:
        """``24 November 2026``, whatever the machine's locale."""
        return f"{day.day} {self.months[day.month - 1]} {day.year}"


def missing_keys(name: str, mapping: dict[Any, Any], literal: Any) -> list[str]:
    """``name: missing a, b`` for the values of the ``Literal`` that ``mapping`` lacks; empty when complete."""
    missing = [key for key in get_args(literal) if key not in mapping]
    return [f"{name}: missing {', '.join(missing)}"] if missing else []


def _is_hex(value: str) -> bool:
    return len(value) == 7 and value.startswith("#") and all(c in string.hexdigits for c in value[1:])


@cache
def load_wording(path: Path | None = None) -> ReportWording:
    """Load and validate the report's wording (default: the shipped ``templates/report.yaml``)."""
    return load_yaml_model(path or data_path("templates", REPORT_TEMPLATE), ReportWording)


@cache
def load_glossary(path: Path | None = None) -> Glossary:
    """Load and validate the glossary (default: the shipped ``templates/glossary.yaml``)."""
    return load_yaml_model(path or data_path("templates", GLOSSARY_TEMPLATE), Glossary)
