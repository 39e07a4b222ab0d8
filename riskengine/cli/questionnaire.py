"""The questionnaire: ``template`` (the blank one to send), ``validate`` (a returned one), ``import`` (a vendor's own
format converted into ours, pre-filled)."""

from __future__ import annotations

from pathlib import Path

import click

from riskengine.cli.errors import report_problems
from riskengine.cli.options import (
    EXISTING,
    OUTPUT,
    PolicyOptions,
    bank_option,
    configured,
    database,
    force_option,
    format_options,
    inventory_option,
    policy_options,
)


@click.command()
@configured
@click.argument("out", type=OUTPUT)
@bank_option
@click.option("--with-systems", "inventory", metavar="INVENTORY", type=click.Path(exists=True, path_type=Path),
              help="Add the sheet \"Our systems\": the name and capabilities of each sanctioned system in INVENTORY "
                   "(YAML, Excel or a Backstage catalog), offered in a dropdown in the Integrations rows. It shares "
                   "those with the vendor and nothing else: no criticality, data, owners, vendors or integrations. "
                   "Default: not included.")
@force_option
def template(out: Path, bank_path: Path | None, inventory: Path | None, force: bool) -> None:
    """Write the blank questionnaire (OUT.xlsx) a vendor fills in.

    With --with-systems, the vendor can pick our systems by the names we use; without it, it names them as it
    knows them (product, what they do) and assess matches them by meaning.

    An existing OUT.xlsx is replaced only when it is a questionnaire riskengine wrote and no one has saved since
    (a vendor's filled-in copy is not), unless --force.
    """
    from riskengine.clock import run_clock
    from riskengine.questionnaire.bank import load_bank
    from riskengine.questionnaire.template import write_template
    from riskengine.runfiles import RunFiles, check_run_files

    check_run_files(RunFiles.of(inputs=[("question bank", bank_path)], folders=[("inventory", inventory)],
                                outputs=[("questionnaire", out, "workbook")], database=database(None), force=force))
    bank = load_bank(bank_path)
    catalogue = None
    if inventory is not None:
        from riskengine.inventory.catalogue import system_catalogue
        from riskengine.inventory.loader import load_inventory
        from riskengine.inventory.vocabulary import load_vocabularies

        catalogue = system_catalogue(load_inventory(inventory, vocabularies=load_vocabularies()))
    write_template(bank, out, now=run_clock(), catalogue=catalogue)
    click.echo(f"wrote {out}: {len(bank.sections)} sections, {len(bank.questions())} questions ({bank.id} "
               f"{bank.version})")
    if catalogue is not None:
        click.echo(f"  sheet \"Our systems\" lists {len(catalogue.systems)} systems of {inventory}: name and "
                   "capabilities only")


@click.command()
@configured
@click.argument("file", type=EXISTING)
@inventory_option(help="Check integration rows against this inventory.")
@policy_options
@format_options
def validate(file: Path, inventory: Path | None, policy: PolicyOptions, format_name: str | None,
             mapping: Path | None) -> None:
    """Check a filled questionnaire and list every problem with its cell (exit 2 if any is an error).

    A questionnaire in the vendor's own format (CAIQ, HECVAT, VSAQ) is recognised and read through its mapping;
    the line then says how much of ours it covers.
    """
    from riskengine.clock import run_clock
    from riskengine.runfiles import RunFiles, check_run_files
    from riskengine.validation import validate as validate_file

    check_run_files(RunFiles.of(inputs=policy.inputs()))
    submission = validate_file(file, now=run_clock(), inventory=inventory, format=format_name, mapping=mapping,
                               policy=policy.load() if policy.given else None)
    if submission.warnings:
        report_problems(str(file), submission.warnings)
    answered = sum(1 for answer in submission.answers.values() if answer.value is not None)
    rows = sum(len(rows) for rows in submission.tables.values())
    click.echo(f"{file}: valid ({answered} answers, {rows} table rows, {len(submission.warnings)} warnings)")
    coverage = submission.coverage
    if coverage is not None:
        click.echo(f"  {coverage.format} {coverage.format_version} through {coverage.mapping}: "
                   f"{coverage.answers_mapped} of our {coverage.questions_total} questions answered "
                   f"({coverage.percent:.0f} %), {len(coverage.not_covered)} not covered, "
                   f"{len(coverage.unparsed)} unparsed")


@click.command("import", short_help="Convert a vendor's own questionnaire into ours, pre-filled.")
@configured
@click.argument("file", type=EXISTING)
@click.option("-o", "--output", required=True, type=OUTPUT,
              help="Where to write our questionnaire, pre-filled (.xlsx). Never the vendor's file.")
@format_options
@bank_option
@force_option
def import_command(file: Path, output: Path, format_name: str | None, mapping: Path | None,
                   bank_path: Path | None, force: bool) -> None:
    """Convert a vendor's questionnaire in another format into ours, pre-filled with what translates.

    CAIQ v3.1 and v4, HECVAT 3.00-3.10 (Full, Lite) and 4, and VSAQ are recognised by their content, whatever
    their sheets are called; any other workbook needs a mapping that describes it (docs/importers.md).

    \b
    riskengine import vendor-caiq.xlsx -o vendor-questionnaire.xlsx
    riskengine import their-sheet.xlsx --mapping their-format.yaml -o vendor-questionnaire.xlsx

    OUT.xlsx is never the vendor's file, a mapping, the bank or the register database; an existing OUT.xlsx
    is replaced only when riskengine wrote it (unless --force).
    """
    from riskengine.clock import run_clock
    from riskengine.importers.prefill import prefill_template
    from riskengine.importers.reading import read_questionnaire
    from riskengine.questionnaire.bank import load_bank
    from riskengine.runfiles import RunFiles, check_run_files

    now = run_clock()
    check_run_files(RunFiles.of(
        inputs=[("vendor's questionnaire", file), ("mapping", mapping), ("question bank", bank_path)],
        outputs=[("pre-filled questionnaire", output, "workbook")], database=database(None), force=force))
    bank = load_bank(bank_path)
    submission = read_questionnaire(file, bank, today=now.date(), format=format_name, mapping=mapping)
    written = prefill_template(submission, bank, output, now=now, source=file)
    total = len(bank.questions())
    coverage = submission.coverage
    if coverage is None:
        click.echo(f"{file}: already riskengine's questionnaire ({len(submission.answers)} answers)")
    else:
        click.echo(f"{file}: {coverage.format} {coverage.format_version} (mapping {coverage.mapping})")
        click.echo(f"  questions read   {coverage.questions_read} ({coverage.questions_answered} answered)")
        click.echo(f"  answers mapped   {coverage.answers_mapped} of {total} ({coverage.percent:.1f} % coverage)")
        click.echo(f"  not covered      {len(coverage.not_covered)}")
        click.echo(f"  unparsed         {len(coverage.unparsed)}")
        if coverage.flags:
            click.echo(f"  flags            {len(coverage.flags)} ("
                       + ", ".join(f"{flag.severity} {flag.their_id}" for flag in coverage.flags[:5])
                       + (", ..." if len(coverage.flags) > 5 else "") + ")")
        for item in coverage.unparsed[:10]:
            click.echo(f"  unparsed {item.place} ({item.their_id}): {item.reason}")
    click.echo(f"wrote {output}: {written} answers pre-filled; the vendor completes the other {total - written}")
