"""Quarters, calendar and fiscal: pure functions, no journal."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from partnerjournal.errors import UsageError
from partnerjournal.quarters import Quarter, parse_quarter, quarter_of, weeks_of

D = dt.date


@pytest.mark.parametrize(
    "number, start, end",
    [
        (1, D(2026, 1, 1), D(2026, 3, 31)),
        (2, D(2026, 4, 1), D(2026, 6, 30)),
        (3, D(2026, 7, 1), D(2026, 9, 30)),
        (4, D(2026, 10, 1), D(2026, 12, 31)),
    ],
)
def test_calendar_quarters(number, start, end):
    q = Quarter(2026, number)
    assert (q.start, q.end) == (start, end)
    assert str(q) == f"2026Q{number}"


@pytest.mark.parametrize(
    "number, start, end",
    [
        (1, D(2026, 4, 1), D(2026, 6, 30)),
        (2, D(2026, 7, 1), D(2026, 9, 30)),
        (3, D(2026, 10, 1), D(2026, 12, 31)),
        (4, D(2027, 1, 1), D(2027, 3, 31)),  # the fiscal year 2026 ends in March 2027
    ],
)
def test_fiscal_year_starting_in_april_is_named_after_its_first_year(number, start, end):
    q = Quarter(2026, number, fiscal_start=4)
    assert (q.start, q.end) == (start, end)


@pytest.mark.parametrize(
    "day, fiscal_start, expected",
    [
        (D(2026, 3, 31), 4, Quarter(2025, 4, 4)),
        (D(2026, 4, 1), 4, Quarter(2026, 1, 4)),
        (D(2026, 6, 30), 4, Quarter(2026, 1, 4)),
        (D(2026, 7, 1), 4, Quarter(2026, 2, 4)),
        (D(2027, 1, 1), 4, Quarter(2026, 4, 4)),
        (D(2026, 1, 1), 1, Quarter(2026, 1)),
        (D(2026, 12, 31), 1, Quarter(2026, 4)),
        (D(2026, 9, 30), 10, Quarter(2025, 4, 10)),
        (D(2026, 10, 1), 10, Quarter(2026, 1, 10)),
    ],
)
def test_quarter_of_at_the_boundaries(day, fiscal_start, expected):
    assert quarter_of(day, fiscal_start) == expected


def test_leap_day_and_quarter_lengths():
    assert Quarter(2024, 1).end == D(2024, 3, 31)
    assert Quarter(2024, 1).days() == 91  # 2024 is a leap year
    assert Quarter(2025, 1).days() == 90
    assert Quarter(2025, 4, fiscal_start=4).contains(D(2026, 2, 28))
    assert quarter_of(D(2024, 2, 29), 12) == Quarter(2023, 1, 12)


def test_next_previous_and_shift_cross_years():
    q = Quarter(2026, 1, fiscal_start=4)
    assert q.previous() == Quarter(2025, 4, 4)
    assert q.previous().next() == q
    assert Quarter(2026, 4).next() == Quarter(2027, 1)
    assert q.shift(-5) == Quarter(2024, 4, 4)
    assert q.shift(6) == Quarter(2027, 3, 4)
    assert q.shift(0) == q


TODAY = D(2026, 5, 15)  # fiscal (April) 2026Q1, calendar 2026Q2


@pytest.mark.parametrize(
    "text, fiscal_start, expected",
    [
        (None, 4, Quarter(2026, 1, 4)),
        ("current", 4, Quarter(2026, 1, 4)),
        ("this", 1, Quarter(2026, 2)),
        ("last", 4, Quarter(2025, 4, 4)),
        ("previous", 1, Quarter(2026, 1)),
        ("-1", 4, Quarter(2025, 4, 4)),
        ("-2", 4, Quarter(2025, 3, 4)),
        ("-2", 1, Quarter(2025, 4)),
        ("-4", 1, Quarter(2025, 2)),
        ("2026Q4", 1, Quarter(2026, 4)),
        ("2026-Q4", 1, Quarter(2026, 4)),
        ("2026q4", 1, Quarter(2026, 4)),
        (" 2026-q1 ", 4, Quarter(2026, 1, 4)),
        ("2026Q1", 4, Quarter(2026, 1, 4)),
    ],
)
def test_parse_quarter(text, fiscal_start, expected):
    assert parse_quarter(text, today=TODAY, fiscal_start=fiscal_start) == expected


def test_parse_quarter_in_a_fiscal_year_names_the_april_dates():
    q = parse_quarter("2026Q1", today=TODAY, fiscal_start=4)
    assert (q.start, q.end) == (D(2026, 4, 1), D(2026, 6, 30))


@pytest.mark.parametrize(
    "text",
    ["2026Q5", "2026Q0", "2026-Q", "Q4", "26Q4", "2026 Q4", "abc", "", "   ", "+1", "1",
     "-1000", "0999Q1", "x" * 300],
)
def test_parse_quarter_rejects(text):
    with pytest.raises(UsageError) as err:
        parse_quarter(text, today=TODAY)
    message = str(err.value)
    assert "\n" not in message and len(message) < 160
    assert "quarter" in message


def test_weeks_of_covers_the_quarter_with_mondays():
    q = Quarter(2026, 2)  # 1 April 2026 is a Wednesday
    weeks = weeks_of(q)
    assert weeks[0] == D(2026, 3, 30)
    assert all(w.weekday() == 0 for w in weeks)
    assert weeks[-1] <= q.end < weeks[-1] + dt.timedelta(days=7)
    assert [b - a for a, b in zip(weeks, weeks[1:])] == [dt.timedelta(days=7)] * (len(weeks) - 1)


days = st.dates(min_value=D(1901, 1, 1), max_value=D(9998, 12, 31))
fiscal_starts = st.integers(min_value=1, max_value=12)


@given(days, fiscal_starts)
def test_every_day_lies_in_exactly_one_quarter(day, fiscal_start):
    q = quarter_of(day, fiscal_start)
    assert q.contains(day)
    assert not q.previous().contains(day)
    assert not q.next().contains(day)
    # quarters tile the calendar: no gap, no overlap
    assert q.previous().end + dt.timedelta(days=1) == q.start
    assert q.end + dt.timedelta(days=1) == q.next().start
    assert q.start.day == 1
    assert (q.start.month - fiscal_start) % 3 == 0
    assert 89 <= q.days() <= 92  # February-April in a common year is the shortest


@given(days, fiscal_starts)
def test_quarter_of_its_own_start_and_end(day, fiscal_start):
    q = quarter_of(day, fiscal_start)
    assert quarter_of(q.start, fiscal_start) == q
    assert quarter_of(q.end, fiscal_start) == q
    assert parse_quarter(str(q), today=day, fiscal_start=fiscal_start) == q


@given(days, fiscal_starts)
def test_first_quarter_starts_in_the_fiscal_month(day, fiscal_start):
    q = quarter_of(day, fiscal_start)
    first = Quarter(q.year, 1, fiscal_start)
    assert first.start == D(q.year, fiscal_start, 1)
