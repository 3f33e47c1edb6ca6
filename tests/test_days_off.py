"""Proposed session dates skip public holidays (the holidays library) and the leader's
own blocked dates, both settings in the journal."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest

from conftest import snapshot


def ok(r):
    assert r.exit_code == 0, r
    return r


@pytest.fixture
def eight(pj, db, monkeypatch):
    """Eight partners never met, on 2026-11-23 (a Monday): the quarter's last weeks hold
    US Thanksgiving (26-27 Nov) and Christmas (25 Dec)."""
    for n in "ABCDEFGH":
        ok(pj("partner", "add", f"Partner {n}", "--box", "managers", "--relation", "direct"))
    return pj


def proposed(pj) -> list[dt.date]:
    return [dt.date.fromisoformat(d["proposed_date"]) for d in ok(pj("session", "due", "--json")).json()]


def test_without_settings_any_weekday_may_be_proposed(eight):
    dates = proposed(eight)
    assert dt.date(2026, 12, 24) in dates and dt.date(2026, 12, 30) in dates


def test_us_holidays_are_skipped(eight):
    ok(eight("config", "set", "holidays", "US"))
    everyone = [d for _ in range(5) for d in proposed(eight)]
    assert dt.date(2026, 11, 26) not in everyone  # Thanksgiving
    assert dt.date(2026, 12, 25) not in everyone  # Christmas
    assert all(d.weekday() < 5 for d in everyone)
    r = ok(eight("session", "due"))
    assert "Not proposed: Thanksgiving Day (2026-11-26)" in r.stderr
    assert "Christmas Day (2026-12-25)" in r.stderr
    assert "(8, 27 weekdays left)" in r.stdout  # 29 weekdays less the two holidays


def test_a_region_adds_its_own_holidays(eight):
    ok(eight("config", "set", "holidays", "us-ca"))
    assert ok(eight("config", "get", "holidays")).stdout == "US-CA\n"
    r = ok(eight("session", "due"))
    # California also takes the day after Thanksgiving off
    assert "Day After Thanksgiving (2026-11-27)" in r.stderr
    assert "(8, 26 weekdays left)" in r.stdout


def test_blocked_ranges_are_skipped(eight):
    r = ok(eight("config", "set", "blocked", "2026-12-21..2027-01-01, 2026-12-01"))
    assert r.stdout == "blocked = 2026-12-01, 2026-12-21..2027-01-01\n"
    dates = proposed(eight)
    assert max(dates) < dt.date(2026, 12, 21)
    assert dt.date(2026, 12, 1) not in dates
    r = ok(eight("session", "due"))
    assert "10 blocked days" in r.stderr  # 1 Dec, and 21 to 31 Dec less the weekend


def test_holidays_and_blocked_days_together(eight):
    ok(eight("config", "set", "holidays", "US-CA"))
    ok(eight("config", "set", "blocked", "2026-12-14..2026-12-18"))
    dates = proposed(eight)
    off = {dt.date(2026, 11, 26), dt.date(2026, 11, 27), dt.date(2026, 12, 25)}
    off |= {dt.date(2026, 12, 14) + dt.timedelta(days=k) for k in range(5)}
    assert not off & set(dates)
    assert len(set(dates)) == 8  # still eight different days


def test_clearing_the_settings(eight):
    ok(eight("config", "set", "holidays", "US"))
    ok(eight("config", "set", "blocked", "2026-12-21..2027-01-01"))
    ok(eight("config", "set", "holidays", "none"))
    ok(eight("config", "set", "blocked", "none"))
    assert ok(eight("config", "get", "blocked", "--json")).json()["value"] == ""
    assert dt.date(2026, 12, 24) in proposed(eight)


@pytest.mark.parametrize("key, value, words", [
    ("holidays", "XX", "'XX' is not a country code"),
    ("holidays", "US-ZZ", "US has no region 'ZZ'"),
    ("blocked", "2026-12-31..2026-12-01", "ends before it starts: write 2026-12-01..2026-12-31"),
    ("blocked", "2026-13-01", "'2026-13-01' is not a date like 2026-12-21"),
    ("blocked", "next week", "'next' is not a date"),
    ("blocked", "2026-12-01..", "'' is not a date"),
])
def test_bad_values_are_refused_clearly(eight, db, key, value, words):
    before = snapshot(db)
    r = eight("config", "set", key, value)
    assert r.exit_code == 2
    lines = r.stderr.splitlines()
    assert len(lines) == 1 and words in lines[0], r
    assert snapshot(db) == before


def test_holidays_are_not_imported_at_start_up(tmp_path):
    code = (
        "import sys\n"
        "from partnerjournal.cli import app\n"
        "try:\n"
        "    app(['config', 'list'], prog_name='pj')\n"
        "except SystemExit:\n"
        "    pass\n"
        "assert 'holidays' not in sys.modules, 'holidays imported without proposing dates'\n"
    )
    env = {"PARTNERJOURNAL_DB": str(tmp_path / "j.sqlite"), "PATH": "/usr/bin:/bin"}
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                       timeout=60)
    assert r.returncode == 0, r.stderr
