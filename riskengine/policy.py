"""The policy: every data file that decides or words an assessment, loaded once at the edge and hashed.

A ``Policy`` holds the question bank, the scoring profile, the TCO assumptions, the integration effort model, the
vocabularies, the comparison rule, the web checks' scoring, and the wording of the reports (report, glossary, joint
scorecard, portfolio). The shipped files are the defaults; an organisation overrides any of them with a folder laid
out like the shipped data (``scoring/default.yaml``, ``templates/report.yaml`` ...): a file there replaces the
shipped one (a profile may ``extends: default`` to change only what it names). ``Policy.digest`` hashes what was
loaded, so an assessment records exactly which policy judged it.

This module reads files; the stages never do: they take what they need from the ``Policy`` they are given.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from riskengine.digest import file_sha256
from riskengine.enrich.web_scoring import DEFAULT_SCORING, WebScoring, load_web_scoring
from riskengine.errors import ConfigurationError, Problem
from riskengine.inventory.effort import EFFORT_MODEL, EffortModel, load_effort_model
from riskengine.inventory.vocabulary import VOCABULARIES_FILE, Vocabularies, load_vocabularies
from riskengine.portfolio.wording import (
    COMPARE_RULE,
    PORTFOLIO_TEMPLATE,
    CompareRule,
    PortfolioWording,
    load_compare_rule,
    load_portfolio_wording,
)
from riskengine.questionnaire.bank import DEFAULT_BANK, QuestionBank, load_bank
from riskengine.report.scorecard import SCORECARD_TEMPLATE, ScorecardSpec, load_scorecard
from riskengine.report.wording import (
    GLOSSARY_TEMPLATE,
    REPORT_TEMPLATE,
    Glossary,
    ReportWording,
    load_glossary,
    load_wording,
)
from riskengine.resources import DATA_FOLDERS, data_path
from riskengine.score.profile import DEFAULT_PROFILE, ScoringProfile, load_profile
from riskengine.tco.assumptions import DEFAULT_ASSUMPTIONS, Assumptions, load_assumptions

Origin = Literal["shipped", "override"]


@dataclass(frozen=True)
class _Part:
    folder: str
    name: str
    label: str

    @property
    def relative(self) -> str:
        return f"{self.folder}/{self.name}"


PARTS: dict[str, _Part] = {
    "bank": _Part("questionnaires", DEFAULT_BANK, "question bank"),
    "vocabularies": _Part("questionnaires", VOCABULARIES_FILE, "vocabularies"),
    "profile": _Part("scoring", DEFAULT_PROFILE, "scoring profile"),
    "assumptions": _Part("scoring", DEFAULT_ASSUMPTIONS, "TCO assumptions"),
    "effort": _Part("scoring", EFFORT_MODEL, "integration effort model"),
    "compare": _Part("scoring", COMPARE_RULE, "comparison rule"),
    "web": _Part("scoring", DEFAULT_SCORING, "web scoring"),
    "wording": _Part("templates", REPORT_TEMPLATE, "report wording"),
    "glossary": _Part("templates", GLOSSARY_TEMPLATE, "glossary"),
    "scorecard": _Part("templates", SCORECARD_TEMPLATE, "joint scorecard"),
    "portfolio": _Part("templates", PORTFOLIO_TEMPLATE, "portfolio wording"),
}
"""Each part of the policy and where its file lives, in the shipped data and in an override folder alike."""


class PolicyFile(BaseModel):
    """One file a policy was loaded from: its part, its place (relative to the data folders), origin and hash."""

    model_config = ConfigDict(frozen=True)

    part: str
    label: str
    """What the file is, for people: "scoring profile", "report wording"."""
    path: str
    origin: Origin
    sha256: str

    @property
    def shown(self) -> str:
        """Its place without the machine's folders: ``scoring/default.yaml`` in a policy folder, else its name."""
        relative = PARTS[self.part].relative
        return relative if self.path.replace("\\", "/").endswith(relative) else Path(self.path).name


class Policy(BaseModel):
    """Everything that decides or words an assessment, validated and frozen (see the module's text)."""

    model_config = ConfigDict(frozen=True)

    bank: QuestionBank
    vocabularies: Vocabularies
    profile: ScoringProfile
    assumptions: Assumptions
    effort: EffortModel
    compare: CompareRule
    web: WebScoring
    wording: ReportWording
    glossary: Glossary
    scorecard: ScorecardSpec
    portfolio: PortfolioWording
    files: tuple[PolicyFile, ...]
    digest: str
    """sha256 over what was loaded (each part's validated content), so a comment or a reformatted file does not
    change it and any change of substance does (the TCO assumptions hold their file's sha256, which the report
    prints: there, any changed byte counts)."""

    @property
    def overridden(self) -> tuple[PolicyFile, ...]:
        return tuple(item for item in self.files if item.origin == "override")

    @property
    def name(self) -> str:
        """``shipped``, or ``shipped, overridden: scoring/default.yaml, templates/report.yaml``: what it was loaded
        from, as the assessment's inputs list it."""
        if not self.overridden:
            return "shipped"
        return "shipped, overridden: " + ", ".join(item.shown for item in self.overridden)


def read_policy(folder: Path | None = None, *, facts: Mapping[str, str], profile: Path | None = None,
                bank: Path | None = None) -> Policy:
    """Load the policy: the shipped files, each replaced by its namesake in ``folder`` where there is one.

    ``profile`` and ``bank`` name single files that take precedence over the folder's (``--profile``,
    ``--bank``). The profile is checked against the bank and the catalogue of facts the stages declare
    (``facts``). A file in ``folder`` that is not a part of the policy is an error, so that a misspelt name
    cannot be silently ignored; so is a folder that does not exist.
    """
    paths: dict[str, tuple[Path, Origin]] = {part: (data_path(spec.folder, spec.name), "shipped")
                                             for part, spec in PARTS.items()}
    if folder is not None:
        paths.update({part: (path, "override") for part, path in _overrides(folder).items()})
    for part, path in (("profile", profile), ("bank", bank)):
        if path is not None:
            paths[part] = (path, "override")

    def given(part: str) -> Path | None:
        path, origin = paths[part]
        return path if origin == "override" else None

    question_bank = load_bank(given("bank"))
    loaded: dict[str, BaseModel] = {
        "bank": question_bank,
        "vocabularies": load_vocabularies(given("vocabularies")),
        "profile": load_profile(given("profile"), bank=question_bank, facts=facts),
        "assumptions": load_assumptions(given("assumptions")),
        "effort": load_effort_model(given("effort")),
        "compare": load_compare_rule(given("compare")),
        "web": load_web_scoring(given("web")),
        "wording": load_wording(given("wording")),
        "glossary": load_glossary(given("glossary")),
        "scorecard": load_scorecard(given("scorecard")),
        "portfolio": load_portfolio_wording(given("portfolio")),
    }
    files = tuple(PolicyFile(part=part, label=PARTS[part].label, origin=origin, sha256=file_sha256(path),
                             path=PARTS[part].relative if origin == "shipped" else str(path))
                  for part, (path, origin) in paths.items())
    return Policy(**loaded, files=files, digest=_digest(loaded))


def _overrides(folder: Path) -> dict[str, Path]:
    """The policy files in an override folder, by part; every other YAML file in its data folders is a problem."""
    if not folder.is_dir():
        raise ConfigurationError(str(folder), [Problem(place=str(folder), message=(
            "not a folder: a policy folder holds questionnaires/, scoring/ or templates/ with the files to override"))])
    wanted = {spec.relative: part for part, spec in PARTS.items()}
    found: dict[str, Path] = {}
    problems: list[Problem] = []
    for data_folder in DATA_FOLDERS:
        for path in sorted((folder / data_folder).glob("*.y*ml")) if (folder / data_folder).is_dir() else ():
            part = wanted.get(f"{data_folder}/{path.name}")
            if part is None:
                expected = ", ".join(sorted(name for name in wanted if name.startswith(f"{data_folder}/")))
                problems.append(Problem(place=str(path), message=(
                    f"not a policy file; the files {data_folder}/ may override are {expected}")))
            else:
                found[part] = path
    if problems:
        raise ConfigurationError(str(folder), problems)
    if not found:
        raise ConfigurationError(str(folder), [Problem(place=str(folder), message=(
            "holds no policy file: expected files such as scoring/default.yaml or templates/report.yaml"))])
    return found


def _digest(loaded: Mapping[str, BaseModel]) -> str:
    material = json.dumps({part: hashlib.sha256(model.model_dump_json(by_alias=True).encode()).hexdigest()
                           for part, model in sorted(loaded.items())}, sort_keys=True).encode()
    return hashlib.sha256(material).hexdigest()

