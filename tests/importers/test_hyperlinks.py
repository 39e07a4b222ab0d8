"""Cells as a person sees them: a label linked to an address means the address, read from the workbook's XML
(openpyxl's read-only mode does not load links), bounded like the rest of the hostile-file guard."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest

from riskengine.errors import UnreadableFileError
from riskengine.importers import hyperlinks, read_questionnaire
from riskengine.importers.hyperlinks import sheet_links
from riskengine.importers.sheets import open_book
from riskengine.questionnaire.bank import QuestionBank
from riskengine.resources import data_path
from tests.conftest import TODAY
from tests.importers.builders import CORPUS, hecvat3_workbook, with_part
from tests.importers.test_oneoff import ROWS as ONE_OFF_ROWS
from tests.importers.test_oneoff import one_off

PRIVACY = "https://www.acme.example/legal/privacy"
GENERAL = {"GNRL-01": "Acme Learning Inc.", "GNRL-02": "Acme Campus", "GNRL-04": "Privacy Policy"}
SECTIONS = {"Authentication": [("AAAI-01", "Yes", ""), ("AAAI-12", "Yes", "")]}
RELATIONSHIPS = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{}'
                 "</Relationships>")
RELATIONSHIP = ('<Relationship Id="{}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                'hyperlink" Target="{}" TargetMode="External"/>')


def linked_sheet(path: Path, links: list[tuple[str, str]], targets: dict[str, str]) -> Path:
    """A one-sheet workbook whose ``<hyperlinks>`` are ``links`` (ref, relationship id or ``#location``) and
    whose relationships are ``targets`` (id -> target), written as a tool other than openpyxl might."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet["A1"] = "Title"
    sheet["C10"] = "Privacy Policy"
    sheet["C10"].hyperlink = "https://placeholder.example/"
    workbook.save(path)
    elements = "".join(f'<hyperlink ref="{ref}" location="{rel[1:]}"/>' if rel.startswith("#") else
                       f'<hyperlink ref="{ref}" r:id="{rel}"/>' for ref, rel in links)
    with_part(path, "xl/worksheets/sheet1.xml", lambda xml: re.sub(
        rb"<hyperlinks>.*</hyperlinks>",
        f'<hyperlinks xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">{elements}'
        f"</hyperlinks>".encode(), xml))
    rels = RELATIONSHIPS.format("".join(RELATIONSHIP.format(rel_id, target) for rel_id, target in targets.items()))
    return with_part(path, "xl/worksheets/_rels/sheet1.xml.rels", lambda _: rels.encode())


def test_a_label_linked_to_the_privacy_notice_gives_the_vendors_domain(tmp_path: Path, bank: QuestionBank) -> None:
    path = hecvat3_workbook(tmp_path / "full.xlsx", SECTIONS, general=GENERAL, links={"GNRL-04": PRIVACY})
    submission = read_questionnaire(path, bank, today=TODAY)
    assert submission.value("VEN-03") == "acme.example", "the link's host, not the label's words"
    assert submission.value("PRV-14") == PRIVACY
    assert submission.answers["VEN-03"].comment == f"HECVAT GNRL-04: {PRIVACY} [shown as 'Privacy Policy']"
    assert submission.answers["VEN-03"].place == "HECVAT - Full | Vendor Response!C7"


@pytest.mark.parametrize("label", ["link", "here", "click here", "Our privacy notice"])
def test_every_label_means_its_link(tmp_path: Path, bank: QuestionBank, label: str) -> None:
    path = hecvat3_workbook(tmp_path / "full.xlsx", SECTIONS, general={**GENERAL, "GNRL-04": label},
                            links={"GNRL-04": PRIVACY})
    assert read_questionnaire(path, bank, today=TODAY).value("PRV-14") == PRIVACY


def test_text_that_shows_an_address_or_an_answer_stays_the_answer(tmp_path: Path, bank: QuestionBank) -> None:
    path = hecvat3_workbook(tmp_path / "full.xlsx", SECTIONS, general={**GENERAL, "GNRL-04": "acme.example/privacy"},
                            links={"GNRL-04": "https://tracking.example/redirect?to=privacy", "AAAI-01": PRIVACY})
    submission = read_questionnaire(path, bank, today=TODAY)
    assert submission.value("VEN-03") == "acme.example", "the address a person reads in the cell"
    assert submission.value("SEC-01") == "Yes", "a linked Yes is still Yes"
    assert submission.answers["SEC-01"].comment == f"HECVAT AAAI-01: Yes [linked to {PRIVACY}]"


def test_linked_additional_information_keeps_the_address(tmp_path: Path, bank: QuestionBank) -> None:
    path = hecvat3_workbook(tmp_path / "full.xlsx", {"Authentication": [("AAAI-01", "Yes", "see our SSO guide")]},
                            general=GENERAL)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["HECVAT - Full | Vendor Response"]
    cell = next(row[3] for row in sheet.iter_rows(min_col=1, max_col=4) if row[0].value == "AAAI-01")
    cell.hyperlink = "https://docs.acme.example/sso"
    workbook.save(path)
    submission = read_questionnaire(path, bank, today=TODAY)
    assert submission.coverage is not None
    assert [item.text for item in submission.coverage.evidence_for("SEC-01")] == [
        "see our SSO guide (https://docs.acme.example/sso)"]


def test_a_one_off_workbooks_label_is_read_through_its_link(tmp_path: Path, bank: QuestionBank) -> None:
    rows = [row if row[0] != "SQ-002" else ("SQ-002", "Company website", "our website", "") for row in ONE_OFF_ROWS]
    path = one_off(tmp_path / "acme.xlsx", rows)
    workbook = openpyxl.load_workbook(path)
    workbook["Security questions"]["C6"].hyperlink = "https://www.acme-widgets.example/"
    workbook.save(path)
    submission = read_questionnaire(path, bank, today=TODAY,
                                    mapping=data_path("questionnaires", "mappings", "example-oneoff.yaml"))
    assert submission.value("VEN-03") == "acme-widgets.example"


def test_only_web_and_mail_links_are_followed(tmp_path: Path) -> None:
    path = linked_sheet(tmp_path / "links.xlsx", [("C1", "rId1"), ("C2", "rId2"), ("C3", "rId3"), ("C4", "rId4"),
                                                  ("C5", "#'Other sheet'!A1"), ("C6", "rId5")],
                        {"rId1": "https://acme.example/a", "rId2": "javascript:alert(1)",
                         "rId3": "file:///C:/Users/vendor/policy.pdf", "rId4": "mailto:privacy@acme.example",
                         "rId5": "https:no-host"})
    assert sheet_links(path, "Sheet") == {(1, 3): "https://acme.example/a", (4, 3): "mailto:privacy@acme.example"}


def test_ranges_and_repeated_links_are_read_as_excel_shows_them(tmp_path: Path) -> None:
    path = linked_sheet(tmp_path / "ranges.xlsx", [("C10:E10", "rIdA"), ("C10", "rIdB"), ("A1:XFD1048576", "rIdC")],
                        {"rIdA": "https://a.example/", "rIdB": "https://b.example/", "rIdC": "https://c.example/"})
    links = sheet_links(path, "Sheet")
    assert links == {(10, 3): "https://b.example/", (10, 4): "https://a.example/", (10, 5): "https://a.example/",
                     (1, 1): "https://c.example/"}, "the last link of a cell wins; a huge range, its first cell only"
    with open_book(path) as book:
        grid = book.grid("Sheet")
        assert (grid.link(10, 3), grid.link(11, 3)) == ("https://b.example/", "")
        assert book.head("Sheet").links == {}, "a quick look reads no links"


def test_a_sheet_with_too_many_links_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = linked_sheet(tmp_path / "many.xlsx", [(f"C{row}", "rId1") for row in range(1, 6)],
                        {"rId1": "https://acme.example/"})
    monkeypatch.setattr(hyperlinks, "MAX_LINKS", 3)
    with pytest.raises(UnreadableFileError, match="more than 3 hyperlinks"):
        sheet_links(path, "Sheet")


def test_an_oversized_relationships_part_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = linked_sheet(tmp_path / "big.xlsx", [("C1", "rId1")], {"rId1": "https://acme.example/" + "x" * 1500})
    monkeypatch.setattr(hyperlinks, "MAX_PART_BYTES", 1200)  # workbook.xml is some 550 bytes
    with pytest.raises(UnreadableFileError, match=r"xl/worksheets/_rels/sheet1\.xml\.rels is [\d,]+ bytes; the limit"):
        sheet_links(path, "Sheet")


def test_a_target_longer_than_any_address_is_dropped(tmp_path: Path) -> None:
    path = linked_sheet(tmp_path / "long.xlsx", [("C1", "rId1")], {"rId1": "https://acme.example/" + "x" * 3000})
    assert sheet_links(path, "Sheet") == {}


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the shared corpus is not at {CORPUS}")
def test_the_corpus_links_of_a_merged_answer_are_read() -> None:
    lite = CORPUS / "questionnaires" / "instructure-canvas-studio-hecvat-lite-v3.04.xlsx"
    links = sheet_links(lite, "HECVAT - Lite | Vendor Response")
    assert links[(9, 3)] == "https://inst.bid/privacy", "GNRL-04, linked over C9:E9 and again on C9"
    assert links[(10, 3)] == "https://inst.bid/a11y"
    assert sheet_links(lite, "No such sheet") == {}
