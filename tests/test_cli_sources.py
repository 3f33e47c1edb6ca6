"""pj sources: every work the catalog draws on, cited, with what it gives and how much."""

from __future__ import annotations

import subprocess
import sys

import pytest

from partnerjournal.catalog import load_catalog


def ok(result):
    assert result.exit_code == 0, result
    return result


def test_sources_json_cites_every_source_and_counts_prompts_on_offer(pj, db):
    cat = load_catalog()
    rows = ok(pj("sources", "--json")).json()
    assert [r["key"] for r in rows] == list(cat.sources)
    for r in rows:
        source = cat.sources[r["key"]]
        assert r["citation"] == source.citation()
        assert r["author"] in r["citation"] and r["work"] in r["citation"]
        if r["subtitle"]:
            assert r["subtitle"] in r["citation"]
        assert r["contributes"] == source.contributes and r["contributes"].strip()
        offered = [p for p in cat.prompts if p.source.key == r["key"]]
        assert r["prompts"] == len(offered) > 0
        assert r["steps"] == sorted({n for p in offered for n in p.steps})
    # retired prompts are history, not what the catalog draws on now
    assert sum(r["prompts"] for r in rows) == len(cat.prompts)
    unsigned = [r for r in rows if r["author"].startswith("Unattributed")]
    assert len(unsigned) == 3 and all(r["origin"] for r in unsigned)
    assert not db.exists()  # listing the sources needs no journal


def test_sources_text_gives_citation_count_and_contribution(pj):
    cat = load_catalog()
    out = ok(pj("sources")).stdout
    for key, source in cat.sources.items():
        n = len(cat.prompts_from(key))
        assert source.citation() in out
        assert f"  {n} prompts · steps " in out
        assert f"pj prompts --source {key}" in out
        assert source.contributes in out
    assert "Lencioni" in out and "2010" in out and "Hitt" in out and "2002" in out


def test_sources_ignores_your_own_prompts(pj):
    before = {r["key"]: r["prompts"] for r in ok(pj("sources", "--json")).json()}
    ok(pj("prompts", "add", "Whose request did I turn into a shared goal?", "--step", "3"))
    after = {r["key"]: r["prompts"] for r in ok(pj("sources", "--json")).json()}
    assert after == before


def test_each_source_filter_named_by_sources_works(pj):
    for r in ok(pj("sources", "--json")).json():
        listed = ok(pj("prompts", "--source", r["key"], "--json")).json()
        assert len(listed) == r["prompts"], r["key"]


@pytest.mark.e2e
def test_sources_through_the_installed_pj(tmp_path):
    env = {"PARTNERJOURNAL_DB": str(tmp_path / "j.sqlite"), "NO_COLOR": "1", "PATH": ""}
    r = subprocess.run(
        [sys.executable, "-m", "partnerjournal", "sources"], capture_output=True, text=True,
        env=env, timeout=60,
    )
    assert r.returncode == 0, r.stderr
    assert "The Trusted Advisor" in r.stdout and "\x1b[" not in r.stdout
