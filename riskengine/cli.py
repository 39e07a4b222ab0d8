"""The command line: options in, one library call, output and an exit code. Nothing else lives here.

Exit codes: 0 success; 1 an unexpected internal error; 2 bad input or usage; 3 the decision gate
(``--fail-on``) tripped.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from typing import Any, NoReturn

import click

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT, EXIT_GATE = 0, 1, 2, 3
TIERS = ("low", "medium", "high", "critical")


def clock() -> dt.datetime:
    """Now, or the instant ``SOURCE_DATE_EPOCH`` fixes (for reproducible outputs)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
        except (ValueError, OverflowError, OSError):
            _fail(EXIT_INPUT, f"SOURCE_DATE_EPOCH must be a whole number of seconds, got {epoch!r}")
    return dt.datetime.now(tz=dt.UTC).replace(microsecond=0)


def _fail(code: int, message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


class _Group(click.Group):
    """Maps riskengine's errors to messages and exit codes, once, for every command."""

    def invoke(self, ctx: click.Context) -> Any:
        from riskengine.errors import ConfigurationError, InputError, RiskEngineError, UnreadableFileError

        try:
            return super().invoke(ctx)
        except UnreadableFileError as exc:
            _fail(EXIT_INPUT, str(exc))
        except InputError as exc:
            _report_problems(exc.source, exc.problems)
            sys.exit(EXIT_INPUT)
        except ConfigurationError as exc:
            click.echo(f"error: {exc.source} is invalid:", err=True)
            for problem in exc.problems:
                click.echo(f"  {problem}", err=True)
            sys.exit(EXIT_INPUT)
        except RiskEngineError as exc:
            _fail(EXIT_INPUT, str(exc))
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except BrokenPipeError:
            # The reader went away (``riskengine explain ... | head``): stop quietly, as Unix tools do.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(EXIT_OK)
        except Exception as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            _fail(EXIT_INTERNAL, f"internal error: {type(exc).__name__}: {exc} (run with --debug for details)")


def _report_problems(source: str, problems: Any) -> None:
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity == "warning"]
    summary = f"{len(errors)} error{'s' if len(errors) != 1 else ''}"
    if warnings:
        summary += f", {len(warnings)} warning{'s' if len(warnings) != 1 else ''}"
    click.echo(f"{source}: {summary}", err=True)
    for problem in errors:
        click.echo(f"  error   {problem}", err=True)
    for problem in warnings:
        click.echo(f"  warning {problem}", err=True)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="riskengine")
@click.option("--debug", is_flag=True, help="Show the full traceback of an internal error.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Assess a proposed martech vendor before signing.

    \b
    riskengine template vendor.xlsx          the blank questionnaire to send
    riskengine validate filled.xlsx          check a returned questionnaire
    riskengine inventory check inventory.yaml
    riskengine assess filled.xlsx --inventory samples/inventory.yaml -o report.pdf
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


_EXISTING = click.Path(exists=True, dir_okay=False, path_type=Path)


def _network_options(command: Any) -> Any:
    """The options that steer outgoing connections, shared by ``assess`` and ``enrich``."""
    options = [
        click.option("--offline", is_flag=True, envvar="RISKENGINE_OFFLINE",
                     help="Never connect: use only evidence already in the store (missing evidence is "
                          "'unknown'). Also set by RISKENGINE_OFFLINE=1."),
        click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path),
                     help="Evidence store (SQLite). Default: RISKENGINE_DB, else riskengine.db in the user's "
                          "data folder."),
        click.option("--allow-network", "allow_networks", multiple=True, metavar="CIDR",
                     help="Allow connections to this non-public network (tests, air-gapped mirrors); repeatable."),
        click.option("--resolve", "resolve", multiple=True, metavar="HOST:ADDR",
                     help="Use ADDR for HOST instead of DNS (still checked by the address guard); repeatable."),
        click.option("--whois-server", metavar="HOST:PORT", help="Send WHOIS queries to this server."),
        click.option("--dns-server", metavar="HOST:PORT", help="Ask this DNS server instead of the system's."),
        click.option("--rdap-server", metavar="URL", help="Use this RDAP base URL instead of the registry's."),
        click.option("--ca-bundle", type=_EXISTING, help="Trust these CA certificates for HTTPS checks."),
        click.option("--deadline", type=click.FloatRange(min=0.1), default=30.0, show_default=True,
                     help="Seconds for all outside checks of one vendor."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _settings(offline: bool, allow_networks: tuple[str, ...], resolve: tuple[str, ...], whois_server: str | None,
              dns_server: str | None, rdap_server: str | None, ca_bundle: Path | None, deadline: float) -> Any:
    from riskengine.enrich.settings import NetworkSettings, parse_host_port
    from riskengine.errors import UsageError

    try:
        overrides = {}
        for item in resolve:
            host, _, address = item.partition(":")
            if not host or not address:
                raise ValueError(f"--resolve expects HOST:ADDR, got {item!r}")
            overrides[host.lower()] = address
        return NetworkSettings(
            offline=offline, allow_networks=allow_networks, resolve=overrides,
            whois_server=parse_host_port(whois_server, 43) if whois_server else None,
            dns_server=parse_host_port(dns_server, 53) if dns_server else None,
            rdap_base=rdap_server, ca_bundle=str(ca_bundle) if ca_bundle else None, deadline=deadline)
    except ValueError as exc:
        raise UsageError(str(exc).splitlines()[0]) from exc


@main.command()
@click.argument("out", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option("--bank", "bank_path", type=_EXISTING, help="A question bank other than the shipped one.")
def template(out: Path, bank_path: Path | None) -> None:
    """Write the blank questionnaire (OUT.xlsx) a vendor fills in."""
    from riskengine.questionnaire.bank import load_bank
    from riskengine.questionnaire.template import write_template

    bank = load_bank(bank_path)
    write_template(bank, out, now=clock())
    click.echo(f"wrote {out}: {len(bank.sections)} sections, {len(bank.questions())} questions ({bank.id} "
               f"{bank.version})")


@main.command()
@click.argument("file", type=_EXISTING)
@click.option("--inventory", type=click.Path(exists=True, path_type=Path),
              help="Check integration rows against this inventory.")
@click.option("--bank", "bank_path", type=_EXISTING, help="A question bank other than the shipped one.")
def validate(file: Path, inventory: Path | None, bank_path: Path | None) -> None:
    """Check a filled questionnaire and list every problem with its cell (exit 2 if any is an error)."""
    from riskengine.pipeline import validate as validate_file

    submission = validate_file(file, now=clock(), inventory=inventory, bank_path=bank_path)
    if submission.warnings:
        _report_problems(str(file), submission.warnings)
    answered = sum(1 for answer in submission.answers.values() if answer.value is not None)
    rows = sum(len(rows) for rows in submission.tables.values())
    click.echo(f"{file}: valid ({answered} answers, {rows} table rows, {len(submission.warnings)} warnings)")


@main.command()
@click.argument("domain")
@_network_options
@click.option("--email", is_flag=True, help="Also check DKIM selectors, as for a tool that sends email as us.")
@click.option("--json", "as_json", is_flag=True, help="Print the evidence as JSON.")
def enrich(domain: str, email: bool, as_json: bool, db_path: Path | None, **network: Any) -> None:
    """Show the outside evidence for one DOMAIN: registration, DNS and HTTPS checks."""
    from riskengine.enrich.gather import gather_evidence
    from riskengine.enrich.store import EvidenceStore, default_store_path

    with EvidenceStore(db_path or default_store_path()) as store:
        evidence = gather_evidence(domain, settings=_settings(**network), now=clock(), store=store,
                                   sends_email=email)
    if as_json:
        click.echo(evidence.model_dump_json(indent=2))
        return
    click.echo(f"{evidence.domain} ({evidence.mode}, run {evidence.run_hash[:16]})")
    for item in evidence.items:
        shown = "" if item.value is None else f" = {item.value}"
        click.echo(f"  {item.status:<8} {item.check:<24}{shown}  {item.reason}  [{item.id}, "
                   f"{item.fetched_at:%Y-%m-%d %H:%M}Z]")


@main.command("explain")
@click.argument("result", type=_EXISTING)
@click.option("--rule", "rule_id", metavar="ID", help="Only the trail of this rule (control, knockout, factor).")
def explain_command(result: Path, rule_id: str | None) -> None:
    """Print the trail behind a score from a JSON RESULT written by assess."""
    from pydantic import ValidationError

    from riskengine.assessment import Assessment
    from riskengine.errors import UsageError
    from riskengine.score.explain import explain

    try:
        assessment = Assessment.model_validate_json(result.read_bytes())
    except ValidationError as exc:
        raise UsageError(f"{result}: not a riskengine JSON result ({exc.error_count()} problems, first: "
                         f"{exc.errors()[0]['msg']})") from exc
    for line in explain(assessment, rule_id):
        click.echo(line)


@main.group()
def inventory() -> None:
    """Work with the inventory of existing systems (YAML, Excel workbook or Backstage catalog)."""


@inventory.command("check")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--format", "inventory_format", type=click.Choice(["yaml", "xlsx", "backstage"]),
              help="Force the format instead of detecting it from the content.")
def inventory_check(path: Path, inventory_format: str | None) -> None:
    """Validate an inventory (every problem with its place) and summarise it."""
    from riskengine.inventory.graph import SystemGraph
    from riskengine.inventory.loader import load_inventory
    from riskengine.inventory.summary import summarise

    summary = summarise(SystemGraph(load_inventory(path, format=inventory_format)))  # type: ignore[arg-type]
    levels = ", ".join(f"{count} {level}" for level, count in summary.by_criticality.items())
    click.echo(f"{path}: valid{f' ({summary.organisation})' if summary.organisation else ''}")
    click.echo(f"  systems        {summary.systems} ({levels})")
    click.echo(f"  integrations   {summary.integrations}; {summary.parts} connected part"
               f"{'s' if summary.parts != 1 else ''}{'; has cycles' if summary.cyclic else ''}")
    click.echo(f"  critical       {', '.join(summary.critical_systems) or 'none'}")
    click.echo(f"  single points of failure  {', '.join(summary.single_points_of_failure) or 'none'}")
    if summary.unsanctioned:
        click.echo(f"  unsanctioned (shadow IT)  {', '.join(summary.unsanctioned)}")


@main.command()
@click.argument("file", type=_EXISTING)
@click.option("--inventory", type=click.Path(exists=True, path_type=Path),
              help="Inventory of existing systems (YAML, Excel or a Backstage catalog) to place the tool in.")
@click.option("--org", "org_profile", type=_EXISTING, help="Organisation profile (currency, rates, horizon).")
@click.option("--profile", "profile_path", type=_EXISTING, help="Scoring profile other than the shipped one.")
@click.option("--bank", "bank_path", type=_EXISTING, help="A question bank other than the shipped one.")
@_network_options
@click.option("--replay", metavar="ASSESSMENT_ID",
              help="Score again from exactly the evidence and clock of a past assessment in the store.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="The PDF report. Default: FILE's name with -report.pdf, in the current folder.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path),
              help="The JSON result. Default: the report's name with .json.")
@click.option("--audience", type=click.Choice(["full", "it", "marketing", "compliance"]), default="full",
              show_default=True, help="Sections and voice of the PDF; the JSON is always whole.")
@click.option("--fail-on", type=click.Choice(TIERS), help="Exit 3 when the tier is this or worse.")
def assess(file: Path, inventory: Path | None, org_profile: Path | None, profile_path: Path | None,
           bank_path: Path | None, output: Path | None, json_path: Path | None, audience: str,
           fail_on: str | None, replay: str | None, db_path: Path | None, **network: Any) -> None:
    """Assess a vendor from its filled questionnaire: writes a PDF report and a JSON result.

    Outside evidence about the vendor's domain (registration, DNS, HTTPS) is gathered unless --offline,
    reused from the store while fresh, and recorded with the assessment so --replay can repeat it.
    """
    from riskengine.enrich.store import default_store_path
    from riskengine.pipeline import assess as run_assessment
    from riskengine.pipeline import evidence_source, record_evidence, write_outputs

    pdf = output or Path(f"{file.stem}-report.pdf")
    json_out = json_path or pdf.with_suffix(".json")
    store = db_path or default_store_path()
    now, source = evidence_source(store, _settings(**network), clock(), replay=replay)
    assessment = run_assessment(file, now=now, inventory=inventory, org_profile=org_profile,
                                profile_path=profile_path, bank_path=bank_path, evidence_source=source)
    write_outputs(assessment, pdf=pdf, json_path=json_out, audience=audience)  # type: ignore[arg-type]
    record_evidence(store, assessment)
    risk = assessment.risk
    click.echo(f"{assessment.vendor.legal_name or file.name}: {risk.decision.replace('_', ' ')}, tier {risk.tier}, "
               f"residual {risk.residual:.0f}/100, {len(assessment.findings)} findings, "
               f"{len(risk.knockouts)} knockouts")
    click.echo(f"wrote {pdf} and {json_out} ({assessment.assessment_id})")
    if fail_on is not None and TIERS.index(risk.tier) >= TIERS.index(fail_on):
        click.echo(f"decision gate: tier {risk.tier} is at or above --fail-on {fail_on}", err=True)
        sys.exit(EXIT_GATE)
