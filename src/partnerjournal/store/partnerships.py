"""SQL for the partnership side: partners, sessions, commitments, trust checks,
stories, objectives and their measurements.

Rows come back as the small dataclasses below (cheap to import, no validation: the
services validate before anything is written).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Iterable

from ..models import Partner, trust_score
from .journal import name_key, new_uid, row_to_partner

PARTNER_COLUMNS = "id, uid, name, created_at, updated_at, box, relation, note, archived_at"


@dataclass
class Session:
    id: int
    uid: str
    partner_id: int
    partner: str
    date: str
    minutes: int
    successes: str
    objectives: str
    feedback: str
    created_at: str
    updated_at: str

    def as_json(self) -> dict:
        return {
            "id": self.id, "uid": self.uid, "partner": self.partner, "date": self.date,
            "minutes": self.minutes, "successes": self.successes,
            "objectives": self.objectives, "feedback": self.feedback,
            "created_at": self.created_at, "updated_at": self.updated_at,
        }


@dataclass
class Commitment:
    id: int
    uid: str
    partner_id: int
    partner: str
    date: str
    text: str
    due: str | None
    status: str
    closed_at: str | None
    reason: str | None
    created_at: str
    updated_at: str

    def is_overdue(self, today: str) -> bool:
        return self.status == "open" and self.due is not None and self.due < today

    def kept_on_time(self) -> bool:
        return self.status == "kept" and (self.due is None or (self.closed_at or "") <= self.due)

    def as_json(self, today: str) -> dict:
        return {
            "id": self.id, "uid": self.uid, "partner": self.partner, "date": self.date,
            "text": self.text, "due": self.due, "status": self.status,
            "closed_at": self.closed_at, "reason": self.reason,
            "overdue": self.is_overdue(today),
            "created_at": self.created_at, "updated_at": self.updated_at,
        }


@dataclass
class TrustCheck:
    id: int
    uid: str
    partner_id: int
    partner: str
    date: str
    credibility: int
    reliability: int
    intimacy: int
    self_orientation: int
    created_at: str
    updated_at: str

    @property
    def score(self) -> float:
        """Maister's trust equation, unrounded (see :func:`models.trust_score`)."""
        return trust_score(self.credibility, self.reliability, self.intimacy, self.self_orientation)

    @property
    def factors(self) -> dict[str, int]:
        return {"credibility": self.credibility, "reliability": self.reliability,
                "intimacy": self.intimacy, "self_orientation": self.self_orientation}

    def as_json(self) -> dict:
        return {
            "id": self.id, "uid": self.uid, "partner": self.partner, "date": self.date,
            "credibility": self.credibility, "reliability": self.reliability,
            "intimacy": self.intimacy, "self_orientation": self.self_orientation,
            "score": self.score,  # exact: rounding is for screens
            "created_at": self.created_at, "updated_at": self.updated_at,
        }


@dataclass
class Story:
    id: int
    uid: str
    date: str
    text: str
    impact: str | None
    created_at: str
    updated_at: str
    partners: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "id": self.id, "uid": self.uid, "date": self.date, "text": self.text,
            "partners": self.partners, "impact": self.impact,
            "created_at": self.created_at, "updated_at": self.updated_at,
        }


@dataclass
class Measurement:
    id: int
    uid: str
    objective_id: int
    date: str
    value: float
    note: str | None
    created_at: str
    updated_at: str

    def as_json(self) -> dict:
        return {"id": self.id, "uid": self.uid, "date": self.date, "value": self.value,
                "note": self.note, "created_at": self.created_at, "updated_at": self.updated_at}


@dataclass
class Objective:
    id: int
    uid: str
    name: str
    kind: str
    unit: str | None
    target: float | None
    lower_is_better: bool
    created_at: str
    updated_at: str
    measurements: list[Measurement] = field(default_factory=list)  # oldest first


# --- partners -------------------------------------------------------------------------

def list_partners(conn: sqlite3.Connection) -> list[Partner]:
    rows = conn.execute(f"SELECT {PARTNER_COLUMNS} FROM partners ORDER BY name_key")
    return [row_to_partner(r) for r in rows]


def get_partner(conn: sqlite3.Connection, name: str) -> Partner | None:
    row = conn.execute(
        f"SELECT {PARTNER_COLUMNS} FROM partners WHERE name_key = ?", (name_key(name),)
    ).fetchone()
    return row_to_partner(row) if row else None


def update_partner(conn: sqlite3.Connection, pid: int, *, updated_at: str, **fields: object) -> None:
    if "name" in fields:
        fields["name_key"] = name_key(str(fields["name"]))
    sets = ", ".join(f"{k} = ?" for k in fields)
    conn.execute(
        f"UPDATE partners SET {sets}, updated_at = ? WHERE id = ?",
        (*fields.values(), updated_at, pid),
    )


def last_session_dates(conn: sqlite3.Connection) -> dict[int, str]:
    return dict(conn.execute("SELECT partner_id, max(date) FROM sessions GROUP BY partner_id"))


def reflection_count(conn: sqlite3.Connection, pid: int, since: str | None = None) -> int:
    if since is None:
        sql, params = "SELECT count(*) FROM reflection_partners WHERE partner_id = ?", (pid,)
    else:
        sql = (
            "SELECT count(*) FROM reflection_partners rp JOIN reflections r"
            " ON r.id = rp.reflection_id WHERE rp.partner_id = ? AND r.date >= ?"
        )
        params = (pid, since)
    return conn.execute(sql, params).fetchone()[0]


# --- sessions -------------------------------------------------------------------------

_SELECT_SESSION = (
    "SELECT s.id, s.uid, s.partner_id, p.name AS partner, s.date, s.minutes, s.successes,"
    " s.objectives, s.feedback, s.created_at, s.updated_at"
    " FROM sessions s JOIN partners p ON p.id = s.partner_id"
)


def insert_session(
    conn: sqlite3.Connection, *, partner_id: int, date: str, minutes: int, successes: str,
    objectives: str, feedback: str, now: str,
) -> int:
    cur = conn.execute(
        "INSERT INTO sessions (uid, partner_id, date, minutes, successes, objectives, feedback,"
        " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (new_uid(), partner_id, date, minutes, successes, objectives, feedback, now, now),
    )
    return cur.lastrowid


def sessions_of(conn: sqlite3.Connection, pid: int) -> list[Session]:
    rows = conn.execute(_SELECT_SESSION + " WHERE s.partner_id = ? ORDER BY s.date, s.id", (pid,))
    return [Session(**dict(r)) for r in rows]


def last_session(conn: sqlite3.Connection, pid: int, upto: str) -> Session | None:
    row = conn.execute(
        _SELECT_SESSION + " WHERE s.partner_id = ? AND s.date <= ? ORDER BY s.date DESC, s.id DESC"
        " LIMIT 1",
        (pid, upto),
    ).fetchone()
    return Session(**dict(row)) if row else None


def partners_met_between(conn: sqlite3.Connection, start: str, end: str) -> set[int]:
    rows = conn.execute(
        "SELECT DISTINCT partner_id FROM sessions WHERE date BETWEEN ? AND ?", (start, end)
    )
    return {pid for (pid,) in rows}


# --- commitments ----------------------------------------------------------------------

_SELECT_COMMITMENT = (
    "SELECT c.id, c.uid, c.partner_id, p.name AS partner, c.date, c.text, c.due, c.status,"
    " c.closed_at, c.reason, c.created_at, c.updated_at"
    " FROM commitments c JOIN partners p ON p.id = c.partner_id"
)


def insert_commitment(
    conn: sqlite3.Connection, *, partner_id: int, date: str, text: str, due: str | None, now: str
) -> int:
    cur = conn.execute(
        "INSERT INTO commitments (uid, partner_id, date, text, due, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (new_uid(), partner_id, date, text, due, now, now),
    )
    return cur.lastrowid


def get_commitment(conn: sqlite3.Connection, cid: int) -> Commitment | None:
    row = conn.execute(_SELECT_COMMITMENT + " WHERE c.id = ?", (cid,)).fetchone()
    return Commitment(**dict(row)) if row else None


def close_commitment(
    conn: sqlite3.Connection, cid: int, *, status: str, closed_at: str, reason: str | None,
    now: str,
) -> bool:
    """Close an open commitment; ``False`` when it was not open (closed meanwhile)."""
    cur = conn.execute(
        "UPDATE commitments SET status = ?, closed_at = ?, reason = ?, updated_at = ?"
        " WHERE id = ? AND status = 'open'",
        (status, closed_at, reason, now, cid),
    )
    return cur.rowcount == 1


def query_commitments(
    conn: sqlite3.Connection,
    *,
    partner_id: int | None = None,
    status: str | None = None,
    due_before: str | None = None,
) -> list[Commitment]:
    """Commitments, open ones first by due date, then closed ones, oldest first."""
    where, params = [], []
    if partner_id is not None:
        where.append("c.partner_id = ?")
        params.append(partner_id)
    if status is not None:
        where.append("c.status = ?")
        params.append(status)
    if due_before is not None:
        where.append("c.due < ?")
        params.append(due_before)
    sql = _SELECT_COMMITMENT
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY c.status != 'open', c.due IS NULL, c.due, c.id"
    return [Commitment(**dict(r)) for r in conn.execute(sql, params)]


def overdue_counts(conn: sqlite3.Connection, today: str) -> dict[int, int]:
    rows = conn.execute(
        "SELECT partner_id, count(*) FROM commitments WHERE status = 'open' AND due < ?"
        " GROUP BY partner_id",
        (today,),
    )
    return dict(rows)


# --- trust checks ---------------------------------------------------------------------

_SELECT_TRUST = (
    "SELECT t.id, t.uid, t.partner_id, p.name AS partner, t.date, t.credibility, t.reliability,"
    " t.intimacy, t.self_orientation, t.created_at, t.updated_at"
    " FROM trust_checks t JOIN partners p ON p.id = t.partner_id"
)


def insert_trust_check(
    conn: sqlite3.Connection, *, partner_id: int, date: str, credibility: int, reliability: int,
    intimacy: int, self_orientation: int, now: str,
) -> int:
    cur = conn.execute(
        "INSERT INTO trust_checks (uid, partner_id, date, credibility, reliability, intimacy,"
        " self_orientation, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (new_uid(), partner_id, date, credibility, reliability, intimacy, self_orientation,
         now, now),
    )
    return cur.lastrowid


def trust_checks_of(conn: sqlite3.Connection, pid: int) -> list[TrustCheck]:
    rows = conn.execute(_SELECT_TRUST + " WHERE t.partner_id = ? ORDER BY t.date, t.id", (pid,))
    return [TrustCheck(**dict(r)) for r in rows]


def latest_trust_checks(conn: sqlite3.Connection, upto: str) -> dict[int, TrustCheck]:
    """Each partner's latest check on or before ``upto``."""
    rows = conn.execute(
        _SELECT_TRUST + " WHERE t.date <= ? ORDER BY t.partner_id, t.date, t.id", (upto,)
    )
    return {r["partner_id"]: TrustCheck(**dict(r)) for r in rows}


# --- stories --------------------------------------------------------------------------

_SELECT_STORY = """
SELECT s.id, s.uid, s.date, s.text, s.impact, s.created_at, s.updated_at,
       (SELECT json_group_array(name) FROM (SELECT p.name FROM story_partners sp
            JOIN partners p ON p.id = sp.partner_id
            WHERE sp.story_id = s.id ORDER BY p.name_key)) AS partners
FROM stories s
"""


def _row_to_story(row: sqlite3.Row) -> Story:
    import json

    data = dict(row)
    data["partners"] = json.loads(data["partners"]) if data["partners"] else []
    return Story(**data)


def insert_story(
    conn: sqlite3.Connection, *, date: str, text: str, impact: str | None,
    partner_ids: Iterable[int], now: str,
) -> int:
    cur = conn.execute(
        "INSERT INTO stories (uid, date, text, impact, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (new_uid(), date, text, impact, now, now),
    )
    sid = cur.lastrowid
    conn.executemany(
        "INSERT OR IGNORE INTO story_partners VALUES (?, ?)", [(sid, p) for p in partner_ids]
    )
    return sid


def query_stories(
    conn: sqlite3.Connection,
    *,
    start: str | None = None,
    end: str | None = None,
    partner_id: int | None = None,
) -> list[Story]:
    """Stories, oldest first."""
    where, params = [], []
    if start is not None:
        where.append("s.date >= ?")
        params.append(start)
    if end is not None:
        where.append("s.date <= ?")
        params.append(end)
    if partner_id is not None:
        where.append("s.id IN (SELECT story_id FROM story_partners WHERE partner_id = ?)")
        params.append(partner_id)
    sql = _SELECT_STORY + (" WHERE " + " AND ".join(where) if where else "")
    sql += " ORDER BY s.date, s.id"
    return [_row_to_story(r) for r in conn.execute(sql, params)]


# --- objectives and measurements ------------------------------------------------------

_OBJECTIVE_COLUMNS = "id, uid, name, kind, unit, target, lower_is_better, created_at, updated_at"


def _row_to_objective(row: sqlite3.Row) -> Objective:
    data = dict(row)
    data["lower_is_better"] = bool(data["lower_is_better"])
    return Objective(**data)


def find_objective(conn: sqlite3.Connection, name: str) -> Objective | None:
    row = conn.execute(
        f"SELECT {_OBJECTIVE_COLUMNS} FROM objectives WHERE name_key = ?", (name_key(name),)
    ).fetchone()
    return _row_to_objective(row) if row else None


def insert_objective(
    conn: sqlite3.Connection, *, name: str, kind: str, unit: str | None, target: float | None,
    lower_is_better: bool, now: str,
) -> int:
    cur = conn.execute(
        "INSERT INTO objectives (uid, name, name_key, kind, unit, target, lower_is_better,"
        " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (new_uid(), name, name_key(name), kind, unit, target, int(lower_is_better), now, now),
    )
    return cur.lastrowid


def insert_measurement(
    conn: sqlite3.Connection, *, objective_id: int, date: str, value: float, note: str | None,
    now: str,
) -> int:
    cur = conn.execute(
        "INSERT INTO measurements (uid, objective_id, date, value, note, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (new_uid(), objective_id, date, value, note, now, now),
    )
    return cur.lastrowid


def list_objectives(conn: sqlite3.Connection) -> list[Objective]:
    """Every objective with its measurements (oldest first), by name."""
    objectives = [
        _row_to_objective(r)
        for r in conn.execute(f"SELECT {_OBJECTIVE_COLUMNS} FROM objectives ORDER BY name_key")
    ]
    by_id = {o.id: o for o in objectives}
    rows = conn.execute(
        "SELECT id, uid, objective_id, date, value, note, created_at, updated_at"
        " FROM measurements ORDER BY objective_id, date, id"
    )
    for r in rows:
        by_id[r["objective_id"]].measurements.append(Measurement(**dict(r)))
    return objectives
