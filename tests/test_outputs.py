"""Nothing lost, nothing hangs: every writer's outputs against its inputs, the database and each other; special
files as inputs; a full disk and a read-only folder; text that must never become a formula.

Real files and the real command line (child processes); the file system tricks (symbolic and hard links, named
pipes, small and read-only tmpfs mounts) are made by the tests themselves.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from riskengine.digest import file_sha256
from riskengine.errors import PathConflictError, UnreadableFileError
from riskengine.inventory.vocabulary import load_vocabularies
from riskengine.questionnaire.bank import QuestionBank
from riskengine.questionnaire.reader import read_submission
from riskengine.questionnaire.template import write_template
from riskengine.questionnaire.workbook import check_workbook_file
from riskengine.register.store import Register
from riskengine.runfiles import RunFiles, check_run_files, written_by_riskengine
from tests.conftest import ROOT, SAMPLES, TODAY, run_cli, sample_answers

VOCABULARIES = load_vocabularies()

QUICK = 20
"""Seconds within which a refusal must come: a hang on a pipe would take forever."""


def _snapshot(folder: Path) -> dict[str, str]:
    """Every entry under ``folder``: a regular file's sha256, a link's target, what anything else is."""
    state: dict[str, str] = {}
    for path in sorted(folder.rglob("*")):
        name = str(path.relative_to(folder))
        if path.is_symlink():
            state[name] = f"-> {os.readlink(path)}"
        elif path.is_file():
            state[name] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            state[name] = "folder" if path.is_dir() else "special"
    return state


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """Copies of every kind of input, and a register database with its tables."""
    (tmp_path / "q.xlsx").write_bytes((SAMPLES / "northwind-mail.xlsx").read_bytes())
    (tmp_path / "q2.xlsx").write_bytes((SAMPLES / "glowup-loyalty.xlsx").read_bytes())
    shutil.copy(SAMPLES / "inventory.yaml", tmp_path / "inventory.yaml")
    shutil.copy(SAMPLES / "org-profile.yaml", tmp_path / "org.yaml")
    shutil.copy(ROOT / "scoring" / "default.yaml", tmp_path / "profile.yaml")
    shutil.copy(ROOT / "questionnaires" / "martech-v1.yaml", tmp_path / "bank.yaml")
    shutil.copy(ROOT / "questionnaires" / "mappings" / "example-oneoff.yaml", tmp_path / "mapping.yaml")
    Register(tmp_path / "register.db").close()
    return tmp_path


def _refused(workspace: Path, args: list[str], *expected: str) -> None:
    """Run the command in ``workspace``: exit 2 with every ``expected`` text in the message, and not one byte
    of the folder changed, created or removed."""
    before = _snapshot(workspace)
    started = time.monotonic()
    result = run_cli(*args, cwd=workspace, env={"RISKENGINE_DB": str(workspace / "register.db")}, timeout=QUICK)
    assert result.returncode == 2, (result.stdout, result.stderr)
    for text in expected:
        assert text in result.stderr, (text, result.stderr)
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert _snapshot(workspace) == before
    assert time.monotonic() - started < QUICK


# --- every writer, onto every kind of input ------------------------------------------------------------------

ASSESS = ["assess", "q.xlsx", "--inventory", "inventory.yaml", "--org", "org.yaml", "--profile", "profile.yaml",
          "--bank", "bank.yaml", "--mapping", "mapping.yaml", "--db", "register.db", "--offline"]


@pytest.mark.parametrize(("option", "target", "role"), [
    ("-o", "q.xlsx", "the questionnaire q.xlsx"),
    ("--json", "q.xlsx", "the questionnaire q.xlsx"),
    ("-o", "inventory.yaml", "the inventory inventory.yaml"),
    ("--json", "org.yaml", "the organisation profile org.yaml"),
    ("-o", "profile.yaml", "the scoring profile profile.yaml"),
    ("--json", "bank.yaml", "the question bank bank.yaml"),
    ("-o", "mapping.yaml", "the mapping mapping.yaml"),
    ("--json", "register.db", "the register database"),
    ("--json", "register.db-wal", "a working file of the register database"),
])
def test_assess_never_writes_onto_an_input_or_the_database(workspace: Path, option: str, target: str,
                                                           role: str) -> None:
    what = "PDF report" if option == "-o" else "JSON result"
    other = ["--json", "r.json"] if option == "-o" else ["-o", "r.pdf"]
    _refused(workspace, [*ASSESS, option, target, *other], f"cannot write the {what} to {target}: that is {role}")


def test_assess_sees_through_symbolic_and_hard_links(workspace: Path) -> None:
    (workspace / "link.pdf").symlink_to("q.xlsx")
    os.link(workspace / "inventory.yaml", workspace / "hard.json")
    _refused(workspace, [*ASSESS, "-o", "link.pdf", "--json", "hard.json"],
             "cannot write the PDF report to link.pdf: through a symbolic link, that is the questionnaire q.xlsx",
             "cannot write the JSON result to hard.json: that is the same file (a hard link) as the inventory "
             "inventory.yaml")


def test_assess_pdf_and_json_on_one_path_is_refused(workspace: Path) -> None:
    _refused(workspace, [*ASSESS, "-o", "out/r.pdf", "--json", "out/./r.pdf"],
             "cannot write the JSON result to out/r.pdf: that is where the PDF report goes")
    # the JSON's default is the report's name with .json: a report named .json collides with it
    _refused(workspace, [*ASSESS, "-o", "r.json"], "cannot write the JSON result to r.json: that is where the PDF "
                                                   "report goes")


def test_assess_into_the_default_database_is_refused(workspace: Path) -> None:
    """Without --db the database is RISKENGINE_DB (or the data folder): protected all the same."""
    args = [arg for arg in ASSESS if arg not in ("--db", "register.db")]
    _refused(workspace, [*args, "-o", "r.pdf", "--json", "register.db"], "cannot write the JSON result to "
                                                                         "register.db: that is the register database")


COMPARE = ["compare", "q.xlsx", "q2.xlsx", "--inventory", "inventory.yaml", "--org", "org.yaml", "--db",
           "register.db", "--offline"]


@pytest.mark.parametrize(("option", "target", "role"), [
    ("-o", "q.xlsx", "the questionnaire q.xlsx"),
    ("--json", "q2.xlsx", "the questionnaire q2.xlsx"),
    ("-o", "inventory.yaml", "the inventory inventory.yaml"),
    ("--json", "org.yaml", "the organisation profile org.yaml"),
    ("--json", "register.db", "the register database"),
])
def test_compare_never_writes_onto_an_input_or_the_database(workspace: Path, option: str, target: str,
                                                            role: str) -> None:
    what = "comparison PDF" if option == "-o" else "comparison JSON"
    other = ["--json", "c.json"] if option == "-o" else ["-o", "c.pdf"]
    _refused(workspace, [*COMPARE, option, target, *other], f"cannot write the {what} to {target}: that is {role}")


def test_compare_sees_links_and_its_own_two_outputs(workspace: Path) -> None:
    (workspace / "link.pdf").symlink_to(workspace / "q2.xlsx")
    os.link(workspace / "org.yaml", workspace / "hard.json")
    _refused(workspace, [*COMPARE, "-o", "link.pdf", "--json", "hard.json"],
             "cannot write the comparison PDF to link.pdf: through a symbolic link, that is the questionnaire",
             "cannot write the comparison JSON to hard.json: that is the same file (a hard link) as the organisation "
             "profile org.yaml")
    _refused(workspace, [*COMPARE, "-o", "c.pdf", "--json", "c.pdf"],
             "cannot write the comparison JSON to c.pdf: that is where the comparison PDF goes")


@pytest.mark.parametrize(("target", "role"), [
    ("q.xlsx", "the vendor's questionnaire q.xlsx"),
    ("mapping.yaml", "the mapping mapping.yaml"),
    ("bank.yaml", "the question bank bank.yaml"),
    ("register.db", "the register database"),
])
def test_import_never_writes_onto_an_input_or_the_database(workspace: Path, target: str, role: str) -> None:
    _refused(workspace, ["import", "q.xlsx", "--mapping", "mapping.yaml", "--bank", "bank.yaml", "-o", target],
             f"cannot write the pre-filled questionnaire to {target}: that is {role}")


def test_import_sees_through_links(workspace: Path) -> None:
    (workspace / "link.xlsx").symlink_to("q.xlsx")
    _refused(workspace, ["import", "q.xlsx", "-o", "link.xlsx"],
             "cannot write the pre-filled questionnaire to link.xlsx: through a symbolic link, that is the vendor's "
             "questionnaire q.xlsx")
    os.link(workspace / "q.xlsx", workspace / "hard.xlsx")
    _refused(workspace, ["import", "q.xlsx", "-o", "hard.xlsx", "--force"],
             "cannot write the pre-filled questionnaire to hard.xlsx: that is the same file (a hard link) as the "
             "vendor's questionnaire q.xlsx")


@pytest.mark.parametrize(("target", "role"), [
    ("bank.yaml", "the question bank bank.yaml"),
    ("register.db", "the register database"),
])
def test_template_never_writes_onto_its_bank_or_the_database(workspace: Path, target: str, role: str) -> None:
    _refused(workspace, ["template", target, "--bank", "bank.yaml", "--force"],
             f"cannot write the questionnaire to {target}: that is {role}")


def test_template_sees_through_links(workspace: Path) -> None:
    (workspace / "link.xlsx").symlink_to("bank.yaml")
    os.link(workspace / "register.db", workspace / "hard.xlsx")
    _refused(workspace, ["template", "link.xlsx", "--bank", "bank.yaml"],
             "cannot write the questionnaire to link.xlsx: through a symbolic link, that is the question bank")
    _refused(workspace, ["template", "hard.xlsx", "--force"],
             "cannot write the questionnaire to hard.xlsx: that is the same file (a hard link) as the register "
             "database")


# --- batch --------------------------------------------------------------------------------------------------


@pytest.fixture
def inbox(workspace: Path) -> Path:
    folder = workspace / "inbox"
    folder.mkdir()
    (folder / "northwind.xlsx").write_bytes((SAMPLES / "northwind-mail.xlsx").read_bytes())
    return folder


BATCH = ["batch", "inbox", "--inventory", "inventory.yaml", "--org", "org.yaml", "--profile", "profile.yaml",
         "--bank", "bank.yaml", "--db", "register.db", "--offline", "--workers", "1"]


def test_batch_into_its_own_inbox_is_refused(workspace: Path, inbox: Path) -> None:
    _refused(workspace, [*BATCH, "-o", "inbox"], "cannot use inbox as the output folder: that is the folder of "
                                                 "questionnaires inbox, which this run reads")
    _refused(workspace, [*BATCH, "-o", "inbox/../inbox"], "cannot use inbox/../inbox as the output folder")


def test_batch_outputs_never_land_on_inputs_or_the_database(workspace: Path, inbox: Path) -> None:
    out = workspace / "out"
    out.mkdir()
    (out / "northwind.pdf").symlink_to(inbox / "northwind.xlsx")
    (out / "portfolio.pdf").symlink_to(workspace / "profile.yaml")
    os.link(workspace / "org.yaml", out / "portfolio.xlsx")
    _refused(workspace, [*BATCH, "-o", "out"],
             "cannot write the PDF report of northwind.xlsx to out/northwind.pdf: through a symbolic link, that is "
             "the questionnaire",
             "cannot write the portfolio page to out/portfolio.pdf: through a symbolic link, that is the scoring "
             "profile",
             "cannot write the portfolio workbook to out/portfolio.xlsx: that is the same file (a hard link) as the "
             "organisation profile org.yaml")
    args = [arg if arg != "register.db" else "out/northwind.json" for arg in BATCH]
    (workspace / "out" / "northwind.json").write_bytes((workspace / "register.db").read_bytes())
    _refused(workspace, [*args, "-o", "out"], "cannot write the JSON result of northwind.xlsx to "
                                              "out/northwind.json: that is the register database")


def test_batch_refuses_two_questionnaires_that_share_a_report(workspace: Path, inbox: Path) -> None:
    (inbox / "northwind.XLSX").write_bytes((inbox / "northwind.xlsx").read_bytes())
    _refused(workspace, [*BATCH, "-o", "out"], "cannot write the PDF report of northwind.xlsx to out/northwind.pdf: "
                                               "that is where the PDF report of northwind.XLSX goes")


def test_batch_replaces_a_foreign_file_only_with_force(workspace: Path, inbox: Path) -> None:
    out = workspace / "out"
    out.mkdir()
    (out / "portfolio.pdf").write_text("my notes, not a report\n")
    _refused(workspace, [*BATCH, "-o", "out"], "refusing to replace out/portfolio.pdf with the portfolio page: the "
                                               "file exists and is not a PDF riskengine wrote")
    forced = run_cli(*BATCH, "-o", "out", "--force", cwd=workspace, timeout=300)
    assert forced.returncode == 0, forced.stderr
    assert written_by_riskengine(out / "portfolio.pdf", "pdf")
    again = run_cli(*BATCH, "-o", "out", "--redo", cwd=workspace, timeout=300)  # its own outputs: no --force
    assert again.returncode == 0, again.stderr


# --- replacing files: our own outputs, and anyone else's -----------------------------------------------------


def test_assess_replaces_its_own_outputs_but_not_a_foreign_file_without_force(workspace: Path) -> None:
    args = ["assess", "q.xlsx", "--db", "register.db", "--offline", "-o", "r.pdf"]
    first = run_cli(*args, cwd=workspace)
    assert first.returncode == 0, first.stderr
    second = run_cli(*args, cwd=workspace)
    assert second.returncode == 0, second.stderr
    assert second.stdout.splitlines()[1].startswith("wrote r.pdf and r.json")
    (workspace / "notes.pdf").write_text("minutes of the vendor call\n")
    (workspace / "notes.json").write_text('{"mine": true}\n')
    _refused(workspace, ["assess", "q.xlsx", "--db", "register.db", "--offline", "-o", "notes.pdf"],
             "refusing to replace notes.pdf with the PDF report: the file exists and is not a PDF riskengine wrote; "
             "choose another path, or give --force to replace it",
             "refusing to replace notes.json with the JSON result: the file exists and is not a JSON result "
             "riskengine wrote")
    forced = run_cli("assess", "q.xlsx", "--db", "register.db", "--offline", "-o", "notes.pdf", "--force",
                     cwd=workspace)
    assert forced.returncode == 0, forced.stderr
    assert (workspace / "notes.pdf").read_bytes() == (workspace / "r.pdf").read_bytes()


def test_template_replaces_its_own_workbook_only(workspace: Path, bank: QuestionBank) -> None:
    first = run_cli("template", "blank.xlsx", cwd=workspace)
    assert first.returncode == 0, first.stderr
    again = run_cli("template", "blank.xlsx", cwd=workspace)
    assert again.returncode == 0, again.stderr
    (workspace / "notes.xlsx").write_text("not a workbook at all\n")
    _refused(workspace, ["template", "notes.xlsx"], "refusing to replace notes.xlsx with the questionnaire: the file "
                                                    "exists and is not a workbook riskengine wrote")
    # A questionnaire a vendor filled in and saved: their program names itself as the last to modify it.
    returned = openpyxl.load_workbook(workspace / "blank.xlsx")
    returned.properties.lastModifiedBy = "Jane Vendor"
    returned.save(workspace / "returned.xlsx")
    _refused(workspace, ["template", "returned.xlsx"], "refusing to replace returned.xlsx with the questionnaire")
    forced = run_cli("template", "notes.xlsx", "--force", cwd=workspace)
    assert forced.returncode == 0, forced.stderr
    assert written_by_riskengine(workspace / "notes.xlsx", "workbook")


def test_import_replaces_its_own_output(workspace: Path) -> None:
    args = ["import", "q.xlsx", "-o", "ours.xlsx"]
    assert run_cli(*args, cwd=workspace).returncode == 0
    again = run_cli(*args, cwd=workspace)
    assert again.returncode == 0, again.stderr
    (workspace / "theirs.xlsx").write_bytes(b"")  # empty: nothing to lose
    assert run_cli("import", "q.xlsx", "-o", "theirs.xlsx", cwd=workspace).returncode == 0


def test_an_output_onto_a_device_or_folder_is_refused_even_forced(workspace: Path) -> None:
    _refused(workspace, [*ASSESS, "-o", "/dev/null", "--json", "r.json", "--force"],
             "cannot write the PDF report to /dev/null: it is a character device, not a regular file")
    os.mkfifo(workspace / "pipe.json")
    _refused(workspace, [*ASSESS, "-o", "r.pdf", "--json", "pipe.json", "--force"],
             "cannot write the JSON result to pipe.json: it is a named pipe (FIFO), not a regular file")


# --- inputs that are not regular files -----------------------------------------------------------------------

PIPE_MESSAGE = "is a named pipe (FIFO), not a regular file; riskengine reads only regular files"


@pytest.mark.parametrize("args", [
    ["validate", "pipe.xlsx"],
    ["validate", "q.xlsx", "--inventory", "pipe.xlsx"],
    ["assess", "pipe.xlsx", "-o", "r.pdf"],
    ["assess", "q.xlsx", "--org", "pipe.xlsx", "-o", "r.pdf"],
    ["verify", "pipe.xlsx"],
    ["import", "pipe.xlsx", "-o", "out.xlsx"],
    ["inventory", "check", "pipe.xlsx"],
    ["compare", "q.xlsx", "pipe.xlsx", "-o", "c.pdf"],
    ["explain", "pipe.xlsx"],
    ["template", "t.xlsx", "--bank", "pipe.xlsx"],
    ["assess", "q.xlsx", "--db", "pipe.xlsx", "-o", "r.pdf"],
], ids=lambda args: " ".join(args[:4]))
def test_a_named_pipe_as_input_is_refused_at_once(workspace: Path, args: list[str]) -> None:
    os.mkfifo(workspace / "pipe.xlsx")
    _refused(workspace, args, "pipe.xlsx: the ", PIPE_MESSAGE)


def test_verify_refuses_a_device_instead_of_reading_it_forever(workspace: Path) -> None:
    _refused(workspace, ["verify", "/dev/zero"], "error: /dev/zero: the ", "is a character device, not a regular "
                                                                          "file")


def test_the_library_refuses_special_files_before_opening_them(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe.xlsx"
    os.mkfifo(pipe)
    with pytest.raises(UnreadableFileError, match="named pipe"):
        file_sha256(pipe)
    with pytest.raises(UnreadableFileError, match="character device"):
        file_sha256(Path("/dev/zero"))
    with pytest.raises(UnreadableFileError, match="named pipe"):
        check_workbook_file(pipe)
    with pytest.raises(UnreadableFileError, match="the inventory is a named pipe"):
        check_run_files(RunFiles.of(folders=[("inventory", pipe)]))
    check_run_files(RunFiles.of(folders=[("inventory", tmp_path)]))  # a Backstage catalog folder is fine
    # every reader a library caller reaches first, whatever the command line checked
    from riskengine.assessment import load_result
    from riskengine.datafile import read_yaml
    from riskengine.importers.reading import read_questionnaire
    from riskengine.importers.vsaq import read_json_file
    from riskengine.inventory.loader import load_inventory
    from riskengine.questionnaire.bank import load_bank

    for read in (lambda: read_yaml(pipe), lambda: load_inventory(pipe, vocabularies=VOCABULARIES),
                 lambda: read_json_file(pipe),
                 lambda: read_questionnaire(pipe, load_bank(), today=dt.date(2026, 11, 24)),
                 lambda: load_result(pipe)):
        with pytest.raises(UnreadableFileError, match="named pipe"):
            read()


def test_the_hash_of_a_regular_file_is_unchanged(tmp_path: Path) -> None:
    data = os.urandom(3 * (1 << 20) + 17)
    (tmp_path / "data.bin").write_bytes(data)
    assert file_sha256(tmp_path / "data.bin") == hashlib.sha256(data).hexdigest()
    (tmp_path / "empty").write_bytes(b"")
    assert file_sha256(tmp_path / "empty") == hashlib.sha256(b"").hexdigest()


# --- the library's plan, directly -----------------------------------------------------------------------------


def test_every_conflict_is_reported_at_once(tmp_path: Path) -> None:
    source = tmp_path / "q.xlsx"
    source.write_bytes(b"vendor's answers")
    (tmp_path / "foreign.json").write_text("[1, 2, 3]")
    files = RunFiles.of(inputs=[("questionnaire", source), ("mapping", None)],
                        outputs=[("PDF report", source, "pdf"), ("JSON result", tmp_path / "foreign.json", "json"),
                                 ("copy", tmp_path / "x" / ".." / "foreign.json", "json")],
                        database=tmp_path / "db")
    with pytest.raises(PathConflictError) as caught:
        check_run_files(files)
    assert [conflict.split(":")[0] for conflict in caught.value.conflicts] == [
        f"cannot write the PDF report to {source}",
        f"refusing to replace {tmp_path / 'foreign.json'} with the JSON result",
        f"cannot write the copy to {tmp_path / 'x' / '..' / 'foreign.json'}",
    ]
    check_run_files(RunFiles.of(inputs=[("questionnaire", source)],
                                outputs=[("JSON result", tmp_path / "foreign.json", "json")], force=True))


def test_our_outputs_are_recognised_by_content(workspace: Path) -> None:
    result = run_cli("assess", "q.xlsx", "--db", "register.db", "--offline", "-o", "r.pdf", cwd=workspace)
    assert result.returncode == 0, result.stderr
    assert run_cli("template", "t.xlsx", cwd=workspace).returncode == 0
    assert written_by_riskengine(workspace / "r.pdf", "pdf")
    assert written_by_riskengine(workspace / "r.json", "json")
    assert written_by_riskengine(workspace / "t.xlsx", "workbook")
    assert not written_by_riskengine(workspace / "r.pdf", "json")
    assert not written_by_riskengine(workspace / "r.json", "pdf")
    assert not written_by_riskengine(workspace / "q.xlsx", "pdf")
    assert not written_by_riskengine(workspace / "inventory.yaml", "workbook")
    other = openpyxl.Workbook()
    other.properties.creator = "Jane"
    other.save(workspace / "other.xlsx")
    assert not written_by_riskengine(workspace / "other.xlsx", "workbook")


# --- the environment: a full disk, a read-only file system, a name too long ------------------------------------


@contextlib.contextmanager
def _tmpfs(folder: Path, *options: str) -> Iterator[Path]:
    """A small tmpfs at ``folder`` (root only); the test is skipped, saying why, where it cannot be mounted."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root (os.geteuid() != 0); a full disk cannot be made otherwise")
    folder.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", ",".join(options), "tmpfs", str(folder)],
                             capture_output=True, text=True, check=False)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (mount -t tmpfs -o {','.join(options)}: "
                    f"{mounted.stderr.strip() or mounted.returncode})")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_a_full_disk_is_exit_2_naming_the_file_and_leaves_nothing(tmp_path: Path) -> None:
    with _tmpfs(tmp_path / "full", "size=64k") as full:
        result = run_cli("assess", str(SAMPLES / "northwind-mail.xlsx"), "-o", str(full / "r.pdf"))
        assert result.returncode == 2, result.stderr
        assert result.stderr == f"error: cannot write {full / 'r.pdf'}: no space left on device\n"
        assert os.listdir(full) == []  # no report, no JSON, no temporary .part file
        template = run_cli("template", str(full / "t.xlsx"), "--force")
        written = os.listdir(full)
        if template.returncode == 0:  # 64k may hold a blank questionnaire: then it is whole and alone
            assert written == ["t.xlsx"]
        else:
            assert template.stderr == f"error: cannot write {full / 't.xlsx'}: no space left on device\n"
            assert written == []


def test_a_read_only_file_system_is_exit_2_naming_the_file(tmp_path: Path) -> None:
    with _tmpfs(tmp_path / "ro", "ro", "size=64k") as read_only:
        for args, path in ((["assess", str(SAMPLES / "northwind-mail.xlsx"), "-o", str(read_only / "r.pdf")],
                            read_only / "r.pdf"),
                           (["template", str(read_only / "sub" / "t.xlsx")], read_only / "sub" / "t.xlsx")):
            result = run_cli(*args)
            assert result.returncode == 2, result.stderr
            assert result.stderr == f"error: cannot write {path}: read-only file system\n"
        assert os.listdir(read_only) == []


def test_a_name_too_long_is_exit_2_naming_the_file(tmp_path: Path) -> None:
    report = tmp_path / ("r" * 300 + ".pdf")
    result = run_cli("assess", str(SAMPLES / "northwind-mail.xlsx"), "-o", str(report), "--json",
                     str(tmp_path / "r.json"))
    assert result.returncode == 2, result.stderr
    assert result.stderr == f"error: cannot write {report}: file name too long\n"
    assert os.listdir(tmp_path) == []


def test_a_register_that_cannot_be_written_is_said_so(tmp_path: Path) -> None:
    """The database's disk fills up: either the register cannot be opened (nothing written), or the files are
    written and the message says the register does not know them; never an internal error."""
    outcomes = []
    with _tmpfs(tmp_path / "dbfs", "size=2m") as folder:
        database = folder / "register.db"
        Register(database).close()
        filler = folder / "filler"
        for free_kb in (0, 48, 80, 96, 1024):
            filler.unlink(missing_ok=True)
            available = shutil.disk_usage(folder).free
            with filler.open("wb") as handle:
                handle.write(b"\0" * max(0, available - free_kb * 1024))
            out = tmp_path / f"out-{free_kb}"
            result = run_cli("assess", str(SAMPLES / "northwind-mail.xlsx"), "--db", str(database), "-o",
                             str(out / "r.pdf"))
            assert "internal error" not in result.stderr and "Traceback" not in result.stderr, result.stderr
            if result.returncode == 0:
                outcomes.append("recorded")
                continue
            assert result.returncode == 2, result.stderr
            if "could not record" in result.stderr:
                assert result.stderr.startswith(f"error: wrote {out / 'r.pdf'} and {out / 'r.json'}, but could not "
                                                f"record RA-")
                assert "The register does not know these files" in result.stderr
                assert sorted(os.listdir(out)) == ["r.json", "r.pdf"]
                outcomes.append("not recorded")
            else:
                assert f"{database}: " in result.stderr, result.stderr
                assert not out.exists()
                outcomes.append("not opened")
    assert outcomes[0] != "recorded" and outcomes[-1] == "recorded", outcomes


# --- formulas: the vendor's text stays text ----------------------------------------------------------------------

FORMULA = '=HYPERLINK("http://x","y")'


def _row_of(sheet: object, question_id: str) -> int:
    assert isinstance(sheet, openpyxl.worksheet.worksheet.Worksheet)
    return next(cell.row for (cell,) in sheet.iter_rows(min_col=1, max_col=1) if cell.value == question_id)


def test_write_template_writes_formula_like_text_as_text(tmp_path: Path, bank: QuestionBank) -> None:
    content = sample_answers()
    answers = {**content["answers"], "VEN-02": "=1+1", "VEN-01": "#N/A"}
    comments = {**content.get("comments", {}), "SEC-01": "=1+1"}
    tables = dict(content["tables"])
    tables["INT-01"] = [{**tables["INT-01"][0], "notes": "=SUM(A1:A3)"}, *tables["INT-01"][1:]]
    path = tmp_path / "q.xlsx"
    write_template(bank, path, answers=answers, comments=comments, tables=tables)
    workbook = openpyxl.load_workbook(path)
    vendor, security = workbook["Vendor profile"], workbook["Security"]
    for sheet, question_id, column, text in ((vendor, "VEN-02", 4, "=1+1"), (vendor, "VEN-01", 4, "#N/A"),
                                             (security, "SEC-01", 6, "=1+1")):
        cell = sheet.cell(row=_row_of(sheet, question_id), column=column)
        assert (cell.data_type, cell.value) == ("s", text)
    assert all(cell.data_type != "f" for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row)
    submission = read_submission(path, bank, today=TODAY)
    assert submission.value("VEN-02") == "=1+1"
    assert submission.value("VEN-01") == "#N/A"
    assert submission.answers["SEC-01"].comment == "=1+1"
    assert submission.tables["INT-01"][0].values["notes"] == "=SUM(A1:A3)"


def test_formula_like_text_keeps_every_character(tmp_path: Path, bank: QuestionBank) -> None:
    texts = ["=1+1", "+1", "-1", "@SUM(1)", "  =x", "\uff1d1", "'=quoted", "a=b"]
    write_template(bank, tmp_path / "q.xlsx", answers={"VEN-02": texts[0]},
                   comments={question_id: text for question_id, text in zip(
                       ("SEC-01", "SEC-02", "SEC-03", "SEC-04", "SEC-05", "SEC-06", "SEC-07", "SEC-08"), texts,
                       strict=True)})
    sheet = openpyxl.load_workbook(tmp_path / "q.xlsx")["Security"]
    for number, text in enumerate(texts, start=1):
        cell = sheet.cell(row=_row_of(sheet, f"SEC-0{number}"), column=6)
        assert (cell.value, cell.data_type) == (text, "s")
        assert cell.quotePrefix == (text[0] in "=+-@ \uff1d"), text  # Excel keeps it text when edited


def _one_off_with_text(path: Path, answer: str) -> Path:
    """A one-off questionnaire (the example mapping's layout) whose company name is ``answer``, stored as text."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Security questions"
    for column, label in enumerate(("Ref", "Question", "Response", "Comments"), start=1):
        sheet.cell(row=4, column=column, value=label)
    for row, (ref, question, response) in enumerate((("SQ-001", "Company legal name", answer),
                                                     ("SQ-010", "Single sign-on?", "Y")), start=5):
        sheet.cell(row=row, column=1, value=ref)
        sheet.cell(row=row, column=2, value=question)
        cell = sheet.cell(row=row, column=3, value=response)
        cell.data_type = "s"  # as the vendor's Excel stores text typed after an apostrophe
    workbook.save(path)
    return path


def test_import_writes_the_vendors_formula_like_answer_as_text(tmp_path: Path, bank: QuestionBank) -> None:
    from riskengine.importers import read_questionnaire

    vendor = _one_off_with_text(tmp_path / "vendor.xlsx", FORMULA)
    out = tmp_path / "ours.xlsx"
    result = run_cli("import", str(vendor), "--mapping", str(ROOT / "questionnaires" / "mappings" /
                                                             "example-oneoff.yaml"), "-o", str(out))
    assert result.returncode == 0, result.stderr
    sheet = openpyxl.load_workbook(out)["Vendor profile"]
    cell = sheet.cell(row=_row_of(sheet, "VEN-01"), column=4)
    assert (cell.data_type, cell.value) == ("s", FORMULA)
    assert read_questionnaire(out, bank, today=TODAY, require_answers=False).value("VEN-01") == FORMULA
