"""Prompts retired from the catalog: listed on request, never answered anew, and still
named by the reflections that answered them."""

from __future__ import annotations

from conftest import snapshot

from partnerjournal.catalog import load_catalog


def test_prompts_retired_lists_only_the_retired_ones(pj):
    retired = pj("prompts", "--retired", "--json").json()
    assert retired and all(p["retired"] for p in retired)
    assert {p["id"] for p in retired} == {p.id for p in load_catalog().retired}
    offered = {p["id"] for p in pj("prompts", "--json").json()}
    assert offered.isdisjoint(p["id"] for p in retired)
    r = pj("prompts", "--retired")
    assert r.exit_code == 0 and f"{len(retired)} retired prompts" in r.stderr


def test_prompts_retired_narrows_by_step(pj):
    step = load_catalog().retired[0].steps[0]
    listed = pj("prompts", "--retired", "--step", str(step), "--json").json()
    assert listed and all(step in p["steps"] for p in listed)


def test_a_retired_prompt_cannot_be_answered_anew(pj, db):
    pj("reflect", "first", "--step", "1")
    before = snapshot(db)
    old = load_catalog().retired[0].id
    r = pj("reflect", "An answer", "--prompt", old)
    assert r.exit_code == 2, r
    assert r.stderr == (f"pj: error: prompt {old!r} is retired from the catalog: answer one"
                        " on offer (see 'pj prompts')\n")
    assert snapshot(db) == before
