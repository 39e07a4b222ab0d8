"""Signed approvals: ``keys init`` (the organisation's signing key, or a user's own key) and ``sign`` (issue the
signed report of an assessment whose decision is final). ``approve`` and ``verify`` are in ``cli.register``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from riskengine.cli.options import OUTPUT, configured, database, db_option, settings_in_effect

if TYPE_CHECKING:
    import datetime as dt

    from riskengine.register.store import Register
    from riskengine.settings import SigningSettings
    from riskengine.signing.issue import IssuedReport


@click.group("keys", short_help="Create the organisation's signing key, or a user's own key for signing off.")
def keys_group() -> None:
    """Keys that sign: the organisation's (approved reports, PAdES) and each user's (their CLI sign-offs)."""


@keys_group.command("init")
@click.option("--dir", "folder", type=click.Path(file_okay=False, path_type=Path), default=Path("keys"),
              show_default=True, help="The folder to write the key and its certificate in (created, mode 0700).")
@click.option("--name", "name", metavar="ORG", help="The organisation's name, in the certificate (who signs "
                                                    "the reports). Required without --user.")
@click.option("--user", "user", metavar="NAME",
              help="Create a user's own key instead (NAME.key, NAME.crt): approve --key signs the sign-off with "
                   "it, proving who made it. NAME is the full name shown on the report.")
def init_command(folder: Path, name: str | None, user: str | None) -> None:
    """Create a private key (mode 0600) and a self-signed certificate, never over an existing key (exit 2).

    \b
    riskengine keys init --name "Larkspur Outdoor Group"      keys/signing.key, keys/signing.crt
    riskengine keys init --user "Dana Ruiz"                   keys/dana-ruiz.key, keys/dana-ruiz.crt

    For a first install: name the key and the certificate in riskengine.toml ([signing] key, certificate) and
    hand the certificate (never the key) to whoever must verify the reports. A certificate from the company's own
    CA (PEM, or a PKCS#12 file holding the key too) is used the same way: docs/signing.md.
    """
    from riskengine.cli.errors import usage
    from riskengine.clock import run_clock
    from riskengine.signing.keys import create_keys

    if (name is None) == (user is None):
        usage("keys init takes --name ORG (the organisation's signing key) or --user NAME (a user's own key)")
    files = create_keys(folder, name=user or name or "", now=run_clock(), user=user is not None)
    click.echo(f"wrote {files.key} (private: mode 0600, keep it secret) and {files.certificate} (public)")
    click.echo(f"  subject      {files.subject}")
    click.echo(f"  certificate  SHA-256 {files.fingerprint}")
    setting = "user-key" if user is not None else "key"
    click.echo("add to riskengine.toml:")
    click.echo("  [signing]")
    click.echo(f'  {setting} = "{files.key}"')
    if user is None:
        click.echo(f'  certificate = "{files.certificate}"')


@click.command("sign")
@configured
@click.argument("assessment_id")
@click.option("-o", "--output", type=OUTPUT,
              help="The signed PDF to write. Default: ASSESSMENT_ID-signed.pdf in the working folder.")
@click.option("--force", is_flag=True, help="Replace an existing file riskengine wrote.")
@db_option
def sign_command(assessment_id: str, output: Path | None, force: bool, db_path: Path | str | None) -> None:
    """Issue the report of ASSESSMENT_ID, whose decision is final, as a PDF signed with the organisation's key.

    approve does this by itself when a sign-off makes the decision final; sign issues it again (after the key
    was configured, or to another file). The key and certificate are [signing] key and certificate in
    riskengine.toml; with timestamp-url, the signature is time-stamped (RFC 3161). See docs/signing.md.
    """
    from riskengine.clock import run_clock
    from riskengine.register.store import Register
    from riskengine.signing.issue import signed_report_name

    store = database(db_path)
    now = run_clock()
    pdf = output or Path(signed_report_name(assessment_id))
    signing = settings_in_effect().signing()
    with Register(store) as register:
        issued = issue_signed(register, assessment_id, signing=signing, pdf=pdf, store=store, now=now, force=force)
    show_issued(issued)


def issue_signed(register: Register, assessment_id: str, *, signing: SigningSettings, pdf: Path,
                 store: Path | str, now: dt.datetime, force: bool = False) -> IssuedReport:
    """Check the signed report's path as every output's, then issue it (``riskengine.signing.issue``)."""
    from riskengine.runfiles import RunFiles, check_run_files
    from riskengine.signing.issue import issue_signed_report

    inputs = [("signing key", signing.key), ("signing certificate", signing.certificate)]
    check_run_files(RunFiles.of(inputs=inputs, outputs=[("signed report", pdf, "pdf")], database=store, force=force))
    return issue_signed_report(register, assessment_id, signing=signing, pdf=pdf, now=now)


def show_issued(issued: IssuedReport) -> None:
    record = issued.record
    click.echo(f"wrote {issued.path}: the {record.status} report of {record.assessment_id}, signed by "
               f"{issued.signer}{' and time-stamped' if issued.timestamped else ''} (sha256 {issued.sha256})")
    click.echo(f"  certificate  SHA-256 {issued.fingerprint}")
    click.echo(f"  check it     riskengine verify {issued.path} --cert CERTIFICATE")
