"""Crashes: ``pj sync`` killed with SIGKILL at chosen moments (the harness of
test_crashes.py). Whenever it dies, the journal opens, is sound and holds all of the
merge or none of it; the shared folder holds only whole sync files (and private temp
files, which every sync ignores); and the next sync completes."""

from __future__ import annotations

import json
import random
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
from conftest import snapshot
from test_crashes import (SEED, env_for, fill_source, fill_target, fresh_copy, installed_pj,
                          leftovers, pj, write_lock_held)

from partnerjournal.exchange.sync import sync_file_name


def device_of(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT id FROM device").fetchone()[0]
    finally:
        conn.close()


def records(db: Path) -> dict:
    """The journal without the time of its last sync (which differs run by run)."""
    return {k: v for k, v in snapshot(db).items() if k != "sync_peers"}


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    base = tmp_path_factory.mktemp("synccrash")
    source = base / "source.sqlite"
    fill_source(source)  # 5,000 reflections
    folder = base / "shared"
    folder.mkdir()
    pj(source, "sync", folder)
    pristine = base / "pristine.sqlite"
    fill_target(pristine)
    pj(pristine, "log")  # migrated, its device id fixed
    done = base / "done.sqlite"
    fresh_copy(pristine, done)
    pj(done, "sync", folder)
    mine = folder / sync_file_name(device_of(pristine))
    after_file = mine.read_bytes()
    mine.unlink()
    return {"folder": folder, "pristine": pristine, "before": records(pristine),
            "after": records(done), "source_file": folder / sync_file_name(device_of(source)),
            "after_file": after_file, "mine": mine}


def check(world, db: Path) -> bool:
    """The journal and the folder after a kill; whether the merge was complete."""
    opened = pj(db, "log", "-n", "1", "--json")
    assert json.loads(opened.stdout)
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    conn.close()
    state = records(db)
    assert state in (world["before"], world["after"])
    folder = world["folder"]
    keep = {world["source_file"].name, world["mine"].name}
    leftovers(folder, keep)  # only private temp files beside the sync files
    json.loads(world["source_file"].read_text())  # the other machine's file untouched
    if world["mine"].exists():
        assert json.loads(world["mine"].read_text())["device"] == device_of(db)
    return state == world["after"]


def kill_sync(world, db: Path, anchor: str, delay: float) -> dict:
    fresh_copy(world["pristine"], db)
    world["mine"].unlink(missing_ok=True)
    proc = subprocess.Popen([installed_pj(), "sync", str(world["folder"])], env=env_for(db),
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    if anchor == "lock":
        while proc.poll() is None and not (db.exists() and write_lock_held(db)):
            time.sleep(0.001)
    elif anchor == "file":  # the temp file of this journal's own sync file appeared
        while proc.poll() is None and not leftovers(world["folder"], {
                world["source_file"].name, world["mine"].name}):
            time.sleep(0.001)
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    code = proc.wait()
    complete = check(world, db)
    return {"after": anchor, "delay": round(delay, 4), "killed": code == -signal.SIGKILL,
            "complete": complete, "file": world["mine"].exists()}


def test_sync_killed_at_any_moment_leaves_journal_and_folder_usable(world, tmp_path):
    db = tmp_path / "journal.sqlite"
    rnd = random.Random(SEED + 3)
    plan = [("start", 0.0), ("start", 0.1)]
    plan += [("lock", rnd.uniform(0, 0.15)) for _ in range(5)]
    plan += [("file", rnd.uniform(0, 0.02)) for _ in range(3)]
    outcomes = [kill_sync(world, db, anchor, delay) for anchor, delay in plan]
    report = json.dumps(outcomes)
    killed = [o for o in outcomes if o["killed"]]
    assert len(killed) >= 6, report
    assert any(not o["complete"] for o in killed), report  # some died before the commit
    # and after every kill, the next sync completes, the folder included
    pj(db, "sync", world["folder"])
    assert records(db) == world["after"]
    theirs = json.loads(world["mine"].read_text())
    assert theirs["entries"] == json.loads(world["after_file"])["entries"]
    print(f"\nsync killed {len(killed)} times: {report}")


def test_a_sync_killed_inside_its_transaction_then_run_again_completes(world, tmp_path):
    db = tmp_path / "journal.sqlite"
    for delay in (0.0, 0.01, 0.05):
        outcome = kill_sync(world, db, "lock", delay)
        pj(db, "sync", world["folder"])
        assert records(db) == world["after"], outcome
        assert world["mine"].exists()
