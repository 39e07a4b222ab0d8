"""The appendix, for compliance: every answer with its cell, what the vendor's own questionnaire left open or
unreadable, and every warning the reader raised."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph

from riskengine.assessment import AnsweredQuestion
from riskengine.report.context import ReportContext
from riskengine.report.kit import COMMENT_LIMIT, CONTENT_WIDTH, NAME_LIMIT, QUESTION_LIMIT, markup
from riskengine.report.text import Text


def build(ctx: ReportContext) -> list[Flowable]:
    """Every answer by questionnaire section, what the vendor's own questionnaire left open, every warning."""
    assessment, text, styles = ctx.assessment, ctx.wording.appendix, ctx.styles
    story: list[Flowable] = [ctx.section("appendix"), ctx.heading(text.answers, styles.h2, level=1)]
    if not assessment.answers:
        story.append(ctx.paragraph(text.no_answers))
    sections: dict[str, list[AnsweredQuestion]] = {}
    for answer in assessment.answers:
        sections.setdefault(answer.section, []).append(answer)
    for section, answers in sections.items():
        if section:
            story += ctx.long_table_heading(section, style=styles.h3_long_table)
        rows = [[
            ctx.cell(answer.question_id, styles.cell_small, limit=NAME_LIMIT),
            ctx.cell(answer.question, limit=QUESTION_LIMIT),
            _answer_cell(ctx, answer),
            ctx.cell(answer.place, styles.cell_small, limit=NAME_LIMIT),
        ] for answer in answers]
        widths = [18 * mm, 60 * mm, CONTENT_WIDTH - 18 * mm - 60 * mm - 26 * mm, 26 * mm]
        story.append(ctx.table([text.question_id, text.question, text.answer, text.place], rows, widths,
                               split_in_row=True))
    story += _appendix_coverage(ctx)
    story.append(ctx.heading(text.warnings, styles.h2, level=1))
    if assessment.warnings:
        rows = [[ctx.cell(f"{problem.place} ({problem.question_id})" if problem.question_id
                          else problem.place, styles.cell_small, limit=NAME_LIMIT),
                 ctx.cell(problem.message)] for problem in assessment.warnings]
        story.append(ctx.table([text.place, text.warnings], rows, [50 * mm, CONTENT_WIDTH - 50 * mm]))
    else:
        story.append(ctx.paragraph(text.no_warnings))
    return story


def _appendix_coverage(ctx: ReportContext) -> list[Flowable]:
    """Our questions left open, the answers that could not be read, and the vendor's own descriptions."""
    assessment, text, styles = ctx.assessment, ctx.wording.coverage, ctx.styles
    coverage = assessment.coverage
    if coverage is None:
        return []
    story: list[Flowable] = []
    if assessment.not_covered:
        rows = [[ctx.cell(item.question_id, styles.cell_small, limit=NAME_LIMIT),
                 ctx.cell(item.question, limit=QUESTION_LIMIT),
                 ctx.cell(item.section, styles.cell_small, limit=NAME_LIMIT)] for item in assessment.not_covered]
        story += [*ctx.long_table_heading(text.not_covered_title, level=1),
                  ctx.paragraph(text.not_covered_intro),
                  ctx.table([ctx.wording.appendix.question_id, ctx.wording.appendix.question,
                             text.section], rows,
                            [18 * mm, CONTENT_WIDTH - 18 * mm - 44 * mm, 44 * mm])]
    if coverage.unparsed:
        rows = [[ctx.cell(item.their_id, styles.cell_small, limit=NAME_LIMIT), ctx.cell(item.text),
                 ctx.cell(item.reason), ctx.cell(item.place, styles.cell_small, limit=NAME_LIMIT)]
                for item in coverage.unparsed]
        story += [*ctx.long_table_heading(text.unparsed_title, level=1), ctx.paragraph(text.unparsed_intro),
                  ctx.table([text.their_id, text.text, text.reason, text.place], rows,
                            [24 * mm, CONTENT_WIDTH - 24 * mm - 50 * mm - 36 * mm, 50 * mm, 36 * mm],
                            split_in_row=True)]
    if coverage.vendor_evidence:
        rows = [[ctx.cell(item.question_id, styles.cell_small, limit=NAME_LIMIT),
                 ctx.cell(item.their_id, styles.cell_small, limit=NAME_LIMIT),
                 ctx.cell(item.text, limit=COMMENT_LIMIT),
                 ctx.cell(item.place, styles.cell_small, limit=NAME_LIMIT)]
                for item in coverage.vendor_evidence]
        story += [*ctx.long_table_heading(text.evidence_title, level=1), ctx.paragraph(text.evidence_intro),
                  ctx.table([text.ours, text.their_id, text.text, text.place], rows,
                            [18 * mm, 24 * mm, CONTENT_WIDTH - 18 * mm - 24 * mm - 36 * mm, 36 * mm],
                            split_in_row=True)]
    return story


def _answer_cell(ctx: ReportContext, answer: AnsweredQuestion) -> Paragraph:
    content = markup(answer.answer) if answer.answer else f"<i>{markup(ctx.wording.blank)}</i>"
    if answer.comment:
        label = markup(ctx.wording.appendix.comment)
        content += (f"<br/><font color=\"{ctx.muted_hex}\"><i>{label}</i> "
                    f"{markup(answer.comment, COMMENT_LIMIT)}</font>")
    return Text(content, ctx.styles.cell)

