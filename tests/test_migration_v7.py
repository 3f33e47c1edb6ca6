"""Schema v7: reflections per step and week (``step_weeks``), for weeks in a row.

Every stored fixture (v1, v2, v3, v5, v6) migrates step by step and keeps every record,
with ``step_weeks`` filled from its reflections; a failing v7 leaves v6 as it was. After
that, whatever writes reflections (pj reflect, edit, delete, import into an empty or a
full journal, a failed import, sync, a change of date) leaves ``step_weeks`` equal to
counting the step links again, in the write's own transaction.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pytest
from conftest import snapshot
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_migration_v4_v5 import migrate_step_by_step, read_all, refused_to_migrate

from partnerjournal import store
from partnerjournal.store import connect, journal, transaction
from partnerjournal.store.schema import LATEST, MIGRATIONS

FIXTURES = {"journal-v1.sqlite": 1, "journal-v2.sqlite": 2, "journal-v3.sqlite": 3,
            "journal-v5.sqlite": 5, "journal-v6.sqlite": 6}


def monday(day: str) -> str:
    d = dt.date.fromisoformat(day)
    return (d - dt.timedelta(days=d.weekday())).isoformat()


def counted(conn) -> dict[tuple[int, str], int]:
    """Reflections per (step, Monday of the week), counted from the step links."""
    out: dict[tuple[int, str], int] = {}
    for step, day in conn.execute(
        "SELECT x.step, r.date FROM reflection_steps x JOIN reflections r ON r.id = x.reflection_id"
    ):
        key = (step, monday(day))
        out[key] = out.get(key, 0) + 1
    return out


def kept(conn) -> dict[tuple[int, str], int]:
    """What step_weeks holds, weeks emptied since (kept as 0) left out."""
    rows = conn.execute("SELECT step, week, reflections FROM step_weeks").fetchall()
    assert all(n >= 0 for _, _, n in rows), rows
    return {(step, week): n for step, week, n in rows if n}


def test_v7_is_step_weeks_and_the_latest():
    assert [(v, n) for v, n, _ in MIGRATIONS][5:] == [(6, "sync"), (7, "step weeks")]
    assert LATEST == 7


def test_v6_fixture_is_what_the_tests_expect(copy_fixture):
    conn = sqlite3.connect(copy_fixture("journal-v6.sqlite"))
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 6
        assert conn.execute("SELECT count(*) FROM reflections").fetchone()[0] == 9
        assert conn.execute("SELECT count(*) FROM sync_peers").fetchone()[0] == 2
        assert conn.execute("SELECT count(*) FROM tombstones").fetchone()[0] == 2
        assert "step_weeks" not in {r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        conn.close()


@pytest.mark.parametrize("fixture", sorted(FIXTURES))
def test_every_earlier_journal_migrates_to_v7_keeping_every_record(copy_fixture, fixture):
    path = copy_fixture(fixture)
    before = read_all(path)
    conn = connect(path, migrate=False)
    try:
        migrate_step_by_step(conn, FIXTURES[fixture], before)
        assert kept(conn) == counted(conn) and kept(conn)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        conn.close()


def test_the_v6_fixture_weeks_by_hand(copy_fixture):
    """The fixture's 13 step links, each in its own week and step (worked out from its
    reflections' days: 2026-09-02 is in the week of Monday 2026-08-31, and so on)."""
    conn = connect(copy_fixture("journal-v6.sqlite"))
    try:
        assert kept(conn) == {
            (1, "2026-08-31"): 1, (2, "2026-08-31"): 1, (1, "2026-09-07"): 1,
            (4, "2026-09-07"): 1, (3, "2026-09-14"): 1, (13, "2026-09-28"): 1,
            (2, "2026-10-19"): 1, (3, "2026-10-19"): 1, (3, "2026-11-09"): 1,
            (7, "2026-11-09"): 1, (5, "2026-11-16"): 1, (2, "2026-11-16"): 1,
            (7, "2026-11-16"): 1,
        }
    finally:
        conn.close()


def test_a_failing_v7_leaves_the_v6_journal_unchanged(pj, copy_fixture, monkeypatch):
    path = copy_fixture("journal-v6.sqlite")
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE step_weeks (something TEXT)")  # v7 cannot create its own
    conn.commit()
    conn.close()
    before = snapshot(path)
    refused_to_migrate(pj, path, monkeypatch)
    assert snapshot(path) == before
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 6
    finally:
        conn.close()


# --- what the triggers keep -------------------------------------------------------------


def ok(r):
    assert r.exit_code == 0, r
    return r


def holds(path) -> None:
    conn = connect(path)
    try:
        assert kept(conn) == counted(conn)
    finally:
        conn.close()


def test_the_cli_writes_keep_step_weeks(pj, copy_fixture, monkeypatch, tmp_path):
    path = copy_fixture("journal-v6.sqlite")
    monkeypatch.setenv("PARTNERJOURNAL_DB", str(path))
    monkeypatch.setenv("PARTNERJOURNAL_TODAY", "2026-11-23")
    ok(pj("reflect", "Two steps at once", "--step", "3", "--step", "9", "--date", "2026-11-23"))
    holds(path)
    ok(pj("edit", "10", "--step", "9", "--step", "11"))  # a step out, one kept, one in
    holds(path)
    ok(pj("edit", "1", "--step", "12"))
    holds(path)
    ok(pj("delete", "2", "--yes"))
    holds(path)
    ok(pj("today", "--text", "Answered today's prompt", "--step", "6"))
    holds(path)
    # an edit that fails (a step out of range) changes nothing, step_weeks included
    before = snapshot(path)
    assert pj("edit", "3", "--step", "14").exit_code == 2
    assert snapshot(path) == before

    # export, then import into an empty journal and again into the full one
    export = tmp_path / "journal.json"
    ok(pj("export", "--format", "json", "-o", export))
    empty = tmp_path / "empty.sqlite"
    ok(pj("--db", empty, "import", export))
    holds(empty)
    assert kept(connect(empty)) == kept(connect(path))
    ok(pj("--db", empty, "import", export))
    holds(empty)

    # an import that changes a reflection's day and steps moves its counts
    data = json.loads(export.read_text())
    changed = next(r for r in data["records"]["reflections"] if r["steps"])
    changed["date"] = "2025-01-15"
    changed["steps"] = [8]
    changed["updated_at"] = "2030-01-01T10:00:00+00:00"
    export.write_text(json.dumps(data))
    ok(pj("--db", empty, "import", export))
    holds(empty)
    conn = connect(empty)
    try:
        assert kept(conn)[(8, "2025-01-13")] == 1
    finally:
        conn.close()

    # a failed import into an empty journal leaves step_weeks empty with the rest
    broken = tmp_path / "broken.json"
    data["records"]["reflections"][-1]["steps"] = [99]
    broken.write_text(json.dumps(data))
    other = tmp_path / "other.sqlite"
    assert pj("--db", other, "import", broken).exit_code == 1
    holds(other)


def test_sync_keeps_step_weeks(pj, copy_fixture, tmp_path, monkeypatch):
    monkeypatch.setenv("PARTNERJOURNAL_TODAY", "2026-11-23")
    folder = tmp_path / "shared"
    folder.mkdir()
    a = copy_fixture("journal-v6.sqlite")
    b = tmp_path / "laptop.sqlite"
    ok(pj("--db", a, "sync", folder))
    ok(pj("--db", b, "sync", folder))
    holds(b)
    ok(pj("--db", b, "reflect", "On the laptop", "--step", "10", "--date", "2026-11-22"))
    ok(pj("--db", b, "edit", "1", "--step", "6"))
    ok(pj("--db", b, "delete", "2", "--yes"))
    ok(pj("--db", b, "sync", folder))
    ok(pj("--db", a, "sync", folder))
    holds(a)
    assert kept(connect(a)) == kept(connect(b))


def test_a_changed_day_moves_the_counts_and_an_unreadable_day_counts_nowhere(tmp_path):
    conn = connect(tmp_path / "j.sqlite")
    try:
        with transaction(conn):
            rid = journal.insert_reflection(conn, date="2026-03-04", text="x",
                                            created_at="2026-03-04T09:00:00+00:00",
                                            steps=[2, 5])
        assert kept(conn) == {(2, "2026-03-02"): 1, (5, "2026-03-02"): 1}
        with transaction(conn):
            conn.execute("UPDATE reflections SET date = '2026-03-08' WHERE id = ?", (rid,))
        assert kept(conn) == {(2, "2026-03-02"): 1, (5, "2026-03-02"): 1}  # same week
        with transaction(conn):
            conn.execute("UPDATE reflections SET date = '2026-03-09' WHERE id = ?", (rid,))
        assert kept(conn) == {(2, "2026-03-09"): 1, (5, "2026-03-09"): 1}
        with transaction(conn):
            conn.execute("UPDATE reflection_steps SET step = 7 WHERE step = 5")
        assert kept(conn) == counted(conn) == {(2, "2026-03-09"): 1, (7, "2026-03-09"): 1}
        with transaction(conn):
            conn.execute("UPDATE reflections SET date = 'someday' WHERE id = ?", (rid,))
        assert kept(conn) == {}
        with transaction(conn):
            conn.execute("UPDATE reflections SET date = '2026-03-10' WHERE id = ?", (rid,))
        assert kept(conn) == counted(conn)
    finally:
        conn.close()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(
    st.sampled_from(["add", "steps", "day", "delete"]),
    st.integers(0, 60),  # a day offset, or which reflection
    st.lists(st.integers(1, 13), max_size=4),
), max_size=30))
def test_any_sequence_of_writes_keeps_step_weeks(tmp_path_factory, writes):
    path = tmp_path_factory.mktemp("weeks") / "j.sqlite"
    conn = connect(path)
    start = dt.date(2026, 1, 1)
    try:
        for action, n, steps in writes:
            ids = [r[0] for r in conn.execute("SELECT id FROM reflections ORDER BY id")]
            with transaction(conn):
                if action == "add" or not ids:
                    journal.insert_reflection(
                        conn, date=(start + dt.timedelta(days=n)).isoformat(), text="x",
                        created_at="2026-01-01T09:00:00+00:00", steps=steps)
                elif action == "steps":
                    journal.set_reflection_links(conn, ids[n % len(ids)], steps, (), ())
                elif action == "day":
                    conn.execute("UPDATE reflections SET date = ? WHERE id = ?",
                                 ((start + dt.timedelta(days=n * 3)).isoformat(), ids[n % len(ids)]))
                else:
                    journal.delete_reflection(conn, ids[n % len(ids)])
            assert kept(conn) == counted(conn)
    finally:
        conn.close()


def test_a_rolled_back_write_leaves_step_weeks_as_it_was(tmp_path):
    conn = connect(tmp_path / "j.sqlite")
    try:
        with transaction(conn):
            journal.insert_reflection(conn, date="2026-05-05", text="x",
                                      created_at="2026-05-05T09:00:00+00:00", steps=[1])
        before = kept(conn)
        with pytest.raises(sqlite3.IntegrityError), transaction(conn):
            journal.insert_reflection(conn, date="2026-05-06", text="y",
                                      created_at="2026-05-06T09:00:00+00:00", steps=[2, 99])
        assert kept(conn) == before == counted(conn)
    finally:
        conn.close()


def test_store_reads_the_new_table_in_a_fresh_journal(tmp_path):
    conn = store.connect(tmp_path / "fresh.sqlite")
    try:
        assert conn.execute("SELECT count(*) FROM step_weeks").fetchone()[0] == 0
        assert {r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'step_weeks%'"
        )} == {"step_weeks_link_insert", "step_weeks_link_delete", "step_weeks_link_update",
               "step_weeks_reflection_delete", "step_weeks_reflection_date"}
    finally:
        conn.close()
