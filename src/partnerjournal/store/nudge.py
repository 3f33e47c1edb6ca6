"""SQL for the nudge, kept apart from the partnership records so that a shell start-up
imports nothing but this (no record classes to build)."""

from __future__ import annotations

import sqlite3


def nudge_counts(conn: sqlite3.Connection, start: str, end: str, today: str) -> tuple[int, int, int, str | None]:
    """(active partners, active partners met between start and end, overdue open
    commitments, date of the last reflection): three small indexed queries."""
    active, met = conn.execute(
        "SELECT count(*), count(*) FILTER (WHERE EXISTS (SELECT 1 FROM sessions s"
        " WHERE s.partner_id = p.id AND s.date BETWEEN ? AND ?))"
        " FROM partners p WHERE p.archived_at IS NULL",
        (start, end),
    ).fetchone()
    overdue = conn.execute(
        "SELECT count(*) FROM commitments WHERE status = 'open' AND due < ?", (today,)
    ).fetchone()[0]
    last = conn.execute("SELECT max(date) FROM reflections").fetchone()[0]
    return active, met, overdue, last


def last_sync(conn: sqlite3.Connection) -> tuple[str, str] | None:
    """(folder, when) this journal last synced through a folder, if ever."""
    row = conn.execute(
        "SELECT p.folder, p.synced_at FROM sync_peers p JOIN device d ON d.id = p.device"
    ).fetchone()
    return (row[0], row[1]) if row else None
