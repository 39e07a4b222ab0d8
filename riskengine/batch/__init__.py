"""Batch: assess a folder of questionnaires with a pool of processes, resumably, into one output folder.

    from riskengine.batch import BatchSettings, run_batch
    result = run_batch(Path("inbox"), BatchSettings(outdir=Path("out"), store_path=db, now=now,
                                                    network=NetworkSettings(offline=True)), workers=2)
    print(result.count("assessed"), result.count("skipped"), len(result.failed))
"""

from __future__ import annotations

from typing import Any

_EXPORTS = {
    "run_batch": "riskengine.batch.runner",
    "find_questionnaires": "riskengine.batch.runner",
    "BatchResult": "riskengine.batch.runner",
    "BatchSettings": "riskengine.batch.worker",
    "VendorOutcome": "riskengine.batch.worker",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'riskengine.batch' has no attribute {name!r}")
