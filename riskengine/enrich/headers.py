"""What the security-header checks judge, without the network: the MDN HTTP Observatory's tests on the home
page's answer (CSP, HSTS, X-Frame-Options, X-Content-Type-Options, Referrer-Policy, CORP, cookies, the
redirection of http://DOMAIN/), each check's verdict, and the web score from ``WebScoring``.

Each check gives the Observatory's outcome, which the score prices, and a verdict; where browsers do
otherwise than the Observatory counts (a repeated header, a repeated CSP directive), the verdict follows
browsers and its reason says so.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple
from urllib.parse import unquote, urlsplit

from riskengine.enrich.evidence import Status
from riskengine.enrich.http import Fetch, Response
from riskengine.enrich.web_scoring import WebScoring, observatory_score

__all__ = ["Finding", "HeaderVerdicts", "judge_headers", "parse_csp"]


class Finding(NamedTuple):
    """One check's verdict and the Observatory outcome behind it."""

    outcome: str
    """The Observatory outcome, for the score."""
    status: Status
    reason: str
    value: Any


@dataclass(frozen=True)
class HeaderVerdicts:
    """The verdicts of the header checks on one home page, and the web score."""

    hsts: Finding
    csp: Finding
    frame_protection: Finding
    nosniff: Finding
    referrer_policy: Finding
    cookies_secure: Finding
    score: Finding
    """``outcome`` is empty: the score is the sum of the others'."""


def judge_headers(home: Fetch, plain: Fetch, scoring: WebScoring) -> HeaderVerdicts:
    """Judge the answer ``home`` (https://DOMAIN/, followed to its end) ended on, its cookies over every hop,
    and the redirection of ``plain`` (http://DOMAIN/); ``home`` must have ended on an answer."""
    final = home.final
    if final is None:
        raise ValueError("the home page has no answer to judge")
    hsts = _hsts_finding(final, scoring)
    csp = _csp_finding(final)
    frame = _frame_finding(final, csp)
    nosniff = _nosniff_finding(final)
    referrer = _referrer_finding(final)
    cookies = _cookies_finding(home.responses, hsts.status == "pass", scoring)
    outcomes = {
        "strict-transport-security": hsts.outcome,
        "content-security-policy": csp.finding.outcome,
        "x-frame-options": frame.outcome,
        "x-content-type-options": nosniff.outcome,
        "referrer-policy": referrer.outcome,
        "cookies": cookies.outcome,
        "cross-origin-resource-policy": _corp_outcome(final),
    }
    redirection, why_not = _redirection_outcome(plain)
    if redirection is not None:
        outcomes["redirection"] = redirection
    score, applied = observatory_score(outcomes, scoring)
    reason = (f"web score {score}/{scoring.maximum.value} from the Observatory's modifiers: "
              f"{', '.join(applied) or 'no penalty or bonus'}")
    if redirection is None:
        reason += f"; redirection not scored ({why_not})"
    passed: Status = "pass" if score >= scoring.pass_score.value else "fail"
    return HeaderVerdicts(hsts=hsts, csp=csp.finding, frame_protection=frame, nosniff=nosniff,
                          referrer_policy=referrer, cookies_secure=cookies, score=Finding("", passed, reason, score))


_BROAD = frozenset({"ftp:", "http:", "https:", "*", "http://*", "http://*.*", "https://*", "https://*.*"})
_UNSAFE_INLINE = frozenset({"'unsafe-inline'", "data:"})
_NONCE_OR_HASH = ("'sha256-", "'sha384-", "'sha512-", "'nonce-")
_CSP_PASSING = frozenset({"csp-implemented-with-no-unsafe-default-src-none", "csp-implemented-with-no-unsafe",
                          "csp-implemented-with-unsafe-inline-in-style-src-only",
                          "csp-implemented-with-insecure-scheme-in-passive-content-only"})
_PRIVATE_REFERRERS = ("no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin")
_UNSAFE_REFERRERS = ("origin", "origin-when-cross-origin", "unsafe-url", "no-referrer-when-downgrade")
_COOKIE_BADNESS = (
    "cookies-without-secure-flag-but-protected-by-hsts", "cookies-without-secure-flag",
    "cookies-session-without-secure-flag-but-protected-by-hsts", "cookies-samesite-flag-invalid",
    "cookies-anticsrf-without-samesite-flag", "cookies-session-without-httponly-flag",
    "cookies-session-without-secure-flag")
"""Cookie outcomes from least to most severe: the Observatory keeps the worst one met."""


_SHORTEST_POLICY = len("img-src") - 1
"""The Observatory refuses a policy shorter than this (mdn-http-observatory ``cspParser.js``)."""
_REPEATABLE_DIRECTIVES = frozenset({"report-uri", "report-to"})
"""Directives the Observatory lets a policy repeat; any other repeated directive makes the header invalid."""


@dataclass
class _Source:
    """One source of a directive while policies are combined (the Observatory's ``{source, index, keep}``)."""

    source: str
    index: int
    keep: bool


def parse_csp(values: Sequence[str], *, repeated: Literal["invalid", "first"] = "invalid") -> dict[str, frozenset[str]]:
    """The directives of Content-Security-Policy headers, combined as the MDN HTTP Observatory combines them.

    Each header may hold several policies separated by commas (RFC 9110 §5.3, CSP3 §2.2). Within a policy
    directive names and sources are lower-cased, a source list left empty means ``'none'``; across policies
    a source counts only when every policy that names the directive allows it (a directive named only by a
    later policy keeps none). Raises ValueError on a policy shorter than six characters and, with
    ``repeated="invalid"`` (the Observatory), on a repeated directive other than report-uri and report-to;
    ``repeated="first"`` keeps the first, as browsers do (CSP3 §2.2.1).
    """
    policies = [policy.replace("\r", "").replace("\n", "").strip()
                for header in values for policy in header[:16_384].split(",")]
    if not policies:
        return {}
    for policy in policies:
        if len(policy) < _SHORTEST_POLICY:
            raise ValueError(f"the policy {policy[:40]!r} is too short to hold a directive")
    combined: dict[str, list[_Source]] = {}
    for index, policy in enumerate(policies):
        seen: set[str] = set()
        for entry in policy.split(";"):
            tokens = entry.split()
            if not tokens:
                continue
            directive = tokens[0].lower()
            if directive in seen:
                if repeated == "first" or directive in _REPEATABLE_DIRECTIVES:
                    continue
                raise ValueError(f"the directive {directive[:40]} appears twice in one policy")
            seen.add(directive)
            sources = [_Source(token.lower(), index, index == 0) for token in tokens[1:]]
            if not sources and directive.endswith("-src"):
                sources = [_Source("'none'", index, index == 0)]
            combined[directive] = _combine(combined.get(directive, []) if index else [], sources)
            if index == 0 and len(policies) > 1:
                for source in combined[directive]:
                    source.keep = False  # later policies must allow a source again for it to stay
    return {directive: frozenset(source.source for source in sources) or frozenset({"'none'"})
            for directive, sources in combined.items()}


def _combine(earlier: list[_Source], sources: list[_Source]) -> list[_Source]:
    """The Observatory's merge of one directive: longer duplicates within a policy dropped, and a source kept
    across policies only when the previous one (in sorted order) from another policy matches it."""
    merged = sorted([*earlier, *sources], key=lambda item: item.source)
    for previous, current in itertools.pairwise(merged):
        if current.index == previous.index and current.source.startswith(previous.source):
            current.keep = False
        if current.index != previous.index and _path_part_match(previous.source, current.source):
            current.keep = True
    return [source for source in merged if source.keep]


def _path_part_match(first: str, second: str) -> bool:
    """The Observatory's ``pathPartMatch``: ``first`` covers ``second`` path piece by path piece."""
    if not first or (first == "/" and not second):
        return True
    exact = not first.endswith("/")
    pieces, others = first.split("/"), second.split("/")
    if len(pieces) > len(others) or (exact and len(pieces) != len(others)):
        return False
    if not exact:
        pieces.pop()
    return all(unquote(piece) == unquote(other) for piece, other in zip(pieces, others, strict=False))


class _CspVerdict(NamedTuple):
    outcome: str
    problems: list[str]


def _csp_verdict(csp: Mapping[str, frozenset[str]], https: bool) -> _CspVerdict:
    """The Observatory's CSP test (mdn-http-observatory ``csp.js``) on parsed directives: the first of its
    checks that fails decides the outcome; every failing one is listed."""
    default = csp.get("default-src")
    script = set(csp.get("script-src") or default or {"*"})
    objects = set(csp.get("object-src") or default or {"*"})
    style = set(csp.get("style-src") or default or {"*"})
    for sources in (script, style):
        if any(source.startswith(_NONCE_OR_HASH) for source in sources):
            sources.discard("'unsafe-inline'")  # ignored by browsers when a nonce or hash is present
    outcome: str | None = None
    problems: list[str] = []

    def settle(candidate: str, problem: str) -> None:
        nonlocal outcome
        problems.append(problem)
        outcome = outcome or candidate

    if "'strict-dynamic'" in script:
        if any(source.startswith(_NONCE_OR_HASH) for source in script):
            script = {source for source in script if source not in ("'self'", "'unsafe-inline'")
                      and not any(source.startswith(broad) for broad in _BROAD)}
        else:
            settle("csp-header-invalid", "'strict-dynamic' without a nonce or hash")
    active = [source for name, sources in csp.items() if name not in ("img-src", "media-src", "script-src")
              for source in sources] + sorted(script)
    passive = [source for name in ("img-src", "media-src") for source in (csp.get(name) or default or ())]
    unsafe_scripts = sorted(script & (_BROAD | _UNSAFE_INLINE)) + sorted(objects & _BROAD)
    if unsafe_scripts:
        where = "script-src or object-src" if ("script-src" in csp or "object-src" in csp) else "default-src"
        missing = " (no script-src, object-src or default-src)" if default is None and (
            "script-src" not in csp or "object-src" not in csp) else ""
        settle("csp-implemented-with-unsafe-inline",
               f"{where} allows {', '.join(dict.fromkeys(unsafe_scripts))}{missing}")
    if https and any(source.startswith(("http:", "ftp:")) for source in active):
        settle("csp-implemented-with-insecure-scheme", "active content may load over plain HTTP")
    if "'unsafe-eval'" in script | style:
        settle("csp-implemented-with-unsafe-eval", "'unsafe-eval' is allowed")
    if https and any(source.startswith(("http:", "ftp:")) for source in passive):
        settle("csp-implemented-with-insecure-scheme-in-passive-content-only", "images or media may load over HTTP")
    if style & (_BROAD | _UNSAFE_INLINE):
        settle("csp-implemented-with-unsafe-inline-in-style-src-only", "style-src allows unsafe or broad sources")
    if default == frozenset({"'none'"}):
        outcome = outcome or "csp-implemented-with-no-unsafe-default-src-none"
    return _CspVerdict(outcome or "csp-implemented-with-no-unsafe", problems)


class _Csp(NamedTuple):
    finding: Finding
    observed: dict[str, frozenset[str]]
    """The directives as the Observatory reads them (empty when it finds the header invalid)."""
    enforced: dict[str, frozenset[str]]
    """The directives browsers enforce (a repeated directive's first occurrence)."""


def _csp_finding(response: Response) -> _Csp:
    """The Observatory's CSP outcome for the score; the verdict is what browsers enforce where they differ.

    A policy that repeats a directive is invalid to the Observatory (-25) but enforced by browsers with the
    first occurrence (CSP3 §2.2.1): the check then judges that enforced policy and says so. The
    Observatory's reading of ``<meta http-equiv>`` policies is not done: only headers are read.
    """
    values = response.values("content-security-policy")
    if not values:
        note = (" (only Content-Security-Policy-Report-Only, which blocks nothing)"
                if response.values("content-security-policy-report-only") else "")
        return _Csp(Finding("csp-not-implemented", "fail", f"no Content-Security-Policy header{note} "
                             f"(csp-not-implemented)", False), {}, {})
    https = response.url.startswith("https:")
    try:
        csp = parse_csp(values)
    except ValueError as exc:
        try:
            enforced = parse_csp(values, repeated="first")
        except ValueError:
            return _Csp(Finding("csp-header-invalid", "fail", f"the Content-Security-Policy cannot be parsed: "
                                 f"{exc} (csp-header-invalid)", False), {}, {})
        verdict = _csp_verdict(enforced, https)
        passed = verdict.outcome in _CSP_PASSING
        reason = (f"the Observatory counts the Content-Security-Policy invalid (csp-header-invalid: {exc}); browsers "
                  f"enforce the first occurrence (CSP3 §2.2.1), and that policy "
                  f"{'restricts' if passed else 'does not restrict'} scripts ({verdict.outcome})"
                  + (f": {'; '.join(verdict.problems)}" if verdict.problems else ""))
        return _Csp(Finding("csp-header-invalid", "pass" if passed else "fail", reason, passed), {}, enforced)
    verdict = _csp_verdict(csp, https)
    outcome, problems = verdict
    if outcome in _CSP_PASSING:
        detail = f"; note: {', '.join(problems)}" if problems else ""
        return _Csp(Finding(outcome, "pass", f"the Content-Security-Policy restricts scripts ({outcome}){detail}",
                             True), csp, csp)
    return _Csp(Finding(outcome, "fail", f"the Content-Security-Policy does not restrict scripts ({outcome}): "
                                          f"{'; '.join(problems)}", False), csp, csp)


def _hsts_finding(response: Response, scoring: WebScoring) -> Finding:
    """The Observatory's HSTS outcome; the verdict follows RFC 6797 §8.1 (only the first header counts).

    The Observatory reads repeated headers joined by commas, so a second Strict-Transport-Security header
    makes it invalid (-20); a browser processes the first and ignores the rest.
    """
    minimum = scoring.hsts_min_max_age.value
    if not response.url.startswith("https:"):
        return Finding("hsts-not-implemented-no-https", "fail",
                        f"the home page ends on plain HTTP ({response.url}), where HSTS does not apply", False)
    values = response.values("strict-transport-security")
    if not values:
        return Finding("hsts-not-implemented", "fail", "no Strict-Transport-Security header", False)
    first = _hsts_max_age(values[0][:1024])
    outcome = _hsts_outcome(first, minimum) if len(values) == 1 else "hsts-header-invalid"
    repeated = (f"; {len(values)} headers: the Observatory counts that invalid, browsers use the first "
                f"(RFC 6797 §8.1)") if len(values) > 1 else ""
    if first is None:
        return Finding(outcome, "fail", f"the Strict-Transport-Security header {values[0][:120]!r} has no single "
                                         f"valid max-age ({outcome}){repeated}", False)
    if first < minimum:
        return Finding(outcome, "fail", f"Strict-Transport-Security max-age={first} is under {minimum} s (six "
                                         f"months) ({outcome}){repeated}", first)
    return Finding(outcome, "pass", f"Strict-Transport-Security max-age={first} ({first // 86400} days) "
                                     f"({outcome}){repeated}", first)


def _hsts_max_age(header: str) -> int | None:
    """max-age of one header, or None when it has none, has two, or holds a comma (RFC 6797 §6.1)."""
    max_age: int | None = None
    valid = "," not in header
    for part in header.split(";"):
        name, _, value = part.strip().partition("=")
        if name.strip().lower() == "max-age":
            digits = value.strip().strip('"')
            valid = valid and digits.isdigit() and max_age is None
            max_age = int(digits[:20]) if digits.isdigit() else None
    return max_age if valid else None


def _hsts_outcome(max_age: int | None, minimum: int) -> str:
    if max_age is None:
        return "hsts-header-invalid"
    if max_age < minimum:
        return "hsts-implemented-max-age-less-than-six-months"
    return "hsts-implemented-max-age-at-least-six-months"


def _joined(response: Response, name: str, limit: int) -> str | None:
    """A header as the Observatory reads it: repeated headers joined by ", " (as Node.js joins them)."""
    values = response.values(name)
    return ", ".join(values)[:limit] if values else None


def _frame_finding(response: Response, csp: _Csp) -> Finding:
    """The Observatory's X-Frame-Options outcome; the verdict is what browsers do (HTML §7.1.7).

    A CSP frame-ancestors directive replaces X-Frame-Options in browsers (and in the Observatory's
    outcome); repeated X-Frame-Options values are invalid to the Observatory, while a browser applies a
    single value they agree on and refuses framing when they conflict.
    """
    joined = _joined(response, "x-frame-options", 1024)
    xfo = joined.strip().lower() if joined is not None else None
    if xfo in ("deny", "sameorigin"):
        outcome = "x-frame-options-sameorigin-or-deny"
    elif xfo is not None and xfo.startswith("allow-from"):
        outcome = "x-frame-options-allow-from-origin"
    elif xfo is not None:
        outcome = "x-frame-options-header-invalid"
    else:
        outcome = "x-frame-options-not-implemented"
    if "frame-ancestors" in csp.observed:  # the Observatory: any frame-ancestors in a CSP it could read
        outcome = "x-frame-options-implemented-via-csp"
    ancestors = csp.enforced.get("frame-ancestors")
    if ancestors is not None:
        if ancestors & _BROAD:
            return Finding(outcome, "fail", f"CSP frame-ancestors {' '.join(sorted(ancestors))} lets any site frame "
                                             f"the page (browsers ignore X-Frame-Options beside it) ({outcome})", False)
        return Finding(outcome, "pass", f"CSP frame-ancestors {' '.join(sorted(ancestors)) or '(empty)'} "
                                         f"({outcome})", True)
    tokens = {token.strip().lower() for value in response.values("x-frame-options") for token in value.split(",")}
    tokens.discard("")
    if len(tokens) == 1 and tokens <= {"deny", "sameorigin"}:
        return Finding(outcome, "pass", f"X-Frame-Options {next(iter(tokens)).upper()} ({outcome})", True)
    if len(tokens) > 1 and tokens & {"deny", "sameorigin", "allowall"}:
        return Finding(outcome, "pass", f"X-Frame-Options {joined!r}: browsers refuse framing when the values "
                                         f"conflict or repeat (HTML §7.1.7) ({outcome})", True)
    if xfo is not None and xfo.startswith("allow-from"):
        return Finding(outcome, "fail", f"X-Frame-Options ALLOW-FROM is ignored by current browsers and there is no "
                                         f"CSP frame-ancestors ({outcome})", False)
    if xfo is not None:
        return Finding(outcome, "fail", f"X-Frame-Options {joined!r} is not DENY or SAMEORIGIN ({outcome})", False)
    return Finding(outcome, "fail", f"no X-Frame-Options header and no CSP frame-ancestors ({outcome})", False)


def _nosniff_finding(response: Response) -> Finding:
    """The Observatory's outcome on the joined header; the verdict follows Fetch's "determine nosniff" (the
    first of the comma-separated values)."""
    joined = _joined(response, "x-content-type-options", 256)
    if joined is None:
        return Finding("x-content-type-options-not-implemented", "fail", "no X-Content-Type-Options header "
                        "(x-content-type-options-not-implemented)", False)
    outcome = ("x-content-type-options-nosniff" if joined.strip().lower() == "nosniff"
               else "x-content-type-options-header-invalid")
    first = joined.split(",")[0].strip().lower()
    if first == "nosniff":
        note = "" if outcome.endswith("nosniff") else ": browsers read the first value (Fetch)"
        return Finding(outcome, "pass", f"X-Content-Type-Options: {joined[:80]} ({outcome}){note}", True)
    return Finding(outcome, "fail", f"X-Content-Type-Options is {joined[:80]!r}, not nosniff ({outcome})", False)


def _referrer_finding(response: Response) -> Finding:
    values = response.values("referrer-policy")
    if not values:
        return Finding("referrer-policy-not-implemented", "fail",
                        "no Referrer-Policy header (browsers then default to strict-origin-when-cross-origin)", False)
    # The last policy the browser recognises wins (W3C Referrer Policy, section 8.1); the Observatory agrees.
    tokens = [token.strip().lower() for token in ",".join(values)[:1024].split(",")]
    known = [token for token in tokens if token in _PRIVATE_REFERRERS + _UNSAFE_REFERRERS]
    if not known:
        return Finding("referrer-policy-header-invalid", "fail",
                        f"Referrer-Policy {', '.join(values)[:120]!r} names no known policy", False)
    policy = known[-1]
    if policy in _PRIVATE_REFERRERS:
        return Finding("referrer-policy-private", "pass", f"Referrer-Policy {policy} keeps URLs private "
                        f"(referrer-policy-private)", policy)
    return Finding("referrer-policy-unsafe", "fail", f"Referrer-Policy {policy} sends full or cross-origin URLs "
                    f"(referrer-policy-unsafe)", policy)


def _corp_outcome(response: Response) -> str:
    """The Observatory's CORP outcome on the joined header (a repeated header is not a valid value to browsers
    either: Fetch reads the combined value)."""
    header = _joined(response, "cross-origin-resource-policy", 256)
    if header is None:
        return "corp-not-implemented"
    return {"same-site": "corp-implemented-with-same-site", "same-origin": "corp-implemented-with-same-origin",
            "cross-origin": "corp-implemented-with-cross-origin"}.get(header.strip().lower(), "corp-header-invalid")


@dataclass(frozen=True)
class _Cookie:
    name: str
    secure: bool
    http_only: bool
    same_site: str | None
    """The SameSite value in lower case, "" when the attribute has none, None when absent."""


def _parse_cookie(header: str, over_https: bool) -> _Cookie | None:
    """One Set-Cookie header; a cookie set over plain HTTP counts as not Secure."""
    pair, *attributes = header[:8192].split(";")
    name, sep, _ = pair.partition("=")
    if not sep or not name.strip():
        return None
    secure = http_only = False
    same_site: str | None = None
    for attribute in attributes:
        key, _, value = attribute.partition("=")
        key = key.strip().lower()
        if key == "secure":
            secure = True
        elif key == "httponly":
            http_only = True
        elif key == "samesite":
            same_site = value.strip().lower()
    return _Cookie(name=name.strip(), secure=secure and over_https, http_only=http_only, same_site=same_site)


def _cookies_finding(responses: Sequence[Response], hsts_passes: bool, scoring: WebScoring) -> Finding:
    """The Observatory's cookie test (``cookies.js``) and our check, over every Set-Cookie of the fetch."""
    cookies = [cookie for response in responses for header in response.values("set-cookie")
               if (cookie := _parse_cookie(header, response.url.startswith("https:"))) is not None]
    if not cookies:
        return Finding("cookies-not-found", "pass", "the home page sets no cookies", True)
    worst: str | None = None

    def worse(candidate: str) -> None:
        nonlocal worst
        if worst is None or _COOKIE_BADNESS.index(candidate) > _COOKIE_BADNESS.index(worst):
            worst = candidate

    problems: list[str] = []
    for cookie in cookies:
        lowered = cookie.name.lower()
        session = any(marker in lowered for marker in scoring.session_cookie_markers.value)
        anti_csrf = any(marker in lowered for marker in scoring.csrf_cookie_markers.value)
        if cookie.same_site is not None and (cookie.same_site not in ("lax", "strict", "none")
                                             or (cookie.same_site == "none" and not cookie.secure)):
            worse("cookies-samesite-flag-invalid")
            problems.append(f"{cookie.name} has SameSite={cookie.same_site or '(empty)'}"
                            f"{' without Secure' if cookie.same_site == 'none' else ''}")
        if not cookie.secure:
            if session:
                worse("cookies-session-without-secure-flag-but-protected-by-hsts" if hsts_passes
                      else "cookies-session-without-secure-flag")
            else:
                worse("cookies-without-secure-flag-but-protected-by-hsts" if hsts_passes
                      else "cookies-without-secure-flag")
            problems.append(f"{cookie.name} lacks Secure")
        if anti_csrf and not cookie.same_site:
            worse("cookies-anticsrf-without-samesite-flag")
        if session and not cookie.http_only:
            worse("cookies-session-without-httponly-flag")
            problems.append(f"{cookie.name} is a session cookie without HttpOnly")
        if cookie.same_site is None:
            problems.append(f"{cookie.name} lacks SameSite")
    names = ", ".join(sorted({cookie.name for cookie in cookies}))
    if worst is None:
        outcome = ("cookies-secure-with-httponly-sessions" if problems
                   else "cookies-secure-with-httponly-sessions-and-samesite")
    else:
        outcome = worst
    if problems:
        shown = problems[:6] + ([f"and {len(problems) - 6} more"] if len(problems) > 6 else [])
        return Finding(outcome, "fail", f"cookie flags missing: {'; '.join(shown)}", False)
    return Finding(outcome, "pass", f"every cookie ({names}) is Secure with SameSite, session cookies HttpOnly",
                    True)


def _redirection_outcome(plain: Fetch) -> tuple[str | None, str]:
    """The Observatory's redirection outcome for http://DOMAIN/, or None (and why) when it cannot be told."""
    failure = plain.failure
    if not plain.responses:
        if failure is not None and failure.kind in ("network", "timeout", "tls", "protocol"):
            return "redirection-not-needed-no-http", ""
        return None, failure.reason if failure is not None else "no answer"
    if failure is not None:
        if failure.kind == "certificate":
            return "redirection-invalid-cert", ""
        if failure.kind == "redirect":
            return "redirection-not-to-https", ""
        return None, failure.reason
    urls = [response.url for response in plain.responses]
    if len(urls) == 1:
        return "redirection-missing", ""
    if not urls[-1].startswith("https:"):
        return "redirection-not-to-https", ""
    if urls[1].startswith("http:"):
        return "redirection-not-to-https-on-initial-redirection", ""
    if urlsplit(urls[0]).hostname != urlsplit(urls[1]).hostname:
        return "redirection-off-host-from-http", ""
    return "redirection-to-https", ""
