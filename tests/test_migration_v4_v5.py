"""Schemas v4 (coach) and v5 (feedback) on journals written by earlier code: every
stored fixture (v1, v2, v3) migrates step by step, keeps every record, and gains the
new columns and tables empty; a failing v4 or v5 migration changes nothing."""

from __future__ import annotations

import sqlite3

import pytest
from conftest import snapshot

from partnerjournal.store import connect, migrate_journal
from partnerjournal.store.schema import LATEST, MIGRATIONS

FIXTURES = {"journal-v1.sqlite": 1, "journal-v2.sqlite": 2, "journal-v3.sqlite": 3}
V3_COUNTS = {"settings": 1, "partners": 7, "reflections": 6, "reflection_steps": 8,
             "reflection_partners": 6, "reflection_tags": 3, "custom_prompts": 1,
             "migrations": 3, "sessions": 3, "commitments": 6, "trust_checks": 3,
             "stories": 3, "story_partners": 4, "objectives": 3, "measurements": 5,
             "evaluations": 2, "evaluation_ratings": 12, "adjustments": 3}


def columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in conn.execute(f"PRAGMA table_info([{table}])")]


def read_all(path) -> dict[str, tuple[list[str], list[tuple]]]:
    """Every row of every record table (FTS shadow tables aside), with its columns."""
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '%fts%'"
            " AND name NOT LIKE 'sqlite_%'")]
        out = {}
        for t in tables:
            cols = columns(conn, t)
            names = ", ".join(f"[{c}]" for c in cols)
            out[t] = (cols, sorted(tuple(r) for r in conn.execute(f"SELECT {names} FROM [{t}]")))
        return out
    finally:
        conn.close()


def migrate_step_by_step(conn: sqlite3.Connection, version: int, before: dict) -> None:
    """Migrate a journal of ``version`` one schema at a time up to the latest, and check
    that every row ``read_all`` found before is still there, in the same columns (new
    columns come after them)."""
    for upto in range(version + 1, LATEST + 1):
        assert migrate_journal(conn, upto=upto) == [MIGRATIONS[upto - 1][1]]
        assert conn.execute("PRAGMA user_version").fetchone()[0] == upto
    assert migrate_journal(conn) == []  # nothing left to do
    for table, (cols, old_rows) in before.items():
        assert columns(conn, table)[: len(cols)] == cols, table
        names = ", ".join(f"[{c}]" for c in cols)
        now = sorted(tuple(r) for r in conn.execute(f"SELECT {names} FROM [{table}]"))
        if table == "migrations":
            assert now[: len(old_rows)] == old_rows and len(now) == LATEST
        else:
            assert now == old_rows, table


def refused_to_migrate(pj, path, monkeypatch) -> None:
    """``pj log`` on a journal whose next migration cannot run: one line, exit 1."""
    monkeypatch.setenv("PARTNERJOURNAL_DB", str(path))
    r = pj("log")
    assert r.exit_code == 1, r
    assert r.stderr.startswith("pj: error: cannot prepare the journal") and r.stderr.count("\n") == 1


def test_v4_and_v5_are_coach_and_feedback():
    assert [(v, n) for v, n, _ in MIGRATIONS][3:5] == [(4, "coach"), (5, "feedback")]


def test_v3_fixture_is_what_the_tests_expect(copy_fixture):
    path = copy_fixture("journal-v3.sqlite")
    data = read_all(path)
    assert {t: len(r) for t, (_, r) in data.items()} == V3_COUNTS
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 3
    conn.close()


@pytest.mark.parametrize("fixture", sorted(FIXTURES))
def test_every_earlier_journal_migrates_one_step_at_a_time(copy_fixture, fixture):
    path = copy_fixture(fixture)
    before = read_all(path)
    conn = connect(path, migrate=False)
    try:
        migrate_step_by_step(conn, FIXTURES[fixture], before)
        assert columns(conn, "reflections")[-3:] == ["prompt_rule", "prompt_record", "prompt_text"]
        assert conn.execute(
            "SELECT count(*) FROM reflections WHERE prompt_rule IS NOT NULL"
            " OR prompt_record IS NOT NULL OR prompt_text IS NOT NULL").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM coach_days").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM feedback").fetchone()[0] == 0
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        conn.close()


def test_feedback_table_refuses_what_the_form_cannot_hold(copy_fixture):
    conn = connect(copy_fixture("journal-v3.sqlite"))
    try:
        base = ("INSERT INTO feedback (uid, partner_id, date, {cols}, created_at, updated_at)"
                " VALUES ('u', 1, '2026-11-01', {vals}, 'now', 'now')")
        with pytest.raises(sqlite3.IntegrityError):  # a score off the 1-10 scale
            conn.execute(base.format(cols="credibility", vals="11"))
        with pytest.raises(sqlite3.IntegrityError):  # an empty form
            conn.execute(base.format(cols="keep", vals="''"))
        conn.execute(base.format(cols="satisfaction", vals="7"))  # one term is enough
        assert conn.execute("SELECT satisfaction FROM feedback").fetchone()[0] == 7
        conn.rollback()
    finally:
        conn.close()


@pytest.mark.parametrize("blocker", ["coach_days", "feedback"])
def test_a_failing_migration_leaves_the_v3_journal_unchanged(pj, copy_fixture, monkeypatch, blocker):
    path = copy_fixture("journal-v3.sqlite")
    conn = sqlite3.connect(path)
    conn.execute(f"CREATE TABLE {blocker} (something TEXT)")  # the migration cannot create its own
    conn.commit()
    conn.close()
    before = snapshot(path)
    refused_to_migrate(pj, path, monkeypatch)
    if blocker == "coach_days":
        assert snapshot(path) == before  # v4 failed: still v3, untouched
    else:  # v4 applied in its own transaction, v5 failed and left no trace
        conn = sqlite3.connect(path)
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 4
        assert "feedback" in {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        assert columns(conn, "feedback") == ["something"]
        conn.close()


def test_v3_fixture_reads_the_same_through_pj(pj, copy_fixture, monkeypatch):
    monkeypatch.setenv("PARTNERJOURNAL_DB", str(copy_fixture("journal-v3.sqlite")))
    monkeypatch.setenv("PARTNERJOURNAL_TODAY", "2026-11-23")
    assert len(pj("log", "--json").json()) == 6
    progress = pj("progress", "--json").json()
    assert progress["quarter"] == "2026Q3"
    r = pj("report", "--format", "json")
    assert r.exit_code == 0, r
    evaluation = r.json()
    assert "coach the team leads on guidance work" in r.stdout
    assert evaluation["quarter"] == "2026Q3"
