"""``riskengine user``: accounts added, listed, given another role, stopped and restored, their passwords set; every
change audited; the last active administrator kept; refusals exit 2 with one sentence."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

from riskengine.cli import main
from riskengine.council.passwords import password_matches
from riskengine.council.store import Council

PASSWORD = "correct horse battery staple"


def _run(db: Path, *args: str, password: str | None = None) -> Result:
    return CliRunner().invoke(main, ["user", *args, "--db", str(db)], input=None if password is None else password
                              + "\n", prog_name="riskengine", terminal_width=120)


def test_accounts_are_managed_from_the_command_line(tmp_path: Path) -> None:
    db = tmp_path / "riskengine.db"
    assert _run(db, "add", "root", "--role", "admin", "--password-stdin", password=PASSWORD).exit_code == 0
    added = _run(db, "add", "mia", "--role", "marketing", "--display-name", "Mia Marketer", "--password-stdin",
                 password=PASSWORD)
    assert added.output == "added mia (Mia Marketer) with role marketing\n"
    listed = _run(db, "list")
    assert listed.output.splitlines() == ["mia                      marketing   active      Mia Marketer",
                                          "root                     admin       active      root"]
    assert _run(db, "set", "mia", "--role", "it").output == "mia: role it, active\n"
    assert _run(db, "set", "mia", "--deactivated").output == "mia: role it, deactivated\n"
    assert json.loads(_run(db, "list", "--json").output)[0] == {
        "name": "mia", "display_name": "Mia Marketer", "role": "it", "active": False}
    nothing = _run(db, "set", "mia")
    assert nothing.exit_code == 2 and "say what to change: --role ROLE, --active or --deactivated" in nothing.output
    last = _run(db, "set", "root", "--role", "compliance")
    assert last.exit_code == 2 and "'root' is the last active administrator" in last.output
    assert _run(db, "set", "nobody", "--active").exit_code == 2
    new = "an entirely new passphrase"
    assert _run(db, "password", "mia", "--password-stdin", password=new).exit_code == 0
    short = _run(db, "password", "mia", "--password-stdin", password="short")
    assert short.exit_code == 2 and "at least 12 characters" in short.output
    with Council(db) as council:
        assert council.password_hash("mia") is None, "a stopped account has no password to sign in with"
        council.update_user("mia", active=True)
        assert password_matches(council.password_hash("mia"), new)
        assert [(event.action, event.detail) for event in council.audit_log(target="mia")] == [
            ("user password", ""), ("user change", "role it, deactivated"), ("user change", "role it, active"),
            ("user add", "role marketing")]
