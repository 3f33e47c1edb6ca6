"""The nudge: one short line of what needs attention today, or nothing.

It runs from a shell's start-up file, so it makes a handful of indexed queries and
imports nothing heavy (no catalog, no rich).
"""

from __future__ import annotations

import datetime as dt
import sqlite3

from ..store import nudge as sn
from . import quarters as jq

QUIET_DAYS = 1  # a reflection yesterday or today: nothing to say about reflecting
SYNC_DAYS = 7  # a sync folder not synced for longer is mentioned


def sessions_expected(active: int, quarter_start: dt.date, quarter_end: dt.date, today: dt.date) -> int:
    """Sessions that an even spread over the quarter would have held by today."""
    total = (quarter_end - quarter_start).days + 1
    elapsed = (today - quarter_start).days + 1
    return active * elapsed // total


def nudge_line(conn: sqlite3.Connection, today: dt.date) -> str | None:
    """``None`` when all is well; otherwise what is due, in one line.

    Sessions are mentioned only once the quarter's pace is behind an even spread, so the
    line stays quiet on the quarter's first day.
    """
    q = jq.current(conn, today)
    day = today.isoformat()
    active, met, overdue, last = sn.nudge_counts(conn, q.start.isoformat(), q.end.isoformat(), day)
    parts = []
    if met < sessions_expected(active, q.start, q.end, today):
        left = active - met
        weeks = ((q.end - today).days + 1 + 6) // 7
        parts.append(
            f"{left} partnership session{'s' if left != 1 else ''} due in {q}"
            f" ({weeks} week{'s' if weeks != 1 else ''} left): pj session due"
        )
    if overdue:
        parts.append(
            f"{overdue} overdue commitment{'s' if overdue != 1 else ''}: pj commitment list --overdue"
        )
    if last is None:
        parts.append("no reflection yet: pj today")
    else:
        since = (today - dt.date.fromisoformat(last)).days
        if since > QUIET_DAYS:
            parts.append(f"{since} days since your last reflection: pj today")
    synced = sn.last_sync(conn)
    if synced is not None:
        folder, when = synced
        days = (today - dt.date.fromisoformat(when[:10])).days
        if days >= SYNC_DAYS:
            parts.append(f"not synced for {days} days: pj sync {folder}")
    return "pj: " + " · ".join(parts) if parts else None
