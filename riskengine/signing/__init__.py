"""Signed approvals: the organisation's key signs an assessment's report once its decision is final (PAdES, by
pyHanko), with the sign-offs and the inputs' sha256 inside; anyone holding the public certificate checks it, with
or without the register. See docs/signing.md.

    keys     create the organisation's key and self-signed certificate, or a user's own key; load either (PEM,
             PKCS#12); sign and check a sign-off's statement with a user's key
    record   the approval record embedded in the signed PDF
    seal     sign a rendered report (attach the record, sign, optionally time-stamp)
    issue    render, sign, write and record an assessment's signed report
    check    verify a signed report alone, then beside a register

pyHanko and cryptography are imported only when a report is signed or checked: ``pip install 'riskengine[sign]'``.
"""
