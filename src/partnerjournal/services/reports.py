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
    conn: sqlite3.Connection, practice: dict, as_of: dt.date, start: str, end: str
) -> list[dict]:
    """Partner feedback is practice of step 11 (measure satisfaction): fold it into the
    step's total, last day and weeks in a row (``practice`` is changed in place) and
    return the quarter's feedback days."""
    if not sr.has_table(conn, "feedback"):
        return []
    import heapq

    from ..progress import weeks_in_a_row
    from ..store import feedback as sf

    upto = as_of.isoformat()
    dates = sf.feedback_dates_upto(conn, upto)  # newest first
    if not dates:
        return []
    total, last, _ = practice.get(FEEDBACK_STEP, (0, None, 0))
    # both streams newest first and read lazily: the streak stops reading where it breaks
    merged = heapq.merge(sr.step_dates_desc(conn, FEEDBACK_STEP, upto), dates, reverse=True)
    practice[FEEDBACK_STEP] = (total + len(dates), max(last or dates[0], dates[0]),
                               weeks_in_a_row(merged, as_of))
    return [{"date": d, "steps": [FEEDBACK_STEP]}
            for d in sf.feedback_dates_between(conn, start, min(end, upto))]


FEEDBACK_STEP = 11  # Hitt: measure customer and employee satisfaction


def gather(conn: sqlite3.Connection, quarter: Quarter, today: dt.date, *, full: bool = True):
    """Read what the reports need; ``full=False`` reads only what progress needs."""
    from ..progress import ProgressInputs

    start, end = quarter.start.isoformat(), quarter.end.isoformat()
    as_of = min(today, quarter.end)
    practice_by_step = sr.step_practice(conn, as_of)
    practice = _feedback_practice(conn, practice_by_step, as_of, start, end)
    totals = {step: (total, last) for step, (total, last, _) in practice_by_step.items()}
    streaks = {step: weeks for step, (_, _, weeks) in practice_by_step.items()}
    evaluation = _evaluation(conn, quarter)
    previous = _evaluation(conn, quarter.previous())
    base = dict(
        reflections=sr.reflections_between(conn, start, end, partners=full),
        step_totals=totals,
        streak_weeks=streaks,
        ratings=evaluation["ratings"] if evaluation else None,
        previous_ratings=previous["ratings"] if previous else None,
        practice=practice,
    )
    if not full:
        return ProgressInputs(**base)
    from ..report import ReportInputs  # progress does not need the report's module

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
