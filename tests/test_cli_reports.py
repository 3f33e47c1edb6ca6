"""The quarterly commands through the CLI: evaluate, progress, report, demo, doctor."""

from __future__ import annotations

import json
import os
import sqlite3
import stat

import pytest
from conftest import snapshot

STEP_FIELDS = {"number", "phase", "title", "reflections_quarter", "reflections_total",
               "last_practiced", "streak_weeks", "rating", "previous_rating"}


def ok(r):
    assert r.exit_code == 0, r
    return r


@pytest.fixture
def journal(pj):
    """A few weeks of practice in 2026Q4 (today is 2026-11-23) and a rated 2026Q3."""
    for day, step in [("2026-11-02", 1), ("2026-11-09", 1), ("2026-11-16", 1),
                      ("2026-11-23", 1), ("2026-11-20", 3), ("2026-10-05", 12)]:
        ok(pj("reflect", f"practice on {day}", "--step", step, "--date", day,
              "--important-share", "40"))
    ok(pj("evaluate", "--quarter", "2026Q3", "-r", "1=2", "-r", "3=4",
          "-a", "1: ask before fixing", "-a", "a plain adjustment"))
    return pj


def test_evaluate_saves_then_updates_the_same_quarter(journal, db):
    r = ok(journal("evaluate", "-r", "1=4", "-r", "2=3", "--note", "1=better at silences",
                   "--progress", "cost per unit down", "-a", "6,7: teach the request exercise"))
    assert r.stdout.startswith("Saved the 2026Q4 evaluation: 2/13 steps rated, 1 adjustment")
    r = ok(journal("evaluate", "-r", "2=5", "--feedback", "be there before things break"))
    assert r.stdout.startswith("Updated the 2026Q4 evaluation: 2/13 steps rated, 1 adjustment")
    report = journal("report", "--format", "json").json()
    ratings = {s["number"]: (s["rating"], s["previous_rating"]) for s in report["steps"]}
    assert ratings[1] == (4, 2) and ratings[2] == (5, None) and ratings[3] == (None, 4)
    assert report["evaluation"] == {
        "progress": "cost per unit down",
        "feedback": "be there before things break",
        "adjustments": ["teach the request exercise"],
    }


def test_a_note_needs_a_rating_and_changes_nothing(journal, db):
    before = snapshot(db)
    r = journal("evaluate", "--note", "5=no rating yet")
    assert r.exit_code == 2 and "--rating 5=N" in r.stderr and r.stderr.count("\n") == 1
    assert snapshot(db) == before


def test_progress_json_contract(journal):
    data = ok(journal("progress", "--json")).json()
    assert data["quarter"] == "2026Q4"
    assert [s["number"] for s in data["steps"]] == list(range(1, 14))
    assert all(STEP_FIELDS <= set(s) for s in data["steps"])
    one = data["steps"][0]
    assert (one["phase"], one["reflections_quarter"], one["reflections_total"]) == ("example", 4, 4)
    assert one["last_practiced"] == "2026-11-23" and one["streak_weeks"] == 4
    assert one["previous_rating"] == 2 and one["rating"] is None


def test_progress_of_last_quarter_shows_its_ratings(journal):
    data = ok(journal("progress", "--quarter", "last", "--json")).json()
    assert data["quarter"] == "2026Q3"
    assert data["steps"][0]["rating"] == 2


def test_previous_adjustments_are_reviewed(journal):
    report = journal("report", "--json").json()
    reviewed = {a["text"]: a["acted_on"] for a in report["previous_adjustments"]}
    assert reviewed == {"ask before fixing": True, "a plain adjustment": None}


@pytest.mark.parametrize("fmt, marker", [("terminal", "Quarterly self-evaluation"),
                                         ("markdown", "# Quarterly self-evaluation"),
                                         ("html", "<!DOCTYPE html>"),
                                         ("json", '"quarter": "2026Q4"')])
def test_report_in_every_format(journal, fmt, marker):
    r = ok(journal("report", "--format", fmt))
    assert marker in r.stdout
    assert "\x1b[" not in r.stdout  # not a terminal: no colour codes


def test_report_output_is_a_private_file(journal, tmp_path):
    target = tmp_path / "reports" / "q4.html"
    old = os.umask(0)
    try:
        r = ok(journal("report", "--format", "html", "--output", target))
    finally:
        os.umask(old)
    assert r.stdout == "" and "Wrote the 2026Q4 report (html)" in r.stderr
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert stat.S_IMODE(target.parent.stat().st_mode) == 0o700


def test_report_with_a_fiscal_year_from_april(journal):
    ok(journal("config", "set", "fiscal-year-start", "4"))
    report = journal("report", "--json").json()
    assert (report["quarter"], report["start"], report["end"]) == ("2026Q3", "2026-10-01",
                                                                   "2026-12-31")
    assert report["fiscal_year_start"] == 4


def test_bad_report_format_changes_nothing(journal, db):
    before = snapshot(db)
    r = journal("report", "--format", "pdf")
    assert r.exit_code == 2 and "terminal, markdown, html, json" in r.stderr
    assert snapshot(db) == before


def test_demo_keeps_its_journal_when_asked(pj, tmp_path):
    path = tmp_path / "demo.sqlite"
    r = ok(pj("demo", "--db", path, "--format", "json"))
    assert json.loads(r.stdout)["quarter"] == "2026Q3"
    assert path.exists() and "pj --db" in r.stderr
    log = ok(pj("--db", path, "log", "--json")).json()
    assert len(log) >= 60
    partners = ok(pj("--db", path, "partner", "list", "--json")).json()
    assert {p["box"] for p in partners} == {"leadership", "managers", "teams", "employees"}
    again = pj("demo", "--db", path)
    assert again.exit_code == 2 and "already exists" in again.stderr


def test_doctor_on_a_healthy_journal(pj, db):
    ok(pj("reflect", "one"))
    r = ok(pj("doctor", "--json"))
    data = r.json()
    assert data["ok"] is True and data["counts"]["reflections"] == 1
    assert {c["check"] for c in data["checks"]} >= {"integrity", "schema", "file permissions",
                                                     "free space"}


def test_doctor_finds_weeks_in_a_row_counts_that_no_longer_match(pj, db):
    """The counts behind weeks in a row are kept by triggers; a journal edited with
    them switched off is found, and doctor says how to rebuild it."""
    ok(pj("reflect", "one", "--step", "2", "--step", "5"))
    ok(pj("reflect", "two", "--step", "5"))
    check = {c["check"]: c for c in ok(pj("doctor", "--json")).json()["checks"]}
    assert check["weeks in a row"]["ok"] is True
    raw = sqlite3.connect(db)
    raw.execute("DROP TRIGGER step_weeks_link_insert")
    raw.execute("INSERT INTO reflection_steps VALUES (1, 9)")
    raw.execute("UPDATE step_weeks SET reflections = 7 WHERE step = 5")
    raw.commit()
    raw.close()
    r = pj("doctor", "--json")
    assert r.exit_code == 1
    check = {c["check"]: c for c in r.json()["checks"]}["weeks in a row"]
    assert check["ok"] is False and check["detail"].startswith("2 counts")
    assert "import it into a new one" in check["fix"]


def test_doctor_says_how_to_fix_a_readable_journal(pj, db):
    ok(pj("reflect", "one"))
    os.chmod(db, 0o644)
    r = pj("doctor")
    assert r.exit_code == 1
    assert f"chmod 600 '{db}'" in r.stdout
