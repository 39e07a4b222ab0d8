"""assess(): the stages in order, nothing else. Files are read here; the stages themselves are pure.

``validate`` is in ``riskengine.validation``: it needs only the readers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Literal

from riskengine import __version__
from riskengine.assessment import (
    AnsweredQuestion,
    Assessment,
    InputFile,
    OpenQuestion,
    Vendor,
    Versions,
    not_considered,
)
from riskengine.digest import file_sha256
from riskengine.enrich.checks import all_checks
from riskengine.enrich.gather import EvidenceSet, evidence_facts, gather_evidence
from riskengine.enrich.settings import NetworkSettings
from riskengine.enrich.store import EvidenceStore
from riskengine.errors import Problem, UsageError
from riskengine.facts import Fact, FactSet, Provenance
from riskengine.importers.reading import read_questionnaire
from riskengine.inventory.analysis import GRAPH_FACTS, GraphFindings, analyse, resolve_connections
from riskengine.inventory.graph import SystemGraph
from riskengine.inventory.index import graph_index
from riskengine.inventory.loader import load_inventory
from riskengine.inventory.matching import SystemMatcher
from riskengine.inventory.model import Inventory
from riskengine.inventory.vocabulary import ONE_OFF_FREQUENCY
from riskengine.organisation import DEFAULT_ORG, OrgProfile, load_org_profile
from riskengine.policy import Policy, read_policy
from riskengine.questionnaire.bank import QuestionBank
from riskengine.questionnaire.submission import IMPORT_FACTS, Answer, Submission, answer_facts, import_facts
from riskengine.score.engine import assessment_date_fact, derive_facts, score
from riskengine.score.profile import ASSESSMENT_FACTS
from riskengine.score.result import RiskResult
from riskengine.tco.inputs import PRICE_FACTS, price_facts
from riskengine.tco.result import TcoResult

Audience = Literal["full", "it", "marketing", "compliance"]


EvidenceSource = Callable[[str, bool], EvidenceSet]
"""Gives the evidence for a domain (and whether the tool sends email as us): the network, the store, a replay."""


ORGANISATION_FACTS: dict[str, str] = {
    "data.outside_approved_regions": "the tool would store data in regions the organisation has not approved",
}
"""Facts that compare an answer with the organisation's own policy (``_policy_facts``)."""


def stage_facts() -> dict[str, str]:
    """The facts the stages publish besides answers and evidence, each with its meaning, in report order."""
    return {**ASSESSMENT_FACTS, **GRAPH_FACTS, **ORGANISATION_FACTS, **PRICE_FACTS, **IMPORT_FACTS}


def fact_catalogue() -> dict[str, str]:
    """Every fact a stage can publish (name -> meaning), as each stage declares it: what a profile may read."""
    return {**stage_facts(), **{name: description for name, (_, description) in all_checks().items()}}


def load_policy(folder: Path | None = None, *, profile: Path | None = None, bank: Path | None = None) -> Policy:
    """The policy an assessment is judged and worded by: the shipped data files, each replaced by its namesake in
    ``folder`` where there is one, and ``profile`` or ``bank`` over both (see ``riskengine.policy``)."""
    return read_policy(folder, facts=fact_catalogue(), profile=profile, bank=bank)


@cache
def default_policy() -> Policy:
    """The shipped policy, loaded once per process."""
    return load_policy()


def assess(
    questionnaire: Path,
    *,
    now: dt.datetime,
    policy: Policy | None = None,
    inventory: Path | None = None,
    org_profile: Path | None = None,
    evidence_source: EvidenceSource | None = None,
    tco_trials: int | None = None,
    tco_seed: int | None = None,
    format: str | None = None,
    mapping: Path | None = None,
    identity: dict[str, str] | None = None,
    graph_cache: Path | None = None,
) -> Assessment:
    """Assess one vendor from its questionnaire; ``now`` is the assessment's clock (fix it to replay).

    ``policy`` is what judges it (``load_policy``; default: the shipped one).
    ``format`` and ``mapping`` are as for ``validate``: a foreign questionnaire is read through its mapping, and
    the questions of ours it does not cover stay unanswered (listed in ``Assessment.coverage``). ``identity``
    gives the vendor's name, product or domain by role (``vendor.legal_name``, ``vendor.product``,
    ``vendor.domain``) where the questionnaire lacks them or has them wrong; a replaced answer is a warning.
    The inventory's graph index (what the graph says whatever the vendor) is kept in the process and, when
    ``graph_cache`` names a folder, on disk there (``riskengine.inventory.index``): the next vendor reuses it.

    Without an ``evidence_source`` no outside evidence is gathered and the evidence facts stay absent.
    The TCO is always priced (with the default organisation when no ``org_profile`` is given), with
    ``tco_trials`` Monte Carlo trials and seed ``tco_seed``; by default the trials adapt in batches of 20,000
    until the headline's standard errors meet ``scoring/tco.yaml``'s targets, on a fixed seed, so the same
    inputs give the same result.
    """
    policy = policy or default_policy()
    bank, profile = policy.bank, policy.profile
    organisation = load_org_profile(org_profile) if org_profile else DEFAULT_ORG
    # Blank required answers do not stop an assessment (validate lists them): the decision says what is missing.
    submission = read_questionnaire(questionnaire, bank, today=now.date(), format=format, mapping=mapping,
                                    require_answers=False)
    if identity:
        submission = _with_identity(submission, bank, identity)
    facts = FactSet().with_facts(*answer_facts(submission), *_policy_facts(bank, submission, organisation),
                                 *import_facts(submission),
                                 *price_facts(submission, bank, organisation, policy.assumptions),
                                 assessment_date_fact(now.date()))
    graph: GraphFindings | None = None
    if inventory is not None:
        systems, system_graph = _inventory_graph(inventory, policy)
        # a row naming no system for sure is a warning and a finding for IT, not a stop (inventory.matching)
        connections, unidentified = resolve_connections(submission, bank, SystemMatcher(systems, policy.vocabularies))
        graph, graph_facts = analyse(system_graph, connections,
                                     _role_text(bank, submission, "vendor.capability"), policy.effort,
                                     policy.vocabularies, unidentified, index=graph_index(system_graph, graph_cache))
        facts = facts.with_facts(*graph_facts)
    else:
        facts = facts.with_facts(Fact(name="graph.connected", value=sum(
            1 for row in submission.tables.get(_role_id(bank, "integrations"), ())
            if row.values.get("frequency") != ONE_OFF_FREQUENCY)))
    facts = derive_facts(facts, profile)
    evidence: EvidenceSet | None = None
    domain = _role_text(bank, submission, "vendor.domain")
    if evidence_source is not None and domain:
        evidence = evidence_source(domain, facts.value("sending.as_us") is True)
        facts = derive_facts(facts.with_facts(*evidence_facts(evidence)), profile)
    risk, findings = score(facts, profile, today=now.date(), labels=_labels(bank))
    tco = _price(submission, policy, risk, organisation, graph, trials=tco_trials, seed=tco_seed)
    inputs = [InputFile(role="questionnaire", name=questionnaire.name, sha256=file_sha256(questionnaire))]
    for role, path in (("inventory", inventory), ("org_profile", org_profile)):
        if path is not None:
            inputs.append(InputFile(role=role, name=path.name, sha256=file_sha256(path)))
    files = {item.part: item for item in policy.files}
    inputs += [InputFile(role=part, name=Path(files[part].path).name, sha256=files[part].sha256)
               for part in ("profile", "bank")]
    inputs.append(InputFile(role="policy", name=policy.name, sha256=policy.digest))
    return Assessment(
        assessment_id=_assessment_id(inputs, now, evidence.run_hash if evidence else ""),
        created=now,
        requested_by=organisation.requested_by,
        vendor=Vendor(
            legal_name=_role_text(bank, submission, "vendor.legal_name"),
            product=_role_text(bank, submission, "vendor.product"),
            domain=domain,
            country=_role_text(bank, submission, "vendor.country"),
            founded=_role_int(bank, submission, "vendor.founded"),
        ),
        inputs=tuple(inputs),
        versions=Versions(engine=__version__, bank=f"{bank.id}@{bank.version}", profile=risk.profile),
        risk=risk,
        findings=findings,
        tco=tco,
        graph=graph,
        evidence=evidence,
        answers=_answered(bank, submission),
        warnings=(*submission.warnings, *(graph.match_warnings() if graph is not None else ())),
        coverage=submission.coverage,
        not_covered=_open_questions(bank, submission),
        not_considered=not_considered(policy.wording, inventory=inventory is not None,
                                      org_profile=org_profile is not None),
    )


_CACHE: OrderedDict[tuple[str, str, str], tuple[Inventory, SystemGraph]] = OrderedDict()
"""The last inventories read, by file, content and policy (named ``_CACHE``: the benchmarks' cold passes empty it)."""
_CACHE_SLOTS = 2
_CACHE_LOCK = threading.Lock()


def prepare_inventory(path: Path, policy: Policy, graph_cache: Path | None = None) -> None:
    """Read the inventory at ``path`` and compute its graph index, kept in this process and in ``graph_cache``
    (when given), so that the assessments that follow, here or in other processes given the same folder, start
    from them. Raises the inventory's errors (``InputError``) as ``assess`` would."""
    from riskengine.inventory.index import graph_index

    _, system_graph = _inventory_graph(path, policy)
    graph_index(system_graph, graph_cache)


def _inventory_graph(path: Path, policy: Policy) -> tuple[Inventory, SystemGraph]:
    """The inventory at ``path`` and its graph: read again only when the file's bytes (or the policy, whose
    vocabularies resolve its terms) changed since this process last read it, so a batch or a web server reads
    and builds a large inventory once, not once per vendor. A folder (a Backstage catalog) is read every time."""
    key = (str(path), file_sha256(path), policy.digest) if path.is_file() else None
    with _CACHE_LOCK:
        if key is not None and key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    systems = load_inventory(path, vocabularies=policy.vocabularies)
    graph = SystemGraph(systems)
    if key is not None and file_sha256(path) == key[1]:  # unchanged while it was read: safe to keep
        with _CACHE_LOCK:
            _CACHE[key] = (systems, graph)
            while len(_CACHE) > _CACHE_SLOTS:
                _CACHE.popitem(last=False)
    return systems, graph


def _price(submission: Submission, policy: Policy, risk: RiskResult, organisation: OrgProfile,
           graph: GraphFindings | None, *, trials: int | None, seed: int | None) -> TcoResult:
    """The TCO stage (numpy is imported here, not when the CLI starts)."""
    from riskengine.tco.inputs import tco_inputs
    from riskengine.tco.simulation import total_cost_of_ownership

    inputs = tco_inputs(submission, policy.bank, risk, organisation, policy.assumptions, graph)
    return total_cost_of_ownership(inputs, policy.assumptions, trials=trials, seed=seed)


def evidence_source(store_path: Path | str, settings: NetworkSettings, now: dt.datetime, *,
                    replay: str | None = None, policy: Policy | None = None) -> tuple[dt.datetime, EvidenceSource]:
    """The clock and the evidence source of a run: live (store first, then network), offline, or a replay.

    A live source judges the website by ``policy``'s web scoring (default: the shipped policy's).

    A replay returns the past run's clock and evidence, whatever domain or settings are asked for. The
    store is opened only when evidence is asked for, so a run that fails on its input touches nothing.
    """
    if replay is not None:
        with EvidenceStore(store_path) as store:
            domain, created, items = store.run(replay)
        recorded = EvidenceSet.of(domain, "replay", items)
        return created, lambda _domain, _sends_email: recorded

    web_scoring = (policy or default_policy()).web

    def live(domain: str, sends_email: bool) -> EvidenceSet:
        with EvidenceStore(store_path) as store:
            return gather_evidence(domain, settings=settings, now=now, store=store, sends_email=sends_email,
                                   web_scoring=web_scoring)

    return now, live


def record_evidence(store_path: Path | str, assessment: Assessment) -> None:
    """Remember the evidence an assessment used, so ``--replay`` can repeat it exactly."""
    if assessment.evidence is not None:
        with EvidenceStore(store_path) as store:
            store.record_run(assessment.assessment_id, assessment.evidence.domain, assessment.created,
                             assessment.evidence.records)


def _labels(bank: QuestionBank) -> dict[str, str]:
    """What each fact means for a person, in bank order: the question's text, or the stage fact's meaning."""
    labels = {f"answer.{question.id}": question.text for _, question in bank.questions()}
    return {**labels, **stage_facts()}


def _policy_facts(bank: QuestionBank, submission: Submission, organisation: OrgProfile) -> list[Fact]:
    """Facts that compare an answer with the organisation's own policy (its approved data regions).

    Without approved regions every region is acceptable (the fact is false); without an answer on where the data
    is stored, the fact is unknown (absent), so that a rule on it waits for the answer."""
    if not organisation.approved_regions:
        return [Fact(name="data.outside_approved_regions", value=False, sources=(
            Provenance(kind="profile", ref="org_profile:approved_regions", detail="no regions set: any is approved"),
        ))]
    question = bank.by_role("data.locations")
    answer = submission.answers.get(question.id) if question is not None else None
    if answer is None or not isinstance(answer.value, tuple):
        return []
    outside = sorted(set(answer.value) - set(organisation.approved_regions))
    return [Fact(name="data.outside_approved_regions", value=bool(outside), sources=(
        Provenance(kind="cell", ref=answer.place),
        Provenance(kind="profile", ref="org_profile:approved_regions",
                   detail=f"approved {', '.join(organisation.approved_regions)}; "
                          f"outside: {', '.join(outside) or 'none'}"),
    ))]


def _answered(bank: QuestionBank, submission: Submission) -> tuple[AnsweredQuestion, ...]:
    rows: list[AnsweredQuestion] = []
    for section, question in bank.questions():
        if question.is_table:
            for number, row in enumerate(submission.tables.get(question.id, ()), start=1):
                text = "; ".join(f"{column.title}: {_plain(row.values.get(column.id))}"
                                 for column in question.columns if row.values.get(column.id) is not None)
                rows.append(AnsweredQuestion(question_id=f"{question.id}.{number}", section=section.title,
                                             question=question.text, answer=text, place=row.place))
            continue
        answer = submission.answers.get(question.id)
        if answer is not None:
            rows.append(AnsweredQuestion(question_id=question.id, section=section.title, question=question.text,
                                         answer=_plain(answer.value), place=answer.place, comment=answer.comment))
    return tuple(rows)


IDENTITY_ROLES = ("vendor.legal_name", "vendor.product", "vendor.domain")
"""The roles ``identity`` may give: a foreign questionnaire often names neither the vendor nor its domain."""


def _with_identity(submission: Submission, bank: QuestionBank, identity: dict[str, str]) -> Submission:
    """``submission`` with the vendor's name, product or domain given by the analyst (the command line)."""
    answers = dict(submission.answers)
    warnings = list(submission.warnings)
    for role, value in sorted(identity.items()):
        question = bank.by_role(role) if role in IDENTITY_ROLES else None
        if question is None or not value.strip():
            raise UsageError(f"identity: {role!r} is not one of {', '.join(IDENTITY_ROLES)} in {bank.id}")
        place = f"command line: {role}"
        old = answers.get(question.id)
        if old is not None and old.value not in (None, "") and old.value != value.strip():
            warnings.append(Problem(place=old.place, question_id=question.id, severity="warning",
                                    message=f"answer {old.value!r} replaced by {value.strip()!r} from the {place}"))
        answers[question.id] = Answer(question_id=question.id, value=value.strip(), place=place)
    coverage = submission.coverage
    if coverage is not None:
        coverage = coverage.model_copy(update={"not_covered": tuple(
            question_id for question_id in coverage.not_covered if question_id not in answers)})
    return submission.model_copy(update={"answers": answers, "warnings": tuple(warnings), "coverage": coverage})


def _open_questions(bank: QuestionBank, submission: Submission) -> tuple[OpenQuestion, ...]:
    """Our questions a foreign questionnaire leaves open, with their text, for the report's list."""
    if submission.coverage is None:
        return ()
    open_ids = set(submission.coverage.not_covered)
    return tuple(OpenQuestion(question_id=question.id, section=section.title, question=question.text)
                 for section, question in bank.questions() if question.id in open_ids)


def _plain(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, tuple):
        return ", ".join(str(item) for item in value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # "6500", as the vendor typed it, not Excel's 6500.0
    return str(value)


def _role_id(bank: QuestionBank, role: str) -> str:
    question = bank.by_role(role)
    return question.id if question is not None else ""


def _role_text(bank: QuestionBank, submission: Submission, role: str) -> str:
    return submission.text(_role_id(bank, role))


def _role_int(bank: QuestionBank, submission: Submission, role: str) -> int | None:
    value = submission.value(_role_id(bank, role))
    return value if isinstance(value, int) else None


def _assessment_id(inputs: list[InputFile], now: dt.datetime, evidence_hash: str) -> str:
    """Stable for the same inputs, clock and evidence, so a replay gives the same id."""
    material = json.dumps([[i.role, i.sha256] for i in inputs] + [now.isoformat(), evidence_hash]).encode()
    return f"RA-{now:%Y%m%d}-{hashlib.sha256(material).hexdigest()[:10].upper()}"
