"""The store against real SQLite files: creation, permissions, schema, search, transactions."""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
import time

import pytest

from conftest import snapshot
from partnerjournal import store
from partnerjournal.errors import JournalError
from partnerjournal.store import journal as sj
from partnerjournal.store.schema import LATEST, MIGRATIONS

NOW = "2026-11-23T09:00:00+01:00"


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def conn(tmp_path):
    c = store.connect(tmp_path / "journal.sqlite")
    yield c
    c.close()


def add(c, text, date="2026-11-20", **kw) -> int:
    with store.transaction(c):
        return sj.insert_reflection(c, date=date, text=text, created_at=NOW, **kw)


# --- creating and opening -------------------------------------------------------------

@pytest.mark.parametrize("umask", [0o000, 0o022, 0o002, 0o077])
def test_new_journal_is_owner_only_whatever_the_umask(tmp_path, umask):
    path = tmp_path / "data" / "partnerjournal" / "journal.sqlite"
    old = os.umask(umask)
    try:
        c = store.connect(path)
        try:
            add(c, "a write creates the WAL files")
            assert mode(path) == 0o600
            assert mode(path.parent) == 0o700
            for extra in ("journal.sqlite-wal", "journal.sqlite-shm"):
                if (path.parent / extra).exists():
                    assert mode(path.parent / extra) == 0o600, extra
        finally:
            c.close()
    finally:
        os.umask(old)


def test_an_existing_folder_keeps_its_permissions(tmp_path):
    os.chmod(tmp_path, 0o755)
    store.connect(tmp_path / "journal.sqlite").close()
    assert mode(tmp_path) == 0o755
    assert mode(tmp_path / "journal.sqlite") == 0o600


def test_wal_mode_busy_timeout_and_foreign_keys(conn):
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == store.BUSY_TIMEOUT_MS
    assert store.BUSY_TIMEOUT_MS >= 5000
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_schema_version_and_migration_record(tmp_path):
    path = tmp_path / "journal.sqlite"
    c = store.connect(path)
    assert store.schema_version(c) == LATEST
    rows = c.execute("SELECT version, name, applied_at FROM migrations ORDER BY version").fetchall()
    assert [(r[0], r[1]) for r in rows] == [(v, name) for v, name, _ in MIGRATIONS]
    assert all(r[2] for r in rows)
    c.close()
    # opening again applies nothing twice
    c = store.connect(path)
    assert c.execute("SELECT count(*) FROM migrations").fetchone()[0] == len(MIGRATIONS)
    assert store.migrate_journal(c) == []
    c.close()


def test_core_tables_exist(conn):
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    for table in ("settings", "partners", "reflections", "reflection_steps",
                  "reflection_partners", "reflection_tags", "custom_prompts",
                  "reflections_fts", "migrations"):
        assert table in names


def test_records_carry_uid_and_timestamps(conn):
    for table in ("partners", "reflections", "custom_prompts"):
        cols = {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}
        assert {"uid", "created_at", "updated_at"} <= cols, table


def test_refuses_a_directory(tmp_path):
    with pytest.raises(JournalError, match="is a directory"):
        store.connect(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_refuses_a_file_that_is_not_sqlite(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("my shopping list\n")
    with pytest.raises(JournalError, match="not SQLite"):
        store.connect(path)
    assert path.read_text() == "my shopping list\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_refuses_a_damaged_sqlite_file(tmp_path):
    path = tmp_path / "journal.sqlite"
    data = b"SQLite format 3\x00" + b"\xff" * 200
    path.write_bytes(data)
    with pytest.raises(JournalError):
        store.connect(path)
    assert path.read_bytes() == data


def test_refuses_a_journal_from_a_newer_version(tmp_path):
    path = tmp_path / "journal.sqlite"
    store.connect(path).close()
    raw = sqlite3.connect(path)
    raw.execute(f"PRAGMA user_version = {LATEST + 1}")
    raw.close()
    before = snapshot(path)
    with pytest.raises(JournalError, match="newer") as err:
        store.connect(path)
    assert "\n" not in str(err.value)
    assert snapshot(path) == before
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == LATEST + 1
    raw.close()


def test_create_false_does_not_create(tmp_path):
    path = tmp_path / "missing.sqlite"
    with pytest.raises(JournalError, match="no journal"):
        store.connect(path, create=False)
    assert not path.exists()


def test_an_empty_file_becomes_a_journal(tmp_path):
    path = tmp_path / "journal.sqlite"
    path.touch()
    c = store.connect(path)
    assert store.schema_version(c) == LATEST
    c.close()


def test_a_failing_migration_leaves_nothing_behind(tmp_path, monkeypatch):
    path = tmp_path / "journal.sqlite"
    store.connect(path).close()
    broken = (LATEST + 1, "broken", "CREATE TABLE half_done (x INTEGER);\nTHIS IS NOT SQL;")
    monkeypatch.setattr(store, "MIGRATIONS", [*MIGRATIONS, broken])
    before = snapshot(path)
    c = store.connect(path, migrate=False)
    with pytest.raises(sqlite3.Error):
        store.migrate_journal(c, upto=LATEST + 1)
    assert store.schema_version(c) == LATEST
    c.close()
    assert snapshot(path) == before  # no half_done table, no migrations row


def test_migration_script_splitting_keeps_triggers_whole():
    script = "CREATE TABLE t (x);\nCREATE TRIGGER g AFTER INSERT ON t BEGIN\n  SELECT 1;\n  SELECT 2;\nEND;\n"
    statements = list(store._statements(script))
    assert len(statements) == 2
    assert statements[1].startswith("CREATE TRIGGER") and statements[1].endswith("END;")


# --- transactions ---------------------------------------------------------------------

def test_transaction_rollback_leaves_nothing(conn, tmp_path):
    add(conn, "kept")
    before = snapshot(tmp_path / "journal.sqlite")
    with pytest.raises(RuntimeError):
        with store.transaction(conn):
            ids, created = sj.ensure_partners(conn, ["Ana"], NOW)
            sj.insert_reflection(
                conn, date="2026-11-21", text="rolled back", created_at=NOW,
                steps=[1, 2], partner_ids=ids, tags=["lost"],
            )
            sj.set_setting(conn, "fiscal-year-start", "4")
            raise RuntimeError("boom")
    assert snapshot(tmp_path / "journal.sqlite") == before
    assert not conn.in_transaction
    hits = conn.execute(
        "SELECT count(*) FROM reflections_fts WHERE reflections_fts MATCH 'rolled'"
    ).fetchone()[0]
    assert hits == 0


def test_transaction_commits(conn):
    rid = add(conn, "saved", steps=[3], tags=["x"])
    other = sqlite3.connect(conn.execute("PRAGMA database_list").fetchone()[2])
    assert other.execute("SELECT text FROM reflections WHERE id = ?", (rid,)).fetchone()[0] == "saved"
    other.close()


def test_a_second_writer_waits_instead_of_failing(tmp_path):
    path = tmp_path / "journal.sqlite"
    store.connect(path).close()
    holding = threading.Event()

    def first_writer():
        c = store.connect(path)  # connections belong to their thread
        with store.transaction(c):
            sj.insert_reflection(c, date="2026-11-20", text="first", created_at=NOW)
            holding.set()
            time.sleep(0.3)
        c.close()

    t = threading.Thread(target=first_writer)
    t.start()
    assert holding.wait(5)
    second = store.connect(path)
    # a reader is not blocked by the writer (WAL) and does not see uncommitted rows
    assert second.execute("SELECT count(*) FROM reflections").fetchone()[0] == 0
    started = time.monotonic()
    with store.transaction(second):  # waits for the lock, then writes
        sj.insert_reflection(second, date="2026-11-21", text="second", created_at=NOW)
    waited = time.monotonic() - started
    t.join()
    texts = [r[0] for r in second.execute("SELECT text FROM reflections ORDER BY id")]
    assert texts == ["first", "second"]
    assert 0.1 < waited < 10
    second.close()


# --- reflections, partners, settings --------------------------------------------------

def test_reflection_round_trip(conn):
    ids, created = sj.ensure_partners(conn, ["Ana", "Bo"], NOW)
    assert created == ["Ana", "Bo"]
    rid = add(conn, "line one\nline two", steps=[5, 1, 5], partner_ids=ids, tags=["b", "a"],
              prompt_id="p-1", important_share=40)
    r = sj.get_reflection(conn, rid)
    assert (r.text, r.date, r.steps, r.partners, r.tags) == (
        "line one\nline two", "2026-11-20", [1, 5], ["Ana", "Bo"], ["a", "b"])
    assert (r.prompt_id, r.important_share, r.created_at, r.updated_at) == ("p-1", 40, NOW, NOW)
    assert len(r.uid) == 32
    assert sj.get_reflection_by_uid(conn, r.uid) == r
    assert sj.get_reflection(conn, rid + 1) is None


def test_partner_names_are_unique_regardless_of_case_and_spacing(conn):
    with store.transaction(conn):
        first, created = sj.ensure_partners(conn, ["Maria  Lopez"], NOW)
        again, created_again = sj.ensure_partners(conn, ["maria lopez", "MARIA LOPEZ"], NOW)
    assert created == ["Maria  Lopez"] and created_again == []
    assert again == first
    assert sj.find_partner(conn, "MARIA lopez").id == first[0]
    with pytest.raises(sqlite3.IntegrityError):
        sj.insert_partner(conn, "maria LOPEZ", NOW)


def test_constraints_guard_steps_and_share(conn):
    with pytest.raises(sqlite3.IntegrityError):
        add(conn, "x", steps=[14])
    with pytest.raises(sqlite3.IntegrityError):
        add(conn, "x", important_share=101)
    assert sj.count_reflections(conn) == 0


def test_delete_cascades_to_links_and_search(conn):
    ids, _ = sj.ensure_partners(conn, ["Ana"], NOW)
    rid = add(conn, "cascading words", steps=[2], partner_ids=ids, tags=["t"])
    with store.transaction(conn):
        assert sj.delete_reflection(conn, rid)
    for table in ("reflection_steps", "reflection_partners", "reflection_tags"):
        assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0
    assert list(sj.query_reflections(conn, sj.ReflectionFilter(search="cascading"))) == []
    assert sj.find_partner(conn, "Ana") is not None  # the partner stays
    with store.transaction(conn):
        assert not sj.delete_reflection(conn, rid)


def test_settings(conn):
    assert sj.get_setting(conn, "k", "d") == "d"
    with store.transaction(conn):
        sj.set_setting(conn, "k", "1")
        sj.set_setting(conn, "k", "2")
        sj.set_setting(conn, "a", "x")
    assert sj.get_setting(conn, "k") == "2"
    assert sj.all_settings(conn) == {"a": "x", "k": "2"}


def test_query_filters_and_order(conn):
    ana, _ = sj.ensure_partners(conn, ["Ana"], NOW)
    a = add(conn, "a", date="2026-11-01", steps=[1], tags=["x"])
    b = add(conn, "b", date="2026-11-10", steps=[7], partner_ids=ana, tags=["x", "y"])
    c = add(conn, "c", date="2026-11-10", steps=[12])
    d = add(conn, "d", date="2026-11-20", steps=[1, 12], partner_ids=ana)

    def ids(**kw):
        return [r.id for r in sj.query_reflections(conn, sj.ReflectionFilter(**kw))]

    assert ids() == [d, c, b, a]  # newest first; same day: later id first
    assert ids(oldest_first=True) == [a, b, c, d]
    assert ids(limit=2) == [d, c]
    assert ids(date_from="2026-11-10") == [d, c, b]
    assert ids(date_until="2026-11-10") == [c, b, a]
    assert ids(date_from="2026-11-10", date_until="2026-11-10") == [c, b]
    assert ids(steps=[12]) == [d, c]
    assert ids(steps=[1, 7]) == [d, b, a]
    assert ids(partner_id=ana[0]) == [d, b]
    assert ids(tags=["x"]) == [b, a]
    assert ids(tags=["X", "y"]) == [b]  # tags match regardless of case
    assert sj.count_reflections(conn) == 4
    assert sj.count_reflections(conn, "2026-11-05", "2026-11-15") == 2
    assert sj.step_counts(conn, "2026-11-01", "2026-11-15") == {1: 1, 7: 1, 12: 1}
    assert list(sj.journal_dates_desc(conn, "2026-11-15")) == ["2026-11-10", "2026-11-01"]
    assert sj.last_reflection_date(conn) == "2026-11-20"


def test_many_rows_stream_through_in_batches(conn):
    with store.transaction(conn):
        for i in range(1200):
            sj.insert_reflection(conn, date="2026-01-01", text=f"entry {i}", created_at=NOW)
    got = [r.id for r in sj.query_reflections(conn, sj.ReflectionFilter())]
    assert len(got) == 1200 and got == sorted(got, reverse=True)


# --- full-text search -----------------------------------------------------------------

def test_search_ranks_best_match_first(conn):
    best = add(conn, "Trust. Trust again: trust is earned.", date="2026-01-05")
    weak = add(
        conn,
        "A long day of budget meetings, hiring plans, vendor calls and a short word "
        "about trust near the end, then more budget and more planning for next year.",
        date="2026-11-20",
    )
    add(conn, "nothing relevant here", date="2026-11-21")
    found = [r.id for r in sj.query_reflections(conn, sj.ReflectionFilter(search="trust"))]
    assert found == [best, weak]  # rank beats recency


def test_search_needs_every_word_and_ignores_accents_and_case(conn):
    both = add(conn, "Coffee at the café with Ana about the ROADMAP")
    add(conn, "Roadmap review alone")
    search = lambda q: [r.id for r in sj.query_reflections(conn, sj.ReflectionFilter(search=q))]  # noqa: E731
    assert search("cafe roadmap") == [both]
    assert search("CAFÉ") == [both]
    assert search("road*") and len(search("road*")) == 2
    assert search("road") == []  # whole words unless a * asks for a prefix


@pytest.mark.parametrize("query", ['"', "*", "AND", "OR trust", "NEAR(trust", "a-b", ":", "^x", "(", "'"])
def test_search_treats_operators_as_plain_words(conn, query):
    add(conn, "trust")
    list(sj.query_reflections(conn, sj.ReflectionFilter(search=query)))  # must not raise


def test_search_follows_edits(conn):
    rid = add(conn, "old words")
    with store.transaction(conn):
        sj.update_reflection(conn, rid, updated_at="later", text="new words")
    search = lambda q: [r.id for r in sj.query_reflections(conn, sj.ReflectionFilter(search=q))]  # noqa: E731
    assert search("old") == []
    assert search("new") == [rid]
    assert sj.get_reflection(conn, rid).updated_at == "later"


def test_fts_query_quotes_every_word():
    assert sj.fts_query('trust "me" now*') == '"trust" """me""" "now"*'
    assert sj.fts_query("  ") == ""
    assert sj.fts_query("*") == '"*"'


# --- prompts bookkeeping --------------------------------------------------------------

def test_prompt_ids_since_and_custom_prompts(conn):
    add(conn, "x", date="2026-10-01", prompt_id="old")
    add(conn, "y", date="2026-11-01", prompt_id="new")
    add(conn, "z", date="2026-11-02")
    assert sj.prompt_ids_since(conn, "2026-10-15") == {"new"}
    with store.transaction(conn):
        sj.insert_custom_prompt(conn, "mine-1", "Who did I help?", [3, 4], NOW)
    assert sj.next_custom_prompt_number(conn) == 2
    [p] = sj.custom_prompts(conn)
    assert (p["id"], p["text"], p["steps"]) == ("mine-1", "Who did I help?", [3, 4])


def _journal_mode(path) -> str:
    with sqlite3.connect(path) as raw:
        return raw.execute("PRAGMA journal_mode").fetchone()[0]


def test_an_empty_journal_left_in_rollback_mode_gets_wal_back(db, pj):
    """What a killed import into an empty journal leaves: the next pj puts WAL back."""
    assert pj("log").exit_code == 0
    raw = sqlite3.connect(db)
    raw.execute("PRAGMA journal_mode = DELETE")
    raw.close()
    assert _journal_mode(db) == "delete"
    assert pj("log").exit_code == 0
    assert _journal_mode(db) == "wal"


def test_a_journal_with_reflections_in_rollback_mode_is_read_as_it_is(db, pj):
    """A backup copy (written in rollback mode, one self-contained file) opened with
    --db to look at it is not rewritten."""
    assert pj("reflect", "Asked Ana what finance needs from us").exit_code == 0
    raw = sqlite3.connect(db)
    raw.execute("PRAGMA journal_mode = DELETE")
    raw.close()
    before = db.read_bytes()
    assert pj("log").exit_code == 0
    assert _journal_mode(db) == "delete" and db.read_bytes() == before
