"""``riskengine import FILE -o OUT.xlsx``: a vendor's CAIQ, HECVAT, VSAQ or one-off questionnaire, converted into
ours and pre-filled, so that the vendor answers only what their format did not cover.

The command is a thin shell over ``read_questionnaire`` and ``prefill_template``; the CLI group adds it with
``main.add_command(import_command)`` and maps riskengine's errors to exit codes. Heavy modules are imported
inside the function, so that ``riskengine --help`` stays fast.
"""

from __future__ import annotations

from pathlib import Path

import click

FORMAT_CHOICES = ("riskengine", "caiq", "hecvat3", "hecvat4", "vsaq", "mapped")
"""The same as ``riskengine.importers.FORMATS`` (kept here so that building the CLI imports nothing heavy)."""


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write our questionnaire, pre-filled (.xlsx). Never the vendor's file.")
@click.option("--format", "format_name", type=click.Choice(FORMAT_CHOICES),
              help="Force the format instead of recognising it by its content.")
@click.option("--mapping", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A mapping (YAML) to use instead of the shipped one; the generic 'mapped' format needs one.")
@click.option("--bank", "bank_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A question bank other than the shipped martech-v1.")
@click.option("--force", is_flag=True,
              help="Replace an existing OUT.xlsx even if riskengine did not write it (never an input or the database).")
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
    from riskengine.enrich.store import default_store_path
    from riskengine.importers.prefill import prefill_template
    from riskengine.importers.reading import read_questionnaire
    from riskengine.questionnaire.bank import load_bank
    from riskengine.runfiles import RunFiles, check_run_files

    now = run_clock()
    check_run_files(RunFiles.of(
        inputs=[("vendor's questionnaire", file), ("mapping", mapping), ("question bank", bank_path)],
        outputs=[("pre-filled questionnaire", output, "workbook")], database=default_store_path(), force=force))
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
