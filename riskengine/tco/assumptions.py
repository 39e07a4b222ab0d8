"""The TCO model's assumptions (``scoring/tco.yaml``): every number with a title, a unit and a source.

The file is validated on load: ranges are ordered, roles named anywhere are priced, money units are known
currencies and the wording templates use only the placeholders the model fills. The differences between
the two options are parameters here, never code.
"""

from __future__ import annotations

import hashlib
import string
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from riskengine.datafile import load_yaml_model
from riskengine.organisation import RoleRate
from riskengine.resources import data_path

DEFAULT_ASSUMPTIONS = "tco.yaml"
OptionId = Literal["good_enough", "built_to_last"]
OPTION_IDS: tuple[OptionId, OptionId] = ("good_enough", "built_to_last")
CURRENCY = r"^[A-Z]{3}$"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)  # no .inf or .nan reaches a price


class Sourced(_Frozen):
    """Anything that carries a number from outside the code: what it is, its unit, where it comes from."""

    title: str = Field(min_length=3)
    unit: str = Field(min_length=1)
    source: str = Field(min_length=3)
    """A citation, or ``riskengine judgement`` with the reasoning."""


class Value(Sourced):
    """One fixed number."""

    value: float


class Spread(Sourced):
    """An uncertain number as a PERT range: low <= likely <= high."""

    low: float
    likely: float
    high: float

    @model_validator(mode="after")
    def _ordered(self) -> Spread:
        if not self.low <= self.likely <= self.high:
            raise ValueError(f"needs low <= likely <= high, got {self.low:g} / {self.likely:g} / {self.high:g}")
        return self


class Cap(Sourced):
    """A legal maximum: a fixed amount or a share of worldwide annual turnover, whichever is higher."""

    fixed: float = Field(gt=0)
    turnover_share: float = Field(ge=0, le=1)


class Factors(Sourced):
    """A multiplier chosen by an answer (for example the answer on proprietary formats)."""

    factors: dict[str, float]


class ExchangeRates(Sourced):
    per_eur: dict[str, float]
    """Units of each currency for one euro."""

    @model_validator(mode="after")
    def _euro_is_one(self) -> ExchangeRates:
        if self.per_eur.get("EUR") != 1.0:
            raise ValueError("per_eur must give EUR: 1.0")
        if any(rate <= 0 for rate in self.per_eur.values()):
            raise ValueError("exchange rates must be positive")
        return self


class Roles(Sourced):
    """Default loaded rates, used for a role the organisation profile does not price."""

    rates: dict[str, RoleRate] = Field(min_length=1)


class Simulation(_Frozen):
    seed: int = Field(ge=0, lt=2**63)
    trials: int = Field(ge=1, le=10_000_000)
    pert_lambda: Value


class Licence(_Frozen):
    volume: dict[str, Spread]
    """Billed units against the offer, by pricing model answer; ``default`` for any other answer."""
    uplift: Spread

    @model_validator(mode="after")
    def _has_default(self) -> Licence:
        if "default" not in self.volume:
            raise ValueError("licence.volume needs a 'default' range for pricing models not listed")
        return self

    def volume_for(self, pricing_model: str) -> tuple[str, Spread]:
        key = pricing_model if pricing_model in self.volume else "default"
        return key, self.volume[key]


class Implementation(_Frozen):
    overrun: Spread
    internal_hours: dict[str, Spread]


class Integration(_Frozen):
    role: str
    default_hours: Spread


class Admin(_Frozen):
    hours_per_year: dict[str, Spread]


class Exit(_Frozen):
    hours: dict[str, Spread]
    repoint_share: Value
    proprietary: Factors
    closed_export: Value
    open_formats: tuple[str, ...] = Field(min_length=1)


class Loss(_Frozen):
    rate_floor: Spread
    rate_per_gap: Spread
    severity_anchor: Value
    anchor_records: Value
    severity_exponent: Value
    event_share: Spread

    @model_validator(mode="after")
    def _sane(self) -> Loss:
        if not 0 < self.severity_exponent.value <= 1:
            raise ValueError("severity_exponent must lie in (0, 1]: breach cost grows at most linearly in records")
        if self.anchor_records.value <= 0:
            raise ValueError("anchor_records must be positive")
        if self.rate_floor.low < 0 or self.rate_per_gap.low < 0:
            raise ValueError("loss event rates cannot be negative")
        if self.event_share.low < 0 or self.event_share.high > 1:
            raise ValueError("event_share must lie within 0 and 1")
        return self


class Gdpr(_Frozen):
    regions: tuple[str, ...]
    probability: Value
    amount: Spread
    cap_security: Cap
    cap_transfer: Cap


class Ccpa(_Frozen):
    regions: tuple[str, ...]
    probability: Value
    damages_per_consumer: Spread
    consumers_share: Value


class Fines(_Frozen):
    gdpr: Gdpr
    ccpa: Ccpa

    @model_validator(mode="after")
    def _probabilities(self) -> Fines:
        for name, value in (("gdpr", self.gdpr.probability), ("ccpa", self.ccpa.probability),
                            ("ccpa consumers_share", self.ccpa.consumers_share)):
            if not 0 <= value.value <= 1:
                raise ValueError(f"{name} must lie within 0 and 1, got {value.value:g}")
        return self


LineId = Literal["licences", "implementation", "integration", "connectors", "internal", "governance",
                 "training", "support", "exit", "expected_loss"]


class LineItem(_Frozen):
    """Work or spend one option adds: once in year 1 or every year; hours by role or an amount of money."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    line: LineId
    when: Literal["once", "yearly"]
    per_integration: bool = False
    hours: dict[str, Spread] = {}
    amount: Spread | None = None

    @model_validator(mode="after")
    def _priced(self) -> LineItem:
        if not self.hours and self.amount is None:
            raise ValueError(f"item {self.id} needs hours or an amount")
        if self.line in ("licences", "support", "exit", "expected_loss"):
            raise ValueError(f"item {self.id} cannot add to the {self.line} line (it is computed from answers)")
        return self


class Option(_Frozen):
    title: str
    summary: str
    internal_hours_factor: Value
    integration_factor: Value
    admin_hours_factor: Value
    maintenance_share: Spread
    upkeep_growth: Spread
    event_rate_factor: Value
    exit_factor: Value
    items: tuple[LineItem, ...] = ()

    @model_validator(mode="after")
    def _non_negative(self) -> Option:
        for name in ("internal_hours_factor", "integration_factor", "admin_hours_factor", "event_rate_factor",
                     "exit_factor"):
            if getattr(self, name).value < 0:
                raise ValueError(f"{name} cannot be negative")
        if self.upkeep_growth.low <= -1 or self.maintenance_share.low < 0:
            raise ValueError("upkeep_growth must exceed -1 and maintenance_share cannot be negative")
        ids = [item.id for item in self.items]
        if len(set(ids)) != len(ids):
            raise ValueError("item ids must be unique within an option")
        return self


class Wording(_Frozen):
    horizon_one: str
    horizon: str
    more: str
    less: str
    pays_back: str
    cheaper_throughout: str
    never: str
    verdict_built_to_last: str
    verdict_insurance: str
    verdict_good_enough: str

    @model_validator(mode="after")
    def _placeholders(self) -> Wording:
        allowed = {"year_one", "year", "probability", "horizon", "currency", "difference", "percent", "years"}
        for name in type(self).model_fields:
            text = getattr(self, name)
            used = {field for _, field, _, _ in string.Formatter().parse(text) if field}
            unknown = used - allowed
            if unknown:
                raise ValueError(f"wording.{name} uses unknown placeholders {sorted(unknown)}; "
                                 f"allowed: {', '.join(sorted(allowed))}")
        return self


class Assumptions(_Frozen):
    """The whole of ``scoring/tco.yaml``."""

    version: int
    simulation: Simulation
    exchange_rates: ExchangeRates
    roles: Roles
    licence: Licence
    implementation: Implementation
    integration: Integration
    admin: Admin
    exit: Exit
    loss: Loss
    fines: Fines
    options: dict[OptionId, Option]
    wording: Wording
    sha256: str = ""
    """Digest of the file the assumptions came from (filled on load), so a result names its assumptions."""

    @model_validator(mode="after")
    def _references(self) -> Assumptions:
        missing = sorted(set(OPTION_IDS) - set(self.options))
        if missing:
            raise ValueError(f"options needs both {', '.join(OPTION_IDS)}; missing {', '.join(missing)}")
        roles = set(self.roles.rates)
        named = {self.integration.role, *self.implementation.internal_hours, *self.admin.hours_per_year,
                 *self.exit.hours}
        named |= {role for option in self.options.values() for item in option.items for role in item.hours}
        unknown = sorted(named - roles)
        if unknown:
            raise ValueError(f"roles {', '.join(unknown)} are used but not priced in roles.rates "
                             f"({', '.join(sorted(roles))})")
        if self.roles.unit not in self.exchange_rates.per_eur:
            raise ValueError(f"roles.unit {self.roles.unit!r} is not a currency in exchange_rates")
        for spread in self.money():
            if spread.unit not in self.exchange_rates.per_eur:
                raise ValueError(f"{spread.title!r}: unit {spread.unit!r} is not a currency in exchange_rates")
        return self

    def money(self) -> list[Spread | Value | Cap]:
        """Every amount of money in the file (each names its currency in ``unit``)."""
        money: list[Spread | Value | Cap] = [self.loss.severity_anchor, self.fines.gdpr.amount,
                                             self.fines.gdpr.cap_security, self.fines.gdpr.cap_transfer,
                                             self.fines.ccpa.damages_per_consumer]
        money += [item.amount for option in self.options.values() for item in option.items if item.amount]
        return money

    def to_currency(self, unit: str, currency: str, overrides: dict[str, float] | None = None) -> float:
        """Units of ``currency`` for one unit of ``unit``; ``overrides`` are the organisation's own rates
        (units of ``currency`` for one unit of the key)."""
        if unit == currency:
            return 1.0
        if overrides and unit in overrides:
            return overrides[unit]
        rates = self.exchange_rates.per_eur
        if unit not in rates or currency not in rates:
            unknown = unit if unit not in rates else currency
            raise KeyError(f"no exchange rate for {unknown}; add it to the org profile's exchange_rates")
        return rates[currency] / rates[unit]


def load_assumptions(path: Path | None = None) -> Assumptions:
    """Load and validate a TCO assumptions file; the default is the shipped ``scoring/tco.yaml``."""
    return _load(path or data_path("scoring", DEFAULT_ASSUMPTIONS))


@cache
def _load(path: Path) -> Assumptions:
    assumptions = load_yaml_model(path, Assumptions)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return assumptions.model_copy(update={"sha256": digest})
