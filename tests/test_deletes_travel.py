"""Deletes travel through export and import (docs/formats.md): an export lists the
records deleted in the journal; importing it deletes them where they were not changed
since; an older export does not bring them back."""

from __future__ import annotations

import json

import pytest
from conftest import snapshot


@pytest.fixture
def two(pj, tmp_path):
    def machine(name):
        path = tmp_path / f"{name}.sqlite"

        def run(*args, **kw):
            r = pj("--db", path, *args, **kw)
            return r

        run.path = path
        return run

    return machine("a"), machine("b")


def ok(r):
    assert r.exit_code == 0, r
    return r


def texts(m) -> list[str]:
    return sorted(r["text"] for r in ok(m("log", "--json")).json())


def id_of(m, text) -> str:
    (rid,) = [r["id"] for r in ok(m("log", "--json")).json() if r["text"] == text]
    return str(rid)


@pytest.mark.parametrize("fmt, name", [("json", "j.json"), ("markdown", "j.md")])
def test_a_delete_travels_and_an_older_export_does_not_bring_it_back(two, tmp_path, fmt, name):
    a, b = two
    ok(a("reflect", "Keep me"))
    ok(a("reflect", "Delete me", "--partner", "Maria Lopez"))
    ok(a("feedback", "add", "Maria Lopez", "--satisfaction", "7"))
    old = tmp_path / f"old-{name}"
    ok(a("export", "-f", fmt, "-o", old))
    ok(b("import", old))
    ok(a("delete", id_of(a, "Delete me"), "--yes"))
    ok(a("feedback", "delete", "1", "--yes"))
    new = tmp_path / name
    ok(a("export", "-f", fmt, "-o", new))
    r = ok(b("import", new, "--dry-run"))
    assert "deleted, as they were where the export was made: 1 feedback, 1 reflections" in r.stdout
    r = ok(b("import", new, "--json"))
    assert r.json()["deleted"] == {"reflections": 1, "feedback": 1}
    assert texts(b) == ["Keep me"] and ok(b("feedback", "list", "--json")).json() == []
    # the older export again: nothing comes back
    r = ok(b("import", old, "--json")).json()
    assert r["records"]["reflections"] == {"added": 0, "updated": 0, "skipped": 2, "merged": 0}
    assert texts(b) == ["Keep me"]
    # importing the new export twice changes nothing
    before = snapshot(b.path)
    ok(b("import", new))
    assert snapshot(b.path) == before


def test_a_record_changed_after_the_delete_is_kept(two, tmp_path):
    a, b = two
    ok(a("reflect", "Shared"))
    ok(a("export", "-f", "json", "-o", tmp_path / "first.json"))
    ok(b("import", tmp_path / "first.json"))
    ok(a("delete", "1", "--yes"))
    ok(a("export", "-f", "json", "-o", tmp_path / "deleted.json"))
    # b changes it after a deleted it (its clock says so)
    data = json.loads((tmp_path / "deleted.json").read_text())
    gone = data["records"]["deleted"][0]
    gone["deleted_at"] = "2020-01-01T00:00:00+00:00"
    (tmp_path / "deleted.json").write_text(json.dumps(data))
    ok(b("edit", "1", "--text", "Changed on b"))
    r = ok(b("import", tmp_path / "deleted.json"))
    assert "was deleted elsewhere but changed here later: kept" in r.stderr
    assert texts(b) == ["Changed on b"]


@pytest.mark.parametrize("fmt, name", [("json", "j.json"), ("markdown", "j.md")])
def test_an_export_with_deletes_round_trips_byte_for_byte(two, tmp_path, fmt, name):
    a, b = two
    for text in ("One", "Two", "Three"):
        ok(a("reflect", text))
    ok(a("delete", id_of(a, "Two"), "--yes"))
    first = tmp_path / name
    ok(a("export", "-f", fmt, "-o", first))
    ok(b("import", first))
    again = tmp_path / f"again-{name}"
    ok(b("export", "-f", fmt, "-o", again))

    def body(path):
        return [line for line in path.read_text().splitlines() if "exported_at" not in line]

    assert body(first) == body(again)


def test_an_export_without_deletes_has_no_deleted_section(two, tmp_path):
    a, _ = two
    ok(a("reflect", "One"))
    data = json.loads(ok(a("export", "-f", "json")).stdout)
    assert "deleted" not in data["records"]
    assert "Deleted records" not in ok(a("export")).stdout


def test_a_broken_delete_in_an_import_is_one_clear_line_and_changes_nothing(two, tmp_path):
    a, b = two
    ok(b("reflect", "Mine"))
    ok(a("reflect", "Theirs"))
    ok(a("delete", "1", "--yes"))
    ok(a("export", "-f", "json", "-o", tmp_path / "x.json"))
    data = json.loads((tmp_path / "x.json").read_text())
    data["records"]["deleted"][0]["kind"] = "spaceships"
    (tmp_path / "x.json").write_text(json.dumps(data))
    before = snapshot(b.path)
    r = b("import", tmp_path / "x.json")
    assert r.exit_code == 1 and r.stderr.count("\n") == 1
    assert "'spaceships' is not one of" in r.stderr
    assert snapshot(b.path) == before


def test_a_split_export_removes_the_files_it_wrote_for_days_now_empty(two, tmp_path):
    a, _ = two
    for day, text in (("2026-10-02", "October"), ("2026-11-01", "First"), ("2026-11-02", "Second")):
        ok(a("reflect", text, "--date", day))
    folder = tmp_path / "days"
    ok(a("export", "-o", folder, "--split", "day"))
    (folder / "2026-11-05.md").write_text("my own note, not an export\n")
    (folder / "2026-11-06.md").write_text("---\ndate: 2026-11-06\n---\nlooks alike\n")
    ok(a("delete", id_of(a, "Second"), "--yes"))
    ok(a("delete", id_of(a, "October"), "--yes"))
    # limited to November: October's file is outside what this export covers
    r = ok(a("export", "-o", folder, "--split", "day", "--from", "2026-11-01", "--json")).json()
    assert r["removed"] == [str(folder / "2026-11-02.md")]
    assert sorted(p.name for p in folder.iterdir()) == [
        "2026-10-02.md", "2026-11-01.md", "2026-11-05.md", "2026-11-06.md", "partnerjournal.md"]
    r = ok(a("export", "-o", folder, "--split", "day"))
    assert "removed 1 file it wrote before for days that no longer hold reflections" in r.stdout
    assert sorted(p.name for p in folder.iterdir()) == [
        "2026-11-01.md", "2026-11-05.md", "2026-11-06.md", "partnerjournal.md"]
    assert (folder / "2026-11-05.md").read_text() == "my own note, not an export\n"


def test_a_month_file_goes_only_when_its_whole_month_was_exported(two, tmp_path):
    a, _ = two
    ok(a("reflect", "Early", "--date", "2026-10-02"))
    ok(a("reflect", "Later", "--date", "2026-11-20"))
    folder = tmp_path / "months"
    ok(a("export", "-o", folder, "--split", "month"))
    ok(a("delete", id_of(a, "Early"), "--yes"))
    r = ok(a("export", "-o", folder, "--split", "month", "--from", "2026-10-15", "--json")).json()
    assert "removed" not in r and (folder / "2026-10.md").exists()
    r = ok(a("export", "-o", folder, "--split", "month", "--json")).json()
    assert r["removed"] == [str(folder / "2026-10.md")]
