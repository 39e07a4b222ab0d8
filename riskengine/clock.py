"""The run's clock: now, or the instant ``SOURCE_DATE_EPOCH`` fixes (reproducible outputs, replays).

Every command takes its time from here, once, and passes it down (``now``/``today`` arguments): no stage reads
the wall clock itself.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping

ENVIRONMENT = "SOURCE_DATE_EPOCH"


def run_clock(environ: Mapping[str, str] | None = None) -> dt.datetime:
    """Now (UTC, whole seconds), or ``SOURCE_DATE_EPOCH``; a value that is not a whole number of seconds in range
    is an ``InputError`` naming it (never silently ignored: the outputs would not be the ones asked for)."""
    epoch = (os.environ if environ is None else environ).get(ENVIRONMENT)
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
        except (ValueError, OverflowError, OSError):
            # The errors (pydantic models) only when there is one: ``due`` and ``history`` start without pydantic.
            from riskengine.errors import InputError, Problem

            raise InputError(ENVIRONMENT, [Problem(place=ENVIRONMENT, message=(
                f"must be a whole number of seconds since 1970-01-01 UTC, got {epoch!r}"))]) from None
    return dt.datetime.now(tz=dt.UTC).replace(microsecond=0)
