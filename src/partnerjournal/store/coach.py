"""SQL for the coach: the few indexed reads its rules need, and the day's pick.

Every query reads a bounded slice (a date range on an index, a ``LIMIT``, or the small
partnership tables), never the whole journal, so a contextual prompt costs a few
milliseconds however many reflections the journal holds.
"""

from __future__ import annotations

import json
import sqlite3

from ..coach import (
    CommitmentFact,
    FeedbackFact,
    ObjectiveFact,
    PartnerFact,
    SessionFact,
    TrustFact,
)


def active_partners(conn: sqlite3.Connection) -> list[PartnerFact]:
    rows = conn.execute(
        "SELECT id, uid, name, box, relation, substr(created_at, 1, 10) FROM partners"
        " WHERE archived_at IS NULL ORDER BY name_key"
    )
    return [PartnerFact(*r) for r in rows]


def partners_met_between(conn: sqlite3.Connection, start: str, end: str) -> set[int]:
    """Partner ids with a session in [start, end] (the coach's own read, so that 'pj
    today' does not load the partnership store)."""
    rows = conn.execute(
        "SELECT DISTINCT partner_id FROM sessions WHERE date BETWEEN ? AND ?", (start, end)
    )
    return {pid for (pid,) in rows}


def last_sessions(conn: sqlite3.Connection, upto: str, skip: set[int]) -> dict[int, SessionFact]:
    """Each active partner's last session on or before ``upto`` (partners in ``skip``
    left out): one statement, one index probe per partner."""
    rows = conn.execute(
        "SELECT p.id, s.uid, s.date, s.feedback FROM partners p"
        " JOIN sessions s ON s.id = (SELECT id FROM sessions WHERE partner_id = p.id"
        " AND date <= ? ORDER BY date DESC, id DESC LIMIT 1)"
        " WHERE p.archived_at IS NULL ORDER BY p.name_key",
        (upto,),
    )
    return {pid: SessionFact(uid, date, fb) for pid, uid, date, fb in rows if pid not in skip}


def commitments_due(conn: sqlite3.Connection, upto: str, limit: int = 5) -> list[CommitmentFact]:
    """Open commitments due on or before ``upto``, soonest first."""
    rows = conn.execute(
        "SELECT c.id, c.uid, p.name, c.text, c.due FROM commitments c"
        " JOIN partners p ON p.id = c.partner_id"
        " WHERE c.status = 'open' AND c.due IS NOT NULL AND c.due <= ?"
        " ORDER BY c.due, c.id LIMIT ?",
        (upto, limit),
    )
    return [CommitmentFact(*r) for r in rows]


def latest_trust_checks(conn: sqlite3.Connection, upto: str) -> list[TrustFact]:
    """Each active partner's latest trust check on or before ``upto``, partners in name
    order: one statement, one index probe per partner."""
    rows = conn.execute(
        "SELECT t.uid, p.name, t.date, t.credibility, t.reliability, t.intimacy,"
        " t.self_orientation FROM partners p"
        " JOIN trust_checks t ON t.id = (SELECT id FROM trust_checks WHERE partner_id = p.id"
        " AND date <= ? ORDER BY date DESC, id DESC LIMIT 1)"
        " WHERE p.archived_at IS NULL ORDER BY p.name_key",
        (upto,),
    )
    return [TrustFact(*r) for r in rows]


def objectives(conn: sqlite3.Connection, upto: str) -> list[ObjectiveFact]:
    """Each objective with its latest measurement on or before ``upto``."""
    rows = conn.execute(
        "SELECT o.uid, o.name, o.unit, o.target, o.lower_is_better,"
        " substr(o.created_at, 1, 10), m.date, m.value FROM objectives o"
        " LEFT JOIN measurements m ON m.id = (SELECT id FROM measurements"
        " WHERE objective_id = o.id AND date <= ? ORDER BY date DESC, id DESC LIMIT 1)"
        " ORDER BY o.name_key",
        (upto,),
    )
    return [ObjectiveFact(uid, name, unit, target, bool(lower), created, date, value)
            for uid, name, unit, target, lower, created, date, value in rows]


def partners_last_named(conn: sqlite3.Connection, start: str, end: str) -> dict[int, str]:
    """Partner id -> the last day in [start, end] a reflection named them."""
    rows = conn.execute(
        "SELECT rp.partner_id, max(r.date) FROM reflections r"
        " JOIN reflection_partners rp ON rp.reflection_id = r.id"
        " WHERE r.date BETWEEN ? AND ? GROUP BY rp.partner_id",
        (start, end),
    )
    return dict(rows)


def last_named_before(conn: sqlite3.Connection, pid: int, before: str, recent: int = 50) -> str | None:
    """The last day before ``before`` a reflection named the partner, read from the
    ``recent`` reflections last written about them (bounded: a partner named in
    thousands of reflections costs no more than one named in a few)."""
    row = conn.execute(
        "SELECT max(r.date) FROM (SELECT reflection_id FROM reflection_partners"
        " WHERE partner_id = ? ORDER BY reflection_id DESC LIMIT ?) AS x"
        " JOIN reflections r ON r.id = x.reflection_id WHERE r.date < ?",
        (pid, recent, before),
    ).fetchone()
    return row[0]


def important_shares(conn: sqlite3.Connection, start: str, end: str) -> list[tuple[str, int]]:
    rows = conn.execute(
        "SELECT date, important_share FROM reflections WHERE date BETWEEN ? AND ?"
        " AND important_share IS NOT NULL",
        (start, end),
    )
    return [(d, s) for d, s in rows]


def answered_records(conn: sqlite3.Connection, start: str, end: str) -> dict[str, str]:
    """Record -> the last day in [start, end] a reflection answered a prompt about it."""
    rows = conn.execute(
        "SELECT prompt_record, max(date) FROM reflections WHERE date BETWEEN ? AND ?"
        " AND prompt_record IS NOT NULL GROUP BY prompt_record",
        (start, end),
    )
    return dict(rows)


def answered_on(conn: sqlite3.Connection, day: str) -> list[tuple[int, str | None, str | None]]:
    """(id, prompt id, prompt record) of the reflections written on ``day``."""
    rows = conn.execute(
        "SELECT id, prompt_id, prompt_record FROM reflections WHERE date = ? ORDER BY id",
        (day,),
    )
    return [tuple(r) for r in rows]


def has_reflections(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM reflections LIMIT 1").fetchone() is not None


# --- the day's pick -------------------------------------------------------------------

def coach_history(conn: sqlite3.Connection, start: str, end: str) -> dict[str, tuple[str, str | None]]:
    """Day -> (kind, rule) recorded for the days in [start, end]."""
    rows = conn.execute(
        "SELECT date, kind, rule FROM coach_days WHERE date BETWEEN ? AND ?", (start, end)
    )
    return {d: (k, r) for d, k, r in rows}


def coach_day(conn: sqlite3.Connection, day: str) -> dict | None:
    row = conn.execute(
        "SELECT kind, prompt_id, rule, record, text, steps FROM coach_days WHERE date = ?",
        (day,),
    ).fetchone()
    if row is None:
        return None
    return {"kind": row[0], "prompt_id": row[1], "rule": row[2], "record": row[3],
            "text": row[4], "steps": json.loads(row[5])}


def record_coach_day(
    conn: sqlite3.Connection, day: str, *, kind: str, prompt_id: str, rule: str | None,
    record: str | None, text: str, steps: list[int], now: str,
) -> None:
    """Keep the day's pick; the first one recorded for a day stays."""
    conn.execute(
        "INSERT OR IGNORE INTO coach_days (date, kind, prompt_id, rule, record, text, steps,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (day, kind, prompt_id, rule, record, text, json.dumps(steps), now),
    )


# --- naming a record ------------------------------------------------------------------

_RECORD_SQL = {
    "commitment": "SELECT 'commitment #' || c.id || ' to ' || p.name FROM commitments c"
                  " JOIN partners p ON p.id = c.partner_id WHERE c.uid = ?",
    "session": "SELECT 'session with ' || p.name || ' on ' || s.date FROM sessions s"
               " JOIN partners p ON p.id = s.partner_id WHERE s.uid = ?",
    "trust_check": "SELECT 'trust check with ' || p.name || ' on ' || t.date"
                   " FROM trust_checks t JOIN partners p ON p.id = t.partner_id WHERE t.uid = ?",
    "partner": "SELECT 'partner ' || name FROM partners WHERE uid = ?",
    "objective": "SELECT 'objective ' || name FROM objectives WHERE uid = ?",
    "adjustment": "SELECT 'adjustment from ' || e.quarter || ': ' || a.text FROM adjustments a"
                  " JOIN evaluations e ON e.id = a.evaluation_id WHERE a.uid = ?",
}


def describe_record(conn: sqlite3.Connection, record: str) -> str | None:
    """A record ("kind:uid") in a few words, or ``None`` when it is gone or unknown."""
    kind, _, uid = record.partition(":")
    sql = _RECORD_SQL.get(kind)
    if sql is None:
        return None
    row = conn.execute(sql, (uid,)).fetchone()
    return row[0] if row else None


_TERMS = ("credibility", "reliability", "intimacy", "self_orientation")


def latest_feedbacks(conn: sqlite3.Connection, upto: str) -> list[FeedbackFact]:
    """Each active partner's latest feedback on or before ``upto`` (partners in name
    order), with the leader's latest trust check on or before that feedback's day (the
    leader's number came first): one statement, two index probes per partner."""
    rows = conn.execute(
        "SELECT f.uid, p.name, f.date, f.credibility, f.reliability, f.intimacy,"
        " f.self_orientation, t.credibility, t.reliability, t.intimacy, t.self_orientation,"
        " t.id FROM partners p"
        " JOIN feedback f ON f.id = (SELECT id FROM feedback WHERE partner_id = p.id"
        " AND date <= ? ORDER BY date DESC, id DESC LIMIT 1)"
        " LEFT JOIN trust_checks t ON t.id = (SELECT id FROM trust_checks"
        " WHERE partner_id = p.id AND date <= f.date ORDER BY date DESC, id DESC LIMIT 1)"
        " WHERE p.archived_at IS NULL ORDER BY p.name_key",
        (upto,),
    )
    return [FeedbackFact(r[0], r[1], r[2], dict(zip(_TERMS, r[3:7])),
                         dict(zip(_TERMS, r[7:11])) if r[11] is not None else None)
            for r in rows]


def partners_last_asked(conn: sqlite3.Connection, upto: str) -> dict[int, str]:
    """Partner id -> the day of their latest feedback on or before ``upto``."""
    rows = conn.execute(
        "SELECT partner_id, max(date) FROM feedback WHERE date <= ? GROUP BY partner_id", (upto,)
    )
    return dict(rows)
