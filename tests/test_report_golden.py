"""Golden files: each report format, rendered from the fixed sample quarter at a fixed
date, must match the file in tests/golden/ byte for byte.

After an intended change, regenerate them and review the diff:

    PJ_UPDATE_GOLDEN=1 python -m pytest tests/test_report_golden.py
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest
from report_samples import sample_progress, sample_report

from partnerjournal.render import PROGRESS_RENDERERS, REPORT_RENDERERS, renderer

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("PJ_UPDATE_GOLDEN") == "1"

# (golden file, renderer table, format, model builder)
CASES = [
    ("sample-report.txt", REPORT_RENDERERS, "terminal", sample_report),
    ("sample-report.md", REPORT_RENDERERS, "markdown", sample_report),
    ("sample-report.html", REPORT_RENDERERS, "html", sample_report),
    ("sample-report.json", REPORT_RENDERERS, "json", sample_report),
    ("sample-progress.txt", PROGRESS_RENDERERS, "terminal", sample_progress),
    ("sample-progress.json", PROGRESS_RENDERERS, "json", sample_progress),
]


def check_golden(name: str, actual: str) -> None:
    """Compare ``actual`` with tests/golden/``name`` (or rewrite it when updating)."""
    path = GOLDEN / name
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(actual, encoding="utf-8", newline="")
        return
    if not path.exists():
        pytest.fail(f"{path} is missing: create it with PJ_UPDATE_GOLDEN=1")
    expected = path.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(list(difflib.unified_diff(
            expected.splitlines(keepends=True), actual.splitlines(keepends=True),
            f"golden/{name}", "rendered", n=2))[:80])
        pytest.fail(f"{name} differs from the golden file "
                    f"(PJ_UPDATE_GOLDEN=1 rewrites it after a wanted change):\n{diff}")


@pytest.mark.parametrize("name, table, fmt, build", CASES, ids=[c[0] for c in CASES])
def test_golden(name, table, fmt, build):
    text = renderer(table, fmt)(build(), width=100, color=False)
    check_golden(name, text)


def test_golden_files_are_all_in_use():
    """A golden file nobody checks any more would rot silently."""
    if UPDATE:
        return
    known = {case[0] for case in CASES} | {case[0] for case in EXAMPLE_CASES}
    # subfolders (exports/) belong to their own tests
    stray = [p.name for p in GOLDEN.iterdir() if p.is_file() and p.name not in known]
    assert not stray, f"golden files no test compares: {stray}"


# --- the example journal, as a newcomer sees it through `pj demo` ---------------------

EXAMPLE_TODAY = "2026-10-02"
EXAMPLE_CASES = [
    ("example-report.txt", "terminal"),
    ("example-report.md", "markdown"),
    ("example-report.html", "html"),
    ("example-report.json", "json"),
]


@pytest.fixture(scope="module")
def example_report(tmp_path_factory):
    """The quarterly report of the example journal, built at a fixed date."""
    import datetime as dt

    from partnerjournal.services import demo, reports
    from partnerjournal.store import connect

    path = tmp_path_factory.mktemp("example") / "example.sqlite"
    today = dt.date.fromisoformat(EXAMPLE_TODAY)
    conn = connect(path)
    try:
        quarter = demo.build_demo(conn, today)
        return reports.quarterly_report(conn, quarter, today)
    finally:
        conn.close()


@pytest.mark.parametrize("name, fmt", EXAMPLE_CASES, ids=[c[0] for c in EXAMPLE_CASES])
def test_example_journal_golden(example_report, name, fmt):
    text = renderer(REPORT_RENDERERS, fmt)(example_report, width=100, color=False)
    check_golden(name, text)


def test_pj_demo_prints_the_example_report(pj, monkeypatch):
    """`pj demo` (a throwaway journal) prints exactly the example's golden report."""
    monkeypatch.setenv("PARTNERJOURNAL_TODAY", EXAMPLE_TODAY)
    monkeypatch.setenv("COLUMNS", "100")
    r = pj("demo", "--format", "markdown")
    assert r.exit_code == 0, r
    assert r.stdout == (GOLDEN / "example-report.md").read_text(encoding="utf-8")
    assert "throwaway" in r.stderr
