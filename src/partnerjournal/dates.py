"""Parsing the dates a leader types: ISO dates plus ``today`` and ``yesterday``."""

from __future__ import annotations

import datetime as dt

from .errors import UsageError


def today() -> dt.date:
    return dt.date.today()


def parse_date(text: str, *, what: str = "date", base: dt.date | None = None) -> dt.date:
    """Parse ``2026-11-23``, ``today`` or ``yesterday``.

    >>> parse_date("2026-02-03")
    datetime.date(2026, 2, 3)
    """
    if not isinstance(text, str):
        raise UsageError(f"{what} must be a date like 2026-11-23")
    value = text.strip().lower()
    base = base or today()
    if value == "today":
        return base
    if value == "yesterday":
        return base - dt.timedelta(days=1)
    if value == "tomorrow":
        return base + dt.timedelta(days=1)
    try:
        if len(value) != 10:
            raise ValueError
        return dt.date.fromisoformat(value)
    except ValueError:
        shown = text if len(text) <= 40 else text[:37] + "..."
        raise UsageError(
            f"{what} {shown!r} is not a valid date: use YYYY-MM-DD, 'today' or 'yesterday'"
        ) from None


def now_utc_iso() -> str:
    """The current moment as ISO 8601 with UTC offset, to the second."""
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


def now_local_iso() -> str:
    """The current moment in local time with its UTC offset, to the second."""
    return dt.datetime.now().astimezone().replace(microsecond=0).isoformat()
