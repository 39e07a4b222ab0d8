"""The register: ``history`` (assessments over time, and what changed), ``approve`` (a sign-off), ``verify`` (is this
the report that was recorded?), ``due`` (vendors to reassess) and ``register check`` (its hash chain).

These commands answer at once: at the top this module imports only click, and ``history`` and ``due`` never import
pydantic.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from riskengine.cli.errors import EXIT_UNVERIFIED, usage
from riskengine.cli.options import EXISTING, configured, database, db_option, json_flag
from riskengine.cli.text import cut, plural

if TYPE_CHECKING:
    from riskengine.register.approvals import Role, SignOffDecision
    from riskengine.register.history import VendorDiff, VendorHistory
    from riskengine.register.store import Register, VendorRow

DUE_WITHIN_DAYS = 30


def _register(db_path: Path | str | None) -> Register:
    from riskengine.register.store import Register

    return Register(database(db_path))


@click.command()
@configured
@click.argument("selection", nargs=-1, metavar="[VENDOR | ID | ID1 ID2]")
@click.option("--diff", is_flag=True,
              help="Show what changed: between ID1 and ID2, from the assessment before ID to ID, or between the "
                   "latest two of VENDOR.")
@json_flag("Print the listing or the changes as JSON.")
@db_option
def history(selection: tuple[str, ...], diff: bool, as_json: bool, db_path: Path | str | None) -> None:
    """Assessments over time: every vendor (no argument), or one VENDOR's assessments with tier and score.

    VENDOR is a domain, a legal name or a product (any case; a part of one if nothing matches exactly), or
    one of the vendor's assessment ids.

    \b
    riskengine history                        every vendor, latest assessment
    riskengine history northwindmail.com      one vendor's assessments, oldest first
    riskengine history --diff northwindmail.com   what changed between its latest two
    riskengine history --diff RA-20260524-... RA-20261124-...
    """
    from riskengine.register.history import diff_selection, vendor_history

    if diff and len(selection) not in (1, 2):
        usage("history --diff takes ID1 ID2, one assessment ID, or one VENDOR")
    if not diff and len(selection) > 1:
        usage("history takes one VENDOR (quote a name with spaces), or --diff ID1 ID2")
    with _register(db_path) as register:
        if diff:
            _show_diff(diff_selection(register, selection), as_json)
        elif not selection:
            _show_vendors(register.vendors(), as_json)
        else:
            _show_history(vendor_history(register, selection[0]), as_json)


def _show_vendors(vendors: list[VendorRow], as_json: bool) -> None:
    if as_json:
        import dataclasses
        import json

        click.echo(json.dumps([dataclasses.asdict(vendor) for vendor in vendors], indent=2))
        return
    if not vendors:
        click.echo("the register holds no assessment yet")
        return
    click.echo(f"{'vendor':<34} {'domain':<26} {'assessments':>11}  {'latest':<10}  {'tier':<8} {'residual':>8}  "
               f"reassess by")
    for vendor in vendors:
        click.echo(f"{cut(vendor.name, 34):<34} {cut(vendor.domain, 26):<26} {vendor.assessments:>11}  "
                   f"{vendor.latest_created[:10]:<10}  {vendor.tier:<8} {vendor.residual:>8.1f}  "
                   f"{vendor.reassess_by or '-'}")


def _show_history(listing: VendorHistory, as_json: bool) -> None:
    from riskengine.register.approvals import describe_status

    vendor, rows, signoffs = listing.vendor, listing.assessments, listing.signoffs
    if as_json:
        import dataclasses
        import json

        click.echo(json.dumps([{**dataclasses.asdict(row), "signoffs": [dataclasses.asdict(s) for s in signoffs.get(
            row.assessment_id, [])]} for row in rows], indent=2))
        return
    click.echo(f"{vendor.name} ({vendor.domain or vendor.vendor_key}): {plural(len(rows), 'assessment')}")
    click.echo(f"  {'assessed':<16}  {'assessment':<22}  {'tier':<8} {'residual':>15}  {'decision':<23}  sign-off")
    previous: float | None = None
    for row in rows:
        delta = "" if previous is None else f" ({row.residual - previous:+.1f})"
        click.echo(f"  {row.created[:16].replace('T', ' '):<16}  {row.assessment_id:<22}  {row.tier:<8} "
                   f"{f'{row.residual:.1f}{delta}':>15}  {row.decision.replace('_', ' '):<23}  "
                   f"{describe_status(signoffs.get(row.assessment_id, []))}")
        previous = row.residual


def _show_diff(diff: VendorDiff, as_json: bool) -> None:
    changes = diff.changes
    if as_json:
        click.echo(changes.model_dump_json(indent=2))
        return
    click.echo(f"{diff.vendor_name}: {changes.older} ({changes.older_created[:10]}) -> {changes.newer} "
               f"({changes.newer_created[:10]})")
    click.echo(f"  {'tier':<22} {_change(*changes.tier)}")
    click.echo(f"  {'decision':<22} {_change(*(d.replace('_', ' ') for d in changes.decision))}")
    for score in changes.scores:
        click.echo(f"  {score.name.replace('_', ' '):<22} {score.before:.1f} -> {score.after:.1f} "
                   f"({score.delta:+.1f})")
    click.echo(f"  {'inputs changed':<22} {', '.join(changes.inputs_changed) or 'none'}")
    click.echo(f"answers changed ({len(changes.answers)})")
    for answer in changes.answers:
        click.echo(f"  {answer.question_id:<10} {cut(answer.question, 60)}")
        click.echo(f"  {'':<10} {_quoted(answer.before)} -> {_quoted(answer.after)}")
    click.echo(f"evidence changed ({len(changes.evidence)})")
    for item in changes.evidence:
        click.echo(f"  {item.check:<24} {item.before or '(none)'} -> {item.after or '(none)'}")
    for title, findings in (("findings added", changes.findings_added),
                            ("findings resolved", changes.findings_removed)):
        click.echo(f"{title} ({len(findings)})")
        for finding in findings:
            click.echo(f"  {finding.rule_id:<14} {finding.severity:<8} {finding.title}")
    if changes.knockouts_added or changes.knockouts_removed:
        click.echo(f"knockouts added: {', '.join(changes.knockouts_added) or 'none'}; "
                   f"removed: {', '.join(changes.knockouts_removed) or 'none'}")


def _change(before: str, after: str) -> str:
    return before if before == after else f"{before} -> {after}"


def _quoted(text: str | None) -> str:
    return "(no answer)" if text is None else f'"{cut(text, 50)}"'


def _minute(iso: str) -> str:
    """``2026-11-24 09:00Z`` from the register's ISO UTC times."""
    return iso.replace("T", " ")[:16] + "Z"


@click.command()
@configured
@click.argument("assessment_id")
@click.option("--role", type=click.Choice(["it", "marketing", "compliance"]), required=True,
              help="The council role signing.")
@click.option("--by", "signed_by", required=True, metavar="NAME", help="Who signs (full name).")
@click.option("--decision", type=click.Choice(["approve", "reject"]), required=True)
@click.option("--note", default="", help="Why, or on what condition.")
@click.option("--report", "report", type=EXISTING,
              help="The PDF being approved (its sha256 must be a recorded report of the assessment). Default: "
                   "the assessment's latest recorded report.")
@db_option
def approve(assessment_id: str, role: Role, signed_by: str, decision: SignOffDecision, note: str, report: Path | None,
            db_path: Path | str | None) -> None:
    """Record a sign-off of ASSESSMENT_ID, bound to the sha256 of the exact report it approves.

    A reject by any role is final; an approval is final when IT, marketing and compliance have all approved,
    in any order. Each role signs once.
    """
    from riskengine.clock import run_clock
    from riskengine.digest import file_sha256
    from riskengine.register.approvals import PAST, approval_status, describe_status

    now = run_clock()  # a bad SOURCE_DATE_EPOCH is refused before the register is opened
    with _register(db_path) as register:
        signoff = register.sign(assessment_id, role=role, signed_by=signed_by, decision=decision, note=note,
                                now=now, report_sha256=file_sha256(report) if report else None)
        signoffs = register.signoffs(assessment_id)
    status = approval_status(signoffs)
    click.echo(f"{assessment_id}: {signoff.role} {PAST[signoff.decision]} by {signoff.signed_by} on "
               f"{signoff.signed_at[:10]} (the PDF for {signoff.report_audience}, sha256 {signoff.report_sha256})")
    click.echo(f"status: {describe_status(signoffs)}{' (final)' if status != 'pending' else ''}")


@click.command()
@configured
@click.argument("report", type=EXISTING)
@db_option
def verify(report: Path, db_path: Path | str | None) -> None:
    """Say whether REPORT (a PDF or JSON riskengine wrote) is one the register knows, unchanged, and its sign-offs.

    A PDF is named with its audience (full, it, marketing, compliance): every report assess or render wrote of
    an assessment is recorded. Exit 0 when it is and the register's hash chain holds; 4 when it is not (a changed
    byte, or never recorded), or when the register itself was altered (then the file's record cannot be trusted).
    """
    from riskengine.register.verification import verify_report

    with _register(db_path) as register:
        verification = verify_report(register, report)
    output, row, sha256 = verification.output, verification.assessment, verification.sha256
    if output is None:
        click.echo(f"{report}: NOT VERIFIED: no report with sha256 {sha256} is in the register", err=True)
        if verification.outcome == "changed":
            click.echo(f"  it names {', '.join(verification.named)}, whose recorded reports differ from this file: it "
                       "was changed after it was written", err=True)
        if not verification.chain.intact:
            click.echo(f"  {verification.chain_status}", err=True)
        sys.exit(EXIT_UNVERIFIED)
    what = _recorded_as(output.kind, output.audience, output.assessment_id)
    if verification.outcome == "verified":
        click.echo(f"{report}: verified: {what}, unchanged")
    else:
        click.echo(f"{report}: NOT VERIFIED: {verification.chain_status}", err=True)
        click.echo(f"{report}: the register records it as {what}, but cannot be trusted")
    if row is not None:
        click.echo(f"  vendor     {row.vendor_name}{f' ({row.domain})' if row.domain else ''}")
        click.echo(f"  result     {row.decision.replace('_', ' ')}, tier {row.tier}, residual {row.residual:.1f}/100")
        click.echo(f"  assessed   {_minute(row.created)}; recorded {_minute(output.recorded_at)}")
    click.echo(f"  sha256     {sha256}")
    for signoff in verification.signoffs:
        bound = "this report" if verification.signed_this_file(signoff) else \
            f"the PDF for {signoff.report_audience}, sha256 {signoff.report_sha256[:16]}…"
        note = f": {signoff.note}" if signoff.note else ""
        click.echo(f"  sign-off   {signoff.role:<10} {signoff.decision:<7} {signoff.signed_by}, "
                   f"{signoff.signed_at[:10]} ({bound}){note}")
    click.echo(f"  status     {verification.status_text}")
    click.echo(f"  register   {verification.chain.status}")
    if verification.outcome != "verified":
        sys.exit(EXIT_UNVERIFIED)


def _recorded_as(kind: str, audience: str, assessment_id: str) -> str:
    """``the PDF (audience marketing) of RA-...``; a JSON result is whole whatever the audience of its run."""
    return f"the PDF (audience {audience}) of {assessment_id}" if kind == "pdf" else f"the JSON of {assessment_id}"


@click.command()
@configured
@click.option("--within", "within_days", type=click.IntRange(min=0), default=DUE_WITHIN_DAYS, show_default=True,
              metavar="DAYS", help="Also list vendors due within this many days.")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="The day to count from (YYYY-MM-DD). Default: today, or the day SOURCE_DATE_EPOCH fixes.")
@json_flag("Print the vendors as JSON.")
@db_option
def due(within_days: int, as_of: dt.datetime | None, as_json: bool, db_path: Path | str | None) -> None:
    """Vendors whose reassessment date (set by the tier of their latest assessment) has passed or is near.

    Then the open conditions of approvals (tracked by the web app, riskengine serve) due by the same day, the
    overdue ones flagged. The JSON lists the vendors; the web app's /api/due gives both.
    """
    from riskengine.council.conditions import conditions_due
    from riskengine.council.store import Council

    if as_of is not None:
        today = as_of.date()
    else:
        from riskengine.clock import run_clock

        today = run_clock().date()
    until = today + dt.timedelta(days=within_days)
    store = database(db_path)
    with _register(db_path) as register, Council(store) as council:
        vendors = register.due(until)
        conditions = [] if as_json else conditions_due(register, council, until)
        names = register.vendor_names([condition.assessment_id for condition in conditions])
    if as_json:
        import dataclasses
        import json

        click.echo(json.dumps([{**dataclasses.asdict(vendor), "days_left": (
            dt.date.fromisoformat(vendor.reassess_by) - today).days} for vendor in vendors], indent=2))
        return
    if not vendors:
        click.echo(f"as of {today}: no vendor is due for reassessment within {within_days} days")
    else:
        overdue = sum(1 for vendor in vendors if vendor.reassess_by < today.isoformat())
        click.echo(f"as of {today}: {plural(len(vendors), 'vendor')} due by {until} ({overdue} overdue)")
        click.echo(f"  {'reassess by':<11}  {'':<16}  {'vendor':<34} {'tier':<8} {'last assessed':<13}  assessment")
        for vendor in vendors:
            click.echo(f"  {vendor.reassess_by:<11}  {_when(vendor.reassess_by, today):<16}  "
                       f"{cut(vendor.name, 34):<34} {vendor.tier:<8} {vendor.latest_created[:10]:<13}  "
                       f"{vendor.latest_assessment}")
    if conditions:
        overdue = sum(1 for condition in conditions if condition.due_date < today.isoformat())
        click.echo(f"{plural(len(conditions), 'open condition')} due by {until} ({overdue} overdue)")
        for condition in conditions:
            click.echo(f"  {condition.due_date:<11}  {_when(condition.due_date, today):<16}  "
                       f"{cut(names.get(condition.assessment_id, condition.assessment_id), 34):<34} "
                       f"{condition.owner:<10} {condition.assessment_id} {condition.condition_id}: "
                       f"{cut(condition.action, 60)}")


def _when(day: str, today: dt.date) -> str:
    days = (dt.date.fromisoformat(day) - today).days
    return f"overdue {-days} days" if days < 0 else "due today" if days == 0 else f"in {days} days"


@click.group("register", short_help="Check that the register proves its own history (its hash chain).")
def register_group() -> None:
    """The register itself: check that its history is as riskengine recorded it."""


@register_group.command("check")
@configured
@db_option
@click.option("--head", metavar="HASH",
              help="A head printed by an earlier check and kept away from the file: the chain must still hold it "
                   "(else it was rewritten since).")
@json_flag("Print the report as JSON (the exit code is the same).")
def check_command(db_path: Path | str | None, head: str | None, as_json: bool) -> None:
    """Verify the register's hash chain: every assessment, result, output and sign-off, in order.

    Names the first record changed, deleted, moved or inserted outside riskengine (exit 4), or prints how many
    records hold and the chain's head (exit 0). Works on a copy of the file whose triggers were dropped. Keep
    the head somewhere else: a writer who recomputes the chain after a change leaves it intact, but not --head.

    \b
    riskengine register check --db riskengine.db
    riskengine register check --head 10c1ecbce3a1451c0869d0878c6aabf7ea9642f35025cedf90edc310926ad833
    """
    with _register(db_path) as register:
        report = register.check_chain(head)
    if as_json:
        click.echo(report.model_dump_json(indent=2))
    elif report.intact:
        click.echo(f"{report.path}: {report.summary()}")
    else:
        click.echo(f"{report.path}: {report.summary()}", err=True)
        click.echo(f"  {report.records} records hold before it; head {report.head}", err=True)
    if not report.intact:
        sys.exit(EXIT_UNVERIFIED)
