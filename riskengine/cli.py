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
@click.option("--offline", is_flag=True,
              help="Never contact the vendor's domain. (External evidence is not gathered yet, so every run "
                   "is offline for now.)")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="The PDF report. Default: FILE's name with -report.pdf, in the current folder.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path),
              help="The JSON result. Default: the report's name with .json.")
@click.option("--audience", type=click.Choice(["full", "it", "marketing", "compliance"]), default="full",
              show_default=True, help="Sections and voice of the PDF; the JSON is always whole.")
@click.option("--fail-on", type=click.Choice(TIERS), help="Exit 3 when the tier is this or worse.")
def assess(file: Path, inventory: Path | None, org_profile: Path | None, profile_path: Path | None,
           bank_path: Path | None, offline: bool, output: Path | None, json_path: Path | None,
           audience: str, fail_on: str | None) -> None:
    """Assess a vendor from its filled questionnaire: writes a PDF report and a JSON result."""
    from riskengine.pipeline import assess as run_assessment
    from riskengine.pipeline import write_outputs

    pdf = output or Path(f"{file.stem}-report.pdf")
    json_out = json_path or pdf.with_suffix(".json")
    assessment = run_assessment(file, now=clock(), inventory=inventory, org_profile=org_profile,
                                profile_path=profile_path, bank_path=bank_path)
    write_outputs(assessment, pdf=pdf, json_path=json_out, audience=audience)  # type: ignore[arg-type]
    risk = assessment.risk
    click.echo(f"{assessment.vendor.legal_name or file.name}: {risk.decision.replace('_', ' ')}, tier {risk.tier}, "
               f"residual {risk.residual:.0f}/100, {len(assessment.findings)} findings, "
               f"{len(risk.knockouts)} knockouts")
    click.echo(f"wrote {pdf} and {json_out} ({assessment.assessment_id})")
    if fail_on is not None and TIERS.index(risk.tier) >= TIERS.index(fail_on):
        click.echo(f"decision gate: tier {risk.tier} is at or above --fail-on {fail_on}", err=True)
        sys.exit(EXIT_GATE)
