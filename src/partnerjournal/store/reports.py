"""Read-only SQL that gathers what the progress and quarterly reports are built from.

Each function returns plain dicts and tuples; the pure builders in ``report.py`` and
``progress.py`` turn them into report models.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from typing import Iterator


def has_table(conn: sqlite3.Connection, name: str) -> bool:
    return (
        conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
        ).fetchone()
        is not None
    )


def reflections_between(conn: sqlite3.Connection, start: str, end: str, *,
                        partners: bool = True) -> list[dict]:
    """Reflections in [start, end] with their steps (ascending) and, unless
    ``partners`` is false, the partners they name; oldest first.

    Three flat reads on the date index joined in Python: a correlated subquery per
    reflection for its steps and partners cost twice as much at a quarter's ~1,500."""
    out: list[dict] = []
    by_id: dict[int, dict] = {}
    for rid, day, share, prompt_id in conn.execute(
        "SELECT id, date, important_share, prompt_id FROM reflections"
        " WHERE date BETWEEN ? AND ? ORDER BY date, id", (start, end)
    ):
        row = {"id": rid, "date": day, "important_share": share, "prompt_id": prompt_id,
               "steps": [], "partners": []}
        out.append(row)
        by_id[rid] = row
    for rid, step in conn.execute(
        "SELECT x.reflection_id, x.step FROM reflections r"
        " JOIN reflection_steps x ON x.reflection_id = r.id WHERE r.date BETWEEN ? AND ?",
        (start, end),
    ):
        by_id[rid]["steps"].append(step)
    for row in out:
        if len(row["steps"]) > 1:
            row["steps"].sort()
    if partners:
        for rid, name in conn.execute(
            "SELECT rp.reflection_id, p.name FROM reflections r"
            " JOIN reflection_partners rp ON rp.reflection_id = r.id"
            " JOIN partners p ON p.id = rp.partner_id WHERE r.date BETWEEN ? AND ?"
            " ORDER BY rp.reflection_id, rp.partner_id",
            (start, end),
        ):
            by_id[rid]["partners"].append(name)
    return out


# Weeks in a row for each step, walking back one week at a time from where the
# streak starts: a week counts if one reflection in it practised the step. Each step
# of the walk is a probe on the date index that stops at the first match, so a long
# streak costs a few rows per week, not every reflection of those years.
_STREAK_WALK = """
WITH RECURSIVE walk(step, monday) AS (
    SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?)
    UNION ALL
    SELECT w.step, date(w.monday, '-7 days') FROM walk w
    WHERE EXISTS (
        SELECT 1 FROM reflections r CROSS JOIN reflection_steps x
        WHERE r.date >= date(w.monday, '-7 days') AND r.date < w.monday
          AND x.reflection_id = r.id AND x.step = w.step
    )
)
SELECT step, count(*) FROM walk GROUP BY step
"""


def _steps_between(conn: sqlite3.Connection, start: str, end: str) -> dict[int, str]:
    """The last day in [start, end] each step was practised on."""
    return dict(conn.execute(
        "SELECT x.step, max(r.date) FROM reflections r CROSS JOIN reflection_steps x"
        " ON x.reflection_id = r.id WHERE r.date BETWEEN ? AND ? GROUP BY x.step",
        (start, end),
    ))


def step_practice(conn: sqlite3.Connection, as_of: dt.date) -> dict[int, tuple[int, str, int]]:
    """For each step practised up to ``as_of``: (reflections in all, last day, weeks in
    a row). Weeks in a row count back from the week holding ``as_of``, or from the week
    before when this one has none yet (as ``progress.weeks_in_a_row``).

    The cost follows the recent weeks and the streaks, not the journal's age: totals
    come from the step index, the last days and streaks from probes on the date index.
    """
    upto = as_of.isoformat()
    monday = as_of - dt.timedelta(days=as_of.weekday())
    before = monday - dt.timedelta(days=7)
    # a count per step on the step index: a quarter faster than one grouped scan of it
    totals = {step: conn.execute("SELECT count(*) FROM reflection_steps WHERE step = ?",
                                 (step,)).fetchone()[0] for step in range(1, 14)}
    if conn.execute("SELECT 1 FROM reflections WHERE date > ? LIMIT 1", (upto,)).fetchone():
        for step, n in conn.execute(
            "SELECT x.step, count(*) FROM reflections r CROSS JOIN reflection_steps x"
            " ON x.reflection_id = r.id WHERE r.date > ? GROUP BY x.step", (upto,)
        ):
            totals[step] -= n
    totals = {step: n for step, n in totals.items() if n > 0}
    this_week = _steps_between(conn, monday.isoformat(), upto)
    last_week = _steps_between(conn, before.isoformat(), (monday - dt.timedelta(days=1)).isoformat())
    starts = [[step, monday.isoformat()] for step in this_week]
    starts += [[step, before.isoformat()] for step in last_week if step not in this_week]
    streaks = dict(conn.execute(_STREAK_WALK, (json.dumps(starts),))) if starts else {}
    out = {}
    for step, total in totals.items():
        last = this_week.get(step) or last_week.get(step)
        if last is None:
            last = _last_day(conn, step, before.isoformat(), total)
        out[step] = (total, last, streaks.get(step, 0))
    return out


def step_dates_desc(conn: sqlite3.Connection, step: int, upto: str) -> Iterator[str]:
    """The days ``step`` was practised on or before ``upto``, newest first, read lazily
    back along the date index (a caller that stops early reads little)."""
    for (day,) in conn.execute(
        "SELECT r.date FROM reflections r WHERE r.date <= ? AND EXISTS (SELECT 1 FROM"
        " reflection_steps x WHERE x.reflection_id = r.id AND x.step = ?)"
        " ORDER BY r.date DESC", (upto, step)
    ):
        yield day


def _last_day(conn: sqlite3.Connection, step: int, before: str, total: int) -> str | None:
    """The last day before ``before`` that ``step`` was practised on."""
    if total < 1000:  # from the step's own reflections
        return conn.execute(
            "SELECT max(r.date) FROM reflection_steps x CROSS JOIN reflections r"
            " ON r.id = x.reflection_id WHERE x.step = ? AND r.date < ?", (step, before)
        ).fetchone()[0]
    row = conn.execute(  # back from ``before`` along the date index: a common step is near
        "SELECT r.date FROM reflections r WHERE r.date < ? AND EXISTS (SELECT 1 FROM"
        " reflection_steps x WHERE x.reflection_id = r.id AND x.step = ?)"
        " ORDER BY r.date DESC LIMIT 1", (before, step)
    ).fetchone()
    return row[0] if row else None


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


def commitments_until(conn: sqlite3.Connection, end: str, start: str | None = None) -> list[dict]:
    """Commitments promised on or before ``end``. With ``start``, only those a report
    of [start, end] counts: still open, or closed within it (one closed before or after
    counts nowhere), so the report does not read every commitment ever closed."""
    where = "c.date <= ?"
    params: tuple = (end,)
    if start is not None:
        where += " AND (c.status = 'open' OR substr(c.closed_at, 1, 10) BETWEEN ? AND ?)"
        params += (start, end)
    return [
        dict(r)
        for r in conn.execute(
            "SELECT c.*, p.name AS partner FROM commitments c JOIN partners p"
            f" ON p.id = c.partner_id WHERE {where} ORDER BY c.id",
            params,
        )
    ]


def trust_checks_until(conn: sqlite3.Connection, end: str, last: int | None = None) -> list[dict]:
    """Trust checks on or before ``end``, oldest first; with ``last``, only each
    partner's ``last`` latest ones."""
    latest = ""
    if last is not None:
        latest = (", row_number() OVER (PARTITION BY t.partner_id"
                  " ORDER BY t.date DESC, t.id DESC) AS pj_latest")
    sql = (f"SELECT t.*, p.name AS partner{latest} FROM trust_checks t JOIN partners p"
           " ON p.id = t.partner_id WHERE t.date <= ?")
    if last is not None:
        sql = f"SELECT * FROM ({sql}) WHERE pj_latest <= {int(last)}"
    found = [dict(r) for r in conn.execute(f"{sql} ORDER BY date, id", (end,))]
    for r in found:
        r.pop("pj_latest", None)
    return found


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
