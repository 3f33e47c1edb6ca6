"""The environment a command runs in: which journal, what day it is, the terminal.

Commands receive an :class:`Env` instead of reading globals, so tests point it at a
journal in ``tmp_path`` and a fixed date.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import sys
from pathlib import Path

from .errors import UsageError
from .records import Record

DB_ENV = "PARTNERJOURNAL_DB"
TODAY_ENV = "PARTNERJOURNAL_TODAY"  # fixes "today" for reproducible reports and tests


def default_db_path() -> Path:
    """The journal in the platform's user data folder (created on first use)."""
    from platformdirs import user_data_path

    return user_data_path("partnerjournal", appauthor=False) / "journal.sqlite"


def resolve_today() -> dt.date:
    value = os.environ.get(TODAY_ENV)
    if value:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise UsageError(f"{TODAY_ENV}={value!r} is not a date like 2026-11-23") from None
    return dt.date.today()


class Env(Record):
    __slots__ = ("db_path", "today", "_conn")

    def __init__(self, db_path: Path, today: dt.date | None = None) -> None:
        self.db_path = db_path
        self.today = resolve_today() if today is None else today
        self._conn: sqlite3.Connection | None = None

    @classmethod
    def from_option(cls, db: str | None) -> "Env":
        raw = db or os.environ.get(DB_ENV)
        path = Path(raw).expanduser() if raw else default_db_path()
        return cls(db_path=path)

    def use_db(self, raw: str) -> None:
        """Point at another journal file (--db given after the command name)."""
        if self._conn is not None:
            raise RuntimeError("the journal is already open")  # a bug, not the leader's
        self.db_path = Path(raw).expanduser()

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            from . import store

            self._conn = store.connect(self.db_path)
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    @property
    def stdin_is_terminal(self) -> bool:
        return sys.stdin is not None and sys.stdin.isatty()

    @property
    def stdout_is_terminal(self) -> bool:
        return sys.stdout.isatty()

    @property
    def color(self) -> bool:
        return self.stdout_is_terminal and not os.environ.get("NO_COLOR")

    def now(self) -> str:
        """Now, ISO 8601 with the local UTC offset."""
        return dt.datetime.now().astimezone().replace(microsecond=0).isoformat()
