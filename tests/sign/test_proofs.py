"""Who made a sign-off is kept beside it (``signoff_proofs``, register version 3) and chained, on SQLite and on
PostgreSQL; a proof changed outside riskengine breaks the chain like the sign-off would."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from riskengine.register.approvals import SignOff, SignOffProof
from riskengine.register.store import Register
from tests.databases import tamper
from tests.register.conftest import entry, pdf_output

NOW = dt.datetime(2026, 11, 24, 9, tzinfo=dt.UTC)
ID = "RA-20261124-0000000001"


def test_a_proof_is_recorded_with_its_sign_off_and_chained(db: Path | str) -> None:
    with Register(db) as register:
        register.record_entries([(entry(ID, created=NOW), [pdf_output(ID)])], now=NOW)
        seen: list[SignOff] = []

        def prove(signoff: SignOff) -> SignOffProof:
            seen.append(signoff)
            return SignOffProof("account", "ada")

        signed = register.sign(ID, role="it", signed_by="Ada Admin", decision="approve", now=NOW, prove=prove)
        register.sign(ID, role="marketing", signed_by="Mia Marketer", decision="approve", now=NOW)
        assert signed.proof == SignOffProof("account", "ada")
        assert [(s.role, s.proof) for s in register.signoffs(ID)] == [
            ("it", SignOffProof("account", "ada", "", "")), ("marketing", None)]
        assert seen[0].report_sha256 == pdf_output(ID).sha256  # the proof sees the bound report
        report = register.check_chain()
    assert report.intact, report.problem
    assert report.tables["signoff_proofs"] == 1
    assert report.summary().endswith(f"1 signoff_proofs), head {report.head}")
    tamper(db, "UPDATE signoff_proofs SET subject = 'mallory'")
    with Register(db) as register:
        problem = register.check_chain().problem
    assert problem is not None and problem.table == "signoff_proofs"
    assert "changed since it was recorded: subject (now 'mallory')" in problem.detail
