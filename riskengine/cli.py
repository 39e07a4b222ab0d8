"""The command line: options in, one library call, output and an exit code. Nothing else lives here.

Exit codes: 0 success; 1 an unexpected internal error; 2 bad input or usage (for ``batch``: any
questionnaire failed), an input that is not a regular file, an output that would replace an input, the database
or a file riskengine did not write (``riskengine.runfiles``), or an output that cannot be written (disk full,
read-only); 3 the decision gate (``--fail-on``) tripped; 4 ``verify``: the file is not a report the register
knows (changed since it was written, or never recorded), or the register itself was altered (``verify``,
``register check``); 5 ``assess``: the report is written, and the decision
is "more information needed" (answers it names are missing).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

if TYPE_CHECKING:
    from riskengine.portfolio.offers import OfferTable

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT, EXIT_GATE, EXIT_UNVERIFIED, EXIT_MORE_INFORMATION = 0, 1, 2, 3, 4, 5
TIERS = ("low", "medium", "high", "critical")
DUE_WITHIN_DAYS = 30


def clock() -> dt.datetime:
    """Now, or the instant ``SOURCE_DATE_EPOCH`` fixes (for reproducible outputs); a bad value is an
    ``InputError`` (exit 2), as for every command: ``riskengine.clock``."""
    from riskengine.clock import run_clock

    return run_clock()


def _fail(code: int, message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


class _Group(click.Group):
    """Maps riskengine's errors to messages and exit codes, once, for every command.

    Commands living in other modules are registered by name (``_LAZY_COMMANDS``) and imported only when
    run, so that ``--help`` and the quick register commands start fast.
    """

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except BrokenPipeError:
            # The reader went away (``riskengine explain ... | head``): stop quietly, as Unix tools do.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(EXIT_OK)
        except Exception as exc:
            _handle(ctx, exc)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *_LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in _LAZY_COMMANDS and name not in self.commands:
            import importlib

            module, attribute, _ = _LAZY_COMMANDS[name]
            command = getattr(importlib.import_module(module), attribute)
            self.add_command(command, name)
        return super().get_command(ctx, name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, _LAZY_COMMANDS[name][2] if name in _LAZY_COMMANDS and name not in self.commands
                 else self.commands[name].get_short_help_str(formatter.width - 20))
                for name in self.list_commands(ctx) if name in _LAZY_COMMANDS or not self.commands[name].hidden]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


_LAZY_COMMANDS = {
    "compare": ("riskengine.portfolio.command", "compare_command",
                "Compare vendors for the same need and recommend one."),
    "import": ("riskengine.importers.command", "import_command",
               "Convert a vendor's own questionnaire into ours, pre-filled."),
    "register": ("riskengine.register.command", "register_command",
                 "Check that the register proves its own history (its hash chain)."),
}
"""name -> (module, attribute, the short help shown by ``riskengine --help`` without importing it)."""


def _handle(ctx: click.Context, exc: Exception) -> NoReturn:
    # riskengine.errors is imported only now: it brings pydantic, which the quick commands never need.
    from riskengine.errors import ConfigurationError, InputError, RiskEngineError, UnreadableFileError

    if isinstance(exc, UnreadableFileError):
        _fail(EXIT_INPUT, str(exc))
    if isinstance(exc, InputError):
        _report_problems(exc.source, exc.problems)
        sys.exit(EXIT_INPUT)
    if isinstance(exc, ConfigurationError):
        click.echo(f"error: {exc.source} is invalid:", err=True)
        for problem in exc.problems:
            click.echo(f"  {problem}", err=True)
        sys.exit(EXIT_INPUT)
    if isinstance(exc, RiskEngineError):
        _fail(EXIT_INPUT, str(exc))
    if ctx.obj and ctx.obj.get("debug"):
        raise exc
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
    riskengine tco filled.xlsx --offer offers.yaml   its offers priced, good enough and built to last
    riskengine batch inbox/ --inventory samples/inventory.yaml -o out/
    riskengine history "Northwind Mail"      assessments over time; --diff for changes
    riskengine approve RA-... --role compliance --by "Dana Ruiz" --decision approve
    riskengine verify out/report.pdf         is this the report that was recorded?
    riskengine register check                has the register been altered behind our back?
    riskengine due --within 30               vendors to reassess soon
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


_EXISTING = click.Path(exists=True, dir_okay=False, path_type=Path)
_FORCE_OPTION = click.option(
    "--force", is_flag=True,
    help="Replace an existing file at an output path even if riskengine did not write it. Never an input, the "
         "register database or another output of the run.")
_DB_OPTION = click.option(
    "--db", "db_path", type=click.Path(dir_okay=False, path_type=Path),
    help="The riskengine database (SQLite: evidence store and register). Default: RISKENGINE_DB, else "
         "riskengine.db in the user's data folder.")


_INVENTORY_OPTION = click.option(
    "--inventory", type=click.Path(exists=True, path_type=Path),
    help="Inventory of existing systems (YAML, Excel or a Backstage catalog) to place the tool in.")
_ORG_OPTION = click.option("--org", "org_profile", type=_EXISTING,
                           help="Organisation profile (currency, rates, horizon).")


def _network_options(command: Any) -> Any:
    """The options that steer outgoing connections, shared by ``assess`` and ``enrich``."""
    options = [
        click.option("--offline", is_flag=True, envvar="RISKENGINE_OFFLINE",
                     help="Never connect: use only evidence already in the store (missing evidence is "
                          "'unknown'). Also set by RISKENGINE_OFFLINE=1."),
        _DB_OPTION,
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
    from riskengine.runfiles import RunFiles, check_run_files

    check_run_files(RunFiles.of(inputs=[("CA bundle", ca_bundle)]))
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
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--bank", "bank_path", type=_EXISTING, help="A question bank other than the shipped one.")
@_FORCE_OPTION
def template(out: Path, bank_path: Path | None, force: bool) -> None:
    """Write the blank questionnaire (OUT.xlsx) a vendor fills in.

    An existing OUT.xlsx is replaced only when it is a questionnaire riskengine wrote and no one has saved since
    (a vendor's filled-in copy is not), unless --force.
    """
    from riskengine.questionnaire.bank import load_bank
    from riskengine.questionnaire.template import write_template
    from riskengine.runfiles import RunFiles, check_run_files

    check_run_files(RunFiles.of(inputs=[("question bank", bank_path)],
                                outputs=[("questionnaire", out, "workbook")], database=_default_db(), force=force))
    bank = load_bank(bank_path)
    write_template(bank, out, now=clock())
    click.echo(f"wrote {out}: {len(bank.sections)} sections, {len(bank.questions())} questions ({bank.id} "
               f"{bank.version})")


FORMATS = ("riskengine", "caiq", "hecvat3", "hecvat4", "vsaq", "mapped")
"""The questionnaire formats ``riskengine.importers`` reads (named here so building the CLI imports nothing)."""


def _format_options(command: Any) -> Any:
    """How to read a questionnaire that is not ours: ``--format`` and ``--mapping``."""
    command = click.option("--mapping", type=_EXISTING,
                           help="A mapping (YAML) for a one-off questionnaire, or instead of the shipped one "
                                "(see docs/importers.md).")(command)
    return click.option("--format", "format_name", type=click.Choice(FORMATS),
                        help="Force the questionnaire's format instead of recognising it by its content: ours, "
                             "CAIQ v3.1 or v4, HECVAT 3 or 4, VSAQ answers, or 'mapped' with --mapping.")(command)


@main.command()
@click.argument("file", type=_EXISTING)
@click.option("--inventory", type=click.Path(exists=True, path_type=Path),
              help="Check integration rows against this inventory.")
@click.option("--bank", "bank_path", type=_EXISTING, help="A question bank other than the shipped one.")
@_format_options
def validate(file: Path, inventory: Path | None, bank_path: Path | None, format_name: str | None,
             mapping: Path | None) -> None:
    """Check a filled questionnaire and list every problem with its cell (exit 2 if any is an error).

    A questionnaire in the vendor's own format (CAIQ, HECVAT, VSAQ) is recognised and read through its mapping;
    the line then says how much of ours it covers.
    """
    from riskengine.validation import validate as validate_file

    policy = _policy(bank=bank_path) if bank_path is not None else None
    submission = validate_file(file, now=clock(), inventory=inventory, policy=policy, format=format_name,
                               mapping=mapping)
    if submission.warnings:
        _report_problems(str(file), submission.warnings)
    answered = sum(1 for answer in submission.answers.values() if answer.value is not None)
    rows = sum(len(rows) for rows in submission.tables.values())
    click.echo(f"{file}: valid ({answered} answers, {rows} table rows, {len(submission.warnings)} warnings)")
    coverage = submission.coverage
    if coverage is not None:
        click.echo(f"  {coverage.format} {coverage.format_version} through {coverage.mapping}: "
                   f"{coverage.answers_mapped} of our {coverage.questions_total} questions answered "
                   f"({coverage.percent:.0f} %), {len(coverage.not_covered)} not covered, "
                   f"{len(coverage.unparsed)} unparsed")


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
    from riskengine.assessment import load_result
    from riskengine.explain import explain

    for line in explain(load_result(result), rule_id):
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
    from riskengine.runfiles import RunFiles, check_run_files

    check_run_files(RunFiles.of(folders=[("inventory", path)]))

    from riskengine.inventory.vocabulary import load_vocabularies

    summary = summarise(SystemGraph(load_inventory(path, vocabularies=load_vocabularies(),
                                                   format=inventory_format)))  # type: ignore[arg-type]
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
@_INVENTORY_OPTION
@_ORG_OPTION
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
@_FORCE_OPTION
@_format_options
@click.option("--vendor-name", help="The vendor's legal name, where its own questionnaire does not give it.")
@click.option("--vendor-product", help="The product assessed, where the questionnaire does not give it.")
@click.option("--vendor-domain", help="The vendor's domain (for the outside evidence), where the questionnaire "
                                      "does not give it or gives a wrong one.")
def assess(file: Path, inventory: Path | None, org_profile: Path | None, profile_path: Path | None,
           bank_path: Path | None, output: Path | None, json_path: Path | None, audience: str,
           fail_on: str | None, replay: str | None, db_path: Path | None, format_name: str | None,
           mapping: Path | None, vendor_name: str | None, vendor_product: str | None, vendor_domain: str | None,
           force: bool, **network: Any) -> None:
    """Assess a vendor from its filled questionnaire: writes a PDF report and a JSON result.

    Outside evidence about the vendor's domain (registration, DNS, HTTPS) is gathered unless --offline,
    reused from the store while fresh, and recorded with the assessment so --replay can repeat it. The
    assessment is recorded in the register (see history, approve, verify, due) with the sha256 of both files.

    Blank answers do not stop it (validate is the intake check): when a knockout or a critical control needs
    an answer that is missing, the decision is "more information needed", the answers are listed, and the
    exit code is 5.

    Before anything is read, the PDF and JSON paths are checked: never an input, the register database or each
    other, and an existing file is replaced only when riskengine wrote it (unless --force).
    """
    import contextlib
    import gc

    from riskengine.enrich.store import EvidenceStore, default_store_path
    from riskengine.explain import outcome_line
    from riskengine.pipeline import assess as run_assessment
    from riskengine.pipeline import evidence_source, write_and_record
    from riskengine.register.store import Register
    from riskengine.runfiles import RunFiles, check_run_files

    pdf = output or Path(f"{file.stem}-report.pdf")
    json_out = json_path or pdf.with_suffix(".json")
    store = db_path or default_store_path()
    check_run_files(RunFiles.of(
        inputs=[("questionnaire", file), ("organisation profile", org_profile), ("scoring profile", profile_path),
                ("question bank", bank_path), ("mapping", mapping)],
        folders=[("inventory", inventory)],
        outputs=[("PDF report", pdf, "pdf"), ("JSON result", json_out, "json")], database=store, force=force))
    settings = _settings(**network)
    now, source = evidence_source(store, settings, clock(), replay=replay)
    identity = {role: value for role, value in (("vendor.legal_name", vendor_name),
                                                ("vendor.product", vendor_product),
                                                ("vendor.domain", vendor_domain)) if value}
    assessment = run_assessment(file, now=now, inventory=inventory, org_profile=org_profile,
                                policy=_policy(profile=profile_path, bank=bank_path), evidence_source=source,
                                format=format_name, mapping=mapping, identity=identity or None)
    # Everything loaded so far lives until the command ends; frozen, the collector stops walking it while the
    # report is rendered (a fifth of the rendering time).
    gc.freeze()
    with Register(store) as register, contextlib.ExitStack() as stack:
        evidence = stack.enter_context(EvidenceStore(store)) if assessment.evidence is not None else None
        write_and_record(assessment, pdf=pdf, json_path=json_out, register=register, evidence_store=evidence,
                         now=clock(), audience=audience, offline=settings.offline)  # type: ignore[arg-type]
    risk = assessment.risk
    click.echo(f"{assessment.vendor.legal_name or file.name}: {outcome_line(risk)}, {len(assessment.findings)} "
               f"findings, {len(risk.knockouts)} knockouts")
    click.echo(f"wrote {pdf} and {json_out} ({assessment.assessment_id})")
    for missing in risk.missing:
        place = f" ({missing.place})" if missing.place else ""
        click.echo(f"  missing {missing.question_id or missing.fact}{place}: {missing.why}; needed by "
                   f"{', '.join(missing.rule_ids)}", err=True)
    if fail_on is not None and TIERS.index(risk.tier) >= TIERS.index(fail_on):
        click.echo(f"decision gate: tier {risk.tier} is at or above --fail-on {fail_on}", err=True)
        sys.exit(EXIT_GATE)
    if risk.decision == "more_information_needed":
        sys.exit(EXIT_MORE_INFORMATION)


@main.command("tco")
@click.argument("file", type=_EXISTING)
@click.option("--offer", "offers_path", type=_EXISTING, metavar="OFFERS.yaml",
              help="Offers to price beside the questionnaire's (other plans, other vendors; docs/tco.md, "
                   "\"Offers\"). Without it, the questionnaire's own quote is priced.")
@_INVENTORY_OPTION
@_ORG_OPTION
@_network_options
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write a one-page PDF: a bar per offer and adoption style.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the figures as JSON: the offers' comparison with --offer, else the TCO result.")
@_FORCE_OPTION
def tco_command(file: Path, offers_path: Path | None, inventory: Path | None, org_profile: Path | None,
                output: Path | None, json_path: Path | None, force: bool, db_path: Path | None,
                **network: Any) -> None:
    """Price a vendor's offers, each in both adoption styles, and say which costs least.

    \b
    riskengine tco samples/northwind-mail.xlsx --offer samples/northwind-offers.yaml \\
        --inventory samples/inventory.yaml --org samples/org-profile.yaml --offline \\
        -o offers.pdf --json offers.json

    FILE is assessed as assess does (outside evidence unless --offline), but nothing is recorded in the
    register: no report of the assessment is written. Every offer in OFFERS.yaml is priced good enough and
    built to last on the same simulated futures; without --offer, the questionnaire's own quote, from the
    figures of its TCO headline (the same as the report and the JSON of assess).

    The table gives per offer and style the expected cost over the horizon (the mean, risk included: what the
    recommendation is made on), the typical cost (the median future), the expected loss a year and how often
    it is the cheapest; then the recommendation, or "too close to call". A problem in OFFERS.yaml is listed
    with its file:line, all at once, and nothing is written (exit 2). The PDF and JSON are never an input, the
    register database or each other, and replace an existing file only when riskengine wrote it (unless --force).
    """
    from riskengine.atomic import write_bytes_atomically
    from riskengine.enrich.store import default_store_path
    from riskengine.pipeline import assess as run_assessment
    from riskengine.pipeline import evidence_source
    from riskengine.portfolio.offers import offers_table, quote_table
    from riskengine.portfolio.offers_page import offers_pdf
    from riskengine.runfiles import RunFiles, check_run_files
    from riskengine.tco import load_assumptions, load_offers, price_offers

    store = db_path or default_store_path()
    check_run_files(RunFiles.of(
        inputs=[("questionnaire", file), ("offers file", offers_path), ("organisation profile", org_profile)],
        folders=[("inventory", inventory)],
        outputs=[("offers PDF", output, "pdf"), ("offers JSON", json_path, "json")], database=store, force=force))
    offers = load_offers(offers_path) if offers_path is not None else None  # its problems before any work
    now, source = evidence_source(store, _settings(**network), clock())
    assessment = run_assessment(file, now=now, inventory=inventory, org_profile=org_profile, evidence_source=source)
    if assessment.tco is None:
        _usage(f"{file}: the assessment priced no TCO")
    if offers is not None:
        comparison = price_offers(assessment.tco.inputs, offers, load_assumptions(), trials=None, seed=None)
        table, result = offers_table(assessment, comparison), comparison.model_dump_json(indent=2)
    else:
        table, result = quote_table(assessment), assessment.tco.model_dump_json(indent=2)
    pdf = offers_pdf(table) if output is not None else b""
    if output is not None:
        write_bytes_atomically(output, pdf)
    if json_path is not None:
        write_bytes_atomically(json_path, (result + "\n").encode())
    _show_offers(table)
    written = [str(path) for path in (output, json_path) if path is not None]
    if written:
        click.echo(f"wrote {' and '.join(written)}")


def _show_offers(table: OfferTable) -> None:
    """The offers table: one line per offer and style, lowest expected cost first, then the recommendation."""
    from riskengine.portfolio.offers import amount, percent
    from riskengine.tco import load_assumptions
    from riskengine.tco.headline import horizon_text

    horizon = horizon_text(load_assumptions().wording, table.horizon_years)
    subject = f"{table.offers} offer{'s' if table.offers != 1 else ''}" if any(
        row.offer_id for row in table.rows) else "the questionnaire's quote"
    click.echo(f"{table.vendor}: {subject} in both adoption styles, present value over {horizon} "
               f"({table.currency}, risk included)")
    width = min(max(len("offer"), *(len(row.offer) for row in table.rows)), 40)
    money_width = max(len("expected cost"), *(len(amount(table.currency, value)) for row in table.rows for value in (
        row.expected_total, row.typical_total, row.expected_annual_loss)))
    click.echo(f"  {'offer':<{width}}  {'style':<13}  {'expected cost':>{money_width}}  "
               f"{'typical cost':>{money_width}}  {'loss a year':>{money_width}}  {'cheapest':>8}")
    for row in table.rows:
        click.echo(f"  {_cut(row.offer, width):<{width}}  {row.option.replace('_', ' '):<13}  "
                   f"{amount(table.currency, row.expected_total):>{money_width}}  "
                   f"{amount(table.currency, row.typical_total):>{money_width}}  "
                   f"{amount(table.currency, row.expected_annual_loss):>{money_width}}  "
                   f"{percent(row.probability_cheapest.value):>6} %")
    click.echo(table.recommendation)
    if table.decision_note:
        click.echo(table.decision_note)
    click.echo(f"expected cost: the mean over {table.trials:,} simulated futures, the figure the recommendation is "
               "made on;")
    click.echo("typical cost: the median future; cheapest: the share of futures in which it costs least of all")


# --- across assessments: batch, and the register ---------------------------------------------------------


@main.command()
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--inventory", type=click.Path(exists=True, path_type=Path),
              help="Inventory of existing systems (YAML, Excel or a Backstage catalog) to place each tool in.")
@click.option("--org", "org_profile", type=_EXISTING, help="Organisation profile (currency, rates, horizon).")
@click.option("--profile", "profile_path", type=_EXISTING, help="Scoring profile other than the shipped one.")
@click.option("--bank", "bank_path", type=_EXISTING, help="A question bank other than the shipped one.")
@_network_options
@click.option("--workers", type=click.IntRange(min=1), default=lambda: os.cpu_count() or 1,
              show_default="the number of CPUs", help="Processes assessing at once.")
@click.option("-o", "--outdir", type=click.Path(file_okay=False, path_type=Path), default=Path("out"),
              show_default=True, help="Folder for the reports: NAME.pdf and NAME.json per questionnaire, and "
                                      "portfolio.xlsx and portfolio.pdf over all of them.")
@click.option("--audience", type=click.Choice(["full", "it", "marketing", "compliance"]), default="full",
              show_default=True, help="Sections and voice of each PDF; the JSON is always whole.")
@click.option("--redo", is_flag=True, help="Assess every questionnaire again, even those a previous run finished.")
@_FORCE_OPTION
def batch(directory: Path, inventory: Path | None, org_profile: Path | None, profile_path: Path | None,
          bank_path: Path | None, workers: int, outdir: Path, audience: str, redo: bool, force: bool,
          db_path: Path | None, **network: Any) -> None:
    """Assess every questionnaire (*.xlsx) in DIRECTORY: a PDF and a JSON each, and the portfolio summary.

    Each assessment is recorded in the register. A run that was stopped (even killed) resumes: vendors
    whose recorded PDF and JSON are in OUTDIR unchanged are skipped. A bad questionnaire is reported with
    its cells and skipped; the exit code is 2 if any failed.

    OUTDIR is never DIRECTORY itself; no report lands on an input or the register database, and an existing file
    in a report's place is replaced only when riskengine wrote it (unless --force). All of it is checked before
    the first questionnaire is read.
    """
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from riskengine.batch.runner import run_batch
    from riskengine.batch.worker import BatchSettings, VendorOutcome
    from riskengine.enrich.store import default_store_path

    settings = BatchSettings(outdir=outdir, store_path=db_path or default_store_path(), now=clock(),
                             network=_settings(**network), inventory=inventory, org_profile=org_profile,
                             policy=_policy(profile=profile_path, bank=bank_path),
                             audience=audience)  # type: ignore[arg-type]
    console = Console(stderr=True, highlight=False)
    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        TextColumn("eta"), TimeRemainingColumn(), console=console, disable=not console.is_terminal)
    task = progress.add_task("assessing", total=None)

    def planned(total: int, skipped: int) -> None:
        progress.update(task, total=total)
        if skipped:
            console.print(f"resuming: {skipped} of {total} already done in {outdir}", markup=False, soft_wrap=True)

    def finished(outcome: VendorOutcome) -> None:
        progress.advance(task)
        for line in outcome.problems:
            console.print(line, markup=False, soft_wrap=True)

    with progress:
        result = run_batch(directory, settings, workers=workers, redo=redo, force=force, on_planned=planned,
                           on_outcome=finished)
    failed = len(result.failed)
    click.echo(f"{directory}: {len(result.outcomes)} questionnaires: {result.count('assessed')} assessed, "
               f"{result.count('skipped')} already done, {failed} failed")
    if result.workbook is not None and result.portfolio_pdf is not None:
        click.echo(f"reports (PDF and JSON per questionnaire) in {outdir}; portfolio: {result.workbook}, "
                   f"{result.portfolio_pdf}")
    if failed:
        click.echo(f"{failed} questionnaire{'s' if failed != 1 else ''} failed: "
                   f"{', '.join(outcome.questionnaire for outcome in result.failed)}", err=True)
        sys.exit(EXIT_INPUT)


def _policy(*, profile: Path | None = None, bank: Path | None = None) -> Any:
    from riskengine.pipeline import default_policy, load_policy

    return load_policy(profile=profile, bank=bank) if profile or bank else default_policy()


def _register(db_path: Path | None) -> Any:
    from riskengine.register.store import Register

    return Register(db_path or _default_db())


def _default_db() -> Path:
    """``RISKENGINE_DB`` or the data folder, without importing the evidence store (and pydantic with it)."""
    configured = os.environ.get("RISKENGINE_DB")
    if configured:
        return Path(configured)
    from platformdirs import user_data_path

    return user_data_path("riskengine", appauthor=False) / "riskengine.db"


@main.command()
@click.argument("selection", nargs=-1, metavar="[VENDOR | ID | ID1 ID2]")
@click.option("--diff", is_flag=True,
              help="Show what changed: between ID1 and ID2, from the assessment before ID to ID, or between the "
                   "latest two of VENDOR.")
@click.option("--json", "as_json", is_flag=True, help="Print the listing or the changes as JSON.")
@_DB_OPTION
def history(selection: tuple[str, ...], diff: bool, as_json: bool, db_path: Path | None) -> None:
    """Assessments over time: every vendor (no argument), or one VENDOR's assessments with tier and score.

    VENDOR is a domain, a legal name or a product (any case; a part of one if nothing matches exactly), or
    one of the vendor's assessment ids.

    \b
    riskengine history                        every vendor, latest assessment
    riskengine history northwindmail.com      one vendor's assessments, oldest first
    riskengine history --diff northwindmail.com   what changed between its latest two
    riskengine history --diff RA-20260524-... RA-20261124-...
    """
    with _register(db_path) as register:
        if diff:
            older, newer = _diff_pair(register, selection)
            _show_diff(register, older, newer, as_json)
        elif not selection:
            _show_vendors(register.vendors(), as_json)
        elif len(selection) == 1:
            _show_history(register, selection[0], as_json)
        else:
            _usage("history takes one VENDOR (quote a name with spaces), or --diff ID1 ID2")


def _usage(message: str) -> NoReturn:
    # riskengine.errors (and pydantic with it) is imported only when there is an error to raise.
    from riskengine.errors import UsageError

    raise UsageError(message)


def _diff_pair(register: Any, selection: tuple[str, ...]) -> tuple[str, str]:
    if len(selection) == 2:
        register.assessment(selection[0])
        register.assessment(selection[1])
        return selection[0], selection[1]
    if len(selection) != 1:
        _usage("history --diff takes ID1 ID2, one assessment ID, or one VENDOR")
    (text,) = selection
    if register.known_assessment(text):
        previous = register.previous(text)
        if previous is None:
            _usage(f"{text} is the first assessment of its vendor: nothing to compare it with")
        return str(previous.assessment_id), text
    rows = register.history(_one_vendor(register, text).vendor_key)
    if len(rows) < 2:
        _usage(f"{text}: only one assessment in the register, nothing to compare it with")
    return rows[-2].assessment_id, rows[-1].assessment_id


def _one_vendor(register: Any, text: str) -> Any:
    """The vendor ``text`` names (a domain, a name, a part of one), or the vendor of assessment ``text``."""
    if text.startswith("RA-") and register.known_assessment(text):
        text = register.assessment(text).vendor_key
    vendors = register.find_vendors(text)
    if not vendors:
        _usage(f"no vendor matching {text!r} in the register {register.path}")
    if len(vendors) > 1:
        names = "; ".join(f"{vendor.name} ({vendor.domain or vendor.vendor_key})" for vendor in vendors[:10])
        _usage(f"{text!r} matches {len(vendors)} vendors: {names}; give the domain")
    return vendors[0]


def _show_vendors(vendors: list[Any], as_json: bool) -> None:
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
        click.echo(f"{_cut(vendor.name, 34):<34} {_cut(vendor.domain, 26):<26} {vendor.assessments:>11}  "
                   f"{vendor.latest_created[:10]:<10}  {vendor.tier:<8} {vendor.residual:>8.1f}  "
                   f"{vendor.reassess_by or '-'}")


def _show_history(register: Any, text: str, as_json: bool) -> None:
    from riskengine.register.approvals import describe_status

    vendor = _one_vendor(register, text)
    rows = register.history(vendor.vendor_key)
    signoffs = register.signoffs_of([row.assessment_id for row in rows])
    if as_json:
        import dataclasses
        import json

        click.echo(json.dumps([{**dataclasses.asdict(row), "signoffs": [dataclasses.asdict(s) for s in signoffs.get(
            row.assessment_id, [])]} for row in rows], indent=2))
        return
    click.echo(f"{vendor.name} ({vendor.domain or vendor.vendor_key}): {len(rows)} assessment"
               f"{'s' if len(rows) != 1 else ''}")
    click.echo(f"  {'assessed':<16}  {'assessment':<22}  {'tier':<8} {'residual':>15}  {'decision':<23}  sign-off")
    previous: float | None = None
    for row in rows:
        delta = "" if previous is None else f" ({row.residual - previous:+.1f})"
        click.echo(f"  {row.created[:16].replace('T', ' '):<16}  {row.assessment_id:<22}  {row.tier:<8} "
                   f"{f'{row.residual:.1f}{delta}':>15}  {row.decision.replace('_', ' '):<23}  "
                   f"{describe_status(signoffs.get(row.assessment_id, []))}")
        previous = row.residual


def _show_diff(register: Any, older_id: str, newer_id: str, as_json: bool) -> None:
    from riskengine.register.diff import diff_assessments

    older, newer = register.load(older_id), register.load(newer_id)
    changes = diff_assessments(older, newer)
    if as_json:
        click.echo(changes.model_dump_json(indent=2))
        return
    click.echo(f"{newer.vendor.legal_name}: {older_id} ({changes.older_created[:10]}) -> {newer_id} "
               f"({changes.newer_created[:10]})")
    click.echo(f"  {'tier':<22} {_change(*changes.tier)}")
    click.echo(f"  {'decision':<22} {_change(*(d.replace('_', ' ') for d in changes.decision))}")
    for score in changes.scores:
        click.echo(f"  {score.name.replace('_', ' '):<22} {score.before:.1f} -> {score.after:.1f} "
                   f"({score.delta:+.1f})")
    click.echo(f"  {'inputs changed':<22} {', '.join(changes.inputs_changed) or 'none'}")
    click.echo(f"answers changed ({len(changes.answers)})")
    for answer in changes.answers:
        click.echo(f"  {answer.question_id:<10} {_cut(answer.question, 60)}")
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


def _minute(iso: str) -> str:
    """``2026-11-24 09:00Z`` from the register's ISO UTC times."""
    return iso.replace("T", " ")[:16] + "Z"


def _change(before: str, after: str) -> str:
    return before if before == after else f"{before} -> {after}"


def _quoted(text: str | None) -> str:
    return "(no answer)" if text is None else f'"{_cut(text, 50)}"'


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


@main.command()
@click.argument("assessment_id")
@click.option("--role", type=click.Choice(["it", "marketing", "compliance"]), required=True,
              help="The council role signing.")
@click.option("--by", "signed_by", required=True, metavar="NAME", help="Who signs (full name).")
@click.option("--decision", type=click.Choice(["approve", "reject"]), required=True)
@click.option("--note", default="", help="Why, or on what condition.")
@click.option("--report", "report", type=_EXISTING,
              help="The PDF being approved (its sha256 must be a recorded report of the assessment). Default: "
                   "the assessment's latest recorded report.")
@_DB_OPTION
def approve(assessment_id: str, role: str, signed_by: str, decision: str, note: str, report: Path | None,
            db_path: Path | None) -> None:
    """Record a sign-off of ASSESSMENT_ID, bound to the sha256 of the exact report it approves.

    A reject by any role is final; an approval is final when compliance approves. Each role signs once.
    """
    from riskengine.digest import file_sha256
    from riskengine.register.approvals import PAST, approval_status, describe_status

    with _register(db_path) as register:
        signoff = register.sign(assessment_id, role=role, signed_by=signed_by, decision=decision, note=note,
                                now=clock(), report_sha256=file_sha256(report) if report else None)
        signoffs = register.signoffs(assessment_id)
    status = approval_status(signoffs)
    click.echo(f"{assessment_id}: {signoff.role} {PAST[signoff.decision]} by {signoff.signed_by} on "
               f"{signoff.signed_at[:10]} (report sha256 {signoff.report_sha256})")
    click.echo(f"status: {describe_status(signoffs)}{' (final)' if status != 'pending' else ''}")


@main.command()
@click.argument("report", type=_EXISTING)
@_DB_OPTION
def verify(report: Path, db_path: Path | None) -> None:
    """Say whether REPORT (a PDF or JSON riskengine wrote) is one the register knows, unchanged, and its sign-offs.

    Exit 0 when it is and the register's hash chain holds; 4 when it is not (a changed byte, or never recorded),
    or when the register itself was altered (then the file's record cannot be trusted).
    """
    from riskengine.register.integrity import verify_report

    with _register(db_path) as register:
        verification = verify_report(register, report)
    output, row, sha256 = verification.output, verification.assessment, verification.sha256
    if output is None:
        click.echo(f"{report}: NOT VERIFIED: no report with sha256 {sha256} is in the register", err=True)
        if verification.named:
            click.echo(f"  it names {', '.join(verification.named)}, whose recorded reports differ from this file: it "
                       "was changed after it was written", err=True)
        if not verification.chain.intact:
            click.echo(f"  {verification.chain_status}", err=True)
        sys.exit(EXIT_UNVERIFIED)
    if verification.verified:
        click.echo(f"{report}: verified: the {output.kind.upper()} of {output.assessment_id}, unchanged")
    else:
        click.echo(f"{report}: NOT VERIFIED: {verification.chain_status}", err=True)
        click.echo(f"{report}: the register records it as the {output.kind.upper()} of {output.assessment_id}, "
                   "but cannot be trusted")
    if row is not None:
        click.echo(f"  vendor     {row.vendor_name}{f' ({row.domain})' if row.domain else ''}")
        click.echo(f"  result     {row.decision.replace('_', ' ')}, tier {row.tier}, residual {row.residual:.1f}/100")
        click.echo(f"  assessed   {_minute(row.created)}; recorded {_minute(output.recorded_at)}")
    click.echo(f"  sha256     {sha256}")
    for signoff in verification.signoffs:
        bound = "this report" if signoff.report_sha256 == sha256 else f"report sha256 {signoff.report_sha256[:16]}…"
        note = f": {signoff.note}" if signoff.note else ""
        click.echo(f"  sign-off   {signoff.role:<10} {signoff.decision:<7} {signoff.signed_by}, "
                   f"{signoff.signed_at[:10]} ({bound}){note}")
    click.echo(f"  status     {verification.status_text}")
    click.echo(f"  register   {verification.chain.status}")
    if not verification.verified:
        sys.exit(EXIT_UNVERIFIED)


@main.command()
@click.option("--within", "within_days", type=click.IntRange(min=0), default=DUE_WITHIN_DAYS, show_default=True,
              metavar="DAYS", help="Also list vendors due within this many days.")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="The day to count from (YYYY-MM-DD). Default: today, or the day SOURCE_DATE_EPOCH fixes.")
@click.option("--json", "as_json", is_flag=True, help="Print the vendors as JSON.")
@_DB_OPTION
def due(within_days: int, as_of: dt.datetime | None, as_json: bool, db_path: Path | None) -> None:
    """Vendors whose reassessment date (set by the tier of their latest assessment) has passed or is near."""
    today = as_of.date() if as_of is not None else clock().date()
    until = today + dt.timedelta(days=within_days)
    with _register(db_path) as register:
        vendors = register.due(until)
    if as_json:
        import dataclasses
        import json

        click.echo(json.dumps([{**dataclasses.asdict(vendor), "days_left": (
            dt.date.fromisoformat(vendor.reassess_by) - today).days} for vendor in vendors], indent=2))
        return
    if not vendors:
        click.echo(f"as of {today}: no vendor is due for reassessment within {within_days} days")
        return
    overdue = sum(1 for vendor in vendors if vendor.reassess_by < today.isoformat())
    click.echo(f"as of {today}: {len(vendors)} vendor{'s' if len(vendors) != 1 else ''} due by {until} "
               f"({overdue} overdue)")
    click.echo(f"  {'reassess by':<11}  {'':<16}  {'vendor':<34} {'tier':<8} {'last assessed':<13}  assessment")
    for vendor in vendors:
        days = (dt.date.fromisoformat(vendor.reassess_by) - today).days
        when = f"overdue {-days} days" if days < 0 else "due today" if days == 0 else f"in {days} days"
        click.echo(f"  {vendor.reassess_by:<11}  {when:<16}  {_cut(vendor.name, 34):<34} {vendor.tier:<8} "
                   f"{vendor.latest_created[:10]:<13}  {vendor.latest_assessment}")
