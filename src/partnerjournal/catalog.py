"""The method's catalog: 13 steps in three phases, the sources, and the sourced prompts.

The catalog is package data (``data/catalog.json``), loaded and validated once per
process. Validation is plain Python so that the daily commands do not pay for
importing a validation library at start-up.

Each prompt says which step(s) it serves, one as a rule and two at most, and why:
``Prompt.why`` holds one line per claimed step, in the order of ``Prompt.steps``.
Prompts from the first edition that are no longer offered are kept as *retired*:
``Catalog.prompt(id)`` still finds them, so old reflections keep their prompt text and
source, but they are not in ``Catalog.prompts`` and are never chosen.
See ``docs/catalog.md`` for how the catalog is built.

>>> cat = load_catalog()
>>> cat.step(1).phase
'example'
>>> len(cat.prompt('hitt-overdue-session').why)
1
"""

import json
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from .errors import CatalogError
from .records import Record

PHASES = ("example", "teach", "evaluate")
STEP_NUMBERS = range(1, 14)
MAX_STEPS = 2  # a prompt serves one step as a rule, two at most
SOURCE_KINDS = ("book", "essay", "article")

# Sources, phases, steps and prompts are NamedTuples: every 'pj today' and 'pj prompt'
# reads this module, and a NamedTuple class costs a fraction of a frozen dataclass.


class Source(NamedTuple):
    """A work the catalog draws on, cited so that a reader can follow it up."""

    key: str
    author: str
    work: str
    contributes: str = ""  # what the catalog takes from it, in a sentence or two
    subtitle: str = ""  # cited in full, left out of the short label
    year: str = ""  # "" where the copy we hold gives none
    kind: str = ""  # book, essay or article
    published: str = ""  # publisher or site, where known
    origin: str = ""  # for unsigned articles: what the copy we hold says of where it comes from

    def label(self) -> str:
        return f"{self.author}, {self.work}"

    @property
    def note(self) -> str:  # the first edition's name for ``contributes``
        return self.contributes

    def citation(self) -> str:
        """The full reference a reader can follow up, e.g. 'Charles Hummel, "Tyranny of
        the Urgent" (essay; InterVarsity Press booklet, Downers Grove, Illinois, 1967, ...)'."""
        kind = "" if self.kind in self.author.casefold() else self.kind
        details = "; ".join(x for x in (kind, self.published) if x)
        details = f"{details}, {self.year or 'no date given'}" if details else self.year or "no date given"
        title = f"{self.work}: {self.subtitle}" if self.subtitle else self.work
        text = f"{self.author}, \u201c{title}\u201d ({details})"
        return f"{text}. {self.origin}" if self.origin else text

    def as_json(self) -> dict:
        return {
            "key": self.key,
            "author": self.author,
            "work": self.work,
            "subtitle": self.subtitle or None,
            "year": self.year or None,
            "kind": self.kind,
            "published": self.published or None,
            "origin": self.origin or None,
            "citation": self.citation(),
            "contributes": self.contributes,
        }


class Phase(NamedTuple):
    key: str
    title: str
    description: str
    steps: tuple[int, ...]


class Step(NamedTuple):
    number: int
    phase: str
    title: str
    description: str
    sources: tuple[str, ...] = ()  # keys of the sources whose active prompts serve it, most first


class Prompt(NamedTuple):
    """A question for the journal. ``why[i]`` says how answering it practises ``steps[i]``.

    Custom prompts (the leader's own) carry no reasons; retired prompts keep the steps
    they were published with and carry none either.
    """

    id: str
    text: str
    steps: tuple[int, ...]
    source: Source
    custom: bool = False
    why: tuple[str, ...] = ()
    retired: bool = False

    @property
    def phase(self) -> str:
        return phase_of(self.steps[0])

    def reasons(self) -> list[tuple[int, str | None]]:
        """Each claimed step with its reason (None where the prompt carries none)."""
        return [(n, self.why[i] if i < len(self.why) else None) for i, n in enumerate(self.steps)]

    def as_json(self) -> dict:
        """The prompt for scripts. ``why`` is a list of ``{"step": n, "why": text}``, one
        per claimed step and in the order of ``steps`` (``why`` is null for your own
        prompts and for retired ones)."""
        return {
            "id": self.id,
            "text": self.text,
            "steps": list(self.steps),
            "why": [{"step": n, "why": w} for n, w in self.reasons()],
            "phase": self.phase,
            "source": {"key": self.source.key, "author": self.source.author, "work": self.source.work},
            "custom": self.custom,
            "retired": self.retired,
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


class Catalog(Record):
    __slots__ = ("phases", "steps", "sources", "prompts", "retired", "_by_id")

    def __init__(self, phases: tuple[Phase, ...], steps: tuple[Step, ...],
                 sources: dict[str, Source], prompts: tuple[Prompt, ...],
                 retired: tuple[Prompt, ...] = ()) -> None:
        self.phases = phases
        self.steps = steps
        self.sources = sources
        self.prompts = prompts  # the prompts on offer (catalog, then the leader's own)
        self.retired = retired  # no longer offered; still found by id
        self._by_id = {p.id: p for p in retired + prompts}

    def step(self, number: int) -> Step:
        return self.steps[number - 1]

    def phase(self, key: str) -> Phase:
        return next(p for p in self.phases if p.key == key)

    def prompt(self, prompt_id: str) -> Prompt | None:
        """The prompt with this id, on offer or retired (None if there is none)."""
        return self._by_id.get(prompt_id)

    @property
    def all_prompts(self) -> tuple[Prompt, ...]:
        """The prompts on offer followed by the retired ones."""
        return self.prompts + self.retired

    def prompts_from(self, source_key: str) -> list[Prompt]:
        """The catalog prompts on offer that draw on one source."""
        return [p for p in self.prompts if p.source.key == source_key and not p.custom]

    def find_source(self, name: str) -> list[Source]:
        """The source whose key is ``name``, else those whose key, author or work contains
        it (case-insensitive): ``trust`` is the trust-based partnerships article, while
        ``trusted`` finds Maister's The Trusted Advisor."""
        needle = name.casefold().strip()
        if needle in self.sources:
            return [self.sources[needle]]
        return [
            s
            for s in self.sources.values()
            if needle in s.key.casefold()
            or needle in s.author.casefold()
            or needle in s.work.casefold()
        ]

    def with_custom(self, custom: list[Prompt]) -> "Catalog":
        """This catalog with the leader's own prompts added to those on offer."""
        return Catalog(self.phases, self.steps, self.sources, self.prompts + tuple(custom), self.retired)


USER_SOURCE = Source("user", "You", "your own prompts")


def _require(cond: bool, message: str) -> None:
    if not cond:
        raise CatalogError(f"catalog: {message}")


def _one_line(text: object) -> bool:
    return isinstance(text, str) and bool(text.strip()) and "\n" not in text


def _parse_source(key: str, s: dict) -> Source:
    _require(bool(s.get("author")) and bool(s.get("work")), f"source {key} lacks author/work")
    _require(_one_line(s.get("contributes")), f"source {key} does not say what it contributes")
    _require(s.get("kind") in SOURCE_KINDS, f"source {key} has kind {s.get('kind')!r}")
    # a reader must be able to follow it up: a year or publisher, or where the copy came from
    _require(
        bool(s.get("year") or s.get("published") or s.get("origin")),
        f"source {key} has no year, publisher or origin to follow up",
    )
    return Source(
        key, s["author"], s["work"], s["contributes"], s.get("subtitle", ""), s.get("year", ""),
        s["kind"], s.get("published", ""), s.get("origin", ""),
    )


def _parse_prompt(p: dict, sources: dict[str, Source]) -> Prompt:
    pid = p["id"]
    _require(bool(p["text"].strip()), f"prompt {pid} has no text")
    _require(p["source"] in sources, f"prompt {pid} names unknown source {p['source']!r}")
    serves = p.get("serves")
    _require(isinstance(serves, list) and bool(serves), f"prompt {pid} serves no step")
    _require(len(serves) <= MAX_STEPS, f"prompt {pid} claims {len(serves)} steps (two at most)")
    steps = tuple(s.get("step") for s in serves)
    for n in steps:
        _require(n in STEP_NUMBERS, f"prompt {pid} names step {n}")
    _require(len(set(steps)) == len(steps), f"prompt {pid} names a step twice")
    for s in serves:
        _require(_one_line(s.get("why")), f"prompt {pid} gives no one-line reason for step {s.get('step')}")
    return Prompt(pid, p["text"], steps, sources[p["source"]], why=tuple(s["why"] for s in serves))


def _parse_retired(p: dict, sources: dict[str, Source]) -> Prompt:
    pid = p["id"]
    _require(bool(p["text"].strip()), f"retired prompt {pid} has no text")
    _require(p["source"] in sources, f"retired prompt {pid} names unknown source {p['source']!r}")
    _require(bool(p["steps"]), f"retired prompt {pid} has no steps")
    for n in p["steps"]:
        _require(n in STEP_NUMBERS, f"retired prompt {pid} names step {n}")
    return Prompt(pid, p["text"], tuple(p["steps"]), sources[p["source"]], retired=True)


def parse_catalog(raw: dict) -> Catalog:
    """Build and validate a catalog from its JSON form."""
    sources = {key: _parse_source(key, s) for key, s in raw["sources"].items()}

    phases = []
    for p in raw["phases"]:
        _require(p["key"] in PHASES, f"unknown phase {p['key']!r}")
        phases.append(Phase(p["key"], p["title"], p["description"], tuple(p["steps"])))
    _require(tuple(p.key for p in phases) == PHASES, "phases must be example, teach, evaluate")

    prompts = tuple(_parse_prompt(p, sources) for p in raw["prompts"])
    retired = tuple(_parse_retired(p, sources) for p in raw.get("retired", []))
    seen: set[str] = set()
    for p in prompts + retired:
        _require(p.id not in seen, f"duplicate prompt id {p.id!r}")
        seen.add(p.id)

    steps = []
    for s in raw["steps"]:
        _require(phase_of(s["number"]) == s["phase"], f"step {s['number']} is in the wrong phase")
        drawn = Counter(p.source.key for p in prompts if s["number"] in p.steps)
        keys = tuple(k for k, _ in sorted(drawn.items(), key=lambda kv: (-kv[1], kv[0])))
        steps.append(Step(s["number"], s["phase"], s["title"], s["description"], keys))
    _require([s.number for s in steps] == list(STEP_NUMBERS), "steps must be numbered 1 to 13")
    return Catalog(tuple(phases), tuple(steps), sources, prompts, retired)


@lru_cache(maxsize=1)
def load_catalog() -> Catalog:
    """The packaged catalog, parsed and validated once per process."""
    # A plain file read: importlib.resources costs ~3 ms of start-up on every command.
    text = (Path(__file__).parent / "data" / "catalog.json").read_text("utf-8")
    return parse_catalog(json.loads(text))
