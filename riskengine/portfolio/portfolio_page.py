"""The portfolio page as PDF: counts by tier and decision, then the table of vendors (header repeated on every
page it spans). Imported only when the page is rendered (reportlab)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from riskengine.policy import Policy
from riskengine.portfolio.charts import counts_chart
from riskengine.portfolio.layout import (
    CONTENT_WIDTH,
    NAME_LIMIT,
    TABLE_TIGHT,
    Page,
    hex_colour,
    horizon,
    iso,
    markup,
    render,
    score,
)
from riskengine.portfolio.rows import DECISION_ORDER, OPTION_ORDER, TIER_ORDER, VendorRow
from riskengine.report.charts import money
from riskengine.report.fonts import FONT_BOLD
from riskengine.report.text import Text
from riskengine.score.profile import Decision, Tier
from riskengine.tco.assumptions import OptionId

DUE_SOON_DAYS = 30
"""A reassessment date this close to the page's date is marked as due soon."""
CHART_WIDTH = 120 * mm
CHART_HEIGHT = 52 * mm
_WIDTHS = (8 * mm, 58 * mm, 38 * mm, 20 * mm, 36 * mm, 17 * mm, 28 * mm, 28 * mm)
"""Rank, vendor, assessment, tier, decision, residual, both TCOs; the reassessment date takes the rest."""


def render_portfolio(rows: Sequence[VendorRow], as_of: dt.datetime, policy: Policy) -> bytes:
    """The portfolio page of ``rows`` (already in the portfolio's order), dated ``as_of``."""
    text = policy.portfolio.portfolio
    page = Page(text.title, as_of, policy)
    return render(page, lambda: _story(page, rows), title=text.title,
                  subject=text.subtitle.format(count=len(rows), date=page.wording.date(page.as_of.date())),
                  keywords=[row.name for row in rows])


def _story(page: Page, rows: Sequence[VendorRow]) -> list[Flowable]:
    wording, styles = page.wording, page.styles
    text = wording.portfolio
    story: list[Flowable] = [
        page.paragraph(text.title, styles.title),
        page.paragraph(text.subtitle.format(count=len(rows), date=wording.date(page.as_of.date())), styles.subtitle),
    ]
    if not rows:
        story.append(page.paragraph(text.none))
        return story
    story += [page.paragraph(text.counts_title, styles.h2), page.paragraph(text.counts_intro, styles.muted)]
    counts = {tier: {decision: sum(1 for row in rows if row.tier == tier and row.decision == decision)
                     for decision in DECISION_ORDER} for tier in TIER_ORDER}
    chart = counts_chart(counts, CHART_WIDTH, CHART_HEIGHT, wording, page.theme)
    side = Table([[chart, _counts_table(page, counts)]], colWidths=[CHART_WIDTH + 8 * mm, None], hAlign="LEFT")
    side.setStyle(TABLE_TIGHT)
    story += [side, Spacer(1, 4 * mm), page.paragraph(text.vendors_title, styles.h2),
              page.paragraph(text.vendors_intro, styles.muted), _vendors_table(page, rows)]
    return story


def _counts_table(page: Page, counts: dict[Tier, dict[Decision, int]]) -> Table:
    """The chart's figures as a table: tiers down, decisions across, totals at the right and the bottom."""
    wording, styles = page.wording, page.styles
    header: list[str | Flowable] = [wording.workbook.tier,
                                    *[page.cell(wording.decisions[decision], styles.cell_head_number)
                                      for decision in DECISION_ORDER],
                                    page.cell(wording.portfolio.total, styles.cell_head_number)]
    body: list[list[Flowable | str]] = []
    for tier in reversed(TIER_ORDER):
        figures = [counts[tier][decision] for decision in DECISION_ORDER]
        body.append([page.tier_badge(tier), *[page.cell(str(value), styles.cell_number) for value in figures],
                     page.cell(str(sum(figures)), styles.cell_number)])
    totals = [sum(counts[tier][decision] for tier in TIER_ORDER) for decision in DECISION_ORDER]
    body.append([page.cell(wording.portfolio.total, styles.cell_bold),
                 *[page.cell(str(value), styles.cell_number) for value in totals],
                 page.cell(str(sum(totals)), styles.cell_number)])
    fills = [("BACKGROUND", (0, row), (0, row), page.tier_fill(tier))
             for row, tier in enumerate(reversed(TIER_ORDER), start=1)]
    width = CONTENT_WIDTH - CHART_WIDTH - 8 * mm
    first = 22 * mm
    columns = len(DECISION_ORDER) + 1  # a column per decision and the total
    table = page.table(header, body, [first, *[(width - first) / columns] * columns], extra=[
        *fills,
        ("LINEABOVE", (0, -1), (-1, -1), 0.8, hex_colour(page.theme.primary)),
        ("BACKGROUND", (0, -1), (-1, -1), hex_colour(page.theme.label_fill)),
    ])
    return table


def _vendors_table(page: Page, rows: Sequence[VendorRow]) -> Table:
    wording, styles = page.wording, page.styles
    text = wording.portfolio
    currencies = ", ".join(sorted({row.currency for row in rows if row.currency}))
    by_horizon = sorted(rows, key=lambda row: row.horizon_years or 0)
    horizons = ", ".join(dict.fromkeys(horizon(row, page.assumptions) for row in by_horizon if row.horizon_years))
    header: list[str | Flowable] = [
        text.rank, text.vendor, wording.workbook.assessment_id, text.tier, text.decision,
        page.cell(text.residual, styles.cell_head_number),
        *[page.cell(text.tco.format(option=wording.options[option], currency=currencies, horizon=horizons),
                    styles.cell_head_number) for option in OPTION_ORDER],
        text.reassess_by,
    ]
    body: list[list[Flowable | str]] = []
    extra: list[tuple[Any, ...]] = []
    for index, row in enumerate(rows, start=1):
        body.append([
            page.cell(str(index), styles.cell_small),
            Text(f"<b>{markup(row.legal_name or row.name, NAME_LIMIT)}</b>"
                      + (f'<br/><font size="7" color="{page.theme.muted}">{markup(row.product, NAME_LIMIT)}</font>'
                         if row.product and row.legal_name else ""), styles.cell),
            page.cell(row.assessment_id, styles.cell_small, NAME_LIMIT),
            page.tier_badge(row.tier),
            page.decision_badge(row.decision),
            page.cell(score(row.residual), styles.cell_number),
            *[_cost_cell(page, row, option) for option in OPTION_ORDER],
            _due_cell(page, row),
        ])
        extra += [("BACKGROUND", (3, index), (3, index), page.tier_fill(row.tier)),
                  ("BACKGROUND", (4, index), (4, index), page.decision_fill(row.decision))]
    widths = [*_WIDTHS, CONTENT_WIDTH - sum(_WIDTHS)]
    table = page.table(header, body, widths, extra=[*extra, ("LINEAFTER", (3, 1), (3, -1), 2, hex_colour("#FFFFFF"))])
    table.setStyle(TableStyle([("LINEBEFORE", (3, 1), (3, -1), 2, hex_colour("#FFFFFF"))]))
    return table


def _cost_cell(page: Page, row: VendorRow, option: OptionId) -> Paragraph:
    """The option's expected TCO (bold when its cost model recommends it), the typical future's below it."""
    cost = row.option(option)
    if cost is None or row.currency is None:
        return page.cell(page.wording.portfolio.not_priced, page.styles.cell_small)
    marked = "<b>" if row.recommended_option == option else ""
    closed = "</b>" if marked else ""
    typical = markup(page.wording.portfolio.typical.format(value=money(cost.typical_total)))
    return Text(f"{marked}{markup(row.currency)} {money(cost.expected_total)}{closed}"
                f'<br/><font size="7" color="{page.theme.muted}">{typical}</font>', page.styles.cell_number)


def _due_cell(page: Page, row: VendorRow) -> Paragraph:
    """The reassessment date, marked when it has passed or is near on the page's date."""
    text = page.wording.portfolio
    if row.reassess_by is None:
        return page.cell(page.wording.blank)
    today = page.as_of.date()
    label = ""
    if row.reassess_by < today:
        label, colour = text.overdue.format(date=row.reassess_by.isoformat()), page.wording.theme.tiers["critical"]
    elif (row.reassess_by - today).days <= DUE_SOON_DAYS:
        label, colour = text.due_soon.format(date=row.reassess_by.isoformat()), page.wording.theme.tiers["high"]
    shown = markup(iso(row.reassess_by, page.wording.blank))
    if label:
        shown += f'<br/><font name="{FONT_BOLD}" size="7" color="{colour.fill}">{markup(label)}</font>'
    return Text(shown, page.styles.cell)
