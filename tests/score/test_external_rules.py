"""The external-evidence rules of the default profile give credit only for what a receiver would honour.

Evidence facts are published as ``riskengine.enrich.gather.evidence_facts`` publishes them, beside the
Northwind sample's answers (a tool that sends email as us).
"""

from __future__ import annotations

import pytest

from riskengine.facts import Fact, FactSet, FactValue, Provenance
from riskengine.importers.reading import read_questionnaire
from riskengine.pipeline import load_policy
from riskengine.questionnaire.bank import load_bank
from riskengine.questionnaire.submission import answer_facts
from riskengine.score.engine import derive_facts, score
from tests.conftest import SAMPLES, TODAY

PROFILE = load_policy().profile
ANSWERS = list(answer_facts(read_questionnaire(SAMPLES / "northwind-mail.xlsx", load_bank(), today=TODAY)))
DNS_RULES = ("DNS-SPF-ALL", "DNS-DMARC", "DNS-DMARC-SUBDOMAINS", "DNS-MTA-STS", "DNS-TLSRPT", "CON-DMARC")


def gaps(evidence: dict[str, FactValue], **answers: FactValue) -> set[str]:
    facts = [fact for fact in ANSWERS if fact.name.removeprefix("answer.").replace("-", "_") not in answers]
    facts += [Fact(name=f"answer.{name.replace('_', '-')}", value=value) for name, value in answers.items()]
    facts += [Fact(name=name, value=value, sources=(Provenance(kind="evidence", ref="EV-TEST"),))
              for name, value in evidence.items()]
    _, findings = score(derive_facts(FactSet().with_facts(*facts), PROFILE), PROFILE, today=TODAY)
    return {finding.rule_id for finding in findings} & set(DNS_RULES)


def test_the_sample_sends_as_us() -> None:
    assert derive_facts(FactSet().with_facts(*ANSWERS), PROFILE).value("sending.as_us") is True


@pytest.mark.parametrize(("result", "credited"), [("fail", True), ("softfail", True), ("neutral", False),
                                                  ("pass", False), ("none", False), ("permerror", False)])
def test_spf_credit_only_for_a_policy_that_refuses_unlisted_senders(result: str, credited: bool) -> None:
    assert ("DNS-SPF-ALL" in gaps({"dns.spf.result": result})) is not credited


@pytest.mark.parametrize(("policy", "credited"), [("reject", True), ("quarantine", True), ("none", False),
                                                  (False, False)])
def test_dmarc_credit_only_for_an_enforced_policy(policy: FactValue, credited: bool) -> None:
    found = gaps({"dns.dmarc.policy": policy})
    assert ("DNS-DMARC" in found) is not credited
    assert ("CON-DMARC" in found) is not credited  # the sample promises aligned mail (SND-02 Yes)


def test_subdomains_mta_sts_and_tls_reporting_count_for_a_tool_that_sends_as_us() -> None:
    weak = {"dns.dmarc.policy": "reject", "dns.dmarc.sp": "none", "dns.mta_sts.mode": "testing", "dns.tlsrpt": False}
    strong = {"dns.dmarc.policy": "reject", "dns.dmarc.sp": "reject", "dns.mta_sts.mode": "enforce",
              "dns.tlsrpt": ("mailto:tls@vendor.test",)}
    assert gaps(weak) == {"DNS-DMARC-SUBDOMAINS", "DNS-MTA-STS", "DNS-TLSRPT"}
    assert gaps(strong) == set()
    assert gaps(weak, SND_01=("none",)) == set()  # a tool that sends nothing as us: not applicable


def test_unknown_evidence_is_never_held_against_the_vendor() -> None:
    assert gaps({}) == set()
