"""Invariants of the judgement, over the shipped profile and realistic answers (hypothesis).

- Improving any answer (No -> Partial -> Yes, an accepted N/A -> Yes, a shorter deadline, one more certificate)
  never worsens the tier or the decision.
- Answers that only inapplicable controls read change nothing.
- The order facts arrive in changes nothing.

The answers start from the three samples, with any of the scored answers replaced at random (blank and N/A
included), and with outside evidence and graph facts drawn too, so contradictions between an answer and the
evidence are part of what is tried.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from riskengine.conditions import facts_read
from riskengine.facts import Fact, FactSet, FactValue, Provenance
from riskengine.importers.reading import read_questionnaire
from riskengine.pipeline import load_policy
from riskengine.questionnaire.bank import load_bank
from riskengine.questionnaire.submission import Coverage, OwnAnswer, OwnVerdict, answer_facts, own_answer_facts
from riskengine.score.engine import assessment_date_fact, derive_facts, score
from riskengine.score.profile import DECISION_RANK, TIER_ORDER
from riskengine.score.result import RiskResult
from tests.conftest import SAMPLES, TODAY

BANK = load_bank()
PROFILE = load_policy().profile
QUESTIONS = {f"answer.{question.id}": question for _, question in BANK.questions()}
SAMPLE_FACTS = [
    {fact.name: fact for fact in answer_facts(read_questionnaire(SAMPLES / f"{name}.xlsx", BANK, today=TODAY))}
    for name in ("northwind-mail", "pixelpath-analytics", "glowup-loyalty")]
POINTS: dict[str, list[dict[str, float]]] = {}
for _control in PROFILE.controls:
    if _control.points and _control.fact in QUESTIONS:
        POINTS.setdefault(_control.fact, []).append({k.casefold(): v for k, v in _control.points.items()})
SCORED = sorted(POINTS)
"""Answers that controls score by points: the ones whose improvement is defined by the profile itself."""
CERTIFICATES = ("SOC 2 Type II", "ISO 27001", "PCI DSS")
DEADLINES = {"answer.SEC-10": "lte", "answer.PRV-08": "lte", "answer.RES-02": "lte", "answer.PRV-07": "gte",
             "answer.RES-01": "gte"}
"""Numbers scored by a threshold, and the direction that is better."""
EVIDENCE: dict[str, list[FactValue]] = {
    "web.tls_legacy": [True, False], "web.security_txt": [True, False], "web.https": [True, False],
    "dns.dmarc.policy": ["none", "quarantine", "reject", False], "dns.dmarc.sp": ["none", "quarantine", "reject"],
    "dns.spf.result": ["fail", "softfail", "neutral", "pass", "none", "permerror"],
    "dns.mta_sts.mode": ["enforce", "testing", "none", False], "dns.tlsrpt": [("mailto:tls@vendor.test",), False],
    "graph.reach.critical": [0, 1, 4], "graph.duplicates": [(), ("Mailchimp",)], "graph.cut_vertex": [True, False],
    "graph.customer_facing": [True, False], "graph.unidentified": [0, 2],
}


def _options(name: str) -> list[FactValue]:
    question = QUESTIONS[name]
    return [*question.choices(dict(BANK.vocabularies)), None]


@st.composite
def answers(draw: Any) -> dict[str, FactValue]:
    """A sample's answers with some scored answers, numbers and evidence replaced."""
    base = {name: fact.value for name, fact in draw(st.sampled_from(SAMPLE_FACTS)).items()}
    for name in draw(st.lists(st.sampled_from(SCORED), max_size=20, unique=True)):
        base[name] = draw(st.sampled_from(_options(name)))
    for name in draw(st.lists(st.sampled_from(sorted(DEADLINES)), max_size=3, unique=True)):
        base[name] = draw(st.sampled_from([None, 0, 1, 24, 30, 48, 72, 99.5, 99.9, 99.99]))
    for name in draw(st.lists(st.sampled_from(sorted(EVIDENCE)), max_size=6, unique=True)):
        base[name] = draw(st.sampled_from(EVIDENCE[name]))
    return base


APPROVED_REGIONS = ("EU/EEA", "UK")


def result_of(values: dict[str, FactValue], order: list[str] | None = None) -> RiskResult:
    """The result for these answers, with the organisation's policy fact as the pipeline publishes it."""
    names = order or list(values)
    regions = values.get("answer.DAT-09")
    policy = [] if not isinstance(regions, tuple) else [Fact(
        name="data.outside_approved_regions", value=bool(set(regions) - set(APPROVED_REGIONS)))]
    facts = FactSet().with_facts(*(Fact(name=name, value=values[name], sources=(
        Provenance(kind="cell", ref=f"Sheet!{name}"),)) for name in names), *policy, assessment_date_fact(TODAY))
    result, _ = score(derive_facts(facts, PROFILE), PROFILE, today=TODAY)
    return result


def better_values(name: str, value: FactValue) -> list[FactValue]:
    """Answers strictly better than ``value`` for every control that scores ``name`` (blank is not improved:
    an answer where there was none may open a knockout, which is a finding, not a worsening)."""
    if name in POINTS:
        if value is None:
            return []
        if value == "N/A":
            return [answer for answer in _options(name) if answer is not None and all(
                table.get(str(answer).casefold(), 0) == max(table.values()) for table in POINTS[name])]
        now = [table.get(str(value).casefold(), 0.0) for table in POINTS[name]]
        return [answer for answer in _options(name) if answer not in (None, "N/A") and all(
            table.get(str(answer).casefold(), 0.0) > current for table, current in zip(POINTS[name], now, strict=True))]
    if name in DEADLINES and isinstance(value, int | float) and not isinstance(value, bool):
        return [value - 1] if DEADLINES[name] == "lte" and value >= 1 else [value + 0.1] \
            if DEADLINES[name] == "gte" and value < 100 else []
    if name == "answer.VEN-08" and isinstance(value, tuple):
        return [(*(item for item in value if item != "none"), certificate) for certificate in CERTIFICATES
                if certificate not in value]
    return []


def _no_worse(better: RiskResult, worse: RiskResult) -> bool:
    return (TIER_ORDER.index(better.tier) <= TIER_ORDER.index(worse.tier)
            and DECISION_RANK[better.decision] >= DECISION_RANK[worse.decision])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answers(), st.data())
def test_improving_an_answer_never_worsens_the_tier_or_the_decision(values: dict[str, FactValue],
                                                                   data: st.DataObject) -> None:
    improvable = [name for name in [*SCORED, *DEADLINES, "answer.VEN-08"] if better_values(name, values.get(name))]
    if not improvable:
        return
    name = data.draw(st.sampled_from(improvable), label="question")
    better = data.draw(st.sampled_from(better_values(name, values.get(name))), label="better answer")
    before, after = result_of(values), result_of({**values, name: better})
    assert _no_worse(after, before), (
        f"{name}: {values.get(name)!r} -> {better!r} took {before.tier}/{before.decision} to "
        f"{after.tier}/{after.decision} (residual {before.residual} -> {after.residual})")


SCOPE_OFF = {"answer.DAT-01": "No", "answer.DAT-02": "No", "answer.DAT-03": "No", "answer.DAT-04": "No",
             "answer.DAT-17": "No", "answer.DAT-08": ("none",), "answer.TRK-01": "No", "answer.SND-01": ("none",),
             "answer.AI-01": "No", "answer.AI-03": "No"}
"""A tool that holds no personal data, runs nothing on our site, sends nothing and has no AI."""


def _inapplicable_answers() -> list[str]:
    """Answers that, for the out-of-scope tool, only controls that do not apply read: every other rule that
    reads them (a knockout, a requirement, a derived fact) is false whatever they are."""
    values = {name: fact.value for name, fact in SAMPLE_FACTS[0].items()} | SCOPE_OFF
    facts = derive_facts(FactSet().with_facts(*(Fact(name=n, value=v) for n, v in values.items()),
                                              assessment_date_fact(TODAY)), PROFILE)
    readers: dict[str, list[Any]] = {}
    for control in PROFILE.controls:
        if control.applies != "always" and not control.applies.holds(facts):
            continue  # off: reads what it likes
        for fact in {control.fact, *(facts_read(control.passes) if control.passes else ()),
                     *(facts_read(control.applies) if control.applies != "always" else ())}:
            readers.setdefault(fact, []).append(None)  # on: whatever it reads matters
    conditions = [k.when for k in PROFILE.knockouts] + [f.when for f in PROFILE.inherent.factors]
    conditions += [r.when for r in PROFILE.requirements] + [r.requires for r in PROFILE.requirements if r.requires]
    conditions += [d.when for d in PROFILE.derived_facts]
    for condition in conditions:
        for fact in facts_read(condition):
            readers.setdefault(fact, []).append(condition)

    def indifferent(fact: str, condition: Any) -> bool:
        return condition is not None and condition.evaluate(facts.with_facts(Fact(name=fact, value=None))) is False

    scored = {control.fact for control in PROFILE.controls}
    return sorted(name for name in QUESTIONS if name in scored and not SCOPE_OFF.get(name) and all(
        indifferent(name, condition) for condition in readers.get(name, [])))


INAPPLICABLE = _inapplicable_answers()


def test_the_out_of_scope_tool_leaves_answers_whose_controls_do_not_apply() -> None:
    assert {"answer.TRK-07", "answer.SND-02", "answer.AI-05", "answer.PRV-01", "answer.PRV-19"} <= set(INAPPLICABLE)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(SAMPLE_FACTS), st.dictionaries(st.sampled_from(INAPPLICABLE), st.just(None), min_size=1),
       st.data())
def test_answers_to_inapplicable_controls_change_nothing(sample: dict[str, Fact], chosen: dict[str, None],
                                                        data: st.DataObject) -> None:
    values = {name: fact.value for name, fact in sample.items()} | SCOPE_OFF
    changed = dict(values)
    for name in chosen:
        changed[name] = data.draw(st.sampled_from(_options(name)), label=name)
    before, after = result_of(values), result_of(changed)
    assert before.model_dump(exclude={"categories"}) == after.model_dump(exclude={"categories"})
    assert [(c.id, c.earned, c.possible) for c in before.categories] == [
        (c.id, c.earned, c.possible) for c in after.categories]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answers(), st.randoms(use_true_random=False))
def test_the_order_of_the_facts_changes_nothing(values: dict[str, FactValue], rng: Any) -> None:
    order = list(values)
    rng.shuffle(order)
    assert result_of(values).model_dump() == result_of(values, order).model_dump()


def test_a_knockout_decides_the_tier_and_the_reassessment() -> None:
    values = {name: fact.value for name, fact in SAMPLE_FACTS[0].items()} | {"answer.PRV-01": "No"}
    result = result_of(values)
    assert result.decision == "reject" and result.tier == "critical" and result.score_tier == "low"
    assert result.reassess_months == min(PROFILE.reassess_months.values())
    assert result.borderline is None, "the score does not decide, so its closeness to a threshold is moot"


def test_exact_boundaries_print_what_they_compare() -> None:
    """A residual that is 20 in exact arithmetic is 20.0, tier medium: never 19.999... and low."""
    for sample in SAMPLE_FACTS:
        result = result_of({name: fact.value for name, fact in sample.items()})
        assert result.residual == round(result.residual, 1)
        assert PROFILE.tier_for(round(result.residual * 10)) == result.score_tier


def test_a_dated_attestation_ages_with_the_assessment() -> None:
    """Relative dates: the same answers, assessed a year later, no longer hold a current PCI DSS attestation."""
    values = {name: fact.value for name, fact in SAMPLE_FACTS[0].items()} | {
        "answer.DAT-03": "Yes", "answer.VEN-08": ("SOC 2 Type II", "PCI DSS"), "answer.VEN-15": dt.date(2026, 6, 1)}
    assert "KO-PAYMENT-NO-PCI" not in {k.rule_id for k in result_of(values).knockouts}
    facts = FactSet().with_facts(*(Fact(name=n, value=v) for n, v in values.items()),
                                 assessment_date_fact(dt.date(2027, 11, 24)))
    later, _ = score(derive_facts(facts, PROFILE), PROFILE)
    assert "KO-PAYMENT-NO-PCI" in {k.rule_id for k in later.knockouts}


OWN_CATEGORIES = ("security", "privacy", "data_governance", "resilience", "viability", "exit")
VERDICTS: tuple[OwnVerdict, ...] = ("met", "partial", "gap", "unclear", "unanswered", "not_applicable")
OWN_BETTER: dict[str, tuple[OwnVerdict, ...]] = {"gap": ("partial", "met"), "unclear": ("partial", "met"),
                                                 "partial": ("met",)}
"""A vendor's own answer improved: No or an unclear answer to Partial or Yes, Partial to Yes (a blank is not
improved, as above: answering may lift "more information needed" into a decision)."""


def _coverage(verdicts: list[tuple[str, OwnVerdict]]) -> Coverage:
    return Coverage(format="caiq", format_version="4.0.3", mapping="caiq-v4@1.0.0", source_sha256="0" * 64,
                    questions_read=len(verdicts), questions_answered=len(verdicts),
                    questions_total=len(BANK.questions()), answers_mapped=0, not_covered=(), own_answers=tuple(
                        OwnAnswer(their_id=f"IAM-{index:02d}.1", category=category, place=f"CAIQ!C{index + 3}",
                                  answer="" if verdict == "unanswered" else "x", verdict=verdict)
                        for index, (category, verdict) in enumerate(verdicts)))


def _with_own(values: dict[str, FactValue], verdicts: list[tuple[str, OwnVerdict]]) -> RiskResult:
    own = {fact.name: fact.value for fact in own_answer_facts(_coverage(verdicts))}
    return result_of({**values, **own})


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answers(), st.lists(st.tuples(st.sampled_from(OWN_CATEGORIES), st.sampled_from(VERDICTS)), min_size=1,
                           max_size=40), st.data())
def test_improving_one_of_the_vendors_own_answers_never_worsens_the_outcome(
        values: dict[str, FactValue], verdicts: list[tuple[str, OwnVerdict]], data: st.DataObject) -> None:
    improvable = [index for index, (_, verdict) in enumerate(verdicts) if verdict in OWN_BETTER]
    if not improvable:
        return
    index = data.draw(st.sampled_from(improvable), label="answer")
    category, verdict = verdicts[index]
    better = [*verdicts]
    better[index] = (category, data.draw(st.sampled_from(OWN_BETTER[verdict]), label="better"))
    before, after = _with_own(values, verdicts), _with_own(values, better)
    assert _no_worse(after, before), (f"{verdict} -> {better[index][1]} in {category} took {before.tier}/"
                                      f"{before.decision} to {after.tier}/{after.decision}")
    assert after.residual <= before.residual


def test_a_mostly_blank_questionnaire_of_its_own_decides_nothing() -> None:
    values = {name: fact.value for name, fact in SAMPLE_FACTS[0].items()}
    answered = _with_own(values, [("security", "met")] * 8 + [("security", "unanswered")] * 2)
    blank = _with_own(values, [("security", "met")] * 7 + [("security", "unanswered")] * 3)
    assert answered.decision != "more_information_needed"
    assert blank.decision == "more_information_needed"
    assert [item.rule_ids for item in blank.missing] == [("EV-OWN-ANSWERED",)]
    assert blank.missing[0].fact == "import.answered_share" and blank.missing[0].why.endswith("70.0")
