"""Bad input: one clear line on stderr, exit 2 (usage) or 1, no traceback, nothing changed."""

from __future__ import annotations

import sqlite3

import pytest

from conftest import snapshot

# Typer >= 0.2x raises the exceptions of its own bundled click, which PJGroup in
# cli/__init__.py does not catch yet: a value click itself rejects (not an integer,
# an unknown option, a missing argument) ends in a traceback instead of one line.

HUGE = "x" * 1_000_001


def case(name, args, exit_code, says="", input=None, env=None, marks=()):
    return pytest.param(args, exit_code, says, input, env, id=name, marks=marks)


CASES = [
    # steps
    case("step 0", ["reflect", "x", "--step", "0"], 2, "step 0"),
    case("step 14", ["reflect", "x", "--step", "14"], 2, "step 14"),
    case("step abc", ["reflect", "x", "--step", "abc"], 2, "--step"),
    case("step 14 on today", ["today", "--text", "x", "--step", "14"], 2, "step 14"),
    case("step 14 on edit", ["edit", "1", "--step", "14"], 2, "step 14"),
    case("step 0 on prompt", ["prompt", "--step", "0"], 2, "step 0"),
    case("step 14 on prompts", ["prompts", "--step", "14"], 2, "step 14"),
    case("step 14 on log", ["log", "--step", "14"], 2, "step 14"),
    case("step 14 on prompts add", ["prompts", "add", "Q?", "--step", "14"], 2, "step 14"),
    # texts
    case("empty text", ["reflect", ""], 2, "empty"),
    case("whitespace-only text", ["reflect", "  \t\n  "], 2, "empty"),
    case("empty stdin", ["reflect", "-"], 2, "empty", input=""),
    case("whitespace-only stdin", ["reflect"], 2, "empty", input=" \n\n\t\n"),
    case("empty --text on today", ["today", "--text", "   "], 2, "empty"),
    case("empty --text on edit", ["edit", "1", "--text", " \n "], 2, "empty"),
    case("empty prompt text", ["prompts", "add", "  ", "--step", "1"], 2, "empty"),
    case("NUL byte in text", ["reflect", "before\x00after"], 2, "NUL"),
    case("NUL byte on stdin", ["reflect", "-"], 2, "NUL", input="before\x00after"),
    case("invalid UTF-8 on stdin", ["reflect", "-"], 2, "UTF-8", input=b"caf\xe9 \xff\xfe"),
    case("invalid UTF-8 piped to today", ["today"], 2, "UTF-8", input=b"\xff\xfe\xfd"),
    case("huge text", ["reflect", "-"], 2, "1,000,000", input=HUGE),
    case("huge text as --text", ["today", "--text", HUGE], 2, "1,000,000"),
    # dates
    case("impossible date", ["reflect", "x", "--date", "2026-02-30"], 2, "2026-02-30"),
    case("not a date", ["reflect", "x", "--date", "last tuesday"], 2, "not a valid date"),
    case("tomorrow", ["reflect", "x", "--date", "tomorrow"], 2, "future"),
    case("a future date", ["reflect", "x", "--date", "2026-11-24"], 2, "future"),
    case("impossible --on", ["log", "--on", "2026-13-01"], 2, "--on"),
    case("impossible --from", ["log", "--from", "2026-02-30"], 2, "--from"),
    case("impossible --until", ["log", "--until", "yesterdayy"], 2, "--until"),
    case("--from after --until", ["log", "--from", "2026-11-20", "--until", "2026-11-01"], 2,
         "swap"),
    case("impossible prompt date", ["prompt", "--date", "2026-04-31"], 2, "--date"),
    case("a bad PARTNERJOURNAL_TODAY", ["log"], 2, "PARTNERJOURNAL_TODAY",
         env={"PARTNERJOURNAL_TODAY": "someday"}),
    # ids
    case("unknown entry id (show)", ["show", "999"], 1, "#999"),
    case("unknown entry id (edit)", ["edit", "999", "--text", "x"], 1, "#999"),
    case("unknown entry id (delete)", ["delete", "999", "--yes"], 1, "#999"),
    case("id 0 (show)", ["show", "0"], 2, "0"),
    case("id 0 (edit)", ["edit", "0", "--text", "x"], 2, "0"),
    case("id 0 (delete)", ["delete", "0", "--yes"], 2, "0"),
    case("id too large", ["show", "99999999999999999999"], 2, "too large"),
    case("id abc", ["show", "abc"], 2, "ID"),
    case("unknown prompt id", ["reflect", "x", "--prompt", "no-such-prompt"], 1, "no-such-prompt"),
    # options
    case("bad --phase", ["log", "--phase", "planning"], 2, "planning"),
    case("important share 101", ["reflect", "x", "--important-share", "101"], 2, "101"),
    case("important share -1", ["reflect", "x", "--important-share", "-1"], 2, "-1"),
    case("important share 101 on today", ["today", "--text", "x", "--important-share", "101"], 2,
         "101"),
    case("-n 0", ["log", "-n", "0"], 2, "-n 0"),
    case("-n -3", ["log", "-n", "-3"], 2, "-n -3"),
    case("-n abc", ["log", "-n", "abc"], 2, "-n"),
    case("empty --search", ["log", "--search", "   "], 2, "--search"),
    case("unknown partner in log", ["log", "--partner", "Nobody Known"], 1, "Nobody Known"),
    case("a tag with spaces", ["reflect", "x", "--tag", "two words"], 2, "two words"),
    case("an empty tag", ["reflect", "x", "--tag", " # "], 2, "tag"),
    case("an empty partner name", ["reflect", "x", "--partner", "  "], 2, "partner name"),
    case("a partner name too long", ["reflect", "x", "--partner", "A" * 101], 2, "100"),
    case("a partner name with a newline", ["reflect", "x", "--partner", "Ana\nBo"], 2,
         "control"),
    case("unknown source", ["prompts", "--source", "Nobody Known"], 2, "Nobody Known"),
    case("no prompt of your own yet", ["prompt", "--source", "you"], 1, "widen"),
    case("prompts add without a step", ["prompts", "add", "A question?"], 2, "--step"),
    case("delete without --yes off a terminal", ["delete", "1"], 2, "--yes"),
    case("edit without an editor", ["edit", "1"], 2, "EDITOR"),
    case("reflect with nothing piped", ["reflect"], 2, "empty"),
    case("an unknown option", ["log", "--bogus"], 2, "--bogus"),
    case("a missing argument", ["show"], 2, "ID"),
    case("an unknown command", ["nosuch"], 2, "nosuch"),
]


@pytest.fixture
def journal(pj, db):
    """A journal holding one reflection (#1) and one partner."""
    r = pj("reflect", "The one reflection", "--step", "1", "--partner", "Ana", "--tag", "keep")
    assert r.exit_code == 0, r
    return db


def assert_one_error_line(r, exit_code: int, says: str) -> None:
    assert r.exit_code == exit_code, r
    assert "Traceback" not in r.stdout + r.stderr
    lines = r.stderr.splitlines()
    assert len(lines) == 1 and r.stderr.endswith("\n"), r
    assert lines[0].startswith("pj: error: "), r
    assert len(lines[0]) < 300, "the message quotes the bad value, shortened"
    assert says in lines[0], r


@pytest.mark.parametrize("args, exit_code, says, input, env", CASES)
def test_bad_input(pj, journal, args, exit_code, says, input, env):
    before = snapshot(journal)
    r = pj(*args, input=input, env=env)
    assert_one_error_line(r, exit_code, says)
    if args[0] != "today":  # today shows the day's prompt before it reads the text
        assert r.stdout == ""
    assert snapshot(journal) == before


def test_the_journal_still_works_after_bad_input(pj, journal):
    for args in (["reflect", "x", "--step", "14"], ["show", "999"], ["log", "-n", "0"]):
        assert pj(*args).exit_code in (1, 2)
    r = pj("log", "--json")
    assert [e["text"] for e in r.json()] == ["The one reflection"]


# --- a --db that is not a journal -----------------------------------------------------

COMMANDS = [["reflect", "x"], ["log"], ["today", "--text", "x"], ["prompt"], ["show", "1"]]


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: a[0])
def test_db_that_is_a_directory(pj, journal, tmp_path, args):
    folder = tmp_path / "a-folder"
    folder.mkdir()
    (folder / "inside.txt").write_text("untouched")
    before = snapshot(journal)
    r = pj("--db", folder, *args)
    assert_one_error_line(r, 1, "is a directory")
    assert sorted(p.name for p in folder.iterdir()) == ["inside.txt"]
    assert snapshot(journal) == before


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: a[0])
@pytest.mark.parametrize(
    "content, says",
    [
        (b"These are my notes, not a journal.\n", "not SQLite"),
        (b"SQLite format 3\x00" + b"\x07" * 500, "not a usable journal"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "not SQLite"),
    ],
    ids=["text", "damaged", "binary"],
)
def test_db_that_is_not_a_journal(pj, journal, tmp_path, args, content, says):
    path = tmp_path / "notes.sqlite"
    path.write_bytes(content)
    before = snapshot(journal)
    r = pj("--db", path, *args)
    assert_one_error_line(r, 1, says)
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("notes")) == ["notes.sqlite"]
    assert snapshot(journal) == before


def test_db_from_a_newer_pj(pj, journal):
    conn = sqlite3.connect(journal)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    before = snapshot(journal)
    r = pj("reflect", "x")
    assert_one_error_line(r, 1, "newer")
    assert snapshot(journal) == before


def test_db_under_a_file(pj, tmp_path):
    blocker = tmp_path / "plain-file"
    blocker.write_text("x")
    r = pj("--db", blocker / "journal.sqlite", "log")
    assert_one_error_line(r, 1, "cannot create")
    assert blocker.read_text() == "x"


def test_environment_journal_that_is_a_directory(pj, tmp_path):
    r = pj("log", env={"PARTNERJOURNAL_DB": str(tmp_path)})
    assert_one_error_line(r, 1, "is a directory")
