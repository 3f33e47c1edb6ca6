"""The partner's view end to end: the installed ``pj`` in a subprocess hands out a
survey in each format, records feedback, and shows the gap in pj trust, the quarterly
report (every format) and the progress report. The expected numbers are computed here
from the raw values, not taken from the code under test."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess

import pytest

from conftest import FIXED_TODAY, snapshot

pytestmark = pytest.mark.e2e

TERMS = ("credibility", "reliability", "intimacy", "self_orientation")

# the leader's own checks and what came back, as typed (None: the partner skipped it)
CHECKS = {
    "Maria Lopez": [("2026-10-10", (7, 8, 6, 3)), ("2026-11-22", (8, 8, 8, 2))],
    "Chen Wei": [("2026-11-01", (8, 7, 6, 4))],
}
FEEDBACK = [
    ("Maria Lopez", "2026-09-10", (7, 7, 7, 4), 5),  # last quarter
    ("Maria Lopez", "2026-11-20", (6, 5, 7, 4), 8),
    ("Chen Wei", "2026-11-15", (8, None, 4, 3), 6),
]


@pytest.fixture
def run(tmp_path):
    exe = shutil.which("pj")
    assert exe, "the installed 'pj' is not on PATH: pip install -e '.[test]'"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PARTNERJOURNAL_", "PJ_"))}
    env.update(PARTNERJOURNAL_DB=str(tmp_path / "journal.sqlite"),
               PARTNERJOURNAL_TODAY=FIXED_TODAY, NO_COLOR="1")

    def run(*args, ok: bool = True):
        done = subprocess.run([exe, *map(str, args)], input="", capture_output=True, text=True,
                              env=env, cwd=tmp_path, timeout=60)
        if ok:
            assert done.returncode == 0, done
        return done

    return run


def _flags(scores, satisfaction=None):
    out = []
    for term, value in zip(TERMS, scores):
        if value is not None:
            out += [f"--{term.replace('_', '-')}", value]
    if satisfaction is not None:
        out += ["--satisfaction", satisfaction]
    return out


@pytest.fixture
def journal(run):
    run("partner", "add", "Maria Lopez", "--box", "managers", "--relation", "direct")
    run("partner", "add", "Chen Wei", "--box", "leadership", "--relation", "influential")
    run("partner", "add", "Dana Fox", "--box", "teams", "--relation", "guidance")
    for name, checks in CHECKS.items():
        for day, scores in checks:
            run("trust", name, *_flags(scores), "--date", day)
    for name, day, scores, satisfaction in FEEDBACK:
        r = run("feedback", "add", name, *_flags(scores, satisfaction), "--date", day)
        assert r.stdout.startswith("Saved feedback #")
    return run


def _equation(scores) -> float:
    c, r, i, s = scores
    return (c + r + i) / s


def test_survey_in_each_format(journal, tmp_path):
    text = journal("survey", "Maria Lopez").stdout
    assert text.startswith("How is our partnership going?\nFor Maria Lopez")
    md = journal("survey", "Maria Lopez", "--format", "markdown").stdout
    assert md.startswith("# How is our partnership going?")
    out = tmp_path / "maria.html"
    r = journal("survey", "Maria Lopez", "--format", "html", "--output", out)
    assert r.stdout == "" and stat.S_IMODE(out.stat().st_mode) == 0o600
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.count('<ol class="scale"') == 5


def test_trust_shows_the_gap_with_the_right_numbers(journal):
    mine = (6, 7, 5, 3)
    view = json.loads(
        journal("trust", "Maria Lopez", *_flags(mine), "--json").stdout)["partner_view"]
    _, day, theirs, satisfaction = FEEDBACK[1]  # Maria's latest
    assert view["feedback"]["date"] == day and view["feedback"]["satisfaction"] == satisfaction
    for term, a, b in zip(TERMS, mine, theirs):
        assert view["gap"][term] == b - a, term
    assert view["gap"]["score"] == round(round(_equation(theirs), 1) - round(_equation(mine), 1), 1)
    assert view["self_rating"]["score"] == round(_equation(mine), 1)
    text = journal("trust", "Maria Lopez", *_flags(mine)).stdout
    row = next(line.split() for line in text.splitlines() if line.strip().startswith("reliability"))
    assert row == ["reliability", str(mine[1]), str(theirs[1]), f"{theirs[1] - mine[1]:+d}"]


def test_report_shows_the_gap_with_the_right_numbers(journal):
    report = json.loads(journal("report", "--format", "json").stdout)
    view = report["partner_view"]
    assert view["not_asked"] == ["Dana Fox"]
    lines = {p["name"]: p for p in view["partners"]}
    assert set(lines) == {"Maria Lopez", "Chen Wei"}

    # Maria: her 2026-11-20 answers beside the leader's check on or before that day
    # (2026-10-10: the one of 2026-11-22 came later)
    maria = lines["Maria Lopez"]
    mine, theirs = CHECKS["Maria Lopez"][0][1], FEEDBACK[1][2]
    assert maria["self_date"] == "2026-10-10"
    assert [t["gap"] for t in maria["terms"]] == [b - a for a, b in zip(mine, theirs)]
    assert maria["trust_self"] == round(_equation(mine), 2)
    assert maria["trust_partner"] == round(_equation(theirs), 2)
    assert maria["satisfaction"] == 8 and maria["previous_satisfaction"] == 5
    assert maria["satisfaction_change"] == 8 - 5
    gaps = {t: b - a for t, a, b in zip(TERMS, mine, theirs)}
    assert maria["largest_gap"] == max(gaps, key=lambda t: abs(gaps[t])) == "reliability"

    # Chen skipped reliability: no gap there, no trust score of theirs
    chen = lines["Chen Wei"]
    mine, theirs = CHECKS["Chen Wei"][0][1], FEEDBACK[2][2]
    assert [t["gap"] for t in chen["terms"]] == [
        None if b is None else b - a for a, b in zip(mine, theirs)]
    assert chen["trust_partner"] is None and chen["previous_satisfaction"] is None

    md = journal("report", "--format", "markdown").stdout
    section = md.split("## The partner's view", 1)[1].split("\n## ", 1)[0]
    assert ("The largest gap with Maria Lopez is reliability: you rated yourself 8, Maria Lopez"
            " 5 (3 points less favourable).") in section
    assert "Not asked this quarter: Dana Fox" in section
    assert "8/10, ▲ +3 from 5 last quarter" in section
    assert "6/10, none given last quarter" in section
    text = journal("report", "--format", "terminal").stdout
    assert "The partner's view" in text and "8/10, ▲ +3 from 5 last quarter" in text
    page = journal("report", "--format", "html").stdout
    assert '<section id="partner_view"' in page and "Dana Fox" in page


def test_progress_counts_feedback_as_practice_of_step_11(journal):
    in_quarter = [f for f in FEEDBACK if f[1] >= "2026-10-01"]
    steps = json.loads(journal("progress", "--json").stdout)["steps"]
    step = next(s for s in steps if s["number"] == 11)
    assert step["reflections_quarter"] == len(in_quarter)
    assert step["reflections_total"] == len(FEEDBACK)
    assert step["last_practiced"] == max(f[1] for f in FEEDBACK)
    assert sum(s["reflections_quarter"] for s in steps if s["number"] != 11) == 0


def test_bad_input_through_the_installed_pj(journal, tmp_path):
    before = snapshot(tmp_path / "journal.sqlite")
    for args, code, words in (
        (["feedback", "add", "Maria Lopez", "--credibility", "0"], 2, "outside 1–10"),
        (["feedback", "add", "Nobody", "--satisfaction", "4"], 1, "no partner named"),
        (["feedback", "add", "Maria Lopez"], 2, "the form is empty"),
        (["feedback", "add", "Maria Lopez", "--satisfaction", "4", "--date", "2026-13-01"], 2,
         "not a valid date"),
        (["survey", "Nobody"], 1, "no partner named"),
    ):
        r = journal(*args, ok=False)
        assert r.returncode == code, r
        assert r.stderr.startswith("pj: error: ") and r.stderr.count("\n") == 1, r
        assert words in r.stderr and "Traceback" not in r.stderr
    assert snapshot(tmp_path / "journal.sqlite") == before
