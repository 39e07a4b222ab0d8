"""The organisation's profile: currency, horizon, rates and policy that every assessment uses."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from riskengine.datafile import load_yaml_model


class RoleRate(BaseModel):
    """What an hour of one internal role costs: salary x load factor / productive hours."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    salary: float = Field(gt=0)
    load_factor: float = Field(ge=1, le=3)
    productive_hours: float = Field(gt=0, le=3000)

    @property
    def hourly_rate(self) -> float:
        return self.salary * self.load_factor / self.productive_hours


class OrgProfile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    organisation: str
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    horizon_years: int = Field(ge=1, le=15)
    discount_rate: float = Field(ge=0, le=0.5)
    approved_regions: tuple[str, ...] = ()
    requested_by: str = ""
    roles: dict[str, RoleRate] = {}


DEFAULT_ORG = OrgProfile(organisation="", currency="EUR", horizon_years=3, discount_rate=0.08)


def load_org_profile(path: Path) -> OrgProfile:
    return load_yaml_model(path, OrgProfile, user_file=True)
