"""Parsing the dates a leader types (pure, no journal)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from partnerjournal.dates import now_local_iso, now_utc_iso, parse_date
from partnerjournal.errors import UsageError

BASE = dt.date(2026, 3, 1)  # the day after 28 February: 'yesterday' crosses a month


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2026-11-23", dt.date(2026, 11, 23)),
        ("  2026-11-23 ", dt.date(2026, 11, 23)),
        ("2024-02-29", dt.date(2024, 2, 29)),
        ("today", BASE),
        ("TODAY", BASE),
        (" Yesterday ", dt.date(2026, 2, 28)),
        ("yesterday", dt.date(2026, 2, 28)),
    ],
)
def test_parses_iso_dates_and_relative_words(text, expected):
    assert parse_date(text, base=BASE) == expected


def test_relative_words_follow_the_base_not_the_clock():
    base = dt.date(2001, 1, 1)
    assert parse_date("today", base=base) == base
    assert parse_date("yesterday", base=base) == dt.date(2000, 12, 31)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "2026-02-30",  # no 30 February
        "2025-02-29",  # not a leap year
        "2026-13-01",
        "2026-00-10",
        "2026-1-5",
        "20261123",
        "23.11.2026",
        "2026-11-23T10:00",
        "2026-W01-1",
        "next week",
        "x" * 500,
    ],
)
def test_rejects_what_is_not_a_date(text):
    with pytest.raises(UsageError) as err:
        parse_date(text, what="--date", base=BASE)
    message = str(err.value)
    assert message.startswith("--date ")
    assert "YYYY-MM-DD" in message
    assert "\n" not in message
    assert len(message) < 160  # a long input is shortened, never echoed in full


def test_rejects_a_non_string():
    with pytest.raises(UsageError):
        parse_date(None)  # type: ignore[arg-type]


@given(st.dates(min_value=dt.date(1000, 1, 1), max_value=dt.date(9999, 12, 31)))
def test_iso_round_trip(day):
    assert parse_date(day.isoformat(), base=BASE) == day


def test_now_carries_a_utc_offset():
    offset = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")
    assert offset.match(now_utc_iso()), now_utc_iso()
    assert now_utc_iso().endswith("+00:00")
    assert offset.match(now_local_iso()), now_local_iso()
