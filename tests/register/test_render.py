"""render: one recorded assessment, a report for each reader, each recorded and verifiable under the same id;
sign-offs bound to any of them and shown on the report rendered after them; a result the register does not know
is refused. The commands run in this process (click's runner) against a real register; one assessment per module.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import shutil
import zlib
from collections.abc import Callable
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner, Result

from riskengine.cli import main
from riskengine.digest import file_sha256
from riskengine.outputs import write_and_record
from riskengine.register.errors import RegisterError
from riskengine.register.store import Output, Register
from riskengine.register.verification import verify_report
from tests.conftest import EPOCH, NOW, ROOT, SAMPLES
from tests.databases import Databases, tamper
from tests.register.conftest import entry, pdf_output

AUDIENCES = ("full", "compliance", "it", "marketing")


def run(db: Path | str, *args: str, epoch: str = EPOCH) -> Result:
    """A riskengine command against the register at ``db``, in this process, offline, with a fixed clock."""
    return CliRunner().invoke(main, [*args, "--db", str(db)],
                              env={"SOURCE_DATE_EPOCH": epoch, "RISKENGINE_OFFLINE": "1", "RISKENGINE_DB": ""})


class Assessed:
    def __init__(self, folder: Path, db: Path | str) -> None:
        self.folder, self.db = folder, db
        self.result = folder / "assessed.json"
        self.assessment_id = ""


@pytest.fixture(scope="module")
def assessed(tmp_path_factory: pytest.TempPathFactory, databases: Databases) -> Assessed:
    """PixelPath assessed once (full report), then rendered for every audience from its id."""
    state = Assessed(tmp_path_factory.mktemp("render"), databases.new())
    done = run(state.db, "assess", str(SAMPLES / "pixelpath-analytics.xlsx"), "--offline",
               "-o", str(state.folder / "assessed.pdf"))
    assert done.exit_code == 0, done.output
    state.assessment_id = json.loads(state.result.read_text())["assessment_id"]
    for audience in AUDIENCES:
        rendered = run(state.db, "render", state.assessment_id, "--audience", audience,
                       "-o", str(state.folder / f"{audience}.pdf"))
        assert rendered.exit_code == 0, rendered.output
        assert rendered.stdout.startswith(f"wrote {state.folder / f'{audience}.pdf'}: the report of "
                                          f"{state.assessment_id} for {audience} (sha256 ")
        assert rendered.stderr == ""  # judged and worded by the same (shipped) policy: no warning
    return state


def test_every_audience_verifies_against_the_same_assessment(assessed: Assessed) -> None:
    with Register(assessed.db) as register:
        for audience in AUDIENCES:
            path = assessed.folder / f"{audience}.pdf"
            verification = verify_report(register, path)
            assert verification.verified, audience
            assert verification.output is not None
            assert (verification.output.assessment_id, verification.output.audience, verification.output.kind) == \
                (assessed.assessment_id, audience, "pdf")
        recorded = {(output.kind, output.audience) for output in register.outputs(assessed.assessment_id)}
    assert recorded == {("json", "full"), *(("pdf", audience) for audience in AUDIENCES)}
    shown = run(assessed.db, "verify", str(assessed.folder / "marketing.pdf"))
    assert shown.exit_code == 0, shown.output
    assert shown.stdout.splitlines()[0] == (f"{assessed.folder / 'marketing.pdf'}: verified: the PDF (audience "
                                            f"marketing) of {assessed.assessment_id}, unchanged")


def test_the_full_rendering_is_the_report_assess_wrote(assessed: Assessed) -> None:
    """One path for both: ``assess`` and ``render`` draw the same bytes from the same assessment."""
    assert (assessed.folder / "full.pdf").read_bytes() == (assessed.folder / "assessed.pdf").read_bytes()


def test_a_recorded_result_renders_the_same_report_as_its_id(assessed: Assessed, tmp_path: Path) -> None:
    rendered = run(assessed.db, "render", str(assessed.result), "--audience", "it", "-o", str(tmp_path / "it.pdf"))
    assert rendered.exit_code == 0, rendered.output
    assert (tmp_path / "it.pdf").read_bytes() == (assessed.folder / "it.pdf").read_bytes()


def test_a_result_changed_by_one_byte_is_refused(assessed: Assessed, tmp_path: Path) -> None:
    data = bytearray(assessed.result.read_bytes())
    where = data.index(b'"residual"') + 12  # a figure's digit: the file still parses, its score is not ours
    data[where] = ord("9") if data[where] != ord("9") else ord("8")
    changed = tmp_path / "changed.json"
    changed.write_bytes(bytes(data))
    json.loads(changed.read_text())
    refused = run(assessed.db, "render", str(changed), "-o", str(tmp_path / "r.pdf"))
    assert refused.exit_code == 2
    assert (f"error: {changed} is not a JSON result the register {assessed.db} recorded (sha256 "
            f"{hashlib.sha256(data).hexdigest()[:16]}…): it was changed after it was written, or comes from another "
            "register") in refused.stderr
    assert not (tmp_path / "r.pdf").exists()


def test_a_report_or_an_unknown_id_is_not_a_source(assessed: Assessed, tmp_path: Path) -> None:
    pdf = run(assessed.db, "render", str(assessed.folder / "it.pdf"), "-o", str(tmp_path / "r.pdf"))
    assert pdf.exit_code == 2
    assert f"is the recorded PDF of {assessed.assessment_id}, not its JSON result" in pdf.stderr
    unknown = run(assessed.db, "render", "RA-20261124-0000000000", "-o", str(tmp_path / "r.pdf"))
    assert unknown.exit_code == 2 and "no assessment RA-20261124-0000000000 in the register" in unknown.stderr
    neither = run(assessed.db, "render", "northwind", "-o", str(tmp_path / "r.pdf"))
    assert neither.exit_code == 2 and "neither a JSON result that exists nor an assessment id" in neither.stderr
    assert list(tmp_path.iterdir()) == []


def test_an_altered_register_is_never_rendered_from(assessed: Assessed, tmp_path: Path,
        copy_database: Callable[[Path | str], Path | str]) -> None:
    """A result changed behind riskengine's back (the triggers dropped) would make a report of figures no one
    assessed: the chain refuses it before anything is written."""
    db = copy_database(assessed.db)
    tamper(db, "UPDATE results SET body = :body", parameters={"body": zlib.compress(
        assessed.result.read_bytes().replace(b'"tier": "high"', b'"tier": "low"'))})
    refused = run(db, "render", assessed.assessment_id, "-o", str(tmp_path / "r.pdf"))
    assert refused.exit_code == 2
    assert f"error: the register {db} was altered: results {assessed.assessment_id}" in refused.stderr
    assert f"its record of {assessed.assessment_id} cannot be trusted" in refused.stderr
    assert not (tmp_path / "r.pdf").exists()


def test_the_output_is_checked_as_assess_checks_it(assessed: Assessed, tmp_path: Path,
        copy_database: Callable[[Path | str], Path | str]) -> None:
    db = copy_database(assessed.db)
    result = tmp_path / "result.json"
    shutil.copy(assessed.result, result)
    onto_input = run(db, "render", str(result), "-o", str(result))
    assert onto_input.exit_code == 2 and "that is the JSON result" in onto_input.stderr
    foreign = tmp_path / "notes.pdf"
    foreign.write_bytes(b"my own notes")
    kept = run(db, "render", assessed.assessment_id, "-o", str(foreign))
    assert kept.exit_code == 2 and foreign.read_bytes() == b"my own notes"
    forced = run(db, "render", assessed.assessment_id, "-o", str(foreign), "--force")
    assert forced.exit_code == 0, forced.output
    assert foreign.read_bytes() == (assessed.folder / "full.pdf").read_bytes()


def test_another_policy_words_the_report_with_a_warning(assessed: Assessed, tmp_path: Path,
        copy_database: Callable[[Path | str], Path | str]) -> None:
    db = copy_database(assessed.db)
    policy = tmp_path / "policy"
    (policy / "templates").mkdir(parents=True)
    wording = (ROOT / "templates" / "report.yaml").read_text()
    (policy / "templates" / "report.yaml").write_text(wording.replace("label: Marketing summary",
                                                                      "label: Marketing brief"))
    rendered = run(db, "render", assessed.assessment_id, "--audience", "marketing", "--policy", str(policy),
                   "-o", str(tmp_path / "m.pdf"))
    assert rendered.exit_code == 0, rendered.output
    with Register(db) as register:
        judged = next(item.sha256 for item in register.load(assessed.assessment_id).inputs if item.role == "policy")
    (warning,) = rendered.stderr.splitlines()
    assert warning.startswith(f"warning: {assessed.assessment_id} was judged by policy {judged[:12]}; its report is "
                              "worded by policy ")
    assert judged[:12] not in warning.split("worded by policy ")[1]
    assert "Marketing brief" in pypdf.PdfReader(io.BytesIO((tmp_path / "m.pdf").read_bytes())).metadata["/Subject"]


def _signoff_page(data: bytes, heading: str) -> str:
    pages = [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]
    return " ".join(next(text for text in pages if f"\n{heading}\n" in text).split())


def test_signoffs_bind_to_any_rendering_and_fill_the_page_rendered_after_them(assessed: Assessed,
                                                                            tmp_path: Path,
        copy_database: Callable[[Path | str], Path | str]) -> None:
    db = copy_database(assessed.db)
    assessment_id, folder = assessed.assessment_id, assessed.folder
    day = 24 * 3600
    for offset, role, name, report, note in ((0, "marketing", "Mia Marketer", "marketing", "Budget agreed"),
                                             (day, "it", "Ada Admin", "it", ""),
                                             (2 * day, "compliance", "Dana Ruiz", "compliance", "DPA first")):
        signed = run(db, "approve", assessment_id, "--role", role, "--by", name, "--decision", "approve",
                     "--note", note, "--report", str(folder / f"{report}.pdf"), epoch=str(int(EPOCH) + offset))
        assert signed.exit_code == 0, signed.output
        assert f"(the PDF for {report}, sha256 {file_sha256(folder / f'{report}.pdf')})" in signed.stdout
    out = tmp_path / "signed.pdf"
    rendered = run(db, "render", assessment_id, "--audience", "marketing", "-o", str(out))
    assert rendered.exit_code == 0, rendered.output
    text = _signoff_page(out.read_bytes(), "Sign-off")
    assert "Status in the register: approved, final since Compliance approved on 26 November 2026." in text
    for role, name, day_text, note, label, report in (
            ("IT", "Ada Admin", "25 November 2026", "None given", "IT report", "it"),
            ("Marketing", "Mia Marketer", "24 November 2026", "Budget agreed", "Marketing summary", "marketing"),
            ("Compliance", "Dana Ruiz", "26 November 2026", "DPA first", "Compliance report", "compliance")):
        assert (f"{role}: signed in the register Name {name} Decision Approved Date {day_text} Note {note} "
                f"Report signed {label} Its sha256 {file_sha256(folder / f'{report}.pdf')}") in text
    again = run(db, "render", assessment_id, "--audience", "marketing", "-o", str(tmp_path / "again.pdf"))
    assert again.exit_code == 0 and (tmp_path / "again.pdf").read_bytes() == out.read_bytes()
    shown = run(db, "verify", str(out))
    assert shown.exit_code == 0, shown.output
    assert "status     approved (final)" in shown.stdout
    with Register(db) as register:
        assert [signoff.report_audience for signoff in register.signoffs(assessment_id)] == \
            ["marketing", "it", "compliance"]
        report = register.check_chain()
    assert report.intact, report.problem
    assert report.tables["outputs"] == 6 and report.tables["signoffs"] == 3


def test_assessing_a_signed_assessment_again_shows_its_signoffs(assessed: Assessed, tmp_path: Path,
        copy_database: Callable[[Path | str], Path | str]) -> None:
    """``assess`` renders through the same function: the same assessment, recorded and signed before, gets the
    report ``render`` gives it."""
    db = copy_database(assessed.db)
    signed = run(db, "approve", assessed.assessment_id, "--role", "it", "--by", "Ada Admin", "--decision", "reject")
    assert signed.exit_code == 0, signed.output
    rendered = run(db, "render", assessed.assessment_id, "-o", str(tmp_path / "rendered.pdf"))
    assert rendered.exit_code == 0, rendered.output
    with Register(db) as register:
        assessment = register.load(assessed.assessment_id)
        pdf, _ = write_and_record(assessment, pdf=tmp_path / "again.pdf", json_path=tmp_path / "again.json",
                                  register=register, evidence_store=None, now=NOW)
    assert (tmp_path / "again.pdf").read_bytes() == (tmp_path / "rendered.pdf").read_bytes()
    assert pdf.sha256 == file_sha256(tmp_path / "rendered.pdf")
    assert "rejected, final since IT rejected on 24 November 2026" in _signoff_page(
        (tmp_path / "again.pdf").read_bytes(), "Sign-off")


def test_record_output_chains_a_new_file_once_and_only_for_a_known_assessment(db: Path | str) -> None:
    created = dt.datetime(2026, 11, 1, 9, tzinfo=dt.UTC)
    with Register(db) as register:
        register.record_entries([(entry("RA-20261101-0000000001", created=created),
                                  [pdf_output("RA-20261101-0000000001")])], now=created)
        rendering = Output(kind="pdf", sha256="ab" * 32, path="/reports/m.pdf", size=10, audience="marketing")
        assert register.record_output("RA-20261101-0000000001", rendering, now=created)
        assert not register.record_output("RA-20261101-0000000001", rendering, now=created)
        with pytest.raises(RegisterError, match="no assessment RA-20261101-0000000009"):
            register.record_output("RA-20261101-0000000009", pdf_output("RA-20261101-0000000009"), now=created)
        recorded = register.output("ab" * 32)
        report = register.check_chain()
    assert recorded is not None and (recorded.assessment_id, recorded.audience) == ("RA-20261101-0000000001",
                                                                                    "marketing")
    assert report.intact and report.tables["outputs"] == 2
