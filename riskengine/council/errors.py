"""The council's error, part of riskengine's one hierarchy (the CLI maps it to exit code 2)."""

from __future__ import annotations

from riskengine.errors import RiskEngineError


class CouncilError(RiskEngineError):
    """A council request that cannot be met: a user name taken or malformed, an unknown user or role."""
