"""Where the cost and loss models get their numbers: Monte Carlo draws, pinned draws, the most likely values.

The models ask a ``Draw`` for the values of an uncertain input by stream name and range, for every row at once.
A row is one simulated future (a trial), or the single "every input at its most likely value" row. The same
model code therefore serves the Monte Carlo, the sensitivity ranking (one input pinned at a quantile, every
other on the same random numbers) and the most-likely line.

Two kinds of stream: an *input* (a PERT range: a parameter we are unsure of, per trial, or a property of each
loss event) can be pinned by the sensitivity ranking; an *aleatory* stream (whether an event happens, which
events an option keeps) is chance itself and never pinned.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

import numpy as np

from riskengine.tco.assumptions import Spread
from riskengine.tco.sampling import FloatArray, IntArray, Pert, Streams


class Draw(Protocol):
    """The values of uncertain inputs for ``rows`` rows (trials)."""

    rows: int

    def __call__(self, stream: str, spread: Spread) -> FloatArray:
        """One value per row of the input drawn from ``stream`` through ``spread``."""
        ...

    def per_event(self, stream: str, spread: Spread, count: int, selected: IntArray) -> FloatArray:
        """The values of the ``selected`` loss events (indexes among the ``count`` drawn, in order): a uniform
        number is read for every event, the range's value is worked out only for those an option keeps."""
        ...

    def uniform(self, stream: str, count: int) -> FloatArray:
        """``count`` aleatory uniform numbers (never pinned)."""
        ...


class Tables:
    """The tabulated PERT ranges of one run, built once each (a run is priced cold: nothing outlives it)."""

    def __init__(self, weight: float) -> None:
        self.weight = weight
        self._tables: dict[tuple[float, float, float], Pert] = {}

    def of(self, spread: Spread) -> Pert:
        key = (spread.low, spread.likely, spread.high)
        table = self._tables.get(key)
        if table is None:
            table = self._tables[key] = Pert(spread.low, spread.likely, spread.high, self.weight)
        return table


class MonteCarlo:
    """Draws for one batch of trials: each stream is read once per batch and shared by every range drawn from
    it (both options, every offer), so the batch's numbers do not depend on who asks first.

    ``inputs`` remembers every input stream drawn and its ranges: what the sensitivity ranking can pin.
    """

    def __init__(self, streams: Streams, rows: int, tables: Tables) -> None:
        self.rows, self.tables = rows, tables
        self._streams = streams
        self._uniforms: dict[str, FloatArray] = {}
        self._values: dict[tuple[str, float, float, float], FloatArray] = {}
        self._logs: list[set[str]] = []
        self.inputs: dict[str, list[Spread]] = {}

    @contextmanager
    def recording(self) -> Iterator[set[str]]:
        """The input streams drawn within the block (by this draw, or a ``Pinned`` one over it)."""
        log: set[str] = set()
        self._logs.append(log)
        try:
            yield log
        finally:
            self._logs.remove(log)

    def __call__(self, stream: str, spread: Spread) -> FloatArray:
        self._note(stream, spread)
        key = (stream, spread.low, spread.likely, spread.high)
        values = self._values.get(key)
        if values is None:
            values = self._values[key] = self._transform(stream, spread, self.rows, None)
        return values

    def per_event(self, stream: str, spread: Spread, count: int, selected: IntArray) -> FloatArray:
        self._note(stream, spread)
        return self._transform(stream, spread, count, selected)

    def uniform(self, stream: str, count: int) -> FloatArray:
        drawn = self._uniforms.get(stream)
        if drawn is None:
            drawn = self._uniforms[stream] = self._streams.uniform(stream, count)
        if drawn.size != count:
            raise ValueError(f"stream {stream} was drawn for {drawn.size} items and is asked for {count}")
        return drawn

    def _note(self, stream: str, spread: Spread) -> None:
        for log in self._logs:
            log.add(stream)
        ranges = self.inputs.setdefault(stream, [])
        if not any(known is spread or known == spread for known in ranges):
            ranges.append(spread)

    def _transform(self, stream: str, spread: Spread, count: int, selected: IntArray | None) -> FloatArray:
        size = count if selected is None else selected.size
        if spread.high <= spread.low:  # a fixed number: no stream is read
            return np.full(size, spread.low)
        uniform = self.uniform(stream, count)
        return self.tables.of(spread).values(uniform if selected is None else uniform[selected])


class Pinned:
    """The draws of a batch with some input streams pinned (the sensitivity ranking), once per quantile: block
    i of the rows is the batch's own trials with the streams pinned at ``quantiles[i]``. Every other number is
    the batch's own, so within a block the only difference is the pinned input; pricing the quantiles as one
    set of rows costs one pass of the model instead of one each."""

    def __init__(self, base: MonteCarlo, streams: frozenset[str], quantiles: tuple[float, ...],
                 tiled: dict[tuple[str, float, float, float], FloatArray]) -> None:
        """``tiled``: the base's values repeated once per quantile, shared by every ``Pinned`` over the base."""
        self._base, self._pinned, self._quantiles = base, streams, quantiles
        self._blocks = len(quantiles)
        self.rows = base.rows * self._blocks
        self._tiled = tiled

    def __call__(self, stream: str, spread: Spread) -> FloatArray:
        if stream in self._pinned:
            return np.repeat(self._at(spread), self._base.rows)
        key = (stream, spread.low, spread.likely, spread.high)
        tiled = self._tiled.get(key)
        if tiled is None:
            tiled = self._tiled[key] = np.tile(self._base(stream, spread), self._blocks)
        return tiled

    def per_event(self, stream: str, spread: Spread, count: int, selected: IntArray) -> FloatArray:
        own = count // self._blocks  # the events of one block: the batch's own, repeated in every block
        if stream in self._pinned:
            values: FloatArray = self._at(spread)[selected // own]
            return values
        return self._base.per_event(stream, spread, own, selected % own)

    def uniform(self, stream: str, count: int) -> FloatArray:
        return np.tile(self._base.uniform(stream, count // self._blocks), self._blocks)

    def _at(self, spread: Spread) -> FloatArray:
        return self._base.tables.of(spread).values(np.array(self._quantiles))


class MostLikely:
    """Every input at its most likely value (the PERT mode), in ``rows`` identical rows; no loss events."""

    def __init__(self, rows: int = 1) -> None:
        self.rows = rows

    def __call__(self, stream: str, spread: Spread) -> FloatArray:
        return np.full(self.rows, spread.likely)

    def per_event(self, stream: str, spread: Spread, count: int, selected: IntArray) -> FloatArray:
        return np.full(selected.size, spread.likely)

    def uniform(self, stream: str, count: int) -> FloatArray:
        raise ValueError("the most-likely line draws no loss events")
