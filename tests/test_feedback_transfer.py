"""Partner feedback travels: JSON and markdown exports import back unchanged into an
empty journal (partial forms with skipped terms, answers that look like markup or like
the export's own markers), and a backup restores them."""

from __future__ import annotations

import json
import sqlite3

import pytest

MARKUP = (
    "# not a heading\n---\ntitle: no front matter\n---\n<!-- pj:end -->\n"
    "<script>alert(1)</script> *star* | pipe | ```fence```\r\nعربي 👩‍👩‍👧\n"
)
COLUMNS = ("date", "credibility", "reliability", "intimacy", "self_orientation", "satisfaction",
           "keep", "change", "uid", "created_at", "updated_at")


def rows(path) -> list[tuple]:
    """Every feedback record with its partner's name (local ids differ between journals)."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute(
            f"SELECT p.name, {', '.join('f.' + c for c in COLUMNS)} FROM feedback f"
            " JOIN partners p ON p.id = f.partner_id ORDER BY f.uid"
        ).fetchall()
    finally:
        conn.close()


@pytest.fixture
def journal(pj, db):
    pj("partner", "add", "Ana López", "--box", "managers", "--relation", "direct")
    pj("partner", "add", "Ben <b>", "--box", "teams", "--relation", "guidance")
    for args in (
        ["Ana López", "--credibility", "7", "--reliability", "5", "--intimacy", "6",
         "--self-orientation", "4", "--satisfaction", "8", "--keep", MARKUP, "--change", "---"],
        ["Ana López", "--satisfaction", "3", "--date", "2026-10-02"],  # one term only
        ["Ben <b>", "--keep", "<!-- pj:text -->\n\\<!-- escaped -->", "--date", "2026-11-01"],
        ["Ben <b>", "--intimacy", "9", "--change", "*be* [there](x)", "--date", "2026-11-01"],
    ):
        assert pj("feedback", "add", *args).exit_code == 0
    return db


@pytest.mark.parametrize("fmt", ["json", "markdown"])
def test_round_trip_through_an_empty_journal(pj, journal, tmp_path, fmt):
    export = tmp_path / f"export.{fmt}"
    assert pj("export", "--format", fmt, "--output", export).exit_code == 0
    text = export.read_bytes().decode()
    if fmt == "markdown":
        assert "partner_feedback" in text
    else:
        records = json.loads(text)["records"]["feedback"]
        assert [r["satisfaction"] for r in records] == [3, None, None, 8]
        assert records[0]["credibility"] is None and records[0]["partner"]
    other = tmp_path / "other.sqlite"
    r = pj("--db", other, "import", export)
    assert r.exit_code == 0, r
    assert "feedback: 4 added, 0 updated, 0 skipped" in r.stdout, r
    assert rows(other) == rows(journal)
    kept = [row for row in rows(other) if row[7] == MARKUP.replace("\r\n", "\n").strip("\n")]
    assert len(kept) == 1  # the markup came back as written
    assert sum(1 for row in rows(other) if row[2] is None) == 3  # skipped terms stay NULL
    # importing again changes nothing
    r = pj("--db", other, "import", export)
    assert r.exit_code == 0 and "feedback: 0 added, 0 updated, 4 skipped" in r.stdout, r
    assert rows(other) == rows(journal)


def test_backup_and_restore_carry_feedback(pj, journal, tmp_path):
    backup = tmp_path / "b.sqlite"
    assert pj("backup", backup).exit_code == 0
    before = rows(journal)
    pj("feedback", "delete", "1", "--yes")
    assert len(rows(journal)) == 3
    assert pj("restore", backup, "--yes").exit_code == 0
    assert rows(journal) == before


def test_import_refuses_a_score_out_of_range(pj, journal, tmp_path):
    export = tmp_path / "export.json"
    pj("export", "--format", "json", "--output", export)
    data = json.loads(export.read_text(encoding="utf-8"))
    data["records"]["feedback"][0]["satisfaction"] = 11
    export.write_text(json.dumps(data), encoding="utf-8")
    other = tmp_path / "other.sqlite"
    r = pj("--db", other, "import", export)
    assert r.exit_code != 0
    assert r.stderr.startswith("pj: error: ") and "satisfaction" in r.stderr
