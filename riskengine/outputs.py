"""An assessment's files: the PDF report and the JSON result rendered, written whole, and recorded in the register.

Above both the report and the register, so that ``riskengine.pipeline`` (the stages) imports neither.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from riskengine.assessment import Assessment, assessment_json
from riskengine.atomic import write_bytes_atomically
from riskengine.enrich.store import EvidenceStore
from riskengine.errors import NotRecordedError
from riskengine.pipeline import Audience
from riskengine.policy import Policy
from riskengine.register.errors import DatabaseError
from riskengine.register.store import Output, Register, run_key, run_settings


def render(assessment: Assessment, *, audience: Audience = "full",
           policy: Policy | None = None) -> tuple[bytes, bytes]:
    """The report's PDF bytes, worded by ``policy`` (default: the shipped one), and the JSON result's bytes (the
    JSON is always whole)."""
    from riskengine.report.document import render_pdf  # reportlab: only when a report is rendered

    return render_pdf(assessment, audience=audience, policy=policy), assessment_json(assessment)


def write_outputs(assessment: Assessment, *, pdf: Path | None, json_path: Path | None,
                  audience: Audience = "full", policy: Policy | None = None) -> None:
    """Render everything first, then write each file to a temporary name and rename it into place."""
    pdf_bytes, json_bytes = render(assessment, audience=audience, policy=policy)
    for path, data in ((pdf, pdf_bytes), (json_path, json_bytes)):
        if path is not None:
            write_bytes_atomically(path, data)


def write_and_record(assessment: Assessment, *, pdf: Path, json_path: Path, register: Register,
                     evidence_store: EvidenceStore | None, now: dt.datetime, audience: Audience = "full",
                     offline: bool = False, policy: Policy | None = None) -> tuple[Output, Output]:
    """Render, write the PDF and the JSON (each whole or not at all), then record the run in the register.

    The evidence the assessment used is recorded first (for ``--replay``), then the assessment with its
    outputs' sha256 in one transaction, so a register row always means both files were fully in place.
    ``now`` is when it is recorded (the command's clock, not the assessment's). Returns the two outputs. A
    database that cannot be written after the files are is a ``NotRecordedError`` (exit 2), never SQLite's own
    exception.
    """
    pdf_bytes, json_bytes = render(assessment, audience=audience, policy=policy)
    write_bytes_atomically(pdf, pdf_bytes)
    write_bytes_atomically(json_path, json_bytes)
    outputs = (Output.of("pdf", pdf, pdf_bytes, audience), Output.of("json", json_path, json_bytes, audience))
    key = run_key(((item.role, item.sha256) for item in assessment.inputs),
                  run_settings(offline=offline, audience=audience))
    try:
        if evidence_store is not None and assessment.evidence is not None:
            evidence_store.record_run(assessment.assessment_id, assessment.evidence.domain, assessment.created,
                                      assessment.evidence.items)
        register.record(assessment, outputs=outputs, run_key=key, result=json_bytes, now=now)
    except (sqlite3.Error, DatabaseError) as exc:  # the files are whole; only the record is missing: say so
        raise NotRecordedError(
            f"wrote {pdf} and {json_path}, but could not record {assessment.assessment_id} in the register "
            f"{register.path}: {exc}. The register does not know these files (verify will not find them): assess "
            "again once the register can be written") from exc
    return outputs
