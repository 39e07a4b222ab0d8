"""The vendor loop's records: a request asks one vendor (by one address) for its questionnaire, reachable by an
opaque random token; its evidence documents; the reminders sent.

States, in the order a request usually takes them (every change in the council's audit log)::

    unsent -> sent -> opened -> in_progress -> submitted -> closed
                                      ^              |
                                      +-- changes_requested

``unsent`` is a request whose invitation could not be mailed (the mail server refused or did not answer): it is
kept, with its state not advanced, so a second ``invite`` sends it. The token (``secrets.token_urlsafe``, 256 bits)
is given once, to be mailed, and kept only as its sha256: a high-entropy token needs no slow hash, and the
database never holds a link that works. It is single-purpose (this request's pages only), expires
(``templates/vendors.yaml``: the due date plus ``link_days_after_due``), and can be revoked; the comparison is
constant-time (``hmac.compare_digest``), and an unknown request id costs the same comparison.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from riskengine.council.store import Council, _iso

RequestState = Literal["unsent", "sent", "opened", "in_progress", "submitted", "changes_requested", "closed"]
STATES: tuple[RequestState, ...] = ("unsent", "sent", "opened", "in_progress", "submitted", "changes_requested",
                                    "closed")
OPEN_TO_VENDOR: tuple[RequestState, ...] = ("sent", "opened", "in_progress", "changes_requested")
"""The states in which the vendor may change its answers, and is chased when late."""
STATE_WORDS: dict[str, str] = {"unsent": "not sent", "sent": "sent", "opened": "opened", "in_progress": "in progress",
                               "submitted": "submitted", "changes_requested": "changes requested", "closed": "closed"}

_COLUMNS = ("request_id, vendor, email, state, token_sha256, csrf_token, reason, due_date, expires_at, revoked, "
            "created_at, created_by, sent_at, submitted_at, draft, questionnaire_file, questionnaire_name, "
            "questionnaire_sha256, team_note, assessment_id")
_DOCUMENT_COLUMNS = "document_id, request_id, vendor, kind, file, name, sha256, expires_on, uploaded_at"
_NO_TOKEN = hashlib.sha256(b"no such request").hexdigest()


@dataclass(frozen=True, slots=True)
class VendorRequest:
    request_id: str
    vendor: str
    email: str
    state: RequestState
    token_sha256: str
    csrf_token: str
    """The vendor's pages' own CSRF token (the vendor has no session)."""
    reason: str
    """Why it was opened: ``invitation``, or the evidence document it renews (``evidence soc2 D...``)."""
    due_date: str
    expires_at: str
    revoked: bool
    created_at: str
    created_by: str
    sent_at: str
    submitted_at: str
    draft: str
    """The answers given online so far, JSON (``riskengine.council.answers.Draft``)."""
    questionnaire_file: str
    """The questionnaire to assess: the uploaded file or the workbook made from the online answers (a random name
    in the upload folder; empty until one is given)."""
    questionnaire_name: str
    questionnaire_sha256: str
    team_note: str
    """The team's note when it asked for changes, shown to the vendor."""
    assessment_id: str

    @property
    def state_words(self) -> str:
        return STATE_WORDS[self.state]

    def draft_data(self) -> dict[str, Any]:
        loaded = json.loads(self.draft) if self.draft else {}
        return loaded if isinstance(loaded, dict) else {}


@dataclass(frozen=True, slots=True)
class VendorDocument:
    document_id: str
    request_id: str
    vendor: str
    kind: str
    file: str
    name: str
    sha256: str
    expires_on: str
    uploaded_at: str


class TokenRefused(Exception):
    """The link's token does not open the request: ``reason`` is the sentence for the person holding it."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class VendorRequests:
    """The requests, documents and reminders in the council's tables; every change is also an audit event."""

    def __init__(self, council: Council) -> None:
        self.council = council
        self._db = council.database

    # --- requests ---------------------------------------------------------------------------------------------

    def create(self, vendor: str, email: str, *, due: dt.date, now: dt.datetime, created_by: str,
               reason: str = "invitation", link_days_after_due: int = 30) -> tuple[VendorRequest, str]:
        """A new request, ``unsent``, and its token (given here only: the database keeps its sha256)."""
        vendor = " ".join(vendor.split())[:200]
        email = email.strip()
        _check_email(email)
        if not vendor:
            _refuse("name the vendor")
        token = secrets.token_urlsafe(32)
        expires = dt.datetime.combine(due + dt.timedelta(days=link_days_after_due), dt.time(23, 59, 59), dt.UTC)
        request = VendorRequest(
            request_id="VR-" + uuid.uuid4().hex[:12].upper(), vendor=vendor, email=email, state="unsent",
            token_sha256=token_hash(token), csrf_token=secrets.token_urlsafe(32), reason=reason,
            due_date=due.isoformat(), expires_at=_iso(expires), revoked=False, created_at=_iso(now),
            created_by=created_by, sent_at="", submitted_at="", draft="", questionnaire_file="",
            questionnaire_name="", questionnaire_sha256="", team_note="", assessment_id="")
        values = {name: getattr(request, name) for name in _COLUMNS.split(", ")}
        values["revoked"] = 0
        with self._db.transaction() as db:
            db.execute(f"INSERT INTO council_vendor_requests ({_COLUMNS}) VALUES "
                       f"({', '.join(':' + name for name in values)})", values)
        return request, token

    def new_token(self, request_id: str) -> str:
        """A fresh token for a request (an unsent one being sent again): the old link stops working."""
        token = secrets.token_urlsafe(32)
        with self._db.transaction() as db:
            db.execute("UPDATE council_vendor_requests SET token_sha256 = :token WHERE request_id = :id",
                       {"token": token_hash(token), "id": request_id})
        return token

    def get(self, request_id: str) -> VendorRequest | None:
        row = self._db.execute(f"SELECT {_COLUMNS} FROM council_vendor_requests WHERE request_id = :id",
                               {"id": request_id}).fetchone()
        return _request(row) if row else None

    def opened_by(self, request_id: str, token: str, now: dt.datetime) -> VendorRequest:
        """The request this link opens; ``TokenRefused`` for a token that is not this request's (guessed, or
        another vendor's), revoked, expired or of a closed request. Constant-time: the stored sha256 is compared
        with ``hmac.compare_digest``, and an unknown id costs the same comparison against a stand-in."""
        request = self.get(request_id) if len(request_id) <= 40 else None
        expected = request.token_sha256 if request is not None else _NO_TOKEN
        if not hmac.compare_digest(expected.encode(), token_hash(token).encode()) or request is None:
            raise TokenRefused("this link is not valid: check that it was copied whole from the mail, or ask your "
                               "contact for a new one")
        if request.revoked:
            raise TokenRefused("this link was withdrawn: ask your contact for a new one")
        if request.state == "unsent":
            raise TokenRefused("this link is not valid yet: it was never sent")
        if _iso(now) > request.expires_at:
            raise TokenRefused(f"this link expired on {request.expires_at[:10]}: ask your contact for a new one")
        if request.state == "closed":
            raise TokenRefused("this request is closed: thank you. Ask your contact if there is more to send")
        return request

    def requests(self, *, states: Sequence[str] | None = None, vendor: str | None = None) -> list[VendorRequest]:
        """Requests, newest first (in ``states`` / of ``vendor`` (any case) when given)."""
        rows = self._db.execute(f"SELECT {_COLUMNS} FROM council_vendor_requests ORDER BY created_at DESC, "
                                "request_id")
        found = [_request(row) for row in rows]
        if states is not None:
            found = [item for item in found if item.state in states]
        if vendor is not None:
            found = [item for item in found if item.vendor.casefold() == vendor.casefold()]
        return found

    def update(self, request: VendorRequest, *, actor: str, role: str, remote: str = "", action: str = "",
               detail: str = "", **changes: Any) -> VendorRequest:
        """Record ``changes`` to ``request`` and an audit event (its action: ``action``, else ``request <state>``
        for a change of state)."""
        import dataclasses

        updated = dataclasses.replace(request, **changes)
        values = {name: getattr(updated, name) for name in _COLUMNS.split(", ") if name != "request_id"}
        values["revoked"] = int(updated.revoked)
        with self._db.transaction() as db:
            db.execute(f"UPDATE council_vendor_requests SET {', '.join(f'{n} = :{n}' for n in values)} "
                       "WHERE request_id = :request_id", {**values, "request_id": request.request_id})
        if action or updated.state != request.state:
            event = action or f"request {STATE_WORDS[updated.state]}"
            if updated.state != request.state:
                detail = f"{STATE_WORDS[request.state]} -> {STATE_WORDS[updated.state]}" + (
                    f": {detail}" if detail else "")
            self.council.audit(actor=actor, role=role, action=event, target=request.request_id,
                               detail=f"{request.vendor}: {detail}" if detail else request.vendor, remote=remote)
        return updated

    # --- evidence documents -----------------------------------------------------------------------------------

    def add_document(self, request: VendorRequest, *, kind: str, file: str, name: str, sha256: str,
                     expires_on: str, now: dt.datetime) -> VendorDocument:
        document = VendorDocument(document_id="D-" + uuid.uuid4().hex[:12].upper(), request_id=request.request_id,
                                  vendor=request.vendor, kind=kind, file=file, name=name, sha256=sha256,
                                  expires_on=expires_on, uploaded_at=_iso(now))
        values = {name: getattr(document, name) for name in _DOCUMENT_COLUMNS.split(", ")}
        with self._db.transaction() as db:
            db.execute(f"INSERT INTO council_vendor_documents ({_DOCUMENT_COLUMNS}) VALUES "
                       f"({', '.join(':' + name for name in values)})", values)
        return document

    def documents(self, request_id: str | None = None) -> list[VendorDocument]:
        """The documents of one request (or all), in the order they came."""
        where = "WHERE request_id = :id " if request_id is not None else ""
        rows = self._db.execute(f"SELECT {_DOCUMENT_COLUMNS} FROM council_vendor_documents {where}"
                                "ORDER BY uploaded_at, document_id", {"id": request_id})
        return [VendorDocument(*(str(value) for value in row)) for row in rows]

    # --- reminders --------------------------------------------------------------------------------------------

    def reminded(self, key: str) -> bool:
        return self._db.execute("SELECT 1 FROM council_reminders WHERE reminder_key = :key",
                                {"key": key}).fetchone() is not None

    def record_reminder(self, key: str, *, kind: str, target: str, recipient: str, now: dt.datetime) -> None:
        with self._db.transaction() as db:
            db.execute("INSERT INTO council_reminders (reminder_key, kind, target, recipient, sent_at) VALUES "
                       "(:key, :kind, :target, :recipient, :at)",
                       {"key": key, "kind": kind, "target": target, "recipient": recipient, "at": _iso(now)})


def _request(row: Sequence[object]) -> VendorRequest:
    values = [str(value) if value is not None else "" for value in row]
    revoked = bool(int(values[9]))
    return VendorRequest(*values[:9], revoked, *values[10:])  # type: ignore[arg-type, call-arg]


def _check_email(email: str) -> None:
    local, _, domain = email.rpartition("@")
    if (not local or "." not in domain or len(email) > 254 or any(c.isspace() or c in "<>,;\"()[]\\" for c in email)
            or domain.startswith(".") or domain.endswith(".")):
        _refuse(f"{email!r} is not a mail address (name@example.com)")


def _refuse(message: str) -> Any:
    from riskengine.council.errors import CouncilError

    raise CouncilError(message)
