"""``riskengine compare``: assess candidates for the same need and write the comparison (PDF, and JSON).

A thin shell over ``riskengine.pipeline.assess`` and ``riskengine.portfolio.compare``; the CLI group
(``riskengine.cli.main``) registers it and maps riskengine's errors to exit codes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from riskengine.assessment import Assessment

_EXISTING = click.Path(exists=True, dir_okay=False, path_type=Path)
_OUTPUT = click.Path(dir_okay=False, path_type=Path)


@click.command("compare")
@click.argument("questionnaires", nargs=-1, type=_EXISTING)
@click.option("--inventory", type=click.Path(exists=True, path_type=Path),
              help="Inventory of existing systems (YAML, Excel or a Backstage catalog) to place each tool in.")
@click.option("--org", "org_profile", type=_EXISTING, help="Organisation profile (currency, rates, horizon).")
@click.option("--offline", is_flag=True, envvar="RISKENGINE_OFFLINE",
              help="Gather no outside evidence (as assess --offline with an empty store). Also set by "
                   "RISKENGINE_OFFLINE=1.")
@click.option("--db", "db_path", type=_OUTPUT,
              help="Evidence store (SQLite). Default: RISKENGINE_DB, else riskengine.db in the user's data folder.")
@click.option("-o", "--output", type=_OUTPUT, required=True, help="The comparison PDF.")
@click.option("--json", "json_path", type=_OUTPUT, help="Also write the comparison as JSON.")
@click.option("--force", is_flag=True,
              help="Replace an existing file at an output path even if riskengine did not write it. Never an input, "
                   "the register database or the other output.")
def compare_command(questionnaires: tuple[Path, ...], inventory: Path | None, org_profile: Path | None,
                    offline: bool, db_path: Path | None, output: Path, json_path: Path | None, force: bool) -> None:
    """Compare vendors for the same need: assess each QUESTIONNAIRE and recommend one.

    \b
    riskengine compare q1.xlsx q2.xlsx q3.xlsx --inventory samples/inventory.yaml -o comparison.pdf

    Rejected vendors are never recommended; the lowest tier wins, then the lowest residual risk unless its
    cost is more than the allowed share above the cheapest (scoring/compare.yaml). Every input is checked
    before anything is written: a problem in any of them stops the command with exit code 2. The PDF and the
    JSON are never an input, the register database or each other, and replace an existing file only when
    riskengine wrote it (unless --force).
    """
    from riskengine.atomic import write_bytes_atomically
    from riskengine.enrich.store import default_store_path
    from riskengine.errors import UsageError
    from riskengine.portfolio.compare import compare
    from riskengine.portfolio.comparison_page import comparison_pdf
    from riskengine.runfiles import RunFiles, check_run_files

    if len(questionnaires) < 2:
        raise click.UsageError("compare needs at least two questionnaires")
    if len({path.resolve() for path in questionnaires}) < len(questionnaires):
        raise UsageError("the same questionnaire is given twice")
    check_run_files(RunFiles.of(
        inputs=[*(("questionnaire", path) for path in questionnaires), ("organisation profile", org_profile)],
        folders=[("inventory", inventory)],
        outputs=[("comparison PDF", output, "pdf"), ("comparison JSON", json_path, "json")],
        database=db_path or default_store_path(), force=force))
    now = _clock()
    assessments = assess_all(questionnaires, now=now, inventory=inventory, org_profile=org_profile,
                             offline=offline, db_path=db_path)
    comparison = compare(assessments)
    pdf = comparison_pdf(comparison, assessments)
    data = (comparison.model_dump_json(indent=2) + "\n").encode() if json_path is not None else b""
    write_bytes_atomically(output, pdf)
    if json_path is not None:
        write_bytes_atomically(json_path, data)
    for candidate in comparison.ranked():
        row = candidate.row
        standing = f"#{candidate.rank}" if candidate.rank is not None else "excluded"
        click.echo(f"{candidate.letter} {standing:<9} {row.name}: {row.decision.replace('_', ' ')}, tier {row.tier}, "
                   f"residual {row.residual:.1f}")
    click.echo(comparison.recommendation)
    click.echo(f"wrote {output}" + (f" and {json_path}" if json_path is not None else ""))


def assess_all(questionnaires: Sequence[Path], *, now: dt.datetime, inventory: Path | None,
               org_profile: Path | None, offline: bool, db_path: Path | None = None) -> list[Assessment]:
    """Assess every questionnaire; the problems of all of them are raised together as one ``InputError``."""
    from riskengine.errors import InputError, Problem
    from riskengine.pipeline import EvidenceSource, assess

    source: EvidenceSource | None = None
    if not offline:
        from riskengine.enrich.settings import NetworkSettings
        from riskengine.enrich.store import default_store_path
        from riskengine.pipeline import evidence_source

        now, source = evidence_source(db_path or default_store_path(), NetworkSettings(), now)
    assessments: list[Assessment] = []
    problems: dict[tuple[str, str, str], Problem] = {}
    failed: list[str] = []
    for path in questionnaires:
        try:
            assessments.append(assess(path, now=now, inventory=inventory, org_profile=org_profile,
                                      evidence_source=source))
        except InputError as exc:
            failed.append(str(path))
            for problem in exc.problems:
                placed = problem
                if exc.source == str(path) and not problem.place.startswith(str(path)):
                    placed = problem.model_copy(update={"place": f"{path} {problem.place}"})
                problems.setdefault((placed.place, placed.message, placed.severity), placed)
    if failed:
        raise InputError(", ".join(failed), list(problems.values()))
    return assessments


def _clock() -> dt.datetime:
    """The run's clock (``SOURCE_DATE_EPOCH`` or now), imported when the command runs, not when it loads."""
    from riskengine.clock import run_clock as clock

    return clock()
