"""Privacy: everything pj writes is readable by the owner only, whatever the umask, and
no command opens a network connection.

The first part runs every command that creates a file or folder with the umask at 0
(the worst case: new files would be world-writable) and checks each mode. The second
runs a representative set of commands through the installed ``pj`` with a
``sitecustomize`` that replaces the socket functions by ones that record the attempt and
fail; a control run proves the guard catches a real attempt.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pyrage
import pytest

from conftest import FIXED_TODAY

SESSION = ["--successes", "s", "--objectives", "o", "--feedback", "f"]
IDENTITY = pyrage.x25519.Identity.generate()  # encrypted files: to a key, no scrypt wait
KEY = str(IDENTITY.to_public())


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def every_path(root: Path) -> list[Path]:
    return [root, *sorted(root.rglob("*"))]


@pytest.fixture(params=[0o000, 0o002, 0o022], ids=["umask 000", "umask 002", "umask 022"])
def umask(request):
    old = os.umask(request.param)
    yield request.param
    os.umask(old)


def ok(r):
    assert r.exit_code == 0, r
    return r


def test_every_file_and_folder_pj_creates_is_owner_only(pj, tmp_path, umask):
    """Journal and its folders, WAL files, backups (default folder and a new path),
    exports (file and --split folder), reports in every format, session agendas, the
    journal kept by a restore, the demo journal: 0600 files, 0700 folders."""
    home = tmp_path / "home"
    journal = home / "data" / "partnerjournal" / "journal.sqlite"
    out = home / "out"
    run = lambda *args: ok(pj("--db", journal, *args))  # noqa: E731
    run("reflect", "A private thought", "--partner", "Ana")
    run("partner", "edit", "Ana", "--box", "teams", "--relation", "direct")
    run("session", "add", "Ana", *SESSION)
    run("backup")  # the default: a backups folder beside the journal
    run("backup", out / "backups" / "deep" / "copy.sqlite")
    run("export", "-o", out / "exports" / "journal.md")
    run("export", "-f", "json", "-o", out / "exports" / "journal.json")
    run("export", "-o", out / "days", "--split", "day")
    run("export", "--to", KEY, "-o", out / "sealed" / "journal.md")
    run("backup", out / "sealed" / "deep" / "copy.sqlite", "--to", KEY)
    for fmt in ("markdown", "html", "json", "terminal"):
        run("report", "--format", fmt, "-o", out / "reports" / f"report.{fmt}")
    run("session", "prep", "Ana", "-o", out / "reports" / "ana-agenda.md")  # folder must exist
    run("restore", out / "backups" / "deep" / "copy.sqlite", "--yes")
    ok(pj("demo", "--db", out / "demo" / "demo.sqlite", "--format", "json"))

    made = every_path(home)
    expected = {
        journal, journal.parent / "backups", out / "backups" / "deep" / "copy.sqlite",
        out / "exports" / "journal.md", out / "exports" / "journal.json", out / "days",
        out / "reports" / "report.html", out / "reports" / "ana-agenda.md",
        journal.with_name("journal.sqlite.before-restore"), out / "demo" / "demo.sqlite",
        out / "sealed" / "journal.md.age", out / "sealed" / "deep" / "copy.sqlite.age",
    }
    assert expected <= set(made), sorted(map(str, expected - set(made)))
    assert len(list((journal.parent / "backups").iterdir())) == 1
    assert len(list((out / "days").iterdir())) >= 2
    loose = {str(p): oct(mode(p)) for p in made
             if p.is_dir() and mode(p) != 0o700 or p.is_file() and mode(p) != 0o600}
    assert loose == {}, loose  # 'home' and all below it were made by pj


def test_wal_files_of_an_open_journal_are_owner_only(pj, db, umask):
    """While a command writes, SQLite's -wal and -shm files exist beside the journal:
    they hold recent entries and must be as private as the journal."""
    import sqlite3

    ok(pj("reflect", "first"))
    reader = sqlite3.connect(db)  # held open, so the next write leaves the WAL in place
    reader.execute("SELECT count(*) FROM reflections").fetchone()
    try:
        ok(pj("reflect", "second"))
        for suffix in ("-wal", "-shm"):
            extra = Path(f"{db}{suffix}")
            assert extra.exists(), suffix
            assert mode(extra) == 0o600, suffix
    finally:
        reader.close()


# --- no network -----------------------------------------------------------------------

GUARD = '''\
"""Installed for one test run: any network use is written down, then refused."""
import os
import socket
import sys

_LOG = os.environ["PJ_NETWORK_LOG"]


def _note(what):
    with open(_LOG, "a") as fh:
        fh.write(f"{os.getpid()} {what} {' '.join(sys.argv[1:3])}\\n")


_note("loaded")


class _NoSocket(socket.socket):  # a class, so code that subclasses socket still imports
    def __init__(self, family=-1, type=-1, proto=-1, fileno=None):
        if fileno is None and family not in (getattr(socket, "AF_UNIX", None),):
            _note(f"socket(family={family})")
            raise OSError("network use is blocked in this test")
        super().__init__(family, type, proto, fileno)


def _refuse(name):
    def refused(*args, **kwargs):
        _note(f"{name}{args[:2]!r}")
        raise OSError(f"{name} is blocked in this test")
    return refused


socket.socket = _NoSocket
for _name in ("create_connection", "getaddrinfo", "gethostbyname", "gethostbyname_ex",
              "gethostbyaddr", "create_server"):
    setattr(socket, _name, _refuse(_name))
'''


def installed_pj() -> str:
    found = shutil.which("pj")
    if found is None:
        pytest.fail("the installed 'pj' is not on PATH: run 'pip install -e .' first")
    return found


@pytest.fixture
def offline(tmp_path):
    """Run a command with every socket function recording and refusing: returns
    run(args, input=None) -> CompletedProcess, and .log() -> the attempts recorded."""
    guard = tmp_path / "guard"
    guard.mkdir()
    (guard / "sitecustomize.py").write_text(GUARD)
    log = tmp_path / "network.log"
    log.touch()
    env = dict(os.environ)
    env.update(PYTHONPATH=os.pathsep.join(filter(None, [str(guard), env.get("PYTHONPATH")])),
               PJ_NETWORK_LOG=str(log), PARTNERJOURNAL_DB=str(tmp_path / "journal.sqlite"),
               PARTNERJOURNAL_TODAY=FIXED_TODAY, PJ_DEBUG="1", NO_COLOR="1")
    for name in ("EDITOR", "VISUAL", "http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        env.pop(name, None)

    def run(args, input=None, program=None):
        command = program or [installed_pj(), *map(str, args)]
        return subprocess.run(command, input=input, capture_output=True, text=True, env=env,
                              cwd=tmp_path, timeout=120)

    run.log = lambda: log.read_text().splitlines()  # type: ignore[attr-defined]
    return run


def test_the_guard_catches_a_real_attempt(offline):
    """Without this the next test could pass with a guard that never ran."""
    fetch = "import urllib.request; urllib.request.urlopen('http://192.0.2.1/')"
    r = offline(None, program=[sys.executable, "-c", fetch])
    assert r.returncode != 0
    attempts = [line for line in offline.log() if " loaded " not in f"{line} "]
    assert attempts, offline.log()


COMMANDS = [
    ["today"], ["reflect", "Second thought", "--partner", "Ana", "--step", "3", "--tag", "t"],
    ["log", "--json"], ["log", "--search", "thought"], ["show", "1"], ["edit", "1", "--text", "x"],
    ["prompt"], ["prompts", "--step", "2"], ["steps"],
    ["partner", "add", "Ben", "--box", "managers", "--relation", "guidance"],
    ["partner", "edit", "Ana", "--box", "teams", "--relation", "direct"],
    ["partner", "list"], ["partner", "show", "Ana"],
    ["session", "add", "Ana", *SESSION], ["session", "due"], ["session", "prep", "Ben"],
    ["commitment", "add", "Ana", "Send it", "--due", "2026-12-01"], ["commitment", "done", "1"],
    ["commitment", "list"],
    ["trust", "Ana", "--credibility", "7", "--reliability", "6", "--intimacy", "5",
     "--self-orientation", "3"],
    ["story", "add", "Together", "--partner", "Ana"], ["story", "list"],
    ["objective", "add", "Cost", "--kind", "business"], ["objective", "measure", "Cost", "3"],
    ["objective", "list"], ["config", "set", "fiscal-year-start", "1"], ["config", "list"],
    ["evaluate", "-r", "1=3", "--progress", "p"], ["progress"], ["map"], ["nudge"],
    ["report"], ["report", "-f", "html", "-o", "report.html"], ["report", "-f", "markdown"],
    ["export", "-f", "json", "-o", "export.json"], ["export", "-o", "days", "--split", "month"],
    ["import", "export.json"], ["backup", "backup.sqlite"], ["restore", "backup.sqlite", "--yes"],
    ["export", "--to", KEY, "-o", "sealed.md"], ["import", "sealed.md.age", "-i", "key.txt"],
    ["backup", "sealed.sqlite", "--to", KEY],
    ["restore", "sealed.sqlite.age", "--yes", "-i", "key.txt"],
    ["doctor", "--json"], ["demo", "--format", "json"], ["delete", "2", "--yes"], ["--version"],
]


def test_no_command_opens_a_network_connection(offline, tmp_path):
    (tmp_path / "key.txt").write_text(f"{IDENTITY}\n")
    for args in COMMANDS:
        r = offline(args, input="A first thought, piped in\n" if args == ["today"] else None)
        assert r.returncode in (0, 1) and "Traceback" not in r.stderr, (args, r.stderr)
        if args[0] != "doctor":  # doctor exits 1 for the test folder's loose permissions
            assert r.returncode == 0, (args, r.stderr)
    log = offline.log()
    loaded = [line for line in log if " loaded" in line]
    assert len(loaded) == len(COMMANDS), "the guard must be active in every command"
    attempts = [line for line in log if " loaded" not in line]
    assert attempts == [], attempts
    assert json.loads(offline(["log", "--json"]).stdout)  # the journal was really used
