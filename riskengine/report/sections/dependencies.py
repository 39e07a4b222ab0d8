"""Dependencies, for the IT architect: the neighbourhood diagram, the graph's measures, the Integrations rows IT must
confirm, the data paths, the blast radius, the integration effort and every connection."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from reportlab.graphics.shapes import Drawing
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from riskengine.inventory.analysis import (
    Connection,
    DataPath,
    Dependent,
    GraphFindings,
    IntegrationEffort,
    UnidentifiedSystem,
)
from riskengine.inventory.graph import VENDOR
from riskengine.report.cards import COMPACT_ROWS
from riskengine.report.context import ReportContext
from riskengine.report.diagram.drawing import DiagramTheme, neighbourhood_diagram
from riskengine.report.fonts import FONT, FONT_BOLD, FONT_ITALIC
from riskengine.report.kit import CONTENT_WIDTH, NAME_LIMIT, clean, hours, markup
from riskengine.report.text import Text

BLAST_RADIUS_ROWS = 25
"""Rows of the blast-radius table; the rest are counted ("… and 12 more") and stay in the JSON result."""


def build(ctx: ReportContext) -> list[Flowable]:
    """The tool in the graph of our systems, or that no inventory was given."""
    story: list[Flowable] = [ctx.section("dependencies")]
    graph = ctx.assessment.graph
    if graph is None:
        story.append(ctx.paragraph(ctx.wording.dependencies.no_inventory))
        return story
    return story + _graph(ctx, graph)


def _graph(ctx: ReportContext, graph: GraphFindings) -> list[Flowable]:
    """For the IT architect: the picture, the measures, the data paths, the blast radius, the effort."""
    text, styles = ctx.wording.dependencies, ctx.styles
    names = _system_names(ctx, graph)
    story: list[Flowable] = [KeepTogether([
        ctx.heading(text.diagram_title, styles.h2),
        ctx.paragraph(text.diagram_intro, styles.muted),
        _diagram(ctx, graph, names[VENDOR]),
    ])]
    story += [ctx.heading(text.overview, styles.h2), _graph_overview(ctx, graph, names)]
    story += _to_confirm(ctx, graph)
    story += _data_paths(ctx, text.data_in_title, text.data_in_none, graph.data_in, names)
    story += _data_paths(ctx, text.data_through_title, text.data_through_none, graph.data_through, names)
    story += _blast_radius(ctx, graph, names)
    story += _effort(ctx, graph, names)
    story += ctx.long_table_heading(text.connections)
    # the graph's sources head the table rather than trail it: a note after a long table can spill alone onto
    # a page of its own
    if graph.provenance:
        story.append(ctx.paragraph(ctx.provenance(graph.provenance), styles.muted))
    if not graph.connections:
        story.append(ctx.paragraph(text.no_connections))
    else:
        story.append(ctx.table(
            [text.system, text.direction, text.data_classes, text.method, text.frequency,
             text.criticality, text.place],
            [_connection(ctx, connection, names) for connection in graph.connections],
            [32 * mm, 23 * mm, 27 * mm, 16 * mm, 21 * mm, 20 * mm, CONTENT_WIDTH - 139 * mm]))
    return story


def _tool_label(ctx: ReportContext) -> str:
    """The tool as paths and the diagram name it: the product without its plan, else the vendor."""
    vendor = ctx.assessment.vendor
    product = re.split(r",\s|\s\(|\s\+\s", vendor.product.strip(), maxsplit=1)[0].strip()
    return clean(product or vendor.legal_name.strip() or ctx.wording.dependencies.the_tool, NAME_LIMIT)


def _system_names(ctx: ReportContext, graph: GraphFindings) -> dict[str, str]:
    """System id to name: the analysis's names, else the dependents' and connections' own; the tool under
    ``VENDOR``. An id with no name anywhere shows as itself."""
    names = {dependent.system_id: dependent.name for dependent in graph.dependents if dependent.name}
    names.update({connection.system_id: connection.system_name for connection in graph.connections
                  if connection.system_name})
    names.update({system_id: name for system_id, name in graph.names.items() if name})
    names[VENDOR] = _tool_label(ctx)
    return names


def _diagram(ctx: ReportContext, graph: GraphFindings, tool: str) -> Drawing:
    """The neighbourhood diagram, as wide as the page's text, in the report's theme and words."""
    theme = DiagramTheme.from_theme(ctx.wording.theme, font=FONT, font_bold=FONT_BOLD, font_italic=FONT_ITALIC)
    drawing = neighbourhood_diagram(graph, tool, CONTENT_WIDTH, theme, ctx.wording.dependencies.diagram)
    drawing.hAlign = "LEFT"
    return drawing


def _graph_overview(ctx: ReportContext, graph: GraphFindings, names: dict[str, str]) -> Table:
    wording, text = ctx.wording, ctx.wording.dependencies

    def listed(ids: Sequence[str]) -> str:
        return ", ".join(names.get(system_id, system_id) for system_id in ids) or wording.none

    def lines(*texts: str) -> str:
        return "<br/>".join(markup(line) for line in texts)

    if graph.dependents:
        blast = lines(
            text.blast_radius_value.format(count=len(graph.dependents), score=f"{graph.blast_score:g}",
                                           top=f"{graph.blast_score_max:g}"),
            text.critical_dependents.format(systems=listed(graph.critical_dependents)),
            text.customer_facing_dependents.format(systems=listed(graph.customer_facing_dependents)))
    else:
        blast = lines(text.blast_radius_none)
    structure = [text.cut_vertex_yes if graph.cut_vertex else text.cut_vertex_no]
    if graph.separated_groups:
        groups = " | ".join(listed(group) for group in graph.separated_groups)
        structure.append(text.separated_groups.format(groups=groups))
    links = ", ".join(text.department_link.format(first=first, second=second)
                      for first, second in graph.new_department_links)
    structure.append(text.new_department_links.format(links=links) if links else text.no_new_department_links)
    centrality = graph.centrality
    percentile = math.floor(centrality.degree_percentile)  # "more than 84%" must hold for 84.6
    measures = [text.degree_one.format(percentile=percentile) if centrality.degree == 1
                else text.degree.format(degree=centrality.degree, percentile=percentile)]
    if centrality.betweenness_rank is not None:
        measures.append(text.betweenness.format(
            rank=centrality.betweenness_rank, systems=graph.systems_in_inventory + 1,
            score=f"{centrality.betweenness:g}" if centrality.betweenness is not None else wording.blank))
    method = (f"<br/><font size=\"7\" color=\"{ctx.muted_hex}\">"
              f"{markup(text.centrality_method.format(method=centrality.method))}</font>")
    inventory = " · ".join(part for part in (graph.inventory, graph.organisation) if part)
    return ctx.key_values([
        (text.inventory, ctx.cell(inventory or wording.blank, limit=NAME_LIMIT)),
        (text.systems_in_inventory, ctx.cell(text.systems_in_inventory_value.format(
            systems=graph.systems_in_inventory, integrations=graph.integrations_in_inventory))),
        (text.capability, ctx.cell(graph.capability or wording.blank, limit=NAME_LIMIT)),
        (text.connections_count, ctx.cell(_connection_count(ctx, graph))),
        (text.blast_radius, Text(blast, ctx.styles.cell)),
        (text.structural_risk, Text(lines(*structure), ctx.styles.cell)),
        (text.centrality, Text(lines(*measures) + method, ctx.styles.cell)),
        (text.duplicates, ctx.cell(", ".join(graph.duplicates) or wording.none)),
        (text.shadow_it, ctx.cell(", ".join(graph.shadow_it) or wording.none)),
    ], label_width=48 * mm)


def _path(ctx: ReportContext, path: Sequence[str], names: dict[str, str]) -> str:
    return " → ".join(names.get(system_id, system_id) for system_id in path)


def _data_paths(ctx: ReportContext, title: str, empty: str, paths: Sequence[DataPath],
                names: dict[str, str]) -> list[Flowable]:
    """One row per path, grouped by data class (the class is named on the first row of its group)."""
    text, styles = ctx.wording.dependencies, ctx.styles
    story = ctx.long_table_heading(title)
    if not paths:
        story.append(ctx.paragraph(empty))
        return story
    ordered = sorted(paths, key=lambda path: (path.data_class, len(path.path), path.path))
    rows = [[ctx.cell(path.data_class if index == 0 or ordered[index - 1].data_class != path.data_class
                      else "", styles.cell_label, limit=NAME_LIMIT),
             ctx.cell(_path(ctx, path.path, names))]
            for index, path in enumerate(ordered)]
    table = ctx.table([text.data_class, text.path], rows, [30 * mm, CONTENT_WIDTH - 30 * mm])
    table.setStyle(TableStyle(COMPACT_ROWS))  # a list of one-line paths: tighter rows, fewer pages
    story.append(table)
    return story


def _criticality(ctx: ReportContext, criticality: str) -> Paragraph:
    """Critical in bold and the critical colour, high in the high colour: the eye finds them first."""
    content = markup(criticality, NAME_LIMIT)
    severities = ctx.wording.theme.severities
    colour = severities["critical"] if criticality == "critical" else severities["high"] \
        if criticality == "high" else None
    if colour:
        content = f"<font color=\"{colour}\">{content}</font>"
        if criticality == "critical":
            content = f"<b>{content}</b>"
    return Text(content, ctx.styles.cell)


def _connection_count(ctx: ReportContext, graph: GraphFindings) -> str:
    """How many connections, and how many of them are one-off transfers (nothing depends on those)."""
    one_off = sum(1 for connection in graph.connections if not connection.lasting)
    count = str(len(graph.connections))
    text = ctx.wording.dependencies
    return f"{count}; {text.one_off_connections.format(count=one_off)}" if one_off else count


def _to_confirm(ctx: ReportContext, graph: GraphFindings) -> list[Flowable]:
    """The rows IT must confirm: those naming no system for sure, with their candidates, and those matched by
    capability alone; nothing when every row names a system by what we call it."""
    matched = graph.to_confirm
    if not graph.unidentified and not matched:
        return []
    text, small = ctx.wording.dependencies, ctx.styles.cell_small
    story = ctx.long_table_heading(text.confirm_title)
    story.append(ctx.paragraph(text.confirm_intro))

    def found(row: UnidentifiedSystem) -> str:
        if row.status == "ambiguous":
            return text.confirm_ambiguous
        return text.confirm_no_capability.format(capability=row.capability) if row.capability \
            else text.confirm_unknown

    rows = [[ctx.cell(row.written or ctx.wording.blank, limit=NAME_LIMIT), ctx.cell(found(row), small),
             ctx.cell("; ".join(f"{c.name} ({c.reason})" for c in row.candidates) or ctx.wording.none, small),
             ctx.cell(row.place, small, limit=NAME_LIMIT)] for row in graph.unidentified]
    rows += [[ctx.cell(connection.written, limit=NAME_LIMIT),
              ctx.cell(text.confirm_capability.format(capability=connection.matched_capability,
                                                      system=connection.system_name), small),
              ctx.cell(connection.system_name, small, limit=NAME_LIMIT),
              ctx.cell(connection.written_place or connection.place, small, limit=NAME_LIMIT)]
             for connection in matched]
    story.append(ctx.table([text.written, text.found, text.candidates, text.place], rows,
                           [34 * mm, 46 * mm, CONTENT_WIDTH - 112 * mm, 32 * mm]))
    return story


def _blast_radius(ctx: ReportContext, graph: GraphFindings, names: dict[str, str]) -> list[Flowable]:
    wording, text, styles = ctx.wording, ctx.wording.dependencies, ctx.styles
    dependents: Sequence[Dependent] = graph.dependents
    story = ctx.long_table_heading(text.blast_title)
    if not dependents:
        story.append(ctx.paragraph(text.blast_radius_none))
        return story
    story.append(ctx.paragraph(text.blast_intro.format(count=len(dependents), score=f"{graph.blast_score:g}")))
    rows: list[list[Flowable]] = [[
        ctx.cell(names.get(dependent.system_id) or dependent.name or dependent.system_id, limit=NAME_LIMIT),
        _criticality(ctx, dependent.criticality),
        ctx.cell(wording.answer_yes if dependent.customer_facing else wording.answer_no),
        ctx.cell(str(dependent.depth)),
        ctx.cell(f"{dependent.adds:.2f}".rstrip("0").rstrip(".")),
        ctx.cell(_path(ctx, dependent.path, names), styles.cell_small),
    ] for dependent in dependents[:BLAST_RADIUS_ROWS]]
    hidden = len(dependents) - BLAST_RADIUS_ROWS
    if hidden > 0:
        rows.append([ctx.cell(text.more_rows.format(count=hidden), styles.muted), *[Spacer(0, 0)] * 5])
    table = ctx.table([text.system, text.criticality, text.customer_facing, text.distance, text.adds, text.path],
                      rows, [37 * mm, 19 * mm, 30 * mm, 17 * mm, 13 * mm, CONTENT_WIDTH - 116 * mm])
    if hidden > 0:
        table.setStyle(TableStyle([("SPAN", (0, -1), (-1, -1))]))
    story.append(table)
    return story


def _effort(ctx: ReportContext, graph: GraphFindings, names: dict[str, str]) -> list[Flowable]:
    wording, text, styles = ctx.wording, ctx.wording.dependencies, ctx.styles
    story = ctx.long_table_heading(text.effort_title)
    if not graph.effort:
        story.append(ctx.paragraph(text.effort_none))
        return story
    story.append(ctx.paragraph(text.effort_intro))
    small = styles.cell_small

    def row(effort: IntegrationEffort) -> list[Flowable]:
        return [
            ctx.cell(names.get(effort.system_id) or effort.system, limit=NAME_LIMIT),
            ctx.cell(effort.method, small, limit=NAME_LIMIT),
            ctx.cell(wording.directions[effort.direction], small),
            ctx.cell(", ".join(effort.data_classes) or wording.none, small),
            ctx.cell(hours(effort.hours.low, effort.hours.likely, effort.hours.high)),
            ctx.cell(effort.basis, small),
        ]

    total = graph.effort_total
    rows = [row(effort) for effort in graph.effort]
    rows.append([ctx.cell(text.total, styles.cell_label), *[Spacer(0, 0)] * 3,
                 Text(f"<b>{markup(hours(total.low, total.likely, total.high))}</b>", styles.cell),
                 Spacer(0, 0)])
    table = ctx.table([text.system, text.method, text.direction, text.data_classes, text.hours, text.basis],
                      rows, [30 * mm, 18 * mm, 21 * mm, 22 * mm, 34 * mm, CONTENT_WIDTH - 125 * mm])
    table.setStyle(TableStyle([
        ("SPAN", (0, -1), (3, -1)),
        ("LINEABOVE", (0, -1), (-1, -1), 0.8, ctx.palette.primary),
        ("BACKGROUND", (0, -1), (-1, -1), ctx.palette.label_fill),
    ]))
    story.append(table)
    return story


def _connection(ctx: ReportContext, connection: Connection, names: dict[str, str]) -> list[Flowable]:
    small, text = ctx.styles.cell_small, ctx.wording.dependencies
    name = names.get(connection.system_id) or connection.system_name or connection.system_id
    how = {"product": text.matched_by_product, "alias": text.matched_by_alias, "vendor": text.matched_by_vendor,
           "capability": text.matched_by_capability}.get(connection.matched_by)
    system: Flowable = ctx.cell(name, limit=NAME_LIMIT)
    if how is not None:  # named otherwise than by our id or name: say how, so IT can check the match
        note = how.format(written=clean(connection.written, NAME_LIMIT))
        system = Text(f"{markup(name, NAME_LIMIT)}<br/><font size=\"7\" color=\"{ctx.muted_hex}\">"
                      f"{markup(note)}</font>", ctx.styles.cell)
    return [
        system,
        ctx.cell(ctx.wording.directions[connection.direction], small),
        ctx.cell(", ".join(connection.data_classes) or ctx.wording.none, small),
        ctx.cell(connection.method, small, limit=NAME_LIMIT),
        ctx.cell(connection.frequency if connection.lasting else text.once, small, limit=NAME_LIMIT),
        ctx.cell(connection.criticality, small, limit=NAME_LIMIT),
        ctx.cell(connection.place, small, limit=NAME_LIMIT),
    ]

