"""The figures of one assessment that a portfolio shows, and the order the portfolio shows them in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict

from riskengine.assessment import Assessment
from riskengine.score.profile import Decision, Severity, Tier
from riskengine.tco.assumptions import OptionId
from riskengine.tco.result import TcoResult

TcoChoice = Literal["built_to_last", "good_enough", "too_close_to_call"]

TIER_ORDER: tuple[Tier, ...] = ("low", "medium", "high", "critical")
DECISION_ORDER: tuple[Decision, ...] = ("approve", "approve_with_conditions", "more_information_needed", "reject")
OPTION_ORDER: tuple[OptionId, ...] = ("good_enough", "built_to_last")
_SEVERITY_ORDER: tuple[Severity, ...] = ("critical", "high", "medium", "low")
_DUE_ORDER = ("before-go-live", "within-30-days", "within-90-days", "at-renewal")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class CategoryPoint(_Frozen):
    id: str
    title: str
    effectiveness: float | None
    """0-100, or None when no control of the category applies."""


class OptionCost(_Frozen):
    """One adoption option's cost over the horizon, from the assessment's TCO headline (``TcoResult.headline``):
    the same figures as its report and its JSON."""

    id: OptionId
    title: str
    expected_total: float
    """The expected present value of every cost over the horizon, risk included (the mean): the figure decisions
    are made on, and what a comparison ranks on."""
    typical_total: float
    """The median over the simulated futures: what the typical future costs."""
    p10: float
    p90: float
    """With ``p10``: the middle 80 % of the simulated futures' present values (the option's ``npv``)."""


class ConditionBrief(_Frozen):
    action: str
    owner: str
    due: str
    severity: Severity


class VendorRow(_Frozen):
    """One vendor's line in the portfolio: who, how risky, what decided, what it costs, when to look again."""

    assessment_id: str
    created: dt.datetime
    legal_name: str
    product: str
    tier: Tier
    decision: Decision
    residual: float
    inherent: float
    categories: tuple[CategoryPoint, ...]
    knockouts: int
    missing: int = 0
    """Answers the decision waits for (decision "more information needed")."""
    conditions: int
    top_conditions: tuple[ConditionBrief, ...]
    """Every condition of approval, the knockouts' first (what a rejected vendor must change), then most severe
    and most urgent first."""
    currency: str | None
    horizon_years: int | None = None
    """The years the TCO covers (the org profile's horizon); None when the TCO was not priced."""
    options: tuple[OptionCost, ...]
    """Good enough first, then built to last; empty when the TCO was not priced."""
    tco_choice: TcoChoice | None = None
    """The TCO headline's choice; None when the TCO was not priced."""
    recommended_option: OptionId | None
    """The option the TCO headline chooses; None when its two options are too close to call, or not priced."""
    reassess_by: dt.date | None
    """None when not known, or while the decision waits for missing answers."""

    @property
    def name(self) -> str:
        """The vendor as people name it: its legal name, else its product, else the assessment id."""
        return next((text for text in (self.legal_name, self.product) if text.strip()), self.assessment_id)

    def option(self, option: OptionId) -> OptionCost | None:
        return next((cost for cost in self.options if cost.id == option), None)

    @property
    def recommended_cost(self) -> OptionCost | None:
        """The cost of the option the vendor's cost model recommends (None when too close to call)."""
        return self.option(self.recommended_option) if self.recommended_option else None

    @property
    def compared_cost(self) -> OptionCost | None:
        """The cost a comparison ranks the vendor on: the option its TCO headline chooses, or, when the two are
        too close to call, the one with the lower expected total (they cost the same within the model's
        precision). None when the TCO was not priced."""
        if self.recommended_cost is not None:
            return self.recommended_cost
        return min(self.options, key=lambda cost: (cost.expected_total, OPTION_ORDER.index(cost.id)), default=None)


def recommended_option(tco: TcoResult) -> OptionId | None:
    """The option the TCO headline chooses (``headline.choice``); None when the two are too close to call.

    The headline decides on the expected totals, risk included, by its own rule (``riskengine.tco.headline``):
    every reader takes the choice from there instead of testing the figures again.
    """
    choice = tco.headline.choice
    return None if choice == "too_close_to_call" else choice


def vendor_row(assessment: Assessment) -> VendorRow:
    risk, tco = assessment.risk, assessment.tco
    conditions = [condition for group in risk.conditions for condition in group.conditions]
    conditions.sort(key=lambda condition: (not condition.knockout, _SEVERITY_ORDER.index(condition.severity),
                                           _rank(_DUE_ORDER, condition.due), condition.action))
    reassess = None
    # a vendor waiting for answers has no decision yet, so nothing sets when to look again (as in its report)
    if risk.reassess_by and risk.decision != "more_information_needed":
        try:
            reassess = dt.date.fromisoformat(risk.reassess_by)
        except ValueError:
            reassess = None
    options = () if tco is None else _option_costs(tco)
    return VendorRow(
        assessment_id=assessment.assessment_id,
        created=assessment.created,
        legal_name=assessment.vendor.legal_name,
        product=assessment.vendor.product,
        tier=risk.tier,
        decision=risk.decision,
        residual=risk.residual,
        inherent=risk.inherent,
        categories=tuple(CategoryPoint(id=category.id, title=category.title, effectiveness=category.effectiveness)
                         for category in risk.categories),
        knockouts=len(risk.knockouts),
        missing=len(risk.missing),
        conditions=len(conditions),
        top_conditions=tuple(ConditionBrief(action=condition.action, owner=condition.owner, due=condition.due,
                                            severity=condition.severity) for condition in conditions),
        currency=tco.headline.currency if tco is not None else None,
        horizon_years=tco.headline.horizon_years if tco is not None else None,
        options=options,
        tco_choice=tco.headline.choice if tco is not None else None,
        recommended_option=recommended_option(tco) if tco is not None else None,
        reassess_by=reassess,
    )


def _option_costs(tco: TcoResult) -> tuple[OptionCost, ...]:
    """Both options' costs from the headline; the spread of the futures from the option's ``npv``."""
    spread = {option.id: option.npv for option in tco.options}
    return tuple(
        OptionCost(id=option.id, title=option.title, expected_total=option.expected_total,
                   typical_total=option.typical_total, p10=spread[option.id].p10, p90=spread[option.id].p90)
        for option in sorted(tco.headline.options, key=lambda option: OPTION_ORDER.index(option.id)))


def _rank(order: Sequence[str], value: str) -> int:
    return order.index(value) if value in order else len(order)


def name_key(row: VendorRow) -> tuple[str, str, str]:
    """Names sort without regard to case; the product and the assessment id settle equal names."""
    return row.name.casefold(), row.product.casefold(), row.assessment_id


def portfolio_order(rows: Iterable[VendorRow]) -> list[VendorRow]:
    """Highest tier first, then highest residual, then by name: where attention is due comes first."""
    return sorted(rows, key=lambda row: (-TIER_ORDER.index(row.tier), -row.residual, *name_key(row)))


def category_columns(rows: Iterable[VendorRow]) -> list[tuple[str, str]]:
    """Every scoring category of the rows as ``(id, title)``, in the profiles' order as first seen."""
    seen: dict[str, str] = {}
    for row in rows:
        for category in row.categories:
            seen.setdefault(category.id, category.title)
    return list(seen.items())


class Dated(Protocol):
    @property
    def created(self) -> dt.datetime: ...


def as_of(items: Iterable[Dated]) -> dt.datetime | None:
    """The portfolio's clock: the latest assessment's (outputs take their dates from it, never from now)."""
    moments = [_utc(item.created) for item in items]
    return max(moments) if moments else None


def vendor_rows(items: Iterable[Assessment | VendorRow]) -> list[VendorRow]:
    """Each assessment's row (a row given as such is kept), in the portfolio's order."""
    return portfolio_order(item if isinstance(item, VendorRow) else vendor_row(item) for item in items)


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC) if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)
