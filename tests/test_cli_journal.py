"""The daily commands through the CLI (CliRunner), against a real journal in tmp_path."""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import json
import re
import shlex
import sys
from pathlib import Path

import click
import pytest
import typer

from conftest import FIXED_TODAY, snapshot
from partnerjournal import __version__
from partnerjournal.catalog import load_catalog, phase_of
from partnerjournal.cli import app

TODAY = dt.date.fromisoformat(FIXED_TODAY)  # 2026-11-23, in calendar 2026Q4
OFFSET_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?[+-]\d\d:\d\d$")


def day(n: int) -> str:
    """The ISO date ``n`` days before the fixed today."""
    return (TODAY - dt.timedelta(days=n)).isoformat()


def ok(result):
    assert result.exit_code == 0, result
    return result


def reflect(pj, text: str, *args: str) -> int:
    return int(ok(pj("reflect", text, *args)).stdout.strip())


def entries(pj, *args: str) -> list[dict]:
    return ok(pj("log", "--json", *args)).json()


def one_error_line(result) -> str:
    assert result.stderr.count("\n") == 1, result
    assert result.stderr.startswith("pj: error: "), result
    assert "Traceback" not in result.stderr + result.stdout
    return result.stderr


# --- today ----------------------------------------------------------------------------

def test_today_saves_piped_text_with_the_prompts_steps(pj):
    prompt = ok(pj("prompt", "--json")).json()
    r = ok(pj("today", input="Asked Ana what a good quarter looks like for her.\n"))
    lines = r.stdout.splitlines()
    assert lines[0] == f"Today's prompt · {FIXED_TODAY}"
    assert lines[1] == prompt["text"]
    assert prompt["source"]["author"] in r.stdout and prompt["source"]["work"] in r.stdout
    assert f"[{prompt['id']}]" in r.stdout
    assert lines[-1] == "Saved reflection #1 · 1 this quarter (2026Q4) · streak 1 day"
    [entry] = entries(pj)
    assert entry["text"] == "Asked Ana what a good quarter looks like for her."
    assert entry["steps"] == prompt["steps"]
    assert entry["prompt_id"] == prompt["id"]
    assert entry["date"] == FIXED_TODAY


def test_today_with_text_and_options(pj):
    r = ok(pj("today", "--text", "Planned the offsite with Bo", "--step", "9", "--step", "3",
              "--partner", "Bo", "--tag", "offsite", "--important-share", "35"))
    assert "New partner 'Bo'" in r.stderr
    [entry] = entries(pj)
    assert entry["steps"] == [3, 9]  # given steps replace the prompt's
    assert (entry["partners"], entry["tags"], entry["important_share"]) == (["Bo"], ["offsite"], 35)


def test_today_reports_quarter_count_and_streak(pj):
    reflect(pj, "three days ago", "--date", day(3))
    reflect(pj, "two days ago", "--date", day(2))
    reflect(pj, "yesterday", "--date", "yesterday")
    reflect(pj, "last quarter", "--date", "2026-09-30")
    r = ok(pj("today", "--text", "today"))
    assert r.stdout.splitlines()[-1] == "Saved reflection #5 · 4 this quarter (2026Q4) · streak 4 days"


def test_today_with_nothing_piped_saves_nothing(pj, db):
    reflect(pj, "earlier", "--date", "yesterday")
    before = snapshot(db)
    r = pj("today", input="  \n\n")
    assert r.exit_code == 2
    one_error_line(r)
    assert snapshot(db) == before


@pytest.mark.parametrize("earlier", ["2025-11-23", "2026-08-23", "2026-05-23", "2016-11-23"])
def test_today_recalls_this_day_in_an_earlier_year_or_quarter(pj, earlier):
    rid = reflect(pj, "Walked the floor with the new team lead\nsecond line stays hidden",
                  "--date", earlier)
    r = ok(pj("today", "--text", "today's words"))
    recall = [line for line in r.stdout.splitlines() if line.startswith("On this day")]
    assert recall == [f"On this day, {earlier}: Walked the floor with the new team lead (#{rid})"]


def test_today_recalls_the_oldest_of_several(pj):
    reflect(pj, "newer one", "--date", "2026-08-23")
    oldest = reflect(pj, "oldest one", "--date", "2024-11-23")
    reflect(pj, "middle one", "--date", "2025-02-23")
    r = ok(pj("today", "--text", "x"))
    assert f"On this day, 2024-11-23: oldest one (#{oldest})" in r.stdout
    assert r.stdout.count("On this day") == 1


@pytest.mark.parametrize("other", ["2025-11-22", "2026-11-22", "2026-10-23", "2026-09-24"])
def test_today_recalls_nothing_from_other_days(pj, other):
    reflect(pj, "not this day", "--date", other)
    r = ok(pj("today", "--text", "x"))
    assert "On this day" not in r.stdout


# --- reflect --------------------------------------------------------------------------

def test_reflect_argument_prints_the_new_id(pj):
    assert ok(pj("reflect", "First")).stdout == "1\n"
    assert ok(pj("reflect", "Second")).stdout == "2\n"
    assert [e["text"] for e in entries(pj)] == ["Second", "First"]


@pytest.mark.parametrize("args", [("-",), ()], ids=["dash", "pipe"])
def test_reflect_reads_standard_input(pj, args):
    rid = int(ok(pj("reflect", *args, input="Line one\r\nLine two\r\n")).stdout)
    assert entries(pj)[0] == {**entries(pj)[0], "id": rid, "text": "Line one\nLine two"}


def test_reflect_with_every_option(pj):
    r = ok(pj("reflect", "Coached Ana on saying no", "--step", "7", "-s", "2", "--step", "7",
              "--partner", "Ana", "-p", "Bo, Cy", "--tag", "#coaching", "-t", "no,@boundaries",
              "--important-share", "60", "--date", "2026-11-20"))
    [entry] = entries(pj)
    assert entry["id"] == int(r.stdout)
    assert entry["steps"] == [2, 7]
    assert entry["partners"] == ["Ana", "Bo", "Cy"]
    assert entry["tags"] == ["boundaries", "coaching", "no"]
    assert entry["important_share"] == 60
    assert entry["date"] == "2026-11-20"
    assert entry["prompt_id"] is None


@pytest.mark.parametrize("share", ["0", "100"])
def test_reflect_important_share_bounds(pj, share):
    reflect(pj, "x", "--important-share", share)
    assert entries(pj)[0]["important_share"] == int(share)


def test_reflect_with_a_prompt_takes_its_steps(pj):
    prompt = load_catalog().prompts[0]
    reflect(pj, "answered", "--prompt", prompt.id)
    reflect(pj, "answered, my steps", "--prompt", prompt.id, "--step", "13")
    mine, default = entries(pj)
    assert default["prompt_id"] == mine["prompt_id"] == prompt.id
    assert default["steps"] == list(prompt.steps)
    assert mine["steps"] == [13]


@pytest.mark.parametrize(
    "today, given, expected",
    [
        ("2030-03-01", "today", "2030-03-01"),
        ("2030-03-01", "yesterday", "2030-02-28"),
        ("2030-03-01", "YESTERDAY", "2030-02-28"),
        ("2030-03-01", "2030-01-15", "2030-01-15"),
        ("2024-03-01", "yesterday", "2024-02-29"),
    ],
)
def test_reflect_date_words_follow_the_journals_today(pj, today, given, expected):
    env = {"PARTNERJOURNAL_TODAY": today}
    ok(pj("reflect", "backdated", "--date", given, env=env))
    assert ok(pj("log", "--json", env=env)).json()[0]["date"] == expected
    for option in ("--on", "--from", "--until"):
        assert len(ok(pj("log", option, given, "--json", env=env)).json()) == 1, option
    by_word = ok(pj("prompt", "--date", given, "--json", env=env)).json()
    assert by_word == ok(pj("prompt", "--date", expected, "--json", env=env)).json()


def test_unknown_partner_is_created_and_said_on_stderr(pj, db):
    r = ok(pj("reflect", "met Maria", "--partner", "Maria Lopez"))
    assert r.stdout == "1\n"
    assert r.stderr.count("\n") == 1 and "New partner 'Maria Lopez' added" in r.stderr
    r = ok(pj("reflect", "met her again", "--partner", "maria  LOPEZ"))
    assert r.stderr == ""  # known, whatever the case and spacing
    assert [e["partners"] for e in entries(pj)] == [["Maria Lopez"], ["Maria Lopez"]]
    assert len(snapshot(db)["partners"]) == 1


def test_one_partner_named_twice_in_one_reflection(pj, db):
    r = ok(pj("reflect", "x", "--partner", "Ana", "--partner", "ANA", "-p", "ana"))
    assert r.stderr.count("New partner") == 1
    assert entries(pj)[0]["partners"] == ["Ana"]
    assert len(snapshot(db)["partners"]) == 1


# --- prompt ---------------------------------------------------------------------------

def test_prompt_is_stable_for_the_day(pj):
    first = ok(pj("prompt")).stdout
    assert first and ok(pj("prompt")).stdout == first
    chosen = ok(pj("prompt", "--json")).json()
    assert first.splitlines()[0] == chosen["text"]
    ok(pj("today", "--text", "answered today's prompt"))
    assert ok(pj("prompt")).stdout == first
    reflect(pj, "another thought today", "--step", chosen["steps"][0])
    assert ok(pj("prompt")).stdout == first


def test_prompt_changes_with_the_day(pj):
    texts = {ok(pj("prompt", "--date", day(n), "--json")).json()["id"] for n in range(10)}
    assert len(texts) > 1


def test_prompt_keeps_only_todays_pick(pj, db):
    reflect(pj, "x")
    before = snapshot(db)
    ok(pj("prompt", "--date", "yesterday"))
    ok(pj("prompt", "--date", "tomorrow"))
    ok(pj("prompt", "--step", "4", "--json"))
    assert snapshot(db) == before  # other days and filtered views write nothing
    shown = ok(pj("prompt", "--json")).json()
    after = snapshot(db)
    kept = after.pop("coach_days")
    assert len(kept) == 1 and shown["id"] in kept[0] and FIXED_TODAY in kept[0]
    before.pop("coach_days")
    assert after == before  # today's pick is kept in coach_days, nothing else changes


@pytest.mark.parametrize("step", [1, 6, 12, 13])
def test_prompt_step_filter(pj, step):
    chosen = ok(pj("prompt", "--step", step, "--json")).json()
    assert step in chosen["steps"]


@pytest.mark.parametrize("source, author", [("maister", "Maister"), ("Lencioni", "Lencioni"),
                                             ("hummel", "Hummel")])
def test_prompt_source_filter(pj, source, author):
    chosen = ok(pj("prompt", "--source", source, "--json")).json()
    assert author in chosen["source"]["author"]
    both = ok(pj("prompt", "--source", source, "--step", "1", "--json")).json()
    assert author in both["source"]["author"] and 1 in both["steps"]


@pytest.mark.parametrize("missing", [12, 1, 5, 8, 13])
def test_prompt_favours_the_least_practised_step(pj, missing):
    for n, step in enumerate(s for s in range(1, 14) if s != missing):
        reflect(pj, f"practised step {step}", "--step", step, "--date", day(1 + n))
    # practice in an earlier quarter does not count for this one
    reflect(pj, "last quarter", "--step", missing, "--date", "2026-09-30")
    chosen = ok(pj("prompt", "--json")).json()
    assert missing in chosen["steps"], chosen


def test_prompt_favours_the_least_practised_phase(pj):
    # every teach and evaluate step twice, every example step once
    n = 0
    for step in range(1, 14):
        for _ in range(1 if step <= 5 else 2):
            n += 1
            reflect(pj, "x", "--step", step, "--date", day(n))
    chosen = ok(pj("prompt", "--json")).json()
    assert chosen["phase"] == "example"
    assert any(s <= 5 for s in chosen["steps"])


def step_prompt_ids(pj, step: int) -> list[str]:
    return [p["id"] for p in ok(pj("prompts", "--step", step, "--json")).json()]


def test_prompt_skips_prompts_used_in_the_last_30_days(pj):
    ids = step_prompt_ids(pj, 12)
    assert len(ids) >= 4
    *used, left = ids
    for n, pid in enumerate(used, start=1):
        reflect(pj, "used", "--prompt", pid, "--date", day(n))
    assert ok(pj("prompt", "--step", "12", "--json")).json()["id"] == left


def test_prompt_used_31_days_ago_may_return_but_not_one_used_30_days_ago(pj):
    *used, thirty, thirty_one = step_prompt_ids(pj, 12)
    for n, pid in enumerate(used, start=1):
        reflect(pj, "used", "--prompt", pid, "--date", day(n))
    reflect(pj, "used", "--prompt", thirty, "--date", day(30))
    reflect(pj, "used long ago", "--prompt", thirty_one, "--date", day(31))
    assert ok(pj("prompt", "--step", "12", "--json")).json()["id"] == thirty_one


# --- prompts and steps ----------------------------------------------------------------

def test_prompts_json_shape(pj):
    prompts = ok(pj("prompts", "--json")).json()
    assert len(prompts) == len(load_catalog().prompts) >= 80
    assert len({p["id"] for p in prompts}) == len(prompts)
    for p in prompts:
        assert {"id", "text", "steps", "phase", "source"} <= set(p)
        assert isinstance(p["id"], str) and p["id"]
        assert isinstance(p["text"], str) and p["text"].strip()
        assert p["steps"] and all(isinstance(s, int) and 1 <= s <= 13 for s in p["steps"])
        assert p["phase"] == phase_of(p["steps"][0])
        assert set(p["source"]) >= {"author", "work"}
        assert p["source"]["author"] and p["source"]["work"]


def test_prompts_filters_and_text_listing(pj):
    for_step = ok(pj("prompts", "--step", "8", "--json")).json()
    assert for_step and all(8 in p["steps"] for p in for_step)
    hummel = ok(pj("prompts", "--source", "hummel", "--json")).json()
    assert hummel and all("Hummel" in p["source"]["author"] for p in hummel)
    r = ok(pj("prompts", "--step", "8"))
    assert r.stderr == f"{len(for_step)} prompts\n"
    for p in for_step:
        assert p["id"] in r.stdout and p["text"] in r.stdout


def test_prompts_add_is_listed_as_custom_and_usable(pj):
    r = ok(pj("prompts", "add", "Whose request did I turn into a shared goal?", "--step", "3",
              "--step", "11"))
    assert r.stdout == "Added prompt mine-1 (step 3,11)\n"
    listed = {p["id"]: p for p in ok(pj("prompts", "--json")).json()}
    mine = listed["mine-1"]
    assert mine["text"] == "Whose request did I turn into a shared goal?"
    assert mine["steps"] == [3, 11] and mine["phase"] == "example"
    assert mine["custom"] is True
    assert not any(p["custom"] for pid, p in listed.items() if pid != "mine-1")
    assert [p["id"] for p in ok(pj("prompts", "--source", "you", "--json")).json()] == ["mine-1"]
    rid = reflect(pj, "Ana's request became our goal", "--prompt", "mine-1")
    entry = ok(pj("show", rid, "--json")).json()
    assert (entry["prompt_id"], entry["steps"]) == ("mine-1", [3, 11])
    assert "Prompt: Whose request did I turn into a shared goal?" in ok(pj("show", rid)).stdout
    ok(pj("prompts", "add", "A second one", "--step", "1"))
    assert "mine-2" in {p["id"] for p in ok(pj("prompts", "--json")).json()}


def test_prompts_add_needs_a_step(pj, db):
    reflect(pj, "x")
    before = snapshot(db)
    r = pj("prompts", "add", "No step given")
    assert r.exit_code == 2
    one_error_line(r)
    assert snapshot(db) == before


def test_steps_json(pj):
    steps = ok(pj("steps", "--json")).json()
    assert [s["number"] for s in steps] == list(range(1, 14))
    for s in steps:
        assert set(s) == {"number", "phase", "title", "description"}
        assert s["phase"] == phase_of(s["number"])
        assert s["title"].strip() and s["description"].strip()


def test_steps_text(pj):
    out = ok(pj("steps")).stdout
    for s in load_catalog().steps:
        assert f"{s.number:>2}. {s.title}" in out
    assert out.count("(steps ") == 3


# --- log ------------------------------------------------------------------------------

@pytest.fixture
def journal(pj):
    """Six reflections over two quarters, with steps, partners, tags and shares."""
    ids = {
        "q3": reflect(pj, "Quarter three: listened to finance", "--step", "1", "--date", "2026-09-15",
                      "--partner", "Fin"),
        "old": reflect(pj, "Trust came from a small promise kept", "--step", "3", "--date",
                       "2026-10-02", "--partner", "Ana", "--tag", "trust"),
        "teach": reflect(pj, "Taught Bo the trust equation", "--step", "6", "--step", "7",
                         "--date", "2026-11-10", "--partner", "Bo", "--tag", "teaching"),
        "eval": reflect(pj, "Quarterly look back\nwith notes on ratings", "--step", "11",
                        "--date", "2026-11-20", "--important-share", "40"),
        "yday": reflect(pj, "Budget review, nothing about partners", "--date", "yesterday",
                        "--tag", "budget", "--partner", "Ana"),
        "today": reflect(pj, "Ana and Bo together on the roadmap", "--step", "2", "--partner",
                         "Ana", "--partner", "Bo", "--tag", "trust"),
    }
    return ids


def ids_of(pj, *args: str) -> list[int]:
    return [e["id"] for e in entries(pj, *args)]


def test_log_json_contract(pj, journal):
    log = entries(pj)
    assert [e["id"] for e in log] == [journal[k] for k in ("today", "yday", "eval", "teach", "old", "q3")]
    for e in log:
        assert isinstance(e["id"], int)
        assert OFFSET_TIME.match(e["created_at"]), e["created_at"]
        assert dt.datetime.fromisoformat(e["created_at"]).utcoffset() is not None
        dt.date.fromisoformat(e["date"])
        assert isinstance(e["text"], str)
        assert isinstance(e["steps"], list) and all(isinstance(s, int) for s in e["steps"])
        assert isinstance(e["partners"], list) and all(isinstance(p, str) for p in e["partners"])
        assert isinstance(e["tags"], list) and all(isinstance(t, str) for t in e["tags"])
        assert e["prompt_id"] is None or isinstance(e["prompt_id"], str)
        assert e["important_share"] is None or isinstance(e["important_share"], int)
    by_id = {e["id"]: e for e in log}
    assert by_id[journal["eval"]]["important_share"] == 40
    assert by_id[journal["eval"]]["text"] == "Quarterly look back\nwith notes on ratings"
    assert by_id[journal["today"]]["partners"] == ["Ana", "Bo"]
    assert by_id[journal["yday"]]["date"] == day(1)


def test_log_json_when_empty(pj):
    r = ok(pj("log", "--json"))
    assert r.json() == [] and r.stderr == ""
    r = ok(pj("log"))
    assert r.stdout == "" and r.stderr == "No reflections match.\n"


def test_log_limit_and_dates(pj, journal):
    assert ids_of(pj, "-n", "2") == [journal["today"], journal["yday"]]
    assert ids_of(pj, "-n", "100") == ids_of(pj)
    assert ids_of(pj, "--from", "2026-11-10") == [journal[k] for k in ("today", "yday", "eval", "teach")]
    assert ids_of(pj, "--until", "2026-10-02") == [journal["old"], journal["q3"]]
    assert ids_of(pj, "--from", "2026-10-01", "--until", "2026-11-10") == [journal["teach"], journal["old"]]
    assert ids_of(pj, "--on", "2026-11-20") == [journal["eval"]]
    assert ids_of(pj, "--on", "yesterday") == [journal["yday"]]
    assert ids_of(pj, "--on", "today") == [journal["today"]]
    assert ids_of(pj, "--from", "yesterday", "-n", "1") == [journal["today"]]
    assert ids_of(pj, "--on", "2026-11-21") == []


def test_log_steps_and_phases(pj, journal):
    assert ids_of(pj, "--step", "6") == [journal["teach"]]
    assert ids_of(pj, "--step", "1", "--step", "11") == [journal["eval"], journal["q3"]]
    assert ids_of(pj, "--phase", "example") == [journal[k] for k in ("today", "old", "q3")]
    assert ids_of(pj, "--phase", "TEACH") == [journal["teach"]]
    assert ids_of(pj, "--phase", "evaluate") == [journal["eval"]]
    assert ids_of(pj, "--phase", "example", "--step", "3") == [journal["old"]]
    assert ids_of(pj, "--phase", "teach", "--step", "3") == []


def test_log_partner_tag_and_search(pj, journal):
    assert ids_of(pj, "--partner", "ana") == [journal[k] for k in ("today", "yday", "old")]
    assert ids_of(pj, "-p", "BO") == [journal["today"], journal["teach"]]
    assert ids_of(pj, "--tag", "trust") == [journal["today"], journal["old"]]
    assert ids_of(pj, "--tag", "trust", "--partner", "Bo") == [journal["today"]]
    assert ids_of(pj, "--search", "roadmap") == [journal["today"]]
    assert set(ids_of(pj, "--search", "trust")) == {journal["old"], journal["teach"]}
    assert ids_of(pj, "--search", "trust", "--tag", "teaching") == [journal["teach"]]


def test_log_search_is_ranked_not_newest_first(pj):
    best = reflect(pj, "Trust, trust, trust.", "--date", "2026-10-01")
    weak = reflect(pj, "Long notes on budgets, hiring, vendors, travel, the offsite agenda and, "
                       "near the end, one word on trust before more about budgets.")
    assert ids_of(pj, "--search", "trust") == [best, weak]
    assert ids_of(pj) == [weak, best]


def test_log_text_and_short(pj, journal):
    out = ok(pj("log", "--on", "2026-11-20")).stdout
    assert out.splitlines() == [
        f"2026-11-20  ·  #{journal['eval']}  ·  step 11  ·  important 40%",
        "  Quarterly look back",
        "  with notes on ratings",
        "",  # a blank line separates entries
    ]
    short = ok(pj("log", "--short")).stdout.splitlines()
    assert len(short) == 6
    assert short[0].startswith(f"{FIXED_TODAY}  ·  #{journal['today']}  ·  step 2  ·  with Ana, Bo  ·  @trust")
    assert short[0].endswith("Ana and Bo together on the roadmap")
    assert any(line.endswith("Quarterly look back") for line in short)


# --- show, edit, delete ---------------------------------------------------------------

def test_show(pj, journal):
    r = ok(pj("show", journal["teach"]))
    lines = r.stdout.splitlines()
    assert lines[0] == f"2026-11-10  ·  #{journal['teach']}  ·  step 6,7  ·  with Bo  ·  @teaching"
    assert lines[1] == "  Taught Bo the trust equation"
    assert lines[-1].startswith("Written ")
    as_json = ok(pj("show", journal["teach"], "--json")).json()
    assert as_json == next(e for e in entries(pj) if e["id"] == journal["teach"])


def test_show_names_the_prompt_and_its_source(pj):
    prompt = load_catalog().prompts[0]
    rid = reflect(pj, "answer", "--prompt", prompt.id)
    out = ok(pj("show", rid)).stdout
    assert f"Prompt: {prompt.text}" in out
    assert f"Source: {prompt.source.author}, {prompt.source.work}" in out


def test_edit_with_text_and_links(pj, journal):
    rid = journal["teach"]
    r = ok(pj("edit", rid, "--text", "Taught Bo and Cy the trust equation", "--partner", "Cy",
              "--step", "8", "--tag", "teaching", "--tag", "equation"))
    assert r.stdout == f"Updated reflection #{rid}\n"
    assert "New partner 'Cy'" in r.stderr
    e = ok(pj("show", rid, "--json")).json()
    assert (e["text"], e["steps"], e["partners"], e["tags"]) == (
        "Taught Bo and Cy the trust equation", [8], ["Cy"], ["equation", "teaching"])
    assert ids_of(pj, "--search", "Cy") == [rid]


def test_edit_only_text_keeps_the_links(pj, journal):
    rid = journal["old"]
    ok(pj("edit", rid, "--text", "-", input="Rewritten from a pipe\n"))
    e = ok(pj("show", rid, "--json")).json()
    assert (e["text"], e["steps"], e["partners"], e["tags"]) == (
        "Rewritten from a pipe", [3], ["Ana"], ["trust"])
    assert ids_of(pj, "--search", "promise") == []


FAKE_EDITOR = """\
import json, os, stat, sys
path = sys.argv[-1]
with open(path, encoding="utf-8") as fh:
    before = fh.read()
record = {"path": path, "mode": stat.S_IMODE(os.stat(path).st_mode),
          "dir_mode": stat.S_IMODE(os.stat(os.path.dirname(path)).st_mode), "before": before}
with open(os.environ["FAKE_EDITOR_LOG"], "w") as fh:
    json.dump(record, fh)
action = os.environ.get("FAKE_EDITOR_ACTION", "write")
if action == "fail":
    sys.exit(3)
if action in ("write", "backup"):
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(os.environ["FAKE_EDITOR_TEXT"])
if action == "backup":  # as emacs and some vim setups do
    with open(path + "~", "w") as fh:
        fh.write(before)
"""


@pytest.fixture
def editor(tmp_path):
    """A fake $EDITOR: records what it was given, then does what FAKE_EDITOR_ACTION says."""
    script = tmp_path / "fake_editor.py"
    script.write_text(FAKE_EDITOR)
    log = tmp_path / "editor.json"

    def env(action: str = "write", text: str = "", var: str = "EDITOR") -> dict:
        return {var: f"{shlex.quote(sys.executable)} {shlex.quote(str(script))}",
                "FAKE_EDITOR_LOG": str(log), "FAKE_EDITOR_ACTION": action,
                "FAKE_EDITOR_TEXT": text}

    env.record = lambda: json.loads(log.read_text())  # type: ignore[attr-defined]
    return env


@pytest.mark.parametrize("var", ["EDITOR", "VISUAL"])
def test_edit_in_the_editor(pj, journal, editor, var):
    rid = journal["old"]
    r = ok(pj("edit", rid, env=editor("write", "A kept promise built trust\n\n", var=var)))
    assert r.stdout == f"Updated reflection #{rid}\n"
    seen = editor.record()
    assert seen["before"] == "Trust came from a small promise kept"
    assert seen["mode"] == 0o600 and seen["dir_mode"] == 0o700
    assert not Path(seen["path"]).exists()
    assert not Path(seen["path"]).parent.exists()
    assert ok(pj("show", rid, "--json")).json()["text"] == "A kept promise built trust"


def test_edit_survives_an_editor_that_leaves_a_backup_file(pj, journal, editor):
    rid = journal["old"]
    ok(pj("edit", rid, env=editor("backup", "Edited with a backup left behind")))
    assert not Path(editor.record()["path"]).parent.exists()
    assert ok(pj("show", rid, "--json")).json()["text"] == "Edited with a backup left behind"


def test_edit_when_the_editor_fails_changes_nothing(pj, db, journal, editor):
    before = snapshot(db)
    r = pj("edit", journal["old"], env=editor("fail", "never saved"))
    assert r.exit_code == 1
    assert "status 3" in one_error_line(r)
    assert snapshot(db) == before
    assert not Path(editor.record()["path"]).parent.exists()


@pytest.mark.parametrize("action, text", [("keep", ""), ("write", "Trust came from a small promise kept\n"),
                                          ("write", "  \n\n")])
def test_edit_unchanged_or_emptied_saves_nothing(pj, db, journal, editor, action, text):
    before = snapshot(db)
    r = ok(pj("edit", journal["old"], env=editor(action, text)))
    assert r.stdout == ""
    assert "nothing saved" in r.stderr
    assert snapshot(db) == before
    assert not Path(editor.record()["path"]).exists()


def test_today_in_the_editor_drops_the_comment_lines(pj, editor):
    prompt = ok(pj("prompt", "--json")).json()
    ok(pj("today", "--editor", env=editor("write", "Wrote it in my editor\n# a comment line\n")))
    seen = editor.record()
    assert prompt["text"] in seen["before"]
    [entry] = entries(pj)
    assert entry["text"] == "Wrote it in my editor"
    assert entry["prompt_id"] == prompt["id"]
    assert not Path(seen["path"]).parent.exists()


def test_delete_with_yes(pj, db, journal):
    r = ok(pj("delete", journal["teach"], "--yes"))
    assert r.stdout == f"Deleted reflection #{journal['teach']}\n"
    assert journal["teach"] not in ids_of(pj)
    assert ids_of(pj, "--search", "equation") == []
    assert ids_of(pj, "--step", "6") == []
    assert pj("show", journal["teach"]).exit_code == 1
    ok(pj("delete", journal["old"], "-y"))
    assert len(entries(pj)) == 4


def test_delete_without_yes_off_a_terminal_deletes_nothing(pj, db, journal):
    before = snapshot(db)
    r = pj("delete", journal["teach"])
    assert r.exit_code == 2
    assert "--yes" in one_error_line(r)
    assert snapshot(db) == before


# --- the root: version, journal choice, help ------------------------------------------

def test_version(pj, db):
    r = ok(pj("--version"))
    assert r.stdout == f"partnerjournal {__version__} · journal {db} (no journal yet)\n"
    assert __version__ == importlib.metadata.version("partnerjournal")
    assert not db.exists()  # asking for the version opens no journal


def test_db_option_beats_the_environment(pj, db, tmp_path):
    other = tmp_path / "elsewhere" / "other.sqlite"
    ok(pj("--db", other, "reflect", "in the other journal"))
    assert other.exists() and not db.exists()
    assert [e["text"] for e in ok(pj("--db", other, "log", "--json")).json()] == ["in the other journal"]


def test_journal_from_the_environment(pj, tmp_path):
    path = tmp_path / "from-env.sqlite"
    ok(pj("reflect", "via the environment", env={"PARTNERJOURNAL_DB": str(path)}))
    assert path.exists()
    assert snapshot(path)["reflections"]


def _commands(cmd: click.Command, path: tuple[str, ...] = ()):
    yield path, cmd
    if isinstance(cmd, click.Group):  # the root builds its commands lazily: ask it
        ctx = click.Context(cmd)
        for name in sorted(cmd.list_commands(ctx)):
            yield from _commands(cmd.get_command(ctx, name), (*path, name))


COMMANDS = list(_commands(typer.main.get_command(app)))


def test_the_tree_holds_the_core_commands():
    names = {" ".join(path) for path, _ in COMMANDS}
    assert {"today", "reflect", "prompt", "prompts", "prompts add", "steps", "log", "show",
            "edit", "delete"} <= names


@pytest.mark.parametrize("path, cmd", COMMANDS, ids=[" ".join(p) or "pj" for p, _ in COMMANDS])
def test_every_command_has_help(pj, db, path, cmd):
    assert (cmd.help or "").strip(), f"pj {' '.join(path)} has no help text"
    for param in cmd.params:
        if isinstance(param, click.Option) and param.name != "help":
            assert (param.help or "").strip(), f"pj {' '.join(path)} {param.opts[0]} has no help"
    r = ok(pj(*path, "--help"))
    assert r.stdout.startswith("Usage: ")
    assert cmd.help.strip().splitlines()[0][:40] in " ".join(r.stdout.split())
    assert not db.exists()  # help opens no journal
