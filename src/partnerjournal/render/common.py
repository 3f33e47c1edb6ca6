"""What every report format says the same way: section titles, where each section's
idea comes from, the empty-section hints, number formats and the calendar grid.

The wording lives here, once, so the terminal, markdown and HTML reports never drift
apart. Plain Python on purpose: it renders the models, it never computes them.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

PHASE_SHORT = {"example": "Example", "teach": "Teach", "evaluate": "Evaluate"}
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
# our own names, not strftime's: the report reads the same whatever the machine's locale
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


def month_short(d: dt.date) -> str:
    return MONTHS[d.month - 1][:3]

# Hitt's picture, read left to right, top to bottom.
BOX_GRID = (("leadership", "teams"), ("managers", "employees"))
BOX_LABELS = {
    "leadership": "Leadership",
    "teams": "Teams",
    "managers": "Managers",
    "employees": "Employees",
}


class Section(NamedTuple):
    key: str
    title: str
    source: str  # one line: where the idea comes from, in our own words


SECTIONS: dict[str, Section] = {
    s.key: s
    for s in (
        Section(
            "summary",
            "Summary",
            "How steadily you wrote, and how your attention split across Hitt's three "
            "phases: setting the example, teaching others, evaluating and adjusting.",
        ),
        Section(
            "steps",
            "The 13 steps",
            "Hitt's thirteen actions for earning internal partnerships; the 1-5 ratings "
            "are your own, from pj evaluate.",
        ),
        Section(
            "partnerships",
            "Partnerships",
            "Hitt places partners in four boxes and asks for one session with each per "
            "quarter; trust follows Maister's equation (credibility + reliability + "
            "intimacy, divided by self-orientation).",
        ),
        Section(
            "partner_view",
            "The partner's view",
            "Maister holds that trust is judged by the partner, not claimed by the one who "
            "seeks it; Hitt asks for feedback in every session and a measure of "
            "satisfaction (step 11). Their answers to pj survey beside your own trust check.",
        ),
        Section(
            "objectives",
            "Objectives",
            "Hitt's steps 5 and 11: measure progress on business, customer and employee "
            "objectives; Kittel adds holding yourself to relationship metrics.",
        ),
        Section(
            "important",
            "Important, not urgent",
            "Hummel warns that urgent tasks crowd out important ones: the weekly average "
            "share of your days given to work that mattered but could have waited.",
        ),
        Section(
            "stories",
            "Stories of collaboration",
            "Telling and celebrating stories of work across boundaries is one of the four "
            "partnering practices in 'Internal Partnerships Create Value'.",
        ),
        Section(
            "adjustments",
            "Last quarter's adjustments",
            "Hitt's step 13 closes the loop: an adjustment counts as acted on when you "
            "reflected on its steps since, or your rating on them rose.",
        ),
        Section(
            "evaluation",
            "This quarter's evaluation",
            "Hitt's evaluate phase (steps 11-13): progress against objectives, feedback "
            "from the partnership sessions, and what you will change.",
        ),
        Section(
            "focus",
            "Suggested focus for next quarter",
            "The steps you rated lowest or practised least, each with three prompts from "
            "the catalog and the work they come from.",
        ),
        Section(
            "calendar",
            "Days journaled",
            "A short reflection most days keeps the important in view (Hummel); darker "
            "days hold more reflections.",
        ),
        Section(
            "phases",
            "Phase totals",
            "Hitt's loop: start with your own example, teach to strengthen others, "
            "evaluate and adjust.",
        ),
    )
}


def empty_hint(key: str, quarter: str, previous_quarter: str = "") -> str:
    """What to say when a section has nothing to show, and how to fill it."""
    hints = {
        "summary": f"No reflections in {quarter} yet — write one with pj today.",
        "ratings": f"No self-evaluation for {quarter} yet — rate the steps with pj evaluate "
        f"--quarter {quarter}.",
        "partnerships": "No partners yet — add one with pj partner add NAME --box managers "
        "--relation direct.",
        "objectives": "No objectives yet — add one with pj objective add NAME --kind business "
        "--target VALUE.",
        "important": f"No important-not-urgent shares recorded in {quarter} — give one with "
        "pj today --important-share PERCENT.",
        "stories": f"No stories in {quarter} yet — keep one with pj story add TEXT --partner "
        "NAME.",
        "adjustments": f"No adjustments were recorded for {previous_quarter} — they come from "
        f"pj evaluate --quarter {previous_quarter}.",
        "evaluation": f"No evaluation for {quarter} yet — run pj evaluate --quarter {quarter}.",
        "box": "nobody yet",
        "partner_view": f"No partner feedback in {quarter} yet — hand a partner a form with "
        "pj survey NAME, then record the answers with pj feedback add NAME.",
    }
    return hints[key]


# --- numbers and dates ------------------------------------------------------------------


def day(d: dt.date) -> str:
    """``23 Nov 2026``."""
    return f"{d.day} {month_short(d)} {d.year}"


def day_short(d: dt.date) -> str:
    """``23 Nov``."""
    return f"{d.day} {month_short(d)}"


def span(start: dt.date, end: dt.date) -> str:
    """``1 Oct – 31 Dec 2026`` (both years when they differ)."""
    if start.year == end.year:
        return f"{day_short(start)} – {day(end)}"
    return f"{day(start)} – {day(end)}"


def half_up(value: float, places: int = 0):
    """``value`` rounded to ``places`` decimals, halves away from zero (2.625 -> 2.63),
    as a Decimal: the one rounding rule of every number pj shows. It starts from the
    number's shortest decimal form, so a float like 2.675 counts as 2.675, a half."""
    from decimal import ROUND_HALF_UP, Decimal

    return Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def number(value: float | None, places: int = 2) -> str:
    """``4.2``, ``90``, ``12,500``, ``-0.35``; ``—`` when missing. Rounded half up."""
    if value is None:
        return "—"
    if value != value or value in (float("inf"), float("-inf")):
        return str(value)
    text = f"{half_up(value, places):,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def with_unit(value: float | None, unit: str | None) -> str:
    """``92%``, ``4.35 EUR``, ``3`` (the unit is user text: escape it when rendering)."""
    text = number(value)
    if value is None or not unit:
        return text
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}"


def percent(fraction: float | None) -> str:
    return "—" if fraction is None else f"{half_up(fraction * 100)}%"


def signed(value: float | None, places: int = 2) -> str:
    """``+0.6``, ``−1``, ``±0``; empty when missing."""
    if value is None:
        return ""
    if value == 0:
        return "±0"
    text = number(abs(value), places)
    return f"+{text}" if value > 0 else f"−{text}"


def arrow(change: float | None) -> str:
    """``▲`` up, ``▼`` down, ``=`` unchanged, empty when there is nothing to compare."""
    if change is None:
        return ""
    return "▲" if change > 0 else "▼" if change < 0 else "="


def change_text(change: float | None, places: int = 2) -> str:
    """``▲ +2``, ``▼ −1``, ``= ±0``; empty when missing."""
    if change is None:
        return ""
    return f"{arrow(change)} {signed(change, places)}"


def rating_text(rating: int | None, previous: int | None) -> str:
    """``4 ▲ from 2``, ``3 (new)``, ``was 2``, ``—``."""
    if rating is None:
        return f"— (was {previous})" if previous is not None else "—"
    if previous is None:
        return f"{rating}"
    change = rating - previous
    if change == 0:
        return f"{rating} = {previous}"
    return f"{rating} {arrow(change)} from {previous}"


def acted_text(acted: bool | None) -> str:
    if acted is None:
        return "unknown (names no step)"
    return "acted on" if acted else "not acted on"


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def steps_text(steps: list[int]) -> str:
    return ", ".join(str(s) for s in steps) if steps else "—"


def partners_text(names: list[str]) -> str:
    return ", ".join(names)


def fraction_of(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


# --- the partner's view -----------------------------------------------------------------


def term_title(term: str) -> str:
    """``Self-orientation``."""
    return term.replace("_", "-").capitalize()


def gap_text(gap: int | None) -> str:
    """The partner's number minus yours: ``+2``, ``−3``, ``±0``, ``—``."""
    return "—" if gap is None else signed(gap, 0)


def feedback_compared(line) -> str:
    """Which of your checks a feedback is set beside."""
    told = f"feedback of {day(line.date)}"
    if line.responses > 1:
        told += f" (the latest of {line.responses})"
    if line.self_date is None:
        return f"{told}; no trust check of yours on or before it to compare with"
    return f"{told}, beside your trust check of {day(line.self_date)}"


def satisfaction_text(line) -> str:
    """``7/10, ▲ +1 from 6 last quarter``; ``—`` when the partner skipped it."""
    if line.satisfaction is None:
        return "—"
    text = f"{line.satisfaction}/10"
    if line.previous_satisfaction is None:
        return f"{text}, none given last quarter"
    return f"{text}, {change_text(line.satisfaction_change, 0)} from {line.previous_satisfaction} last quarter"


def largest_gap_text(line) -> str:
    """The largest gap named in a sentence (user text: escape the result)."""
    from ..partner_view import gap_sentence

    if line.largest_gap is None:
        if any(t.gap is not None for t in line.terms):
            return f"You and {line.name} rate every term you both gave the same."
        return "Nothing to compare yet: rate the partnership yourself with pj trust."
    term = next(t for t in line.terms if t.term == line.largest_gap)
    return gap_sentence(line.name, term.term, term.self_rating, term.partner)


# --- the calendar heat map --------------------------------------------------------------


class Cell(NamedTuple):
    date: dt.date
    count: int
    state: str  # "day" (in the quarter, up to the report date), "future" or "outside"

    @property
    def level(self) -> int:
        """0-4: how dark to shade the day (4 means four reflections or more)."""
        return min(self.count, 4) if self.state == "day" else 0


class Calendar(NamedTuple):
    weeks: list[dt.date]  # Mondays, one column each
    rows: list[list[Cell]]  # seven rows, Monday first; one cell per week
    months: list[str]  # per week: the month's short name where a month starts, else ""


def calendar(
    days: list, weeks: list[dt.date], start: dt.date, end: dt.date, as_of: dt.date
) -> Calendar:
    """The quarter's days laid out as weeks (columns) by weekday (rows).

    ``days`` are the report's ``DayCount`` items (``date`` and ``count``).
    """
    counts = {d.date: d.count for d in days}
    rows: list[list[Cell]] = [[] for _ in range(7)]
    months: list[str] = []
    for monday in weeks:
        label = ""
        for offset in range(7):
            date = monday + dt.timedelta(days=offset)
            if date < start or date > end:
                state = "outside"
            elif date > as_of:
                state = "future"
            else:
                state = "day"
            rows[offset].append(Cell(date, counts.get(date, 0), state))
            if state != "outside" and (date.day == 1 or date == start):
                label = month_short(date)
        months.append(label)
    return Calendar(weeks=list(weeks), rows=rows, months=months)


def phase_of_steps(steps: list, phase: str) -> list:
    return [s for s in steps if s.phase == phase]


def weekly_until(weekly: list[int], weeks: list[dt.date], as_of: dt.date) -> list[int | None]:
    """Weekly counts with the weeks after the report date left out (``None``, a gap)."""
    return [n if monday <= as_of else None for n, monday in zip(weekly, weeks)]


def target_progress(objective) -> float | None:
    """How much of the way from the starting value to the target has been covered, 0-1.

    ``None`` when there is no target or nothing measured.
    """
    o = objective
    if o.target is None or o.latest is None or o.start is None:
        return None
    if o.met:
        return 1.0
    gap = (o.start - o.target) if o.lower_is_better else (o.target - o.start)
    if gap <= 0:  # it started on target and has slipped since
        return 0.0
    return max(0.0, min(1.0, 1 - (o.distance_to_target or 0.0) / gap))


def objective_status(objective) -> str:
    """``met``, ``0.11 EUR to go``, ``no target``, ``not measured yet``."""
    o = objective
    if o.latest is None:
        return "not measured yet"
    if o.target is None:
        return "no target"
    if o.met:
        return "target met"
    return f"{with_unit(o.distance_to_target, o.unit)} to go"


def share_average(weeks: list) -> float | None:
    """The average important-not-urgent share over the weeks that recorded one."""
    values = [w.average for w in weeks if w.average is not None]
    return round(sum(values) / len(values), 1) if values else None


def target_text(objective) -> str:
    """``≤ 4.2 EUR`` (lower is better), ``≥ 90%``, ``—`` without a target."""
    o = objective
    if o.target is None:
        return "—"
    return f"{'≤' if o.lower_is_better else '≥'} {with_unit(o.target, o.unit)}"
