"""What the TCO stage returns: both options with ranges, breakeven, probability, sensitivity, assumptions."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from riskengine.tco.assumptions import LineId, OptionId
from riskengine.tco.inputs import TcoInputs


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class Percentiles(_Frozen):
    """A simulated amount: 10th, 50th and 90th percentile over the trials, and the mean."""

    p10: float
    p50: float
    p90: float
    mean: float


class YearBand(_Frozen):
    """Cumulative discounted cost from go-live to the end of ``year`` (the band of the chart)."""

    year: int
    p10: float
    p50: float
    p90: float
    mean: float


class CostLine(_Frozen):
    """One cost line: its mean cost per year (undiscounted) and its mean present value."""

    id: LineId
    title: str
    by_year: tuple[float, ...]
    npv: float


class Chargeback(_Frozen):
    """Internal hours of one role at its loaded rate: what the departments charge back."""

    role: str
    hourly_rate: float
    hours_by_year: tuple[float, ...]
    cost_by_year: tuple[float, ...]
    rate_source: str


class DeterministicLine(_Frozen):
    """The TEI-style line: every input at its likely value, the expected loss at likely values, no randomness."""

    by_year: tuple[float, ...]
    cumulative: tuple[float, ...]
    """Cumulative discounted cost at the end of each year."""
    npv: float
    lines: tuple[CostLine, ...]


class OptionResult(_Frozen):
    id: OptionId
    title: str
    summary: str
    npv: Percentiles
    """Present value of every cost over the horizon, discounted at the organisation's rate."""
    cumulative: tuple[YearBand, ...]
    lines: tuple[CostLine, ...]
    chargeback: tuple[Chargeback, ...]
    expected_annual_loss: float
    """Closed form: E[loss events a year] x E[cost of one event]; the simulated mean is the expected_loss line."""
    deterministic: DeterministicLine


class Sensitivity(_Frozen):
    """How far the NPV difference (built to last minus good enough) swings as one assumption moves low -> high."""

    assumption_id: str
    title: str
    unit: str
    low: float
    high: float
    difference_at_low: float
    difference_at_high: float
    swing: float


class AssumptionUsed(_Frozen):
    """One number the result rests on, with its source (a citation, an answer's cell, the org profile ...)."""

    id: str
    title: str
    unit: str
    source: str
    value: float | str | None = None
    low: float | None = None
    likely: float | None = None
    high: float | None = None


class TcoResult(_Frozen):
    """Total cost of ownership of both adoption options, in ``currency``; the JSON's ``tco``."""

    currency: str
    horizon_years: int
    discount_rate: float
    trials: int
    seed: int
    seed_basis: str
    assumptions_sha256: str
    options: tuple[OptionResult, ...]
    """Good enough first, then built to last."""
    difference_npv: Percentiles
    """NPV of built to last minus good enough, per trial (negative: built to last is cheaper)."""
    year_one_premium: float
    """Built to last's median year-1 cost over good enough's, minus 1 (0.38: 38 % more)."""
    breakeven_year: int | None
    """First year from which the median cumulative difference (built to last minus good enough, per trial)
    stays at or below zero: when built to last is cheaper in the typical future. None: not within the horizon."""
    breakeven_year_expected: int | None
    """The same on the mean cumulative difference, which the rare costly breach weighs on."""
    probability_built_to_last_cheaper: float
    recommendation: str
    verdict: str
    sensitivity: tuple[Sensitivity, ...]
    """The three assumptions the choice is most sensitive to, largest swing first."""
    assumptions: tuple[AssumptionUsed, ...]
    inputs: TcoInputs
