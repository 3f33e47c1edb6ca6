"""The method's catalog: 13 steps in three phases, and the sourced prompts.

The catalog is package data (``data/catalog.json``), loaded and validated once per
process. Validation is plain Python so that the daily commands do not pay for
importing pydantic at start-up.

>>> cat = load_catalog()
>>> cat.step(1).phase
'example'
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .errors import CatalogError

PHASES = ("example", "teach", "evaluate")
STEP_NUMBERS = range(1, 14)


@dataclass(frozen=True)
class Source:
    key: str
    author: str
    work: str
    note: str = ""

    def label(self) -> str:
        return f"{self.author}, {self.work}"


@dataclass(frozen=True)
class Phase:
    key: str
    title: str
    description: str
    steps: tuple[int, ...]


@dataclass(frozen=True)
class Step:
    number: int
    phase: str
    title: str
    description: str
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Prompt:
    id: str
    text: str
    steps: tuple[int, ...]
    source: Source
    custom: bool = False

    @property
    def phase(self) -> str:
        return phase_of(self.steps[0])

    def as_json(self) -> dict:
        return {
            "id": self.id,
            "text": self.text,
            "steps": list(self.steps),
            "phase": self.phase,
            "source": {"author": self.source.author, "work": self.source.work},
            "custom": self.custom,
        }


def phase_of(step: int) -> str:
    """The phase a step belongs to: 1–5 example, 6–10 teach, 11–13 evaluate."""
    if 1 <= step <= 5:
        return "example"
    if 6 <= step <= 10:
        return "teach"
    if 11 <= step <= 13:
        return "evaluate"
    raise CatalogError(f"step {step} is not one of the 13 steps")


@dataclass(frozen=True)
class Catalog:
    phases: tuple[Phase, ...]
    steps: tuple[Step, ...]
    sources: dict[str, Source]
    prompts: tuple[Prompt, ...]
    _by_id: dict[str, Prompt] = field(default_factory=dict, repr=False, compare=False)

    def step(self, number: int) -> Step:
        return self.steps[number - 1]

    def phase(self, key: str) -> Phase:
        return next(p for p in self.phases if p.key == key)

    def prompt(self, prompt_id: str) -> Prompt | None:
        return self._by_id.get(prompt_id)

    def find_source(self, name: str) -> list[Source]:
        """Sources whose key, author or work contains ``name`` (case-insensitive)."""
        needle = name.casefold().strip()
        return [
            s
            for s in self.sources.values()
            if needle in s.key.casefold()
            or needle in s.author.casefold()
            or needle in s.work.casefold()
        ]

    def with_custom(self, custom: list[Prompt]) -> "Catalog":
        prompts = self.prompts + tuple(custom)
        return Catalog(
            self.phases, self.steps, self.sources, prompts, {p.id: p for p in prompts}
        )


USER_SOURCE = Source("user", "You", "your own prompts")


def _require(cond: bool, message: str) -> None:
    if not cond:
        raise CatalogError(f"catalog: {message}")


def parse_catalog(raw: dict) -> Catalog:
    """Build and validate a catalog from its JSON form."""
    sources = {}
    for key, s in raw["sources"].items():
        _require(bool(s.get("author")) and bool(s.get("work")), f"source {key} lacks author/work")
        sources[key] = Source(key, s["author"], s["work"], s.get("note", ""))

    phases = []
    for p in raw["phases"]:
        _require(p["key"] in PHASES, f"unknown phase {p['key']!r}")
        phases.append(Phase(p["key"], p["title"], p["description"], tuple(p["steps"])))
    _require(tuple(p.key for p in phases) == PHASES, "phases must be example, teach, evaluate")

    steps = []
    for s in raw["steps"]:
        _require(phase_of(s["number"]) == s["phase"], f"step {s['number']} is in the wrong phase")
        for key in s.get("sources", []):
            _require(key in sources, f"step {s['number']} names unknown source {key!r}")
        steps.append(
            Step(s["number"], s["phase"], s["title"], s["description"], tuple(s.get("sources", [])))
        )
    _require([s.number for s in steps] == list(STEP_NUMBERS), "steps must be numbered 1 to 13")

    prompts = []
    seen: set[str] = set()
    for p in raw["prompts"]:
        pid = p["id"]
        _require(pid not in seen, f"duplicate prompt id {pid!r}")
        seen.add(pid)
        _require(bool(p["text"].strip()), f"prompt {pid} has no text")
        _require(bool(p["steps"]), f"prompt {pid} serves no step")
        for n in p["steps"]:
            _require(n in STEP_NUMBERS, f"prompt {pid} names step {n}")
        _require(p["source"] in sources, f"prompt {pid} names unknown source {p['source']!r}")
        prompts.append(Prompt(pid, p["text"], tuple(p["steps"]), sources[p["source"]]))
    prompts_t = tuple(prompts)
    return Catalog(tuple(phases), tuple(steps), sources, prompts_t, {p.id: p for p in prompts_t})


@lru_cache(maxsize=1)
def load_catalog() -> Catalog:
    """The packaged catalog, parsed and validated once per process."""
    # A plain file read: importlib.resources costs ~3 ms of start-up on every command.
    text = (Path(__file__).parent / "data" / "catalog.json").read_text("utf-8")
    return parse_catalog(json.loads(text))
