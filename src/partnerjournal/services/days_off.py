"""Days no session should be proposed on: the public holidays of a country (and
region), from the ``holidays`` library, and the leader's own blocked dates.

Both are settings in the journal (``pj config set holidays US-CA``, ``pj config set
blocked 2026-12-21..2027-01-01``). The ``holidays`` package is imported only when a
country is set and dates are proposed or the setting is checked, never at start-up.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3

from ..errors import UsageError
from ..store import journal as sj

HOLIDAYS_KEY = "holidays"
BLOCKED_KEY = "blocked"
CLEAR = ("", "none", "-")
RANGE = ".."


def _supported() -> dict[str, list[str]]:
    import holidays

    return holidays.list_supported_countries()


def parse_holidays(value: str) -> str:
    """``US``, ``us-ca``, ``DE-BY``, ``GB-SCT`` -> the stored ``COUNTRY[-REGION]``;
    ``none`` clears it. Checked against the countries the holidays library knows."""
    text = value.strip()
    if text.lower() in CLEAR:
        return ""
    country, _, region = text.partition("-")
    country = country.upper()
    supported = _supported()
    if country not in supported:
        raise UsageError(
            f"holidays {value!r}: {country!r} is not a country code the holidays library "
            "knows: give an ISO code like US, DE or GB, with a region after a dash (US-CA)"
        )
    if not region:
        return country
    regions = {r.upper(): r for r in supported[country]}
    if region.upper() not in regions:
        known = ", ".join(supported[country][:8]) or "none"
        raise UsageError(
            f"holidays {value!r}: {country} has no region {region!r} (regions: {known}"
            f"{', ...' if len(supported[country]) > 8 else ''})"
        )
    return f"{country}-{regions[region.upper()]}"


def _day(text: str, value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(
            f"blocked {value!r}: {text!r} is not a date like 2026-12-21; give days or ranges "
            "like 2026-12-21..2027-01-01, separated by commas"
        ) from None


def parse_blocked(value: str) -> str:
    """``2026-12-21..2027-01-01, 2027-04-02`` -> the stored, sorted ranges
    ``2026-12-21..2027-01-01,2027-04-02``; ``none`` clears them."""
    text = value.strip()
    if text.lower() in CLEAR:
        return ""
    ranges = []
    for part in (p for p in re.split(r"[,\s]+", text) if p):
        first, sep, last = part.partition(RANGE)
        start = _day(first, value)
        end = _day(last, value) if sep else start
        if end < start:
            raise UsageError(
                f"blocked {value!r}: {part} ends before it starts: write {last}..{first}"
            )
        ranges.append((start, end))
    ranges.sort()
    return ",".join(
        s.isoformat() if s == e else f"{s.isoformat()}{RANGE}{e.isoformat()}" for s, e in ranges
    )


def blocked_ranges(stored: str) -> list[tuple[dt.date, dt.date]]:
    out = []
    for part in (p for p in stored.split(",") if p):
        first, sep, last = part.partition(RANGE)
        start = dt.date.fromisoformat(first)
        out.append((start, dt.date.fromisoformat(last) if sep else start))
    return out


def describe_holidays(stored: str) -> str:
    return stored or "none (set a country, e.g. US-CA, to skip its public holidays)"


def describe_blocked(stored: str) -> str:
    return stored.replace(",", ", ") if stored else "none"


def days_off(conn: sqlite3.Connection, first: dt.date, last: dt.date) -> dict[dt.date, str]:
    """Each day from ``first`` to ``last`` no session should be proposed on, with why:
    the holiday's name, or 'blocked'."""
    out: dict[dt.date, str] = {}
    for start, end in blocked_ranges(sj.get_setting(conn, BLOCKED_KEY) or ""):
        day = max(start, first)
        while day <= min(end, last):
            out[day] = "blocked"
            day += dt.timedelta(days=1)
    region = sj.get_setting(conn, HOLIDAYS_KEY) or ""
    if region and first <= last:
        import holidays  # only here: proposing dates is the one place that needs it

        country, _, subdiv = region.partition("-")
        calendar = holidays.country_holidays(
            country, subdiv=subdiv or None, years=range(first.year, last.year + 1)
        )
        for day, name in calendar.items():
            if first <= day <= last:
                out.setdefault(day, name)
    return out
