"""Property tests: any journal survives export → import into an empty journal → export,
byte for byte, in markdown and in JSON, and the two journals hold the same records.

Journals are generated at the store level (rows written as stored), with every record
kind and texts full of what could confuse a reader of the formats: unicode, emoji,
right-to-left text, markdown headings, front-matter fences, HTML comments and our own
markers, very long lines, Windows line endings, blank lines at either end.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_export_import import add_all_tables, dump

from partnerjournal import exporters, importers, store
from partnerjournal.services import transfer as tr
from partnerjournal.store.journal import name_key

NOW = "2026-11-23T10:00:00+01:00"
NASTY = [
    "# heading", "## Reflections", "### 2026-11-23 · 09:00", "---", "---\ntitle: x\n---",
    "<!-- comment -->", "<!--", "-->", "<!-- pj:end -->", "<!-- pj:text -->",
    "<!-- pj:reflection uid=x date=2026-01-01 -->", "\\<!-- pj:end -->", "\\\\<!-- pj:note -->",
    "<!-- partnerjournal export v1 schema=1 -->", "\r\n", "\r", "\n", "\n\n", "\n\n\n", " ",
    "\t", "مرحبا بالعالم", "שלום עולם", "\u200f\u200e", "👩‍👩‍👧", "🎉🇺🇦", "\u2028", "\u2029",
    "\x85", "\x0b\x0c", "x" * 5000, "%20%zz", "a=b,c", "```", "> quote", "    code", "é",
]
SETTINGS = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

chars = st.characters(codec="utf-8", exclude_characters="\x00")
texts = st.lists(st.one_of(st.sampled_from(NASTY), st.text(chars, max_size=12)), max_size=6).map(
    "".join
)
nonblank = texts.map(lambda t: t if t.strip() else t + "ok")
line_chars = st.characters(codec="utf-8", exclude_categories=("Cc", "Cs"))
lines = st.text(line_chars, min_size=1, max_size=30).filter(lambda s: s.strip())
tags = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zs", "Zl", "Zp")),
    min_size=1, max_size=20,
).filter(lambda t: not any(c.isspace() for c in t))
uids = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,24}", fullmatch=True)
offsets = st.sampled_from([0, 60, -300, 330, 345, -570, 840, -720])
stamps = st.builds(
    lambda moment, minutes, micro: moment.replace(
        tzinfo=dt.timezone(dt.timedelta(minutes=minutes)),
        microsecond=moment.microsecond if micro else 0,
    ).isoformat(),
    st.datetimes(min_value=dt.datetime(1970, 1, 1), max_value=dt.datetime(2100, 1, 1)),
    offsets,
    st.booleans(),
)
dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31)).map(dt.date.isoformat)
step_sets = st.lists(st.integers(1, 13), unique=True, max_size=4).map(sorted)
maybe = st.none().__or__


@st.composite
def journals(draw) -> dict[str, list[dict]]:
    """Rows for every table, ids chosen here so links can be written directly."""
    rows: dict[str, list[dict]] = {t: [] for t in (
        "settings", "custom_prompts", "partners", "reflections", "reflection_steps",
        "reflection_partners", "reflection_tags", "sessions", "commitments", "trust_checks",
        "stories", "story_partners", "objectives", "measurements", "evaluations",
        "evaluation_ratings", "adjustments")}

    def stamped(**values) -> dict:
        return {**values, "created_at": draw(stamps), "updated_at": draw(stamps)}

    for key, value in draw(st.dictionaries(lines, texts, max_size=3)).items():
        rows["settings"].append({"key": key, "value": value})
    prompt_ids = []
    for i in range(draw(st.integers(0, 2))):
        prompt_ids.append(f"mine-{i + 1}")
        rows["custom_prompts"].append(stamped(
            id=f"mine-{i + 1}", uid=f"q{i}", text=draw(nonblank),
            steps=json.dumps(draw(step_sets))))
    names = draw(st.lists(lines, max_size=4, unique_by=name_key))
    partner_uids = draw(st.lists(uids, min_size=len(names), max_size=len(names), unique=True))
    for i, (name, uid) in enumerate(zip(names, partner_uids), 1):
        rows["partners"].append(stamped(
            id=i, uid=uid, name=name, name_key=name_key(name),
            box=draw(maybe(st.sampled_from(["leadership", "managers", "teams", "employees"]))),
            relation=draw(maybe(st.sampled_from(["direct", "influential", "guidance"]))),
            note=draw(maybe(texts)), archived_at=draw(maybe(stamps))))
    partner_ids = list(range(1, len(names) + 1))
    some_partners = st.lists(st.sampled_from(partner_ids), unique=True) if partner_ids else st.just([])
    catalog_prompt = st.sampled_from(["lencioni-kind-truth", *prompt_ids, "unknown-prompt"])
    for i in range(1, draw(st.integers(0, 5)) + 1):
        rows["reflections"].append(stamped(
            id=i, uid=draw(uids) + f"~r{i}", date=draw(dates), text=draw(nonblank),
            prompt_id=draw(maybe(catalog_prompt)),
            important_share=draw(maybe(st.integers(0, 100)))))
        rows["reflection_steps"] += [{"reflection_id": i, "step": s} for s in draw(step_sets)]
        rows["reflection_partners"] += [
            {"reflection_id": i, "partner_id": p} for p in draw(some_partners)]
        rows["reflection_tags"] += [
            {"reflection_id": i, "tag": t}
            for t in draw(st.lists(tags, max_size=3, unique_by=str.lower))]
    if partner_ids:
        one_partner = st.sampled_from(partner_ids)
        for i in range(1, draw(st.integers(0, 2)) + 1):
            rows["sessions"].append(stamped(
                id=i, uid=f"s{i}", partner_id=draw(one_partner), date=draw(dates),
                minutes=draw(st.integers(1, 1440)), successes=draw(texts),
                objectives=draw(texts), feedback=draw(texts)))
        for i in range(1, draw(st.integers(0, 2)) + 1):
            status = draw(st.sampled_from(["open", "kept", "dropped"]))
            rows["commitments"].append(stamped(
                id=i, uid=f"c{i}", partner_id=draw(one_partner), date=draw(dates),
                text=draw(nonblank), due=draw(maybe(dates)), status=status,
                closed_at=None if status == "open" else draw(dates),
                reason=draw(maybe(texts))))
        for i in range(1, draw(st.integers(0, 2)) + 1):
            rows["trust_checks"].append(stamped(
                id=i, uid=f"t{i}", partner_id=draw(one_partner), date=draw(dates),
                **{k: draw(st.integers(1, 10))
                   for k in ("credibility", "reliability", "intimacy", "self_orientation")}))
    for i in range(1, draw(st.integers(0, 2)) + 1):
        rows["stories"].append(stamped(
            id=i, uid=f"st{i}", date=draw(dates), text=draw(nonblank), impact=draw(maybe(texts))))
        rows["story_partners"] += [{"story_id": i, "partner_id": p} for p in draw(some_partners)]
    objective_names = draw(st.lists(lines, max_size=2, unique_by=name_key))
    for i, name in enumerate(objective_names, 1):
        rows["objectives"].append(stamped(
            id=i, uid=f"o{i}", name=name, name_key=name_key(name),
            kind=draw(st.sampled_from(["business", "customer", "employee"])),
            unit=draw(maybe(st.text(line_chars, max_size=10))),
            target=draw(maybe(st.floats(allow_nan=False, allow_infinity=False))),
            lower_is_better=draw(st.integers(0, 1))))
        for j in range(draw(st.integers(0, 2))):
            rows["measurements"].append(stamped(
                uid=f"m{i}-{j}", objective_id=i, date=draw(dates),
                value=draw(st.floats(allow_nan=False, allow_infinity=False)),
                note=draw(maybe(texts))))
    quarters = draw(st.lists(st.builds("{}Q{}".format, st.integers(1990, 2100), st.integers(1, 4)),
                             unique=True, max_size=2))
    for i, quarter in enumerate(quarters, 1):
        rows["evaluations"].append(stamped(
            id=i, uid=f"e{i}", quarter=quarter, progress=draw(texts), feedback=draw(texts)))
        rows["evaluation_ratings"] += [
            {"evaluation_id": i, "step": s, "rating": draw(st.integers(1, 5)), "note": draw(maybe(texts))}
            for s in draw(step_sets)]
        for j in range(draw(st.integers(0, 2))):
            rows["adjustments"].append(stamped(
                uid=f"a{i}-{j}", evaluation_id=i, position=draw(st.integers(0, 9)),
                text=draw(nonblank), steps=json.dumps(draw(step_sets))))
    return rows


_TEMPLATE: list[Path] = []


def empty_journal(path: Path) -> None:
    """A new journal with every table, copied from one made once (opening and migrating
    a journal per example would be most of the test's time)."""
    if not _TEMPLATE:
        folder = Path(tempfile.mkdtemp(prefix="pj-template-"))
        add_all_tables(folder / "empty.sqlite")
        c = sqlite3.connect(folder / "empty.sqlite")
        c.execute("PRAGMA journal_mode = DELETE")  # a single file, copied as is
        c.close()
        _TEMPLATE.append(folder / "empty.sqlite")
    shutil.copyfile(_TEMPLATE[0], path)


def write_journal(path: Path, rows: dict[str, list[dict]]) -> None:
    empty_journal(path)
    c = sqlite3.connect(path)
    with c:
        for table, records in rows.items():
            for r in records:
                c.execute(f"INSERT INTO {table} ({', '.join(r)}) VALUES ({', '.join('?' for _ in r)})",
                          list(r.values()))
    c.close()


def export_bytes(conn: sqlite3.Connection, fmt: str, out: Path) -> bytes:
    tr.export_journal(conn, now=NOW, fmt=fmt, output=out)
    return out.read_bytes()


@SETTINGS
@given(rows=journals())
def test_export_import_export_is_identical_in_both_formats(rows):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        original = folder / "a.sqlite"
        write_journal(original, rows)
        source = store.connect(original)
        try:
            for fmt in ("json", "markdown"):
                first = export_bytes(source, fmt, folder / f"first.{fmt}")
                copy = folder / f"b-{fmt}.sqlite"
                empty_journal(copy)
                conn = store.connect(copy)
                try:
                    summary = tr.import_path(conn, folder / f"first.{fmt}")
                    assert all(c.updated == c.skipped == c.merged == 0
                               for c in summary.counts.values())
                    assert export_bytes(conn, fmt, folder / f"again.{fmt}") == first
                finally:
                    conn.close()
                assert dump(copy) == dump(original)
        finally:
            source.close()


@SETTINGS
@given(rows=journals())
def test_a_second_import_changes_nothing(rows):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        original = folder / "a.sqlite"
        write_journal(original, rows)
        before = dump(original)
        conn = store.connect(original)
        try:
            export_bytes(conn, "markdown", folder / "x.md")
            summary = tr.import_path(conn, folder / "x.md")
        finally:
            conn.close()
        assert all(c.added == c.updated == 0 for c in summary.counts.values())
        assert dump(original) == before


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(codec="utf-8")))
def test_marker_values_decode_to_what_was_encoded(value):
    encoded = exporters.encode_value(value)
    assert not any(c.isspace() or c in ",=<>" for c in encoded)
    assert importers.decode_value(encoded) == value


@settings(max_examples=200, deadline=None)
@given(texts)
def test_escaped_lines_never_read_as_markers_and_come_back(text):
    for line in text.split("\n"):
        escaped = exporters.escape_line(line)
        assert not escaped.startswith("<!-- pj:")
        back = escaped[1:] if escaped != line else escaped
        assert back == line
