"""What it will cost, one page for the marketer: three numbers, one chart whose parts add up to each total,
the recommendation in one sentence and how sure it is."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from riskengine.report.charts import cost_parts_chart
from riskengine.report.context import ReportContext
from riskengine.report.kit import CONTENT_WIDTH
from riskengine.report.text import Text

COST_PARTS: dict[str, tuple[str, ...]] = {
    "vendor": ("licences", "support", "training"),
    "setup": ("implementation", "integration", "governance"),
    "running": ("connectors", "internal"),
    "exit": ("exit",),
    "losses": ("expected_loss",),
}
"""The marketer's parts of an expected total, each a sum of cost lines: together every line, once."""


def build(ctx: ReportContext) -> list[Flowable]:
    """One page for the marketer: three numbers, one chart whose parts add up to each total, the
    recommendation in one sentence and how sure it is, with currency and years on every figure."""
    text, styles = ctx.wording.cost, ctx.styles
    story: list[Flowable] = [ctx.section("cost")]
    tco = ctx.assessment.tco
    if tco is None:
        return [*story, ctx.paragraph(ctx.wording.tco.none)]
    headline = tco.headline
    wanted = "good_enough" if headline.choice == "good_enough" else "built_to_last"
    chosen = next(option for option in headline.options if option.id == wanted)
    other = next(option for option in headline.options if option.id != wanted)
    horizon = ctx.horizon(tco)
    story.append(ctx.paragraph(text.intro, styles.body))
    story.append(ctx.key_values([
        (text.year_one.format(option=chosen.title), Text(f"<b>{ctx.money(chosen.expected_year_one)}</b>",
                                                         styles.cell)),
        (text.total.format(option=chosen.title, horizon=horizon),
         Text(f"<b>{ctx.money(chosen.expected_total)}</b>", styles.cell)),
        (text.total.format(option=other.title, horizon=horizon), ctx.cell(ctx.money(other.expected_total))),
    ], label_width=80 * mm))
    story.append(Spacer(1, 3 * mm))
    bars = [(option.title, [sum(line.npv for line in option.lines if line.id in lines)
                            for lines in COST_PARTS.values()]) for option in tco.options]
    theme = ctx.chart_theme()
    drawing = cost_parts_chart(bars, [text.parts[part] for part in COST_PARTS], CONTENT_WIDTH, theme,
                               tco.currency)
    drawing.hAlign = "LEFT"
    story += [drawing, Spacer(1, 3 * mm),
              ctx.paragraph(headline.recommendation, styles.recommendation)]
    chance = headline.probability_built_to_last_cheaper.value
    story.append(ctx.paragraph(
        text.how_sure_close.format(horizon=horizon) if headline.too_close_to_call else text.how_sure.format(
            option=chosen.title, count=round(100 * (chance if wanted == "built_to_last" else 1 - chance)),
            horizon=horizon), styles.body))
    if headline.decision_stands:
        story.append(ctx.paragraph(headline.decision_note, styles.body))
    return story

