"""Small synthetic workbooks in the foreign formats, one quirk at a time, built in code (no vendor's file is copied).

Question texts here are our own placeholders, never a standard's wording.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.styles import PatternFill

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
"""Real questionnaires no one on this project wrote; read in place, never copied into the project."""

_GREY = PatternFill("solid", fgColor="DDDDDD")


def caiq_workbook(path: Path, rows: Sequence[tuple[str, Any, str]], *, header_row: int = 2, lead_columns: int = 0,
                  notes: Sequence[str] = (), trailing_blank_rows: int = 0, merge_controls: bool = True,
                  sheet_title: str = "CAIQv4.0.3", claim_all_rows: bool = False) -> Path:
    """A CAIQ v4 question sheet: ``rows`` of (question id, answer, implementation description).

    ``lead_columns`` shifts every column right, ``notes`` go between the header and the questions, the CCM
    control columns are filled on a control's first row only (and merged down when ``merge_controls``), and
    ``trailing_blank_rows`` formatted but empty rows follow; ``claim_all_rows`` stores row 1,048,576.
    """
    workbook = openpyxl.Workbook()
    intro = workbook.active
    assert intro is not None
    intro.title = "Introduction"
    intro["A1"] = "About this questionnaire"
    sheet = workbook.create_sheet(sheet_title)
    sheet.cell(row=1, column=1 + lead_columns, value="v4.0.3")
    sheet.cell(row=1, column=2 + lead_columns, value="Synthetic CAIQ for tests")
    header = ["Question ID", "Question", "CSP CAIQ Answer", "SSRM Control Ownership",
              "CSP Implementation Description (Optional/Recommended)", "CSC Responsibilities  (Optional/Recommended)",
              "", "", "CCM Control ID", "CCM Control Specification", "CCM Control Title", "CCM Domain Title"]
    for column, title in enumerate(header, start=1 + lead_columns):
        sheet.cell(row=header_row, column=column, value=title)
    row = header_row + 1
    for note in notes:
        sheet.cell(row=row, column=1 + lead_columns, value=note)
        row += 1
    previous_control = ""
    first_row_of_control = row
    for their_id, answer, description in rows:
        control = their_id.split(".")[0]
        values = [their_id, f"Placeholder question {their_id}?", answer, "CSP-owned", description]
        for column, value in enumerate(values, start=1 + lead_columns):
            sheet.cell(row=row, column=column, value=value)
        if control != previous_control:
            if merge_controls and row - first_row_of_control > 1:
                _merge_control(sheet, first_row_of_control, row - 1, lead_columns)
            sheet.cell(row=row, column=9 + lead_columns, value=control)
            sheet.cell(row=row, column=11 + lead_columns, value=f"Title of {control}")
            if not previous_control or control[:3] != previous_control[:3]:
                sheet.cell(row=row, column=12 + lead_columns, value=f"Domain {control[:3]}")
            previous_control, first_row_of_control = control, row
        row += 1
    if merge_controls and row - first_row_of_control > 1:
        _merge_control(sheet, first_row_of_control, row - 1, lead_columns)
    sheet.cell(row=row, column=1 + lead_columns, value="End of Standard")
    for blank in range(row + 1, row + 1 + trailing_blank_rows):
        sheet.cell(row=blank, column=3 + lead_columns).fill = _GREY
    if claim_all_rows:
        sheet.cell(row=1_048_576, column=1).fill = _GREY
    workbook.save(path)
    return path


def _merge_control(sheet: Any, first: int, last: int, lead_columns: int) -> None:
    for column in (9, 10, 11):
        sheet.merge_cells(start_row=first, start_column=column + lead_columns, end_row=last,
                          end_column=column + lead_columns)


def hecvat3_workbook(path: Path, sections: dict[str, Sequence[tuple[str, Any, str]]], *, variant: str = "Full",
                     general: dict[str, Any] | None = None, text_formulas: bool = True,
                     unlabelled_sections: Sequence[str] = (), sheet_title: str | None = None,
                     title_text: str | None = None, version: str | None = "Version 3.04",
                     links: dict[str, str] | None = None) -> Path:
    """A HECVAT 3 workbook: a ``HECVAT - <variant> | Vendor Response`` sheet and the hidden ``Questions`` sheet.

    Each section is a label row (``Vendor Answers``, ``Additional Information``) then (id, answer, additional
    information) rows. With ``text_formulas`` the question texts are formulas over the hidden sheet, as in the
    real workbook; openpyxl saves them without a cached value, so a reader must fall back to the hidden sheet.
    ``sheet_title`` and ``title_text`` (the first cell) replace the variant's, ``version`` the version label
    (None: none), and ``links`` give answer cells a hyperlink (their id -> address).
    """
    workbook = openpyxl.Workbook()
    response = workbook.active
    assert response is not None
    response.title = sheet_title or f"HECVAT - {variant} | Vendor Response"
    questions = workbook.create_sheet("Questions")
    questions.sheet_state = "hidden"
    questions["A1"], questions["C1"] = None, "Question sets"
    for column, title in enumerate(("Order", "ID", "Question", "Additional Info", "Compliant Answer"), start=1):
        questions.cell(row=2, column=column, value=title)
    response["A1"] = f"HECVAT - {variant} | Vendor Response" if title_text is None else title_text
    response["E1"] = version
    response["A2"] = "Vendor Response"
    response["A3"], response["B3"], response["C3"] = "DATE-01", "Date", "2024-05-20"
    texts: list[tuple[str, str]] = [("DATE-01", "Date")]
    row = 4
    response.cell(row=row, column=1, value="General Information")
    row += 1
    for their_id, value in (general or {}).items():
        texts.append((their_id, f"General item {their_id}"))
        _question_row(response, row, their_id, value, "", text_formulas, (links or {}).get(their_id))
        row += 1
    for section, items in sections.items():
        response.cell(row=row, column=1, value=section)
        if section not in unlabelled_sections:
            for column, label in ((3, "Vendor Answers"), (4, "Additional Information"), (5, "Guidance")):
                response.cell(row=row, column=column, value=label)
        row += 1
        for their_id, answer, evidence in items:
            texts.append((their_id, f"Placeholder question {their_id}?"))
            _question_row(response, row, their_id, answer, evidence, text_formulas, (links or {}).get(their_id))
            row += 1
    for index, (their_id, text) in enumerate(texts, start=3):
        questions.cell(row=index, column=2, value=their_id)
        questions.cell(row=index, column=3, value=text)
        questions.cell(row=index, column=5, value="Yes")
    workbook.save(path)
    return path


def _question_row(sheet: Any, row: int, their_id: str, answer: Any, evidence: str, text_formula: bool,
                  link: str | None = None) -> None:
    sheet.cell(row=row, column=1, value=their_id)
    sheet.cell(row=row, column=2, value=f"=VLOOKUP(A{row},Questions!$B$3:$C$300,2,FALSE)" if text_formula
               else f"Placeholder question {their_id}?")
    sheet.cell(row=row, column=3, value=answer)
    if link:
        sheet.cell(row=row, column=3).hyperlink = link
    if evidence:
        sheet.cell(row=row, column=4, value=evidence)


def hecvat4_workbook(path: Path, tabs: dict[str, Sequence[tuple[str, Any]]], *,
                     start: Sequence[tuple[str, Any]] = ()) -> Path:
    """A HECVAT 4 workbook: a START HERE tab (``start``) and response tabs, each with the general questions
    repeated at its top (``GNRL-01`` copied from START HERE as in the real file, here as a plain value)."""
    workbook = openpyxl.Workbook()
    first = workbook.active
    assert first is not None
    first.title = "START HERE"
    _v4_tab(first, "Start Here", start)
    for title, items in tabs.items():
        _v4_tab(workbook.create_sheet(title), title, items)
    hidden = workbook.create_sheet("Questions")
    hidden.sheet_state = "hidden"
    hidden["A2"], hidden["B2"] = "New ID", "Question"
    workbook.save(path)
    return path


def _v4_tab(sheet: Any, title: str, items: Sequence[tuple[str, Any]]) -> None:
    sheet["A1"] = "Cells contained in this worksheet may contain formulas."
    sheet["A2"], sheet["F2"] = f"HECVAT Solution Provider Response - {title}", "Version 4.1.4"
    sheet["A3"] = "Date Completed"
    row = 5
    prefix = ""
    for their_id, answer in items:
        if their_id[:4] != prefix:
            prefix = their_id[:4]
            for column, label in ((1, f"Section {prefix}"), (3, "Answer"), (4, "Additional Information")):
                sheet.cell(row=row, column=column, value=label)
            row += 1
        sheet.cell(row=row, column=1, value=their_id)
        sheet.cell(row=row, column=2, value=f"Placeholder question {their_id}?")
        sheet.cell(row=row, column=3, value=answer)
        row += 1
    sheet.cell(row=row + 1, column=1, value="Copyright notice placeholder")


V3_ANSWER_COLUMN = 23
"""CAIQ v3.1's ``Yes`` column (W); ``No`` and ``Not Applicable`` follow, then ``Notes`` (Z)."""


def caiq_v3_workbook(path: Path, rows: Sequence[tuple[str, Any, Any, Any, str]], *, sheet_title: str = "CAIQ v3.1",
                     title_text: str = "Consensus Assessments Initiative Questionnaire v3.1",
                     words_row_below: int = 1) -> Path:
    """A CAIQ v3.1 question sheet: ``rows`` of (question id, Yes mark, No mark, N/A mark, notes).

    As CSA's: a title row, a header over rows 2 to 4 (the answer words ``words_row_below`` rows under ``Question
    ID``), the control columns filled on a control's first row only, applicability columns between the question
    and the answers, then the three answer columns and ``Notes``.
    """
    workbook = openpyxl.Workbook()
    intro = workbook.active
    assert intro is not None
    intro.title = "Introduction"
    intro["A1"] = "About this questionnaire"
    sheet = workbook.create_sheet(sheet_title)
    sheet["A1"] = title_text
    for column, label in enumerate(("Control Domain", "Control ID", "Question ID", "Control Specification",
                                    "Consensus Assessment Questions"), start=1):
        sheet.cell(row=2, column=column, value=label)
    for column, label in enumerate(("Phys", "Network", "Compute", "Storage", "App", "Data"), start=6):
        sheet.cell(row=3, column=column, value=label)
    sheet.cell(row=2, column=V3_ANSWER_COLUMN, value="Consensus Assessment Answers")
    for offset, word in enumerate(("Yes", "No", "Not Applicable")):
        sheet.cell(row=2 + words_row_below, column=V3_ANSWER_COLUMN + offset, value=word)
    sheet.cell(row=2, column=V3_ANSWER_COLUMN + 3, value="Notes")
    sheet.cell(row=2, column=28, value="CCM v3.0.1 Compliance Mapping")
    previous = ""
    for row, (their_id, yes, no, not_applicable, notes) in enumerate(rows, start=5):
        control = their_id.split(".")[0]
        if control != previous:
            sheet.cell(row=row, column=1, value=f"Domain {control[:3]}\nTitle of {control}")
            sheet.cell(row=row, column=2, value=control)
            sheet.cell(row=row, column=4, value=f"Specification of {control}")
            previous = control
        sheet.cell(row=row, column=3, value=their_id)
        sheet.cell(row=row, column=5, value=f"Placeholder question {their_id}?")
        for offset, mark in enumerate((yes, no, not_applicable)):
            sheet.cell(row=row, column=V3_ANSWER_COLUMN + offset, value=mark)
        if notes:
            sheet.cell(row=row, column=V3_ANSWER_COLUMN + 3, value=notes)
    workbook.save(path)
    return path


def sig_workbook(path: Path) -> Path:
    """A questionnaire laid out like Shared Assessments' SIG Lite: tabs of ``A.1``-style questions."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Business Information"
    sheet["A1"] = "SIG Lite 2024"
    sheet["A2"] = "Standardized Information Gathering questionnaire (placeholder text)"
    for column, label in enumerate(("Ques Num", "Question/Request", "Response", "Additional Information"), start=1):
        sheet.cell(row=4, column=column, value=label)
    for row in range(5, 15):
        sheet.cell(row=row, column=1, value=f"A.{row - 4}")
        sheet.cell(row=row, column=2, value=f"Placeholder request A.{row - 4}?")
        sheet.cell(row=row, column=3, value="Yes")
    workbook.create_sheet("Risk Management")["A1"] = "A. Risk Assessment and Treatment"
    workbook.save(path)
    return path


def vendor_sheet_workbook(path: Path) -> Path:
    """A vendor's own sheet whose ids look like ours (``VEN-01``), but which is not our template."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Vendor"
    sheet["A1"] = "Acme vendor questions"
    for column, label in enumerate(("ID", "Question", "Answer"), start=1):
        sheet.cell(row=2, column=column, value=label)
    for row in range(3, 13):
        sheet.cell(row=row, column=1, value=f"VEN-{row - 2:02d}")
        sheet.cell(row=row, column=2, value=f"Placeholder {row}?")
        sheet.cell(row=row, column=3, value="Acme")
    workbook.save(path)
    return path


def with_part(path: Path, part: str, change: Callable[[bytes], bytes], out: Path | None = None) -> Path:
    """A copy of the workbook at ``path`` (or ``path`` itself) with one part of its zip changed."""
    import zipfile

    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    changed = change(parts[part])
    assert changed != parts[part], f"{part} unchanged"
    parts[part] = changed
    target = out or path
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return target


EXTENSION = (b'<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
             b'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
             b'<x14:dataValidations count="0"/></ext></extLst>')
"""An Excel data-validation extension, which openpyxl drops with a warning ("Data Validation extension is not
supported and will be removed") while it reads the sheet's rows."""


def with_extension(path: Path, part: str = "xl/worksheets/sheet1.xml") -> Path:
    """The workbook at ``path`` with a data-validation extension on one sheet, as Excel writes dropdowns."""
    return with_part(path, part, lambda xml: xml.replace(b"</worksheet>", EXTENSION + b"</worksheet>"))
