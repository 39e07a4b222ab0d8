"""Issue an assessment's approved (or rejected) report as a PDF digitally signed with the organisation's key, once
its decision is final: rendered with its sign-offs and a word on its signature, the approval record attached,
signed (``seal``), written whole and recorded in the register as one more output of the assessment."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from riskengine.signing.record import ApprovalRecord, approval_record

if TYPE_CHECKING:
    from riskengine.policy import Policy
    from riskengine.register.store import Register
    from riskengine.settings import SigningSettings


@dataclass(frozen=True)
class IssuedReport:
    """A signed report written and recorded: where, its sha256, who signed it and what it vouches for."""

    path: Path
    sha256: str
    signer: str
    fingerprint: str
    record: ApprovalRecord
    timestamped: bool


def signed_report_name(assessment_id: str) -> str:
    """The signed report's file name: ``RA-...-signed.pdf``."""
    return f"{assessment_id}-signed.pdf"


def issue_signed_report(register: Register, assessment_id: str, *, signing: SigningSettings, pdf: Path,
                        now: dt.datetime, audience: str = "full", policy: Policy | None = None) -> IssuedReport:
    """Render, sign and write ``assessment_id``'s report for ``audience`` to ``pdf``, and record it.

    ``SigningError`` when no key is configured, the decision is not final, or signing fails; ``SigningKeyError``
    for a key or certificate that cannot be read; ``RegisterError`` when the register's records of the
    assessment were altered (nothing is signed from an altered register). Nothing is written on any error.
    """
    from riskengine.atomic import write_bytes_atomically
    from riskengine.outputs import recorded_assessment
    from riskengine.register.approvals import Seal
    from riskengine.register.store import Output
    from riskengine.report.document import render_pdf
    from riskengine.signing.errors import SigningError
    from riskengine.signing.keys import common_name, fingerprint, load_key
    from riskengine.signing.seal import Timestamping, seal_pdf

    if signing.key is None:
        raise SigningError("no signing key is configured: run 'riskengine keys init' and name the key and its "
                           "certificate in riskengine.toml ([signing] key, certificate): docs/signing.md")
    key = load_key(signing.key, signing.certificate)
    assessment = recorded_assessment(register, assessment_id)  # the chain vouches for its records first
    issued_at = now.astimezone(dt.UTC).replace(microsecond=0).isoformat()
    record = approval_record(register, assessment_id, audience=audience, issued_at=issued_at)
    signer, print_ = common_name(key.certificate), fingerprint(key.certificate)
    rendered = render_pdf(assessment, audience=audience, policy=policy, signoffs=register.signoffs(assessment_id),
                          seal=Seal(signer=signer, fingerprint=print_, signed_at=issued_at))
    timestamping = Timestamping(signing.timestamp_url) if signing.timestamp_url else None
    signed = seal_pdf(rendered, record, key, now=now, timestamping=timestamping)
    write_bytes_atomically(pdf, signed)
    output = Output.of("pdf", pdf, signed, audience)
    register.record_output(assessment_id, output, now=now)
    return IssuedReport(path=pdf, sha256=output.sha256, signer=signer, fingerprint=print_, record=record,
                        timestamped=timestamping is not None)
