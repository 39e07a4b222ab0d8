"""The portfolio summary workbook and the portfolio page: read back with openpyxl and pypdf."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pypdf
import pytest
from hypothesis import given
from hypothesis import strategies as st

from riskengine.assessment import Assessment
from riskengine.pipeline import assess
from riskengine.portfolio import inert_text, portfolio_pdf, summary_workbook
from riskengine.portfolio.compare import compare
from riskengine.portfolio.summary import FORMULA_TRIGGERS, report_link
from riskengine.portfolio.wording import load_portfolio_wording
from riskengine.questionnaire.bank import QuestionBank
from riskengine.questionnaire.template import write_template
from riskengine.report.charts import money
from tests.conftest import NOW, SAMPLES, FillFactory, sample_answers
from tests.portfolio.conftest import SAMPLE_NAMES, variant

HOSTILE = ['=HYPERLINK("http://evil.example","x")', "+cmd|' /C calc'!A0", "@SUM(1)", "-2+3", "\t=1", "\r=1",
           "\uff1dSUM(1)", "\uff0b1", "\uff0d1", "\uff20SUM(1)", "  =1+1", "\x01=1"]


def _reports(samples: dict[str, Assessment]) -> dict[str, str]:
    return {assessment.assessment_id: f"{name}.pdf" for name, assessment in samples.items()}


def _open(data: bytes) -> Any:
    return openpyxl.load_workbook(io.BytesIO(data)).active


def _header(sheet: Any) -> list[str]:
    return [cell.value for cell in sheet[1]]


def _column(sheet: Any, title: str) -> list[Any]:
    index = _header(sheet).index(title) + 1
    return [sheet.cell(row=row, column=index).value for row in range(2, sheet.max_row + 1)]


def _letter(sheet: Any, title: str) -> str:
    letter: str = openpyxl.utils.get_column_letter(_header(sheet).index(title) + 1)
    return letter


@pytest.fixture(scope="module")
def workbook(samples: dict[str, Assessment]) -> bytes:
    return summary_workbook(list(samples.values()), reports=_reports(samples))


# --- the workbook's content ----------------------------------------------------------------------------------


def test_one_row_per_vendor_highest_tier_first(workbook: bytes) -> None:
    sheet = _open(workbook)
    assert sheet.title == "Portfolio"
    assert _column(sheet, "Vendor") == ["GlowUp Technologies Pte. Ltd.", "PixelPath Labs, Inc.",
                                        "Northwind Mailworks B.V."]
    assert _column(sheet, "Tier") == ["Critical", "High", "Low"]
    assert _column(sheet, "Decision") == ["Reject", "Approve with conditions", "Approve with conditions"]


def test_row_holds_the_assessments_figures(workbook: bytes, samples: dict[str, Assessment]) -> None:
    sheet = _open(workbook)
    northwind = samples["northwind-mail"]
    row = {title: value for title, value in zip(_header(sheet), [cell.value for cell in sheet[4]], strict=True)}
    assert row["Product"] == "Northwind Mail, Enterprise plan"
    assert row["Assessment"] == northwind.assessment_id
    assert row["Assessed"] == dt.datetime(2026, 11, 24)
    assert row["Residual risk"] == pytest.approx(northwind.risk.residual)
    assert row["Inherent risk"] == pytest.approx(northwind.risk.inherent)
    assert row["Security"] == pytest.approx(100.0)
    assert row["Integration and architecture"] == pytest.approx(81.8)
    assert row["External posture"] is None  # no control applies offline: blank, not 0
    assert (row["Knockouts"], row["Conditions"]) == (0, 1)  # IT reviews the integration with critical systems
    assert northwind.tco is not None
    headline = northwind.tco.headline
    assert (row["Currency"], row["TCO years"]) == (headline.currency, headline.horizon_years)
    good_enough, built_to_last = headline.options
    assert row["Expected TCO Good enough"] == pytest.approx(good_enough.expected_total, abs=0.01)
    assert row["Expected TCO Built to last"] == pytest.approx(built_to_last.expected_total, abs=0.01)
    assert headline.choice == "built_to_last"
    assert row["Cost model recommends"] == "Built to last"  # the headline's choice
    assert row["Reassess by"] == dt.datetime(2028, 11, 24)
    assert row["Report"] == "northwind-mail.pdf"
    glowup = {title: cell.value for title, cell in zip(_header(sheet), sheet[2], strict=True)}
    assert (glowup["Knockouts"], glowup["Conditions"]) == (4, 22)  # the 4 knockouts' remediations among them


def test_one_column_per_category_in_the_profiles_order(workbook: bytes, samples: dict[str, Assessment]) -> None:
    header = _header(_open(workbook))
    titles = [category.title for category in samples["northwind-mail"].risk.categories]
    start = header.index("Inherent risk") + 1
    assert header[start:start + len(titles)] == titles
    assert header[start + len(titles):] == ["Knockouts", "Conditions", "Currency", "TCO years",
                                            "Expected TCO Good enough", "Expected TCO Built to last",
                                            "Cost model recommends", "Reassess by", "Report"]


def test_frozen_header_autofilter_widths_and_number_formats(workbook: bytes) -> None:
    sheet = _open(workbook)
    last = openpyxl.utils.get_column_letter(len(_header(sheet)))
    assert sheet.freeze_panes == "B2"
    assert sheet.auto_filter.ref == f"A1:{last}4"
    assert sheet.column_dimensions["A"].width >= len("GlowUp Technologies Pte. Ltd.")
    assert 8 <= sheet.column_dimensions[_letter(sheet, "Knockouts")].width <= 48
    formats = {title: sheet[f"{_letter(sheet, title)}2"].number_format for title in (
        "Assessed", "Residual risk", "Security", "Knockouts", "TCO years", "Expected TCO Good enough", "Reassess by")}
    assert formats == {"Assessed": "yyyy-mm-dd", "Residual risk": "0.0", "Security": "0.0", "Knockouts": "0",
                       "TCO years": "0", "Expected TCO Good enough": "#,##0", "Reassess by": "yyyy-mm-dd"}
    assert all(cell.font.bold for cell in sheet[1])


def test_conditional_formats_cover_the_table(workbook: bytes) -> None:
    sheet = _open(workbook)
    rules: dict[str, list[Any]] = {}
    for formatting in sheet.conditional_formatting:
        rules.setdefault(str(formatting.sqref), []).extend(formatting.rules)
    tier, decision, residual, due = (_letter(sheet, title) for title in (
        "Tier", "Decision", "Residual risk", "Reassess by"))
    assert sorted(rule.formula[0] for rule in rules[f"{tier}2:{tier}4"]) == [
        '"Critical"', '"High"', '"Low"', '"Medium"']
    assert {rule.type for rule in rules[f"{tier}2:{tier}4"]} == {"cellIs"}
    assert sorted(rule.formula[0] for rule in rules[f"{decision}2:{decision}4"]) == [
        '"Approve with conditions"', '"Approve"', '"More information needed"', '"Reject"']
    [bar] = rules[f"{residual}2:{residual}4"]
    assert bar.type == "dataBar"
    assert [(point.type, point.val) for point in bar.dataBar.cfvo] == [("num", 0), ("num", 100)]
    passed, soon = rules[f"{due}2:{due}4"]
    assert passed.formula == [f"AND(ISNUMBER({due}2),{due}2<TODAY())"]
    assert soon.formula == [f"AND(ISNUMBER({due}2),{due}2>=TODAY(),{due}2<=TODAY()+30)"]
    fills = {rule.formula[0]: rule.dxf.fill.bgColor.rgb for rule in rules[f"{tier}2:{tier}4"]}
    assert fills['"Critical"'] == "FF7A1812"


def test_report_names_are_relative_hyperlinks(workbook: bytes, samples: dict[str, Assessment]) -> None:
    sheet = _open(workbook)
    column = _letter(sheet, "Report")
    assert [sheet[f"{column}{row}"].hyperlink.target for row in (2, 3, 4)] == [
        "glowup-loyalty.pdf", "pixelpath-analytics.pdf", "northwind-mail.pdf"]
    hostile = {samples["northwind-mail"].assessment_id: "http://evil.example/x y.pdf",
               samples["glowup-loyalty"].assessment_id: "=1+1.pdf"}
    sheet = _open(summary_workbook(list(samples.values()), reports=hostile))
    links = [sheet[f"{column}{row}"] for row in (2, 3, 4)]
    assert links[0].hyperlink.target == "%3D1%2B1.pdf" and links[0].value == "'=1+1.pdf"
    assert links[1].value is None and links[1].hyperlink is None  # no report for PixelPath
    assert links[2].hyperlink.target == "http%3A//evil.example/x%20y.pdf"
    assert report_link("reports\\a.pdf") == "reports/a.pdf"


def test_sort_is_tier_then_residual_then_name(samples: dict[str, Assessment]) -> None:
    base = samples["pixelpath-analytics"]
    assessments = [
        variant(base, assessment_id="RA-1", legal_name="beta GmbH", tier="high", residual=40.0),
        variant(base, assessment_id="RA-2", legal_name="Alpha AG", tier="high", residual=40.0),
        variant(base, assessment_id="RA-3", legal_name="Zeta", tier="high", residual=55.0),
        variant(base, assessment_id="RA-4", legal_name="Omega", tier="medium", residual=60.0),
        variant(base, assessment_id="RA-5", legal_name="Aardvark", tier="low", residual=10.0),
    ]
    sheet = _open(summary_workbook(assessments, reports={}))
    assert _column(sheet, "Vendor") == ["Zeta", "Alpha AG", "beta GmbH", "Omega", "Aardvark"]


# --- determinism -----------------------------------------------------------------------------------------------


def test_same_assessments_give_the_same_bytes_in_any_order(workbook: bytes, samples: dict[str, Assessment]) -> None:
    reversed_input = list(reversed(list(samples.values())))
    reports = dict(reversed(list(_reports(samples).items())))
    assert summary_workbook(reversed_input, reports=reports) == workbook


def test_dates_come_from_the_assessments_clock(workbook: bytes, samples: dict[str, Assessment]) -> None:
    archive = zipfile.ZipFile(io.BytesIO(workbook))
    assert {info.date_time for info in archive.infolist()} == {(2026, 11, 24, 9, 0, 0)}
    properties = openpyxl.load_workbook(io.BytesIO(workbook)).properties
    assert properties.created == properties.modified == dt.datetime(2026, 11, 24, 9, 0)
    later = [variant(assessment, created=NOW + dt.timedelta(days=3)) for assessment in samples.values()]
    moved = summary_workbook(later, reports=_reports(samples))
    assert moved != workbook
    assert {info.date_time for info in zipfile.ZipFile(io.BytesIO(moved)).infolist()} == {(2026, 11, 27, 9, 0, 0)}


def test_an_empty_portfolio_is_a_header_row(samples: dict[str, Assessment]) -> None:
    data = summary_workbook([], reports={})
    sheet = _open(data)
    assert sheet.max_row == 1 and _header(sheet)[:3] == ["Vendor", "Product", "Assessment"]
    assert sheet.auto_filter.ref.endswith("1")
    assert data == summary_workbook([], reports={})


# --- formula injection -------------------------------------------------------------------------------------------


def _hostile_portfolio(base: Assessment) -> list[Assessment]:
    return [variant(base, assessment_id=f"RA-{index}", legal_name=text, product=text)
            for index, text in enumerate(HOSTILE)]


def test_text_that_would_start_a_formula_stays_text(samples: dict[str, Assessment]) -> None:
    data = summary_workbook(_hostile_portfolio(samples["northwind-mail"]), reports={})
    sheet = _open(data)
    assert not [cell.coordinate for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]
    shown = _column(sheet, "Vendor")
    for original in HOSTILE:
        # a control character a workbook cannot hold is dropped; a carriage return is a line feed in XML
        expected = original.replace("\x01", "").replace("\r", "\n")
        assert "'" + expected in shown, original
    for row in range(2, sheet.max_row + 1):
        for column in ("A", "B"):
            cell = sheet[f"{column}{row}"]
            assert cell.value.startswith("'") and cell.quotePrefix, (cell.coordinate, cell.value)
            assert cell.data_type == "s"
    xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "HYPERLINK" in xml


def test_questionnaire_text_reaches_the_workbook_inert(filled: FillFactory, tmp_path: Path) -> None:
    """Through the real pipeline: a vendor that types ``@SUM(1)`` as its name and ``-2+3`` as its product."""
    path = filled("hostile.xlsx", VEN_01="@SUM(1)", VEN_02="-2+3")
    assessment = assess(path, now=NOW, inventory=SAMPLES / "inventory.yaml")
    assert assessment.vendor.legal_name == "@SUM(1)"
    sheet = _open(summary_workbook([assessment], reports={assessment.assessment_id: "@report.pdf"}))
    assert (sheet["A2"].value, sheet["B2"].value) == ("'@SUM(1)", "'-2+3")
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_plain_text_is_left_alone() -> None:
    for text in ("Northwind Mailworks B.V.", "", "a=b", "100% +1", "Ünïcødé", "'quoted"):
        assert inert_text(text) == text


@given(st.text(max_size=40))
def test_guarded_text_never_starts_a_formula_and_keeps_its_characters(text: str) -> None:
    guarded = inert_text(text)
    assert guarded[:1] not in FORMULA_TRIGGERS
    assert guarded.lstrip(" \u00a0\u3000")[:1] not in FORMULA_TRIGGERS
    visible = re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f]", "", text.replace("\r\n", "\n").replace("\r", "\n"))
    assert guarded in (visible, "'" + visible)
    assert inert_text(guarded) == guarded


# --- the portfolio page ---------------------------------------------------------------------------------------


def _text(data: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]


@pytest.fixture(scope="module")
def page(samples: dict[str, Assessment]) -> bytes:
    return portfolio_pdf(list(samples.values()))


def test_portfolio_page_lists_vendors_in_order_with_counts(page: bytes, samples: dict[str, Assessment]) -> None:
    [text] = _text(page)
    assert "Vendor portfolio" in text and "3 vendors assessed, as of 24 November 2026" in text
    order = [text.index(name) for name in ("GlowUp Technologies", "PixelPath Labs", "Northwind Mailworks")]
    assert order == sorted(order)
    for word in ("Critical", "High", "Low", "Reject", "Approve with", "2028-11-24", "Page 1 of 1"):
        assert word in text, word
    flat = " ".join(text.split())
    assert "Expected TCO, Good enough (EUR, 3 years)" in flat and "Expected TCO, Built to last (EUR, 3 years)" in flat
    for assessment in samples.values():  # each vendor's expected and typical totals, as its headline has them
        assert assessment.tco is not None
        headline = assessment.tco.headline
        assert (headline.currency, headline.horizon_years) == ("EUR", 3)
        for option in headline.options:
            assert f"{headline.currency} {money(option.expected_total)}" in flat
            assert f"typical {money(option.typical_total)}" in flat
    reader = pypdf.PdfReader(io.BytesIO(page))
    assert reader.pages[0].mediabox.width > reader.pages[0].mediabox.height  # landscape
    assert reader.metadata is not None and str(reader.metadata["/CreationDate"]).startswith("D:20261124090000")


def test_portfolio_page_is_byte_identical_and_independent_of_input_order(page: bytes,
                                                                         samples: dict[str, Assessment]) -> None:
    assert portfolio_pdf(list(reversed(list(samples.values())))) == page


def test_many_vendors_flow_over_pages_with_the_header_repeated(samples: dict[str, Assessment]) -> None:
    base = samples["pixelpath-analytics"]
    tiers: Sequence[Any] = ("low", "medium", "high", "critical")
    many = [variant(base, assessment_id=f"RA-{index:03}", legal_name=f"Vendor {index:03} <b>&amp;</b>",
                    tier=tiers[index % 4], residual=float(index % 90), reassess_by="2026-12-01")
            for index in range(70)]
    pages = _text(portfolio_pdf(many))
    assert len(pages) >= 3
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text
        if number > 1:
            assert "Reassess by" in text and "Residual" in text  # the table's header, repeated
    everything = "\n".join(pages)
    assert "Vendor 069 <b>&amp;</b>" in everything  # markup in a name shows literally
    assert "70 vendors assessed" in pages[0]
    assert "due soon" in everything  # 2026-12-01 is 7 days after the page's date


def test_an_empty_portfolio_page_says_so() -> None:
    [text] = _text(portfolio_pdf([]))
    assert "No vendor has been assessed yet." in text


def test_the_portfolio_shows_each_samples_decision(samples: dict[str, Assessment], workbook: bytes,
                                                   page: bytes) -> None:
    decisions = {name: samples[name].risk.decision for name in SAMPLE_NAMES}
    assert decisions == {"northwind-mail": "approve_with_conditions", "pixelpath-analytics": "approve_with_conditions",
                         "glowup-loyalty": "reject"}
    labels = load_portfolio_wording().decisions
    sheet = _open(workbook)
    shown = dict(zip(_column(sheet, "Assessment"), _column(sheet, "Decision"), strict=True))
    assert shown == {samples[name].assessment_id: labels[decision] for name, decision in decisions.items()}
    text = " ".join(_text(page)[0].split())
    # the counts table: tier rows, a column per decision (four), then the total
    assert "Critical 0 0 0 1 1 High 0 1 0 0 1 Medium 0 0 0 0 0 Low 0 1 0 0 1 Total 0 2 0 1 3" in text


@pytest.fixture(scope="module")
def waiting(tmp_path_factory: pytest.TempPathFactory, bank: QuestionBank) -> Assessment:
    """Northwind with PRV-01 (does the vendor offer a DPA?) left blank: more information needed."""
    content = sample_answers("northwind-mail")
    path = tmp_path_factory.mktemp("waiting") / "waiting.xlsx"
    write_template(bank, path, answers={key: value for key, value in content["answers"].items() if key != "PRV-01"},
                   tables=content.get("tables", {}))
    assessment = assess(path, now=NOW, inventory=SAMPLES / "inventory.yaml", org_profile=SAMPLES / "org-profile.yaml")
    assert assessment.risk.decision == "more_information_needed"
    assert [item.question_id for item in assessment.risk.missing] == ["PRV-01"]
    return assessment.model_copy(update={"assessment_id": "RA-WAITING",
                                         "vendor": assessment.vendor.model_copy(update={"legal_name": "Waiting Co"})})


def test_a_vendor_waiting_for_answers_is_counted(samples: dict[str, Assessment], waiting: Assessment) -> None:
    assessments = [*samples.values(), waiting]
    sheet = _open(summary_workbook(assessments, reports={}))
    shown = dict(zip(_column(sheet, "Assessment"), _column(sheet, "Decision"), strict=True))
    assert shown["RA-WAITING"] == "More information needed"
    due = dict(zip(_column(sheet, "Assessment"), _column(sheet, "Reassess by"), strict=True))
    assert not waiting.risk.reassess_by and due["RA-WAITING"] is None  # no decision yet sets when to look again
    text = " ".join(_text(portfolio_pdf(assessments))[0].split())
    assert text.count("More information needed") == 3  # the legend, the vendor's row and (wrapped) the header
    # the samples' counts (as above) and the waiting vendor's in its own column, whatever its provisional tier
    counts = {"Critical": [0, 0, 0, 1], "High": [0, 1, 0, 0], "Medium": [0, 0, 0, 0], "Low": [0, 1, 0, 0]}
    counts[load_portfolio_wording().tiers[waiting.risk.tier]][2] += 1
    table = " ".join(f"{tier} {' '.join(map(str, row))} {sum(row)}" for tier, row in counts.items())
    assert f"{table} Total 0 2 1 1 4" in text


def test_a_vendor_waiting_for_answers_is_never_recommended(samples: dict[str, Assessment],
                                                           waiting: Assessment) -> None:
    # the lowest tier and residual, and by far the cheapest: still no decision to recommend it on
    cheapest = variant(waiting, tier="low", residual=1.0, cost=1_000.0)
    comparison = compare([cheapest, samples["pixelpath-analytics"], samples["glowup-loyalty"]])
    assert comparison.recommended == samples["pixelpath-analytics"].assessment_id
    assert comparison.candidate("RA-WAITING").status == "excluded"
    reason = next(reason for reason in comparison.reasons if reason.assessment_id == "RA-WAITING")
    assert (reason.kind, reason.figures["missing"]) == ("excluded", 1)
    assert reason.text == ("Waiting Co is excluded: its decision is More information needed, waiting for 1 missing "
                           "answer(s) (tier Low and residual risk 1.0 on the answers given).")
    alone = compare([cheapest, variant(cheapest, assessment_id="RA-WAITING-2", legal_name="Also Waiting")])
    assert alone.recommended is None
    assert alone.recommendation == "All 2 candidates are excluded, so none is recommended."
