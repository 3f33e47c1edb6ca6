"""Reflections written to a first-edition prompt that the second edition retired keep
their question and source everywhere they are shown, while the prompt is never offered."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from partnerjournal.catalog import load_catalog

RETIRED = "hummel-four-quadrants"  # first edition, wrongly credited Covey's quadrants to Hummel


def ok(result):
    assert result.exit_code == 0, result
    return result


@pytest.fixture
def written(pj, db):
    """A journal with one reflection written to a retired prompt, as a journal from the
    first edition holds it (a new reflection can no longer answer a retired prompt)."""
    r = ok(pj("reflect", "Sorted the week; the planning got done.", "--step", "5"))
    rid = int(r.stdout.strip())
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("UPDATE reflections SET prompt_id = ? WHERE id = ?", (RETIRED, rid))
    conn.close()
    return rid


def test_the_retired_prompt_is_in_the_catalog_but_not_on_offer():
    cat = load_catalog()
    p = cat.prompt(RETIRED)
    assert p is not None and p.retired
    assert p not in cat.prompts and RETIRED not in {q.id for q in cat.prompts}


def test_show_names_the_retired_prompt_and_its_source(pj, written):
    p = load_catalog().prompt(RETIRED)
    out = ok(pj("show", written)).stdout
    assert f"Prompt: {p.text}" in out
    assert "Source: Charles Hummel, Tyranny of the Urgent" in out
    assert ok(pj("show", written, "--json")).json()["prompt_id"] == RETIRED


def test_markdown_export_keeps_the_retired_prompt_text(pj, written):
    p = load_catalog().prompt(RETIRED)
    out = ok(pj("export", "--format", "markdown")).stdout
    assert p.text in " ".join(out.split())


def test_pj_prompts_never_lists_retired_prompts(pj):
    listed = {p["id"] for p in ok(pj("prompts", "--json")).json()}
    retired = {p.id for p in load_catalog().retired}
    assert listed and not listed & retired
    hummel = ok(pj("prompts", "--source", "hummel", "--json")).json()
    assert all(not p["retired"] and p["why"] for p in hummel)


def test_the_day_s_prompt_is_never_a_retired_one(pj):
    retired = {p.id for p in load_catalog().retired}
    start = dt.date(2026, 10, 1)
    for n in range(0, 120, 3):
        day = (start + dt.timedelta(days=n)).isoformat()
        chosen = ok(pj("prompt", "--date", day, "--json")).json()
        assert chosen["id"] not in retired
        assert [w["step"] for w in chosen["why"]] == chosen["steps"]
        assert all(w["why"] for w in chosen["why"])
