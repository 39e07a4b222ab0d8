"""A vendor's assessments over time, found by what a person types, and what changed between two of them.

What ``riskengine history`` shows, as Python calls::

    from riskengine.register.history import diff_selection, vendor_history
    with Register(path) as register:
        listing = vendor_history(register, "northwind")          # a domain, a name, a part of one, or an id
        changes = diff_selection(register, ["northwind"])        # its latest two assessments
        changes = diff_selection(register, ["RA-...", "RA-..."])  # any two

Like the store, this module imports no pydantic until a diff is asked for: ``history`` answers at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NoReturn

from riskengine.register.approvals import SignOff
from riskengine.register.store import AssessmentRow, Register, VendorRow

if TYPE_CHECKING:
    from riskengine.register.diff import AssessmentDiff

ASSESSMENT_PREFIX = "RA-"
SHOWN_MATCHES = 10
"""How many vendors an ambiguous name lists."""


@dataclass(frozen=True, slots=True)
class VendorHistory:
    """One vendor's assessments, oldest first, each with its sign-offs in the order they were given."""

    vendor: VendorRow
    assessments: tuple[AssessmentRow, ...]
    signoffs: dict[str, list[SignOff]]
    """Assessment id -> its sign-offs (an assessment no one signed is absent)."""


@dataclass(frozen=True, slots=True)
class VendorDiff:
    """What changed from ``changes.older`` to ``changes.newer``, and the vendor's name as the newer one gives it."""

    vendor_name: str
    changes: AssessmentDiff


def find_vendor(register: Register, text: str) -> VendorRow:
    """The one vendor ``text`` names: a domain, a legal name or a product (any case; a part of one if nothing
    matches exactly), or one of the vendor's assessment ids.

    ``RegisterError`` when no vendor matches, or several do (naming the first ten, so the caller can choose).
    """
    if text.startswith(ASSESSMENT_PREFIX) and register.known_assessment(text):
        text = register.assessment(text).vendor_key
    vendors = register.find_vendors(text)
    if not vendors:
        _refuse(f"no vendor matching {text!r} in the register {register.path}")
    if len(vendors) > 1:
        names = "; ".join(f"{vendor.name} ({vendor.domain or vendor.vendor_key})" for vendor in vendors[:SHOWN_MATCHES])
        _refuse(f"{text!r} matches {len(vendors)} vendors: {names}; give the domain")
    return vendors[0]


def vendor_history(register: Register, text: str) -> VendorHistory:
    """The assessments of the vendor ``text`` names (see ``find_vendor``), oldest first, with their sign-offs."""
    vendor = find_vendor(register, text)
    rows = register.history(vendor.vendor_key)
    return VendorHistory(vendor=vendor, assessments=tuple(rows),
                         signoffs=register.signoffs_of([row.assessment_id for row in rows]))


def diff_pair(register: Register, selection: Sequence[str]) -> tuple[str, str]:
    """The (older, newer) assessment ids a selection asks to compare.

    - two assessment ids: those two, as given (each must be in the register);
    - one assessment id: the vendor's assessment just before it, and it;
    - one vendor (as ``find_vendor`` reads it): its latest two.

    ``RegisterError`` when an id is unknown, or there is nothing to compare with; ``ValueError`` for a selection
    of another length.
    """
    if len(selection) == 2:
        first, second = selection
        register.assessment(first)
        register.assessment(second)
        return first, second
    if len(selection) != 1:
        raise ValueError(f"a diff takes one or two names or ids, got {len(selection)}")
    (text,) = selection
    if register.known_assessment(text):
        previous = register.previous(text)
        if previous is None:
            _refuse(f"{text} is the first assessment of its vendor: nothing to compare it with")
        return previous.assessment_id, text
    rows = register.history(find_vendor(register, text).vendor_key)
    if len(rows) < 2:
        _refuse(f"{text}: only one assessment in the register, nothing to compare it with")
    return rows[-2].assessment_id, rows[-1].assessment_id


def diff_selection(register: Register, selection: Sequence[str]) -> VendorDiff:
    """What changed between the two assessments ``selection`` picks (``diff_pair``), from their recorded results."""
    from riskengine.register.diff import diff_assessments

    older_id, newer_id = diff_pair(register, selection)
    older, newer = register.load(older_id), register.load(newer_id)
    return VendorDiff(vendor_name=newer.vendor.legal_name, changes=diff_assessments(older, newer))


def _refuse(message: str) -> NoReturn:
    from riskengine.register.errors import RegisterError

    raise RegisterError(message)
