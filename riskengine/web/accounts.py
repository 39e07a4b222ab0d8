"""The accounts' pages: an administrator's Users page (add a user, change a role, stop or restore sign-in, set a
password: what ``riskengine user`` does), and each user's own Account page (change one's password).

Every change is audited, and ends the sessions of the user it changes (a session holds the role it was opened
with). An administrator cannot change their own role or stop their own sign-in here, and the last active
administrator stays one (``Council.update_user``): nobody locks the council out of its accounts by a click.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from riskengine.council.store import COUNCIL_ROLES, CouncilRole
from riskengine.errors import RiskEngineError
from riskengine.web.context import Page
from riskengine.web.security import Refused

router = APIRouter()


def _page(request: Request) -> Page:
    state = request.app.state
    return Page(request, state.settings, state.templates, state.policy)


def _users_page(page: Page, message: str = "", status: int = 200, done: str = "",
                form: dict[str, Any] | None = None) -> Response:
    return page.render("users.html", {"users": page.council.users(), "roles": COUNCIL_ROLES, "message": message,
                                      "done": done, "form": form or {}}, status)


@router.get("/users", response_class=HTMLResponse)
def users(request: Request) -> Response:
    with _page(request) as page:
        page.require("admin")
        return _users_page(page, done=request.query_params.get("done", "")[:200])


@router.post("/users", response_class=HTMLResponse)
async def add_user(request: Request) -> Response:
    from riskengine.council.passwords import hash_password

    with _page(request) as page:
        page.require("admin")
        form = await page.checked_form()
        name, role = str(form.get("name", "")).strip(), str(form.get("role", ""))
        display_name, password = str(form.get("display_name", "")), str(form.get("password", ""))
        kept = {"name": name, "display_name": display_name, "role": role}
        if password != str(form.get("password_again", "")):
            return _users_page(page, "The two passwords differ: type the same password twice.", 400, form=kept)
        try:
            hashed = await run_in_threadpool(hash_password, password)
            user = page.council.add_user(name, role=_role(role), password_hash=hashed, display_name=display_name,
                                         now=dt.datetime.now(dt.UTC))
        except RiskEngineError as exc:
            return _users_page(page, _sentence(exc), 400, form=kept)
        page.audit("user add", target=user.name, detail=f"role {user.role}")
        return RedirectResponse(f"/users?done=added {user.name} as {user.role}", status_code=303)


@router.post("/users/{name}", response_class=HTMLResponse)
async def change_user(request: Request, name: str) -> Response:
    from riskengine.council.passwords import hash_password

    with _page(request) as page:
        me = page.require("admin")
        form = await page.checked_form()
        action = str(form.get("action", ""))
        if page.council.user(name) is None:
            raise Refused(404, f"there is no user named {name!r}")
        if name == me.user.name and action in ("role", "deactivate"):
            return _users_page(page, "You cannot change your own role or stop your own sign-in: another "
                                     "administrator can.", 400)
        try:
            if action == "role":
                user = page.council.update_user(name, role=_role(str(form.get("role", ""))))
                detail, done = f"role {user.role}", f"{name} is now {user.role}; their sessions ended"
            elif action in ("deactivate", "activate"):
                user = page.council.update_user(name, active=action == "activate")
                detail = "may sign in" if user.active else "may not sign in; sessions ended"
                done = f"{name} {detail}"
            elif action == "password":
                password = str(form.get("password", ""))
                if password != str(form.get("password_again", "")):
                    return _users_page(page, "The two passwords differ: type the same password twice.", 400)
                page.council.set_password(name, await run_in_threadpool(hash_password, password))
                detail, done = "password set", f"{name}'s password set; their sessions ended"
            else:
                raise Refused(400, "choose what to change: role, deactivate, activate or password")
        except RiskEngineError as exc:
            return _users_page(page, _sentence(exc), 400)
        page.audit(f"user {action}", target=name, detail=detail)
        return RedirectResponse(f"/users?done={done}", status_code=303)


@router.get("/account", response_class=HTMLResponse)
def account(request: Request) -> Response:
    with _page(request) as page:
        return page.render("account.html", {"message": "", "done": request.query_params.get("done", "")[:100]})


@router.post("/account", response_class=HTMLResponse)
async def change_own_password(request: Request) -> Response:
    from riskengine.council.passwords import hash_password, password_matches

    with _page(request) as page:
        form = await page.checked_form()
        me = page.me.user
        current = page.council.password_hash(me.name)
        if current is None or current == "!":
            return page.render("account.html", {"message": "Your account signs in through the company's sign-on: "
                                                           "its password is not kept here.", "done": ""}, 400)
        if not await run_in_threadpool(password_matches, current, str(form.get("current", ""))):
            page.audit("password change refused", target=me.name, detail="the current password did not match")
            return page.render("account.html", {"message": "Your current password is not that.", "done": ""}, 400)
        password = str(form.get("password", ""))
        if password != str(form.get("password_again", "")):
            return page.render("account.html", {"message": "The two new passwords differ.", "done": ""}, 400)
        try:
            page.council.set_password(me.name, await run_in_threadpool(hash_password, password))
        except RiskEngineError as exc:
            return page.render("account.html", {"message": _sentence(exc), "done": ""}, 400)
        page.audit("password change", target=me.name)
        return RedirectResponse("/login", status_code=303)


def _role(text: str) -> CouncilRole:
    if text not in COUNCIL_ROLES:
        raise Refused(400, f"unknown role {text!r}: expected one of {', '.join(COUNCIL_ROLES)}")
    return text


def _sentence(error: RiskEngineError) -> str:
    text = str(error)
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")
