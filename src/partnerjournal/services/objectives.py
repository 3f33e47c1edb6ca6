"""Objectives and their measurements (steps 5 and 11: measure progress toward business
objectives, customer and employee satisfaction), and collaboration stories (seed 000:
celebrate them)."""

from __future__ import annotations

import datetime as dt
import math
import sqlite3
from dataclasses import dataclass

from ..errors import Conflict, NotFound, UsageError
from ..models import OBJECTIVE_KINDS
from ..store import journal as sj
from ..store import partnerships as sp
from ..store import transaction
from . import quarters as jq
from . import validate

MAX_VALUE = 1e15
UNIT_MAX = 20


def format_number(x: float) -> str:
    """``4.0`` as ``4``, ``0.1 + 0.2`` as ``0.3``: numbers as people write them."""
    if float(x).is_integer() and abs(x) < MAX_VALUE:
        return str(int(x))
    return repr(round(x, 4))


def number(text: str | float, what: str) -> float:
    """A finite number a leader typed (``12``, ``-3.5``, ``1e3``)."""
    try:
        value = float(str(text).strip().replace("_", ""))
    except ValueError:
        raise UsageError(f"{what} {text!r} is not a number: write it like 42 or 3.5") from None
    if not math.isfinite(value) or abs(value) >= MAX_VALUE:
        raise UsageError(f"{what} {text!r} is not a usable number: give a finite value")
    return value


def kind(value: str) -> str:
    key = value.strip().lower()
    if key not in OBJECTIVE_KINDS:
        raise UsageError(f"kind {value!r} is not one of {', '.join(OBJECTIVE_KINDS)}")
    return key


def _unit(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    cleaned = validate.name(value, "unit")
    if len(cleaned) > UNIT_MAX:
        raise UsageError(f"the unit is longer than {UNIT_MAX} characters: shorten it")
    return cleaned


@dataclass
class ObjectiveStatus:
    objective: sp.Objective

    @property
    def latest(self) -> sp.Measurement | None:
        return self.objective.measurements[-1] if self.objective.measurements else None

    @property
    def previous(self) -> sp.Measurement | None:
        ms = self.objective.measurements
        return ms[-2] if len(ms) > 1 else None

    @property
    def trend(self) -> str | None:
        """``up``, ``down`` or ``flat`` since the measurement before the latest."""
        if self.latest is None or self.previous is None:
            return None
        if self.latest.value > self.previous.value:
            return "up"
        return "down" if self.latest.value < self.previous.value else "flat"

    @property
    def improving(self) -> bool | None:
        if self.trend in (None, "flat"):
            return None
        return (self.trend == "down") == self.objective.lower_is_better

    @property
    def to_target(self) -> float | None:
        """How far the latest value is from the target (0 once it is met)."""
        o = self.objective
        if o.target is None or self.latest is None:
            return None
        gap = self.latest.value - o.target if o.lower_is_better else o.target - self.latest.value
        return max(gap, 0.0)

    @property
    def met(self) -> bool | None:
        return None if self.to_target is None else self.to_target == 0

    def _value(self, x: float) -> str:
        unit = self.objective.unit
        if not unit:
            return format_number(x)
        return f"{format_number(x)}{unit}" if unit == "%" else f"{format_number(x)} {unit}"

    def summary(self) -> str:
        """One line: name, kind, latest value, trend, distance to target."""
        o = self.objective
        parts = [f"{o.name} ({o.kind})"]
        if self.latest is None:
            parts.append("not measured yet")
        else:
            parts.append(f"latest {self._value(self.latest.value)} on {self.latest.date}")
        if self.trend:
            arrow = {"up": "↑", "down": "↓", "flat": "→"}[self.trend]
            word = {True: " better", False: " worse", None: ""}[self.improving]
            parts.append(f"trend {arrow}{word}")
        if o.target is not None:
            target = f"target {'≤' if o.lower_is_better else '≥'} {self._value(o.target)}"
            if self.met:
                target += ", met"
            elif self.to_target is not None:
                target += f", {self._value(self.to_target)} to go"
            parts.append(target)
        return " · ".join(parts)

    def as_json(self) -> dict:
        o = self.objective
        latest = self.latest
        return {
            "name": o.name,
            "uid": o.uid,
            "kind": o.kind,
            "unit": o.unit,
            "target": o.target,
            "lower_is_better": o.lower_is_better,
            "latest": None if latest is None else {"value": latest.value, "date": latest.date},
            "trend": self.trend,
            "improving": self.improving,
            "to_target": self.to_target,
            "met": self.met,
            "measurements": [m.as_json() for m in o.measurements],
            "created_at": o.created_at,
            "updated_at": o.updated_at,
        }


def add_objective(
    conn: sqlite3.Connection,
    name: str,
    *,
    kind_: str,
    unit: str | None,
    target: str | None,
    lower_is_better: bool,
    now: str,
) -> sp.Objective:
    cleaned = validate.name(name, "objective name")
    fields = {
        "kind": kind(kind_),
        "unit": _unit(unit),
        "target": number(target, "--target") if target is not None else None,
        "lower_is_better": lower_is_better,
    }
    existing = sp.find_objective(conn, cleaned)
    if existing is not None:
        raise Conflict(f"an objective called {existing.name} already exists: measure it with"
                       f" pj objective measure \"{existing.name}\" VALUE")
    with transaction(conn):
        sp.insert_objective(conn, name=cleaned, now=now, **fields)
    return sp.find_objective(conn, cleaned)


def measure(
    conn: sqlite3.Connection,
    name: str,
    value: str,
    *,
    day: dt.date,
    today: dt.date,
    note: str | None,
    now: str,
) -> ObjectiveStatus:
    """Record one measurement of an objective on ``day``."""
    cleaned = validate.name(name, "objective name")
    objective = sp.find_objective(conn, cleaned)
    if objective is None:
        raise NotFound(
            f"no objective named {cleaned!r}: add it with pj objective add \"{cleaned}\""
            " --kind business|customer|employee"
        )
    amount = number(value, "value")
    if day > today:
        raise UsageError(f"--date {day} is in the future: record a measurement once taken")
    note = " ".join(validate.text(note, "the note").split()) if note and note.strip() else None
    with transaction(conn):
        sp.insert_measurement(
            conn, objective_id=objective.id, date=day.isoformat(), value=amount, note=note, now=now
        )
    return next(s for s in objective_statuses(conn) if s.objective.id == objective.id)


def objective_statuses(conn: sqlite3.Connection) -> list[ObjectiveStatus]:
    return [ObjectiveStatus(o) for o in sp.list_objectives(conn)]


# --- stories --------------------------------------------------------------------------

@dataclass
class StorySaved:
    story: sp.Story
    created_partners: list[str]


def add_story(
    conn: sqlite3.Connection,
    text: str,
    *,
    partners: list[str] | None,
    impact: str | None,
    day: dt.date,
    today: dt.date,
    now: str,
) -> StorySaved:
    """Keep a story of collaboration; partners not yet in the journal are added."""
    text = validate.text(text, "the story")
    names = validate.names(partners)
    impact = validate.text(impact, "the impact") if impact is not None and impact.strip() else None
    if day > today:
        raise UsageError(f"--date {day} is in the future: tell the story once it has happened")
    with transaction(conn):
        ids, created = sj.ensure_partners(conn, names, now)
        sid = sp.insert_story(
            conn, date=day.isoformat(), text=text, impact=impact, partner_ids=ids, now=now
        )
    story = next(s for s in sp.query_stories(conn, start=day.isoformat(), end=day.isoformat())
                 if s.id == sid)
    return StorySaved(story, created)


def list_stories(
    conn: sqlite3.Connection, today: dt.date, quarter: str | None = None, everything: bool = False
) -> tuple[str, list[sp.Story]]:
    """Stories of one quarter (the current one by default), or all of them."""
    if everything:
        if quarter is not None:
            raise UsageError("--all and --quarter contradict each other: give one of them")
        return "all", sp.query_stories(conn)
    q = jq.resolve(conn, quarter, today)
    return str(q), sp.query_stories(conn, start=q.start.isoformat(), end=q.end.isoformat())
