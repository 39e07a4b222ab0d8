"""An assessment's files: the PDF report and the JSON result rendered, written whole, and recorded in the register;
and a recorded assessment rendered again, for any audience, with its sign-offs.

Every report goes through ``render_report``: ``assess``, ``batch`` and ``render`` draw the same PDF from the same
assessment, its sign-off page filled from whatever the register holds of it. Above both the report and the
register, so that ``riskengine.pipeline`` (the stages) imports neither.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import NamedTuple

from riskengine.assessment import Assessment, assessment_json
from riskengine.atomic import write_bytes_atomically
from riskengine.digest import file_sha256
from riskengine.enrich.evidence import Evidence
from riskengine.enrich.store import EvidenceStore
from riskengine.errors import NotRecordedError
from riskengine.pipeline import Audience
from riskengine.policy import Policy
from riskengine.register.approvals import SignOff
from riskengine.register.errors import DatabaseError, RegisterError
from riskengine.register.store import Entry, Output, Register, entry_of, run_key, run_settings


def render(assessment: Assessment, *, audience: Audience = "full", policy: Policy | None = None,
           signoffs: Sequence[SignOff] = ()) -> tuple[bytes, bytes]:
    """The report's PDF bytes, worded by ``policy`` (default: the shipped one) with ``signoffs`` on its sign-off
    page, and the JSON result's bytes (the JSON is always whole)."""
    from riskengine.report.document import render_pdf  # reportlab: only when a report is rendered

    return render_pdf(assessment, audience=audience, policy=policy, signoffs=signoffs), assessment_json(assessment)


def render_report(assessment: Assessment, register: Register, *, audience: Audience = "full",
                  policy: Policy | None = None) -> bytes:
    """The PDF report of ``assessment`` for ``audience``, its sign-off page filled from ``register``'s sign-offs
    of it (none for an assessment not recorded yet): what ``assess``, ``batch`` and ``render`` write."""
    from riskengine.report.document import render_pdf

    return render_pdf(assessment, audience=audience, policy=policy,
                      signoffs=register.signoffs(assessment.assessment_id))


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
    database that cannot be written after the files are is a ``NotRecordedError`` (exit 2), never the database
    driver's own exception. An assessment recorded before (the same inputs and clock) gets its sign-offs on the report.
    """
    written = write_files(assessment, pdf=pdf, json_path=json_path,
                          signoffs=register.signoffs(assessment.assessment_id), audience=audience, offline=offline,
                          policy=policy)
    record_written(written, register=register, evidence_store=evidence_store, now=now)
    return written.outputs


@dataclass(frozen=True)
class Written:
    """An assessment's two files, written whole, and all the register needs to record them: what ``write_files``
    returns and ``record_written`` records.

    It holds no ``Assessment`` (the entry carries the JSON result), so a batch worker, on another machine perhaps,
    sends it to the one process that records (``riskengine.batch``) cheaply.
    """

    entry: Entry
    outputs: tuple[Output, Output]
    """The PDF's, then the JSON's."""
    evidence_domain: str | None
    evidence: tuple[Evidence, ...]
    """The evidence records the assessment used (``evidence_domain`` None: it used none)."""
    created: dt.datetime

    def at(self, pdf: Path, json_path: Path) -> Written:
        """The same files as this process names them (the paths are resolved again here)."""
        first, second = self.outputs
        return replace(self, outputs=(replace(first, path=str(Path(pdf).resolve())),
                                      replace(second, path=str(Path(json_path).resolve()))))


def write_files(assessment: Assessment, *, pdf: Path, json_path: Path, signoffs: Sequence[SignOff] = (),
                audience: Audience = "full", offline: bool = False, policy: Policy | None = None) -> Written:
    """Render the report (with ``signoffs`` on its sign-off page) and the JSON result, write each whole, and return
    what ``record_written`` needs; nothing is recorded yet. ``offline`` goes into the run key, as for ``batch``."""
    from riskengine.report.document import render_pdf

    pdf_bytes = render_pdf(assessment, audience=audience, policy=policy, signoffs=signoffs)
    json_bytes = assessment_json(assessment)
    write_bytes_atomically(pdf, pdf_bytes)
    write_bytes_atomically(json_path, json_bytes)
    outputs = (Output.of("pdf", pdf, pdf_bytes, audience), Output.of("json", json_path, json_bytes, audience))
    key = run_key(((item.role, item.sha256) for item in assessment.inputs),
                  run_settings(offline=offline, audience=audience))
    evidence = assessment.evidence
    return Written(entry=entry_of(assessment, run_key=key, result=json_bytes), outputs=outputs,
                   evidence_domain=evidence.domain if evidence is not None else None,
                   evidence=evidence.records if evidence is not None else (), created=assessment.created)


def record_written(written: Written, *, register: Register, evidence_store: EvidenceStore | None,
                   now: dt.datetime) -> None:
    """Record files ``write_files`` wrote: the evidence used (for ``--replay``), then the assessment with its outputs'
    sha256 in one transaction. Recording the same assessment again adds no second row. ``NotRecordedError`` when
    the database cannot be written (the files are whole; only the record is missing)."""
    entry = written.entry
    pdf, json_path = (output.path for output in written.outputs)
    try:
        if evidence_store is not None and written.evidence_domain is not None:
            evidence_store.record_run(entry.assessment_id, written.evidence_domain, written.created, written.evidence)
        register.record_entries([(entry, written.outputs)], now=now)
    except DatabaseError as exc:  # the files are whole; only the record is missing: say so
        raise NotRecordedError(
            f"wrote {pdf} and {json_path}, but could not record {entry.assessment_id} in the register: "
            f"{exc}. The register does not know these files (verify will not find them): assess "
            "again once the register can be written") from exc


def recorded_assessment(register: Register, assessment_id: str) -> Assessment:
    """The assessment ``register`` recorded as ``assessment_id``, from its stored result, once the chain vouches
    for its records: a register changed outside riskengine is never rendered from.

    ``RegisterError`` for an unknown id or altered records; ``CorruptRecordError`` for a result that cannot be read.
    """
    assessment = register.load(assessment_id)
    chain = register.check_records([assessment_id])
    if not chain.intact:
        raise RegisterError(f"the register {register.path} was altered: {chain.problem}; its record of "
                            f"{assessment_id} cannot be trusted (run 'riskengine register check')")
    return assessment


def result_assessment(register: Register, result: Path) -> Assessment:
    """The recorded assessment whose JSON result is the file ``result``: found by the file's sha256 among the
    register's recorded JSON outputs, and loaded from the register, never from the file.

    ``RegisterError`` when the register does not know the file (it was changed after it was written, or comes
    from another register) or knows it as a PDF report, not a JSON result.
    """
    sha256 = file_sha256(result)
    output = register.output(sha256)
    if output is None:
        raise RegisterError(f"{result} is not a JSON result the register {register.path} recorded (sha256 "
                            f"{sha256[:16]}…): it was changed after it was written, or comes from another "
                            "register; render from the assessment id or from the file as riskengine wrote it")
    if output.kind != "json":
        raise RegisterError(f"{result} is the recorded {output.kind.upper()} of {output.assessment_id}, not its JSON "
                            f"result: render {output.assessment_id} (its id) instead")
    return recorded_assessment(register, output.assessment_id)


class PolicyDifference(NamedTuple):
    """The digests of two policies: the one an assessment was judged by and the one rendering it now."""

    judged: str
    rendering: str


def policy_difference(assessment: Assessment, policy: Policy) -> PolicyDifference | None:
    """The two digests when ``policy`` is not the policy ``assessment`` was judged by (its wording, glossary and
    scorecard may then differ from those of the first report; its figures are the assessment's), else None."""
    judged = next((item.sha256 for item in assessment.inputs if item.role == "policy"), None)
    if judged is None or judged == policy.digest:
        return None
    return PolicyDifference(judged=judged, rendering=policy.digest)


def write_rendering(assessment: Assessment, *, pdf: Path, register: Register, now: dt.datetime,
                    audience: Audience = "full", policy: Policy | None = None) -> Output:
    """Render the recorded ``assessment``'s report for ``audience`` (with its sign-offs), write it whole, and
    record it as one more output of the same assessment, so ``verify`` knows it and ``approve`` can bind to it.

    ``now`` is when it is recorded. ``RegisterError`` when the register does not hold the assessment (nothing is
    written then); ``NotRecordedError`` (exit 2) when the file is written but the register cannot record it.
    """
    register.assessment(assessment.assessment_id)
    data = render_report(assessment, register, audience=audience, policy=policy)
    return _record_rendering(assessment, pdf, data, register=register, now=now, audience=audience)


def keep_rendering(assessment: Assessment, *, folder: Path, register: Register, now: dt.datetime,
                   audience: Audience = "full", policy: Policy | None = None) -> Output:
    """As ``write_rendering``, the file named by its sha256 in ``folder`` (``<sha256>.pdf``): each rendering is
    kept apart, so the exact report a sign-off names can always be fetched again (the web app's renderings)."""
    import hashlib

    register.assessment(assessment.assessment_id)
    data = render_report(assessment, register, audience=audience, policy=policy)
    pdf = folder / f"{hashlib.sha256(data).hexdigest()}.pdf"
    return _record_rendering(assessment, pdf, data, register=register, now=now, audience=audience)


def _record_rendering(assessment: Assessment, pdf: Path, data: bytes, *, register: Register, now: dt.datetime,
                      audience: Audience) -> Output:
    write_bytes_atomically(pdf, data)
    output = Output.of("pdf", pdf, data, audience)
    try:
        register.record_output(assessment.assessment_id, output, now=now)
    except DatabaseError as exc:
        raise NotRecordedError(
            f"wrote {pdf}, but could not record it in the register: {exc}. The register does not "
            "know this file (verify will not find it): render again once the register can be written") from exc
    return output
