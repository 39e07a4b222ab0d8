"""One batch worker: opens the evidence store once, then assesses questionnaire after questionnaire.

What every vendor shares (the policy, loaded once by the caller; the fonts; the evidence store's connection) is at
hand when the process starts and kept, so a vendor costs only its own reading, scoring, pricing and rendering.

A worker writes each vendor's PDF and JSON (whole, ``riskengine.atomic``) and returns what the register needs
(``riskengine.outputs.Written``); it never writes to the database. The batch's own process is the one writer
(``riskengine.batch.runner``), whether the workers are a local pool's processes or a Dask cluster's, on this
machine or others (``assess_in_cluster``).
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from riskengine.enrich.gather import EvidenceSet
    from riskengine.enrich.settings import NetworkSettings
    from riskengine.enrich.store import EvidenceStore
    from riskengine.outputs import Written
    from riskengine.policy import Policy
    from riskengine.portfolio.rows import VendorRow

Status = Literal["assessed", "skipped", "failed"]


@dataclass(frozen=True)
class BatchSettings:
    """What every vendor of a batch shares; sent once to each worker process."""

    outdir: Path
    store_path: Path | str
    """The riskengine database: a SQLite file, or a database URL (``riskengine.database``)."""
    now: dt.datetime
    """The batch's clock: every assessment of the run is dated by it."""
    network: NetworkSettings
    policy: Policy
    """What judges and words every assessment of the run, loaded once by the caller."""
    inventory: Path | None = None
    org_profile: Path | None = None
    audience: Literal["full", "it", "marketing", "compliance"] = "full"
    evidence_db: Path | str | None = None
    """Where the workers read stored evidence (None: ``store_path``): the same database, a copy of it, or its
    PostgreSQL URL, as every worker reaches it. Workers only read it."""

    graph_cache: Path | None = None
    """The folder of the inventory's graph index (``riskengine.inventory.index``): computed once by the batch's
    process before any worker starts, read there by each worker (None: each worker computes its own)."""

    @property
    def evidence_location(self) -> Path | str:
        return self.evidence_db if self.evidence_db is not None else self.store_path


@dataclass(frozen=True)
class Job:
    questionnaire: Path
    pdf: Path
    json: Path


@dataclass(frozen=True)
class VendorOutcome:
    """What became of one questionnaire; ``problems`` are the lines to show for a failed one."""

    questionnaire: str
    status: Status
    assessment_id: str = ""
    vendor: str = ""
    tier: str = ""
    decision: str = ""
    residual: float = 0.0
    pdf: str = ""
    json: str = ""
    problems: tuple[str, ...] = ()
    seconds: float = 0.0
    worker: int = 0
    """Process id of the worker that assessed it (0 when skipped)."""
    row: VendorRow | None = None
    """Its line in the portfolio, made where the assessment is at hand (None when skipped or failed)."""
    written: Written | None = None
    """The files as the worker wrote them, for the batch's one writer to record (None once recorded, and when
    skipped or failed)."""


class _Worker:
    def __init__(self, settings: BatchSettings) -> None:
        self.settings = settings
        self.evidence: EvidenceStore = _open_evidence(settings.evidence_location)

    def evidence_for(self, domain: str, sends_email: bool) -> EvidenceSet:
        from riskengine.enrich.gather import gather_evidence

        # keep=False: the worker only reads the store; the one writer saves the evidence each assessment used.
        return gather_evidence(domain, settings=self.settings.network, now=self.settings.now, store=self.evidence,
                               web_scoring=self.settings.policy.web, sends_email=sends_email, keep=False)

    def assess(self, job: Job) -> VendorOutcome:
        from riskengine.outputs import write_files
        from riskengine.pipeline import assess
        from riskengine.portfolio.rows import vendor_row

        settings = self.settings
        assessment = assess(job.questionnaire, now=settings.now, inventory=settings.inventory,
                            org_profile=settings.org_profile, policy=settings.policy,
                            evidence_source=self.evidence_for, graph_cache=settings.graph_cache)
        # No sign-offs on the report: the worker cannot read the register. A vendor assessed again with the same
        # inputs, clock and evidence may have been signed; the one writer then draws its report again.
        written = write_files(assessment, pdf=job.pdf, json_path=job.json, audience=settings.audience,
                              offline=settings.network.offline, policy=settings.policy)
        risk = assessment.risk
        return VendorOutcome(questionnaire=job.questionnaire.name, status="assessed",
                             assessment_id=assessment.assessment_id,
                             vendor=assessment.vendor.legal_name or job.questionnaire.name, tier=risk.tier,
                             decision=risk.decision, residual=risk.residual, pdf=job.pdf.name, json=job.json.name,
                             row=vendor_row(assessment), written=written)

    def close(self) -> None:
        self.evidence.close()


def _open_evidence(location: Path | str) -> EvidenceStore:
    """The evidence store, to read. A SQLite file that is not there is refused rather than made empty: a worker
    on another machine would otherwise assess every vendor without the evidence the batch's database holds."""
    import socket

    from riskengine.database import database_file, locate
    from riskengine.enrich.store import EvidenceStore, StoreError

    file = database_file(locate(location))
    if file is not None and not file.is_file():
        raise StoreError(f"the evidence store {file} is not there on {socket.gethostname()}: every worker reads "
                         "the batch's database (or a copy, --evidence-db) at the same path or URL")
    return EvidenceStore(location)


_worker: _Worker | None = None
_tunes_collector = False
"""Whether this process is the worker's own, so that it may tune the garbage collector (process-wide)."""
_collector_was_running = True


def start(settings: BatchSettings, own_process: bool = False) -> None:
    """Initialise this process as a worker: open the evidence store, warm the per-process caches.

    ``own_process``: the process exists for the batch (a pool worker, or the CLI's own process), so the worker may
    tune the garbage collector, which is process-wide: automatic collection off, what is loaded now frozen, and
    one collection after each vendor (``_settle``). A library caller running a batch in its own process keeps its
    collector as it was.
    """
    global _worker, _tunes_collector, _collector_was_running
    import gc

    from riskengine.report.document import render_pdf  # noqa: F401  (reportlab, imported once)
    from riskengine.report.fonts import register_fonts

    register_fonts()
    _worker = _Worker(settings)
    _tunes_collector = own_process
    if own_process:
        # What is loaded now lives as long as the worker: moved out of the collector's sight, it is not walked
        # again. A vendor makes many objects, almost all alive until it is done (the inventory's graph, the
        # report's story): collecting while it is assessed walked them again and again (a fifth of the
        # rendering time, half of a large inventory's load). ``_settle`` collects once after it.
        _collector_was_running = gc.isenabled()
        gc.disable()
        gc.freeze()


def assess_one(job: Job) -> VendorOutcome:
    """Assess one questionnaire in this worker process (``start``); never raises: a problem becomes a failed
    outcome."""
    if _worker is None:
        raise RuntimeError("assess_one called in a process that start() did not initialise")
    outcome = _assess(_worker, job)
    if _tunes_collector:
        _settle()
    return outcome


def _assess(worker: _Worker, job: Job) -> VendorOutcome:
    import os

    started = time.perf_counter()
    try:
        outcome = worker.assess(job)
    except Exception as exc:
        outcome = _failed(job, exc)
    return _with(outcome, seconds=time.perf_counter() - started, worker=os.getpid())


def _failed(job: Job, exc: Exception) -> VendorOutcome:
    """The failed outcome of ``job``, with the lines that say why."""
    from riskengine.errors import InputError, RiskEngineError, UnreadableFileError

    if isinstance(exc, UnreadableFileError):
        return VendorOutcome(questionnaire=job.questionnaire.name, status="failed", problems=(str(exc),))
    if isinstance(exc, InputError):
        lines = [f"{exc.source}: {len(exc.errors)} error{'s' if len(exc.errors) != 1 else ''}"]
        lines += [f"  error   {problem}" for problem in exc.errors]
        return VendorOutcome(questionnaire=job.questionnaire.name, status="failed", problems=tuple(lines))
    if isinstance(exc, RiskEngineError):
        return VendorOutcome(questionnaire=job.questionnaire.name, status="failed",
                             problems=(f"{job.questionnaire.name}: {exc}",))
    # A bug must not stop the batch: it is reported like a bad file, with its type.
    return VendorOutcome(questionnaire=job.questionnaire.name, status="failed",
                         problems=(f"{job.questionnaire.name}: internal error: {type(exc).__name__}: {exc}",))


_threads = threading.local()
"""A Dask worker thread's own worker for the batch it last assessed for (``assess_in_cluster``): a database
connection belongs to the thread that opened it, and a Dask worker may run tasks on several threads."""


def assess_in_cluster(batch: str, engine: str, settings: BatchSettings, job: Job) -> VendorOutcome:
    """The task a Dask worker runs for one questionnaire of batch ``batch`` (a token the batch's process chose);
    never raises: a problem becomes a failed outcome.

    The first task of a batch on a thread opens the evidence store and registers the fonts; the rest reuse them.
    ``engine`` is the version of riskengine the batch's process runs: a worker with another one would write
    reports that the run key does not describe, so it refuses.

    The process is Dask's, not the batch's: the collector is held off only while the vendor is assessed (as in a
    pool worker, ``start``: collecting mid-vendor walked its live objects again and again), then the vendor's
    objects are collected once (the young generations only: what lived before is not walked) and the collector
    is given back as it was.
    """
    import os
    import socket

    from riskengine import __version__

    if engine != __version__:
        return VendorOutcome(questionnaire=job.questionnaire.name, status="failed", worker=os.getpid(), problems=(
            f"{job.questionnaire.name}: the Dask worker on {socket.gethostname()} runs riskengine {__version__}, "
            f"the batch {engine}: install the same version on every worker",))
    worker: _Worker | None = getattr(_threads, "worker", None)
    if worker is None or getattr(_threads, "batch", None) != batch:
        if worker is not None:
            worker.close()
            _threads.worker = None
        try:
            from riskengine.report.document import render_pdf  # noqa: F401  (reportlab, imported once)
            from riskengine.report.fonts import register_fonts

            register_fonts()
            worker = _Worker(settings)
        except Exception as exc:
            return _with(_failed(job, exc), worker=os.getpid())
        _threads.worker, _threads.batch = worker, batch
    import gc

    from riskengine.collector import collector_paused

    with collector_paused():
        outcome = _assess(worker, job)
    gc.collect(1)
    return outcome


def _settle() -> None:
    """Between two vendors: free this vendor's cyclic garbage, then freeze what is left.

    What survives a vendor is the worker's own (the reports' layout memo in ``report.text``, caches): frozen,
    it is never walked again. One full collection here, over this vendor's objects only, keeps memory flat
    (the batch benchmark measures it). Frozen objects are still freed when their last reference goes (the memo
    forgets an entry); only cyclic garbage that was alive when frozen would stay.
    """
    import gc

    gc.collect()
    gc.freeze()


def _with(outcome: VendorOutcome, **changes: object) -> VendorOutcome:
    from dataclasses import replace

    return replace(outcome, **changes)  # type: ignore[arg-type]


def stop() -> None:
    """Close this process's database connections (in-process runs; pool workers just exit), and give the collector
    back as it was if ``start`` tuned it."""
    global _worker, _tunes_collector
    if _worker is not None:
        _worker.close()
        _worker = None
    if _tunes_collector:
        import gc

        gc.unfreeze()
        if _collector_was_running:
            gc.enable()
        _tunes_collector = False
