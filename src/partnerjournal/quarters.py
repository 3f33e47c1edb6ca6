"""Quarters, calendar or fiscal: pure functions, no database.

A fiscal year that starts in April is named after the calendar year it starts in:
``2026Q1`` then runs from 2026-04-01 to 2026-06-30.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import NamedTuple

from .errors import UsageError

_QUARTER = re.compile(r"^(\d{4})-?[qQ]([1-4])$")
_RELATIVE = re.compile(r"^-(\d{1,3})$")


# A NamedTuple: ordered, hashable and immutable like the frozen dataclass it was, at a
# fraction of the cost to define on every start (see records.py).
class Quarter(NamedTuple):
    year: int
    number: int
    fiscal_start: int = 1  # month the fiscal year starts in, 1 = calendar quarters

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def start(self) -> dt.date:
        months = (self.fiscal_start - 1) + (self.number - 1) * 3
        return dt.date(self.year + months // 12, months % 12 + 1, 1)

    @property
    def end(self) -> dt.date:
        """The last day of the quarter (inclusive)."""
        return self.next().start - dt.timedelta(days=1)

    def next(self) -> "Quarter":
        if self.number == 4:
            return Quarter(self.year + 1, 1, self.fiscal_start)
        return Quarter(self.year, self.number + 1, self.fiscal_start)

    def previous(self) -> "Quarter":
        if self.number == 1:
            return Quarter(self.year - 1, 4, self.fiscal_start)
        return Quarter(self.year, self.number - 1, self.fiscal_start)

    def shift(self, n: int) -> "Quarter":
        q = self
        for _ in range(abs(n)):
            q = q.next() if n > 0 else q.previous()
        return q

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def days(self) -> int:
        return (self.end - self.start).days + 1


def quarter_of(day: dt.date, fiscal_start: int = 1) -> Quarter:
    """The quarter holding ``day``.

    >>> str(quarter_of(dt.date(2026, 4, 1), fiscal_start=4))
    '2026Q1'
    """
    offset = (day.month - fiscal_start) % 12
    year = day.year if day.month >= fiscal_start else day.year - 1
    return Quarter(year, offset // 3 + 1, fiscal_start)


def parse_quarter(text: str | None, *, today: dt.date, fiscal_start: int = 1) -> Quarter:
    """Parse ``2026Q4``, ``2026-Q4``, ``current``, ``last``, ``-1``, ``-2``...

    ``None`` means the current quarter.
    """
    current = quarter_of(today, fiscal_start)
    if text is None:
        return current
    value = text.strip().lower()
    if not value:
        # an empty --quarter is a slip (an unset shell variable), not a request for "now"
        raise UsageError("the quarter is empty: write it like 2026Q4 or 2026-Q4, or 'last', -1")
    if value in ("current", "this", "0"):
        return current
    if value in ("last", "previous"):
        return current.previous()
    if m := _RELATIVE.match(value):
        return current.shift(-int(m.group(1)))
    if m := _QUARTER.match(value):
        year = int(m.group(1))
        if year < 1900 or year > 9998:
            raise UsageError(f"quarter {text!r} has a year out of range")
        return Quarter(year, int(m.group(2)), fiscal_start)
    shown = text if len(text) <= 40 else text[:37] + "..."
    raise UsageError(
        f"quarter {shown!r} is not valid: write it like 2026Q4 or 2026-Q4, or 'last', -1, -2"
    )


def weeks_of(q: Quarter) -> list[dt.date]:
    """The Mondays of the weeks that overlap the quarter, in order."""
    first = q.start - dt.timedelta(days=q.start.weekday())
    weeks = []
    while first <= q.end:
        weeks.append(first)
        first += dt.timedelta(days=7)
    return weeks
