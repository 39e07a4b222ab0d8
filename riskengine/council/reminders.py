"""Chasing (``riskengine remind``, run daily by cron or a systemd timer): mail vendors whose request is due soon or
overdue, the owners of conditions due soon or overdue, and open a request for a new evidence document nearing its
expiry.

Idempotent: each reminder has a key (``request:VR-...:due-soon``, ``request:VR-...:overdue:2`` for the third week
overdue, ``condition:RA-...:C1:soon``, ``evidence:D-...``) recorded when the mail server has accepted it, and a
key already recorded is never sent again: a second run the same day (or a rerun after a failure) sends only
what was not sent. A mail server that fails stops the run with a ``MailError``; what was sent before stays
recorded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from riskengine.council.requests import OPEN_TO_VENDOR, STATE_WORDS, VendorRequests
from riskengine.council.wording import VendorRules, vendor_rules

if TYPE_CHECKING:
    from riskengine.council.mail import Mail
    from riskengine.council.store import Council
    from riskengine.register.store import Register
    from riskengine.settings.mail import MailSettings

ACTOR = "(remind)"


@dataclass(frozen=True)
class Reminder:
    key: str
    kind: str
    """``due soon``, ``overdue``, ``condition`` or ``evidence``."""
    target: str
    """The request, or the assessment and condition (``RA-...#C1``), or the document."""
    recipient: str
    subject: str


def remind(council: Council, register: Register, *, mail: MailSettings, as_of: dt.date, now: dt.datetime,
           rules: VendorRules | None = None, organisation: str | None = None) -> tuple[list[Reminder], list[str]]:
    """Send what is due ``as_of``; the reminders sent and the notes on those that could not be (an owner's role
    with no address)."""
    from riskengine.council.mail import Mail, Mailer

    rules = rules or vendor_rules()
    organisation = organisation or rules.organisation
    requests = VendorRequests(council)
    sent: list[Reminder] = []
    notes: list[str] = []
    pending: list[tuple[Reminder, Mail]] = []
    for request in requests.requests(states=OPEN_TO_VENDOR):
        if not request.due_date:
            continue
        days = (dt.date.fromisoformat(request.due_date) - as_of).days
        if 0 <= days <= rules.remind_before_due_days:
            kind, key, text = "due soon", f"request:{request.request_id}:due-soon", rules.mails["due_soon"]
        elif days < 0:
            week = (-days - 1) // rules.overdue_every_days
            kind, key, text = "overdue", f"request:{request.request_id}:overdue:{week}", rules.mails["overdue"]
        else:
            continue
        if requests.reminded(key):
            continue
        subject, body = text.fill(vendor=request.vendor, due=request.due_date, organisation=organisation,
                                               state=STATE_WORDS[request.state], sent=request.sent_at[:10])
        pending.append((Reminder(key, kind, request.request_id, request.email, subject),
                        Mail(request.email, subject, body)))
    pending += _conditions(council, register, requests, mail, as_of, rules, organisation, notes)
    if pending:
        with Mailer(mail) as mailer:
            for reminder, message in pending:
                mailer.send(message, now=now)
                requests.record_reminder(reminder.key, kind=reminder.kind, target=reminder.target,
                                         recipient=reminder.recipient, now=now)
                council.audit(actor=ACTOR, role="", action=f"reminder {reminder.kind}", target=reminder.target,
                              detail=f"to {reminder.recipient}: {reminder.subject}")
                sent.append(reminder)
    sent += _evidence(requests, mail, as_of, now, rules, organisation)
    return sent, notes


def _conditions(council: Council, register: Register, requests: VendorRequests, mail: MailSettings,
                as_of: dt.date, rules: VendorRules, organisation: str, notes: list[str]) -> list[tuple[Reminder, Mail]]:
    from riskengine.council.conditions import conditions_due
    from riskengine.council.mail import Mail

    names = {vendor.vendor_key: vendor.name for vendor in register.vendors()}
    pending: list[tuple[Reminder, Mail]] = []
    for condition in conditions_due(register, council, as_of + dt.timedelta(days=rules.condition_remind_days)):
        days = (dt.date.fromisoformat(condition.due_date) - as_of).days
        stage = "soon" if days >= 0 else f"overdue:{(-days - 1) // rules.overdue_every_days}"
        key = f"condition:{condition.assessment_id}:{condition.condition_id}:{stage}"
        if requests.reminded(key):
            continue
        vendor = names.get(condition.vendor_key, condition.vendor_key)
        if condition.owner == "vendor":
            asked = [item.email for item in requests.requests(vendor=vendor) if item.state != "unsent"]
            recipients = asked[:1] or council.emails_of_role("compliance")
        else:
            recipients = council.emails_of_role(condition.owner)
        target = f"{condition.assessment_id}#{condition.condition_id}"
        if not recipients:
            notes.append(f"{target} ({vendor}) is due on {condition.due_date}, owned by {condition.owner}: no "
                         f"address to remind (riskengine user add NAME --role {condition.owner} --email ADDRESS)")
            continue
        subject, body = rules.mails["condition"].fill(
            vendor=vendor, due=condition.due_date, organisation=organisation, condition=condition.condition_id,
            assessment=condition.assessment_id, action=condition.action, owner=condition.owner,
            link=f"{mail.public_url}/assessments/{condition.assessment_id}#conditions")
        for recipient in recipients:
            pending.append((Reminder(key if recipient == recipients[0] else f"{key}:{recipient}", "condition",
                                     target, recipient, subject), Mail(recipient, subject, body)))
    return pending


def _evidence(requests: VendorRequests, mail: MailSettings, as_of: dt.date, now: dt.datetime, rules: VendorRules,
              organisation: str) -> list[Reminder]:
    """A request for a new document for each one expiring within ``evidence_renewal_days`` that nothing newer of
    the same vendor and kind replaces."""
    from riskengine.council.invitations import invite

    documents = [item for item in requests.documents() if item.expires_on]
    latest: dict[tuple[str, str], str] = {}
    for document in documents:
        kind = (document.vendor.casefold(), document.kind)
        latest[kind] = max(latest.get(kind, ""), document.expires_on)
    sent: list[Reminder] = []
    until = (as_of + dt.timedelta(days=rules.evidence_renewal_days)).isoformat()
    for document in documents:
        key = f"evidence:{document.document_id}"
        if (document.expires_on > until or latest[(document.vendor.casefold(), document.kind)] > document.expires_on
                or requests.reminded(key)):
            continue
        origin = requests.get(document.request_id)
        if origin is None:
            continue
        title = rules.documents[document.kind].title if document.kind in rules.documents else document.kind
        expires = dt.date.fromisoformat(document.expires_on)
        due = max(min(as_of + dt.timedelta(days=rules.default_due_days), expires), as_of, now.date())
        invitation = invite(requests, origin.vendor, origin.email, mail=mail, now=now, actor=ACTOR, role="", due=due,
                            reason=f"evidence {document.kind} {document.document_id}", document=title,
                            expires=document.expires_on, rules=rules, organisation=organisation)
        requests.record_reminder(key, kind="evidence", target=invitation.request.request_id,
                                 recipient=origin.email, now=now)
        sent.append(Reminder(key, "evidence", invitation.request.request_id, origin.email,
                             f"new {title} (expires {document.expires_on})"))
    return sent
