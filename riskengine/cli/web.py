"""The web app's commands: ``serve`` (the council's shared place, in a browser) and ``user`` (its accounts: add,
list, set a role or switch sign-in off and on, set a password; the web app's Users page does the same).

Both need the ``web`` extra (``pip install 'riskengine[web]'``): FastAPI, uvicorn, Jinja2, python-multipart and
argon2-cffi, imported when a command runs.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from riskengine.cli.options import (
    EXISTING,
    configured,
    database,
    db_option,
    json_flag,
    mail_options,
    network_options,
    settings_in_effect,
)

if TYPE_CHECKING:
    from riskengine.cli.options import MailOptions, NetworkOptions

ROLES = ("it", "marketing", "compliance", "admin")


def _web_extra() -> None:
    from importlib.util import find_spec

    missing = [name for name in ("fastapi", "uvicorn", "jinja2", "multipart", "argon2") if find_spec(name) is None]
    if missing:
        from riskengine.errors import UsageError

        raise UsageError(f"the web app needs the web extra ({', '.join(missing)} missing): "
                         "pip install 'riskengine[web]'")


@click.command()
@configured
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The address to listen on. Keep 127.0.0.1 behind a reverse proxy (TLS, single sign-on).")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--inventory", "inventories", multiple=True, type=click.Path(exists=True, path_type=Path),
              help="An inventory users may pick for a new assessment (repeat for several).")
@click.option("--org", "organisations", multiple=True, type=EXISTING,
              help="An organisation profile users may pick (repeat for several).")
@click.option("--data", "data_folder", type=click.Path(file_okay=False, path_type=Path),
              help="Where uploads and rendered reports are kept. Default: 'web' beside the database file (for a "
                   "database on a server, in the user's data folder).")
@click.option("--trust-header", metavar="HEADER",
              help="Behind an authenticating reverse proxy: the header naming the signed-in user (X-Remote-User). "
                   "Needs --role-map; never expose the server directly with it.")
@click.option("--role-map", type=EXISTING, help="YAML mapping user names to roles, for --trust-header.")
@network_options
@mail_options
def serve(host: str, port: int, inventories: tuple[Path, ...], organisations: tuple[Path, ...],
          data_folder: Path | None, trust_header: str | None, role_map: Path | None, db_path: Path | str | None,
          network: NetworkOptions, mail: MailOptions) -> None:
    """Serve the web app: portfolio, assessments, sign-off and conditions, for IT, marketing and compliance.

    \b
    riskengine user add dana --role compliance
    riskengine serve --inventory samples/inventory.yaml --org samples/org-profile.yaml --offline
    then open http://127.0.0.1:8000 and sign in

    One uvicorn worker serves it, from the same database as the CLI (--db PATH|URL, RISKENGINE_DB). Every asset is
    served by the app itself: no page loads anything from elsewhere. With a mail server ([mail] in riskengine.toml,
    --smtp), IT, compliance and administrators invite vendors from the Vendor requests page (docs/vendors.md).
    See docs/web.md.
    """
    import gc

    _web_extra()
    import uvicorn

    from riskengine.database import database_file, default_path, display_name
    from riskengine.web.app import create_app
    from riskengine.web.settings import RoleMapping, WebSettings, choices, load_role_mapping

    if (trust_header is None) != (role_map is None):
        from riskengine.errors import UsageError

        raise UsageError("--trust-header and --role-map go together: the header names the user, the map their role")
    store = database(db_path)
    file = database_file(store)
    mail_settings = mail.settings() if mail.effective.value("mail.smtp") else None
    organisation_name = None
    if organisations:
        from riskengine.organisation import load_org_profile

        organisation_name = load_org_profile(organisations[0]).organisation
    settings = WebSettings(database=store, data_folder=data_folder or (file or default_path()).parent / "web",
                           network=network.settings(), inventories=choices(inventories),
                           organisations=choices(organisations), trust_header=trust_header,
                           roles=load_role_mapping(role_map) if role_map else RoleMapping(), mail=mail_settings,
                           organisation_name=organisation_name, signing=settings_in_effect().signing())
    app = create_app(settings)
    gc.enable()  # a server runs for long: the collector the CLI keeps paused is needed again
    click.echo(f"riskengine serving {display_name(store)} on http://{host}:{port} (stop with Ctrl-C)", err=True)
    uvicorn.run(app, host=host, port=port, workers=1, log_level="info", server_header=False,
                proxy_headers=True, forwarded_allow_ips="127.0.0.1")


@click.group("user", short_help="Manage the web app's accounts: add, list, change a role, deactivate, password.")
def user_group() -> None:
    """The web app's accounts: each has one role (it, marketing, compliance, admin)."""


@user_group.command("add")
@configured
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True, help="What the user signs for.")
@click.option("--display-name", default="", help="The full name shown on sign-offs. Default: NAME.")
@click.option("--email", default="", help="The user's mail address, for reminders of the conditions their role owns.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (first line).")
@db_option
def user_add(name: str, role: str, display_name: str, email: str, password_stdin: bool,
             db_path: Path | str | None) -> None:
    """Add a user NAME with a role; asks for the password (at least 12 characters).

    \b
    riskengine user add dana --role compliance --display-name "Dana Ruiz"
    printf '%s\\n' "$PASSWORD" | riskengine user add ada --role it --password-stdin
    """
    import datetime as dt

    _web_extra()
    from riskengine.council.passwords import hash_password
    from riskengine.council.store import Council

    hashed = hash_password(_password(password_stdin))
    with Council(database(db_path)) as council:
        user = council.add_user(name, role=role, password_hash=hashed, display_name=display_name,  # type: ignore[arg-type]
                                now=dt.datetime.now(dt.UTC), email=email)
        council.audit(actor="(command line)", role="admin", action="user add", target=user.name,
                      detail=f"role {user.role}")
    click.echo(f"added {user.name} ({user.display_name}) with role {user.role}")


def _password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(click.prompt("password", hide_input=True, confirmation_prompt=True))


@user_group.command("list")
@configured
@json_flag("Print the users as JSON.")
@db_option
def user_list(as_json: bool, db_path: Path | str | None) -> None:
    """List the accounts: name, full name, role, and whether they may sign in."""
    _web_extra()
    from riskengine.council.store import Council

    with Council(database(db_path)) as council:
        users = council.users()
    if as_json:
        import json

        click.echo(json.dumps([{"name": user.name, "display_name": user.display_name, "role": user.role,
                                "active": user.active} for user in users], indent=2))
        return
    for user in users:
        click.echo(f"{user.name:<24} {user.role:<11} {'active' if user.active else 'deactivated':<11} "
                   f"{user.display_name}")


@user_group.command("set")
@configured
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), help="The user's new role.")
@click.option("--active/--deactivated", "active", default=None,
              help="Let the user sign in again, or stop them (their sessions end; their sign-offs stay).")
@db_option
def user_set(name: str, role: str | None, active: bool | None, db_path: Path | str | None) -> None:
    """Change a user's role, or whether they may sign in; either ends their sessions.

    \b
    riskengine user set mia --role compliance
    riskengine user set ada --deactivated
    """
    _web_extra()
    from riskengine.council.store import Council

    if role is None and active is None:
        from riskengine.errors import UsageError

        raise UsageError("say what to change: --role ROLE, --active or --deactivated")
    with Council(database(db_path)) as council:
        user = council.update_user(name, role=role, active=active)  # type: ignore[arg-type]
        council.audit(actor="(command line)", role="admin", action="user change", target=user.name,
                      detail=f"role {user.role}, {'active' if user.active else 'deactivated'}")
    click.echo(f"{user.name}: role {user.role}, {'active' if user.active else 'deactivated'}")


@user_group.command("password")
@configured
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (first line).")
@db_option
def user_password(name: str, password_stdin: bool, db_path: Path | str | None) -> None:
    """Set a user's password (at least 12 characters); their sessions end."""
    _web_extra()
    from riskengine.council.passwords import hash_password
    from riskengine.council.store import Council

    hashed = hash_password(_password(password_stdin))
    with Council(database(db_path)) as council:
        council.set_password(name, hashed)
        council.audit(actor="(command line)", role="admin", action="user password", target=name)
    click.echo(f"{name}: password set; their sessions ended")
