"""``inventory check``: an inventory of existing systems validated and summarised."""

from __future__ import annotations

from pathlib import Path

import click

from riskengine.cli.options import configured


@click.group()
def inventory() -> None:
    """Work with the inventory of existing systems (YAML, Excel workbook or Backstage catalog)."""


@inventory.command("check")
@configured
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--format", "inventory_format", type=click.Choice(["yaml", "xlsx", "backstage"]),
              help="Force the format instead of detecting it from the content.")
@click.option("--policy", "policy_folder", type=click.Path(exists=True, file_okay=False, path_type=Path),
              metavar="DIR", help="A folder of policy files; its questionnaires/vocabularies.yaml names the "
                                  "capabilities and data classes.")
def inventory_check(path: Path, inventory_format: str | None, policy_folder: Path | None) -> None:
    """Validate an inventory (every problem with its place) and summarise it."""
    from riskengine.inventory.graph import SystemGraph
    from riskengine.inventory.loader import load_inventory
    from riskengine.inventory.summary import summarise
    from riskengine.inventory.vocabulary import load_vocabularies
    from riskengine.runfiles import RunFiles, check_run_files

    check_run_files(RunFiles.of(folders=[("inventory", path)]))
    if policy_folder is not None:
        from riskengine.pipeline import load_policy

        vocabularies = load_policy(policy_folder).vocabularies
    else:
        vocabularies = load_vocabularies()
    inventory = load_inventory(path, vocabularies=vocabularies, format=inventory_format)  # type: ignore[arg-type]
    summary = summarise(SystemGraph(inventory))
    levels = ", ".join(f"{count} {level}" for level, count in summary.by_criticality.items())
    click.echo(f"{path}: valid{f' ({summary.organisation})' if summary.organisation else ''}")
    click.echo(f"  systems        {summary.systems} ({levels})")
    click.echo(f"  integrations   {summary.integrations}; {summary.parts} connected part"
               f"{'s' if summary.parts != 1 else ''}{'; has cycles' if summary.cyclic else ''}")
    click.echo(f"  critical       {', '.join(summary.critical_systems) or 'none'}")
    click.echo(f"  single points of failure  {', '.join(summary.single_points_of_failure) or 'none'}")
    if summary.unsanctioned:
        click.echo(f"  unsanctioned (shadow IT)  {', '.join(summary.unsanctioned)}")
