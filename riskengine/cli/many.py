"""Many vendors at once: ``batch`` (a folder of questionnaires, resumable) and ``compare`` (candidates for the same
need, one recommended)."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click
from click.core import ParameterSource

from riskengine.cli.errors import EXIT_INPUT, warn
from riskengine.cli.options import (
    EACH_TOOL,
    EXISTING,
    OUTPUT,
    NetworkOptions,
    PolicyOptions,
    audience_option,
    configured,
    database,
    force_option,
    inventory_option,
    network_options,
    org_option,
    policy_options,
)

if TYPE_CHECKING:
    from riskengine.pipeline import Audience
    from riskengine.report.wording import ReportWording


@click.command()
@configured
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@inventory_option(help=EACH_TOOL)
@org_option
@policy_options
@network_options
@click.option("--workers", type=click.IntRange(min=1), default=lambda: os.cpu_count() or 1,
              show_default="the number of CPUs", help="Processes assessing at once (on this machine).")
@click.option("--scheduler", metavar="tcp://HOST:PORT|local:N",
              help="Assess on a Dask cluster instead: a running scheduler's address, or local:N for N worker "
                   "processes here. Needs the dask extra (pip install 'riskengine[dask]'); see docs/dask.md.")
@click.option("--evidence-db", metavar="PATH|URL",
              help="Where the workers read stored evidence (default: the --db database): a copy of it, or its "
                   "PostgreSQL URL, at the same path or URL on every worker. Workers never write to it.")
@click.option("-o", "--outdir", type=click.Path(file_okay=False, path_type=Path), default=Path("out"),
              show_default=True, help="Folder for the reports: NAME.pdf and NAME.json per questionnaire, and "
                                      "portfolio.xlsx and portfolio.pdf over all of them.")
@audience_option("each PDF")
@click.option("--redo", is_flag=True, help="Assess every questionnaire again, even those a previous run finished.")
@force_option
def batch(directory: Path, inventory: Path | None, org_profile: Path | None, policy: PolicyOptions, workers: int,
          scheduler: str | None, evidence_db: str | None, outdir: Path, audience: Audience, redo: bool, force: bool,
          db_path: Path | str | None, network: NetworkOptions) -> None:
    """Assess every questionnaire (*.xlsx) in DIRECTORY: a PDF and a JSON each, and the portfolio summary.

    Each assessment is recorded in the register. A run that was stopped (even killed) resumes: vendors
    whose recorded PDF and JSON are in OUTDIR unchanged are skipped. A bad questionnaire is reported with
    its cells and skipped; the exit code is 2 if any failed.

    OUTDIR is never DIRECTORY itself; no report lands on an input or the register database, and an existing file
    in a report's place is replaced only when riskengine wrote it (unless --force). All of it is checked before
    the first questionnaire is read.

    \b
    On a Dask cluster (docs/dask.md):
    riskengine batch inbox/ --scheduler tcp://scheduler.internal:8786 -o /shared/out
    riskengine batch inbox/ --scheduler local:4

    The workers write the reports into OUTDIR; only this process records them in the register, so a killed
    worker or a killed batch resumes as above. Every worker must see DIRECTORY, OUTDIR, the inventory and the
    organisation profile at the same paths as this process.
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
    from riskengine.clock import run_clock
    from riskengine.database import locate
    from riskengine.inventory.index import cache_folder

    if scheduler is not None:
        if click.get_current_context().get_parameter_source("workers") is ParameterSource.COMMANDLINE:
            raise click.UsageError("--workers and --scheduler cannot be used together (local:N starts N Dask "
                                   "workers)")
        from riskengine.batch.cluster import check_scheduler

        check_scheduler(scheduler)  # a mistyped address or a missing extra: before anything is loaded
        # Dask's own log says nothing the command does not (a lost scheduler is an error message, a lost worker a
        # vendor's outcome) and says it with tracebacks, from its threads, until the process ends: its handler
        # (set up when Dask was imported, on the "distributed" logger, which its children's records reach) is
        # quietened for this process
        for handler in logging.getLogger("distributed").handlers:
            handler.setLevel(logging.CRITICAL)
    settings = BatchSettings(outdir=outdir, store_path=database(db_path), now=run_clock(),
                             network=network.settings(), inventory=inventory, org_profile=org_profile,
                             policy=policy.load(), audience=audience,
                             evidence_db=locate(evidence_db) if evidence_db is not None else None,
                             graph_cache=cache_folder(database(db_path)))
    _warn_not_considered(settings.policy.wording, inventory, org_profile)
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
        # This process is the CLI's own: with one worker, the batch may tune its garbage collector as a pool
        # worker does (``riskengine.batch.worker``).
        result = run_batch(directory, settings, workers=workers, scheduler=scheduler, redo=redo, force=force,
                           on_planned=planned, on_outcome=finished, owns_process=True)
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


@click.command("compare", short_help="Compare vendors for the same need and recommend one.")
@configured
@click.argument("questionnaires", nargs=-1, type=EXISTING)
@inventory_option(help=EACH_TOOL)
@org_option
@policy_options
@network_options
@click.option("-o", "--output", type=OUTPUT, required=True, help="The comparison PDF.")
@click.option("--json", "json_path", type=OUTPUT, help="Also write the comparison as JSON.")
@force_option
def compare_command(questionnaires: tuple[Path, ...], inventory: Path | None, org_profile: Path | None,
                    policy: PolicyOptions, db_path: Path | str | None, output: Path, json_path: Path | None,
                    force: bool, network: NetworkOptions) -> None:
    """Compare vendors for the same need: assess each QUESTIONNAIRE and recommend one.

    \b
    riskengine compare q1.xlsx q2.xlsx q3.xlsx --inventory samples/inventory.yaml -o comparison.pdf

    Each questionnaire is assessed as assess does, with the same outside evidence (with --offline, only what
    the store already holds). Rejected vendors are never recommended; the lowest tier wins, then
    the lowest residual risk unless its cost is more than the allowed share above the cheapest
    (scoring/compare.yaml). Every input is checked before anything is written: a problem in any of them stops
    the command with exit code 2. The PDF and the JSON are never an input, the register database or each other,
    and replace an existing file only when riskengine wrote it (unless --force).
    """
    from riskengine.atomic import write_bytes_atomically
    from riskengine.clock import run_clock
    from riskengine.errors import UsageError
    from riskengine.pipeline import evidence_source
    from riskengine.portfolio.candidates import assess_candidates
    from riskengine.portfolio.compare import compare
    from riskengine.portfolio.comparison_page import comparison_pdf
    from riskengine.runfiles import RunFiles, check_run_files

    if len(questionnaires) < 2:
        raise click.UsageError("compare needs at least two questionnaires")
    if len({path.resolve() for path in questionnaires}) < len(questionnaires):
        raise UsageError("the same questionnaire is given twice")
    store = database(db_path)
    check_run_files(RunFiles.of(
        inputs=[*(("questionnaire", path) for path in questionnaires), ("organisation profile", org_profile),
                *policy.inputs()],
        folders=[("inventory", inventory)],
        outputs=[("comparison PDF", output, "pdf"), ("comparison JSON", json_path, "json")],
        database=store, force=force))
    judged_by = policy.load()
    _warn_not_considered(judged_by.wording, inventory, org_profile)
    now, source = evidence_source(store, network.settings(), run_clock(), policy=judged_by)
    assessments = assess_candidates(questionnaires, now=now, inventory=inventory, org_profile=org_profile,
                                    policy=judged_by, evidence_source=source)
    comparison = compare(assessments, policy=judged_by)
    write_bytes_atomically(output, comparison_pdf(comparison, assessments, judged_by))
    if json_path is not None:
        write_bytes_atomically(json_path, (comparison.model_dump_json(indent=2) + "\n").encode())
    for candidate in comparison.ranked():
        row = candidate.row
        standing = f"#{candidate.rank}" if candidate.rank is not None else "excluded"
        click.echo(f"{candidate.letter} {standing:<9} {row.name}: {row.decision.replace('_', ' ')}, tier {row.tier}, "
                   f"residual {row.residual:.1f}")
    click.echo(comparison.recommendation)
    click.echo(f"wrote {output}" + (f" and {json_path}" if json_path is not None else ""))


def _warn_not_considered(wording: ReportWording, inventory: Path | None, org_profile: Path | None) -> None:
    """Before the first vendor: what every assessment of the run will leave out (each JSON records it too)."""
    from riskengine.assessment import not_considered

    for item in not_considered(wording, inventory=inventory is not None, org_profile=org_profile is not None):
        warn(item.effect)
