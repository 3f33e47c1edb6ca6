"""Quick, read-only look-ups for shell completion: names and tags as the journal holds them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

_QUERIES = {
    "partners": "SELECT name FROM partners ORDER BY name_key",
    "tags": "SELECT DISTINCT tag FROM reflection_tags ORDER BY tag",
    "prompts": "SELECT id FROM custom_prompts ORDER BY id",
    "objectives": "SELECT name FROM objectives ORDER BY name_key",
}
KINDS = tuple(_QUERIES)


def open_read_only(path: Path) -> sqlite3.Connection | None:
    """The journal at ``path`` opened read-only without waiting for locks, or None when
    there is no file there. Never creates or migrates anything."""
    path = Path(path).expanduser()
    if not path.is_file():
        return None
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=0.2)
    conn.execute("PRAGMA query_only = ON")
    return conn


def values(conn: sqlite3.Connection, kind: str) -> list[str]:
    """Every partner name, tag, custom prompt id or objective name in the journal."""
    return [row[0] for row in conn.execute(_QUERIES[kind])]


def schema_of(path: Path) -> int | None:
    """The schema version of the journal at ``path``, read without creating or changing
    anything; None when there is no journal there."""
    conn = open_read_only(path)
    if conn is None:
        return None
    try:
        return conn.execute("PRAGMA user_version").fetchone()[0]
    finally:
        conn.close()
