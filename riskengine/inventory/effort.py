"""The integration effort model (``scoring/integration-effort.yaml``): likely hours to build one integration,
by its method, direction and the data it carries. Policy data: loaded once, read by ``inventory.analysis``."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from riskengine.datafile import load_yaml_model
from riskengine.inventory.vocabulary import Method
from riskengine.resources import data_path

Direction = Literal["inbound", "outbound", "bidirectional"]
EFFORT_MODEL = "integration-effort.yaml"


class _Hours(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    low: float = Field(ge=0)
    likely: float = Field(ge=0)
    high: float = Field(ge=0)


class EffortModel(BaseModel):
    """Integration hours by method, direction and data classes (``scoring/integration-effort.yaml``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    methods: dict[Method, _Hours]
    direction_factor: dict[Direction, float]
    data_class_extra: dict[str, float]
    critical_system_extra: float = Field(ge=0)


@cache
def load_effort_model(path: Path | None = None) -> EffortModel:
    return load_yaml_model(path or data_path("scoring", EFFORT_MODEL), EffortModel)
