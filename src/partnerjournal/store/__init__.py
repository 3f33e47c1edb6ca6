"""The journal store: the only package that speaks SQL.

A journal is one SQLite file in WAL mode with a busy timeout, so two terminals can
write at once. Every write goes through :func:`transaction` (``BEGIN IMMEDIATE``), so a
failed command leaves the journal exactly as it was.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import time
from pathlib import Path
from typing import Iterator

from ..errors import JournalError, UsageError
from ..files import make_private_dir
from .schema import LATEST, MIGRATIONS

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 30_000


def _check_file(path: Path) -> tuple[bool, bool]:
    """Return whether the journal exists and whether its header says rollback-journal
    mode (not WAL); refuse what is not a journal."""
    if path.is_dir():
        raise JournalError(f"{path} is a directory: give --db the path of a journal file")
    if not path.exists():
        return False, False
    try:
        with open(path, "rb") as fh:
            header = fh.read(20)
    except PermissionError:
        raise JournalError(f"{path} cannot be read: check its permissions") from None
    if header and header[:16] != SQLITE_HEADER:
        raise JournalError(f"{path} is not a partnerjournal file (not SQLite): check --db")
    return True, len(header) == 20 and header[18] == 1  # file format 1: rollback journal


def connect(path: Path | str, *, create: bool = True, migrate: bool = True) -> sqlite3.Connection:
    """Open (creating if asked) the journal at ``path``, migrated to the latest schema."""
    path = Path(path).expanduser()
    existed, rollback = _check_file(path)
    if not existed:
        if not create:
            raise JournalError(f"no journal at {path}: check --db or PARTNERJOURNAL_DB")
        try:
            make_private_dir(path.parent)
        except (UsageError, OSError) as exc:
            reason = getattr(exc, "strerror", None) or f"{path.parent} is not a folder"
            raise JournalError(f"cannot create the journal at {path}: {reason}") from None
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            os.close(fd)
        except FileExistsError:
            pass  # another process created it a moment ago: fine, both use it
        except OSError as exc:
            raise JournalError(f"cannot create the journal at {path}: {exc.strerror}") from None
        os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
    try:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            # another program holds it past the busy timeout: the file itself is fine
            raise JournalError(
                "the journal is busy (another program holds it): try again in a moment"
            ) from None
        raise JournalError(f"{path} is not a usable journal ({exc}): check --db") from None
    if version > LATEST:
        conn.close()
        raise JournalError(
            f"{path} was written by a newer partnerjournal (schema {version}, this one knows "
            f"{LATEST}): upgrade pj to open it"
        )
    if rollback and version == LATEST and migrate:
        _restore_wal(conn)
    if version < LATEST and migrate:
        try:
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            migrate_journal(conn)
        except sqlite3.OperationalError as exc:
            conn.close()
            raise JournalError(f"cannot prepare the journal at {path}: {exc}") from None
    return conn


def _restore_wal(conn: sqlite3.Connection) -> None:
    """An import into an empty journal writes through a rollback journal and puts WAL
    mode back when it ends; if it was killed, the journal is left empty and in rollback
    mode. Put WAL back then (readers keep reading while pj writes). A journal that holds
    reflections in rollback mode is left as it is: it is a backup copy being read."""
    with contextlib.suppress(sqlite3.OperationalError):  # another program has it open
        if not conn.execute("SELECT 1 FROM reflections LIMIT 1").fetchone():
            conn.execute("PRAGMA journal_mode = WAL")


def migrate_journal(conn: sqlite3.Connection, upto: int = LATEST) -> list[str]:
    """Apply the pending migrations, each in its own transaction. Returns their names."""
    applied = []
    for version, name, sql in MIGRATIONS:
        if version > upto:
            break
        with transaction(conn):
            current = conn.execute("PRAGMA user_version").fetchone()[0]
            if current >= version:
                continue  # another process migrated while we waited for the lock
            conn.execute(
                "CREATE TABLE IF NOT EXISTS migrations "
                "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
            for statement in _statements(sql):
                conn.execute(statement)
            conn.execute(
                "INSERT INTO migrations VALUES (?, ?, datetime('now'))", (version, name)
            )
            conn.execute(f"PRAGMA user_version = {version}")
            applied.append(name)
    return applied


def _statements(sql: str) -> Iterator[str]:
    """Split a migration script into statements (triggers contain inner semicolons)."""
    buf = ""
    for line in sql.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip():
                yield buf.strip()
            buf = ""
    if buf.strip():
        yield buf.strip()


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction: ``BEGIN IMMEDIATE`` takes the write lock up front, so a
    busy journal waits (busy timeout) instead of failing half-way; any error rolls back."""
    # The busy timeout already waits for the lock; one more try covers the rare case
    # where SQLite answers "busy" at once (a checkpoint in progress), without doubling
    # the wait again and again.
    for attempt in range(2):
        try:
            conn.execute("BEGIN IMMEDIATE")
            break
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise  # not a lock: PJGroup names it (read-only, damaged, ...)
            if attempt == 1:
                raise JournalError(
                    "the journal is busy (another pj is writing): try again in a moment"
                ) from None
            time.sleep(0.05)
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    else:
        try:
            conn.execute("COMMIT")
        except sqlite3.OperationalError:
            conn.execute("ROLLBACK")
            raise


def schema_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]
