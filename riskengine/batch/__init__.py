"""Batch: assess a folder of questionnaires with a pool of processes, resumably, into one output folder.

    from riskengine import load_policy
    from riskengine.batch import BatchSettings, run_batch
    result = run_batch(Path("inbox"), BatchSettings(outdir=Path("out"), store_path=db, now=now,
                                                    network=NetworkSettings(offline=True), policy=load_policy()),
                       workers=2)
    print(result.count("assessed"), result.count("skipped"), len(result.failed))
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from riskengine.exports import lazy_exports

if TYPE_CHECKING:  # what the lazy exports below give, for type checkers and readers
    from riskengine.batch.runner import BatchResult, find_questionnaires, run_batch
    from riskengine.batch.worker import BatchSettings, VendorOutcome


_EXPORTS = {
    "run_batch": "riskengine.batch.runner",
    "find_questionnaires": "riskengine.batch.runner",
    "BatchResult": "riskengine.batch.runner",
    "BatchSettings": "riskengine.batch.worker",
    "VendorOutcome": "riskengine.batch.worker",
}
__all__ = [
    "BatchResult",
    "BatchSettings",
    "VendorOutcome",
    "find_questionnaires",
    "run_batch",
]


__getattr__ = lazy_exports(__name__, _EXPORTS)
