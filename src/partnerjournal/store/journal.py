"""SQL for the daily journal: reflections, their steps/partners/tags, prompts, settings."""

from __future__ import annotations

import json
import os
import sqlite3
from typing import Iterable, Iterator

from ..models import Partner, Reflection
from ..records import Record


def new_uid() -> str:
    """A stable, globally unique id for merging journals across machines."""
    return os.urandom(16).hex()


# --- settings -------------------------------------------------------------------------

def get_setting(conn: sqlite3.Connection, key: str, default: str | None = None) -> str | None:
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    return row[0] if row else default


def set_setting(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


def device_name(conn: sqlite3.Connection) -> str:
    """This machine's readable name in a sync folder ('' if not given)."""
    return conn.execute("SELECT name FROM device").fetchone()[0]


def set_device_name(conn: sqlite3.Connection, name: str) -> None:
    conn.execute("UPDATE device SET name = ?", (name,))


def all_settings(conn: sqlite3.Connection) -> dict[str, str]:
    return {k: v for k, v in conn.execute("SELECT key, value FROM settings ORDER BY key")}


# --- partners (the part the daily journal needs) --------------------------------------

def name_key(name: str) -> str:
    """Partner and objective names are unique regardless of case."""
    return " ".join(name.split()).casefold()


def _partner_columns(conn: sqlite3.Connection) -> str:
    cols = {r[1] for r in conn.execute("PRAGMA table_info(partners)")}
    extra = [c for c in ("box", "relation", "note", "archived_at") if c in cols]
    return ", ".join(["id", "uid", "name", "created_at", "updated_at", *extra])


def row_to_partner(row: sqlite3.Row) -> Partner:
    return Partner(**{k: row[k] for k in row.keys()})


def find_partner(conn: sqlite3.Connection, name: str) -> Partner | None:
    row = conn.execute(
        f"SELECT {_partner_columns(conn)} FROM partners WHERE name_key = ?", (name_key(name),)
    ).fetchone()
    return row_to_partner(row) if row else None


def insert_partner(
    conn: sqlite3.Connection, name: str, now: str, uid: str | None = None, **fields: object
) -> int:
    cols = ["uid", "name", "name_key", "created_at", "updated_at", *fields]
    values = [uid or new_uid(), name, name_key(name), now, now, *fields.values()]
    placeholders = ", ".join("?" for _ in cols)
    cur = conn.execute(
        f"INSERT INTO partners ({', '.join(cols)}) VALUES ({placeholders})", values
    )
    return cur.lastrowid


def ensure_partners(
    conn: sqlite3.Connection, names: Iterable[str], now: str,
    details: dict[str, dict] | None = None,
) -> tuple[list[int], list[str]]:
    """Ids for ``names``, creating unknown partners (with their ``details``, e.g. box
    and relation, keyed by name). Returns (ids, names created)."""
    ids: list[int] = []
    created: list[str] = []
    for name in names:
        row = conn.execute(
            "SELECT id FROM partners WHERE name_key = ?", (name_key(name),)
        ).fetchone()
        if row:
            pid = row[0]
        else:
            extra = {k: v for k, v in ((details or {}).get(name) or {}).items() if v}
            pid = insert_partner(conn, name, now, **extra)
            created.append(name)
        if pid not in ids:
            ids.append(pid)
    return ids, created


# --- reflections ----------------------------------------------------------------------

_SELECT_REFLECTION = """
SELECT r.id, r.uid, r.date, r.text, r.prompt_id, r.important_share, r.created_at,
       r.updated_at, r.prompt_rule, r.prompt_record, r.prompt_text,
       (SELECT group_concat(step) FROM (SELECT step FROM reflection_steps
            WHERE reflection_id = r.id ORDER BY step)) AS steps,
       (SELECT json_group_array(name) FROM (SELECT p.name FROM reflection_partners rp
            JOIN partners p ON p.id = rp.partner_id
            WHERE rp.reflection_id = r.id ORDER BY p.name_key)) AS partners,
       (SELECT json_group_array(tag) FROM (SELECT tag FROM reflection_tags
            WHERE reflection_id = r.id ORDER BY tag)) AS tags
FROM reflections r
"""


def _row_to_reflection(row: sqlite3.Row) -> Reflection:
    return Reflection(
        id=row["id"],
        uid=row["uid"],
        date=row["date"],
        text=row["text"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        prompt_id=row["prompt_id"],
        important_share=row["important_share"],
        steps=[int(s) for s in row["steps"].split(",")] if row["steps"] else [],
        partners=json.loads(row["partners"]) if row["partners"] else [],
        tags=json.loads(row["tags"]) if row["tags"] else [],
        prompt_rule=row["prompt_rule"],
        prompt_record=row["prompt_record"],
        prompt_text=row["prompt_text"],
    )


def insert_reflection(
    conn: sqlite3.Connection,
    *,
    date: str,
    text: str,
    created_at: str,
    steps: Iterable[int] = (),
    partner_ids: Iterable[int] = (),
    tags: Iterable[str] = (),
    prompt_id: str | None = None,
    important_share: int | None = None,
    uid: str | None = None,
    updated_at: str | None = None,
    prompt_rule: str | None = None,
    prompt_record: str | None = None,
    prompt_text: str | None = None,
) -> int:
    cur = conn.execute(
        "INSERT INTO reflections (uid, date, text, prompt_id, important_share, created_at,"
        " updated_at, prompt_rule, prompt_record, prompt_text)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (uid or new_uid(), date, text, prompt_id, important_share, created_at,
         updated_at or created_at, prompt_rule, prompt_record, prompt_text),
    )
    rid = cur.lastrowid
    set_reflection_links(conn, rid, steps, partner_ids, tags)
    return rid


def set_reflection_links(
    conn: sqlite3.Connection,
    rid: int,
    steps: Iterable[int],
    partner_ids: Iterable[int],
    tags: Iterable[str],
) -> None:
    conn.execute("DELETE FROM reflection_steps WHERE reflection_id = ?", (rid,))
    conn.execute("DELETE FROM reflection_partners WHERE reflection_id = ?", (rid,))
    conn.execute("DELETE FROM reflection_tags WHERE reflection_id = ?", (rid,))
    # a plain INSERT: OR IGNORE would also skip the CHECK on the step number silently
    conn.executemany(
        "INSERT INTO reflection_steps VALUES (?, ?)", [(rid, s) for s in dict.fromkeys(steps)]
    )
    conn.executemany(
        "INSERT OR IGNORE INTO reflection_partners VALUES (?, ?)",
        [(rid, p) for p in partner_ids],
    )
    conn.executemany(
        "INSERT OR IGNORE INTO reflection_tags VALUES (?, ?)", [(rid, t) for t in tags]
    )


def get_reflection(conn: sqlite3.Connection, rid: int) -> Reflection | None:
    row = conn.execute(_SELECT_REFLECTION + " WHERE r.id = ?", (rid,)).fetchone()
    return _row_to_reflection(row) if row else None


def get_reflection_by_uid(conn: sqlite3.Connection, uid: str) -> Reflection | None:
    row = conn.execute(_SELECT_REFLECTION + " WHERE r.uid = ?", (uid,)).fetchone()
    return _row_to_reflection(row) if row else None


def update_reflection(
    conn: sqlite3.Connection, rid: int, *, updated_at: str, **fields: object
) -> None:
    # updated_at moves even when only steps, partners or tags change: it is this
    # reflection's edit, for imports and for sync.
    sets = "".join(f"{k} = ?, " for k in fields)
    conn.execute(
        f"UPDATE reflections SET {sets}updated_at = ? WHERE id = ?",
        (*fields.values(), updated_at, rid),
    )


def conflict_copies(conn: sqlite3.Connection, kind: str, uid: str) -> int:
    """How many conflict copies (versions changed on another machine too) a record has."""
    return conn.execute(
        "SELECT count(*) FROM conflicts WHERE kind = ? AND uid = ?", (kind, uid)
    ).fetchone()[0]


def delete_reflection(conn: sqlite3.Connection, rid: int) -> bool:
    return conn.execute("DELETE FROM reflections WHERE id = ?", (rid,)).rowcount > 0


class ReflectionFilter(Record):
    """What ``pj log`` asks for; every field is optional."""

    __slots__ = ("date_from", "date_until", "steps", "partner_id", "tags", "search", "limit",
                 "oldest_first")

    def __init__(self, date_from: str | None = None, date_until: str | None = None,
                 steps: list[int] | None = None, partner_id: int | None = None,
                 tags: list[str] | None = None, search: str | None = None,
                 limit: int | None = None, oldest_first: bool = False) -> None:
        self.date_from = date_from
        self.date_until = date_until
        self.steps = [] if steps is None else steps
        self.partner_id = partner_id
        self.tags = [] if tags is None else tags
        self.search = search
        self.limit = limit
        self.oldest_first = oldest_first


def fts_query(words: str) -> str:
    """Turn what a leader types into a safe FTS5 query: every word must appear
    (a trailing ``*`` keeps prefix search)."""
    terms = []
    for word in words.split():
        prefix = word.endswith("*") and len(word) > 1
        core = word.rstrip("*") if prefix else word
        core = core.replace('"', '""')
        if core:
            terms.append(f'"{core}"' + ("*" if prefix else ""))
    return " ".join(terms)


def query_reflections(conn: sqlite3.Connection, f: ReflectionFilter) -> Iterator[Reflection]:
    """Reflections matching ``f``, newest first (or best match first when searching)."""
    where: list[str] = []
    params: list[object] = []
    sql = _SELECT_REFLECTION
    if f.search:
        sql += " JOIN reflections_fts ON reflections_fts.rowid = r.id"
        where.append("reflections_fts MATCH ?")
        params.append(fts_query(f.search))
    if f.date_from:
        where.append("r.date >= ?")
        params.append(f.date_from)
    if f.date_until:
        where.append("r.date <= ?")
        params.append(f.date_until)
    if f.steps:
        marks = ", ".join("?" for _ in f.steps)
        where.append(
            f"r.id IN (SELECT reflection_id FROM reflection_steps WHERE step IN ({marks}))"
        )
        params.extend(f.steps)
    if f.partner_id is not None:
        where.append("r.id IN (SELECT reflection_id FROM reflection_partners WHERE partner_id = ?)")
        params.append(f.partner_id)
    for tag in f.tags:
        where.append("r.id IN (SELECT reflection_id FROM reflection_tags WHERE tag = ?)")
        params.append(tag)
    if where:
        sql += " WHERE " + " AND ".join(where)
    if f.search:
        sql += " ORDER BY reflections_fts.rank, r.date DESC, r.id DESC"
    elif f.oldest_first:
        sql += " ORDER BY r.date, r.id"
    else:
        sql += " ORDER BY r.date DESC, r.id DESC"
    if f.limit is not None:
        sql += " LIMIT ?"
        params.append(f.limit)
    cur = conn.execute(sql, params)
    while rows := cur.fetchmany(500):
        for row in rows:
            yield _row_to_reflection(row)


def count_reflections(conn: sqlite3.Connection, start: str | None = None, end: str | None = None) -> int:
    if start is None:
        return conn.execute("SELECT count(*) FROM reflections").fetchone()[0]
    return conn.execute(
        "SELECT count(*) FROM reflections WHERE date BETWEEN ? AND ?", (start, end)
    ).fetchone()[0]


def journal_dates_desc(conn: sqlite3.Connection, upto: str) -> Iterator[str]:
    """Distinct days with a reflection, newest first, from ``upto`` backwards."""
    cur = conn.execute(
        "SELECT DISTINCT date FROM reflections WHERE date <= ? ORDER BY date DESC", (upto,)
    )
    while rows := cur.fetchmany(64):
        for (d,) in rows:
            yield d


def last_reflection_date(conn: sqlite3.Connection) -> str | None:
    row = conn.execute("SELECT max(date) FROM reflections").fetchone()
    return row[0]


def step_counts(conn: sqlite3.Connection, start: str, end: str) -> dict[int, int]:
    rows = conn.execute(
        "SELECT s.step, count(*) FROM reflection_steps s JOIN reflections r"
        " ON r.id = s.reflection_id WHERE r.date BETWEEN ? AND ? GROUP BY s.step",
        (start, end),
    )
    return {step: n for step, n in rows}


def prompt_ids_since(conn: sqlite3.Connection, since: str) -> set[str]:
    return {
        pid
        for (pid,) in conn.execute(
            "SELECT DISTINCT prompt_id FROM reflections WHERE date >= ? AND prompt_id IS NOT NULL",
            (since,),
        )
    }


def oldest_on_this_day(
    conn: sqlite3.Connection, month_day: str, before: str
) -> Reflection | None:
    """The oldest reflection written on this calendar day (``MM-DD``) in an earlier year."""
    row = conn.execute(
        "SELECT id FROM reflections WHERE substr(date, 6) = ? AND date < ?"
        " ORDER BY date, id LIMIT 1",
        (month_day, before),
    ).fetchone()
    return get_reflection(conn, row[0]) if row else None


def oldest_on_date(conn: sqlite3.Connection, dates: list[str]) -> Reflection | None:
    """The oldest reflection written on any of ``dates``."""
    if not dates:
        return None
    marks = ", ".join("?" for _ in dates)
    row = conn.execute(
        f"SELECT id FROM reflections WHERE date IN ({marks}) ORDER BY date, id LIMIT 1", dates
    ).fetchone()
    return get_reflection(conn, row[0]) if row else None


# --- custom prompts -------------------------------------------------------------------

def insert_custom_prompt(
    conn: sqlite3.Connection, pid: str, text: str, steps: list[int], now: str, uid: str | None = None
) -> None:
    conn.execute(
        "INSERT INTO custom_prompts (id, uid, text, steps, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (pid, uid or new_uid(), text, json.dumps(steps), now, now),
    )


def custom_prompts(conn: sqlite3.Connection) -> list[dict]:
    return [
        {"id": r["id"], "uid": r["uid"], "text": r["text"], "steps": json.loads(r["steps"]),
         "created_at": r["created_at"], "updated_at": r["updated_at"]}
        for r in conn.execute("SELECT * FROM custom_prompts ORDER BY created_at, id")
    ]


def next_custom_prompt_number(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT count(*) FROM custom_prompts").fetchone()[0] + 1
