"""Command-line conventions every command shares: clean help, --db in either place,
suggestions for mistyped commands, --version, and shell completion."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import stat
import subprocess
import sys

import click
import pytest
import typer

from conftest import FIXED_TODAY, snapshot
from partnerjournal import __version__
from partnerjournal.cli import app


def ok(r):
    assert r.exit_code == 0, r
    return r


def one_error_line(r) -> str:
    lines = r.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("pj: error: "), r
    return lines[0]


def _tree(cmd: click.Command, path: tuple[str, ...] = ()):
    yield path, cmd
    if isinstance(cmd, click.Group):
        ctx = click.Context(cmd)
        for name in cmd.list_commands(ctx):
            yield from _tree(cmd.get_command(ctx, name), (*path, name))


TREE = list(_tree(typer.main.get_command(app)))
IDS = [" ".join(p) or "pj" for p, _ in TREE]

# what must never reach a reader of the help: rich escapes, rich markup, ANSI codes
STRAY = [
    (re.compile(r"\\\["), "a backslash-escaped bracket"),
    (re.compile(r"\[/?(bold|dim|italic|red|green|yellow|blue|cyan|magenta|b|i|u)\b[^\]]*\]"),
     "rich markup"),
    (re.compile("\x1b"), "an escape sequence"),
]


def _check_help_page(text: str, where: str) -> None:
    for pattern, what in STRAY:
        found = pattern.search(text)
        assert found is None, f"{where}: {what} in help: {text[max(found.start() - 40, 0):found.end() + 20]!r}"
    for section in ("Arguments:", "Options:", "Commands:"):
        assert text.count(section) <= 1, f"{where}: the {section} section is printed twice"
    assert "Positional arguments:" not in text, f"{where}: arguments listed twice"


# --- help ------------------------------------------------------------------------------

@pytest.mark.parametrize("no_color", [False, True], ids=["plain", "NO_COLOR"])
def test_every_help_page_reads_cleanly(pj, db, no_color):
    env = {"NO_COLOR": "1"} if no_color else None
    for path, cmd in TREE:
        where = "pj " + " ".join(path)
        r = ok(pj(*path, "--help", env=env))
        _check_help_page(r.stdout, where)
        for param in cmd.params:
            if isinstance(param, click.Argument):
                # the argument's own words, not only "[required]"
                record = param.get_help_record(click.Context(cmd))
                assert record and record[1].split("[")[0].strip(), f"{where} {param.name}: no help"
        if any(isinstance(p, click.Argument) and p.required for p in cmd.params):
            assert "[required]" in r.stdout, where
    assert not db.exists()  # help opens no journal


def test_default_values_read_cleanly(pj):
    r = ok(pj("session", "add", "--help"))
    assert "[default: 90]" in r.stdout and "\\[" not in r.stdout


HELP_ON_A_TERMINAL = r"""
import os, sys, click, typer
from partnerjournal.cli import app

root = typer.main.get_command(app)

def walk(cmd, path=()):
    yield path
    if isinstance(cmd, click.Group):
        ctx = click.Context(cmd)
        for name in cmd.list_commands(ctx):
            yield from walk(cmd.get_command(ctx, name), (*path, name))

for path in walk(root):
    print("=== pj", *path, flush=True)
    try:
        root.main([*path, "--help"], prog_name="pj", standalone_mode=False)
    except SystemExit:
        pass
print("=== end", flush=True)
"""


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
@pytest.mark.parametrize("no_color", [False, True], ids=["terminal", "terminal+NO_COLOR"])
def test_help_on_a_terminal_reads_cleanly(tmp_path, no_color):
    import pty

    env = {k: v for k, v in os.environ.items() if not k.startswith(("PARTNERJOURNAL_", "PJ_"))}
    env.update(PARTNERJOURNAL_DB=str(tmp_path / "j.sqlite"), TERM="xterm-256color", COLUMNS="100")
    env.pop("NO_COLOR", None)
    if no_color:
        env["NO_COLOR"] = "1"
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-c", HELP_ON_A_TERMINAL], stdout=follower,
                            stderr=subprocess.PIPE, env=env)
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=60)
    os.close(leader)
    text = b"".join(chunks).decode("utf-8").replace("\r\n", "\n")
    assert proc.returncode == 0, proc.stderr.read()
    assert text.rstrip().endswith("=== end")
    pages = text.split("=== pj")[1:]
    assert len(pages) == len(TREE)
    for page in pages:
        where = "pj" + page.splitlines()[0]
        body = page.split("\n", 1)[1]
        assert body.startswith("Usage: "), where
        for pattern, what in STRAY[:2]:  # on a terminal colour would be allowed; markup never
            assert pattern.search(body) is None, f"{where}: {what}"
    assert not (tmp_path / "j.sqlite").exists()


# --- --db before or after the command -------------------------------------------------

def test_db_after_the_command_means_the_same(pj, db, tmp_path):
    other = tmp_path / "other.sqlite"
    ok(pj("reflect", "written after", "--db", other))
    ok(pj("--db", other, "reflect", "written before"))
    assert not db.exists()  # PARTNERJOURNAL_DB is overridden by --db in either place
    after = ok(pj("log", "--json", "--db", other)).json()
    before = ok(pj("--db", other, "log", "--json")).json()
    assert [e["text"] for e in after] == [e["text"] for e in before] == [
        "written before", "written after"]


def test_db_after_a_subcommand(pj, db, tmp_path):
    other = tmp_path / "other.sqlite"
    ok(pj("partner", "add", "Maria Lopez", "--box", "managers", "--relation", "direct",
          "--db", other))
    assert [p["name"] for p in ok(pj("partner", "list", "--json", f"--db={other}")).json()] == [
        "Maria Lopez"]
    assert ok(pj("partner", "--db", other, "list", "--json")).json()[0]["name"] == "Maria Lopez"
    assert not db.exists()


def test_db_precedence(pj, db, tmp_path):
    """--db (in either place) beats PARTNERJOURNAL_DB, which beats the default."""
    env_path = tmp_path / "env.sqlite"
    flag_path = tmp_path / "flag.sqlite"
    ok(pj("reflect", "env", env={"PARTNERJOURNAL_DB": str(env_path)}))
    ok(pj("reflect", "flag", "--db", flag_path, env={"PARTNERJOURNAL_DB": str(env_path)}))
    assert [e["text"] for e in ok(pj("--db", env_path, "log", "--json")).json()] == ["env"]
    assert [e["text"] for e in ok(pj("--db", flag_path, "log", "--json")).json()] == ["flag"]


def test_two_different_db_options_are_refused(pj, db, tmp_path):
    r = pj("--db", tmp_path / "a.sqlite", "log", "--db", tmp_path / "b.sqlite")
    assert r.exit_code == 2
    assert "--db is given twice" in one_error_line(r)
    assert not (tmp_path / "a.sqlite").exists() and not (tmp_path / "b.sqlite").exists()
    ok(pj("--db", tmp_path / "a.sqlite", "log", "--db", tmp_path / "a.sqlite"))


def test_every_command_accepts_db_after_its_name():
    for path, cmd in TREE:
        if path:
            assert any("--db" in p.opts for p in cmd.params), "pj " + " ".join(path)


def test_demo_keeps_its_own_db(pj, db, tmp_path):
    target = tmp_path / "demo.sqlite"
    ok(pj("demo", "--db", target, "--format", "json"))
    assert target.exists() and not db.exists()


# --- mistyped commands ----------------------------------------------------------------

@pytest.mark.parametrize("args, wrong, right, where", [
    (["tody"], "tody", "today", "pj"),
    (["partner", "ad", "Ana"], "ad", "add", "pj partner"),
    (["sesion", "due"], "sesion", "session", "pj"),
    (["commitment", "lst"], "lst", "list", "pj commitment"),
])
def test_a_mistyped_command_suggests_the_closest(pj, db, args, wrong, right, where):
    r = pj(*args)
    assert r.exit_code == 2
    line = one_error_line(r)
    assert f"no such command '{wrong}'" in line and f"did you mean '{right}'?" in line
    assert f"'{where} --help'" in line
    assert r.stdout == "" and not db.exists()


def test_a_beginning_names_every_command_it_could_be(pj, db):
    assert "did you mean 'objective'?" in one_error_line(pj("obj"))
    assert "did you mean 'commitment' or 'completion'?" in one_error_line(pj("com"))


def test_no_suggestion_for_nonsense(pj, db):
    r = pj("xyzzy")
    assert r.exit_code == 2
    line = one_error_line(r)
    assert "no such command 'xyzzy'" in line and "did you mean" not in line


# --- --version ---------------------------------------------------------------------------

def test_version_names_the_journal_and_its_schema(pj, db):
    from partnerjournal.store.schema import LATEST

    r = ok(pj("--version"))
    assert r.stdout == f"partnerjournal {__version__} · journal {db} (no journal yet)\n"
    assert not db.exists()
    ok(pj("reflect", "hello"))
    r = ok(pj("--version"))
    assert r.stdout == f"partnerjournal {__version__} · journal {db} (schema v{LATEST})\n"


def test_version_follows_db(pj, db, tmp_path):
    other = tmp_path / "nothing-here.sqlite"
    r = ok(pj("--db", other, "--version"))
    assert f"journal {other} (no journal yet)" in r.stdout
    assert not other.exists()


# --- shell completion -----------------------------------------------------------------

@pytest.fixture(scope="module")
def pj_path() -> str:
    found = shutil.which("pj")
    if found is None:
        pytest.fail("the installed 'pj' is not on PATH: pip install -e '.[test]'")
    return found


@pytest.fixture
def shell_env(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PARTNERJOURNAL_", "PJ_", "_PJ"))}
    env.update(PARTNERJOURNAL_DB=str(tmp_path / "journal.sqlite"), PARTNERJOURNAL_TODAY=FIXED_TODAY,
               HOME=str(tmp_path / "home"), NO_COLOR="1")
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "ZDOTDIR", "BASH_COMPLETION_USER_DIR"):
        env.pop(name, None)
    (tmp_path / "home").mkdir(exist_ok=True)
    return env


@pytest.fixture
def complete(pj_path, shell_env):
    """What bash would be offered for the last word of ``line`` (click's protocol)."""

    def run(line: str, env: dict | None = None) -> list[str]:
        words = line.split(" ")
        r = subprocess.run(
            [pj_path], capture_output=True, text=True, timeout=60,
            env={**shell_env, **(env or {}), "_PJ_COMPLETE": "bash_complete",
                 "COMP_WORDS": line, "COMP_CWORD": str(len(words) - 1)},
        )
        assert (r.returncode, r.stderr) == (0, ""), r
        return [row.split(",", 1)[1] for row in r.stdout.splitlines() if row]

    return run


@pytest.fixture
def filled(pj_path, shell_env):
    def run(*args):
        r = subprocess.run([pj_path, *args], capture_output=True, text=True, env=shell_env,
                           timeout=60)
        assert r.returncode == 0, r
        return r

    run("partner", "add", "Maria Lopez", "--box", "managers", "--relation", "direct")
    run("partner", "add", "Team Leads", "--box", "teams", "--relation", "guidance")
    run("reflect", "Budget talk", "--tag", "budget", "--tag", "people", "--partner", "Maria Lopez")
    run("prompts", "add", "Who did I help today?", "--step", "3")
    run("objective", "add", "Cost per unit", "--kind", "business")
    return shell_env


def test_completes_command_names(complete):
    assert complete("pj par") == ["partner"]
    assert {"session", "story", "steps", "show"} <= set(complete("pj s"))
    assert complete("pj partner a") == ["add", "archive"]


def test_completes_options(complete):
    assert {"--from", "--until", "--step", "--tag", "--db"} <= set(complete("pj log --"))


def test_completes_values_from_the_journal(complete, filled):
    assert complete("pj partner show ") == ["Maria Lopez", "Team Leads"]
    assert complete("pj trust M") == ["Maria Lopez"]
    assert complete("pj log --partner T") == ["Team Leads"]
    assert complete("pj reflect x --partner ") == ["Maria Lopez", "Team Leads"]
    assert complete("pj log --tag ") == ["budget", "people"]
    assert complete("pj log -t p") == ["people"]
    custom = complete("pj reflect x --prompt mine")
    assert len(custom) == 1 and custom[0].startswith("mine")
    assert len(complete("pj reflect x --prompt ")) > 10  # the catalog's prompts as well
    assert complete("pj objective measure C") == ["Cost per unit"]


def test_completes_fixed_values(complete):
    assert complete("pj log --step ") == [str(n) for n in range(1, 14)]
    assert complete("pj log --step 1") == ["1", "10", "11", "12", "13"]
    assert complete("pj report --format ") == ["terminal", "markdown", "html", "json"]
    assert complete("pj export --split ") == ["day", "month"]
    assert complete("pj log --phase t") == ["teach"]
    assert complete("pj partner edit X --box m") == ["managers"]
    assert complete("pj config set fis") == ["fiscal-year-start"]
    assert complete("pj completion install ") == ["bash", "zsh", "fish"]


def test_completion_follows_db_and_creates_nothing(complete, filled, tmp_path):
    missing = tmp_path / "nowhere" / "j.sqlite"
    assert complete(f"pj --db {missing} partner show ") == []
    assert complete(f"pj partner show --db {missing} ") == []  # the option's value: a path
    assert not missing.parent.exists()
    other = tmp_path / "other.sqlite"
    assert complete(f"pj partner show ", env={"PARTNERJOURNAL_DB": str(other)}) == []
    assert not other.exists()


def test_completion_is_silent_on_a_damaged_journal(complete, tmp_path):
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"this is not a database at all" * 100)
    before = bad.read_bytes()
    assert complete("pj partner show ", env={"PARTNERJOURNAL_DB": str(bad)}) == []
    assert complete("pj log --tag ", env={"PARTNERJOURNAL_DB": str(bad)}) == []
    assert bad.read_bytes() == before


def test_completion_leaves_the_journal_alone(complete, filled, tmp_path):
    journal = tmp_path / "journal.sqlite"
    before = snapshot(journal)
    mtime = journal.stat().st_mtime_ns
    complete("pj partner show ")
    assert snapshot(journal) == before and journal.stat().st_mtime_ns == mtime


# --- pj completion show / install -----------------------------------------------------------

@pytest.mark.parametrize("shell, marker", [
    ("bash", "complete -o nosort -F _pj_completion pj"),
    ("zsh", "compdef _pj_completion pj"),
    ("fish", "complete --no-files --command pj"),
])
def test_completion_show_prints_the_script(pj, db, shell, marker):
    r = ok(pj("completion", "show", shell))
    assert marker in r.stdout and "_PJ_COMPLETE" in r.stdout
    assert not db.exists()


def test_completion_show_needs_a_known_shell(pj, db, monkeypatch):
    r = pj("completion", "show", "tcsh")
    assert r.exit_code == 2 and "not one of bash, zsh, fish" in one_error_line(r)
    monkeypatch.setenv("SHELL", "/bin/sh")
    r = pj("completion", "show")
    assert r.exit_code == 2 and "say which shell" in one_error_line(r)
    monkeypatch.setenv("SHELL", "/usr/bin/zsh")
    assert "compdef" in ok(pj("completion", "show")).stdout


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    monkeypatch.setenv("HOME", str(home))
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "ZDOTDIR", "BASH_COMPLETION_USER_DIR"):
        monkeypatch.delenv(name, raising=False)
    return home


@pytest.mark.parametrize("shell, script, rc", [
    ("bash", ".local/share/bash-completion/completions/pj", ".bashrc"),
    ("zsh", ".zfunc/_pj", ".zshrc"),
    ("fish", ".config/fish/completions/pj.fish", None),
])
def test_completion_install_is_private_and_idempotent(pj, db, home, shell, script, rc):
    if rc:
        (home / rc).write_text("export EDITOR=vi\n")
        os.chmod(home / rc, 0o644)
    r = ok(pj("completion", "install", shell))
    path = home / script
    assert path.read_text() == ok(pj("completion", "show", shell)).stdout
    assert _mode(path) == 0o600
    assert _mode(path.parent) == 0o700
    assert f"Wrote the {shell} completion script to ~/{script}" in r.stdout
    if rc:
        text = (home / rc).read_text()
        assert text.startswith("export EDITOR=vi\n")  # the leader's file is kept
        assert text.count("# pj completion") == 1 and str(path) in text
        assert _mode(home / rc) == 0o644  # and its mode
        assert f"Added a line to ~/{rc} that loads it" in r.stdout
    again = ok(pj("completion", "install", shell))
    assert "is up to date" in again.stdout
    if rc:
        assert (home / rc).read_text() == text
        assert f"~/{rc} already loads it" in again.stdout
    assert not db.exists()


def test_completion_install_creates_a_private_rc_file(pj, db, home):
    ok(pj("completion", "install", "bash"))
    assert _mode(home / ".bashrc") == 0o600


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_installed_bash_completion_works_in_bash(pj, db, home, filled, shell_env, pj_path):
    """The installed script, loaded by bash, asks pj and offers the journal's names."""
    env = {**shell_env, "HOME": str(home), "PATH": os.path.dirname(pj_path) + os.pathsep
           + os.environ.get("PATH", "")}
    ok(pj("completion", "install", "bash"))
    script = (
        "source ~/.bashrc\n"
        'COMP_WORDS=(pj partner show ""); COMP_CWORD=3\n'
        "_pj_completion pj\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    r = subprocess.run(["bash", "--norc", "-c", script], capture_output=True, text=True,
                       env=env, timeout=60)
    assert r.returncode == 0, r
    assert r.stdout.splitlines() == ["Maria Lopez", "Team Leads"]


# --- trust scores: exact in data, rounded half up on every screen -----------------------

def _trust(pj, *scores, date=None):
    c, r, i, s = scores
    args = ["trust", "Ana", "--credibility", c, "--reliability", r, "--intimacy", i,
            "--self-orientation", s]
    return pj(*args, *(["--date", date] if date else []), "--json")


def test_trust_json_carries_the_exact_score(pj, db):
    ok(pj("partner", "add", "Ana", "--box", "managers", "--relation", "direct"))
    first = ok(_trust(pj, 6, 6, 5, 5, date="2026-10-01")).json()
    assert first["score"] == 3.4
    second = ok(_trust(pj, 7, 8, 6, 4)).json()
    assert second["score"] == 5.25  # (7 + 8 + 6) / 4, not 5.2
    assert second["previous"]["score"] == 3.4
    assert second["change"] == 1.85  # from the exact quotients: no 1.8499999999999996
    shown = ok(pj("partner", "show", "Ana", "--json")).json()
    assert [t["score"] for t in shown["trust_checks"]] == [3.4, 5.25]
    assert ok(pj("map", "--json")).json()["boxes"]["managers"][0]["trust"] == 5.25


def test_every_screen_rounds_a_trust_score_half_up(pj, db):
    ok(pj("partner", "add", "Ana", "--box", "managers", "--relation", "direct"))
    ok(_trust(pj, 6, 6, 5, 5, date="2026-10-01"))
    r = ok(pj("trust", "Ana", "--credibility", 7, "--reliability", 7, "--intimacy", 7,
              "--self-orientation", 8))  # 21 / 8 = 2.625 exactly: a half
    assert "Trust with Ana on 2026-11-23: 2.63 (−0.78 since 2026-10-01, was 3.4)" in r.stdout
    assert ok(pj("trust", "Ana", "--credibility", 7, "--reliability", 7, "--intimacy", 7,
                 "--self-orientation", 8, "--json")).json()["score"] == 2.625
    assert "2.63  (credibility 7" in ok(pj("partner", "show", "Ana")).stdout
    assert "trust 2.63" in ok(pj("map")).stdout
    assert "trust 2.63" in ok(pj("session", "prep", "Ana")).stdout
    report = ok(pj("report", "--format", "markdown")).stdout
    assert "2.63" in report and "2.62" not in report and "2.625" not in report
    assert ok(pj("report", "--json")).json()["partnerships"]["partners"][0]["trust"] == 2.625


def test_the_one_rounding_rule():
    from partnerjournal.render.common import number, percent, signed

    assert [number(v) for v in (5.25, 2.625, 13 / 3, 4.2, 7.0, 2.675, -2.625)] == [
        "5.25", "2.63", "4.33", "4.2", "7", "2.68", "-2.63"]
    assert number(44.5, 0) == "45" and number(43.5, 0) == "44"  # not to the even one
    assert percent(0.125) == "13%" and signed(-0.125) == "−0.13" and signed(0) == "±0"


# --- one --output behaviour ------------------------------------------------------------

def _journal_with_ana(pj):
    ok(pj("partner", "add", "Ana", "--box", "managers", "--relation", "direct"))
    ok(pj("reflect", "Asked Ana about the budget", "--partner", "Ana"))


OUTPUT_COMMANDS = {
    "report": ["report", "--format", "markdown", "-o"],
    "export": ["export", "-o"],
    "session prep": ["session", "prep", "Ana", "-o"],
}


@pytest.mark.parametrize("name", OUTPUT_COMMANDS)
def test_output_creates_missing_folders_privately(pj, db, tmp_path, name):
    _journal_with_ana(pj)
    target = tmp_path / "new" / "deeper" / "out.md"
    ok(pj(*OUTPUT_COMMANDS[name], target))
    assert target.read_text().strip()
    assert _mode(target) == 0o600
    assert _mode(target.parent) == 0o700 and _mode(target.parent.parent) == 0o700
    ok(pj(*OUTPUT_COMMANDS[name], target))  # again: replaced, atomically
    assert [p.name for p in target.parent.iterdir()] == ["out.md"]  # no temp file left


@pytest.mark.parametrize("name", OUTPUT_COMMANDS)
@pytest.mark.parametrize("value", ["", "  "])
def test_output_refuses_an_empty_path(pj, db, tmp_path, name, value):
    _journal_with_ana(pj)
    before = snapshot(db)
    r = pj(*OUTPUT_COMMANDS[name], value)
    assert r.exit_code == 2
    assert "--output needs a file name" in one_error_line(r)
    assert r.stdout == "" and snapshot(db) == before


@pytest.mark.parametrize("name", OUTPUT_COMMANDS)
def test_output_refuses_the_journal_and_folders(pj, db, tmp_path, name):
    _journal_with_ana(pj)
    before = db.read_bytes()
    r = pj(*OUTPUT_COMMANDS[name], db)
    assert r.exit_code == 2 and "is your journal" in one_error_line(r)
    assert db.read_bytes() == before
    r = pj(*OUTPUT_COMMANDS[name], tmp_path)
    assert r.exit_code == 2 and "folder" in one_error_line(r)


def test_output_expands_home(pj, db, home):
    _journal_with_ana(pj)
    ok(pj("session", "prep", "Ana", "-o", "~/agendas/ana.md"))
    assert (home / "agendas" / "ana.md").is_file()


# --- help written for a leader ---------------------------------------------------------

@pytest.mark.parametrize("path, cmd", TREE, ids=IDS)
def test_every_help_page_shows_an_example(pj, db, path, cmd):
    """An 'Example:' paragraph, kept as written (click's \\b), whose lines run this
    command (or, for a group, one of its commands)."""
    text = ok(pj(*path, "--help")).stdout
    assert re.search(r"^  Examples?:$", text, re.M), f"pj {' '.join(path)} has no example"
    block = text.split("Example", 1)[1].split("\n\n", 1)[0]
    runs = [line.strip() for line in block.splitlines()[1:]]
    assert runs and all(line.startswith(("pj ", "echo ", "eval ", "jrnl ")) for line in runs), block
    wanted = "pj " + " ".join(path)
    assert any(wanted.rstrip() in line for line in runs), f"no example runs '{wanted}': {runs}"
    assert "\x08" not in text


def test_help_says_reflection_not_entry(pj, db):
    for path, _ in TREE:
        text = ok(pj(*path, "--help")).stdout.lower()
        assert not re.search(r"\bentr(y|ies)\b", text), f"pj {' '.join(path)} says 'entry'"
        assert "record" not in text.replace("record a", "").replace("recorded", ""), path


def test_version_on_a_damaged_journal_still_prints_one_line(pj, db):
    db.write_bytes(b"SQLite format 3\x00" + b"\xff" * 2000)
    before = db.read_bytes()
    r = ok(pj("--version"))
    assert r.stdout.startswith(f"partnerjournal {__version__} · journal {db} (")
    assert len(r.stdout.splitlines()) == 1 and db.read_bytes() == before


COMPLETION_IMPORTS = r"""
import os, sys
os.environ.update(_PJ_COMPLETE="bash_complete", COMP_WORDS="pj reflect x --prompt ", COMP_CWORD="4")
from partnerjournal.cli import app
try:
    app(prog_name="pj")
except SystemExit:
    pass
heavy = sorted(m for m in ("pydantic", "rich", "sqlite_utils", "holidays") if m in sys.modules)
assert not heavy, heavy
"""


def test_completion_imports_nothing_heavy(filled, tmp_path):
    r = subprocess.run([sys.executable, "-c", COMPLETION_IMPORTS], capture_output=True, text=True,
                       env=filled, timeout=60)
    assert r.returncode == 0, r.stderr
    assert "plain,mine" in r.stdout  # it did complete, from the journal


@pytest.mark.parametrize("args", [["--db", "", "log"], ["log", "--db", ""], ["log", "--db", " "],
                                  ["partner", "list", "--db="]])
def test_an_empty_db_is_refused_in_either_place(pj, db, args):
    r = pj(*args)
    assert r.exit_code == 2 and "--db needs a file name" in one_error_line(r)
    assert not db.exists()


def test_zsh_and_fish_speak_the_same_protocol(pj_path, filled):
    def ask(shell, words, cword):
        r = subprocess.run([pj_path], capture_output=True, text=True, timeout=60, env={
            **filled, "_PJ_COMPLETE": f"{shell}_complete", "COMP_WORDS": words, "COMP_CWORD": cword})
        assert (r.returncode, r.stderr) == (0, ""), r
        return r.stdout.splitlines()

    assert ask("zsh", "pj partner show M", "3") == ["plain", "Maria Lopez", "_"]
    zsh = ask("zsh", "pj par", "1")
    assert zsh[:2] == ["plain", "partner"] and "Hitt's four boxes" in zsh[2]
    assert ask("fish", "pj log --tag b", "b") == ["plain,budget"]


@pytest.mark.parametrize("tail", ["[required]", "[default: 90]", "[env var: X; required]",
                                  "[default: a\\b]", "\\[literal]", "[1<=x<=10]"])
def test_the_help_formatter_undoes_exactly_richs_escape(tail):
    from rich.markup import escape

    from partnerjournal.cli.core import _unescape_tail

    assert _unescape_tail("Some help.  " + escape(tail)) == "Some help.  " + tail
    assert _unescape_tail("no tail here") == "no tail here"


def test_the_command_table_names_each_command_with_the_module_that_registers_it():
    """pj imports only the module of the command being run, found in cli.COMMANDS: the
    table must hold every command its modules register, in their module's file."""
    import importlib

    from partnerjournal import cli

    found = {}
    for module in dict.fromkeys(cli.COMMANDS.values()):
        registry = cli._Registry()
        importlib.import_module(f"partnerjournal.cli.{module}").register(registry)
        found.update({name: module for name in registry.entries})
    assert found == cli.COMMANDS
    assert list(found) == list(cli.COMMANDS)  # --help lists them in this order
