"""``pj demo``: build the example quarter (package data) into a journal.

The example is written through the same use cases as the leader's own commands, so
the demo shows exactly what the product does with real input.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from importlib import resources

from ..quarters import Quarter, parse_quarter
from . import commitments as sc
from . import evaluation as se
from . import objectives as so
from . import partnerships as sp
from . import reflections as sr
from . import sessions as ss


def load_example() -> dict:
    text = resources.files("partnerjournal").joinpath("data/example_quarter.json").read_text(
        "utf-8"
    )
    return json.loads(text)


def _day(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


def build_demo(conn: sqlite3.Connection, today: dt.date) -> Quarter:
    """Write the example quarter into ``conn`` (an empty journal); returns its quarter."""
    data = load_example()
    quarter = parse_quarter(data["quarter"], today=today)
    # The example is told as seen from the end of its quarter.
    as_of = max(today, quarter.end)
    stamp = f"{quarter.end.isoformat()}T18:00:00+00:00"
    names = {}
    for p in data["partners"]:
        names[p["key"]] = p["name"]
        sp.add_partner(conn, p["name"], box_=p["box"], relation_=p["relation"],
                       note_=p.get("note"), now=stamp)

    def who(keys: list[str]) -> list[str]:
        return [names[k] for k in keys]

    for r in data["reflections"]:
        day = _day(r["date"])
        sr.add_reflection(
            conn, text=r["text"], day=day, now=f"{r['date']}T18:00:00+00:00", today=as_of,
            steps=r.get("steps"), partners=who(r.get("partners", [])), tags=r.get("tags"),
            prompt_id=r.get("prompt_id"), important_share=r.get("important_share"),
        )
    for s in data["sessions"]:
        ss.add_session(
            conn, names[s["partner"]], day=_day(s["date"]), today=as_of,
            minutes=s.get("minutes", 90), successes=s["successes"], objectives=s["objectives"],
            feedback=s["feedback"], now=stamp,
        )
    for c in data["commitments"]:
        saved = sc.add_commitment(
            conn, names[c["partner"]], c["text"], day=_day(c["date"]), today=as_of,
            due=_day(c["due"]) if c.get("due") else None, now=stamp,
        )
        if c["status"] != "open":
            sc.close_commitment(
                conn, saved.id, status=c["status"], day=_day(c["closed_on"]), today=as_of,
                now=stamp, reason=c.get("reason"),
            )
    for t in data["trust_checks"]:
        scores = {k: t[k] for k in ("credibility", "reliability", "intimacy", "self_orientation")}
        sc.add_trust_check(conn, names[t["partner"]], scores=scores, day=_day(t["date"]),
                           today=as_of, now=stamp)
    for s in data["stories"]:
        so.add_story(conn, s["text"], partners=who(s.get("partners", [])), impact=s.get("impact"),
                     day=_day(s["date"]), today=as_of, now=stamp)
    for o in data["objectives"]:
        target = o.get("target")
        so.add_objective(conn, o["name"], kind_=o["kind"], unit=o.get("unit"),
                         target=None if target is None else str(target),
                         lower_is_better=bool(o.get("lower_is_better")), now=stamp)
        for m in o["measurements"]:
            so.measure(conn, o["name"], str(m["value"]), day=_day(m["date"]), today=as_of,
                       note=m.get("note"), now=stamp)
    for e in data["evaluations"]:
        q = parse_quarter(e["quarter"], today=today)
        se.evaluate(
            conn, q, now=stamp,
            ratings={int(k): v for k, v in e["ratings"].items()},
            notes={int(k): v for k, v in e.get("notes", {}).items()},
            progress=e.get("progress"), feedback=e.get("feedback"),
            adjustments=e.get("adjustments"),
        )
    for p in data["partners"]:
        if p.get("archived_on"):
            sp.archive_partner(conn, p["name"], today=_day(p["archived_on"]),
                               now=f"{p['archived_on']}T18:00:00+00:00")
    return quarter
