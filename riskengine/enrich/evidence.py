"""Evidence: what an outside check observed about the vendor's domain, with its raw bytes' hash and time."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from riskengine.enrich.kinds import Kind as Kind
from riskengine.enrich.kinds import Status as Status

MAX_RAW_BYTES = 256_000
"""Raw evidence kept per record (the full response is hashed before it is cut)."""


class Evidence(BaseModel):
    """One observation: a check (``web.hsts``, ``dns.dmarc``), its status and the raw material behind it."""

    model_config = ConfigDict(frozen=True)

    id: str
    """``sha256(kind, check, query, fetched_at, raw sha256)`` shortened: stable for the same observation."""
    kind: Kind
    check: str
    """The fact it publishes (``web.hsts``); several records may come from one fetch."""
    status: Status
    reason: str
    """Why this status, in one sentence; for ``unknown`` what went wrong (timeout, refused, offline)."""
    value: Any = None
    """The parsed value the fact takes (a bool, a number, a policy name), JSON-serialisable."""
    query: str
    """What was asked: a URL, a DNS name and type, a WHOIS query with its server."""
    address: str = ""
    """The address actually connected to, after the guard checked it."""
    fetched_at: dt.datetime
    tool: str
    """Component and version that fetched it (``riskengine-https/1``)."""
    ttl: int | None = None
    """Seconds the source said this answer stays valid (DNS record TTL), when it said."""
    raw_sha256: str = ""
    raw: str = Field(default="", repr=False)
    """The raw response (headers and the start of the body, a zone answer, a WHOIS text), capped."""


def evidence_id(kind: str, check: str, query: str, fetched_at: dt.datetime, raw_sha256: str) -> str:
    material = "\x1f".join((kind, check, query, fetched_at.isoformat(), raw_sha256)).encode()
    return "EV-" + hashlib.sha256(material).hexdigest()[:16].upper()


def make_evidence(*, kind: Kind, check: str, status: Status, reason: str, query: str, fetched_at: dt.datetime,
                  tool: str, value: Any = None, address: str = "", raw: bytes | str = b"",
                  ttl: int | None = None) -> Evidence:
    """Build an Evidence record: hash the whole raw response, keep at most ``MAX_RAW_BYTES`` of it as text."""
    data = raw.encode("utf-8", "replace") if isinstance(raw, str) else raw
    digest = hashlib.sha256(data).hexdigest() if data else ""
    return Evidence(id=evidence_id(kind, check, query, fetched_at, digest), kind=kind, check=check, status=status,
                    reason=reason, value=value, query=query, address=address, fetched_at=fetched_at, tool=tool,
                    ttl=ttl, raw_sha256=digest, raw=data[:MAX_RAW_BYTES].decode("utf-8", "replace"))


def unknown(kind: Kind, check: str, reason: str, query: str, fetched_at: dt.datetime, tool: str) -> Evidence:
    """The record of a check that could not be made: never "bad", only not known."""
    return make_evidence(kind=kind, check=check, status="unknown", reason=reason, query=query,
                         fetched_at=fetched_at, tool=tool)
