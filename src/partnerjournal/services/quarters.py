"""The journal's quarters: calendar unless the journal sets another fiscal-year start."""

from __future__ import annotations

import datetime as dt
import sqlite3

from ..quarters import Quarter, parse_quarter, quarter_of
from ..store import journal as sj

FISCAL_KEY = "fiscal-year-start"


def fiscal_start(conn: sqlite3.Connection) -> int:
    value = sj.get_setting(conn, FISCAL_KEY)
    return int(value) if value else 1


def current(conn: sqlite3.Connection, today: dt.date) -> Quarter:
    return quarter_of(today, fiscal_start(conn))


def resolve(conn: sqlite3.Connection, text: str | None, today: dt.date) -> Quarter:
    return parse_quarter(text, today=today, fiscal_start=fiscal_start(conn))
