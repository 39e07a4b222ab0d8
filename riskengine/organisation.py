"""The organisation's profile: currency, horizon, rates and policy that every assessment uses."""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

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


class AppetitePoint(BaseModel):
    """One point of the risk tolerance curve: a loss, and the most probability of losing more we accept."""

    model_config = _FINITE

    loss: float = Field(gt=0, le=1e15)
    """In the organisation's currency."""
    probability: float = Field(gt=0, lt=1)
    """The highest chance of losing more than ``loss`` (in a year, or over the horizon) the organisation
    accepts from one tool's risks."""


class RiskAppetite(BaseModel):
    """How much loss the organisation accepts from one tool's risks: a tolerance curve as points (Hubbard and
    Seiersen, *How to Measure Anything in Cybersecurity Risk*, 2016: the loss exceedance curve must stay under
    it). The TCO result carries it for the chart and says whether each option stays within it."""

    model_config = _FINITE

    period: Literal["year", "horizon"] = "year"
    """``year``: the chance of losing more than the amount in any one year (how risk committees state it);
    ``horizon``: over the whole TCO horizon."""
    points: tuple[AppetitePoint, ...] = Field(min_length=1, max_length=20)

    @model_validator(mode="after")
    def _a_curve(self) -> RiskAppetite:
        losses = [point.loss for point in self.points]
        if losses != sorted(set(losses)):
            raise ValueError("risk_appetite points need rising, distinct losses")
        if any(later.probability > earlier.probability for earlier, later in itertools.pairwise(self.points)):
            raise ValueError("risk_appetite: a larger loss cannot be tolerated with a higher probability")
        return self


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
    """Where the people whose data we share live: it decides which regimes (GDPR, UK GDPR, CCPA) the TCO's
    loss model prices; when it is empty the tool's storage regions stand in for it (and the TCO says so)."""
    data_subject_shares: dict[str, float] = {}
    """The share of our data subjects in each region of ``data_subject_regions`` (``{EU/EEA: 0.85, UK:
    0.15}``): a breach's records, fines and damages are split by it. Empty: an equal split."""
    online_revenue_share: float | None = Field(default=None, ge=0, le=1)
    """The share of ``annual_turnover`` earned through customer-facing digital channels (web shop, app,
    email): what an outage of a customer-facing path puts at risk. None: the default in scoring/tco.yaml."""
    risk_appetite: RiskAppetite | None = None
    """The loss the organisation accepts from one tool's risks (optional): the TCO's loss exceedance curve
    is checked against it."""
    domains: tuple[str, ...] = ()
    """The organisation's own domains (``larkspur.example``): the only ones ``riskengine discover`` may ask about,
    with their subdomains; lower-case names without a trailing dot."""

    @field_validator("domains")
    @classmethod
    def _domains(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        pattern = re.compile(r"(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(?:\.(?!-)[a-z0-9-]{1,63}(?<!-))+")
        wrong = [repr(name) for name in value if not pattern.fullmatch(name)]
        if wrong:
            raise ValueError(f"{', '.join(wrong)}: expected lower-case domain names such as example.com")
        return value

    @field_validator("exchange_rates")
    @classmethod
    def _rates(cls, value: dict[str, float]) -> dict[str, float]:
        for code, rate in value.items():
            if not re.fullmatch(r"[A-Z]{3}", code) or not _RATES[0] <= rate <= _RATES[1]:
                raise ValueError(f"exchange rate {code}: {rate} needs a 3-letter currency code and a rate between "
                                 f"{_RATES[0]:g} and {_RATES[1]:g}")
        return value

    @field_validator("data_subject_shares")
    @classmethod
    def _shares(cls, value: dict[str, float], info: ValidationInfo) -> dict[str, float]:
        unknown = sorted(set(value) - set(info.data.get("data_subject_regions", ())))
        if unknown:
            raise ValueError(f"names regions not in data_subject_regions: {', '.join(unknown)}")
        if any(not 0 < share <= 1 for share in value.values()):
            raise ValueError("shares must lie above 0 and at most 1")
        if value and abs(sum(value.values()) - 1) > 0.01:
            raise ValueError(f"shares must add up to 1, got {sum(value.values()):g}")
        return value

    def subject_shares(self) -> dict[str, float]:
        """The share of data subjects per region: as given (normalised to 1), else an equal split."""
        regions = self.data_subject_regions
        if self.data_subject_shares:
            total = sum(self.data_subject_shares.values())
            return {region: self.data_subject_shares.get(region, 0.0) / total for region in regions}
        return {region: 1.0 / len(regions) for region in regions}


_RATES = (1e-6, 1e6)
"""Units of one currency per unit of another: the widest pair in use (e.g. IRR per USD) is under a million."""

DEFAULT_ORG = OrgProfile(organisation="", currency="EUR", horizon_years=3, discount_rate=0.08)


def load_org_profile(path: Path) -> OrgProfile:
    return load_yaml_model(path, OrgProfile, user_file=True)
