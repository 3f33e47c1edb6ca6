"""SQL for the quarterly self-evaluation: ratings per step, answers, adjustments."""

from __future__ import annotations

import json
import sqlite3

from .journal import new_uid


def get_evaluation(conn: sqlite3.Connection, quarter: str) -> dict | None:
    """The evaluation of ``quarter`` ('2026Q4') with its ratings and adjustments."""
    row = conn.execute("SELECT * FROM evaluations WHERE quarter = ?", (quarter,)).fetchone()
    if row is None:
        return None
    ratings = {
        r["step"]: {"rating": r["rating"], "note": r["note"]}
        for r in conn.execute(
            "SELECT step, rating, note FROM evaluation_ratings WHERE evaluation_id = ?"
            " ORDER BY step",
            (row["id"],),
        )
    }
    adjustments = [
        {"uid": a["uid"], "text": a["text"], "steps": json.loads(a["steps"])}
        for a in conn.execute(
            "SELECT uid, text, steps FROM adjustments WHERE evaluation_id = ?"
            " ORDER BY position, id",
            (row["id"],),
        )
    ]
    return {
        "id": row["id"],
        "uid": row["uid"],
        "quarter": row["quarter"],
        "progress": row["progress"],
        "feedback": row["feedback"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "ratings": ratings,
        "adjustments": adjustments,
    }


def save_evaluation(
    conn: sqlite3.Connection,
    quarter: str,
    *,
    now: str,
    ratings: dict[int, int],
    notes: dict[int, str],
    progress: str | None,
    feedback: str | None,
    adjustments: list[tuple[str, list[int]]] | None,
) -> tuple[int, bool]:
    """Create or update the quarter's evaluation; only what is given changes.

    Returns (evaluation id, created). Call inside a transaction.
    """
    row = conn.execute("SELECT id FROM evaluations WHERE quarter = ?", (quarter,)).fetchone()
    created = row is None
    if created:
        eid = conn.execute(
            "INSERT INTO evaluations (uid, quarter, progress, feedback, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (new_uid(), quarter, progress or "", feedback or "", now, now),
        ).lastrowid
    else:
        eid = row[0]
        sets, params = ["updated_at = ?"], [now]
        if progress is not None:
            sets.append("progress = ?")
            params.append(progress)
        if feedback is not None:
            sets.append("feedback = ?")
            params.append(feedback)
        conn.execute(f"UPDATE evaluations SET {', '.join(sets)} WHERE id = ?", (*params, eid))
    for step in sorted(set(ratings) | set(notes)):
        existing = conn.execute(
            "SELECT rating FROM evaluation_ratings WHERE evaluation_id = ? AND step = ?",
            (eid, step),
        ).fetchone()
        if step in ratings:
            conn.execute(
                "INSERT INTO evaluation_ratings (evaluation_id, step, rating, note)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (evaluation_id, step) DO UPDATE SET"
                " rating = excluded.rating, note = coalesce(excluded.note, note)",
                (eid, step, ratings[step], notes.get(step)),
            )
        elif existing is not None:
            conn.execute(
                "UPDATE evaluation_ratings SET note = ? WHERE evaluation_id = ? AND step = ?",
                (notes[step], eid, step),
            )
    if adjustments is not None:
        conn.execute("DELETE FROM adjustments WHERE evaluation_id = ?", (eid,))
        conn.executemany(
            "INSERT INTO adjustments (uid, evaluation_id, position, text, steps, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (new_uid(), eid, i, text, json.dumps(steps), now, now)
                for i, (text, steps) in enumerate(adjustments)
            ],
        )
    return eid, created
