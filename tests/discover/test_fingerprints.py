"""The fingerprint set as data: the shipped one is whole and valid, a user's webappanalyzer copy loads, a bad file is
refused with its file and entry, and no pattern can backtrack."""

from __future__ import annotations

import json
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from riskengine.discover.analysis import match_html
from riskengine.discover.fingerprints import dom_regex, load_fingerprints, parse_pattern, shipped_fingerprints
from riskengine.errors import InputError
from riskengine.resources import data_path

REQUIRED = {"email-marketing", "transactional-messaging", "marketing-automation", "web-analytics", "tag-management",
            "consent-management", "cdp", "advertising", "support", "experimentation", "crm", "cms", "survey"}
"""What the issue asks the set to cover: email, analytics, tag management, consent, CDP, advertising pixels, chat,
A/B testing, CRM forms, landing pages."""


def test_the_shipped_set_covers_martech_with_sources() -> None:
    fingerprints = shipped_fingerprints()
    technologies = fingerprints.technologies
    assert len(technologies) >= 150
    assert {technology.capability for technology in technologies.values()} >= REQUIRED
    for technology in technologies.values():
        assert technology.patterns, technology.name
        source = urlsplit(technology.source)
        assert source.scheme == "https" and "." in (source.hostname or ""), technology.name
    assert fingerprints.warnings == []
    raw = json.loads(data_path("fingerprints", "martech.json").read_text())
    assert all({"cats", "website", "capability", "source"} <= entry.keys() for entry in raw.values())


def _write(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data))
    return path


def test_a_bad_file_names_every_problem_with_its_entry(tmp_path: Path) -> None:
    bad = _write(tmp_path / "ours.json", {
        "Broken Regex": {"cats": [10], "website": "https://a.test", "capability": "web-analytics",
                         "source": "https://a.test/docs", "scriptSrc": ["a\\.test/(unclosed"]},
        "Lookaround": {"cats": [10], "website": "https://b.test", "capability": "web-analytics",
                       "source": "https://b.test/docs", "html": ["(?=x)b\\.test"]},
        "Wrong Capability": {"cats": [10], "website": "https://c.test", "capability": "web analytix",
                             "source": "https://c.test/docs", "scriptSrc": ["c\\.test"]},
        "No Source": {"cats": [10], "website": "https://d.test", "capability": "crm", "scriptSrc": ["d\\.test"]},
        "Plain Source": {"cats": [10], "website": "https://e.test", "capability": "crm", "source": "e.test",
                         "scriptSrc": ["e\\.test"]},
    })
    with pytest.raises(InputError) as refused:
        load_fingerprints(bad)
    problems = {problem.place: problem.message for problem in refused.value.problems}
    assert set(problems) == {f"{bad} entry '{name}'" for name in
                             ("Broken Regex", "Lookaround", "Wrong Capability", "No Source", "Plain Source")}
    assert problems[f"{bad} entry 'Broken Regex'"].startswith("scriptSrc[0]: /a\\.test/(unclosed/ is not a pattern")
    assert "lookaround" in problems[f"{bad} entry 'Lookaround'"]
    assert "did you mean 'web-analytics'" in problems[f"{bad} entry 'Wrong Capability'"]
    assert "source" in problems[f"{bad} entry 'Plain Source'"]
    not_json = tmp_path / "broken.json"
    not_json.write_text('{"A": {"cats": [1],}')
    with pytest.raises(InputError) as unreadable:
        load_fingerprints(not_json)
    assert unreadable.value.problems[0].place == f"{not_json}:1"


def test_a_webappanalyzer_copy_loads_and_detects(tmp_path: Path) -> None:
    """A folder laid out as webappanalyzer's src/technologies, in its own format: categories give the capability,
    what is not martech is left out, what RE2 cannot run is skipped and counted."""
    folder = tmp_path / "technologies"
    folder.mkdir()
    _write(folder / "f.json", {
        "Foo Analytics": {"cats": [10], "website": "https://foo.test", "scriptSrc": "cdn\\.foo\\.test/v([\\d.]+)/f\\.js"
                          "\\;version:\\1", "cookies": {"_foo": ""}, "js": {"Foo": ""}, "icon": "Foo.svg"},
        "Foo Chat": {"cats": [52], "website": "https://chat.foo.test", "dom": "iframe[src*='chat.foo.test']",
                     "implies": "Foo Analytics"},
    })
    _write(folder / "b.json", {
        "Bar Server": {"cats": [22], "website": "https://bar.test", "headers": {"Server": "Bar"}},
        "Backtracker": {"cats": [36], "website": "https://x.test", "html": ["(a)\\1", "x\\.test/ads\\.js"]},
    })
    _write(folder / "categories.json", {"10": {"name": "Analytics"}})
    loaded = load_fingerprints(folder)
    assert sorted(loaded.technologies) == ["Backtracker", "Foo Analytics", "Foo Chat"]
    assert loaded.technologies["Foo Analytics"].capability == "web-analytics"
    assert loaded.technologies["Foo Chat"].capability == "support"
    assert loaded.technologies["Foo Analytics"].source == "https://foo.test"
    assert loaded.warnings == ["1 pattern(s) RE2 cannot run safely (lookaround, backreferences) or that are "
                               "malformed were skipped", "1 technology whose categories name no martech capability "
                               "(fingerprints/categories.yaml) left out"]
    page = ('<html><script src="https://cdn.foo.test/v2.5.1/f.js"></script>'
            '<iframe src="https://chat.foo.test/w"></iframe></html>')
    assert match_html(loaded, "https://larkspur.test/", page) == {"Foo Analytics": 100, "Foo Chat": 100}


def test_patterns_run_in_linear_time() -> None:
    """``(a+)+$`` takes Python's re minutes on 30 a's and a b; RE2 answers at once, even on a megabyte."""
    pattern = parse_pattern("Evil", "html", "(a+)+$")
    started = time.perf_counter()
    assert pattern.compiled.search("a" * 1_000_000 + "b") is None
    assert time.perf_counter() - started < 1.0


def test_confidence_and_version_suffixes() -> None:
    pattern = parse_pattern("WordPress", "meta", "^WordPress ?([\\d.]+)?\\;version:\\1\\;confidence:50", "generator")
    assert (pattern.regex, pattern.version, pattern.confidence, pattern.weak) == ("^WordPress ?([\\d.]+)?", "\\1",
                                                                                  50, True)
    assert parse_pattern("CSP", "csp", "foo\\.test$").confidence == 50  # an allowance is weak unless it says


@pytest.mark.parametrize(("selector", "matches", "misses"), [
    ("iframe[src*='youtube.com']", '<iframe width=1 src="https://www.youtube.com/embed/x">',
     '<iframe src="https://vimeo.com/x">'),
    ("#hubspot-messages-iframe-container", '<div id="hubspot-messages-iframe-container">', '<div id="hubspot">'),
    (".cky-consent-bar", '<div class="x cky-consent-bar y">', '<div class="cky-consent">'),
    ("link[rel='preconnect']", "<link rel='preconnect' href=x>", "<link rel='preload'>"),
])
def test_simple_dom_selectors_read_static_html(selector: str, matches: str, misses: str) -> None:
    regex = dom_regex(selector)
    assert regex is not None
    compiled = parse_pattern("T", "html", regex).compiled
    assert compiled.search(matches) is not None and compiled.search(misses) is None


def test_selectors_a_regex_cannot_read_are_refused() -> None:
    assert dom_regex("div > span") is None
    assert dom_regex("a:hover") is None
    assert dom_regex("a[href][rel='x']") is None
