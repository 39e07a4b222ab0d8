"""The portfolio: a summary workbook with one row per vendor, and a portfolio page (PDF) for reading.

Both are pure functions of the assessments: their dates come from the latest assessment's clock, never from
now, so the same assessments give the same bytes.

Every text a vendor wrote (its name, its product) passes through ``inert_text`` before it reaches a cell:
spreadsheet programs run a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula when a user edits
it or when the sheet travels on as CSV (CWE-1236, "CSV injection"), so such text gets a leading apostrophe,
as the OWASP guidance and ASVS 1.2.10 ask, is stored as a string, and carries Excel's ``quotePrefix``. The
cell itself is written by ``riskengine.cells``, which every workbook riskengine writes shares.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import quote

from riskengine.assessment import Assessment
from riskengine.cells import CELL_LIMIT, ILLEGAL_CHARACTERS, needs_guard, put_text
from riskengine.cells import FORMULA_TRIGGERS as FORMULA_TRIGGERS  # re-exported: the set inert_text guards against
from riskengine.pipeline import default_policy
from riskengine.policy import Policy
from riskengine.portfolio.rows import (
    OPTION_ORDER,
    VendorRow,
    as_of,
    category_columns,
    vendor_rows,
)
from riskengine.portfolio.wording import PortfolioWording
from riskengine.report.wording import Theme
from riskengine.tco.assumptions import OptionId

QUOTE = "'"
ZIP_EPOCH = dt.datetime(1980, 1, 1, tzinfo=dt.UTC)
"""The earliest date a zip entry can carry; the date of an empty portfolio's workbook."""
DATE_FORMAT = "yyyy-mm-dd"
SCORE_FORMAT = "0.0"
COUNT_FORMAT = "0"
MONEY_FORMAT = "#,##0"
DUE_SOON_DAYS = 30
"""Days before a reassessment date from which the workbook marks it as due soon (Excel's TODAY() decides)."""
CellValue = str | float | int | dt.date | None
MIN_WIDTH, MAX_WIDTH = 8, 48
"""Column widths in characters: wide enough for the header or the longest value, within these bounds."""


def inert_text(value: str) -> str:
    """``value`` safe to write into a spreadsheet cell: a formula trigger first gets a leading apostrophe.

    Control characters a workbook cannot hold are dropped first (so they cannot hide a trigger), line ends
    become line feeds (as XML reads them anyway), and text is cut at Excel's cell limit. Otherwise the
    apostrophe is the only change, so the original characters follow it.
    """
    text = ILLEGAL_CHARACTERS.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    if needs_guard(text):
        text = QUOTE + text
    return text[:CELL_LIMIT]


# --- the workbook ------------------------------------------------------------------------------------------


def summary_workbook(assessments: Sequence[Assessment | VendorRow], *, reports: Mapping[str, str],
                     policy: Policy | None = None) -> bytes:
    """The portfolio summary workbook (xlsx bytes): one row per vendor, highest tier and residual first.

    Each vendor is given as its assessment or as its row (``vendor_row``), as a batch's workers send it.

    ``reports`` maps an assessment id to its report's file name, linked from the last column (relative to
    the workbook). The workbook's dates come from the latest assessment, so the same input gives the same
    bytes; columns are described in docs/portfolio.md.
    """
    from openpyxl import Workbook

    policy = policy or default_policy()
    wording = policy.portfolio
    rows = vendor_rows(assessments)
    moment = as_of(rows) or ZIP_EPOCH
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = wording.workbook.sheet
    columns = _columns(wording, rows)
    _write_header(sheet, columns, policy.wording.theme)
    for index, row in enumerate(rows, start=2):
        for number, column in enumerate(columns, start=1):
            _write_cell(sheet.cell(row=index, column=number), column, row, reports)
    _layout(sheet, columns, rows, reports)
    _conditional_formats(sheet, columns, len(rows), wording, policy.wording.theme)
    naive = moment.astimezone(dt.UTC).replace(tzinfo=None, microsecond=0)
    properties = workbook.properties
    properties.creator = "riskengine"
    properties.lastModifiedBy = "riskengine"
    properties.title = wording.workbook.title
    properties.created = naive
    properties.modified = naive
    return _fixed_zip(_save(workbook), naive)


@dataclass(frozen=True)
class _Column:
    """One column of the table: header, kind of value, number format, and how to read it off a row."""

    key: str
    header: str
    kind: Literal["text", "number", "date", "link"]
    number_format: str | None = None
    value: Callable[[VendorRow], CellValue] = lambda row: None


def _columns(wording: PortfolioWording, rows: Sequence[VendorRow]) -> list[_Column]:
    text = wording.workbook
    columns = [
        _Column("vendor", text.vendor, "text", value=lambda row: row.legal_name),
        _Column("product", text.product, "text", value=lambda row: row.product),
        _Column("assessment_id", text.assessment_id, "text", value=lambda row: row.assessment_id),
        _Column("date", text.date, "date", DATE_FORMAT, lambda row: _utc_date(row.created)),
        _Column("tier", text.tier, "text", value=lambda row: wording.tiers[row.tier]),
        _Column("decision", text.decision, "text", value=lambda row: wording.decisions[row.decision]),
        _Column("residual", text.residual, "number", SCORE_FORMAT, lambda row: row.residual),
        _Column("inherent", text.inherent, "number", SCORE_FORMAT, lambda row: row.inherent),
    ]
    for category_id, title in category_columns(rows):
        columns.append(_Column(f"category:{category_id}", text.category.format(title=title), "number",
                               SCORE_FORMAT, _category(category_id)))
    columns += [
        _Column("knockouts", text.knockouts, "number", COUNT_FORMAT, lambda row: row.knockouts),
        _Column("conditions", text.conditions, "number", COUNT_FORMAT, lambda row: row.conditions),
        _Column("currency", text.currency, "text", value=lambda row: row.currency or ""),
        _Column("horizon", text.horizon, "number", COUNT_FORMAT, lambda row: row.horizon_years),
    ]
    for option in OPTION_ORDER:
        columns.append(_Column(f"tco:{option}", text.tco.format(option=wording.options[option]), "number",
                               MONEY_FORMAT, _expected(option)))
    columns += [
        _Column("recommended_option", text.recommended_option, "text",
                value=lambda row: wording.cost_choice(row.tco_choice) if row.tco_choice else ""),
        _Column("reassess_by", text.reassess_by, "date", DATE_FORMAT, lambda row: row.reassess_by),
        _Column("report", text.report, "link"),
    ]
    return columns


def _category(category_id: str) -> Callable[[VendorRow], CellValue]:
    """A category's effectiveness (None where no control of it applies, or the profile lacks it)."""

    def value(row: VendorRow) -> CellValue:
        point = next((category for category in row.categories if category.id == category_id), None)
        return point.effectiveness if point is not None else None

    return value


def _expected(option: OptionId) -> Callable[[VendorRow], CellValue]:
    """An option's expected TCO (the headline's expected total), to the cent."""

    def value(row: VendorRow) -> CellValue:
        cost = row.option(option)
        return round(cost.expected_total, 2) if cost is not None else None

    return value


def _utc_date(moment: dt.datetime) -> dt.date:
    return (moment.astimezone(dt.UTC) if moment.tzinfo is not None else moment).date()


def _write_text(cell: Any, value: str) -> None:
    """Text as an inert string cell (see ``inert_text``; ``put_text`` keeps openpyxl from storing ``=...`` as a
    formula)."""
    text = inert_text(value)
    put_text(cell, text)
    if text.startswith(QUOTE) and needs_guard(text[1:]):
        cell.quotePrefix = True


def _write_header(sheet: Any, columns: Sequence[_Column], theme: Theme) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    fill = PatternFill("solid", fgColor=_argb(theme.header_fill))
    font = Font(bold=True, color=_argb(theme.header_text))
    for number, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=number)
        _write_text(cell, column.header)
        cell.fill = fill
        cell.font = font
        cell.alignment = Alignment(vertical="center", wrap_text=True)


def _write_cell(cell: Any, column: _Column, row: VendorRow, reports: Mapping[str, str]) -> None:
    if column.kind == "link":
        name = reports.get(row.assessment_id)
        if name:
            cell.style = "Hyperlink"  # a named style replaces the cell's style: set it before quotePrefix
            _write_text(cell, name)
            cell.hyperlink = report_link(name)
        return
    value = column.value(row)
    if value is None or value == "":
        return
    if column.kind == "text":
        _write_text(cell, str(value))
        return
    cell.value = value
    if column.number_format:
        cell.number_format = column.number_format


def report_link(name: str) -> str:
    """The hyperlink target of a report's file name: relative, percent-encoded, so it can never carry a scheme
    (``javascript:``, ``http:``) or break out of the attribute."""
    return quote(name.replace("\\", "/"), safe="/._-~")


def _layout(sheet: Any, columns: Sequence[_Column], rows: Sequence[VendorRow], reports: Mapping[str, str]) -> None:
    from openpyxl.utils import get_column_letter

    last = get_column_letter(len(columns))
    sheet.freeze_panes = "B2"
    sheet.auto_filter.ref = f"A1:{last}{len(rows) + 1}"
    for number, column in enumerate(columns, start=1):
        lengths = [len(column.header)]
        for row in rows:
            lengths.append(len(_shown(column, row, reports)))
        width = min(max(max(lengths) + 2, MIN_WIDTH), MAX_WIDTH)
        sheet.column_dimensions[get_column_letter(number)].width = width
    sheet.row_dimensions[1].height = 30


def _shown(column: _Column, row: VendorRow, reports: Mapping[str, str]) -> str:
    """Roughly the text a column shows for a row, to size the column."""
    if column.kind == "link":
        return reports.get(row.assessment_id, "")
    value = column.value(row)
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.1f}" if column.number_format != MONEY_FORMAT else f"{value:,.0f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _conditional_formats(sheet: Any, columns: Sequence[_Column], count: int, wording: PortfolioWording,
                         report_theme: Theme) -> None:
    """Tier and decision colours, a data bar on the residual, and reassessment dates passed or due soon."""
    if not count:
        return
    from openpyxl.formatting.rule import CellIsRule, DataBarRule, FormulaRule
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    theme = wording.theme
    letters = {column.key: get_column_letter(number) for number, column in enumerate(columns, start=1)}

    def span(key: str) -> str:
        return f"{letters[key]}2:{letters[key]}{count + 1}"

    rules = sheet.conditional_formatting
    for tier, swatch in theme.tiers.items():
        rules.add(span("tier"), CellIsRule(operator="equal", formula=[_formula_text(wording.tiers[tier])],
                                           fill=PatternFill("solid", bgColor=_argb(swatch.fill)),
                                           font=Font(bold=True, color=_argb(swatch.text))))
    for decision, decision_theme in report_theme.decisions.items():
        rules.add(span("decision"), CellIsRule(
            operator="equal", formula=[_formula_text(wording.decisions[decision])],
            fill=PatternFill("solid", bgColor=_argb(decision_theme.fill)),
            font=Font(bold=True, color=_argb(decision_theme.text))))
    rules.add(span("residual"), DataBarRule(start_type="num", start_value=0, end_type="num", end_value=100,
                                            color=_argb(theme.data_bar)))
    due = f"{letters['reassess_by']}2"
    rules.add(span("reassess_by"), FormulaRule(formula=[f"AND(ISNUMBER({due}),{due}<TODAY())"],
                                               fill=PatternFill("solid", bgColor=_argb(theme.overdue)),
                                               font=Font(bold=True), stopIfTrue=True))
    rules.add(span("reassess_by"), FormulaRule(
        formula=[f"AND(ISNUMBER({due}),{due}>=TODAY(),{due}<=TODAY()+{DUE_SOON_DAYS})"],
        fill=PatternFill("solid", bgColor=_argb(theme.due_soon)), stopIfTrue=True))


def _formula_text(text: str) -> str:
    """A string literal in a formula: quoted, inner quotes doubled."""
    return '"' + text.replace('"', '""') + '"'


def _argb(colour: str) -> str:
    """``#1F3A5F`` as openpyxl's opaque ``FF1F3A5F``."""
    return "FF" + colour.lstrip("#").upper()


def _save(workbook: Any) -> bytes:
    """The workbook's bytes, written without ``save_workbook``, which stamps the modified date with now."""
    from openpyxl.writer.excel import ExcelWriter

    buffer = io.BytesIO()
    archive = zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    ExcelWriter(workbook, archive).save()
    return buffer.getvalue()


def _fixed_zip(data: bytes, moment: dt.datetime) -> bytes:
    """The same archive with every entry dated ``moment`` and the same attributes: zipfile stamps each entry
    with the time it was written, which would make every save differ."""
    stamp = max(moment, ZIP_EPOCH.replace(tzinfo=None))
    date_time = (stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)
    output = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 3
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return output.getvalue()


# --- the portfolio page ------------------------------------------------------------------------------------


def portfolio_pdf(assessments: Sequence[Assessment | VendorRow], policy: Policy | None = None) -> bytes:
    """The portfolio page (landscape A4, more pages for many vendors, the table's header repeated): counts by
    tier and decision, then every vendor in the workbook's order, worded by ``policy`` (default: the shipped one).
    Dated by the latest assessment."""
    from riskengine.portfolio.portfolio_page import render_portfolio

    rows = vendor_rows(assessments)
    return render_portfolio(rows, as_of(rows) or ZIP_EPOCH, policy or default_policy())
