"""pj backup and pj restore: consistent private copies, checked before they replace the
journal, the previous journal kept aside."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
from pathlib import Path

import pytest
from conftest import FIXTURES, snapshot
from test_export_import import dump, fill_everything

from partnerjournal.store.schema import LATEST


@pytest.fixture
def journal(pj, db):
    fill_everything(db)
    pj("reflect", "Written through pj", "--partner", "Cy")
    return db


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def one_line_error(r, code: int) -> None:
    assert r.exit_code == code, r
    assert r.stderr.startswith("pj: error: ") and r.stderr.count("\n") == 1, r.stderr


# --- backup ---------------------------------------------------------------------------


def test_backup_beside_the_journal_is_private_and_complete(pj, journal, tmp_path):
    old = os.umask(0)
    try:
        r = pj("backup")
    finally:
        os.umask(old)
    assert r.exit_code == 0, r
    [made] = list((tmp_path / "backups").iterdir())
    assert r.stdout == f"Backed up the journal to {made}\n"
    assert made.name.startswith("journal-") and made.suffix == ".sqlite"
    assert mode(made) == 0o600 and mode(tmp_path / "backups") == 0o700
    assert dump(made) == dump(journal)
    assert not list(tmp_path.glob("backups/.*"))  # no temporary file left behind
    # a self-contained file: no WAL beside it
    c = sqlite3.connect(made)
    assert c.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    c.close()
    again = pj("backup", "--json").json()  # a second one in the same second gets its own name
    assert Path(again["path"]) != made and again["records"]["reflections"] == 3


def test_backup_to_a_file_or_folder(pj, journal, tmp_path):
    target = tmp_path / "safe" / "pj.sqlite"
    assert pj("backup", target).exit_code == 0
    assert dump(target) == dump(journal)
    r = pj("backup", target)
    one_line_error(r, 1)
    assert "exists" in r.stderr and "--force" in r.stderr
    pj("reflect", "one more")
    assert pj("backup", target, "--force").exit_code == 0
    assert dump(target) == dump(journal)
    assert pj("backup", tmp_path / "safe").exit_code == 0
    assert len(list((tmp_path / "safe").glob("journal-*.sqlite"))) == 1


def test_backup_while_another_pj_is_writing(pj, journal, tmp_path):
    writer = sqlite3.connect(journal, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO settings VALUES ('half-written', 'x')")
    try:
        r = pj("backup", tmp_path / "b.sqlite")
        assert r.exit_code == 0, r
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    c = sqlite3.connect(tmp_path / "b.sqlite")
    assert c.execute("SELECT count(*) FROM settings WHERE key = 'half-written'").fetchone() == (0,)
    c.close()
    assert dump(tmp_path / "b.sqlite") == dump(journal)


def test_backup_refuses_the_journal_itself_and_a_missing_journal(pj, journal, tmp_path):
    before = snapshot(journal)
    one_line_error(pj("backup", journal), 2)
    assert snapshot(journal) == before
    r = pj("--db", tmp_path / "none.sqlite", "backup", tmp_path / "b.sqlite")
    one_line_error(r, 1)
    assert "no journal" in r.stderr and not (tmp_path / "none.sqlite").exists()


# --- restore --------------------------------------------------------------------------


def test_restore_replaces_the_journal_and_keeps_the_old_one(pj, journal, tmp_path):
    backup = tmp_path / "b.sqlite"
    pj("backup", backup)
    backed_up = dump(journal)
    pj("reflect", "written after the backup")
    pj("log")  # another command's connection came and went
    after = dump(journal)
    r = pj("restore", backup, "--yes")
    assert r.exit_code == 0, r
    assert dump(journal) == backed_up
    kept = tmp_path / "journal.sqlite.before-restore"
    assert dump(kept) == after and mode(kept) == 0o600 and mode(journal) == 0o600
    assert "before-restore" in r.stderr
    assert [e["text"] for e in pj("log", "--json").json()][0] == "Written through pj"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_restore_into_a_place_without_journal(pj, journal, tmp_path):
    backup = tmp_path / "b.sqlite"
    pj("backup", backup)
    fresh = tmp_path / "new" / "journal.sqlite"
    r = pj("--db", fresh, "restore", backup, "--yes", "--json")
    assert r.exit_code == 0, r
    assert r.json()["kept_as"] is None
    assert dump(fresh) == dump(journal)
    assert mode(fresh.parent) == 0o700


def test_restore_an_older_schema_then_it_migrates(pj, journal, tmp_path):
    old = tmp_path / "old" / "journal-v1.sqlite"
    old.parent.mkdir()
    shutil.copy(FIXTURES / "journal-v1.sqlite", old)
    r = pj("restore", old, "--yes")
    assert r.exit_code == 0, r
    assert sorted(p.name for p in old.parent.iterdir()) == ["journal-v1.sqlite"]  # only read
    assert pj("log", "--json").exit_code == 0
    c = sqlite3.connect(journal)
    assert c.execute("PRAGMA user_version").fetchone()[0] == LATEST
    c.close()


def test_restore_needs_confirmation_off_a_terminal(pj, journal, tmp_path):
    backup = tmp_path / "b.sqlite"
    pj("backup", backup)
    pj("reflect", "after")
    before = snapshot(journal)
    r = pj("restore", backup)
    one_line_error(r, 2)
    assert "--yes" in r.stderr
    assert snapshot(journal) == before
    assert not (tmp_path / "journal.sqlite.before-restore").exists()


def _damaged(tmp_path: Path, journal: Path) -> Path:
    path = tmp_path / "damaged.sqlite"
    shutil.copy(journal, path)
    c = sqlite3.connect(path)
    c.execute("PRAGMA journal_mode = DELETE")
    pages = c.execute("PRAGMA page_count").fetchone()[0]
    size = c.execute("PRAGMA page_size").fetchone()[0]
    c.close()
    with open(path, "r+b") as fh:  # scribble over every page but the first
        for page in range(1, pages):
            fh.seek(page * size + 8)
            fh.write(b"\xde\xad\xbe\xef" * 64)
    return path


def _text_file(tmp: Path, journal: Path) -> Path:
    (tmp / "notes.txt").write_text("hello")
    return tmp / "notes.txt"


@pytest.mark.parametrize(
    "make, code, words",
    [
        (_text_file, 1, ["not a partnerjournal backup"]),
        (lambda tmp, j: _plain_sqlite(tmp), 1, ["not a partnerjournal journal"]),
        (lambda tmp, j: _newer(tmp, j), 1, ["newer partnerjournal", "upgrade pj"]),
        (_damaged, 1, ["damaged"]),
        (lambda tmp, j: tmp / "missing.sqlite", 2, ["does not exist"]),
        (lambda tmp, j: tmp, 2, ["is a folder"]),
        (lambda tmp, j: j, 2, ["your journal itself"]),
    ],
)
def test_restore_refuses_what_is_not_a_sound_journal(pj, journal, tmp_path, make, code, words):
    path = make(tmp_path, journal)
    before = snapshot(journal)
    r = pj("restore", path, "--yes")
    one_line_error(r, code)
    for word in words:
        assert word in r.stderr, r.stderr
    assert snapshot(journal) == before
    assert not (tmp_path / "journal.sqlite.before-restore").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".journal")]


def _plain_sqlite(tmp: Path) -> Path:
    path = tmp / "other.sqlite"
    c = sqlite3.connect(path)
    c.execute("CREATE TABLE things (x)")
    c.commit()
    c.close()
    return path


def _newer(tmp: Path, journal: Path) -> Path:
    path = tmp / "newer.sqlite"
    shutil.copy(journal, path)
    c = sqlite3.connect(path)
    c.execute(f"PRAGMA user_version = {LATEST + 1}")
    c.close()
    return path


def test_restore_while_another_pj_holds_the_journal(pj, journal, tmp_path):
    backup = tmp_path / "b.sqlite"
    pj("backup", backup)
    pj("reflect", "after")
    before = snapshot(journal)
    other = sqlite3.connect(journal)
    other.execute("SELECT count(*) FROM reflections").fetchone()
    try:
        r = pj("restore", backup, "--yes")
    finally:
        other.close()
    one_line_error(r, 1)
    assert "in use" in r.stderr
    assert snapshot(journal) == before
    c = sqlite3.connect(journal)
    assert c.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    c.close()
