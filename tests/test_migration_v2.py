"""Schema v2 (partnerships) on journals written by earlier code: the v1 fixture migrates
in one transaction and keeps every record; a failing migration changes nothing; the
v2 fixture, written by the partnerships version of pj, opens with the current code."""

from __future__ import annotations

import sqlite3

from conftest import snapshot

from partnerjournal.store import connect, migrate_journal
from partnerjournal.store.schema import LATEST

V1_TABLES = ["settings", "partners", "reflections", "reflection_steps", "reflection_partners",
             "reflection_tags", "custom_prompts", "migrations"]
V2_TABLES = ["sessions", "commitments", "trust_checks", "stories", "story_partners",
             "objectives", "measurements"]
PARTNER_V2_COLUMNS = ["box", "relation", "note", "archived_at"]


def columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in conn.execute(f"PRAGMA table_info([{table}])")]


def rows(conn: sqlite3.Connection, table: str, cols: list[str]) -> list[tuple]:
    names = ", ".join(f"[{c}]" for c in cols)
    return sorted(tuple(r) for r in conn.execute(f"SELECT {names} FROM [{table}]"))


def read_v1(path) -> dict[str, tuple[list[str], list[tuple]]]:
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
        return {t: (columns(conn, t), rows(conn, t, columns(conn, t))) for t in V1_TABLES}
    finally:
        conn.close()


def test_v1_fixture_is_what_the_tests_expect(copy_fixture):
    data = read_v1(copy_fixture("journal-v1.sqlite"))
    counts = {t: len(r) for t, (_, r) in data.items()}
    assert counts == {"settings": 0, "partners": 3, "reflections": 5, "reflection_steps": 7,
                      "reflection_partners": 5, "reflection_tags": 3, "custom_prompts": 1,
                      "migrations": 1}


def test_v1_to_v2_keeps_every_record(copy_fixture):
    path = copy_fixture("journal-v1.sqlite")
    before = read_v1(path)
    conn = connect(path, migrate=False)
    try:
        assert migrate_journal(conn, upto=2) == ["partnerships"]
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 2
        for table, (cols, old_rows) in before.items():
            if table == "migrations":
                continue
            assert rows(conn, table, cols) == old_rows, table
        migrations = conn.execute("SELECT version, name, applied_at FROM migrations ORDER BY version").fetchall()
        assert [tuple(m) for m in migrations][0] == before["migrations"][1][0]
        assert [(m[0], m[1]) for m in migrations] == [(1, "core"), (2, "partnerships")]
        assert columns(conn, "partners")[: len(before["partners"][0])] == before["partners"][0]
        assert columns(conn, "partners")[-4:] == PARTNER_V2_COLUMNS
        assert rows(conn, "partners", PARTNER_V2_COLUMNS) == [(None,) * 4] * 3
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert set(V2_TABLES) <= tables
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        conn.close()


def test_migrated_journal_works_through_pj(pj, copy_fixture, monkeypatch):
    path = copy_fixture("journal-v1.sqlite")
    monkeypatch.setenv("PARTNERJOURNAL_DB", str(path))
    log = pj("log", "--json").json()
    assert len(log) == 5 and {r["date"] for r in log} >= {"2026-03-02", "2026-03-20"}
    partners = pj("partner", "list", "--json").json()
    assert [(p["name"], p["box"], p["archived"]) for p in partners] == [
        ("Maria Lopez", None, False), ("Sam Okafor", None, False), ("Team Leads", None, False)]
    assert [r["text"][:5] for r in pj("log", "--search", "plant", "--json").json()] == ["Asked"]
    assert "mine-1" in [p["id"] for p in pj("prompts", "--json").json()]
    assert pj("partner", "edit", "Maria Lopez", "--box", "managers").exit_code == 0
    shown = pj("partner", "show", "Maria Lopez", "--json").json()
    assert shown["box"] == "managers" and shown["reflections"]["count"] == 2
    r = pj("session", "add", "Sam Okafor", "--date", "2026-11-02", "--successes", "a",
           "--objectives", "b", "--feedback", "c")
    assert r.exit_code == 0, r
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST
    conn.close()


def test_a_failing_migration_leaves_the_v1_journal_unchanged(pj, copy_fixture, monkeypatch):
    path = copy_fixture("journal-v1.sqlite")
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE sessions (something TEXT)")  # v2 cannot create its own
    conn.execute("INSERT INTO sessions VALUES ('kept')")
    conn.commit()
    conn.close()
    before = snapshot(path)
    v1 = read_v1(path)
    monkeypatch.setenv("PARTNERJOURNAL_DB", str(path))
    r = pj("log")
    assert r.exit_code == 1, r
    assert r.stderr.startswith("pj: error: cannot prepare the journal") and r.stderr.count("\n") == 1
    assert snapshot(path) == before
    assert read_v1(path) == v1  # still version 1, partners without the v2 columns
    conn = sqlite3.connect(path)
    try:
        assert columns(conn, "partners") == v1["partners"][0]
        assert "commitments" not in {
            r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
    finally:
        conn.close()


# --- the v2 fixture, written by the v2 pj (tests/fixtures/make_journal.sh 2) ---------------

V2_COUNTS = {"settings": 1, "partners": 7, "reflections": 6, "reflection_steps": 8,
             "reflection_partners": 6, "reflection_tags": 3, "custom_prompts": 1,
             "migrations": 2, "sessions": 3, "commitments": 6, "trust_checks": 3,
             "stories": 3, "story_partners": 4, "objectives": 3, "measurements": 5}


def read_all(path) -> dict[str, tuple[list[str], list[tuple]]]:
    """Every row of every record table (FTS shadow tables aside), with its columns."""
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '%fts%'"
            " AND name NOT LIKE 'sqlite_%'")]
        return {t: (columns(conn, t), rows(conn, t, columns(conn, t))) for t in tables}
    finally:
        conn.close()


def test_v2_fixture_opens_with_current_code_and_keeps_every_record(copy_fixture):
    path = copy_fixture("journal-v2.sqlite")
    before = read_all(path)
    assert {t: len(r) for t, (_, r) in before.items()} == V2_COUNTS
    conn = connect(path)  # migrates to the latest schema, whatever it is now
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST
        for table, (cols, old_rows) in before.items():
            assert columns(conn, table)[: len(cols)] == cols, table
            now = rows(conn, table, cols)
            if table == "migrations":  # later migrations are recorded after the old ones
                assert now[: len(old_rows)] == old_rows and len(now) == LATEST
            else:
                assert now == old_rows, table
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        conn.close()


def test_v2_fixture_reads_the_same_through_pj(pj, copy_fixture, monkeypatch):
    monkeypatch.setenv("PARTNERJOURNAL_DB", str(copy_fixture("journal-v2.sqlite")))
    assert pj("config", "get", "fiscal-year-start").stdout == "4\n"
    partners = {p["name"]: p for p in pj("partner", "list", "--json").json()}
    assert partners["Old Boss"]["archived"] is True and partners["Old Boss"]["archived_at"] == "2026-10-31"
    assert (partners["Maria Lopez"]["box"], partners["Maria Lopez"]["relation"]) == ("managers", "direct")
    assert partners["Team Leads"]["box"] is None and partners["Maria Lopez"]["last_session"] == "2026-11-05"
    statuses = [(c["id"], c["status"], c["closed_at"]) for c in pj("commitment", "list", "--json").json()]
    assert sorted(statuses) == [(1, "kept", "2026-09-30"), (2, "kept", "2026-10-02"),
                                (3, "dropped", "2026-10-10"), (4, "open", None), (5, "open", None),
                                (6, "open", None)]
    maria = pj("partner", "show", "Maria Lopez", "--json").json()
    assert [t["score"] for t in maria["trust_checks"]] == [3.0, 7.0]
    assert [s["date"] for s in maria["sessions"]] == ["2026-09-18", "2026-11-05"]
    assert maria["reflections"]["count"] == 3
    stories = pj("story", "list", "--all", "--json").json()
    assert [s["partners"] for s in stories] == [
        [], ["Maria Lopez", "Night Shift Crew"], ["Priya Raman", "Sam Okafor"]]
    objectives = {o["name"]: o for o in pj("objective", "list", "--json").json()}
    assert objectives["Cost per unit"]["latest"] == {"value": 4.25, "date": "2026-11-01"}
    assert objectives["Net promoter score"]["latest"]["value"] == -2
    assert [r["prompt_id"] for r in pj("log", "--json").json() if r["prompt_id"]] == ["mine-1"]
    assert pj("map", "--json").json()["quarter"] == "2026Q3"  # fiscal year from April
