"""The Due page of a register where many are due: each list a page at a time with its totals, and the conditions
of approvals read from their results once (those without any included), on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from riskengine.council.store import Council
from riskengine.register.store import Register
from tests.conftest import NOW
from tests.register.conftest import entry
from tests.web.conftest import start_server, stop_server

VENDORS = 120


def test_the_due_page_lists_many_a_page_at_a_time(db: Path | str, tmp_path: Path) -> None:
    ids = [f"RA-20250101-{number:010d}" for number in range(VENDORS)]
    with Register(db) as register:
        register.record_entries([(entry(assessment_id, vendor=f"Vendor {number:03d}", domain=f"v{number:03d}.example",
                                        created=NOW - dt.timedelta(days=400), reassess_by=dt.date(2026, 1, 1)
                                        + dt.timedelta(days=number * 3)), [])
                                 for number, assessment_id in enumerate(ids)], now=NOW)
    process, server = start_server(tmp_path, db=db)
    try:
        with server.client("dana") as client:
            first = re.sub(r"\s+", " ", client.get("/due", params={"within": "30"}).text)
            # Due by 2026-12-24: reassessments from 2026-01-01 every third day, 2026-11-24 (today) is number 109.
            assert "Reassessments (120, 109 overdue)" in first and "Page 1 of 3" in first
            assert first.count('<span class="flag">overdue</span>') == 50
            assert "Vendor 000" in first and "Vendor 050" not in first
            last = client.get("/due", params={"within": "30", "vendors_page": "3"}).text
            assert "Page 3 of 3" in last and "Vendor 100" in last and "Vendor 119" in last and "Vendor 099" not in last
            assert "← Previous" in last and "Next →" not in last
            beyond = client.get("/due", params={"within": "30", "vendors_page": "99"}).text
            assert "Page 3 of 3" in beyond, "a page past the end shows the last"
            assert "Open conditions (0)" in first, "the stand-in results hold no conditions"
    finally:
        stop_server(process)
    with Council(db) as council:
        assert council.untracked(ids) == [], "each approval's result was read once, those without conditions too"
