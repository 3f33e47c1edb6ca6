"""Quarterly partnership sessions: pj session add/due/prep, and the date proposals."""

from __future__ import annotations

import datetime as dt
import os
import stat

import pytest
from conftest import FIXED_TODAY, snapshot

from partnerjournal.catalog import load_catalog
from partnerjournal.context import Env
from partnerjournal.services.sessions import propose_dates, weekdays

TODAY = dt.date.fromisoformat(FIXED_TODAY)  # Monday 2026-11-23, in calendar 2026Q4


def failed(r, code: int) -> None:
    assert r.exit_code == code, r
    assert r.stderr.startswith("pj: error: ") and r.stderr.count("\n") == 1, r


def session(pj, partner, date, feedback="More notice on changes", **extra):
    args = ["session", "add", partner, "--date", date, "--successes", "Shared the cost win",
            "--objectives", "Unit cost", "--feedback", feedback]
    for k, v in extra.items():
        args += [f"--{k}", str(v)]
    r = pj(*args)
    assert r.exit_code == 0, r
    return r


@pytest.fixture
def partners(pj):
    for name, box, rel in [("Maria Lopez", "managers", "direct"), ("Ana", "leadership", "influential"),
                           ("Sam", "teams", "guidance"), ("Lee", "employees", "guidance")]:
        assert pj("partner", "add", name, "--box", box, "--relation", rel).exit_code == 0


@pytest.fixture
def terminal(monkeypatch):
    """Pretend standard input is a terminal, so the questions are asked."""
    monkeypatch.setattr(Env, "stdin_is_terminal", property(lambda self: True))


# --- add ------------------------------------------------------------------------------

def test_add_with_flags(pj, partners):
    r = session(pj, "maria lopez", "2026-11-20", minutes=75)
    assert r.stdout == "Saved session #1 with Maria Lopez on 2026-11-20 · 1 of 4 partnerships met in 2026Q4\n"
    s = pj("partner", "show", "Maria Lopez", "--json").json()["sessions"]
    assert [(x["date"], x["minutes"], x["successes"], x["objectives"], x["feedback"]) for x in s] == [
        ("2026-11-20", 75, "Shared the cost win", "Unit cost", "More notice on changes")
    ]


def test_minutes_default_to_ninety(pj, partners):
    session(pj, "Ana", "2026-11-02")
    assert pj("partner", "show", "Ana", "--json").json()["sessions"][0]["minutes"] == 90


def test_missing_texts_off_a_terminal_name_the_flags(pj, db, partners):
    before = snapshot(db)
    r = pj("session", "add", "Ana", "--successes", "x")
    failed(r, 2)
    assert "--objectives, --feedback" in r.stderr and "--successes" not in r.stderr
    assert snapshot(db) == before


def test_asks_the_three_questions_on_a_terminal(pj, partners, terminal):
    r = pj("session", "add", "Sam", "--date", "2026-11-10",
           input="Launch went well\nHiring plan\nWants earlier drafts\n")
    assert r.exit_code == 0, r
    s = pj("partner", "show", "Sam", "--json").json()["sessions"][0]
    assert (s["successes"], s["objectives"], s["feedback"]) == (
        "Launch went well", "Hiring plan", "Wants earlier drafts")


def test_end_of_input_cancels_and_changes_nothing(pj, db, partners, terminal):
    before = snapshot(db)
    r = pj("session", "add", "Sam", input="Launch went well\n")
    failed(r, 1)
    assert "cancelled; nothing was changed" in r.stderr
    assert snapshot(db) == before


def test_unknown_partner_is_asked_nothing(pj, db, partners, terminal):
    before = snapshot(db)
    r = pj("session", "add", "Nobody", input="a\nb\nc\n")
    failed(r, 1)
    assert "no partner named 'Nobody'" in r.stderr and "pj partner add" in r.stderr
    assert "Successes" not in r.stdout
    assert snapshot(db) == before


@pytest.mark.parametrize(
    "args, words",
    [
        (["--date", "2026-11-24"], "in the future"),
        (["--date", "2026/11/01"], "not a valid date"),
        (["--date", "2026-02-30"], "not a valid date"),
        (["--minutes", "0"], "--minutes 0"),
        (["--minutes", "1441"], "--minutes 1441"),
        (["--feedback", "   "], "feedback gathered is empty"),
    ],
)
def test_bad_session_changes_nothing(pj, db, partners, args, words):
    before = snapshot(db)
    base = {"--successes": "a", "--objectives": "b", "--feedback": "c"}
    flat = [x for k, v in base.items() if k not in args for x in (k, v)]
    r = pj("session", "add", "Ana", *flat, *args)
    failed(r, 2)
    assert words in r.stderr
    assert snapshot(db) == before


# --- due ------------------------------------------------------------------------------

def test_due_lists_partners_without_a_session_and_spreads_dates(pj, partners):
    session(pj, "Maria Lopez", "2026-10-05")
    session(pj, "Sam", "2026-09-20")  # last quarter: Sam is due again
    due = pj("session", "due", "--json").json()
    assert [d["partner"] for d in due] == ["Ana", "Lee", "Sam"]  # never met first, then longest
    dates = [dt.date.fromisoformat(d["proposed_date"]) for d in due]
    assert all(d.weekday() < 5 and TODAY <= d <= dt.date(2026, 12, 31) for d in dates)
    assert dates == sorted(dates) and len(set(dates)) == 3
    gaps = [(b - a).days for a, b in zip(dates, dates[1:])]
    assert max(gaps) - min(gaps) <= 3  # evenly spaced (weekends shift a day or two)
    assert due[2]["last_session"] == "2026-09-20"
    text = pj("session", "due").stdout
    assert text.startswith("Sessions due in 2026Q4 (3, 29 weekdays left):")
    assert "never met" in text and "last 2026-09-20" in text


def test_due_skips_archived_partners(pj, partners):
    pj("partner", "archive", "Lee")
    assert "Lee" not in [d["partner"] for d in pj("session", "due", "--json").json()]


def test_nothing_due_when_everyone_met(pj, partners):
    for name in ("Maria Lopez", "Ana", "Sam", "Lee"):
        session(pj, name, "2026-11-02")
    r = pj("session", "due")
    assert r.exit_code == 0 and r.stdout == "" and "Every active partner" in r.stderr
    assert pj("session", "due", "--json").json() == []


def test_nothing_due_without_partners(pj):
    r = pj("session", "due")
    assert r.exit_code == 0 and r.stdout == "" and "pj partner add" in r.stderr
    assert pj("session", "due", "--json").json() == []


def test_future_quarter_proposes_from_its_start(pj, partners):
    due = pj("session", "due", "--quarter", "2027Q1", "--json").json()
    dates = [dt.date.fromisoformat(d["proposed_date"]) for d in due]
    assert len(dates) == 4
    assert all(dt.date(2027, 1, 1) <= d <= dt.date(2027, 3, 31) and d.weekday() < 5 for d in dates)
    assert dates[0] < dt.date(2027, 1, 20) and dates[-1] > dt.date(2027, 3, 1)


def test_past_quarter_proposes_nothing(pj, partners):
    r = pj("session", "due", "--quarter", "last", "--json")
    assert r.exit_code == 0 and r.json() == []
    assert "2026Q3 is over" in r.stderr
    r = pj("session", "due", "--quarter", "2026-Q1")
    assert r.exit_code == 0 and r.stdout == "" and "2026Q1 is over" in r.stderr


@pytest.mark.parametrize("quarter", ["2026Q5", "26Q1", "next", "2026Q0"])
def test_bad_quarter(pj, partners, quarter):
    r = pj("session", "due", "--quarter", quarter)
    failed(r, 2)
    assert "quarter" in r.stderr


def test_fiscal_year_from_april_moves_the_quarter_boundaries(pj, partners):
    assert pj("config", "set", "fiscal-year-start", "April").exit_code == 0
    # Fiscal 2026Q3 runs 2026-10-01 .. 2026-12-31; 2026-09-30 closes 2026Q2.
    session(pj, "Maria Lopez", "2026-09-30")
    session(pj, "Ana", "2026-10-01")
    due = [d["partner"] for d in pj("session", "due", "--json").json()]
    assert due == ["Lee", "Sam", "Maria Lopez"]
    assert "Sessions due in 2026Q3" in pj("session", "due").stdout
    q2 = pj("session", "due", "--quarter", "2026Q2", "--json")
    assert q2.json() == [] and "2026Q2 is over" in q2.stderr
    # Fiscal 2026Q4 is January to March 2027.
    dates = [d["proposed_date"] for d in pj("session", "due", "-q", "2026Q4", "--json").json()]
    assert all("2027-01-01" <= d <= "2027-03-31" for d in dates) and len(dates) == 4


def test_propose_dates_never_on_weekends_and_evenly_spread():
    dates = propose_dates(dt.date(2026, 11, 23), dt.date(2026, 12, 31), 5)
    assert len(dates) == 5 and all(d.weekday() < 5 for d in dates)
    days = weekdays(dt.date(2026, 11, 23), dt.date(2026, 12, 31))
    idx = [days.index(d) for d in dates]
    assert [b - a for a, b in zip(idx, idx[1:])] in ([6, 6, 6, 6], [5, 6, 6, 6], [6, 6, 6, 5])


def test_propose_dates_edges():
    sat, sun = dt.date(2026, 11, 28), dt.date(2026, 11, 29)
    assert propose_dates(sat, sun, 2) == []
    assert propose_dates(dt.date(2026, 11, 23), dt.date(2026, 11, 23), 3) == [dt.date(2026, 11, 23)] * 3
    assert propose_dates(dt.date(2026, 11, 23), dt.date(2026, 11, 27), 0) == []


def test_more_sessions_than_weekdays_share_days(pj, db, monkeypatch):
    monkeypatch.setenv("PARTNERJOURNAL_TODAY", "2026-12-30")
    for name in ("A", "B", "C"):
        pj("partner", "add", name, "--box", "teams", "--relation", "direct")
    r = pj("session", "due", "--json")
    assert [d["proposed_date"] for d in r.json()] == ["2026-12-30", "2026-12-31", "2026-12-31"]
    assert "only 2 weekdays left" in r.stderr


def test_no_weekday_left(pj, db, monkeypatch):
    monkeypatch.setenv("PARTNERJOURNAL_TODAY", "2028-12-30")  # Saturday; 2028Q4 ends Sunday
    pj("partner", "add", "A", "--box", "teams", "--relation", "direct")
    r = pj("session", "due", "--json")
    assert r.exit_code == 0 and r.json() == [] and "no weekday is left in 2028Q4" in r.stderr


def test_weekend_today_proposes_from_monday(pj, db, monkeypatch):
    monkeypatch.setenv("PARTNERJOURNAL_TODAY", "2027-01-02")  # Saturday
    pj("partner", "add", "A", "--box", "teams", "--relation", "direct")
    (due,) = pj("session", "due", "--json").json()
    assert "2027-01-04" <= due["proposed_date"] <= "2027-03-31"


# --- prep -----------------------------------------------------------------------------

@pytest.fixture
def history(pj, partners):
    pj("reflect", "Before the last session", "--partner", "Maria Lopez", "--date", "2026-09-01")
    session(pj, "Maria Lopez", "2026-09-15", feedback="Send the reports two days earlier")
    pj("reflect", "Moved the report run to Wednesday", "--partner", "Maria Lopez",
       "--step", "13", "--date", "2026-10-02")
    pj("reflect", "Her team hit the safety goal", "--partner", "Maria Lopez", "--step", "2",
       "--date", "2026-10-20")
    pj("reflect", "Unrelated", "--partner", "Ana", "--date", "2026-10-21")
    pj("story", "add", "Finance and the plant cut unit cost together", "--partner", "Maria Lopez",
       "--impact", "4% lower unit cost", "--date", "2026-11-01")
    pj("commitment", "add", "Maria Lopez", "Share the new forecast", "--due", "2026-11-20",
       "--date", "2026-10-01")
    pj("commitment", "add", "Maria Lopez", "Visit the night shift", "--date", "2026-10-01")
    pj("commitment", "done", "2", "--date", "2026-10-10")
    pj("objective", "add", "Cost per unit", "--kind", "business", "--unit", "EUR", "--target", "4",
       "--lower-is-better")
    pj("objective", "measure", "Cost per unit", "4.6", "--date", "2026-09-01")
    pj("objective", "measure", "Cost per unit", "4.3", "--date", "2026-11-01")


def section(text: str, title: str) -> str:
    part = text.split(f"## {title}\n", 1)[1]
    return part.split("\n## ", 1)[0]


def test_prep_agenda_has_every_part(pj, history):
    r = pj("session", "prep", "maria lopez")
    assert r.exit_code == 0, r
    md = r.stdout
    assert md.startswith("# Partnership session with Maria Lopez\n")
    assert "last session 2026-09-15 (69 days ago)" in md
    wins = section(md, "1. Successes to share")
    assert "Her team hit the safety goal" in wins and "reflection #" in wins
    assert "(story #1): Finance and the plant cut unit cost together — impact: 4% lower unit cost" in wins
    assert "Before the last session" not in wins and "Unrelated" not in wins
    assert "Moved the report run" not in wins  # it answers the feedback, listed there
    objectives = section(md, "2. Objectives to discuss")
    assert "Cost per unit (business) · latest 4.3 EUR on 2026-11-01 · trend ↓ better" in objectives
    assert "0.3 EUR to go" in objectives
    carried = section(md, "3. Commitments carried forward")
    assert "Share the new forecast" in carried and "(overdue)" in carried
    assert "Visit the night shift" not in carried  # kept
    feedback = section(md, "4. Feedback from last time, and what you did with it")
    assert "> Send the reports two days earlier" in feedback
    assert "Moved the report run to Wednesday" in feedback
    questions = section(md, "5. Questions for the conversation")
    numbered = [line for line in questions.splitlines() if line[:3] in ("1. ", "2. ", "3. ")]
    sources = [line for line in questions.splitlines() if line.startswith("   — ")]
    assert len(numbered) == 3 and len(sources) == 3
    step3 = {p.id for p in load_catalog().prompts if 3 in p.steps}
    ids = [line.rsplit("[", 1)[1].rstrip("]") for line in sources]
    assert set(ids) <= step3 and len(set(ids)) == 3
    assert pj("session", "prep", "Maria Lopez").stdout == md  # the same agenda all day


def test_prep_for_a_first_session(pj, partners):
    md = pj("session", "prep", "Lee").stdout
    assert "first session" in md and "No earlier session" in md
    assert "No open commitments." in md and "No objectives yet" in md


def test_prep_output_file_is_private_and_atomic(pj, history, tmp_path):
    target = tmp_path / "out" / "agenda.md"
    target.parent.mkdir()
    target.write_text("old agenda")
    r = pj("session", "prep", "Maria Lopez", "--output", str(target))
    assert r.exit_code == 0 and r.stdout == "" and "Agenda written to" in r.stderr
    assert target.read_text("utf-8") == pj("session", "prep", "Maria Lopez").stdout
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    assert os.listdir(target.parent) == ["agenda.md"]  # no temporary file left behind


def test_prep_output_errors(pj, history, tmp_path):
    # a missing folder is created, as for report and export (one --output behaviour)
    assert pj("session", "prep", "Maria Lopez", "--output", str(tmp_path / "no" / "a.md")).exit_code == 0
    assert (tmp_path / "no" / "a.md").is_file()
    failed(pj("session", "prep", "Maria Lopez", "--output", str(tmp_path)), 2)
    failed(pj("session", "prep", "Maria Lopez", "--output", ""), 2)
    r = pj("session", "prep", "Nobody")
    failed(r, 1)
    assert "pj partner add" in r.stderr
