"""The report's figures as SVG: the same reportlab drawings the PDF places (``riskengine.report.charts`` and the
diagram), in the same theme and words, drawn by reportlab's SVG renderer.

Served as images of their own (``<img src=...svg>``): the renderer writes style attributes, which the pages'
Content-Security-Policy forbids inline, and an image runs no script.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Literal

from riskengine.web.security import Refused

if TYPE_CHECKING:
    from reportlab.graphics.shapes import Drawing

    from riskengine.assessment import Assessment
    from riskengine.policy import Policy

Figure = Literal["effectiveness", "cost", "cumulative", "sensitivity", "losses", "dependencies"]
FIGURES: tuple[Figure, ...] = ("effectiveness", "cost", "cumulative", "sensitivity", "losses", "dependencies")
WIDTH = 480.0
"""Points, as the PDF's text column: the same drawing, scaled by the browser."""


def figure_svg(assessment: Assessment, policy: Policy, figure: str) -> bytes:
    """The SVG of one of ``FIGURES``; ``Refused`` (404) when the assessment has nothing to draw for it."""
    from reportlab.graphics import renderSVG

    from riskengine.report.fonts import register_fonts

    register_fonts()
    builder = _BUILDERS.get(figure)
    drawing = builder(assessment, policy) if builder is not None else None
    if drawing is None:
        raise Refused(404, f"this assessment has no {figure} figure")
    text: str = renderSVG.drawToString(drawing)
    # An image loads no font of its own: the report's font by the name systems know it, then any sans-serif.
    for name, family in (("DejaVuSans-Bold", "font-weight: bold; font-family"), ("DejaVuSans-Oblique",
                                                                               "font-style: italic; font-family"),
                         ("DejaVuSans", "font-family")):
        text = text.replace(f"font-family: {name};", f"{family}: 'DejaVu Sans', sans-serif;")
    return text.encode()


def _theme(policy: Policy):  # type: ignore[no-untyped-def]
    from riskengine.report.charts import ChartTheme
    from riskengine.report.fonts import FONT, FONT_BOLD

    return ChartTheme.from_theme(policy.wording.theme, font=FONT, font_bold=FONT_BOLD)


def _effectiveness(assessment: Assessment, policy: Policy) -> Drawing | None:
    from riskengine.report.charts import effectiveness_chart
    from riskengine.report.kit import look

    categories = [(category.title, category.effectiveness or 0.0) for category in assessment.risk.categories]
    palette, _ = look(policy.wording)
    return effectiveness_chart(categories, WIDTH, _theme(policy), palette.chart_bar) if categories else None


def _cost(assessment: Assessment, policy: Policy) -> Drawing | None:
    from riskengine.report.charts import cost_parts_chart
    from riskengine.report.sections.cost import COST_PARTS

    tco = assessment.tco
    if tco is None:
        return None
    bars = [(option.title, [sum(line.npv for line in option.lines if line.id in lines)
                            for lines in COST_PARTS.values()]) for option in tco.options]
    parts = policy.wording.cost.parts
    return cost_parts_chart(bars, [parts[part] for part in COST_PARTS], WIDTH, _theme(policy), tco.currency)


def _cumulative(assessment: Assessment, policy: Policy) -> Drawing | None:
    from riskengine.report.charts import cumulative_cost_chart

    tco = assessment.tco
    return cumulative_cost_chart(tco, WIDTH, _theme(policy), policy.wording.tco.chart) if tco else None


def _sensitivity(assessment: Assessment, policy: Policy) -> Drawing | None:
    from riskengine.report.charts import sensitivity_chart

    tco = assessment.tco
    return sensitivity_chart(tco, WIDTH, _theme(policy), policy.wording.tco.chart) if tco else None


def _losses(assessment: Assessment, policy: Policy) -> Drawing | None:
    from riskengine.report.charts import loss_exceedance_chart

    tco = assessment.tco
    return loss_exceedance_chart(tco, WIDTH, _theme(policy), policy.wording.tco.chart) if tco else None


def _dependencies(assessment: Assessment, policy: Policy) -> Drawing | None:
    from riskengine.report.diagram.drawing import DiagramTheme, neighbourhood_diagram
    from riskengine.report.fonts import FONT, FONT_BOLD, FONT_ITALIC

    graph = assessment.graph
    if graph is None:
        return None
    theme = DiagramTheme.from_theme(policy.wording.theme, font=FONT, font_bold=FONT_BOLD, font_italic=FONT_ITALIC)
    vendor = assessment.vendor
    product = re.split(r",\s|\s\(|\s\+\s", vendor.product.strip(), maxsplit=1)[0].strip()  # as the report's
    label = product or vendor.legal_name.strip() or policy.wording.dependencies.the_tool
    return neighbourhood_diagram(graph, label, WIDTH, theme, policy.wording.dependencies.diagram)


_BUILDERS: dict[str, Callable[[Assessment, Policy], Drawing | None]] = {
    "effectiveness": _effectiveness, "cost": _cost, "cumulative": _cumulative, "sensitivity": _sensitivity,
    "losses": _losses, "dependencies": _dependencies,
}
