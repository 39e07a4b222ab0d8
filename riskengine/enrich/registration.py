"""Registration evidence for the vendor's domain: RDAP first, WHOIS on port 43 when RDAP is not offered or fails.

RDAP (RFC 9082, RFC 9083) is JSON over HTTPS. The server for a TLD comes from ``rdap-bootstrap.json`` beside
this module: a hand-copied subset of the IANA RDAP bootstrap registry (https://data.iana.org/rdap/dns.json,
RFC 9224) dated 2026-11-24, never fetched at run time; ``NetworkSettings.rdap_base`` replaces it (tests,
mirrors). RDAP is fetched through the guarded transport of the web checks (``riskengine.enrich.http``: address
guard, deadline, byte cap); its redirects are not followed: a redirecting server counts as "no RDAP" and WHOIS
is asked.

WHOIS (RFC 3912) is read by a small client of our own, because python-whois fixes the port at 43 and has no
total deadline or size cap. Its parser (``whois.parser.WhoisEntry``) still reads the text, cut to what it
can read in time (``riskengine.enrich.replies.whois_text``) and in a process the deadline can stop
(``riskengine.enrich.worker``), and we smooth its quirks: dates that come as lists, statuses followed by
URLs, and all-empty replies under rate limiting, which are "unknown", never "bad". Referrals (IANA
``refer:``, a thin registry's ``Registrar WHOIS Server:``) are followed at most twice, on port 43 unless
they point into a network the settings explicitly allow (tests, mirrors). Every connection, referrals
included, goes through the address guard, and everything one call does, referrals and parsing included,
ends within the vendor's deadline.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import urllib.parse
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from typing import Any, TypeVar

from riskengine.enrich.checks import REGISTRATION_CHECKS
from riskengine.enrich.domain import DomainError, NotRegistrable, normalise_domain, registered_domain
from riskengine.enrich.evidence import Evidence, Status, make_evidence, unknown
from riskengine.enrich.guard import AddressGuard, AddressRefused, Deadline, DeadlineExceeded, IPAddress
from riskengine.enrich.http import REDIRECTS, Response, fetch
from riskengine.enrich.replies import (
    REDACTION,
    RegistrationRecord,
    RegistrationUnreadable,
    next_expiry,
    parse_whois,
    utc,
    whois_text,
)
from riskengine.enrich.settings import NetworkSettings, parse_host_port
from riskengine.enrich.worker import ParseFailed, parse_within

__all__ = ["CHECKS", "MAX_REFERRALS", "RegistrationRecord", "RegistrationUnreadable", "check_registration",
           "parse_rdap", "parse_whois", "rdap_base_for"]

CHECKS = REGISTRATION_CHECKS

MIN_AGE_DAYS = 365
"""Our judgement: a vendor domain younger than a year is a common mark of a fly-by-night or look-alike vendor."""
MIN_EXPIRY_DAYS = 30
"""Our judgement: a registration this close to lapsing risks the vendor's mail and web going dark."""
MAX_REFERRALS = 2
"""IANA -> registry -> registrar is the longest chain a domain needs."""
WHOIS_PORT = 43
MAX_RDAP_INTEGER_DIGITS = 20
"""RDAP numbers are ports, counts and key tags (RFC 9083): none needs more than 20 digits (2**64). Python
refuses to read one of more than 4,300, and a long one only costs time."""
IANA_WHOIS = ("whois.iana.org", WHOIS_PORT)
TOOL_RDAP = "riskengine-rdap/1"
TOOL_WHOIS = "riskengine-whois/1"
_TOOL_NONE = "riskengine-registration/1"
_CHUNK = 16_384
_RDAP_HEADERS = {"Accept": "application/rdap+json, application/json;q=0.9",
                 "User-Agent": "riskengine (vendor registration check)"}

_HOLD = frozenset({"clienthold", "serverhold"})
_TRANSFER_LOCK = frozenset({"clienttransferprohibited", "servertransferprohibited", "transferprohibited"})
_EPP_CODES = frozenset({
    "ok", "active", "inactive", "locked", "clienthold", "serverhold", "clienttransferprohibited",
    "servertransferprohibited", "clientdeleteprohibited", "serverdeleteprohibited", "clientupdateprohibited",
    "serverupdateprohibited", "clientrenewprohibited", "serverrenewprohibited", "transferprohibited",
    "deleteprohibited", "updateprohibited", "renewprohibited", "pendingcreate", "pendingdelete", "pendingrenew",
    "pendingtransfer", "pendingupdate", "pendingrestore", "addperiod", "autorenewperiod", "renewperiod",
    "transferperiod", "redemptionperiod",
})
"""EPP status codes (RFC 5731, RFC 3915) and their RDAP names (RFC 8056) with spaces and case removed."""

_REFERRAL_KEYS = ("refer", "whois", "Registrar WHOIS Server", "ReferralServer")
_IANA_ANSWER = re.compile(r"^(?:refer:|% IANA WHOIS server)", re.IGNORECASE | re.MULTILINE)
"""IANA answers with its record of the TLD (its ``created:``, ``status:``), never with the domain's."""
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_HOSTNAME = re.compile(rf"^(?=.{{1,253}}$){_LABEL}(?:\.{_LABEL})*$")

T = TypeVar("T")


@dataclass(frozen=True)
class _Observation:
    record: RegistrationRecord
    source: str
    query: str
    address: str
    tool: str
    raw: bytes
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Reply:
    server: str
    address: str
    data: bytes
    truncated: bool

    @property
    def text(self) -> str:
        """The part of the reply that is parsed, referrals included (the raw evidence keeps all of it)."""
        return whois_text(self.data)[0]

    @property
    def cuts(self) -> list[str]:
        """What was cut from the reply before parsing (``whois_text``), each said in the evidence."""
        return whois_text(self.data)[1]


class _Unavailable(Exception):
    """This source gave nothing usable; the message is the reason, for the "unknown" evidence."""


# --------------------------------------------------------------------------------------------- the checks


def check_registration(domain: str, guard: AddressGuard, deadline: Deadline, now: dt.datetime) -> list[Evidence]:
    """One Evidence per name in ``CHECKS``, from RDAP or else WHOIS; never raises for network or parse problems.

    The registry is asked about the registered domain (``registered_domain``: ``app.vendor.com`` ->
    ``vendor.com``); a name under a private-section suffix (``vendor.github.io``) asks no registry.
    ``now`` is the assessment's clock (ages and days to expiry count from it, and it stamps the evidence);
    ``deadline`` bounds all the time spent, referrals included. What cannot be known becomes "unknown" with
    the reason (refused address, timeout, rate limiting, no data), never "fail".
    """
    now = utc(now)
    try:
        name = normalise_domain(domain)
    except DomainError as exc:
        return _all_unknown(f"no lookup: {exc}", f"registration of {domain!r}", now)
    if guard.settings.offline:
        return _all_unknown("offline: no registry was asked", f"registration of {name}", now)
    try:
        registered = registered_domain(name)
    except NotRegistrable as exc:
        return _all_unknown(f"no registry was asked: {exc}", f"registration of {name}", now)
    failures: list[str] = []
    for observe in (_observe_rdap, _observe_whois):
        try:
            observation = observe(registered, guard, deadline, now)
        except _Unavailable as exc:
            failures.append(str(exc))
            continue
        if registered != name:
            observation = replace(observation, notes=(f"{registered} is the registered domain of {name}",
                                                      *observation.notes))
        return _evidence(observation, now)
    return _all_unknown("; ".join(failures), f"registration of {registered} (RDAP, then WHOIS)", now)


def _evidence(observation: _Observation, now: dt.datetime) -> list[Evidence]:
    suffix = f" ({'; '.join(observation.notes)})" if observation.notes else ""
    return [make_evidence(kind="registration", check=check, status=status, reason=reason + suffix,
                          value=value, query=observation.query, address=observation.address, fetched_at=now,
                          tool=observation.tool, raw=observation.raw)
            for check, (status, reason, value) in _judge(observation.record, observation.source, now).items()]


def _judge(record: RegistrationRecord, source: str, now: dt.datetime) -> dict[str, tuple[Status, str, Any]]:
    """The status, reason and value of every check, from one normalised record."""
    facts: dict[str, tuple[Status, str, Any]] = {}
    if record.created is None:
        facts["whois.domain_age_days"] = ("unknown", f"the {source} record gives no registration date", None)
    else:
        age = (now - record.created).days
        when = f"registered on {record.created:%Y-%m-%d}, {age} days ago"
        facts["whois.domain_age_days"] = (("fail", f"{when}: younger than {MIN_AGE_DAYS} days", age)
                                          if age < MIN_AGE_DAYS else ("pass", when, age))
    if record.expires is None:
        facts["whois.expiry_days"] = ("unknown", f"the {source} record gives no expiry date", None)
    else:
        # whole days, counted towards zero: 23.4 days past expiry is "23 days ago", not 24
        left = (record.expires - now).days if record.expires >= now else -(now - record.expires).days
        date = f"{record.expires:%Y-%m-%d}"
        if left < 0:
            facts["whois.expiry_days"] = ("fail", f"expired on {date}, {-left} days ago", left)
        elif left < MIN_EXPIRY_DAYS:
            facts["whois.expiry_days"] = ("fail", f"expires on {date}, in {left} days: under {MIN_EXPIRY_DAYS}", left)
        else:
            facts["whois.expiry_days"] = ("pass", f"expires on {date}, in {left} days", left)
    facts["whois.registrar"] = (("pass", f"registrar: {record.registrar}", record.registrar) if record.registrar
                                else ("unknown", f"the {source} record names no registrar", None))
    listed = ", ".join(record.statuses)
    keys = {_status_key(status) for status in record.statuses}
    if not record.statuses:
        facts["whois.client_hold"] = ("unknown", f"the {source} record lists no status", None)
    elif keys & _HOLD:
        held = ", ".join(status for status in record.statuses if _status_key(status) in _HOLD)
        facts["whois.client_hold"] = ("fail", f"the domain is on {held}: the registry keeps it out of the DNS", True)
    else:
        facts["whois.client_hold"] = ("pass", f"not on hold (status: {listed})", False)
    if not keys & _EPP_CODES:
        facts["whois.transfer_lock"] = ("unknown", f"the {source} record shows no EPP status codes"
                                        + (f" (status: {listed})" if listed else ""), None)
    elif keys & _TRANSFER_LOCK:
        facts["whois.transfer_lock"] = ("pass", f"transfer lock set (status: {listed})", True)
    else:
        facts["whois.transfer_lock"] = ("fail", f"no transfer lock: clientTransferProhibited is not set "
                                                f"(status: {listed})", False)
    signed: dict[bool | None, tuple[Status, str, Any]] = {
        None: ("unknown", f"the {source} record does not say whether the delegation is signed", None),
        True: ("pass", "the delegation is signed (DNSSEC)", True),
        False: ("fail", "the delegation is not signed (no DNSSEC)", False),
    }
    facts["whois.dnssec"] = signed[record.dnssec]
    redaction: dict[bool | None, tuple[Status, str, Any]] = {
        None: ("unknown", f"the {source} record neither publishes registrant contact data nor marks it redacted",
               None),
        True: ("pass", "registrant contact data is redacted (informational: usual since the GDPR, "
                       "neither good nor bad)", True),
        False: ("pass", "registrant contact data is published (informational: neither good nor bad)", False),
    }
    facts["whois.privacy_redacted"] = redaction[record.redacted]
    return facts


def _all_unknown(reason: str, query: str, now: dt.datetime) -> list[Evidence]:
    return [unknown("registration", check, reason, query, now, _TOOL_NONE) for check in CHECKS]


# --------------------------------------------------------------------------------------------- RDAP


@cache
def _bootstrap() -> dict[str, str]:
    """TLD (or suffix) -> RDAP base URL from the shipped snapshot, preferring https as RFC 9224 asks."""
    text = resources.files("riskengine.enrich").joinpath("rdap-bootstrap.json").read_text(encoding="utf-8")
    services: dict[str, str] = {}
    for suffixes, urls in json.loads(text)["services"]:
        chosen = next((url for url in urls if url.startswith("https://")), urls[0] if urls else None)
        if chosen:
            services.update({suffix.lower(): chosen for suffix in suffixes})
    return services


def rdap_base_for(domain: str) -> str | None:
    """The RDAP base URL for ``domain`` from the shipped IANA bootstrap snapshot (longest matching suffix)."""
    labels = domain.lower().rstrip(".").split(".")
    services = _bootstrap()
    for start in range(1, len(labels)):
        base = services.get(".".join(labels[start:]))
        if base:
            return base
    return None


def _observe_rdap(name: str, guard: AddressGuard, deadline: Deadline, now: dt.datetime) -> _Observation:
    base = guard.settings.rdap_base or rdap_base_for(name)
    if base is None:
        raise _Unavailable(f"RDAP: .{name.rsplit('.', 1)[-1]} has no RDAP service in the IANA bootstrap snapshot")
    url = base.rstrip("/") + "/domain/" + name
    try:
        status, location, body, address, record = _rdap_lookup(url, name, guard, deadline, now)
    except _Unavailable as exc:
        raise _Unavailable(f"RDAP {url}: {exc}") from None
    if status in REDIRECTS:
        raise _Unavailable(f"RDAP {url}: redirected to {location or '?'}; RDAP redirects are not followed")
    if status == 404:
        raise _Unavailable(f"RDAP {url}: the server has no record of {name} (HTTP 404)")
    if status != 200 or record is None:
        raise _Unavailable(f"RDAP {url}: HTTP {status}")
    return _Observation(record=record, source="RDAP", query=f"RDAP GET {url}", address=address, tool=TOOL_RDAP,
                        raw=body)


def _rdap_lookup(url: str, name: str, guard: AddressGuard, deadline: Deadline,
                 now: dt.datetime) -> tuple[int, str, bytes, str, RegistrationRecord | None]:
    """GET the domain object and normalise it: status, Location, body, address, and the record (for 200).

    The reply is parsed within the deadline that bounded its fetch: the JSON parser runs in C over at most
    ``max_bytes`` (milliseconds for the default 1 MB), and parse_rdap reads each field once.
    """
    response = _rdap_get(url, guard, deadline)
    location = response.first("location") or ""
    if response.status != 200:
        return response.status, location, b"", response.address, None
    try:
        data = json.loads(response.body, parse_int=_rdap_integer)
    except _LongNumber:
        raise _Unavailable(f"the answer holds a number of more than {MAX_RDAP_INTEGER_DIGITS} digits") from None
    except RecursionError:
        raise _Unavailable("the answer is JSON nested too deeply to read") from None
    except ValueError as exc:
        raise _Unavailable(f"the answer is not JSON ({str(exc)[:120]})") from None
    if not isinstance(data, dict) or data.get("objectClassName") != "domain":
        raise _Unavailable("the answer is not an RDAP domain object")
    record = parse_rdap(data, now)
    if record.is_empty():
        raise _Unavailable("the domain object holds no registration data")
    try:
        deadline.remaining()
    except DeadlineExceeded:
        raise _Unavailable(_ran_out(deadline, url)) from None
    return response.status, location, response.body, response.address, record


class _LongNumber(ValueError):
    """An integer in an RDAP answer longer than ``MAX_RDAP_INTEGER_DIGITS``."""


def _rdap_integer(literal: str) -> int:
    if len(literal.lstrip("-")) > MAX_RDAP_INTEGER_DIGITS:
        raise _LongNumber(literal[:40])
    return int(literal)


def _rdap_get(url: str, guard: AddressGuard, deadline: Deadline) -> Response:
    """GET ``url`` through the guarded transport (``riskengine.enrich.http``): the checked address, the name for
    SNI and the certificate, no proxies, no redirects followed, the body read only for 200 and refused past
    ``max_bytes``, the whole exchange within the deadline."""
    settings = guard.settings
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _Unavailable("only http and https RDAP URLs are used")
    fetched = fetch(url, guard, deadline, headers=_RDAP_HEADERS, follow_redirects=False, any_port=True,
                    body_statuses=(200,), decode_content=True)
    failure = fetched.failure
    if failure is not None:
        if failure.kind == "deadline":
            raise _Unavailable(_ran_out(deadline, url))
        raise _Unavailable(_describe(failure.cause) if failure.cause is not None else failure.reason)
    response = fetched.responses[0]
    if response.status == 200:
        declared = response.first("content-length") or ""
        if declared.isdigit() and int(declared) > settings.max_bytes:
            raise _Unavailable(f"the answer declares {declared} bytes, over the {settings.max_bytes}-byte cap")
        if response.truncated:
            raise _Unavailable(f"the answer is larger than the {settings.max_bytes}-byte cap")
    return response


def _ran_out(deadline: Deadline, url: str) -> str:
    return f"the {deadline.seconds:g} s deadline ran out waiting for {url}"


def parse_rdap(data: Mapping[str, Any], now: dt.datetime) -> RegistrationRecord:
    """Normalise an RDAP domain object (RFC 9083): events, status, secureDNS, the registrar, redaction.

    The domain's age counts from its own ``registration`` event, or from its latest ``reregistration`` (a
    name dropped and registered again is new to its holder); events of its entities (the registrar's own
    registration, a contact's) are never read.
    """
    created: list[dt.datetime] = []
    reregistered: list[dt.datetime] = []
    expires: list[dt.datetime] = []
    for event in _dicts(data.get("events")):
        when = _iso_date(event.get("eventDate"))
        if when is None:
            continue
        action = str(event.get("eventAction", "")).lower()
        if action == "registration":
            created.append(when)
        elif action == "reregistration":
            reregistered.append(when)
        elif action == "expiration":
            expires.append(when)
    statuses = tuple(status for status in _list(data.get("status")) if isinstance(status, str) and status.strip())
    secure = data.get("secureDNS")
    dnssec: bool | None = None
    if isinstance(secure, dict):
        if isinstance(secure.get("delegationSigned"), bool):
            dnssec = secure["delegationSigned"]
        elif _list(secure.get("dsData")) or _list(secure.get("keyData")):
            dnssec = True
    entities = list(_entities(data))
    registrar = next((name for entity in entities if "registrar" in _roles(entity)
                      for name in [_vcard_fn(entity)] if name), None)
    start = max(reregistered) if reregistered else min(created, default=None)
    return RegistrationRecord(created=start, expires=next_expiry(expires, now),
                              registrar=registrar, statuses=statuses, dnssec=dnssec,
                              redacted=_rdap_redaction(data, entities))


def _rdap_redaction(data: Mapping[str, Any], entities: list[Mapping[str, Any]]) -> bool | None:
    if _list(data.get("redacted")):  # RFC 9537 lists what was removed
        return True
    registrants = [entity for entity in entities if "registrant" in _roles(entity)]
    texts: list[str] = []
    for entity in registrants:
        texts.append(_vcard_fn(entity) or "")
        for remark in _dicts(entity.get("remarks")):
            texts.append(str(remark.get("title", "")))
            texts.extend(str(line) for line in _list(remark.get("description")))
    if any(REDACTION.search(text) for text in texts):
        return True
    if any(_vcard_fn(entity) for entity in registrants):
        return False
    return None


def _entities(data: Mapping[str, Any], depth: int = 0) -> Iterable[Mapping[str, Any]]:
    for entity in _dicts(data.get("entities")):
        yield entity
        if depth < 3:
            yield from _entities(entity, depth + 1)


def _roles(entity: Mapping[str, Any]) -> set[str]:
    return {str(role).lower() for role in _list(entity.get("roles"))}


def _vcard_fn(entity: Mapping[str, Any]) -> str | None:
    """The formatted name (``fn``) of an entity's jCard (RFC 7095)."""
    card = entity.get("vcardArray")
    if not isinstance(card, list) or len(card) < 2 or not isinstance(card[1], list):
        return None
    for item in card[1]:
        if isinstance(item, list) and len(item) >= 4 and item[0] == "fn" and isinstance(item[3], str):
            return item[3].strip() or None
    return None


def _iso_date(value: object) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return utc(dt.datetime.fromisoformat(value.strip()))
    except ValueError:
        return None


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _dicts(value: object) -> list[Mapping[str, Any]]:
    return [item for item in _list(value) if isinstance(item, dict)]


# --------------------------------------------------------------------------------------------- WHOIS


def _observe_whois(name: str, guard: AddressGuard, deadline: Deadline, now: dt.datetime) -> _Observation:
    settings = guard.settings
    host, port = settings.whois_server or IANA_WHOIS
    replies: list[_Reply] = []
    notes: list[str] = []
    visited: set[tuple[str, int]] = set()
    while True:
        visited.add((host.lower(), port))
        try:
            reply = _whois_exchange(host, port, name, guard, deadline, referral=bool(replies))
        except _Unavailable as exc:
            if not replies:
                raise _Unavailable(f"WHOIS {host}:{port}: {exc}") from None
            notes.append(f"referral to {host}:{port} not followed: {exc}")
            break
        replies.append(reply)
        if reply.truncated:
            notes.append(f"{reply.server} sent more than {settings.max_bytes} bytes; the reply was cut there")
        target = _referral(reply.text)
        if target is None or (target[0].lower(), target[1]) in visited:
            break
        if len(replies) > MAX_REFERRALS:
            notes.append(f"referral to {target[0]}:{target[1]} not followed: at most {MAX_REFERRALS} referrals")
            break
        host, port = target
    records: list[RegistrationRecord] = []
    problems: list[str] = []
    used: list[_Reply] = []
    for reply in replies:
        if reply.server == f"{IANA_WHOIS[0]}:{IANA_WHOIS[1]}" or _IANA_ANSWER.search(reply.text):
            continue  # IANA's answer describes the TLD, not the domain: only its referral counts
        notes.extend(f"{reply.server}: {cut}" for cut in reply.cuts)
        try:
            records.append(_parse_reply(name, reply, now, deadline))
            used.append(reply)
        except (RegistrationUnreadable, ParseFailed, DeadlineExceeded) as exc:
            problems.append(f"{reply.server}: {exc}")
    chain = " -> ".join(reply.server for reply in replies)
    raw = b"".join(f"% {reply.server} ({reply.address})\n".encode() + reply.data + b"\n" for reply in replies)
    if not records:
        reasons = problems or [f"{chain}: no registry answered for {name}"]
        raise _Unavailable("WHOIS " + "; ".join(reasons + notes))
    return _Observation(record=_merge(records), source="WHOIS", query=f"WHOIS {name} via {chain}",
                        address=", ".join(dict.fromkeys(reply.address for reply in used)),
                        tool=f"{TOOL_WHOIS} python-whois/{_python_whois_version()}", raw=raw,
                        notes=tuple(problems + notes))


def _parse_reply(name: str, reply: _Reply, now: dt.datetime, deadline: Deadline) -> RegistrationRecord:
    """``parse_whois`` on the reply, in a parser process the deadline can stop (see ``riskengine.enrich.worker``).

    python-whois's regular expressions are not ours: on a hostile reply they can run for minutes, holding
    the interpreter's lock, so no thread of ours could cut them short.
    """
    value = parse_within("whois", {"domain": name, "text": reply.text, "now": now.isoformat()}, deadline,
                         what=f"the WHOIS reply of {reply.server}")
    return RegistrationRecord.from_json(value)


def _whois_exchange(host: str, port: int, query: str, guard: AddressGuard, deadline: Deadline, *,
                    referral: bool) -> _Reply:
    """Ask one WHOIS server: connect through the guard, send the query, read to EOF, the byte cap or the deadline.

    A referral is followed on port 43 only, unless it points into a network the settings explicitly allow
    (tests, mirrors); the configured first server may use any port.
    """
    settings = guard.settings
    server = f"{host}:{port}"
    try:
        address = guard.resolve(host, deadline)
        if referral and port != WHOIS_PORT and not _allowed(address, settings):
            raise _Unavailable(f"port {port} refused: WHOIS referrals are followed on port {WHOIS_PORT} only")
        sock, address = guard.connect(str(address), port, deadline)
    except (AddressRefused, DeadlineExceeded) as exc:
        raise _Unavailable(str(exc)) from None
    except OSError as exc:
        raise _Unavailable(f"could not connect ({_describe(exc)})") from None
    chunks: list[bytes] = []
    total = 0
    with sock:
        try:
            sock.settimeout(deadline.timeout(settings.read_timeout))
            sock.sendall(query.encode("ascii") + b"\r\n")
            while True:
                timeout = deadline.timeout(settings.read_timeout)
                sock.settimeout(timeout)
                try:
                    chunk = sock.recv(min(_CHUNK, settings.max_bytes + 1 - total))
                except TimeoutError:
                    if not total:
                        raise _Unavailable(f"no answer within {timeout:.1f} s") from None
                    if timeout < settings.read_timeout:  # the deadline, not the server's pause, ended the read
                        raise DeadlineExceeded("read cut short by the deadline") from None
                    raise _Unavailable(f"the server stopped sending after {total} bytes "
                                       f"(nothing for {timeout:.1f} s)") from None
                if not chunk:
                    break
                chunks.append(chunk)
                total += len(chunk)
                if total > settings.max_bytes:
                    break
        except DeadlineExceeded:
            raise _Unavailable(f"the {deadline.seconds:g} s deadline ran out while the server was still sending "
                               f"({total} bytes so far)") from None
        except OSError as exc:
            raise _Unavailable(f"connection failed ({_describe(exc)})") from None
    data = b"".join(chunks)
    return _Reply(server=server, address=str(address), data=data[:settings.max_bytes],
                  truncated=len(data) > settings.max_bytes)


def _referral(text: str) -> tuple[str, int] | None:
    """The next WHOIS server a reply names (IANA ``refer:``/``whois:``, ``Registrar WHOIS Server:``), if any."""
    for key in _REFERRAL_KEYS:
        match = re.search(rf"^[ \t]*{re.escape(key)}[ \t]*:[ \t]*(\S+)[ \t]*$", text, re.IGNORECASE | re.MULTILINE)
        if match is None:
            continue
        value = re.sub(r"^[a-z]+://", "", match.group(1).strip(), flags=re.IGNORECASE).split("/", 1)[0]
        try:
            host, port = parse_host_port(value, WHOIS_PORT)
        except ValueError:
            continue
        if _HOSTNAME.match(host.lower()) or _is_ip(host):
            return host, port
    return None


def _merge(records: list[RegistrationRecord]) -> RegistrationRecord:
    """Registry first (it is authoritative for dates and status), the registrar filling gaps and privacy."""

    def first(values: Iterable[T | None]) -> T | None:
        return next((value for value in values if value is not None), None)

    return RegistrationRecord(
        created=first(record.created for record in records),
        expires=first(record.expires for record in records),
        registrar=first(record.registrar for record in records),
        statuses=next((record.statuses for record in records if record.statuses), ()),
        dnssec=first(record.dnssec for record in records),
        redacted=first(record.redacted for record in reversed(records)),
    )


# --------------------------------------------------------------------------------------------- small helpers


def _status_key(status: str) -> str:
    """``clientTransferProhibited`` and RDAP's ``client transfer prohibited`` both become one key."""
    return re.sub(r"[^a-z]", "", status.lower())


def _allowed(address: IPAddress, settings: NetworkSettings) -> bool:
    return any(address in network for network in settings.allow_networks if network.version == address.version)


def _is_ip(host: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _describe(exc: BaseException) -> str:
    """A short reason for a network error, without the nesting requests and urllib3 add."""
    if isinstance(exc, AddressRefused | DeadlineExceeded):
        return str(exc)
    name = type(exc).__name__
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, TimeoutError) or "Timeout" in name:
        return f"timed out ({name})"
    if "SSLError" in name:
        return f"TLS failed ({str(exc)[:200]})"
    message = str(exc)
    return f"{name}: {message[:200]}" if message else name


@cache
def _python_whois_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("python-whois")
    except PackageNotFoundError:
        return "unknown"
