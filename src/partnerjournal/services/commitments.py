"""The trust ledger: commitments made to partners and whether they were kept on time,
and trust checks with Maister's trust equation."""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass

from ..errors import Conflict, UsageError
from ..store import partnerships as sp
from ..store import transaction
from . import partnerships as ps
from . import validate

TRUST_FACTORS = ("credibility", "reliability", "intimacy", "self_orientation")


def _not_future(day: dt.date, today: dt.date, what: str) -> None:
    if day > today:
        raise UsageError(f"{what} {day} is in the future: give today or an earlier day")


# --- commitments ----------------------------------------------------------------------

def add_commitment(
    conn: sqlite3.Connection,
    partner_name: str,
    text: str,
    *,
    day: dt.date,
    today: dt.date,
    due: dt.date | None,
    now: str,
) -> sp.Commitment:
    """Record a promise made to a partner on ``day``, optionally with a due date."""
    partner = ps.require_partner(conn, partner_name)
    ps.require_active(partner)
    text = " ".join(validate.text(text, "the commitment").split())
    _not_future(day, today, "--date")
    if due is not None and due < day:
        raise UsageError(f"--due {due} is before the day it was promised ({day}): check the dates")
    with transaction(conn):
        cid = sp.insert_commitment(
            conn, partner_id=partner.id, date=day.isoformat(), text=text,
            due=due.isoformat() if due else None, now=now,
        )
    return sp.get_commitment(conn, cid)


def get_commitment(conn: sqlite3.Connection, cid: int) -> sp.Commitment:
    return validate.record_number(conn, cid, sp.get_commitment, "commitment",
                                  "pj commitment list")


def close_commitment(
    conn: sqlite3.Connection,
    cid: int,
    *,
    status: str,
    day: dt.date,
    today: dt.date,
    now: str,
    reason: str | None = None,
) -> sp.Commitment:
    """Mark an open commitment kept or dropped (with a reason) on ``day``."""
    c = get_commitment(conn, cid)
    if c.status != "open":
        raise Conflict(f"commitment #{c.id} is already {c.status} (on {c.closed_at}): nothing to do")
    _not_future(day, today, "--date")
    if day.isoformat() < c.date:
        raise UsageError(f"--date {day} is before commitment #{c.id} was made ({c.date})")
    if status == "dropped":
        reason = " ".join(validate.text(reason, "the reason").split())
    with transaction(conn):
        if not sp.close_commitment(
            conn, c.id, status=status, closed_at=day.isoformat(), reason=reason, now=now
        ):
            raise Conflict(f"commitment #{c.id} was closed meanwhile: see 'pj commitment list'")
    return sp.get_commitment(conn, c.id)


@dataclass
class Ledger:
    commitments: list[sp.Commitment]
    overall: ps.KeptRate
    by_partner: dict[str, ps.KeptRate]


def ledger(
    conn: sqlite3.Connection,
    today: dt.date,
    *,
    partner: str | None = None,
    only_open: bool = False,
    only_overdue: bool = False,
) -> Ledger:
    """Commitments (filtered) and the kept-on-time rate, overall and per partner, of
    the partners shown."""
    if only_open and only_overdue:
        raise UsageError("--open and --overdue overlap: overdue ones are open; give one of them")
    pid = ps.require_partner(conn, partner).id if partner is not None else None
    everything = sp.query_commitments(conn, partner_id=pid)
    day = today.isoformat()
    shown = everything
    if only_open:
        shown = [c for c in everything if c.status == "open"]
    elif only_overdue:
        shown = [c for c in everything if c.is_overdue(day)]
    by_partner: dict[str, list[sp.Commitment]] = {}
    for c in everything:
        by_partner.setdefault(c.partner, []).append(c)
    return Ledger(
        shown,
        ps.kept_rate(everything, today),
        {name: ps.kept_rate(cs, today) for name, cs in sorted(by_partner.items(), key=lambda kv: kv[0].casefold())},
    )


# --- trust checks ---------------------------------------------------------------------

def score(value: int | None, what: str) -> int:
    if value is None:
        raise UsageError(f"--{what.replace('_', '-')} is missing: give a score from 1 to 10")
    if not 1 <= value <= 10:
        raise UsageError(
            f"{what.replace('_', '-')} {value} is outside 1–10: give a whole number from 1 to 10"
        )
    return value


@dataclass
class TrustResult:
    check: sp.TrustCheck
    previous: sp.TrustCheck | None

    @property
    def change(self) -> float | None:
        if self.previous is None:
            return None
        from ..models import trust_change

        return trust_change(self.check.factors, self.previous.factors)

    def as_json(self) -> dict:
        return {
            **self.check.as_json(),
            "previous": None if self.previous is None else {
                "date": self.previous.date, "score": self.previous.score
            },
            "change": self.change,
        }


def latest_trust(conn: sqlite3.Connection, partner_name: str) -> TrustResult | None:
    """The partner's latest trust check and the one before it, without writing;
    ``None`` when the leader has not rated the partnership yet."""
    partner = ps.require_partner(conn, partner_name)
    history = sp.trust_checks_of(conn, partner.id)  # by date, then id
    if not history:
        return None
    return TrustResult(history[-1], history[-2] if len(history) > 1 else None)


def add_trust_check(
    conn: sqlite3.Connection,
    partner_name: str,
    *,
    scores: dict[str, int | None],
    day: dt.date,
    today: dt.date,
    now: str,
) -> TrustResult:
    """Store a trust check and compare it with the one before it for that partner.

    Trust = (credibility + reliability + intimacy) / self-orientation, each 1–10.
    """
    partner = ps.require_partner(conn, partner_name)
    ps.require_active(partner)
    checked = {k: score(scores.get(k), k) for k in TRUST_FACTORS}
    _not_future(day, today, "--date")
    with transaction(conn):
        tid = sp.insert_trust_check(
            conn, partner_id=partner.id, date=day.isoformat(), now=now, **checked
        )
    history = sp.trust_checks_of(conn, partner.id)  # by date, then id
    at = next(i for i, t in enumerate(history) if t.id == tid)
    return TrustResult(history[at], history[at - 1] if at > 0 else None)
