"""The three samples land in three decisions for reasons a reviewer accepts; what-if, conditions, explain."""

from __future__ import annotations

from pathlib import Path

import pytest

from riskengine.assessment import Assessment, assessment_json
from riskengine.pipeline import assess
from tests.conftest import NOW, SAMPLES, run_cli

NAMES = ("northwind-mail", "pixelpath-analytics", "glowup-loyalty")


@pytest.fixture(scope="module")
def results() -> dict[str, Assessment]:
    return {name: assess(SAMPLES / f"{name}.xlsx", now=NOW, inventory=SAMPLES / "inventory.yaml",
                         org_profile=SAMPLES / "org-profile.yaml") for name in NAMES}


def test_mature_email_platform_is_approved_with_one_it_condition_and_flagged_borderline(
        results: dict[str, Assessment]) -> None:
    risk = results["northwind-mail"].risk
    assert (risk.tier, risk.decision) == ("low", "approve_with_conditions")
    conditions = [c for group in risk.conditions for c in group.conditions]
    assert [c.rule_ids for c in conditions] == [("REQ-CRITICAL-REACH",)], "its only condition: IT reviews the links"
    assert conditions[0].owner == "it"
    recommended = {rule for group in risk.recommendations for c in group.conditions for rule in c.rule_ids}
    assert "ARC-NO-DUPLICATE" in recommended, "it duplicates Mailchimp: worth deciding, not a blocker"
    assert risk.reassess_by == "2028-11-24" and risk.reassess_months == 24
    assert risk.residual == 19.2 and risk.borderline is not None
    assert (risk.borderline.threshold, risk.borderline.distance, risk.borderline.other_tier) == (20, -0.8, "medium")
    approve = next(w for w in risk.what_if if w.target == "decision:approve")
    assert not approve.reachable and approve.blocked_by == ("REQ-CRITICAL-REACH",)


def test_young_analytics_vendor_is_approved_with_conditions(results: dict[str, Assessment]) -> None:
    result = results["pixelpath-analytics"]
    risk = result.risk
    assert (risk.tier, risk.decision) == ("high", "approve_with_conditions")
    assert not risk.knockouts and not risk.missing
    top = [f.rule_id for f in result.findings[:3]]
    assert top[0] == "SEC-MFA-ADMIN"
    owners = {group.owner for group in risk.conditions}
    assert {"vendor", "it", "compliance"} <= owners
    go_live = [c for g in risk.conditions if g.due == "before-go-live" for c in g.conditions]
    assert any("MFA" in c.action for c in go_live)
    assert "REQ-INDEPENDENT-ASSURANCE" in {rule for c in go_live for rule in c.rule_ids}, \
        "inherent risk 80 and no SOC 2 or ISO 27001: never approved on its word alone"
    one_down = next(w for w in risk.what_if if w.target == "tier:medium" and w.route == "vendor")
    assert one_down.reachable and one_down.tier == "medium"
    assert "VIA-AGE" not in one_down.rule_ids, "nobody can change the founding year"
    assert risk.reassess_by == "2027-05-24"


def test_consumer_data_app_is_rejected_with_four_knockouts(results: dict[str, Assessment]) -> None:
    risk = results["glowup-loyalty"].risk
    assert (risk.tier, risk.decision) == ("critical", "reject")
    assert risk.reassess_months == 3, "a knockout sets the shortest interval"
    assert {k.rule_id for k in risk.knockouts} == {"KO-NO-DPA", "KO-NO-TRANSFER-MECHANISM", "KO-PAYMENT-NO-ADMIN-MFA",
                                                  "KO-SENSITIVE-OUTSIDE-REGIONS"}
    no_dpa = next(k for k in risk.knockouts if k.rule_id == "KO-NO-DPA")
    assert any(p.ref.startswith("Privacy and compliance!D") for p in no_dpa.provenance)
    conditional = next(w for w in risk.what_if if w.target == "decision:approve_with_conditions")
    assert conditional.reachable
    assert set(conditional.rule_ids[:4]) == {k.rule_id for k in risk.knockouts}, "knockouts come first"
    assert conditional.decision == "approve_with_conditions"


def test_a_knockout_and_the_gap_behind_it_are_one_condition(results: dict[str, Assessment]) -> None:
    result = results["glowup-loyalty"]
    conditions = [c for group in result.risk.conditions for c in group.conditions]
    dpa = [c for c in conditions if "KO-NO-DPA" in c.rule_ids or "PRV-DPA" in c.rule_ids]
    assert len(dpa) == 1 and dpa[0].rule_ids == ("KO-NO-DPA", "PRV-DPA") and dpa[0].knockout
    assert next(f for f in result.findings if f.rule_id == "PRV-DPA").knockout == "KO-NO-DPA"


def test_what_if_is_the_fewest_fixes(results: dict[str, Assessment]) -> None:
    """Dropping any one fix of the one-tier-down route must miss the target: each route is re-scored."""
    result = results["pixelpath-analytics"]
    scenario = next(w for w in result.risk.what_if if w.target == "tier:medium")
    lost = {f.rule_id: f.points_lost for f in result.findings}
    needed = sum(lost[rule] for rule in scenario.rule_ids)
    smaller = sorted(lost.values(), reverse=True)[: len(scenario.rule_ids) - 1]
    assert sum(smaller) < needed or len(scenario.rule_ids) == 1


def test_category_points_add_up(results: dict[str, Assessment]) -> None:
    for result in results.values():
        for category in result.risk.categories:
            assert category.earned == pytest.approx(sum(rule.earned for rule in category.rules), abs=0.01)
            assert category.possible == pytest.approx(sum(rule.possible for rule in category.rules))


def test_explain_prints_the_trail_and_one_rule(results: dict[str, Assessment], tmp_path: Path) -> None:
    path = tmp_path / "result.json"
    path.write_bytes(assessment_json(results["glowup-loyalty"]))
    whole = run_cli("explain", str(path))
    assert whole.returncode == 0, whole.stderr
    assert "decision reject, tier critical, residual 79.9/100" in whole.stdout
    assert "KO-NO-DPA" in whole.stdout and "what if (each route scored again from the changed answers):" in whole.stdout
    one = run_cli("explain", str(path), "--rule", "SEC-MFA-ADMIN")
    assert one.returncode == 0
    assert one.stdout.startswith("SEC-MFA-ADMIN: Administrator accounts without enforced MFA (critical")
    assert "provenance: Security!D" in one.stdout
    bad = tmp_path / "bad.json"
    bad.write_text('{"hello": 1}')
    refused = run_cli("explain", str(bad))
    assert refused.returncode == 2 and "not a riskengine JSON result" in refused.stderr


def test_sensitive_data_outside_approved_regions_is_a_knockout(results: dict[str, Assessment]) -> None:
    """GlowUp stores sensitive data in the US and APAC; the org profile approves only EU/EEA and UK."""
    glowup = results["glowup-loyalty"].risk
    knockout = next(k for k in glowup.knockouts if k.rule_id == "KO-SENSITIVE-OUTSIDE-REGIONS")
    assert any(p.kind == "profile" and "outside: APAC, US" in p.detail for p in knockout.provenance)
    assert any(p.ref.startswith("Data handled!D") for p in knockout.provenance)
    without_org = assess(SAMPLES / "glowup-loyalty.xlsx", now=NOW, inventory=SAMPLES / "inventory.yaml")
    assert "KO-SENSITIVE-OUTSIDE-REGIONS" not in {k.rule_id for k in without_org.risk.knockouts}
