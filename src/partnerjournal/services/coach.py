"""The day's prompt: built from the journal by the coach's rules, or taken from the
catalog by phase balance, and kept for the day so it stays the same all day."""

from __future__ import annotations

import datetime as dt
import sqlite3
from typing import NamedTuple

from .. import coach
from ..catalog import Source, load_catalog, phase_of
from ..errors import JournalError, UsageError
from ..store import coach as sc
from ..store import journal as sj
from ..store import transaction
from ..store.evaluations import get_evaluation
from . import prompts as sp
from . import quarters as jq

SETTING_KEY = "contextual-prompts"
ON, OFF = "on", "off"
_WORDS = {"on": ON, "yes": ON, "true": ON, "1": ON, "off": OFF, "no": OFF, "false": OFF, "0": OFF}

# Used when the catalog no longer holds a rule's source under the same key.
_FALLBACK_SOURCES = {
    "hitt": Source("hitt", "Justin Hitt", "How to Get Started Earning Internal Partnerships"
                   " for Greater Corporate Stability"),
    "maister": Source("maister", "David Maister, Charles Green & Robert Galford",
                      "The Trusted Advisor"),
    "hummel": Source("hummel", "Charles Hummel", "Tyranny of the Urgent"),
}


def parse_setting(value: str) -> str:
    """``on`` or ``off`` (also yes/no, true/false, 1/0)."""
    found = _WORDS.get(value.strip().lower())
    if found is None:
        raise UsageError(f"contextual-prompts {value!r} is not on or off: give on or off")
    return found


def enabled(conn: sqlite3.Connection) -> bool:
    return sj.get_setting(conn, SETTING_KEY, ON) != OFF


class DayPrompt(NamedTuple):
    """The prompt shown for a day, whichever way it was chosen."""

    kind: str  # "catalog" or "context"
    id: str
    text: str
    steps: tuple[int, ...]
    why: tuple[str, ...]  # one line per step, when known
    source: Source
    reason: str  # why it was chosen, for --explain
    rule: str | None = None
    record: str | None = None
    about: str | None = None  # the record in a few words (--explain; not in the JSON,
    # since a kept pick names its record from the journal as it is now)
    idea: str | None = None  # the source's idea a contextual prompt draws on
    custom: bool = False
    # how the choice fell today (kept earlier, overdue, why no contextual prompt): said
    # by --explain only, so the JSON of a day's prompt is the same all day
    note: str = ""

    @property
    def phase(self) -> str:
        return phase_of(self.steps[0])

    def as_json(self) -> dict:
        return {
            "id": self.id,
            "text": self.text,
            "steps": list(self.steps),
            "phase": self.phase,
            "source": {"key": self.source.key, "author": self.source.author,
                       "work": self.source.work},
            "custom": self.custom,
            "kind": self.kind,
            "rule": self.rule,
            "record": self.record,
            "idea": self.idea,
            # one entry per claimed step, as 'pj prompts --json' gives them
            "why": [{"step": s, "why": self.why[i] if i < len(self.why) else None}
                    for i, s in enumerate(self.steps)],
            "reason": self.reason,
        }


def _source(key: str) -> Source:
    return load_catalog().sources.get(key) or _FALLBACK_SOURCES[key]


def rule_source(rule_id: str) -> Source:
    """The source a rule draws on (author and work)."""
    return _source(coach.RULES[rule_id].source)


def from_catalog(prompt, reason: str, note: str = "") -> DayPrompt:
    why = tuple(getattr(prompt, "why", ()) or ())
    return DayPrompt("catalog", prompt.id, prompt.text, tuple(prompt.steps), why,
                     prompt.source, reason, custom=prompt.custom, note=note)


def from_rule(rule_id: str, record: str, text: str, about: str | None,
              note: str = "") -> DayPrompt:
    rule = coach.RULES[rule_id]
    return DayPrompt("context", coach.RULE_PREFIX + rule_id, text, rule.steps, rule.why,
                     _source(rule.source), f"rule {rule_id}: {rule.situation}", rule=rule_id,
                     record=record, about=about, idea=rule.idea, note=note)


# --- gathering what the rules read ----------------------------------------------------

def gather(conn: sqlite3.Connection, day: dt.date) -> coach.Facts:
    """The facts the rules read for ``day``: a few bounded, indexed queries."""
    q = jq.current(conn, day)
    iso = day.isoformat()
    facts = coach.Facts(day=day, quarter=str(q), quarter_start=q.start, quarter_end=q.end)
    facts.partners = sc.active_partners(conn)
    facts.met = sc.partners_met_between(conn, q.start.isoformat(), iso)
    facts.last_sessions = sc.last_sessions(conn, iso, facts.met)
    facts.trust = sc.latest_trust_checks(conn, iso)
    facts.feedback = sc.latest_feedbacks(conn, iso)
    facts.last_asked = sc.partners_last_asked(conn, iso)
    soon = (day + dt.timedelta(days=coach.COMMITMENT_DAYS)).isoformat()
    facts.commitments = sc.commitments_due(conn, soon)
    facts.objectives = sc.objectives(conn, iso)
    window = min(q.start, day - dt.timedelta(days=coach.QUIET_PARTNER_DAYS)).isoformat()
    facts.last_named = sc.partners_last_named(conn, window, iso)
    for p in facts.partners:
        if p.id not in facts.last_named and p.created < window:
            found = sc.last_named_before(conn, p.id, window)
            if found:
                facts.last_named[p.id] = found
    facts.shares = sc.important_shares(
        conn, (day - dt.timedelta(days=13)).isoformat(), iso)
    answered_from = min(q.start, day - dt.timedelta(days=coach.ANSWERED_DAYS)).isoformat()
    facts.answered = sc.answered_records(conn, answered_from, iso)
    facts.adjustments = _open_adjustments(conn, q, day, facts.answered)
    return facts


def _open_adjustments(conn, q, day: dt.date, answered: dict[str, str]) -> list[coach.AdjustmentFact]:
    previous = get_evaluation(conn, str(q.previous()))
    if not previous or not previous["adjustments"]:
        return []
    current = get_evaluation(conn, str(q))
    ratings = current["ratings"] if current else {}
    before = previous["ratings"]
    counts = sj.step_counts(conn, q.start.isoformat(), day.isoformat())
    out = []
    for a in previous["adjustments"]:
        steps = tuple(a["steps"])
        since = sum(counts.get(s, 0) for s in steps)
        changes = [ratings[s]["rating"] - before[s]["rating"]
                   for s in steps if s in ratings and s in before]
        acted = coach.adjustment_acted_on(steps, since, sum(changes) if changes else None)
        # a reflection written this quarter to a prompt about it counts as acting on it
        if answered.get(f"adjustment:{a['uid']}", "") >= q.start.isoformat():
            acted = True
        out.append(coach.AdjustmentFact(a["uid"], previous["quarter"], a["text"], steps, acted))
    return out


# --- choosing ---------------------------------------------------------------------------

KEPT = "chosen earlier today and kept, so the day's prompt stays the same all day"
BALANCE = "from the catalog by phase balance: "


def choose(conn: sqlite3.Connection, day: dt.date, *, context: bool = True) -> DayPrompt:
    """The prompt for ``day``: the one kept for it, or a fresh choice (not kept)."""
    kept = sc.coach_day(conn, day.isoformat())
    if kept is not None:
        restored = _restore(conn, day, kept, context)
        if restored is not None:
            return restored
    not_context = "contextual prompts are off"
    if context:
        found = coach.candidates(gather(conn, day))
        start = (day - dt.timedelta(days=coach.REPEAT_DAYS - 1)).isoformat()
        history = sc.coach_history(conn, start, (day - dt.timedelta(days=1)).isoformat())
        picked, not_context = coach.select(found, history, day)
        if picked is not None:
            why = not_context or ("something is overdue" if picked.overdue else
                                  "at most one contextual prompt every other day")
            return from_rule(picked.rule, picked.record, picked.text, picked.about, why)
    prompt, balance = sp.catalog_pick(conn, day)
    return from_catalog(prompt, BALANCE + balance,
                        f"no contextual prompt: {not_context}" if context else "")


def _restore(conn: sqlite3.Connection, day: dt.date, kept: dict, context: bool) -> DayPrompt | None:
    """The day's kept pick, or ``None`` when it cannot be shown as kept."""
    if kept["kind"] == "context":
        if not context or kept["rule"] not in coach.RULES:
            return None
        about = sc.describe_record(conn, kept["record"]) if kept["record"] else None
        return from_rule(kept["rule"], kept["record"], kept["text"], about, KEPT)
    prompt = sp.catalog_with_custom(conn).prompt(kept["prompt_id"])
    if prompt is None:
        return None
    balance = sp.balance_reason(sp.practice_counts(conn, day), prompt)
    return from_catalog(prompt, BALANCE + balance, KEPT)


def keep(conn: sqlite3.Connection, day: dt.date, pick: DayPrompt, now: str) -> None:
    """Record the day's pick (call inside a transaction); the first one kept stays."""
    sc.record_coach_day(conn, day.isoformat(), kind=pick.kind, prompt_id=pick.id,
                        rule=pick.rule, record=pick.record, text=pick.text,
                        steps=list(pick.steps), now=now)


def day_prompt(conn: sqlite3.Connection, day: dt.date, *, today: dt.date, now: str,
               context: bool = True, keep_it: bool = True) -> DayPrompt:
    """The day's prompt, kept when ``day`` is today and the journal can be written (a
    read-only journal still gets its prompt; other days are never written)."""
    pick = choose(conn, day, context=context)
    if day == today and keep_it:
        try:
            with transaction(conn):
                keep(conn, day, pick, now)
        except (sqlite3.OperationalError, JournalError):
            pass  # read-only or busy: the prompt is still shown, just not kept
    return pick


def resolve(conn: sqlite3.Connection, prompt_id: str, day: dt.date) -> DayPrompt | None:
    """The contextual prompt ``coach:RULE`` of ``day``; ``None`` for a catalog id."""
    if not prompt_id.startswith(coach.RULE_PREFIX):
        return None
    rule = prompt_id[len(coach.RULE_PREFIX):]
    if rule not in coach.RULES:
        raise UsageError(
            f"no contextual rule {rule!r}: the rules are {', '.join(coach.RULES)}"
        )
    pick = choose(conn, day)
    if pick.rule != rule:
        raise UsageError(
            f"{prompt_id} is not the prompt of {day.isoformat()}: see 'pj prompt --date"
            f" {day.isoformat()}' for that day's prompt"
        )
    return pick


def answered_today(conn: sqlite3.Connection, day: dt.date, pick: DayPrompt) -> tuple[list[int], bool]:
    """(ids of the reflections written on ``day``, whether one answers ``pick``)."""
    rows = sc.answered_on(conn, day.isoformat())
    ids = [r[0] for r in rows]
    if pick.kind == "context":
        return ids, any(r[2] == pick.record for r in rows)
    return ids, any(r[1] == pick.id for r in rows)


def next_prompt(conn: sqlite3.Connection, day: dt.date, pick: DayPrompt) -> DayPrompt:
    """Another catalog prompt for a day whose prompt is already answered."""
    used = {r[1] for r in sc.answered_on(conn, day.isoformat()) if r[1]} | {pick.id}
    prompt, balance = sp.catalog_pick(conn, day, exclude=used)
    return from_catalog(prompt, BALANCE + balance,
                        "the day's prompt is already answered: this is the next one")


def first_run(conn: sqlite3.Connection) -> bool:
    return not sc.has_reflections(conn)


def describe(conn: sqlite3.Connection, record: str) -> str:
    """A record ("kind:uid") in a few words, with its id; just the id when it is gone."""
    found = sc.describe_record(conn, record)
    return f"{found} ({record})" if found else record
