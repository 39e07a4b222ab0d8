"""The calibration set: vendors written from a practitioner's rubric, each with the decision and tier an expert
would sign, and why. ``docs/calibration.md`` holds the rubric and the same table; a test keeps them in step.

Each scenario is a filled questionnaire built in code from one of the samples (``samples/answers/*.yaml``) with
the answers that make it what it is, assessed by the real pipeline against the sample inventory and organisation
profile (EU/EEA and UK are the approved regions).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from riskengine.assessment import Assessment

Check = Callable[[Assessment], None]


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    decision: str
    tier: str
    why: str
    base: str = "clean"
    """``clean`` (a mature vendor with a small footprint, below) or a sample's name."""
    answers: dict[str, Any] = field(default_factory=dict)
    """Answers replaced (None blanks one)."""
    comments: dict[str, str] = field(default_factory=dict)
    integrations: list[dict[str, str]] | None = None
    """The Integrations rows, when they differ from the base's."""
    blank: bool = False
    """A questionnaire with nothing answered at all."""
    checks: tuple[Check, ...] = ()
    """What else must hold, beyond decision and tier."""


# A mature vendor with a small footprint: Northwind's answers (SOC 2 Type II, ISO 27001, everything Yes), but a
# tool in a capability we do not run ("other"), 20,000 contacts, one inbound connection from a low-criticality
# system, nothing sent in our name.
CLEAN: dict[str, Any] = {
    "VEN-14": "other", "DAT-07": 20_000, "SND-01": "none", **{f"SND-{n:02}": "N/A" for n in (2, 4, 5, 6, 7, 8, 9, 10)},
    "SND-03": "not applicable",
}
CLEAN_COMMENTS = {f"SND-{n:02}": "The tool sends nothing on your behalf." for n in (2, 4, 5, 6, 7, 8, 9, 10)}
CLEAN_INTEGRATIONS = [{"system": "social", "direction": "inbound", "data_classes": "personal", "method": "api",
                       "frequency": "daily", "notes": "Follower handles for campaign reporting"}]
PAYMENT_INTEGRATIONS = [
    {"system": "payments", "direction": "bidirectional", "data_classes": "payment, personal", "method": "api",
     "frequency": "real-time", "notes": "Card payments for gift cards"},
    {"system": "ecommerce", "direction": "outbound", "data_classes": "personal", "method": "webhook",
     "frequency": "real-time", "notes": "Gift-card orders into the shop"},
]
TAG_INTEGRATIONS = [{"system": "website-cms", "direction": "inbound", "data_classes": "behavioural", "method": "tag",
                     "frequency": "real-time", "notes": "Personalisation script on every page"}]
HOSTILE = '<b>Evil</b> & Co =HYPERLINK("http://x")\u202e\u200b' + "A" * 150


def rules(assessment: Assessment) -> set[str]:
    return {f.rule_id for f in assessment.findings} | {k.rule_id for k in assessment.risk.knockouts}


def conditions(assessment: Assessment) -> set[str]:
    return {rule for group in assessment.risk.conditions for c in group.conditions for rule in c.rule_ids}


def missing(assessment: Assessment) -> set[str]:
    return {item.question_id or item.fact for item in assessment.risk.missing}


def has_knockouts(*expected: str) -> Check:
    def check(assessment: Assessment) -> None:
        assert {k.rule_id for k in assessment.risk.knockouts} == set(expected)
    return check


def has_conditions(*expected: str) -> Check:
    def check(assessment: Assessment) -> None:
        assert set(expected) <= conditions(assessment), conditions(assessment)
    return check


def has_no_conditions(assessment: Assessment) -> None:
    assert not assessment.risk.conditions, conditions(assessment)


def is_missing(*expected: str) -> Check:
    def check(assessment: Assessment) -> None:
        assert set(expected) <= missing(assessment), missing(assessment)
    return check


def is_borderline(assessment: Assessment) -> None:
    assert assessment.risk.borderline is not None, assessment.risk.residual


def warns(text: str) -> Check:
    def check(assessment: Assessment) -> None:
        assert any(text in problem.message for problem in assessment.warnings), [str(p) for p in assessment.warnings]
    return check


SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "clean-mature", "Mature vendor, small footprint", "approve", "low",
        "SOC 2 Type II and ISO 27001 current, every control met, no sensitive data, touches no important system: "
        "nothing to ask for.", checks=(has_no_conditions,)),
    Scenario(
        "mature-deeply-integrated", "Mature email platform wired into critical systems (the Northwind sample)",
        "approve_with_conditions", "low",
        "Controls are excellent, but the tool reaches the shop, the CRM and the CDP: IT must approve the "
        "integration design before go-live. It duplicates Mailchimp: a decision to take, not a blocker. Its "
        "residual sits just under the medium threshold, which the report says.",
        base="northwind-mail", checks=(has_conditions("REQ-CRITICAL-REACH"), is_borderline)),
    Scenario(
        "tag-weak-consent", "Tag on the website that fires before consent and fingerprints",
        "approve_with_conditions", "medium",
        "Code in our customer-facing website that tracks visitors before they consent breaks the ePrivacy rules "
        "for us: it must be fixed before go-live, and the website becomes part of the blast radius.",
        answers={"VEN-14": "personalisation", "TRK-07": "No", "TRK-11": "No", "TRK-12": "Yes"},
        integrations=TAG_INTEGRATIONS,
        checks=(has_conditions("TRK-CONSENT-FIRST", "TRK-FINGERPRINTING", "REQ-CRITICAL-REACH"),)),
    Scenario(
        "payments-with-pci", "Card payments, current PCI DSS attestation", "approve_with_conditions", "low",
        "Card data with a PCI DSS AoC from this year and every control met leaves little residual risk, but the "
        "tool reaches the payment service and the shop, both critical: IT reviews the integration first.",
        answers={"DAT-03": "Yes", "VEN-08": "SOC 2 Type II, ISO 27001, PCI DSS", "VEN-15": dt.date(2026, 3, 2)},
        integrations=PAYMENT_INTEGRATIONS,
        checks=(has_conditions("REQ-CRITICAL-REACH"),)),
    Scenario(
        "payments-without-pci", "Card payments, no PCI DSS attestation", "reject", "critical",
        "A service provider that handles card numbers without PCI DSS compliance cannot be used for card data "
        "(PCI DSS v4.0 req. 12.8.4).",
        answers={"DAT-03": "Yes"}, integrations=PAYMENT_INTEGRATIONS,
        checks=(has_knockouts("KO-PAYMENT-NO-PCI"),)),
    Scenario(
        "payments-stale-aoc", "Card payments, PCI DSS attestation older than a year", "reject", "critical",
        "An AoC dated 18 months before the assessment is not current: the vendor must show this year's.",
        answers={"DAT-03": "Yes", "VEN-08": "SOC 2 Type II, ISO 27001, PCI DSS", "VEN-15": dt.date(2025, 5, 20)},
        integrations=PAYMENT_INTEGRATIONS, checks=(has_knockouts("KO-PAYMENT-NO-PCI"),)),
    Scenario(
        "payments-aoc-date-missing", "Card payments, PCI DSS claimed without the attestation's date",
        "more_information_needed", "low",
        "PCI DSS is claimed, but without the AoC's date we cannot tell whether it is current: ask for it before "
        "deciding.",
        answers={"DAT-03": "Yes", "VEN-08": "SOC 2 Type II, ISO 27001, PCI DSS", "VEN-15": None},
        integrations=PAYMENT_INTEGRATIONS, checks=(is_missing("VEN-15"),)),
    Scenario(
        "health-out-of-region", "Health data stored in the US, special-category question answered No",
        "reject", "critical",
        "Health data is special-category data whatever the special-category answer says (GDPR Art. 9), and our "
        "policy keeps it in the EU/EEA and UK.",
        answers={"DAT-02": "No", "DAT-04": "Yes", "DAT-09": "EU/EEA, US", "PRV-19": "Yes"},
        comments={"PRV-19": ""}, checks=(has_knockouts("KO-SENSITIVE-OUTSIDE-REGIONS"),)),
    Scenario(
        "health-in-region-no-art9", "Health data in the EU, but no special-category terms in the DPA",
        "approve_with_conditions", "high",
        "Where it is stored is fine, but until the contract carries Art. 9 terms the gap is critical (tier high): "
        "a condition before any health data is shared.",
        answers={"DAT-04": "Yes", "PRV-19": "No"}, comments={"PRV-19": ""},
        checks=(has_conditions("PRV-ART9-TERMS"),)),
    Scenario(
        "no-dpa", "Personal data without a data processing agreement", "reject", "critical",
        "Processing personal data for us without an Art. 28 DPA is unlawful: reject until one is signed.",
        answers={"PRV-01": "No"}, checks=(has_knockouts("KO-NO-DPA"),)),
    Scenario(
        "na-on-the-dpa", "N/A to the DPA question while holding personal data", "more_information_needed", "high",
        "N/A is only acceptable when the tool holds no personal data; here it does, so the answer is missing, "
        "not a pass: it counts as a critical gap (tier high) until the vendor answers.",
        answers={"PRV-01": "N/A"}, comments={"PRV-01": "We are only a processor, so this does not apply to us."},
        checks=(is_missing("PRV-01"), warns("N/A is accepted only when the tool holds no personal data"))),
    Scenario(
        "na-abuse", "N/A, with reasons, to every weak control of the PixelPath sample", "more_information_needed",
        "high",
        "N/A where the questionnaire does not accept it scores as unanswered: the vendor lands in the tier its "
        "honest answers give (high, as the PixelPath sample), not a tier lower, and the N/A on administrator MFA "
        "is an answer still owed.",
        base="pixelpath-analytics",
        answers={qid: "N/A" for qid in ("SEC-01", "SEC-04", "SEC-08", "SEC-12", "SEC-13", "SEC-23", "IAM-01",
                                        "IAM-02", "DAT-13", "DAT-14", "DAT-15", "INT-06", "RES-08", "PRV-11")},
        comments={qid: "Not relevant for an analytics tag." for qid in (
            "SEC-01", "SEC-04", "SEC-08", "SEC-12", "SEC-13", "SEC-23", "IAM-01", "IAM-02", "DAT-13", "DAT-14",
            "DAT-15", "INT-06", "RES-08", "PRV-11")},
        checks=(is_missing("SEC-04"), warns("N/A is not an accepted answer to this question"))),
    Scenario(
        "blank", "A questionnaire returned with nothing answered", "more_information_needed", "critical",
        "Nothing is known: every data class counts as held until the vendor says otherwise, and the decision "
        "waits for the answers the knockouts need.",
        blank=True, checks=(is_missing("DAT-01", "PRV-01", "SEC-04"),)),
    Scenario(
        "young-vendor", "A vendor founded last year, otherwise mature", "approve", "low",
        "Youth alone is not a reason to refuse a vendor with strong, audited controls; it is a recommendation "
        "(escrow, exit terms), counted from the assessment's date.",
        answers={"VEN-05": 2025}, checks=(lambda a: _recommended(a, "VIA-AGE"),)),
    Scenario(
        "duplicate-of-sanctioned", "Duplicates a sanctioned tool (Mailchimp)", "approve", "low",
        "Running two email tools is a cost and data question for us to decide (retire one), not a security gap of "
        "the vendor's: a recommendation, fixable on our side only.",
        answers={"VEN-14": "email-marketing"},
        checks=(lambda a: _recommended(a, "ARC-NO-DUPLICATE"),
                lambda a: _fixed_by(a, "ARC-NO-DUPLICATE", "ours"))),
    Scenario(
        "shadow-it", "Enters a space where teams run unsanctioned tools", "approve", "low",
        "Hotjar is shadow IT in web analytics: adopting a sanctioned tool is the moment to retire it, which is "
        "advice, not a condition.",
        answers={"VEN-14": "web-analytics"}, checks=(lambda a: _recommended(a, "ARC-SHADOW-IT"),)),
    Scenario(
        "tier-boundary", "One medium gap more than the Northwind sample: just over the medium threshold",
        "approve_with_conditions", "medium",
        "The residual crosses 20 by a fraction: the tier is medium, reported as borderline, and the decision does "
        "not change (IT's integration review stands either way).",
        base="northwind-mail", answers={"SEC-13": "No"}, checks=(is_borderline,)),
    Scenario(
        "hostile-text", "Markup, a formula and control characters in free-text answers", "approve", "low",
        "Text answers do not score: the same vendor with hostile text is judged exactly as the clean one.",
        answers={"VEN-01": HOSTILE, "DAT-16": "<script>alert(1)</script>" + "\u202e" * 20,
                 "SEC-06": "+cmd|' /C calc'!A0"},
        comments={"SEC-01": "<img src=x onerror=alert(1)>"}, checks=(has_no_conditions,)),
    Scenario(
        "ai-training-without-opt-out", "Trains models on our data with no opt-out", "approve_with_conditions",
        "medium",
        "Training on our customers' data without a contractual opt-out is a high gap (tier medium) that the "
        "contract must close before go-live.",
        answers={"AI-03": "Yes", "AI-05": "No"}, checks=(has_conditions("AI-OPT-OUT"),)),
    Scenario(
        "sends-unaligned-email", "Sends email in our name without alignment", "approve_with_conditions", "medium",
        "Email in our name without SPF/DKIM alignment hurts deliverability and invites spoofing (a high gap, tier "
        "medium): set up a delegated subdomain first.",
        answers={"SND-01": "email", "SND-02": "No", **{f"SND-{n:02}": "Yes" for n in (4, 5, 6, 7, 9, 10)},
                 "SND-08": "N/A", "SND-03": "shared only"},
        comments={"SND-08": "We send no SMS."}, checks=(has_conditions("SND-ALIGNMENT"),)),
    Scenario(
        "admin-mfa-unanswered", "Administrator MFA left blank", "more_information_needed", "high",
        "Administrator MFA is a critical control: a blank is not a pass (it counts as the critical gap it may be, "
        "tier high) and the vendor must answer.",
        answers={"SEC-04": None}, checks=(is_missing("SEC-04"),)),
    Scenario(
        "absurd-price", "A quote of ten million a seat for a billion seats", "approve_with_conditions", "low",
        "Every figure is within the questionnaire's ranges, but a yearly price of 1e16 (far above 1 % of our "
        "turnover) is a typing error or a trap: marketing confirms the quote before anything is signed.",
        answers={"CST-03": 10_000_000, "CST-04": 1_000_000_000}, checks=(has_conditions("REQ-PRICE-PROPORTIONATE"),)),
    Scenario(
        "high-risk-without-assurance", "High inherent risk, no current SOC 2 or ISO 27001",
        "approve_with_conditions", "low",
        "A tool holding 200,000 people's data (inherent 65) is not approved on the vendor's word alone: obtain "
        "an independent report first.",
        answers={"DAT-07": 200_000, "VEN-08": "ISO 27701", "PRV-04": None, "PRV-05": None},
        checks=(has_conditions("REQ-INDEPENDENT-ASSURANCE"),)),
)


def _recommended(assessment: Assessment, rule_id: str) -> None:
    recommended = {rule for group in assessment.risk.recommendations for c in group.conditions for rule in c.rule_ids}
    assert rule_id in recommended, recommended


def _fixed_by(assessment: Assessment, rule_id: str, who: str) -> None:
    assert next(f for f in assessment.findings if f.rule_id == rule_id).fixable_by == who
