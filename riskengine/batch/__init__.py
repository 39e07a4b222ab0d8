"""Batch: assess a folder of questionnaires with a pool of processes, resumably, into one output folder.

    from riskengine.batch import BatchSettings, run_batch
    result = run_batch(Path("inbox"), BatchSettings(outdir=Path("out"), store_path=db, now=now,
                                                    network=NetworkSettings(offline=True)), workers=2)
    print(result.count("assessed"), result.count("skipped"), len(result.failed))
"""

from __future__ import annotations

from riskengine.exports import lazy_exports

_EXPORTS = {
    "run_batch": "riskengine.batch.runner",
    "find_questionnaires": "riskengine.batch.runner",
    "BatchResult": "riskengine.batch.runner",
    "BatchSettings": "riskengine.batch.worker",
    "VendorOutcome": "riskengine.batch.worker",
}
__all__ = sorted(_EXPORTS)


__getattr__ = lazy_exports(__name__, _EXPORTS)
