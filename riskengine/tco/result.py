"""What the TCO stage returns: one set of headline figures, both options with their lines and ranges, the loss
scenarios and their exceedance curve, the sensitivity ranking, the precision of the run and every assumption.

Every reader (summary, TCO page, scorecard, marketing page, JSON, portfolio) takes its figures from
``TcoResult.headline``: an expected cost there is the same number as the ``mean`` of the option's ``npv``, the
last band's ``mean`` and the sum of its cost lines.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from riskengine.organisation import RiskAppetite
from riskengine.score.profile import Decision
from riskengine.tco.assumptions import LineId, OptionId, ScenarioId
from riskengine.tco.inputs import TcoInputs
from riskengine.tco.offers import Offer


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class Percentiles(_Frozen):
    """A simulated amount: its 10th, 50th and 90th percentile over the trials, and its expected value."""

    p10: float
    p50: float
    p90: float
    mean: float
    """The expected value: for an option's ``npv`` the headline's expected total (the sum of its cost lines, the
    expected loss in closed form); for ``difference_npv`` the headline's mean difference."""


class YearBand(_Frozen):
    """Cumulative discounted cost from go-live to the end of ``year`` (the band of the chart)."""

    year: int
    p10: float
    p50: float
    p90: float
    mean: float
    """Expected cumulative cost (the last year's is the headline's expected total)."""


class CostLine(_Frozen):
    """One cost line: its expected cost per year (undiscounted) and its expected present value."""

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
    """Every input at its most likely value (the PERT mode), plus the expected loss: the view of Forrester's Total
    Economic Impact method. Not a forecast and not the headline: a sum of most likely values is neither the
    expected nor the typical cost. Its ``expected_loss`` line is the headline's expected annual loss (there is no
    second expected loss)."""

    by_year: tuple[float, ...]
    cumulative: tuple[float, ...]
    """Cumulative discounted cost at the end of each year."""
    npv: float
    lines: tuple[CostLine, ...]


class LossForm(_Frozen):
    """One form of loss of a scenario (FAIR): its expected amount per loss event."""

    id: str
    title: str
    kind: Literal["primary", "secondary"]
    per_event: float


class LossScenario(_Frozen):
    """One loss scenario of one option in closed form: E[events a year] x E[loss per event]."""

    id: ScenarioId
    title: str
    applies: bool
    reason: str
    frequency: float
    """Expected loss events a year (loss event frequency)."""
    magnitude: float
    """Expected loss per event (loss magnitude), the sum of ``forms``."""
    expected_annual_loss: float
    factor_credited: bool = True
    """False when the option's risk factor rests on something the vendor does not offer (1.0 used)."""
    forms: tuple[LossForm, ...] = ()
    chance_over_horizon: float = 0.0
    """Simulated: the share of futures with at least one such loss event within the horizon."""


class AppetiteCheck(_Frozen):
    """One point of the organisation's risk appetite against the simulated loss."""

    loss: float
    tolerated: float
    """The highest probability of losing more than ``loss`` the organisation accepts."""
    probability: float
    """The simulated probability of losing more than ``loss`` (in a year or over the horizon, as the appetite)."""
    within: bool


class LossExceedance(_Frozen):
    """The loss exceedance curve of one option: the chance of losing more than each amount (for the chart)."""

    amounts: tuple[float, ...]
    horizon: tuple[float, ...]
    """P(loss over the horizon > amount), undiscounted, one per amount: never rising."""
    annual: tuple[float, ...]
    """P(loss in one year > amount)."""
    p95: float
    """95th percentile of the loss over the horizon: the smallest amount with P(loss > amount) <= 5 %."""
    p99: float
    chance_of_loss: float
    """P(at least one loss event of any scenario over the horizon)."""
    appetite: tuple[AppetiteCheck, ...] = ()
    within_appetite: bool | None = None
    """None: the organisation states no risk appetite."""


class OptionResult(_Frozen):
    id: OptionId
    title: str
    summary: str
    npv: Percentiles
    """Present value of every cost over the horizon: percentiles of the simulated futures; ``mean`` is the
    expected total of the headline."""
    cumulative: tuple[YearBand, ...]
    lines: tuple[CostLine, ...]
    chargeback: tuple[Chargeback, ...]
    expected_annual_loss: float
    """Closed form: the sum over scenarios of E[loss events a year] x E[loss per event]; the ``expected_loss``
    line holds it every year."""
    deterministic: DeterministicLine
    scenarios: tuple[LossScenario, ...] = ()
    loss_exceedance: LossExceedance | None = None


class Sensitivity(_Frozen):
    """One input of the tornado: the decision with the input pinned at its low quantile, then its high one, every
    other input on the same random numbers (common random numbers)."""

    assumption_id: str
    title: str
    unit: str
    low: float
    """The input's value at the low quantile (the 10th percentile); for the build hours, the sum over connections."""
    high: float
    difference_at_low: float
    """Mean difference (built to last minus good enough, expected loss in closed form) with the input at ``low``."""
    difference_at_high: float
    swing: float
    """|difference_at_high - difference_at_low|."""
    probability_at_low: float = 0.0
    """Probability that built to last is cheaper with the input at ``low``."""
    probability_at_high: float = 0.0
    probability_swing: float = 0.0
    """|probability_at_high - probability_at_low|: what the ranking is by."""
    detail: str = ""
    """The pinned values per option, for an input that differs between them."""


class Tornado(_Frozen):
    """The sensitivity ranking by re-simulation: each input pinned, the rest random on the same trials."""

    trials: int
    low_quantile: float
    high_quantile: float
    base_probability: float
    """Probability that built to last is cheaper on the same trials with nothing pinned."""
    base_difference: float
    rows: tuple[Sensitivity, ...]
    """Largest effect on the probability first, then on the mean difference."""


class Estimate(_Frozen):
    """A Monte Carlo estimate and its standard error."""

    value: float
    standard_error: float


class Precision(_Frozen):
    """How many trials ran, why the run stopped, and the errors it reached."""

    trials: int
    batches: int
    stopped: Literal["targets_met", "trial_cap", "fixed_trials"]
    difference_error_target: float
    """The largest standard error of the mean difference the run aimed for (in ``currency``)."""
    probability_error_target: float
    difference_error: float
    probability_error: float
    met: bool


class OptionHeadline(_Frozen):
    id: OptionId
    title: str
    expected_total: float
    """Expected present value of every cost over the horizon, risk included: the sum of the cost lines' present
    values (the expected loss in closed form). The figure decisions are made on."""
    typical_total: float
    """The median over the simulated futures: what the typical future costs."""
    mean_median_note: str
    """Why the expected and typical totals differ (rare, costly losses), or that they are close."""
    expected_year_one: float
    """Expected spend in year 1, before risk (undiscounted): every line's year 1 but the expected loss."""
    expected_annual_loss: float
    """The one expected annual loss: sum over scenarios of E[N] x E[X]."""
    chance_of_loss: float
    """P(at least one loss event over the horizon)."""
    within_appetite: bool | None = None


class TcoHeadline(_Frozen):
    """The figures every reader uses, computed once."""

    currency: str
    horizon_years: int
    options: tuple[OptionHeadline, OptionHeadline]
    """Good enough first, then built to last."""
    mean_difference: Estimate
    """Built to last's expected total minus good enough's (negative: built to last is cheaper), with its Monte
    Carlo standard error."""
    difference_interval: tuple[float, float]
    """The 95 % interval of the mean difference."""
    probability_built_to_last_cheaper: Estimate
    year_one_premium: float
    """Built to last's expected year-1 spend (before risk) over good enough's, minus 1 (0.12: 12 % more)."""
    breakeven_year: int | None
    """First year from which built to last's expected cumulative cost stays at or below good enough's; None when
    it never does within the horizon or the options are too close to call."""
    choice: Literal["built_to_last", "good_enough", "too_close_to_call"]
    too_close_to_call: bool
    close_reason: Literal["", "interval", "materiality"] = ""
    """Why it is too close: the 95 % interval of the mean difference holds 0, or the difference is below the
    materiality share of the smaller expected total."""
    recommendation: str
    risk_decision: Decision
    decision_stands: bool
    """The risk decision is reject or more information needed: it stands whatever the cost."""
    decision_note: str = ""


class NotAvailable(_Frozen):
    """Something built to last would include that this vendor's plan does not make possible: not priced."""

    option: OptionId
    id: str
    """The item id, or ``risk_factors.<scenario>`` for a risk reduction not credited."""
    title: str
    needs: tuple[str, ...]
    reason: str


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
    """Built to last minus good enough per simulated future (negative: built to last is cheaper); ``mean`` is the
    headline's mean difference."""
    year_one_premium: float
    """The headline's: built to last's expected year-1 spend (before risk) over good enough's, minus 1."""
    breakeven_year: int | None
    """The headline's breakeven year (on expected cumulative costs; None when too close to call)."""
    breakeven_year_expected: int | None
    """Superseded by ``headline.breakeven_year``: the first year from which the expected cumulative difference
    stays at or below zero, stated even when the options are too close to call."""
    probability_built_to_last_cheaper: float
    recommendation: str
    """The year-1 sentence (premium, breakeven, probability) on the headline's figures."""
    verdict: str
    """Superseded by ``headline.recommendation`` (the same sentence)."""
    sensitivity: tuple[Sensitivity, ...]
    """Superseded by ``tornado``: its first three rows."""
    assumptions: tuple[AssumptionUsed, ...]
    inputs: TcoInputs
    headline: TcoHeadline
    precision: Precision
    tornado: Tornado
    not_available: tuple[NotAvailable, ...] = ()
    risk_appetite: RiskAppetite | None = None
    """The organisation's risk appetite, for the loss exceedance chart."""


class OfferOption(_Frozen):
    """One offer in one adoption style, against the others on the same simulated futures."""

    offer_id: str
    option: OptionId
    title: str
    expected_total: float
    probability_cheapest: Estimate
    """Share of the simulated futures in which this offer and style costs least of all, with its standard error."""


class PricedOffer(_Frozen):
    offer: Offer
    result: TcoResult


class OfferComparison(_Frozen):
    """Several offers (plans or vendors), each priced in both adoption styles on the same random numbers."""

    currency: str
    horizon_years: int
    trials: int
    seed: int
    offers: tuple[PricedOffer, ...]
    ranking: tuple[OfferOption, ...]
    """Every offer and style, lowest expected total first."""
    cheapest: OfferOption
    runner_up: OfferOption | None
    difference_to_runner_up: Estimate | None
    """The runner-up's expected total minus the cheapest's, with its standard error (paired futures)."""
    too_close_to_call: bool
    recommendation: str
    precision: Precision
