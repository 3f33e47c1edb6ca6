"""Choosing the day's prompt and managing the leader's own prompts."""

from __future__ import annotations

import datetime as dt
import sqlite3
import zlib

from ..catalog import USER_SOURCE, Catalog, Prompt, load_catalog, phase_of
from ..errors import NotFound, UsageError
from ..store import journal as sj
from ..store import transaction
from . import quarters as jq
from . import validate

RECENT_DAYS = 30  # a prompt used within this many days is not offered again


def catalog_with_custom(conn: sqlite3.Connection) -> Catalog:
    custom = [
        Prompt(p["id"], p["text"], tuple(p["steps"]), USER_SOURCE, custom=True)
        for p in sj.custom_prompts(conn)
    ]
    return load_catalog().with_custom(custom)


def filter_prompts(
    catalog: Catalog, step: int | None = None, source: str | None = None,
    retired: bool = False,
) -> list[Prompt]:
    """The prompts on offer (or, with ``retired``, those the catalog no longer offers),
    narrowed to a step and a source."""
    prompts = list(catalog.retired if retired else catalog.prompts)
    if step is not None:
        validate.steps([step])
        prompts = [p for p in prompts if step in p.steps]
    if source:
        keys = {s.key for s in catalog.find_source(source)}
        if "you".startswith(source.casefold().strip()) or source.casefold() in ("user", "mine"):
            keys.add(USER_SOURCE.key)
        if not keys:
            known = ", ".join(sorted(s.author.split(",")[0] for s in catalog.sources.values()))
            raise UsageError(f"no source matches {source!r}: try one of {known}")
        prompts = [p for p in prompts if p.source.key in keys]
    return prompts


def choose_prompt(
    prompts: list[Prompt],
    day: dt.date,
    step_counts: dict[int, int],
    recent: set[str],
) -> Prompt:
    """Pick the day's prompt: favour the least-practised phase and steps, skip prompts
    used recently, and stay the same all day (a deterministic pick seeded by the date).

    Pure: the caller gives the practice counts *before* ``day`` so writing today's
    reflection does not change today's prompt.
    """
    if not prompts:
        raise NotFound("no prompt matches: widen --step or --source (see 'pj prompts')")
    fresh = [p for p in prompts if p.id not in recent] or prompts
    steps_offered = sorted({s for p in fresh for s in p.steps})
    phase_counts: dict[str, float] = {}
    for phase, lo, hi in (("example", 1, 5), ("teach", 6, 10), ("evaluate", 11, 13)):
        phase_counts[phase] = sum(step_counts.get(s, 0) for s in range(lo, hi + 1)) / (hi - lo + 1)

    def neglect(step: int) -> tuple[float, int]:
        return (phase_counts[phase_of(step)], step_counts.get(step, 0))

    target = min(steps_offered, key=lambda s: (neglect(s), s))
    lowest = neglect(target)
    targets = {s for s in steps_offered if neglect(s) == lowest}
    candidates = sorted((p for p in fresh if targets & set(p.steps)), key=lambda p: p.id)
    seed = zlib.crc32(day.isoformat().encode())
    return candidates[seed % len(candidates)]


def practice_counts(conn: sqlite3.Connection, day: dt.date, *, through: bool = False) -> dict[int, int]:
    """Step tags this quarter before ``day`` (or through it): what the phase balance
    reads."""
    quarter = jq.current(conn, day)
    end = day if through else day - dt.timedelta(days=1)
    return sj.step_counts(conn, quarter.start.isoformat(), end.isoformat())


def balance_reason(counts: dict[int, int], prompt: Prompt) -> str:
    """Why the phase balance picks a prompt, in words: the phase and step of it that
    the balance favoured (as :func:`choose_prompt` weighs them)."""
    bounds = {"example": (1, 5), "teach": (6, 10), "evaluate": (11, 13)}

    def per_step(phase: str) -> float:
        lo, hi = bounds[phase]
        return sum(counts.get(s, 0) for s in range(lo, hi + 1)) / (hi - lo + 1)

    step = min(prompt.steps, key=lambda s: (per_step(phase_of(s)), counts.get(s, 0), s))
    phase = phase_of(step)
    return (
        f"the {phase} phase is practised least this quarter ({per_step(phase):.1f} reflections"
        f" per step before this day), and step {step} of it has {counts.get(step, 0)}"
    )


def catalog_pick(
    conn: sqlite3.Connection,
    day: dt.date,
    step: int | None = None,
    source: str | None = None,
    exclude: set[str] | frozenset[str] = frozenset(),
) -> tuple[Prompt, str]:
    """The catalog's prompt for ``day`` and why the phase balance chose it. Prompts in
    ``exclude`` (already answered that day) are passed over, and that day's practice
    then counts too."""
    catalog = catalog_with_custom(conn)
    prompts = [p for p in filter_prompts(catalog, step, source) if p.id not in exclude]
    counts = practice_counts(conn, day, through=bool(exclude))
    recent = sj.prompt_ids_since(conn, (day - dt.timedelta(days=RECENT_DAYS)).isoformat())
    if not exclude:
        recent -= sj.prompt_ids_since(conn, day.isoformat())  # today's use keeps it stable
    chosen = choose_prompt(prompts or filter_prompts(catalog, step, source), day, counts, recent)
    return chosen, balance_reason(counts, chosen)


def prompt_for_day(
    conn: sqlite3.Connection,
    day: dt.date,
    step: int | None = None,
    source: str | None = None,
) -> Prompt:
    """The catalog prompt for ``day``, adapted to this quarter's practice so far."""
    return catalog_pick(conn, day, step, source)[0]


def get_prompt(conn: sqlite3.Connection, prompt_id: str) -> Prompt:
    prompt = catalog_with_custom(conn).prompt(prompt_id)
    if prompt is None:
        raise NotFound(f"no prompt with id {prompt_id!r}: see 'pj prompts' for the ids")
    return prompt


def add_custom_prompt(conn: sqlite3.Connection, text: str, steps: list[int], now: str) -> Prompt:
    text = " ".join(validate.text(text, "the prompt").split())
    steps = validate.steps(steps)
    if not steps:
        raise UsageError("say which step the prompt serves: --step N (1 to 13)")
    with transaction(conn):
        number = sj.next_custom_prompt_number(conn)
        while catalog_with_custom(conn).prompt(f"mine-{number}"):
            number += 1
        pid = f"mine-{number}"
        sj.insert_custom_prompt(conn, pid, text, steps, now)
    return Prompt(pid, text, tuple(steps), USER_SOURCE, custom=True)
