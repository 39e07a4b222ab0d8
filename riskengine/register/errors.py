"""The register's errors, part of riskengine's one hierarchy (the CLI maps them to exit code 2).

The register's own modules import this where they raise, not at the top: it brings pydantic (through
``riskengine.errors``), which the read-only commands (``history``, ``due``, ``verify``) never need.

    RiskEngineError
     ├── DatabaseError        the file cannot be opened, is not ours, or a newer riskengine made it
     └── RegisterError        a request the register cannot meet (unknown id, a sign-off after the final one)
          └── CorruptRecordError   a recorded row cannot be read as what it must be (names the assessment)
"""

from __future__ import annotations

from riskengine.errors import DatabaseError, RiskEngineError

__all__ = ["CorruptRecordError", "DatabaseError", "RegisterError"]


class RegisterError(RiskEngineError):
    """A register request cannot be met: an unknown assessment or report, a sign-off after the final one."""


class CorruptRecordError(RegisterError):
    """A recorded row is not what riskengine wrote: a result that is not JSON or not an assessment, a value of
    the wrong type, a null where a value must be. ``assessment_id`` names the assessment it belongs to."""

    def __init__(self, assessment_id: str, message: str) -> None:
        self.assessment_id = assessment_id
        super().__init__(message)
