"""Gathering the journal's data for a quarter and building the report models."""

from __future__ import annotations

import datetime as dt
import sqlite3

from ..catalog import load_catalog
from ..quarters import Quarter
from ..store import reports as sr


def _evaluation(conn: sqlite3.Connection, quarter: Quarter) -> dict | None:
    if not sr.has_table(conn, "evaluations"):
        return None
    from ..store.evaluations import get_evaluation

    return get_evaluation(conn, str(quarter))


def gather(conn: sqlite3.Connection, quarter: Quarter, today: dt.date, *, full: bool = True):
    """Read what the reports need; ``full=False`` reads only what progress needs."""
    from ..progress import ProgressInputs
    from ..report import ReportInputs

    start, end = quarter.start.isoformat(), quarter.end.isoformat()
    as_of = min(today, quarter.end)
    practice = sr.step_practice(conn, as_of)
    totals = {step: (total, last) for step, (total, last, _) in practice.items()}
    streaks = {step: weeks for step, (_, _, weeks) in practice.items()}
    evaluation = _evaluation(conn, quarter)
    previous = _evaluation(conn, quarter.previous())
    base = dict(
        reflections=sr.reflections_between(conn, start, end),
        step_totals=totals,
        streak_weeks=streaks,
        ratings=evaluation["ratings"] if evaluation else None,
        previous_ratings=previous["ratings"] if previous else None,
    )
    if not full:
        return ProgressInputs.model_construct(**base)  # our own data: no validation
    extra: dict = {"evaluation": evaluation, "previous_evaluation": previous}
    if sr.has_table(conn, "sessions"):
        extra.update(
            partners=sr.partners(conn),
            sessions=sr.sessions_between(conn, start, end),
            commitments=sr.commitments_until(conn, end, start),  # those the quarter counts
            trust_checks=sr.trust_checks_until(conn, end, last=2),  # trust and its change
            stories=sr.stories_between(conn, start, end),
            objectives=sr.objectives_with_measurements(conn, end),
        )
    else:
        extra["partners"] = sr.partners(conn)
    return ReportInputs.model_construct(**base, **extra)


def progress(conn: sqlite3.Connection, quarter: Quarter, today: dt.date):
    from ..progress import build_progress

    return build_progress(load_catalog(), quarter, today, gather(conn, quarter, today, full=False))


def quarterly_report(conn: sqlite3.Connection, quarter: Quarter, today: dt.date):
    from ..report import build_quarterly_report

    return build_quarterly_report(load_catalog(), quarter, today, gather(conn, quarter, today))
