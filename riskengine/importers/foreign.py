"""A questionnaire in someone else's format, as read: their ids, their answers, their places.

Every format reader (CAIQ, HECVAT, VSAQ, the generic one) returns a ``ForeignQuestionnaire``; the translation
onto our bank (``translation.py``) knows nothing of Excel or JSON. Their question texts stay in memory for the
analyst's messages; they are never written to our data files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from riskengine.errors import Problem
from riskengine.questionnaire.submission import ImportFlag, OwnVerdict, UnparsedAnswer

AnswerKind = Literal["text", "choice", "choices"]
"""``text``: what the vendor typed or picked in a cell (normalised before use); ``choice``: the id of the option
picked (VSAQ radio buttons); ``choices``: the ids of every option ticked (VSAQ check groups)."""


@dataclass(frozen=True)
class ForeignItem:
    """One of their questions, with the vendor's answer and where it sits."""

    their_id: str
    text: str
    answer: Any
    """A cell value (str, number, date, bool), a choice id, a tuple of choice ids, or None when unanswered."""
    place: str
    kind: AnswerKind = "text"
    evidence: str = ""
    """The vendor's free-text description beside the answer (CAIQ implementation description, HECVAT
    additional information)."""
    evidence_place: str = ""
    note: str = ""
    """Context for the analyst (CAIQ control ownership: ``CSP-owned``)."""
    verdict: OwnVerdict | None = None
    """What the answer says of the control, where the format itself says which answers are weak (a VSAQ
    warning tip): set by the reader. None: judged from a Yes / No answer and the mapping's ``own_answers``."""
    yes_no: bool = False
    """The format says this question is answered Yes / No / N/A (every CAIQ question): an answer that is not
    clearly one of them is unparsed even when no mapping uses it."""

    @property
    def answered(self) -> bool:
        if self.answer is None:
            return False
        if isinstance(self.answer, str):
            return bool(self.answer.strip())
        if isinstance(self.answer, tuple):
            return bool(self.answer)
        return True


@dataclass(frozen=True)
class ForeignQuestionnaire:
    """Everything a format reader found, in file order, one item per id."""

    format: str
    format_version: str
    source: str
    sha256: str
    items: tuple[ForeignItem, ...]
    variant: str = ""
    """A format's variant whose ids mean different things (HECVAT 3 ``Full``, ``Lite``)."""
    problems: tuple[Problem, ...] = ()
    """Warnings found while reading (an id answered differently on two tabs)."""
    flags: tuple[ImportFlag, ...] = ()
    related_files: dict[str, str] = field(default_factory=dict)
    not_applicable: frozenset[str] = frozenset()
    """Their ids the questionnaire's own logic takes out for this vendor (HECVAT 3's Required column)."""
    self_judged: bool = False
    """The format says itself which answers are weak (VSAQ's warning tips): only the questions whose ``verdict``
    the reader set are scored among the vendor's own answers."""
    unparsed: tuple[UnparsedAnswer, ...] = ()
    """Answers found unusable while reading (a VSAQ answer to a question the definition does not have)."""

    def by_id(self) -> dict[str, ForeignItem]:
        return {item.their_id: item for item in self.items}
