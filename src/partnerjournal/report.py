"""The quarterly self-evaluation report: one typed model, built by a pure function.

``build_quarterly_report`` computes everything once from plain data the store
gathered; each output format is then one function of the model (``render/``).
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections import defaultdict

from .catalog import Catalog
from . import models
from .coach import adjustment_acted_on
from .models import BOXES
from .progress import (DayCount, Model, PhaseTotal, ProgressInputs, ProgressReport, StepProgress,
                       build_progress)
from .quarters import Quarter

BOX_TITLES = {
    "leadership": "Leadership",
    "teams": "Teams",
    "managers": "Managers",
    "employees": "Employees",
}


class Summary(Model):
    reflections: int
    days_journaled: int
    days_elapsed: int  # days of the quarter up to the report date
    longest_streak: int  # most days in a row journaled in the quarter
    phases: list[PhaseTotal]


class PartnerLine(Model):
    name: str
    box: str | None
    relation: str | None
    archived: bool
    reflections: int  # reflections naming the partner this quarter
    sessions_held: int
    session_due: bool  # a quarterly session was due and none was held
    commitments_settled: int
    commitments_kept_on_time: int
    commitments_open: int
    kept_rate: float | None
    trust: float | None
    trust_change: float | None


class BoxLine(Model):
    box: str
    title: str
    partners: list[str]
    sessions_held: int
    sessions_due: int


class Partnerships(Model):
    boxes: list[BoxLine]
    partners: list[PartnerLine]
    unplaced: list[str]  # active partners with no box yet
    sessions_held: int
    sessions_expected: int
    commitments_settled: int
    commitments_kept_on_time: int
    kept_rate: float | None


class Measurement(Model):
    date: dt.date
    value: float
    note: str | None = None


class ObjectiveLine(Model):
    name: str
    kind: str
    unit: str | None
    target: float | None
    lower_is_better: bool
    measurements: list[Measurement]  # measurements within the quarter
    start: float | None  # value at the start (last before the quarter)
    latest: Measurement | None
    change: float | None
    distance_to_target: float | None  # how far still to go; 0 when met
    met: bool | None


class WeekShare(Model):
    week: dt.date
    reflections: int  # reflections that recorded a share
    average: float | None


class Story(Model):
    date: dt.date
    text: str
    partners: list[str]
    impact: str | None


class AdjustmentReview(Model):
    text: str
    steps: list[int]
    reflections_since: int
    rating_change: int | None
    acted_on: bool | None  # None when the adjustment names no step


class PromptRef(Model):
    id: str
    text: str
    author: str
    work: str


class FocusStep(Model):
    number: int
    title: str
    phase: str
    reason: str
    prompts: list[PromptRef]


class EvaluationAnswers(Model):
    progress: str
    feedback: str
    adjustments: list[str]


class TermView(Model):
    term: str
    self_rating: int | None
    partner: int | None
    gap: int | None  # the partner's number minus yours


class PartnerFeedbackLine(Model):
    name: str
    date: dt.date  # the partner's latest feedback this quarter
    responses: int  # feedback records from the partner this quarter
    self_date: dt.date | None  # your trust check it is compared with: the latest on or before its day
    terms: list[TermView]
    trust_self: float | None
    trust_partner: float | None  # None unless all four terms were answered
    trust_gap: float | None
    satisfaction: int | None
    previous_satisfaction: int | None  # the latest given last quarter
    satisfaction_change: int | None
    largest_gap: str | None  # the term the two views differ most on


class PartnerView(Model):
    partners: list[PartnerFeedbackLine]
    not_asked: list[str]  # active partners with no feedback this quarter


class QuarterlyReport(Model):
    quarter: str
    start: dt.date
    end: dt.date
    as_of: dt.date
    fiscal_year_start: int
    summary: Summary
    steps: list[StepProgress]
    weeks: list[dt.date]
    days: list[DayCount]  # every day of the quarter with its reflections
    partnerships: Partnerships
    objectives: list[ObjectiveLine]
    important_share: list[WeekShare]
    stories: list[Story]
    previous_quarter: str
    previous_adjustments: list[AdjustmentReview]
    evaluation: EvaluationAnswers | None
    focus: list[FocusStep]
    partner_view: PartnerView = PartnerView(partners=[], not_asked=[])


class ReportInputs(ProgressInputs):
    partners: list[dict] = []
    sessions: list[dict] = []
    commitments: list[dict] = []
    trust_checks: list[dict] = []
    stories: list[dict] = []
    objectives: list[dict] = []
    evaluation: dict | None = None
    previous_evaluation: dict | None = None
    feedback: list[dict] = []  # every partner feedback up to the quarter's end


def trust_score(check: dict) -> float:
    """Maister's trust equation on a check's row, unrounded (renderers round it)."""
    return models.trust_score(*(check[k] for k in models.TRUST_FACTORS))


def _day(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value[:10]) if value else None


def _longest_streak(days: list[dt.date]) -> int:
    best = run = 0
    previous = None
    for d in sorted(set(days)):
        run = run + 1 if previous and (d - previous).days == 1 else 1
        best = max(best, run)
        previous = d
    return best


def _in_quarter(partner: dict, quarter: Quarter) -> bool:
    created = _day(partner.get("created_at"))
    archived = _day(partner.get("archived_at"))
    if created and created > quarter.end:
        return False
    return archived is None or archived >= quarter.start


def _commitments(rows: list[dict], quarter: Quarter, as_of: dt.date) -> dict[str, list[dict]]:
    """Commitments settled in the quarter: closed in it, or open and overdue by then."""
    by_partner: dict[str, list[dict]] = defaultdict(list)
    for c in rows:
        closed = _day(c.get("closed_at"))
        due = _day(c.get("due"))
        if c["status"] != "open":
            settled = closed is not None and quarter.contains(closed)
        else:  # still open: counts against the quarter its due date passed in
            settled = due is not None and quarter.start <= due < as_of and due <= quarter.end
        kept_on_time = (
            c["status"] == "kept" and closed is not None and (due is None or closed <= due)
        )
        by_partner[c["partner"]].append(
            {**c, "settled": settled, "kept_on_time": kept_on_time and settled}
        )
    return by_partner


def _partnerships(data: ReportInputs, quarter: Quarter, as_of: dt.date) -> Partnerships:
    sessions_by: dict[str, int] = defaultdict(int)
    for s in data.sessions:
        sessions_by[s["partner"]] += 1
    reflections_by: dict[str, int] = defaultdict(int)
    for r in data.reflections:
        for name in r["partners"]:
            reflections_by[name] += 1
    commitments = _commitments(data.commitments, quarter, as_of)
    checks: dict[str, list[dict]] = defaultdict(list)
    for t in data.trust_checks:
        checks[t["partner"]].append(t)

    lines = []
    for p in data.partners:
        if not _in_quarter(p, quarter):
            continue
        name = p["name"]
        archived = p.get("archived_at") is not None
        archived_in_quarter = archived and _day(p["archived_at"]) <= quarter.end
        held = sessions_by.get(name, 0)
        mine = commitments.get(name, [])
        settled = [c for c in mine if c["settled"]]
        kept = sum(1 for c in settled if c["kept_on_time"])
        history = checks.get(name, [])
        trust = trust_score(history[-1]) if history else None
        change = models.trust_change(history[-1], history[-2]) if len(history) > 1 else None
        lines.append(
            PartnerLine(
                name=name,
                box=p.get("box"),
                relation=p.get("relation"),
                archived=archived,
                reflections=reflections_by.get(name, 0),
                sessions_held=held,
                session_due=held == 0 and not archived_in_quarter and p.get("box") is not None,
                commitments_settled=len(settled),
                commitments_kept_on_time=kept,
                commitments_open=sum(1 for c in mine if c["status"] == "open"),
                kept_rate=round(kept / len(settled), 4) if settled else None,
                trust=trust,
                trust_change=change,
            )
        )

    boxes = []
    for box in ("leadership", "teams", "managers", "employees"):
        members = [line for line in lines if line.box == box]
        boxes.append(
            BoxLine(
                box=box,
                title=BOX_TITLES[box],
                partners=[m.name for m in members],
                sessions_held=sum(1 for m in members if m.sessions_held),
                sessions_due=sum(1 for m in members if m.session_due),
            )
        )
    placed = [line for line in lines if line.box in BOXES]
    settled_total = sum(line.commitments_settled for line in lines)
    kept_total = sum(line.commitments_kept_on_time for line in lines)
    return Partnerships(
        boxes=boxes,
        partners=lines,
        unplaced=[line.name for line in lines if line.box is None and not line.archived],
        sessions_held=sum(1 for line in placed if line.sessions_held),
        sessions_expected=sum(1 for line in placed if line.sessions_held or line.session_due),
        commitments_settled=settled_total,
        commitments_kept_on_time=kept_total,
        kept_rate=round(kept_total / settled_total, 4) if settled_total else None,
    )


def _partner_view(data: ReportInputs, quarter: Quarter) -> PartnerView:
    """Per partner asked this quarter: their latest feedback beside your trust check on
    or before its day, satisfaction against last quarter's, and who was not asked."""
    from .partner_view import TERMS, gaps, largest_gap

    previous = quarter.previous()
    this: dict[str, list[dict]] = defaultdict(list)
    before: dict[str, list[dict]] = defaultdict(list)
    for f in data.feedback:  # oldest first
        day = _day(f["date"])
        if quarter.contains(day):
            this[f["partner"]].append(f)
        elif previous.contains(day):
            before[f["partner"]].append(f)
    checks: dict[str, list[dict]] = defaultdict(list)
    for t in data.trust_checks:  # by date
        checks[t["partner"]].append(t)

    def satisfaction(rows: list[dict]) -> int | None:
        given = [f["satisfaction"] for f in rows if f.get("satisfaction") is not None]
        return given[-1] if given else None

    lines, not_asked = [], []
    for p in data.partners:
        name = p["name"]
        if not this.get(name):
            archived = _day(p.get("archived_at"))
            if _in_quarter(p, quarter) and (archived is None or archived > quarter.end):
                not_asked.append(name)
            continue
        latest = this[name][-1]
        earlier = [t for t in checks.get(name, []) if t["date"] <= latest["date"]]
        mine = earlier[-1] if earlier else None
        by_term = gaps(mine, latest)
        score_self = trust_score(mine) if mine else None
        score_partner = (trust_score(latest)
                         if all(latest.get(t) is not None for t in TERMS) else None)
        now, was = satisfaction(this[name]), satisfaction(before.get(name, []))
        lines.append(PartnerFeedbackLine(
            name=name,
            date=_day(latest["date"]),
            responses=len(this[name]),
            self_date=_day(mine["date"]) if mine else None,
            terms=[TermView(term=t, self_rating=mine[t] if mine else None,
                            partner=latest.get(t), gap=by_term[t]) for t in TERMS],
            trust_self=score_self,
            trust_partner=score_partner,
            trust_gap=score_partner - score_self
            if score_self is not None and score_partner is not None else None,
            satisfaction=now,
            previous_satisfaction=was,
            satisfaction_change=now - was if now is not None and was is not None else None,
            largest_gap=largest_gap(by_term),
        ))
    return PartnerView(partners=lines, not_asked=not_asked)


def _real(value) -> float | None:
    """A number as the model's float fields hold it (models are built without validation)."""
    return None if value is None else float(value)


def _measurement(m: dict) -> Measurement:
    return Measurement(
        date=_day(m["date"]) if isinstance(m["date"], str) else m["date"],
        value=float(m["value"]), note=m.get("note"))


def _objectives(data: ReportInputs, quarter: Quarter) -> list[ObjectiveLine]:
    out = []
    for o in data.objectives:
        before = [m for m in o["measurements"] if _day(m["date"]) < quarter.start]
        within = [m for m in o["measurements"] if quarter.contains(_day(m["date"]))]
        latest = within[-1] if within else (before[-1] if before else None)
        start = before[-1]["value"] if before else (within[0]["value"] if within else None)
        lower = bool(o.get("lower_is_better"))
        target = o.get("target")
        distance = met = None
        if latest is not None and target is not None:
            gap = (latest["value"] - target) if lower else (target - latest["value"])
            distance = round(max(gap, 0.0), 4)
            met = gap <= 0
        out.append(
            ObjectiveLine(
                name=o["name"],
                kind=o["kind"],
                unit=o.get("unit"),
                target=_real(target),
                lower_is_better=lower,
                measurements=[_measurement(m) for m in within],
                start=_real(start),
                latest=_measurement(latest) if latest else None,
                change=_real(round(latest["value"] - start, 4))
                if latest is not None and start is not None
                else None,
                distance_to_target=_real(distance),
                met=met,
            )
        )
    return out


def _important_share(data: ReportInputs, weeks: list[dt.date]) -> list[WeekShare]:
    shares: dict[dt.date, list[int]] = defaultdict(list)
    for r in data.reflections:
        if r.get("important_share") is None:
            continue
        day = dt.date.fromisoformat(r["date"])
        shares[day - dt.timedelta(days=day.weekday())].append(r["important_share"])
    return [
        WeekShare(
            week=w,
            reflections=len(shares.get(w, [])),
            average=round(sum(shares[w]) / len(shares[w]), 1) if shares.get(w) else None,
        )
        for w in weeks
    ]


def _previous_adjustments(
    data: ReportInputs, progress: ProgressReport
) -> list[AdjustmentReview]:
    if not data.previous_evaluation:
        return []
    by_step = {s.number: s for s in progress.steps}
    out = []
    for a in data.previous_evaluation.get("adjustments", []):
        steps = [s for s in a.get("steps", []) if s in by_step]
        since = sum(
            1 for r in data.reflections if steps and set(r["steps"]) & set(steps)
        )
        changes = [by_step[s].rating_change for s in steps if by_step[s].rating_change is not None]
        change = sum(changes) if changes else None
        acted = adjustment_acted_on(steps, since, change)
        out.append(
            AdjustmentReview(
                text=a["text"], steps=steps, reflections_since=since,
                rating_change=change, acted_on=acted,
            )
        )
    return out


def _focus(
    catalog: Catalog, progress: ProgressReport, quarter: Quarter, used: set[str], count: int = 3
) -> list[FocusStep]:
    def weakness(s: StepProgress) -> tuple:
        rating = s.rating if s.rating is not None else 3
        return (rating, s.reflections_quarter, s.number)

    chosen = sorted(progress.steps, key=weakness)[:count]
    seed = zlib.crc32(str(quarter).encode())
    out = []
    for s in chosen:
        reasons = []
        if s.rating is not None:
            reasons.append(f"self-rated {s.rating}/5")
        reasons.append(
            "not practised this quarter"
            if s.reflections_quarter == 0
            else f"{s.reflections_quarter} reflection{'s' if s.reflections_quarter != 1 else ''}"
            " this quarter"
        )
        serving = sorted(
            (p for p in catalog.prompts if s.number in p.steps and not p.custom),
            key=lambda p: (p.id in used, p.id),
        )
        fresh = [p for p in serving if p.id not in used] or serving
        start = seed % len(fresh) if fresh else 0
        picks = (fresh[start:] + fresh[:start])[:3]
        out.append(
            FocusStep(
                number=s.number,
                title=s.title,
                phase=s.phase,
                reason=", ".join(reasons),
                prompts=[
                    PromptRef(id=p.id, text=p.text, author=p.source.author, work=p.source.work)
                    for p in picks
                ],
            )
        )
    return out


def build_quarterly_report(
    catalog: Catalog,
    quarter: Quarter,
    today: dt.date,
    data: ReportInputs,
) -> QuarterlyReport:
    """Everything the quarterly report shows, computed once.

    Pure: ``data`` is what ``services.reports.gather`` read from the journal.
    """
    progress = build_progress(catalog, quarter, today, data)
    as_of = progress.as_of
    days = [d.date for d in progress.days if d.count]
    evaluation = None
    if data.evaluation:
        evaluation = EvaluationAnswers(
            progress=data.evaluation.get("progress", ""),
            feedback=data.evaluation.get("feedback", ""),
            adjustments=[a["text"] for a in data.evaluation.get("adjustments", [])],
        )
    used = {r["prompt_id"] for r in data.reflections if r.get("prompt_id")}
    return QuarterlyReport(
        quarter=str(quarter),
        start=quarter.start,
        end=quarter.end,
        as_of=as_of,
        fiscal_year_start=quarter.fiscal_start,
        summary=Summary(
            reflections=progress.reflections_quarter,
            days_journaled=progress.days_journaled,
            days_elapsed=max((as_of - quarter.start).days + 1, 0),
            longest_streak=_longest_streak(days),
            phases=progress.phases,
        ),
        steps=progress.steps,
        weeks=progress.weeks,
        days=progress.days,
        partnerships=_partnerships(data, quarter, as_of),
        objectives=_objectives(data, quarter),
        important_share=_important_share(data, progress.weeks),
        stories=[
            Story(date=_day(s["date"]) if isinstance(s["date"], str) else s["date"],
                                  text=s["text"], partners=s["partners"], impact=s.get("impact"))
            for s in data.stories
        ],
        previous_quarter=str(quarter.previous()),
        previous_adjustments=_previous_adjustments(data, progress),
        evaluation=evaluation,
        focus=_focus(catalog, progress, quarter, used),
        partner_view=_partner_view(data, quarter),
    )
