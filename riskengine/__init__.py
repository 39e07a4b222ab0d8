"""riskengine: assess a proposed martech vendor before signing.

The public API is imported lazily so that ``riskengine --help`` starts fast::

    from riskengine import assess, render
    assessment = assess(Path("vendor.xlsx"), now=datetime.now(UTC), inventory=Path("inventory.yaml"))
    pdf_bytes, json_bytes = render(assessment)
"""

from __future__ import annotations

from riskengine.exports import lazy_exports

__version__ = "0.1.0"

_EXPORTS = {
    "assess": "riskengine.pipeline",
    "validate": "riskengine.validation",
    "render": "riskengine.pipeline",
    "write_outputs": "riskengine.pipeline",
    "Assessment": "riskengine.assessment",
    "Submission": "riskengine.questionnaire.submission",
    "RiskResult": "riskengine.score.result",
    "Finding": "riskengine.score.result",
    "load_bank": "riskengine.questionnaire.bank",
    "load_policy": "riskengine.pipeline",
    "Policy": "riskengine.policy",
    "write_template": "riskengine.questionnaire.template",
    "RiskEngineError": "riskengine.errors",
    "InputError": "riskengine.errors",
    "UnreadableFileError": "riskengine.errors",
    "ConfigurationError": "riskengine.errors",
    "UsageError": "riskengine.errors",
    "OutputError": "riskengine.errors",
    "PathConflictError": "riskengine.errors",
    "NotRecordedError": "riskengine.errors",
    "Problem": "riskengine.errors",
    "RunFiles": "riskengine.runfiles",
    "check_run_files": "riskengine.runfiles",
}
__all__ = sorted(_EXPORTS)


__getattr__ = lazy_exports(__name__, _EXPORTS)
