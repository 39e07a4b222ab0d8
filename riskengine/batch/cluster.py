"""A batch's vendors on a Dask cluster (``dask.distributed``): the same worker function as the local pool, on as
many machines as the cluster has.

    riskengine batch inbox/ --scheduler tcp://scheduler.internal:8786    # a running cluster (docs/dask.md)
    riskengine batch inbox/ --scheduler local:4                           # 4 worker processes here, for the run

Each questionnaire is one task (``riskengine.batch.worker.assess_in_cluster``); the settings every vendor shares
(the policy above all, a quarter of a megabyte) go to each worker once (``Client.scatter``), not with every task.
A task writes the vendor's PDF and JSON into the shared output folder and returns what the register needs; the
batch's own process records it (the one writer, ``riskengine.batch.runner``). A worker that dies mid-task has its
tasks run again on another (Dask's ``allowed-failures``); the register keeps one row per assessment however often a
task ran.

Dask is an optional extra (``pip install 'riskengine[dask]'``), imported only here and only when a batch names a
scheduler: ``ClusterError`` says how to install it when it is missing.
"""

from __future__ import annotations

import contextlib
import logging
import re
import uuid
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from riskengine.batch.worker import BatchSettings, Job, VendorOutcome, assess_in_cluster
from riskengine.errors import ClusterError, UsageError

if TYPE_CHECKING:
    from distributed import Client

CONNECT_TIMEOUT = 10.0
"""Seconds to wait for a scheduler to answer before giving up: a scheduler on the network answers in well under
one; Dask's own default (30 s) is long to wait for a mistyped address."""
INSTALL = "pip install 'riskengine[dask]'"
WORKER_CONFIG = {"distributed.worker.profile.enabled": False,
                 "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}
"""Dask settings of the workers a ``local:N`` batch starts (docs/dask.md gives ``dask worker`` the same in a
configuration file). No statistical profiler: its thread walks the running task's stack every 10 ms. No
``MALLOC_TRIM_THRESHOLD_`` (``None`` unsets it): Dask's 65536 also fixes glibc's mmap threshold, so every large
allocation of a vendor (the Monte Carlo's arrays, the report's buffers) was mapped and unmapped again: about 40 %
more CPU per vendor, measured on 40 vendors."""
_ADDRESS = re.compile(r"^(tcp|tls)://(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.\-]+):(\d{1,5})$")
_LOCAL = re.compile(r"^local:(\d{1,3})$")


def parse_scheduler(text: str) -> tuple[str, int]:
    """``("local", N)`` for ``local:N``, else ``(address, 0)`` for ``tcp://HOST:PORT`` or ``tls://HOST:PORT``;
    ``UsageError`` saying what was expected for anything else."""
    local = _LOCAL.match(text)
    if local:
        count = int(local.group(1))
        if count < 1:
            raise UsageError(f"--scheduler {text}: a local cluster needs at least one worker (local:2)")
        return "local", count
    address = _ADDRESS.match(text)
    if not address or not 0 < int(address.group(3)) < 65536:
        raise UsageError(f"--scheduler {text!r}: expected tcp://HOST:PORT (a running Dask scheduler, by default on "
                         "port 8786) or local:N (N worker processes on this machine)")
    return text, 0


def check_scheduler(text: str) -> None:
    """Before anything is read or written: ``UsageError`` for an address that is neither form, ``ClusterError``
    when Dask is not installed."""
    parse_scheduler(text)
    _distributed()


def _distributed() -> Any:
    """``dask.distributed``, or ``ClusterError`` naming the extra that installs it."""
    try:
        import distributed
    except ImportError as exc:
        raise ClusterError(f"--scheduler needs Dask, which is not installed: {INSTALL}") from exc
    return distributed


@contextlib.contextmanager
def cluster_client(scheduler: str, *, timeout: float = CONNECT_TIMEOUT) -> Iterator[Client]:
    """A Dask client for ``scheduler`` (see ``parse_scheduler``), closed on exit; ``local:N`` starts a cluster of
    N single-threaded worker processes on 127.0.0.1 for the run and stops it after.

    ``ClusterError`` when Dask is missing or the scheduler does not answer within ``timeout`` seconds.
    """
    address, count = parse_scheduler(scheduler)
    distributed = _distributed()
    with contextlib.ExitStack() as stack:
        if address == "local":
            import dask

            # One thread per worker: a vendor is CPU-bound Python, so threads in one process would share its GIL.
            # No dashboard (no port to take). Dask's log stays quiet: a vendor's problems come back as outcomes,
            # and a cluster being stopped logs its workers' lost heartbeats as errors, with tracebacks.
            with dask.config.set(WORKER_CONFIG):
                cluster = stack.enter_context(distributed.LocalCluster(
                    n_workers=count, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None,
                    silence_logs=logging.CRITICAL))
            address = cluster.scheduler_address
        try:
            client = distributed.Client(address, timeout=timeout, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise ClusterError(f"--scheduler {scheduler}: no Dask scheduler answered within {timeout:g} s ({exc}); "
                               "start one with 'dask scheduler' and its workers with 'dask worker "
                               f"{address}' (docs/dask.md)") from exc
        stack.callback(client.close)
        yield client


def assess_on_cluster(client: Client, jobs: Sequence[Job], settings: BatchSettings) -> Iterator[VendorOutcome]:
    """Assess ``jobs`` on the cluster behind ``client``; each outcome as its task finishes (with what to record).

    A task whose workers kept dying (Dask's ``allowed-failures``) becomes a failed outcome; losing the scheduler
    is a ``ClusterError`` (what was recorded by then stays).
    """
    if not jobs:
        return
    distributed = _distributed()
    from riskengine import __version__

    batch = uuid.uuid4().hex  # this run's workers on each thread; never in an output
    try:
        [shared] = client.scatter([settings], broadcast=True, hash=False)  # type: ignore[no-untyped-call]
        futures = {client.submit(assess_in_cluster, batch, __version__, shared, job, pure=False,
                                 key=f"riskengine-{batch}-{index}"): job for index, job in enumerate(jobs)}
    except (OSError, TimeoutError, distributed.CancelledError) as exc:
        raise ClusterError(f"the Dask scheduler stopped answering: {exc}") from exc
    try:
        for future in distributed.as_completed(futures, loop=client.loop):
            job = futures.pop(future)
            try:
                yield future.result()
            except distributed.KilledWorker as exc:
                yield VendorOutcome(questionnaire=job.questionnaire.name, status="failed", problems=(
                    f"{job.questionnaire.name}: every Dask worker assessing it stopped unexpectedly ({exc})",))
            except (OSError, TimeoutError, distributed.CancelledError) as exc:
                # Dask's message names the task's key and spans lines; the user needs the scheduler and what next
                address = f" {client.scheduler.address}" if client.scheduler is not None else ""
                raise ClusterError(f"lost the Dask scheduler{address} while assessing "
                                   f"{job.questionnaire.name}; what was recorded stays: run the batch again to "
                                   "resume") from exc
            finally:
                future.release()
    finally:
        for future in futures:
            future.cancel()  # type: ignore[no-untyped-call]
        shared.release()
