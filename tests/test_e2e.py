"""End to end: the installed ``pj`` in a subprocess, as a leader's shell runs it."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys

import pytest

from conftest import FIXED_TODAY, snapshot
from partnerjournal import __version__

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def pj_path() -> str:
    found = shutil.which("pj")
    if found is None:
        pytest.fail(
            "the installed 'pj' is not on PATH: install the package "
            "(pip install -e '.[test]') in the environment that runs the tests"
        )
    return found


@pytest.fixture
def journal(tmp_path):
    return tmp_path / "data" / "journal.sqlite"


@pytest.fixture
def run(pj_path, journal, tmp_path):
    # PYTHONUNBUFFERED (set on some machines) is dropped: a leader's shell leaves stdout
    # block-buffered into a pipe, and what pj buffers must still arrive
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PARTNERJOURNAL_", "PJ_")) and k != "PYTHONUNBUFFERED"}
    env.update(PARTNERJOURNAL_DB=str(journal), PARTNERJOURNAL_TODAY=FIXED_TODAY, NO_COLOR="1")
    env.pop("VISUAL", None)
    env.pop("EDITOR", None)

    def run(*args: str, input: str | None = None, exe: list[str] | None = None):
        return subprocess.run(
            [*(exe or [pj_path]), *map(str, args)],
            input=input if input is not None else "",
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=60,
        )

    return run


def test_version(run, journal):
    r = run("--version")
    assert (r.returncode, r.stderr) == (0, "")
    assert r.stdout == f"partnerjournal {__version__} · journal {journal} (no journal yet)\n"
    assert not journal.exists()


def test_python_dash_m(run):
    r = run("--version", exe=[sys.executable, "-m", "partnerjournal"])
    assert r.returncode == 0
    assert r.stdout.startswith(f"partnerjournal {__version__} · journal ")


def test_reflect_then_log_json(run, journal):
    r = run("reflect", "Asked Ana what she needs from finance", "--step", "1", "--partner", "Ana",
            "--tag", "listening", "--important-share", "30")
    assert (r.returncode, r.stdout) == (0, "1\n"), r
    assert "New partner 'Ana'" in r.stderr
    r = run("reflect", "--date", "yesterday", "--step", "11", input="Piped in\nfrom a script\n")
    assert (r.returncode, r.stdout) == (0, "2\n"), r
    r = run("log", "--json")
    assert r.returncode == 0 and r.stderr == "", r
    log = json.loads(r.stdout)
    assert [(e["id"], e["date"], e["text"], e["steps"], e["partners"], e["tags"], e["important_share"])
            for e in log] == [
        (1, FIXED_TODAY, "Asked Ana what she needs from finance", [1], ["Ana"], ["listening"], 30),
        (2, "2026-11-22", "Piped in\nfrom a script", [11], [], [], None),
    ]
    assert stat.S_IMODE(os.stat(journal).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(journal.parent).st_mode) == 0o700


def test_today_from_a_pipe(run):
    r = run("today", input="Two minutes on the trust I built today.\n")
    assert r.returncode == 0, r
    assert r.stdout.startswith(f"Today's prompt · {FIXED_TODAY}\n")
    assert r.stdout.splitlines()[-1] == "Saved reflection #1 · 1 this quarter (2026Q4) · streak 1 day"


def test_bad_input_is_one_line_and_changes_nothing(run, journal):
    assert run("reflect", "keep me").returncode == 0
    before = snapshot(journal)
    r = run("reflect", "x", "--step", "14")
    assert r.returncode == 2
    assert r.stdout == ""
    assert r.stderr.count("\n") == 1 and r.stderr.startswith("pj: error: "), r.stderr
    assert "step 14" in r.stderr and "Traceback" not in r.stderr
    assert snapshot(journal) == before


def test_a_directory_as_db_is_exit_1(run, tmp_path):
    r = run("--db", tmp_path, "log")
    assert r.returncode == 1
    assert r.stderr.count("\n") == 1 and r.stderr.startswith("pj: error: "), r.stderr
    assert "directory" in r.stderr


def test_output_is_whole_and_exit_codes_kept_when_the_process_ends_at_once(run, journal):
    """pj ends its process without the interpreter's shutdown (cli.finish): what it
    printed must still arrive whole, and the exit status stay what the command said."""
    for i in range(300):
        r = run("reflect", f"Reflection number {i} with Ana", "--date", "2026-11-01")
        assert r.returncode == 0 and r.stdout == f"{i + 1}\n"  # the new id, for scripts
    piped = run("export", "--format", "json")
    assert piped.returncode == 0
    written = json.loads(piped.stdout)  # the whole document, or this fails
    assert len(written["records"]["reflections"]) == 300
    listed = run("log", "--json")  # written in batches straight to stdout
    assert listed.returncode == 0 and len(json.loads(listed.stdout)) == 300
    plain = run("log")
    assert plain.returncode == 0 and plain.stdout.count("Reflection number") == 300
    script = run("completion", "show", "bash")  # written without a flush of its own
    assert script.returncode == 0 and script.stdout.endswith("_pj_completion_setup;\n")
    assert run("log", "--tag").returncode == 2  # a usage error
    assert run("show", "999999").returncode == 1  # not found
    assert run("--version").returncode == 0


def test_a_reader_that_stops_early_is_not_an_error(pj_path, journal, tmp_path):
    """pj log | head -1: the pipe closes under pj; it ends quietly with status 0."""
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("PARTNERJOURNAL_", "PJ_"))},
           "PARTNERJOURNAL_DB": str(journal), "PARTNERJOURNAL_TODAY": FIXED_TODAY, "NO_COLOR": "1"}
    for i in range(200):
        subprocess.run([pj_path, "reflect", f"Note {i}: " + "long line " * 40], env=env,
                       stdin=subprocess.DEVNULL, capture_output=True, check=True)
    reader, writer = os.pipe()
    proc = subprocess.Popen([pj_path, "log"], env=env, stdin=subprocess.DEVNULL,
                            stdout=writer, stderr=subprocess.PIPE)
    os.close(writer)
    with os.fdopen(reader, "rb") as fh:
        first = fh.readline()  # read one line, then close the pipe under pj
    _, err = proc.communicate(timeout=60)
    assert first and proc.returncode == 0 and err == b""
