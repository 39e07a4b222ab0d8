"""The findings of a discovery as an inventory patch: a native inventory (YAML, docs/inventory.md) holding the tools
found in use and not in the inventory, each marked unsanctioned, with its evidence in comments above it. An
architect reviews it, sets what discovery cannot know (criticality, owner, data classes), and merges the systems
kept into the inventory; ``riskengine inventory check`` reads the patch as it is.
"""

from __future__ import annotations

import json
import re

from riskengine.discover.analysis import Discovery
from riskengine.inventory.model import Inventory

_UNSAFE = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")
DEFAULT_CRITICALITY = "medium"
"""Discovery cannot know how much the business depends on a tool: the patch says medium and asks for a decision."""


def inventory_patch(discovery: Discovery, inventory: Inventory | None = None) -> str:
    """The patch's YAML text: deterministic for the same findings."""
    taken = {system.id for system in inventory.systems} if inventory is not None else set()
    detections = {detection.technology: detection for detection in discovery.detections}
    lines = [
        f"# Inventory patch written by riskengine discover for {_comment(discovery.domain)} (run {discovery.run_id}, "
        f"{discovery.created:%Y-%m-%dT%H:%MZ}).",
        "# Each system below was found in use on the domain and is not in the inventory"
        + (f" ({_comment(discovery.inventory)})" if discovery.inventory else "") + ".",
        "# Review each one: set criticality, owner, data classes and sanctioned, then merge the systems you keep into",
        "# the inventory. Evidence ids (EV-...) are records of the evidence store: `riskengine discover "
        f"{_comment(discovery.domain)} --replay {discovery.run_id}` shows them again.",
        f"organisation: {json.dumps(inventory.organisation if inventory is not None else '')}",
    ]
    added = [finding for finding in discovery.findings if (finding.status in ("shadow-it", "duplicate", "detected")
             and not finding.system_id) or finding.status == "duplicate"]
    if not added:
        lines.append("systems: []")
    else:
        lines.append("systems:")
    for finding in added:
        detection = detections[finding.technology]
        system_id = _unique_id(finding.technology, taken)
        taken.add(system_id)
        lines.append(f"  # {finding.status}: {_comment(finding.reason)}; confidence {finding.confidence}")
        for match in detection.matches:
            lines.append(f"  #   {match.kind}{f'[{_comment(match.key)}]' if match.key else ''} at "
                         f"{_comment(match.where)}: {_comment(match.snippet[:120])} ({match.evidence_id}, sha256 "
                         f"{match.snippet_sha256[:12]})")
        lines.append(f"  #   fingerprint source: {_comment(detection.source)}")
        lines += [f"  - id: {system_id}",
                  f"    name: {json.dumps(finding.technology)}",
                  f"    criticality: {DEFAULT_CRITICALITY}   # to set: discovery cannot tell",
                  f"    capabilities: [{finding.capability}]",
                  "    sanctioned: false",
                  "    hosting: saas",
                  *([f"    vendor: {json.dumps(detection.vendor)}"] if detection.vendor else [])]
    stale = [finding for finding in discovery.findings if finding.status == "stale-trace"]
    if stale:
        lines.append("# Stale traces, not added: remove the record if the tool is gone (a former sender may still be "
                     "allowed to send as us).")
        for finding in stale:
            detection = detections[finding.technology]
            where = "; ".join(sorted({f"{match.kind} at {match.where}" for match in detection.matches}))
            lines.append(f"#   {_comment(finding.technology)}: {_comment(where)}")
    if discovery.email.unknown_senders:
        lines.append("# SPF includes no fingerprint names (senders allowed to send as us that nobody named): "
                     + ", ".join(_comment(sender) for sender in discovery.email.unknown_senders))
    lines.append("integrations: []")
    return "\n".join(lines) + "\n"


def _unique_id(name: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "tool"
    if not base[0].isalnum():
        base = "tool-" + base
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


def _comment(text: str) -> str:
    """``text`` fit for one comment line: control characters and line breaks replaced."""
    return _UNSAFE.sub(" ", text)
