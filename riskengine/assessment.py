"""The Assessment: everything one run produced, the single model the report and the JSON are made from."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from riskengine.enrich.gather import EvidenceSet
from riskengine.errors import Problem
from riskengine.filekind import HEAD_BYTES
from riskengine.inventory.analysis import GraphFindings
from riskengine.organisation import DEFAULT_ORG
from riskengine.questionnaire.submission import Coverage
from riskengine.report.wording import ReportWording
from riskengine.score.result import Finding, RiskResult
from riskengine.tco.result import TcoResult

SCHEMA_VERSION = "1"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class InputFile(_Frozen):
    role: Literal["questionnaire", "inventory", "profile", "org_profile", "bank", "policy"]
    name: str
    """The file's name; for the policy, ``shipped`` or the files the organisation overrode."""
    sha256: str
    """The file's sha256; for the policy, ``Policy.digest`` (over every part it was judged and worded by)."""


class Versions(_Frozen):
    engine: str
    bank: str
    profile: str
    schema_version: str = SCHEMA_VERSION


class Vendor(_Frozen):
    legal_name: str
    product: str
    domain: str
    country: str = ""
    founded: int | None = None


class AnsweredQuestion(_Frozen):
    """One row of the report's appendix: every answer with its cell."""

    question_id: str
    section: str
    question: str
    answer: str
    place: str
    comment: str = ""


class OpenQuestion(_Frozen):
    """One of our questions that a questionnaire in a foreign format does not answer: listed, never scored as met."""

    question_id: str
    section: str
    question: str


class NotConsidered(_Frozen):
    """An input the assessment was run without, and what it therefore did not assess."""

    role: Literal["inventory", "org_profile"]
    effect: str
    """What was not assessed, as the policy words it (``templates/report.yaml``, ``not_considered``)."""


def not_considered(wording: ReportWording, *, inventory: bool, org_profile: bool) -> tuple[NotConsidered, ...]:
    """What a run without an inventory or an organisation profile (``inventory``, ``org_profile``: whether each was
    given) leaves out: the same sentences on the command line, in the report and in the JSON."""
    text = wording.not_considered
    missing: list[NotConsidered] = []
    if not inventory:
        missing.append(NotConsidered(role="inventory", effect=text.inventory))
    if not org_profile:
        missing.append(NotConsidered(role="org_profile", effect=text.org_profile.format(
            currency=DEFAULT_ORG.currency, years=DEFAULT_ORG.horizon_years)))
    return tuple(missing)


class Assessment(_Frozen):
    """One assessment of one vendor; ``model_dump_json()`` of this is the JSON result."""

    assessment_id: str
    created: dt.datetime
    requested_by: str
    vendor: Vendor
    inputs: tuple[InputFile, ...]
    versions: Versions
    risk: RiskResult
    findings: tuple[Finding, ...]
    tco: TcoResult | None = None
    """Total cost of ownership of both adoption options; None only when the stage did not run."""
    graph: GraphFindings | None
    evidence: EvidenceSet | None = None
    """Outside evidence about the vendor's domain; None when the run gathered none."""
    answers: tuple[AnsweredQuestion, ...]
    warnings: tuple[Problem, ...]
    coverage: Coverage | None = None
    """How a questionnaire in a foreign format (CAIQ, HECVAT, VSAQ, a one-off) covered our bank; None for ours."""
    not_covered: tuple[OpenQuestion, ...] = ()
    """Our questions that foreign questionnaire does not answer, in bank order, with their text."""
    not_considered: tuple[NotConsidered, ...] = ()
    """The inputs the run was without (no inventory, no organisation profile) and what each leaves out."""


def load_result(path: Path) -> Assessment:
    """Read a JSON result ``assess`` wrote; ``UsageError`` for a file too large or not a result (with the first
    problem), ``InputError`` for a file that is not a regular one (a pipe, a device)."""
    from pydantic import ValidationError

    from riskengine.errors import UsageError
    from riskengine.runfiles import MAX_JSON_BYTES, require_regular_file

    require_regular_file(path)
    size = path.stat().st_size
    if size > MAX_JSON_BYTES:
        raise UsageError(f"{path}: {size:,} bytes is not a riskengine JSON result (the limit is {MAX_JSON_BYTES:,})")
    content = path.read_bytes()
    _refuse_another_kind(path, content[:HEAD_BYTES])
    try:
        return Assessment.model_validate_json(content)
    except ValidationError as exc:
        raise UsageError(f"{path}: not a riskengine JSON result ({exc.error_count()} problems, first: "
                         f"{exc.errors()[0]['msg']})") from exc


def _refuse_another_kind(path: Path, head: bytes) -> None:
    """A file of another kind (the PDF report, the questionnaire, an inventory) is named as what it is, with where
    to look instead: for a PDF, the JSON result written beside it when there is one."""
    from riskengine.errors import UsageError
    from riskengine.filekind import PDF, RESULT, identify

    kind = identify(head)
    if kind is None or kind is RESULT:
        return
    advice = kind.advice(path)
    if kind is PDF:
        beside = path.with_suffix(".json")
        advice = (f"the JSON result written with it is {beside}" if beside.is_file() else
                  "the JSON result is the file assess writes with the report (--json; by default the report's name "
                  "with .json)")
    raise UsageError(f"{path}: this is {kind.what}, not a riskengine JSON result; {advice}")


def assessment_json(assessment: Assessment) -> bytes:
    """The JSON result: the whole assessment, indented, one trailing newline (what ``--json`` writes)."""
    return (assessment.model_dump_json(indent=2) + "\n").encode()
