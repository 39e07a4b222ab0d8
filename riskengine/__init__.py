"""riskengine: assess a proposed martech vendor before signing.

The public API is imported lazily so that ``riskengine --help`` starts fast::

    from riskengine import assess, render
    assessment = assess(Path("vendor.xlsx"), now=datetime.now(UTC), inventory=Path("inventory.yaml"))
    pdf_bytes, json_bytes = render(assessment)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from riskengine.exports import lazy_exports

if TYPE_CHECKING:  # what the lazy exports below give, for type checkers and readers
    from riskengine.assessment import Assessment
    from riskengine.errors import (
        ClusterError,
        ConfigurationError,
        InputError,
        NotRecordedError,
        OutputError,
        PathConflictError,
        Problem,
        RiskEngineError,
        UnreadableFileError,
        UsageError,
    )
    from riskengine.outputs import render, write_outputs
    from riskengine.pipeline import assess, load_policy
    from riskengine.policy import Policy
    from riskengine.questionnaire.bank import load_bank
    from riskengine.questionnaire.submission import Submission
    from riskengine.questionnaire.template import write_template
    from riskengine.runfiles import RunFiles, check_run_files
    from riskengine.score.result import Finding, RiskResult
    from riskengine.settings import EffectiveSettings, effective_settings
    from riskengine.validation import validate


__version__ = "0.1.0"

_EXPORTS = {
    "assess": "riskengine.pipeline",
    "validate": "riskengine.validation",
    "render": "riskengine.outputs",
    "write_outputs": "riskengine.outputs",
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
    "ClusterError": "riskengine.errors",
    "Problem": "riskengine.errors",
    "RunFiles": "riskengine.runfiles",
    "check_run_files": "riskengine.runfiles",
    "effective_settings": "riskengine.settings",
    "EffectiveSettings": "riskengine.settings",
}
__all__ = [
    "Assessment",
    "ClusterError",
    "ConfigurationError",
    "EffectiveSettings",
    "Finding",
    "InputError",
    "NotRecordedError",
    "OutputError",
    "PathConflictError",
    "Policy",
    "Problem",
    "RiskEngineError",
    "RiskResult",
    "RunFiles",
    "Submission",
    "UnreadableFileError",
    "UsageError",
    "assess",
    "check_run_files",
    "effective_settings",
    "load_bank",
    "load_policy",
    "render",
    "validate",
    "write_outputs",
    "write_template",
]


__getattr__ = lazy_exports(__name__, _EXPORTS)
