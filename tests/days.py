"""Days relative to when a test runs, not to when its module is collected: a run that crosses
midnight (in the settings' time zone, which Django gives the process: Asia/Jakarta, so at
17:00 UTC) would otherwise compare two different days."""

from __future__ import annotations

import datetime as dt
from typing import Any


def today() -> dt.date:
    return dt.date.today()


class DaysAhead(int):
    """A date ``n`` days after the day the test runs, as a parameter (``dated`` reads it)."""


def dated(values: dict[str, Any], *, iso: bool = False) -> dict[str, Any]:
    """``values`` with each ``DaysAhead`` made the date it names (``iso``: as text)."""
    out = {}
    for key, value in values.items():
        if isinstance(value, DaysAhead):
            day = today() + dt.timedelta(days=value)
            value = day.isoformat() if iso else day
        out[key] = value
    return out
