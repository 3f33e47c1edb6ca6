"""Crashes: ``pj import`` and ``pj export`` killed with SIGKILL at chosen moments.

A kill is the worst a crash can do to a process: no cleanup runs. The journal must still
open, pass SQLite's integrity check and hold either all of the import or none of it; an
export must never leave a half-written file where a good one was.

The delays come from a fixed seed, spread over a calibration run that measured when the
import takes and releases the journal's write lock, so kills land before the write
transaction starts, inside it, and after it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import stat
import subprocess
import time
from pathlib import Path

import pytest

from conftest import FIXED_TODAY, snapshot
from partnerjournal import store
from partnerjournal.store import journal as sj

REFLECTIONS = 5_000
PARTNERS = 20
SEED = 20261123
NOW = "2026-11-23T09:00:00+01:00"


def installed_pj() -> str:
    found = shutil.which("pj")
    if found is None:
        pytest.fail("the installed 'pj' is not on PATH: run 'pip install -e .' first")
    return found


def env_for(db: Path) -> dict:
    env = dict(os.environ)
    env.update(PARTNERJOURNAL_DB=str(db), PARTNERJOURNAL_TODAY=FIXED_TODAY, PJ_DEBUG="1",
               NO_COLOR="1")
    return env


def pj(db: Path, *args, check: bool = True) -> subprocess.CompletedProcess:
    r = subprocess.run([installed_pj(), *map(str, args)], capture_output=True, text=True,
                       env=env_for(db), stdin=subprocess.DEVNULL, timeout=300)
    if check:
        assert r.returncode == 0, r
    return r


def remove_journal(db: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)


def fresh_copy(pristine: Path, db: Path) -> None:
    """``db`` becomes the pristine journal again (no WAL left from a killed run)."""
    remove_journal(db)
    shutil.copyfile(pristine, db)
    os.chmod(db, 0o600)


def write_lock_held(db: Path) -> bool:
    """Whether another process holds the journal's write lock right now."""
    conn = sqlite3.connect(db, timeout=0, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        assert "locked" in str(exc) or "busy" in str(exc), exc
        return True
    finally:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        conn.close()
    return False


def fill_source(path: Path) -> None:
    """A journal of 5,000 reflections (with partners, steps, tags), written through the
    store in one transaction: seconds, where 5,000 pj commands would take minutes."""
    rnd = random.Random(SEED)
    conn = store.connect(path)
    try:
        with store.transaction(conn):
            partner_ids = [sj.insert_partner(conn, f"Partner {n:02d}", NOW,
                                             box="teams", relation="direct")
                           for n in range(PARTNERS)]
            partner_ids.append(sj.insert_partner(conn, "Ana", NOW))  # also in the target
            first = dt.date(2024, 1, 1)
            for i in range(REFLECTIONS):
                day = first + dt.timedelta(days=i * 1000 // REFLECTIONS)
                words = " ".join(rnd.choice(("trust", "promise", "forecast", "plant",
                                             "quarter", "listened", "asked", "budget"))
                                 for _ in range(40))
                sj.insert_reflection(
                    conn, date=day.isoformat(), text=f"Reflection {i}: {words}",
                    created_at=NOW, steps=[i % 13 + 1],
                    partner_ids=rnd.sample(partner_ids, 2), tags=[f"t{i % 7}"],
                    important_share=i % 101)
    finally:
        conn.close()


def fill_target(path: Path) -> None:
    """The leader's own journal, imported into: a few records, one shared partner name."""
    conn = store.connect(path)
    try:
        with store.transaction(conn):
            ana = sj.insert_partner(conn, "ana", NOW)
            for i in range(3):
                sj.insert_reflection(conn, date=f"2026-11-0{i + 1}", text=f"My own {i}",
                                     created_at=NOW, steps=[1], partner_ids=[ana])
    finally:
        conn.close()


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    """The export file, the pristine target journal, and the target after a full import."""
    base = tmp_path_factory.mktemp("crash")
    source = base / "source.sqlite"
    fill_source(source)
    export = base / "big.json"
    pj(source, "export", "--format", "json", "-o", export)
    pristine = base / "pristine.sqlite"
    fill_target(pristine)
    full = base / "full.sqlite"
    fresh_copy(pristine, full)
    began = time.monotonic()
    pj(full, "import", export)
    seconds = time.monotonic() - began
    return {"base": base, "source": source, "export": export, "pristine": pristine,
            "before": snapshot(pristine), "after": snapshot(full), "seconds": seconds}


def test_the_import_is_large_and_changes_the_journal(big):
    before, after = big["before"], big["after"]
    assert len(before["reflections"]) == 3
    assert len(after["reflections"]) == 3 + REFLECTIONS
    assert len(after["partners"]) == len(before["partners"]) + PARTNERS  # 'Ana' merged by name
    assert big["export"].stat().st_size > 2_000_000


def calibrate(big, db: Path) -> tuple[float, float, float]:
    """Run one import to its end, watching the write lock: (seconds until the write
    transaction began, until it ended, until the process exited)."""
    fresh_copy(big["pristine"], db)
    proc = subprocess.Popen([installed_pj(), "import", str(big["export"])], env=env_for(db),
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    began = time.monotonic()
    lock_on = lock_off = None
    while proc.poll() is None:
        held = db.exists() and write_lock_held(db)
        now = time.monotonic() - began
        if held and lock_on is None:
            lock_on = now
        if not held and lock_on is not None and lock_off is None:
            lock_off = now
        time.sleep(0.005)
    exited = time.monotonic() - began
    assert proc.returncode == 0
    assert lock_on is not None, "the import never held the write lock long enough to see"
    return lock_on, lock_off or exited, exited


def import_killed(big, db: Path, anchor: str, delay: float) -> dict:
    """Start an import and SIGKILL it ``delay`` seconds after ``anchor``: 'start' (the
    process was spawned) or 'lock' (it was seen holding the write lock). Then check the
    journal: pj opens it (recovering the WAL the killed writer left), SQLite finds it
    sound, and it holds the whole import or none of it."""
    fresh_copy(big["pristine"], db)
    proc = subprocess.Popen([installed_pj(), "import", str(big["export"])], env=env_for(db),
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    if anchor == "lock":  # anchored to this run's own transaction, not a clock
        while proc.poll() is None and not (db.exists() and write_lock_held(db)):
            time.sleep(0.002)
    time.sleep(delay)
    inside = db.exists() and write_lock_held(db)
    proc.send_signal(signal.SIGKILL)
    code = proc.wait()
    opened = pj(db, "log", "-n", "1", "--json")
    assert json.loads(opened.stdout), opened
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    conn.close()
    state = snapshot(db)
    assert state in (big["before"], big["after"]), (
        f"killed {delay:.3f}s after {anchor}: {len(state['reflections'])} reflections,"
        f" neither {len(big['before']['reflections'])} nor {len(big['after']['reflections'])}")
    return {"after": anchor, "delay": round(delay, 3), "killed": code == -signal.SIGKILL,
            "inside": inside, "all": state == big["after"]}


def test_import_killed_at_random_moments_is_all_or_nothing(big, tmp_path):
    db = tmp_path / "journal.sqlite"
    lock_on, lock_off, exited = calibrate(big, db)
    assert snapshot(db) == big["after"]
    rnd = random.Random(SEED)
    plan = [("start", 0.0), ("start", lock_on * 0.3)]  # before Python runs; before BEGIN
    # inside the transaction, at seeded points of the first 70% of its calibrated length
    # (the machine may run the next imports faster than the calibration)
    plan += [("lock", rnd.uniform(0, 0.7 * (lock_off - lock_on))) for _ in range(7)]
    outcomes = []
    for anchor, delay in plan:
        for _attempt in range(3):  # a run faster than the calibration may end first: again
            outcome = import_killed(big, db, anchor, delay)
            if outcome["killed"]:
                break
        outcomes.append(outcome)
    killed = [o for o in outcomes if o["killed"]]
    report = json.dumps(outcomes)
    assert len(killed) >= 8, report
    assert sum(o["inside"] for o in killed) >= 4, f"too few kills inside the transaction: {report}"
    assert any(not o["inside"] and not o["all"] for o in killed), report  # one before it began
    print(f"\nimport of {REFLECTIONS} reflections: write lock {lock_on:.2f}-{lock_off:.2f}s,"
          f" exit {exited:.2f}s; {len(killed)} kills, {sum(o['inside'] for o in killed)} inside"
          f" the transaction, {sum(o['all'] for o in killed)} found it complete: {report}")


def test_import_killed_the_moment_it_commits_keeps_everything(big, tmp_path):
    """Kill as soon as the write lock is let go (COMMIT done, the process about to
    print and exit): what was committed survives the kill, whole."""
    db = tmp_path / "journal.sqlite"
    killed = 0
    for _ in range(3):
        fresh_copy(big["pristine"], db)
        proc = subprocess.Popen([installed_pj(), "import", str(big["export"])], env=env_for(db),
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        seen = False
        while proc.poll() is None:
            held = write_lock_held(db) if db.exists() else False
            if held:
                seen = True
            elif seen:
                proc.send_signal(signal.SIGKILL)
                break
        killed += proc.wait() == -signal.SIGKILL
        assert seen or proc.returncode == 0
        conn = sqlite3.connect(db)
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        conn.close()
        assert snapshot(db) == big["after"]
    print(f"\nkilled right after COMMIT: {killed} of 3 runs (the others had exited)")


def test_a_killed_import_can_simply_be_run_again(big, tmp_path):
    db = tmp_path / "journal.sqlite"
    fresh_copy(big["pristine"], db)
    proc = subprocess.Popen([installed_pj(), "import", str(big["export"])], env=env_for(db),
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not write_lock_held(db) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    pj(db, "import", big["export"])
    assert snapshot(db) == big["after"]


def test_import_into_an_empty_journal_killed_inside_is_all_or_nothing(big, tmp_path):
    """Into a journal without reflections the import writes through a rollback journal
    instead of the WAL. Killed inside its transaction, it leaves a private hot journal
    that pj undoes on the next open: none of the import, the journal sound. Run again,
    the import completes and the journal is back in WAL mode."""
    empty = tmp_path / "empty.sqlite"
    store.connect(empty).close()
    before = snapshot(empty)
    full = tmp_path / "full.sqlite"
    fresh_copy(empty, full)
    began = time.perf_counter()
    pj(full, "import", big["export"])
    took = time.perf_counter() - began
    after = snapshot(full)
    assert len(after["reflections"]) == REFLECTIONS
    db = tmp_path / "journal.sqlite"
    hot = Path(f"{db}-journal")
    inside = 0
    # kill at fractions of how long the import took here, so the kills land inside
    # its transaction on a fast machine and a slow one alike
    for delay in (0.0, 0.1 * took, 0.25 * took, 0.4 * took, 0.6 * took):
        hot.unlink(missing_ok=True)  # the last run's, with the file it belonged to
        fresh_copy(empty, db)
        proc = subprocess.Popen([installed_pj(), "import", str(big["export"])],
                                env=env_for(db), stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while proc.poll() is None and not write_lock_held(db):
            time.sleep(0.002)
        time.sleep(delay)
        held = write_lock_held(db)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        left = hot.exists()
        if left:
            assert stat.S_IMODE(hot.stat().st_mode) == 0o600
        pj(db, "log", "-n", "1", "--json")  # opens it: SQLite undoes a hot journal
        conn = sqlite3.connect(db)
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        conn.close()
        state = snapshot(db)
        assert state in (before, after), f"killed {delay}s in: neither none nor all"
        inside += held and left and state == before
    assert inside >= 2, f"only {inside} kills landed inside the transaction"
    hot.unlink(missing_ok=True)
    fresh_copy(empty, db)
    pj(db, "import", big["export"])
    assert snapshot(db) == after
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


# --- exports --------------------------------------------------------------------------

TEMP_NAME = re.compile(r"^\.[^/]+\.[^/]+\.tmp$")  # atomic writers' own: .NAME.RANDOM.tmp


def leftovers(folder: Path, keep: set[str]) -> list[Path]:
    """Files a killed export left beside its output: only private, dot-named temp files."""
    extra = [p for p in folder.iterdir() if p.name not in keep]
    for p in extra:
        assert TEMP_NAME.match(p.name), f"stray file {p.name}"
        assert stat.S_IMODE(p.stat().st_mode) == 0o600, f"{p.name} is not owner-only"
    return extra


def kill_export(db: Path, args: list, folder: Path, keep: set[str], anchor: str,
                delay: float, replaced=None) -> bool:
    """Run ``pj export ARGS`` and SIGKILL it ``delay`` seconds after ``anchor``: 'start'
    (spawned), 'writing' (a new temp file appeared in ``folder``) or 'renamed' (the
    ``replaced()`` check turned true). Returns whether it died while writing (its temp
    file is left behind)."""
    before = set(leftovers(folder, keep))
    proc = subprocess.Popen([installed_pj(), "export", *map(str, args)], env=env_for(db),
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    if anchor == "writing":
        while proc.poll() is None and not set(leftovers(folder, keep)) - before:
            time.sleep(0.001)
    if anchor == "renamed":
        while proc.poll() is None and not replaced():
            time.sleep(0.001)
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    return bool(set(leftovers(folder, keep)) - before)


def writing_seconds(db: Path, args: list, folder: Path, keep: set[str]) -> float:
    """How long ``pj export ARGS`` runs on once its temporary file is in ``folder``."""
    proc = subprocess.Popen([installed_pj(), "export", *map(str, args)], env=env_for(db),
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    while proc.poll() is None and not leftovers(folder, keep):
        time.sleep(0.001)
    began = time.monotonic()
    proc.wait()
    return time.monotonic() - began


def test_export_killed_mid_write_never_leaves_a_half_file(big, tmp_path):
    db = big["source"]
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / "journal.json"
    good = b'{"an": "older good export the leader keeps"}\n'
    began = time.monotonic()
    pj(db, "export", "--format", "json", "-o", out)
    seconds = time.monotonic() - began
    complete = json.loads(out.read_text())
    assert len(complete["records"]["reflections"]) == REFLECTIONS
    rnd = random.Random(SEED + 1)
    plan = [("start", 0.0), ("start", 0.05)]
    # while the file fills: the kills follow the measured time from the temporary file's
    # appearance to the end, which shrinks as the exporter gets faster
    writing = writing_seconds(db, ["--format", "json", "-o", out], out_dir, {out.name})
    plan += [("writing", rnd.uniform(0, 0.5 * writing)) for _ in range(6)]
    plan += [("renamed", 0.0)]  # the moment the new file took the old one's place
    kept = replaced = mid_write = 0
    for anchor, delay in plan:
        out.write_bytes(good)
        mid_write += kill_export(db, ["--format", "json", "-o", out], out_dir, {out.name},
                                 anchor, delay, replaced=lambda: out.read_bytes() != good)
        data = out.read_bytes()
        if data == good:
            kept += 1
        else:  # replaced: then by a whole export, never a part of one
            whole = json.loads(data)
            assert whole["records"] == complete["records"]
            assert stat.S_IMODE(out.stat().st_mode) == 0o600
            replaced += 1
    assert kept >= 5 and replaced >= 1, (kept, replaced)
    assert mid_write >= 4, f"too few kills while the file was being written: {mid_write}"
    # the temp files a kill left behind break nothing: the next export works, and an
    # import of the folder skips them
    stray = leftovers(out_dir, {out.name})
    pj(db, "export", "--format", "json", "-o", out)
    assert json.loads(out.read_text())["records"] == complete["records"]
    scratch = tmp_path / "scratch.sqlite"
    r = pj(scratch, "import", out_dir, "--dry-run", "--json")
    assert json.loads(r.stdout)["records"]["reflections"]["added"] == REFLECTIONS
    print(f"\nexport -o ({seconds:.2f}s): {len(plan)} kills ({mid_write} while writing),"
          f" old file kept {kept}, replaced whole {replaced}; {len(stray)} private temp files"
          " left, all ignored")


def test_split_export_killed_mid_write_leaves_only_whole_files(big, tmp_path):
    db = big["source"]
    folder = tmp_path / "months"
    began = time.monotonic()
    pj(db, "export", "-o", folder, "--split", "month")
    seconds = time.monotonic() - began
    names = {p.name for p in folder.iterdir()}
    assert len(names) > 30
    partner_notes = {p.name for p in (folder / "partners").iterdir()}
    assert partner_notes
    rnd = random.Random(SEED + 2)
    # somewhere in the files: the writing takes part of a whole run, which grows and
    # shrinks with the machine and the exporter, so the kill follows the measured run
    plan = [("writing", rnd.uniform(0, 0.4 * seconds)) for _ in range(5)]
    scratch = tmp_path / "scratch.sqlite"
    mid_write = 0
    for anchor, delay in plan:
        mid_write += kill_export(db, ["-o", folder, "--split", "month"], folder, names, anchor,
                                 delay)
        # every file is whole (old or new), so the folder still imports completely
        r = pj(scratch, "import", folder, "--dry-run", "--json")
        assert json.loads(r.stdout)["records"]["reflections"]["added"] == REFLECTIONS
        for n in names:
            want = 0o700 if (folder / n).is_dir() else 0o600  # partners/: the partners' notes
            assert stat.S_IMODE((folder / n).stat().st_mode) == want
        assert {p.name for p in folder.iterdir() if not p.name.startswith(".")} == names
        assert {p.name for p in (folder / "partners").iterdir()
                if not p.name.startswith(".")} == partner_notes
        leftovers(folder / "partners", partner_notes)  # only private temp files beside them
    assert mid_write >= 3, mid_write
    print(f"\nexport --split month ({seconds:.2f}s, {len(names)} files): {len(plan)} kills"
          f" ({mid_write} while a file was being written), every file whole each time")
