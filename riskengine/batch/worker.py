"""One batch worker process: opens the database once, then assesses questionnaire after questionnaire.

What every vendor shares (the policy, loaded once by the caller; the fonts; the database connections) is at hand
when the process starts and kept, so a vendor costs only its own reading, scoring, pricing and rendering.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from riskengine.enrich.gather import EvidenceSet
    from riskengine.enrich.settings import NetworkSettings
    from riskengine.enrich.store import EvidenceStore
    from riskengine.policy import Policy
    from riskengine.portfolio.rows import VendorRow
    from riskengine.register.store import Register

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


class _Worker:
    def __init__(self, settings: BatchSettings) -> None:
        from riskengine.enrich.store import EvidenceStore
        from riskengine.register.store import Register

        self.settings = settings
        self.register: Register = Register(settings.store_path)
        self.evidence: EvidenceStore = EvidenceStore(settings.store_path)

    def evidence_for(self, domain: str, sends_email: bool) -> EvidenceSet:
        from riskengine.enrich.gather import gather_evidence

        return gather_evidence(domain, settings=self.settings.network, now=self.settings.now, store=self.evidence,
                               web_scoring=self.settings.policy.web,
                               sends_email=sends_email)

    def assess(self, job: Job) -> VendorOutcome:
        from riskengine.outputs import write_and_record
        from riskengine.pipeline import assess
        from riskengine.portfolio.rows import vendor_row

        settings = self.settings
        assessment = assess(job.questionnaire, now=settings.now, inventory=settings.inventory,
                            org_profile=settings.org_profile, policy=settings.policy,
                            evidence_source=self.evidence_for)
        write_and_record(assessment, pdf=job.pdf, json_path=job.json, register=self.register,
                         evidence_store=self.evidence, now=settings.now, audience=settings.audience,
                         offline=settings.network.offline, policy=settings.policy)
        risk = assessment.risk
        return VendorOutcome(questionnaire=job.questionnaire.name, status="assessed",
                             assessment_id=assessment.assessment_id,
                             vendor=assessment.vendor.legal_name or job.questionnaire.name, tier=risk.tier,
                             decision=risk.decision, residual=risk.residual, pdf=job.pdf.name, json=job.json.name,
                             row=vendor_row(assessment))


_worker: _Worker | None = None
_tunes_collector = False
"""Whether this process is the worker's own, so that it may tune the garbage collector (process-wide)."""
_collector_was_running = True


def start(settings: BatchSettings, own_process: bool = False) -> None:
    """Initialise this process as a worker: open the database, warm the per-process caches.

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
    """Assess one questionnaire in this worker; never raises: a problem becomes a failed outcome."""
    import os

    from riskengine.errors import InputError, RiskEngineError, UnreadableFileError

    if _worker is None:
        raise RuntimeError("assess_one called in a process that start() did not initialise")
    started = time.perf_counter()
    try:
        outcome = _worker.assess(job)
    except UnreadableFileError as exc:
        outcome = VendorOutcome(questionnaire=job.questionnaire.name, status="failed", problems=(str(exc),))
    except InputError as exc:
        lines = [f"{exc.source}: {len(exc.errors)} error{'s' if len(exc.errors) != 1 else ''}"]
        lines += [f"  error   {problem}" for problem in exc.errors]
        outcome = VendorOutcome(questionnaire=job.questionnaire.name, status="failed", problems=tuple(lines))
    except RiskEngineError as exc:
        outcome = VendorOutcome(questionnaire=job.questionnaire.name, status="failed",
                                problems=(f"{job.questionnaire.name}: {exc}",))
    except Exception as exc:  # a bug must not stop the batch: it is reported like a bad file, with its type
        outcome = VendorOutcome(questionnaire=job.questionnaire.name, status="failed",
                                problems=(f"{job.questionnaire.name}: internal error: {type(exc).__name__}: {exc}",))
    if _tunes_collector:
        _settle()
    return _with(outcome, seconds=time.perf_counter() - started, worker=os.getpid())


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
        _worker.register.close()
        _worker.evidence.close()
        _worker = None
    if _tunes_collector:
        import gc

        gc.unfreeze()
        if _collector_was_running:
            gc.enable()
        _tunes_collector = False
