"""The signing errors, part of riskengine's one hierarchy (the CLI maps them to exit code 2).

    RiskEngineError
     └── SigningError          a signed report cannot be issued (no key configured, a timestamp service failing)
          └── SigningKeyError  a key or certificate cannot be created or read (exists already, wrong passphrase)

What ``verify`` finds wrong with a signed report is not an error but its answer (``riskengine.signing.check``).
"""

from __future__ import annotations

from riskengine.errors import RiskEngineError

__all__ = ["SigningError", "SigningKeyError"]


class SigningError(RiskEngineError):
    """A signed report cannot be issued: no signing key configured, or the timestamp service failed."""


class SigningKeyError(SigningError):
    """A key or a certificate cannot be created or read; the message names the file."""
