"""The trail behind a score, as text: what ``riskengine explain`` prints from a JSON result."""

from __future__ import annotations

import difflib

from riskengine.assessment import Assessment
from riskengine.errors import UsageError
from riskengine.score.profile import ScoringProfile
from riskengine.score.result import RiskResult


def outcome_line(risk: RiskResult) -> str:
    """``approve with conditions, tier low, residual 19.2/100 (borderline: 0.8 below medium at 20)``: the figure
    printed is the figure the tier was decided on."""
    line = f"{risk.decision.replace('_', ' ')}, tier {risk.tier}"
    if risk.tier != risk.score_tier:
        floor = "set by the knockouts" if risk.knockouts else "the floor of its worst open gap"
        line += f" ({floor}; the score alone gives {risk.score_tier})"
    line += f", residual {risk.residual:.1f}/100"
    if risk.borderline is not None:
        border = risk.borderline
        side, above = ("below", border.other_tier) if border.distance < 0 else ("above", risk.tier)
        change = "the decision would not change" if border.other_decision == risk.decision else \
            f"{border.other_tier} would be {border.other_decision.replace('_', ' ')}"
        line += (f" (borderline: {abs(border.distance):.1f} {side} the {above} tier's threshold of "
                 f"{border.threshold:g}; {change})")
    return line


def explain(assessment: Assessment, rule_id: str | None = None, *, profile: ScoringProfile | None = None) -> list[str]:
    """Lines explaining the decision, the arithmetic, and each rule that moved the score.

    With ``rule_id`` only that rule's trail (a control, a knockout or an inherent-risk factor); a rule of
    ``profile`` (or of the assessment) that did not apply says so. A ``rule_id`` that is neither is a
    ``UsageError`` naming the closest ids, so that a typo is not mistaken for a rule that did not apply.
    """
    risk = assessment.risk
    if rule_id is not None:
        if profile is not None:
            _check_rule_id(assessment, profile, rule_id)
        return _rule(assessment, rule_id)
    lines = [
        f"{assessment.vendor.legal_name or assessment.vendor.domain} ({assessment.assessment_id}, "
        f"profile {risk.profile})",
        f"decision {outcome_line(risk)}, reassess by {risk.reassess_by or 'n/a'} ({risk.reassess_months} months)",
        f"residual = inherent {risk.inherent:g} x (1 - reduction x effectiveness {risk.control_effectiveness:g}/100)",
        "",
        "inherent risk:",
    ]
    lines += [f"  +{f.points:<3g} {f.rule_id:<20} {f.reason}  <- {_sources(f.provenance)}"
              for f in risk.inherent_factors]
    if risk.knockouts:
        lines += ["", "knockouts (reject whatever the score; the tier is at least each one's floor):"]
        lines += [f"  {k.rule_id:<24} {k.reason} (floor {k.tier})  <- {_sources(k.provenance)}"
                  for k in risk.knockouts]
    if risk.missing:
        lines += ["", "missing answers (the decision waits for them):"]
        lines += [f"  {m.question_id or m.fact:<10} {m.place or '-':<28} {m.why}; needed by {', '.join(m.rule_ids)}"
                  for m in risk.missing]
    lines += ["", "control effectiveness by category (earned / possible):"]
    for category in risk.categories:
        if category.effectiveness is None:
            lines.append(f"  {category.title:<34} not applicable")
            continue
        lines.append(f"  {category.title:<34} {category.earned:g} / {category.possible:g} = "
                     f"{category.effectiveness:g}%  (weight {category.weight:g})")
        lines += [f"      {rule.rule_id:<24} {rule.earned:g} / {rule.possible:g}" for rule in category.rules
                  if rule.earned < rule.possible]
    lines += ["", "findings (points of effectiveness lost):"]
    lines += [f"  -{f.points_lost:<6g} {f.severity:<8} {f.rule_id:<24} {f.title}"
              + (f"  (causes {f.knockout})" if f.knockout else "")
              + ("  (requirement: no points)" if f.kind == "requirement" else "")
              for f in assessment.findings]
    if risk.what_if:
        lines += ["", "what if (each route scored again from the changed answers):"]
        for scenario in risk.what_if:
            outcome = "reachable" if scenario.reachable else "not reachable"
            route = "vendor fixes" if scenario.route == "vendor" else "vendor and our fixes"
            lines.append(f"  {scenario.target} by {route}: {outcome} with {len(scenario.rule_ids)} fixes -> "
                         f"{scenario.decision.replace('_', ' ')}, tier {scenario.tier}, residual {scenario.residual:g}:"
                         f" {', '.join(scenario.rule_ids) or '-'}" + (f" ({scenario.note})" if scenario.note else ""))
    return lines


def _check_rule_id(assessment: Assessment, profile: ScoringProfile, rule_id: str) -> None:
    risk = assessment.risk
    known = set(profile.rule_ids) | {finding.rule_id for finding in assessment.findings}
    known |= {rule.rule_id for category in risk.categories for rule in category.rules}
    known |= {knockout.rule_id for knockout in risk.knockouts} | {factor.rule_id for factor in risk.inherent_factors}
    if rule_id in known:
        return
    closest = difflib.get_close_matches(rule_id.upper(), sorted(known), n=3, cutoff=0.6)
    judged = f"{profile.id}@{profile.version}"
    message = f"--rule {rule_id}: no rule has this id in scoring profile {judged}"
    if risk.profile != judged:
        message += f" (the assessment was judged by {risk.profile}: give its profile with --profile or --policy)"
    message += (f"; closest: {', '.join(closest)}" if closest else
                "; `riskengine explain RESULT` lists the rules that moved the score")
    raise UsageError(message)


def _rule(assessment: Assessment, rule_id: str) -> list[str]:
    risk = assessment.risk
    lines: list[str] = []
    for finding in assessment.findings:
        if finding.rule_id == rule_id:
            lines += [f"{rule_id}: {finding.title} ({finding.severity}, category {finding.category})",
                      f"  answer/value: {finding.answer!r}", f"  points lost: {finding.points_lost:g}",
                      f"  plain: {finding.plain}", f"  technical: {finding.technical}",
                      f"  remediation: {finding.remediation.action} (owner {finding.remediation.owner}, "
                      f"due {finding.remediation.due})", f"  provenance: {_sources(finding.provenance)}"]
    for category in risk.categories:
        for rule in category.rules:
            if rule.rule_id == rule_id and not lines:
                lines.append(f"{rule_id}: met, {rule.earned:g} / {rule.possible:g} in {category.title} "
                             f"(value {rule.answer!r})")
    for knockout in risk.knockouts:
        if knockout.rule_id == rule_id:
            lines += [f"{rule_id}: knockout: {knockout.reason}", f"  provenance: {_sources(knockout.provenance)}"]
    for factor in risk.inherent_factors:
        if factor.rule_id == rule_id:
            lines += [f"{rule_id}: +{factor.points:g} inherent risk: {factor.reason}",
                      f"  provenance: {_sources(factor.provenance)}"]
    return lines or [f"{rule_id}: did not apply to this assessment (not applicable, or its condition did not hold)"]


def _sources(provenance: tuple[object, ...]) -> str:
    return "; ".join(str(source) for source in provenance) or "-"
