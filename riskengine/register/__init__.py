"""The register: assessments over time, their outputs' hashes, sign-offs, and what is due for reassessment.

It lives in the riskengine database, shared with the evidence store: a SQLite file (``RISKENGINE_DB`` or the
user's data folder) or a PostgreSQL database named by URL (``riskengine.database``). Imported lazily, like
``riskengine`` itself, so the fast commands stay fast::

    from riskengine.register import Register
    with Register(path_or_url) as register:
        for vendor in register.due(date(2027, 1, 31)):
            print(vendor.name, vendor.reassess_by)
        print(register.check_chain().summary())   # every row hash-chained: does the register prove its history?
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from riskengine.exports import lazy_exports

if TYPE_CHECKING:  # what the lazy exports below give, for type checkers and readers
    from riskengine.register.approvals import ROLES, SignOff, approval_status
    from riskengine.register.diff import AssessmentDiff, diff_assessments
    from riskengine.register.errors import CorruptRecordError, DatabaseError, RegisterError
    from riskengine.register.integrity import ChainProblem, ChainReport
    from riskengine.register.store import (
        AssessmentRow,
        Entry,
        Output,
        RecordedOutput,
        Register,
        VendorRow,
        entry_of,
        run_key,
        vendor_key,
    )
    from riskengine.register.verification import Verification, verify_report


_EXPORTS = {
    "Register": "riskengine.register.store",
    "Output": "riskengine.register.store",
    "Entry": "riskengine.register.store",
    "AssessmentRow": "riskengine.register.store",
    "VendorRow": "riskengine.register.store",
    "RecordedOutput": "riskengine.register.store",
    "entry_of": "riskengine.register.store",
    "run_key": "riskengine.register.store",
    "vendor_key": "riskengine.register.store",
    "SignOff": "riskengine.register.approvals",
    "ROLES": "riskengine.register.approvals",
    "approval_status": "riskengine.register.approvals",
    "diff_assessments": "riskengine.register.diff",
    "AssessmentDiff": "riskengine.register.diff",
    "DatabaseError": "riskengine.register.errors",
    "RegisterError": "riskengine.register.errors",
    "CorruptRecordError": "riskengine.register.errors",
    "ChainReport": "riskengine.register.integrity",
    "ChainProblem": "riskengine.register.integrity",
    "Verification": "riskengine.register.verification",
    "verify_report": "riskengine.register.verification",
}
__all__ = [
    "ROLES",
    "AssessmentDiff",
    "AssessmentRow",
    "ChainProblem",
    "ChainReport",
    "CorruptRecordError",
    "DatabaseError",
    "Entry",
    "Output",
    "RecordedOutput",
    "Register",
    "RegisterError",
    "SignOff",
    "VendorRow",
    "Verification",
    "approval_status",
    "diff_assessments",
    "entry_of",
    "run_key",
    "vendor_key",
    "verify_report",
]


__getattr__ = lazy_exports(__name__, _EXPORTS)
