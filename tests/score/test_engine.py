"""The engine's arithmetic and its invariants: N/A excluded, blanks count against, partial in between."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from riskengine.facts import Fact, FactSet, Provenance
from riskengine.pipeline import load_policy
from riskengine.score.engine import derive_facts, score
from riskengine.score.profile import ScoringProfile

PROFILE = load_policy().profile
YES_NO = ["Yes", "No", "Partial", "N/A", None]


def facts_from(answers: dict[str, object]) -> FactSet:
    facts = FactSet().with_facts(*(
        Fact(name=f"answer.{qid}", value=value, sources=(Provenance(kind="cell", ref=f"Sheet!D{n}"),))  # type: ignore[arg-type]
        for n, (qid, value) in enumerate(answers.items(), start=5)))
    return derive_facts(facts, PROFILE)


def control(profile: ScoringProfile, rule_id: str):  # type: ignore[no-untyped-def]
    return next(c for c in profile.controls if c.id == rule_id)


def security_score(answer: object) -> float | None:
    result, _ = score(facts_from({"SEC-01": answer}), PROFILE)
    return next(c.effectiveness for c in result.categories if c.id == "security")


def test_not_applicable_is_excluded_and_blank_counts_against() -> None:
    base, _ = score(facts_from({}), PROFILE)
    security_blank = next(c for c in base.categories if c.id == "security")
    na, _ = score(facts_from({"SEC-01": "N/A"}), PROFILE)
    security_na = next(c for c in na.categories if c.id == "security")
    assert security_na.controls_applied == security_blank.controls_applied - 1
    assert security_blank.effectiveness == 0


def test_partial_lies_between_yes_and_no() -> None:
    yes, partial, no = security_score("Yes"), security_score("Partial"), security_score("No")
    assert yes is not None and partial is not None and no is not None
    assert no < partial < yes


def test_gap_gives_finding_with_cell_provenance_and_two_voices() -> None:
    _, findings = score(facts_from({"SEC-01": "No"}), PROFILE)
    finding = next(f for f in findings if f.rule_id == "SEC-SSO")
    assert finding.answer == "No"
    assert finding.provenance[0].ref == "Sheet!D5"
    assert finding.plain and finding.technical and finding.plain != finding.technical
    assert finding.remediation.owner == "it"


def test_knockout_rejects_and_says_why() -> None:
    result, _ = score(facts_from({"DAT-01": "Yes", "PRV-01": "No", "SEC-01": "Yes"}), PROFILE)
    assert result.decision == "reject"
    knockout = next(k for k in result.knockouts if k.rule_id == "KO-NO-DPA")
    assert "data processing agreement" in knockout.reason
    assert {p.ref for p in knockout.provenance} >= {"Sheet!D5", "Sheet!D6"}


def test_points_lost_add_up_to_the_effectiveness_gap() -> None:
    answers = {"SEC-01": "No", "SEC-03": "Partial", "SEC-04": "Yes", "PRV-01": "Yes", "DAT-01": "Yes"}
    result, findings = score(facts_from(answers), PROFILE)
    assert abs(sum(f.points_lost for f in findings) - (100 - result.control_effectiveness)) < 0.5


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.sampled_from([c.fact.removeprefix("answer.") for c in PROFILE.controls
                                        if c.fact.startswith("answer.") and c.points]),
                       st.sampled_from(YES_NO), max_size=30))
def test_residual_never_exceeds_inherent_and_improving_an_answer_never_raises_it(
        answers: dict[str, object]) -> None:
    result, _ = score(facts_from(answers), PROFILE)
    assert 0 <= result.residual <= result.inherent <= 100
    assert 0 <= result.control_effectiveness <= 100
    for question_id, value in answers.items():
        if value in ("No", None) and not any(c.fact == f"answer.{question_id}" and "No" in c.points
                                             for c in PROFILE.controls):
            better, _ = score(facts_from({**answers, question_id: "Yes"}), PROFILE)
            if better.inherent == result.inherent:
                assert better.residual <= result.residual + 1e-9


DATA_QUESTIONS = ["DAT-01", "DAT-02", "DAT-03", "DAT-04", "DAT-05", "DAT-06"]


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.sampled_from(DATA_QUESTIONS), st.sampled_from(["Yes", "No", None]), max_size=6),
       st.sampled_from(DATA_QUESTIONS))
def test_adding_a_data_class_never_lowers_inherent_risk(answers: dict[str, object], added: str) -> None:
    before, _ = score(facts_from(answers), PROFILE)
    after, _ = score(facts_from({**answers, added: "Yes"}), PROFILE)
    assert after.inherent >= before.inherent


@settings(max_examples=40, deadline=None)
@given(st.dictionaries(st.sampled_from([c.fact.removeprefix("answer.") for c in PROFILE.controls
                                        if c.fact.startswith("answer.") and c.points]),
                       st.sampled_from(YES_NO), max_size=25),
       st.floats(min_value=0.1, max_value=50))
def test_scaling_all_weights_changes_nothing(answers: dict[str, object], factor: float) -> None:
    scaled = PROFILE.model_copy(update={
        "controls": tuple(c.model_copy(update={"weight": c.weight * factor}) for c in PROFILE.controls),
        "categories": tuple(c.model_copy(update={"weight": c.weight * factor}) for c in PROFILE.categories)})
    original, _ = score(facts_from(answers), PROFILE)
    rescaled, _ = score(facts_from(answers), scaled)
    assert rescaled.residual == original.residual and rescaled.tier == original.tier


@settings(max_examples=40, deadline=None)
@given(st.dictionaries(st.sampled_from([c.fact.removeprefix("answer.") for c in PROFILE.controls
                                        if c.fact.startswith("answer.") and c.points]),
                       st.sampled_from(YES_NO), max_size=25), st.randoms())
def test_not_applicable_is_never_a_gap_and_order_does_not_matter(answers: dict[str, object], rng: object) -> None:
    _, findings = score(facts_from(answers), PROFILE)
    not_applicable = {f"answer.{qid}" for qid, value in answers.items() if value == "N/A"}
    controls = {c.id: c for c in PROFILE.controls}
    assert not [f for f in findings if f.rule_id in controls and controls[f.rule_id].fact in not_applicable]
    items = list(answers.items())
    rng.shuffle(items)  # type: ignore[attr-defined]
    shuffled, shuffled_findings = score(facts_from(dict(items)), PROFILE)
    original, original_findings = score(facts_from(answers), PROFILE)
    assert (shuffled.residual, shuffled.tier, shuffled.decision) == (original.residual, original.tier,
                                                                     original.decision)
    assert [f.rule_id for f in shuffled_findings] == [f.rule_id for f in original_findings]
