"""The progress report on the 13 steps: a typed model built by a pure function.

``build_progress`` takes what the store gathered (plain data) and the quarter; it
never touches the database, so it is tested on hand-built inputs.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Iterable

from .catalog import Catalog, phase_of
from .quarters import Quarter, weeks_of
from .records import Model


class StepProgress(Model):
    number: int
    phase: str
    title: str
    reflections_quarter: int
    reflections_total: int
    last_practiced: dt.date | None
    streak_weeks: int  # weeks in a row, up to the report's last week
    rating: int | None  # self-rating (1-5) in this quarter's evaluation
    previous_rating: int | None  # self-rating in last quarter's evaluation
    rating_change: int | None
    note: str | None = None
    weekly: list[int]  # reflections on this step per week of the quarter


class PhaseTotal(Model):
    phase: str
    title: str
    steps: list[int]
    reflections_quarter: int
    share: float  # share of the quarter's step tags in this phase, 0-1


class DayCount(Model):
    date: dt.date
    count: int


class ProgressReport(Model):
    quarter: str
    start: dt.date
    end: dt.date
    as_of: dt.date
    weeks: list[dt.date]  # Mondays of the weeks in the quarter
    steps: list[StepProgress]
    phases: list[PhaseTotal]
    days: list[DayCount]  # every day of the quarter with its reflections
    reflections_quarter: int
    days_journaled: int
    has_evaluation: bool


class ProgressInputs(Model):
    """What the store gathered for one quarter (see ``services.reports``)."""

    reflections: list[dict]  # {date, steps, important_share, partners, ...} in the quarter
    step_totals: dict[int, tuple[int, str | None]]
    streak_weeks: dict[int, int]
    ratings: dict[int, dict] | None  # this quarter's evaluation: step -> {rating, note}
    previous_ratings: dict[int, dict] | None
    # practice that is not a reflection: {date, steps} in the quarter. A partner's
    # feedback recorded with pj feedback add counts for step 11 (measure satisfaction);
    # it counts in the step's totals, weeks and streaks, never as a day journaled.
    practice: list[dict] = []


def weeks_in_a_row(dates_desc: Iterable[str], last_week: dt.date) -> int:
    """Consecutive weeks with at least one date, counting back from the week holding
    ``last_week`` (or the week before it, if that week has nothing yet)."""
    monday = last_week - dt.timedelta(days=last_week.weekday())
    expected = monday
    streak = 0
    for d in dates_desc:
        day = dt.date.fromisoformat(d)
        week = day - dt.timedelta(days=day.weekday())
        if week > expected:
            continue
        if streak == 0 and week == monday - dt.timedelta(days=7) and expected == monday:
            expected = week  # this week is still open: count from last week
        if week == expected:
            streak += 1
            expected -= dt.timedelta(days=7)
        elif week < expected:
            break
    return streak


def build_progress(
    catalog: Catalog, quarter: Quarter, today: dt.date, data: ProgressInputs
) -> ProgressReport:
    weeks = weeks_of(quarter)
    as_of = min(today, quarter.end)
    per_step_quarter: Counter[int] = Counter()
    per_step_week: dict[int, Counter[dt.date]] = {n: Counter() for n in range(1, 14)}
    per_day: Counter[dt.date] = Counter()
    for r in data.reflections:
        day = dt.date.fromisoformat(r["date"])
        per_day[day] += 1
        week = day - dt.timedelta(days=day.weekday())
        for s in r["steps"]:
            per_step_quarter[s] += 1
            per_step_week[s][week] += 1
    for p in data.practice:
        day = dt.date.fromisoformat(p["date"])
        for s in p["steps"]:
            per_step_quarter[s] += 1
            per_step_week[s][day - dt.timedelta(days=day.weekday())] += 1

    steps = []
    for step in catalog.steps:
        n = step.number
        total, last = data.step_totals.get(n, (0, None))
        rating = (data.ratings or {}).get(n, {}).get("rating")
        previous = (data.previous_ratings or {}).get(n, {}).get("rating")
        steps.append(
            StepProgress(
                number=n,
                phase=step.phase,
                title=step.title,
                reflections_quarter=per_step_quarter[n],
                reflections_total=total,
                last_practiced=dt.date.fromisoformat(last) if last else None,
                streak_weeks=data.streak_weeks.get(n, 0),
                rating=rating,
                previous_rating=previous,
                rating_change=(rating - previous) if rating and previous else None,
                note=(data.ratings or {}).get(n, {}).get("note"),
                weekly=[per_step_week[n][w] for w in weeks],
            )
        )

    tagged = sum(per_step_quarter.values())
    phases = []
    for phase in catalog.phases:
        count = sum(per_step_quarter[n] for n in phase.steps)
        phases.append(
            PhaseTotal(
                phase=phase.key,
                title=phase.title,
                steps=list(phase.steps),
                reflections_quarter=count,
                share=round(count / tagged, 4) if tagged else 0.0,
            )
        )

    days = []
    day = quarter.start
    while day <= quarter.end:
        days.append(DayCount(date=day, count=per_day[day]))
        day += dt.timedelta(days=1)

    return ProgressReport(
        quarter=str(quarter),
        start=quarter.start,
        end=quarter.end,
        as_of=as_of,
        weeks=weeks,
        steps=steps,
        phases=phases,
        days=days,
        reflections_quarter=len(data.reflections),
        days_journaled=len(per_day),
        has_evaluation=data.ratings is not None,
    )


def phase_title(catalog: Catalog, step: int) -> str:
    return catalog.phase(phase_of(step)).title
