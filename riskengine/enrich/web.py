"""Web evidence about the vendor's site: HTTPS and its certificate, legacy TLS, the redirect to HTTPS, the
security headers, security.txt, a privacy policy, and a web score built on the MDN HTTP Observatory's.

This module is the orchestration: which URLs are fetched, in which order, and how the analysers' results
become one Evidence per check. Every request goes through the guarded transport (``riskengine.enrich.http``);
what is judged is judged by pure analysers: ``headers`` (the Observatory's tests and the score),
``tls`` (the certificate and legacy protocol versions) and ``security_txt`` (RFC 9116). The home page's
HTML is read for a privacy link in a parser process that is stopped when the deadline runs out
(``riskengine.enrich.worker``).
"""

from __future__ import annotations

import datetime as dt
import ssl
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from riskengine.enrich import headers, security_txt, tls
from riskengine.enrich.checks import WEB_CHECKS
from riskengine.enrich.domain import DomainError, normalise_domain
from riskengine.enrich.evidence import Evidence, Status, make_evidence
from riskengine.enrich.guard import AddressGuard, Deadline, DeadlineExceeded
from riskengine.enrich.http import (
    REDIRECTS,
    Fetch,
    Response,
    fetch,
    handshake,
    inspecting_context,
    legacy_context,
    short,
)
from riskengine.enrich.settings import NetworkSettings
from riskengine.enrich.web_scoring import WebScoring, load_web_scoring
from riskengine.enrich.worker import ParseFailed, parse_within

__all__ = ["CHECKS", "TOOL", "PolicyFile", "WebScoring", "check_web", "fetch_policy_file", "load_web_scoring"]

TOOL = "riskengine-https/1"

CHECKS = WEB_CHECKS

_PRIVACY_REQUESTS = 3
"""Requests the privacy check may make, counting the home page it shares with the header checks."""
_HEADER_CHECKS = ("web.hsts", "web.csp", "web.frame_protection", "web.nosniff", "web.referrer_policy",
                  "web.cookies_secure", "web.score")


@dataclass(frozen=True)
class _Run:
    """What one vendor's checks share: the guard, the deadline, the domain, the clock and the scoring data."""

    guard: AddressGuard
    deadline: Deadline
    host: str
    now: dt.datetime
    scoring: WebScoring

    @property
    def settings(self) -> NetworkSettings:
        return self.guard.settings

    def url(self, scheme: str, path: str) -> str:
        port = self.settings.https_port if scheme == "https" else self.settings.http_port
        default = 443 if scheme == "https" else 80
        return f"{scheme}://{self.host}{'' if port == default else f':{port}'}{path}"

    def fetch(self, url: str, *, max_requests: int | None = None) -> Fetch:
        return fetch(url, self.guard, self.deadline, max_requests=max_requests)

    def record(self, check: str, status: Status, reason: str, query: str, *, value: Any = None, address: str = "",
               raw: bytes | str = b"") -> Evidence:
        return make_evidence(kind="web", check=check, status=status, reason=reason, query=query,
                             fetched_at=self.now, tool=TOOL, value=value, address=address, raw=raw)


def check_web(domain: str, guard: AddressGuard, deadline: Deadline, now: dt.datetime, *,
              scoring: WebScoring | None = None) -> list[Evidence]:
    """Observe the vendor's website: one Evidence per name in ``CHECKS``, in that order.

    Never raises for the network: a refused address, a timeout, the deadline, a bad certificate or a server
    that does not speak HTTP each become "unknown" (or "fail" where the failure is the finding, such as an
    invalid certificate or a redirect loop) with the reason. One fetch of https://DOMAIN/ serves every
    header check, one of http://DOMAIN/ the redirect check; security.txt and the privacy policy follow.
    ``now`` dates the evidence and judges expiry; ``scoring`` defaults to ``scoring/web-observatory.yaml``.
    """
    if now.tzinfo is None:
        now = now.replace(tzinfo=dt.UTC)
    scoring = scoring or load_web_scoring()
    try:
        host = normalise_domain(domain)
    except DomainError as exc:
        run = _Run(guard=guard, deadline=deadline, host=domain, now=now, scoring=scoring)
        return _all_unknown(run, f"https://{domain[:200]}/", str(exc))
    run = _Run(guard=guard, deadline=deadline, host=host, now=now, scoring=scoring)
    if guard.settings.offline:
        return _all_unknown(run, run.url("https", "/"), "offline mode: no connection is made")
    home = run.fetch(run.url("https", "/"))
    plain = run.fetch(run.url("http", "/"))
    records = _certificate_records(home, run)
    records["web.tls_legacy"] = _legacy_tls_record(home, run)
    records["web.redirects_to_https"] = _redirect_record(plain, run)
    records.update(_header_records(home, plain, run))
    records["web.security_txt"] = _security_txt_record(home, run)
    records["web.privacy_policy"] = _privacy_record(home, run)
    return [records[name] for name in CHECKS]


def _all_unknown(run: _Run, query: str, reason: str) -> list[Evidence]:
    return [run.record(name, "unknown", reason, query) for name in CHECKS]


def _certificate_records(home: Fetch, run: _Run) -> dict[str, Evidence]:
    query = home.start
    first = home.responses[0] if home.responses else None
    failure = home.failure
    records: dict[str, Evidence] = {}
    if first is not None:
        records["web.https"] = run.record("web.https", "pass", f"{query} answered HTTP {first.status} over TLS with "
                                          f"a certificate valid for {run.host}", query, value=True,
                                          address=first.address, raw=first.head())
    elif failure is not None and failure.kind == "certificate":
        records["web.https"] = run.record("web.https", "fail", failure.reason, query, value=False,
                                          address=home.address, raw=home.raw())
    else:
        reason = failure.reason if failure is not None else "no answer"
        records["web.https"] = run.record("web.https", "unknown", reason, query, address=home.address,
                                          raw=home.raw())
    der = first.certificate if first is not None else None
    refused = failure is not None and failure.kind == "certificate" and first is None
    why_not = failure.reason if failure is not None else "the server sent no certificate"
    if der is None and failure is not None and failure.kind in ("certificate", "protocol") and home.addresses:
        # The verified connection gave no certificate to date: read it in a handshake that accepts any.
        try:
            der = handshake(home.addresses[0], run.host, run.guard, run.deadline, inspecting_context()).certificate
        except (DeadlineExceeded, OSError) as exc:
            why_not = f"the certificate could not be read: {short(str(exc))}"
    if der is None:
        records["web.cert_days_left"] = run.record("web.cert_days_left", "unknown", why_not, query,
                                                   address=home.address)
        return records
    pem = ssl.DER_cert_to_PEM_cert(der)
    address = first.address if first is not None else home.addresses[0]
    try:
        certificate = tls.parse_certificate(der)
    except ValueError as exc:
        records["web.cert_days_left"] = run.record("web.cert_days_left", "unknown", f"the certificate's expiry "
                                                   f"cannot be read: {exc}", query, address=address,
                                                   raw=pem)
        return records
    verdict = tls.expiry_verdict(certificate, run.host, run.now, run.scoring, refused=refused)
    records["web.cert_days_left"] = run.record("web.cert_days_left", verdict.status, verdict.reason, query,
                                               value=verdict.value, address=address, raw=pem)
    return records


def _legacy_tls_record(home: Fetch, run: _Run) -> Evidence:
    query = f"tls://{run.host}:{run.settings.https_port} (TLS 1.0 and 1.1 offered)"
    failure = home.failure
    reached = bool(home.responses) or (failure is not None and failure.kind in ("certificate", "protocol", "tls"))
    if not reached or not home.addresses:
        reason = failure.reason if failure is not None else "no answer"
        return run.record("web.tls_legacy", "unknown", f"not tried: {reason}", query)
    context = legacy_context()
    if context is None:
        return run.record("web.tls_legacy", "unknown", "this machine's OpenSSL cannot offer TLS 1.0 or 1.1, so "
                          "whether the server accepts them is not known", query)
    address = home.addresses[0]
    try:
        version = str(handshake(address, run.host, run.guard, run.deadline, context).version)
    except (DeadlineExceeded, OSError) as exc:
        verdict = tls.legacy_tls_verdict(exc)
        return run.record("web.tls_legacy", verdict.status, verdict.reason, query, value=verdict.value,
                          address=address)
    verdict = tls.legacy_tls_verdict(version)
    return run.record("web.tls_legacy", verdict.status, verdict.reason, query, value=verdict.value, address=address,
                      raw=f"negotiated {version}")


def _redirect_record(plain: Fetch, run: _Run) -> Evidence:
    query, raw, failure = plain.start, plain.raw(), plain.failure
    if failure is None:
        final = plain.responses[-1]
        if final.url.startswith("https:"):
            return run.record("web.redirects_to_https", "pass", f"{query} redirects to {final.url} "
                              f"(HTTP {final.status})", query, value=True, address=final.address, raw=raw)
        if len(plain.responses) == 1:
            reason = f"{query} answers HTTP {final.status} over plain HTTP without redirecting to HTTPS"
        else:
            reason = f"{query} redirects to {final.url}, which is not HTTPS"
        return run.record("web.redirects_to_https", "fail", reason, query, value=False, address=final.address,
                          raw=raw)
    if failure.kind == "redirect" or (failure.kind == "certificate" and plain.responses):
        return run.record("web.redirects_to_https", "fail", failure.reason, query, value=False,
                          address=plain.address, raw=raw)
    return run.record("web.redirects_to_https", "unknown", failure.reason, query, address=plain.address, raw=raw)


def _header_records(home: Fetch, plain: Fetch, run: _Run) -> dict[str, Evidence]:
    query = home.start
    final = home.final
    if final is None:
        reason = f"the HTTPS home page could not be read: {home.failure.reason if home.failure else 'no answer'}"
        return {name: run.record(name, "unknown", reason, query, address=home.address, raw=home.raw())
                for name in _HEADER_CHECKS}
    verdicts = headers.judge_headers(home, plain, run.scoring)
    findings = {"web.hsts": verdicts.hsts, "web.csp": verdicts.csp, "web.frame_protection": verdicts.frame_protection,
                "web.nosniff": verdicts.nosniff, "web.referrer_policy": verdicts.referrer_policy,
                "web.cookies_secure": verdicts.cookies_secure, "web.score": verdicts.score}
    raw = home.raw()
    return {name: run.record(name, finding.status, finding.reason, query, value=finding.value, address=final.address,
                             raw=raw) for name, finding in findings.items()}


def _security_txt_record(home: Fetch, run: _Run) -> Evidence:
    url = run.url("https", "/.well-known/security.txt")
    if not home.responses:
        reason = home.failure.reason if home.failure else "no answer"
        return run.record("web.security_txt", "unknown", f"not fetched, the HTTPS site did not answer: {reason}", url)
    fetched = run.fetch(url)
    final = fetched.final
    if final is None:
        assert fetched.failure is not None
        status: Status = "fail" if fetched.failure.kind == "redirect" else "unknown"
        return run.record("web.security_txt", status, fetched.failure.reason, url, address=fetched.address,
                          raw=fetched.raw())
    verdict = security_txt.judge_security_txt(final, run.now, run.settings.max_bytes)
    return run.record("web.security_txt", verdict.status, verdict.reason, url, value=verdict.fields,
                      address=final.address, raw=fetched.raw())


def _privacy_record(home: Fetch, run: _Run) -> Evidence:
    query = home.start
    if not home.responses:
        reason = home.failure.reason if home.failure else "no answer"
        return run.record("web.privacy_policy", "unknown", f"not looked for, the HTTPS site did not answer: {reason}",
                          query)
    final = home.final
    notes: list[str] = []
    home_read = False
    if final is not None:
        try:
            link = _privacy_link(final, run)
        except (DeadlineExceeded, ParseFailed) as exc:
            notes.append(f"the home page's HTML was not read: {exc}")
        else:
            if link is not None:
                return run.record("web.privacy_policy", "pass", f"the home page links to a privacy policy at "
                                  f"{link}", query, value=link, address=final.address, raw=home.raw())
            home_read = True
            notes.append("no link mentioning privacy on the home page" + (
                f" (its body was cut at {run.settings.max_bytes:,} bytes)" if final.truncated else ""))
    else:
        notes.append(f"the home page could not be read ({home.failure.reason if home.failure else 'no answer'})")
    budget = _PRIVACY_REQUESTS - 1
    reached = home_read  # a home page that could not be read may hold the link: never held against the vendor
    last: Fetch | None = None
    for path in ("/privacy", "/privacy-policy"):
        if budget <= 0:
            break
        fetched = run.fetch(run.url("https", path), max_requests=budget)
        last = fetched
        budget -= max(1, fetched.requests_made)
        if fetched.final is not None and fetched.final.status == 200:
            return run.record("web.privacy_policy", "pass", f"{fetched.start} answers HTTP 200"
                              + (f" at {fetched.final.url}" if fetched.final.url != fetched.start else ""),
                              fetched.start, value=fetched.final.url, address=fetched.final.address,
                              raw=fetched.raw())
        if fetched.failure is None:
            notes.append(f"{path} answered HTTP {fetched.responses[-1].status}")
        else:
            notes.append(f"{path}: {fetched.failure.reason}")
        reached = reached or bool(fetched.responses)
    status: Status = "fail" if reached else "unknown"
    where = last if last is not None else home
    return run.record("web.privacy_policy", status, "no privacy policy found: " + "; ".join(notes), query,
                      value=False if reached else None, address=where.address, raw=where.raw())


def _privacy_link(response: Response, run: _Run) -> str | None:
    """The absolute URL of the page's first privacy link, found by HTMLParser in a worker process.

    Raises DeadlineExceeded or ParseFailed when the page could not be read: HTMLParser takes time that
    grows with the square of some hostile pages' size (a megabyte of ``<a`` ran for minutes), and the worker
    is stopped at the deadline (see ``riskengine.enrich.worker``).
    """
    if response.content_type not in ("", "text/html", "application/xhtml+xml"):
        return None
    found = parse_within("privacy-link", {"html": response.text()}, run.deadline, what=f"the HTML of {response.url}")
    if not isinstance(found, str):
        return None
    link = urljoin(response.url, found)
    return link if urlsplit(link).scheme in ("http", "https") else None


# --- a file fetched for another check ------------------------------------------------------------------------

@dataclass(frozen=True)
class PolicyFile:
    """One file fetched for another check (the MTA-STS policy): its text, or why there is none."""

    url: str
    status: Status
    """``pass``: the text was read; ``fail``: the server answered, but not with a usable file (the finding);
    ``unknown``: no answer (refused address, timeout, deadline)."""
    reason: str
    text: str | None = None
    address: str = ""
    raw: bytes = b""


def fetch_policy_file(host: str, path: str, guard: AddressGuard, deadline: Deadline, now: dt.datetime, *,
                      limit: int) -> PolicyFile:
    """GET ``https://host/path`` once, through the same guarded transport as the web checks; never raises.

    Redirects are not followed and the answer must be HTTP 200 with ``text/plain`` (RFC 8461 §3.3 asks both
    of an MTA-STS policy); the certificate must be valid for ``host``. At most ``limit`` bytes are decoded.
    ``now`` is not read: the caller dates the evidence it builds from the file.
    """
    url = f"https://{host}{'' if guard.settings.https_port == 443 else f':{guard.settings.https_port}'}{path}"
    fetched = fetch(url, guard, deadline, max_requests=1)
    first = fetched.responses[0] if fetched.responses else None
    if first is not None and first.status in REDIRECTS:
        return PolicyFile(url, "fail", f"{url} redirects (HTTP {first.status}); redirects are not followed "
                          f"(RFC 8461 §3.3)", address=first.address, raw=fetched.raw())
    failure = fetched.failure
    if failure is not None:
        status: Status = "fail" if failure.kind in ("certificate", "redirect") else "unknown"
        return PolicyFile(url, status, failure.reason, address=fetched.address, raw=fetched.raw())
    assert first is not None
    if first.status != 200:
        return PolicyFile(url, "fail", f"{url} answered HTTP {first.status}", address=first.address,
                          raw=fetched.raw())
    if first.content_type != "text/plain":
        return PolicyFile(url, "fail", f"{url} is served as {first.content_type or 'no type'}, not text/plain "
                          f"(RFC 8461 §3.3)", address=first.address, raw=fetched.raw())
    return PolicyFile(url, "pass", f"{url} answered HTTP 200", text=first.text(limit), address=first.address,
                      raw=fetched.raw())
