"""Random numbers for the Monte Carlo: named streams from one seed, and beta-PERT by inverse transform.

Every uncertain input draws from its own stream, keyed by its name. The two options therefore see the same
numbers for every input they share (common random numbers: the difference between them is not blurred by
sampling noise), and adding an input, an integration or a trial never shifts the numbers of the others.

PERT values come from uniform numbers through the beta-PERT quantile function, tabulated on a fine grid
(numpy has no beta quantile function and scipy is too heavy a dependency for this alone). Inverse transform
keeps one uniform number per input and trial, whatever the range, so ranges can move without reshuffling.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
PERT_WEIGHT = 4.0
"""The weight of the likely value (lambda); ``scoring/tco.yaml`` simulation.pert_lambda cites it."""
PERT_ARRAYS = 96
"""PERT draws a process keeps (20,000 trials are 160 kB each): the shared assumptions of a few vendors."""
_GRID = np.linspace(0.0, 1.0, 8193)
_QUANTILES = np.linspace(0.0, 1.0, 8193)


def pert_shape(low: float, likely: float, high: float, weight: float = PERT_WEIGHT) -> tuple[float, float]:
    """The beta parameters (alpha, beta) of a PERT range; (1, 1) for a range of zero width."""
    width = high - low
    if width <= 0:
        return 1.0, 1.0
    return 1.0 + weight * (likely - low) / width, 1.0 + weight * (high - likely) / width


def pert_mean(low: float, likely: float, high: float, weight: float = PERT_WEIGHT) -> float:
    """The mean of a PERT range: (low + weight x likely + high) / (weight + 2)."""
    return (low + weight * likely + high) / (weight + 2.0)


def pert_quantile(uniform: FloatArray, low: float, likely: float, high: float,
                  weight: float = PERT_WEIGHT) -> FloatArray:
    """PERT values for uniform numbers in [0, 1): low + (high - low) x the beta quantile of each number."""
    if high <= low:
        return np.full(uniform.shape, float(low))
    table = _quantile_table(*pert_shape(low, likely, high, weight))
    # Linear interpolation in a table on an even grid of probabilities: an index, not a search.
    cells = _QUANTILES.size - 1
    position = uniform * cells
    index = np.minimum(position.astype(np.intp), cells - 1)
    fraction = position - index
    below = table[index]
    values: FloatArray = low + (high - low) * (below + fraction * (table[index + 1] - below))
    return values


def _quantile_table(alpha: float, beta: float) -> FloatArray:
    """The beta(alpha, beta) quantile function on an even grid of probabilities (alpha, beta >= 1 for PERT)."""
    density = _GRID ** (alpha - 1.0) * (1.0 - _GRID) ** (beta - 1.0)
    steps = (density[1:] + density[:-1]) * 0.5
    cumulative = np.concatenate(([0.0], np.cumsum(steps)))
    cumulative /= cumulative[-1]
    table: FloatArray = np.interp(_QUANTILES, cumulative, _GRID)
    return table


class Streams:
    """Independent random streams, one per name, all derived from one seed."""

    def __init__(self, seed: int) -> None:
        self.seed = seed

    def generator(self, name: str) -> np.random.Generator:
        digest = hashlib.sha256(name.encode()).digest()
        key = tuple(int.from_bytes(digest[index:index + 4], "little") for index in range(0, 16, 4))
        return np.random.default_rng(np.random.SeedSequence(self.seed, spawn_key=key))

    def uniform(self, name: str, size: int | tuple[int, ...]) -> FloatArray:
        return self.generator(name).random(size)

    def pert(self, name: str, size: int, low: float, likely: float, high: float,
             weight: float = PERT_WEIGHT) -> FloatArray:
        """``size`` PERT values of the stream ``name`` (a constant when low == high, with no stream drawn).

        Read-only: the same stream and range give the same values in every assessment (most ranges are the
        organisation's assumptions), so a process draws them once and shares them.
        """
        if high <= low:
            return np.full(size, float(low))
        return _pert(self.seed, name, size, low, likely, high, weight)


@lru_cache(maxsize=PERT_ARRAYS)
def _pert(seed: int, name: str, size: int, low: float, likely: float, high: float, weight: float) -> FloatArray:
    values = pert_quantile(Streams(seed).uniform(name, size), low, likely, high, weight)
    values.flags.writeable = False
    return values
