"""``enrich``: the outside evidence for one domain, as the assessment would gather it."""

from __future__ import annotations

from pathlib import Path

import click

from riskengine.cli.options import NetworkOptions, configured, database, json_flag, network_options


@click.command()
@configured
@click.argument("domain")
@network_options
@click.option("--email", is_flag=True, help="Also check DKIM selectors, as for a tool that sends email as us.")
@json_flag("Print the evidence as JSON.")
def enrich(domain: str, email: bool, as_json: bool, db_path: Path | None, network: NetworkOptions) -> None:
    """Show the outside evidence for one DOMAIN: registration, DNS and HTTPS checks."""
    from riskengine.clock import run_clock
    from riskengine.enrich.gather import gather_evidence
    from riskengine.enrich.store import EvidenceStore

    now, settings = run_clock(), network.settings()  # both checked before the database is opened
    with EvidenceStore(database(db_path)) as store:
        evidence = gather_evidence(domain, settings=settings, now=now, store=store, sends_email=email)
    if no_network := evidence.no_network():
        click.echo(f"warning: {no_network}", err=True)
    if as_json:
        click.echo(evidence.model_dump_json(indent=2))
        return
    click.echo(f"{evidence.domain} ({evidence.mode}, run {evidence.run_hash[:16]})")
    for item in evidence.items:
        shown = "" if item.value is None else f" = {item.value}"
        click.echo(f"  {item.status:<8} {item.check:<24}{shown}  {item.reason}  [{item.id}, "
                   f"{item.fetched_at:%Y-%m-%d %H:%M}Z]")
