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


class Precision(_Frozen):
    """When the Monte Carlo stops: batches of trials until the standard errors meet their targets, or the cap."""

    batch_trials: Value
    max_trials: Value
    difference_relative_error: Value
    difference_floor: Value
    probability_error: Value
    confidence_z: Value

    @model_validator(mode="after")
    def _sane(self) -> Precision:
        batch, most = self.batch_trials.value, self.max_trials.value
        if batch != int(batch) or most != int(most) or not 100 <= batch <= most <= 10_000_000:
            raise ValueError("batch_trials and max_trials must be whole numbers with 100 <= batch <= max <= 10,000,000")
        for name in ("difference_relative_error", "difference_floor", "probability_error", "confidence_z"):
            if getattr(self, name).value <= 0:
                raise ValueError(f"{name} must be positive")
        return self


class HeadlineSettings(_Frozen):
    materiality: Value
    probability_band: Value
    mean_median_gap: Value

    @model_validator(mode="after")
    def _shares(self) -> HeadlineSettings:
        if not 0 <= self.materiality.value < 1 or not 0 <= self.probability_band.value < 0.5:
            raise ValueError("materiality must lie in [0, 1) and probability_band in [0, 0.5)")
        return self


class TornadoSettings(_Frozen):
    trials: Value
    low_quantile: Value
    high_quantile: Value

    @model_validator(mode="after")
    def _quantiles(self) -> TornadoSettings:
        if not 0 < self.low_quantile.value < self.high_quantile.value < 1:
            raise ValueError("tornado quantiles need 0 < low_quantile < high_quantile < 1")
        if self.trials.value != int(self.trials.value) or not 100 <= self.trials.value <= 1_000_000:
            raise ValueError("tornado trials must be a whole number from 100 to 1,000,000")
        return self


class Simulation(_Frozen):
    seed: int = Field(ge=0, lt=2**63)
    pert_lambda: Value
    precision: Precision
    headline: HeadlineSettings
    tornado: TornadoSettings


class Capability(_Frozen):
    """Something built to last needs from the vendor, and the question whose answer says the plan offers it."""

    title: str = Field(min_length=3)
    question: str = Field(pattern=r"^[A-Z]+-[0-9]+$")
    offered: tuple[str, ...] = Field(min_length=1)
    """The answers that count as offered."""


SharedParameter = Literal["maintenance_share", "upkeep_growth"]


class SharedDrivers(Sourced):
    """Option parameters both options draw from one random number (common random numbers)."""

    parameters: tuple[SharedParameter, ...]


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


def _rates_non_negative(*spreads: Spread) -> None:
    if any(spread.low < 0 for spread in spreads):
        raise ValueError("event rates cannot be negative")


class Breach(_Frozen):
    """Scenario (a): a breach of the tool's data. Cost a x (records breached / anchor records) ^ b."""

    title: str
    rate_floor: Spread
    rate_per_gap: Spread
    severity_anchor: Value
    anchor_records: Value
    severity_exponent: Value
    records_share: Spread
    lost_business_share: Value
    replacement_hours: dict[str, Spread]

    @model_validator(mode="after")
    def _sane(self) -> Breach:
        if not 0 < self.severity_exponent.value <= 1:
            raise ValueError("severity_exponent must lie in (0, 1]: breach cost grows at most linearly in records")
        if self.anchor_records.value <= 0:
            raise ValueError("anchor_records must be positive")
        _rates_non_negative(self.rate_floor, self.rate_per_gap)
        if self.records_share.low < 0 or self.records_share.high > 1:
            raise ValueError("records_share must lie within 0 and 1")
        if not 0 <= self.lost_business_share.value <= 1:
            raise ValueError("lost_business_share must lie within 0 and 1")
        return self


class Outage(_Frozen):
    """Scenario (b): an outage of a customer-facing path the tool sits on."""

    title: str
    rate: Spread
    duration: Spread
    revenue_share_lost: Spread
    online_revenue_share: Value
    response_hours: dict[str, Spread]

    @model_validator(mode="after")
    def _sane(self) -> Outage:
        _rates_non_negative(self.rate)
        if self.duration.low < 0 or self.revenue_share_lost.low < 0 or self.revenue_share_lost.high > 1:
            raise ValueError("outage duration cannot be negative and revenue_share_lost must lie within 0 and 1")
        if not 0 <= self.online_revenue_share.value <= 1:
            raise ValueError("online_revenue_share must lie within 0 and 1")
        return self


class Regulatory(_Frozen):
    """Scenario (c): regulatory action over the tool's processing without a breach."""

    title: str
    categories: tuple[str, ...] = Field(min_length=1)
    """Scoring-profile categories whose control gap drives the rate (privacy, tracking)."""
    rate_floor: Spread
    rate_per_gap: Spread
    response_hours: dict[str, Spread]
    counsel: Spread

    @model_validator(mode="after")
    def _sane(self) -> Regulatory:
        _rates_non_negative(self.rate_floor, self.rate_per_gap)
        return self


class Loss(_Frozen):
    breach: Breach
    outage: Outage
    regulatory: Regulatory


def _probability(value: Value, name: str) -> None:
    if not 0 <= value.value <= 1:
        raise ValueError(f"{name} must lie within 0 and 1, got {value.value:g}")


class BreachFine(_Frozen):
    """A fine after a breach: ``probability`` that one follows; ``amount`` for a breach of ``reference_records``
    records in the regime, scaled with the records breached as the breach cost is, capped."""

    probability: Value
    amount: Spread
    reference_records: Value
    cap: Cap
    cap_transfer: Cap | None = None
    """The higher cap when data is stored outside the organisation's approved regions."""

    @model_validator(mode="after")
    def _sane(self) -> BreachFine:
        _probability(self.probability, "breach_fine.probability")
        if self.reference_records.value <= 0 or self.amount.low < 0:
            raise ValueError("reference_records must be positive and fine amounts cannot be negative")
        return self


class BreachDamages(_Frozen):
    """Statutory damages per consumer after a breach (a class action follows with ``probability``)."""

    probability: Value
    damages_per_consumer: Spread
    consumers_share: Value
    """The share of the regime's data subjects the damages apply to (California residents among US ones)."""

    @model_validator(mode="after")
    def _sane(self) -> BreachDamages:
        _probability(self.probability, "breach_damages.probability")
        _probability(self.consumers_share, "breach_damages.consumers_share")
        return self


class RegulatoryAction(_Frozen):
    """What a regulatory action without a breach costs in the regime: a fine with ``probability``."""

    probability: Value
    amount: Spread
    cap: Cap | None = None

    @model_validator(mode="after")
    def _sane(self) -> RegulatoryAction:
        _probability(self.probability, "action.probability")
        return self


class Regime(_Frozen):
    """A legal regime keyed to where the data subjects live: its fines or damages after a breach, and after
    a regulatory action."""

    title: str
    regions: tuple[str, ...] = Field(min_length=1)
    breach_fine: BreachFine | None = None
    breach_damages: BreachDamages | None = None
    action: RegulatoryAction | None = None


LineId = Literal["licences", "implementation", "integration", "connectors", "internal", "governance",
                 "training", "support", "exit", "expected_loss"]


class LineItem(_Frozen):
    """Work or spend one option adds: once in year 1 or every year; hours by role or an amount of money."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    line: LineId
    when: Literal["once", "yearly"]
    per_integration: bool = False
    needs: tuple[str, ...] = ()
    """Capabilities the vendor must offer (``capabilities``); without them the item is left out, not priced."""
    hours: dict[str, Spread] = {}
    amount: Spread | None = None

    @model_validator(mode="after")
    def _priced(self) -> LineItem:
        if not self.hours and self.amount is None:
            raise ValueError(f"item {self.id} needs hours or an amount")
        if self.line in ("licences", "support", "exit", "expected_loss"):
            raise ValueError(f"item {self.id} cannot add to the {self.line} line (it is computed from answers)")
        return self


ScenarioId = Literal["breach", "outage", "regulatory"]
SCENARIO_IDS: tuple[ScenarioId, ...] = ("breach", "outage", "regulatory")


class RiskFactor(Spread):
    """An option's multiplier on a scenario's loss event rate (uncertain: drawn in the Monte Carlo)."""

    needs: tuple[str, ...] = ()
    """Capabilities the factor rests on; without them it is not credited (1.0: the vendor as assessed)."""


class RiskFactors(_Frozen):
    breach: RiskFactor
    outage: RiskFactor
    regulatory: RiskFactor

    def of(self, scenario: ScenarioId) -> RiskFactor:
        factor: RiskFactor = getattr(self, scenario)
        return factor


class Option(_Frozen):
    title: str
    summary: str
    internal_hours_factor: Value
    integration_factor: Value
    admin_hours_factor: Value
    maintenance_share: Spread
    upkeep_growth: Spread
    risk_factors: RiskFactors
    exit_factor: Value
    items: tuple[LineItem, ...] = ()

    @model_validator(mode="after")
    def _non_negative(self) -> Option:
        for name in ("internal_hours_factor", "integration_factor", "admin_hours_factor", "exit_factor"):
            if getattr(self, name).value < 0:
                raise ValueError(f"{name} cannot be negative")
        if any(self.risk_factors.of(scenario).low < 0 for scenario in SCENARIO_IDS):
            raise ValueError("risk factors cannot be negative")
        if self.upkeep_growth.low <= -1 or self.maintenance_share.low < 0:
            raise ValueError("upkeep_growth must exceed -1 and maintenance_share cannot be negative")
        ids = [item.id for item in self.items]
        if len(set(ids)) != len(ids):
            raise ValueError("item ids must be unique within an option")
        return self


WORDING_PLACEHOLDERS = frozenset({
    "year_one", "year", "probability", "horizon", "currency", "difference", "percent", "years", "error",
    "futures", "reason", "materiality", "expected", "typical", "chance", "scenario", "decision", "offer", "option",
    "next", "total"})


class Wording(_Frozen):
    horizon_one: str
    horizon: str
    more: str
    less: str
    futures_most: str
    futures_half: str
    futures_few: str
    choose_built_to_last: str
    choose_insurance: str
    choose_good_enough: str
    too_close: str
    close_interval: str
    close_material: str
    mean_median: str
    mean_median_close: str
    decision_stands: str
    decision_reject: str
    decision_more_information_needed: str
    pays_back: str
    cheaper_throughout: str
    never: str
    close: str
    offer_cheapest: str
    offer_too_close: str

    @model_validator(mode="after")
    def _placeholders(self) -> Wording:
        for name in type(self).model_fields:
            text = getattr(self, name)
            used = {field for _, field, _, _ in string.Formatter().parse(text) if field}
            unknown = used - WORDING_PLACEHOLDERS
            if unknown:
                raise ValueError(f"wording.{name} uses unknown placeholders {sorted(unknown)}; "
                                 f"allowed: {', '.join(sorted(WORDING_PLACEHOLDERS))}")
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
    capabilities: dict[str, Capability]
    shared_drivers: SharedDrivers
    loss: Loss
    regimes: dict[str, Regime]
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
        loss = self.loss
        named = {self.integration.role, *self.implementation.internal_hours, *self.admin.hours_per_year,
                 *self.exit.hours, *loss.breach.replacement_hours, *loss.outage.response_hours,
                 *loss.regulatory.response_hours}
        named |= {role for option in self.options.values() for item in option.items for role in item.hours}
        needed = {need for option in self.options.values() for item in option.items for need in item.needs}
        needed |= {need for option in self.options.values() for scenario in SCENARIO_IDS
                   for need in option.risk_factors.of(scenario).needs}
        missing_capabilities = sorted(needed - set(self.capabilities))
        if missing_capabilities:
            raise ValueError(f"needs names capabilities not defined under capabilities: "
                             f"{', '.join(missing_capabilities)}")
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
        money: list[Spread | Value | Cap] = [self.loss.breach.severity_anchor, self.loss.regulatory.counsel]
        for regime in self.regimes.values():
            if regime.breach_fine is not None:
                fine = regime.breach_fine
                money += [fine.amount, fine.cap, *([fine.cap_transfer] if fine.cap_transfer else [])]
            if regime.breach_damages is not None:
                money.append(regime.breach_damages.damages_per_consumer)
            if regime.action is not None:
                money += [regime.action.amount, *([regime.action.cap] if regime.action.cap else [])]
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
        if overrides and "EUR" in overrides and unit in rates and currency not in rates:
            # A currency the defaults do not know: to euros at the defaults, then at the organisation's euro rate.
            return overrides["EUR"] / rates[unit]
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
