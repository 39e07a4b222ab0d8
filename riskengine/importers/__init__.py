"""Importers: questionnaires in other people's formats (CAIQ v3.1 and v4, HECVAT 3 and 4, VSAQ, one-off workbooks), read
onto our bank through mappings kept as data in ``questionnaires/mappings/``.

::

    from riskengine.importers import read_questionnaire
    submission = read_questionnaire(Path("vendor-caiq.xlsx"), load_bank(), today=dt.date.today())
    print(submission.coverage.answers_mapped, submission.coverage.not_covered)

The names are imported on first use, so that ``riskengine --help`` does not pay for pydantic and openpyxl.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from riskengine.importers.mapping import Mapping, load_mapping
    from riskengine.importers.reading import FORMATS, detect_format, read_questionnaire
    from riskengine.questionnaire.submission import Coverage, ImportFlag, UnparsedAnswer, VendorEvidence

from riskengine.exports import lazy_exports

_EXPORTS = {
    "read_questionnaire": "riskengine.importers.reading",
    "detect_format": "riskengine.importers.reading",
    "FORMATS": "riskengine.importers.reading",
    "load_mapping": "riskengine.importers.mapping",
    "Mapping": "riskengine.importers.mapping",
    "Coverage": "riskengine.questionnaire.submission",
    "UnparsedAnswer": "riskengine.questionnaire.submission",
    "VendorEvidence": "riskengine.questionnaire.submission",
    "ImportFlag": "riskengine.questionnaire.submission",
}
__all__ = [
    "FORMATS",
    "Coverage",
    "ImportFlag",
    "Mapping",
    "UnparsedAnswer",
    "VendorEvidence",
    "detect_format",
    "load_mapping",
    "read_questionnaire",
]


__getattr__ = lazy_exports(__name__, _EXPORTS)
