"""The condition language: two-valued ``holds``, three-valued ``evaluate``, the unknowns, and age tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from riskengine.conditions import ASSESSMENT_DATE, Condition, facts_read
from riskengine.facts import Fact, FactSet

PARSE: TypeAdapter[Condition] = TypeAdapter(Condition)  # type: ignore[arg-type]
TODAY = dt.date(2026, 11, 24)


def facts(**values: Any) -> FactSet:
    return FactSet().with_facts(*(Fact(name=name.replace("_", "."), value=value) for name, value in values.items()),
                                Fact(name=ASSESSMENT_DATE, value=TODAY))


YES = {"fact": "a", "equals": "Yes"}
ON = {"fact": "b", "is": True}


@pytest.mark.parametrize(("a", "b", "all_", "any_"), [
    ("Yes", True, True, True), ("Yes", False, False, True), ("No", True, False, True), ("No", False, False, False),
    (None, True, None, True), (None, False, False, None), ("Yes", None, None, True), (None, None, None, None),
])
def test_kleene_all_and_any(a: Any, b: Any, all_: Any, any_: Any) -> None:
    known = facts(a=a, b=b)
    assert PARSE.validate_python({"all": [YES, ON]}).evaluate(known) is all_
    assert PARSE.validate_python({"any": [YES, ON]}).evaluate(known) is any_
    negated = PARSE.validate_python({"not": {"all": [YES, ON]}}).evaluate(known)
    assert negated is (None if all_ is None else not all_)


def test_holds_reads_a_blank_as_failing_every_test_and_evaluate_as_unknown() -> None:
    blank = facts(a=None)
    test = PARSE.validate_python({"not": YES})
    assert test.holds(blank) is True, "two-valued: not(blank == Yes)"
    assert test.evaluate(blank) is None, "three-valued: unknown"
    assert PARSE.validate_python({"fact": "a", "exists": False}).evaluate(blank) is True


def test_unknowns_name_only_the_facts_an_unknown_result_waits_for() -> None:
    condition = PARSE.validate_python({"all": [{"fact": "scope", "equals": "Yes"},
                                               {"not": {"all": [{"fact": "cert", "contains": "PCI DSS"},
                                                                {"fact": "dated", "exists": True}]}}]})
    assert condition.unknowns(facts(scope=None, cert=("SOC 2",), dated=None)) == {"scope"}
    assert condition.unknowns(facts(scope="Yes", cert=None, dated=TODAY)) == {"cert"}
    assert condition.evaluate(facts(scope="Yes", cert=None, dated=None)) is True, "no date: not attested"
    assert condition.unknowns(facts(scope="No", cert=None, dated=None)) == set(), "decided: false"


@pytest.mark.parametrize(("value", "test", "expected"), [
    (2021, {"age_years": {"gte": 5}}, True),           # a year: calendar years
    (2022, {"age_years": {"gte": 5}}, False),
    (dt.date(2025, 11, 25), {"age_days": {"lte": 365}}, True),
    (dt.date(2025, 11, 23), {"age_days": {"lte": 365}}, False),
    (dt.date(2027, 1, 1), {"age_days": {"lte": 0}}, True),  # not yet passed
    (dt.date(2021, 11, 25), {"age_years": {"gte": 5}}, False),  # whole years: one day short of five
    ("soon", {"age_days": {"lte": 365}}, False),
])
def test_ages_count_back_from_the_assessment(value: Any, test: dict[str, Any], expected: bool) -> None:
    condition = PARSE.validate_python({"fact": "when", **test})
    assert condition.evaluate(facts(when=value)) is expected
    undated = FactSet().with_facts(Fact(name="when", value=value))
    assert condition.evaluate(undated) is None, "without the assessment's date an age is unknown"
    assert facts_read(condition) == ("when", ASSESSMENT_DATE)


def test_an_age_range_needs_a_bound_and_a_test_one_kind() -> None:
    with pytest.raises(ValidationError, match="an age range needs gte, lte or both"):
        PARSE.validate_python({"fact": "when", "age_days": {}})
    with pytest.raises(ValidationError, match="has several tests"):
        PARSE.validate_python({"fact": "when", "age_days": {"lte": 1}, "equals": "x"})
