"""The benchmark suite's 1,000-entry run in quick mode, as a smoke test.

It checks that the suite runs and fills every row with a figure, not that the figures
meet the targets: the full run is ``python benchmarks/run.py`` (see benchmarks/README.md).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from partnerjournal.cli import app

ROOT = Path(__file__).resolve().parents[1]
JRNL = ROOT / "benchmarks" / "work" / "jrnl-venv" / "bin" / "jrnl"
sys.path.insert(0, str(ROOT / "benchmarks"))

import run as bench  # noqa: E402


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory) -> tuple[dict, str]:
    work = tmp_path_factory.mktemp("bench")
    output = work / "results.md"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--sizes", "1000", "--quick",
         "--work", str(work), "--jrnl-venv", str(JRNL.parents[1]), "--output", str(output)],
        capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(output.with_suffix(".json").read_text()), output.read_text()


@pytest.mark.e2e
def test_every_pj_operation_has_a_figure(quick_run):
    result, _ = quick_run
    (table,) = result["tables"]
    assert table["size"] == 1000
    assert table["floor"]["status"] == "ok" and table["floor"]["median_s"] > 0
    assert [row["key"] for row in table["rows"]] == [op.key for op in bench.OPERATIONS]
    root = typer.main.get_command(app)
    registered = set(root.list_commands(None))
    for row in table["rows"]:
        pj = row["pj"]
        if pj["status"] == bench.NOT_AVAILABLE:
            # Only a command this build lacks may be skipped, never one that is broken.
            command = row["pj_argv"][1]
            assert command not in registered, f"pj {command} exists but its --help fails"
            continue
        if row["key"] == "import_jrnl" and not JRNL.exists():
            assert pj["status"] == "skipped", row  # its file is jrnl's own export
            continue
        assert pj["status"] == "ok", f"{row['label']}: {pj['status']} {pj['note']}"
        assert isinstance(pj["median_s"], float) and pj["median_s"] > 0, row
        assert pj["peak_mb"] > 0 and pj["runs"] == 2, row


@pytest.mark.e2e
def test_jrnl_side_runs_when_installed(quick_run):
    result, _ = quick_run
    shared = [row for row in result["tables"][0]["rows"] if row["jrnl_argv"]]
    assert len(shared) == 6
    for row in shared:
        if JRNL.exists():
            assert row["jrnl"]["status"] == "ok", f"jrnl {row['label']}: {row['jrnl']}"
            assert row["jrnl"]["median_s"] > 0
        else:
            assert row["jrnl"]["status"] == "skipped"


@pytest.mark.e2e
def test_results_file_has_every_row_and_the_targets(quick_run):
    result, text = quick_run
    for row in result["tables"][0]["rows"]:
        assert f"| {row['label']} |" in text
    assert "## 1,000 reflections" in text
    assert "Floor, timed alone before the table: **" in text
    assert "| floor s | pj ÷ floor |" in text
    assert "## Targets (issue 6)" in text
    assert "## Targets (issue 11)" in text
    assert f"Python {result['machine']['python']}, SQLite {result['machine']['sqlite']}" in text
