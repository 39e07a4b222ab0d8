"""Text in the diagram: made safe to measure and draw, fitted to a width, wrapped into lines. Widths come from
the caller's ``TextWidth`` (``report.fonts.string_width`` when drawing), so this needs no font files."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

TextWidth = Callable[[str, str, float], float]
"""The width in points of a text set in a font (by name) at a size."""

ELLIPSIS = "…"
_CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f]")


def plain(text: str, limit: int = 200) -> str:
    """Text from the findings, safe to measure and draw: no control characters or lone surrogates, capped."""
    text = _CONTROL_CHARACTERS.sub(" ", text.encode("utf-8", "replace").decode("utf-8"))
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS


def fit(text: str, font: str, size: float, width: float, measure: TextWidth) -> str:
    """``text`` on one line, cut with an ellipsis to at most ``width`` points."""
    text = " ".join(text.split())
    if measure(text, font, size) <= width:
        return text
    while text and measure(text + ELLIPSIS, font, size) > width:
        text = text[:-1]
    return text.rstrip() + ELLIPSIS


def wrap(text: str, font: str, size: float, width: float, max_lines: int, measure: TextWidth) -> list[str]:
    """Words wrapped to ``width``; a word too long is cut, and the last line ends in an ellipsis if need be."""
    words = text.split()
    lines: list[str] = []
    current = ""
    for word in words:
        trial = f"{current} {word}" if current else word
        if measure(trial, font, size) <= width:
            current = trial
            continue
        if current:
            lines.append(current)
        current = word if measure(word, font, size) <= width else fit(word, font, size, width, measure)
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        kept = lines[:max_lines]
        kept[-1] = fit(kept[-1] + " " + " ".join(lines[max_lines:]), font, size, width, measure)
        if not kept[-1].endswith(ELLIPSIS):
            kept[-1] = fit(kept[-1] + ELLIPSIS, font, size, width, measure)
        return kept
    return lines or [""]


def wrap_list(items: Sequence[str], font: str, size: float, width: float, measure: TextWidth) -> list[str]:
    """Items joined with commas, broken between items so that each line fits; an item wider than ``width``
    keeps a line of its own, whole (the layout finds it a place, or lists it under the diagram)."""
    lines: list[str] = []
    current = ""
    for item in items:
        trial = f"{current}, {item}" if current else item
        if measure(trial, font, size) <= width:
            current = trial
            continue
        if current:
            lines.append(current + ",")
        current = item
    lines.append(current)
    return lines
