"""Total cost of ownership: good enough against built to last on one set of figures, with the recommendation,
the cumulative cost, present values, yearly lines, chargeback, losses, sensitivity and every assumption."""

from __future__ import annotations

import math
from collections.abc import Sequence

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from riskengine.report.charts import (
    cost_axis,
    cumulative_cost_chart,
    loss_exceedance_chart,
    money,
    number,
    sensitivity_chart,
)
from riskengine.report.context import ReportContext
from riskengine.report.kit import CONTENT_WIDTH, NAME_LIMIT, markup, percent, sentence, sized
from riskengine.report.text import Text
from riskengine.tco.result import AssumptionUsed, OptionResult, TcoResult

TORNADO_ROWS = 6
"""Inputs listed in the sensitivity table: those that move the decision most (all are in the JSON)."""
YEARS_PER_TABLE = 5
"""Year columns in one table of yearly costs; a longer horizon continues in further tables of even size."""
CHARGEBACK_LINE = "internal"
"""The cost line of internal admin and upkeep hours: marked in the yearly tables."""


def build(ctx: ReportContext) -> list[Flowable]:
    """Good enough against built to last: the recommendation first, then the chart, the present values, the
    yearly lines with the chargeback, what the result is most sensitive to and every assumption."""
    text, styles = ctx.wording.tco, ctx.styles
    story: list[Flowable] = [ctx.section("tco")]
    tco = ctx.assessment.tco
    if tco is None:
        story.append(ctx.paragraph(text.none))
        return story
    story.append(_recommendation_box(ctx, tco))
    story.append(ctx.paragraph(text.intro.format(
        horizon=ctx.horizon(tco), currency=tco.currency, trials=f"{tco.trials:,}",
        rate=percent(tco.discount_rate)), styles.muted))
    story.append(ctx.key_values(
        [(option.title, ctx.cell(option.summary, styles.cell_small)) for option in tco.options],
        label_width=30 * mm))
    story += _tco_chart(ctx, tco)
    story += _npv(ctx, tco)
    story += _yearly_costs(ctx, tco)
    story += _chargeback(ctx, tco)
    story += _losses(ctx, tco)
    story += _sensitivity(ctx, tco)
    story += _tco_assumptions(ctx, tco)
    return story


def _recommendation_box(ctx: ReportContext, tco: TcoResult) -> Flowable:
    """The headline's recommendation in a shaded box, the year-1 sentence, how settled the figures are, and
    what a rejection or the vendor's plan rules out."""
    text, styles = ctx.wording.tco, ctx.styles
    headline, precision = tco.headline, tco.precision
    parts: list[Flowable] = [
        ctx.cell(text.recommendation_title.upper(), styles.cell_label),
        Spacer(1, 1.5 * mm),
        ctx.paragraph(headline.recommendation, styles.recommendation),
        ctx.paragraph(tco.recommendation, styles.body),
        ctx.paragraph(text.precision.format(
            trials=f"{precision.trials:,}", currency=tco.currency,
            difference_error=f"{precision.difference_error:,.0f}",
            probability_error=f"{precision.probability_error * 100:.1f}"), styles.muted),
    ]
    if headline.decision_stands:
        parts.append(ctx.paragraph(headline.decision_note, styles.body))
    if tco.not_available:
        parts.append(ctx.paragraph(text.not_available.format(items="; ".join(
            f"{item.title} ({item.reason})" for item in tco.not_available)), styles.muted))
    box = Table([[parts]], colWidths=[CONTENT_WIDTH], hAlign="LEFT")
    box.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, -1), ctx.palette.label_fill),
        ("LINEBEFORE", (0, 0), (0, 0), 3.5, ctx.palette.primary),
        ("LEFTPADDING", (0, 0), (-1, -1), 11),
        ("RIGHTPADDING", (0, 0), (-1, -1), 10),
        ("TOPPADDING", (0, 0), (-1, -1), 7),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
    ]))
    return KeepTogether([box, Spacer(1, 3 * mm)])


def _tco_chart(ctx: ReportContext, tco: TcoResult) -> list[Flowable]:
    text, styles = ctx.wording.tco, ctx.styles
    theme = ctx.chart_theme()
    drawing = cumulative_cost_chart(tco, CONTENT_WIDTH, theme, text.chart)
    drawing.hAlign = "LEFT"
    parts: list[Flowable] = [ctx.heading(text.chart_title, styles.h2, level=1),
                             ctx.paragraph(text.chart_intro, styles.muted), Spacer(1, 1 * mm), drawing]
    for off in cost_axis(tco).off_scale:
        parts.append(ctx.paragraph(text.off_scale.format(option=off.title, value=ctx.money(off.value),
                                                         year=off.year), styles.muted))
    return [KeepTogether(parts)]


def _npv(ctx: ReportContext, tco: TcoResult) -> list[Flowable]:
    """Each option's expected total (the headline), its typical total and range, their difference, then the
    headline's key figures, each once."""
    text, styles, headline = ctx.wording.tco, ctx.styles, tco.headline
    header: list[str | Flowable] = [text.option, *[_amount_header(ctx, label, tco) for label in (
        text.mean, text.p50, text.p10, text.p90)]]
    expected = {option.id: option for option in headline.options}
    rows: list[list[Flowable]] = [[
        ctx.cell(option.title, limit=NAME_LIMIT),
        *[_amount(ctx, value, bold=index == 0) for index, value in enumerate(
            (expected[option.id].expected_total, option.npv.p50, option.npv.p10, option.npv.p90))],
    ] for option in tco.options]
    difference = tco.difference_npv
    rows.append([ctx.cell(text.difference, styles.cell_label),
                 *[_amount(ctx, value, bold=index == 0) for index, value in enumerate(
                     (headline.mean_difference.value, difference.p50, difference.p10, difference.p90))]])
    table = ctx.table(header, rows, [58 * mm, *[(CONTENT_WIDTH - 58 * mm) / 4] * 4])
    table.setStyle(TableStyle([
        ("LINEABOVE", (0, -1), (-1, -1), 0.8, ctx.palette.primary),
        ("BACKGROUND", (0, -1), (-1, -1), ctx.palette.label_fill),
    ]))
    horizon = ctx.horizon(tco)
    breakeven = (text.breakeven_close if headline.too_close_to_call
                 else text.breakeven_value.format(year=headline.breakeven_year)
                 if headline.breakeven_year is not None else text.breakeven_none.format(horizon=horizon))
    premium = (text.premium_more if headline.year_one_premium >= 0 else text.premium_less).format(
        percent=percent(abs(headline.year_one_premium), decimals=0))
    losses = {option.id: ctx.money(option.expected_annual_loss) for option in headline.options}
    chance = headline.probability_built_to_last_cheaper
    probability = text.probability_value.format(
        percent=percent(chance.value, decimals=0), error=percent(1.96 * chance.standard_error, decimals=1),
        horizon=horizon)
    low, high = headline.difference_interval
    figures = ctx.key_values([
        (text.difference_interval, ctx.cell(text.difference_interval_value.format(
            low=ctx.money(low), high=ctx.money(high)))),
        (text.probability, Text(f"<b>{markup(probability)}</b>", styles.cell)),
        (text.breakeven, Text(f"<b>{markup(sentence(breakeven))}</b>", styles.cell)),
        (text.year_one_premium, ctx.cell(premium)),
        (text.expected_loss, ctx.cell(text.expected_loss_value.format(
            good_enough=losses.get("good_enough", ""), built_to_last=losses.get("built_to_last", "")))),
        *[(text.mean_median.format(option=option.title), ctx.cell(option.mean_median_note))
          for option in headline.options],
    ], label_width=58 * mm)
    return [KeepTogether([ctx.heading(text.npv_title, styles.h2, level=1),
                          ctx.paragraph(text.npv_intro, styles.muted), table]), Spacer(1, 2.5 * mm),
            KeepTogether(figures)]


def _yearly_costs(ctx: ReportContext, tco: TcoResult) -> list[Flowable]:
    """The TEI-style line per option: each cost line by year at likely values, with totals; the chargeback
    line of internal hours in bold, and how it is priced."""
    text, styles = ctx.wording.tco, ctx.styles
    story: list[Flowable] = [*ctx.long_table_heading(text.lines_title, level=1),
                             ctx.paragraph(text.lines_intro, styles.muted)]
    years = list(range(1, tco.horizon_years + 1))
    size = math.ceil(len(years) / math.ceil(len(years) / YEARS_PER_TABLE))
    chunks = [years[start:start + size] for start in range(0, len(years), size)]
    blocks: list[list[Flowable]] = []
    for option in tco.options:
        for index, chunk in enumerate(chunks):
            table = _yearly_table(ctx, tco, option, chunk, columns=size + 2, last=index == len(chunks) - 1)
            heading = [ctx.heading(text.lines_option.format(option=option.title), styles.h3)] if index == 0 \
                else []
            blocks.append([*heading, table, Spacer(1, 2 * mm)])
    # the note sits under the first table that marks the line, never alone at the top of a page
    blocks[len(chunks) - 1].insert(-1, Text(f"<b>*</b> {markup(text.chargeback_note)}", styles.muted))
    return story + [KeepTogether(block) for block in blocks]


def _yearly_table(ctx: ReportContext, tco: TcoResult, option: OptionResult, years: Sequence[int], *, columns: int,
                  last: bool) -> Table:
    """One option's lines for ``years``; the last table of the option adds the total and present value.
    ``columns`` (amount columns) sets the widths, the same in every table of the section: with many
    years the label column narrows and the amounts shrink a little, so seven digits still fit."""
    text, styles = ctx.wording.tco, ctx.styles
    compact = columns > 6
    line_width = (64 if columns <= 5 else 56 if columns == 6 else 48) * mm
    width = (CONTENT_WIDTH - line_width) / columns
    size = 7.2 if compact else None
    header: list[str | Flowable] = [
        ctx.cell(text.amount_header.format(label=text.line, currency=tco.currency), styles.cell_head),
        *[ctx.cell(text.year.format(year=year), styles.cell_head_number) for year in years]]
    if last:
        header += [ctx.cell(text.total, styles.cell_head_number),
                   ctx.cell(text.present_value, styles.cell_head_number)]
    deterministic = option.deterministic
    rows: list[list[Flowable]] = []
    marked: list[int] = []
    for line in deterministic.lines:
        chargeback = line.id == CHARGEBACK_LINE
        label = (Text(f"<b>{markup(line.title, NAME_LIMIT)} *</b>", styles.cell) if chargeback
                 else ctx.cell(line.title, limit=NAME_LIMIT))
        row = [label, *[_amount(ctx, line.by_year[year - 1], bold=chargeback, zero=text.zero, size=size)
                        for year in years]]
        if last:
            row += [_amount(ctx, sum(line.by_year), bold=chargeback, zero=text.zero, size=size),
                    _amount(ctx, line.npv, bold=chargeback, zero=text.zero, size=size)]
        if chargeback:
            marked.append(len(rows) + 1)
        rows.append(row)
    total = [ctx.cell(text.total, styles.cell_label),
             *[_amount(ctx, deterministic.by_year[year - 1], bold=True, size=size) for year in years]]
    if last:
        total += [_amount(ctx, sum(deterministic.by_year), bold=True, size=size),
                  _amount(ctx, deterministic.npv, bold=True, size=size)]
    rows.append(total)
    table = ctx.table(header, rows, [line_width, *[width] * (len(header) - 1)])
    if compact:
        table.setStyle(TableStyle([("LEFTPADDING", (1, 0), (-1, -1), 2.5),
                                   ("RIGHTPADDING", (1, 0), (-1, -1), 3)]))
    table.setStyle(TableStyle([
        *[command for row in marked for command in (
            ("BACKGROUND", (0, row), (-1, row), ctx.palette.label_fill),
            ("LINEBEFORE", (0, row), (0, row), 2.5, ctx.palette.accent))],
        ("LINEABOVE", (0, -1), (-1, -1), 0.8, ctx.palette.primary),
        ("BACKGROUND", (0, -1), (-1, -1), ctx.palette.label_fill),
    ]))
    return table


def _chargeback(ctx: ReportContext, tco: TcoResult) -> list[Flowable]:
    """Internal hours per role over the horizon, and what they cost at the role's loaded rate, per option."""
    text, styles = ctx.wording.tco, ctx.styles
    roles: dict[str, tuple[float, str]] = {}
    for option in tco.options:
        for item in option.chargeback:
            roles.setdefault(item.role, (item.hourly_rate, item.rate_source))
    if not roles:
        return []
    header: list[str | Flowable] = [
        text.role, _amount_header(ctx, text.rate, tco),
        *[cell for option in tco.options for cell in (
            ctx.cell(text.option_hours.format(option=option.title), styles.cell_head_number),
            _amount_header(ctx, text.option_cost.format(option=option.title), tco))]]
    rows: list[list[Flowable]] = []
    totals = [0.0] * (2 * len(tco.options))
    for role, (rate, source) in roles.items():
        name = text.roles.get(role, role)
        row: list[Flowable] = [
            Text(f"{markup(name, NAME_LIMIT)}<br/><font size=\"6.5\" color=\"{ctx.muted_hex}\">"
                 f"{markup(source, NAME_LIMIT)}</font>", styles.cell),
            _amount(ctx, rate)]
        for index, option in enumerate(tco.options):
            found = next((entry for entry in option.chargeback if entry.role == role), None)
            hours = sum(found.hours_by_year) if found else 0.0
            cost = sum(found.cost_by_year) if found else 0.0
            totals[2 * index] += hours
            totals[2 * index + 1] += cost
            row += [_amount(ctx, hours), _amount(ctx, cost)]
        rows.append(row)
    rows.append([ctx.cell(text.total, styles.cell_label), Spacer(0, 0),
                 *[_amount(ctx, value, bold=True) for value in totals]])
    role_width, rate_width = 42 * mm, 22 * mm
    other = (CONTENT_WIDTH - role_width - rate_width) / (2 * len(tco.options))
    table = ctx.table(header, rows, [role_width, rate_width, *[other] * (2 * len(tco.options))])
    table.setStyle(TableStyle([
        ("LINEABOVE", (0, -1), (-1, -1), 0.8, ctx.palette.primary),
        ("BACKGROUND", (0, -1), (-1, -1), ctx.palette.label_fill),
    ]))
    return [KeepTogether([ctx.heading(text.chargeback_title, styles.h2, level=1),
                          ctx.paragraph(text.chargeback_intro.format(horizon=ctx.horizon(tco)),
                                        styles.muted), table])]


def _losses(ctx: ReportContext, tco: TcoResult) -> list[Flowable]:
    """Each option's loss scenarios (frequency x magnitude), its tail and the loss exceedance curve against
    the organisation's risk appetite."""
    text, styles = ctx.wording.tco, ctx.styles
    rows: list[list[Flowable]] = []
    for option in tco.options:
        for scenario in option.scenarios:
            rows.append([
                ctx.cell(f"{option.title}: {scenario.title}", limit=NAME_LIMIT),
                ctx.cell(f"{scenario.frequency:.3f}" if scenario.applies else text.not_applicable_scenario,
                         styles.cell_number),
                _amount(ctx, scenario.magnitude), _amount(ctx, scenario.expected_annual_loss,
                                                          bold=True)])
    header: list[str | Flowable] = [text.scenario, ctx.cell(text.frequency, styles.cell_head_number),
                                    _amount_header(ctx, text.magnitude, tco),
                                    _amount_header(ctx, text.annual_loss, tco)]
    table = ctx.table(header, rows, [CONTENT_WIDTH - 96 * mm, 26 * mm, 35 * mm, 35 * mm])
    tails = []
    for option in tco.options:
        curve = option.loss_exceedance
        if curve is None:
            continue
        appetite = "" if curve.within_appetite is None else " (" + (
            text.within_appetite if curve.within_appetite else text.outside_appetite) + ")"
        tail = (text.tail if curve.p95 > 0 else text.tail_rare if curve.p99 > 0
                else text.tail_rarer if curve.chance_of_loss > 0 else text.tail_none)
        tails.append(ctx.paragraph(tail.format(
            option=option.title, p95=ctx.money(curve.p95), p99=ctx.money(curve.p99),
            chance=percent(curve.chance_of_loss, 0)) + appetite, styles.body))
    theme = ctx.chart_theme()
    drawing = loss_exceedance_chart(tco, CONTENT_WIDTH, theme, text.chart)
    drawing.hAlign = "LEFT"
    return [KeepTogether([ctx.heading(text.losses_title, styles.h2, level=1),
                          ctx.paragraph(text.losses_intro.format(horizon=ctx.horizon(tco)), styles.muted),
                          table, Spacer(1, 2 * mm), *tails]),
            KeepTogether([Spacer(1, 2 * mm), drawing])]


def _sensitivity(ctx: ReportContext, tco: TcoResult) -> list[Flowable]:
    """The tornado: the inputs that move the decision most, each pinned at its low then its high quantile
    with every other input random on the same trials; their effect on the probability and on the expected
    difference."""
    text, styles, tornado = ctx.wording.tco, ctx.styles, tco.tornado
    heading = ctx.heading(text.sensitivity_title, styles.h2, level=1)
    if not tco.sensitivity:
        return [heading, ctx.paragraph(text.sensitivity_none)]
    theme = ctx.chart_theme()
    drawing = sensitivity_chart(tco, CONTENT_WIDTH, theme, text.chart)
    drawing.hAlign = "LEFT"
    rows = [[
        ctx.cell(row.title, limit=NAME_LIMIT),
        Text(f"{markup(text.low_to_high.format(low=number(row.low), high=number(row.high)))}"
             f"<br/><font size=\"6.5\" color=\"{ctx.muted_hex}\">{markup(row.unit, NAME_LIMIT)}</font>",
             styles.cell),
        ctx.cell(text.probability_low_high.format(low=percent(row.probability_at_low, 0),
                                                  high=percent(row.probability_at_high, 0)),
                 styles.cell_number),
        _amount(ctx, row.difference_at_low), _amount(ctx, row.difference_at_high),
    ] for row in tornado.rows[:TORNADO_ROWS]]
    header: list[str | Flowable] = [text.assumption, text.range, ctx.cell(text.probability_column,
                                                                          styles.cell_head_number),
                                    _amount_header(ctx, text.at_low, tco), _amount_header(ctx, text.at_high, tco)]
    table = ctx.table(header, rows, [58 * mm, 28 * mm, 26 * mm, *[(CONTENT_WIDTH - 112 * mm) / 2] * 2])
    intro = text.sensitivity_intro.format(trials=f"{tornado.trials:,}",
                                          low=percent(tornado.low_quantile, 0),
                                          high=percent(tornado.high_quantile, 0),
                                          probability=percent(tornado.base_probability, 0))
    return [KeepTogether([heading, ctx.paragraph(intro, styles.muted), drawing]), Spacer(1, 2 * mm), table]


def _tco_assumptions(ctx: ReportContext, tco: TcoResult) -> list[Flowable]:
    """Every number the result rests on, with its source; the table runs over pages with its header."""
    text, styles = ctx.wording.tco, ctx.styles
    story: list[Flowable] = [*ctx.long_table_heading(text.assumptions_title, level=1),
                             ctx.paragraph(text.assumptions_intro.format(
                                 count=len(tco.assumptions), trials=f"{tco.trials:,}", seed=tco.seed,
                                 basis=tco.seed_basis, sha=tco.assumptions_sha256), styles.muted)]
    rows = [[
        Text(f"{markup(item.title, NAME_LIMIT)}<br/><font size=\"6.5\" color=\"{ctx.muted_hex}\">"
             f"{markup(text.assumption_id.format(id=item.id), NAME_LIMIT)}</font>", styles.cell),
        ctx.cell(_assumption_value(ctx, item), styles.cell_number),
        ctx.cell(item.unit, styles.cell_small, limit=NAME_LIMIT),
        ctx.cell(item.source, styles.cell_small),
    ] for item in tco.assumptions]
    story.append(ctx.table([text.name, ctx.cell(text.value, styles.cell_head_number), text.unit,
                            text.source], rows, [58 * mm, 30 * mm, 17 * mm, CONTENT_WIDTH - 105 * mm]))
    if tco.inputs.notes:
        story.append(ctx.heading(text.notes_title, styles.h3))
        story += [Text(markup(note), styles.bullet, bulletText="•") for note in tco.inputs.notes]
    return story


def _assumption_value(ctx: ReportContext, item: AssumptionUsed) -> str:
    """A single value (a number or an answer), else low / likely / high."""
    if isinstance(item.value, int | float) and not isinstance(item.value, bool):
        return number(item.value)
    if item.value is not None and item.value != "":
        return str(item.value)
    if item.likely is not None:
        likely = item.likely
        return ctx.wording.tco.range_value.format(
            low=number(item.low if item.low is not None else likely), likely=number(likely),
            high=number(item.high if item.high is not None else likely))
    return ctx.wording.blank


def _amount_header(ctx: ReportContext, label: str, tco: TcoResult) -> Paragraph:
    return ctx.cell(ctx.wording.tco.amount_header.format(label=label, currency=tco.currency),
                    ctx.styles.cell_head_number)


def _amount(ctx: ReportContext, value: float, *, bold: bool = False, zero: str | None = None,
            size: float | None = None) -> Paragraph:
    """A right-aligned amount (``zero`` in place of a rounded 0), optionally in a smaller ``size``."""
    text = zero if zero is not None and round(value) == 0 else money(value)
    style = ctx.styles.cell_number_bold if bold else ctx.styles.cell_number
    return ctx.cell(text, style if size is None else sized(style, size))

