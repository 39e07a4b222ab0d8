"""Offers: other quotes to price beside the questionnaire's (another plan of the vendor, another vendor).

An offers file is a small YAML beside the questionnaire (format and a worked example: docs/tco.md, "Offers").
Each offer names the quote fields that differ from the questionnaire's answers, and what it includes that built
to last needs (SSO, SCIM, a DPA, an API); a field left out is the questionnaire's answer. ``offer_inputs``
turns an offer into the ``TcoInputs`` it is priced with; ``price_offers`` (``riskengine.tco.simulation``)
prices several on the same random numbers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from riskengine.datafile import load_yaml_model
from riskengine.errors import InputError, Problem
from riskengine.tco.assumptions import Assumptions
from riskengine.tco.inputs import TcoInputs, VendorCapability

_STRICT = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)
_MONEY = 1e12
"""The largest amount an offer may name: ample in any currency, and the arithmetic stays finite."""
CAPABILITY_FIELDS = ("sso", "scim", "dpa", "api")
_QUOTE_ROLES = {
    "pricing_model": "cost.pricing_model", "currency": "cost.currency", "unit_price": "cost.unit_price",
    "units": "cost.units", "minimum_commitment": "cost.minimum_commitment",
    "implementation_fee": "cost.implementation_fee", "training_fee": "cost.training_fee",
    "support_tier": "cost.support_tier", "support_fee": "cost.support_fee", "term_months": "cost.term_months",
    "uplift_cap_percent": "cost.uplift_cap", "export_formats": "exit.formats",
    "proprietary_formats": "exit.proprietary",
}


class Offer(BaseModel):
    """One quote: the fields that differ from the questionnaire's answers (None: the questionnaire's)."""

    model_config = _STRICT

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$")
    title: str = Field(min_length=3, max_length=200)
    vendor: str = Field(default="", max_length=200)
    pricing_model: str | None = Field(default=None, min_length=1, max_length=60)
    currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    unit_price: float | None = Field(default=None, ge=0, le=_MONEY)
    units: float | None = Field(default=None, ge=0, le=_MONEY)
    minimum_commitment: float | None = Field(default=None, ge=0, le=_MONEY)
    implementation_fee: float | None = Field(default=None, ge=0, le=_MONEY)
    training_fee: float | None = Field(default=None, ge=0, le=_MONEY)
    support_tier: str | None = Field(default=None, max_length=60)
    support_fee: float | None = Field(default=None, ge=0, le=_MONEY)
    term_months: int | None = Field(default=None, ge=1, le=120)
    uplift_cap_percent: float | None = Field(default=None, ge=0, le=100)
    """The most the price may rise at each renewal, in percent (as the questionnaire asks it)."""
    sso: bool | None = None
    scim: bool | None = None
    dpa: bool | None = None
    api: bool | None = None
    export_formats: tuple[str, ...] | None = Field(default=None, max_length=20)
    proprietary_formats: Literal["Yes", "No", "Partial", "N/A"] | None = None
    control_effectiveness: float | None = Field(default=None, ge=0, le=100)
    """For another vendor's offer: its control effectiveness from its own assessment (None: this vendor's)."""


class OfferFile(BaseModel):
    """An offers file: defaults for every offer (vendor, currency) and the offers."""

    model_config = _STRICT

    vendor: str = Field(default="", max_length=200)
    currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    offers: tuple[Offer, ...] = Field(max_length=20)

    @field_validator("offers")
    @classmethod
    def _unique(cls, offers: tuple[Offer, ...]) -> tuple[Offer, ...]:
        # Checked here, not by min_length, which pydantic also reports when the offers are there but invalid.
        if not offers:
            raise ValueError("list at least one offer")
        ids = [offer.id for offer in offers]
        repeated = sorted({offer_id for offer_id in ids if ids.count(offer_id) > 1})
        if repeated:
            raise ValueError(f"offer ids must be unique; repeated: {', '.join(repeated)}")
        return offers

    def resolved(self) -> tuple[Offer, ...]:
        """The offers with the file's vendor and currency filled in where an offer gives none."""
        return tuple(offer.model_copy(update={
            "vendor": offer.vendor or self.vendor,
            "currency": offer.currency or self.currency}) for offer in self.offers)


def load_offers(path: Path) -> tuple[Offer, ...]:
    """Read and validate an offers file; every problem is an ``InputError`` with ``file:line``."""
    return load_yaml_model(path, OfferFile, user_file=True).resolved()


def offer_inputs(inputs: TcoInputs, offer: Offer, assumptions: Assumptions) -> TcoInputs:
    """The TCO inputs of ``offer``: the questionnaire's, with the offer's quote and capabilities in their place."""
    changes: dict[str, object] = {}
    given = {name: getattr(offer, name) for name in _QUOTE_ROLES if getattr(offer, name) is not None}
    for name in ("pricing_model", "unit_price", "units", "minimum_commitment", "implementation_fee",
                 "training_fee", "support_tier", "support_fee", "term_months", "export_formats",
                 "proprietary_formats"):
        if name in given:
            changes[name] = given[name]
    if "uplift_cap_percent" in given:
        changes["uplift_cap"] = given["uplift_cap_percent"] / 100
    if offer.currency is not None and offer.currency != inputs.quote_currency:
        rate, source = _exchange(inputs, offer.currency, assumptions)
        changes.update(quote_currency=offer.currency, exchange_rate=rate, exchange_rate_source=source)
    if offer.control_effectiveness is not None:
        changes["control_effectiveness"] = offer.control_effectiveness
    changes["capabilities"] = tuple(_capability(item, offer) for item in inputs.capabilities)
    place = f"offer {offer.id}"
    roles = {_QUOTE_ROLES[name] for name in given}
    changes["places"] = {**inputs.places, **dict.fromkeys(sorted(roles), place)}
    overridden = [inputs.questions[role] for role in roles if role in inputs.questions]
    changes["notes"] = tuple(note for note in inputs.notes if not any(repr(text) in note for text in overridden))
    return inputs.model_copy(update=changes)


def _capability(item: VendorCapability, offer: Offer) -> VendorCapability:
    offered = getattr(offer, item.id, None) if item.id in CAPABILITY_FIELDS else None
    if offered is None:
        return item
    return item.model_copy(update={"offered": offered, "answer": "Yes" if offered else "No",
                                   "place": f"offer {offer.id}"})


def _exchange(inputs: TcoInputs, currency: str, assumptions: Assumptions) -> tuple[float, str]:
    if currency == inputs.currency:
        return 1.0, "same currency"
    if currency in inputs.org_exchange_rates:
        return inputs.org_exchange_rates[currency], "org profile exchange_rates"
    try:
        return assumptions.to_currency(currency, inputs.currency), assumptions.exchange_rates.source
    except KeyError as exc:
        raise InputError("offers", [Problem(place="offers: currency", message=(
            f"no rate from {currency} to {inputs.currency}: add {currency} to the org profile's exchange_rates"))]
        ) from exc
