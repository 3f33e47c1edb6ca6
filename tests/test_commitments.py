"""The trust ledger: pj commitment add/done/drop/list and the kept-on-time rate."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import snapshot

from partnerjournal.services.partnerships import kept_rate
from partnerjournal.store.partnerships import Commitment

CONTRACT = {"id", "partner", "text", "due", "status", "closed_at"}


def failed(r, code: int) -> None:
    assert r.exit_code == code, r
    assert r.stderr.startswith("pj: error: ") and r.stderr.count("\n") == 1, r


@pytest.fixture
def partners(pj):
    pj("partner", "add", "Maria Lopez", "--box", "managers", "--relation", "direct")
    pj("partner", "add", "Ana", "--box", "leadership", "--relation", "influential")


@pytest.fixture
def ledger(pj, partners):
    """Today is 2026-11-23. #1 kept on time, #2 kept late, #3 dropped, #4 open and
    overdue, #5 open and not yet due, #6 open without a due date."""
    add = [
        ("Maria Lopez", "Send the forecast", "2026-11-01"),
        ("Maria Lopez", "Review the budget", "2026-11-05"),
        ("Ana", "Introduce her to finance", "2026-11-10"),
        ("Ana", "Share the hiring plan", "2026-11-20"),
        ("Maria Lopez", "Visit the night shift", "2026-12-15"),
        ("Ana", "Read her strategy memo", None),
    ]
    for partner, text, due in add:
        args = ["commitment", "add", partner, text, "--date", "2026-10-15"]
        r = pj(*args, *(["--due", due] if due else []))
        assert r.exit_code == 0, r
    assert pj("commitment", "done", "1", "--date", "2026-11-01").exit_code == 0
    assert pj("commitment", "done", "2", "--date", "2026-11-09").exit_code == 0
    assert pj("commitment", "drop", "3", "--reason", "She moved teams", "--date", "2026-11-02").exit_code == 0


def test_add_says_the_number_and_due_date(pj, partners):
    r = pj("commitment", "add", "maria lopez", "Send the forecast", "--due", "2026-12-04")
    assert r.exit_code == 0 and r.stdout == "Commitment #1 to Maria Lopez, due 2026-12-04\n"
    (c,) = pj("commitment", "list", "--json").json()
    assert c["date"] == "2026-11-23" and c["status"] == "open" and c["closed_at"] is None


def test_list_json_contract(pj, ledger):
    rows = pj("commitment", "list", "--json").json()
    assert isinstance(rows, list) and all(CONTRACT <= set(r) for r in rows)
    by_id = {r["id"]: r for r in rows}
    assert {i: (r["status"], r["closed_at"]) for i, r in by_id.items()} == {
        1: ("kept", "2026-11-01"), 2: ("kept", "2026-11-09"), 3: ("dropped", "2026-11-02"),
        4: ("open", None), 5: ("open", None), 6: ("open", None),
    }
    assert by_id[3]["reason"] == "She moved teams" and by_id[6]["due"] is None
    assert [r["id"] for r in rows] == [4, 5, 6, 1, 2, 3]  # open by due date first
    assert by_id[4]["overdue"] is True and by_id[5]["overdue"] is False


def test_filters(pj, ledger):
    ids = lambda *a: [r["id"] for r in pj("commitment", "list", *a, "--json").json()]  # noqa: E731
    assert ids("--open") == [4, 5, 6]
    assert ids("--overdue") == [4]
    assert ids("--partner", "ana") == [4, 6, 3]
    assert ids("--partner", "Ana", "--open") == [4, 6]


def test_kept_on_time_rate_at_the_end_of_the_list(pj, ledger):
    text = pj("commitment", "list").stdout
    lines = text.splitlines()
    assert lines[0].startswith("#4  [overdue]  Ana: Share the hiring plan · due 2026-11-20")
    assert "#2  [kept 2026-11-09 (late)]" in text
    assert "#3  [dropped 2026-11-02]  Ana: Introduce her to finance · due 2026-11-10 · because She moved teams" in text
    # counted: #1 kept on time, #2 late, #3 dropped, #4 overdue; #5 and #6 not due yet.
    assert "Overall: 25% kept on time (1 of 4)" in text
    assert lines[-2].split() == ["Ana", "0%", "kept", "on", "time", "(0", "of", "2)"]
    assert lines[-1].split() == ["Maria", "Lopez", "50%", "kept", "on", "time", "(1", "of", "2)"]
    one = pj("commitment", "list", "--partner", "Maria Lopez").stdout
    assert one.splitlines()[-1] == "Overall: 50% kept on time (1 of 2)"


def test_done_twice_is_a_conflict(pj, db, ledger):
    before = snapshot(db)
    r = pj("commitment", "done", "1")
    failed(r, 1)
    assert "already kept (on 2026-11-01)" in r.stderr
    failed(pj("commitment", "drop", "3", "--reason", "again"), 1)
    failed(pj("commitment", "done", "3"), 1)
    assert snapshot(db) == before


@pytest.mark.parametrize(
    "args, code, words",
    [
        (["add", "Maria Lopez", "X", "--due", "2026-13-01"], 2, "--due '2026-13-01' is not a valid date"),
        (["add", "Maria Lopez", "X", "--due", "next week"], 2, "not a valid date"),
        (["add", "Maria Lopez", "X", "--due", "2026-10-01", "--date", "2026-10-15"], 2, "before the day"),
        (["add", "Maria Lopez", "X", "--date", "2026-12-01"], 2, "in the future"),
        (["add", "Maria Lopez", "  "], 2, "commitment is empty"),
        (["add", "Nobody", "X"], 1, "add them with pj partner add"),
        (["done", "99"], 1, "no commitment #99"),
        (["done", "0"], 2, "not valid"),
        (["done", "5", "--date", "2026-11-24"], 2, "in the future"),
        (["done", "5", "--date", "2026-10-01"], 2, "before commitment #5 was made"),
        (["drop", "5"], 2, "--reason"),
        (["drop", "5", "--reason", " "], 2, "reason is empty"),
        (["list", "--open", "--overdue"], 2, "give one of them"),
        (["list", "--partner", "Nobody"], 1, "no partner named"),
    ],
)
def test_bad_input_changes_nothing(pj, db, ledger, args, code, words):
    before = snapshot(db)
    r = pj("commitment", *args)
    failed(r, code)
    assert words in r.stderr
    assert snapshot(db) == before


@pytest.mark.parametrize("args", [["done", "abc"], ["drop", "1", "--reason"], ["list", "--bogus"]])
def test_values_click_rejects_are_one_line_too(pj, db, ledger, args):
    before = snapshot(db)
    failed(pj("commitment", *args), 2)
    assert snapshot(db) == before


def test_done_late_says_so(pj, partners):
    pj("commitment", "add", "Ana", "Call back", "--due", "2026-11-20", "--date", "2026-11-01")
    r = pj("commitment", "done", "1")
    assert r.stdout == "Kept #1 for Ana (late: due 2026-11-20)\n"


def test_empty_list(pj, partners):
    r = pj("commitment", "list")
    assert r.exit_code == 0 and r.stdout == "" and "No commitments match." in r.stderr
    assert pj("commitment", "list", "--json").json() == []


def _c(status, due=None, closed_at=None) -> Commitment:
    return Commitment(1, "u", 1, "P", "2026-10-01", "t", due, status, closed_at, None, "", "")


def test_kept_rate_rules():
    today = dt.date(2026, 11, 23)
    assert kept_rate([], today).rate is None
    assert kept_rate([_c("open", "2026-11-23")], today).counted == 0  # due today: not late yet
    assert kept_rate([_c("open")], today).counted == 0
    r = kept_rate(
        [_c("kept", None, "2026-11-30"), _c("kept", "2026-11-01", "2026-11-01"),
         _c("kept", "2026-11-01", "2026-11-02"), _c("dropped", "2027-01-01", "2026-11-02"),
         _c("open", "2026-11-22")],
        today,
    )
    assert (r.kept_on_time, r.counted, r.rate) == (2, 5, 0.4)
    assert r.label() == "40% kept on time (2 of 5)"
