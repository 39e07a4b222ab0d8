"""due: vendors whose latest assessment's reassessment date has passed or comes within the window."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from riskengine.register.store import Register
from tests.conftest import NOW, TODAY
from tests.register.conftest import cli, entry, epoch_of


def _register(db: Path | str) -> None:
    """Four vendors: one overdue, one due in 10 days, one due in 45 days, one reassessed since it was due."""
    day = dt.timedelta(days=1)
    entries = [
        entry("RA-1", vendor="Overdue Ltd", domain="overdue.example", created=NOW - 200 * day, tier="high",
              reassess_by=TODAY - 17 * day),
        entry("RA-2", vendor="Soon GmbH", domain="soon.example", created=NOW - 300 * day, tier="medium",
              reassess_by=TODAY + 10 * day),
        entry("RA-3", vendor="Later SA", domain="later.example", created=NOW - 100 * day, tier="critical",
              reassess_by=TODAY + 45 * day),
        entry("RA-4", vendor="Renewed Inc", domain="renewed.example", created=NOW - 400 * day, tier="high",
              reassess_by=TODAY - 200 * day),
        entry("RA-5", vendor="Renewed Inc", domain="renewed.example", created=NOW - 5 * day, tier="low",
              reassess_by=TODAY + 700 * day),
    ]
    with Register(db) as register:
        # Out of order on purpose: the vendor's latest assessment is the newest by date, not the last recorded.
        register.record_entries([(item, []) for item in reversed(entries)], now=NOW)


def test_due_lists_overdue_and_soon_due_vendors_soonest_first(db: Path | str) -> None:
    _register(db)
    result = cli(db, "due")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "as of 2026-11-24: 2 vendors due by 2026-12-24 (1 overdue)"
    assert lines[2].split() == ["2026-11-07", "overdue", "17", "days", "Overdue", "Ltd", "high", "2026-05-08", "RA-1"]
    assert lines[3].split()[:4] == ["2026-12-04", "in", "10", "days"]
    assert len(lines) == 4


def test_due_honours_within_and_as_of(db: Path | str) -> None:
    _register(db)
    wide = json.loads(cli(db, "due", "--within", "60", "--json").stdout)
    assert [(v["name"], v["days_left"]) for v in wide] == [("Overdue Ltd", -17), ("Soon GmbH", 10), ("Later SA", 45)]
    later = json.loads(cli(db, "due", "--as-of", "2027-01-10", "--within", "0", "--json").stdout)
    assert [(v["name"], v["days_left"]) for v in later] == [("Overdue Ltd", -64), ("Soon GmbH", -37), ("Later SA", -2)]
    clock = json.loads(cli(db, "due", "--within", "0", "--json", epoch=epoch_of(dt.date(2026, 12, 4))).stdout)
    assert [v["name"] for v in clock] == ["Overdue Ltd", "Soon GmbH"]


def test_nothing_due_says_so(db: Path | str) -> None:
    _register(db)
    result = cli(db, "due", "--as-of", "2026-01-01", "--within", "7")
    assert result.returncode == 0
    assert result.stdout == "as of 2026-01-01: no vendor is due for reassessment within 7 days\n"
    bad = cli(db, "due", "--as-of", "next week")
    assert bad.returncode == 2
