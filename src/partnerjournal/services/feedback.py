"""The partner's view: the feedback survey handed to a partner, the answers that came
back, and their gap to the leader's own trust checks (see ``partner_view``)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass, field

from ..errors import UsageError
from ..partner_view import ANSWERS, SCORES, TERMS, gaps, label, largest_gap
from ..store import feedback as sf
from ..store import partnerships as sp
from ..store import transaction
from . import partnerships as ps
from . import validate

LEADER_NAME_KEY = "your-name"  # the setting the survey signs with (pj config)
ANSWER_MAX = 5000


# --- checks ---------------------------------------------------------------------------

def score(value: int | None, term: str) -> int | None:
    """A 1-10 answer, or ``None`` when the partner skipped it."""
    if value is None:
        return None
    if not 1 <= value <= 10:
        raise UsageError(
            f"{label(term)} {value} is outside 1–10: give a whole number from 1 to 10,"
            " or leave it out if the partner skipped it"
        )
    return value


def answer(value: str | None, what: str) -> str:
    """An open answer; empty when the partner left it blank."""
    if value is None or not value.strip():
        return ""
    text = validate.text(value, what)
    if len(text) > ANSWER_MAX:
        raise UsageError(f"{what} is longer than {ANSWER_MAX} characters: shorten it")
    return text


def _not_future(day: dt.date, today: dt.date) -> None:
    if day > today:
        raise UsageError(f"--date {day} is in the future: record feedback once it came back")


def _require_something(scores: dict[str, int | None], texts: dict[str, str]) -> None:
    if all(v is None for v in scores.values()) and not any(texts.values()):
        raise UsageError(
            "the form is empty: give at least one score (--credibility, --reliability,"
            " --intimacy, --self-orientation, --satisfaction) or an answer (--keep, --change)"
        )


# --- records --------------------------------------------------------------------------

def add_feedback(
    conn: sqlite3.Connection,
    partner_name: str,
    *,
    scores: dict[str, int | None],
    keep: str | None,
    change: str | None,
    day: dt.date,
    today: dt.date,
    now: str,
) -> sf.Feedback:
    """Record what a partner answered on the survey; any term may be missing, but not
    all of them."""
    partner = ps.require_partner(conn, partner_name)
    ps.require_active(partner)
    checked = {k: score(scores.get(k), k) for k in SCORES}
    texts = {"keep": answer(keep, "the answer to 'keep doing'"),
             "change": answer(change, "the answer to 'change'")}
    _require_something(checked, texts)
    _not_future(day, today)
    with transaction(conn):
        fid = sf.insert_feedback(conn, partner_id=partner.id, date=day.isoformat(),
                                 scores=checked, now=now, **texts)
    return sf.get_feedback(conn, fid)


def get_feedback(conn: sqlite3.Connection, fid: int) -> sf.Feedback:
    return validate.record_number(conn, fid, sf.get_feedback, "feedback", "pj feedback list")


def edit_feedback(
    conn: sqlite3.Connection,
    fid: int,
    *,
    scores: dict[str, int | None],
    keep: str | None = None,
    change: str | None = None,
    clear: list[str] | None = None,
    day: dt.date | None = None,
    today: dt.date,
    now: str,
) -> sf.Feedback:
    """Change the terms or answers given; ``clear`` names terms or answers to empty."""
    current = get_feedback(conn, fid)
    fields: dict[str, object] = {}
    for term in clear or []:
        key = term.strip().lower().replace("-", "_")
        if key not in (*SCORES, *ANSWERS):
            known = ", ".join(label(k) for k in (*SCORES, *ANSWERS))
            raise UsageError(f"--clear {term!r} is not one of {known}")
        fields[key] = "" if key in ANSWERS else None
    for key in SCORES:
        if scores.get(key) is not None:
            if key in fields:
                raise UsageError(f"--{label(key)} and --clear {label(key)} contradict: give one")
            fields[key] = score(scores[key], key)
    for key, value in (("keep", keep), ("change", change)):
        if value is not None:
            if key in fields:
                raise UsageError(f"--{key} and --clear {key} contradict: give one")
            fields[key] = answer(value, f"the answer to '{key}'")
    if day is not None:
        _not_future(day, today)
        fields["date"] = day.isoformat()
    if not fields:
        raise UsageError(
            "nothing to change: give a score (--credibility ... --satisfaction), --keep,"
            " --change, --date or --clear TERM"
        )
    after = {k: fields.get(k, getattr(current, k)) for k in (*SCORES, *ANSWERS)}
    _require_something({k: after[k] for k in SCORES}, {k: after[k] for k in ANSWERS})
    with transaction(conn):
        sf.update_feedback(conn, current.id, updated_at=now, **fields)
    return sf.get_feedback(conn, current.id)


def delete_feedback(conn: sqlite3.Connection, fid: int) -> sf.Feedback:
    current = get_feedback(conn, fid)
    with transaction(conn):
        sf.delete_feedback(conn, current.id)
    return current


def list_feedback(conn: sqlite3.Connection, partner: str | None = None) -> list[sf.Feedback]:
    """Feedback records, oldest first, of one partner or all."""
    pid = ps.require_partner(conn, partner).id if partner is not None else None
    return sf.query_feedback(conn, partner_id=pid)


# --- the gap --------------------------------------------------------------------------

@dataclass
class Comparison:
    """One feedback beside one of the leader's trust checks (or none)."""

    feedback: sf.Feedback
    check: sp.TrustCheck | None
    gaps: dict[str, int | None] = field(default_factory=dict)

    @property
    def largest(self) -> str | None:
        return largest_gap(self.gaps)

    @property
    def score_gap(self) -> float | None:
        theirs = self.feedback.score
        if theirs is None or self.check is None:
            return None
        return theirs - self.check.score  # exact; screens round it

    def as_json(self) -> dict:
        return {
            "feedback": self.feedback.as_json(),
            "self_rating": None if self.check is None else {
                "date": self.check.date, **{t: getattr(self.check, t) for t in TERMS},
                "score": self.check.score,
            },
            "gap": {**self.gaps,
                    "score": self.score_gap},
            "largest_gap": self.largest,
        }


def compare(feedback: sf.Feedback, check: sp.TrustCheck | None) -> Comparison:
    mine = None if check is None else {t: getattr(check, t) for t in TERMS}
    return Comparison(feedback, check, gaps(mine, feedback.terms))


def latest_view(
    conn: sqlite3.Connection, check: sp.TrustCheck, today: dt.date
) -> Comparison | None:
    """The partner's latest feedback (up to today) beside the leader's check ``check``."""
    latest = sf.latest_feedback(conn, check.partner_id, today.isoformat())
    return None if latest is None else compare(latest, check)


def history(conn: sqlite3.Connection, partner_id: int) -> list[Comparison]:
    """Every feedback of a partner, oldest first, each beside the leader's latest trust
    check on or before the feedback's day (none if the leader had not rated yet)."""
    checks = sp.trust_checks_of(conn, partner_id)  # by date, then id
    out = []
    for f in sf.query_feedback(conn, partner_id=partner_id):
        earlier = [c for c in checks if c.date <= f.date]
        out.append(compare(f, earlier[-1] if earlier else None))
    return out


# --- the survey -----------------------------------------------------------------------

@dataclass
class SurveyForm:
    """What the survey may show: nothing from the journal beyond these three."""

    partner: str
    leader: str | None
    date: dt.date


def survey_form(conn: sqlite3.Connection, partner_name: str, today: dt.date) -> SurveyForm:
    partner = ps.require_partner(conn, partner_name)
    _, leader, _ = ps.get_setting(conn, LEADER_NAME_KEY)
    return SurveyForm(partner.name, leader or None, today)

