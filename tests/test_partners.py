"""pj partner add/list/show/edit/archive through the CLI, on a real journal file."""

from __future__ import annotations

import pytest
from conftest import snapshot


def failed(r, code: int) -> None:
    """One clear line on stderr, the given exit status, nothing on stdout."""
    assert r.exit_code == code, r
    assert r.stderr.startswith("pj: error: ") and r.stderr.count("\n") == 1, r
    assert "Traceback" not in r.stderr


@pytest.fixture
def two(pj):
    assert pj("partner", "add", "Maria Lopez", "--box", "managers", "--relation", "direct",
              "--note", "Plant manager").exit_code == 0
    assert pj("partner", "add", "Ana", "--box", "Leadership", "--relation", "INFLUENTIAL").exit_code == 0


def test_add_and_list_json_contract(pj, two):
    rows = pj("partner", "list", "--json").json()
    assert [(r["name"], r["box"], r["relation"], r["archived"]) for r in rows] == [
        ("Ana", "leadership", "influential", False),
        ("Maria Lopez", "managers", "direct", False),
    ]
    assert rows[1]["note"] == "Plant manager" and rows[1]["last_session"] is None
    assert all(len(r["uid"]) == 32 and r["created_at"] for r in rows)


def test_add_says_what_was_added(pj):
    r = pj("partner", "add", "Sam", "--box", "teams", "--relation", "guidance")
    assert r.exit_code == 0 and r.stdout == "Added partner Sam (teams · guidance)\n"


def test_names_are_unique_regardless_of_case(pj, db, two):
    before = snapshot(db)
    r = pj("partner", "add", "  maria   LOPEZ ", "--box", "teams", "--relation", "direct")
    failed(r, 1)
    assert "already a partner" in r.stderr and "pj partner edit" in r.stderr
    assert snapshot(db) == before


@pytest.mark.parametrize(
    "args, words",
    [
        (["--box", "bosses", "--relation", "direct"], "box 'bosses'"),
        (["--box", "teams", "--relation", "sideways"], "relation 'sideways'"),
        (["--relation", "direct"], "--box"),
        (["--box", "teams"], "--relation"),
        (["--box", "teams", "--relation", "direct", "--note", "bad\x00note"], "NUL"),
    ],
)
def test_bad_box_or_relation_changes_nothing(pj, db, two, args, words):
    before = snapshot(db)
    r = pj("partner", "add", "Newcomer", *args)
    failed(r, 2)
    assert words in r.stderr
    assert snapshot(db) == before


@pytest.mark.parametrize("name", ["", "   ", "x" * 101, "tab\tname"])
def test_bad_names_change_nothing(pj, db, two, name):
    before = snapshot(db)
    failed(pj("partner", "add", name, "--box", "teams", "--relation", "direct"), 2)
    assert snapshot(db) == before


def test_partner_named_by_a_reflection_has_no_box_until_edited(pj, two):
    assert pj("reflect", "Met the team leads", "--partner", "Team Leads").exit_code == 0
    row = {r["name"]: r for r in pj("partner", "list", "--json").json()}["Team Leads"]
    assert row["box"] is None and row["relation"] is None
    r = pj("partner", "list")
    assert "Team Leads   (no box) · (no relation)  no session yet" in r.stdout
    r = pj("partner", "edit", "team leads", "--box", "teams", "--relation", "influential")
    assert r.exit_code == 0, r
    row = {r["name"]: r for r in pj("partner", "list", "--json").json()}["Team Leads"]
    assert (row["box"], row["relation"]) == ("teams", "influential")


def test_edit_rename_clear_and_note(pj, two):
    r = pj("partner", "edit", "maria lopez", "--name", "María López", "--box", "none",
           "--note", "")
    assert r.exit_code == 0, r
    rows = {r["name"]: r for r in pj("partner", "list", "--json").json()}
    assert "Maria Lopez" not in rows
    assert rows["María López"]["box"] is None and rows["María López"]["note"] is None
    assert rows["María López"]["relation"] == "direct"
    assert rows["María López"]["updated_at"] >= rows["María López"]["created_at"]


def test_edit_errors_change_nothing(pj, db, two):
    before = snapshot(db)
    r = pj("partner", "edit", "Maria Lopez")
    failed(r, 2)
    assert "nothing to change" in r.stderr
    r = pj("partner", "edit", "Maria Lopez", "--name", "ANA")
    failed(r, 1)
    assert "already called Ana" in r.stderr
    failed(pj("partner", "edit", "Maria Lopez", "--box", "corner"), 2)
    r = pj("partner", "edit", "Nobody", "--box", "teams")
    failed(r, 1)
    assert "no partner named 'Nobody'" in r.stderr
    assert snapshot(db) == before


def test_archive_marks_and_undo_restores(pj, db, two):
    r = pj("partner", "archive", "ana")
    assert r.exit_code == 0 and r.stdout == "Archived partner Ana\n"
    rows = {r["name"]: r for r in pj("partner", "list", "--json").json()}
    assert rows["Ana"]["archived"] is True and rows["Ana"]["archived_at"] == "2026-11-23"
    assert rows["Maria Lopez"]["archived"] is False
    assert "archived 2026-11-23" in pj("partner", "list").stdout
    before = snapshot(db)
    r = pj("partner", "archive", "Ana")
    failed(r, 1)
    assert "already archived on 2026-11-23" in r.stderr
    assert snapshot(db) == before
    assert pj("partner", "archive", "Ana", "--undo").exit_code == 0
    assert {r["name"]: r for r in pj("partner", "list", "--json").json()}["Ana"]["archived"] is False
    failed(pj("partner", "archive", "Ana", "--undo"), 1)
    failed(pj("partner", "archive", "Ghost"), 1)


def test_archived_partner_takes_no_new_sessions_or_commitments(pj, db, two):
    pj("partner", "archive", "Ana")
    before = snapshot(db)
    r = pj("session", "add", "Ana", "--successes", "a", "--objectives", "b", "--feedback", "c")
    failed(r, 1)
    assert "--undo" in r.stderr
    failed(pj("commitment", "add", "Ana", "Call back"), 1)
    assert snapshot(db) == before


def test_empty_list_says_how_to_start(pj):
    r = pj("partner", "list")
    assert r.exit_code == 0 and r.stdout == ""
    assert "pj partner add" in r.stderr
    assert pj("partner", "list", "--json").json() == []


def test_show_gathers_everything_about_one_partnership(pj, two):
    for day in range(1, 13):
        assert pj("reflect", f"Note {day} with Maria", "--partner", "Maria Lopez",
                  "--date", f"2026-10-{day:02d}").exit_code == 0
    pj("reflect", "Not about her", "--partner", "Ana")
    pj("session", "add", "Maria Lopez", "--date", "2026-10-15", "--successes", "Cost down",
       "--objectives", "Unit cost", "--feedback", "Send reports earlier")
    pj("commitment", "add", "Maria Lopez", "Send the forecast", "--due", "2026-11-30")
    pj("trust", "Maria Lopez", "--credibility", "7", "--reliability", "6", "--intimacy", "5",
       "--self-orientation", "4")
    pj("story", "add", "We cut cost together", "--partner", "Maria Lopez", "--impact", "-4%")
    d = pj("partner", "show", "MARIA LOPEZ", "--json").json()
    assert d["name"] == "Maria Lopez" and d["box"] == "managers" and d["note"] == "Plant manager"
    assert d["reflections"]["count"] == 12
    assert [r["date"] for r in d["reflections"]["latest"]] == [
        f"2026-10-{day:02d}" for day in range(12, 2, -1)
    ]
    assert [s["feedback"] for s in d["sessions"]] == ["Send reports earlier"]
    assert [(c["text"], c["status"]) for c in d["commitments"]] == [("Send the forecast", "open")]
    assert [t["score"] for t in d["trust_checks"]] == [4.5]
    assert [s["impact"] for s in d["stories"]] == ["-4%"]
    text = pj("partner", "show", "Maria Lopez").stdout
    for expected in ("Reflections naming them: 12 (latest 10)", "Sessions: 1",
                     "feedback: Send reports earlier", "Commitments: 1", "Trust checks: 1",
                     "4.5", "Stories: 1", "impact: -4%", "note: Plant manager"):
        assert expected in text, expected


def test_show_unknown_partner(pj, db, two):
    r = pj("partner", "show", "Nobody")
    failed(r, 1)
    assert "pj partner list" in r.stderr


COMMANDS = [
    ["partner", "add"], ["partner", "list"], ["partner", "show"], ["partner", "edit"],
    ["partner", "archive"], ["session", "add"], ["session", "due"], ["session", "prep"],
    ["commitment", "add"], ["commitment", "done"], ["commitment", "drop"],
    ["commitment", "list"], ["trust"], ["story", "add"], ["story", "list"],
    ["objective", "add"], ["objective", "measure"], ["objective", "list"], ["map"],
    ["nudge"], ["config", "set"], ["config", "get"], ["config", "list"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help_for_a_leader(pj, command):
    r = pj(*command, "--help")
    assert r.exit_code == 0, r
    assert "Usage: pj " + " ".join(command) in " ".join(r.stdout.split())
    summary = r.stdout.split("\n\n")[1].strip()
    assert len(summary) > 20 and "Traceback" not in r.stdout


@pytest.mark.e2e
def test_partnership_commands_through_the_installed_pj(tmp_path):
    """The installed ``pj`` in a subprocess, as a leader's shell runs it."""
    import json
    import os
    import shutil
    import subprocess

    exe = shutil.which("pj")
    assert exe, "the installed 'pj' is not on PATH: pip install -e '.[test]'"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PARTNERJOURNAL_", "PJ_"))}
    env.update(PARTNERJOURNAL_DB=str(tmp_path / "j.sqlite"), PARTNERJOURNAL_TODAY="2026-11-23")

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([exe, *args], capture_output=True, text=True, env=env,
                              stdin=subprocess.DEVNULL, timeout=60)

    steps = [
        ("config", "set", "fiscal-year-start", "apr"),
        ("partner", "add", "Maria Lopez", "--box", "managers", "--relation", "direct"),
        ("session", "add", "Maria Lopez", "--date", "2026-10-01", "--successes", "a",
         "--objectives", "b", "--feedback", "c"),
        ("commitment", "add", "Maria Lopez", "Send the forecast", "--due", "2026-12-01"),
        ("commitment", "done", "1"),
        ("trust", "Maria Lopez", "--credibility", "6", "--reliability", "6", "--intimacy", "6",
         "--self-orientation", "2"),
        ("story", "add", "We cut cost", "--partner", "Maria Lopez", "--partner", "Sam"),
        ("objective", "add", "Cost", "--kind", "business", "--target", "4"),
        ("objective", "measure", "Cost", "-1"),
    ]
    for args in steps:
        r = run(*args)
        assert r.returncode == 0, (args, r.stderr)
    assert [d["partner"] for d in json.loads(run("session", "due", "--json").stdout)] == ["Sam"]
    assert json.loads(run("commitment", "list", "--json").stdout)[0]["status"] == "kept"
    assert json.loads(run("map", "--json").stdout)["boxes"]["managers"][0]["trust"] == 9.0
    assert "MANAGERS · 1 of 1 met" in run("map").stdout
    assert run("session", "prep", "Maria Lopez").stdout.startswith("# Partnership session")
    assert json.loads(run("story", "list", "--json").stdout)[0]["partners"] == ["Maria Lopez", "Sam"]
    assert json.loads(run("objective", "list", "--json").stdout)[0]["latest"]["value"] == -1
    r = run("trust", "Maria Lopez", "--credibility", "0", "--reliability", "6", "--intimacy", "6",
            "--self-orientation", "2")
    assert r.returncode == 2 and r.stderr.startswith("pj: error: credibility 0")
    assert r.stderr.count("\n") == 1 and r.stdout == ""
