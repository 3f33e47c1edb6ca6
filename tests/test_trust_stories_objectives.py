"""Trust checks (Maister's equation), collaboration stories, objectives and measurements."""

from __future__ import annotations

import pytest
from conftest import snapshot

from partnerjournal.context import Env
from partnerjournal.services.objectives import format_number

SCORES = ["--credibility", "--reliability", "--intimacy", "--self-orientation"]


def failed(r, code: int) -> None:
    assert r.exit_code == code, r
    assert r.stderr.startswith("pj: error: ") and r.stderr.count("\n") == 1, r


@pytest.fixture
def maria(pj):
    assert pj("partner", "add", "Maria Lopez", "--box", "managers", "--relation", "direct").exit_code == 0


def trust(pj, partner, c, r, i, s, *extra):
    return pj("trust", partner, *[x for pair in zip(SCORES, map(str, (c, r, i, s))) for x in pair], *extra)


# --- trust ----------------------------------------------------------------------------

def test_trust_score_and_change_since_last_check(pj, maria):
    r = trust(pj, "Maria Lopez", 7, 6, 5, 4, "--date", "2026-08-01")
    assert r.exit_code == 0, r
    assert r.stdout.splitlines() == [
        "Trust with Maria Lopez on 2026-08-01: 4.5 (first check)",
        "  = (7 + 6 + 5) / 4",
    ]
    r = trust(pj, "maria lopez", 8, 7, 7, 3)
    assert r.stdout.splitlines()[0] == (  # two decimals, half up, as in the report
        "Trust with Maria Lopez on 2026-11-23: 7.33 (+2.83 since 2026-08-01, was 4.5)"
    )
    r = trust(pj, "Maria Lopez", 6, 6, 6, 3, "--json")
    data = r.json()  # the exact values: 18/3 - 22/3 = -4/3
    assert data["score"] == 6.0 and data["change"] == -4 / 3
    assert data["previous"] == {"date": "2026-11-23", "score": 22 / 3}
    assert data["credibility"] == 6 and data["self_orientation"] == 3


def test_a_backdated_check_compares_with_the_one_before_it(pj, maria):
    trust(pj, "Maria Lopez", 5, 5, 5, 5, "--date", "2026-06-01")
    trust(pj, "Maria Lopez", 9, 9, 9, 3, "--date", "2026-10-01")
    data = trust(pj, "Maria Lopez", 6, 6, 6, 6, "--date", "2026-08-01", "--json").json()
    assert data["previous"]["date"] == "2026-06-01" and data["change"] == 0.0


@pytest.mark.parametrize(
    "scores, words",
    [((0, 5, 5, 5), "credibility 0 is outside 1–10"), ((5, 11, 5, 5), "reliability 11"),
     ((5, 5, -1, 5), "intimacy -1"), ((5, 5, 5, 0), "self-orientation 0")],
)
def test_scores_outside_one_to_ten_change_nothing(pj, db, maria, scores, words):
    before = snapshot(db)
    r = trust(pj, "Maria Lopez", *scores)
    failed(r, 2)
    assert words in r.stderr
    assert snapshot(db) == before


def test_missing_scores_off_a_terminal_name_the_flags(pj, db, maria):
    before = snapshot(db)
    r = pj("trust", "Maria Lopez", "--credibility", "7")
    failed(r, 2)
    assert "--reliability, --intimacy, --self-orientation" in r.stderr
    assert snapshot(db) == before


def test_trust_asks_on_a_terminal(pj, maria, monkeypatch):
    monkeypatch.setattr(Env, "stdin_is_terminal", property(lambda self: True))
    r = pj("trust", "Maria Lopez", "--credibility", "8", input="12\n6\n5\n2\n")
    assert r.exit_code == 0, r
    assert "Trust with Maria Lopez on 2026-11-23: 9.5" in r.stdout  # 12 was refused, asked again


def test_trust_with_unknown_partner_or_bad_date(pj, db, maria):
    before = snapshot(db)
    r = trust(pj, "Nobody", 5, 5, 5, 5)
    failed(r, 1)
    assert "pj partner add" in r.stderr
    failed(trust(pj, "Maria Lopez", 5, 5, 5, 5, "--date", "01/11/2026"), 2)
    failed(trust(pj, "Maria Lopez", 5, 5, 5, 5, "--date", "2027-01-01"), 2)
    assert snapshot(db) == before


# --- stories --------------------------------------------------------------------------

def test_story_creates_unknown_partners_and_says_so(pj, maria):
    r = pj("story", "add", "Finance and the plant cut cost per unit together",
           "--partner", "maria lopez", "--partner", "Sam Okafor", "--impact", "4% lower cost",
           "--date", "2026-11-02")
    assert r.exit_code == 0 and r.stdout == "Saved story #1\n"
    assert "New partner 'Sam Okafor' added" in r.stderr and "Maria" not in r.stderr
    names = [p["name"] for p in pj("partner", "list", "--json").json()]
    assert names == ["Maria Lopez", "Sam Okafor"]
    (s,) = pj("story", "list", "--json").json()
    assert {k: s[k] for k in ("id", "date", "text", "partners", "impact")} == {
        "id": 1, "date": "2026-11-02", "text": "Finance and the plant cut cost per unit together",
        "partners": ["Maria Lopez", "Sam Okafor"], "impact": "4% lower cost",
    }


def test_story_list_by_quarter(pj, maria):
    for day in ("2026-09-30", "2026-10-01", "2026-11-20"):
        pj("story", "add", f"Story of {day}", "--date", day)
    dates = lambda *a: [s["date"] for s in pj("story", "list", *a, "--json").json()]  # noqa: E731
    assert dates() == ["2026-10-01", "2026-11-20"]
    assert dates("--quarter", "last") == ["2026-09-30"]
    assert dates("--quarter", "2026Q3") == ["2026-09-30"]
    assert dates("--all") == ["2026-09-30", "2026-10-01", "2026-11-20"]
    pj("config", "set", "fiscal-year-start", "4")
    assert dates() == ["2026-10-01", "2026-11-20"]  # fiscal 2026Q3 = October to December
    assert dates("--quarter", "2026Q2") == ["2026-09-30"]  # July to September
    text = pj("story", "list", "--quarter", "2026Q2").stdout
    assert text == "2026-09-30  #1  Story of 2026-09-30\n"
    r = pj("story", "list", "--quarter", "2025Q1")
    assert r.stdout == "" and "No stories in 2025Q1." in r.stderr


@pytest.mark.parametrize(
    "args, words",
    [
        (["add", ""], "story is empty"),
        (["add", "x", "--partner", "   "], "partner name is empty"),
        (["add", "x", "--date", "2026-11-31"], "not a valid date"),
        (["add", "x", "--date", "2026-12-01"], "in the future"),
        (["list", "--quarter", "2026Q5"], "quarter '2026Q5'"),
        (["list", "--all", "--quarter", "last"], "give one of them"),
    ],
)
def test_bad_story_input_changes_nothing(pj, db, maria, args, words):
    before = snapshot(db)
    r = pj("story", *args)
    failed(r, 2)
    assert words in r.stderr
    assert snapshot(db) == before


# --- objectives -----------------------------------------------------------------------

@pytest.fixture
def cost(pj):
    r = pj("objective", "add", "Cost per unit", "--kind", "Business", "--unit", "EUR",
           "--target", "4", "--lower-is-better")
    assert r.exit_code == 0 and r.stdout == "Added objective Cost per unit (business)\n"


def test_objective_list_json_contract(pj, cost):
    pj("objective", "add", "Engagement", "--kind", "employee", "--target", "80", "--unit", "%")
    pj("objective", "measure", "cost per unit", "4.6", "--date", "2026-09-01", "--note", "Q3 close")
    pj("objective", "measure", "Cost per unit", "4.3", "--date", "2026-11-01")
    rows = pj("objective", "list", "--json").json()
    assert [r["name"] for r in rows] == ["Cost per unit", "Engagement"]
    c, e = rows
    assert {k: c[k] for k in ("name", "kind", "unit", "target", "latest")} == {
        "name": "Cost per unit", "kind": "business", "unit": "EUR", "target": 4.0,
        "latest": {"value": 4.3, "date": "2026-11-01"},
    }
    assert [(m["date"], m["value"], m["note"]) for m in c["measurements"]] == [
        ("2026-09-01", 4.6, "Q3 close"), ("2026-11-01", 4.3, None)]
    assert c["trend"] == "down" and c["improving"] is True and c["met"] is False
    assert c["to_target"] == pytest.approx(0.3)
    assert e["latest"] is None and e["measurements"] == [] and e["trend"] is None


def test_objective_text_shows_trend_and_distance(pj, cost):
    pj("objective", "add", "NPS", "--kind", "customer", "--target", "40")
    pj("objective", "measure", "NPS", "42", "--date", "2026-10-01")
    pj("objective", "measure", "NPS", "38")
    pj("objective", "measure", "Cost per unit", "3.9")
    lines = pj("objective", "list").stdout.splitlines()
    assert lines == [
        "Cost per unit (business) · latest 3.9 EUR on 2026-11-23 · target ≤ 4 EUR, met",
        "NPS (customer) · latest 38 on 2026-11-23 · trend ↓ worse · target ≥ 40, 2 to go",
    ]


def test_negative_values_are_measurements_not_options(pj):
    pj("objective", "add", "Margin change", "--kind", "business")
    r = pj("objective", "measure", "Margin change", "-2.5")
    assert r.exit_code == 0, r
    assert pj("objective", "list", "--json").json()[0]["latest"]["value"] == -2.5


@pytest.mark.parametrize(
    "args, code, words",
    [
        (["add", "cost PER unit", "--kind", "business"], 1, "already exists"),
        (["add", "Churn", "--kind", "finance"], 2, "kind 'finance'"),
        (["add", "Churn"], 2, "--kind"),
        (["add", "Churn", "--kind", "customer", "--target", "lots"], 2, "--target 'lots' is not a number"),
        (["add", "Churn", "--kind", "customer", "--target", "inf"], 2, "not a usable number"),
        (["measure", "Revenue", "5"], 1, "pj objective add"),
        (["measure", "Cost per unit", "four"], 2, "value 'four' is not a number"),
        (["measure", "Cost per unit", "nan"], 2, "not a usable number"),
        (["measure", "Cost per unit", "4", "--date", "2026-12-01"], 2, "in the future"),
        (["measure", "Cost per unit", "4", "--date", "yesterday-ish"], 2, "not a valid date"),
    ],
)
def test_bad_objective_input_changes_nothing(pj, db, cost, args, code, words):
    before = snapshot(db)
    r = pj("objective", *args)
    failed(r, code)
    assert words in r.stderr
    assert snapshot(db) == before


def test_empty_objective_list(pj):
    r = pj("objective", "list")
    assert r.stdout == "" and "pj objective add" in r.stderr
    assert pj("objective", "list", "--json").json() == []


@pytest.mark.parametrize("value, shown", [(4.0, "4"), (0.1 + 0.2, "0.3"), (-2.5, "-2.5"), (1234567.0, "1234567")])
def test_format_number(value, shown):
    assert format_number(value) == shown
