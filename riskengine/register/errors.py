"""The register's errors, part of riskengine's one hierarchy (the CLI maps them to exit code 2).

The register's own modules import this where they raise, not at the top: it brings pydantic (through
``riskengine.errors``), which the read-only commands (``history``, ``due``, ``verify``) never need.
"""

from __future__ import annotations

from riskengine.errors import RiskEngineError


class DatabaseError(RiskEngineError):
    """The riskengine database cannot be opened, is not one of ours, or was made by a newer riskengine."""


class RegisterError(RiskEngineError):
    """A register request cannot be met: an unknown assessment or report, a sign-off after the final one."""
