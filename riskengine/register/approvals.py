"""Who may sign an assessment off, and when its approval is final: the governance council's rules as code.

IT, marketing and compliance each sign (approve or reject), in any order. So:

- a **reject** by any role is final at once: the assessment is rejected (compliance's final word is its veto);
- the approval is final when all three roles have approved;
- until then the assessment is pending;
- each role signs once, and nothing is signed after the outcome is final: a new assessment is the way to
  reconsider.

Every sign-off names the sha256 of the exact report it approves.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

Role = Literal["it", "marketing", "compliance"]
SignOffDecision = Literal["approve", "reject"]
ApprovalStatus = Literal["pending", "approved", "rejected"]
ROLES: tuple[Role, ...] = ("it", "marketing", "compliance")
PAST: dict[SignOffDecision, str] = {"approve": "approved", "reject": "rejected"}


ProofMethod = Literal["account", "key"]


@dataclass(frozen=True, slots=True)
class SignOffProof:
    """Who made a sign-off, beyond the name it gives: ``account``, the web app's signed-in account (``subject`` its
    user name); ``key``, the user's own key (``riskengine keys init --user``): ``certificate`` its X.509 certificate
    (PEM), ``signature`` its signature (hex) over ``signoff_statement``, ``subject`` the certificate's SHA-256
    fingerprint. A sign-off with no proof gave a name typed on the command line (``approve --by``)."""

    method: ProofMethod
    subject: str
    certificate: str = ""
    signature: str = ""


@dataclass(frozen=True, slots=True)
class SignOff:
    assessment_id: str
    report_sha256: str
    role: Role
    signed_by: str
    decision: SignOffDecision
    note: str
    signed_at: str
    """ISO time of the sign-off (the command's clock)."""
    report_audience: str = ""
    """The audience of the report signed (``full``, ``it``, ``marketing``, ``compliance``): not a column of the
    sign-off but of the report's recorded output, filled when the register reads the sign-off."""
    proof: SignOffProof | None = None
    """Who made it (``signoff_proofs``), None for a name typed on the command line."""


@dataclass(frozen=True, slots=True)
class Seal:
    """What the sign-off page of a report issued digitally signed says of its signature (``riskengine.signing``):
    who signs it (the certificate's name and SHA-256 fingerprint) and when."""

    signer: str
    fingerprint: str
    signed_at: str
    """ISO time of the signature (the command's clock)."""


def signoff_statement(signoff: SignOff) -> bytes:
    """What a user's key signs for a sign-off: the canonical JSON (sorted keys, no whitespace, ASCII) of the
    assessment, the role, the decision, who, when, the note and the sha256 of the report signed."""
    return json.dumps({"assessment_id": signoff.assessment_id, "decision": signoff.decision, "note": signoff.note,
                       "report_sha256": signoff.report_sha256, "role": signoff.role, "signed_at": signoff.signed_at,
                       "signed_by": signoff.signed_by}, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=True).encode("ascii")


def approval_status(signoffs: Sequence[SignOff]) -> ApprovalStatus:
    """``rejected`` if any role rejected, ``approved`` once every role approved, else ``pending``."""
    if any(signoff.decision == "reject" for signoff in signoffs):
        return "rejected"
    if {signoff.role for signoff in signoffs if signoff.decision == "approve"} >= set(ROLES):
        return "approved"
    return "pending"


def final_signoff(signoffs: Sequence[SignOff]) -> SignOff | None:
    """The sign-off that made the outcome final (the reject, or the last of the three approvals), if it is."""
    status = approval_status(signoffs)
    if status == "rejected":
        return next(signoff for signoff in signoffs if signoff.decision == "reject")
    return signoffs[-1] if status == "approved" else None


def missing_roles(signoffs: Sequence[SignOff]) -> tuple[Role, ...]:
    """The roles that have not signed, in council order."""
    signed = {signoff.role for signoff in signoffs}
    return tuple(role for role in ROLES if role not in signed)


def signoff_refusal(signoffs: Sequence[SignOff], role: Role) -> str | None:
    """Why ``role`` may not sign now (the outcome is final, or it has signed already), or None if it may."""
    status = approval_status(signoffs)
    final = final_signoff(signoffs)
    if final is not None:
        return (f"already {status}: {final.role} {PAST[final.decision]} by {final.signed_by} on "
                f"{final.signed_at[:10]}; a sign-off after the final one is not possible "
                "(assess the vendor again to reconsider)")
    for signoff in signoffs:
        if signoff.role == role:
            return (f"{role} has already signed off ({signoff.decision} by {signoff.signed_by} on "
                    f"{signoff.signed_at[:10]}); each role signs once")
    return None


def describe_status(signoffs: Sequence[SignOff]) -> str:
    """One phrase for listings: ``approved``, ``rejected by it``, ``pending (signed: it; waiting: compliance)``."""
    status = approval_status(signoffs)
    if status == "rejected":
        roles = ", ".join(s.role for s in signoffs if s.decision == "reject")
        return f"rejected by {roles}"
    if status == "approved":
        return "approved"
    if not signoffs:
        return "not signed"
    signed = ", ".join(s.role for s in signoffs)
    return f"pending (signed: {signed}; waiting for {', '.join(missing_roles(signoffs))})"
