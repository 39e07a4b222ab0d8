"""The organisation's profile: currency, horizon, rates and policy that every assessment uses."""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from riskengine.datafile import load_yaml_model

_FINITE = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)
"""No .inf or .nan reaches the arithmetic: every figure here has a finite, sane range."""


class RoleRate(BaseModel):
    """What an hour of one internal role costs: salary x load factor / productive hours."""

    model_config = _FINITE

    salary: float = Field(gt=0, le=1e12)
    """Gross yearly salary in the organisation's currency (the bound keeps the arithmetic finite in any currency,
    Indonesian rupiah included)."""
    load_factor: float = Field(ge=1, le=3)
    productive_hours: float = Field(ge=100, le=3000)

    @property
    def hourly_rate(self) -> float:
        return self.salary * self.load_factor / self.productive_hours


class OrgProfile(BaseModel):
    model_config = _FINITE

    organisation: str
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    horizon_years: int = Field(ge=1, le=15)
    discount_rate: float = Field(ge=0, le=0.5)
    approved_regions: tuple[str, ...] = ()
    requested_by: str = ""
    roles: dict[str, RoleRate] = {}
    exchange_rates: dict[str, float] = {}
    """Units of ``currency`` for one unit of another currency (Finance's budget rates); a vendor quoting in a
    currency not listed is converted at the defaults in ``scoring/tco.yaml``."""
    annual_turnover: float | None = Field(default=None, gt=0, le=1e16)
    """Worldwide annual turnover in ``currency``: GDPR's fine caps are a share of it (Art. 83(4)-(5))."""
    data_subject_regions: tuple[str, ...] = ()
    """Where the people whose data we share live; with the tool's storage regions it decides which fine
    regimes (GDPR, CCPA) the TCO prices."""

    @field_validator("exchange_rates")
    @classmethod
    def _rates(cls, value: dict[str, float]) -> dict[str, float]:
        for code, rate in value.items():
            if not re.fullmatch(r"[A-Z]{3}", code) or not _RATES[0] <= rate <= _RATES[1]:
                raise ValueError(f"exchange rate {code}: {rate} needs a 3-letter currency code and a rate between "
                                 f"{_RATES[0]:g} and {_RATES[1]:g}")
        return value


_RATES = (1e-6, 1e6)
"""Units of one currency per unit of another: the widest pair in use (e.g. IRR per USD) is under a million."""

DEFAULT_ORG = OrgProfile(organisation="", currency="EUR", horizon_years=3, discount_rate=0.08)


def load_org_profile(path: Path) -> OrgProfile:
    return load_yaml_model(path, OrgProfile, user_file=True)
