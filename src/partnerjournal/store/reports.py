"""Read-only SQL that gathers what the progress and quarterly reports are built from.

Each function returns plain dicts and tuples; the pure builders in ``report.py`` and
``progress.py`` turn them into report models.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3


def has_table(conn: sqlite3.Connection, name: str) -> bool:
    return (
        conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
        ).fetchone()
        is not None
    )


def reflections_between(conn: sqlite3.Connection, start: str, end: str) -> list[dict]:
    """Reflections in [start, end] with their steps and partners, oldest first."""
    rows = conn.execute(
        """
        SELECT r.id, r.date, r.important_share, r.prompt_id,
               (SELECT group_concat(step) FROM reflection_steps
                    WHERE reflection_id = r.id) AS steps,
               (SELECT json_group_array(p.name) FROM reflection_partners rp
                    JOIN partners p ON p.id = rp.partner_id
                    WHERE rp.reflection_id = r.id) AS partners
        FROM reflections r WHERE r.date BETWEEN ? AND ? ORDER BY r.date, r.id
        """,
        (start, end),
    )
    return [
        {
            "id": r["id"],
            "date": r["date"],
            "important_share": r["important_share"],
            "prompt_id": r["prompt_id"],
            "steps": sorted(int(s) for s in r["steps"].split(",")) if r["steps"] else [],
            "partners": json.loads(r["partners"]) if r["partners"] else [],
        }
        for r in rows
    ]


def step_weeks(conn: sqlite3.Connection, upto: str) -> dict[int, list[tuple[str, int, str]]]:
    """For each step, the weeks it was practised up to ``upto``, newest first:
    (Monday of the week, reflections that week, last day that week).

    One grouped pass over the step links, however long the journal: the progress
    report reads totals, last day practised and weeks in a row from it.
    """
    # julianday(date) + 0.5 is the Julian day number, and day numbers 0, 7, 14... are
    # Mondays: integer division by 7 groups a date with its week.
    rows = conn.execute(
        """
        SELECT s.step, CAST(julianday(r.date) + 0.5 AS INTEGER) / 7 AS week,
               count(*), max(r.date)
        FROM reflection_steps s JOIN reflections r ON r.id = s.reflection_id
        WHERE r.date <= ? GROUP BY s.step, week ORDER BY s.step, week DESC
        """,
        (upto,),
    )
    out: dict[int, list[tuple[str, int, str]]] = {}
    for step, week, n, last in rows:
        monday = dt.date.fromordinal(week * 7 - _JDN_MINUS_ORDINAL)
        out.setdefault(step, []).append((monday.isoformat(), n, last))
    return out


# Julian day number minus Python's date ordinal (both count whole days).
_JDN_MINUS_ORDINAL = 1_721_425


def partners(conn: sqlite3.Connection) -> list[dict]:
    return [dict(r) for r in conn.execute("SELECT * FROM partners ORDER BY name_key")]


def sessions_between(conn: sqlite3.Connection, start: str, end: str) -> list[dict]:
    return [
        dict(r)
        for r in conn.execute(
            "SELECT s.*, p.name AS partner FROM sessions s JOIN partners p ON p.id = s.partner_id"
            " WHERE s.date BETWEEN ? AND ? ORDER BY s.date, s.id",
            (start, end),
        )
    ]


def commitments_until(conn: sqlite3.Connection, end: str) -> list[dict]:
    """Commitments promised on or before ``end``."""
    return [
        dict(r)
        for r in conn.execute(
            "SELECT c.*, p.name AS partner FROM commitments c JOIN partners p"
            " ON p.id = c.partner_id WHERE c.date <= ? ORDER BY c.id",
            (end,),
        )
    ]


def trust_checks_until(conn: sqlite3.Connection, end: str) -> list[dict]:
    return [
        dict(r)
        for r in conn.execute(
            "SELECT t.*, p.name AS partner FROM trust_checks t JOIN partners p"
            " ON p.id = t.partner_id WHERE t.date <= ? ORDER BY t.date, t.id",
            (end,),
        )
    ]


def stories_between(conn: sqlite3.Connection, start: str, end: str) -> list[dict]:
    return [
        {
            **dict(r),
            "partners": json.loads(r["partners"]) if r["partners"] else [],
        }
        for r in conn.execute(
            """
            SELECT s.id, s.date, s.text, s.impact,
                   (SELECT json_group_array(p.name) FROM story_partners sp
                        JOIN partners p ON p.id = sp.partner_id
                        WHERE sp.story_id = s.id) AS partners
            FROM stories s WHERE s.date BETWEEN ? AND ? ORDER BY s.date, s.id
            """,
            (start, end),
        )
    ]


def objectives_with_measurements(conn: sqlite3.Connection, end: str) -> list[dict]:
    out = []
    for o in conn.execute("SELECT * FROM objectives ORDER BY name_key"):
        measurements = [
            {"date": m["date"], "value": m["value"], "note": m["note"]}
            for m in conn.execute(
                "SELECT date, value, note FROM measurements WHERE objective_id = ? AND date <= ?"
                " ORDER BY date, id",
                (o["id"], end),
            )
        ]
        out.append({**dict(o), "measurements": measurements})
    return out
