"""The inventory of systems the company already runs: the model every inventory reader produces."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from riskengine.inventory.vocabulary import Method as Method

Criticality = Literal["low", "medium", "high", "critical"]
Frequency = Literal["real-time", "hourly", "daily", "weekly", "monthly", "ad-hoc"]

CRITICALITY_RANK: dict[str, int] = {"low": 1, "medium": 2, "high": 3, "critical": 4}


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class System(_Frozen):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    name: str = Field(min_length=1)
    owner: str = ""
    """The team that runs it."""
    department: str = ""
    criticality: Criticality
    capabilities: tuple[str, ...] = ()
    """Canonical terms of the capability vocabulary."""
    data_classes: tuple[str, ...] = ()
    """Canonical terms of the data-class vocabulary."""
    customer_facing: bool = False
    sanctioned: bool = True
    hosting: str = ""
    """Where it runs: ``saas``, ``self-hosted``, ``cloud``; free text."""
    region: str = ""
    vendor: str = ""
    product: str = ""
    """The vendor's product name, when people or vendors call the system by it (``Salesforce Sales Cloud`` for a
    system named ``CRM``)."""
    aliases: tuple[str, ...] = ()
    """Other names the system goes by (``SFDC``, the old name before a migration). A questionnaire may name the
    system by its id, name, product or any alias (``riskengine.inventory.matching``)."""


class Integration(_Frozen):
    """One data flow between two systems, in the direction the data moves."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    source: str = Field(alias="from")
    target: str = Field(alias="to")
    data_classes: tuple[str, ...] = ()
    method: Method
    frequency: Frequency = "daily"


class Inventory(_Frozen):
    """Systems and the integrations between them; built by ``riskengine.inventory.records.build_inventory``,
    which checks ids, references and vocabularies and reports every problem with its place."""

    organisation: str = ""
    source: str = ""
    systems: tuple[System, ...]
    integrations: tuple[Integration, ...] = ()
