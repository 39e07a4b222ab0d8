"""``discover``: the martech the organisation already runs, from its own DNS and website, checked against the
inventory."""

from __future__ import annotations

from pathlib import Path

import click

from riskengine.cli.options import (
    EXISTING,
    OUTPUT,
    NetworkOptions,
    configured,
    database,
    force_option,
    inventory_option,
    json_flag,
    network_options,
)


@click.command()
@configured
@click.argument("domain")
@click.option("--org", "org_profile", type=EXISTING,
              help="Organisation profile (required): its domains: list names the only domains discover may ask about.")
@inventory_option("Inventory to compare the findings with (YAML, Excel or a Backstage catalog). Without one, tools "
                  "are listed as detected, not judged.")
@click.option("--pages", type=click.IntRange(0, 50), default=10, show_default=True,
              help="Same-site pages to read after the home page (static HTML, headers and cookies; no JavaScript).")
@click.option("--fingerprints", "fingerprints_path", type=click.Path(exists=True, path_type=Path),
              help="A fingerprint file or folder instead of the shipped set: a copy of webappanalyzer's "
                   "technologies JSON (src/technologies/), or a file in riskengine's format.")
@click.option("-o", "--output", type=OUTPUT, help="Write the findings as an inventory patch (YAML) to review and "
                                                  "merge.")
@click.option("--replay", metavar="ID", help="Read exactly the records of a past discovery run (its DS-... id) "
                                             "from the evidence store; nothing is fetched.")
@force_option
@network_options
@json_flag("Print the findings as JSON.")
def discover(domain: str, org_profile: Path | None, inventory: Path | None, pages: int,
             fingerprints_path: Path | None, output: Path | None, replay: str | None, force: bool, as_json: bool,
             db_path: Path | str | None, network: NetworkOptions) -> None:
    """Discover the martech DOMAIN already runs, from its DNS and website, and check it against the inventory.

    DOMAIN must be one of the organisation's domains (domains: in the --org profile) or below one: discover never
    asks about anyone else's. It reads TXT (SPF includes followed to RFC 7208's 10-lookup limit, verification
    tokens), MX, NS, CAA, _dmarc, DKIM keys at common selectors, the CNAMEs of common marketing subdomains, and the
    home page plus up to --pages same-site pages, within a request budget, through the address guard. Every answer
    is kept in the evidence store: --offline reads only the store, --replay ID repeats a run exactly.

    Each tool found is sanctioned (in the inventory), shadow IT, a duplicate of a sanctioned tool's capability, or a
    stale trace (a verification record or SPF include with no use seen). SPF includes no fingerprint names are
    flagged for email security.
    """
    from riskengine.clock import run_clock
    from riskengine.discover import check_domain, inventory_patch
    from riskengine.discover import discover as run_discovery
    from riskengine.discover.fingerprints import load_fingerprints, shipped_fingerprints
    from riskengine.enrich.store import EvidenceStore
    from riskengine.errors import InputError, Problem
    from riskengine.inventory.loader import load_inventory
    from riskengine.inventory.vocabulary import load_vocabularies
    from riskengine.organisation import load_org_profile
    from riskengine.runfiles import RunFiles, check_run_files

    store = database(db_path)
    check_run_files(RunFiles.of(inputs=[("organisation profile", org_profile)],
                                folders=[("inventory", inventory), ("fingerprints", fingerprints_path)],
                                outputs=[("inventory patch", output, "patch")],
                                database=store, force=force))
    if org_profile is None:
        raise InputError("--org", [Problem(place="--org", message=(
            "discover needs the organisation profile: its domains: list names the only domains it may ask about"))])
    org = load_org_profile(org_profile)
    name = check_domain(domain, org.domains, str(org_profile))
    now, settings = run_clock(), network.settings()
    vocabularies = load_vocabularies()
    fingerprints = (load_fingerprints(fingerprints_path, vocabularies=vocabularies) if fingerprints_path is not None
                    else shipped_fingerprints())
    systems = load_inventory(inventory, vocabularies=vocabularies) if inventory is not None else None
    with EvidenceStore(store) as evidence:
        found = run_discovery(name, settings=settings, now=now, store=evidence, pages=pages, fingerprints=fingerprints,
                              inventory=systems, site_domains=org.domains, replay=replay)
    if output is not None:
        from riskengine.atomic import write_bytes_atomically

        write_bytes_atomically(output, inventory_patch(found, systems).encode())
    for warning in found.warnings:
        click.echo(f"warning: {warning}", err=True)
    if as_json:
        click.echo(found.model_dump_json(indent=2))
    else:
        from riskengine.discover.text import render_text

        click.echo(render_text(found), nl=False)
    if output is not None:
        click.echo(f"wrote {output}", err=True)
