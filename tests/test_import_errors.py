"""Bad imports: one clear line naming the file (and line), exit 1 or 2, journal unchanged.

Every case imports a file whose good records would otherwise be added, so an unchanged
snapshot proves the whole import rolled back.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from conftest import snapshot

T1 = "2026-10-01T09:00:00+02:00"
NL = "\n"


@pytest.fixture
def journal(exports, db):
    """The journal imported into, with a few records of its own (a copy of one made once)."""
    shutil.copy(exports / "journal.sqlite", db)
    return db


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    """Another journal's exports, made once: JSON, markdown and a day-split folder."""
    from typer.testing import CliRunner

    from partnerjournal.cli import app

    base = tmp_path_factory.mktemp("source")
    runner = CliRunner()
    env = {"PARTNERJOURNAL_DB": str(base / "source.sqlite"), "PARTNERJOURNAL_TODAY": "2026-11-23"}
    for i, day in enumerate(("2026-10-01", "2026-10-02", "2026-10-03")):
        runner.invoke(app, ["reflect", f"Entry {i}\nsecond line", "--date", day,
                            "--partner", "Ana", "--tag", f"t{i}"], env=env)
    for args in (["-f", "json", "-o", base / "src.json"], ["-o", base / "src.md"],
                 ["-o", base / "days", "--split", "day"]):
        assert runner.invoke(app, ["export", *map(str, args)], env=env).exit_code == 0
    env["PARTNERJOURNAL_DB"] = str(base / "journal.sqlite")
    runner.invoke(app, ["reflect", "Mine", "--partner", "Zoe", "--tag", "home"], env=env)
    runner.invoke(app, ["reflect", "Also mine", "--date", "2026-11-01"], env=env)
    return base


@pytest.fixture
def source(exports, tmp_path):
    """A private copy of the exports: (json path, markdown path, day-split folder)."""
    shutil.copy(exports / "src.json", tmp_path / "src.json")
    shutil.copy(exports / "src.md", tmp_path / "src.md")
    shutil.copytree(exports / "days", tmp_path / "days")
    return tmp_path / "src.json", tmp_path / "src.md", tmp_path / "days"


def refused(pj, db, path, *words, code=1, args=()):
    """Import ``path``; check the refusal and that the journal did not change."""
    before = snapshot(db)
    r = pj("import", path, *args)
    assert r.exit_code == code, r
    assert r.stderr.startswith("pj: error: ") and r.stderr.count("\n") == 1, r.stderr
    for word in words:
        assert word in r.stderr, (word, r.stderr)
    assert snapshot(db) == before
    return r.stderr


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def pj_json(tmp_path, records: dict, name="x.json", **header) -> Path:
    """A JSON export written by hand, one record per line."""
    head = {"format": "partnerjournal", "version": 1, "exported_at": T1, "schema": 1, **header}
    lines = ["{"] + [f"  {json.dumps(k)}: {json.dumps(v)}," for k, v in head.items()]
    lines.append('  "records": {')
    kinds = []
    for kind, recs in records.items():
        body = ",\n".join("      " + (r if isinstance(r, str) else json.dumps(r)) for r in recs)
        kinds.append(f"    {json.dumps(kind)}: [\n{body}\n    ]")
    lines += [",\n".join(kinds), "  }", "}"]
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n")
    return path


def reflection(uid="new1", **fields) -> dict:
    rec = {"uid": uid, "date": "2026-10-05", "text": "ok", "prompt_id": None,
           "important_share": None, "steps": [], "partners": [], "tags": [],
           "created_at": T1, "updated_at": T1}
    rec.update(fields)
    return rec


# --- JSON -----------------------------------------------------------------------------


def test_truncated_json(pj, journal, source, tmp_path):
    text = source[0].read_text()
    cut = text[: text.index('"Entry 2')]  # in the middle of the last reflection
    path = tmp_path / "cut.json"
    path.write_text(cut)
    refused(pj, journal, path, str(path), f"line {cut.count(NL) + 1}", "truncated")


def test_truncated_json_header(pj, journal, tmp_path):
    path = tmp_path / "cut.json"
    path.write_text('{\n  "format": "partnerjournal",\n  "vers')
    refused(pj, journal, path, f"{path} line 3", "truncated")


@pytest.mark.parametrize(
    "content, words",
    [
        ("", ["not a partnerjournal export", "empty"]),
        ('{"a": 1}', ["not a partnerjournal export", "'a'"]),
        ('[1, 2]', ["not a partnerjournal export"]),
        ('{"format": "something-else", "version": 1, "schema": 1, "records": {}}',
         ["not a partnerjournal export"]),
        ('{"format": "partnerjournal", "version": 1, "records": {}}', ['no "schema"']),
        ('{"format": "partnerjournal", "version": 2, "schema": 1, "records": {}}',
         ["newer partnerjournal", "upgrade pj"]),
        ('{"format": "partnerjournal", "version": 1, "schema": 99, "records": {}}',
         ["schema 99", "upgrade pj"]),
        ('{"format": "partnerjournal", "version": 1, "schema": 1, "records": {}} extra',
         ["after the end of the JSON"]),
    ],
)
def test_json_that_is_not_an_export(pj, journal, tmp_path, content, words):
    path = tmp_path / "x.json"
    path.write_text(content)
    refused(pj, journal, path, str(path), *words)


def test_a_text_file_that_is_no_export(pj, journal, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("Shopping list\n- milk\n")
    refused(pj, journal, path, f"{path} line 1", "not an export")


def test_binary_and_non_utf8_files(pj, journal, tmp_path):
    path = tmp_path / "photo.json"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe")
    refused(pj, journal, path, str(path), "not UTF-8")
    path = tmp_path / "latin1.md"
    path.write_bytes(b"<!-- partnerjournal export v1 schema=1 -->\n# caf\xe9\n")
    refused(pj, journal, path, str(path), "not UTF-8")


@pytest.mark.parametrize(
    "fields, words",
    [
        ({"important_share": "1e999"}, ["'important_share'", "not a whole number"]),
        ({"important_share": 10**30}, ["'important_share'", "not between 0 and 100"]),
        ({"important_share": 50.5}, ["'important_share'", "not a whole number"]),
        ({"date": 20261001}, ["'date'", "not a date"]),
        ({"date": "2026-02-30"}, ["'date'", "not a date"]),
        ({"text": ["a", "b"]}, ["'text'", "not text"]),
        ({"text": "  \n "}, ["'text' is empty"]),
        ({"text": "a\x00b"}, ["NUL"]),
        ({"steps": "1"}, ["'steps'", "must be a list"]),
        ({"steps": [14]}, ["'step'", "not between 1 and 13"]),
        ({"steps": [True]}, ["'step'", "not a whole number"]),
        ({"tags": ["two words"]}, ["tag 'two words'"]),
        ({"uid": ""}, ["'uid'", "not an id"]),
        ({"uid": "../../etc/passwd"}, ["'uid'", "not an id"]),
        ({"created_at": "2026-10-01 09:00"}, ["'created_at'", "not a time"]),
        ({"colour": "red"}, ["no field 'colour'"]),
        ({"partners": ["nobody"]}, ["names partner nobody", "neither in the journal nor"]),
    ],
)
def test_wrong_values_name_the_record_line(pj, journal, tmp_path, fields, words):
    good = reflection("good1")
    bad = reflection(**fields)
    if fields.get("important_share") == "1e999":
        bad_text = json.dumps(bad).replace('"1e999"', "1e999")
    else:
        bad_text = json.dumps(bad)
    path = pj_json(tmp_path, {"reflections": [good, bad_text]})
    line = line_of(path.read_text(), bad_text)
    refused(pj, journal, path, f"{path} line {line}:", *words)


def test_a_record_that_is_not_an_object(pj, journal, tmp_path):
    path = pj_json(tmp_path, {"reflections": ['"just text"']})
    refused(pj, journal, path, "line 8", "must be an object")


def test_an_unknown_kind_of_record(pj, journal, tmp_path):
    path = pj_json(tmp_path, {"widgets": [{"uid": "w"}]})
    refused(pj, journal, path, "line 8", "'widgets' is not a kind of record")


def test_kinds_this_journal_does_not_have_yet(pj, journal, tmp_path):
    import sqlite3

    c = sqlite3.connect(journal)  # as if the table came with a later schema
    for table in ("adjustments", "evaluation_ratings", "evaluations"):
        c.execute(f"DROP TABLE IF EXISTS {table}")
    c.commit()
    c.close()
    path = pj_json(tmp_path, {"evaluations": [{"uid": "a", "quarter": "2026Q1"}]})
    refused(pj, journal, path, "line 8", "no quarterly evaluations yet")


def test_huge_integer_literal(pj, journal, tmp_path):
    rec = json.dumps(reflection()).replace('"important_share": null', '"important_share": ' + "9" * 5000)
    path = pj_json(tmp_path, {"reflections": [rec]})
    refused(pj, journal, path, "line 8", "cannot be read")


def test_not_a_number_and_infinity(pj, journal, tmp_path):
    rec = json.dumps(reflection()).replace('"important_share": null', '"important_share": NaN')
    path = pj_json(tmp_path, {"reflections": [rec]})
    refused(pj, journal, path, "line 8", "NaN is not a number JSON allows")


def test_huge_measurement_value(pj, journal, tmp_path):
    data = json.loads(pj("export", "-f", "json").stdout)
    ana = data["records"]["partners"][0]["uid"]
    rec = {"uid": "c9", "partner": ana, "date": "2026-10-01", "text": "x", "due": None,
           "status": "kept", "closed_at": None, "reason": None, "created_at": T1, "updated_at": T1}
    path = pj_json(tmp_path, {"commitments": [rec]}, schema=2)
    refused(pj, journal, path, "line 8", "closed_at exactly when")
    obj = {"uid": "o9", "name": "Sales", "kind": "business", "unit": None, "target": 1e308 * 10,
           "lower_is_better": False, "created_at": T1, "updated_at": T1}
    path = pj_json(tmp_path, {"objectives": [json.dumps(obj).replace("Infinity", "1e999")]},
                   name="o.json", schema=2)
    refused(pj, journal, path, "line 8", "'target'", "too large")


def test_deeply_nested_json(pj, journal, tmp_path):
    deep = "[" * 200_000 + "]" * 200_000
    rec = json.dumps(reflection()).replace('"text": "ok"', f'"text": {deep}')
    path = pj_json(tmp_path, {"reflections": [rec]})
    refused(pj, journal, path, f"{path} line 8", "nested too deeply")
    path = tmp_path / "top.json"
    path.write_text(deep)
    refused(pj, journal, path, str(path), "not a partnerjournal export")


def test_a_renamed_partner_clashing_with_another(pj, journal, tmp_path):
    data = json.loads(pj("export", "-f", "json").stdout)
    zoe = data["records"]["partners"][0]
    pj("reflect", "x", "--partner", "Yan")
    renamed = dict(zoe, name="YAN", updated_at="2030-01-01T00:00:00+00:00")
    path = pj_json(tmp_path, {"partners": [renamed]}, schema=2)
    refused(pj, journal, path, "line 8", "already has the name 'YAN'")


def test_a_new_record_the_journal_refuses_is_named_among_good_ones(pj, journal, tmp_path):
    """New records are written in batches; the one the journal's own checks refuse
    (here an empty feedback form, after two good ones) is named by its line, and
    nothing of the batch or the import stays."""
    data = json.loads(pj("export", "-f", "json").stdout)
    zoe = data["records"]["partners"][0]
    form = {"partner": zoe["uid"], "date": "2026-10-05", "credibility": 7,
            "created_at": T1, "updated_at": T1}
    recs = [dict(form, uid="f1"), dict(form, uid="f2", keep="the weekly call"),
            {**form, "uid": "f3", "credibility": None}, dict(form, uid="f4")]
    path = pj_json(tmp_path, {"partners": [zoe], "reflections": [reflection()],
                              "feedback": recs}, schema=5)
    line = line_of(path.read_text(), '"uid": "f3"')
    refused(pj, journal, path, f"line {line}:", "refused this partner_feedback", "CHECK")


def test_a_failed_import_into_an_empty_journal_leaves_it_as_it_was(pj, db, tmp_path):
    """Into a journal without reflections the import writes around the WAL (see
    store.transfer.rollback_journal_if_empty); a record refused after a thousand good
    ones were written leaves it empty, sound and in WAL mode."""
    import sqlite3

    assert pj("partner", "add", "Zoe", "--box", "teams", "--relation", "direct").exit_code == 0
    good = [reflection(f"r{i}", text=f"Good {i}") for i in range(1000)]
    path = pj_json(tmp_path, {"reflections": [*good, reflection("bad", date="2026-13-01")]})
    line = line_of(path.read_text(), '"uid": "bad"')
    refused(pj, db, path, f"line {line}:", "not a date")
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("SELECT count(*) FROM reflections").fetchone()[0] == 0
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()


def test_jrnl_and_pj_json_told_apart(pj, journal, source, tmp_path):
    jrnl = Path(__file__).parent / "fixtures" / "jrnl" / "simple.json"
    refused(pj, journal, jrnl, "jrnl export", "--format jrnl", args=("--format", "json"))
    refused(pj, journal, source[0], "partnerjournal export", "--format json",
            args=("--format", "jrnl"))


@pytest.mark.parametrize(
    "entry, words",
    [
        ({"date": "2013-13-01"}, ["not like 2026-11-23 09:15"]),
        ({"time": "3pm"}, ["not like 2026-11-23 09:15"]),
        ({"title": None}, ["no text field 'title'"]),
        ({"tags": ["@two words"]}, ["tag 'two words'"]),
        ({"tags": "@x"}, ["must be a list"]),
    ],
)
def test_bad_jrnl_entries(pj, journal, tmp_path, entry, words):
    good = {"title": "Fine.", "body": "", "date": "2013-06-09", "time": "15:39", "tags": [],
            "starred": False}
    bad = dict(good, **entry)
    path = tmp_path / "jrnl.json"
    path.write_text('{"tags": {}, "entries": [\n' + json.dumps(good) + ",\n" + json.dumps(bad) + "\n]}")
    refused(pj, journal, path, f"{path} line 3", *words)


def test_a_path_that_does_not_exist(pj, journal, tmp_path):
    refused(pj, journal, tmp_path / "nope.json", "does not exist", code=2)
    refused(pj, journal, tmp_path / "x.json", "'yaml'", code=2, args=("--format", "yaml"))


# --- markdown -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "old, new, words",
    [
        (" -->", "", ["broken marker"]),  # the closing of the id marker is gone
        ("uid=", "uid", ["broken marker"]),
        ("uid=", "uid=%zz", ["'uid'", "two hex digits"]),
        ("uid=", "uid= date=2026-01-01 x", ["broken marker"]),
        ("date=2026-10-0", "date=2026-10-x", ["'date'", "not a date"]),
        ("steps=", "important_share=999999999999999999999 steps=", ["not a whole number"]),
        ("uid=", "uid=a uid=", ["'uid' is given twice"]),
        ("uid=", "colour=red uid=", ["unknown field 'colour'"]),
    ],
)
def test_broken_id_marker(pj, journal, source, tmp_path, old, new, words):
    text = source[1].read_text()
    if "steps=" in old and "steps=" not in text:
        old = "tags="
        new = new.replace("steps=", "tags=")
    first = text.index("<!-- pj:reflection ", text.index("<!-- pj:reflection ") + 1)
    at = text.index(old, first)
    path = tmp_path / "broken.md"
    path.write_text(text[:at] + new + text[at + len(old):])
    refused(pj, journal, path, f"{path} line {line_of(text, text[first:first + 60])}:", *words)


def test_text_block_without_its_end(pj, journal, source, tmp_path):
    text = source[1].read_text()
    first_end = text.index("<!-- pj:end -->")
    opened = text.rindex("<!-- pj:text -->", 0, first_end)
    path = tmp_path / "noend.md"
    path.write_text(text[:first_end] + text[first_end + len("<!-- pj:end -->\n"):])
    msg = refused(pj, journal, path, str(path), "is its '<!-- pj:end -->' missing?")
    assert f"opened at line {line_of(text, text[opened:])}" in msg
    last_end = text.rindex("<!-- pj:end -->")
    path.write_text(text[:last_end])
    opened = text.rindex("<!-- pj:text -->")
    refused(pj, journal, path, f"{path} line {line_of(text, text[opened:])}:", "not closed")


@pytest.mark.parametrize(
    "content, words",
    [
        ("# My notes\n\nNothing to see.\n", ["line 1", "not a partnerjournal export"]),
        ("", ["not a partnerjournal export", "empty"]),
        ("---\ntitle: x\n", ["front matter", "not closed"]),
        ("<!-- partnerjournal export v9 schema=1 -->\n", ["newer partnerjournal"]),
        ("<!-- partnerjournal export v1 schema=77 -->\n", ["schema 77", "upgrade pj"]),
        ("<!-- partnerjournal export v1 -->\n", ["no valid schema"]),
        ("<!-- partnerjournal export v1 schema=1 -->\n<!-- pj:text -->\nx\n<!-- pj:end -->\n",
         ["line 2", "before any record marker"]),
        ("<!-- partnerjournal export v1 schema=1 -->\n<!-- pj:reflection uid=a date=2026-01-01"
         " created_at=2026-01-01T00:00:00+00:00 updated_at=2026-01-01T00:00:00+00:00 -->\n"
         "<!-- pj:mood -->\n", ["line 3", "unknown marker 'pj:mood'"]),
        ("<!-- partnerjournal export v1 schema=1 -->\n<!-- pj:widget uid=a -->\n",
         ["line 2", "unknown marker 'pj:widget'"]),
        ("<!-- partnerjournal export v1 schema=1 -->\n<!-- pj:reflection uid=a date=2026-01-01"
         " created_at=2026-01-01T00:00:00+00:00 updated_at=2026-01-01T00:00:00+00:00 -->\n"
         "<!-- pj:end -->\n", ["line 3", "without a text opened"]),
        ("<!-- partnerjournal export v1 schema=1 -->\n<!-- pj:reflection uid=a date=2026-01-01"
         " created_at=2026-01-01T00:00:00+00:00 updated_at=2026-01-01T00:00:00+00:00 -->\n",
         ["line 2", "no 'text'"]),
    ],
)
def test_markdown_that_is_not_an_export(pj, journal, tmp_path, content, words):
    path = tmp_path / "x.md"
    path.write_text(content)
    refused(pj, journal, path, str(path), *words)


def test_the_same_text_twice(pj, journal, source, tmp_path):
    text = source[1].read_text()
    end = text.index("<!-- pj:end -->") + len("<!-- pj:end -->\n")
    path = tmp_path / "twice.md"
    path.write_text(text[:end] + "<!-- pj:text -->\nagain\n<!-- pj:end -->\n" + text[end:])
    refused(pj, journal, path, f"{path} line {line_of(text, text[end:])}:", "given twice")


# --- folders --------------------------------------------------------------------------


def test_a_folder_with_one_bad_file(pj, journal, source):
    folder = source[2]
    bad = folder / "2026-10-02.md"
    bad.write_text(bad.read_text().replace(" -->\n\n- Partners", "\n\n- Partners", 1))
    line = bad.read_text().split("\n").index(
        next(ln for ln in bad.read_text().split("\n") if ln.startswith("<!-- pj:reflection"))) + 1
    refused(pj, journal, folder, f"{bad} line {line}:", "broken marker")


def test_a_folder_with_a_file_that_is_not_an_export(pj, journal, source):
    (source[2] / "ideas.md").write_text("# Ideas\n")
    refused(pj, journal, source[2], str(source[2] / "ideas.md"), "not a partnerjournal export")


def test_a_link_out_of_the_folder_is_refused(pj, journal, source, tmp_path):
    outside = tmp_path / "secret.md"
    outside.write_text("not yours")
    os.symlink(outside, source[2] / "link.md")
    refused(pj, journal, source[2], str(source[2] / "link.md"), "links outside the folder")
    os.unlink(source[2] / "link.md")
    os.symlink("../src.md", source[2] / "up.md")  # a relative climb out is the same
    refused(pj, journal, source[2], "up.md", "links outside the folder")


def test_links_inside_the_folder_and_other_files_are_fine(pj, journal, source):
    folder = source[2]
    os.symlink(folder / "2026-10-01.md", folder / "again.md")
    (folder / "photo.png").write_bytes(b"\x89PNG")
    (folder / ".obsidian").mkdir()
    (folder / ".obsidian" / "app.json").write_text("{}")
    r = pj("import", folder)
    assert r.exit_code == 0, r
    assert "reflections: 3 added, 0 updated, 1 skipped" in r.stdout
    assert "photo.png" in r.stderr


def test_an_empty_folder(pj, journal, tmp_path):
    (tmp_path / "empty").mkdir()
    refused(pj, journal, tmp_path / "empty", "no .md or .json files", code=2)
