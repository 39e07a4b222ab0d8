"""The one place where riskengine's errors become messages and exit codes.

    0  success
    1  an unexpected internal error (``--debug`` shows its traceback)
    2  bad input or usage: a user's file with problems (each with its place), an input that is not a regular file,
       an output that would replace an input, the database or a file riskengine did not write
       (``riskengine.runfiles``), an output that cannot be written, a bad ``SOURCE_DATE_EPOCH``; for ``batch``:
       any questionnaire failed
    3  the decision gate (``assess --fail-on``) tripped
    4  ``verify``: the file is not a report the register knows (changed since it was written, or never recorded),
       or the register itself was altered (``verify``, ``register check``)
    5  ``assess``: the report is written, and the decision is "more information needed" (the missing answers are
       listed)
    6  ``verify``: the report carries no signature (never signed, or its signature was removed) where one is
       expected (a riskengine approval record, or ``--cert`` given)
    7  ``verify``: the signed report was changed after signing (a byte of its content or of its signature, bytes
       appended in an incremental update, an approval record that contradicts itself) or is too damaged to read
    8  ``verify``: the signature holds, but not by a certificate trusted: signed with another key, or no
       certificate given (``--cert``, ``signing.certificate``)
    9  ``invite``, ``remind``: a mail could not be sent (the mail server refused or did not answer); what it was
       for is left as it was

riskengine.errors is imported only when there is an error to map: it brings pydantic, which the quick commands
(``history``, ``due``) never need.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, NoReturn

import click

if TYPE_CHECKING:
    from riskengine.errors import Problem

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT, EXIT_GATE, EXIT_UNVERIFIED, EXIT_MORE_INFORMATION = 0, 1, 2, 3, 4, 5
EXIT_NOT_SIGNED, EXIT_CHANGED, EXIT_UNTRUSTED, EXIT_MAIL = 6, 7, 8, 9


def fail(code: int, message: str) -> NoReturn:
    """Print ``error: message`` on stderr and exit with ``code``."""
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def warn(message: str) -> None:
    """Print ``warning: message`` on stderr: the command goes on."""
    click.echo(f"warning: {message}", err=True)


def usage(message: str) -> NoReturn:
    """Refuse a call whose arguments cannot work together (exit 2, as every ``UsageError``)."""
    from riskengine.errors import UsageError

    raise UsageError(message)


def handle(exc: Exception, *, debug: bool) -> NoReturn:
    """Exit with the message and code of ``exc``; an unexpected error is exit 1 (re-raised with ``debug``)."""
    from riskengine.errors import ConfigurationError, InputError, MailError, RiskEngineError, UnreadableFileError

    if isinstance(exc, UnreadableFileError):
        fail(EXIT_INPUT, str(exc))
    if isinstance(exc, InputError):
        report_problems(exc.source, exc.problems)
        sys.exit(EXIT_INPUT)
    if isinstance(exc, ConfigurationError):
        click.echo(f"error: {exc.source} is invalid:", err=True)
        for problem in exc.problems:
            click.echo(f"  {problem}", err=True)
        sys.exit(EXIT_INPUT)
    if isinstance(exc, MailError):
        fail(EXIT_MAIL, str(exc))
    if isinstance(exc, RiskEngineError):
        fail(EXIT_INPUT, str(exc))
    if debug:
        raise exc
    fail(EXIT_INTERNAL, f"internal error: {type(exc).__name__}: {exc} (run with --debug for details)")


def report_problems(source: str, problems: Iterable[Problem]) -> None:
    """``SOURCE: 2 errors, 1 warning`` on stderr, then every error and every warning with its place."""
    listed = list(problems)
    errors = [problem for problem in listed if problem.severity == "error"]
    warnings = [problem for problem in listed if problem.severity == "warning"]
    summary = f"{len(errors)} error{'s' if len(errors) != 1 else ''}"
    if warnings:
        summary += f", {len(warnings)} warning{'s' if len(warnings) != 1 else ''}"
    click.echo(f"{source}: {summary}", err=True)
    for problem in errors:
        click.echo(f"  error   {problem}", err=True)
    for problem in warnings:
        click.echo(f"  warning {problem}", err=True)
