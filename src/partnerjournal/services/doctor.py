"""``pj doctor``: check the journal and say what to do about each problem found."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
from dataclasses import dataclass, field
from pathlib import Path

from ..store import SQLITE_HEADER, schema_version
from ..store.schema import LATEST

MIN_FREE_BYTES = 50 * 1024 * 1024


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""

    def as_json(self) -> dict:
        return {"check": self.name, "ok": self.ok, "detail": self.detail, "fix": self.fix}


@dataclass
class Diagnosis:
    path: str
    checks: list[Check] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    def as_json(self) -> dict:
        return {
            "path": self.path,
            "ok": self.ok,
            "checks": [c.as_json() for c in self.checks],
            "counts": self.counts,
        }


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _step_weeks_off(conn: sqlite3.Connection) -> int:
    """How many (step, week) pairs have a count kept by the schema's triggers that
    differs from counting the step links again (a week left at 0 is the same as no row)."""
    return conn.execute("""
        WITH counted AS (
            SELECT x.step, date(r.date, 'weekday 0', '-6 days') AS week, count(*) AS n
            FROM reflection_steps x JOIN reflections r ON r.id = x.reflection_id
            WHERE week IS NOT NULL GROUP BY x.step, week),
        kept AS (SELECT step, week, reflections AS n FROM step_weeks WHERE reflections != 0)
        SELECT count(*) FROM (
            SELECT step, week FROM (SELECT * FROM counted EXCEPT SELECT * FROM kept)
            UNION SELECT step, week FROM (SELECT * FROM kept EXCEPT SELECT * FROM counted))
    """).fetchone()[0]


def diagnose(path: Path) -> Diagnosis:
    """Read-only checks; never migrates or writes the journal."""
    d = Diagnosis(path=str(path))
    if not path.exists():
        d.checks.append(Check("journal", False, f"no journal at {path}",
                              "write your first reflection with 'pj today', or check --db"))
        return d
    if path.is_dir():
        d.checks.append(Check("journal", False, f"{path} is a folder",
                              "point --db or PARTNERJOURNAL_DB at a journal file"))
        return d
    with open(path, "rb") as fh:
        header = fh.read(16)
    if header != SQLITE_HEADER:
        d.checks.append(Check("journal", False, "the file is not a SQLite journal",
                              "point --db at your journal; restore one with 'pj restore BACKUP'"))
        return d

    mode = _mode(path)
    d.checks.append(Check(
        "file permissions", mode & 0o077 == 0, f"{oct(mode)}",
        f"chmod 600 '{path}'" if mode & 0o077 else "",
    ))
    folder_mode = _mode(path.parent)
    d.checks.append(Check(
        "folder permissions", folder_mode & 0o077 == 0, f"{path.parent} is {oct(folder_mode)}",
        f"chmod 700 '{path.parent}' (if the folder holds only your journal)"
        if folder_mode & 0o077 else "",
    ))
    writable = os.access(path, os.W_OK)
    d.checks.append(Check("writable", writable, "yes" if writable else "read-only",
                          "" if writable else f"chmod u+w '{path}'"))

    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        try:
            version = schema_version(conn)
            result = conn.execute("PRAGMA integrity_check").fetchone()[0]
            fk = conn.execute("PRAGMA foreign_key_check").fetchall()
            weeks_off = _step_weeks_off(conn) if version >= 7 else 0
            tables = [r[0] for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                " AND name NOT LIKE '%fts%' ORDER BY name")]
            for t in tables:
                d.counts[t] = conn.execute(f"SELECT count(*) FROM [{t}]").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            # held by another program, not damaged: restoring a backup would lose work
            d.checks.append(Check("access", False, "another program holds the journal locked",
                                  "close the other program (or wait), then run 'pj doctor'"
                                  " again"))
            return d
        d.checks.append(Check("integrity", False, f"cannot read the journal: {exc}",
                              "restore the last good copy with 'pj restore BACKUP'"))
        return d

    if version > LATEST:
        d.checks.append(Check("schema", False, f"version {version}, newer than this pj ({LATEST})",
                              "upgrade partnerjournal"))
    elif version < LATEST:
        d.checks.append(Check("schema", True, f"version {version}; pj will upgrade it to {LATEST} "
                              "on the next command (make a 'pj backup' first if you like)"))
    else:
        d.checks.append(Check("schema", True, f"version {version} (current)"))
    d.checks.append(Check(
        "integrity", result == "ok", result if result == "ok" else f"problems: {result}",
        "" if result == "ok" else "make a 'pj backup', then 'pj export' what you can and 'pj restore' "
        "the last good backup",
    ))
    d.checks.append(Check(
        "references", not fk, "ok" if not fk else f"{len(fk)} broken references",
        "" if not fk else "export and re-import the journal to rebuild it",
    ))
    if version >= 7:
        d.checks.append(Check(
            "weeks in a row", not weeks_off,
            "ok" if not weeks_off else f"{weeks_off} counts of reflections per step and week"
            " differ from the reflections",
            "" if not weeks_off else "export the journal and import it into a new one"
            " ('pj export -o all.json', then 'pj --db NEW import all.json')",
        ))
    free = shutil.disk_usage(path.parent).free
    d.checks.append(Check(
        "free space", free >= MIN_FREE_BYTES, f"{free / 1024 / 1024:,.0f} MB free",
        "" if free >= MIN_FREE_BYTES else "free some disk space: writes may fail below 50 MB",
    ))
    return d


