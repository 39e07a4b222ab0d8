"""The loss exceedance curve: the chance of losing more than each amount, its tail, and the risk appetite.

Hubbard and Seiersen, *How to Measure Anything in Cybersecurity Risk* (2016): the curve P(loss > x), read against
the organisation's tolerance curve. Losses are the simulated ones (every scenario, undiscounted), over the whole
horizon and in any one year.
"""

from __future__ import annotations

import math

import numpy as np

from riskengine.organisation import RiskAppetite
from riskengine.tco.result import AppetiteCheck, LossExceedance
from riskengine.tco.sampling import FloatArray

POINTS_PER_DECADE = 4


class Exceedance:
    """P(L > x) of one sample of losses, from its positive values sorted (most losses are zero)."""

    def __init__(self, losses: FloatArray) -> None:
        self.count = losses.size
        self.positive = losses[losses > 0]  # a copy: sorted in place
        self.positive.sort()

    def probability(self, amounts: FloatArray) -> FloatArray:
        """P(L > amount) for each amount (amounts >= 0): never rising in the amount."""
        above = self.positive.size - np.searchsorted(self.positive, amounts, side="right")
        probabilities: FloatArray = above / max(self.count, 1)
        return probabilities

    def quantile(self, level: float) -> float:
        """The smallest loss x with P(L > x) <= 1 - level (0 when fewer than 1 - level of the losses are positive)."""
        rank = math.ceil(level * self.count)  # the rank-th smallest of all losses, zeros first
        zeros = self.count - self.positive.size
        return 0.0 if rank <= zeros else float(self.positive[rank - zeros - 1])


def amounts_grid(curves: list[Exceedance]) -> FloatArray:
    """Amounts for the chart, common to the options: four a decade, from the decade of the smallest 5 % of the
    positive losses (of any curve) to the decade above the largest."""
    positive = [curve.positive for curve in curves if curve.positive.size]
    if not positive:
        return np.zeros(0)
    smallest = min(float(losses[int(0.05 * (losses.size - 1))]) for losses in positive)
    low = math.floor(math.log10(max(smallest, 1.0)))
    high = math.ceil(math.log10(max(float(losses[-1]) for losses in positive)))
    exponents = np.arange(low * POINTS_PER_DECADE, high * POINTS_PER_DECADE + 1) / POINTS_PER_DECADE
    return np.array([float(f"{10.0 ** exponent:.3g}") for exponent in exponents])


def loss_exceedance(over_horizon: Exceedance, in_a_year: Exceedance, amounts: FloatArray,
                    appetite: RiskAppetite | None, chance_of_loss: float) -> LossExceedance:
    """The curve of one option from its losses over the horizon (one per trial) and in a year (one per trial and
    year); ``chance_of_loss`` is the chance of at least one loss event over the horizon."""
    checks: list[AppetiteCheck] = []
    if appetite is not None:
        curve = in_a_year if appetite.period == "year" else over_horizon
        losses = np.array([point.loss for point in appetite.points])
        for point, probability in zip(appetite.points, curve.probability(losses), strict=True):
            checks.append(AppetiteCheck(loss=point.loss, tolerated=point.probability,
                                        probability=round(float(probability), 5),
                                        within=bool(probability <= point.probability)))
    return LossExceedance(
        amounts=tuple(float(amount) for amount in amounts),
        horizon=tuple(round(float(p), 5) for p in over_horizon.probability(amounts)),
        annual=tuple(round(float(p), 5) for p in in_a_year.probability(amounts)),
        p95=round(over_horizon.quantile(0.95), 2), p99=round(over_horizon.quantile(0.99), 2),
        chance_of_loss=round(chance_of_loss, 5),
        appetite=tuple(checks), within_appetite=all(check.within for check in checks) if checks else None)
