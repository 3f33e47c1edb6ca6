"""Hostile and broken input across every command family that test_bad_input.py (the
daily commands) does not already cover: partners, sessions, commitments, trust, stories,
objectives, settings, the evaluation, reports, export, import, backup, restore, doctor,
map and nudge — plus journals that are not usable (a folder, not SQLite, read-only, from
a newer pj, locked by another program) and editors that fail.

Each refusal is one line 'pj: error: ...' on stderr, exit 2 (a bad value typed) or 1,
no traceback, and the journal exactly as it was (conftest.snapshot).
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import sqlite3
import subprocess
import sys
import time

import pytest

from conftest import snapshot

HUGE = "x" * 5_000_000  # a 5 MB text
KB10 = "A" * 10_240
SESSION = ["--successes", "s", "--objectives", "o", "--feedback", "f"]
SCORES = ["--reliability", "5", "--intimacy", "5", "--self-orientation", "5"]


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """A journal with a record of each kind, made once: partner Ana (teams, direct),
    reflection #1, commitment #1 open and #2 kept, objective Sales, a story, a session,
    a trust check, this quarter's evaluation and a prompt of the leader's own."""
    from typer.testing import CliRunner

    from partnerjournal.cli import app

    path = tmp_path_factory.mktemp("hostile") / "journal.sqlite"
    env = {"PARTNERJOURNAL_DB": str(path), "PARTNERJOURNAL_TODAY": "2026-11-23"}
    runner = CliRunner()
    for args in (
        ["partner", "add", "Ana", "--box", "teams", "--relation", "direct"],
        ["reflect", "The one reflection", "--partner", "Ana", "--step", "1"],
        ["commitment", "add", "Ana", "Send the forecast", "--due", "2026-12-01"],
        ["commitment", "add", "Ana", "Kept already"], ["commitment", "done", "2"],
        ["objective", "add", "Sales", "--kind", "business", "--unit", "EUR"],
        ["objective", "measure", "Sales", "5"],
        ["story", "add", "We did it together", "--partner", "Ana"],
        ["session", "add", "Ana", *SESSION],
        ["trust", "Ana", "--credibility", "7", *SCORES],
        ["evaluate", "-r", "1=3"], ["prompts", "add", "My own question?", "--step", "2"],
    ):
        r = runner.invoke(app, args, env=env)
        assert r.exit_code == 0, (args, r.output)
    return path


@pytest.fixture
def journal(template, db):
    shutil.copyfile(template, db)
    os.chmod(db, 0o600)
    return db


def assert_one_error_line(r, exit_code: int, says: str = "") -> None:
    assert r.exit_code == exit_code, r
    assert "Traceback" not in r.stdout + r.stderr
    lines = r.stderr.splitlines()
    assert len(lines) == 1 and r.stderr.endswith("\n"), r
    assert lines[0].startswith("pj: error: "), r
    assert len(lines[0]) < 300, "the message quotes the bad value, shortened"
    assert says in lines[0], r


def case(name, args, exit_code, says="", input=None):
    return pytest.param(args, exit_code, says, input, id=name)


CASES = [
    # partners
    case("partner: empty name", ["partner", "add", "", "--box", "teams", "--relation", "direct"],
         2, "empty"),
    case("partner: only spaces", ["partner", "add", "   ", "--box", "teams", "--relation",
                                  "direct"], 2, "empty"),
    case("partner: 10 KB name", ["partner", "add", KB10, "--box", "teams", "--relation", "direct"],
         2, "longer than 100"),
    case("partner: control character", ["partner", "add", "Bo\x07b", "--box", "teams",
                                        "--relation", "direct"], 2, "control"),
    case("partner: escape sequence", ["partner", "add", "\x1b[31mRed", "--box", "teams",
                                      "--relation", "direct"], 2, "control"),
    case("partner: NUL byte", ["partner", "add", "Bo\x00b", "--box", "teams", "--relation",
                               "direct"], 2, "control"),
    case("partner: line break", ["partner", "add", "Ana\nBo", "--box", "teams", "--relation",
                                 "direct"], 2, "control"),
    case("partner: unknown box", ["partner", "add", "Zed", "--box", "nowhere", "--relation",
                                  "direct"], 2, "nowhere"),
    case("partner: unknown relation", ["partner", "add", "Zed", "--box", "teams", "--relation",
                                       "friend"], 2, "friend"),
    case("partner: same name in other case", ["partner", "add", "ANA", "--box", "teams",
                                              "--relation", "direct"], 1, "already"),
    case("partner: 5 MB note", ["partner", "add", "Zed", "--box", "teams", "--relation", "direct",
                                "--note", HUGE], 2, "1,000,000"),
    case("partner: NUL in note", ["partner", "edit", "Ana", "--note", "a\x00b"], 2, "NUL"),
    case("partner edit: empty new name", ["partner", "edit", "Ana", "--name", " "], 2, "empty"),
    case("partner edit: 10 KB new name", ["partner", "edit", "Ana", "--name", KB10], 2, "100"),
    case("partner edit: unknown partner", ["partner", "edit", "Nobody", "--box", "teams"], 1,
         "Nobody"),
    case("partner archive: blank name", ["partner", "archive", "  "], 2, "empty"),
    case("partner show: bidi control", ["partner", "show", "\u202eAna"], 1, "no partner"),
    # sessions
    case("session: impossible date", ["session", "add", "Ana", "--date", "2026-02-30", *SESSION],
         2, "2026-02-30"),
    case("session: future date", ["session", "add", "Ana", "--date", "2027-01-01", *SESSION], 2,
         "future"),
    case("session: 0 minutes", ["session", "add", "Ana", "--minutes", "0", *SESSION], 2, "1440"),
    case("session: 10^20 minutes", ["session", "add", "Ana", "--minutes", "9" * 20, *SESSION], 2,
         "1440"),
    case("session: unknown partner", ["session", "add", "Nobody", *SESSION], 1, "Nobody"),
    case("session: answers missing off a terminal", ["session", "add", "Ana"], 2, "--successes"),
    case("session: NUL in an answer", ["session", "add", "Ana", "--successes", "a\x00b",
                                       "--objectives", "o", "--feedback", "f"], 2, "NUL"),
    case("session: 5 MB answer", ["session", "add", "Ana", "--successes", HUGE, "--objectives",
                                  "o", "--feedback", "f"], 2, "1,000,000"),
    case("session due: quarter 2026Q5", ["session", "due", "--quarter", "2026Q5"], 2, "2026Q5"),
    case("session due: quarter abc", ["session", "due", "--quarter", "abc"], 2, "'abc'"),
    case("session due: quarter -9999", ["session", "due", "--quarter", "-9999"], 2, "-9999"),
    case("session due: year 0", ["session", "due", "--quarter", "0000Q1"], 2, "out of range"),
    case("session prep: output is a folder", ["session", "prep", "Ana", "-o", "."], 2, "folder"),
    # commitments
    case("commitment: impossible due date", ["commitment", "add", "Ana", "x", "--due",
                                             "2026-13-01"], 2, "2026-13-01"),
    case("commitment: due before promised", ["commitment", "add", "Ana", "x", "--due",
                                             "1900-01-01"], 2, "before"),
    case("commitment: empty text", ["commitment", "add", "Ana", " "], 2, "empty"),
    case("commitment: NUL byte", ["commitment", "add", "Ana", "a\x00b"], 2, "NUL"),
    case("commitment: 5 MB text", ["commitment", "add", "Ana", HUGE], 2, "1,000,000"),
    case("commitment: unknown partner", ["commitment", "add", "Nobody", "x"], 1, "Nobody"),
    case("commitment done: unknown id", ["commitment", "done", "999"], 1, "#999"),
    case("commitment done: id 0", ["commitment", "done", "0"], 2, "#0"),
    case("commitment done: id 10^20", ["commitment", "done", "9" * 20], 2, "not valid"),
    case("commitment done: id abc", ["commitment", "done", "abc"], 2, "abc"),
    case("commitment done: future date", ["commitment", "done", "1", "--date", "2030-01-01"], 2,
         "future"),
    case("commitment done: already kept", ["commitment", "done", "2"], 1, "already kept"),
    case("commitment drop: no reason", ["commitment", "drop", "1"], 2, "--reason"),
    case("commitment drop: blank reason", ["commitment", "drop", "1", "--reason", " "], 2,
         "empty"),
    # trust
    case("trust: score 11", ["trust", "Ana", "--credibility", "11", *SCORES], 2, "1–10"),
    case("trust: score 0", ["trust", "Ana", "--credibility", "0", *SCORES], 2, "1–10"),
    case("trust: score -3", ["trust", "Ana", "--credibility", "-3", *SCORES], 2, "-3"),
    case("trust: score 10^20", ["trust", "Ana", "--credibility", "9" * 20, *SCORES], 2, "1–10"),
    case("trust: score 5.5", ["trust", "Ana", "--credibility", "5.5", *SCORES], 2, "5.5"),
    case("trust: a score missing off a terminal", ["trust", "Ana", "--credibility", "5"], 2,
         "missing"),
    case("trust: unknown partner", ["trust", "Nobody", "--credibility", "5", *SCORES], 1,
         "Nobody"),
    case("trust: impossible date", ["trust", "Ana", "--credibility", "5", *SCORES, "--date",
                                    "2026-13-40"], 2, "2026-13-40"),
    # stories
    case("story: empty", ["story", "add", ""], 2, "empty"),
    case("story: NUL byte", ["story", "add", "a\x00b"], 2, "NUL"),
    case("story: NUL in impact", ["story", "add", "x", "--impact", "a\x00b"], 2, "NUL"),
    case("story: tomorrow", ["story", "add", "x", "--date", "tomorrow"], 2, "future"),
    case("story list: quarter 2026Q5", ["story", "list", "--quarter", "2026Q5"], 2, "2026Q5"),
    # objectives
    case("objective: empty name", ["objective", "add", "", "--kind", "business"], 2, "empty"),
    case("objective: 10 KB name", ["objective", "add", KB10, "--kind", "business"], 2, "longer"),
    case("objective: NUL in name", ["objective", "add", "a\x00b", "--kind", "business"], 2,
         "control"),
    case("objective: unknown kind", ["objective", "add", "X", "--kind", "money"], 2, "money"),
    case("objective: same name", ["objective", "add", "SALES", "--kind", "business"], 1,
         "already exists"),
    case("objective: target NaN", ["objective", "add", "X", "--kind", "business", "--target",
                                   "nan"], 2, "finite"),
    case("objective: target 1e400", ["objective", "add", "X", "--kind", "business", "--target",
                                     "1e400"], 2, "finite"),
    case("objective: target abc", ["objective", "add", "X", "--kind", "business", "--target",
                                   "abc"], 2, "not a number"),
    case("measure: not a number", ["objective", "measure", "Sales", "abc"], 2, "not a number"),
    case("measure: -1e999", ["objective", "measure", "Sales", "--", "-1e999"], 2, "finite"),
    case("measure: infinity", ["objective", "measure", "Sales", "inf"], 2, "finite"),
    case("measure: 36 digits", ["objective", "measure", "Sales", "9" * 36], 2, "finite"),
    case("measure: future date", ["objective", "measure", "Sales", "5", "--date", "2099-01-01"],
         2, "future"),
    case("measure: unknown objective", ["objective", "measure", "Nobody", "5"], 1, "Nobody"),
    # settings
    case("config: month 13", ["config", "set", "fiscal-year-start", "13"], 2, "'13'"),
    case("config: month Smarch", ["config", "set", "fiscal-year-start", "Smarch"], 2, "Smarch"),
    case("config: month with NUL", ["config", "set", "fiscal-year-start", "4\x00"], 2, "month"),
    case("config: unknown setting", ["config", "set", "nosuch", "1"], 2, "nosuch"),
    case("config get: unknown setting", ["config", "get", "../../etc/passwd"], 2, "no setting"),
    # the quarterly evaluation
    case("evaluate: quarter 2026Q5", ["evaluate", "--quarter", "2026Q5", "-r", "1=3"], 2,
         "2026Q5"),
    case("evaluate: year 1899", ["evaluate", "--quarter", "1899Q1", "-r", "1=3"], 2,
         "out of range"),
    case("evaluate: rating 6", ["evaluate", "-r", "1=6"], 2, "1 to 5"),
    case("evaluate: rating 3.5", ["evaluate", "-r", "1=3.5"], 2, "3.5"),
    case("evaluate: step 14", ["evaluate", "-r", "14=3"], 2, "step 14"),
    case("evaluate: step 0", ["evaluate", "-r", "0=3"], 2, "step 0"),
    case("evaluate: rating abc", ["evaluate", "-r", "abc"], 2, "STEP=VALUE"),
    case("evaluate: note on step 99", ["evaluate", "--note", "99=x"], 2, "step 99"),
    case("evaluate: NUL in progress", ["evaluate", "-r", "1=3", "--progress", "a\x00b"], 2,
         "NUL"),
    case("evaluate: empty adjustment", ["evaluate", "-r", "1=3", "-a", ""], 2, "empty"),
    case("evaluate: nothing given off a terminal", ["evaluate"], 2, "--rating"),
    # reports, progress, map
    case("report: quarter abc", ["report", "--quarter", "abc"], 2, "'abc'"),
    case("report: quarter 2026Q5", ["report", "--quarter", "2026Q5"], 2, "2026Q5"),
    case("report: format pdf", ["report", "--format", "pdf"], 2, "pdf"),
    case("report: output is a folder", ["report", "--output", "."], 2, "folder"),
    case("progress: quarter -9999", ["progress", "--quarter", "-9999"], 2, "-9999"),
    case("progress: quarter 2026Q0", ["progress", "--quarter", "2026Q0"], 2, "2026Q0"),
    case("progress: empty quarter", ["progress", "--quarter", ""], 2, "empty"),
    case("map: 5-digit year", ["map", "--quarter", "99999Q1"], 2, "99999Q1"),
    # export, import, backup, restore
    case("export: format xml", ["export", "--format", "xml"], 2, "xml"),
    case("export: split by week", ["export", "--split", "week", "-o", "out"], 2, "week"),
    case("export: impossible --from", ["export", "--from", "2026-02-30"], 2, "2026-02-30"),
    case("export: quarter and dates", ["export", "--quarter", "last", "--from", "2026-01-01"], 2,
         "either"),
    case("export: --split without a folder", ["export", "--split", "day"], 2, "--output"),
    case("import: no such file", ["import", "no/such/file.json"], 2, "does not exist"),
    case("import: format yaml", ["import", "-", "--format", "yaml"], 2, "yaml", input="{}"),
    case("import: invalid UTF-8 on stdin", ["import", "-"], 1, "UTF-8", input=b"\xff\xfe{"),
    case("import: NUL bytes on stdin", ["import", "-"], 1, "not an export", input="\x00" * 99),
    case("import: 5 MB of nothing on stdin", ["import", "-"], 1, "not an export", input=HUGE),
    case("import: 100,000 open braces", ["import", "-"], 1, "broken", input="{" * 100_000),
    case("backup: no such journal", ["--db", "missing.sqlite", "backup", "b.sqlite"], 1,
         "no journal"),
    case("restore: no such backup", ["restore", "no/such.sqlite", "--yes"], 2, "does not exist"),
    case("restore: a folder", ["restore", ".", "--yes"], 2, "folder"),
    case("restore: no --yes off a terminal", ["restore", "x.sqlite"], 2, "--yes"),
]


@pytest.mark.parametrize("args, exit_code, says, input", CASES)
def test_hostile_input(pj, journal, tmp_path, monkeypatch, args, exit_code, says, input):
    monkeypatch.chdir(tmp_path)
    before = snapshot(journal)
    r = pj(*args, input=input)
    assert_one_error_line(r, exit_code, says)
    assert r.stdout == ""
    assert snapshot(journal) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["journal.sqlite"] + (
        ["journal.sqlite-shm", "journal.sqlite-wal"]
        if (tmp_path / "journal.sqlite-wal").exists() else [])


def test_the_table_covers_every_family():
    families = {args[0] for args, *_ in (c.values for c in CASES)}
    families |= {"doctor", "nudge"}  # their own tests below: they report, not refuse
    assert families >= {"partner", "session", "commitment", "trust", "story", "objective",
                        "config", "evaluate", "report", "progress", "map", "export", "import",
                        "--db", "restore"}
    assert len(CASES) >= 40


# --- malicious imports (beyond test_import_errors.py) ---------------------------------


def exported(pj) -> dict:
    return json.loads(pj("export", "-f", "json").stdout)


@pytest.mark.parametrize(
    "kind, change, says",
    [
        ("settings", {"key": "fiscal-year-start", "value": "13"}, "month number"),
        ("settings", {"key": "fiscal-year-start", "value": "abc"}, "month number"),
        ("partners", {"name": KB10}, "longer than 100"),
        ("partners", {"name": "A\x07B"}, "control"),
        ("partners", {"box": ["teams"]}, "'box'"),
        ("trust_checks", {"credibility": 11}, "between 1 and 10"),
        ("trust_checks", {"intimacy": "5"}, "whole number"),
        ("sessions", {"minutes": 10**40}, "between 1 and 1440"),
        ("commitments", {"status": "maybe"}, "'maybe'"),
        ("evaluations", {"ratings": [{"step": 1, "rating": 9, "note": None}]}, "between 1 and 5"),
        ("evaluations", {"quarter": "2026Q5"}, "quarter"),
        ("measurements", {"value": "5"}, "not a number"),
        ("objectives", {"name": {"nested": [[[]]]}}, "not text"),
        ("stories", {"text": "a\x00b"}, "NUL"),
        ("reflections", {"text": HUGE}, "1,000,000"),
        ("custom_prompts", {"steps": [99]}, "between 1 and 13"),
    ],
    ids=lambda v: v if isinstance(v, str) and len(v) < 30 else None,
)
def test_a_malicious_record_is_refused_and_nothing_imported(pj, journal, tmp_path, kind, change,
                                                            says):
    data = exported(pj)
    records = data["records"]
    fresh = dict(records[kind][0] if records[kind] else {}, **change)
    if "uid" in fresh:
        fresh["uid"] = "fresh-one"
    # a good new record first, so an unchanged journal proves the whole import rolled back
    good = dict(records["reflections"][0], uid="good-one", text="would be added")
    records["reflections"].insert(0, good)
    records[kind].append(fresh)
    path = tmp_path / "malicious.json"
    path.write_text(json.dumps(data))
    if kind == "settings":  # the journal has none yet: the import would add it
        assert records["settings"] == [fresh]
    before = snapshot(journal)
    r = pj("import", path)
    assert_one_error_line(r, 1, says)
    assert str(path) in r.stderr
    assert snapshot(journal) == before
    assert pj("report", "--format", "json").exit_code == 0  # every quarter still counts


def test_a_folder_import_refuses_links_out_and_ignores_what_is_not_a_file(pj, journal, tmp_path):
    folder = tmp_path / "days"
    assert pj("export", "-o", folder, "--split", "month").exit_code == 0
    before = snapshot(journal)
    for name, target in (("root", "/"), ("etc.md", "/etc"), ("passwd.md", "/etc/passwd"),
                         ("up.md", "../journal.sqlite")):
        os.symlink(target, folder / name)
        r = pj("import", folder)
        assert_one_error_line(r, 1, "links outside the folder")
        assert snapshot(journal) == before
        os.unlink(folder / name)
    os.symlink("loop.md", folder / "loop.md")
    r = pj("import", folder)
    assert_one_error_line(r, 1, "loop.md: it is a link that loops")
    assert snapshot(journal) == before
    os.unlink(folder / "loop.md")
    os.mkfifo(folder / "pipe.md")  # never opened: reading it would wait for ever
    os.mkdir(folder / "sub.md")
    r = pj("import", folder)
    assert r.exit_code == 0, r
    assert "reflections: 0 added, 0 updated, 1 skipped" in r.stdout  # its own records
    assert snapshot(journal) == before


# --- journals that cannot be used -----------------------------------------------------

FAMILIES = [
    ["partner", "list"], ["partner", "add", "Zed", "--box", "teams", "--relation", "direct"],
    ["session", "due"], ["commitment", "list"], ["commitment", "add", "Ana", "x"],
    ["trust", "Ana", "--credibility", "5", *SCORES], ["story", "list"], ["objective", "list"],
    ["config", "list"], ["config", "set", "fiscal-year-start", "4"], ["evaluate", "-r", "1=3"],
    ["report"], ["progress"], ["map"], ["nudge"], ["export"], ["import", "-"], ["backup"],
]
FAMILY_IDS = [" ".join(a[:2]) for a in FAMILIES]


@pytest.mark.parametrize("args", FAMILIES, ids=FAMILY_IDS)
def test_db_that_is_a_directory(pj, journal, tmp_path, args):
    folder = tmp_path / "a-folder"
    folder.mkdir()
    (folder / "inside.txt").write_text("untouched")
    r = pj("--db", folder, *args, input="{}")
    assert_one_error_line(r, 1, "is a directory")
    assert sorted(p.name for p in folder.iterdir()) == ["inside.txt"]


@pytest.mark.parametrize("args", FAMILIES, ids=FAMILY_IDS)
def test_db_that_is_not_sqlite(pj, journal, tmp_path, args):
    path = tmp_path / "notes.sqlite"
    content = b"My private notes, not a journal.\n" * 10
    path.write_bytes(content)
    r = pj("--db", path, *args, input="{}")
    assert_one_error_line(r, 1, "not SQLite")
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("notes")) == [
        "notes.sqlite"]


@pytest.mark.parametrize("args", FAMILIES, ids=FAMILY_IDS)
def test_db_from_a_newer_pj(pj, journal, args):
    conn = sqlite3.connect(journal)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    before = snapshot(journal)
    r = pj(*args, input="{}")
    assert_one_error_line(r, 1, "newer")
    assert snapshot(journal) == before


# --- a read-only journal --------------------------------------------------------------


@pytest.fixture
def read_only(journal):
    """Make the journal file unwritable. As an ordinary user chmod 0400 does it; root
    ignores file modes, so as root the file is made immutable (chattr +i), which stops
    root too. Where neither works the test is skipped and says why."""
    if os.geteuid() != 0:
        os.chmod(journal, 0o400)
        yield journal
        os.chmod(journal, 0o600)
        return
    chattr = shutil.which("chattr")
    made = chattr and subprocess.run([chattr, "+i", str(journal)], capture_output=True)
    if not made or made.returncode != 0:
        pytest.skip("running as root without chattr +i: no way to make a file unwritable")
    try:
        with pytest.raises(PermissionError):
            open(journal, "r+b").close()  # really unwritable, even for root
        yield journal
    finally:
        subprocess.run([chattr, "-i", str(journal)], check=True)


WRITES = [
    ["reflect", "x"], ["partner", "add", "Zed", "--box", "teams", "--relation", "direct"],
    ["commitment", "done", "1"], ["trust", "Ana", "--credibility", "5", *SCORES],
    ["story", "add", "x"], ["objective", "measure", "Sales", "5"],
    ["config", "set", "fiscal-year-start", "4"], ["evaluate", "-r", "2=4"],
    ["session", "add", "Ana", *SESSION],
]
READS = [["log"], ["partner", "list"], ["commitment", "list"], ["report", "-f", "json"],
         ["progress"], ["map"], ["export"], ["story", "list"], ["objective", "list"]]


def test_a_read_only_journal_refuses_writes_and_still_reads(pj, read_only):
    before = snapshot(read_only)
    for args in WRITES:
        r = pj(*args)
        assert_one_error_line(r, 1, "read-only")
    for args in READS:
        r = pj(*args)
        assert r.exit_code == 0, (args, r)
    assert snapshot(read_only) == before
    r = pj("doctor", "--json")
    checks = {c["check"]: c for c in json.loads(r.stdout)["checks"]}
    assert r.exit_code == 1 and not checks["writable"]["ok"] and checks["writable"]["fix"]
    assert checks["integrity"]["ok"]


# --- a journal held by another program ------------------------------------------------

HOLDER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
if sys.argv[3] == "delete":
    conn.execute("PRAGMA journal_mode = DELETE")  # as a backup or another tool may leave it
conn.execute("BEGIN EXCLUSIVE")
conn.execute("INSERT INTO settings VALUES ('held-by', 'another program')")
print("holding", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("ROLLBACK")
"""


@pytest.fixture
def holder(journal, tmp_path):
    """Start a process that takes the journal's exclusive lock for some seconds."""
    procs = []

    def hold(seconds: float, mode: str = "wal") -> subprocess.Popen:
        proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(journal), str(seconds), mode],
                                stdout=subprocess.PIPE, text=True)
        procs.append(proc)
        assert proc.stdout.readline() == "holding\n"
        return proc

    yield hold
    for proc in procs:
        proc.kill()
        proc.wait()


def test_a_locked_journal_is_waited_for(pj, journal, holder):
    """pj waits for the other program (busy timeout, BEGIN IMMEDIATE), then writes."""
    proc = holder(2.0)
    began = time.monotonic()
    r = pj("commitment", "add", "Ana", "Written once the lock is free")
    waited = time.monotonic() - began
    assert r.exit_code == 0, r
    assert proc.wait(timeout=10) == 0
    assert waited >= 1.5
    rows = sqlite3.connect(journal).execute("SELECT text FROM commitments").fetchall()
    assert ("Written once the lock is free",) in rows
    assert ("held-by",) not in sqlite3.connect(journal).execute("SELECT key FROM settings")


@pytest.mark.parametrize("mode", ["wal", "delete"])
@pytest.mark.parametrize("args", [["reflect", "x"], ["partner", "add", "Zed", "--box", "teams",
                                                      "--relation", "direct"],
                                  ["import", "-"]], ids=["reflect", "partner add", "import"])
def test_a_journal_locked_past_the_wait_says_busy(pj, journal, holder, monkeypatch, mode, args):
    """Held longer than pj waits (shortened here from 30 s): one line saying the journal
    is busy, never 'damaged' or 'not a journal', and nothing changed."""
    import partnerjournal.store

    source = pj("export", "-f", "json").stdout.replace('"uid": "', '"uid": "new-')
    before = snapshot(journal)
    monkeypatch.setattr(partnerjournal.store, "BUSY_TIMEOUT_MS", 200)
    proc = holder(30, mode)
    r = pj(*args, input=source)
    assert_one_error_line(r, 1, "busy")
    assert "damaged" not in r.stderr and "not a" not in r.stderr
    proc.kill()  # its transaction dies with it: nothing of it may remain either
    proc.wait()
    assert snapshot(journal) == before


def test_doctor_on_a_locked_journal_does_not_advise_a_restore(pj, journal, holder):
    holder(30, "delete")
    r = pj("doctor", "--json")
    assert r.exit_code == 1
    checks = json.loads(r.stdout)["checks"]
    assert not any("restore" in c["fix"] for c in checks), checks
    assert any("another program" in c["detail"] for c in checks), checks


# --- pj doctor on broken journals: it reports, says what to do, and changes nothing ---


@pytest.mark.parametrize("make, problem", [
    ("folder", "journal"), ("text", "journal"), ("newer", "schema"), ("damaged", "integrity"),
    ("group-readable", "file permissions"), ("open folder", "folder permissions"),
])
def test_doctor_names_each_problem_and_its_fix(pj, journal, tmp_path, make, problem):
    target = journal
    if make == "folder":
        target = tmp_path / "a-folder"
        target.mkdir()
    elif make == "text":
        target = tmp_path / "notes.txt"
        target.write_text("notes")
    elif make == "newer":
        conn = sqlite3.connect(journal)
        conn.execute("PRAGMA user_version = 999")
        conn.close()
    elif make == "damaged":
        data = bytearray(journal.read_bytes())
        page = 4096
        data[page * 3: page * 3 + 200] = b"\xff" * 200  # a b-tree page overwritten
        journal.write_bytes(bytes(data))
    elif make == "group-readable":
        os.chmod(journal, 0o644)
    elif make == "open folder":
        os.chmod(journal.parent, 0o755)
    before = target.read_bytes() if target.is_file() else None
    r = pj("--db", target, "doctor", "--json")
    assert r.exit_code == 1, r
    report = json.loads(r.stdout)
    bad = [c for c in report["checks"] if not c["ok"]]
    assert problem in [c["check"] for c in bad], report
    assert all(c["fix"] for c in bad), "each problem comes with what to do"
    if before is not None:
        assert target.read_bytes() == before
    text = pj("--db", target, "doctor")
    assert "→" in text.stdout and "Traceback" not in text.stdout + text.stderr


# --- editors that fail ----------------------------------------------------------------

EDITOR = """\
import os, sys
path = sys.argv[-1]
action = os.environ["FAKE_EDITOR_ACTION"]
if action == "fail":
    sys.exit(3)
if action == "crash":
    os.kill(os.getpid(), 9)
with open(path, "wb") as fh:
    fh.write({"empty": b"", "blank": b"  \\n\\n", "nul": b"before\\x00after",
              "huge": b"x" * 5_000_001, "comments": b"# only a comment\\n"}[action])
"""


@pytest.fixture
def editor(tmp_path):
    script = tmp_path / "fake_editor.py"
    script.write_text(EDITOR)
    return lambda action: {"EDITOR": f"{shlex.quote(sys.executable)} {shlex.quote(str(script))}",
                           "FAKE_EDITOR_ACTION": action}


@pytest.mark.parametrize("command", [["edit", "1"], ["today", "--editor"]], ids=["edit", "today"])
@pytest.mark.parametrize("action, code, says", [
    ("fail", 1, "status 3"), ("crash", 1, "status -9"), ("nul", 2, "NUL"),
    ("huge", 2, "1,000,000"),
])
def test_an_editor_that_fails_saves_nothing(pj, journal, editor, command, action, code, says):
    before = snapshot(journal)
    r = pj(*command, env=editor(action))
    assert_one_error_line(r, code, says)
    assert snapshot(journal) == before


@pytest.mark.parametrize("command, action", [
    (["edit", "1"], "empty"), (["edit", "1"], "blank"), (["today", "--editor"], "empty"),
    (["today", "--editor"], "blank"),
    (["today", "--editor"], "comments"),  # pj edit keeps '# ' lines: markdown headings
])
def test_an_editor_left_empty_cancels(pj, journal, editor, command, action):
    """Leaving the text empty is how an editor says 'never mind': nothing is saved, a
    note says so, and the exit status is 0 (the project's choice, as in
    test_cli_journal.py), since nothing went wrong."""
    before = snapshot(journal)
    r = pj(*command, env=editor(action))
    assert r.exit_code == 0, r
    assert "nothing saved" in r.stderr and "error" not in r.stderr
    assert snapshot(journal) == before


@pytest.mark.parametrize("value, says", [
    ("'unbalanced", "quotes"), ("   ", "blank"), ("/no/such/editor", "not found"),
])
def test_an_editor_setting_that_cannot_run(pj, journal, value, says):
    before = snapshot(journal)
    r = pj("edit", "1", env={"EDITOR": value})
    assert_one_error_line(r, 2, says)
    assert snapshot(journal) == before


# --- the log limit beyond SQLite's integers -------------------------------------------


def test_a_log_limit_beyond_64_bits_means_all(pj, journal):
    r = pj("log", "-n", "9" * 30, "--json")
    assert r.exit_code == 0, r
    assert [e["id"] for e in r.json()] == [1]
