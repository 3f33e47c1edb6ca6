"""The partner's view through the CLI: pj survey, pj feedback add/list/edit/delete, and
the gap in pj trust and pj partner show. Bad input: one line, nothing changed."""

from __future__ import annotations

import html
import os
import stat

import pytest
from conftest import snapshot

from partnerjournal.context import Env

HOSTILE = "<script>alert(1)</script> *star* [x](y) & \"q\""
SCORES = ("--credibility", "6", "--reliability", "5", "--intimacy", "7",
          "--self-orientation", "4", "--satisfaction", "8")


def failed(r, code: int) -> None:
    assert r.exit_code == code, r
    assert r.stderr.startswith("pj: error: ") and r.stderr.count("\n") == 1, r


@pytest.fixture
def maria(pj):
    r = pj("partner", "add", "Maria Lopez", "--box", "managers", "--relation", "direct")
    assert r.exit_code == 0
    return "Maria Lopez"


# --- the survey -----------------------------------------------------------------------


def test_survey_text_asks_the_five_scores_and_two_questions(pj, maria):
    r = pj("survey", "maria lopez")
    assert r.exit_code == 0, r
    text = r.stdout
    assert text.startswith("How is our partnership going?\nFor Maria Lopez · 23 November 2026\n")
    assert text.count("Your answer (1-10): ____") == 5
    assert "count on me to do what I said I would" in text  # reliability, from their side
    assert "safe does it feel to bring a difficult" in text  # intimacy
    assert "On this question a LOW number is the good answer." in text  # self-orientation
    assert "6. What should I keep doing?" in text and "7. What should I change" in text


def test_survey_shows_nothing_from_the_journal(pj, maria):
    pj("partner", "edit", maria, "--note", "Secret note about Maria")
    pj("reflect", "A private reflection on Maria", "--partner", maria)
    pj("trust", maria, "--credibility", "9", "--reliability", "9", "--intimacy", "9",
       "--self-orientation", "1")
    for fmt in ("text", "markdown", "html"):
        out = pj("survey", maria, "--format", fmt).stdout
        for private in ("Secret note", "private reflection", "27", "managers", "direct"):
            assert private not in out, (fmt, private)


def test_survey_signs_with_your_name_when_set(pj, maria):
    assert "from" not in pj("survey", maria).stdout.split("\n")[1]
    pj("config", "set", "your-name", "Alex Doe")
    r = pj("survey", maria)
    assert r.stdout.split("\n")[1] == "For Maria Lopez · from Alex Doe · 23 November 2026"
    assert "Alex Doe would value your honest view" in r.stdout
    assert pj("config", "set", "your-name", "none").exit_code == 0
    assert "Alex" not in pj("survey", maria).stdout


def test_survey_markdown_and_html_escape_names(pj):
    name = f"Eve {HOSTILE}"
    pj("partner", "add", name, "--box", "teams", "--relation", "guidance")
    pj("config", "set", "your-name", f"Al {HOSTILE}")
    md = pj("survey", name, "--format", "markdown").stdout
    assert md.startswith("# How is our partnership going?\n")
    assert "<script>" not in md and "\\<script\\>" in md and "\\*star\\*" in md
    page = pj("survey", name, "--format", "html").stdout
    assert "<script" not in page.lower()
    assert html.escape(name, quote=True) in page
    assert html.escape(f"Al {HOSTILE}", quote=True) in page
    assert "Content-Security-Policy" in page and "src=" not in page and "href=" not in page


def test_survey_to_a_file_is_private(pj, maria, tmp_path):
    out = tmp_path / "forms" / "maria.html"
    out.parent.mkdir()
    r = pj("survey", maria, "-f", "html", "-o", out)
    assert r.exit_code == 0 and r.stdout == ""
    assert f"written to {out}" in r.stderr
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


@pytest.mark.parametrize(
    "args, code, words",
    [
        (["survey", "Nobody"], 1, "no partner named 'Nobody'"),
        (["survey", "Maria Lopez", "--format", "pdf"], 2, "--format 'pdf' is not one of"),
        (["survey", "Maria Lopez", "--output", ""], 2, "--output needs a file name"),
    ],
)
def test_survey_bad_input(pj, db, maria, args, code, words):
    before = snapshot(db)
    r = pj(*args)
    failed(r, code)
    assert words in r.stderr
    assert snapshot(db) == before


# --- recording feedback ---------------------------------------------------------------


def test_survey_output_is_written_like_every_other_output(pj, db, maria, tmp_path):
    out = tmp_path / "new" / "folder" / "maria.md"
    r = pj("survey", "Maria Lopez", "--format", "markdown", "--output", str(out))
    assert r.exit_code == 0, r
    assert out.read_text(encoding="utf-8").startswith("#")
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    assert oct(out.parent.stat().st_mode & 0o777) == "0o700"
    before = snapshot(db)
    r = pj("survey", "Maria Lopez", "--output", str(db))  # never over the journal
    failed(r, 2)
    assert "is your journal" in r.stderr and snapshot(db) == before


def test_feedback_add_list_and_json(pj, maria):
    r = pj("feedback", "add", maria, *SCORES, "--keep", "The *Friday* notes",
           "--change", "Warn me <earlier>", "--date", "2026-11-20")
    assert r.exit_code == 0, r
    assert r.stdout == "Saved feedback #1 from Maria Lopez on 2026-11-20\n"
    assert "No trust check of your own yet" in r.stderr
    lines = pj("feedback", "list").stdout.splitlines()
    assert lines[0] == ("#1  2026-11-20  Maria Lopez  credibility 6 · reliability 5 · intimacy 7"
                        " · self-orientation 4 · satisfaction 8 · trust 4.5")
    assert lines[1:] == ["  keep: The *Friday* notes", "  change: Warn me <earlier>"]
    (row,) = pj("feedback", "list", "maria LOPEZ", "--json").json()
    assert row["score"] == 4.5 and row["self_orientation"] == 4
    assert row["keep"] == "The *Friday* notes"


def test_any_term_may_be_left_out(pj, maria):
    assert pj("feedback", "add", maria, "--satisfaction", "3").exit_code == 0
    assert pj("feedback", "add", maria, "--keep", "Only words").exit_code == 0
    rows = pj("feedback", "list", "--json").json()
    assert [r["satisfaction"] for r in rows] == [3, None]
    assert all(r["credibility"] is None and r["score"] is None for r in rows)
    assert "intimacy —" in pj("feedback", "list").stdout


def test_feedback_asks_on_a_terminal_and_enter_skips(pj, maria, monkeypatch):
    monkeypatch.setattr(Env, "stdin_is_terminal", property(lambda self: True))
    # credibility given; reliability 11 refused then 6; intimacy skipped; self-orientation 3;
    # satisfaction skipped; keep answered; change skipped
    r = pj("feedback", "add", maria, "--credibility", "7", input="11\n6\n\n3\n\nThe notes\n\n")
    assert r.exit_code == 0, r
    (row,) = pj("feedback", "list", "--json").json()
    assert (row["credibility"], row["reliability"], row["intimacy"], row["self_orientation"],
            row["satisfaction"], row["keep"], row["change"]) == (
        7, 6, None, 3, None, "The notes", "")


def test_an_empty_form_on_a_terminal_is_refused(pj, db, maria, monkeypatch):
    monkeypatch.setattr(Env, "stdin_is_terminal", property(lambda self: True))
    before = snapshot(db)
    r = pj("feedback", "add", maria, input="\n" * 7)
    failed(r, 2)
    assert "the form is empty" in r.stderr
    assert snapshot(db) == before


@pytest.mark.parametrize(
    "args, code, words",
    [
        (["--credibility", "11"], 2, "credibility 11 is outside 1–10"),
        (["--self-orientation", "0"], 2, "self-orientation 0 is outside 1–10"),
        (["--satisfaction", "-2"], 2, "-2"),
        (["--intimacy", "5.5"], 2, "5.5"),
        ([], 2, "the form is empty"),
        (["--keep", "   ", "--change", ""], 2, "the form is empty"),
        (["--satisfaction", "5", "--date", "2026-02-30"], 2, "not a valid date"),
        (["--satisfaction", "5", "--date", "23/11/2026"], 2, "not a valid date"),
        (["--satisfaction", "5", "--date", "2026-12-01"], 2, "in the future"),
    ],
)
def test_bad_feedback_changes_nothing(pj, db, maria, args, code, words):
    pj("feedback", "add", maria, "--satisfaction", "7")
    before = snapshot(db)
    r = pj("feedback", "add", maria, *args)
    failed(r, code)
    assert words in r.stderr
    assert snapshot(db) == before


def test_feedback_from_an_unknown_or_archived_partner(pj, db, maria):
    before = snapshot(db)
    r = pj("feedback", "add", "Nobody", "--satisfaction", "5")
    failed(r, 1)
    assert "no partner named 'Nobody'" in r.stderr
    assert snapshot(db) == before
    pj("partner", "archive", maria)
    before = snapshot(db)
    r = pj("feedback", "add", maria, "--satisfaction", "5")
    failed(r, 1)
    assert "archived" in r.stderr
    assert snapshot(db) == before


def test_edit_changes_and_clears_terms(pj, db, maria):
    pj("feedback", "add", maria, *SCORES, "--keep", "Notes")
    r = pj("feedback", "edit", "1", "--reliability", "3", "--clear", "intimacy", "--clear",
           "keep", "--change", "Earlier", "--date", "2026-11-01")
    assert r.exit_code == 0 and r.stdout == "Updated feedback #1 from Maria Lopez\n", r
    (row,) = pj("feedback", "list", "--json").json()
    assert (row["reliability"], row["intimacy"], row["keep"], row["change"], row["date"]) == (
        3, None, "", "Earlier", "2026-11-01")
    assert row["updated_at"] >= row["created_at"]
    before = snapshot(db)
    for args, code, words in (
        ([], 2, "nothing to change"),
        (["--credibility", "12"], 2, "outside 1–10"),
        (["--clear", "mood"], 2, "--clear 'mood' is not one of"),
        (["--clear", "reliability", "--reliability", "4"], 2, "contradict"),
        (["--date", "tomorrow"], 2, "in the future"),
    ):
        r = pj("feedback", "edit", "1", *args)
        failed(r, code)
        assert words in r.stderr
    r = pj("feedback", "edit", "9", "--satisfaction", "2")
    failed(r, 1)
    assert "no feedback #9" in r.stderr
    assert snapshot(db) == before


def test_edit_may_not_empty_the_form(pj, db, maria):
    pj("feedback", "add", maria, "--satisfaction", "6")
    before = snapshot(db)
    r = pj("feedback", "edit", "1", "--clear", "satisfaction")
    failed(r, 2)
    assert "the form is empty" in r.stderr
    assert snapshot(db) == before


def test_delete_asks_first(pj, db, maria, monkeypatch):
    pj("feedback", "add", maria, "--satisfaction", "6")
    before = snapshot(db)
    r = pj("feedback", "delete", "1")
    failed(r, 2)
    assert "add --yes" in r.stderr
    monkeypatch.setattr(Env, "stdin_is_terminal", property(lambda self: True))
    r = pj("feedback", "delete", "1", input="n\n")
    assert r.exit_code == 0 and "nothing deleted" in r.stderr
    assert snapshot(db) == before
    r = pj("feedback", "delete", "1", input="y\n")
    assert r.exit_code == 0 and "Deleted feedback #1 from Maria Lopez" in r.stdout
    assert pj("feedback", "list", "--json").json() == []
    failed(pj("feedback", "delete", "1", "--yes"), 1)


# --- the gap --------------------------------------------------------------------------


def _trust(pj, partner, c, r, i, s, *extra):
    return pj("trust", partner, "--credibility", c, "--reliability", r, "--intimacy", i,
              "--self-orientation", s, *extra)


def test_trust_shows_the_partners_latest_view_and_the_gap(pj, maria):
    pj("feedback", "add", maria, "--credibility", "9", "--date", "2026-10-01")
    pj("feedback", "add", maria, *SCORES, "--date", "2026-11-20")  # 6 5 7 4, satisfaction 8
    r = _trust(pj, maria, 7, 8, 6, 3)
    assert r.exit_code == 0, r
    out = r.stdout.splitlines()
    assert out[0] == "Trust with Maria Lopez on 2026-11-23: 7 (first check)"
    assert out[2] == "Maria Lopez's view (feedback of 2026-11-20) beside yours:"
    rows = {line.split()[0]: line.split()[1:] for line in out[4:9]}
    assert rows["credibility"] == ["7", "6", "-1"]
    assert rows["reliability"] == ["8", "5", "-3"]
    assert rows["intimacy"] == ["6", "7", "+1"]
    assert rows["self-orientation"][:3] == ["3", "4", "+1"]
    assert rows["trust"] == ["7", "4.5", "−2.5"]  # the report's rounding and signs
    assert out[9] == "  satisfaction 8/10"
    view = _trust(pj, maria, 7, 8, 6, 3, "--json").json()["partner_view"]
    assert view["gap"] == {"credibility": -1, "reliability": -3, "intimacy": 1,
                           "self_orientation": 1, "score": -2.5}
    assert view["largest_gap"] == "reliability"
    assert view["feedback"]["date"] == "2026-11-20" and view["self_rating"]["score"] == 7.0


def test_trust_without_feedback_says_how_to_ask(pj, maria):
    r = _trust(pj, maria, 7, 8, 6, 3)
    assert "hand them a form with pj survey \"Maria Lopez\"" in r.stderr
    assert _trust(pj, maria, 7, 8, 6, 3, "--json").json()["partner_view"] is None


def test_partner_show_compares_each_feedback_with_the_check_before_it(pj, maria):
    _trust(pj, maria, 7, 8, 6, 3, "--date", "2026-10-01")
    _trust(pj, maria, 5, 5, 5, 5, "--date", "2026-11-21")  # after the second feedback
    pj("feedback", "add", maria, "--credibility", "4", "--date", "2026-09-01")  # before any
    pj("feedback", "add", maria, *SCORES, "--date", "2026-11-20")
    detail = pj("partner", "show", maria, "--json").json()
    first, second = detail["feedback"]
    assert first["self_rating"] is None and first["gap"]["credibility"] is None
    assert second["self_rating"]["date"] == "2026-10-01"
    assert second["gap"] == {"credibility": -1, "reliability": -3, "intimacy": 1,
                             "self_orientation": 1, "score": -2.5}
    text = pj("partner", "show", maria).stdout
    assert "Their feedback: 2" in text
    assert "(no trust check of yours on or before that day to compare with)" in text
    assert "beside your trust check of 2026-10-01:" in text


@pytest.mark.parametrize("command", [["survey"], ["feedback", "add"], ["feedback", "list"],
                                     ["feedback", "edit"], ["feedback", "delete"]],
                         ids=" ".join)
def test_every_new_command_has_help_for_a_leader(pj, command):
    r = pj(*command, "--help")
    assert r.exit_code == 0, r
    assert "Usage: pj " + " ".join(command) in " ".join(r.stdout.split())
    assert len(r.stdout.split("\n\n")[1].strip()) > 20


# --- the pure comparison --------------------------------------------------------------


def test_gap_rules():
    from partnerjournal.partner_view import gap_sentence, gaps, largest_gap, trust_score

    mine = {"credibility": 7, "reliability": 8, "intimacy": 6, "self_orientation": 3}
    theirs = {"credibility": 9, "reliability": 6, "intimacy": None, "self_orientation": 5}
    by_term = gaps(mine, theirs)
    assert by_term == {"credibility": 2, "reliability": -2, "intimacy": None,
                       "self_orientation": 2}
    assert largest_gap(by_term) == "credibility"  # a tie goes to the first in the equation
    assert largest_gap({"credibility": 0, "reliability": None}) is None
    assert gaps(None, theirs)["credibility"] is None
    assert trust_score(theirs) is None and trust_score(mine) == 7.0
    # self-orientation: a higher number from the partner is the less favourable view
    assert gap_sentence("Ana", "self_orientation", 3, 5).endswith("(2 points less favourable).")
    assert gap_sentence("Ana", "credibility", 7, 9).endswith("(2 points more favourable).")


def test_trust_show_sets_the_latest_check_beside_their_view_and_writes_nothing(pj, db, maria):
    _trust(pj, maria, 5, 5, 5, 5, "--date", "2026-09-01")
    _trust(pj, maria, 7, 8, 6, 4, "--date", "2026-11-01")  # (7+8+6)/4 = 5.25
    pj("feedback", "add", maria, *SCORES, "--date", "2026-11-20")  # 6 5 7 4 -> 4.5
    before = snapshot(db)
    r = pj("trust", "maria lopez", "--show")
    assert r.exit_code == 0, r
    out = r.stdout.splitlines()
    assert out[0] == "Trust with Maria Lopez on 2026-11-01: 5.25 (+2.25 since 2026-09-01, was 3)"
    rows = {line.split()[0]: line.split()[1:] for line in out[4:9]}
    assert rows["reliability"] == ["8", "5", "-3"] and rows["trust"] == ["5.25", "4.5", "−0.75"]
    data = pj("trust", maria, "--show", "--json").json()
    assert data["score"] == 5.25 and data["change"] == 2.25
    assert data["partner_view"]["gap"]["score"] == 4.5 - 5.25
    assert snapshot(db) == before


def test_trust_show_without_a_check_says_how_to_rate(pj, db, maria):
    r = pj("trust", maria, "--show")
    assert r.exit_code == 0 and "No trust check with Maria Lopez yet" in r.stderr, r
    assert pj("trust", maria, "--show", "--json").json() is None


@pytest.mark.parametrize("args, words", [
    (["--show", "--credibility", "3"], "--show only looks"),
    (["--show", "--date", "2026-11-01"], "--show only looks"),
    ([], "or --show to see your latest check"),
])
def test_trust_show_refuses_scores_and_says_where_it_goes(pj, db, maria, args, words):
    before = snapshot(db)
    r = pj("trust", maria, *args)
    failed(r, 2)
    assert words in r.stderr and snapshot(db) == before
