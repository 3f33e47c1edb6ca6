"""The packaged catalog: shape, coverage, attribution, validation and no copied text."""

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
RUN = 8  # words in a row that count as copying


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


def test_every_step_has_prompts(cat):
    per_step = Counter(n for p in cat.prompts for n in p.steps)
    for n in range(1, 14):
        assert per_step[n] >= 4, f"step {n} has only {per_step[n]} prompts"


def test_source_coverage(cat):
    per_source = Counter(p.source.key for p in cat.prompts)
    for key in BOOK_SOURCES:
        assert per_source[key] >= 12, f"{key} has only {per_source[key]} prompts"
    for key in SEED_SOURCES:
        assert per_source[key] >= 1, f"seed source {key} has no prompts"


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
    raw["prompts"][0]["steps"] = [14]
    with pytest.raises(CatalogError):
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
    ours = [(p.id, p.text) for p in cat.prompts]
    ours += [(f"step {s.number}", f"{s.title}\n{s.description}") for s in cat.steps]
    ours += [(f"phase {p.key}", p.description) for p in cat.phases]
    copied = [
        f"{where}: '{' '.join(run)}' (from {seed_runs[run]})"
        for where, text in ours
        for run in _runs(_words(text))
        if run in seed_runs
    ]
    assert not copied, "text copied from a seed:\n" + "\n".join(copied)
