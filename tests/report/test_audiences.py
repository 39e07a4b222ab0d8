"""Audiences by purpose (#20): each sample rendered once for each audience, offline on a fixed clock; each keeps
to its page limit, the cover gives the decision, tier, three reasons and id but no hash, the hashes are in the
Inputs section, offline evidence takes one line per kind, and the bookmarks open the pages of their headings."""

from __future__ import annotations

import datetime as dt
import functools
import io

import pypdf
import pytest
from pydantic import ValidationError

from riskengine.assessment import Assessment
from riskengine.enrich.settings import NetworkSettings
from riskengine.pipeline import assess, evidence_source
from riskengine.report import render_pdf
from riskengine.report.wording import AudienceSpec, load_wording
from riskengine.score.profile import Severity
from riskengine.score.result import Condition, ConditionGroup
from tests.conftest import SAMPLES
from tests.report.test_pdf import make_assessment

NAMES = ("northwind-mail", "pixelpath-analytics", "glowup-loyalty")
AUDIENCES = ("marketing", "it", "compliance", "full")
PAGE_LIMITS = {"marketing": 4, "it": 15}
"""The most pages each short audience may take (issue #20); compliance and full hold everything."""
NOW = dt.datetime(2026, 11, 24, 9, tzinfo=dt.UTC)
SEVERITY_RANK = {"critical": 0, "high": 1, "medium": 2, "low": 3}


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Assessment]:
    result = {}
    for name in NAMES:
        _, source = evidence_source(tmp_path_factory.mktemp(name) / "evidence.db", NetworkSettings(offline=True), NOW)
        result[name] = assess(SAMPLES / f"{name}.xlsx", now=NOW, evidence_source=source,
                              inventory=SAMPLES / "inventory.yaml", org_profile=SAMPLES / "org-profile.yaml")
    return result


class _Reader(pypdf.PdfReader):  # type: ignore[misc]
    """A rendered report whose pages' text is extracted once each, when a test first asks for it."""

    @functools.cache  # noqa: B019 - one reader per rendering, kept for the module
    def text(self, number: int) -> str:
        """Page ``number`` (from 1), whitespace collapsed."""
        return " ".join(self.pages[number - 1].extract_text().split())


@pytest.fixture(scope="module")
def pdfs(samples: dict[str, Assessment]) -> dict[tuple[str, str], _Reader]:
    return {(name, audience): _Reader(io.BytesIO(render_pdf(assessment, audience=audience)))
            for name, assessment in samples.items() for audience in AUDIENCES}


def _pages(reader: _Reader) -> list[str]:
    return [reader.text(number) for number in range(1, len(reader.pages) + 1)]


def _outline(reader: pypdf.PdfReader) -> list[tuple[str, int]]:
    entries: list[tuple[str, int]] = []

    def walk(items: list[object]) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                entries.append((str(item.title), reader.get_destination_page_number(item) + 1))  # type: ignore[attr-defined]

    walk(reader.outline)
    return entries


def _section_pages(reader: _Reader, section: str) -> list[str]:
    """The text of the pages a top-level section spans (extracted only for them), up to the next section's
    heading: a compact section may start on the page the one before it ends on."""
    titles = set(load_wording().sections.values())
    top = [(title, page) for title, page in _outline(reader) if title in titles]
    index = [title for title, _ in top].index(load_wording().sections[section])  # type: ignore[index]
    start = top[index][1]
    if index + 1 == len(top):
        return [reader.text(number) for number in range(start, len(reader.pages) + 1)]
    following, end = top[index + 1]
    if not _runs_on(reader, following):
        return [reader.text(number) for number in range(start, max(end, start + 1))]
    pages = [reader.text(number) for number in range(start, end + 1)]
    pages[-1] = pages[-1].rsplit(following, 1)[0]
    if start == end:  # the two share a page: this section starts after whatever ends there
        pages[-1] = pages[-1][pages[-1].find(load_wording().sections[section]):]  # type: ignore[index]
    return pages


def _runs_on(reader: _Reader, title: str) -> bool:
    """Whether the section headed ``title`` may start on the page the one before it ends on: a compact section
    of the report's audience (named by its label in the PDF's subject)."""
    wording = load_wording()
    label = str(reader.metadata.subject).split(",")[0]
    spec = next(spec for spec in wording.audiences.values() if spec.label == label)
    section = next(key for key, value in wording.sections.items() if value == title)
    return spec.forms.get(section) == "compact"  # type: ignore[call-overload]


@pytest.mark.parametrize("audience", sorted(PAGE_LIMITS))
@pytest.mark.parametrize("name", NAMES)
def test_each_short_audience_keeps_to_its_page_limit(pdfs: dict[tuple[str, str], _Reader], name: str,
                                                      audience: str) -> None:
    assert len(pdfs[name, audience].pages) <= PAGE_LIMITS[audience]


@pytest.mark.parametrize("name", NAMES)
def test_every_audience_has_its_sections_signs_and_compliance_holds_everything(
        pdfs: dict[tuple[str, str], _Reader], name: str) -> None:
    wording = load_wording()
    for audience in AUDIENCES:
        titles = [title for title, _ in _outline(pdfs[name, audience]) if title in wording.sections.values()]
        assert titles == [wording.sections[section] for section in wording.audience(audience).sections]
        assert wording.sections["signoff"] in titles
    everything = {wording.sections[section] for section in wording.sections if section != "cost"}
    assert everything <= {title for title, _ in _outline(pdfs[name, "compliance"])}
    assert len(pdfs[name, "compliance"].pages) > len(pdfs[name, "it"].pages) > len(pdfs[name, "marketing"].pages)


@pytest.mark.parametrize("name", NAMES)
def test_the_cover_gives_decision_tier_three_reasons_and_id_and_no_hash(
        samples: dict[str, Assessment], pdfs: dict[tuple[str, str], _Reader], name: str) -> None:
    assessment, wording = samples[name], load_wording()
    risk = assessment.risk
    for audience in AUDIENCES:
        reader = pdfs[name, audience]
        cover = reader.text(1)
        assert assessment.assessment_id in cover
        assert wording.decisions[risk.decision].badge in cover
        assert wording.cover.badge_tier.format(tier=wording.tiers[risk.tier]) in cover
        assert wording.cover.reasons in cover
        for item in assessment.inputs:
            assert item.sha256[:12] not in cover.replace(" ", "")
        assert _outline(reader)[1][1] == 2, "the cover is one page"
    cover = pdfs[name, "marketing"].text(1)
    if risk.knockouts:
        expected = [knockout.reason for knockout in risk.knockouts[:3]]
    else:
        findings = sorted(assessment.findings, key=lambda f: (SEVERITY_RANK[f.severity], -f.points_lost, f.rule_id))
        expected = [finding.title for finding in findings[:3]]
    assert len(expected) == 3
    for reason in expected:
        assert " ".join(reason.split()) in cover
    knocked = {knockout.rule_id for knockout in risk.knockouts}
    count = len(risk.knockouts) + sum(1 for finding in assessment.findings if finding.knockout not in knocked)
    if count > 3:  # the rest counted, and where they are
        assert wording.cover.reasons_more_elsewhere.format(count=count - 3) in cover
        it_cover = pdfs[name, "it"].text(1)
        assert wording.cover.reasons_more.format(count=count - 3, section=wording.sections["findings"]) in it_cover
    else:
        assert "… and" not in cover


@pytest.mark.parametrize("name", NAMES)
def test_compliance_has_the_inputs_section_with_every_sha256_and_version(
        samples: dict[str, Assessment], pdfs: dict[tuple[str, str], _Reader], name: str) -> None:
    assessment = samples[name]
    for audience in ("compliance", "full"):
        inputs = " ".join(_section_pages(pdfs[name, audience], "inputs")).replace(" ", "")
        assert assessment.inputs
        for item in assessment.inputs:
            assert item.sha256 in inputs, item.role
        assert assessment.versions.engine in inputs and assessment.versions.profile.replace(" ", "") in inputs
    for audience in ("marketing", "it"):
        text = "".join(_pages(pdfs[name, audience])).replace(" ", "")
        assert all(item.sha256[:12] not in text for item in assessment.inputs)


@pytest.mark.parametrize("name", NAMES)
def test_offline_evidence_takes_one_line_per_kind(samples: dict[str, Assessment],
                                                  pdfs: dict[tuple[str, str], _Reader], name: str) -> None:
    evidence, text = samples[name].evidence, load_wording().evidence
    assert evidence is not None and evidence.mode == "offline"
    for audience in ("it", "compliance"):
        section = " ".join(_section_pages(pdfs[name, audience], "evidence"))
        assert len(_section_pages(pdfs[name, audience], "evidence")) == 1
        assert text.statuses["unknown"] not in section  # no row per check
        for kind, label in text.kinds.items():
            items = [item for item in evidence.items if item.kind == kind]
            assert items and all(item.status == "unknown" for item in items)
            assert text.collapsed.format(kind=label, count=len(items), reason=items[0].reason) in section


@pytest.mark.parametrize("audience", AUDIENCES)
@pytest.mark.parametrize("name", NAMES)
def test_every_bookmark_opens_the_page_of_its_heading(pdfs: dict[tuple[str, str], _Reader], name: str,
                                                      audience: str) -> None:
    reader = pdfs[name, audience]
    outline = _outline(reader)
    assert outline[0][1] == 1
    # the short reports' every bookmark; the long ones' sections (test_sections.py checks all of a long one's)
    titles = set(load_wording().sections.values())
    checked = outline[1:] if audience in PAGE_LIMITS else [entry for entry in outline[1:] if entry[0] in titles]
    for title, page in checked:
        assert " ".join(title.split()[:3]) in reader.text(page), (title, page)
    assert [page for _, page in outline] == sorted(page for _, page in outline)


@pytest.mark.parametrize("name", NAMES)
def test_compact_findings_give_one_row_per_finding_with_the_figures_of_the_whole_form(
        samples: dict[str, Assessment], pdfs: dict[tuple[str, str], _Reader], name: str) -> None:
    assessment, text = samples[name], load_wording().findings
    compact = " ".join(_section_pages(pdfs[name, "it"], "findings"))
    whole = " ".join(_section_pages(pdfs[name, "full"], "findings"))
    assert text.compact_intro.split(",")[0] in compact and text.what_it_means not in compact
    for finding in assessment.findings:
        assert finding.rule_id in compact
        if finding.kind == "control":
            points = f"{finding.points_lost:.1f}"
            assert text.points.format(points=points) in whole
            assert f" {points} {text.fixers_short[finding.fixable_by]}" in compact


@pytest.mark.parametrize("name", NAMES)
def test_the_marketing_conditions_are_whole_when_they_fit(samples: dict[str, Assessment],
                                                          pdfs: dict[tuple[str, str], _Reader], name: str) -> None:
    risk = samples[name].risk
    page = " ".join(_section_pages(pdfs[name, "marketing"], "conditions"))
    actions = [condition.action for group in risk.conditions for condition in group.conditions]
    assert actions
    for action in actions:
        assert " ".join(action.split()) in page
    assert "…" not in page.split(load_wording().sections["conditions"], 1)[1]  # (the running head may cut)


LONG = "with many more words to read than one line of the page can hold, " * 3


def _many_conditions(count_per_owner: dict[str, int]) -> Assessment:
    base = make_assessment()
    severities: tuple[Severity, ...] = ("critical", "high", "medium", "low")
    groups = tuple(ConditionGroup(owner=owner, due="before-go-live", conditions=tuple(
        Condition(action=f"{owner} action {number:02d} " + (LONG if number == 0 else "with a few words to read"),
                  owner=owner, due="before-go-live",
                  effort="low", rule_ids=(f"R-{owner}-{number:02d}",), severity=severities[number % 4])
        for number in range(count)))
        for owner, count in count_per_owner.items())
    return base.model_copy(update={"risk": base.risk.model_copy(update={"conditions": groups})})


def test_the_short_conditions_keep_to_one_page_most_severe_first_and_count_the_rest_per_owner() -> None:
    wording = load_wording()
    counts = {"it": 20, "vendor": 15, "marketing": 6, "compliance": 3}
    reader = _Reader(io.BytesIO(render_pdf(_many_conditions(counts), audience="marketing")))
    assert len(reader.pages) <= PAGE_LIMITS["marketing"]
    conditions = _section_pages(reader, "conditions")
    assert len(conditions) == 1
    page = conditions[0]
    hidden = 0
    for owner, count in counts.items():
        shown = sum(1 for number in range(count) if f"{owner} action {number:02d}" in page)
        label = wording.owners[owner]  # type: ignore[index]
        more = wording.conditions.short_more.format(count=count - shown, owner=label)
        assert (more in page) == (shown < count), owner
        hidden += count - shown
        assert f"{wording.conditions.owner_group.format(owner=label, count=count)}" in page
        for number in range(count):  # a criticial one is never left out while a milder one of its owner is shown
            if f"{owner} action {number:02d}" not in page:
                assert all(f"{owner} action {other:02d}" not in page
                           for other in range(count) if other % 4 > number % 4)
    assert hidden > 0
    assert "R-it-00" not in page  # no rule ids
    assert f"it action 00 {' '.join(LONG.split()[:4])}" in page and LONG not in page  # cut to one line, at a word
    assert "…" in page


def test_an_audience_names_only_the_forms_a_section_has() -> None:
    spec = AudienceSpec.model_validate({"label": "IT", "sections": ["cover", {"findings": "compact"},
                                                                    {"conditions": "short"}, "signoff"]})
    assert spec.sections == ("cover", "findings", "conditions", "signoff")
    assert spec.form("findings") == "compact" and spec.form("signoff") == "whole"
    for sections, problem in (([{"cover": "compact"}], "cover has no compact form"),
                              (["cover", {"findings": "short"}], "findings has no short form"),
                              (["cover", {"findings": "compact", "conditions": "short"}], "one section and its form"),
                              (["cover", {"findings": "tiny"}], "tiny")):
        with pytest.raises(ValidationError, match=problem):
            AudienceSpec.model_validate({"label": "IT", "sections": sections})
    with pytest.raises(ValidationError, match="forms"):
        AudienceSpec.model_validate({"label": "IT", "sections": ["cover"], "forms": {"findings": "compact"}})


def test_every_shipped_audience_starts_with_the_cover_and_signs() -> None:
    wording = load_wording()
    assert wording.audience("marketing").forms == {"conditions": "short"}
    assert wording.audience("it").forms == {"findings": "compact", "conditions": "compact"}
    for audience in wording.audiences.values():
        assert audience.sections[0] == "cover" and "signoff" in audience.sections


def test_a_compact_section_runs_on_where_the_page_has_room(pdfs: dict[tuple[str, str], _Reader]) -> None:
    # Northwind's IT report: three findings and one condition share a page instead of taking one each.
    sections = load_wording().sections
    pages = dict(_outline(pdfs["northwind-mail", "it"]))
    assert pages[sections["findings"]] == pages[sections["conditions"]]
    assert pages[sections["dependencies"]] > pages[sections["conditions"]]  # a whole section starts a page
