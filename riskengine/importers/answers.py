"""Normalise what a vendor typed in a foreign questionnaire, without guessing.

``NA``, ``N/A`` and ``Not applicable`` are one answer; ``1) Yes`` is a dropdown's numbered option; ``Yes - see
GNRL-08`` is Yes with a remark. Anything that does not start with a recognised answer followed by the end of
the cell or a separator (``Yes wherever possible``, ``We do not disclose``), and a recognised answer that the
vendor qualifies (``Yes, but only on Enterprise``, ``No, planned for Q3``) is not clearly an answer: it is
returned as unclear, with the reason, and the caller keeps it as unparsed for the analyst.

A cell is read as a person sees it: a label ("Privacy Policy", "click here") linked to an address means the
address (``linked_answer``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from riskengine.importers.sheets import cell_text, normal

TOKENS: dict[str, str] = {
    "yes": "Yes", "y": "Yes", "true": "Yes",
    "no": "No", "n": "No", "false": "No",
    "n/a": "N/A", "na": "N/A", "n.a.": "N/A", "n.a": "N/A", "not applicable": "N/A", "does not apply": "N/A",
    "partial": "Partial", "partially": "Partial",
}
"""Answers every foreign questionnaire may use, lowercase -> our canonical token."""

_NUMBERED = re.compile(r"^\s*\(?(\d{1,2})[).:]\s+(.+)$", re.DOTALL)
_DROPDOWN = re.compile(r"^\s*\d{1,2}\)\s+(.+)$", re.DOTALL)
_LEAD = re.compile(r"^(not applicable|does not apply|n\.a\.?|n/a|na|yes|no|true|false|partially|partial|y|n)"
                   r"(?=$|\s*[-\u2013\u2014:;,.(/]|\s+(?:see|refer|please|per|as)\b)(.*)$",
                   re.IGNORECASE | re.DOTALL)
_SEPARATORS = " \t\r\n-\u2013\u2014:;,./"
_QUALIFIED = re.compile(r"^(but|except|only|unless|however|partially|partly|not (yet|always|all)|in progress|"
                        r"planned|pending|soon|in some|for some|depends|it depends|sometimes|mostly|roughly|"
                        r"approximately|limited|if|(where|wherever|when|whenever) (possible|feasible|applicable))\b",
                        re.IGNORECASE)


@dataclass(frozen=True)
class Reading:
    """One answer as read: a canonical token (``Yes``/``No``/``N/A``/``Partial``) or option text, and any remark."""

    value: str
    """The token, or the option text of a numbered choice (``4) AWS`` -> ``AWS``), or '' when unclear."""
    remark: str = ""
    """What followed the answer (``see GNRL-08``)."""
    reason: str = ""
    """Why the answer is unclear; '' when it is clear."""

    @property
    def clear(self) -> bool:
        return not self.reason


def read_answer(text: str, vocabulary: Mapping[str, str] | None = None) -> Reading:
    """Read a cell's text as an answer; ``vocabulary`` (a mapping's ``answers``) adds format-specific words.

    The vocabulary is matched first, on the whole cell (case and spacing ignored).
    """
    whole = normal(text)
    if not whole:
        return Reading("", reason="blank")
    extra = {normal(key): value for key, value in (vocabulary or {}).items()}
    if whole in extra:
        return Reading(extra[whole])
    if whole in TOKENS:
        return Reading(TOKENS[whole])
    numbered = _NUMBERED.match(text.strip())
    if numbered:
        option = " ".join(numbered.group(2).split())
        inner = read_answer(option, vocabulary)
        return inner if inner.clear and inner.value in TOKENS.values() else Reading(option)
    lead = _LEAD.match(text.strip())
    if lead:
        token = extra.get(normal(lead.group(1))) or TOKENS[lead.group(1).lower()]
        remark = " ".join(lead.group(2).strip(_SEPARATORS).split())
        if _QUALIFIED.match(remark):
            return Reading("", remark=remark, reason=f"{token} qualified by the vendor ({remark[:60]!r}): read it "
                                                     "and decide")
        return Reading(token, remark=remark)
    return Reading("", reason="not one of Yes, No, N/A" + (", " + ", ".join(sorted(set(extra))) if extra else ""))


def option_key(text: str) -> str:
    """How an answer is compared with a mapping's ``values`` keys: case, spacing and numbering ignored."""
    numbered = _NUMBERED.match(text.strip())
    return normal(numbered.group(2) if numbered else text)


def option_text(text: str) -> str:
    """A dropdown's numbered option without its number (``4) AWS`` -> ``AWS``); other text unchanged."""
    numbered = _DROPDOWN.match(text)
    return " ".join(numbered.group(1).split()) if numbered else text


_ADDRESS = re.compile(r"(?:[a-z][a-z0-9+.-]*://|mailto:|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
                      r"|\b(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}\b", re.IGNORECASE)
"""A web or mail address, or a bare domain (``inst.bid/privacy``), anywhere in a cell's text."""
_LABEL_WORDS = 6
"""A linked text of more words is the vendor's own answer, not a label for the address."""


def linked_answer(value: Any, link: str) -> tuple[Any, str]:
    """What a cell that links to ``link`` answers, and a note for the analyst on what the cell showed.

    A label ("Privacy Policy", "here", "click here") means the address it links to. Text that shows an address
    itself, an answer (``Yes``) or a sentence of the vendor's own stays the answer; the link is then only noted.
    An empty cell stays empty: its link is a merged range's (``C10:E10``), shown in the range's first cell.
    """
    text = cell_text(value)
    if not link or not text:
        return value, ""
    if _ADDRESS.search(text):
        return value, ""  # the address is in the text: the person reads it there
    if len(text.split()) > _LABEL_WORDS or read_answer(text).clear:
        return value, f"linked to {link}"
    return link, f"shown as {text[:60]!r}"


def linked_text(text: str, link: str) -> str:
    """Free text (a vendor's additional information) with the address its cell links to, where the text does
    not show it: ``Privacy Policy (https://acme.example/privacy)``."""
    if not link or not text or _ADDRESS.search(text):
        return text
    return f"{text} ({link})"
