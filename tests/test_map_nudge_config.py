"""The partnership map, the nudge and the journal's settings."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from conftest import snapshot

from partnerjournal.cli import output


def failed(r, code: int) -> None:
    assert r.exit_code == code, r
    assert r.stderr.startswith("pj: error: ") and r.stderr.count("\n") == 1, r


def trust(pj, partner, *scores):
    args = ["--credibility", "--reliability", "--intimacy", "--self-orientation"]
    return pj("trust", partner, *[x for pair in zip(args, map(str, scores)) for x in pair])


@pytest.fixture
def team(pj):
    for name, box, rel in [
        ("Ana", "leadership", "influential"), ("Maria Lopez", "managers", "direct"),
        ("Sam", "teams", "guidance"), ("Lee", "employees", "guidance"),
        ("Old Boss", "leadership", "direct"),
    ]:
        assert pj("partner", "add", name, "--box", box, "--relation", rel).exit_code == 0
    pj("reflect", "Met the team leads", "--partner", "Team Leads")
    pj("partner", "archive", "Old Boss")
    pj("session", "add", "Maria Lopez", "--date", "2026-11-02", "--successes", "a",
       "--objectives", "b", "--feedback", "c")
    pj("session", "add", "Sam", "--date", "2026-09-02", "--successes", "a",
       "--objectives", "b", "--feedback", "c")
    pj("commitment", "add", "Maria Lopez", "Forecast", "--due", "2026-11-10", "--date", "2026-11-01")
    pj("commitment", "add", "Maria Lopez", "Budget", "--due", "2026-11-12", "--date", "2026-11-01")
    pj("commitment", "add", "Maria Lopez", "Later", "--due", "2026-12-12")
    trust(pj, "Maria Lopez", 8, 7, 7, 3)


# --- map ------------------------------------------------------------------------------

def test_map_json(pj, team):
    m = pj("map", "--json").json()
    assert m["quarter"] == "2026Q4" and m["archived"] == 1
    assert list(m["boxes"]) == ["leadership", "managers", "teams", "employees"]
    assert m["boxes"]["managers"] == [{
        "name": "Maria Lopez", "relation": "direct", "session_done": True,
        "overdue_commitments": 2, "trust": 22 / 3,  # exact; screens round it
    }]
    assert [e["name"] for e in m["boxes"]["leadership"]] == ["Ana"]  # Old Boss is archived
    assert m["boxes"]["teams"][0]["session_done"] is False  # Sam met last quarter
    assert [e["name"] for e in m["unboxed"]] == ["Team Leads"]
    last = pj("map", "--quarter", "last", "--json").json()
    assert last["quarter"] == "2026Q3" and last["boxes"]["teams"][0]["session_done"] is True


def test_map_text_is_two_by_two_as_hitt_draws_it(pj, team):
    r = pj("map")
    assert r.exit_code == 0, r
    lines = r.stdout.splitlines()
    top = next(i for i, line in enumerate(lines) if line.startswith("LEADERSHIP"))
    bottom = next(i for i, line in enumerate(lines) if line.startswith("MANAGERS"))
    assert top < bottom
    assert "| TEAMS · 0 of 1 met" in lines[top] and "LEADERSHIP · 0 of 1 met" in lines[top]
    assert "| EMPLOYEES · 0 of 1 met" in lines[bottom] and "MANAGERS · 1 of 1 met" in lines[bottom]
    assert lines[bottom + 1].startswith("  ✓ Maria Lopez")
    assert "direct · 2 overdue · trust 7.3" in lines[bottom + 2]
    assert "○ Sam" in lines[top + 1].split("|")[1]
    assert "No box yet: Team Leads" in r.stdout and "Archived: 1 partner" in r.stdout
    assert "Old Boss" not in r.stdout
    assert all(len(line) <= 80 for line in lines[1:-3])
    assert "\x1b[" not in r.stdout


def test_map_on_a_terminal_uses_rich(pj, team, monkeypatch):
    monkeypatch.setattr(output, "use_color", lambda: True)
    r = pj("map")
    assert r.exit_code == 0, r
    for word in ("Partnership map · 2026Q4", "LEADERSHIP", "TEAMS", "MANAGERS", "EMPLOYEES",
                 "Maria Lopez", "trust 7.3", "No box yet: Team Leads"):
        assert word in r.stdout, word
    assert r.stdout.index("LEADERSHIP") < r.stdout.index("TEAMS") < r.stdout.index("MANAGERS")


def test_empty_map(pj):
    m = pj("map", "--json").json()
    assert m["boxes"] == {"leadership": [], "managers": [], "teams": [], "employees": []}
    assert "nobody yet" in pj("map").stdout


def test_map_bad_quarter(pj, db, team):
    failed(pj("map", "--quarter", "2026Q5"), 2)


# --- nudge ----------------------------------------------------------------------------

def test_nudge_without_a_journal_says_nothing_and_creates_nothing(pj, db):
    r = pj("nudge")
    assert r.exit_code == 0 and r.stdout == "" and r.stderr == ""
    assert not db.exists()


def test_nudge_is_silent_when_all_is_well(pj):
    pj("reflect", "Yesterday's note", "--date", "yesterday")
    r = pj("nudge")
    assert r.exit_code == 0 and r.stdout == "" and r.stderr == ""


def test_nudge_one_line_of_what_is_due(pj, team):
    r = pj("nudge")
    assert r.exit_code == 0 and r.stdout.count("\n") == 1
    # 5 active partners (Team Leads too), 54 of the quarter's 92 days gone: an even pace
    # has met 2 by now; only Maria is met. The fixture's reflection is today's.
    assert r.stdout == (
        "pj: 4 partnership sessions due in 2026Q4 (6 weeks left): pj session due"
        " · 2 overdue commitments: pj commitment list --overdue\n"
    )


def test_nudge_counts_days_since_the_last_reflection(pj):
    pj("reflect", "A while ago", "--date", "2026-11-19")
    assert pj("nudge").stdout == "pj: 4 days since your last reflection: pj today\n"


def test_nudge_quiet_about_sessions_while_on_pace(pj):
    pj("partner", "add", "Ana", "--box", "teams", "--relation", "direct")
    pj("partner", "add", "Sam", "--box", "teams", "--relation", "direct")
    pj("reflect", "today")
    assert pj("nudge").stdout.startswith("pj: 2 partnership sessions due")
    pj("session", "add", "Ana", "--successes", "a", "--objectives", "b", "--feedback", "c")
    assert pj("nudge").stdout == ""  # 1 of 2 met, an even pace needs 1 by now


def test_nudge_on_an_empty_journal(pj):
    pj("partner", "list")  # creates the journal
    assert pj("nudge").stdout == "pj: no reflection yet: pj today\n"


def test_nudge_loads_nothing_heavy(db):
    """What the nudge imports beyond what the command line itself loads to run any
    command: no rich, no catalog, no pydantic, no partnership record classes."""
    code = (
        "import json, sys\n"
        "from partnerjournal.cli import app\n"
        "def run(args):\n"
        "    try:\n"
        "        app(args)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "run(['nudge', '--help'])\n"
        "before = set(sys.modules)\n"
        "run(['nudge'])\n"
        "print(json.dumps(sorted(set(sys.modules) - before)))\n"
    )
    subprocess.run([sys.executable, "-m", "partnerjournal", "reflect", "x", "--date", "2026-11-01"],
                   check=True, capture_output=True, env=os.environ)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=os.environ, check=True).stdout
    assert "days since your last reflection" in out
    loaded = json.loads(out.splitlines()[-1])
    assert "partnerjournal.services.nudge" in loaded
    heavy = [m for m in loaded if m.startswith(("rich", "pydantic", "partnerjournal.catalog",
                                                "partnerjournal.store.partnerships"))]
    assert heavy == []


# --- config ---------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["4", "04", "April", "apr", "APRIL "])
def test_fiscal_year_start_accepts_numbers_and_month_names(pj, value):
    r = pj("config", "set", "fiscal-year-start", value)
    assert r.exit_code == 0 and r.stdout == "fiscal-year-start = 4 (April)\n"
    assert "This quarter is now 2026Q3: 2026-10-01 to 2026-12-31" in r.stderr
    assert pj("config", "get", "fiscal-year-start").stdout == "4\n"


def test_config_get_and_list(pj):
    assert pj("config", "get", "fiscal-year-start", "--json").json() == {
        "key": "fiscal-year-start", "value": "1", "default": True}
    assert "= 1 (January) (default)" in pj("config", "list").stdout
    pj("config", "set", "fiscal-year-start", "October")
    rows = {row["key"]: row for row in pj("config", "list", "--json").json()}
    assert list(rows) == ["fiscal-year-start", "your-name", "contextual-prompts", "holidays",
                          "blocked", "encrypt", "sync-encrypt",
                          "device-name"]
    row = rows["fiscal-year-start"]
    assert (row["key"], row["value"], row["default"]) == ("fiscal-year-start", "10", False)
    row = rows["contextual-prompts"]
    assert (row["value"], row["default"]) == ("on", True)
    assert rows["your-name"]["value"] == "" and rows["your-name"]["default"] is True


@pytest.mark.parametrize(
    "args, words",
    [
        (["set", "fiscal-year-start", "13"], "month '13'"),
        (["set", "fiscal-year-start", "0"], "month '0'"),
        (["set", "fiscal-year-start", "ju"], "month 'ju'"),
        (["set", "fiscal-year-start", "Smarch"], "month 'Smarch'"),
        (["set", "colour", "blue"], "no setting called 'colour'"),
        (["get", "colour"], "known settings are fiscal-year-start"),
    ],
)
def test_bad_settings_change_nothing(pj, db, args, words):
    pj("config", "set", "fiscal-year-start", "7")
    before = snapshot(db)
    r = pj("config", *args)
    failed(r, 2)
    assert words in r.stderr
    assert snapshot(db) == before


def test_fiscal_start_moves_quarters_everywhere(pj):
    pj("partner", "add", "Ana", "--box", "teams", "--relation", "direct")
    pj("session", "add", "Ana", "--date", "2026-09-30", "--successes", "a", "--objectives", "b",
       "--feedback", "c")
    assert pj("map", "--json").json()["boxes"]["teams"][0]["session_done"] is False
    pj("config", "set", "fiscal-year-start", "8")  # quarters: Aug-Oct, Nov-Jan, ...
    m = pj("map", "--json").json()
    assert m["quarter"] == "2026Q2" and m["boxes"]["teams"][0]["session_done"] is False
    pj("config", "set", "fiscal-year-start", "9")  # Sep-Nov holds 2026-09-30
    m = pj("map", "--json").json()
    assert m["quarter"] == "2026Q1" and m["boxes"]["teams"][0]["session_done"] is True
