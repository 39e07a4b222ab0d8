"""The inventory of systems the company already runs, as read from its documented YAML format."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Criticality = Literal["low", "medium", "high", "critical"]
Method = Literal["api", "webhook", "file", "sdk", "tag", "manual"]
Frequency = Literal["real-time", "hourly", "daily", "weekly", "monthly", "ad-hoc"]

CRITICALITY_RANK: dict[str, int] = {"low": 1, "medium": 2, "high": 3, "critical": 4}


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class System(_Frozen):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str
    owner: str
    """The team that runs it."""
    department: str
    criticality: Criticality
    capabilities: tuple[str, ...] = ()
    data_classes: tuple[str, ...] = ()
    customer_facing: bool = False
    sanctioned: bool = True
    hosting: str = ""
    """Where it runs: ``saas``, ``self-hosted``, ``cloud``; free text."""
    region: str = ""
    vendor: str = ""


class Integration(_Frozen):
    source: str = Field(alias="from")
    target: str = Field(alias="to")
    data_classes: tuple[str, ...] = ()
    method: Method
    frequency: Frequency = "daily"

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class Inventory(_Frozen):
    """Systems and the integrations between them."""

    organisation: str = ""
    systems: tuple[System, ...] = Field(min_length=1)
    integrations: tuple[Integration, ...] = ()

    @model_validator(mode="after")
    def _references(self) -> Inventory:
        ids = [system.id for system in self.systems]
        duplicates = sorted({system_id for system_id in ids if ids.count(system_id) > 1})
        if duplicates:
            raise ValueError(f"duplicate system ids: {', '.join(duplicates)}")
        known = set(ids)
        for index, integration in enumerate(self.integrations):
            for end in (integration.source, integration.target):
                if end not in known:
                    raise ValueError(f"integrations[{index}] names unknown system {end!r}")
        return self
