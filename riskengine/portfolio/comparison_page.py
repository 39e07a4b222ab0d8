"""The comparison as PDF: the recommendation and its reasons, the candidates side by side, their scores per
category as grouped bars, and the rule. Imported only when the comparison is rendered (reportlab)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table

from riskengine.assessment import Assessment
from riskengine.errors import InputError, Problem
from riskengine.pipeline import default_policy
from riskengine.policy import Policy
from riskengine.portfolio.charts import ScoreSeries, scores_chart
from riskengine.portfolio.compare import Candidate, Comparison
from riskengine.portfolio.layout import (
    CONTENT_WIDTH,
    NAME_LIMIT,
    Page,
    hex_colour,
    horizon,
    iso,
    markup,
    render,
    score,
)
from riskengine.portfolio.rows import OPTION_ORDER, CategoryPoint, category_columns
from riskengine.report.charts import money
from riskengine.report.text import Text
from riskengine.tco.assumptions import OptionId

LABEL_WIDTH = 40 * mm
RULE_LIMIT = 1200
"""Characters of the rule's paragraph: it is ours (templates/portfolio.yaml), and longer than a vendor's text."""
COLUMNS_PER_TABLE = 4
"""Candidates side by side in one table; more continue in a further table below."""


def render_comparison(comparison: Comparison, assessments: Mapping[str, Assessment], policy: Policy) -> bytes:
    """The comparison's PDF; ``assessments`` (by id) give each candidate's domain and country."""
    wording = policy.portfolio
    page = Page(wording.comparison.title, comparison.created, policy)
    subject = wording.comparison.subtitle.format(count=len(comparison.candidates),
                                                 date=wording.date(page.as_of.date()))
    return render(page, lambda: _story(page, comparison, assessments), title=wording.comparison.title,
                  subject=subject, keywords=[candidate.row.name for candidate in comparison.candidates])


def _story(page: Page, comparison: Comparison, assessments: Mapping[str, Assessment]) -> list[Flowable]:
    wording, styles = page.wording, page.styles
    text = wording.comparison
    story: list[Flowable] = [
        page.paragraph(text.title, styles.title),
        page.paragraph(text.subtitle.format(count=len(comparison.candidates), date=wording.date(page.as_of.date())),
                       styles.subtitle),
        _recommendation(page, comparison),
        Spacer(1, 2 * mm),
        page.paragraph(text.reasons_title, styles.h2),
    ]
    others = comparison.reasons[1:] if comparison.recommended else comparison.reasons
    story += [Text(markup(reason.text), styles.bullet, bulletText="•") for reason in others]
    story += _scores(page, comparison)
    # The rule before the table: it says what the table's costs are, and fits under the chart on the first page.
    story.append(KeepTogether([
        page.paragraph(text.rule_title, styles.h2),
        page.paragraph(text.rule.format(
            share=_percent(comparison.rule.tco_share),
            excluded=" / ".join(wording.decisions[decision] for decision in comparison.rule.exclude_decisions),
            materiality=_percent(page.assumptions.simulation.headline.materiality.value)),
            styles.muted, RULE_LIMIT)]))
    ranked = comparison.ranked()
    for start in range(0, len(ranked), COLUMNS_PER_TABLE):
        table = _side_by_side(page, comparison, ranked[start:start + COLUMNS_PER_TABLE], assessments)
        heading = [page.paragraph(text.side_by_side_title, styles.h2)] if start == 0 else []
        # Kept whole on one page when it fits: a side-by-side table split between rows reads badly.
        story += [KeepTogether([*heading, table]), Spacer(1, 3 * mm)]
    return story


def _percent(share: float) -> str:
    return f"{share * 100:.1f}".rstrip("0").rstrip(".")


def _recommendation(page: Page, comparison: Comparison) -> Table:
    """The recommended candidate in a box, with the sentence that carries its figures."""
    text, styles = page.wording.comparison, page.styles
    if comparison.recommended is None:
        heading = page.paragraph(text.no_recommendation, styles.recommendation)
        border = hex_colour(page.theme.decisions["reject"].stroke)
        body = comparison.recommendation
    else:
        winner = comparison.candidate(comparison.recommended)
        heading = page.paragraph(text.recommended.format(vendor=f"{winner.letter} · {winner.row.name}"),
                                 styles.recommendation, NAME_LIMIT + 10)
        border = hex_colour(page.theme.primary)
        body = comparison.reasons[0].text
    box = Table([[heading], [page.paragraph(body)]], colWidths=[CONTENT_WIDTH], hAlign="LEFT")
    box.setStyle([
        ("BACKGROUND", (0, 0), (-1, -1), hex_colour(page.theme.label_fill)),
        ("LINEBEFORE", (0, 0), (0, -1), 4, border),
        ("LEFTPADDING", (0, 0), (-1, -1), 10),
        ("TOPPADDING", (0, 0), (-1, 0), 7),
        ("BOTTOMPADDING", (0, -1), (-1, -1), 5),
    ])
    return box


def _side_by_side(page: Page, comparison: Comparison, candidates: Sequence[Candidate],
                  assessments: Mapping[str, Assessment]) -> Table:
    """One column per candidate, one row per figure; the recommended candidate's column is framed."""
    wording, styles = page.wording, page.styles
    text = wording.comparison
    width = (CONTENT_WIDTH - LABEL_WIDTH) / max(len(candidates), COLUMNS_PER_TABLE - 1)
    header: list[str | Flowable] = [text.candidate, *[
        Text(f"{markup(candidate.letter)} · {markup(candidate.row.name, NAME_LIMIT)}", styles.cell_head)
        for candidate in candidates]]
    eligible = sum(1 for candidate in comparison.candidates if candidate.rank is not None)

    def cost(option: OptionId) -> Callable[[Candidate], Flowable]:
        return lambda c: _cost(page, c, option)

    figures: list[tuple[str, str, Callable[[Candidate], Flowable]]] = [
        ("rank", text.rank, lambda c: page.cell(
            text.rank_value.format(rank=c.rank, count=eligible) if c.rank is not None else text.excluded,
            styles.cell_bold)),
        ("product", text.product, lambda c: page.cell(c.row.product or wording.blank, limit=NAME_LIMIT)),
        ("domain", text.domain, lambda c: page.cell(_domain(assessments.get(c.row.assessment_id)) or wording.blank,
                                                    limit=NAME_LIMIT)),
        ("assessment_id", text.assessment_id, lambda c: page.cell(c.row.assessment_id, styles.cell_small,
                                                                  NAME_LIMIT)),
        ("tier", text.tier, lambda c: page.tier_badge(c.row.tier)),
        ("decision", text.decision, lambda c: page.decision_badge(c.row.decision)),
        ("residual", text.residual, lambda c: page.cell(score(c.row.residual), styles.cell_bold)),
        ("inherent", text.inherent, lambda c: page.cell(score(c.row.inherent))),
        ("knockouts", text.knockouts, lambda c: page.cell(str(c.row.knockouts))),
        ("conditions", text.conditions, lambda c: page.cell(str(c.row.conditions))),
        ("top_conditions", text.top_conditions, lambda c: _top_conditions(page, c, comparison.rule.top_conditions)),
        *[(f"tco:{option}", text.tco.format(option=wording.options[option]), cost(option))
          for option in OPTION_ORDER],
        ("cost_model", text.cost_model, lambda c: page.cell(wording.cost_choice(c.row.tco_choice))),
        ("reassess_by", text.reassess_by, lambda c: page.cell(iso(c.row.reassess_by, wording.blank))),
    ]
    body = [[page.cell(label, styles.cell_label), *[make(candidate) for candidate in candidates]]
            for _, label, make in figures]
    keys = [key for key, _, _ in figures]
    tier_row, decision_row = 1 + keys.index("tier"), 1 + keys.index("decision")
    extra: list[tuple[Any, ...]] = [("VALIGN", (0, 0), (-1, -1), "TOP"),
                                    ("BACKGROUND", (0, 1), (0, -1), hex_colour(page.theme.label_fill))]
    for column, candidate in enumerate(candidates, start=1):
        extra += [("BACKGROUND", (column, tier_row), (column, tier_row), page.tier_fill(candidate.row.tier)),
                  ("BACKGROUND", (column, decision_row), (column, decision_row),
                   page.decision_fill(candidate.row.decision)),
                  ("VALIGN", (column, tier_row), (column, decision_row), "MIDDLE")]
        if candidate.status == "recommended":
            extra.append(("BOX", (column, 0), (column, -1), 1.8, hex_colour(page.theme.primary)))
    return page.table(header, body, [LABEL_WIDTH, *[width] * len(candidates)], extra=extra)


def _domain(assessment: Assessment | None) -> str:
    if assessment is None:
        return ""
    vendor = assessment.vendor
    return " · ".join(part for part in (vendor.domain, vendor.country) if part)


def _top_conditions(page: Page, candidate: Candidate, count: int) -> Paragraph:
    """The most severe and urgent conditions, one per line, then how many more there are."""
    text, styles = page.wording.comparison, page.styles
    conditions = candidate.row.top_conditions
    if not conditions:
        return page.cell(text.no_conditions, styles.cell_small)
    lines = [f"• {markup(condition.action, 160)}" for condition in conditions[:count]]
    if len(conditions) > count:
        more = markup(text.more_conditions.format(count=len(conditions) - count))
        lines.append(f'<font color="{page.theme.muted}">{more}</font>')
    return Text("<br/>".join(lines), styles.cell_small)


def _cost(page: Page, candidate: Candidate, option: OptionId) -> Paragraph:
    """The option's expected TCO over the horizon (bold when its cost model recommends it), and under it, in
    words, the typical future's cost and the middle 80 % of the futures."""
    row, text = candidate.row, page.wording.comparison
    cost = row.option(option)
    if cost is None or row.currency is None:
        return page.cell(text.not_priced, page.styles.cell_small)
    value = markup(text.tco_value.format(currency=row.currency, expected=money(cost.expected_total),
                                         horizon=horizon(row, page.assumptions)))
    if row.recommended_option == option:
        value = f"<b>{value}</b>"
    spread = markup(text.tco_spread.format(currency=row.currency, typical=money(cost.typical_total),
                                           p10=money(cost.p10), p90=money(cost.p90)))
    return Text(f'{value}<br/><font size="7" color="{page.theme.muted}">{spread}</font>', page.styles.cell)


def _scores(page: Page, comparison: Comparison) -> list[Flowable]:
    """Grouped bars of control effectiveness; categories no candidate's controls apply to are left out."""
    text, styles = page.wording.comparison, page.styles
    rows = [candidate.row for candidate in comparison.candidates]
    categories = []
    for category_id, title in category_columns(rows):
        values = [_effectiveness(row.categories, category_id) for row in rows]
        if any(value is not None for value in values):
            categories.append((category_id, title))
    if not categories:
        return []
    palette = page.wording.theme.candidates
    series = [ScoreSeries(letter=candidate.letter, name=candidate.row.name,
                          colour=palette[index % len(palette)],
                          values=tuple(_effectiveness(candidate.row.categories, category_id)
                                       for category_id, _ in categories))
              for index, candidate in enumerate(comparison.candidates)]
    chart = scores_chart([title for _, title in categories], series, CONTENT_WIDTH, page.wording, page.theme)
    chart.hAlign = "LEFT"
    return [KeepTogether([page.paragraph(text.scores_title, styles.h2), page.paragraph(text.scores_intro,
                                                                                       styles.muted), chart])]


def _effectiveness(categories: Sequence[CategoryPoint], category_id: str) -> float | None:
    point = next((category for category in categories if category.id == category_id), None)
    return point.effectiveness if point is not None else None


def comparison_pdf(comparison: Comparison, assessments: Sequence[Assessment], policy: Policy | None = None) -> bytes:
    """The comparison as a PDF (landscape A4): recommendation and reasons, the candidates side by side, their
    category scores as grouped bars, and the rule, worded by ``policy`` (default: the shipped one). ``assessments``
    must be the compared ones (``InputError`` otherwise); the PDF is dated by the comparison, so the same input
    gives the same bytes."""
    given = sorted(assessment.assessment_id for assessment in assessments)
    compared = sorted(candidate.row.assessment_id for candidate in comparison.candidates)
    if given != compared:
        raise InputError("assessments", [Problem(place="assessments", message=(
            f"the assessments ({', '.join(given)}) are not the compared ones ({', '.join(compared)})"))])
    return render_comparison(comparison, {assessment.assessment_id: assessment for assessment in assessments},
                             policy or default_policy())
