"""What a file is, from its first bytes: a file given where another kind is expected is named as what it is, with
the command that takes it (``validate inventory.yaml``: "this is a YAML inventory, not a questionnaire; did you mean
`riskengine inventory check inventory.yaml`?").

Only the head of the file is read (``HEAD_BYTES``), and nothing is parsed: a YAML or TOML file is recognised by its
top-level keys, JSON by the keys riskengine writes, PDF and zip by their magic bytes. A file no rule recognises is
``None``, and the caller says what it expected, as before.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

HEAD_BYTES = 16_384
"""Enough for the identifying top-level keys of every riskengine data file, after a long comment at its top."""


class FileKind(NamedTuple):
    """One kind of file riskengine reads or writes, and where it belongs."""

    name: str
    what: str
    """The kind, for a sentence: "a YAML inventory"."""
    use: str
    """Where it belongs, as advice; ``{path}`` is the file's path: "did you mean `riskengine inventory check
    {path}`?"."""

    def advice(self, path: Path | str) -> str:
        return self.use.format(path=path)


PDF = FileKind("pdf", "a PDF (a report?)", "`riskengine verify {path}` says whether it is a report the register "
                                            "knows")
WORKBOOK = FileKind("workbook", "an Excel workbook (a questionnaire?)",
                    "`riskengine assess {path}` assesses it and writes the JSON result")
RESULT = FileKind("result", "a riskengine JSON result (what assess writes)",
                  "did you mean `riskengine explain {path}`?")
_INVENTORY_USE = "did you mean `riskengine inventory check {path}`, or --inventory {path}?"
INVENTORY = FileKind("inventory", "a YAML inventory", _INVENTORY_USE)
BACKSTAGE = FileKind("backstage", "a Backstage catalog (an inventory)", _INVENTORY_USE)
ORG_PROFILE = FileKind("org_profile", "an organisation profile", "give it with --org {path}")
SCORING_PROFILE = FileKind("scoring_profile", "a scoring profile", "give it with --profile {path}")
BANK = FileKind("bank", "a question bank", "`riskengine template OUT.xlsx --bank {path}` writes its questionnaire")
MAPPING = FileKind("mapping", "a questionnaire mapping", "give it with --mapping {path} beside the vendor's workbook")
OFFERS = FileKind("offers", "an offers file", "give it to `riskengine tco QUESTIONNAIRE --offer {path}`")
SETTINGS = FileKind("settings", "riskengine settings (riskengine.toml)",
                    "riskengine reads it from the working folder or its parents, or with --config {path}")

_YAML_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:(?:\s|$)")
_TOML_KEY = re.compile(r"^(?:\[([\w.-]+)\]|([A-Za-z_][\w-]*)\s*=)")
_SETTINGS_KEYS = frozenset({"inventory", "org", "policy", "profile", "bank", "db", "audience", "network"})
_YAML_KINDS: tuple[tuple[FileKind, frozenset[str], frozenset[str]], ...] = (
    (INVENTORY, frozenset({"systems"}), frozenset()),
    (OFFERS, frozenset({"offers"}), frozenset()),
    (MAPPING, frozenset({"map", "bank"}), frozenset()),
    (BANK, frozenset({"sections", "id"}), frozenset()),
    (ORG_PROFILE, frozenset({"currency"}), frozenset({"horizon_years", "discount_rate", "organisation"})),
    (SCORING_PROFILE, frozenset(), frozenset({"extends", "categories", "controls", "knockouts", "derived_facts",
                                              "residual_reduction"})),
)
"""A YAML file is a kind when its top-level keys hold every key of the first set and, if the second is not empty,
one of the second, the first match winning."""


def identify(head: bytes) -> FileKind | None:
    """The kind of the file that begins with ``head`` (up to its first ``HEAD_BYTES``), or None when it is none of
    ours."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"PK\x03\x04"):
        return WORKBOOK
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    if text.startswith("{"):
        return RESULT if '"assessment_id"' in text and '"versions"' in text else None
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    if "backstage.io/" in text and any(line.startswith("apiVersion:") for line in lines):
        return BACKSTAGE
    keys = {match.group(1) for line in lines if (match := _YAML_KEY.match(line))}
    for kind, every, one_of in _YAML_KINDS:
        if every <= keys and (not one_of or one_of & keys):
            return kind
    toml = {match.group(1) or match.group(2) for line in lines if (match := _TOML_KEY.match(line))}
    if toml and {name.split(".")[0] for name in toml} <= _SETTINGS_KEYS:
        return SETTINGS
    return None


def identify_file(path: Path) -> FileKind | None:
    """``identify`` on the head of ``path``; None when it cannot be read (the caller reports why)."""
    try:
        with path.open("rb") as handle:
            return identify(handle.read(HEAD_BYTES))
    except OSError:
        return None
