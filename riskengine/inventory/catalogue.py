"""What the questionnaire may tell a vendor about our systems: the optional "Our systems" sheet of the template.

A vendor that knows what we call our systems names them exactly, and its Integrations rows match by name. The
sheet shares as little as does that job: each sanctioned system's name and capabilities. Never its criticality, the
data it holds, its owner, its vendor, its hosting or its integrations: those describe our attack surface, and the
vendor has no need of them. Shadow IT (unsanctioned systems) is not listed: the tool should not connect to it.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from riskengine.inventory.model import Inventory

SHARED_FIELDS = ("name", "capabilities")
"""The only fields of a system the sheet shows."""


class SharedSystem(BaseModel):
    """One of our systems as a vendor may see it."""

    model_config = ConfigDict(frozen=True)

    name: str
    capabilities: tuple[str, ...]


class SystemCatalogue(BaseModel):
    """The systems a vendor may connect to, in the order the sheet lists them (by name)."""

    model_config = ConfigDict(frozen=True)

    organisation: str
    systems: tuple[SharedSystem, ...]


def system_catalogue(inventory: Inventory) -> SystemCatalogue:
    """The sanctioned systems of ``inventory``, name and capabilities only, sorted by name (case ignored)."""
    shared = {(system.name, system.capabilities) for system in inventory.systems if system.sanctioned}
    return SystemCatalogue(organisation=inventory.organisation, systems=tuple(
        SharedSystem(name=name, capabilities=capabilities)
        for name, capabilities in sorted(shared, key=lambda item: (item[0].casefold(), item))))
