"""The page of one vendor's offers priced, as PDF: the recommendation, a bar per offer and adoption style of its
expected total with the typical total marked, and the figures as a table. Imported only when the page is
rendered (reportlab)."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table

from riskengine.pipeline import default_policy
from riskengine.policy import Policy
from riskengine.portfolio.charts import TotalBar, totals_chart
from riskengine.portfolio.layout import CONTENT_WIDTH, NAME_LIMIT, Page, hex_colour, markup, render
from riskengine.portfolio.offers import OfferRow, OfferTable, amount, percent
from riskengine.report.text import Text
from riskengine.tco.headline import horizon_text

_WIDTHS = (84 * mm, 32 * mm, 34 * mm, 34 * mm, 42 * mm)
"""Offer, style, expected, typical, expected loss a year; how often it is the cheapest takes the rest."""


def render_offers(table: OfferTable, policy: Policy) -> bytes:
    """The page of ``table``, dated by its assessment."""
    text = policy.portfolio.offers
    page = Page(text.title, table.created, policy)
    subject = text.subtitle.format(vendor=table.vendor, offers=_offers(page, table),
                                   date=page.wording.date(page.as_of.date()))
    return render(page, lambda: _story(page, table), title=text.title, subject=subject, keywords=[table.vendor])


def _offers(page: Page, table: OfferTable) -> str:
    text = page.wording.offers
    if not any(row.offer_id for row in table.rows):
        return text.quote_subject
    return text.offers_one if table.offers == 1 else text.offers_count.format(count=table.offers)


def _story(page: Page, table: OfferTable) -> list[Flowable]:
    wording, styles = page.wording, page.styles
    text = wording.offers
    horizon = horizon_text(page.assumptions.wording, table.horizon_years)
    bars = [TotalBar(label=_label(page, row), option=row.option, expected=row.expected_total,
                     typical=row.typical_total, value=amount(table.currency, row.expected_total))
            for row in table.rows]
    chart = totals_chart(bars, CONTENT_WIDTH, text.axis.format(currency=table.currency, horizon=horizon), wording,
                         page.theme)
    chart.hAlign = "LEFT"
    story: list[Flowable] = [
        page.paragraph(text.title, styles.title),
        page.paragraph(text.subtitle.format(vendor=table.vendor, offers=_offers(page, table),
                                            date=wording.date(page.as_of.date())), styles.subtitle, NAME_LIMIT * 2),
        _recommendation(page, table),
        Spacer(1, 2 * mm),
        page.paragraph(text.chart_title, styles.h2),
        page.paragraph(text.chart_intro.format(currency=table.currency, horizon=horizon), styles.muted),
        chart,
        Spacer(1, 3 * mm),
        _figures(page, table),
        Spacer(1, 2 * mm),
        page.paragraph(text.precision.format(trials=f"{table.trials:,}"), styles.muted),
    ]
    return story


def _label(page: Page, row: OfferRow) -> str:
    return f"{row.offer} · {page.wording.options[row.option]}"


def _recommendation(page: Page, table: OfferTable) -> Table:
    """The one-sentence recommendation in a box, and the decision that stands whatever the cost."""
    text, styles = page.wording.offers, page.styles
    heading = text.too_close_title if table.too_close_to_call else text.recommendation_title
    rows: list[list[Flowable]] = [[page.paragraph(heading, styles.recommendation)],
                                  [page.paragraph(table.recommendation)]]
    if table.decision_note:
        rows.append([page.paragraph(table.decision_note, styles.cell_bold)])
    box = Table(rows, colWidths=[CONTENT_WIDTH], hAlign="LEFT")
    box.setStyle([
        ("BACKGROUND", (0, 0), (-1, -1), hex_colour(page.theme.label_fill)),
        ("LINEBEFORE", (0, 0), (0, -1), 4, hex_colour(page.theme.primary)),
        ("LEFTPADDING", (0, 0), (-1, -1), 10),
        ("TOPPADDING", (0, 0), (-1, 0), 7),
        ("BOTTOMPADDING", (0, -1), (-1, -1), 5),
    ])
    return box


def _figures(page: Page, table: OfferTable) -> Table:
    """The chart's figures, and the expected loss and how often each is the cheapest, as a table."""
    text, styles = page.wording.offers, page.styles
    header: list[str | Flowable] = [
        text.offer, text.style, *[page.cell(title, styles.cell_head_number)
                                  for title in (text.expected, text.typical, text.loss)],
        page.cell(text.cheapest, styles.cell_head_number)]
    body: list[list[Flowable | str]] = []
    for row in table.rows:
        body.append([
            page.cell(row.offer, limit=NAME_LIMIT),
            page.cell(page.wording.options[row.option]),
            _amount(page, table, row.expected_total, bold=True),
            _amount(page, table, row.typical_total),
            _amount(page, table, row.expected_annual_loss),
            page.cell(text.cheapest_value.format(percent=percent(row.probability_cheapest.value)),
                      styles.cell_number),
        ])
    widths = [*_WIDTHS, CONTENT_WIDTH - sum(_WIDTHS)]
    return page.table(header, body, widths)


def _amount(page: Page, table: OfferTable, value: float, *, bold: bool = False) -> Paragraph:
    shown = markup(amount(table.currency, value))
    return Text(f"<b>{shown}</b>" if bold else shown, page.styles.cell_number)


def offers_pdf(table: OfferTable, policy: Policy | None = None) -> bytes:
    """One page (landscape A4): the recommendation, a bar per offer and style of its expected total with the
    typical total marked, and the figures as a table, worded by ``policy`` (default: the shipped one). Dated by the
    assessment, so the same input gives the same bytes."""
    return render_offers(table, policy or default_policy())
