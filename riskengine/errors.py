"""One error hierarchy for the library; only ``riskengine.cli.errors`` turns these into messages and exit codes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, ConfigDict


class Problem(BaseModel):
    """One thing wrong (or worth a warning) in a user's file, with the place a user can find it."""

    model_config = ConfigDict(frozen=True)

    place: str
    """Where: ``Security!D14``, ``inventory.yaml:12``, ``scoring/default.yaml rule C-SEC-01``."""
    message: str
    severity: Literal["error", "warning"] = "error"
    question_id: str | None = None

    def __str__(self) -> str:
        where = f"{self.place} ({self.question_id})" if self.question_id else self.place
        return f"{where}: {self.message}"


class RiskEngineError(Exception):
    """Base of every error riskengine raises on purpose."""


class DatabaseError(RiskEngineError):
    """The riskengine database (evidence store and register, ``riskengine.database``) cannot be opened, is not one
    of ours, or was made by a newer riskengine."""


class InputError(RiskEngineError):
    """A user's file is unusable. Holds every problem found, not just the first."""

    def __init__(self, source: str, problems: Iterable[Problem]) -> None:
        self.source = source
        self.problems = list(problems)
        count = len(self.errors)
        super().__init__(f"{source}: {count} problem{'s' if count != 1 else ''}")

    @property
    def errors(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.severity == "warning"]


class UnreadableFileError(InputError):
    """The file cannot be opened as what it claims to be (empty, not a workbook, encrypted, hostile)."""

    def __init__(self, source: str, reason: str) -> None:
        self.reason = reason
        super().__init__(source, [Problem(place=source, message=reason)])

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


class ConfigurationError(RiskEngineError):
    """A data file shipped with or layered over riskengine (bank, profile, template) is invalid."""

    def __init__(self, source: str, problems: Iterable[Problem]) -> None:
        self.source = source
        self.problems = list(problems)
        super().__init__("; ".join(str(problem) for problem in self.problems))


class OutputError(RiskEngineError):
    """An output file cannot be written (no such folder, no permission, disk full); nothing half-written is left."""


class NotRecordedError(OutputError):
    """The outputs were written whole, but recording them in the register failed: the register does not know them."""


class ClusterError(RiskEngineError):
    """A batch cannot run on the Dask cluster it names: Dask is not installed (the ``dask`` extra), the scheduler
    does not answer, or it was lost during the run (what was recorded by then stays)."""


class MailError(RiskEngineError):
    """A mail could not be sent: the mail server refused the connection, did not answer in time, refused TLS, the
    credentials or the message. Whatever the mail was for is left as it was (an invitation stays unsent)."""


class UsageError(RiskEngineError):
    """The command was called with options that cannot work together."""


class PathConflictError(UsageError):
    """An output would replace an input, the register database, another output of the same run, or an existing file
    riskengine did not write (unless forced). Raised before anything is read or written; ``conflicts`` holds every
    one, each naming the output's role and what it would replace."""

    def __init__(self, conflicts: Iterable[str]) -> None:
        self.conflicts = list(conflicts)
        super().__init__("\n  ".join(self.conflicts))

