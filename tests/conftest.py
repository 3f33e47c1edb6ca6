"""Shared fixtures: a real journal file in tmp_path, a fixed 'today', the CLI runner."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from partnerjournal.cli import app

FIXED_TODAY = "2026-11-23"
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def db(tmp_path, monkeypatch) -> Path:
    """The path of a (not yet created) journal, used by every pj call in the test."""
    path = tmp_path / "journal.sqlite"
    monkeypatch.setenv("PARTNERJOURNAL_DB", str(path))
    monkeypatch.setenv("PARTNERJOURNAL_TODAY", FIXED_TODAY)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("PJ_DEBUG", "1")  # a bug must fail the test with its traceback
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    return path


class Result:
    def __init__(self, r):
        self.exit_code = r.exit_code
        self.stdout = r.stdout
        self.stderr = r.stderr
        self.exception = r.exception

    def json(self):
        return json.loads(self.stdout)

    def __repr__(self):
        return f"<Result exit={self.exit_code} stdout={self.stdout!r} stderr={self.stderr!r}>"


@pytest.fixture
def pj(db):
    """Run ``pj`` through Typer's CliRunner: ``pj("log", "--json", input="...")``."""
    runner = CliRunner()

    def run(*args: str, input: str | bytes | None = None, env: dict | None = None) -> Result:
        r = runner.invoke(app, [str(a) for a in args], input=input, env=env)
        if r.exception is not None and not isinstance(r.exception, SystemExit):
            raise r.exception  # a traceback would have reached the user: fail loudly
        return Result(r)

    return run


def snapshot(path: Path) -> dict:
    """Every row of every table, to prove a failed command changed nothing."""
    if not path.exists():
        return {}
    from sqlite_utils import Database

    db = Database(path)
    try:
        return {
            name: sorted(repr(tuple(row.values())) for row in db[name].rows)
            for name in sorted(db.table_names())
            if "fts" not in name
        }
    finally:
        db.close()


@pytest.fixture
def copy_fixture(tmp_path):
    """Copy a stored journal fixture into tmp_path and return its path."""

    def copy(name: str) -> Path:
        target = tmp_path / name
        shutil.copyfile(FIXTURES / name, target)
        os.chmod(target, 0o600)
        return target

    return copy
