"""Random numbers for the Monte Carlo: named streams from one seed, beta-PERT and Poisson by inverse transform.

Every uncertain input draws from its own stream, keyed by its name. The options (and offers) therefore see the
same numbers for every input they share (common random numbers: the difference between them is not blurred by
sampling noise), and adding an input, an integration or a trial never shifts the numbers of the others.

A stream is read in order: a run in batches of 20,000 trials draws exactly the numbers of one run of all its
trials at once, so where a run stops changes how many futures it has, never which ones.

PERT values and Poisson counts come from uniform numbers through their quantile functions (inverse transform):
one uniform number per input and trial, whatever the range or rate, so a range can move (or be pinned, for the
sensitivity ranking) without reshuffling anything. numpy has no
beta quantile function and scipy is too heavy a dependency for this alone, so the PERT quantile function is
tabulated on a grid of 4,097 probabilities.
"""

from __future__ import annotations

import hashlib
import math

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
PERT_WEIGHT = 4.0
"""The weight of the likely value (lambda); ``scoring/tco.yaml`` simulation.pert_lambda cites it."""
CELLS = 4096
"""Cells of the tabulated quantile function: a power of two, so that uniform x CELLS is exact."""
QUADRATURE_POINTS = 4096
"""Points of the quadrature behind a closed form's E[g(X)] (the midpoints of the same table the draws use)."""
_GRID = np.linspace(0.0, 1.0, CELLS + 1)
with np.errstate(divide="ignore"):
    _LOG_GRID, _LOG_COMPLEMENT = np.log(_GRID), np.log1p(-_GRID)
"""log x and log(1 - x) on the grid: the beta density is exp((alpha - 1) log x + (beta - 1) log(1 - x)), one
exponential instead of two powers per point."""


def pert_shape(low: float, likely: float, high: float, weight: float = PERT_WEIGHT) -> tuple[float, float]:
    """The beta parameters (alpha, beta) of a PERT range; (1, 1) for a range of zero width."""
    width = high - low
    if width <= 0:
        return 1.0, 1.0
    return 1.0 + weight * (likely - low) / width, 1.0 + weight * (high - likely) / width


def pert_mean(low: float, likely: float, high: float, weight: float = PERT_WEIGHT) -> float:
    """The mean of a PERT range: (low + weight x likely + high) / (weight + 2)."""
    return (low + weight * likely + high) / (weight + 2.0)


class Pert:
    """One PERT range's quantile function, tabulated: values for uniform numbers, a value at a quantile, and the
    quadrature points of E[g(X)]."""

    __slots__ = ("_base", "_points", "_slope", "high", "low")

    def __init__(self, low: float, likely: float, high: float, weight: float = PERT_WEIGHT) -> None:
        self.low, self.high = float(low), float(high)
        self._points: FloatArray | None = None
        if high <= low:
            self._base = self._slope = np.zeros(0)
            return
        table = self.low + (self.high - self.low) * _quantile_table(*pert_shape(low, likely, high, weight))
        # Value = base[i] + fraction x slope[i] in cell i: two look-ups, no search.
        self._base, self._slope = table[:-1].copy(), np.diff(table)

    def values(self, uniform: FloatArray) -> FloatArray:
        """PERT values for uniform numbers in [0, 1), by linear interpolation in the table."""
        if not self._base.size:
            return np.full(uniform.shape, self.low)
        position = uniform * CELLS  # exact: CELLS is a power of two, so the cell never reaches CELLS
        index = position.astype(np.intp)
        fraction: FloatArray = position - index
        values: FloatArray = self._base.take(index) + fraction * self._slope.take(index)
        return values

    def at(self, quantile: float) -> float:
        """The value at one quantile (0.1: the 10th percentile)."""
        return float(self.values(np.array([quantile]))[0])

    def points(self) -> FloatArray:
        """The values at the midpoints of QUADRATURE_POINTS equal slices of probability: E[g(X)] ~ the mean of
        g over them (worked out once per table)."""
        if self._points is None:
            self._points = self.values((np.arange(QUADRATURE_POINTS) + 0.5) / QUADRATURE_POINTS)
        return self._points


def pert_quantile(uniform: FloatArray, low: float, likely: float, high: float,
                  weight: float = PERT_WEIGHT) -> FloatArray:
    """PERT values for uniform numbers in [0, 1): low + (high - low) x the beta quantile of each number."""
    return Pert(low, likely, high, weight).values(uniform)


def _quantile_table(alpha: float, beta: float) -> FloatArray:
    """The beta(alpha, beta) quantile function on an even grid of probabilities (alpha, beta >= 1 for PERT)."""
    with np.errstate(invalid="ignore"):  # 0 x -inf at the ends when alpha or beta is 1: the density is 1 there
        exponent = (alpha - 1.0) * _LOG_GRID + (beta - 1.0) * _LOG_COMPLEMENT
    density = np.exp(np.nan_to_num(exponent, nan=0.0, neginf=-np.inf))
    steps = (density[1:] + density[:-1]) * 0.5
    cumulative = np.concatenate(([0.0], np.cumsum(steps)))
    cumulative /= cumulative[-1]
    table: FloatArray = np.interp(_GRID, cumulative, _GRID)
    return table


def poisson_counts(uniform: FloatArray, rate: float) -> IntArray:
    """Poisson counts at ``rate`` by inverse transform: for each uniform number u, the smallest k with
    P(N <= k) > u (the number of cumulative probabilities at or below u: a search in a short table, made only
    for the numbers above P(N = 0), as most counts of a small rate are zero)."""
    counts = np.zeros(uniform.shape, dtype=np.int64)
    if rate <= 0:
        return counts
    # Enough terms that the table's last cumulative probability is 1 to the last bit (rates here stay small).
    terms = 30 + int(10 * rate)
    ratios = np.concatenate(([1.0], rate / np.arange(1, terms)))
    cumulative = np.cumsum(math.exp(-rate) * np.cumprod(ratios))
    some = np.flatnonzero(uniform >= cumulative[0])
    counts[some] = np.searchsorted(cumulative, uniform[some], side="right")
    return counts


class Streams:
    """Independent random streams, one per name, all derived from one seed; each is read in order."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._generators: dict[str, np.random.Generator] = {}

    def generator(self, name: str) -> np.random.Generator:
        """A new generator at the start of the stream ``name``."""
        digest = hashlib.sha256(name.encode()).digest()
        key = tuple(int.from_bytes(digest[index:index + 4], "little") for index in range(0, 16, 4))
        return np.random.default_rng(np.random.SeedSequence(self.seed, spawn_key=key))

    def uniform(self, name: str, size: int | tuple[int, ...]) -> FloatArray:
        """The next ``size`` uniform numbers in [0, 1) of the stream ``name``."""
        generator = self._generators.get(name)
        if generator is None:
            generator = self._generators[name] = self.generator(name)
        return generator.random(size)
