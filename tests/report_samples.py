"""A hand-built quarter of a leader's journal, as the store would hand it to the report
builders: fixed data at a fixed date, shared by the render, golden and browser tests.

No database here on purpose: the report models are pure functions of these inputs.
"""

from __future__ import annotations

import datetime as dt

from partnerjournal.catalog import load_catalog
from partnerjournal.progress import ProgressReport, build_progress, weeks_in_a_row
from partnerjournal.quarters import Quarter
from partnerjournal.report import QuarterlyReport, ReportInputs, build_quarterly_report

D = dt.date
SAMPLE_QUARTER = Quarter(2026, 4)
SAMPLE_TODAY = D(2026, 12, 18)

# Steps in the order the leader cycles through them: the example phase gets most of the
# attention, steps 4 and 12 almost none (so they come up as next quarter's focus).
_STEP_CYCLE = [[1], [2, 3], [5], [1, 6], [3], [2], [8, 9], [11], [1, 10], [7], [5, 11], [2], [13]]
_PARTNER_CYCLE = [
    [], ["Maria Lopez"], [], ["Chen Wei"], ["Plant Ops Leads"], [], ["Priya Natarajan"],
    ["Maria Lopez", "R&D Leads"], [], ["Dana Fox"],
]
_PROMPTS = [
    "lencioni-kind-truth", None, "maister-reliability-promises", None, "hummel-decide-in-advance",
    None, None, "maister-open-questions",
]
# Steps practised before this quarter (so totals exceed the quarter's counts).
_EARLIER = {1: 14, 2: 11, 3: 6, 5: 4, 6: 3, 7: 1, 8: 2, 9: 2, 11: 3, 13: 2}


def sample_reflections(quarter: Quarter = SAMPLE_QUARTER, until: dt.date = SAMPLE_TODAY):
    """About five reflections a week, on weekdays, with a gap in late November."""
    out = []
    day = quarter.start
    i = 0
    while day <= min(until, quarter.end):
        skip = day.weekday() >= 5 and day.day % 3 != 0  # most weekends off
        skip = skip or D(2026, 11, 23) <= day <= D(2026, 11, 27)  # a week travelling
        skip = skip or day.day in (7, 19)
        if not skip:
            for extra in range(2 if day.day % 9 == 0 else 1):
                k = i + extra
                share = None if k % 11 == 4 else min(20 + (day - quarter.start).days // 3 + (k % 4) * 5, 90)
                out.append(
                    {
                        "id": len(out) + 1,
                        "date": day.isoformat(),
                        "steps": sorted(_STEP_CYCLE[k % len(_STEP_CYCLE)]),
                        "partners": _PARTNER_CYCLE[k % len(_PARTNER_CYCLE)],
                        "important_share": share,
                        "prompt_id": _PROMPTS[k % len(_PROMPTS)],
                    }
                )
            i += 1
        day += dt.timedelta(days=1)
    return out


def _totals(reflections: list[dict], as_of: dt.date):
    totals: dict[int, tuple[int, str | None]] = {}
    dates: dict[int, list[str]] = {}
    for step, n in _EARLIER.items():
        totals[step] = (n, "2026-09-15")
    for r in reflections:
        for s in r["steps"]:
            n, _ = totals.get(s, (0, None))
            totals[s] = (n + 1, r["date"])
            dates.setdefault(s, []).append(r["date"])
    streaks = {
        s: weeks_in_a_row(sorted(set(ds), reverse=True), as_of) for s, ds in dates.items()
    }
    return totals, streaks


PARTNERS = [
    {"name": "Chen Wei", "box": "leadership", "relation": "influential",
     "created_at": "2026-05-02T09:00:00+02:00", "archived_at": None},
    {"name": "Dana Fox", "box": None, "relation": None,
     "created_at": "2026-10-12T18:10:00+02:00", "archived_at": None},
    {"name": "Maria Lopez", "box": "managers", "relation": "direct",
     "created_at": "2026-03-10T09:00:00+01:00", "archived_at": None},
    {"name": "Old Supplier Desk", "box": "teams", "relation": "guidance",
     "created_at": "2025-11-01T09:00:00+01:00", "archived_at": "2026-08-01T09:00:00+02:00"},
    {"name": "Plant Ops Leads", "box": "teams", "relation": "guidance",
     "created_at": "2026-06-01T09:00:00+02:00", "archived_at": None},
    {"name": "Priya Natarajan", "box": "employees", "relation": "direct",
     "created_at": "2026-07-20T09:00:00+02:00", "archived_at": None},
    {"name": "R&D Leads", "box": "teams", "relation": "influential",
     "created_at": "2026-09-01T09:00:00+02:00", "archived_at": None},
    {"name": "Sam O'Neill", "box": "managers", "relation": "direct",
     "created_at": "2026-02-01T09:00:00+01:00", "archived_at": "2026-11-06T17:00:00+01:00"},
]

SESSIONS = [
    {"partner": "Chen Wei", "date": "2026-10-14", "minutes": 90},
    {"partner": "Maria Lopez", "date": "2026-10-21", "minutes": 80},
    {"partner": "Plant Ops Leads", "date": "2026-11-18", "minutes": 95},
    {"partner": "Priya Natarajan", "date": "2026-12-02", "minutes": 60},
]


def _c(partner, date, text, due, status="open", closed=None):
    return {"partner": partner, "date": date, "text": text, "due": due, "status": status,
            "closed_at": closed}


COMMITMENTS = [
    _c("Maria Lopez", "2026-10-21", "Send the revised forecast", "2026-10-30", "kept", "2026-10-29"),
    _c("Maria Lopez", "2026-10-21", "Share the staffing plan", "2026-11-13", "kept", "2026-11-20"),
    _c("Chen Wei", "2026-10-14", "Draft the Q1 priorities", "2026-12-04", "kept", "2026-12-03"),
    _c("Plant Ops Leads", "2026-11-18", "Visit the night shift", "2026-11-27"),
    _c("Priya Natarajan", "2026-12-02", "Coach her on estimates", "2027-01-15"),
    _c("R&D Leads", "2026-10-02", "Review the roadmap together", "2026-10-20", "dropped",
       "2026-10-19"),
    _c("Sam O'Neill", "2026-10-05", "Hand over the supplier review", "2026-11-05", "kept",
       "2026-11-04"),
]


def _t(partner, date, credibility, reliability, intimacy, self_orientation):
    return {"partner": partner, "date": date, "credibility": credibility,
            "reliability": reliability, "intimacy": intimacy,
            "self_orientation": self_orientation}


TRUST_CHECKS = [
    _t("Chen Wei", "2026-09-20", 7, 6, 5, 4),
    _t("Maria Lopez", "2026-10-21", 7, 8, 6, 3),
    _t("Plant Ops Leads", "2026-11-18", 6, 6, 5, 5),
    _t("Maria Lopez", "2026-12-01", 7, 7, 6, 3),
    _t("Priya Natarajan", "2026-12-02", 8, 8, 7, 3),
    _t("Chen Wei", "2026-12-10", 8, 7, 6, 4),
]

def _f(partner, date, credibility, reliability, intimacy, self_orientation, satisfaction,
       keep="", change=""):
    return {"partner": partner, "date": date, "credibility": credibility,
            "reliability": reliability, "intimacy": intimacy,
            "self_orientation": self_orientation, "satisfaction": satisfaction,
            "keep": keep, "change": change}


# What partners answered on the survey: Maria last quarter and this one, Chen with a
# term skipped, Priya before any trust check of the leader's; the others were not asked.
FEEDBACK = [
    _f("Maria Lopez", "2026-09-15", 7, 6, 6, 4, 6),
    _f("Maria Lopez", "2026-11-20", 7, 5, 6, 4, 7, keep="The Friday *summary*",
       change="Warn me <earlier> about staffing"),
    _f("Chen Wei", "2026-12-12", 8, None, 4, 3, 8),
    _f("Priya Natarajan", "2026-10-05", 6, 7, 8, 2, None, keep="Time to talk"),
]

STORIES = [
    {"date": "2026-10-29",
     "text": "Maria's planners and finance rebuilt the forecast side by side; the plant "
             "trusted the numbers for the first time this year.",
     "partners": ["Maria Lopez"], "impact": "Forecast error down from 12% to 5%"},
    {"date": "2026-12-08",
     "text": "Plant Ops Leads & R&D Leads ran a joint trial of the <v2> fixture on the "
             "night shift, agreeing the budget and dates together.",
     "partners": ["Plant Ops Leads", "R&D Leads"], "impact": None},
]

OBJECTIVES = [
    {"name": "Cost per unit", "kind": "business", "unit": "EUR", "target": 4.2,
     "lower_is_better": 1,
     "measurements": [
         {"date": "2026-09-30", "value": 4.61, "note": None},
         {"date": "2026-10-31", "value": 4.52, "note": "October close"},
         {"date": "2026-11-30", "value": 4.38, "note": None},
         {"date": "2026-12-15", "value": 4.31, "note": "Fixture trial counted"},
     ]},
    {"name": "Customer satisfaction", "kind": "customer", "unit": "%", "target": 90,
     "lower_is_better": 0,
     "measurements": [
         {"date": "2026-10-15", "value": 84, "note": None},
         {"date": "2026-11-15", "value": 87, "note": None},
         {"date": "2026-12-15", "value": 91, "note": "Survey of 212 customers"},
     ]},
    {"name": "On-time delivery", "kind": "business", "unit": "%", "target": None,
     "lower_is_better": 0,
     "measurements": [{"date": "2026-11-01", "value": 93.5, "note": None}]},
    {"name": "Team engagement", "kind": "employee", "unit": "score", "target": 4.0,
     "lower_is_better": 0,
     "measurements": [{"date": "2026-06-30", "value": 3.6, "note": "Mid-year pulse"}]},
]

RATINGS = {1: 4, 2: 4, 3: 3, 4: 2, 5: 3, 6: 3, 7: 2, 8: 3, 9: 3, 10: 4, 11: 3, 12: 2, 13: 3}
PREVIOUS_RATINGS = {1: 3, 2: 4, 3: 2, 4: 2, 5: 2, 6: 3, 7: 3, 8: 2, 9: 3, 10: 3, 11: 3, 12: 2,
                    13: 2}
NOTES = {3: "Sessions slipped in November; book December early.",
         7: "Training still lands as extra meetings."}

EVALUATION = {
    "progress": "Cost per unit fell from 4.61 to 4.31 EUR; satisfaction passed the 90% "
                "target in December.",
    "feedback": "Maria asked for earlier sight of staffing changes; Chen wants the Q1 "
                "priorities a week sooner.",
    "adjustments": [
        {"text": "Book every partnership session in the first month", "steps": [3]},
        {"text": "Teach Maria's leads the forecast review", "steps": [6, 9]},
    ],
}
PREVIOUS_EVALUATION = {
    "progress": "",
    "feedback": "",
    "adjustments": [
        {"text": "Hold the sessions in the first month of the quarter", "steps": [3]},
        {"text": "Try one training across relationship types", "steps": [12]},
        {"text": "Protect Friday mornings for planning", "steps": []},
    ],
}


def _ratings(scores: dict[int, int], notes: dict[int, str] | None = None) -> dict[int, dict]:
    return {s: {"rating": r, "note": (notes or {}).get(s)} for s, r in scores.items()}


def sample_inputs(**overrides) -> ReportInputs:
    """The full sample quarter; keyword arguments replace any input."""
    reflections = overrides.pop("reflections", None)
    if reflections is None:
        reflections = sample_reflections()
    feedback = overrides.pop("feedback", FEEDBACK)
    # each feedback in the quarter is practice of step 11, as services.reports gathers it
    practice = [{"date": f["date"], "steps": [11]} for f in feedback
                if SAMPLE_QUARTER.start.isoformat() <= f["date"] <= SAMPLE_TODAY.isoformat()]
    totals, streaks = _totals(sorted(reflections + practice, key=lambda r: r["date"]),
                              SAMPLE_TODAY)
    data = dict(
        reflections=reflections,
        step_totals=totals,
        streak_weeks=streaks,
        ratings=_ratings(RATINGS, NOTES),
        previous_ratings=_ratings(PREVIOUS_RATINGS),
        partners=PARTNERS,
        sessions=SESSIONS,
        commitments=COMMITMENTS,
        trust_checks=TRUST_CHECKS,
        stories=STORIES,
        objectives=OBJECTIVES,
        evaluation=EVALUATION,
        previous_evaluation=PREVIOUS_EVALUATION,
        feedback=feedback,
        practice=practice,
    )
    data.update(overrides)
    return ReportInputs(**data)


def sample_report(**overrides) -> QuarterlyReport:
    return build_quarterly_report(load_catalog(), SAMPLE_QUARTER, SAMPLE_TODAY,
                                  sample_inputs(**overrides))


def sample_progress(**overrides) -> ProgressReport:
    return build_progress(load_catalog(), SAMPLE_QUARTER, SAMPLE_TODAY, sample_inputs(**overrides))


def empty_report(quarter: Quarter = SAMPLE_QUARTER, today: dt.date = SAMPLE_TODAY):
    """A quarter with nothing in it at all."""
    data = ReportInputs(reflections=[], step_totals={}, streak_weeks={}, ratings=None,
                        previous_ratings=None)
    return build_quarterly_report(load_catalog(), quarter, today, data)


HOSTILE = ("<script>alert(1)</script></style>\"quoted\" & 'single' [bold]x[/bold] |pipe| "
           "*star* ```fence")


def hostile_report() -> QuarterlyReport:
    """The sample quarter with markup-like text in every field a leader can type."""
    name = f"Eve {HOSTILE}"
    partners = PARTNERS + [{"name": name, "box": "employees", "relation": "guidance",
                            "created_at": "2026-10-01T09:00:00+02:00", "archived_at": None}]
    reflections = sample_reflections()
    reflections[0] = {**reflections[0], "partners": [name]}
    return sample_report(
        reflections=reflections,
        partners=partners,
        sessions=SESSIONS + [{"partner": name, "date": "2026-11-02", "minutes": 45}],
        commitments=COMMITMENTS + [_c(name, "2026-11-02", HOSTILE, "2026-11-20", "kept",
                                      "2026-11-19")],
        trust_checks=TRUST_CHECKS + [_t(name, "2026-11-02", 5, 5, 5, 5)],
        feedback=FEEDBACK + [_f(name, "2026-11-04", 3, 4, 5, 6, 2, keep=HOSTILE,
                                change=HOSTILE)],
        stories=STORIES + [{"date": "2026-11-03", "text": f"Story {HOSTILE}\nsecond line",
                            "partners": [name], "impact": f"Impact {HOSTILE}"}],
        objectives=OBJECTIVES + [{
            "name": f"Objective {HOSTILE}", "kind": "customer", "unit": f"u{HOSTILE}",
            "target": 10, "lower_is_better": 0,
            "measurements": [{"date": "2026-11-01", "value": 4, "note": HOSTILE}]}],
        ratings=_ratings(RATINGS, {**NOTES, 4: f"Note {HOSTILE}"}),
        evaluation={"progress": f"Progress {HOSTILE}", "feedback": f"Feedback {HOSTILE}",
                    "adjustments": [{"text": f"Adjust {HOSTILE}", "steps": [4]}]},
        previous_evaluation={"adjustments": [{"text": f"Earlier {HOSTILE}", "steps": [4]}]},
    )
