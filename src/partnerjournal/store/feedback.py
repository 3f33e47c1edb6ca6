"""SQL for partner feedback: what a partner answered on a feedback survey.

Each 1-10 term may be NULL (the partner skipped it); the table's CHECK keeps at least
one score or one answer in every row.
"""

from __future__ import annotations

import sqlite3
from typing import NamedTuple

from ..partner_view import SCORES, TERMS, trust_score
from .journal import new_uid


class Feedback(NamedTuple):
    id: int
    uid: str
    partner_id: int
    partner: str
    date: str
    credibility: int | None
    reliability: int | None
    intimacy: int | None
    self_orientation: int | None
    satisfaction: int | None
    keep: str
    change: str
    created_at: str
    updated_at: str

    @property
    def terms(self) -> dict[str, int | None]:
        return {t: getattr(self, t) for t in TERMS}

    @property
    def score(self) -> float | None:
        """The trust equation on the partner's terms; ``None`` if one was skipped."""
        return trust_score(self.terms)

    def as_json(self) -> dict:
        return {
            "id": self.id, "uid": self.uid, "partner": self.partner, "date": self.date,
            **{k: getattr(self, k) for k in SCORES},
            "score": self.score,  # exact: screens round it, data does not
            "keep": self.keep, "change": self.change,
            "created_at": self.created_at, "updated_at": self.updated_at,
        }


_SELECT = (
    "SELECT f.id, f.uid, f.partner_id, p.name AS partner, f.date, f.credibility,"
    " f.reliability, f.intimacy, f.self_orientation, f.satisfaction, f.keep, f.change,"
    " f.created_at, f.updated_at FROM feedback f JOIN partners p ON p.id = f.partner_id"
)


def insert_feedback(
    conn: sqlite3.Connection, *, partner_id: int, date: str, scores: dict[str, int | None],
    keep: str, change: str, now: str,
) -> int:
    cur = conn.execute(
        "INSERT INTO feedback (uid, partner_id, date, credibility, reliability, intimacy,"
        " self_orientation, satisfaction, keep, change, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (new_uid(), partner_id, date, *(scores.get(k) for k in SCORES), keep, change, now, now),
    )
    return cur.lastrowid


def get_feedback(conn: sqlite3.Connection, fid: int) -> Feedback | None:
    row = conn.execute(_SELECT + " WHERE f.id = ?", (fid,)).fetchone()
    return Feedback(**dict(row)) if row else None


_EDITABLE = frozenset({*SCORES, "keep", "change", "date"})


def update_feedback(
    conn: sqlite3.Connection, fid: int, *, updated_at: str, **fields: object
) -> None:
    unknown = set(fields) - _EDITABLE
    if unknown:  # the column names below come from this module's own list only
        raise ValueError(f"not feedback fields: {sorted(unknown)}")
    sets = ", ".join(f"{k} = ?" for k in fields)
    conn.execute(
        f"UPDATE feedback SET {sets}, updated_at = ? WHERE id = ?",
        (*fields.values(), updated_at, fid),
    )


def delete_feedback(conn: sqlite3.Connection, fid: int) -> bool:
    return conn.execute("DELETE FROM feedback WHERE id = ?", (fid,)).rowcount == 1


def query_feedback(conn: sqlite3.Connection, *, partner_id: int | None = None) -> list[Feedback]:
    """Feedback records, oldest first (by date, then as recorded)."""
    sql, params = _SELECT, ()
    if partner_id is not None:
        sql, params = sql + " WHERE f.partner_id = ?", (partner_id,)
    rows = conn.execute(sql + " ORDER BY f.date, f.id", params)
    return [Feedback(**dict(r)) for r in rows]


def latest_feedback(conn: sqlite3.Connection, partner_id: int, upto: str) -> Feedback | None:
    row = conn.execute(
        _SELECT + " WHERE f.partner_id = ? AND f.date <= ? ORDER BY f.date DESC, f.id DESC"
        " LIMIT 1",
        (partner_id, upto),
    ).fetchone()
    return Feedback(**dict(row)) if row else None


def feedback_until(conn: sqlite3.Connection, end: str) -> list[dict]:
    """Every feedback record dated on or before ``end``, for the quarterly report."""
    return [
        dict(r)
        for r in conn.execute(
            "SELECT f.*, p.name AS partner FROM feedback f JOIN partners p"
            " ON p.id = f.partner_id WHERE f.date <= ? ORDER BY f.date, f.id",
            (end,),
        )
    ]


def feedback_dates_between(conn: sqlite3.Connection, start: str, end: str) -> list[str]:
    return [d for (d,) in conn.execute(
        "SELECT date FROM feedback WHERE date BETWEEN ? AND ? ORDER BY date, id", (start, end)
    )]


def feedback_dates_upto(conn: sqlite3.Connection, upto: str) -> list[str]:
    """The days feedback was given on or before ``upto``, newest first."""
    return [d for (d,) in conn.execute(
        "SELECT date FROM feedback WHERE date <= ? ORDER BY date DESC, id DESC", (upto,)
    )]
