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


def _feedback_practice(
    conn: sqlite3.Connection, weeks: dict, as_of: dt.date, start: str, end: str
) -> list[dict]:
    """Partner feedback is practice of step 11 (measure satisfaction): fold its weeks
    into the step's (``weeks`` is changed in place) and return the quarter's records."""
    if not sr.has_table(conn, "feedback"):
        return []
    from ..store import feedback as sf

    extra = sf.feedback_weeks(conn, as_of.isoformat())
    if extra:
        merged: dict[str, tuple[int, str]] = {m: (n, last) for m, n, last in weeks.get(FEEDBACK_STEP, [])}
        for monday, n, last in extra:
            had, had_last = merged.get(monday, (0, last))
            merged[monday] = (had + n, max(had_last, last))
        weeks[FEEDBACK_STEP] = [(m, n, last) for m, (n, last) in sorted(merged.items(), reverse=True)]
    return [{"date": d, "steps": [FEEDBACK_STEP]}
            for d in sf.feedback_dates_between(conn, start, min(end, as_of.isoformat()))]


FEEDBACK_STEP = 11  # Hitt: measure customer and employee satisfaction


def gather(conn: sqlite3.Connection, quarter: Quarter, today: dt.date, *, full: bool = True):
    """Read what the reports need; ``full=False`` reads only what progress needs."""
    from ..progress import ProgressInputs, weeks_in_a_row
    from ..report import ReportInputs

    start, end = quarter.start.isoformat(), quarter.end.isoformat()
    as_of = min(today, quarter.end)
    weeks = sr.step_weeks(conn, as_of.isoformat())
    practice = _feedback_practice(conn, weeks, as_of, start, end)
    totals = {
        step: (sum(n for _, n, _ in rows), max(last for _, _, last in rows))
        for step, rows in weeks.items()
    }
    streaks = {
        step: weeks_in_a_row((monday for monday, _, _ in rows), as_of)
        for step, rows in weeks.items()
    }
    evaluation = _evaluation(conn, quarter)
    previous = _evaluation(conn, quarter.previous())
    base = dict(
        reflections=sr.reflections_between(conn, start, end),
        step_totals=totals,
        streak_weeks=streaks,
        ratings=evaluation["ratings"] if evaluation else None,
        previous_ratings=previous["ratings"] if previous else None,
        practice=practice,
    )
    if not full:
        return ProgressInputs(**base)
    extra: dict = {"evaluation": evaluation, "previous_evaluation": previous}
    if sr.has_table(conn, "sessions"):
        extra.update(
            partners=sr.partners(conn),
            sessions=sr.sessions_between(conn, start, end),
            commitments=sr.commitments_until(conn, end),
            trust_checks=sr.trust_checks_until(conn, end),
            stories=sr.stories_between(conn, start, end),
            objectives=sr.objectives_with_measurements(conn, end),
        )
    if sr.has_table(conn, "feedback"):
        from ..store.feedback import feedback_until

        extra["feedback"] = feedback_until(conn, end)
    else:
        extra["partners"] = sr.partners(conn)
    return ReportInputs(**base, **extra)


def progress(conn: sqlite3.Connection, quarter: Quarter, today: dt.date):
    from ..progress import build_progress

    return build_progress(load_catalog(), quarter, today, gather(conn, quarter, today, full=False))


def quarterly_report(conn: sqlite3.Connection, quarter: Quarter, today: dt.date):
    from ..report import build_quarterly_report

    return build_quarterly_report(load_catalog(), quarter, today, gather(conn, quarter, today))
