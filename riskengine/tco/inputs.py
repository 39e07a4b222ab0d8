"""What the TCO model needs from the earlier stages, gathered into one model by a pure function.

``tco_inputs`` reads the answers by their bank roles (``cost.unit_price``, ``exit.formats``, ``data.records``
...), takes the integration effort from the graph (or the Integrations rows when there is no inventory), the
control effectiveness and the decision from the risk result, the customer-facing systems from the graph and
the rates, data subjects and risk appetite from the organisation profile. The vendor capabilities built to last
needs (SSO, a DPA, an API) are read by the question ids ``scoring/tco.yaml`` names, as the bank gives those
questions no role yet.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from riskengine.errors import InputError, Problem
from riskengine.facts import Fact, Provenance
from riskengine.inventory.analysis import GraphFindings
from riskengine.organisation import OrgProfile, RiskAppetite
from riskengine.questionnaire.bank import QuestionBank
from riskengine.questionnaire.submission import AnswerValue, Submission
from riskengine.score.profile import Decision
from riskengine.score.result import RiskResult
from riskengine.tco.assumptions import Assumptions


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class IntegrationHours(_Frozen):
    """One new connection and the hours to build it (low / likely / high)."""

    system: str
    low: float = Field(ge=0)
    likely: float = Field(ge=0)
    high: float = Field(ge=0)
    basis: str = Field(min_length=3)

    @model_validator(mode="after")
    def _ordered(self) -> IntegrationHours:
        if not self.low <= self.likely <= self.high:
            raise ValueError(f"{self.system}: needs low <= likely <= high hours")
        return self

    @property
    def content(self) -> str:
        """What the connection is (its system and hours), not where its row stands: the basis may name a cell."""
        digest = hashlib.sha256(f"{self.system}\x1f{self.low!r}\x1f{self.likely!r}\x1f{self.high!r}".encode())
        return f"{self.system}.{digest.hexdigest()[:12]}"


def connection_keys(integrations: tuple[IntegrationHours, ...]) -> list[str]:
    """A stable identity per connection (system + a hash of its hours; ``#2`` ... for identical ones), so that
    each keeps its random numbers whatever the order of the Integrations rows."""
    seen: Counter[str] = Counter()
    keys = []
    for connection in integrations:
        content = connection.content
        seen[content] += 1
        keys.append(content if seen[content] == 1 else f"{content}#{seen[content]}")
    return keys


class VendorCapability(_Frozen):
    """Whether the quoted plan offers something built to last needs (SSO, a DPA, an API), and the answer."""

    id: str
    title: str
    offered: bool
    answer: str = ""
    """The vendor's answer (blank: not answered, which counts as not offered)."""
    place: str = ""
    """Where the answer came from (``Security!D5``), or the offer that set it."""


class RoleHourlyRate(_Frozen):
    role: str
    hourly_rate: float = Field(ge=0)
    """In the organisation's currency."""
    source: str


class TcoInputs(_Frozen):
    """Everything the TCO model takes from the questionnaire, the graph, the risk result and the org profile.

    Money is in the vendor's quote currency unless the field says otherwise; ``exchange_rate`` converts it.
    """

    currency: str
    """The organisation's currency: every result is in it."""
    horizon_years: int = Field(ge=1)
    discount_rate: float = Field(ge=0)
    quote_currency: str
    exchange_rate: float = Field(gt=0)
    """Units of ``currency`` for one unit of ``quote_currency``."""
    exchange_rate_source: str
    org_exchange_rates: dict[str, float] = {}
    """The organisation's own rates (units of ``currency`` per unit of the key), used before the defaults."""
    pricing_model: str
    unit_price: float = Field(ge=0)
    units: float = Field(ge=0)
    minimum_commitment: float = Field(ge=0)
    implementation_fee: float = Field(ge=0)
    training_fee: float = Field(ge=0)
    support_tier: str
    support_fee: float = Field(ge=0)
    term_months: int = Field(ge=1)
    uplift_cap: float = Field(ge=0)
    """The most the price may rise at each renewal, as a share (0.05 for 5 %)."""
    export_formats: tuple[str, ...]
    proprietary_formats: str
    """The answer on proprietary formats (Yes / No / Partial / N/A), or "" when blank."""
    records: int = Field(ge=0)
    data_regions: tuple[str, ...]
    """Where the tool stores the data (the higher GDPR cap applies when some of it is outside the approved
    regions); the regimes follow the data subjects, not these."""
    fine_regimes: tuple[str, ...]
    """The regimes of ``scoring/tco.yaml`` in play (``gdpr``, ``uk_gdpr``, ``ccpa``): where the organisation's
    data subjects live (org profile ``data_subject_regions``), not where the tool stores the data."""
    regime_shares: dict[str, float] = {}
    """The share of the data subjects each regime covers (empty: an equal split over ``fine_regimes``)."""
    data_subject_basis: str = ""
    """Where the regimes came from (the org profile's data subject regions, or the storage regions standing in)."""
    transfer_outside_approved: bool
    """Some storage region lies outside the organisation's approved regions (the higher GDPR cap applies)."""
    annual_turnover: float | None
    """In ``currency``; None when the org profile does not give it (the caps' fixed amounts apply)."""
    integrations: tuple[IntegrationHours, ...]
    integrations_basis: Literal["graph", "questionnaire"]
    control_effectiveness: float = Field(ge=0, le=100)
    privacy_effectiveness: float | None = Field(default=None, ge=0, le=100)
    """Control effectiveness of the privacy and tracking categories (``loss.regulatory.categories``): drives
    the rate of regulatory action. None: the overall control effectiveness stands in."""
    risk_decision: Decision = "approve"
    """The risk result's decision: reject and more information needed stand whatever the cost."""
    capabilities: tuple[VendorCapability, ...] = ()
    """What built to last needs from the vendor, and whether the quoted plan offers it."""
    customer_facing: tuple[str, ...] = ()
    """Customer-facing systems that would depend on the tool (from the graph): an outage reaches customers."""
    online_revenue_share: float | None = Field(default=None, ge=0, le=1)
    """Share of ``annual_turnover`` earned through customer-facing digital channels (None: the default in
    ``scoring/tco.yaml``)."""
    online_revenue_basis: str = "default (scoring/tco.yaml)"
    risk_appetite: RiskAppetite | None = None
    """The organisation's tolerance for loss (org profile), carried to the result for the chart."""
    hourly_rates: tuple[RoleHourlyRate, ...]
    places: dict[str, str] = {}
    """Where each role's answer came from (``cost.unit_price`` -> ``Costs!D8``)."""
    questions: dict[str, str] = {}
    """The question text behind each role, for the list of assumptions."""
    notes: tuple[str, ...] = ()
    """Answers that were blank and the value the model used instead."""

    def hourly_rate(self, role: str) -> float:
        for rate in self.hourly_rates:
            if rate.role == role:
                return rate.hourly_rate
        raise KeyError(f"no hourly rate for role {role!r}")

    @property
    def control_gap(self) -> float:
        """1 - control effectiveness / 100: 0 with every control in place, 1 with none."""
        return 1.0 - self.control_effectiveness / 100.0

    @property
    def privacy_gap(self) -> float:
        """1 - privacy and tracking effectiveness / 100 (the overall gap when those categories do not apply)."""
        if self.privacy_effectiveness is None:
            return self.control_gap
        return 1.0 - self.privacy_effectiveness / 100.0

    def shares(self) -> dict[str, float]:
        """The share of the data subjects per regime in play."""
        if self.regime_shares:
            return dict(self.regime_shares)
        return {regime: 1.0 / len(self.fine_regimes) for regime in self.fine_regimes}

    def offers(self, capability: str) -> bool:
        """Whether the vendor offers ``capability`` (an unknown one counts as not offered)."""
        return any(item.id == capability and item.offered for item in self.capabilities)

    @model_validator(mode="after")
    def _regimes_agree(self) -> TcoInputs:
        if self.regime_shares and tuple(self.regime_shares) != self.fine_regimes:
            raise ValueError("regime_shares must name exactly the fine_regimes, in their order")
        return self


def tco_inputs(submission: Submission, bank: QuestionBank, risk: RiskResult, organisation: OrgProfile,
               assumptions: Assumptions, graph: GraphFindings | None = None) -> TcoInputs:
    """Gather the TCO model's inputs; blank cost answers count as 0 (and are listed in ``notes``)."""
    answers = _Answers(submission, bank)
    currency = organisation.currency
    quote_currency, exchange_rate, rate_source = _exchange(answers, organisation, assumptions)
    regions = answers.choices("data.locations")
    records = int(answers.number("data.records", "no personal data records counted"))
    shares, subject_basis = _regimes(records, regions, organisation, assumptions)
    online_share, online_basis = (
        (organisation.online_revenue_share, "org profile online_revenue_share")
        if organisation.online_revenue_share is not None
        else (assumptions.loss.outage.online_revenue_share.value, "default (scoring/tco.yaml)"))
    return TcoInputs(
        currency=currency, horizon_years=organisation.horizon_years, discount_rate=organisation.discount_rate,
        quote_currency=quote_currency, exchange_rate=exchange_rate, exchange_rate_source=rate_source,
        org_exchange_rates=dict(organisation.exchange_rates),
        pricing_model=answers.text("cost.pricing_model"),
        unit_price=answers.number("cost.unit_price", "licences taken as 0"),
        units=answers.number("cost.units", "licences taken as 0"),
        minimum_commitment=answers.number("cost.minimum_commitment"),
        implementation_fee=answers.number("cost.implementation_fee", "taken as 0"),
        training_fee=answers.number("cost.training_fee"),
        support_tier=answers.text("cost.support_tier"),
        support_fee=answers.number("cost.support_fee"),
        term_months=max(1, int(answers.number("cost.term_months", "a 12-month term assumed", default=12))),
        uplift_cap=answers.number("cost.uplift_cap", "no cap: 100 % assumed", default=100) / 100,
        export_formats=answers.choices("exit.formats"),
        proprietary_formats=answers.text("exit.proprietary"),
        records=records, data_regions=regions, fine_regimes=tuple(shares), regime_shares=shares,
        data_subject_basis=subject_basis,
        transfer_outside_approved=bool(organisation.approved_regions)
        and any(region not in organisation.approved_regions for region in regions),
        annual_turnover=organisation.annual_turnover,
        integrations=_integrations(submission, bank, graph, assumptions),
        integrations_basis="graph" if graph is not None else "questionnaire",
        control_effectiveness=min(100.0, max(0.0, risk.control_effectiveness)),
        privacy_effectiveness=_privacy_effectiveness(risk, assumptions),
        risk_decision=risk.decision,
        capabilities=_capabilities(submission, bank, assumptions),
        customer_facing=tuple(graph.names.get(system, system) for system in graph.customer_facing_dependents)
        if graph is not None else (),
        online_revenue_share=online_share, online_revenue_basis=online_basis,
        risk_appetite=organisation.risk_appetite,
        hourly_rates=_hourly_rates(organisation, assumptions),
        places=answers.places, questions=answers.questions, notes=tuple(answers.notes))


PRICE_FACTS: dict[str, str] = {
    "cost.yearly_quote": "the quoted yearly price (licences or the minimum commitment, and support) in our currency",
    "cost.turnover_share": "that price as a percentage of the organisation's annual turnover (org profile)",
}
"""The facts ``price_facts`` publishes, for the rules on price."""


def price_facts(submission: Submission, bank: QuestionBank, organisation: OrgProfile,
                assumptions: Assumptions) -> list[Fact]:
    """The quoted yearly price in the organisation's currency (``cost.yearly_quote``: the larger of units x unit
    price and the minimum commitment, plus the support fee) and, with a turnover in the org profile, its share of
    it in percent (``cost.turnover_share``): facts for the requirement that a price be in proportion, published
    before the score, as the answers they come from are."""
    answers = _Answers(submission, bank)
    _, exchange_rate, rate_source = _exchange(answers, organisation, assumptions)
    quote = (max(answers.number("cost.units") * answers.number("cost.unit_price"),
                 answers.number("cost.minimum_commitment")) + answers.number("cost.support_fee")) * exchange_rate
    sources = (*(Provenance(kind="cell", ref=place) for place in answers.places.values()),
               Provenance(kind="profile", ref="exchange rate", detail=f"{exchange_rate:g} ({rate_source})"))
    facts = [Fact(name="cost.yearly_quote", value=round(quote, 2), sources=sources)]
    if organisation.annual_turnover:
        facts.append(Fact(name="cost.turnover_share", value=round(100 * quote / organisation.annual_turnover, 4),
                          sources=(*sources, Provenance(kind="profile", ref="org_profile:annual_turnover",
                                                        detail=f"{organisation.annual_turnover:,.0f}"))))
    return facts


def _exchange(answers: _Answers, organisation: OrgProfile, assumptions: Assumptions) -> tuple[str, float, str]:
    """The quote's currency, the units of the organisation's currency for one of it, and where the rate is from."""
    currency = organisation.currency
    quote_currency = answers.text("cost.currency") or currency
    _check_currencies(currency, quote_currency, organisation, assumptions)
    if quote_currency == currency:
        return quote_currency, 1.0, "same currency"
    if quote_currency in organisation.exchange_rates:
        return quote_currency, organisation.exchange_rates[quote_currency], "org profile exchange_rates"
    return quote_currency, assumptions.to_currency(quote_currency, currency), assumptions.exchange_rates.source


class _Answers:
    """Reads answers by role, remembering where each came from and which blanks were filled in."""

    def __init__(self, submission: Submission, bank: QuestionBank) -> None:
        self._submission, self._bank = submission, bank
        self.places: dict[str, str] = {}
        self.questions: dict[str, str] = {}
        self.notes: list[str] = []

    def _value(self, role: str) -> AnswerValue | None:
        question = self._bank.by_role(role)
        if question is None:
            return None
        self.questions[role] = question.text
        answer = self._submission.answers.get(question.id)
        if answer is None:
            return None
        self.places[role] = answer.place
        return answer.value

    def _blank(self, role: str, consequence: str) -> None:
        question = self._bank.by_role(role)
        where = self.places.get(role, question.id if question else role)
        text = question.text if question else role
        self.notes.append(f"{where}: {text!r} is blank; {consequence}")

    def number(self, role: str, consequence: str = "", default: float = 0.0) -> float:
        value = self._value(role)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        if consequence and self._bank.by_role(role) is not None:
            self._blank(role, consequence)
        return default

    def text(self, role: str) -> str:
        value = self._value(role)
        if value is None:
            return ""
        return ", ".join(value) if isinstance(value, tuple) else str(value)

    def choices(self, role: str) -> tuple[str, ...]:
        value = self._value(role)
        if isinstance(value, tuple):
            return value
        return (str(value),) if value not in (None, "") else ()


def _check_currencies(currency: str, quote_currency: str, organisation: OrgProfile,
                      assumptions: Assumptions) -> None:
    """Every amount must convert to the organisation's currency: the quote, the defaults' EUR and USD figures."""
    needed = {quote_currency, assumptions.roles.unit, *(money.unit for money in assumptions.money())}
    problems = []
    for unit in sorted(needed):
        try:
            assumptions.to_currency(unit, currency, organisation.exchange_rates)
        except KeyError:
            problems.append(Problem(place="org profile: exchange_rates", message=(
                f"no rate from {unit} to {currency}: add {unit} to the org profile's exchange_rates "
                f"({currency} for one {unit})")))
    if problems:
        raise InputError("org profile", problems)


def _regimes(records: int, regions: tuple[str, ...], organisation: OrgProfile,
             assumptions: Assumptions) -> tuple[dict[str, float], str]:
    """The regimes in play and the share of the data subjects each covers, keyed to where the data subjects
    live; the storage regions stand in only when the org profile does not say (and the basis says so)."""
    if records <= 0:
        return {}, "no personal data records: no regime applies"
    if organisation.data_subject_regions:
        by_region = organisation.subject_shares()
        basis = "org profile data_subject_regions" + (" and data_subject_shares"
                                                       if organisation.data_subject_shares else " (equal shares)")
    else:
        by_region = {region: 1.0 / len(regions) for region in regions}
        basis = ("the org profile gives no data_subject_regions: the tool's storage regions stand in for where "
                 "the data subjects live")
    shares: dict[str, float] = {}
    for regime_id, regime in assumptions.regimes.items():
        share = sum(by_region.get(region, 0.0) for region in regime.regions)
        if share > 0:
            shares[regime_id] = round(share, 6)
    return shares, basis


def _privacy_effectiveness(risk: RiskResult, assumptions: Assumptions) -> float | None:
    """Effectiveness over the categories that drive regulatory action (earned / possible, as the score adds)."""
    wanted = set(assumptions.loss.regulatory.categories)
    categories = [category for category in risk.categories if category.id in wanted and category.possible > 0]
    if not categories:
        return None
    earned, possible = sum(c.earned for c in categories), sum(c.possible for c in categories)
    return min(100.0, max(0.0, 100.0 * earned / possible))


def _capabilities(submission: Submission, bank: QuestionBank,
                  assumptions: Assumptions) -> tuple[VendorCapability, ...]:
    """Each capability as the quoted plan offers it; a question the bank does not ask counts as not offered."""
    asked = {question.id for _, question in bank.questions()}
    capabilities = []
    for capability_id, capability in sorted(assumptions.capabilities.items()):
        answer = submission.answers.get(capability.question)
        value = "" if answer is None or answer.value is None else (
            ", ".join(answer.value) if isinstance(answer.value, tuple) else str(answer.value))
        place = answer.place if answer is not None else (
            capability.question if capability.question in asked else f"{capability.question} is not in the bank")
        capabilities.append(VendorCapability(id=capability_id, title=capability.title,
                                             offered=value in capability.offered, answer=value, place=place))
    return tuple(capabilities)


def _integrations(submission: Submission, bank: QuestionBank, graph: GraphFindings | None,
                  assumptions: Assumptions) -> tuple[IntegrationHours, ...]:
    """The new connections, in the order of their identity (not of the rows: reordering rows changes nothing)."""
    if graph is not None:
        connections = [IntegrationHours(system=effort.system, low=effort.hours.low, likely=effort.hours.likely,
                                        high=effort.hours.high, basis=effort.basis) for effort in graph.effort]
    else:
        question = bank.by_role("integrations")
        rows = submission.tables.get(question.id, ()) if question is not None else ()
        hours = assumptions.integration.default_hours
        connections = [IntegrationHours(system=str(row.values.get("system") or "unnamed system"), low=hours.low,
                                        likely=hours.likely, high=hours.high,
                                        basis=f"default hours (no inventory), {row.place}") for row in rows]
    return tuple(sorted(connections, key=lambda connection: (connection.content, connection.basis)))


def _hourly_rates(organisation: OrgProfile, assumptions: Assumptions) -> tuple[RoleHourlyRate, ...]:
    defaults = assumptions.roles
    conversion = assumptions.to_currency(defaults.unit, organisation.currency, organisation.exchange_rates)
    rates = []
    for role in sorted(defaults.rates):
        if role in organisation.roles:
            rates.append(RoleHourlyRate(role=role, hourly_rate=organisation.roles[role].hourly_rate,
                                        source="org profile roles"))
        else:
            rates.append(RoleHourlyRate(role=role, hourly_rate=defaults.rates[role].hourly_rate * conversion,
                                        source=f"default: {defaults.source}"))
    return tuple(rates)
