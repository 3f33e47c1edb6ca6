"""Fuzzing the parsers of what a leader (or a file) hands pj: dates, quarters, and the
JSON, markdown and jrnl importers. Whatever the text, the only exceptions that may come
out are our own (:class:`PJError` and its kinds), which the CLI turns into one line; any
other exception would reach the leader as a bug report.

The importers are fuzzed twice: the readers alone on arbitrary text, and the whole
import (reader, record checks and merge into a real journal, as a dry run that rolls
back) on exports mutated field by field and line by line.
"""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from partnerjournal import importers, store
from partnerjournal.dates import parse_date
from partnerjournal.errors import PJError
from partnerjournal.quarters import parse_quarter, weeks_of
from partnerjournal.services import transfer
from partnerjournal.store import transfer as st_transfer

FUZZ = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.filter_too_much],
)

any_text = st.text(st.characters(codec="utf-8"), max_size=80)
days = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31))


def only_our_errors(call, *args, **kwargs):
    """Run ``call``; a PJError is a fine answer, any other exception fails the test."""
    try:
        return call(*args, **kwargs)
    except PJError as exc:
        message = str(exc)
        assert message and "\n" not in message, repr(message)  # shown as one line
        return None


# --- dates and quarters ---------------------------------------------------------------

date_like = st.one_of(
    any_text,
    st.from_regex(r"\s*-?\d{1,6}-\d{1,3}-\d{1,3}\s*", fullmatch=True),
    st.sampled_from(["today", "YESTERDAY", " tomorrow ", "2026-02-29", "2024-02-29",
                     "0000-01-01", "9999-12-31", "2026-W48-1", "20261123", "2026-11-23T00:00",
                     "２０２６-１１-２３", "2026-11-23\x00", "", " "]),
)


@FUZZ
@given(date_like, days)
@example("2026-11-23", dt.date(2026, 11, 23))
def test_parse_date_answers_a_date_or_our_error(text, base):
    day = only_our_errors(parse_date, text, what="--date", base=base)
    if day is not None:
        assert isinstance(day, dt.date)
        word = text.strip().lower()
        if word not in ("today", "yesterday", "tomorrow"):
            assert day.isoformat() == word  # only a real ISO date is read as one


def test_parse_date_refuses_what_is_not_text():
    for value in (None, 20261123, b"2026-11-23", ["2026-11-23"]):
        assert only_our_errors(parse_date, value) is None


quarter_like = st.one_of(
    any_text,
    st.from_regex(r"\s*-?\d{0,6}-?[qQ]?-?\d{0,3}\s*", fullmatch=True),
    st.sampled_from(["2026Q5", "2026Q0", "abc", "-9999", "-999", "-0", "0", "+1", "last",
                     "PREVIOUS", "current", "this", "9998Q4", "9999Q1", "1899Q4", "1900Q1",
                     "2026-q4", "2026 Q4", "Q4", "２０２６Q4", "2026Q4\x00", "", "   "]),
)


@FUZZ
@given(quarter_like, days, st.integers(1, 12))
@example("-999", dt.date(1900, 1, 1), 12)
@example("9998Q4", dt.date(2026, 11, 23), 12)
def test_parse_quarter_answers_a_usable_quarter_or_our_error(text, today, fiscal_start):
    q = only_our_errors(parse_quarter, text, today=today, fiscal_start=fiscal_start)
    if q is not None:
        # a quarter that parses is one every report can lay out
        assert q.start <= q.end and 89 <= q.days() <= 92
        assert weeks_of(q)[0] <= q.start and q.contains(q.end)
        assert str(q) == f"{q.year}Q{q.number}"


# --- the readers alone, on arbitrary text ---------------------------------------------

MARKDOWN_PIECES = [
    "<!-- partnerjournal export v1 schema=3 -->", "<!-- partnerjournal export v9 schema=1 -->",
    "<!-- partnerjournal export v1 schema=99999999999999999999999 -->", "---", "title: x",
    "<!-- pj:reflection uid=a date=2026-01-01 created_at=2026-01-01T00:00:00+00:00"
    " updated_at=2026-01-01T00:00:00+00:00 -->",
    "<!-- pj:evaluation uid=e quarter=2026Q4 created_at=2026-01-01T00:00:00+00:00"
    " updated_at=2026-01-01T00:00:00+00:00 -->",
    "<!-- pj:rating step=1 rating=3 -->", "<!-- pj:rating step=x rating= -->",
    "<!-- pj:text -->", "<!-- pj:note -->", "<!-- pj:progress -->", "<!-- pj:end -->",
    "\\<!-- pj:end -->", "<!-- pj:reflection uid=%zz -->", "<!-- pj:reflection uid=a uid=b -->",
    "<!-- pj:reflection steps=1,2,99 tags=a,,b important_share=1e9 -->",
    "<!-- pj:partner uid=p name=Ana%20 box=teams -->", "<!-- pj:", "-->", "", " ", "\r", "text",
]
markdownish = st.lists(st.one_of(st.sampled_from(MARKDOWN_PIECES), any_text), max_size=12).map(
    "\n".join)

JSON_PIECES = ['{', '}', '[', ']', ',', ':', '"format"', '"partnerjournal"', '"version"', '1',
               '"schema"', '3', '"records"', '"reflections"', '"entries"', '"tags"', 'null',
               'NaN', '1e999', '-0', '9' * 400, '"\\ud800"', '"\\u0000"', 'true', '"uid"',
               '"text"', '"date"', '"2026-01-01"', ' ', '\n', '"', '\\']
jsonish = st.lists(st.one_of(st.sampled_from(JSON_PIECES), any_text), max_size=30).map("".join)


def read_all(reader, text: str) -> None:
    for item in reader(io.StringIO(text), "fuzz", list(st_transfer.KINDS)):
        assert isinstance(item, importers.Incoming)


@FUZZ
@given(st.one_of(markdownish, any_text))
def test_markdown_reader_on_any_text(text):
    only_our_errors(read_all, importers.read_markdown, text)


@FUZZ
@given(st.one_of(jsonish, any_text))
def test_json_and_jrnl_readers_on_any_text(text):
    only_our_errors(read_all, importers.read_json, text)
    only_our_errors(read_all, importers.read_jrnl, text)
    only_our_errors(importers.sniff, text)


def test_a_chunk_boundary_inside_a_value_is_read_whole(monkeypatch):
    """The JSON reader walks the file in chunks; a tiny chunk size puts a boundary in
    every value, and the records still come out whole."""
    monkeypatch.setattr(importers.JsonStream, "CHUNK", 3)
    text = json.dumps({"format": "partnerjournal", "version": 1, "schema": 3,
                       "records": {"settings": [{"key": "k" * 50, "value": "v" * 70}]}})
    items = list(importers.read_json(io.StringIO(text), "x"))
    assert items[1].data == {"key": "k" * 50, "value": "v" * 70}


# --- the whole import, on mutated exports ---------------------------------------------


@pytest.fixture(scope="module")
def journal(tmp_path_factory):
    """A journal with a record of every kind, its exports, and an open connection to a
    second journal that the fuzzed files are imported into (dry runs: never changed)."""
    from typer.testing import CliRunner

    from partnerjournal.cli import app

    base = tmp_path_factory.mktemp("fuzz")
    env = {"PARTNERJOURNAL_DB": str(base / "source.sqlite"), "PARTNERJOURNAL_TODAY": "2026-11-23"}
    runner = CliRunner()
    for args in (
        ["config", "set", "fiscal-year-start", "4"],
        ["partner", "add", "Ana", "--box", "teams", "--relation", "direct", "--note", "n"],
        ["reflect", "One\nline two", "--partner", "Ana", "--step", "3", "--tag", "t",
         "--important-share", "40", "--date", "2026-11-20"],
        ["prompts", "add", "My own question?", "--step", "2"],
        ["session", "add", "Ana", "--successes", "s", "--objectives", "o", "--feedback", "f"],
        ["commitment", "add", "Ana", "Send it", "--due", "2026-12-01"],
        ["commitment", "add", "Ana", "Kept one"], ["commitment", "done", "2"],
        ["trust", "Ana", "--credibility", "7", "--reliability", "6", "--intimacy", "5",
         "--self-orientation", "3"],
        ["story", "add", "We did it", "--partner", "Ana", "--impact", "-4% cost"],
        ["objective", "add", "Cost", "--kind", "business", "--unit", "EUR", "--target", "9.5"],
        ["objective", "measure", "Cost", "10.25"],
        ["evaluate", "-r", "1=3", "-r", "2=4", "--note", "1=fine", "--progress", "p",
         "--feedback", "f", "-a", "3,4: earlier sessions"],
    ):
        r = runner.invoke(app, args, env=env)
        assert r.exit_code == 0, (args, r.output)
    exported = json.loads(runner.invoke(app, ["export", "-f", "json"], env=env).stdout)
    markdown = runner.invoke(app, ["export"], env=env).stdout
    target = store.connect(base / "target.sqlite")
    yield {"json": exported, "markdown": markdown, "conn": target}
    target.close()


def import_text(conn, text: str, fmt: str | None) -> None:
    try:
        transfer.import_path(conn, None, fmt=fmt, stream=io.StringIO(text), dry_run=True)
    finally:
        assert not conn.in_transaction  # rolled back, whatever happened


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.integers(-10**30, 10**30),
              st.floats(allow_nan=False), st.text(max_size=20), st.sampled_from(
                  ["", " ", "2026-11-23", "2026-02-30", "2026Q4", "2026Q5",
                   "2026-11-23T09:00:00+01:00", "teams", "open", "kept", "x" * 300, "a\x00b",
                   "../../etc/passwd", "Ana", "ANA ", "\u202e", "\x1b[31m"])),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                 max_size=3),
    max_leaves=6,
)


@st.composite
def mutated_exports(draw, exported: dict) -> str:
    """An export with some records' fields replaced, removed or added, some records
    repeated or dropped, kinds reordered, the header bent, and sometimes cut short."""
    doc = json.loads(json.dumps(exported))
    records = doc["records"]
    for kind in draw(st.lists(st.sampled_from(sorted(records)), max_size=4)):
        if not records[kind]:
            continue
        rec = dict(draw(st.sampled_from(records[kind])))
        for key in draw(st.lists(st.sampled_from(sorted(rec)), max_size=3)) if rec else []:
            action = draw(st.sampled_from(["replace", "replace", "drop"]))
            if action == "drop":
                rec.pop(key, None)
            else:
                rec[key] = draw(json_values)
        if draw(st.integers(0, 9)) == 9:
            rec[draw(st.text(max_size=6))] = draw(json_values)
        if draw(st.booleans()) and "uid" in rec:
            rec["uid"] = draw(st.from_regex(r"[a-z0-9]{1,8}", fullmatch=True))
        records[kind].append(rec)
    if draw(st.booleans()):
        order = draw(st.permutations(sorted(records)))
        doc["records"] = {k: records[k] for k in order}
    if draw(st.integers(0, 9)) == 9:
        key = draw(st.sampled_from(["schema", "version", "format", "exported_at"]))
        doc[key] = draw(json_values)
    text = json.dumps(doc, ensure_ascii=draw(st.booleans()))
    if draw(st.integers(0, 9)) == 9:  # hypothesis favours small numbers: 9 keeps cuts rare
        text = text[: draw(st.integers(len(text) // 2, len(text) - 1))]
    return text


@FUZZ
@given(st.data())
def test_whole_json_import_of_mutated_exports(journal, data):
    text = data.draw(mutated_exports(journal["json"]))
    only_our_errors(import_text, journal["conn"], text, "json")


@st.composite
def mutated_markdown(draw, markdown: str) -> str:
    """The markdown export with lines deleted, repeated, swapped or rewritten."""
    lines = markdown.split("\n")
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["delete", "repeat", "swap", "edit", "insert"]))
        if action == "delete":
            del lines[i]
        elif action == "repeat":
            lines.insert(i, lines[i])
        elif action == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif action == "insert":
            lines.insert(i, draw(st.one_of(st.sampled_from(MARKDOWN_PIECES), any_text)))
        else:
            line = lines[i]
            at = draw(st.integers(0, len(line)))
            lines[i] = line[:at] + draw(any_text) + line[at + draw(st.integers(0, 5)):]
        if not lines:
            break
    return "\n".join(lines)


@FUZZ
@given(st.data())
def test_whole_markdown_import_of_mutated_exports(journal, data):
    text = data.draw(mutated_markdown(journal["markdown"]))
    only_our_errors(import_text, journal["conn"], text, "markdown")


@FUZZ
@given(st.lists(st.dictionaries(st.sampled_from(["date", "time", "title", "body", "tags",
                                                 "starred", "extra"]), json_values, max_size=7),
                max_size=3))
def test_whole_jrnl_import_of_odd_entries(journal, entries):
    text = json.dumps({"tags": {}, "entries": entries})
    only_our_errors(import_text, journal["conn"], text, "jrnl")


def test_the_fuzzed_imports_reach_the_merge(journal):
    """Guard against a fuzzer that only ever trips the first check: an unmutated export
    imports (dry run), so mutations start from a file that gets all the way through."""
    conn = journal["conn"]
    for text, fmt in ((json.dumps(journal["json"]), "json"), (journal["markdown"], "markdown")):
        summary = transfer.import_path(conn, None, fmt=fmt, stream=io.StringIO(text),
                                       dry_run=True)
        assert summary.counts["reflections"].added == 1
        assert summary.counts["evaluations"].added == 1
    assert conn.execute("SELECT count(*) FROM reflections").fetchone()[0] == 0
