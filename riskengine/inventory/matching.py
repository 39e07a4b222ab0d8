"""Find the system of ours that a vendor's Integrations row names, by what we call it or by what it does.

A vendor fills in its questionnaire without our architecture in hand: it writes "Salesforce", "SFDC", "our CRM"
or "consent management" where our inventory says ``crm-eu`` or "Customer 360". ``SystemMatcher.match`` tries,
in this order, and stops at the first route that names anything:

1. the system's **id**, 2. its **name**, 3. its **product**, 4. one of its **aliases**, 5. its **vendor**,
6. a **capability** (the vocabulary's terms and synonyms, with filler words such as "our" or "platform" dropped).

Spelling is compared ignoring case, spaces, dashes and underscores. A route that names exactly one system
matches it; one that names several leaves the row **ambiguous** between them; a row no route resolves is
**unknown**. Neither stops an assessment: the row is listed for IT to confirm, with candidates ranked by
capability (the systems that do what the row names, or what its spelling comes closest to), then by spelling.
Spelling alone never matches a row: "Salesforce Sales Clowd" is a candidate list, not a guess.
"""

from __future__ import annotations

import difflib
from typing import Literal

from pydantic import BaseModel, ConfigDict

from riskengine.inventory.model import Inventory, System
from riskengine.inventory.vocabulary import Vocabularies, term_key

Route = Literal["id", "name", "product", "alias", "vendor", "capability"]
ROUTES: tuple[Route, ...] = ("id", "name", "product", "alias", "vendor", "capability")
"""The order in which a row's text is tried; the first route that names any system decides."""
MAX_CANDIDATES = 5
SPELLING_CUTOFF = 0.7
"""``difflib`` similarity (0-1) from which a system's id, name, product, alias or vendor is offered as a candidate
for a row that names no system: "Salesforce Sales Clowd" offers "Salesforce Sales Cloud" (0.95), while "okta" does
not offer "Hotjar" (0.6)."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class Candidate(_Frozen):
    """A system a row may mean, and why it is offered."""

    system_id: str
    name: str
    reason: str
    """``capability crm``, ``alias 'SFDC'``, ``spelling 'Salesforce Sales Cloud'``."""


class SystemMatch(_Frozen):
    """What one row's text names: a system (``system_id``, by ``route``), or candidates to confirm."""

    text: str
    system_id: str = ""
    route: Route | None = None
    capability: str = ""
    """The capability the text names ("our CRM": crm), when it names one."""
    candidates: tuple[Candidate, ...] = ()
    """For an ambiguous or unknown row: the systems it may mean, by capability first, then by spelling."""

    @property
    def status(self) -> Literal["matched", "ambiguous", "unknown"]:
        if self.system_id:
            return "matched"
        return "ambiguous" if self.route is not None else "unknown"


class SystemMatcher:
    """Matches row texts to the systems of one inventory; built once per inventory, each lookup a dict access
    (spelling candidates, for a row nothing names, compare with every label)."""

    def __init__(self, inventory: Inventory, vocabularies: Vocabularies) -> None:
        self.vocabularies = vocabularies
        self.systems: dict[str, System] = {system.id: system for system in inventory.systems}
        self._by_route: dict[Route, dict[str, list[str]]] = {route: {} for route in ROUTES}
        for system in inventory.systems:
            named: tuple[tuple[Route, tuple[str, ...]], ...] = (
                ("id", (system.id,)), ("name", (system.name,)), ("product", (system.product,)),
                ("alias", system.aliases), ("vendor", (system.vendor,)))
            for route, labels in named:
                for label in labels:
                    if not label.strip():
                        continue
                    holders = self._by_route[route].setdefault(term_key(label), [])
                    if system.id not in holders:
                        holders.append(system.id)
            for capability in system.capabilities:
                self._by_route["capability"].setdefault(capability, []).append(system.id)
        self._labels: dict[str, list[tuple[str, str]]] = {}
        """Spelling key -> (system id, label as written), for candidates by spelling."""
        for system in inventory.systems:
            for label in (system.id, system.name, system.product, *system.aliases, system.vendor):
                if label.strip():
                    entries = self._labels.setdefault(term_key(label), [])
                    if (system.id, label) not in entries:
                        entries.append((system.id, label))

    def match(self, text: str) -> SystemMatch:
        """The system ``text`` names, or the candidates it may mean (see the module's docstring)."""
        key = term_key(text)
        if not key:
            return SystemMatch(text=text)
        capability = self.vocabularies.named_capability(text) or ""
        if capability == "other":  # "other" is what a system is when it is nothing in particular: it names none
            capability = ""
        for route in ROUTES:
            found = self._by_route[route].get(capability if route == "capability" else key, [])
            if len(found) == 1:
                return SystemMatch(text=text, system_id=found[0], route=route, capability=capability)
            if found:
                named = [self._candidate(system_id, self._reason(route, text, capability)) for system_id in found]
                ranked = sorted(named, key=lambda candidate: self._closeness(key, candidate.system_id), reverse=True)
                return SystemMatch(text=text, route=route, capability=capability,
                                   candidates=tuple(ranked[:MAX_CANDIDATES]))
        return SystemMatch(text=text, capability=capability, candidates=self._ranked(text, key, capability))

    def _ranked(self, text: str, key: str, capability: str) -> tuple[Candidate, ...]:
        """Candidates for a row no route resolves: the systems with the capability it names or its spelling
        comes closest to ("consnet management"), most alike in spelling first; then systems by spelling."""
        near = capability or self.vocabularies.capability.closest(text) or ""
        doing = sorted(self._by_route["capability"].get(near, []) if near != "other" else [],
                       key=lambda system_id: (-self._closeness(key, system_id), system_id))
        candidates = [self._candidate(system_id, f"capability {near}") for system_id in doing]
        for label_key in difflib.get_close_matches(key, list(self._labels), n=MAX_CANDIDATES * 2,
                                                   cutoff=SPELLING_CUTOFF):
            for system_id, label in self._labels[label_key]:
                if all(candidate.system_id != system_id for candidate in candidates):
                    candidates.append(self._candidate(system_id, f"spelling {label!r}"))
        return tuple(candidates[:MAX_CANDIDATES])

    def _closeness(self, key: str, system_id: str) -> float:
        system = self.systems[system_id]
        labels = (system.id, system.name, system.product, *system.aliases, system.vendor)
        return max(difflib.SequenceMatcher(None, key, term_key(label)).ratio() for label in labels if label.strip())

    def _candidate(self, system_id: str, reason: str) -> Candidate:
        return Candidate(system_id=system_id, name=self.systems[system_id].name, reason=reason)

    @staticmethod
    def _reason(route: Route, text: str, capability: str) -> str:
        return f"capability {capability}" if route == "capability" else f"{route} {text.strip()!r}"
