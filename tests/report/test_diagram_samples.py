"""The neighbourhood diagrams of the three sample vendors, on their real graphs: every label legible, clear and
present, most of them written on their arrows, and the same bytes every time."""

from __future__ import annotations

import re

import pytest
import reportlab.rl_config
from reportlab.graphics.shapes import Drawing, Group, Shape, String

from riskengine.inventory.analysis import GraphFindings
from riskengine.pipeline import assess
from riskengine.report.diagram.drawing import DiagramTheme, neighbourhood_diagram
from riskengine.report.diagram.layout import NeighbourhoodLayout, neighbourhood_layout
from riskengine.report.fonts import FONT, FONT_BOLD, FONT_ITALIC, register_fonts
from riskengine.report.kit import CONTENT_WIDTH
from riskengine.report.wording import load_wording
from tests.conftest import NOW, SAMPLES
from tests.report.graphs import label_problems

NAMES = ("northwind-mail", "pixelpath-analytics", "glowup-loyalty")
WORDING = load_wording()


@pytest.fixture(scope="module")
def graphs() -> dict[str, tuple[GraphFindings, str]]:
    """Each sample's graph findings and the tool's name, from the sample inventory (no evidence, few trials)."""
    found = {}
    for name in NAMES:
        assessment = assess(SAMPLES / f"{name}.xlsx", now=NOW, inventory=SAMPLES / "inventory.yaml",
                            org_profile=SAMPLES / "org-profile.yaml", tco_trials=100, tco_seed=1)
        assert assessment.graph is not None
        # the product without its plan, as the Dependencies section names the tool
        found[name] = (assessment.graph, re.split(r",\s|\s\(|\s\+\s", assessment.vendor.product, maxsplit=1)[0])
    return found


@pytest.fixture(scope="module")
def theme() -> DiagramTheme:
    register_fonts()
    return DiagramTheme.from_theme(WORDING.theme, font=FONT, font_bold=FONT_BOLD, font_italic=FONT_ITALIC)


def _layout(graph: GraphFindings, tool: str, theme: DiagramTheme) -> NeighbourhoodLayout:
    return neighbourhood_layout(graph, tool, CONTENT_WIDTH, WORDING.dependencies.diagram, theme.lettering)


def _drawing(graph: GraphFindings, tool: str, theme: DiagramTheme) -> Drawing:
    return neighbourhood_diagram(graph, tool, CONTENT_WIDTH, theme, WORDING.dependencies.diagram)


def _sizes(shape: Shape) -> list[float]:
    if isinstance(shape, Group):
        return [size for child in shape.contents for size in _sizes(child)]
    return [shape.fontSize] if isinstance(shape, String) else []


@pytest.mark.parametrize("name", NAMES)
def test_a_samples_labels_are_legible_clear_and_all_there(graphs: dict[str, tuple[GraphFindings, str]],
                                                          theme: DiagramTheme, name: str) -> None:
    graph, tool = graphs[name]
    layout = _layout(graph, tool, theme)
    assert label_problems(layout, CONTENT_WIDTH) == []
    assert len(layout.labels) == len({connection.system_id for connection in graph.connections
                                      if connection.data_classes}) >= 5
    assert len(layout.keys) <= len(layout.labels) // 2  # most are written on their arrows
    assert sum(1 for node in layout.nodes if node.ring == 2) >= 4  # and the outer ring still has room
    sizes = [size for shape in _drawing(graph, tool, theme).contents for size in _sizes(shape)]
    assert len(sizes) > 30 and min(sizes) >= 7


def test_a_samples_diagram_is_the_same_bytes_every_time(graphs: dict[str, tuple[GraphFindings, str]],
                                                        theme: DiagramTheme, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reportlab.rl_config, "invariant", 1)
    graph, tool = graphs["glowup-loyalty"]
    assert _drawing(graph, tool, theme).asString("pdf") == _drawing(graph, tool, theme).asString("pdf")
