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

from riskengine.cli.errors import (
    EXIT_CHANGED,
    EXIT_INPUT,
    EXIT_NOT_SIGNED,
    EXIT_UNTRUSTED,
    EXIT_UNVERIFIED,
    fail,
    usage,
)
from riskengine.cli.options import EXISTING, OUTPUT, configured, database, db_option, json_flag, settings_in_effect
from riskengine.cli.text import cut, plural

if TYPE_CHECKING:
    from collections.abc import Callable

    from riskengine.register.approvals import Role, SignOff, SignOffDecision, SignOffProof
    from riskengine.register.history import VendorDiff, VendorHistory
    from riskengine.register.store import Register, VendorRow
    from riskengine.register.verification import Verification
    from riskengine.signing.check import RegisterComparison, SignatureCheck

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
@click.option("--by", "signed_by", metavar="NAME",
              help="Who signs (full name). With a user key (--key) the key's certificate names who signs, and "
                   "--by may be left out; without one, the name is typed, not proven (the signed report says so).")
@click.option("--key", "user_key", type=EXISTING, metavar="USER.key",
              help="Sign the sign-off with your own key (riskengine keys init --user; its certificate USER.crt "
                   "beside it): proves who made it. Default: signing.user-key in riskengine.toml.")
@click.option("--decision", type=click.Choice(["approve", "reject"]), required=True)
@click.option("--note", default="", help="Why, or on what condition.")
@click.option("--report", "report", type=EXISTING,
              help="The PDF being approved (its sha256 must be a recorded report of the assessment). Default: "
                   "the assessment's latest recorded report.")
@click.option("--signed-pdf", "signed_pdf", type=OUTPUT,
              help="Where to write the signed report when this sign-off makes the decision final. Default: "
                   "ASSESSMENT_ID-signed.pdf in the working folder.")
@db_option
def approve(assessment_id: str, role: Role, signed_by: str | None, user_key: Path | None, decision: SignOffDecision,
            note: str, report: Path | None, signed_pdf: Path | None, db_path: Path | str | None) -> None:
    """Record a sign-off of ASSESSMENT_ID, bound to the sha256 of the exact report it approves.

    A reject by any role is final; an approval is final when IT, marketing and compliance have all approved,
    in any order. Each role signs once. When this sign-off makes the decision final and a signing key is
    configured ([signing] in riskengine.toml), the report is issued as a PDF signed with the organisation's key
    (docs/signing.md).

    \b
    riskengine approve RA-... --role it --key keys/ada.key --decision approve
    riskengine approve RA-... --role compliance --by "Dana Ruiz" --decision reject --note "no DPA"
    """
    from riskengine.clock import run_clock
    from riskengine.digest import file_sha256
    from riskengine.register.approvals import PAST, approval_status, describe_status

    now = run_clock()  # a bad SOURCE_DATE_EPOCH is refused before the register is opened
    signing = settings_in_effect().signing()
    user_key = user_key or signing.user_key
    prove = None
    if user_key is not None:
        signed_by, prove = _user_proof(user_key, signed_by)
    elif not signed_by or not signed_by.strip():
        usage("approve needs --by NAME, or --key USER.key (riskengine keys init --user NAME) to sign with your key")
    store = database(db_path)
    with _register(db_path) as register:
        signoff = register.sign(assessment_id, role=role, signed_by=signed_by or "", decision=decision, note=note,
                                now=now, report_sha256=file_sha256(report) if report else None, prove=prove)
        signoffs = register.signoffs(assessment_id)
        status = approval_status(signoffs)
        how = " with the key of certificate SHA-256 " + signoff.proof.subject if signoff.proof else \
            " (name typed: not proven by a key)"
        click.echo(f"{assessment_id}: {signoff.role} {PAST[signoff.decision]} by {signoff.signed_by} on "
                   f"{signoff.signed_at[:10]} (the PDF for {signoff.report_audience}, sha256 {signoff.report_sha256})")
        click.echo(f"  signed{how}")
        click.echo(f"status: {describe_status(signoffs)}{' (final)' if status != 'pending' else ''}")
        if status == "pending":
            return
        if signing.key is None:
            click.echo("no signed report issued: no signing key is configured ([signing] key in riskengine.toml; "
                       "riskengine keys init, docs/signing.md)", err=True)
            return
        from riskengine.cli.keys import issue_signed, show_issued
        from riskengine.errors import RiskEngineError
        from riskengine.signing.issue import signed_report_name

        try:
            issued = issue_signed(register, assessment_id, signing=signing, store=store, now=now,
                                  pdf=signed_pdf or Path(signed_report_name(assessment_id)))
        except RiskEngineError as exc:  # the sign-off stands: say how to issue the signed report once fixed
            fail(EXIT_INPUT, f"the sign-off is recorded, but the signed report was not issued: {exc}\n  issue it "
                             f"with: riskengine sign {assessment_id}")
    show_issued(issued)


def _user_proof(user_key: Path, signed_by: str | None) -> tuple[str, Callable[[SignOff], SignOffProof]]:
    """The name a user's key gives and the proof it makes of a sign-off (its signature over the statement)."""
    from cryptography.hazmat.primitives.serialization import Encoding

    from riskengine.register.approvals import SignOffProof, signoff_statement
    from riskengine.signing.keys import common_name, fingerprint, load_key, sign_statement

    loaded = load_key(user_key, user_key.with_suffix(".crt"))
    name = common_name(loaded.certificate)
    if signed_by is not None and " ".join(signed_by.split()) != name:
        usage(f"--by {signed_by!r} is not who the key {user_key} names ({name!r}): leave --by out with --key")
    certificate = loaded.certificate.public_bytes(Encoding.PEM).decode("ascii")
    subject = fingerprint(loaded.certificate)

    def prove(signoff: SignOff) -> SignOffProof:
        return SignOffProof("key", subject, certificate, sign_statement(loaded, signoff_statement(signoff)))

    return name, prove


@click.command()
@configured
@click.argument("report", type=EXISTING)
@click.option("--cert", "certificates", type=EXISTING, multiple=True, metavar="PATH",
              help="A certificate to trust (PEM or DER; repeatable): the organisation's, or the CA that issued "
                   "it. Default: signing.certificate in riskengine.toml.")
@json_flag("Print the answer as JSON (the exit code is the same).")
@db_option
def verify(report: Path, certificates: tuple[Path, ...], as_json: bool, db_path: Path | str | None) -> None:
    """Say whether REPORT is a report riskengine issued, unchanged: by its signature, and by the register.

    A signed report (issued once the decision is final) is checked without the register: the signature over
    every byte, who signed and when, the sign-offs and the inputs' sha256 it lists; then beside the register,
    when one is at hand, which must agree. Any other report or JSON result riskengine wrote is looked up in the
    register (a PDF is named with its audience).

    \b
    Exit codes: 0 verified; 4 not a report the register knows, or the register was altered or disagrees with
    the signed report; 6 no signature where one is expected (removed); 7 changed after signing (a byte flipped,
    bytes appended) or damaged; 8 signed with another key, or no certificate to trust.
    """
    from riskengine.signing.check import looks_signed, read_report

    data = read_report(report)  # a regular file of a report's size: never a pipe or a device read forever
    if looks_signed(data) or certificates:
        _verify_signed(report, data, certificates, as_json, db_path)
        return
    from riskengine.register.verification import verify_report

    with _register(db_path) as register:
        verification = verify_report(register, report)
    if as_json:
        import json

        click.echo(json.dumps({"path": str(report), "kind": "recorded", "outcome": verification.outcome,
                               "exit_code": 0 if verification.outcome == "verified" else EXIT_UNVERIFIED,
                               "verification": json.loads(verification.model_dump_json())}, indent=2))
        if verification.outcome != "verified":
            sys.exit(EXIT_UNVERIFIED)
        return
    _show_verification(report, verification)


def _show_verification(report: Path, verification: Verification) -> None:
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


_SIGNATURE_EXIT = {"verified": 0, "not_signed": EXIT_NOT_SIGNED, "changed": EXIT_CHANGED, "untrusted": EXIT_UNTRUSTED}


def _verify_signed(report: Path, data: bytes, certificates: tuple[Path, ...], as_json: bool,
                   db_path: Path | str | None) -> None:
    """``verify`` of a signed report: the signature alone, then the register beside it when there is one."""
    from riskengine.signing.check import check_signature, compare_with_register
    from riskengine.signing.keys import load_certificates

    configured_certificate = settings_in_effect().signing().certificate
    paths = list(certificates) or ([configured_certificate] if configured_certificate else [])
    trusted = [certificate for path in paths for certificate in load_certificates(path)]
    import logging

    for name in ("pyhanko", "pyhanko_certvalidator"):  # pyHanko logs each failed check with a traceback: the
        logging.getLogger(name).addHandler(logging.NullHandler())  # answer below says what failed, in one line
        logging.getLogger(name).propagate = False
    check = check_signature(str(report), data, trusted)
    comparison = None
    location = _register_at_hand(db_path)
    if check.record is not None and location is not None:
        from riskengine.register.store import Register

        with Register(location) as register:
            comparison = compare_with_register(check, register)
    code = _SIGNATURE_EXIT[check.outcome]
    if code == 0 and comparison is not None and not comparison.agrees:
        code = EXIT_UNVERIFIED
    if as_json:
        import json

        click.echo(json.dumps({"path": str(report), "kind": "signed", "outcome": check.outcome, "exit_code": code,
                               "signature": json.loads(check.model_dump_json()),
                               "register": json.loads(comparison.model_dump_json()) if comparison else None},
                              indent=2))
        if code:
            sys.exit(code)
        return
    _show_signed(report, check, comparison, location)
    if code:
        sys.exit(code)


def _register_at_hand(db_path: Path | str | None) -> Path | str | None:
    """The register to compare with: the one named (``--db``, RISKENGINE_DB, riskengine.toml), or the default
    one if it exists; None on a machine with none (the signature then stands alone, and none is created)."""
    location = database(db_path)
    if settings_in_effect().setting("db").source.kind != "default":
        return location
    return location if isinstance(location, str) or Path(location).exists() else None


def _show_signed(report: Path, check: SignatureCheck, comparison: RegisterComparison | None,
                 location: Path | str | None) -> None:
    if check.outcome == "verified":
        click.echo(f"{report}: verified: {check.message}")
    else:
        click.echo(f"{report}: NOT VERIFIED: {check.message}", err=True)
    if check.signer is not None:
        click.echo(f"  signer     {check.signer}, certificate SHA-256 {check.signer_fingerprint}")
        click.echo(f"  signed at  {check.signed_at or 'not given'}")
    if check.timestamp is not None:
        trusted = "trusted" if check.timestamp_trusted else "not checked against a certificate you trust"
        click.echo(f"  timestamp  {check.timestamp} by {check.timestamp_authority} ({trusted})")
    record = check.record
    if record is not None:
        domain = f" ({record.domain})" if record.domain else ""
        click.echo(f"  report     {record.assessment_id} of {record.vendor}{domain}, for {record.audience}")
        click.echo(f"  outcome    {record.status} (final since {_minute(record.final_at)}); decision "
                   f"{record.decision.replace('_', ' ')}, tier {record.tier}, residual {record.residual:.1f}/100")
        for signoff in check.signoffs:
            proof = {"account": f"web app, signed in as {signoff.subject}",
                     "key": f"own key, certificate {signoff.subject[:16]}…, signature "
                            f"{'valid' if signoff.proven else 'INVALID'}",
                     "name": "name typed on the command line: not proven"}[signoff.proof]
            click.echo(f"  sign-off   {signoff.role:<10} {signoff.decision:<7} {signoff.signed_by}, "
                       f"{signoff.signed_at[:10]} ({proof})")
        for item in record.inputs:
            click.echo(f"  input      {item.role:<13} {cut(item.name, 40):<40} {item.sha256}")
    click.echo(f"  sha256     {check.sha256}")
    if record is None:
        return
    if comparison is None:
        click.echo("  register   none here: the signature stands on its own" if location is None else
                   "  register   not compared (the signed report cannot be trusted)")
    elif not comparison.known:
        click.echo(f"  register   {comparison.location} does not hold {record.assessment_id} (a fresh register, or "
                   "another machine's): the signature stands on its own")
    elif comparison.agrees:
        recorded = "this signed file is recorded" if comparison.recorded_output else \
            "this signed file is not recorded in it (issued from another copy)"
        click.echo(f"  register   {comparison.location}: agrees; records {comparison.chain}; {recorded}")
    else:
        click.echo(f"{report}: NOT VERIFIED: the register {comparison.location} disagrees with the signed report:",
                   err=True)
        for problem in comparison.problems:
            click.echo(f"  register   {problem}", err=True)


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
