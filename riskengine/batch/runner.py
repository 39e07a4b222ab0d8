"""Assess every questionnaire in a folder with a pool of processes or a Dask cluster, resumably, and summarise the
portfolio.

One writer: the workers (this process, a local pool's processes, or a Dask cluster's on any machine) write each
vendor's PDF and JSON into the output folder and return what the register needs; only this process records, in
the order the vendors finish. So the register needs no access from the workers, and every guarantee below holds
however many machines assess.

Resume: a vendor is done when the register holds an assessment with the same *run key* (the sha256 of its
questionnaire, the shared inputs and the settings, not the clock) and the PDF and JSON in the output folder
are byte for byte the ones recorded for it. Both files are written whole (each to a temporary name, then
renamed) before the one writer records the assessment in one transaction, so a batch killed at any point (a
worker, this process, or both) leaves either a finished vendor (skipped next time) or one to redo, never a
register row without its files; an assessment recorded twice (a worker's task retried) is one row. Temporary
files a killed run left behind are removed when the next run starts; one batch at a time may write to an
output folder (a lock on the folder, which the system drops when a process dies).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from riskengine.batch.worker import BatchSettings, Job, VendorOutcome, assess_one, start, stop
from riskengine.digest import file_sha256
from riskengine.errors import RiskEngineError, UsageError
from riskengine.policy import Policy
from riskengine.runfiles import OutputKind, RunFiles, check_run_files

if TYPE_CHECKING:
    from riskengine.enrich.store import EvidenceStore
    from riskengine.outputs import Written
    from riskengine.register.approvals import SignOff
    from riskengine.register.store import Register

QUESTIONNAIRE_SUFFIXES = (".xlsx",)
"""What a batch picks up in its folder (Excel lock files ``~$...`` and hidden files are ignored)."""
WORKBOOK_NAME = "portfolio.xlsx"
PORTFOLIO_PDF_NAME = "portfolio.pdf"
IN_FLIGHT_PER_WORKER = 2
"""Jobs queued per worker: enough to keep it busy, few enough that a broken pool loses little."""

Progress = Callable[[VendorOutcome], None]


@dataclass(frozen=True)
class BatchResult:
    outcomes: tuple[VendorOutcome, ...]
    """One per questionnaire, in file-name order."""
    workbook: Path | None
    portfolio_pdf: Path | None

    @property
    def failed(self) -> tuple[VendorOutcome, ...]:
        return tuple(outcome for outcome in self.outcomes if outcome.status == "failed")

    def count(self, status: str) -> int:
        return sum(1 for outcome in self.outcomes if outcome.status == status)


def find_questionnaires(directory: Path) -> list[Path]:
    """The questionnaires of a batch folder, sorted by name; ``UsageError`` when there are none."""
    if not directory.is_dir():
        raise UsageError(f"{directory}: not a folder")
    found = sorted(path for path in directory.iterdir()
                   if path.suffix.lower() in QUESTIONNAIRE_SUFFIXES and path.is_file()
                   and not path.name.startswith((".", "~$")))
    if not found:
        raise UsageError(f"{directory}: no questionnaires ({', '.join('*' + s for s in QUESTIONNAIRE_SUFFIXES)})")
    return found


def run_batch(directory: Path, settings: BatchSettings, *, workers: int = 2, scheduler: str | None = None,
              redo: bool = False, force: bool = False, on_planned: Callable[[int, int], None] | None = None,
              on_outcome: Progress | None = None, owns_process: bool = False,
              connect_timeout: float | None = None) -> BatchResult:
    """Assess every questionnaire in ``directory`` into ``settings.outdir``, then write the portfolio files.

    Vendors already done (see the module's note on resume) are skipped unless ``redo``. A bad file becomes a
    failed outcome with its problems and never stops the batch. ``on_planned(total, skipped)`` is called once
    before any work, ``on_outcome`` once per questionnaire as it finishes. Raises ``UsageError`` when the
    folder holds no questionnaire or another batch is writing to the output folder, and the errors of the
    shared inputs (bank, profile, organisation profile, inventory) before anything is written: a problem
    there would fail every vendor.

    Before any of that, every file of the run is checked (``riskengine.runfiles``): the output folder is not the
    questionnaires' folder, no report lands on an input, the register database or another report (``A.xlsx`` and
    ``A.XLSX`` would share ``A.pdf``), and an existing file in a report's place is replaced only when riskengine
    wrote it, unless ``force``: a ``PathConflictError`` names every conflict, and nothing is read or written.

    With one worker the vendors are assessed in this process, and its garbage collector is left as it is unless
    ``owns_process`` (the CLI's process, which exists for the batch): then it is tuned as in a pool worker
    (``riskengine.batch.worker.start``) and given back as it was.

    ``scheduler`` runs the vendors on a Dask cluster instead of ``workers`` local processes
    (``riskengine.batch.cluster``): ``tcp://HOST:PORT`` names a running scheduler, ``local:N`` starts a cluster of
    N worker processes on this machine for the run. Every worker must reach the questionnaires, the inventory,
    the organisation profile and the output folder at the same paths as this process, and the evidence store at
    ``settings.evidence_location``. ``ClusterError`` when Dask is not installed, the scheduler does not answer
    within ``connect_timeout`` seconds (default ``cluster.CONNECT_TIMEOUT``), or is lost during the run (what was
    recorded by then stays: run again to resume).
    """
    if scheduler is not None:
        from riskengine.batch.cluster import check_scheduler

        check_scheduler(scheduler)
    questionnaires = find_questionnaires(directory)
    outdir = settings.outdir
    jobs = [Job(questionnaire=path, pdf=outdir / f"{path.stem}.pdf", json=outdir / f"{path.stem}.json")
            for path in questionnaires]
    check_run_files(_run_files(directory, jobs, settings, force=force))
    _check_shared_inputs(settings)
    with contextlib.ExitStack() as stack:
        stack.enter_context(_exclusive(outdir))
        _remove_leftovers(outdir, [name for job in jobs for name in (job.pdf.name, job.json.name)]
                          + [WORKBOOK_NAME, PORTFOLIO_PDF_NAME])
        register, evidence = _open_database(settings, stack)
        done = {} if redo else _finished(jobs, settings, register)
        if on_planned is not None:
            on_planned(len(jobs), len(done))
        outcomes: dict[str, VendorOutcome] = {}
        for outcome in done.values():
            outcomes[outcome.questionnaire] = outcome
            if on_outcome is not None:
                on_outcome(outcome)
        pending = [job for job in jobs if job.questionnaire.name not in done]
        by_name = {job.questionnaire.name: job for job in pending}
        if scheduler is not None and pending:  # a cluster only when there is work for it
            from riskengine.batch.cluster import CONNECT_TIMEOUT, assess_on_cluster, cluster_client

            client = stack.enter_context(cluster_client(scheduler, timeout=connect_timeout or CONNECT_TIMEOUT))
            assessed = assess_on_cluster(client, pending, settings)
        else:
            assessed = _assess_all(pending, settings, workers, owns_process)
        for outcome in assessed:
            outcome = _record(outcome, by_name[outcome.questionnaire], settings, register, evidence)
            outcomes[outcome.questionnaire] = outcome
            if on_outcome is not None:
                on_outcome(outcome)
        ordered = tuple(outcomes[job.questionnaire.name] for job in jobs)
        workbook, page = _write_portfolio(ordered, outdir, settings.policy)
    return BatchResult(outcomes=ordered, workbook=workbook, portfolio_pdf=page)


def _open_database(settings: BatchSettings, stack: contextlib.ExitStack) -> tuple[Register, EvidenceStore]:
    """The register and the evidence store, for the one writer (created and migrated before any worker reads)."""
    from riskengine.enrich.store import EvidenceStore
    from riskengine.register.store import Register

    register = stack.enter_context(Register(settings.store_path))
    return register, stack.enter_context(EvidenceStore(settings.store_path))


def _record(outcome: VendorOutcome, job: Job, settings: BatchSettings, register: Register,
            evidence: EvidenceStore) -> VendorOutcome:
    """The one writer: record what a worker wrote (evidence, then the assessment and its files); the outcome
    without its ``written``, or failed when it cannot be recorded."""
    from riskengine.outputs import record_written

    if outcome.written is None:
        return outcome
    written = outcome.written.at(job.pdf, job.json)
    try:
        signoffs = register.signoffs(written.entry.assessment_id)
        if signoffs:
            written = _signed(written, job, settings, signoffs)
        record_written(written, register=register, evidence_store=evidence, now=settings.now)
    except RiskEngineError as exc:
        return replace(outcome, status="failed", written=None, row=None,
                       problems=(f"{job.questionnaire.name}: {exc}",))
    return replace(outcome, written=None)


def _signed(written: Written, job: Job, settings: BatchSettings, signoffs: Sequence[SignOff]) -> Written:
    """The report of an assessment the register already holds, signed, drawn again with its sign-offs (as
    ``assess`` draws it): the worker could not read them."""
    from riskengine.assessment import Assessment
    from riskengine.outputs import write_files

    assessment = Assessment.model_validate_json(written.entry.result)
    return write_files(assessment, pdf=job.pdf, json_path=job.json, signoffs=signoffs,
                       audience=settings.audience, offline=settings.network.offline, policy=settings.policy)


def _run_files(directory: Path, jobs: Sequence[Job], settings: BatchSettings, *, force: bool) -> RunFiles:
    """Every file a batch reads and writes, for ``check_run_files``."""
    ca_bundle = settings.network.ca_bundle
    outputs: list[tuple[str, Path | None, OutputKind]] = [("output folder", settings.outdir, "folder")]
    for job in jobs:
        outputs.append((f"PDF report of {job.questionnaire.name}", job.pdf, "pdf"))
        outputs.append((f"JSON result of {job.questionnaire.name}", job.json, "json"))
    outputs.append(("portfolio workbook", settings.outdir / WORKBOOK_NAME, "workbook"))
    outputs.append(("portfolio page", settings.outdir / PORTFOLIO_PDF_NAME, "pdf"))
    return RunFiles.of(
        inputs=[*(("questionnaire", job.questionnaire) for job in jobs), ("organisation profile", settings.org_profile),
                *((item.label, Path(item.path)) for item in settings.policy.overridden),
                ("CA bundle", Path(ca_bundle) if ca_bundle else None)],
        folders=[("folder of questionnaires", directory), ("inventory", settings.inventory)],
        outputs=outputs, database=settings.store_path, force=force)


def _assess_all(jobs: Sequence[Job], settings: BatchSettings, workers: int,
                owns_process: bool) -> Iterator[VendorOutcome]:
    if not jobs:
        return
    if workers <= 1:
        start(settings, owns_process)
        try:
            for job in jobs:
                yield assess_one(job)
        finally:
            stop()
        return
    import multiprocessing

    # ``spawn``: workers start clean (no copy of the parent's threads, locks or open database). Not
    # ``max_tasks_per_child``: on Python 3.11 it can hang the pool (CPython gh-115634), and memory per worker
    # stays flat across a batch without it (benchmarks/batch.py measures it).
    context = multiprocessing.get_context("spawn")
    queue = list(reversed(jobs))
    while queue:
        with ProcessPoolExecutor(max_workers=min(workers, len(queue)), mp_context=context, initializer=start,
                                 initargs=(settings, True)) as pool:
            running: dict[Future[VendorOutcome], Job] = {}
            broken = False
            while (queue or running) and not broken:
                while queue and len(running) < workers * IN_FLIGHT_PER_WORKER:
                    job = queue.pop()
                    running[pool.submit(assess_one, job)] = job
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    job = running.pop(future)
                    try:
                        yield future.result()
                    except BrokenProcessPool:
                        # A worker died (killed, out of memory). Its jobs are reported; the rest go on in a
                        # new pool.
                        broken = True
                        yield VendorOutcome(questionnaire=job.questionnaire.name, status="failed", problems=(
                            f"{job.questionnaire.name}: the worker process assessing it stopped unexpectedly",))
            if broken:
                for future, job in running.items():
                    if future.done() and future.exception() is None:
                        yield future.result()
                    else:
                        yield VendorOutcome(questionnaire=job.questionnaire.name, status="failed", problems=(
                            f"{job.questionnaire.name}: the worker process assessing it stopped unexpectedly",))


def _check_shared_inputs(settings: BatchSettings) -> None:
    """Load what every vendor shares once, so that its problems stop the batch before it starts; the inventory's
    graph index is computed here, once, and kept in ``settings.graph_cache`` for the workers."""
    from riskengine.organisation import load_org_profile
    from riskengine.pipeline import prepare_inventory

    if settings.org_profile is not None:
        load_org_profile(settings.org_profile)
    if settings.inventory is not None:
        prepare_inventory(settings.inventory, settings.policy, settings.graph_cache)


def _finished(jobs: Sequence[Job], settings: BatchSettings, register: Register) -> dict[str, VendorOutcome]:
    """The jobs a previous run completed: recorded with the same run key, and their files unchanged."""
    from riskengine.register.store import run_key, run_settings

    shared = _shared_input_hashes(settings)
    extra = run_settings(offline=settings.network.offline, audience=settings.audience)
    done: dict[str, VendorOutcome] = {}
    for job in jobs:
        if not (job.pdf.is_file() and job.json.is_file()):
            continue
        key = run_key([("questionnaire", file_sha256(job.questionnaire)), *shared], extra)
        rows = register.by_run_key(key)
        if not rows:
            continue
        pdf, json = file_sha256(job.pdf), file_sha256(job.json)
        for row in rows:
            recorded = {output.sha256 for output in register.outputs(row.assessment_id)}
            if pdf in recorded and json in recorded:
                done[job.questionnaire.name] = VendorOutcome(
                    questionnaire=job.questionnaire.name, status="skipped", assessment_id=row.assessment_id,
                    vendor=row.vendor_name, tier=row.tier, decision=row.decision, residual=row.residual,
                    pdf=job.pdf.name, json=job.json.name)
                break
    return done


def _shared_input_hashes(settings: BatchSettings) -> list[tuple[str, str]]:
    """(role, sha256) of the inputs every vendor shares, as ``pipeline.assess`` lists them."""
    hashes = [(role, file_sha256(path)) for role, path in (("inventory", settings.inventory),
                                                       ("org_profile", settings.org_profile)) if path is not None]
    files = {item.part: item.sha256 for item in settings.policy.files}
    return hashes + [(part, files[part]) for part in ("profile", "bank")] + [("policy", settings.policy.digest)]


def _write_portfolio(outcomes: Sequence[VendorOutcome], outdir: Path,
                     policy: Policy) -> tuple[Path | None, Path | None]:
    """The summary workbook and the portfolio page over every vendor assessed now or before (a vendor done by
    an earlier run is read back from its JSON result)."""
    from riskengine.assessment import Assessment
    from riskengine.atomic import write_bytes_atomically
    from riskengine.portfolio.rows import vendor_row
    from riskengine.portfolio.summary import portfolio_pdf, summary_workbook

    done = [outcome for outcome in outcomes if outcome.status != "failed"]
    if not done:
        return None, None
    rows = [outcome.row or vendor_row(Assessment.model_validate_json((outdir / outcome.json).read_bytes()))
            for outcome in done]
    reports = {outcome.assessment_id: outcome.pdf for outcome in done}
    workbook, page = outdir / WORKBOOK_NAME, outdir / PORTFOLIO_PDF_NAME
    write_bytes_atomically(workbook, summary_workbook(rows, reports=reports, policy=policy))
    write_bytes_atomically(page, portfolio_pdf(rows, policy))
    return workbook, page


@contextlib.contextmanager
def _exclusive(outdir: Path) -> Iterator[None]:
    """Hold a lock on the output folder for the run; a second batch into it is refused, not interleaved."""
    from riskengine.errors import OutputError

    try:
        outdir.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(outdir, os.O_RDONLY)
    except OSError as exc:
        raise OutputError(f"cannot write to {outdir}: {exc.strerror or exc}") from exc
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise UsageError(f"{outdir}: another batch is writing to this folder; wait for it to finish") from exc
        yield
    finally:
        os.close(descriptor)


def _remove_leftovers(outdir: Path, names: Sequence[str]) -> None:
    """Delete the temporary files (``.NAME.*.part``, see ``riskengine.atomic``) a killed run left behind."""
    wanted = set(names)
    for path in outdir.glob(".*.part"):
        name = path.name[1:].rsplit(".", 2)[0]
        if name in wanted:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
