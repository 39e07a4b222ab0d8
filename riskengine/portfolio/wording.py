"""The portfolio outputs' wording and theme, read from ``templates/portfolio.yaml``, and the comparison rule,
read from ``scoring/compare.yaml``.

As with the report's wording (``riskengine/report/wording.py``), every text may use only the
``{placeholders}`` its renderer fills in; anything else is an error at load time, with the file and line.
"""

from __future__ import annotations

import itertools
import string
from functools import cache
from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from riskengine.datafile import load_yaml_model
from riskengine.report.wording import Sentences, missing_keys
from riskengine.resources import data_path
from riskengine.score.profile import Decision, Tier
from riskengine.tco.assumptions import OptionId

PORTFOLIO_TEMPLATE = "portfolio.yaml"
COMPARE_RULE = "compare.yaml"
_HEX = r"^#[0-9A-Fa-f]{6}$"
GREYSCALE_GAP = 30.0
"""Least difference in luminance (0-255, ITU-R BT.709 weights) between colours that must still tell apart
when printed in greyscale: tier badges, the decision bars, the candidates' bars."""
_SHEET_FORBIDDEN = set("[]:*?/\\")
UNDECIDED: tuple[Decision, ...] = ("more_information_needed",)
"""Decisions that are no decision yet: a candidate waiting for answers is never recommended, whatever the rule."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def luminance(colour: str) -> float:
    """The greyscale value (0 black to 255 white) of ``#RRGGBB`` with the ITU-R BT.709 luma weights."""
    red, green, blue = (int(colour[index:index + 2], 16) for index in (1, 3, 5))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def _greyscale_problems(name: str, colours: list[str]) -> list[str]:
    ordered = sorted(colours, key=luminance)
    return [f"{name}: {first} and {second} look alike in greyscale (luminance {luminance(first):.0f} and "
            f"{luminance(second):.0f}; they must differ by {GREYSCALE_GAP:.0f})"
            for first, second in itertools.pairwise(ordered)
            if luminance(second) - luminance(first) < GREYSCALE_GAP]


class PageWording(Sentences):
    placeholders: ClassVar[dict[str, frozenset[str]]] = {
        "number": frozenset({"page", "total"}),
        "footer": frozenset({"engine", "document"}),
    }
    number: str
    footer: str


class WorkbookWording(Sentences):
    """The summary workbook: the sheet's name and the column headers."""

    placeholders: ClassVar[dict[str, frozenset[str]]] = {
        "category": frozenset({"title"}),
        "tco": frozenset({"option"}),
    }
    sheet: str = Field(min_length=1, max_length=31)
    title: str
    vendor: str
    product: str
    assessment_id: str
    date: str
    tier: str
    decision: str
    residual: str
    inherent: str
    category: str
    """One column per scoring category: ``{title}`` is the category's title."""
    knockouts: str
    conditions: str
    currency: str
    horizon: str
    """The column of the years the TCO covers."""
    tco: str
    """One column per TCO option, its expected total: ``{option}`` is the option's name."""
    recommended_option: str
    reassess_by: str
    report: str

    @model_validator(mode="after")
    def _sheet_name(self) -> WorkbookWording:
        if set(self.sheet) & _SHEET_FORBIDDEN or self.sheet.startswith("'") or self.sheet.endswith("'"):
            raise ValueError(f"sheet: {self.sheet!r} is not a valid sheet name (no [ ] : * ? / \\, no quote at "
                             "either end)")
        return self


class PortfolioPageWording(Sentences):
    """The portfolio page: counts by tier and decision, and the table of vendors."""

    placeholders: ClassVar[dict[str, frozenset[str]]] = {
        "subtitle": frozenset({"count", "date"}),
        "tco": frozenset({"option", "currency", "horizon"}),
        "typical": frozenset({"value"}),
        "overdue": frozenset({"date"}),
        "due_soon": frozenset({"date"}),
    }
    title: str
    subtitle: str
    none: str
    counts_title: str
    counts_intro: str
    chart_axis: str
    total: str
    vendors_title: str
    vendors_intro: str
    rank: str
    vendor: str
    tier: str
    decision: str
    residual: str
    tco: str
    typical: str
    """The line under an expected TCO: the typical (median) future's, ``{value}`` without the currency."""
    reassess_by: str
    overdue: str
    due_soon: str
    not_priced: str


class ReasonWording(Sentences):
    """One sentence per reason of a comparison; each cites the figures it rests on."""

    placeholders: ClassVar[dict[str, frozenset[str]]] = {
        "recommended": frozenset({"vendor", "tier", "residual", "decision", "cost", "currency", "horizon",
                                  "option"}),
        "only_candidate": frozenset({"vendor", "count"}),
        "excluded": frozenset({"vendor", "decision", "tier", "residual", "knockouts"}),
        "excluded_pending": frozenset({"vendor", "decision", "tier", "residual", "missing"}),
        "higher_tier": frozenset({"vendor", "tier", "residual", "best_tier"}),
        "over_cost": frozenset({"vendor", "cost", "currency", "horizon", "option", "percent", "tier",
                                "cheapest_vendor", "cheapest", "share"}),
        "cost_too_close": frozenset({"vendor", "cost", "currency", "horizon", "tier", "cheapest_vendor", "cheapest",
                                     "why"}),
        "higher_residual": frozenset({"vendor", "residual", "winner", "winner_residual", "tier"}),
        "name_tie": frozenset({"vendor", "residual", "winner", "tier"}),
        "cost_not_compared": frozenset({"tier", "detail"}),
        "none_eligible": frozenset({"count"}),
    }
    recommended: str
    only_candidate: str
    excluded: str
    excluded_pending: str
    """A candidate whose decision waits for missing answers: it has no decision to be recommended on."""
    higher_tier: str
    over_cost: str
    higher_residual: str
    name_tie: str
    cost_not_compared: str
    cost_missing: str
    currencies_differ: str
    horizons_differ: str
    cost_too_close: str
    """A candidate whose expected TCO is too close to its tier's cheapest to call (the TCO headline's rule)."""
    none_eligible: str


class ComparisonWording(Sentences):
    """The comparison: recommendation, side-by-side table, grouped score bars, and the rule."""

    placeholders: ClassVar[dict[str, frozenset[str]]] = {
        "subtitle": frozenset({"count", "date"}),
        "recommended": frozenset({"vendor"}),
        "rule": frozenset({"share", "excluded", "materiality"}),
        "tco": frozenset({"option"}),
        "tco_value": frozenset({"currency", "expected", "horizon"}),
        "tco_spread": frozenset({"currency", "typical", "p10", "p90"}),
        "option_too_close": frozenset({"option", "other"}),
        "more_conditions": frozenset({"count"}),
        "rank_value": frozenset({"rank", "count"}),
    }
    title: str
    subtitle: str
    recommended: str
    no_recommendation: str
    reasons_title: str
    side_by_side_title: str
    candidate: str
    product: str
    domain: str
    assessment_id: str
    tier: str
    decision: str
    residual: str
    inherent: str
    knockouts: str
    conditions: str
    top_conditions: str
    no_conditions: str
    more_conditions: str
    tco: str
    tco_value: str
    """An option's expected TCO over the horizon: the figure the comparison ranks on."""
    tco_spread: str
    """Under it: the typical (median) future's cost and the middle 80 % of the simulated futures."""
    option_too_close: str
    """The option a cost is of, when the vendor's two options are too close to call (``{option}`` is the one with
    the lower expected total, ``{other}`` the other one)."""
    cost_model: str
    reassess_by: str
    rank: str
    rank_value: str
    excluded: str
    not_priced: str
    scores_title: str
    scores_intro: str
    chart_axis: str
    not_applicable: str
    rule_title: str
    rule: str
    reasons: ReasonWording


class OffersWording(Sentences):
    """The page of one vendor's offers priced (``riskengine tco -o``): a bar chart and the figures."""

    placeholders: ClassVar[dict[str, frozenset[str]]] = {
        "subtitle": frozenset({"vendor", "offers", "date"}),
        "offers_count": frozenset({"count"}),
        "chart_intro": frozenset({"currency", "horizon"}),
        "legend_expected": frozenset({"option"}),
        "axis": frozenset({"currency", "horizon"}),
        "cheapest_value": frozenset({"percent"}),
        "precision": frozenset({"trials"}),
    }
    title: str
    subtitle: str
    offers_count: str
    offers_one: str
    quote_subject: str
    """The subtitle's ``{offers}`` when the questionnaire's own quote is priced."""
    quote: str
    """The title of the questionnaire's own quote, priced without an offers file."""
    recommendation_title: str
    too_close_title: str
    chart_title: str
    chart_intro: str
    axis: str
    legend_expected: str
    legend_typical: str
    offer: str
    style: str
    expected: str
    typical: str
    loss: str
    cheapest: str
    cheapest_value: str
    precision: str


class Swatch(_Frozen):
    """A filled badge: background and text colours."""

    fill: str = Field(pattern=_HEX)
    text: str = Field(pattern=_HEX)


class PortfolioTheme(_Frozen):
    """Colours the report's theme (templates/report.yaml) does not hold; all else comes from it."""

    tiers: dict[Tier, Swatch]
    """Tier badges: they darken from low to critical, so the order reads in greyscale too."""
    decision_bars: dict[Decision, str]
    """The segments of the counts chart; their lightness differs as well as their hue."""
    candidates: tuple[str, ...] = Field(min_length=2)
    """The comparison's bars, one colour per candidate (repeated after the last); each bar is also lettered."""
    overdue: str = Field(pattern=_HEX)
    due_soon: str = Field(pattern=_HEX)
    data_bar: str = Field(pattern=_HEX)

    @model_validator(mode="after")
    def _complete(self) -> PortfolioTheme:
        problems = missing_keys("tiers", self.tiers, Tier)
        problems += missing_keys("decision_bars", self.decision_bars, Decision)
        hexes = [*self.decision_bars.values(), *self.candidates]
        problems += [f"{value!r} is not a #RRGGBB colour" for value in hexes if not _is_hex(value)]
        if not problems:
            problems += _greyscale_problems("tiers", [swatch.fill for swatch in self.tiers.values()])
            problems += _greyscale_problems("decision_bars", list(self.decision_bars.values()))
            problems += _greyscale_problems("candidates", list(self.candidates))
        if problems:
            raise ValueError("; ".join(problems))
        return self


def _is_hex(value: str) -> bool:
    return len(value) == 7 and value.startswith("#") and all(c in string.hexdigits for c in value[1:])


class PortfolioWording(_Frozen):
    """Everything the portfolio workbook, portfolio page and comparison say that the assessments do not."""

    months: tuple[str, ...] = Field(min_length=12, max_length=12)
    tiers: dict[Tier, str]
    decisions: dict[Decision, str]
    options: dict[OptionId, str]
    too_close_to_call: str
    """What the cost model recommends when the two options are too close to call."""
    blank: str
    page: PageWording
    workbook: WorkbookWording
    portfolio: PortfolioPageWording
    comparison: ComparisonWording
    offers: OffersWording
    theme: PortfolioTheme

    @model_validator(mode="after")
    def _complete(self) -> PortfolioWording:
        problems: list[str] = []
        for name, literal in (("tiers", Tier), ("decisions", Decision), ("options", OptionId)):
            problems += missing_keys(name, getattr(self, name), literal)
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def cost_choice(self, choice: OptionId | Literal["too_close_to_call"] | None) -> str:
        """What a vendor's cost model recommends (``VendorRow.tco_choice``): an option, "too close to call", or
        a blank when the TCO was not priced."""
        if choice is None:
            return self.blank
        return self.too_close_to_call if choice == "too_close_to_call" else self.options[choice]

    def date(self, day: Any) -> str:
        """``24 November 2026``, whatever the machine's locale."""
        return f"{day.day} {self.months[day.month - 1]} {day.year}"


class CompareRule(_Frozen):
    """``scoring/compare.yaml``: how ``riskengine compare`` recommends one candidate (docs/portfolio.md)."""

    exclude_decisions: tuple[Decision, ...] = Field(min_length=1)
    """Candidates with these decisions are never recommended; "more information needed" always among them (a
    candidate waiting for answers has no decision yet), added when the file leaves it out."""
    tco_share: float = Field(ge=0, le=10)
    """Within the best tier, a candidate whose expected TCO is more than this share above the cheapest is passed
    over, whatever its residual (0.25: more than 25 % dearer), unless the two are too close to call."""
    residual_decimals: int = Field(ge=0, le=3)
    """Residuals equal at this many decimals tie, and the name decides."""
    top_conditions: int = Field(ge=0, le=20)
    """Conditions shown per candidate in the comparison (most severe first); the rest are counted."""

    @field_validator("exclude_decisions")
    @classmethod
    def _undecided_excluded(cls, decisions: tuple[Decision, ...]) -> tuple[Decision, ...]:
        return (*decisions, *(decision for decision in UNDECIDED if decision not in decisions))


@cache
def load_portfolio_wording(path: Path | None = None) -> PortfolioWording:
    """Load and validate the portfolio wording (default: the shipped ``templates/portfolio.yaml``)."""
    return load_yaml_model(path or data_path("templates", PORTFOLIO_TEMPLATE), PortfolioWording)


@cache
def load_compare_rule(path: Path | None = None) -> CompareRule:
    """Load and validate the comparison rule (default: the shipped ``scoring/compare.yaml``)."""
    return load_yaml_model(path or data_path("scoring", COMPARE_RULE), CompareRule)
