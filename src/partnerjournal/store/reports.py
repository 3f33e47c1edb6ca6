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


# The first week of a step's streak that ends at a given week: walking back from there
# through the step's practised weeks (step_weeks), the first one whose week before was
# not practised. One short range of the table per step, a key lookup per week.
_STREAK_START = """
SELECT s.week FROM step_weeks s
WHERE s.step = ? AND s.week <= ? AND s.reflections > 0
  AND NOT EXISTS (SELECT 1 FROM step_weeks p WHERE p.step = s.step
                  AND p.week = date(s.week, '-7 days') AND p.reflections > 0)
ORDER BY s.week DESC LIMIT 1
"""


def _weeks_in_a_row(conn: sqlite3.Connection, step: int, last: dt.date) -> int:
    """Weeks in a row ``step`` was practised, back from the week starting ``last``
    (a week the step was practised in)."""
    row = conn.execute(_STREAK_START, (step, last.isoformat())).fetchone()
    return (last - dt.date.fromisoformat(row[0])).days // 7 + 1 if row else 0


def _steps_between(conn: sqlite3.Connection, start: str, end: str) -> dict[int, tuple[str, int]]:
    """For each step practised in [start, end]: its last day there and its reflections."""
    return {step: (last, n) for step, last, n in conn.execute(
        "SELECT x.step, max(r.date), count(*) FROM reflections r CROSS JOIN reflection_steps x"
        " ON x.reflection_id = r.id WHERE r.date BETWEEN ? AND ? GROUP BY x.step",
        (start, end),
    )}


def step_practice(conn: sqlite3.Connection, as_of: dt.date) -> dict[int, tuple[int, str, int]]:
    """For each step practised up to ``as_of``: (reflections in all, last day, weeks in
    a row). Weeks in a row count back from the week holding ``as_of``, or from the week
    before when this one has none yet (as ``progress.weeks_in_a_row``).

    The cost follows the number of weeks journaled, not the reflections: totals and
    streaks come from the reflections per step and week, the last days from this week
    and the last one (or the last practised week, one lookup).
    """
    upto = as_of.isoformat()
    monday = as_of - dt.timedelta(days=as_of.weekday())
    before = monday - dt.timedelta(days=7)
    this_week = _steps_between(conn, monday.isoformat(), upto)
    last_week = _steps_between(conn, before.isoformat(), (monday - dt.timedelta(days=1)).isoformat())
    # whole weeks before this one, then this week's reflections up to ``as_of``
    totals = dict(conn.execute(
        "SELECT step, sum(reflections) FROM step_weeks WHERE week < ? GROUP BY step",
        (monday.isoformat(),),
    ))
    for step, (_, n) in this_week.items():
        totals[step] = totals.get(step, 0) + n
    streaks = {step: _weeks_in_a_row(conn, step, monday) for step in this_week}
    streaks |= {step: _weeks_in_a_row(conn, step, before) for step in last_week
                if step not in this_week}
    out = {}
    for step, total in sorted(totals.items()):
        if total <= 0:
            continue
        last = (this_week.get(step) or last_week.get(step) or (None,))[0]
        if last is None:
            last = _last_day(conn, step, before.isoformat())
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


def _last_day(conn: sqlite3.Connection, step: int, before: str) -> str | None:
    """The last day before the Monday ``before`` that ``step`` was practised on: the
    last practised week from step_weeks, then that week's last day with the step."""
    week = conn.execute(
        "SELECT max(week) FROM step_weeks WHERE step = ? AND week < ? AND reflections > 0",
        (step, before),
    ).fetchone()[0]
    if week is None:
        return None
    return conn.execute(
        "SELECT max(r.date) FROM reflections r CROSS JOIN reflection_steps x"
        " ON x.reflection_id = r.id WHERE r.date BETWEEN ? AND date(?, '+6 days')"
        " AND x.step = ?", (week, week, step),
    ).fetchone()[0]


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
