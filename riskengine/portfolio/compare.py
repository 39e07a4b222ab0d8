"""Compare candidates for the same need and recommend one, with the reasons as data; render it as a PDF.

The rule (``scoring/compare.yaml``, explained with a worked example in docs/portfolio.md):

1. candidates whose decision is excluded (reject) are never recommended, nor is one whose decision waits for
   missing answers (more information needed: always excluded, see ``CompareRule``);
2. the lowest tier among the rest wins;
3. within that tier, a candidate whose expected TCO (the headline's expected total of the option its cost
   model recommends, ``VendorRow.compared_cost``) is more than ``tco_share`` above the tier's cheapest is passed
   over, unless the two are too close to call by the TCO headline's own rule (``riskengine.tco.headline.closeness``);
   among the others the lowest residual wins;
4. residuals equal at ``residual_decimals`` tie, and the vendor's name (then the assessment id) decides.

Costs are the TCO headline's expected totals (``TcoResult.headline``): the same figures as each candidate's report
and JSON. Two candidates whose expected totals differ by less than the headline's materiality (2 % of the smaller)
are too close to call, and a reason says so.

Every reason is a sentence from ``templates/portfolio.yaml`` with the figures it rests on, and the same
figures as data, so the JSON can be checked without reading the sentence.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict

from riskengine.assessment import Assessment
from riskengine.errors import UsageError
from riskengine.pipeline import default_policy
from riskengine.policy import Policy
from riskengine.portfolio.rows import TIER_ORDER, VendorRow, as_of, name_key, vendor_row
from riskengine.portfolio.wording import (
    UNDECIDED,
    CompareRule,
    PortfolioWording,
)
from riskengine.score.profile import Tier
from riskengine.tco.assumptions import Assumptions
from riskengine.tco.headline import closeness, horizon_text
from riskengine.tco.result import Estimate

ReasonKind = Literal["recommended", "only_candidate", "excluded", "higher_tier", "over_cost", "higher_residual",
                     "name_tie", "cost_not_compared", "cost_too_close", "none_eligible"]
Status = Literal["recommended", "candidate", "excluded"]
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
Figure = str | float | int


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class Candidate(_Frozen):
    """One vendor in the comparison: its figures, its letter in the charts, its rank and status."""

    letter: str
    """``A``, ``B`` ... in the order the candidates were given: names the vendor's bars and column."""
    status: Status
    rank: int | None
    """1 for the recommended candidate, then in the rule's order; None for an excluded one."""
    over_cost: bool = False
    """Passed over because its expected TCO is more than the allowed share above its tier's cheapest."""
    cost_too_close: bool = False
    """Its expected TCO is too close to its tier's cheapest to call (the TCO headline's rule): cost does not set
    the two apart."""
    row: VendorRow


class Reason(_Frozen):
    """One step of the rule applied: a sentence citing figures, the candidate it is about, and the figures."""

    kind: ReasonKind
    assessment_id: str | None
    text: str
    figures: dict[str, Figure]


class Comparison(_Frozen):
    """Candidates for the same need side by side, the recommended one and why; the JSON of ``compare``."""

    created: dt.datetime
    """The latest candidate's assessment clock: the comparison's date."""
    rule: CompareRule
    candidates: tuple[Candidate, ...]
    """In the order given (their letters A, B, C ...)."""
    recommended: str | None
    """The recommended candidate's assessment id; None when every candidate is excluded."""
    recommendation: str
    """One sentence: who is recommended and on what figures (or why no one is)."""
    reasons: tuple[Reason, ...]
    """Why the recommended candidate wins, then why each other ranks lower, in rank order."""

    def candidate(self, assessment_id: str) -> Candidate:
        return next(candidate for candidate in self.candidates if candidate.row.assessment_id == assessment_id)

    def ranked(self) -> list[Candidate]:
        """The candidates in the rule's order, excluded ones last."""
        return sorted(self.candidates, key=lambda candidate: (candidate.rank is None, candidate.rank or 0,
                                                               candidate.letter))


def compare(assessments: Sequence[Assessment], *, policy: Policy | None = None) -> Comparison:
    """Compare candidates for the same need and recommend one, by the comparison rule of ``policy`` (default: the
    shipped ``scoring/compare.yaml``).

    Needs at least two assessments with distinct ids and at most 26 (one letter each); ``UsageError`` otherwise.
    """
    if len(assessments) < 2:
        raise UsageError(f"a comparison needs at least two candidates, got {len(assessments)}")
    if len(assessments) > len(LETTERS):
        raise UsageError(f"a comparison takes at most {len(LETTERS)} candidates, got {len(assessments)}")
    ids = [assessment.assessment_id for assessment in assessments]
    repeated = sorted({identifier for identifier in ids if ids.count(identifier) > 1})
    if repeated:
        raise UsageError(f"the same assessment appears twice: {', '.join(repeated)}")
    policy = policy or default_policy()
    rule = policy.compare
    rows = [vendor_row(assessment) for assessment in assessments]
    ranking = _Ranking(rows, rule, policy.portfolio, policy.assumptions)
    created = as_of(assessments)
    assert created is not None  # at least two assessments
    return Comparison(created=created, rule=rule, candidates=ranking.candidates(), recommended=ranking.winner_id,
                      recommendation=ranking.recommendation(), reasons=tuple(ranking.reasons))


class _Ranking:
    """The rule applied to the rows: ranks, the cost band of each tier, and the reasons in rank order."""

    def __init__(self, rows: Sequence[VendorRow], rule: CompareRule, wording: PortfolioWording,
                 assumptions: Assumptions) -> None:
        self.rows, self.rule, self.wording, self.assumptions = list(rows), rule, wording, assumptions
        self.text = wording.comparison.reasons
        self.reasons: list[Reason] = []
        eligible = [row for row in rows if row.decision not in rule.exclude_decisions]
        self.excluded = [row for row in rows if row.decision in rule.exclude_decisions]
        self.over_cost: set[str] = set()
        self.too_close: dict[str, Reason] = {}
        self.cheapest: dict[str, VendorRow] = {}
        for tier in TIER_ORDER:
            self._cost_band(tier, [row for row in eligible if row.tier == tier])
        self.order = sorted(eligible, key=self._key)
        self.winner = self.order[0] if self.order else None
        self.winner_id = self.winner.assessment_id if self.winner else None
        self._explain()

    def _key(self, row: VendorRow) -> tuple[int, bool, float, tuple[str, str, str]]:
        return (TIER_ORDER.index(row.tier), row.assessment_id in self.over_cost, self._residual(row), name_key(row))

    def _residual(self, row: VendorRow) -> float:
        return round(row.residual, self.rule.residual_decimals)

    def _cost_band(self, tier: Tier, rows: list[VendorRow]) -> None:
        """Mark the tier's candidates whose expected TCO is more than the allowed share above the cheapest's,
        and those too close to the cheapest's to call.

        Costs are compared only when every candidate of the tier has one, in one currency, over one horizon.
        """
        if len(rows) < 2:
            return
        detail = (self.text.cost_missing if any(row.compared_cost is None for row in rows)
                  else self.text.currencies_differ if len({row.currency for row in rows}) > 1
                  else self.text.horizons_differ if len({row.horizon_years for row in rows}) > 1 else "")
        if detail:
            self.reasons.append(Reason(kind="cost_not_compared", assessment_id=None,
                                       text=self.text.cost_not_compared.format(tier=self.wording.tiers[tier],
                                                                               detail=detail),
                                       figures={"tier": tier}))
            return
        cheapest = min(rows, key=lambda row: (_cost(row), *name_key(row)))
        self.cheapest[tier] = cheapest
        limit = _cost(cheapest) + self.rule.tco_share * abs(_cost(cheapest))
        for row in rows:
            if row is cheapest:
                continue
            close = self._too_close(row, cheapest)
            if close:
                self.too_close[row.assessment_id] = self._close_reason(row, cheapest, close)
            elif _cost(row) > limit:
                self.over_cost.add(row.assessment_id)

    def _too_close(self, row: VendorRow, cheapest: VendorRow) -> str:
        """Why ``row``'s expected TCO is too close to the cheapest's to call ("" when it is not), by the TCO
        headline's rule: the same materiality, the same interval test.

        The result carries the Monte Carlo error of the difference between one vendor's two options, not of each
        expected total, so across vendors the interval test gets no error (0): the materiality decides. Each
        total's own error is far below it (at most about 0.02 % of the total over eight seeds of the samples,
        against 2 %).
        """
        difference = Estimate(value=_cost(row) - _cost(cheapest), standard_error=0.0)
        close = closeness(difference, _cost(cheapest), self.assumptions)
        if not close.too_close:
            return ""
        wording = self.assumptions.wording
        materiality = f"{self.assumptions.simulation.headline.materiality.value * 100:g}"
        return (wording.close_interval if close.reason == "interval" and difference.standard_error > 0
                else wording.close_material).format(materiality=materiality)

    def _close_reason(self, row: VendorRow, cheapest: VendorRow, why: str) -> Reason:
        return self._reason("cost_too_close", row, self.text.cost_too_close, cost=_money(_cost(row)),
                            currency=row.currency or "", horizon=self._horizon(row), tier=self.wording.tiers[row.tier],
                            cheapest_vendor=cheapest.name, cheapest=_money(_cost(cheapest)), why=why)

    def _horizon(self, row: VendorRow) -> str:
        return horizon_text(self.assumptions.wording, row.horizon_years) if row.horizon_years else ""

    # --- reasons ---

    def _explain(self) -> None:
        # costs not compared, or too close to call: after the reasons about the candidates, in rank order
        notes = [*self.reasons, *(self.too_close[row.assessment_id] for row in self.order
                                  if row.assessment_id in self.too_close)]
        self.reasons = []
        winner = self.winner
        if winner is None:
            self.reasons.append(Reason(kind="none_eligible", assessment_id=None,
                                       text=self.text.none_eligible.format(count=len(self.rows)),
                                       figures={"count": len(self.rows)}))
        else:
            self.reasons.append(self._recommended(winner))
            if len(self.order) == 1:
                self.reasons.append(self._reason("only_candidate", winner, self.text.only_candidate,
                                                 count=len(self.rows)))
            for row in self.order[1:]:
                self.reasons.append(self._why_lower(row, winner))
        for row in sorted(self.excluded, key=lambda row: (TIER_ORDER.index(row.tier), row.residual, name_key(row))):
            figures: dict[str, Figure] = {"decision": self.wording.decisions[row.decision],
                                          "tier": self.wording.tiers[row.tier], "residual": _score(row.residual)}
            if row.decision in UNDECIDED:
                self.reasons.append(self._reason("excluded", row, self.text.excluded_pending, missing=row.missing,
                                                 **figures))
            else:
                self.reasons.append(self._reason("excluded", row, self.text.excluded, knockouts=row.knockouts,
                                                 **figures))
        self.reasons += notes

    def _recommended(self, row: VendorRow) -> Reason:
        cost = row.compared_cost
        return self._reason("recommended", row, self.text.recommended, tier=self.wording.tiers[row.tier],
                            residual=_score(row.residual), decision=self.wording.decisions[row.decision],
                            cost=_money(cost.expected_total) if cost else self.wording.blank,
                            currency=row.currency or "", horizon=self._horizon(row), option=self._option(row))

    def _why_lower(self, row: VendorRow, winner: VendorRow) -> Reason:
        tiers = self.wording.tiers
        if row.tier != winner.tier:
            return self._reason("higher_tier", row, self.text.higher_tier, tier=tiers[row.tier],
                                residual=_score(row.residual), best_tier=tiers[winner.tier])
        if row.assessment_id in self.over_cost:
            cheapest = self.cheapest[row.tier]
            percent = (_cost(row) / _cost(cheapest) - 1) * 100 if _cost(cheapest) else float("inf")
            return self._reason("over_cost", row, self.text.over_cost, cost=_money(_cost(row)),
                                currency=row.currency or "", horizon=self._horizon(row), option=self._option(row),
                                percent=_share(percent / 100), tier=tiers[row.tier], cheapest_vendor=cheapest.name,
                                cheapest=_money(_cost(cheapest)), share=_share(self.rule.tco_share))
        if self._residual(row) > self._residual(winner):
            return self._reason("higher_residual", row, self.text.higher_residual, residual=_score(row.residual),
                                winner=winner.name, winner_residual=_score(winner.residual), tier=tiers[row.tier])
        return self._reason("name_tie", row, self.text.name_tie, residual=_score(row.residual), winner=winner.name,
                            tier=tiers[row.tier])

    def _reason(self, kind: ReasonKind, row: VendorRow, template: str, **figures: Figure) -> Reason:
        return Reason(kind=kind, assessment_id=row.assessment_id, text=template.format(vendor=row.name, **figures),
                      figures={"vendor": row.name, **figures})

    def _option(self, row: VendorRow) -> str:
        """The option the cost is of; when the vendor's two options are too close to call, it says so."""
        cost = row.compared_cost
        if cost is None:
            return self.wording.blank
        if row.recommended_option is None:
            other = next(option for option in self.wording.options if option != cost.id)
            return self.wording.comparison.option_too_close.format(option=self.wording.options[cost.id],
                                                                   other=self.wording.options[other].lower())
        return self.wording.options[cost.id]

    # --- results ---

    def candidates(self) -> tuple[Candidate, ...]:
        ranks = {row.assessment_id: rank for rank, row in enumerate(self.order, start=1)}
        result = []
        for letter, row in zip(LETTERS, self.rows, strict=False):
            rank = ranks.get(row.assessment_id)
            status: Status = "excluded" if rank is None else "recommended" if rank == 1 else "candidate"
            result.append(Candidate(letter=letter, status=status, rank=rank,
                                    over_cost=row.assessment_id in self.over_cost,
                                    cost_too_close=row.assessment_id in self.too_close, row=row))
        return tuple(result)

    def recommendation(self) -> str:
        return self.reasons[0].text


def _cost(row: VendorRow) -> float:
    """The expected TCO a comparison ranks ``row`` on (see ``VendorRow.compared_cost``)."""
    cost = row.compared_cost
    return cost.expected_total if cost is not None else 0.0


def _score(value: float) -> str:
    return f"{value:.1f}"


def _money(value: float) -> str:
    rounded = round(value)
    return f"{rounded:,}" if rounded else "0"


def _share(share: float) -> str:
    """A share as a percentage to one decimal, trailing zero dropped: ``25`` for 0.25, ``12.5`` for 0.125."""
    text = f"{share * 100:.1f}"
    return text.rstrip("0").rstrip(".")
