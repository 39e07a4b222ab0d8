"""Plane geometry for placing the diagram's boxes: boxes, ellipses walked by arc length, and ordered spreading
with a least gap (the pool-adjacent-violators algorithm). Pure: no fonts, no drawing."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise


@dataclass(frozen=True)
class Box:
    """An axis-aligned box by its centre and size, in points."""

    x: float
    y: float
    width: float
    height: float

    @property
    def left(self) -> float:
        return self.x - self.width / 2

    @property
    def right(self) -> float:
        return self.x + self.width / 2

    @property
    def bottom(self) -> float:
        return self.y - self.height / 2

    @property
    def top(self) -> float:
        return self.y + self.height / 2

    def overlaps(self, other: Box, margin: float = 0.0) -> bool:
        return (self.left < other.right + margin and other.left < self.right + margin
                and self.bottom < other.top + margin and other.bottom < self.top + margin)

    def border_point(self, toward_x: float, toward_y: float) -> tuple[float, float]:
        """Where the ray from the centre towards the given point leaves the box."""
        dx, dy = toward_x - self.x, toward_y - self.y
        if dx == 0 and dy == 0:
            return self.x, self.y
        scale = min(self.width / 2 / abs(dx) if dx else math.inf, self.height / 2 / abs(dy) if dy else math.inf)
        return self.x + dx * scale, self.y + dy * scale


def overlap_area(first: Box, second: Box, margin: float) -> float:
    """The area two boxes share, each grown by ``margin`` on one side (0 when they are apart)."""
    width = min(first.right, second.right) - max(first.left, second.left) + margin
    height = min(first.top, second.top) - max(first.bottom, second.bottom) + margin
    return width * height if width > 0 and height > 0 else 0.0


def crosses(x0: float, y0: float, x1: float, y1: float, box: Box, margin: float = 1.5) -> bool:
    """Whether the segment passes through the box (grown by ``margin``): Liang-Barsky clipping."""
    low, high = 0.0, 1.0
    dx, dy = x1 - x0, y1 - y0
    for step, distance in ((-dx, x0 - (box.left - margin)), (dx, box.right + margin - x0),
                           (-dy, y0 - (box.bottom - margin)), (dy, box.top + margin - y0)):
        if step == 0:
            if distance < 0:
                return False
            continue
        share = distance / step
        if step < 0:
            low = max(low, share)
        else:
            high = min(high, share)
        if low > high:
            return False
    return True


@lru_cache(maxsize=64)
def ellipse(rx: float, ry: float) -> Ellipse:
    """The ellipse of these radii, sampled once per process: the rings of every vendor's diagram grow through
    the same sizes."""
    return Ellipse(rx, ry)


class Ellipse:
    """An ellipse centred on the tool, walked by arc length (sampled finely enough for placing boxes).

    Never changed once made (``ellipse`` shares them).
    """

    _SAMPLES = 1440

    def __init__(self, rx: float, ry: float) -> None:
        self.rx = rx
        self.ry = ry
        self._angles = [2 * math.pi * index / self._SAMPLES for index in range(self._SAMPLES + 1)]
        points = [(rx * math.cos(angle), ry * math.sin(angle)) for angle in self._angles]
        self._lengths = [0.0]
        total = 0.0
        for (x0, y0), (x1, y1) in pairwise(points):
            total += math.hypot(x1 - x0, y1 - y0)
            self._lengths.append(total)
        self.length = total

    def point(self, angle: float) -> tuple[float, float]:
        return self.rx * math.cos(angle), self.ry * math.sin(angle)

    def tangent(self, angle: float) -> tuple[float, float]:
        dx, dy = -self.rx * math.sin(angle), self.ry * math.cos(angle)
        norm = math.hypot(dx, dy)
        return dx / norm, dy / norm

    def arc(self, angle: float) -> float:
        """Arc length from angle 0 (the right) counter-clockwise to ``angle``."""
        angle %= 2 * math.pi
        step = 2 * math.pi / self._SAMPLES
        index = min(int(angle / step), self._SAMPLES - 1)
        share = (angle - self._angles[index]) / step
        return self._lengths[index] + share * (self._lengths[index + 1] - self._lengths[index])

    def angle(self, arc: float) -> float:
        arc %= self.length
        low, high = 0, self._SAMPLES
        while high - low > 1:
            middle = (low + high) // 2
            if self._lengths[middle] <= arc:
                low = middle
            else:
                high = middle
        span = self._lengths[low + 1] - self._lengths[low]
        share = (arc - self._lengths[low]) / span if span else 0.0
        return self._angles[low] + share * (self._angles[low + 1] - self._angles[low])


def signed(angle: float) -> float:
    """The angle in (-pi, pi]: negative below the tool, positive above."""
    angle %= 2 * math.pi
    return angle - 2 * math.pi if angle > math.pi else angle


def spread(desired: Sequence[float], gaps: Sequence[float], low: float, high: float) -> list[float] | None:
    """Ordered positions closest (least squares) to ``desired``, ``gaps[i]`` apart at least, within bounds.

    ``desired`` must be sorted. Returns None when the items cannot fit between ``low`` and ``high``.
    """
    offsets = [0.0]
    for gap in gaps:
        offsets.append(offsets[-1] + gap)
    if not desired:
        return []
    if offsets[-1] > high - low + 1e-9:
        return None

    def base(first: int, last: int) -> float:
        mean = sum(desired[k] - offsets[k] for k in range(first, last + 1)) / (last - first + 1)
        return min(max(mean, low - offsets[first]), high - offsets[last])

    clusters: list[tuple[int, int, float]] = []
    for index in range(len(desired)):
        first, start = index, base(index, index)
        while clusters and start < clusters[-1][2] - 1e-9:
            first = clusters.pop()[0]
            start = base(first, index)
        clusters.append((first, index, start))
    return [start + offsets[k] for first, last, start in clusters for k in range(first, last + 1)]


def spread_around(desired: Sequence[float], separations: Sequence[float], length: float) -> list[float] | None:
    """``spread`` on a closed curve: ``separations[i]`` lies between item i and item (i + 1) mod n."""
    count = len(desired)
    if count <= 1:
        return list(desired)
    if sum(separations) > length:
        return None
    gaps = [desired[index + 1] - desired[index] for index in range(count - 1)]
    gaps.append(desired[0] + length - desired[-1])
    cut = max(range(count), key=lambda index: (gaps[index], -index))
    middle = desired[cut] + gaps[cut] / 2
    order = [(cut + 1 + step) % count for step in range(count)]
    unwrapped = []
    for index in order:
        value = desired[index]
        while value < middle:
            value += length
        unwrapped.append(value)
    placed = spread(unwrapped, [separations[index] for index in order[:-1]],
                    middle + separations[cut] / 2, middle + length - separations[cut] / 2)
    if placed is None:
        return None
    result = [0.0] * count
    for index, value in zip(order, placed, strict=True):
        result[index] = value % length
    return result
