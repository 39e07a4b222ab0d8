"""The register: assessments over time, their outputs' hashes, sign-offs, and what is due for reassessment.

It lives in the riskengine database (SQLite, the same file as the evidence store: ``RISKENGINE_DB`` or the
user's data folder). Imported lazily, like ``riskengine`` itself, so the fast commands stay fast::

    from riskengine.register import Register
    with Register(path) as register:
        for vendor in register.due(date(2027, 1, 31)):
            print(vendor.name, vendor.reassess_by)
        print(register.check_chain().summary())   # every row hash-chained: does the register prove its history?
"""

from __future__ import annotations

from riskengine.exports import lazy_exports

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
    "Verification": "riskengine.register.integrity",
    "verify_report": "riskengine.register.integrity",
}
__all__ = sorted(_EXPORTS)


__getattr__ = lazy_exports(__name__, _EXPORTS)
