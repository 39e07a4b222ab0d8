"""Martech fingerprints as data: riskengine's curated set (``fingerprints/martech.json``) or a user's copy of the open
webappanalyzer dataset (``--fingerprints PATH``), validated on load and compiled for safe matching.

The format is webappanalyzer's: technologies keyed by name, each with ``html``, ``scriptSrc``, ``scripts``, ``url``,
``headers``, ``cookies``, ``meta``, ``dom`` and ``dns`` patterns, a pattern being a regular expression with optional
``\\;confidence:N`` and ``\\;version:\\1`` suffixes. Ours adds what a company's own DNS says: ``spf`` (SPF include
domains), ``dkim`` (selector -> pattern over the selector's CNAME target or key record), ``txt`` (TXT records at the
apex: verification tokens), ``cname`` (targets of the marketing subdomains), ``csp`` (hosts a Content-Security-Policy
allows: a permission, not a use, so weak by default), and two keys every entry of ours must carry: ``capability``
(a term of our capability vocabulary) and ``source`` (the vendor's own setup documentation). An entry of a
webappanalyzer file takes its capability from its ``cats`` through ``fingerprints/categories.yaml``; one whose
categories name no martech capability is left out (web servers, JavaScript libraries).

Why RE2 (``google-re2``): the patterns run over hostile pages (a page is whatever a server sends). Python's ``re``
backtracks, so one pattern such as ``(a+)+b`` can take minutes on a crafted page; RE2 guarantees time linear in the
input, and its ``Set`` runs every pattern of one kind in a single pass (a 1 MB page against the whole set in about a
millisecond). The ``regex`` module's timeout would bound each call, but a timed-out pattern is a silent miss and
the sum over hundreds of patterns is still slow. RE2 has no lookaround or backreferences: a shipped pattern that
needs them is an error at load time; in a user's webappanalyzer file it is skipped and counted in the warnings.
Input is bounded too: each matcher reads at most ``INPUT_LIMITS`` characters of what it looks at.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from riskengine.datafile import load_yaml_model
from riskengine.errors import ConfigurationError, InputError, Problem
from riskengine.inventory.vocabulary import Vocabularies, load_vocabularies
from riskengine.resources import data_path

__all__ = ["FINGERPRINT_FILE", "INPUT_LIMITS", "Fingerprints", "Pattern", "Technology", "load_fingerprints",
           "shipped_fingerprints"]

FINGERPRINT_FILE = "martech.json"
CATEGORIES_FILE = "categories.yaml"
MAX_FINGERPRINT_BYTES = 50_000_000
"""A user's webappanalyzer copy is about 5 MB in all; ten times that is refused before it is read."""

Kind = Literal["html", "scriptSrc", "scripts", "url", "headers", "cookies", "meta", "dom", "spf", "dkim", "txt",
               "cname", "mx", "ns", "csp"]
SET_KINDS: tuple[Kind, ...] = ("html", "scriptSrc", "scripts", "url", "spf", "txt", "cname", "mx", "ns", "csp")
"""Kinds whose patterns run together as one RE2 set per kind; the keyed kinds (headers, cookies, meta, dkim) run
per key."""
USE_KINDS = frozenset({"html", "scriptSrc", "scripts", "url", "headers", "cookies", "meta", "dom", "dkim", "cname",
                       "mx"})
"""Kinds that show a tool in use (its code on the site, mail signed or received through it, a subdomain pointing
at it). ``txt`` and ``spf`` are traces: a verification record or a permission to send can outlive the tool."""
INPUT_LIMITS: dict[str, int] = {"html": 1_000_000, "scriptSrc": 2_048, "scripts": 65_536, "url": 2_048,
                                "headers": 4_096, "cookies": 4_096, "meta": 2_048, "spf": 253, "dkim": 4_096,
                                "txt": 4_096, "cname": 253, "mx": 253, "ns": 253, "csp": 253}
"""The most characters each matcher reads of one value: a hostile page cannot make a matcher read more."""
STRONG = 100
"""webappanalyzer's default confidence; a match below it is weak, and weak matches alone never report a tool."""
CSP_CONFIDENCE = 50
"""A Content-Security-Policy allowance is a permission, not a use: weak unless a pattern says otherwise."""
_SUFFIX = re.compile(r"\\;(confidence|version):", re.IGNORECASE)
_RE2_OPTIONS: Any = None


def _options() -> Any:
    global _RE2_OPTIONS
    if _RE2_OPTIONS is None:
        import re2

        options = re2.Options()
        options.case_sensitive = False  # webappanalyzer's patterns are matched case-insensitively
        options.max_mem = 64 << 20  # room for the DFA of a few hundred patterns, so RE2 never falls back mid-run
        options.log_errors = False
        _RE2_OPTIONS = options
    return _RE2_OPTIONS


class PatternError(ValueError):
    """A pattern RE2 cannot compile (bad syntax, or lookaround and backreferences it never runs)."""


@dataclass(frozen=True)
class Pattern:
    """One pattern of one technology: its regex (compiled by RE2), confidence and version template."""

    technology: str
    kind: Kind
    regex: str
    confidence: int = STRONG
    version: str = ""
    key: str = ""
    """The header, cookie, meta name or DKIM selector it applies to (keyed kinds)."""
    compiled: Any = field(default=None, compare=False, repr=False)

    @property
    def weak(self) -> bool:
        return self.confidence < STRONG

    def describe(self) -> str:
        where = f"{self.kind}[{self.key}]" if self.key else self.kind
        return f"{where} /{self.regex}/"


def parse_pattern(technology: str, kind: Kind, text: str, key: str = "") -> Pattern:
    """``regex\\;version:\\1\\;confidence:50`` as a compiled ``Pattern``; raises PatternError."""
    import re2

    if not isinstance(text, str):
        raise PatternError(f"expected a pattern string, got {type(text).__name__}")
    pieces = _SUFFIX.split(text)
    regex, confidence, version = pieces[0], STRONG if kind != "csp" else CSP_CONFIDENCE, ""
    for name, value in zip(pieces[1::2], pieces[2::2], strict=True):
        if name.lower() == "confidence":
            if not value.strip().isdigit() or not 0 <= int(value) <= 100:
                raise PatternError(f"confidence {value!r} is not a whole number from 0 to 100")
            confidence = int(value)
        else:
            version = value
    try:
        compiled = re2.compile(regex, _options()) if regex else None
    except re2.error as exc:
        raise PatternError(f"/{regex[:80]}/ is not a pattern RE2 runs ({exc}): lookaround and backreferences are "
                           "not allowed") from None
    return Pattern(technology, kind, regex, confidence, version, key, compiled)


class Technology(BaseModel):
    """One technology of the set, in webappanalyzer's shape with riskengine's additions."""

    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True)

    name: str
    capability: str
    source: str
    """The vendor's own setup documentation (ours), or the technology's website (a webappanalyzer entry)."""
    website: str = ""
    vendor: str = ""
    """Who sells it, when the name does not say (matched against the inventory's ``vendor`` with the capability)."""
    cats: tuple[int, ...] = ()
    implies: tuple[str, ...] = ()
    patterns: tuple[Pattern, ...] = ()


class _Entry(BaseModel):
    """An entry as written; strings or lists of strings where webappanalyzer allows either."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    cats: list[int] = Field(default_factory=list)
    website: str = ""
    capability: str | None = None
    source: str | None = None
    vendor: str = ""
    implies: list[str] | str = Field(default_factory=list)
    html: list[str] | str = Field(default_factory=list)
    scriptSrc: list[str] | str = Field(default_factory=list)
    scripts: list[str] | str = Field(default_factory=list)
    url: list[str] | str = Field(default_factory=list)
    headers: dict[str, str] = Field(default_factory=dict)
    cookies: dict[str, str] = Field(default_factory=dict)
    meta: dict[str, list[str] | str] = Field(default_factory=dict)
    dom: list[str] | str | dict[str, Any] = Field(default_factory=list)
    dns: dict[str, list[str] | str] = Field(default_factory=dict)
    spf: list[str] | str = Field(default_factory=list)
    dkim: dict[str, str] = Field(default_factory=dict)
    txt: list[str] | str = Field(default_factory=list)
    cname: list[str] | str = Field(default_factory=list)
    csp: list[str] | str = Field(default_factory=list)

    @field_validator("source")
    @classmethod
    def _https(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith("https://"):
            raise ValueError(f"source {value!r}: expected the https:// address of the vendor's setup documentation")
        return value


class Categories(BaseModel):
    """``fingerprints/categories.yaml``: webappanalyzer category ids and the capability each stands for."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    categories: dict[int, str]


@dataclass
class Fingerprints:
    """A loaded set: technologies by name, patterns grouped for matching, and what loading skipped."""

    source: str
    technologies: dict[str, Technology]
    warnings: list[str] = field(default_factory=list)
    _sets: dict[str, tuple[Any, list[Pattern]]] = field(default_factory=dict, repr=False)
    keyed: dict[str, dict[str, list[Pattern]]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        import re2

        grouped: dict[str, list[Pattern]] = {kind: [] for kind in SET_KINDS}
        for name in sorted(self.technologies):
            for pattern in self.technologies[name].patterns:
                if pattern.kind in grouped:
                    grouped[pattern.kind].append(pattern)
                else:
                    self.keyed.setdefault(pattern.kind, {}).setdefault(pattern.key.lower(), []).append(pattern)
        for kind, patterns in grouped.items():
            if not patterns:
                continue
            matcher = re2.Set.SearchSet(_options())
            for pattern in patterns:
                matcher.Add(pattern.regex or "^")
            matcher.Compile()
            self._sets[kind] = (matcher, patterns)

    def candidates(self, kind: str, text: str) -> list[Pattern]:
        """The patterns of ``kind`` that match somewhere in ``text`` (cut to the kind's input limit), in one pass."""
        entry = self._sets.get(kind)
        if entry is None or not text:
            return []
        matcher, patterns = entry
        found = matcher.Match(text[:INPUT_LIMITS[kind]])
        return [patterns[index] for index in sorted(found or ())]

    def has(self, kind: str) -> bool:
        """Whether any pattern of ``kind`` is loaded (what a page need not be read for)."""
        return kind in self._sets or kind in self.keyed

    def keyed_patterns(self, kind: str, key: str) -> list[Pattern]:
        return self.keyed.get(kind, {}).get(key.lower(), [])

    def keys(self, kind: str) -> list[str]:
        """The names (header, cookie, meta, DKIM selector) the keyed patterns of ``kind`` look at, sorted."""
        return sorted(self.keyed.get(kind, {}))

    def dkim_selectors(self) -> list[str]:
        return self.keys("dkim")


def shipped_fingerprints() -> Fingerprints:
    """riskengine's curated set (``fingerprints/martech.json``), checked against the shipped vocabulary."""
    return _shipped()


@cache
def _shipped() -> Fingerprints:
    return load_fingerprints(data_path("fingerprints", FINGERPRINT_FILE), vocabularies=load_vocabularies(),
                             user_file=False)


def load_fingerprints(path: Path, *, vocabularies: Vocabularies | None = None, user_file: bool = True) -> Fingerprints:
    """Load a fingerprint file (ours, or a webappanalyzer technologies file) or a folder of them (webappanalyzer's
    ``src/technologies``). Every problem is reported at once, with the file and the entry; a user's file raises
    ``InputError`` (exit 2), a shipped one ``ConfigurationError``."""
    vocabularies = vocabularies or load_vocabularies()
    error: type[InputError] | type[ConfigurationError] = InputError if user_file else ConfigurationError
    files = sorted(path.glob("*.json")) if path.is_dir() else [path]
    files = [file for file in files if file.name not in ("categories.json", "groups.json", "_blacklist.json")]
    if not files:
        raise error(str(path), [Problem(place=str(path), message="no *.json fingerprint files in this folder")])
    categories = _categories()
    technologies: dict[str, Technology] = {}
    problems: list[Problem] = []
    warnings: list[str] = []
    skipped_patterns = 0
    not_martech = 0
    for file in files:
        data = _read_json(file, error)
        if not isinstance(data, dict):
            problems.append(Problem(place=str(file), message="expected an object of technologies keyed by name"))
            continue
        for name, raw in data.items():
            place = f"{file} entry {name!r}"
            try:
                entry = _Entry.model_validate(raw)
            except ValidationError as exc:
                problems += [Problem(place=place, message=f"{'.'.join(str(part) for part in item['loc'])}: "
                                                          f"{item['msg']}") for item in exc.errors()]
                continue
            ours = entry.capability is not None or entry.source is not None or not user_file
            capability = entry.capability
            if ours:
                if capability is None or entry.source is None:
                    problems.append(Problem(place=place, message="an entry of ours needs both capability and "
                                                                 "source (the vendor's setup documentation)"))
                    continue
                resolved = vocabularies.capability.resolve(capability)
                if resolved is None:
                    near = vocabularies.capability.closest(capability)
                    problems.append(Problem(place=place, message=f"capability {capability!r} is not in the vocabulary"
                                                                 + (f" (did you mean {near!r}?)" if near else "")))
                    continue
                capability = resolved
            else:
                capability = next((categories[cat] for cat in entry.cats if cat in categories), None)
                if capability is None:
                    not_martech += 1
                    continue
            patterns, bad = _patterns(name, entry)
            if bad:
                if ours:
                    problems += [Problem(place=place, message=message) for message in bad]
                    continue
                skipped_patterns += len(bad)
            if not patterns:
                continue
            if name in technologies:
                problems.append(Problem(place=place, message="defined twice"))
                continue
            technologies[name] = Technology(name=name, capability=capability, source=entry.source or entry.website,
                                            website=entry.website, vendor=entry.vendor, cats=tuple(entry.cats),
                                            implies=tuple(_strings(entry.implies)), patterns=tuple(patterns))
    if problems:
        raise error(str(path), problems)
    if skipped_patterns:
        warnings.append(f"{skipped_patterns} pattern(s) RE2 cannot run safely (lookaround, backreferences) or that "
                        "are malformed were skipped")
    if not_martech:
        warnings.append(f"{not_martech} technolog{'y' if not_martech == 1 else 'ies'} whose categories name no martech "
                        f"capability (fingerprints/{CATEGORIES_FILE}) left out")
    return Fingerprints(source=str(path), technologies=technologies, warnings=warnings)


@cache
def _categories() -> dict[int, str]:
    vocabularies = load_vocabularies()
    path = data_path("fingerprints", CATEGORIES_FILE)
    categories = load_yaml_model(path, Categories).categories
    wrong = [Problem(place=f"{path} category {number}", message=f"{term!r} is not a capability")
             for number, term in categories.items() if vocabularies.capability.resolve(term) != term]
    if wrong:
        raise ConfigurationError(str(path), wrong)
    return categories


def _read_json(file: Path, error: type[InputError] | type[ConfigurationError]) -> Any:
    from riskengine.datafile import read_text

    text = read_text(file, error=error, max_bytes=MAX_FINGERPRINT_BYTES)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise error(str(file), [Problem(place=f"{file}:{exc.lineno}", message=f"not valid JSON: {exc.msg}")]) from exc


def _strings(value: list[str] | str) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


_DNS_KINDS: Mapping[str, Kind] = {"TXT": "txt", "MX": "mx", "NS": "ns"}


def _patterns(name: str, entry: _Entry) -> tuple[list[Pattern], list[str]]:
    """The compiled patterns of one entry and, for each that failed, why (``scriptSrc[2]: ...``)."""
    found: list[Pattern] = []
    bad: list[str] = []

    def add(kind: Kind, where: str, text: str, key: str = "") -> None:
        try:
            found.append(parse_pattern(name, kind, text, key))
        except PatternError as exc:
            bad.append(f"{where}: {exc}")

    listed: tuple[tuple[Kind, list[str] | str], ...] = (
        ("html", entry.html), ("scriptSrc", entry.scriptSrc), ("scripts", entry.scripts), ("url", entry.url),
        ("spf", entry.spf), ("txt", entry.txt), ("cname", entry.cname), ("csp", entry.csp))
    for kind, values in listed:
        for index, text in enumerate(_strings(values)):
            add(kind, f"{kind}[{index}]", text)
    keyed: tuple[tuple[Kind, Mapping[str, Any]], ...] = (("headers", entry.headers), ("cookies", entry.cookies),
                                                         ("dkim", entry.dkim))
    for kind, mapping in keyed:
        for key, text in mapping.items():
            add(kind, f"{kind}[{key}]", text, key)
    for key, values in entry.meta.items():
        for text in _strings(values):
            add("meta", f"meta[{key}]", text, key)
    for record_type, values in entry.dns.items():
        dns_kind = _DNS_KINDS.get(record_type.upper())
        if dns_kind is None:
            continue  # SOA and others: not collected
        for index, text in enumerate(_strings(values)):
            add(dns_kind, f"dns.{record_type}[{index}]", text)
    for index, selector in enumerate(_dom_selectors(entry.dom)):
        regex = dom_regex(selector)
        if regex is None:
            bad.append(f"dom[{index}]: {selector[:80]!r} is not a selector riskengine reads without a browser "
                       "(tag, #id, .class and [attribute] tests, no combinators)")
            continue
        add("html", f"dom[{index}]", regex)
    return found, bad


def _dom_selectors(dom: list[str] | str | dict[str, Any]) -> Iterable[str]:
    if isinstance(dom, dict):
        selectors = [key for key, value in dom.items() if not isinstance(value, dict) or "exists" in value
                     or "attributes" in value]
    else:
        selectors = _strings(dom)
    return [part.strip() for selector in selectors for part in selector.split(",") if part.strip()]


_SELECTOR = re.compile(r"(?P<tag>[a-zA-Z][\w-]*)?(?P<rest>(?:[#.][\w-]+|\[[^\]]+\])*)$")
_SIMPLE = re.compile(r"([#.])([\w-]+)|\[\s*([\w:-]+)\s*(?:([*^$~|]?=)\s*(['\"]?)(.*?)\5)?\s*\]")


def dom_regex(selector: str) -> str | None:
    """A CSS selector of one element (``iframe[src*='youtube.com']``, ``#hubspot-messages-iframe-container``) as a
    pattern over the start tag in the HTML; None for what a regex over static HTML cannot read (combinators,
    pseudo-classes). Attribute tests must all hold within one start tag."""
    match = _SELECTOR.fullmatch(selector.strip())
    if match is None or (not match.group("tag") and not match.group("rest")):
        return None
    tag = re.escape(match.group("tag")) if match.group("tag") else r"[a-zA-Z][\w-]*"
    tests: list[str] = []
    for part in _SIMPLE.finditer(match.group("rest")):
        if part.group(1) == "#":
            tests.append(rf"""\sid\s*=\s*["']?{re.escape(part.group(2))}(?:["'\s>/]|$)""")
        elif part.group(1) == ".":
            tests.append(rf"""\sclass\s*=\s*["'][^"'>]*\b{re.escape(part.group(2))}\b""")
        else:
            name, operator, value = part.group(3), part.group(4), part.group(6) or ""
            value_pattern = {None: "", "=": rf"""["']?{re.escape(value)}["'\s>]""",
                             "*=": rf"""["']?[^"'>]*{re.escape(value)}""",
                             "^=": rf"""["']?{re.escape(value)}""",
                             "$=": rf"""["']?[^"'>]*{re.escape(value)}["'\s>]""",
                             "~=": rf"""["'][^"'>]*\b{re.escape(value)}\b""",
                             "|=": rf"""["']?{re.escape(value)}(?:-|["'\s>])"""}.get(operator)
            if value_pattern is None:
                return None
            tests.append(rf"\s{re.escape(name)}" + (rf"\s*=\s*{value_pattern}" if operator else r"(?:[\s=>/]|$)"))
    if len(tests) > 1:
        return None  # RE2 has no lookahead to test several attributes in any order: one test per selector
    return rf"<{tag}\b[^>]*" + (tests[0] if tests else r"(?:[\s>/]|$)")
