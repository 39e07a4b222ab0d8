"""The portfolio as the web shows it: every vendor's latest assessment (``Register.vendors``), filtered, sorted
and cut into pages on the server, each row with its sign-off state per role and its tracked conditions."""

from __future__ import annotations

import datetime as dt
import math
import threading
from dataclasses import dataclass, field
from pathlib import Path

from riskengine.council.conditions import recorded_conditions
from riskengine.council.store import TRACKED_DECISION, ConditionRecord, Council
from riskengine.register.approvals import ROLES, SignOff, approval_status
from riskengine.register.store import Register, VendorRow

PAGE_SIZE = 25
SORTS = ("name", "tier", "residual", "decision", "reassess_by", "assessed")
TIER_RANK = {"low": 0, "medium": 1, "high": 2, "critical": 3}
DECISION_RANK = {"approve": 0, "approve_with_conditions": 1, "more_information_needed": 2, "reject": 3}
SIGNOFF_FILTERS = ("not signed", "pending", "approved", "rejected")


@dataclass(frozen=True)
class PortfolioQuery:
    search: str = ""
    tier: str = ""
    decision: str = ""
    signoff: str = ""
    sort: str = "name"
    descending: bool = False
    page: int = 1

    def normalised(self) -> PortfolioQuery:
        return PortfolioQuery(
            search=" ".join(self.search.split())[:200], tier=self.tier if self.tier in TIER_RANK else "",
            decision=self.decision if self.decision in DECISION_RANK else "",
            signoff=self.signoff if self.signoff in SIGNOFF_FILTERS else "",
            sort=self.sort if self.sort in SORTS else "name", descending=self.descending, page=max(1, self.page))


@dataclass(frozen=True)
class PortfolioRow:
    vendor: VendorRow
    signoffs: dict[str, SignOff]
    """By role: the sign-offs of the latest assessment."""
    status: str
    """``not signed``, ``pending``, ``approved`` or ``rejected``."""
    conditions: list[ConditionRecord] = field(default_factory=list)
    today: dt.date = dt.date.min

    @property
    def open_conditions(self) -> list[ConditionRecord]:
        return [condition for condition in self.conditions if condition.state == "open"]

    @property
    def overdue(self) -> list[ConditionRecord]:
        return [condition for condition in self.open_conditions if condition.due_date < self.today.isoformat()]

    @property
    def next_due(self) -> str:
        """The earliest due date of an open condition, else the reassessment date."""
        dates = sorted(condition.due_date for condition in self.open_conditions)
        return dates[0] if dates else self.vendor.reassess_by


@dataclass(frozen=True)
class PortfolioPage:
    query: PortfolioQuery
    rows: list[PortfolioRow]
    total: int
    """Vendors matching the filters (all pages)."""
    vendors: int
    """Vendors in the register."""
    pages: int


def _status(signoffs: list[SignOff]) -> str:
    return approval_status(signoffs) if signoffs else "not signed"


def _key(query: PortfolioQuery):  # type: ignore[no-untyped-def]
    if query.sort == "tier":
        return lambda row: (TIER_RANK.get(row.tier, 0), row.residual)
    if query.sort == "residual":
        return lambda row: row.residual
    if query.sort == "decision":
        return lambda row: DECISION_RANK.get(row.decision, 0)
    if query.sort == "reassess_by":
        return lambda row: row.reassess_by or "9999"
    if query.sort == "assessed":
        return lambda row: row.latest_created
    return lambda row: (row.name.casefold(), row.vendor_key)


class _Vendors:
    """``Register.vendors()`` kept between requests while the database file is unchanged.

    Reading and checking 10,000 vendor rows is most of a portfolio page's time; the list changes only when an
    assessment is recorded. A SQLite database in WAL mode changes its files at every commit (the write-ahead
    log grows, a checkpoint rewrites the database), so their sizes and times are the key: any commit, ours or
    another process's (a CLI batch), makes the next page read the register again. A commit that changed nothing
    of the vendors (a sign-in, an audit event) costs one read. Without a file to look at (another database)
    nothing is kept.
    """

    def __init__(self) -> None:
        self._key: tuple[object, ...] | None = None
        self._rows: list[VendorRow] = []
        self._lock = threading.Lock()

    def of(self, register: Register) -> list[VendorRow]:
        key = _file_key(register.path)
        with self._lock:
            if key is not None and key == self._key:
                return self._rows
        rows = register.vendors()
        with self._lock:
            self._key, self._rows = key, rows
        return rows


def _file_key(path: Path) -> tuple[object, ...] | None:
    """The database file's size and time, and its write-ahead log's while it holds anything (the last connection
    to close checkpoints the log into the file and removes it, which changes the file only if the log held
    changes)."""
    try:
        main = path.stat()
    except OSError:
        return None
    try:
        wal = Path(f"{path}-wal").stat()
        log: tuple[object, ...] = (wal.st_mtime_ns, wal.st_size, wal.st_ino) if wal.st_size else ()
    except OSError:
        log = ()
    return (str(path), main.st_mtime_ns, main.st_size, *log)


VENDORS = _Vendors()
_PROPOSED: dict[tuple[str, str], list[ConditionRecord]] = {}
"""The open conditions of assessments whose conditions are not tracked yet, as their results give them (an
assessment never changes, so they are read once per process; at most ``_PROPOSED_LIMIT`` kept)."""
_PROPOSED_LIMIT = 20_000


def _conditions(register: Register, council: Council, vendors: list[VendorRow]) -> dict[str, list[ConditionRecord]]:
    """The conditions of these vendors' latest assessments: as tracked, else as their results give them (a page
    view writes nothing: tracking starts with an assessment's own page, an action on a condition, or ``due``)."""
    ids = [vendor.latest_assessment for vendor in vendors]
    found = council.conditions(ids)
    for vendor in vendors:
        assessment_id = vendor.latest_assessment
        if assessment_id in found or vendor.decision != TRACKED_DECISION:
            continue
        key = (str(register.path), assessment_id)
        if key not in _PROPOSED:
            if len(_PROPOSED) >= _PROPOSED_LIMIT:
                _PROPOSED.clear()
            _PROPOSED[key] = recorded_conditions(register, [assessment_id])
        found[assessment_id] = _PROPOSED[key]
    return found


def portfolio_page(register: Register, council: Council, query: PortfolioQuery, today: dt.date,
                   page_size: int = PAGE_SIZE) -> PortfolioPage:
    """One page of the portfolio: the vendors matching ``query``, in its order, with their sign-offs and
    conditions (the conditions of the page's vendors are tracked from here on, if they were not)."""
    query = query.normalised()
    vendors = VENDORS.of(register)
    needle = query.search.casefold()
    chosen = [vendor for vendor in vendors
              if (not query.tier or vendor.tier == query.tier)
              and (not query.decision or vendor.decision == query.decision)
              and (not needle or needle in vendor.name.casefold() or needle in vendor.domain.casefold()
                   or needle in vendor.product.casefold())]
    if query.signoff:
        every = register.signoffs_of([vendor.latest_assessment for vendor in chosen])
        chosen = [vendor for vendor in chosen if _status(every.get(vendor.latest_assessment, [])) == query.signoff]
    chosen.sort(key=_key(query), reverse=query.descending)
    pages = max(1, math.ceil(len(chosen) / page_size))
    number = min(query.page, pages)
    shown = chosen[(number - 1) * page_size:number * page_size]
    ids = [vendor.latest_assessment for vendor in shown]
    signoffs = register.signoffs_of(ids)
    conditions = _conditions(register, council, shown)
    rows = [PortfolioRow(vendor=vendor, signoffs={s.role: s for s in signoffs.get(vendor.latest_assessment, [])},
                         status=_status(signoffs.get(vendor.latest_assessment, [])),
                         conditions=conditions.get(vendor.latest_assessment, []), today=today) for vendor in shown]
    return PortfolioPage(query=PortfolioQuery(**{**query.__dict__, "page": number}), rows=rows, total=len(chosen),
                         vendors=len(vendors), pages=pages)


ROLE_ORDER = ROLES
