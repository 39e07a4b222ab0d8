"""``riskengine register check``: does the register prove its own history?

A thin shell over ``Register.check_chain`` (``riskengine.register.integrity``); the CLI group
(``riskengine.cli.main``) registers the ``register`` group by name and maps riskengine's errors to exit codes.
Exit 0 when the chain holds, 4 when the register was altered (as ``verify``'s "not verified": the register
cannot vouch for what it holds), 2 when the file cannot be opened.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

EXIT_ALTERED = 4
"""The register was altered outside riskengine: the same code as ``verify``'s "not verified"."""


@click.group("register")
def register_command() -> None:
    """The register itself: check that its history is as riskengine recorded it."""


@register_command.command("check")
@click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path),
              help="The riskengine database (SQLite: evidence store and register). Default: RISKENGINE_DB, else "
                   "riskengine.db in the user's data folder.")
@click.option("--head", metavar="HASH",
              help="A head printed by an earlier check and kept away from the file: the chain must still hold it "
                   "(else it was rewritten since).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON (the exit code is the same).")
def check_command(db_path: Path | None, head: str | None, as_json: bool) -> None:
    """Verify the register's hash chain: every assessment, result, output and sign-off, in order.

    Names the first record changed, deleted, moved or inserted outside riskengine (exit 4), or prints how many
    records hold and the chain's head (exit 0). Works on a copy of the file whose triggers were dropped. Keep
    the head somewhere else: a writer who recomputes the chain after a change leaves it intact, but not --head.

    \b
    riskengine register check --db riskengine.db
    riskengine register check --head 10c1ecbce3a1451c0869d0878c6aabf7ea9642f35025cedf90edc310926ad833
    """
    from riskengine.enrich.store import default_store_path
    from riskengine.register.store import Register

    with Register(db_path or default_store_path()) as register:
        report = register.check_chain(head)
    if as_json:
        click.echo(report.model_dump_json(indent=2))
    elif report.intact:
        click.echo(f"{report.path}: {report.summary()}")
    else:
        click.echo(f"{report.path}: {report.summary()}", err=True)
        click.echo(f"  {report.records} records hold before it; head {report.head}", err=True)
    if not report.intact:
        sys.exit(EXIT_ALTERED)
