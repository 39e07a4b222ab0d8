"""The Users page (an administrator's) and the Account page (everyone's): accounts added, roles changed, sign-in
stopped and restored, passwords set, each audited and each ending the changed user's sessions; nobody but an
administrator manages accounts, and an administrator cannot lock themselves out. On SQLite and PostgreSQL."""

from __future__ import annotations

import re

import httpx

from riskengine.council.store import Council
from tests.web.conftest import PASSWORD, Server, csrf_of, sign_in

NEW_PASSWORD = "a much longer passphrase 7"


def _post(client: httpx.Client, path: str, **form: str) -> httpx.Response:
    return client.post(path, data={"csrf_token": csrf_of(client), **form})


def _text(response: httpx.Response) -> str:
    return re.sub(r"\s+", " ", response.text)


def test_only_an_administrator_manages_accounts(server: Server) -> None:
    with server.client("dana") as client:
        assert client.get("/users").status_code == 403
        refused = _post(client, "/users", name="eve", role="admin", password=PASSWORD, password_again=PASSWORD)
        assert refused.status_code == 403 and "needs the role admin" in refused.text
        assert "/users" not in client.get("/").text, "no Users link for a compliance officer"
    with server.client("root") as client:
        page = _text(client.get("/users"))
        assert '<a href="/users" aria-current="page">Users</a>' in page
        for name, full in (("ada", "Ada Admin"), ("mia", "Mia Marketer"), ("dana", "Dana Ruiz")):
            assert f"<td>{name}</td><td>{full}</td>" in page
        unsigned = client.post("/users", data={"name": "eve", "role": "it", "password": PASSWORD,
                                               "password_again": PASSWORD})
        assert unsigned.status_code == 403, "a form without its CSRF token is refused"
    with Council(server.db) as council:
        assert council.user("eve") is None


def test_an_administrator_adds_a_user_who_then_signs_in(server: Server) -> None:
    with server.client("root") as client:
        short = _post(client, "/users", name="sam", display_name="Sam Stone", role="marketing", password="short",
                      password_again="short")
        assert short.status_code == 400 and "at least 12 characters" in short.text
        assert 'value="Sam Stone"' in short.text, "what was typed is kept"
        differ = _post(client, "/users", name="sam", role="marketing", password=PASSWORD, password_again=PASSWORD + "x")
        assert differ.status_code == 400 and "The two passwords differ" in differ.text
        added = _post(client, "/users", name="sam", display_name="Sam  Stone", role="marketing", password=PASSWORD,
                      password_again=PASSWORD)
        assert added.status_code == 303, added.text
        assert "added sam as marketing" in _text(client.get(added.headers["location"]))
        taken = _post(client, "/users", name="sam", role="it", password=PASSWORD, password_again=PASSWORD)
        assert taken.status_code == 400 and "A user named &#39;sam&#39; exists already." in taken.text
    with server.client("sam") as client:
        assert "Sam Stone" in client.get("/").text
    with Council(server.db) as council:
        events = [(e.actor, e.action, e.target, e.detail) for e in council.audit_log(target="sam")]
        assert ("root", "user add", "sam", "role marketing") in events


def test_a_role_change_or_a_stop_ends_the_users_sessions(server: Server) -> None:
    with Council(server.db) as council:
        council.audit(actor="test", role="admin", action="marker", target="x")
    with server.client("mia") as mia, server.client("root") as root:
        assert mia.get("/api/me").json()["role"] == "marketing"
        changed = _post(root, "/users/mia", action="role", role="it")
        assert changed.status_code == 303 and "mia is now it" in _text(root.get(changed.headers["location"]))
        assert mia.get("/api/me").status_code == 401, "the session opened as marketing ended"
        assert sign_in(mia, "mia").status_code == 303 and mia.get("/api/me").json()["role"] == "it"
        stopped = _post(root, "/users/mia", action="deactivate")
        assert stopped.status_code == 303
        assert mia.get("/api/me").status_code == 401
        assert sign_in(mia, "mia").status_code == 401, "a stopped account does not sign in"
        assert "stopped" in _text(root.get("/users"))
        assert _post(root, "/users/mia", action="activate").status_code == 303
        assert _post(root, "/users/mia", action="role", role="marketing").status_code == 303
        assert sign_in(mia, "mia").status_code == 303
        own = _post(root, "/users/root", action="deactivate")
        assert own.status_code == 400 and "You cannot change your own role or stop your own sign-in" in own.text
        assert _post(root, "/users/nobody", action="activate").status_code == 404
        assert _post(root, "/users/mia", action="role", role="ceo").status_code == 400
    with Council(server.db) as council:
        actions = [(e.action, e.detail) for e in council.audit_log(target="mia")]
        assert ("user role", "role it") in actions and ("user deactivate", "may not sign in; sessions ended") in actions
        assert council.user("root") is not None and council.user("root").active  # type: ignore[union-attr]


def test_an_administrator_sets_a_password_and_a_user_changes_their_own(server: Server) -> None:
    with server.client("root") as root:
        assert _post(root, "/users/ada", action="password", password=NEW_PASSWORD,
                     password_again=NEW_PASSWORD).status_code == 303
    with server.client() as ada:
        assert sign_in(ada, "ada").status_code == 401, "the old password no longer signs in"
        assert sign_in(ada, "ada", NEW_PASSWORD).status_code == 303
        assert "Change your password" in ada.get("/account").text
        wrong = _post(ada, "/account", current=PASSWORD, password=PASSWORD, password_again=PASSWORD)
        assert wrong.status_code == 400 and "Your current password is not that." in wrong.text
        changed = _post(ada, "/account", current=NEW_PASSWORD, password=PASSWORD, password_again=PASSWORD)
        assert changed.status_code == 303 and changed.headers["location"] == "/login"
        assert ada.get("/api/me").status_code == 401, "every session of hers ended"
        assert sign_in(ada, "ada").status_code == 303
    with Council(server.db) as council:
        assert [e.action for e in council.audit_log(target="ada")][:3] == [
            "password change", "password change refused", "user password"]
