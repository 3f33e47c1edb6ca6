"""The coach: contextual prompts built from real journals, rule by rule, the cadence,
--explain/--json/--no-context, and reflections written to a contextual prompt.

Journals are built through the CLI (CliRunner) in tmp_path. Records carry the real
clock's created_at, so rules that read how long ago something was added run on a
'today' far in the future (2099), where every record is old.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess

import pytest

from conftest import FIXED_TODAY, snapshot
from partnerjournal import coach
from partnerjournal.catalog import load_catalog

TODAY = dt.date.fromisoformat(FIXED_TODAY)  # 2026-11-23, a Monday in 2026Q4
FUTURE = "2099-02-16"  # a Monday 47 days into 2099Q1


def ok(r):
    assert r.exit_code == 0, r
    return r


def on(day: str | dt.date) -> dict:
    return {"PARTNERJOURNAL_TODAY": str(day)}


def shift(n: int, base: dt.date = TODAY) -> str:
    return (base + dt.timedelta(days=n)).isoformat()


def prompt_json(pj, *args, day: str = FIXED_TODAY) -> dict:
    return ok(pj("prompt", "--json", *args, env=on(day))).json()


def partner(pj, name: str, box: str = "managers", relation: str = "direct") -> None:
    ok(pj("partner", "add", name, "--box", box, "--relation", relation))


def held(pj, *names: str, day: str = "2099-01-20") -> None:
    """This quarter's session held with each partner (so no session is due)."""
    for name in names:
        ok(pj("session", "add", name, "--date", day, "--successes", "s", "--objectives", "o",
              "--feedback", "f", env=on(FUTURE)))


def one_error_line(r, code: int, says: str) -> None:
    assert r.exit_code == code, r
    assert r.stderr.count("\n") == 1 and r.stderr.startswith("pj: error: "), r
    assert says in r.stderr, r


# --- a journal in none of the situations ---------------------------------------------

def test_an_empty_journal_gets_a_catalog_prompt(pj):
    chosen = prompt_json(pj)
    assert chosen["kind"] == "catalog" and chosen["rule"] is None and chosen["record"] is None
    assert load_catalog().prompt(chosen["id"]) is not None


def test_a_journal_in_no_situation_gets_a_catalog_prompt(pj):
    partner(pj, "Ana")
    ok(pj("reflect", "Walked Ana through the plan", "--partner", "Ana", "--step", "2",
          "--important-share", "40"))
    ok(pj("commitment", "add", "Ana", "Send the plan", "--due", shift(10)))
    assert prompt_json(pj)["kind"] == "catalog"


# --- rule by rule ----------------------------------------------------------------------

def test_commitment_due_within_three_days_quotes_it(pj):
    partner(pj, "Ana")
    ok(pj("commitment", "add", "Ana", "Send the revised forecast", "--due", shift(2)))
    chosen = prompt_json(pj)
    assert (chosen["kind"], chosen["rule"]) == ("context", "commitment-due")
    assert "“Send the revised forecast”" in chosen["text"] and "Ana" in chosen["text"]
    assert "in 2 days" in chosen["text"] and "renegotiate" in chosen["text"]
    assert chosen["record"].startswith("commitment:") and chosen["steps"] == [2]
    assert "Maister" in chosen["source"]["author"]
    assert chosen["why"] and chosen["why"][0]["step"] == 2


def test_an_overdue_commitment_says_how_late(pj):
    partner(pj, "Ana")
    ok(pj("commitment", "add", "Ana", "Call the plant manager", "--due", shift(-3),
          "--date", shift(-10)))
    chosen = prompt_json(pj)
    assert chosen["rule"] == "commitment-due"
    assert f"by {shift(-3)} (3 days ago)" in chosen["text"]


def test_a_commitment_kept_or_due_later_is_not_raised(pj):
    partner(pj, "Ana")
    ok(pj("reflect", "x", "--partner", "Ana"))
    ok(pj("commitment", "add", "Ana", "Later", "--due", shift(4)))
    ok(pj("commitment", "add", "Ana", "Kept already", "--due", shift(1)))
    ok(pj("commitment", "done", "2"))
    assert prompt_json(pj)["kind"] == "catalog"


def test_session_behind_the_quarters_pace_quotes_the_last_feedback(pj):
    partner(pj, "Ana")
    partner(pj, "Bo", "teams", "influential")
    ok(pj("session", "add", "Ana", "--date", "2026-07-10", "--successes", "s",
          "--objectives", "o", "--feedback", "Give us more notice before plans change"))
    ok(pj("session", "add", "Bo", "--date", "2026-09-01", "--successes", "s",
          "--objectives", "o", "--feedback", "Fine as it is"))
    ok(pj("reflect", "x", "--partner", "Ana", "--partner", "Bo"))  # no quiet box
    chosen = prompt_json(pj)  # 2 partners, none met by 23 Nov: behind an even spread
    assert chosen["rule"] == "session-due" and chosen["steps"] == [3]
    assert "Ana" in chosen["text"] and "2026-07-10" in chosen["text"]
    assert "“Give us more notice before plans change”" in chosen["text"]
    assert chosen["record"].startswith("session:")


def test_session_proposed_within_seven_days(pj):
    partner(pj, "Ana")
    ok(pj("reflect", "x", "--partner", "Ana", "--date", shift(-3)))
    # one partner: the even spread proposes a day in the middle of the weekdays left
    assert prompt_json(pj)["kind"] == "catalog"  # 23 Nov: proposed mid-December
    chosen = prompt_json(pj, day="2026-12-20")
    assert chosen["rule"] == "session-due"
    assert "your session with Ana is proposed for 2026-12-2" in chosen["text"]
    assert "your first" in chosen["text"]


def test_session_held_this_quarter_is_not_raised(pj):
    partner(pj, "Ana")
    ok(pj("session", "add", "Ana", "--date", "2026-11-02", "--successes", "s",
          "--objectives", "o", "--feedback", "f"))
    ok(pj("reflect", "x", "--partner", "Ana"))
    assert prompt_json(pj, day="2026-12-20")["kind"] == "catalog"


def test_trust_weakest_term_names_the_partner(pj):
    partner(pj, "Ana")
    ok(pj("reflect", "x", "--partner", "Ana"))
    ok(pj("trust", "Ana", "--credibility", "8", "--reliability", "7", "--intimacy", "3",
          "--self-orientation", "4", "--date", shift(-5)))
    chosen = prompt_json(pj)
    assert chosen["rule"] == "trust-weakest"
    assert f"trust check with Ana on {shift(-5)}, intimacy was the weakest term (3/10)" \
        in chosen["text"]
    assert "Maister" in chosen["source"]["author"]


def test_trust_self_orientation_counts_against_trust(pj):
    partner(pj, "Ana")
    ok(pj("reflect", "x", "--partner", "Ana"))
    ok(pj("trust", "Ana", "--credibility", "8", "--reliability", "7", "--intimacy", "6",
          "--self-orientation", "9"))
    chosen = prompt_json(pj)
    assert "self-orientation was the weakest term (9/10, lower is better)" in chosen["text"]


def test_last_quarters_adjustment_not_acted_on_is_quoted(pj):
    ok(pj("evaluate", "--quarter", "2026Q3", "-r", "3=2",
          "-a", "3: hold every session in the first month"))
    chosen = prompt_json(pj)
    assert chosen["rule"] == "adjustment-open" and chosen["steps"] == [13]
    assert "At the end of 2026Q3" in chosen["text"]
    assert "“hold every session in the first month”" in chosen["text"]
    assert chosen["record"].startswith("adjustment:")


def test_an_adjustment_acted_on_as_the_report_judges_it_is_not_raised(pj):
    ok(pj("evaluate", "--quarter", "2026Q3", "-a", "3: hold every session in the first month"))
    ok(pj("reflect", "Booked all sessions for October", "--step", "3", "--date", "2026-10-02"))
    assert prompt_json(pj)["kind"] == "catalog"
    report = ok(pj("report", "--format", "json")).json()
    assert [a["acted_on"] for a in report["previous_adjustments"]] == [True]


def test_objective_not_measured_for_30_days(pj):
    ok(pj("objective", "add", "Lead time", "--kind", "business", "--unit", "days"))
    ok(pj("objective", "measure", "Lead time", "12", "--date", shift(-31)))
    chosen = prompt_json(pj)
    assert chosen["rule"] == "objective-unmeasured" and chosen["steps"] == [5]
    assert f"Lead time was last measured on {shift(-31)} (12 days, 31 days ago)" \
        in chosen["text"]


def test_objective_never_measured(pj):
    ok(pj("objective", "add", "Engagement", "--kind", "employee"))
    chosen = prompt_json(pj, day=FUTURE)
    assert chosen["rule"] == "objective-unmeasured"
    assert "Engagement has had no measurement since you added it" in chosen["text"]


def test_objective_off_target(pj):
    ok(pj("objective", "add", "Lead time", "--kind", "business", "--unit", "days",
          "--target", "10", "--lower-is-better"))
    ok(pj("objective", "measure", "Lead time", "14", "--date", shift(-3)))
    chosen = prompt_json(pj)
    assert chosen["rule"] == "objective-off-target" and chosen["steps"] == [11]
    assert "Lead time stands at 14 days" in chosen["text"] and "≤ 10 days" in chosen["text"]
    ok(pj("objective", "measure", "Lead time", "9"))
    assert prompt_json(pj, day=shift(1))["kind"] == "catalog"


def test_a_box_with_no_reflection_this_quarter(pj):
    partner(pj, "Team Leads", "teams", "guidance")
    partner(pj, "Ana", "managers", "direct")
    ok(pj("reflect", "x", "--partner", "Ana", "--date", "2099-01-05", env=on(FUTURE)))
    ok(pj("reflect", "old", "--partner", "Team Leads", "--date", "2098-12-20", env=on(FUTURE)))
    held(pj, "Ana", "Team Leads")
    chosen = prompt_json(pj, day=FUTURE)
    assert chosen["rule"] == "box-quiet" and chosen["steps"] == [4]
    assert "the teams box, where Team Leads (guidance relation) sits" in chosen["text"]


def test_no_box_is_quiet_early_in_the_quarter(pj):
    partner(pj, "Team Leads", "teams", "guidance")
    assert prompt_json(pj, day="2099-01-10")["rule"] != "box-quiet"


def test_a_partner_not_named_in_45_days(pj):
    partner(pj, "Ana", "managers", "direct")
    partner(pj, "Bo", "managers", "influential")
    ok(pj("reflect", "x", "--partner", "Bo", "--date", "2099-02-01", env=on(FUTURE)))
    ok(pj("reflect", "older", "--partner", "Ana", "--date", "2098-12-10", env=on(FUTURE)))
    held(pj, "Ana", "Bo")
    chosen = prompt_json(pj, day=FUTURE)
    assert chosen["rule"] == "partner-quiet" and chosen["steps"] == [2]
    assert "You have not named Ana in a reflection since 2098-12-10 (68 days ago)" \
        in chosen["text"]


def test_important_share_falling_over_two_weeks(pj):
    for n, share in [(-12, 60), (-10, 50), (-8, 55), (-4, 20), (-2, 30), (0, 25)]:
        ok(pj("reflect", f"day {n}", "--date", shift(n), "--important-share", share))
    chosen = prompt_json(pj)
    assert chosen["rule"] == "share-falling" and chosen["steps"] == [13]
    assert "fell from 55 % to 25 %" in chosen["text"]
    assert "unhurried" in chosen["text"] and "not yours" in chosen["text"]
    assert chosen["source"]["author"] == "Charles Hummel"
    assert "quadrant" not in json.dumps(chosen).lower()  # the quadrants are Covey's


def test_important_share_steady_is_not_raised(pj):
    for n, share in [(-12, 40), (-10, 45), (-4, 40), (-2, 38)]:
        ok(pj("reflect", f"day {n}", "--date", shift(n), "--important-share", share))
    assert prompt_json(pj)["kind"] == "catalog"


def test_a_record_answered_recently_is_not_raised_again(pj):
    partner(pj, "Ana")
    ok(pj("reflect", "x", "--partner", "Ana"))
    ok(pj("commitment", "add", "Ana", "Send the plan", "--due", shift(3)))
    chosen = prompt_json(pj)
    ok(pj("reflect", "Drafted it", "--prompt", chosen["id"]))
    assert prompt_json(pj, day=shift(2))["kind"] == "catalog"


# --- cadence ---------------------------------------------------------------------------

def test_one_contextual_prompt_every_other_day_and_not_the_same_rule_within_three(pj):
    partner(pj, "Ana")
    ok(pj("reflect", "x", "--partner", "Ana"))
    ok(pj("commitment", "add", "Ana", "Send the plan", "--due", shift(3)))
    ok(pj("trust", "Ana", "--credibility", "8", "--reliability", "8", "--intimacy", "3",
          "--self-orientation", "3"))
    kinds = [(p["kind"], p["rule"]) for p in (prompt_json(pj, day=shift(n)) for n in range(4))]
    assert kinds[0] == ("context", "commitment-due")
    assert kinds[1] == ("catalog", None)  # every other day
    assert kinds[2] == ("context", "trust-weakest")  # commitment-due was used 2 days ago
    assert kinds[3][0] == "catalog"


def test_something_overdue_overrides_every_other_day(pj):
    partner(pj, "Ana")
    partner(pj, "Bo")
    ok(pj("reflect", "x", "--partner", "Ana", "--partner", "Bo", "--date", shift(-1)))
    ok(pj("commitment", "add", "Ana", "Send the plan", "--due", shift(-1), "--date", shift(-5)))
    first = prompt_json(pj)
    second = prompt_json(pj, day=shift(1))
    assert first["rule"] == "commitment-due"
    assert second["rule"] == "session-due"  # behind the quarter's pace: overdue too


def test_the_days_prompt_stays_all_day(pj):
    partner(pj, "Ana")
    ok(pj("reflect", "x", "--partner", "Ana"))
    catalog_first = prompt_json(pj)
    ok(pj("commitment", "add", "Ana", "Send the plan", "--due", shift(1)))
    assert prompt_json(pj) == catalog_first  # kept: a later record does not change it
    context = prompt_json(pj, day=shift(1))
    ok(pj("commitment", "done", "1", env=on(shift(1))))
    assert prompt_json(pj, day=shift(1)) == context  # kept though the commitment is kept
    assert ok(pj("prompt", env=on(shift(1)))).stdout.startswith("You promised Ana")


def test_past_and_future_days_are_shown_not_kept(pj, db):
    partner(pj, "Ana")
    ok(pj("reflect", "x", "--partner", "Ana", "--date", shift(-2)))
    ok(pj("commitment", "add", "Ana", "Send the plan", "--due", shift(5)))
    before = snapshot(db)
    assert prompt_json(pj, "--date", shift(3))["rule"] == "commitment-due"
    assert prompt_json(pj, "--date", shift(-1))["kind"] == "catalog"
    assert snapshot(db) == before


def test_a_read_only_journal_still_shows_the_prompt(pj, db):
    partner(pj, "Ana")
    ok(pj("commitment", "add", "Ana", "Send the plan", "--due", shift(1)))
    if os.geteuid() != 0:
        os.chmod(db, 0o400)
        undo = ["chmod", "600", str(db)]
    else:
        chattr = shutil.which("chattr")
        made = chattr and subprocess.run([chattr, "+i", str(db)], capture_output=True)
        if not made or made.returncode != 0:
            pytest.skip("running as root without chattr +i: cannot make the file unwritable")
        undo = [chattr, "-i", str(db)]
    try:
        before = snapshot(db)
        r = ok(pj("prompt", "--explain"))
        assert r.stdout.startswith("You promised Ana")
        assert snapshot(db) == before
    finally:
        subprocess.run(undo, check=True)


# --- switching it off ------------------------------------------------------------------

def test_no_context_flag_and_setting(pj, db):
    partner(pj, "Ana")
    ok(pj("commitment", "add", "Ana", "Send the plan", "--due", shift(1)))
    before = snapshot(db)
    assert prompt_json(pj, "--no-context")["kind"] == "catalog"
    assert snapshot(db) == before  # a one-off view: nothing kept
    r = ok(pj("today", "--no-context", "--text", "plain day"))
    assert "You promised" not in r.stdout
    assert ok(pj("log", "--json")).json()[0]["prompt_rule"] is None
    ok(pj("config", "set", "contextual-prompts", "off"))
    assert ok(pj("config", "get", "contextual-prompts", "--json")).json()["value"] == "off"
    assert prompt_json(pj, day=shift(1))["kind"] == "catalog"
    ok(pj("config", "set", "contextual-prompts", "on"))
    assert prompt_json(pj, day=shift(2))["kind"] == "context"


def test_a_bad_setting_value_is_one_line_and_changes_nothing(pj, db):
    ok(pj("reflect", "x"))
    before = snapshot(db)
    one_error_line(pj("config", "set", "contextual-prompts", "sometimes"), 2, "on or off")
    assert snapshot(db) == before


# --- explain and JSON ------------------------------------------------------------------

def test_explain_names_rule_record_and_each_steps_why(pj):
    partner(pj, "Ana")
    ok(pj("commitment", "add", "Ana", "Send the plan", "--due", shift(1)))
    out = ok(pj("prompt", "--explain")).stdout
    assert "Why this prompt:" in out
    assert "Rule commitment-due: a commitment overdue or due within 3 days." in out
    assert "About: commitment #1 to Ana, due " in out and "(commitment:" in out
    assert "Steps it claims:" in out
    assert "  2 Deepen the relationships you have: keeping a promise" in out
    assert "[coach:commitment-due]" in out


def test_explain_of_a_catalog_prompt_names_the_phase_balance(pj):
    for step in range(1, 11):
        ok(pj("reflect", "x", "--step", step, "--date", shift(-1)))
    chosen = prompt_json(pj)
    out = ok(pj("prompt", "--explain")).stdout
    assert "From the catalog by phase balance: the evaluate phase is practised least" in out
    for step in chosen["steps"]:
        assert f"  {step} {load_catalog().step(step).title}: " in out


def test_prompt_json_keeps_the_old_keys_and_adds_the_coachs(pj):
    chosen = prompt_json(pj)
    for key in ("id", "text", "steps", "phase", "source", "custom",
                "kind", "rule", "record", "why", "reason"):
        assert key in chosen
    assert {"author", "work"} <= set(chosen["source"])
    assert [w["step"] for w in chosen["why"]] == chosen["steps"]


# --- reflections written to a contextual prompt ----------------------------------------

def test_a_reflection_to_the_contextual_prompt_keeps_rule_record_and_text(pj, tmp_path):
    partner(pj, "Ana")
    ok(pj("commitment", "add", "Ana", "Send the plan", "--due", shift(1)))
    chosen = prompt_json(pj)
    r = ok(pj("today", "--text", "Blocked an hour tomorrow morning for it"))
    assert chosen["text"] in r.stdout
    [entry] = ok(pj("log", "--json")).json()
    assert entry["prompt_id"] is None and entry["steps"] == [2]
    assert (entry["prompt_rule"], entry["prompt_record"], entry["prompt_text"]) == (
        "commitment-due", chosen["record"], chosen["text"])
    shown = ok(pj("show", "1")).stdout
    assert f"Prompt: {chosen['text']}" in shown
    assert "From your journal: rule commitment-due, about commitment #1 to Ana" in shown
    assert ok(pj("show", "1", "--json")).json()["prompt_rule"] == "commitment-due"

    export = tmp_path / "export.json"
    ok(pj("export", "--format", "json", "--output", export))
    other = tmp_path / "other.sqlite"
    ok(pj("--db", other, "import", export, "--format", "json"))
    [again] = ok(pj("--db", other, "log", "--json")).json()
    assert (again["prompt_rule"], again["prompt_record"], again["prompt_text"]) == (
        entry["prompt_rule"], entry["prompt_record"], entry["prompt_text"])
    markdown = ok(pj("export", "--format", "markdown")).stdout
    assert f"- Prompt: {chosen['text']}" in markdown


def test_reflect_with_the_days_contextual_prompt(pj):
    partner(pj, "Ana")
    ok(pj("commitment", "add", "Ana", "Send the plan", "--due", shift(1)))
    chosen = prompt_json(pj)
    ok(pj("reflect", "Renegotiated to Friday", "--prompt", chosen["id"]))
    [entry] = ok(pj("log", "--json")).json()
    assert entry["prompt_rule"] == "commitment-due" and entry["prompt_text"] == chosen["text"]


@pytest.mark.parametrize("prompt_id, says", [
    ("coach:no-such-rule", "no contextual rule 'no-such-rule'"),
    ("coach:session-due", "is not the prompt of 2026-11-23"),
])
def test_reflect_with_a_bad_contextual_prompt_changes_nothing(pj, db, prompt_id, says):
    partner(pj, "Ana")
    ok(pj("commitment", "add", "Ana", "Send the plan", "--due", shift(1)))
    prompt_json(pj)
    before = snapshot(db)
    one_error_line(pj("reflect", "x", "--prompt", prompt_id), 2, says)
    assert snapshot(db) == before


# --- the daily screen ------------------------------------------------------------------

def test_first_run_explains_the_loop_and_points_to_the_demo(pj):
    r = ok(pj("today", "--text", "first"))
    assert "The loop: set the example yourself" in r.stdout and "pj demo" in r.stdout
    r = ok(pj("today", "--text", "second"))
    assert "pj demo" not in r.stdout


def test_after_writing_today_the_header_says_so_and_offers_the_next_prompt(pj):
    first = prompt_json(pj)
    ok(pj("today", "--text", "answered it"))
    r = ok(pj("today", "--text", "one more"))
    lines = r.stdout.splitlines()
    assert lines[0] == (f"Today's prompt · {FIXED_TODAY} · you already wrote today (#1);"
                        " here is another prompt")
    assert lines[1] != first["text"]
    entries = ok(pj("log", "--json")).json()
    assert entries[0]["prompt_id"] not in (None, first["id"])
    assert prompt_json(pj) == first  # the day's prompt itself stays


def test_a_reflection_not_on_the_days_prompt_leaves_it_on_offer(pj):
    first = prompt_json(pj)
    ok(pj("reflect", "a quick note"))
    lines = ok(pj("today", "--text", "now the prompt")).stdout.splitlines()
    assert lines[0] == f"Today's prompt · {FIXED_TODAY} · you already wrote today (#1)"
    assert lines[1] == first["text"]


def test_partner_add_off_a_terminal_without_box_is_one_line(pj, db):
    before = snapshot(db)
    one_error_line(pj("partner", "add", "Zoe"), 2, "missing --box, --relation")
    assert snapshot(db) == before


# --- the rules themselves ---------------------------------------------------------------

def test_every_rule_has_a_source_steps_and_a_reason_per_step():
    catalog = load_catalog()
    for rule in coach.RULES.values():
        assert rule.source in catalog.sources, rule.id
        assert 1 <= len(rule.steps) <= 2 and len(rule.why) == len(rule.steps), rule.id
        assert all(why.strip() for why in rule.why)


def test_quote_shortens_at_a_word_boundary():
    quoted = coach.quote("word " * 60)
    assert quoted.startswith("“word") and quoted.endswith("…”")
    assert "wor…" not in quoted and len(quoted) <= coach.QUOTE_MAX + 2


def test_select_cadence_on_plain_candidates():
    day = dt.date(2026, 11, 23)
    a = coach.Candidate("commitment-due", "commitment:1", "t", "a")
    late = coach.Candidate("session-due", "partner:1", "t", "b", overdue=True)
    assert coach.select([a], {}, day)[0] == a
    assert coach.select([a], {"2026-11-22": ("context", "trust-weakest")}, day)[0] is None
    assert coach.select([a, late], {"2026-11-22": ("context", "box-quiet")}, day)[0] == late
    assert coach.select([a], {"2026-11-21": ("context", "commitment-due")}, day)[0] is None
    assert coach.select([a], {"2026-11-20": ("context", "commitment-due")}, day)[0] == a
    assert coach.select([], {}, day)[0] is None


# --- on a real terminal: the installed pj in a pseudo-terminal ---------------------------

class Terminal:
    """The installed ``pj`` running on a pseudo-terminal of a given width: what a
    leader's shell gives it (stdin and stdout are terminals, questions are asked)."""

    def __init__(self, args: list[str], env: dict, columns: int = 60):
        import fcntl
        import pty
        import struct
        import termios

        pj_path = shutil.which("pj")
        if pj_path is None:
            pytest.fail("the installed 'pj' is not on PATH: pip install -e '.[test]'")
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
        self.proc = subprocess.Popen([pj_path, *args], stdin=slave, stdout=slave, stderr=slave,
                                     env=env, start_new_session=True)
        os.close(slave)
        self.master = master
        self.seen = b""

    def expect(self, text: str, timeout: float = 30) -> None:
        import select
        import time

        deadline = time.monotonic() + timeout
        while text.encode() not in self.seen:
            ready, _, _ = select.select([self.master], [], [], max(0.0, deadline - time.monotonic()))
            chunk = b""
            if ready:
                try:
                    chunk = os.read(self.master, 4096)
                except OSError:  # the other side closed
                    chunk = b""
            if not chunk:
                raise AssertionError(f"no {text!r} on the terminal; it showed {self.text!r}")
            self.seen += chunk

    def type(self, line: str) -> None:
        os.write(self.master, line.encode() + b"\r")

    def close(self) -> int:
        code = self.proc.wait(timeout=30)
        os.close(self.master)
        return code

    @property
    def text(self) -> str:
        return self.seen.decode("utf-8", "replace").replace("\r\n", "\n")


@pytest.fixture
def shell_env(db) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PARTNERJOURNAL_", "PJ_"))}
    env.update(PARTNERJOURNAL_DB=str(db), PARTNERJOURNAL_TODAY=FIXED_TODAY, NO_COLOR="1",
               TERM="dumb")
    env.pop("COLUMNS", None)
    env.pop("LINES", None)
    return env


@pytest.mark.e2e
def test_today_on_a_terminal_saves_the_contextual_reflection_and_asks_about_new_partners(
        pj, shell_env):
    partner(pj, "Ana")
    ok(pj("reflect", "x", "--partner", "Ana", "--date", "yesterday"))
    ok(pj("commitment", "add", "Ana", "Send the revised forecast for the northern plants",
          "--due", shift(1)))
    term = Terminal(["today"], shell_env, columns=60)
    term.expect("Your reflection")
    shown = term.text
    term.type("Blocked an hour tomorrow morning for the forecast.")
    term.type("")
    term.expect("Steps it served")
    term.type("")
    term.expect("Partners involved")
    term.type("Zoe")
    term.expect("Box for Zoe")
    term.type("teams")
    term.expect("Relation with Zoe")
    term.type("")  # Enter skips
    term.expect("Tags")
    term.type("")
    term.expect("Share of today")
    term.type("30")
    term.expect("Saved reflection #2")
    assert term.close() == 0, term.text

    chosen = prompt_json(pj)
    assert chosen["rule"] == "commitment-due"
    # wrapped at word boundaries to the terminal's 60 columns: no line is longer and
    # every word of the prompt and its source arrives whole
    head = shown.split("Your reflection")[0]
    assert all(len(line) <= 60 for line in head.splitlines()), head
    words = set(head.split())
    assert set(chosen["text"].split()) <= words
    source = chosen["source"]
    assert set(f"{source['author']}, {source['work']}".split()) <= words

    entry = ok(pj("log", "--json")).json()[0]
    assert entry["text"] == "Blocked an hour tomorrow morning for the forecast."
    assert (entry["prompt_rule"], entry["prompt_record"], entry["prompt_text"]) == (
        "commitment-due", chosen["record"], chosen["text"])
    assert entry["partners"] == ["Zoe"] and entry["important_share"] == 30
    zoe = next(p for p in ok(pj("partner", "list", "--json")).json() if p["name"] == "Zoe")
    assert (zoe["box"], zoe["relation"]) == ("teams", None)


@pytest.mark.e2e
def test_partner_add_asks_on_a_terminal(pj, shell_env):
    term = Terminal(["partner", "add", "Yan"], shell_env)
    term.expect("Box (leadership, managers, teams, employees)")
    term.type("bosses")
    term.expect("try again")
    term.type("Teams")
    term.expect("Relation (direct, influential, guidance)")
    term.type("guidance")
    term.expect("Added partner Yan (teams · guidance)")
    assert term.close() == 0, term.text
    yan = ok(pj("partner", "list", "--json")).json()[0]
    assert (yan["name"], yan["box"], yan["relation"]) == ("Yan", "teams", "guidance")


@pytest.mark.e2e
def test_partner_add_on_a_terminal_refuses_a_known_name_before_asking(pj, shell_env):
    partner(pj, "Yan")
    term = Terminal(["partner", "add", "yan"], shell_env)
    term.expect("already a partner")
    assert term.close() == 1
    assert "Box" not in term.text


def test_the_readmes_explain_example_is_what_pj_prints(pj, tmp_path):
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")
    block = readme.split("$ pj prompt --explain\n", 1)[1].split("```", 1)[0]
    demo = tmp_path / "demo.sqlite"
    ok(pj("demo", "--db", demo, env=on("2026-10-02")))
    shown = ok(pj("--db", demo, "prompt", "--explain", env=on("2026-10-02"))).stdout
    uid = re.compile(r"[0-9a-f]{32}")
    assert uid.sub("UID", shown) == uid.sub("UID", block)
