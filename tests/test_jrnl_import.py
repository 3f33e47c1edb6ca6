"""pj import of jrnl's JSON export: every entry's date, time, title, body, tags and star.

The fixtures are real: jrnl's own test journals, exported by jrnl 4.6 itself
(tests/fixtures/jrnl/README.md).
"""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

import pytest
from conftest import snapshot

JRNL = Path(__file__).parent / "fixtures" / "jrnl"
FILES = sorted(p.name for p in JRNL.glob("*.json"))


@pytest.fixture
def new_york(monkeypatch):
    """A local time zone with daylight saving time, so offsets differ by date."""
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def _entries(name: str) -> list[dict]:
    return json.loads((JRNL / name).read_text(encoding="utf-8"))["entries"]


def _reflections(pj) -> list[dict]:
    return pj("export", "--format", "json").json()["records"]["reflections"]


def test_the_fixtures_cover_the_edge_cases():
    entries = [e for name in FILES for e in _entries(name)]
    assert len(FILES) == 10 and len(entries) == 16
    assert any(e["starred"] for e in entries)
    assert any(e["body"] == "" for e in entries)
    assert any("@c++" in e["tags"] for e in entries)
    assert any("\n# ATX H1\n" in e["body"] for e in entries)


@pytest.mark.parametrize("name", FILES)
def test_every_entry_keeps_date_time_title_body_tags_and_star(pj, db, new_york, name):
    r = pj("import", JRNL / name)
    assert r.exit_code == 0, r
    entries = _entries(name)
    assert f"reflections: {len(entries)} added, 0 updated, 0 skipped" in r.stdout
    got = _reflections(pj)
    assert len(got) == len(entries)
    for entry in entries:
        expected_text = entry["title"] + ("\n\n" + entry["body"] if entry["body"] else "")
        [rec] = [g for g in got if g["text"] == expected_text and g["date"] == entry["date"]
                 and g["created_at"][11:16] == entry["time"]]
        # title and body come apart again at the first blank line
        title, _, body = rec["text"].partition("\n\n")
        assert (title, body) == (entry["title"], entry["body"])
        moment = dt.datetime.fromisoformat(f"{entry['date']}T{entry['time']}").astimezone()
        assert rec["created_at"] == moment.isoformat() == rec["updated_at"]
        assert rec["created_at"][-6:] in ("-04:00", "-05:00")  # the local offset of that day
        tags = {t.lstrip("@") for t in entry["tags"]} | ({"starred"} if entry["starred"] else set())
        assert set(rec["tags"]) == tags
        assert rec["steps"] == [] and rec["partners"] == [] and rec["prompt_id"] is None


def test_tags_and_star_are_searchable(pj, db):
    pj("import", JRNL / "tags-216.json")
    pj("import", JRNL / "basic_onefile.json")
    [starred] = pj("log", "--tag", "starred", "--json").json()
    assert starred["text"].startswith("A second entry in what I hope to be a long series.")
    [os2] = pj("log", "--tag", "os/2", "--json").json()
    assert os2["tags"] == ["c#", "c++", "os/2"]


@pytest.mark.parametrize("name", FILES)
def test_importing_twice_adds_nothing(pj, db, name):
    pj("import", JRNL / name, "--format", "jrnl")
    before = snapshot(db)
    r = pj("import", JRNL / name, "--format", "jrnl")
    assert r.exit_code == 0, r
    assert f"reflections: 0 added, 0 updated, {len(_entries(name))} skipped" in r.stdout
    assert snapshot(db) == before


def test_entries_sharing_a_minute_stay_apart(pj, db):
    pj("import", JRNL / "deletion.json")
    got = sorted(r["text"] for r in _reflections(pj))
    assert got == ["First entry.", "Second entry.", "Third entry."]


def test_identical_entries_are_both_kept_and_still_import_once(pj, db, tmp_path):
    entry = _entries("simple.json")[0]
    path = tmp_path / "twins.json"
    path.write_text(json.dumps({"tags": {}, "entries": [entry, entry]}))
    assert "reflections: 2 added" in pj("import", path).stdout
    assert "reflections: 0 added, 0 updated, 2 skipped" in pj("import", path).stdout


def test_jrnl_import_from_standard_input(pj, db):
    text = (JRNL / "multiline.json").read_text(encoding="utf-8")
    r = pj("import", "-", input=text.encode())
    assert r.exit_code == 0, r
    [rec] = _reflections(pj)
    assert rec["text"].endswith("There is a blank line above this.")


def test_the_same_entries_after_a_pj_round_trip_are_still_skipped(pj, db, tmp_path):
    pj("import", JRNL / "basic_onefile.json")
    out = tmp_path / "pj.md"
    pj("export", "-o", out)
    other = tmp_path / "other.sqlite"
    assert pj("--db", other, "import", out).exit_code == 0
    r = pj("--db", other, "import", JRNL / "basic_onefile.json")
    assert "reflections: 0 added, 0 updated, 3 skipped" in r.stdout
