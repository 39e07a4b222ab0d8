"""The Assessment: everything one run produced, the single model the report and the JSON are made from."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict

from riskengine.errors import Problem
from riskengine.facts import Provenance
from riskengine.score.result import Finding, RiskResult

SCHEMA_VERSION = "1"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class InputFile(_Frozen):
    role: Literal["questionnaire", "inventory", "profile", "org_profile", "bank"]
    name: str
    sha256: str


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


class Connection(_Frozen):
    """One proposed integration between the tool and an existing system."""

    system_id: str
    system_name: str
    direction: Literal["inbound", "outbound", "bidirectional"]
    data_classes: tuple[str, ...]
    method: str
    frequency: str
    criticality: str
    customer_facing: bool
    place: str


class GraphSummary(_Frozen):
    inventory: str
    systems_in_inventory: int
    connections: tuple[Connection, ...]
    reachable: tuple[str, ...]
    """Existing systems reachable from the tool through integrations, by id."""
    critical_reachable: tuple[str, ...]
    customer_facing_reachable: tuple[str, ...]
    duplicates: tuple[str, ...]
    """Existing systems that already provide the tool's capability."""
    capability: str
    provenance: tuple[Provenance, ...] = ()


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
    tco: None = None
    graph: GraphSummary | None
    evidence: tuple[()] = ()
    answers: tuple[AnsweredQuestion, ...]
    warnings: tuple[Problem, ...]
