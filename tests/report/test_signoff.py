"""The sign-off page filled from the register's sign-offs: each role that signed with what it signed, the others
with a block to fill in by hand, and the approval's status in one line. Real renders read back with pypdf."""

from __future__ import annotations

import pytest

from riskengine.register.approvals import SignOff
from riskengine.report import render_pdf
from riskengine.report.wording import load_wording
from tests.report.test_pdf import _flat, _section_text, make_assessment

ASSESSMENT = make_assessment()
WORDING = load_wording()
TEXT = WORDING.signoff
SHA = {"it": "1" * 64, "marketing": "ab" * 32, "compliance": "c0ffee" + "0" * 58}


def _signoff(role: str, name: str, decision: str, day: str, note: str = "", audience: str = "") -> SignOff:
    return SignOff(assessment_id=ASSESSMENT.assessment_id, report_sha256=SHA[role], role=role,  # type: ignore[arg-type]
                   signed_by=name, decision=decision, note=note, signed_at=f"{day}T09:00:00+00:00",  # type: ignore[arg-type]
                   report_audience=audience or role)


ALL_THREE = (_signoff("marketing", "Mia Marketer", "approve", "2026-11-24", "Budget agreed for 2027"),
             _signoff("it", "Ada Admin", "approve", "2026-11-25", audience="full"),
             _signoff("compliance", "Dana Ruiz", "approve", "2026-11-26", "Sign the DPA before go-live"))


def _page(data: bytes) -> str:
    """The sign-off section's text, whitespace collapsed (the marketing report ends with it)."""
    return _section_text(data, "signoff", f"{WORDING.page.number.split('{')[0].strip()} ")


@pytest.fixture(scope="module")
def signed() -> bytes:
    return render_pdf(ASSESSMENT, audience="marketing", signoffs=ALL_THREE)


def test_every_role_that_signed_is_shown_with_what_it_signed(signed: bytes) -> None:
    text = _page(signed)
    assert "Status in the register: approved, final since Compliance approved on 26 November 2026." in text
    labels = {audience: WORDING.audiences[audience].label for audience in ("full", "marketing", "compliance")}
    for role, name, day, note, audience in (("it", "Ada Admin", "25 November 2026", TEXT.no_note, "full"),
                                            ("marketing", "Mia Marketer", "24 November 2026",
                                             "Budget agreed for 2027", "marketing"),
                                            ("compliance", "Dana Ruiz", "26 November 2026",
                                             "Sign the DPA before go-live", "compliance")):
        block = (f"{TEXT.signed_title.format(role=WORDING.owners[role])} {TEXT.name} {name} {TEXT.decision} "
                 f"{TEXT.approved} {TEXT.date} {day} {TEXT.note} {note} {TEXT.report} {labels[audience]} "
                 f"{TEXT.sha256} {SHA[role]}")
        assert block in text, (role, text)
    # no block is left to fill in by hand
    assert TEXT.signature not in text and TEXT.conditions_accepted not in text


def test_roles_not_signed_keep_the_block_to_fill_in_by_hand() -> None:
    data = render_pdf(ASSESSMENT, audience="marketing", signoffs=ALL_THREE[:1])
    text = _page(data)
    assert _flat(TEXT.status_pending.format(signed="Marketing", waiting="IT, Compliance")) in text
    assert TEXT.signed_title.format(role="Marketing") in text and "Mia Marketer" in text
    for role in ("IT", "Compliance"):
        assert f"{TEXT.block_title.format(role=role)} {TEXT.name} {TEXT.decision} {TEXT.approve}" in text
        assert TEXT.signed_title.format(role=role) not in text
    assert text.count(TEXT.signature) == text.count(TEXT.conditions_accepted) == 2


def test_a_rejection_is_final_and_says_who_rejected() -> None:
    rejected = (ALL_THREE[0], _signoff("it", "Ada Admin", "reject", "2026-11-25", "No SSO, no go"))
    text = _page(render_pdf(ASSESSMENT, audience="marketing", signoffs=rejected))
    assert "Status in the register: rejected, final since IT rejected on 25 November 2026." in text
    assert f"{TEXT.decision} {TEXT.rejected} {TEXT.date} 25 November 2026 {TEXT.note} No SSO, no go" in text


def test_the_same_signoffs_give_the_same_bytes_and_none_give_the_blank_page(signed: bytes) -> None:
    assert render_pdf(ASSESSMENT, audience="marketing", signoffs=ALL_THREE) == signed
    blank = render_pdf(ASSESSMENT, audience="marketing")
    assert blank != signed
    text = _page(blank)
    assert "Status in the register" not in text and text.count(TEXT.signature) == 3
