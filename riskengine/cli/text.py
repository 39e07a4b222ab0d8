"""How the commands fit text into their columns."""

from __future__ import annotations


def cut(text: str, width: int) -> str:
    """``text``, or its first ``width - 1`` characters and an ellipsis when it is longer."""
    return text if len(text) <= width else text[: width - 1] + "…"


def plural(count: int, noun: str) -> str:
    """``1 vendor``, ``2 vendors``."""
    return f"{count} {noun}{'s' if count != 1 else ''}"
