"""The command line: every command parses its options, makes one library call and prints the answer; riskengine's
errors become messages and exit codes in one place (``riskengine.cli.errors``, which lists the codes).

One module per group of commands, each importing only click at the top (the library is imported when a command
runs), so that ``riskengine --help`` and the register's quick commands start fast:

    questionnaire   template, validate, import
    assess          assess, render, tco, explain
    enrich          enrich
    discover        discover
    inventory       inventory check
    many            batch, compare
    register        history, approve, verify, due, register check
    keys            keys init, sign (signed approvals: riskengine.signing)
    config          config
    vendors         invite, remind

Shared options (network, inventory, database, ...) are declared once in ``riskengine.cli.options``, with
``configured``: what the command line leaves out comes from the environment and riskengine.toml
(``riskengine.settings``).
"""

from __future__ import annotations

import gc
import os
import sys
from typing import Any, NamedTuple

import click

from riskengine.cli.errors import EXIT_OK, handle

__all__ = ["main", "run"]


class _Entry(NamedTuple):
    module: str
    attribute: str
    summary: str
    """What ``riskengine --help`` lists: the command's ``short_help`` as is, or (``cut``) the first paragraph of
    its help, shortened to the terminal as click does. Kept here so that listing imports no command module;
    ``tests/cli`` checks that it says what each command says."""
    cut: bool = True


_COMMANDS = {
    "approve": _Entry("riskengine.cli.register", "approve", "Record a sign-off of ASSESSMENT_ID, bound to the sha256 "
                                                            "of the exact report it approves."),
    "assess": _Entry("riskengine.cli.assess", "assess", "Assess a vendor from its filled questionnaire: writes a PDF "
                                                        "report and a JSON result."),
    "batch": _Entry("riskengine.cli.many", "batch", "Assess every questionnaire (*.xlsx) in DIRECTORY: a PDF and a "
                                                    "JSON each, and the portfolio summary."),
    "compare": _Entry("riskengine.cli.many", "compare_command", "Compare vendors for the same need and recommend one.",
                      cut=False),
    "config": _Entry("riskengine.cli.config", "config_command", "Show the settings in effect and where each came "
                                                                "from: default, file:line, environment or command "
                                                                "line."),
    "discover": _Entry("riskengine.cli.discover", "discover", "Discover the martech DOMAIN already runs, from its DNS "
                                                              "and website, and check it against the inventory."),
    "due": _Entry("riskengine.cli.register", "due", "Vendors whose reassessment date (set by the tier of their latest "
                                                    "assessment) has passed or is near."),
    "enrich": _Entry("riskengine.cli.enrich", "enrich", "Show the outside evidence for one DOMAIN: registration, DNS "
                                                        "and HTTPS checks."),
    "explain": _Entry("riskengine.cli.assess", "explain_command", "Print the trail behind a score from a JSON RESULT "
                                                                  "written by assess."),
    "history": _Entry("riskengine.cli.register", "history", "Assessments over time: every vendor (no argument), or one "
                                                            "VENDOR's assessments with tier and score."),
    "import": _Entry("riskengine.cli.questionnaire", "import_command",
                     "Convert a vendor's own questionnaire into ours, pre-filled.", cut=False),
    "invite": _Entry("riskengine.cli.vendors", "invite", "Invite VENDOR to answer our questionnaire: mails a private "
                                                         "link to its page of the web app."),
    "inventory": _Entry("riskengine.cli.inventory", "inventory", "Work with the inventory of existing systems (YAML, "
                                                                 "Excel workbook or Backstage catalog)."),
    "keys": _Entry("riskengine.cli.keys", "keys_group", "Create the organisation's signing key, or a user's own key "
                                                        "for signing off.", cut=False),
    "register": _Entry("riskengine.cli.register", "register_group", "Check that the register proves its own history "
                                                                    "(its hash chain).", cut=False),
    "remind": _Entry("riskengine.cli.vendors", "remind", "Mail the reminders due today: vendors late or near their due "
                                                         "date, owners of conditions due soon, and a request for a "
                                                         "new evidence document nearing its expiry."),
    "render": _Entry("riskengine.cli.assess", "render_command", "Render a recorded assessment's report for any "
                                                                "audience, with its sign-offs, from the register."),
    "serve": _Entry("riskengine.cli.web", "serve", "Serve the web app: portfolio, assessments, sign-off and "
                                                   "conditions, for IT, marketing and compliance."),
    "sign": _Entry("riskengine.cli.keys", "sign_command", "Issue the report of ASSESSMENT_ID, whose decision is final, "
                                                          "as a PDF signed with the organisation's key."),
    "tco": _Entry("riskengine.cli.assess", "tco_command", "Price a vendor's offers, each in both adoption styles, and "
                                                          "say which costs least."),
    "template": _Entry("riskengine.cli.questionnaire", "template", "Write the blank questionnaire (OUT.xlsx) a vendor "
                                                                   "fills in."),
    "user": _Entry("riskengine.cli.web", "user_group",
                   "Manage the web app's accounts: add, list, change a role, deactivate, password.", cut=False),
    "validate": _Entry("riskengine.cli.questionnaire", "validate",
                       "Check a filled questionnaire and list every problem with its cell (exit 2 if any is an "
                       "error)."),
    "verify": _Entry("riskengine.cli.register", "verify", "Say whether REPORT is a report riskengine issued, "
                                                          "unchanged: by its signature, and by the register."),
}
"""Every command by name; its module is imported only when the command runs (or shows its own help)."""


def _listed(name: str, width: int) -> str:
    """What ``riskengine --help`` says of command ``name`` in ``width`` characters, as click would say it."""
    entry = _COMMANDS[name]
    stand_in = click.Command(name, help=entry.summary) if entry.cut else click.Command(name, short_help=entry.summary)
    return stand_in.get_short_help_str(width)


class _Group(click.Group):
    """Finds each command in its module when it is run, runs it with the garbage collector paused, and maps
    riskengine's errors to messages and exit codes.

    The pause: a command is one short run in a process of its own, whose objects (a 10,000-system inventory makes
    millions) are almost all alive until it ends; the collector would walk them again and again (half the time of
    a large inventory's load). Reference counting frees memory as usual. Only the CLI and the batch's workers
    change the collector: a library call never does (it is process-wide).
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(_COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        entry = _COMMANDS.get(name)
        if entry is None:
            return None
        import importlib

        command: click.Command = getattr(importlib.import_module(entry.module), entry.attribute)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, _listed(name, formatter.width - 20)) for name in sorted(_COMMANDS)])

    def invoke(self, ctx: click.Context) -> Any:
        from riskengine.collector import collector_paused

        try:
            with collector_paused():
                return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except BrokenPipeError:
            # The reader went away (``riskengine explain ... | head``): stop quietly, as Unix tools do.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(EXIT_OK)
        except Exception as exc:
            handle(exc, debug=bool(ctx.obj and ctx.obj.get("debug")))


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="riskengine")
@click.option("--debug", is_flag=True, help="Show the full traceback of an internal error.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Assess a proposed martech vendor before signing.

    \b
    riskengine template vendor.xlsx          the blank questionnaire to send
    riskengine validate filled.xlsx          check a returned questionnaire
    riskengine inventory check inventory.yaml
    riskengine assess filled.xlsx --inventory samples/inventory.yaml -o report.pdf
    riskengine tco filled.xlsx --offer offers.yaml   its offers priced, good enough and built to last
    riskengine batch inbox/ --inventory samples/inventory.yaml -o out/
    riskengine history "Northwind Mail"      assessments over time; --diff for changes
    riskengine approve RA-... --role compliance --by "Dana Ruiz" --decision approve
    riskengine render RA-... --audience marketing -o marketing.pdf   any reader's report, signed so far
    riskengine verify out/report.pdf         is this the report that was recorded?
    riskengine register check                has the register been altered behind our back?
    riskengine due --within 30               vendors to reassess soon
    riskengine discover larkspur.example --org org.yaml --inventory samples/inventory.yaml   our own stack
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


def run() -> None:
    """The ``riskengine`` program (the console script and ``python -m riskengine``): a process that ends with its
    command.

    Owning its process, it sets two process-wide things that a library call must leave to its caller
    (``riskengine.collector`` says why):

    - numpy's BLAS runs on one thread, unless the environment says otherwise. Nothing riskengine does multiplies
      matrices (the TCO draws and sums arrays); OpenBLAS's idle threads cost about 0.1 s of CPU a run.
    - The cyclic garbage collector stays off. A command runs with it paused anyway (``_Group.invoke``); resumed at
      the end, its first pass walked every object the command had made (0.1 s after a report) just before the
      process exits. A command that serves for long turns it on for itself.
    """
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    gc.disable()
    main(prog_name="riskengine")
