"""Schema v6 (sync) on journals written by earlier code, and what its triggers keep.

Every stored fixture (v1, v2, v3, v5) migrates step by step and keeps every record;
each record gains a first version, named after its updated_at so that the same record
on two machines is one version; the device gets an id. Afterwards every delete path of
every record kind leaves a tombstone in the delete's own transaction, every change
makes a new version that remembers the one before, and a failing v6 leaves v5 as it was.
"""

from __future__ import annotations

import json
import re
import sqlite3

import pytest
from conftest import snapshot
from test_migration_v4_v5 import migrate_step_by_step, read_all, refused_to_migrate

from partnerjournal.store import connect, transaction
from partnerjournal.store.schema import MIGRATIONS, SYNCED_TABLES

FIXTURES = {"journal-v1.sqlite": 1, "journal-v2.sqlite": 2, "journal-v3.sqlite": 3,
            "journal-v5.sqlite": 5}
SYNC_TABLES = {"device", "versions", "tombstones", "conflicts", "sync_peers", "sync_seen",
               "sync_aliases"}
V5_COUNTS = {"settings": 1, "partners": 7, "reflections": 8, "reflection_steps": 10,
             "reflection_partners": 7, "reflection_tags": 4, "custom_prompts": 1,
             "migrations": 5, "sessions": 3, "commitments": 6, "trust_checks": 3,
             "stories": 3, "story_partners": 4, "objectives": 3, "measurements": 5,
             "evaluations": 2, "evaluation_ratings": 12, "adjustments": 3,
             "coach_days": 1, "feedback": 3}


def test_v6_is_sync():
    assert [(v, n) for v, n, _ in MIGRATIONS][4:6] == [(5, "feedback"), (6, "sync")]


def test_v5_fixture_is_what_the_tests_expect(copy_fixture):
    path = copy_fixture("journal-v5.sqlite")
    assert {t: len(r) for t, (_, r) in read_all(path).items()} == V5_COUNTS
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 5
    rules = conn.execute("SELECT prompt_rule FROM reflections WHERE prompt_rule IS NOT NULL")
    assert [r[0] for r in rules] == ["session-due"]
    conn.close()


def versions(conn) -> dict[tuple[str, str], tuple[str, list[str]]]:
    return {(k, u): (d, json.loads(p))
            for k, u, d, p in conn.execute("SELECT kind, uid, dot, past FROM versions")}


def records(conn) -> dict[tuple[str, str], str]:
    """Every record's key with the value its first version is named after."""
    out = {}
    for kind, table, key, first in SYNCED_TABLES:
        for k, v in conn.execute(f"SELECT [{key}], [{first}] FROM [{table}]"):
            out[(kind, k)] = v
    return out


@pytest.mark.parametrize("fixture", sorted(FIXTURES))
def test_every_earlier_journal_migrates_to_v6_keeping_every_record(copy_fixture, fixture):
    path = copy_fixture(fixture)
    before = read_all(path)
    conn = connect(path, migrate=False)
    try:
        migrate_step_by_step(conn, FIXTURES[fixture], before)
        # every record has its first version, named after its updated_at (or value)
        recs = records(conn)
        assert recs and versions(conn) == {key: (f"0:{v}", []) for key, v in recs.items()}
        stored = conn.execute("SELECT count(*) FROM versions WHERE record IS NOT NULL")
        assert stored.fetchone()[0] == 0
        for table in ("tombstones", "conflicts", "sync_peers", "sync_seen", "sync_aliases"):
            assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0, table
        (device, name, syncing), = conn.execute("SELECT id, name, syncing FROM device")
        assert re.fullmatch(r"[0-9a-f]{16}", device) and name == "" and syncing == 0
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        conn.close()


def test_two_migrated_journals_have_different_device_ids(copy_fixture, tmp_path):
    a = connect(copy_fixture("journal-v5.sqlite"))
    other = tmp_path / "other.sqlite"
    other.write_bytes((tmp_path / "journal-v5.sqlite").read_bytes())
    b = connect(other)
    try:
        ids = {c.execute("SELECT id FROM device").fetchone()[0] for c in (a, b)}
        assert len(ids) == 2
        assert versions(a) != {} and versions(a).keys() == versions(b).keys()
    finally:
        a.close()
        b.close()


def test_a_failing_v6_leaves_the_v5_journal_unchanged(pj, copy_fixture, monkeypatch):
    path = copy_fixture("journal-v5.sqlite")
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE tombstones (something TEXT)")  # v6 cannot create its own
    conn.commit()
    conn.close()
    before = snapshot(path)
    refused_to_migrate(pj, path, monkeypatch)
    assert snapshot(path) == before


# --- what the triggers keep -----------------------------------------------------------


@pytest.fixture
def v6(copy_fixture, monkeypatch):
    """The v5 fixture migrated to v6, used through pj and through a connection."""
    path = copy_fixture("journal-v5.sqlite")
    monkeypatch.setenv("PARTNERJOURNAL_DB", str(path))
    monkeypatch.setenv("PARTNERJOURNAL_TODAY", "2026-11-23")
    conn = connect(path)
    yield path, conn
    conn.close()


def tombstones(conn) -> dict[tuple[str, str], dict]:
    return {(r["kind"], r["uid"]): dict(r) for r in conn.execute("SELECT * FROM tombstones")}


def test_every_delete_path_of_the_cli_leaves_a_tombstone(pj, v6):
    _, conn = v6
    device = conn.execute("SELECT id FROM device").fetchone()[0]
    reflection = conn.execute("SELECT uid, updated_at FROM reflections WHERE id = 2").fetchone()
    feedback = conn.execute("SELECT uid FROM feedback WHERE id = 1").fetchone()[0]
    adjustments = {r[0] for r in conn.execute(
        "SELECT a.uid FROM adjustments a JOIN evaluations e ON e.id = a.evaluation_id"
        " WHERE e.quarter = '2026Q3'")}
    assert pj("delete", "2", "--yes").exit_code == 0
    assert pj("feedback", "delete", "1", "--yes").exit_code == 0
    # a new list of adjustments replaces the quarter's old ones: those are deleted
    r = pj("evaluate", "--quarter", "2026Q3", "-r", "1=4", "-a", "One new adjustment")
    assert r.exit_code == 0, r
    stones = tombstones(conn)
    assert set(stones) == {("reflections", reflection["uid"]), ("feedback", feedback),
                           *(("adjustments", u) for u in adjustments)}
    for stone in stones.values():
        assert stone["device"] == device and stone["dot"].startswith(device + ":")
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", stone["deleted_at"])
    # the delete saw the version it removed; the version itself is gone
    assert json.loads(stones[("reflections", reflection["uid"])]["past"]) == [
        f"0:{reflection['updated_at']}"]
    assert ("reflections", reflection["uid"]) not in versions(conn)


@pytest.mark.parametrize("synced", SYNCED_TABLES, ids=[t[1] for t in SYNCED_TABLES])
def test_any_delete_of_any_kind_leaves_a_tombstone_in_its_transaction(v6, synced):
    _, conn = v6
    kind, table, key, _ = synced
    conn.execute("PRAGMA foreign_keys = OFF")  # deleting a partner others name, for the test
    (uid,) = conn.execute(f"SELECT [{key}] FROM [{table}] LIMIT 1").fetchone()
    with pytest.raises(RuntimeError), transaction(conn):
        conn.execute(f"DELETE FROM [{table}] WHERE [{key}] = ?", (uid,))
        assert (kind, uid) in tombstones(conn)
        raise RuntimeError("the command fails after the delete")
    assert (kind, uid) not in tombstones(conn) and (kind, uid) in versions(conn)
    with transaction(conn):
        conn.execute(f"DELETE FROM [{table}] WHERE [{key}] = ?", (uid,))
    assert (kind, uid) in tombstones(conn) and (kind, uid) not in versions(conn)
    assert conn.execute("SELECT count(*) FROM sync_seen").fetchone()[0] == 0


def test_a_cascading_delete_leaves_tombstones_for_the_children(v6):
    _, conn = v6
    (oid, ouid), = conn.execute("SELECT id, uid FROM objectives WHERE name = 'Cost per unit'")
    measured = {r[0] for r in conn.execute(
        "SELECT uid FROM measurements WHERE objective_id = ?", (oid,))}
    assert len(measured) == 3
    with transaction(conn):
        conn.execute("DELETE FROM objectives WHERE id = ?", (oid,))
    assert set(tombstones(conn)) == {("objectives", ouid), *(("measurements", u) for u in measured)}


def test_every_edit_makes_a_version_that_remembers_the_one_before(pj, v6):
    _, conn = v6
    uid = conn.execute("SELECT uid FROM reflections WHERE id = 3").fetchone()[0]
    first = versions(conn)[("reflections", uid)]
    assert pj("edit", "3", "--text", "Rewritten on this machine").exit_code == 0
    second = versions(conn)[("reflections", uid)]
    assert pj("edit", "3", "--tag", "only-a-tag").exit_code == 0  # no text change
    third = versions(conn)[("reflections", uid)]
    assert second[1] == [first[0]] and third[1] == [first[0], second[0]]
    assert len({first[0], second[0], third[0]}) == 3
    device = conn.execute("SELECT id FROM device").fetchone()[0]
    assert second[0].startswith(device + ":") and third[0].startswith(device + ":")
    # a partner edit and a setting change are versions too
    (puid,) = conn.execute("SELECT uid FROM partners WHERE name = 'Ana Silva'").fetchone()
    before = versions(conn)[("partners", puid)]
    assert pj("partner", "edit", "Ana Silva", "--note", "CFO").exit_code == 0
    assert versions(conn)[("partners", puid)][1] == [before[0]]
    assert pj("config", "set", "fiscal-year-start", "1").exit_code == 0
    assert versions(conn)[("settings", "fiscal-year-start")][1] == ["0:4"]


def test_a_new_record_is_named_after_its_first_updated_at(pj, v6):
    _, conn = v6
    assert pj("reflect", "A new one", "--partner", "Brand New").exit_code == 0
    (uid, stamp), = conn.execute("SELECT uid, updated_at FROM reflections WHERE text = 'A new one'")
    (puid, pstamp), = conn.execute("SELECT uid, updated_at FROM partners WHERE name = 'Brand New'")
    assert versions(conn)[("reflections", uid)] == (f"0:{stamp}", [])
    assert versions(conn)[("partners", puid)] == (f"0:{pstamp}", [])


def test_writes_made_while_syncing_are_not_counted_as_edits_here(v6):
    _, conn = v6
    before = versions(conn)
    with transaction(conn):
        conn.execute("UPDATE device SET syncing = 1")
        conn.execute("UPDATE reflections SET text = 'merged from elsewhere' WHERE id = 1")
        conn.execute("DELETE FROM feedback WHERE id = 2")
        conn.execute("UPDATE device SET syncing = 0")
    assert versions(conn) == before and tombstones(conn) == {}
