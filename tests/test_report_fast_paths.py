"""The quarterly commands' shortcuts give what the plain way gives: totals, last day
and weeks in a row per step, read from the reflections per step and week and probes on
the indexes (``store.reports.step_practice``), agree with counting every step link in
Python; and
report models put together without validation (``model_construct``) are exactly what
validating the same data gives."""

from __future__ import annotations

import datetime as dt
import random
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from partnerjournal import store
from partnerjournal.progress import weeks_in_a_row
from partnerjournal.store import reports as sr

ROOT = Path(__file__).resolve().parents[1]


def counted(conn, as_of: dt.date) -> dict[int, tuple[int, str, int]]:
    days: dict[int, list[str]] = defaultdict(list)
    for step, day in conn.execute(
        "SELECT s.step, r.date FROM reflection_steps s JOIN reflections r"
        " ON r.id = s.reflection_id WHERE r.date <= ?", (as_of.isoformat(),)
    ):
        days[step].append(day)
    return {
        step: (len(ds), max(ds), weeks_in_a_row(sorted(set(ds), reverse=True), as_of))
        for step, ds in days.items()
    }


def test_a_generated_year(tmp_path):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import generate

    generate.generate(1000, tmp_path)
    conn = store.connect(tmp_path / "journal.sqlite", create=False)
    try:
        day = generate.END
        while day > generate.END - dt.timedelta(days=420):
            assert sr.step_practice(conn, day) == counted(conn, day), day
            day -= dt.timedelta(days=9)
    finally:
        conn.close()


@pytest.mark.parametrize("seed", range(6))
def test_sparse_journals_with_gaps(tmp_path, seed):
    """Steps practised rarely, weeks left out, several reflections a day, steps that
    stop: every as-of day of the span."""
    rng = random.Random(seed)
    conn = store.connect(tmp_path / "journal.sqlite")
    start = dt.date(2025, 1, 1)
    rows, links = [], []
    for n in range(rng.randint(20, 300)):
        day = start + dt.timedelta(days=rng.randrange(400))
        if rng.random() < 0.3 and day.isocalendar()[1] % 3 == 0:
            continue  # some weeks stay empty
        rows.append((n + 1, f"u{n}", day.isoformat(), "text", "2025-01-01T09:00:00+00:00"))
        for step in rng.sample(range(1, 14), rng.choice((0, 1, 1, 2, 3))):
            if step != 13 or day < start + dt.timedelta(days=100):  # step 13 stops early
                links.append((n + 1, step))
    with store.transaction(conn):
        conn.executemany(
            "INSERT INTO reflections (id, uid, date, text, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?5)", rows)
        conn.executemany("INSERT INTO reflection_steps (reflection_id, step) VALUES (?, ?)",
                         links)
    try:
        for offset in range(-10, 420, 3):
            day = start + dt.timedelta(days=offset)
            assert sr.step_practice(conn, day) == counted(conn, day), day
    finally:
        conn.close()


def test_reports_built_from_a_journal_hold_to_their_annotations(tmp_path):
    """Every field of the progress and quarterly reports of a generated year, for four
    quarters, has exactly the type its annotation declares (a strict pydantic twin of
    each section accepts it unchanged), and the JSON written is pydantic's for it."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import generate

    from model_contract import check

    from partnerjournal.services import quarters as jq
    from partnerjournal.services import reports

    generate.generate(1000, tmp_path)
    conn = store.connect(tmp_path / "journal.sqlite", create=False)
    try:
        quarter = jq.resolve(conn, None, generate.END)
        for _ in range(4):
            for build in (reports.quarterly_report, reports.progress):
                check(build(conn, quarter, generate.END))
            quarter = quarter.previous()
    finally:
        conn.close()
