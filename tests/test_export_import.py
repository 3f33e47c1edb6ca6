"""pj export / pj import: both formats, every record kind, merging, folders, files.

The v3 tables (evaluations) are written in schema.py but not active yet; these tests
create them beside the active schema so that every kind is exported and imported.
"""

from __future__ import annotations

import io
import json
import os
import sqlite3
import stat
import tracemalloc
from pathlib import Path

import pytest
from conftest import snapshot

from partnerjournal import store
from partnerjournal.services import transfer as tr
from partnerjournal.store import schema
from partnerjournal.store import transfer as st

T1 = "2026-10-01T09:00:00+02:00"
T2 = "2026-10-02T10:30:00+02:00"
T3 = "2026-10-03T08:00:00-05:00"
NOW = "2026-11-23T10:00:00+01:00"
TRICKY = (
    "# not a heading of the export\n---\ntitle: no front matter\n---\n"
    "<!-- pj:end -->\n\\<!-- pj:text -->\n<!-- a comment -->\r\nعربي עברית 👩‍👩‍👧\n\n"
)


# --- helpers shared by the transfer tests ---------------------------------------------


def add_all_tables(db: Path) -> None:
    """Create the journal with the tables of every schema block in schema.py, the ones
    not activated yet included, so every record kind can be exported."""
    conn = store.connect(db)
    try:
        have = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        for sql, probe in ((schema.V2_PARTNERSHIPS, "sessions"), (schema.V3_EVALUATIONS, "evaluations")):
            if probe not in have:
                conn.executescript(sql)
    finally:
        conn.close()


def fill_everything(db: Path) -> None:
    """One or two records of every kind, with texts that look like markdown markers."""
    add_all_tables(db)
    from partnerjournal.catalog import load_catalog

    catalog_prompt = load_catalog().prompts[0].id
    c = sqlite3.connect(db)
    rows = {
        "settings": [{"key": "fiscal-year-start", "value": "4"}],
        "custom_prompts": [{"id": "mine-1", "uid": "p1", "text": "What did you learn?",
                            "steps": "[1, 2]", "created_at": T1, "updated_at": T1}],
        "partners": [
            {"id": 1, "uid": "pa", "name": "Ana López", "name_key": "ana lópez", "created_at": T1,
             "updated_at": T2, "box": "managers", "relation": "direct", "note": "Met at\nthe offsite"},
            {"id": 2, "uid": "pb", "name": "Ben", "name_key": "ben", "created_at": T1,
             "updated_at": T1, "archived_at": T3},
        ],
        "reflections": [
            {"id": 1, "uid": "r1", "date": "2026-10-01", "text": TRICKY, "prompt_id": "mine-1",
             "important_share": 40, "created_at": T1, "updated_at": T2},
            {"id": 2, "uid": "r2", "date": "2026-11-15", "text": "Plain day.",
             "prompt_id": catalog_prompt, "created_at": T2, "updated_at": T2},
        ],
        "reflection_steps": [{"reflection_id": 1, "step": 1}, {"reflection_id": 1, "step": 3}],
        "reflection_partners": [{"reflection_id": 1, "partner_id": 1},
                                {"reflection_id": 1, "partner_id": 2}],
        "reflection_tags": [{"reflection_id": 1, "tag": "c++"}, {"reflection_id": 1, "tag": "feedback"}],
        "objectives": [{"id": 1, "uid": "o1", "name": "Revenue", "name_key": "revenue",
                        "kind": "business", "unit": "EUR", "target": 1.5e6, "lower_is_better": 0,
                        "created_at": T1, "updated_at": T1}],
        "measurements": [{"id": 1, "uid": "m1", "objective_id": 1, "date": "2026-10-15",
                          "value": 1234.5, "note": None, "created_at": T1, "updated_at": T1}],
        "sessions": [{"id": 1, "uid": "s1", "partner_id": 1, "date": "2026-10-05", "minutes": 90,
                      "successes": "Launch\r\nwent well", "objectives": "", "feedback": "---",
                      "created_at": T1, "updated_at": T1}],
        "commitments": [
            {"id": 1, "uid": "c1", "partner_id": 2, "date": "2026-10-05", "text": "Send the plan",
             "due": "2026-10-20", "status": "kept", "closed_at": "2026-10-18",
             "created_at": T1, "updated_at": T2},
            {"id": 2, "uid": "c2", "partner_id": 1, "date": "2026-10-06", "text": "Call back",
             "status": "open", "created_at": T1, "updated_at": T1},
        ],
        "trust_checks": [{"id": 1, "uid": "t1", "partner_id": 1, "date": "2026-10-06",
                          "credibility": 7, "reliability": 8, "intimacy": 6, "self_orientation": 3,
                          "created_at": T1, "updated_at": T1}],
        "stories": [{"id": 1, "uid": "st1", "date": "2026-10-07", "text": "We shipped.\n",
                     "impact": "\nCustomers noticed", "created_at": T1, "updated_at": T1}],
        "story_partners": [{"story_id": 1, "partner_id": 1}],
        "evaluations": [{"id": 1, "uid": "e1", "quarter": "2026Q3", "progress": "Good",
                         "feedback": "<!-- pj:end -->", "created_at": T1, "updated_at": T1}],
        "evaluation_ratings": [{"evaluation_id": 1, "step": 1, "rating": 4, "note": "ok\n"},
                               {"evaluation_id": 1, "step": 11, "rating": 2, "note": None}],
        "adjustments": [{"id": 1, "uid": "a1", "evaluation_id": 1, "position": 0,
                         "text": "Listen first", "steps": "[11]", "created_at": T1, "updated_at": T1}],
    }
    with c:
        for table, records in rows.items():
            for r in records:
                c.execute(
                    f"INSERT INTO {table} ({', '.join(r)}) VALUES ({', '.join('?' for _ in r)})",
                    list(r.values()),
                )
    c.close()


SYNC_BOOKKEEPING = {"device", "versions", "tombstones", "conflicts", "sync_peers", "sync_seen",
                    "sync_aliases"}


def dump(db: Path) -> dict[str, list[str]]:
    """Every record of every table, with local integer ids replaced by the uid they
    stand for: two journals with the same records give the same dump."""
    c = sqlite3.connect(db)
    try:
        tables = [
            r[0] for r in c.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '%fts%'"
                " AND name NOT LIKE 'sqlite_%' AND name != 'migrations'"
            )
            if r[0] not in SYNC_BOOKKEEPING  # this machine's own: device id, versions
        ]
        info = {t: c.execute(f"PRAGMA table_info([{t}])").fetchall() for t in tables}
        uid_of = {}
        for t in tables:
            cols = {r[1]: r[2] for r in info[t]}
            if cols.get("id") == "INTEGER" and "uid" in cols:
                uid_of[t] = dict(c.execute(f"SELECT id, uid FROM [{t}]"))
        out = {}
        for t in tables:
            fks = {r[3]: r[2] for r in c.execute(f"PRAGMA foreign_key_list([{t}])")}
            names = [r[1] for r in info[t]]
            rows = []
            for row in c.execute(f"SELECT * FROM [{t}]"):
                rec = {}
                for name, value in zip(names, row):
                    if name == "id" and t in uid_of:
                        continue
                    if name in fks:
                        value = uid_of[fks[name]][value]
                    rec[name] = value
                rows.append(repr(sorted(rec.items())))
            out[t] = sorted(rows)
        return out
    finally:
        c.close()


def without_stamp(text: str) -> str:
    """An export without its exported_at, which differs from run to run."""
    import re

    return re.sub(r"exported_at[\"=:]+ ?\"?[0-9T:+\-]+\"?", "exported_at", text)


@pytest.fixture
def full(db):
    fill_everything(db)
    return db


# --- export ---------------------------------------------------------------------------


def test_json_export_has_every_kind_and_field(pj, full):
    r = pj("export", "--format", "json")
    assert r.exit_code == 0, r
    data = r.json()
    assert data["format"] == "partnerjournal" and data["version"] == 1
    assert data["schema"] == schema.LATEST
    assert list(data["records"]) == [k.name for k in st.KINDS]
    recs = data["records"]
    assert recs["settings"] == [{"key": "fiscal-year-start", "value": "4"}]
    [r1, r2] = recs["reflections"]
    assert r1 == {
        "uid": "r1", "date": "2026-10-01", "text": TRICKY, "prompt_id": "mine-1",
        "important_share": 40, "prompt_rule": None, "prompt_record": None,
        "prompt_text": None, "steps": [1, 3], "partners": ["pa", "pb"],
        "tags": ["c++", "feedback"], "created_at": T1, "updated_at": T2,
    }
    assert r2["partners"] == [] and r2["steps"] == []
    assert recs["sessions"][0]["partner"] == "pa"
    assert recs["measurements"][0]["objective"] == "o1"
    assert recs["objectives"][0]["lower_is_better"] is False
    assert recs["custom_prompts"][0]["steps"] == [1, 2]
    assert recs["evaluations"][0]["ratings"] == [
        {"step": 1, "rating": 4, "note": "ok\n"}, {"step": 11, "rating": 2, "note": None},
    ]
    assert recs["adjustments"][0] == {
        "uid": "a1", "evaluation": "e1", "position": 0, "text": "Listen first", "steps": [11],
        "created_at": T1, "updated_at": T1,
    }
    assert recs["stories"][0]["partners"] == ["pa"]
    # local integer ids stay home; a prompt's id is its short name (mine-1)
    assert all("id" not in rec for k, v in recs.items() if k != "custom_prompts" for rec in v)


def test_export_of_a_journal_from_schema_v2_holds_its_records(pj, copy_fixture, monkeypatch):
    import sqlite3

    path = copy_fixture("journal-v2.sqlite")
    with sqlite3.connect(path) as raw:
        reflections = raw.execute("SELECT count(*) FROM reflections").fetchone()[0]
        sessions = raw.execute("SELECT count(*) FROM sessions").fetchone()[0]
    raw.close()
    monkeypatch.setenv("PARTNERJOURNAL_DB", str(path))
    data = pj("export", "--format", "json").json()
    assert len(data["records"]["reflections"]) == reflections > 0
    assert len(data["records"]["sessions"]) == sessions > 0
    assert data["records"]["evaluations"] == []  # the v3 tables exist after the upgrade, empty


def _text(pj, tmp_path, *args) -> str:
    """An export read back byte for byte (CliRunner's stdout turns CRLF into LF)."""
    path = tmp_path / "export.out"
    assert pj("export", *args, "-o", path).exit_code == 0
    return path.read_bytes().decode()


def test_markdown_keeps_ids_out_of_the_readers_way(pj, full, tmp_path):
    text = _text(pj, tmp_path)
    assert text.startswith("<!-- partnerjournal export v1 schema=")
    assert "## Reflections" in text and "## Partners" in text
    assert "- Partners: Ana López, Ben" in text  # names for the reader, uids in the marker
    assert "<!-- pj:reflection uid=r1 " in text
    assert "name=Ana%20López" in text
    # the tricky text: escaped marker lines, everything else verbatim
    assert "\n\\<!-- pj:end -->\n\\\\<!-- pj:text -->\n<!-- a comment -->\r\n" in text


def test_export_files_are_private_and_atomic(pj, full, tmp_path):
    old = os.umask(0)  # the modes must not depend on the umask
    try:
        r = pj("export", "--output", tmp_path / "new" / "deep" / "j.md")
        assert r.exit_code == 0, r
        assert r.stdout.startswith("Exported ")
        r = pj("export", "--output", tmp_path / "days", "--split", "day")
        assert r.exit_code == 0, r
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new" / "deep" / "j.md").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "new").stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "new" / "deep").stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "days").stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "days" / "partners").stat().st_mode) == 0o700
    notes = list((tmp_path / "days" / "partners").iterdir())
    assert len(notes) == 2
    for f in [*(tmp_path / "days").glob("*.md"), *notes]:
        assert stat.S_IMODE(f.stat().st_mode) == 0o600
    assert not [p for p in tmp_path.rglob(".*.tmp")]


def test_atomic_file_keeps_the_old_one_when_writing_fails(tmp_path):
    target = tmp_path / "j.md"
    target.write_text("old")
    with pytest.raises(RuntimeError):
        with tr.atomic_text_file(target) as fh:
            fh.write("half")
            raise RuntimeError("disk full")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["j.md"]


def test_a_new_folder_of_files_appears_whole_or_not_at_all(tmp_path):
    """A folder that did not exist is made beside its place and renamed into it: a
    failure leaves neither the folder nor anything beside it."""
    from partnerjournal.files import atomic_files

    target = tmp_path / "notes" / "days"
    with pytest.raises(RuntimeError):
        with atomic_files(target) as folder:
            with folder.open("2026-11-01.md") as fh:
                fh.write("one")
            with folder.open("partners/Ana.md") as fh:
                fh.write("half")
            raise RuntimeError("disk full")
    assert not target.exists()
    assert list((tmp_path / "notes").iterdir()) == []
    with atomic_files(target) as folder:
        for name in ("2026-11-01.md", "partners/Ana.md"):
            with folder.open(name) as fh:
                fh.write(name)
        assert not target.exists()  # nothing in place before the end
    assert sorted(p.relative_to(target).as_posix() for p in target.rglob("*")) == [
        "2026-11-01.md", "partners", "partners/Ana.md"]
    assert (target / "partners" / "Ana.md").read_text() == "partners/Ana.md"
    assert [p.name for p in (tmp_path / "notes").iterdir()] == ["days"]
    assert stat.S_IMODE(target.stat().st_mode) == 0o700
    assert stat.S_IMODE((target / "partners").stat().st_mode) == 0o700
    assert stat.S_IMODE((target / "2026-11-01.md").stat().st_mode) == 0o600


def test_a_new_folder_filled_meanwhile_keeps_what_was_put_there(tmp_path):
    from partnerjournal.files import atomic_files

    target = tmp_path / "days"
    with atomic_files(target) as folder:
        for name in ("2026-11-01.md", "partners/Ana.md"):
            with folder.open(name) as fh:
                fh.write(name)
        target.mkdir()
        (target / "mine.txt").write_text("keep")
    assert sorted(p.relative_to(target).as_posix() for p in target.rglob("*")) == [
        "2026-11-01.md", "mine.txt", "partners", "partners/Ana.md"]
    assert (target / "mine.txt").read_text() == "keep"
    assert [p.name for p in tmp_path.iterdir()] == ["days"]


def test_split_by_day_writes_front_matter_and_a_main_file(pj, full, tmp_path):
    folder = tmp_path / "vault"
    r = pj("export", "-o", folder, "--split", "day", "--json")
    assert r.exit_code == 0, r
    names = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.md"))
    assert names == ["2026-10-01.md", "2026-11-15.md", "partnerjournal.md",
                     "partners/Ana López.md", "partners/Ben.md"]
    assert sorted(Path(f).relative_to(folder).as_posix() for f in r.json()["files"]) == names
    day = (folder / "2026-10-01.md").read_text()
    assert day.startswith(
        "---\ndate: 2026-10-01\nsource: partnerjournal\n"
        'tags:\n  - "c++"\n  - "feedback"\n  - "pj/step-1"\n  - "pj/step-3"\n'
        'partners:\n  - "[[Ana López]]"\n  - "[[Ben]]"\n'
        "---\n<!-- partnerjournal export v1 ")
    assert "uid=r1" in day and "uid=r2" not in day
    main = (folder / "partnerjournal.md").read_text()
    assert main.startswith("---\ntitle: partnerjournal\n")
    assert "uid=pa" in main and "uid=r1" not in main and "uid=s1" in main
    r = pj("export", "-o", tmp_path / "months", "--split", "month")
    assert sorted(p.name for p in (tmp_path / "months").iterdir()) == [
        "2026-10.md", "2026-11.md", "partnerjournal.md", "partners"]
    month = (tmp_path / "months" / "2026-11.md").read_text()
    assert month.startswith("---\ndate: 2026-11-01\nsource: partnerjournal\n"
                            "tags: []\npartners: []\n---\n")


def test_dates_and_quarters_choose_the_dated_records(pj, full):
    data = pj("export", "-f", "json", "--from", "2026-11-01").json()["records"]
    assert [r["uid"] for r in data["reflections"]] == ["r2"]
    assert data["sessions"] == [] and data["commitments"] == []
    assert len(data["partners"]) == 2 and len(data["evaluations"]) == 1  # always whole
    data = pj("export", "-f", "json", "--quarter", "2026Q4", "--until", "2026-10-31")
    assert data.exit_code == 2
    data = pj("export", "-f", "json", "--until", "2026-10-05").json()["records"]
    assert [r["uid"] for r in data["reflections"]] == ["r1"]
    assert [c["uid"] for c in data["commitments"]] == ["c1"]


@pytest.mark.parametrize(
    "args, words",
    [
        (["--split", "day"], "--split needs --output"),
        (["--split", "week", "-o", "x"], "--split 'week'"),
        (["-f", "json", "--split", "day", "-o", "x"], "--split writes markdown"),
        (["-f", "yaml"], "--format 'yaml'"),
        (["--from", "2026-11-02", "--until", "2026-11-01"], "swap them"),
        (["--from", "soon"], "--from 'soon'"),
        (["--json"], "--json reports"),
    ],
)
def test_export_usage_errors(pj, full, args, words):
    r = pj("export", *args)
    assert r.exit_code == 2, r
    assert r.stderr.startswith("pj: error:") and r.stderr.count("\n") == 1
    assert words in r.stderr


def test_export_never_overwrites_the_journal(pj, full):
    before = snapshot(full)
    r = pj("export", "--output", full)
    assert r.exit_code == 2 and "is your journal" in r.stderr
    assert snapshot(full) == before


class _Discard(io.TextIOBase):
    def write(self, s):
        return len(s)


def test_export_streams_with_flat_memory(db):
    """Ten times the reflections must not need anywhere near ten times the memory."""
    conn = store.connect(db)

    def peak(n: int) -> int:
        with store.transaction(conn):
            conn.execute("DELETE FROM reflections")
            conn.executemany(
                "INSERT INTO reflections (uid, date, text, created_at, updated_at)"
                " VALUES (?, '2026-01-01', ?, ?, ?)",
                [(f"u{i}", "word " * 100, T1, T1) for i in range(n)],
            )
        tracemalloc.start()
        for fmt in ("json", "markdown"):
            tr.export_journal(conn, now=NOW, fmt=fmt, out=_Discard())
        top = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return top

    small, large = peak(300), peak(3000)
    conn.close()
    assert large < small * 2, (small, large)


@pytest.mark.parametrize("fmt", ["json", "markdown"])
def test_import_streams_with_flat_memory(tmp_path, fmt):
    """Past one batch of records, five times the file must not need more memory."""

    def peak(n: int) -> int:
        source = store.connect(tmp_path / f"a{n}.sqlite")
        with store.transaction(source):
            source.executemany(
                "INSERT INTO reflections (uid, date, text, created_at, updated_at)"
                " VALUES (?, '2026-01-01', ?, ?, ?)",
                [(f"u{i}", "word " * 100, T1, T1) for i in range(n)],
            )
        tr.export_journal(source, now=NOW, fmt=fmt, output=tmp_path / f"x{n}")
        source.close()
        target = store.connect(tmp_path / f"b{n}.sqlite")
        tracemalloc.start()
        tr.import_path(target, tmp_path / f"x{n}", fmt=fmt)
        top = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        target.close()
        return top

    small, large = peak(1000), peak(5000)
    assert large < small * 1.5, (small, large)


# --- round trips and merging -----------------------------------------------------------


@pytest.mark.parametrize("fmt, name", [("json", "j.json"), ("markdown", "j.md")])
def test_round_trip_through_an_empty_journal(pj, full, tmp_path, fmt, name):
    first = _text(pj, tmp_path, "-f", fmt)
    (tmp_path / name).write_bytes(first.encode())
    other = tmp_path / "other.sqlite"
    add_all_tables(other)
    r = pj("--db", other, "import", tmp_path / name)
    assert r.exit_code == 0, r
    assert "reflections: 2 added, 0 updated, 0 skipped" in r.stdout
    out = tmp_path / "again.out"
    assert pj("--db", other, "export", "-f", fmt, "-o", out).exit_code == 0
    again = out.read_bytes().decode()
    assert ("\r\n" in again) == (fmt == "markdown")  # JSON escapes it
    assert without_stamp(again) == without_stamp(first)
    assert dump(other) == dump(full)
    # search works on imported texts (the FTS index follows)
    hits = pj("--db", other, "log", "--search", "Plain", "--json").json()
    assert [h["text"] for h in hits] == ["Plain day."]


def test_split_folder_round_trip(pj, full, tmp_path):
    pj("export", "-o", tmp_path / "vault", "--split", "month")
    other = tmp_path / "other.sqlite"
    add_all_tables(other)
    r = pj("--db", other, "import", tmp_path / "vault")
    assert r.exit_code == 0, r
    assert dump(other) == dump(full)


def test_importing_twice_changes_nothing(pj, full, tmp_path):
    path = tmp_path / "j.json"
    pj("export", "-f", "json", "-o", path)
    other = tmp_path / "other.sqlite"
    add_all_tables(other)
    pj("--db", other, "import", path)
    before = snapshot(other)
    r = pj("--db", other, "import", path, "--json")
    assert r.exit_code == 0, r
    counts = r.json()["records"]
    assert all(c["added"] == c["updated"] == 0 for c in counts.values())
    assert counts["reflections"]["skipped"] == 2
    assert snapshot(other) == before
    r = pj("import", path)  # into the journal it came from
    assert "reflections: 0 added, 0 updated, 2 skipped" in r.stdout


def _export(pj, tmp_path, db=None, fmt="json") -> Path:
    path = tmp_path / f"x{len(list(tmp_path.iterdir()))}.{'json' if fmt == 'json' else 'md'}"
    args = ["--db", db] if db else []
    assert pj(*args, "export", "-f", fmt, "-o", path).exit_code == 0
    return path


def _record(data: dict, kind: str, uid: str) -> dict:
    return next(r for r in data["records"][kind] if r.get("uid") == uid)


@pytest.mark.parametrize("fmt", ["json", "markdown"])
def test_newer_updated_at_wins_and_older_is_skipped(pj, full, tmp_path, fmt):
    other = tmp_path / "other.sqlite"
    add_all_tables(other)
    pj("--db", other, "import", _export(pj, tmp_path))
    c = sqlite3.connect(full)
    with c:  # this machine edits r1 later (an earlier offset, a later moment) ...
        c.execute("UPDATE reflections SET text = 'edited here', updated_at = ? WHERE uid = 'r1'",
                  ("2026-10-02T05:00:00-05:00",))
        c.execute("DELETE FROM reflection_tags WHERE reflection_id = 1 AND tag = 'c++'")
        # ... and carries an older copy of c1 than the other machine will have
    c.close()
    o = sqlite3.connect(other)
    with o:
        o.execute("UPDATE commitments SET reason = 'newer there', updated_at = ? WHERE uid = 'c1'",
                  ("2026-12-01T00:00:00+00:00",))
    o.close()
    r = pj("--db", other, "import", _export(pj, tmp_path, fmt=fmt))
    assert r.exit_code == 0, r
    assert "reflections: 0 added, 1 updated, 1 skipped" in r.stdout
    assert "commitments: 0 added, 0 updated, 2 skipped" in r.stdout
    data = pj("--db", other, "export", "-f", "json").json()
    r1 = _record(data, "reflections", "r1")
    assert r1["text"] == "edited here" and r1["tags"] == ["feedback"]
    assert _record(data, "commitments", "c1")["reason"] == "newer there"


def test_same_partner_made_on_two_machines_is_merged_by_name(pj, tmp_path):
    laptop, desktop = tmp_path / "laptop.sqlite", tmp_path / "desktop.sqlite"
    pj("--db", laptop, "reflect", "Lunch with Ana", "--partner", "Ana")
    pj("--db", desktop, "reflect", "Ana again", "--partner", "ANA", "--partner", "Bo")
    r = pj("--db", desktop, "import", _export(pj, tmp_path, laptop, "markdown"))
    assert r.exit_code == 0, r
    assert "partners: 0 added, 0 updated, 0 skipped, 1 merged by name" in r.stdout
    assert "partner 'Ana' matched the journal's by name: merged" in r.stderr
    partners = pj("--db", desktop, "export", "-f", "json").json()["records"]["partners"]
    assert sorted(p["name"] for p in partners) == ["ANA", "Bo"]
    ana = next(p for p in partners if p["name"] == "ANA")
    entries = pj("--db", desktop, "log", "--partner", "ana", "--json").json()
    assert sorted(e["text"] for e in entries) == ["Ana again", "Lunch with Ana"]
    # and the merge is stable: the same file again changes nothing
    before = snapshot(desktop)
    pj("--db", desktop, "import", _export(pj, tmp_path, laptop))
    assert snapshot(desktop) == before
    laptop_ana = json.loads(_export(pj, tmp_path, laptop).read_text())["records"]["partners"][0]
    assert ana["uid"] != laptop_ana["uid"]  # the journal keeps its own id for its partner


def test_same_evaluation_quarter_and_objective_name_merge(pj, full, tmp_path):
    other = tmp_path / "other.sqlite"
    add_all_tables(other)
    o = sqlite3.connect(other)
    with o:
        o.execute("INSERT INTO evaluations (uid, quarter, progress, created_at, updated_at)"
                  " VALUES ('mine', '2026Q3', 'mine', ?, ?)", (T3, T3))
        o.execute("INSERT INTO objectives (uid, name, name_key, kind, created_at, updated_at)"
                  " VALUES ('o-here', 'REVENUE', 'revenue', 'customer', ?, ?)", (T3, T3))
    o.close()
    r = pj("--db", other, "import", _export(pj, tmp_path))
    assert r.exit_code == 0, r
    assert "evaluations: 0 added, 0 updated, 0 skipped, 1 merged by name" in r.stdout
    data = pj("--db", other, "export", "-f", "json").json()["records"]
    assert [e["uid"] for e in data["evaluations"]] == ["mine"]
    assert data["adjustments"][0]["evaluation"] == "mine"
    assert data["measurements"][0]["objective"] == "o-here"


def test_a_taken_prompt_id_is_renamed_and_reflections_follow(pj, full, tmp_path):
    other = tmp_path / "other.sqlite"
    add_all_tables(other)
    pj("--db", other, "prompts", "add", "A prompt of the other machine", "--step", "4")
    r = pj("--db", other, "import", _export(pj, tmp_path))
    assert r.exit_code == 0, r
    assert "prompt mine-1 from the import is saved as mine-2" in r.stderr
    data = pj("--db", other, "export", "-f", "json").json()
    assert {p["id"]: p["uid"] for p in data["records"]["custom_prompts"]}["mine-2"] == "p1"
    assert _record(data, "reflections", "r1")["prompt_id"] == "mine-2"
    before = snapshot(other)
    r = pj("--db", other, "import", _export(pj, tmp_path))
    assert "reflections: 0 added, 0 updated, 2 skipped" in r.stdout
    assert snapshot(other) == before


def test_dry_run_reports_and_changes_nothing(pj, full, tmp_path):
    path = _export(pj, tmp_path)
    other = tmp_path / "other.sqlite"
    add_all_tables(other)
    before = snapshot(other)
    r = pj("--db", other, "import", path, "--dry-run")
    assert r.exit_code == 0, r
    assert "reflections: 2 added" in r.stdout and "Dry run: nothing was changed." in r.stderr
    assert snapshot(other) == before


def test_import_from_standard_input(pj, full, tmp_path):
    text = _text(pj, tmp_path)
    other = tmp_path / "other.sqlite"
    add_all_tables(other)
    r = pj("--db", other, "import", "-", input=text.encode())
    assert r.exit_code == 0, r
    assert dump(other) == dump(full)


def test_records_may_come_in_any_order(pj, full, tmp_path):
    """A hand-made file naming a partner before listing it still imports."""
    data = json.loads(pj("export", "-f", "json").stdout)
    records = data["records"]
    data["records"] = {"reflections": records.pop("reflections"), **records}
    path = tmp_path / "reordered.json"
    path.write_text(json.dumps(data))
    other = tmp_path / "other.sqlite"
    add_all_tables(other)
    assert pj("--db", other, "import", path).exit_code == 0
    assert dump(other) == dump(full)


def _versions(db: Path) -> dict[tuple[str, str], tuple[str, list[str]]]:
    c = sqlite3.connect(db)
    try:
        return {(k, u): (d, json.loads(p)) for k, u, d, p, r in c.execute(
            "SELECT kind, uid, dot, past, record FROM versions") if r is None}
    finally:
        c.close()


def _first_versions(db: Path) -> dict[tuple[str, str], tuple[str, list[str]]]:
    """The version each record of ``db`` has when it was made here (or imported)."""
    c = sqlite3.connect(db)
    try:
        return {(kind, k): (f"0:{v}", []) for kind, table, key, first in schema.SYNCED_TABLES
                for k, v in c.execute(f"SELECT [{key}], [{first}] FROM [{table}]")}
    finally:
        c.close()


def test_imported_records_get_their_first_version_as_if_made_here(pj, full, tmp_path):
    """Every record an import adds has the version the journal's insert triggers give
    (named after its updated_at); one that the same file lists again, newer, is added
    then updated, and its version remembers the first."""
    data = json.loads(pj("export", "-f", "json").stdout)
    records = data["records"]
    older = dict(_record(data, "reflections", "r2"), text="An older copy", updated_at=T1)
    records["reflections"].insert(0, older)  # r2 at T1 first, then r2 at T2
    data["records"] = {"reflections": records.pop("reflections"), **records}  # waits
    path = tmp_path / "twice.json"
    path.write_text(json.dumps(data))
    other = tmp_path / "other.sqlite"
    add_all_tables(other)
    r = pj("--db", other, "import", path)
    assert r.exit_code == 0, r
    assert "reflections: 2 added, 1 updated, 0 skipped" in r.stdout
    assert dump(other) == dump(full)
    versions, first = _versions(other), _first_versions(other)
    assert versions.keys() == first.keys() and len(first) == 15
    r2 = versions.pop(("reflections", "r2"))
    device = sqlite3.connect(other).execute("SELECT id FROM device").fetchone()[0]
    assert r2[0].startswith(device + ":") and r2[1] == [f"0:{T1}"]
    del first[("reflections", "r2")]
    assert versions == first
    # the journal's own triggers give the next record made here its version again
    assert pj("--db", other, "reflect", "After the import", "--partner", "Ana López").exit_code == 0
    c = sqlite3.connect(other)
    (uid, stamp), = c.execute("SELECT uid, updated_at FROM reflections WHERE text LIKE 'After%'")
    c.close()
    assert _versions(other)[("reflections", uid)] == (f"0:{stamp}", [])


def test_import_into_an_empty_journal_another_program_has_open(pj, full, tmp_path):
    """The journal cannot leave WAL mode while another connection has it open (see
    store.transfer.rollback_journal_if_empty): the import then runs in WAL mode, and
    the other program reads the records once it is done."""
    path = tmp_path / "j.json"
    assert pj("export", "-f", "json", "-o", path).exit_code == 0
    other = tmp_path / "other.sqlite"
    add_all_tables(other)
    reader = sqlite3.connect(other)
    try:
        assert reader.execute("SELECT count(*) FROM reflections").fetchone()[0] == 0
        r = pj("--db", other, "import", path)
        assert r.exit_code == 0, r
        assert reader.execute("SELECT count(*) FROM reflections").fetchone()[0] == 2
        assert reader.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        reader.close()
    assert dump(other) == dump(full)


def test_fields_with_a_default_may_be_left_out(pj, tmp_path):
    pj("reflect", "x", "--partner", "Ana")
    data = pj("export", "-f", "json").json()
    uid = data["records"]["partners"][0]["uid"]
    data["records"]["sessions"] = [{"uid": "s9", "partner": uid, "date": "2026-11-02",
                                    "minutes": 30, "created_at": T1, "updated_at": T1}]
    path = tmp_path / "s.json"
    path.write_text(json.dumps(data))
    assert pj("import", path).exit_code == 0
    session = pj("export", "-f", "json").json()["records"]["sessions"][0]
    assert session["successes"] == session["objectives"] == session["feedback"] == ""


# --- the description covers the schema -------------------------------------------------


def test_every_table_and_column_of_every_schema_block_is_described(tmp_path):
    """A new column or table in schema.py (even one not activated yet) must be added
    to store/transfer.py's KINDS, or exports would carry it only as a raw value."""
    import re

    conn = sqlite3.connect(tmp_path / "all.sqlite")
    blocks = sorted((int(m.group(1)), sql) for name, sql in vars(schema).items()
                    if (m := re.fullmatch(r"V(\d+)_\w+", name)))
    assert len(blocks) >= 3
    for _, block in blocks:
        conn.executescript(block)
    kinds = st.available_kinds(conn)
    assert [k.name for k in kinds] == [k.name for k in st.KINDS]
    raw = [(k.name, f.name) for k in kinds for f in k.fields if f.type == "raw"]
    raw += [(c.table, f.name) for k in kinds for c in k.children for f in c.fields if f.type == "raw"]
    assert raw == []
    described = {k.table for k in st.KINDS} | {c.table for k in st.KINDS for c in k.children}
    tables = {r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'reflections_fts%'")}
    assert tables - described - st.NOT_RECORDS == set()
    conn.close()


def test_a_column_added_later_still_travels(pj, tmp_path):
    """Until KINDS learns a new column, export and import carry it as a raw value."""
    for path in (tmp_path / "a.sqlite", tmp_path / "b.sqlite"):
        store.connect(path).close()
        c = sqlite3.connect(path)
        c.execute("ALTER TABLE reflections ADD COLUMN mood INTEGER")
        c.close()
    pj("--db", tmp_path / "a.sqlite", "reflect", "hi")
    c = sqlite3.connect(tmp_path / "a.sqlite")
    with c:
        c.execute("UPDATE reflections SET mood = 7")
    c.close()
    for fmt in ("json", "markdown"):
        path = _export(pj, tmp_path, tmp_path / "a.sqlite", fmt)
        assert pj("--db", tmp_path / "b.sqlite", "import", path).exit_code == 0
        c = sqlite3.connect(tmp_path / "b.sqlite")
        assert c.execute("SELECT mood FROM reflections").fetchall() == [(7,)]
        c.close()


# --- journals written by pj itself ------------------------------------------------------


def _demo(pj, tmp_path: Path) -> Path:
    path = tmp_path / "demo.sqlite"
    r = pj("demo", "--db", path, "--format", "json")
    assert r.exit_code == 0, r
    return path


@pytest.mark.parametrize("source", ["journal-v1.sqlite", "journal-v2.sqlite", "demo"])
@pytest.mark.parametrize("fmt", ["json", "markdown"])
def test_journals_written_by_pj_round_trip(pj, copy_fixture, tmp_path, source, fmt):
    """Real data, as pj's own commands store it (dates where a column name suggests a
    time, fiscal settings, archived partners, closed commitments, evaluations)."""
    if source == "demo":
        path = _demo(pj, tmp_path)
    elif (Path(__file__).parent / "fixtures" / source).exists():
        path = copy_fixture(source)
    else:
        pytest.skip(f"{source} is not in tests/fixtures yet")
    out = tmp_path / f"out.{fmt}"
    r = pj("--db", path, "export", "-f", fmt, "-o", out)
    assert r.exit_code == 0, r
    other = tmp_path / "other.sqlite"
    r = pj("--db", other, "import", out)
    assert r.exit_code == 0, r
    assert "updated" in r.stdout and " 0 skipped" in r.stdout
    assert dump(other) == dump(path)
    again = tmp_path / f"again.{fmt}"
    pj("--db", other, "export", "-f", fmt, "-o", again)
    assert without_stamp(again.read_text()) == without_stamp(out.read_text())


def test_an_export_of_an_older_schema_imports(pj, copy_fixture, tmp_path):
    """A v1 journal (partners without box or relation) exported before its upgrade."""
    old = copy_fixture("journal-v1.sqlite")
    conn = store.connect(old, migrate=False)
    try:
        tr.export_journal(conn, now=NOW, fmt="json", output=tmp_path / "v1.json")
    finally:
        conn.close()
    data = json.loads((tmp_path / "v1.json").read_text())
    assert data["schema"] == 1 and "box" not in data["records"]["partners"][0]
    assert "sessions" not in data["records"]
    r = pj("import", tmp_path / "v1.json")
    assert r.exit_code == 0, r
    partners = pj("export", "-f", "json").json()["records"]["partners"]
    assert len(partners) == len(data["records"]["partners"])
    assert all(p["box"] is None for p in partners)


@pytest.mark.e2e
@pytest.mark.parametrize("fmt", ["json", "markdown"])
def test_installed_pj_export_piped_into_import(full, tmp_path, fmt):
    """The installed pj through a real pipe: standard output and input keep every byte
    (CRLF inside texts included)."""
    import shutil
    import subprocess

    found = shutil.which("pj")
    assert found, "the installed 'pj' is not on PATH: pip install -e '.[test]'"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PARTNERJOURNAL_", "PJ_"))}
    other = tmp_path / "other.sqlite"
    add_all_tables(other)
    export = subprocess.run([found, "--db", str(full), "export", "-f", fmt],
                            capture_output=True, env=env, check=True)
    assert b"\r\n" in export.stdout or fmt == "json"
    r = subprocess.run([found, "--db", str(other), "import", "-"], input=export.stdout,
                       capture_output=True, env=env)
    assert r.returncode == 0, r.stderr
    assert dump(other) == dump(full)


def _schema(path) -> list[tuple]:
    c = sqlite3.connect(path)
    try:
        return sorted(c.execute("SELECT type, name, tbl_name, sql FROM sqlite_master"
                                " WHERE name NOT LIKE 'reflections_fts%'"))
    finally:
        c.close()


def test_an_import_leaves_the_schema_as_it_found_it(pj, full, tmp_path):
    """An import into an empty journal drops the full-text and insert triggers and the
    reflections' secondary indexes while it writes: every one is back afterwards, the
    same SQL, whether the import succeeded, failed half way, or went into a full one."""
    path = tmp_path / "j.json"
    assert pj("export", "-f", "json", "-o", path).exit_code == 0
    empty = tmp_path / "empty.sqlite"
    add_all_tables(empty)
    before = _schema(empty)
    assert any(t == "trigger" for t, *_ in before) and any(t == "index" for t, *_ in before)
    data = json.loads(path.read_text())
    data["records"]["reflections"].append(dict(data["records"]["reflections"][0],
                                               uid="bad", steps=[14]))
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(data))
    assert pj("--db", empty, "import", broken).exit_code == 1
    assert _schema(empty) == before
    assert pj("--db", empty, "import", path).exit_code == 0
    assert _schema(empty) == before
    assert pj("--db", empty, "import", path).exit_code == 0  # again, into a full journal
    assert _schema(empty) == before
    c = sqlite3.connect(empty)
    assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert c.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    c.close()
