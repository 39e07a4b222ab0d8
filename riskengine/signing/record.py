"""The approval record: what a digitally signed report vouches for, embedded in the PDF as a file attachment
(``riskengine-approval.json``) inside the bytes the signature covers, so that ``verify`` reads it without the
register.

It names the assessment (id, vendor, decision, tier, residual), the outcome of the sign-offs (approved or rejected,
final when), each sign-off with how it was made (the web app's account, the user's key with its certificate and
signature over ``signoff_statement``, or a name typed on the command line), the inputs' sha256, the sha256 of the
JSON result the register holds, and the register's chain head when the report was issued (a register rewritten
since no longer holds it).
"""

from __future__ import annotations

import hashlib
from typing import Literal

from pydantic import BaseModel, ConfigDict

from riskengine.register.approvals import Role, SignOff, SignOffDecision, approval_status, final_signoff
from riskengine.register.store import Register

RECORD_FORMAT = "riskengine-approval/1"
RECORD_NAME = "riskengine-approval.json"
"""The attachment's file name in the signed PDF."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class RecordedInput(_Frozen):
    role: str
    name: str
    sha256: str


class RecordedSignOff(_Frozen):
    """One sign-off as the register holds it, with how it was made."""

    role: Role
    decision: SignOffDecision
    signed_by: str
    signed_at: str
    note: str
    report_sha256: str
    """The sha256 of the report rendering the role signed (the register's record of it)."""
    report_audience: str
    proof: Literal["account", "key", "name"]
    """``account``: signed in the web app as ``subject``; ``key``: signed with the user's key, ``subject`` its
    certificate's SHA-256 fingerprint, ``certificate`` (PEM) and ``signature`` (hex, over the sign-off's
    statement); ``name``: a name typed on the command line, not proven."""
    subject: str = ""
    certificate: str = ""
    signature: str = ""

    @classmethod
    def of(cls, signoff: SignOff) -> RecordedSignOff:
        proof = signoff.proof
        return cls(role=signoff.role, decision=signoff.decision, signed_by=signoff.signed_by,
                   signed_at=signoff.signed_at, note=signoff.note, report_sha256=signoff.report_sha256,
                   report_audience=signoff.report_audience, proof=proof.method if proof else "name",
                   subject=proof.subject if proof else "", certificate=proof.certificate if proof else "",
                   signature=proof.signature if proof else "")

    def as_signoff(self, assessment_id: str) -> SignOff:
        """The sign-off this record holds (its statement is what a user's key signed)."""
        from riskengine.register.approvals import SignOffProof

        proof = None if self.proof == "name" else SignOffProof(self.proof, self.subject, self.certificate,
                                                               self.signature)
        return SignOff(assessment_id=assessment_id, report_sha256=self.report_sha256, role=self.role,
                       signed_by=self.signed_by, decision=self.decision, note=self.note, signed_at=self.signed_at,
                       report_audience=self.report_audience, proof=proof)


class ApprovalRecord(_Frozen):
    """What a signed report vouches for; its JSON is embedded in the PDF (``RECORD_NAME``)."""

    format: Literal["riskengine-approval/1"] = "riskengine-approval/1"
    assessment_id: str
    vendor: str
    domain: str
    product: str
    assessed: str
    """The assessment's time (ISO)."""
    decision: str
    tier: str
    residual: float
    status: Literal["approved", "rejected"]
    final_at: str
    """When the sign-off that made it final was given."""
    audience: str
    """The audience of this signed report."""
    signoffs: tuple[RecordedSignOff, ...]
    inputs: tuple[RecordedInput, ...]
    result_sha256: str
    """sha256 of the JSON result the register holds for the assessment."""
    register_head: str
    """The register's chain head when the report was issued."""
    issued_at: str

    def json_bytes(self) -> bytes:
        """The attachment's bytes: the model's JSON, keys in model order, two-space indented, UTF-8."""
        return self.model_dump_json(indent=2).encode("utf-8") + b"\n"


def approval_record(register: Register, assessment_id: str, *, audience: str, issued_at: str) -> ApprovalRecord:
    """The approval record of ``assessment_id`` from ``register``: its sign-offs (final: ``SigningError``
    otherwise), inputs and result. The caller has checked the register's chain for the assessment."""
    from riskengine.signing.errors import SigningError

    row = register.assessment(assessment_id)
    signoffs = register.signoffs(assessment_id)
    status = approval_status(signoffs)
    final = final_signoff(signoffs)
    if status == "pending" or final is None:
        raise SigningError(f"{assessment_id} is not final yet ({len(signoffs)} of 3 sign-offs, none rejecting): a "
                           "signed report is issued once the decision is final")
    assessment = register.load(assessment_id)
    _, head = register.head()
    return ApprovalRecord(
        assessment_id=assessment_id, vendor=row.vendor_name, domain=row.domain, product=row.product,
        assessed=row.created, decision=row.decision, tier=row.tier, residual=row.residual, status=status,
        final_at=final.signed_at, audience=audience, signoffs=tuple(RecordedSignOff.of(s) for s in signoffs),
        inputs=tuple(RecordedInput(role=item.role, name=item.name, sha256=item.sha256)
                     for item in sorted(assessment.inputs, key=lambda item: (item.role, item.name))),
        result_sha256=hashlib.sha256(register.result(assessment_id)).hexdigest(), register_head=head,
        issued_at=issued_at)
