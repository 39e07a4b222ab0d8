"""The vendor loop's commands: ``invite`` (a request with its private link, mailed to the vendor) and ``remind``
(the daily chase: overdue and near-due requests, conditions due, evidence expiring). See docs/vendors.md."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import click

from riskengine.cli.options import EXISTING, configured, database, db_option, mail_options

if TYPE_CHECKING:
    from riskengine.cli.options import MailOptions


class _Date(click.ParamType):  # type: ignore[type-arg]
    name = "YYYY-MM-DD"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> dt.date:
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"expected a date as YYYY-MM-DD, got {value!r}", param, ctx)


DATE = _Date()


def _organisation(org: Path | None) -> str | None:
    if org is None:
        return None
    from riskengine.organisation import load_org_profile

    return load_org_profile(org).organisation


@click.command()
@configured
@click.argument("vendor")
@click.option("--email", required=True, help="The vendor's contact address: the link is mailed there.")
@click.option("--due", type=DATE, help="When the answers are due. Default: 14 days from today "
                                       "(templates/vendors.yaml).")
@click.option("--org", "org_profile", type=EXISTING, help="Organisation profile: its name signs the mail.")
@db_option
@mail_options
def invite(vendor: str, email: str, due: dt.date | None, org_profile: Path | None, db_path: Path | str | None,
           mail: MailOptions) -> None:
    """Invite VENDOR to answer our questionnaire: mails a private link to its page of the web app.

    \b
    riskengine invite "Northwind Mailworks" --email security@northwind.example --due 2026-12-15

    The request is recorded, then the mail sent through the mail server of [mail] in riskengine.toml (smtp://
    with STARTTLS, or smtps://; the password in RISKENGINE_SMTP_PASSWORD). A server that fails is exit 9 and the
    request stays unsent; run the same command again to send it. See docs/vendors.md.
    """
    from riskengine.clock import run_clock
    from riskengine.council.invitations import invite as invite_vendor
    from riskengine.council.requests import VendorRequests
    from riskengine.council.store import Council

    settings = mail.settings()
    with Council(database(db_path)) as council:
        invitation = invite_vendor(VendorRequests(council), vendor, email, mail=settings, now=run_clock(),
                                   actor="(command line)", role="admin", due=due,
                                   organisation=_organisation(org_profile))
    request = invitation.request
    again = " (the unsent request, again)" if invitation.resent else ""
    click.echo(f"{request.request_id}: invited {request.vendor} <{request.email}>{again}, due {request.due_date}; "
               f"link valid until {request.expires_at[:10]}; mailed through {settings.shown}")


@click.command()
@configured
@click.option("--as-of", type=DATE, help="The day to remind as of. Default: today (SOURCE_DATE_EPOCH fixes it).")
@click.option("--org", "org_profile", type=EXISTING, help="Organisation profile: its name signs the mails.")
@db_option
@mail_options
def remind(as_of: dt.date | None, org_profile: Path | None, db_path: Path | str | None, mail: MailOptions) -> None:
    """Mail the reminders due today: vendors late or near their due date, owners of conditions due soon, and a
    request for a new evidence document nearing its expiry. Run it daily (cron, a systemd timer).

    \b
    riskengine remind
    riskengine remind --as-of 2026-12-20

    Idempotent: a reminder is recorded when sent and never sent twice, so a rerun sends only what a failure left.
    A mail server that fails is exit 9. See docs/vendors.md.
    """
    from riskengine.clock import run_clock
    from riskengine.council.reminders import remind as send_reminders
    from riskengine.council.store import Council
    from riskengine.register.store import Register

    now = run_clock()
    day = as_of or now.date()
    store = database(db_path)
    settings = mail.settings()
    with Council(store) as council, Register(store) as register:
        sent, notes = send_reminders(council, register, mail=settings, as_of=day, now=now,
                                     organisation=_organisation(org_profile))
    for reminder in sent:
        click.echo(f"{reminder.kind:<9} {reminder.target:<22} to {reminder.recipient}: {reminder.subject}")
    for note in notes:
        click.echo(f"warning: {note}", err=True)
    click.echo(f"{len(sent)} reminder{'s' if len(sent) != 1 else ''} sent as of {day.isoformat()}")
