"""Golden exports: the markdown and JSON exports of two fixed journals, as one file and
as a ``--split day`` folder, must match the files in tests/golden/ byte for byte (apart
from ``exported_at``). Making the exporters faster must never change what they write.

The journals: the benchmark suite's generator at 150 reflections (its fixed seed: the
realistic mix of partners, sessions, commitments, evaluations...) and a small journal
of awkward records (texts that look like markers, CRLF, right-to-left scripts, every
kind, partner feedback, a contextual prompt). After an intended change to a format,
regenerate and review the diff:

    PJ_UPDATE_GOLDEN=1 python -m pytest tests/test_export_golden.py
"""

from __future__ import annotations

import difflib
import os
import re
import sqlite3
import sys
from pathlib import Path

import pytest
from test_export_import import T1, T2, fill_everything

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).parent / "golden" / "exports"
UPDATE = os.environ.get("PJ_UPDATE_GOLDEN") == "1"
GENERATED_SIZE = 150

_STAMP = re.compile(r'(exported_at(?:=|": "))[^ "]+')


def read(path: Path) -> str:
    """A file's text exactly, '\\r' included."""
    with open(path, encoding="utf-8", newline="") as fh:
        return fh.read()


def stable(text: str) -> str:
    """The export with its exported_at, which differs from run to run, blanked."""
    return _STAMP.sub(r"\1EXPORTED_AT", text)


def check_golden(name: str, actual: str) -> None:
    """Compare ``actual`` with tests/golden/exports/``name`` (or rewrite it when updating)."""
    path = GOLDEN / name
    if UPDATE:
        GOLDEN.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8", newline="")
        return
    if not path.exists():
        pytest.fail(f"{path} is missing: create it with PJ_UPDATE_GOLDEN=1")
    expected = read(path)
    if actual != expected:
        diff = "".join(list(difflib.unified_diff(
            expected.splitlines(keepends=True), actual.splitlines(keepends=True),
            f"golden/exports/{name}", "exported", n=2))[:80])
        pytest.fail(f"{name} differs from the golden export "
                    f"(PJ_UPDATE_GOLDEN=1 rewrites it after a wanted change):\n{diff}")


def generated(db: Path) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import generate

    out = db.parent / "generated"
    generate.generate(GENERATED_SIZE, out)
    (out / "journal.sqlite").replace(db)


def awkward(db: Path) -> None:
    fill_everything(db)
    c = sqlite3.connect(db)
    with c:
        c.execute(
            "INSERT INTO feedback (uid, partner_id, date, credibility, satisfaction, keep,"
            " change, created_at, updated_at) VALUES ('f1', 1, '2026-10-09', 8, 6,"
            " 'The weekly notes', '<!-- pj:end -->\nMore notice', ?, ?)",
            (T1, T2),
        )
        c.execute(
            "INSERT INTO feedback (uid, partner_id, date, reliability, created_at, updated_at)"
            " VALUES ('f2', 2, '2026-10-10', 3, ?, ?)",
            (T1, T1),
        )
        c.execute(
            "INSERT INTO reflections (uid, date, text, prompt_rule, prompt_record, prompt_text,"
            " created_at, updated_at) VALUES ('r3', '2026-10-09', 'Asked Ana, 50% = ok <b>',"
            " 'overdue-commitment', 'commitment:c2', 'You promised Ana a call,\nback: when?',"
            " ?, ?)",
            (T2, T2),
        )
    c.close()


JOURNALS = {"generated": generated, "awkward": awkward}


@pytest.mark.parametrize("journal", list(JOURNALS))
def test_exports_match_the_golden_files(pj, db, tmp_path, journal):
    JOURNALS[journal](db)
    for fmt, suffix in (("markdown", "md"), ("json", "json")):
        target = tmp_path / f"export.{suffix}"
        r = pj("export", "--format", fmt, "--output", target)
        assert r.exit_code == 0, r
        check_golden(f"export-{journal}.{suffix}", stable(read(target)))
    folder = tmp_path / "days"
    r = pj("export", "--split", "day", "--output", folder)
    assert r.exit_code == 0, r
    files = sorted((p.relative_to(folder).as_posix() for p in folder.rglob("*")
                    if p.is_file()), key=lambda name: (name != "partnerjournal.md", name))
    joined = "".join(
        f"==> {name} <==\n{stable(read(folder / name))}" for name in files
    )
    check_golden(f"export-{journal}-day.md", joined)


def test_golden_exports_are_all_in_use():
    if UPDATE:
        return
    known = {f"export-{j}{s}" for j in JOURNALS for s in (".md", ".json", "-day.md")}
    stray = sorted(p.name for p in GOLDEN.iterdir() if p.name not in known)
    assert not stray, f"golden exports no test compares: {stray}"


def test_standard_output_is_the_file(pj, db, tmp_path):
    """``pj export`` to the screen writes what ``--output`` writes (the test runner's
    captured output turns CRLF into LF, so both sides are compared that way)."""
    awkward(db)
    for fmt in ("markdown", "json"):
        target = tmp_path / "export.out"
        assert pj("export", "--format", fmt, "--output", target).exit_code == 0
        r = pj("export", "--format", fmt)
        assert r.exit_code == 0, r
        assert stable(r.stdout) == stable(read(target)).replace("\r\n", "\n")


@pytest.mark.parametrize("journal", list(JOURNALS))
def test_planned_records_are_the_reference_records(db, journal):
    """Every record, written through its kind's plan, is what ``render_record`` and
    ``json.dumps`` write for it: a change to the reference shows here record by record.
    The JSON lines are checked with the texts quoted by SQLite and by Python."""
    import json

    from partnerjournal import exporters as ex
    from partnerjournal import store
    from partnerjournal.store import transfer as st

    JOURNALS[journal](db)
    conn = store.connect(db)
    try:
        kinds = st.available_kinds(conn)
        assert st.json_quote_agrees(conn)
        fast_names, reference_names = ex._Names(), ex._Names()
        plans: dict = {}
        reference: dict[str, list] = {}
        planned = 0
        for kind, rows in st.iter_rows(conn, kinds):
            md = plans.setdefault(kind.name, ex._MarkdownPlan(kind, fast_names))
            make = st.record_maker(kind)
            for row in rows:
                rec = make(row)
                assert md.data(row) == ex.render_record(kind, rec, reference_names).encode(), rec
                reference_names.remember(kind, rec)
                reference.setdefault(kind.name, []).append(json.dumps(rec, ensure_ascii=False))
                planned += md.fast is not None
        assert planned > 0
        for quote in (True, False):
            lines: dict[str, list] = {}
            for kind in kinds:
                exprs, spec = st.json_columns(kind, quote)
                plan = ex._JsonPlan(spec)
                for _, rows in st.iter_rows(conn, [kind], columns=lambda k: exprs,
                                            raw_text=True):
                    lines.setdefault(kind.name, []).extend(
                        plan.line(row).decode("utf-8") for row in rows)
            assert lines == reference
    finally:
        conn.close()
