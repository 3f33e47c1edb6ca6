"""The second edition's balance and voice rules (docs/catalog.md), and its coverage table.

A reflection takes its prompt's steps by default and `pj progress` counts them, so
these rules are what keeps the progress report honest: enough prompts for every step,
the teach and evaluate phases not starved, each claimed step argued for, and the
coverage table in the docs true to the catalog.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from pathlib import Path

import pytest

from partnerjournal.catalog import load_catalog, phase_of

DOC = Path(__file__).resolve().parents[1] / "docs" / "catalog.md"

MIN_PER_STEP = 8  # prompts whose first step it is
MIN_TEACH_EVALUATE = 0.45  # share of the catalog in steps 6-13, by first step
MAX_TODAY = 1 / 3
MIN_NEXT_STEP = 1 / 3
# Jaccard similarity of content words at or above which two prompts ask the same thing:
# half the vocabulary shared means a rewording. Pairs that only share a frame (using
# a relationship type at step 4 and training others in it at step 12) score ~0.3-0.4.
NEAR_DUPLICATE = 0.5

TODAY = re.compile(r"\b(today|today's|tonight|this morning)\b", re.IGNORECASE)
# The last sentence asks for a time or a person: the heuristic docs/catalog.md states.
NEXT_STEP = re.compile(
    r"\b(by when|with whom|when will you|whom will you|who will you|which day|by the end of"
    r"|from which|from when|starting when|which meeting|pick the day)\b|\bwhen\?$",
    re.IGNORECASE,
)
STOP_WORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself yourselves
    one next""".split()
)


@pytest.fixture(scope="module")
def cat():
    return load_catalog()


def last_sentence(text: str) -> str:
    return re.split(r"(?<=[?.!])\s+", text.strip())[-1]


def content_words(text: str) -> set[str]:
    words = re.findall(r"[a-z0-9]+", text.lower().replace("\u2019", "").replace("'", ""))
    return {w[:-1] if w.endswith("s") and len(w) > 3 else w for w in words if w not in STOP_WORDS}


def jaccard(a: str, b: str) -> float:
    x, y = content_words(a), content_words(b)
    return len(x & y) / len(x | y)


def coverage_table() -> list[tuple[str, str, list[str]]]:
    """(idea, source key, prompt ids) for each row of the coverage table in the docs."""
    text = DOC.read_text("utf-8")
    section = text.split("\n## Coverage\n", 1)[1]
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not line.startswith("|") or len(cells) != 3 or cells[0] in ("Idea", "---"):
            continue
        rows.append((cells[0], cells[1], re.findall(r"`([^`]+)`", cells[2])))
    return rows


# --- balance ---------------------------------------------------------------------------


def test_every_step_leads_at_least_eight_prompts(cat):
    first = Counter(p.steps[0] for p in cat.prompts)
    thin = {n: first[n] for n in range(1, 14) if first[n] < MIN_PER_STEP}
    assert not thin, f"steps with fewer than {MIN_PER_STEP} prompts of their own: {thin}"


def test_teach_and_evaluate_hold_at_least_45_percent(cat):
    phases = Counter(p.phase for p in cat.prompts)
    share = (phases["teach"] + phases["evaluate"]) / len(cat.prompts)
    assert share >= MIN_TEACH_EVALUATE, dict(phases)
    assert all(phases[k] for k in ("example", "teach", "evaluate"))


def test_one_step_is_the_norm_and_two_the_most(cat):
    counts = Counter(len(p.steps) for p in cat.prompts)
    assert set(counts) <= {1, 2}
    assert counts[1] >= 0.8 * len(cat.prompts), counts


def test_catalog_size_stays_readable(cat):
    # enough for every step to rotate, few enough for a reviewer to read every prompt
    assert 110 <= len(cat.prompts) <= 160


def test_step_12_prompts_are_about_the_relationship_types(cat):
    types = re.compile(r"\b(direct|influential|guidance|relationship type|layers?)\b", re.I)
    for p in cat.prompts:
        if 12 in p.steps:
            assert types.search(p.text), f"{p.id} claims step 12 but names no relationship type"


def test_step_4_prompts_use_the_relationships(cat):
    words = re.compile(
        r"\b(direct|influential|influences?|guidance|guides?|assign\w*|boxes|relationship type"
        r"|principles?|context)\b",
        re.I,
    )
    for p in cat.prompts:
        if 4 in p.steps:
            assert words.search(p.text), f"{p.id} claims step 4 but uses no relationship type"


def test_step_8_prompts_change_something_that_exists(cat):
    exists = re.compile(r"\b(already|existing|routine|current|regular|in draft|when .* set)\b", re.I)
    for p in cat.prompts:
        if 8 in p.steps:
            assert exists.search(p.text), f"{p.id} claims step 8 but changes nothing existing"


def test_step_13_is_about_feedback_not_priorities(cat):
    step = cat.step(13)
    assert "feedback" in step.description and "priorit" not in step.description
    for p in cat.prompts:
        if 13 in p.steps:
            assert re.search(r"\b(feedback|told|tell\w*|said|comment|signals?|progress|happen)", p.text, re.I), p.id
            assert re.search(r"\b(change|adjust)", p.text, re.I), p.id


def test_hummel_is_never_credited_with_the_quadrants(cat):
    for p in cat.prompts:
        if p.source.key == "hummel":
            assert not re.search(r"quadrant|matrix|sort .* by urgency", p.text, re.I), p.id


# --- voice -----------------------------------------------------------------------------


def test_at_most_a_third_are_tied_to_today(cat):
    tied = [p.id for p in cat.prompts if TODAY.search(p.text)]
    assert len(tied) <= MAX_TODAY * len(cat.prompts), tied


def test_at_least_a_third_end_in_a_concrete_next_step(cat):
    ending = [p.id for p in cat.prompts if NEXT_STEP.search(last_sentence(p.text))]
    assert len(ending) >= MIN_NEXT_STEP * len(cat.prompts), f"{len(ending)} of {len(cat.prompts)}"


def test_no_prompt_presumes_a_failure(cat):
    # the first edition's fault-finding openings; a prompt must be answerable on a quiet day
    presumptions = re.compile(
        r"\b(did you (swallow|water|dodge|avoid|dismiss)|what did you water|which .* let you down"
        r"|where did you (hide|stretch|hold back)|when did you stay quiet|did you trade)\b",
        re.I,
    )
    assert not [p.id for p in cat.prompts if presumptions.search(p.text)]


def test_heuristics_recognise_what_they_claim():
    assert NEXT_STEP.search(last_sentence("What is it? Whom will you ask, and by when?"))
    assert NEXT_STEP.search(last_sentence("Which partnership? When will you book it?"))
    assert not NEXT_STEP.search(last_sentence("Which one drags the total down most?"))
    assert TODAY.search("What did you do today?") and not TODAY.search("What did you do?")
    assert jaccard("Which partner do you trust most?", "Which partner do you trust most?") == 1


def test_no_two_prompts_ask_the_same_thing(cat):
    close = [
        f"{a.id} ~ {b.id}: {jaccard(a.text, b.text):.2f}"
        for a, b in itertools.combinations(cat.prompts, 2)
        if jaccard(a.text, b.text) >= NEAR_DUPLICATE
    ]
    assert not close, "near-duplicate prompts:\n" + "\n".join(close)


def test_the_duplicate_check_catches_a_rewording(cat):
    p = cat.prompt("hitt-overdue-session")
    reworded = "Which of your partnerships has gone the longest without a quarterly session? When will you book one?"
    assert jaccard(p.text, reworded) >= NEAR_DUPLICATE


def test_no_two_prompts_share_their_text_or_opening(cat):
    openings = Counter(" ".join(p.text.split()[:8]).lower() for p in cat.prompts)
    assert [o for o, n in openings.items() if n > 1] == []


# --- coverage table --------------------------------------------------------------------


def test_coverage_table_matches_the_catalog(cat):
    rows = coverage_table()
    assert len(rows) >= 60, "the coverage table in docs/catalog.md is missing or cut short"
    offered = {p.id: p for p in cat.prompts}
    problems = []
    for idea, source, ids in rows:
        if source not in cat.sources:
            problems.append(f"{idea}: unknown source {source!r}")
        if len(set(ids)) < 2:
            problems.append(f"{idea}: {len(set(ids))} prompt(s), two at least")
        for pid in ids:
            if pid not in offered:
                problems.append(f"{idea}: {pid} is not a prompt on offer")
            elif offered[pid].source.key != source:
                problems.append(f"{idea}: {pid} draws on {offered[pid].source.key}, not {source}")
    assert not problems, "\n".join(problems)


def test_every_prompt_is_grounded_in_a_listed_idea(cat):
    listed = {pid for _, _, ids in coverage_table() for pid in ids}
    assert [p.id for p in cat.prompts if p.id not in listed] == []


def test_coverage_names_the_ideas_the_sources_are_read_for(cat):
    ideas = " ".join(idea.lower() for idea, _, _ in coverage_table())
    wanted = [
        "losing the business", "being embarrassed", "feeling inferior", "kind truth",
        "credibility", "reliability", "intimacy", "self-orientation",
        "engage", "listen", "frame", "envision", "commit", "tactical", "layers of relationship",
        "urgent and the important", "hummel's example", "unhurried time", "not yours",
        "four boxes", "direct relationship", "influential relationship", "guidance relationship",
        "ninety-minute session", "focus 1", "focus 2", "focus 3",
    ] + [f"action {n}:" for n in range(1, 14)]
    assert [w for w in wanted if w not in ideas] == []
    covered_sources = {source for _, source, _ in coverage_table()}
    assert covered_sources == set(cat.sources)


def test_every_step_is_covered_by_hitt_himself(cat):
    # the 13 actions are Hitt's: each has at least two of his prompts
    for n in range(1, 14):
        own = [p for p in cat.prompts if p.source.key == "hitt" and n in p.steps]
        assert len(own) >= 2, f"step {n} has {len(own)} Hitt prompts"


def test_phase_of_every_prompt_is_its_first_step(cat):
    for p in cat.prompts:
        assert p.phase == phase_of(p.steps[0])
