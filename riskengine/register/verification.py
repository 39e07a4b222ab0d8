"""Is this file a report the register knows, unchanged, and can the register that says so be trusted? ``verify``."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from riskengine.digest import file_sha256
from riskengine.register.approvals import ApprovalStatus, SignOff, approval_status, describe_status
from riskengine.register.errors import CorruptRecordError, RegisterError
from riskengine.register.integrity import ChainReport
from riskengine.register.store import AssessmentRow, RecordedOutput, Register

VerificationOutcome = Literal["verified", "untrusted", "changed", "unknown"]
_ASSESSMENT_ID = re.compile(rb"RA-\d{8}-[0-9A-F]{10}")


class Verification(BaseModel):
    """What ``riskengine verify FILE`` tells: is FILE a report the register knows, and can the register be trusted."""

    model_config = ConfigDict(frozen=True)

    path: str
    sha256: str
    output: RecordedOutput | None
    """The recorded output with the file's sha256; None when the register does not know the file."""
    assessment: AssessmentRow | None = None
    """The output's assessment (None if its row is gone: the chain then says it was deleted)."""
    signoffs: tuple[SignOff, ...] = ()
    status: ApprovalStatus | None = None
    status_text: str = ""
    """``approved (final)``, ``pending (signed: it; waiting for compliance)``, ``not signed``, ..."""
    named: tuple[str, ...] = ()
    """When the file is unknown: the assessments of the register that it names (it was changed after writing)."""
    chain: ChainReport

    @property
    def verified(self) -> bool:
        """The file is a recorded output and the register that says so is intact."""
        return self.output is not None and self.assessment is not None and self.chain.intact

    @property
    def outcome(self) -> VerificationOutcome:
        """``verified``; ``untrusted``: a recorded output, but the register that says so was altered (or its
        assessment's row is gone); ``changed``: not recorded, but it names assessments the register knows (it was
        changed after it was written); ``unknown``: never recorded."""
        if self.output is None:
            return "changed" if self.named else "unknown"
        return "verified" if self.verified else "untrusted"

    @property
    def chain_status(self) -> str:
        """``intact``, or ``register altered: <the first problem>``."""
        return "intact" if self.chain.problem is None else f"register altered: {self.chain.problem}"

    def signed_this_file(self, signoff: SignOff) -> bool:
        """Whether ``signoff`` is bound to this very file (its sha256), not to another report of the assessment."""
        return signoff.report_sha256 == self.sha256


def verify_report(register: Register, report: Path) -> Verification:
    """Verify the file ``report`` against the register, and what the register says of it against the chain.

    The chain check covers the records the answer rests on (``check_records``: the assessment's row, result,
    outputs and sign-offs, and the file's own output record even if deleted), so it stays instant on a large
    register; ``Register.check_chain`` checks everything.

    ``CorruptRecordError`` (naming the assessment) when the file is known but its assessment's recorded rows
    cannot be read as what riskengine wrote.
    """
    sha256 = file_sha256(report)
    output = register.output(sha256)
    if output is None:
        names = sorted({name.decode() for name in _ASSESSMENT_ID.findall(report.read_bytes())})
        named = tuple(name for name in names if register.known_assessment(name))
        # A record of this very file may have been deleted: the chain still names its assessment.
        recorded = register.chained_output(sha256)
        return Verification(path=str(report), sha256=sha256, output=None, named=named,
                            chain=register.check_records([*named, *([recorded] if recorded else [])]))
    assessment = None
    if register.known_assessment(output.assessment_id):
        assessment = register.assessment(output.assessment_id)
        try:
            register.load(output.assessment_id)
        except CorruptRecordError:
            raise
        except RegisterError:
            pass  # the result row is gone: the chain check says it was deleted
    signoffs = tuple(register.signoffs(output.assessment_id))
    status = approval_status(signoffs)
    return Verification(path=str(report), sha256=sha256, output=output, assessment=assessment, signoffs=signoffs,
                        status=status,
                        status_text=f"{describe_status(signoffs)}{' (final)' if status != 'pending' else ''}",
                        chain=register.check_records([output.assessment_id]))
