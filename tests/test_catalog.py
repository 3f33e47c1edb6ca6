"""The packaged catalog: shape, attribution, citations, validation, retired prompts and no
copied text. The balance and voice rules of the second edition are in
test_catalog_structure.py."""

from __future__ import annotations

import copy
import json
import re
from collections import Counter
from importlib import resources
from pathlib import Path

import pytest

from partnerjournal.catalog import load_catalog, parse_catalog, phase_of
from partnerjournal.errors import CatalogError

SEED_SOURCES = ("hitt", "value", "trust", "partnering", "kittel")
BOOK_SOURCES = ("lencioni", "maister", "hummel")
# tests/ -> repo root -> the folder that holds the clone; shared/seeds sits beside the repo.
SEEDS_DIR = Path(__file__).resolve().parents[2] / "shared" / "seeds"
RUN = 6  # words in a row that count as copying (docs/catalog.md)


def raw_catalog() -> dict:
    text = resources.files("partnerjournal").joinpath("data/catalog.json").read_text("utf-8")
    return json.loads(text)


@pytest.fixture(scope="module")
def cat():
    return load_catalog()


def test_thirteen_steps_in_three_phases(cat):
    assert [s.number for s in cat.steps] == list(range(1, 14))
    for s in cat.steps:
        expected = "example" if s.number <= 5 else "teach" if s.number <= 10 else "evaluate"
        assert s.phase == expected == phase_of(s.number)
        assert s.title.strip() and s.description.strip()
    assert [p.key for p in cat.phases] == ["example", "teach", "evaluate"]
    assert cat.phase("example").steps == (1, 2, 3, 4, 5)
    assert cat.phase("teach").steps == (6, 7, 8, 9, 10)
    assert cat.phase("evaluate").steps == (11, 12, 13)


def test_phase_of_rejects_out_of_range():
    for bad in (0, 14):
        with pytest.raises(CatalogError):
            phase_of(bad)


def test_enough_prompts_with_unique_ids(cat):
    assert len(cat.prompts) >= 80
    ids = [p.id for p in cat.prompts]
    assert len(ids) == len(set(ids))
    for p in cat.prompts:
        assert p.id == p.id.lower() and re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", p.id), p.id
        assert p.id.startswith(p.source.key + "-"), p.id
        assert cat.prompt(p.id) is p


def test_source_coverage(cat):
    per_source = Counter(p.source.key for p in cat.prompts)
    for key in BOOK_SOURCES:
        assert per_source[key] >= 8, f"{key} has only {per_source[key]} prompts"
    for key in SEED_SOURCES:
        assert per_source[key] >= 4, f"seed source {key} has only {per_source[key]} prompts"


def test_every_prompt_source_is_attributed(cat):
    for p in cat.prompts:
        assert p.source.author.strip(), p.id
        assert p.source.work.strip(), p.id
        assert p.source is cat.sources[p.source.key]
    for s in cat.steps:
        for key in s.sources:
            assert key in cat.sources


def test_parse_catalog_accepts_packaged_json():
    parsed = parse_catalog(raw_catalog())
    assert len(parsed.prompts) == len(load_catalog().prompts)


def test_parse_catalog_rejects_duplicate_id():
    raw = raw_catalog()
    raw["prompts"].append(copy.deepcopy(raw["prompts"][0]))
    with pytest.raises(CatalogError, match="duplicate"):
        parse_catalog(raw)


def test_parse_catalog_rejects_unknown_source():
    raw = raw_catalog()
    raw["prompts"][0]["source"] = "nobody"
    with pytest.raises(CatalogError, match="unknown source"):
        parse_catalog(raw)


def test_parse_catalog_rejects_step_fourteen():
    raw = raw_catalog()
    raw["prompts"][0]["serves"] = [{"step": 14, "why": "a reason"}]
    with pytest.raises(CatalogError, match="step 14"):
        parse_catalog(raw)


def _words(text: str) -> list[str]:
    text = text.lower().replace("\u2019", "").replace("'", "")
    return re.findall(r"[a-z0-9]+", text)


def _runs(words: list[str], n: int = RUN) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def test_no_copied_runs_from_seeds(cat):
    if not SEEDS_DIR.is_dir():
        pytest.skip(f"seed articles not found at {SEEDS_DIR}; the copy check needs shared/seeds beside the repo")
    seed_runs: dict[tuple[str, ...], str] = {}
    files = sorted(f for f in SEEDS_DIR.iterdir() if f.is_file())
    assert files, f"{SEEDS_DIR} holds no seed files"
    for f in files:
        for run in _runs(_words(f.read_text("utf-8", errors="replace"))):
            seed_runs.setdefault(run, f.name)
    ours = [(p.id, p.text) for p in cat.all_prompts if not p.retired]
    ours += [(f"{p.id} (why, step {n})", w) for p in cat.prompts for n, w in p.reasons()]
    ours += [(f"source {s.key}", s.contributes) for s in cat.sources.values()]
    ours += [(f"step {s.number}", f"{s.title}\n{s.description}") for s in cat.steps]
    ours += [(f"phase {p.key}", p.description) for p in cat.phases]
    copied = [
        f"{where}: '{' '.join(run)}' (from {seed_runs[run]})"
        for where, text in ours
        for run in _runs(_words(text))
        if run in seed_runs
    ]
    assert not copied, "text copied from a seed:\n" + "\n".join(copied)


# --- second edition: reasons, citations, retired prompts ---------------------------------

FIRST_EDITION_IDS = 113  # prompts the first edition offered; every one must stay resolvable


def test_every_claimed_step_has_a_one_line_reason(cat):
    for p in cat.prompts:
        assert 1 <= len(p.steps) <= 2, p.id
        assert len(p.why) == len(p.steps), p.id
        for reason in p.why:
            assert reason.strip() and "\n" not in reason, p.id
            assert len(reason) <= 160, f"{p.id}: a reason is one line, not a paragraph"


def test_as_json_pairs_each_step_with_its_reason(cat):
    p = cat.prompt("hitt-overdue-session")
    data = p.as_json()
    assert data["steps"] == [3]
    assert data["why"] == [{"step": 3, "why": p.why[0]}]
    assert data["phase"] == "example" and data["retired"] is False
    assert data["source"]["key"] == "hitt" and data["source"]["author"] == "Justin Hitt"


def test_every_source_has_a_citation_a_reader_can_follow(cat):
    for s in cat.sources.values():
        assert s.contributes.strip(), s.key
        assert s.kind in ("book", "essay", "article"), s.key
        citation = s.citation()
        assert s.author in citation and s.work in citation, s.key
        if s.author.startswith("Unattributed"):
            # no author to look up: the title and where the copy came from
            assert s.origin.strip(), s.key
        else:
            assert s.published.strip(), s.key
        assert s.label() == f"{s.author}, {s.work}"  # what pj show and exports print
    books = {k: cat.sources[k] for k in BOOK_SOURCES}
    assert all(s.year for s in books.values())
    assert cat.sources["hitt"].year == "2002"


def test_retired_prompts_still_resolve_but_are_never_offered(cat):
    offered = {p.id for p in cat.prompts}
    retired = {p.id for p in cat.retired}
    assert not offered & retired
    assert len(offered | retired) >= FIRST_EDITION_IDS
    for p in cat.retired:
        found = cat.prompt(p.id)
        assert found is p and found.retired and found.text.strip() and found.steps
        assert found.source is cat.sources[found.source.key]
        assert found.as_json()["retired"] is True
    # a demo journal and the golden reports name some of them
    assert cat.prompt("hummel-four-quadrants").retired


def test_first_edition_ids_all_resolve(cat):
    """Every id the first edition offered is still found, on offer or retired."""
    first_edition = [
        "lencioni-kind-truth", "lencioni-candour-small-win", "maister-emotional-honesty",
        "maister-self-orientation-silence", "hummel-four-quadrants", "hummel-year-of-weeks",
        "hitt-empathy-today", "hitt-direct-relationship", "value-order-taker-check",
        "trust-evidence-not-promises", "partnering-spell-out-expectations", "kittel-three-levels",
        "kittel-urgent-rarely-first", "hitt-share-successes", "hitt-practice-before-asking",
    ]
    for pid in first_edition:
        assert cat.prompt(pid) is not None, pid


def test_with_custom_keeps_retired_prompts_resolvable(cat):
    from partnerjournal.catalog import USER_SOURCE, Prompt

    mine = Prompt("mine-1", "Whose request did I turn into a shared goal?", (3,), USER_SOURCE, custom=True)
    both = cat.with_custom([mine])
    assert both.prompt("mine-1") is mine and both.prompts[-1] is mine
    assert both.prompt("hummel-four-quadrants") is cat.prompt("hummel-four-quadrants")
    assert both.retired == cat.retired
    assert not any(p.retired for p in both.prompts)
    assert mine.as_json()["why"] == [{"step": 3, "why": None}]


def test_parse_catalog_rejects_three_steps():
    raw = raw_catalog()
    raw["prompts"][0]["serves"] = [{"step": n, "why": "a reason"} for n in (1, 2, 3)]
    with pytest.raises(CatalogError, match="two at most"):
        parse_catalog(raw)


def test_parse_catalog_rejects_a_step_without_a_reason():
    raw = raw_catalog()
    raw["prompts"][0]["serves"] = [{"step": 1, "why": " "}]
    with pytest.raises(CatalogError, match="reason"):
        parse_catalog(raw)


def test_parse_catalog_rejects_a_retired_id_offered_again():
    raw = raw_catalog()
    again = copy.deepcopy(raw["prompts"][0])
    again["id"] = raw["retired"][0]["id"]
    raw["prompts"].append(again)
    with pytest.raises(CatalogError, match="duplicate"):
        parse_catalog(raw)


def test_parse_catalog_rejects_a_source_nobody_can_follow_up():
    raw = raw_catalog()
    raw["sources"]["partnering"].update(year="", published="", origin="")
    with pytest.raises(CatalogError, match="follow up"):
        parse_catalog(raw)


def test_step_sources_are_read_from_the_prompts(cat):
    for s in cat.steps:
        drawn = {p.source.key for p in cat.prompts if s.number in p.steps}
        assert set(s.sources) == drawn, s.number
