"""The portfolio's vendor list, kept between requests (``riskengine.web.listing``), is read again after every
recorded assessment, by any connection: on SQLite the database file and its write-ahead log say so, on PostgreSQL
the head of the register's hash chain (the ``db`` fixture runs the test on both)."""

from __future__ import annotations

from pathlib import Path

from riskengine.register.store import Register
from riskengine.web.listing import VENDORS
from tests.conftest import NOW
from tests.register.conftest import entry, pdf_output


def test_the_kept_vendor_list_follows_every_recorded_assessment(db: Path | str) -> None:
    with Register(db) as web, Register(db) as batch:
        assert VENDORS.of(web) == []
        batch.record_entries([(entry("RA-1", created=NOW), [pdf_output("RA-1")])], now=NOW)
        kept = VENDORS.of(web)
        assert [vendor.vendor_key for vendor in kept] == ["acme.example"]
        assert VENDORS.of(web) is kept, "nothing recorded since: the kept list, not read again"
        batch.record_entries([(entry("RA-2", vendor="Beta", domain="beta.example", created=NOW),
                               [pdf_output("RA-2")])], now=NOW)
        assert [vendor.vendor_key for vendor in VENDORS.of(web)] == ["acme.example", "beta.example"]
