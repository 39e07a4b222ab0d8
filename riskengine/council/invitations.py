"""Inviting a vendor: a request with its token, and the mail with the link (``riskengine invite`` and the web app's
Vendor requests page both call ``invite``).

The request is recorded first, as ``unsent``; only when the mail server has accepted the mail does it become
``sent``. A server that fails leaves it unsent (``MailError``), and inviting the same vendor at the same address
again sends that request, with a new token (the old link never reached anyone, and now never works).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from riskengine.council.requests import VendorRequest, VendorRequests
from riskengine.council.wording import VendorRules, vendor_rules

if TYPE_CHECKING:
    from riskengine.settings.mail import MailSettings


@dataclass(frozen=True)
class Invitation:
    request: VendorRequest
    resent: bool
    """Whether an unsent request of the same vendor and address was sent (instead of a new one made)."""


def vendor_link(public_url: str, request_id: str, token: str) -> str:
    """The link a vendor opens: the web app's vendor page of this request, with its token."""
    return f"{public_url.rstrip('/')}/vendor/{request_id}/{token}"


def invite(requests: VendorRequests, vendor: str, email: str, *, mail: MailSettings, now: dt.datetime,
           actor: str, role: str, due: dt.date | None = None, remote: str = "", reason: str = "invitation",
           document: str = "", expires: str = "", rules: VendorRules | None = None,
           organisation: str | None = None) -> Invitation:
    """Open a request for ``vendor`` at ``email`` (due on ``due``, else ``default_due_days`` from today) and mail
    the link. ``MailError`` when the mail is not accepted: the request stays ``unsent``."""
    from riskengine.council.mail import Mail, send_mails

    rules = rules or vendor_rules()
    due = due or (now.date() + dt.timedelta(days=rules.default_due_days))
    if due < now.date():
        from riskengine.council.errors import CouncilError

        raise CouncilError(f"the due date {due.isoformat()} has passed (today is {now.date().isoformat()})")
    unsent = [item for item in requests.requests(states=["unsent"], vendor=vendor)
              if item.email.casefold() == email.strip().casefold() and item.reason == reason]
    if unsent:
        request = requests.update(unsent[0], actor=actor, role=role, remote=remote, action="request resend",
                                  detail=f"to {email}, due {due.isoformat()}", due_date=due.isoformat())
        token = requests.new_token(request.request_id)
        request = requests.get(request.request_id) or request
    else:
        request, token = requests.create(vendor, email, due=due, now=now, created_by=actor, reason=reason,
                                         link_days_after_due=rules.link_days_after_due)
        requests.council.audit(actor=actor, role=role, action="request created", target=request.request_id,
                               detail=f"{request.vendor}: to {request.email}, due {request.due_date} ({reason})",
                               remote=remote)
    text = rules.mails["evidence" if document else "invitation"]
    subject, body = text.fill(vendor=request.vendor, link=vendor_link(mail.public_url, request.request_id,
                                                                                   token),
                                           due=request.due_date, organisation=organisation or rules.organisation,
                                           document=document, expires=expires)
    try:
        send_mails(mail, [Mail(to=request.email, subject=subject, body=body)], now=now)
    except Exception as exc:
        requests.council.audit(actor=actor, role=role, action="request not sent", target=request.request_id,
                               detail=f"{request.vendor}: {exc}", remote=remote)
        raise
    sent = requests.update(request, actor=actor, role=role, remote=remote, state="sent",
                           sent_at=now.astimezone(dt.UTC).replace(microsecond=0).isoformat(),
                           detail=f"invitation mailed to {request.email} through {mail.shown}")
    return Invitation(request=sent, resent=bool(unsent))
