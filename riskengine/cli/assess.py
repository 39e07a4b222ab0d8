"""One vendor: ``assess`` (the report and the JSON, recorded in the register), ``render`` (a recorded assessment's
report for any audience), ``tco`` (its offers priced), ``explain`` (the trail behind a score)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from riskengine.cli.errors import EXIT_GATE, EXIT_MORE_INFORMATION, report_problems, usage, warn
from riskengine.cli.options import (
    EXISTING,
    OUTPUT,
    TIERS,
    NetworkOptions,
    PolicyOptions,
    audience_option,
    configured,
    database,
    db_option,
    force_option,
    format_options,
    inventory_option,
    network_options,
    org_option,
    policy_options,
)
from riskengine.cli.text import cut
from riskengine.settings.keys import AUDIENCES

if TYPE_CHECKING:
    from riskengine.pipeline import Audience
    from riskengine.portfolio.offers import OfferTable
    from riskengine.tco.assumptions import Assumptions


@click.command()
@configured
@click.argument("file", type=EXISTING)
@inventory_option()
@org_option
@policy_options
@network_options
@click.option("--replay", metavar="ASSESSMENT_ID",
              help="Score again from exactly the evidence and clock of a past assessment in the store.")
@click.option("-o", "--output", type=OUTPUT,
              help="The PDF report. Default: FILE's name with -report.pdf, in the current folder.")
@click.option("--json", "json_path", type=OUTPUT, help="The JSON result. Default: the report's name with .json.")
@audience_option("the PDF")
@click.option("--fail-on", type=click.Choice(TIERS), help="Exit 3 when the tier is this or worse.")
@force_option
@format_options
@click.option("--vendor-name", help="The vendor's legal name, where its own questionnaire does not give it.")
@click.option("--vendor-product", help="The product assessed, where the questionnaire does not give it.")
@click.option("--vendor-domain", help="The vendor's domain (for the outside evidence), where the questionnaire "
                                      "does not give it or gives a wrong one.")
def assess(file: Path, inventory: Path | None, org_profile: Path | None, policy: PolicyOptions,
           output: Path | None, json_path: Path | None, audience: Audience,
           fail_on: str | None, replay: str | None, db_path: Path | str | None, format_name: str | None,
           mapping: Path | None, vendor_name: str | None, vendor_product: str | None, vendor_domain: str | None,
           force: bool, network: NetworkOptions) -> None:
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

    from riskengine.clock import run_clock
    from riskengine.enrich.store import EvidenceStore
    from riskengine.explain import outcome_line
    from riskengine.inventory.index import cache_folder
    from riskengine.outputs import write_and_record
    from riskengine.pipeline import assess as run_assessment
    from riskengine.pipeline import evidence_source
    from riskengine.register.store import Register
    from riskengine.runfiles import RunFiles, check_run_files

    pdf = output or Path(f"{file.stem}-report.pdf")
    json_out = json_path or pdf.with_suffix(".json")
    store = database(db_path)
    check_run_files(RunFiles.of(
        inputs=[("questionnaire", file), ("organisation profile", org_profile), *policy.inputs(),
                ("mapping", mapping)],
        folders=[("inventory", inventory)],
        outputs=[("PDF report", pdf, "pdf"), ("JSON result", json_out, "json")], database=store, force=force))
    settings = network.settings()
    judged_by = policy.load()
    now, source = evidence_source(store, settings, run_clock(), replay=replay, policy=judged_by)
    identity = {role: value for role, value in (("vendor.legal_name", vendor_name),
                                                ("vendor.product", vendor_product),
                                                ("vendor.domain", vendor_domain)) if value}
    assessment = run_assessment(file, now=now, inventory=inventory, org_profile=org_profile,
                                policy=judged_by, evidence_source=source,
                                format=format_name, mapping=mapping, identity=identity or None,
                                graph_cache=cache_folder(store))
    with Register(store) as register, contextlib.ExitStack() as stack:
        evidence = stack.enter_context(EvidenceStore(store)) if assessment.evidence is not None else None
        write_and_record(assessment, pdf=pdf, json_path=json_out, register=register, evidence_store=evidence,
                         now=run_clock(), audience=audience, offline=settings.offline, policy=judged_by)
    risk = assessment.risk
    click.echo(f"{assessment.vendor.legal_name or file.name}: {outcome_line(risk)}, {len(assessment.findings)} "
               f"findings, {len(risk.knockouts)} knockouts")
    click.echo(f"wrote {pdf} and {json_out} ({assessment.assessment_id})")
    if assessment.evidence is not None and (no_network := assessment.evidence.no_network()):
        warn(no_network)
    for item in assessment.not_considered:
        warn(item.effect)
    if assessment.graph is not None and assessment.graph.match_warnings():
        # Integrations rows the vendor named its own way, for IT to confirm (riskengine.inventory.matching)
        report_problems(str(file), assessment.graph.match_warnings())
    for missing in risk.missing:
        place = f" ({missing.place})" if missing.place else ""
        click.echo(f"  missing {missing.question_id or missing.fact}{place}: {missing.why}; needed by "
                   f"{', '.join(missing.rule_ids)}", err=True)
    if fail_on is not None and TIERS.index(risk.tier) >= TIERS.index(fail_on):
        click.echo(f"decision gate: tier {risk.tier} is at or above --fail-on {fail_on}", err=True)
        sys.exit(EXIT_GATE)
    if risk.decision == "more_information_needed":
        sys.exit(EXIT_MORE_INFORMATION)


@click.command("render")
@configured
@click.argument("source", metavar="ID|RESULT.json")
@policy_options
@db_option
@click.option("-o", "--output", type=OUTPUT, required=True, help="The PDF report to write.")
@click.option("--audience", type=click.Choice(AUDIENCES),
              help="Sections and voice of the PDF. Default: audience in riskengine.toml, else full.")
@force_option
def render_command(source: str, policy: PolicyOptions, db_path: Path | str | None, output: Path, audience: Audience,
                   force: bool) -> None:
    """Render a recorded assessment's report for any audience, with its sign-offs, from the register.

    \b
    riskengine render RA-20261124-068B467BA9 --audience marketing -o marketing.pdf
    riskengine render nov.json --audience it -o it.pdf

    SOURCE is an assessment id, or a JSON result assess wrote: the register must have recorded that very file
    (a changed or foreign file is refused, exit 2), and the report is drawn from the register's record, never
    from the file. Every audience is a report of the same assessment: the register records each PDF with its
    audience, so verify knows it and approve --report can sign it. The sign-off page shows each role that has
    signed (name, decision, date, note and the report it signed) and the approval's status.

    The report is worded by the policy the options load (default: the shipped one); when that is not the
    policy the assessment was judged by, a warning names both digests. The PDF's path is checked as assess
    checks it: never an input or the register database, and an existing file is replaced only when riskengine
    wrote it (unless --force).
    """
    from riskengine.clock import run_clock
    from riskengine.outputs import policy_difference, recorded_assessment, result_assessment, write_rendering
    from riskengine.register.store import Register
    from riskengine.runfiles import RunFiles, check_run_files

    result = Path(source)
    from_file = result.exists() or result.suffix.lower() == ".json"
    if not from_file and not source.startswith("RA-"):
        usage(f"{source}: neither a JSON result that exists nor an assessment id (RA-YYYYMMDD-...)")
    store = database(db_path)
    check_run_files(RunFiles.of(inputs=[("JSON result", result if from_file else None), *policy.inputs()],
                                outputs=[("PDF report", output, "pdf")], database=store, force=force))
    now = run_clock()  # a bad SOURCE_DATE_EPOCH is refused before the register is opened
    rendering = policy.load()
    with Register(store) as register:
        assessment = result_assessment(register, result) if from_file else recorded_assessment(register, source)
        difference = policy_difference(assessment, rendering)
        if difference is not None:
            click.echo(f"warning: {assessment.assessment_id} was judged by policy {difference.judged[:12]}; its "
                       f"report is worded by policy {difference.rendering[:12]} (its figures are unchanged)",
                       err=True)
        written = write_rendering(assessment, pdf=output, register=register, now=now, audience=audience,
                                  policy=rendering)
    click.echo(f"wrote {output}: the report of {assessment.assessment_id} for {audience} (sha256 {written.sha256})")


@click.command("tco")
@configured
@click.argument("file", type=EXISTING)
@click.option("--offer", "offers_path", type=EXISTING, metavar="OFFERS.yaml",
              help="Offers to price beside the questionnaire's (other plans, other vendors; docs/tco.md, "
                   "\"Offers\"). Without it, the questionnaire's own quote is priced.")
@inventory_option()
@org_option
@policy_options
@network_options
@click.option("-o", "--output", type=OUTPUT, help="Also write a one-page PDF: a bar per offer and adoption style.")
@click.option("--json", "json_path", type=OUTPUT,
              help="Also write the figures as JSON: the offers' comparison with --offer, else the TCO result.")
@force_option
def tco_command(file: Path, offers_path: Path | None, inventory: Path | None, org_profile: Path | None,
                policy: PolicyOptions, output: Path | None, json_path: Path | None, force: bool,
                db_path: Path | str | None, network: NetworkOptions) -> None:
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
    from riskengine.clock import run_clock
    from riskengine.inventory.index import cache_folder
    from riskengine.pipeline import assess as run_assessment
    from riskengine.pipeline import evidence_source
    from riskengine.portfolio.offers import offers_table, quote_table
    from riskengine.portfolio.offers_page import offers_pdf
    from riskengine.runfiles import RunFiles, check_run_files
    from riskengine.tco import load_offers, price_offers

    store = database(db_path)
    check_run_files(RunFiles.of(
        inputs=[("questionnaire", file), ("offers file", offers_path), ("organisation profile", org_profile),
                *policy.inputs()],
        folders=[("inventory", inventory)],
        outputs=[("offers PDF", output, "pdf"), ("offers JSON", json_path, "json")], database=store, force=force))
    offers = load_offers(offers_path) if offers_path is not None else None  # its problems before any work
    judged_by = policy.load()
    now, source = evidence_source(store, network.settings(), run_clock(), policy=judged_by)
    assessment = run_assessment(file, now=now, inventory=inventory, org_profile=org_profile, policy=judged_by,
                                evidence_source=source, graph_cache=cache_folder(store))
    for item in assessment.not_considered:
        warn(item.effect)
    if assessment.tco is None:
        usage(f"{file}: the assessment priced no TCO")
    if offers is not None:
        comparison = price_offers(assessment.tco.inputs, offers, judged_by.assumptions, trials=None, seed=None)
        table, result = offers_table(assessment, comparison), comparison.model_dump_json(indent=2)
    else:
        table, result = quote_table(assessment, judged_by), assessment.tco.model_dump_json(indent=2)
    if output is not None:
        write_bytes_atomically(output, offers_pdf(table, judged_by))
    if json_path is not None:
        write_bytes_atomically(json_path, (result + "\n").encode())
    _show_offers(table, judged_by.assumptions)
    written = [str(path) for path in (output, json_path) if path is not None]
    if written:
        click.echo(f"wrote {' and '.join(written)}")


def _show_offers(table: OfferTable, assumptions: Assumptions) -> None:
    """The offers table: one line per offer and style, lowest expected cost first, then the recommendation."""
    from riskengine.portfolio.offers import amount, percent
    from riskengine.tco.headline import horizon_text

    horizon = horizon_text(assumptions.wording, table.horizon_years)
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
        click.echo(f"  {cut(row.offer, width):<{width}}  {row.option.replace('_', ' '):<13}  "
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


@click.command("explain")
@configured
@click.argument("result", type=EXISTING)
@click.option("--rule", "rule_id", metavar="ID", help="Only the trail of this rule (control, knockout, factor).")
@policy_options
def explain_command(result: Path, rule_id: str | None, policy: PolicyOptions) -> None:
    """Print the trail behind a score from a JSON RESULT written by assess.

    \b
    riskengine explain northwind-mail.json
    riskengine explain northwind-mail.json --rule IAM-SCIM

    A rule of the scoring profile that did not apply to this assessment says so (exit 0); an id that is no rule
    of the profile (default: the shipped one, or --profile, --policy) is an error naming the closest ids (exit 2).
    Given the PDF report instead of RESULT, it names the JSON result written beside it.
    """
    from riskengine.assessment import load_result
    from riskengine.explain import explain

    assessment = load_result(result)
    for line in explain(assessment, rule_id, profile=policy.load().profile if rule_id is not None else None):
        click.echo(line)
