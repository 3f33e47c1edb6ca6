"""The coach: prompts built from the leader's own journal, offline.

On some days the day's prompt is not taken from the catalog but built from a record in
the journal (a commitment coming due, a session not yet held, last quarter's
adjustment...). Each situation is a *rule* with a stable id. A rule reads plain data
(:class:`Facts`, gathered by ``services.coach`` with a few indexed queries) and the day,
and returns :class:`Candidate` prompts that quote the record they are about. The
choice among candidates and the cadence (:func:`select`) are pure as well, so every
rule and the cadence are tested on hand-built facts as well as on real journals.

Adding a rule (for example a gap between a partner's feedback and your own trust
check): add what it needs to :class:`Facts` and gather it in ``services.coach``, write
a function ``(facts) -> list[Candidate]``, and register it in :data:`RULES` with its
source idea, step(s) and one-line reason per step. Its place in :data:`RULES` is its
priority among rules that apply on the same day.

>>> RULES["commitment-due"].steps
(2,)
"""

import datetime as dt
from typing import Callable, NamedTuple

from .records import Record

RULE_PREFIX = "coach:"  # the id a contextual prompt shows, e.g. coach:commitment-due
COMMITMENT_DAYS = 3  # a commitment due within this many days is raised
SESSION_DAYS = 7  # a session proposed within this many days is raised
UNMEASURED_DAYS = 30  # an objective not measured for this long is raised
QUIET_PARTNER_DAYS = 45  # a partner not named in a reflection for this long is raised
QUIET_BOX_AFTER = 28  # a box is quiet only once this many days of the quarter have passed
SHARE_DROP = 10  # percentage points the important share must fall, week on week
SHARE_MIN_DAYS = 2  # values needed in each of the two weeks compared
ANSWERED_DAYS = 14  # a record answered this recently is not raised again
REPEAT_DAYS = 3  # the same rule is not used twice within this many days
FEEDBACK_GAP = 3  # points between the partner's view and the leader's that are raised
FEEDBACK_DAYS = 182  # a partner not asked for feedback in two quarters is raised
QUOTE_MAX = 140


# --- what the rules read --------------------------------------------------------------
# Plain records as NamedTuples: this module is read by every 'pj today' and 'pj prompt',
# and a NamedTuple class costs a fraction of a frozen dataclass to create at start-up.

class PartnerFact(NamedTuple):
    id: int
    uid: str
    name: str
    box: str | None
    relation: str | None
    created: str  # YYYY-MM-DD


class SessionFact(NamedTuple):
    uid: str
    date: str
    feedback: str


class CommitmentFact(NamedTuple):
    id: int
    uid: str
    partner: str
    text: str
    due: str


class TrustFact(NamedTuple):
    uid: str
    partner: str
    date: str
    credibility: int
    reliability: int
    intimacy: int
    self_orientation: int


class AdjustmentFact(NamedTuple):
    uid: str
    quarter: str  # the quarter whose evaluation made it
    text: str
    steps: tuple[int, ...]
    acted_on: bool | None  # as the quarterly report decides it (None: names no step)


class ObjectiveFact(NamedTuple):
    uid: str
    name: str
    unit: str | None
    target: float | None
    lower_is_better: bool
    created: str
    latest_date: str | None = None
    latest_value: float | None = None


class FeedbackFact(NamedTuple):
    """A partner's latest feedback, with the leader's trust check on or before it."""

    uid: str
    partner: str
    date: str
    theirs: dict[str, int | None]
    mine: dict[str, int] | None  # None: no check of the leader's to compare with


class Facts(Record):
    """What the rules read, gathered for one day by ``services.coach``."""

    __slots__ = (
        "day", "quarter", "quarter_start", "quarter_end",
        "partners",  # active ones
        "met",  # partner ids with a session this quarter
        "last_sessions",  # partner id -> SessionFact
        "commitments",  # open, due soonest first
        "trust",  # latest check per active partner
        "adjustments",  # last quarter's
        "objectives",
        "last_named",  # partner id -> last date named
        "shares",  # (date, %) in the last 14 days
        "answered",  # record -> last day answered
        "feedback",  # latest per active partner
        "last_asked",  # partner id -> last feedback day
    )

    def __init__(self, day: dt.date, quarter: str, quarter_start: dt.date,
                 quarter_end: dt.date, **lists) -> None:
        self.day = day
        self.quarter = quarter
        self.quarter_start = quarter_start
        self.quarter_end = quarter_end
        self.partners: list[PartnerFact] = lists.pop("partners", [])
        self.met: set[int] = lists.pop("met", set())
        self.last_sessions: dict[int, SessionFact] = lists.pop("last_sessions", {})
        self.commitments: list[CommitmentFact] = lists.pop("commitments", [])
        self.trust: list[TrustFact] = lists.pop("trust", [])
        self.adjustments: list[AdjustmentFact] = lists.pop("adjustments", [])
        self.objectives: list[ObjectiveFact] = lists.pop("objectives", [])
        self.last_named: dict[int, str] = lists.pop("last_named", {})
        self.shares: list[tuple[str, int]] = lists.pop("shares", [])
        self.answered: dict[str, str] = lists.pop("answered", {})
        self.feedback: list[FeedbackFact] = lists.pop("feedback", [])
        self.last_asked: dict[int, str] = lists.pop("last_asked", {})
        if lists:
            raise TypeError(f"Facts has no field {next(iter(lists))!r}")


class Candidate(NamedTuple):
    """A contextual prompt a rule proposes for the day."""

    rule: str
    record: str  # "kind:uid"
    text: str
    about: str  # the record in a few words, for --explain
    overdue: bool = False  # something is late: it may break the every-other-day cadence


class Rule(NamedTuple):
    id: str
    situation: str  # when it applies, for --explain and the README
    source: str  # catalog source key
    idea: str  # the source's idea it draws on
    steps: tuple[int, ...]
    why: tuple[str, ...]  # one line per step: why answering it practises that step
    find: Callable[["Facts"], list[Candidate]]


# --- small helpers --------------------------------------------------------------------

def quote(text: str, limit: int = QUOTE_MAX) -> str:
    """The first line of ``text``, shortened at a word boundary, in quotation marks."""
    line = " ".join(text.strip().split("\n", 1)[0].split())
    if line.endswith(".") and not line.endswith(".."):
        line = line[:-1]  # the sentence around the quote has its own full stop
    if len(line) > limit:
        line = line[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:.") + "…"
    return f"“{line}”"


def _days(a: str | dt.date, b: dt.date) -> int:
    """Days from ``a`` to ``b``."""
    a = a if isinstance(a, dt.date) else dt.date.fromisoformat(a)
    return (b - a).days


def _in_days(n: int) -> str:
    if n == 0:
        return "today"
    if n == 1:
        return "tomorrow"
    return f"in {n} days"


def _ago(n: int) -> str:
    return "yesterday" if n == 1 else f"{n} days ago"


def _number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _value(x: float, unit: str | None) -> str:
    if not unit:
        return _number(x)
    return f"{_number(x)}{unit}" if unit == "%" else f"{_number(x)} {unit}"


def adjustment_acted_on(steps, reflections_since: int, rating_change: int | None) -> bool | None:
    """Whether an adjustment has been acted on, as the quarterly report judges it: some
    reflection since on a step it names, or a better self-rating on those steps.
    ``None`` when it names no step (nothing to judge it by)."""
    if not steps:
        return None
    return reflections_since > 0 or (rating_change is not None and rating_change > 0)


# --- the rules ------------------------------------------------------------------------

def _waiting_partners(f: Facts) -> list[PartnerFact]:
    """Active partners with no session this quarter, longest waiting first."""
    waiting = [p for p in f.partners if p.id not in f.met]
    waiting.sort(key=lambda p: (p.id in f.last_sessions,
                                f.last_sessions[p.id].date if p.id in f.last_sessions else "",
                                p.name.casefold()))
    return waiting


def _weekdays(first: dt.date, last: dt.date) -> list[dt.date]:
    out, day = [], first
    while day <= last:
        if day.weekday() < 5:
            out.append(day)
        day += dt.timedelta(days=1)
    return out


def sessions_behind(f: Facts) -> bool:
    """Fewer sessions held than an even spread over the quarter would have by now."""
    total = (f.quarter_end - f.quarter_start).days + 1
    elapsed = (f.day - f.quarter_start).days + 1
    held = sum(1 for p in f.partners if p.id in f.met)
    return held < len(f.partners) * elapsed // total


def session_due(f: Facts) -> list[Candidate]:
    waiting = _waiting_partners(f)
    if not waiting:
        return []
    # the same even spread of the weekdays left as 'pj session due' proposes
    days = _weekdays(f.day, f.quarter_end)
    behind = sessions_behind(f)
    out = []
    for k, p in enumerate(waiting):
        proposed = days[(2 * k + 1) * len(days) // (2 * len(waiting))] if days else f.day
        if not behind and (proposed - f.day).days > SESSION_DAYS:
            continue
        last = f.last_sessions.get(p.id)
        when = (f"this quarter's session with {p.name} is not held yet"
                if behind else
                f"your session with {p.name} is proposed for {proposed.isoformat()}")
        if last is not None and last.feedback.strip():
            text = (f"Preparing: {when}. Last time ({last.date}) {p.name} told you "
                    f"{quote(last.feedback)}. What will you show them you did with it, "
                    "and which success will you share?")
            record, about = f"session:{last.uid}", f"last session with {p.name}, {last.date}"
        else:
            text = (f"Preparing: {when}, and it would be your first. Which success will you "
                    f"share with {p.name}, and what one question will you ask to hear how "
                    "working with you feels from their side?")
            record, about = f"partner:{p.uid}", f"{p.name}, no session yet"
        out.append(Candidate("session-due", record, text, about, overdue=behind))
        break  # one partner at a time: the one waiting longest
    return out


def commitment_due(f: Facts) -> list[Candidate]:
    out = []
    for c in f.commitments:
        left = (dt.date.fromisoformat(c.due) - f.day).days
        if left > COMMITMENT_DAYS:
            continue
        if left < 0:
            text = (f"You promised {c.partner} {quote(c.text)} by {c.due} ({_ago(-left)}). "
                    f"Will you keep it now or renegotiate it with {c.partner}, and by when "
                    "will you tell them?")
        else:
            text = (f"You promised {c.partner} {quote(c.text)}, due {_in_days(left)} "
                    f"({c.due}). What will you do to keep it, or will you renegotiate it with "
                    f"{c.partner} before it is late?")
        about = f"commitment #{c.id} to {c.partner}, due {c.due}"
        out.append(Candidate("commitment-due", f"commitment:{c.uid}", text, about,
                             overdue=left < 0))
    return out


_TRUST_QUESTIONS = {
    "credibility": "Which question of theirs could you answer with more substance, or with "
                   "a plain 'I don't know yet', and when will you next talk?",
    "reliability": "Which small promise to {name} can you make this week and visibly keep?",
    "intimacy": "What could you share with {name}, or ask them, that would make it safer "
                "for them to tell you what really worries them, and when?",
    "self_orientation": "In your next conversation with {name}, which open question will you "
                        "ask, and how will you leave them the silence to answer it?",
}


def trust_weakest(f: Facts) -> list[Candidate]:
    def weakest(t: TrustFact) -> tuple[int, str]:
        # self-orientation counts against trust: 10 on it weighs like 1 on the others
        terms = {"credibility": t.credibility, "reliability": t.reliability,
                 "intimacy": t.intimacy, "self_orientation": 11 - t.self_orientation}
        term = min(terms, key=lambda k: (terms[k], k))
        return terms[term], term

    def score(t: TrustFact) -> float:
        return (t.credibility + t.reliability + t.intimacy) / t.self_orientation

    out = []
    for t in sorted(f.trust, key=lambda t: (score(t), t.partner.casefold())):
        value, term = weakest(t)
        shown = term.replace("_", "-")
        raw = t.self_orientation if term == "self_orientation" else value
        tail = ", lower is better" if term == "self_orientation" else ""
        text = (f"In your trust check with {t.partner} on {t.date}, {shown} was the weakest "
                f"term ({raw}/10{tail}). " + _TRUST_QUESTIONS[term].format(name=t.partner))
        out.append(Candidate("trust-weakest", f"trust_check:{t.uid}", text,
                             f"trust check with {t.partner}, {t.date}: {shown} {raw}/10"))
    return out


def adjustment_open(f: Facts) -> list[Candidate]:
    out = []
    for a in f.adjustments:
        if a.acted_on:
            continue
        text = (f"At the end of {a.quarter} you decided to adjust: {quote(a.text)}. What is "
                "the first concrete change to how you work that puts it into practice, and "
                "by when?")
        out.append(Candidate("adjustment-open", f"adjustment:{a.uid}", text,
                             f"adjustment from {a.quarter}"))
    return out


def objective_unmeasured(f: Facts) -> list[Candidate]:
    out = []
    for o in f.objectives:
        since = o.latest_date or o.created
        gap = _days(since, f.day)
        if gap < UNMEASURED_DAYS:
            continue
        if o.latest_date is None:
            text = (f"{o.name} has had no measurement since you added it {_ago(gap)}. "
                    "Where will the first figure come from, and by when will you record it?")
        else:
            text = (f"{o.name} was last measured on {o.latest_date} "
                    f"({_value(o.latest_value, o.unit)}, {_ago(gap)}). Where will this "
                    "month's figure come from, and by when will you record it?")
        out.append(Candidate("objective-unmeasured", f"objective:{o.uid}", text,
                             f"objective {o.name}, last measured {o.latest_date or 'never'}"))
    return out


def objective_off_target(f: Facts) -> list[Candidate]:
    out = []
    for o in f.objectives:
        if o.target is None or o.latest_value is None:
            continue
        off = o.latest_value > o.target if o.lower_is_better else o.latest_value < o.target
        if not off:
            continue
        sign = "≤" if o.lower_is_better else "≥"
        text = (f"{o.name} stands at {_value(o.latest_value, o.unit)} ({o.latest_date}) "
                f"against a target of {sign} {_value(o.target, o.unit)}. Whose view would "
                "tell you most about why, and when will you ask them?")
        out.append(Candidate("objective-off-target", f"objective:{o.uid}", text,
                             f"objective {o.name}, {_value(o.latest_value, o.unit)} on"
                             f" {o.latest_date}"))
    return out


BOX_ORDER = ("leadership", "teams", "managers", "employees")


def box_quiet(f: Facts) -> list[Candidate]:
    if (f.day - f.quarter_start).days < QUIET_BOX_AFTER:
        return []
    out = []
    for box in BOX_ORDER:
        members = [p for p in f.partners if p.box == box]
        named = [f.last_named.get(p.id) for p in members]
        if not members or any(d and d >= f.quarter_start.isoformat() for d in named):
            continue
        p = sorted(members, key=lambda p: (f.last_named.get(p.id) or "", p.name.casefold()))[0]
        relation = f" ({p.relation} relation)" if p.relation else ""
        text = (f"No reflection this quarter names anyone in the {box} box, where "
                f"{p.name}{relation} sits. What will you do with {p.name} this week, and "
                "which kind of partnership does it call for?")
        out.append(Candidate("box-quiet", f"partner:{p.uid}", text,
                             f"the {box} box ({len(members)} partner"
                             f"{'s' if len(members) != 1 else ''})"))
    return out


def partner_quiet(f: Facts) -> list[Candidate]:
    out = []
    for p in sorted(f.partners, key=lambda p: (f.last_named.get(p.id) or "", p.name.casefold())):
        last = f.last_named.get(p.id)
        if _days(last or p.created, f.day) < QUIET_PARTNER_DAYS:
            continue
        since = (f"since {last} ({_ago(_days(last, f.day))})" if last
                 else f"since you added them on {p.created}")
        text = (f"You have not named {p.name} in a reflection {since}. What is one thing "
                f"you could do with {p.name} before the week is out, and when?")
        out.append(Candidate("partner-quiet", f"partner:{p.uid}", text,
                             f"{p.name}, last named {last or 'never'}"))
    return out


def share_falling(f: Facts) -> list[Candidate]:
    split = (f.day - dt.timedelta(days=6)).isoformat()
    start = (f.day - dt.timedelta(days=13)).isoformat()
    before = [s for d, s in f.shares if start <= d < split]
    recent = [s for d, s in f.shares if split <= d <= f.day.isoformat()]
    if len(before) < SHARE_MIN_DAYS or len(recent) < SHARE_MIN_DAYS:
        return []
    was, now = sum(before) / len(before), sum(recent) / len(recent)
    if was - now < SHARE_DROP:
        return []
    text = (f"The share of your days going to important, not urgent, work fell from "
            f"{was:.0f} % to {now:.0f} % over two weeks. What will you change in how your day "
            "starts, so that before the inbox you set apart a quiet, unhurried moment to "
            "decide what the day is for, and which urgent request that is not yours will you "
            "leave undone?")
    week = f.day - dt.timedelta(days=f.day.weekday())
    return [Candidate("share-falling", f"week:{week.isoformat()}", text,
                      f"important share {was:.0f} % → {now:.0f} %")]


def feedback_gap(f: Facts) -> list[Candidate]:
    from .partner_view import gaps, is_worse, label, largest_gap

    found = []
    for fb in f.feedback:
        if fb.mine is None:
            continue
        by_term = gaps(fb.mine, fb.theirs)
        term = largest_gap(by_term)
        if term is None or abs(by_term[term]) < FEEDBACK_GAP or not is_worse(term, by_term[term]):
            continue
        found.append((-abs(by_term[term]), fb.partner.casefold(), fb, term))
    out = []
    for _, _, fb, term in sorted(found, key=lambda x: x[:2]):
        tail = " (lower is better)" if term == "self_orientation" else ""
        text = (f"On {fb.date} {fb.partner} gave you {fb.theirs[term]}/10 on {label(term)}"
                f"{tail}; your own check said {fb.mine[term]}. What one change in how you "
                f"work with {fb.partner} would close that gap, and when will you ask them "
                "whether they notice it?")
        out.append(Candidate("feedback-gap", f"feedback:{fb.uid}", text,
                             f"feedback from {fb.partner}, {fb.date}: {label(term)} "
                             f"{fb.theirs[term]} against your {fb.mine[term]}"))
    return out


def feedback_due(f: Facts) -> list[Candidate]:
    out = []
    for p in sorted(f.partners, key=lambda p: (f.last_asked.get(p.id) or "", p.name.casefold())):
        last = f.last_asked.get(p.id)
        if _days(last or p.created, f.day) < FEEDBACK_DAYS:
            continue
        since = f"since {last}" if last else "yet"
        text = (f"You have not asked {p.name} for their view of the partnership {since}. "
                f"When will you hand them a feedback form (pj survey) or ask the questions "
                "in your next conversation?")
        out.append(Candidate("feedback-due", f"partner:{p.uid}", text,
                             f"{p.name}, last asked {last or 'never'}"))
    return out


RULES: dict[str, Rule] = {r.id: r for r in (
    Rule("commitment-due", "a commitment overdue or due within 3 days", "maister",
         "reliability: trust grows from promises kept, over repeated contact", (2,),
         ("keeping a promise, or renegotiating it in the open, strengthens the relationship"
          " it was made in",),
         commitment_due),
    Rule("session-due", "a partnership session due this quarter and not yet held, or"
         " proposed within 7 days", "hitt",
         "one informal session per partnership each quarter: successes, objectives, feedback",
         (3,), ("preparing it is holding the periodic session where successes are shared and"
                " feedback gathered",),
         session_due),
    Rule("adjustment-open", "an adjustment from last quarter's evaluation not yet acted on",
         "hitt", "periodically evaluate your effectiveness and adjust", (13,),
         ("turning the adjustment into a change of how you work is adjusting your processes"
          " from the feedback on progress",),
         adjustment_open),
    Rule("objective-unmeasured", "an objective not measured for 30 days or more", "hitt",
         "find ways to measure your progress toward the business objectives", (5,),
         ("deciding where the next figure comes from is finding a way to measure progress",),
         objective_unmeasured),
    Rule("objective-off-target", "an objective whose latest figure misses its target",
         "hitt", "measure progress against business objectives and satisfaction", (11,),
         ("asking why the figure misses its target is measuring progress against the"
          " objective",),
         objective_off_target),
    Rule("box-quiet", "a box (leadership, teams, managers, employees) with no reflection"
         " this quarter", "hitt", "the four boxes and the direct, influential and guidance"
         " relationships between them", (4,),
         ("choosing what the relationship with that box calls for is using the partnership"
          " types deliberately",),
         box_quiet),
    Rule("partner-quiet", "a partner not named in a reflection for 45 days", "hitt",
         "deepen your working relationships as your own abilities develop", (2,),
         ("planning one thing to do together strengthens a relationship that has gone"
          " quiet",),
         partner_quiet),
    Rule("feedback-gap", "a partner's feedback 3 or more points less favourable than your"
         " own trust check on one term", "maister",
         "trust lives in the partner's eyes: the four terms as they see them", (13,),
         ("changing how you work from what the partner told you is adjusting your"
          " processes from feedback",),
         feedback_gap),
    Rule("trust-weakest", "the weakest term of the lowest latest trust check", "maister",
         "the trust equation: credibility, reliability and intimacy over self-orientation",
         (2,), ("working on the weakest term with one partner strengthens that relationship",),
         trust_weakest),
    Rule("share-falling", "the important-not-urgent share falling over two weeks", "hummel",
         "the urgent crowds out the important; his remedy is an unhurried time set apart"
         " before acting to seek the day's direction, and leaving undone the urgent that is"
         " not yours", (13,),
         ("a two-week fall in that share is feedback on current progress; changing how your"
          " day starts because of it is adjusting your process",),
         share_falling),
    Rule("feedback-due", "a partner not asked for feedback in two quarters", "hitt",
         "measure progress against business objectives, customer and employee"
         " satisfaction", (11,),
         ("asking the partner for their view is measuring their satisfaction with the"
          " partnership",),
         feedback_due),
)}


def candidates(facts: Facts) -> list[Candidate]:
    """Every contextual prompt that applies, in rule order, records answered in the
    last two weeks left out."""
    cutoff = (facts.day - dt.timedelta(days=ANSWERED_DAYS)).isoformat()
    out = []
    for rule in RULES.values():
        for c in rule.find(facts):
            if facts.answered.get(c.record, "") >= cutoff:
                continue
            out.append(c)
    return out


def select(found: list[Candidate], history: dict[str, tuple[str, str | None]],
           day: dt.date) -> tuple[Candidate | None, str]:
    """The day's contextual prompt, or ``None`` and why not.

    ``history`` maps earlier days (ISO) to the (kind, rule) recorded for them. At most one
    contextual prompt every other day unless something is overdue; never the same rule
    twice within three days; overdue candidates come first.
    """
    if not found:
        return None, "nothing in the journal calls for a contextual prompt today"
    recent_days = [(day - dt.timedelta(days=k)).isoformat() for k in range(1, REPEAT_DAYS)]
    used = {history[d][1] for d in recent_days if d in history}
    fresh = [c for c in found if c.rule not in used]
    if not fresh:
        rules = ", ".join(sorted({c.rule for c in found}))
        return None, f"{rules} already used in the last {REPEAT_DAYS} days"
    overdue = [c for c in fresh if c.overdue]
    if overdue:
        return overdue[0], "something is overdue"
    yesterday = history.get((day - dt.timedelta(days=1)).isoformat())
    if yesterday and yesterday[0] == "context":
        return None, "yesterday's prompt came from your journal (one every other day)"
    return fresh[0], ""
