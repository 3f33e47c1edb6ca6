"""Many writers at once: separate ``pj`` processes on one journal lose nothing, and no
"database is locked" ever reaches the leader.

Each worker is one small Python process that runs the INSTALLED ``pj`` again and again
(one process per command, as a shell would) and records every exit status and every
line on stderr. The workers start together and write the same journal; afterwards every
record is there exactly once and SQLite's own integrity check passes.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import FIXED_TODAY

WRITERS = 8
REFLECTIONS_EACH = 250
EVERY = 50  # each worker also adds a partner, a commitment and reads the log this often
SHARED = "Shared Partner"  # named by every worker: all of them may try to create it at once

# One worker: waits for the start signal, runs its commands, writes what happened as JSON.
WORKER = r"""
import json, os, subprocess, sys, time
pj, worker, count, every, shared, start_file, out = sys.argv[1:8]
worker, count, every = int(worker), int(count), int(every)
while not os.path.exists(start_file):
    time.sleep(0.01)
runs = []

def run(*args):
    r = subprocess.run([pj, *args], capture_output=True, text=True, stdin=subprocess.DEVNULL)
    runs.append({"args": list(args), "code": r.returncode, "stderr": r.stderr})

for i in range(1, count + 1):
    extra = []
    if i % every == 0:
        name = f"W{worker} partner {i // every}"
        run("partner", "add", name, "--box", "teams", "--relation", "direct")
        run("commitment", "add", name, f"W{worker} promise {i // every}")
        run("log", "-n", "3", "--json")
        extra = ["--partner", shared]
    run("reflect", f"W{worker} entry {i}", "--tag", f"w{worker}", "--step", str(i % 13 + 1),
        *extra)
with open(out, "w") as fh:
    json.dump(runs, fh)
"""

PROBLEM_WORDS = ("locked", "busy", "Traceback", "error", "unexpected")


def installed_pj() -> str:
    found = shutil.which("pj")
    if found is None:
        pytest.fail("the installed 'pj' is not on PATH: run 'pip install -e .' first")
    return found


def pj_env(db: Path) -> dict:
    env = dict(os.environ)
    env.update(PARTNERJOURNAL_DB=str(db), PARTNERJOURNAL_TODAY=FIXED_TODAY, PJ_DEBUG="1",
               NO_COLOR="1")
    for name in ("VISUAL", "EDITOR"):
        env.pop(name, None)
    return env


def run_workers(tmp_path: Path, db: Path, writers: int, count: int,
                every: int) -> tuple[list, float]:
    """Start ``writers`` workers together; return every command's record and the seconds
    from the start signal until the last worker finished."""
    script = tmp_path / "worker.py"
    script.write_text(WORKER)
    start = tmp_path / "go"
    pj = installed_pj()
    procs = []
    for w in range(writers):
        out = tmp_path / f"worker-{w}.json"
        procs.append((subprocess.Popen(
            [sys.executable, str(script), pj, str(w), str(count), str(every), SHARED,
             str(start), str(out)],
            env=pj_env(db), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True), out))
    began = time.monotonic()
    start.touch()
    runs = []
    for proc, out in procs:
        stdout, stderr = proc.communicate(timeout=1500)
        assert proc.returncode == 0, f"a worker failed: {stderr}"
        runs.extend(json.loads(out.read_text()))
    return runs, time.monotonic() - began


def assert_every_command_succeeded(runs: list) -> None:
    failed = [r for r in runs if r["code"] != 0]
    assert not failed, f"{len(failed)} commands failed, first: {failed[0]}"
    for r in runs:
        for word in PROBLEM_WORDS:
            assert word not in r["stderr"], r


def assert_intact(db: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    return conn


# ~4 minutes on 2 cores (2,120 pj processes): marked so it can be left out with
# -m "not slow", but part of the default run.
@pytest.mark.slow
def test_eight_writers_lose_nothing(tmp_path):
    """8 processes × 250 reflections (plus partners, commitments and reads), all at once
    on a journal that does not exist yet: the first ones also race to create it."""
    db = tmp_path / "journal.sqlite"
    runs, seconds = run_workers(tmp_path, db, WRITERS, REFLECTIONS_EACH, EVERY)
    total = WRITERS * REFLECTIONS_EACH
    per_worker_extra = REFLECTIONS_EACH // EVERY
    assert len(runs) == WRITERS * (REFLECTIONS_EACH + 3 * per_worker_extra)
    assert_every_command_succeeded(runs)

    conn = assert_intact(db)
    texts = [r[0] for r in conn.execute("SELECT text FROM reflections")]
    assert len(texts) == total
    assert sorted(texts) == sorted(
        f"W{w} entry {i}" for w in range(WRITERS) for i in range(1, REFLECTIONS_EACH + 1))
    # every link written with its reflection, none lost to another writer
    assert conn.execute("SELECT count(*) FROM reflection_steps").fetchone()[0] == total
    assert conn.execute("SELECT count(*) FROM reflection_tags").fetchone()[0] == total
    partners = sorted(r[0] for r in conn.execute("SELECT name FROM partners"))
    assert partners == sorted(
        [SHARED] + [f"W{w} partner {k}" for w in range(WRITERS)
                    for k in range(1, per_worker_extra + 1)])
    shared_links = conn.execute(
        "SELECT count(*) FROM reflection_partners rp JOIN partners p ON p.id = rp.partner_id"
        " WHERE p.name = ?", (SHARED,)).fetchone()[0]
    assert shared_links == WRITERS * per_worker_extra
    assert conn.execute("SELECT count(*) FROM commitments").fetchone()[0] == (
        WRITERS * per_worker_extra)
    # full-text search kept up with every writer
    assert conn.execute(
        "SELECT count(*) FROM reflections_fts WHERE reflections_fts MATCH 'entry'"
    ).fetchone()[0] == total
    conn.close()

    r = subprocess.run([installed_pj(), "doctor", "--json"], capture_output=True, text=True,
                       env=pj_env(db))
    checks = {c["check"]: c for c in json.loads(r.stdout)["checks"]}
    assert checks["integrity"]["ok"] and checks["references"]["ok"], r.stdout
    assert json.loads(r.stdout)["counts"]["reflections"] == total
    print(f"\n{WRITERS} writers, {len(runs)} pj processes, {total} reflections:"
          f" {seconds:.0f} s ({seconds / len(runs) * 1000:.0f} ms per command)")


@pytest.mark.parametrize("round_", range(2))
def test_writers_racing_to_create_the_journal(tmp_path, round_):
    """8 first commands at the same moment on a journal that does not exist: one creates
    and migrates it, the others wait and use it; nobody sees an error."""
    db = tmp_path / "new" / "journal.sqlite"
    runs, _ = run_workers(tmp_path, db, WRITERS, 1, 1)
    assert_every_command_succeeded(runs)
    conn = assert_intact(db)
    assert conn.execute("SELECT count(*) FROM reflections").fetchone()[0] == WRITERS
    shared = conn.execute("SELECT count(*) FROM partners WHERE name = ?", (SHARED,))
    assert shared.fetchone()[0] == 1
    versions = [r[0] for r in conn.execute("SELECT version FROM migrations ORDER BY version")]
    assert versions == sorted(set(versions))  # each migration ran once
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
    assert oct(db.stat().st_mode & 0o777) == oct(0o600)
    assert oct(db.parent.stat().st_mode & 0o777) == oct(0o700)
