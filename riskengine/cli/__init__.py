"""The command line: every command parses its options, makes one library call and prints the answer; riskengine's
errors become messages and exit codes in one place (``riskengine.cli.errors``, which lists the codes).

One module per group of commands, each importing only click at the top (the library is imported when a command
runs), so that ``riskengine --help`` and the register's quick commands start fast:

    questionnaire   template, validate, import
    assess          assess, tco, explain
    enrich          enrich
    inventory       inventory check
    many            batch, compare
    register        history, approve, verify, due, register check

Shared options (network, inventory, database, ...) are declared once in ``riskengine.cli.options``.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from riskengine.cli.assess import assess, explain_command, tco_command
from riskengine.cli.enrich import enrich
from riskengine.cli.errors import EXIT_OK, handle
from riskengine.cli.inventory import inventory
from riskengine.cli.many import batch, compare_command
from riskengine.cli.questionnaire import import_command, template, validate
from riskengine.cli.register import approve, due, history, register_group, verify

__all__ = ["main"]


class _Group(click.Group):
    """Runs a command with the garbage collector paused, and maps riskengine's errors to messages and exit codes.

    The pause: a command is one short run in a process of its own, whose objects (a 10,000-system inventory makes
    millions) are almost all alive until it ends; the collector would walk them again and again (half the time of
    a large inventory's load). Reference counting frees memory as usual. Only the CLI and the batch's workers
    change the collector: a library call never does (it is process-wide).
    """

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

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, command.get_short_help_str(formatter.width - 20)) for name in self.list_commands(ctx)
                if (command := self.commands[name]) is not None and not command.hidden]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


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
    riskengine verify out/report.pdf         is this the report that was recorded?
    riskengine register check                has the register been altered behind our back?
    riskengine due --within 30               vendors to reassess soon
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


for _command in (template, validate, import_command, enrich, explain_command, inventory, assess, tco_command,
                 batch, compare_command, history, approve, verify, due, register_group):
    main.add_command(_command)
