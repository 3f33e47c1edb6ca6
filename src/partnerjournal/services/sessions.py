"""Quarterly partnership sessions (Hitt: about 90 minutes with each partnership once a
quarter, spread over the quarter): recording one, what is still due, preparing the
next one."""

from __future__ import annotations

import datetime as dt
import sqlite3
import zlib
from dataclasses import dataclass, field

from ..catalog import Prompt
from ..errors import UsageError
from ..models import Partner, Reflection
from ..quarters import Quarter
from ..store import journal as sj
from ..store import partnerships as sp
from ..store import transaction
from . import days_off
from . import partnerships as ps
from . import quarters as jq
from . import validate

DEFAULT_MINUTES = 90
MAX_MINUTES = 24 * 60
PREP_STEP = 3  # "hold periodic partnership sessions to share successes and get feedback"
PREP_PROMPTS = 3
PREP_LIMIT = 10  # successes listed per kind
FEEDBACK_STEP = 13  # "adjust your processes from the feedback"
FEEDBACK_TAG = "feedback"


@dataclass
class SessionSaved:
    session: sp.Session
    quarter: str
    met: int  # active partners met this quarter, this session included
    active: int


def add_session(
    conn: sqlite3.Connection,
    partner_name: str,
    *,
    day: dt.date,
    today: dt.date,
    minutes: int,
    successes: str,
    objectives: str,
    feedback: str,
    now: str,
) -> SessionSaved:
    """Record a session that took place: what successes were shared, which objectives
    were discussed, what feedback was gathered."""
    partner = ps.require_partner(conn, partner_name)
    ps.require_active(partner)
    if day > today:
        raise UsageError(f"{day} is in the future: record a session once it has taken place")
    if not 1 <= minutes <= MAX_MINUTES:
        raise UsageError(f"--minutes {minutes} is not a session length: give 1 to {MAX_MINUTES}")
    texts = {
        "successes": validate.text(successes, "the successes shared"),
        "objectives": validate.text(objectives, "the objectives discussed"),
        "feedback": validate.text(feedback, "the feedback gathered"),
    }
    with transaction(conn):
        sid = sp.insert_session(
            conn, partner_id=partner.id, date=day.isoformat(), minutes=minutes, now=now, **texts
        )
    session = next(s for s in sp.sessions_of(conn, partner.id) if s.id == sid)
    q = jq.current(conn, day)
    met = sp.partners_met_between(conn, q.start.isoformat(), q.end.isoformat())
    active = {p.id for p in sp.list_partners(conn) if not p.archived}
    return SessionSaved(session, str(q), len(met & active), len(active))


# --- what is due ----------------------------------------------------------------------

def weekdays(first: dt.date, last: dt.date, skip=frozenset()) -> list[dt.date]:
    """Monday to Friday from ``first`` to ``last``, inclusive, except the days in ``skip``
    (holidays, blocked dates)."""
    days = []
    day = first
    while day <= last:
        if day.weekday() < 5 and day not in skip:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def propose_dates(first: dt.date, last: dt.date, n: int, skip=frozenset()) -> list[dt.date]:
    """``n`` weekdays spread evenly from ``first`` to ``last`` (inclusive), none of them
    in ``skip``, each in the middle of its share of the days left; a day repeats only
    when there are more sessions than weekdays.

    >>> [d.isoformat() for d in propose_dates(dt.date(2026, 11, 23), dt.date(2026, 11, 27), 2)]
    ['2026-11-24', '2026-11-26']
    """
    days = weekdays(first, last, skip)
    if not days or n < 1:
        return []
    return [days[(2 * k + 1) * len(days) // (2 * n)] for k in range(n)]


@dataclass
class DueSession:
    partner: Partner
    last_session: str | None
    proposed_date: dt.date | None

    def as_json(self) -> dict:
        return {
            "partner": self.partner.name,
            "box": self.partner.box,
            "relation": self.partner.relation,
            "last_session": self.last_session,
            "proposed_date": self.proposed_date.isoformat() if self.proposed_date else None,
        }


@dataclass
class DueList:
    quarter: Quarter
    due: list[DueSession]
    weekdays_left: int  # free ones: holidays and blocked days are not counted
    remark: str | None = None  # said on stderr: the quarter is over, or no weekday is left
    days_off: dict[dt.date, str] = field(default_factory=dict)  # weekdays skipped, and why

    def skipped_line(self) -> str | None:
        """'Not proposed: Thanksgiving Day (2026-11-26), 6 blocked days' or None."""
        if not self.days_off:
            return None
        blocked = sum(1 for why in self.days_off.values() if why == "blocked")
        named = [f"{why} ({day})" for day, why in sorted(self.days_off.items()) if why != "blocked"]
        if blocked:
            named.append(f"{blocked} blocked day" + ("" if blocked == 1 else "s"))
        return "Not proposed: " + ", ".join(named)


def due_sessions(conn: sqlite3.Connection, today: dt.date, quarter: str | None = None) -> DueList:
    """Active partners with no session in the quarter, the longest-waiting first, each
    with a proposed date."""
    q = jq.resolve(conn, quarter, today)
    if q.end < today:
        return DueList(q, [], 0, f"{q} is over: no session dates can be proposed for it")
    met = sp.partners_met_between(conn, q.start.isoformat(), q.end.isoformat())
    last = sp.last_session_dates(conn)
    active = [p for p in sp.list_partners(conn) if not p.archived]
    if not active:
        return DueList(q, [], 0, "no active partners yet: add one with pj partner add NAME"
                       " --box ... --relation ...")
    waiting = [p for p in active if p.id not in met]
    # Never met first, then the longest since their last session, then by name.
    waiting.sort(key=lambda p: (last.get(p.id) is not None, last.get(p.id) or "", p.name.casefold()))
    first = max(today, q.start)
    off = {d: why for d, why in days_off.days_off(conn, first, q.end).items() if d.weekday() < 5}
    left = len(weekdays(first, q.end, off))
    dates = propose_dates(first, q.end, len(waiting), off)
    if waiting and not dates:
        return DueList(q, [], 0, f"no weekday is left in {q}: plan these sessions early next"
                       " quarter", off)
    remark = None
    if len(waiting) > left:
        remark = f"{len(waiting)} sessions and only {left} weekdays left: some days hold two"
    due = [DueSession(p, last.get(p.id), d) for p, d in zip(waiting, dates)]
    return DueList(q, due, left, remark, off)


# --- preparing the next session -------------------------------------------------------

@dataclass
class Success:
    date: str
    kind: str  # "story" or "reflection"
    id: int
    text: str
    impact: str | None = None


@dataclass
class Agenda:
    partner: Partner
    today: dt.date
    last_session: sp.Session | None
    successes: list[Success]
    objectives: list  # services.objectives.ObjectiveStatus
    commitments: list[sp.Commitment]
    answers: list[Reflection]  # reflections since the last session that acted on its feedback
    prompts: list[Prompt]
    kept: ps.KeptRate
    trust: sp.TrustCheck | None = None
    minutes: int = DEFAULT_MINUTES


def _answers_feedback(r: Reflection) -> bool:
    return FEEDBACK_STEP in r.steps or any(t.casefold() == FEEDBACK_TAG for t in r.tags)


def choose_prompts(prompts: list[Prompt], seed_text: str, n: int = PREP_PROMPTS) -> list[Prompt]:
    """``n`` prompts, from different sources where possible, chosen by a stable seed so
    the same agenda comes back the same day."""
    ordered = sorted(prompts, key=lambda p: p.id)
    if not ordered:
        return []
    start = zlib.crc32(seed_text.encode()) % len(ordered)
    rotated = ordered[start:] + ordered[:start]
    chosen: list[Prompt] = []
    sources: set[str] = set()
    for p in rotated:
        if p.source.key not in sources:
            chosen.append(p)
            sources.add(p.source.key)
        if len(chosen) == n:
            return chosen
    chosen += [p for p in rotated if p not in chosen][: n - len(chosen)]
    return chosen


def prepare(conn: sqlite3.Connection, partner_name: str, today: dt.date) -> Agenda:
    """Everything the next session with a partner needs, gathered from the journal."""
    from . import objectives as so
    from . import prompts as spr

    partner = ps.require_partner(conn, partner_name)
    day = today.isoformat()
    last = sp.last_session(conn, partner.id, day)
    since = None
    if last is not None:
        since = (dt.date.fromisoformat(last.date) + dt.timedelta(days=1)).isoformat()
    reflections = list(
        sj.query_reflections(
            conn, sj.ReflectionFilter(partner_id=partner.id, date_from=since, date_until=day)
        )
    ) if since else list(
        sj.query_reflections(
            conn, sj.ReflectionFilter(partner_id=partner.id, date_until=day, limit=4 * PREP_LIMIT)
        )
    )
    answers = [r for r in reflections if _answers_feedback(r)] if last else []
    successes = [
        Success(r.date, "reflection", r.id, r.text)
        for r in reflections
        if r not in answers
    ][:PREP_LIMIT]
    stories = sp.query_stories(conn, start=since, end=day, partner_id=partner.id)[-PREP_LIMIT:]
    successes += [Success(s.date, "story", s.id, s.text, s.impact) for s in stories]
    successes.sort(key=lambda s: (s.date, s.kind, s.id))
    catalog = spr.catalog_with_custom(conn)
    prompts = choose_prompts(
        spr.filter_prompts(catalog, step=PREP_STEP), f"{sj.name_key(partner.name)}|{day}"
    )
    commitments = sp.query_commitments(conn, partner_id=partner.id)
    checks = sp.trust_checks_of(conn, partner.id)
    return Agenda(
        partner=partner,
        today=today,
        last_session=last,
        successes=successes,
        objectives=so.objective_statuses(conn),
        commitments=[c for c in commitments if c.status == "open"],
        answers=sorted(answers, key=lambda r: (r.date, r.id)),
        prompts=prompts,
        kept=ps.kept_rate(commitments, today),
        trust=checks[-1] if checks else None,
    )


def _first_line(text: str, limit: int = 160) -> str:
    line = " ".join(text.split("\n", 1)[0].split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _quote(text: str) -> list[str]:
    return [f"> {line}".rstrip() for line in text.split("\n")]


def agenda_markdown(agenda: Agenda) -> str:
    """The agenda as GitHub-flavoured markdown, readable as plain text."""
    p = agenda.partner
    out = [f"# Partnership session with {p.name}", ""]
    facts = [f"Prepared {agenda.today.isoformat()}"]
    if p.box:
        facts.append(f"{p.box} box")
    if p.relation:
        facts.append(f"{p.relation} relation")
    if agenda.last_session:
        days = (agenda.today - dt.date.fromisoformat(agenda.last_session.date)).days
        facts.append(f"last session {agenda.last_session.date} ({days} days ago)")
    else:
        facts.append("first session")
    if agenda.trust:
        from ..render.common import number

        facts.append(f"trust {number(agenda.trust.score)} ({agenda.trust.date})")
    facts.append(agenda.kept.label())
    out += [" · ".join(facts), ""]
    out += [
        f"About {agenda.minutes} minutes, informal: share successes, discuss objectives,"
        " gather feedback.",
        "",
        "## 1. Successes to share",
        "",
    ]
    if agenda.successes:
        for s in agenda.successes:
            what = f"story #{s.id}" if s.kind == "story" else f"reflection #{s.id}"
            line = f"- {s.date} ({what}): {_first_line(s.text)}"
            if s.impact:
                line += f" — impact: {_first_line(s.impact)}"
            out.append(line)
    else:
        out.append(
            f"- Nothing recorded yet: name {p.name} in a reflection or a story"
            " (pj story add ... --partner) to collect them."
        )
    out += ["", "## 2. Objectives to discuss", ""]
    if agenda.objectives:
        for o in agenda.objectives:
            out.append(f"- {o.summary()}")
    else:
        out.append("- No objectives yet: add one with pj objective add NAME --kind business.")
    out += ["", "## 3. Commitments carried forward", ""]
    if agenda.commitments:
        day = agenda.today.isoformat()
        for c in agenda.commitments:
            due = ""
            if c.due:
                due = f" — due {c.due}" + (" (overdue)" if c.is_overdue(day) else "")
            out.append(f"- [ ] #{c.id} {_first_line(c.text)} (promised {c.date}){due}")
    else:
        out.append("- No open commitments.")
    out += ["", "## 4. Feedback from last time, and what you did with it", ""]
    if agenda.last_session is None:
        out.append("- No earlier session: this one starts the feedback loop.")
    else:
        out += _quote(agenda.last_session.feedback)
        out.append("")
        if agenda.answers:
            for r in agenda.answers:
                out.append(f"- {r.date} (reflection #{r.id}): {_first_line(r.text)}")
        else:
            out.append(
                "- No reflection has acted on it yet (reflections naming the partner on"
                f" step {FEEDBACK_STEP} or tagged @{FEEDBACK_TAG} show here)."
            )
    out += ["", "## 5. Questions for the conversation", ""]
    for n, prompt in enumerate(agenda.prompts, start=1):
        out.append(f"{n}. {prompt.text}")
        out.append(f"   — {prompt.source.label()} [{prompt.id}]")
    return "\n".join(out) + "\n"
