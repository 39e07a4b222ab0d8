"""docs/enrichment.md lists every conformance case with its expected verdict: the tables are the cases."""

from __future__ import annotations

from tests.conftest import ROOT
from tests.enrich.conformance import tables


def test_the_docs_tables_are_the_cases() -> None:
    text = (ROOT / "docs" / "enrichment.md").read_text(encoding="utf-8")
    start, end = "<!-- conformance:start -->\n", "<!-- conformance:end -->"
    shown = text[text.index(start) + len(start):text.index(end)]
    assert shown == tables(), "regenerate with: python -m tests.enrich.conformance"
