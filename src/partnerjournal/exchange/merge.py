"""Merging the journals of several machines: records, deletions and versions in, the
merged journal, its conflict copies and what changed out. Pure: no SQL, no files.

The model
---------
Every record (a kind and a uid) has *versions*. A version is named by a ``dot``, the
edit that made it, and carries ``past``, the dots of the edits it was built on. A
version supersedes another exactly when its past holds the other's dot: that is
causality, which no machine's clock can fake. A deletion is a version without a
record (a tombstone) whose past is every edit the deleting machine had seen.

For one record, a machine keeps the versions that nothing it knows supersedes. When two
machines meet, each keeps the versions neither supersedes (``merge``), so merging is
a union followed by dropping what is superseded: it gives the same result in any order,
any number of times, through any chain of machines.

What the journal shows
----------------------
- No live version left (a tombstone supersedes them all): the record is deleted. A
  version written after the delete was made (one the deleting machine had not seen)
  is not superseded by it: an edit made on one machine while another deleted the
  record keeps the record, with the edit.
- One live version: that is the record.
- Several live versions: the record was changed on two machines since they last
  agreed. The journal shows the one changed last (``updated_at``, then the dot, so
  every machine picks the same); the others are kept as *conflict copies* until the
  user resolves them. Clocks only choose which of two concurrent edits is shown first,
  never which one survives: a machine whose clock is wrong cannot make another
  machine's later edit disappear.
- Two live versions with the same content (the same record brought to two machines by
  an export and then synced) are one version, not a conflict.
- A deleted record that a shown record still links to (a partner deleted on one
  machine while a reflection naming them was written on another) is shown again with
  its last version, so no link dangles; it stays deleted once nothing names it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator, Mapping

Key = tuple[str, str]  # (kind, uid)
Refs = Callable[[str, dict], Iterable[Key]]  # the records a record links to


@dataclass(frozen=True)
class Version:
    """One version of a record: its edit (``dot``), the edits it was built on, its data."""

    dot: str
    past: frozenset[str]
    record: dict

    def supersedes(self, dot: str) -> bool:
        return dot in self.past


@dataclass(frozen=True)
class Tombstone:
    """A record deleted: when and where (of the latest delete) and every edit it saw."""

    dot: str
    past: frozenset[str]
    deleted_at: str
    device: str

    @property
    def seen(self) -> frozenset[str]:
        return self.past | {self.dot}


@dataclass(frozen=True)
class Entry:
    """What one machine knows of one record: the live versions nothing supersedes (the
    first is the one shown, the rest are conflict copies) and its tombstone, if any."""

    live: tuple[Version, ...] = ()
    tomb: Tombstone | None = None

    @property
    def shown(self) -> Version | None:
        return self.live[0] if self.live else None

    @property
    def copies(self) -> tuple[Version, ...]:
        return self.live[1:]

    @property
    def seen(self) -> frozenset[str]:
        """Every edit this entry knows of."""
        out = set(self.tomb.seen if self.tomb else ())
        for v in self.live:
            out |= v.past | {v.dot}
        return frozenset(out)


State = dict[Key, Entry]


@dataclass
class Counts:
    """What a merge brought into one journal, per kind."""

    added: int = 0
    updated: int = 0
    deleted: int = 0
    conflicts: int = 0  # new conflict copies
    kept: int = 0  # deleted elsewhere, kept because a record here still names it

    def as_json(self) -> dict[str, int]:
        return {"added": self.added, "updated": self.updated, "deleted": self.deleted,
                "conflicts": self.conflicts, "kept": self.kept}

    def __iadd__(self, other: "Counts") -> "Counts":
        for name in ("added", "updated", "deleted", "conflicts", "kept"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        return self


@dataclass
class Result:
    state: State
    changed: dict[Key, Entry] = field(default_factory=dict)  # entries that differ from ours
    counts: dict[str, Counts] = field(default_factory=dict)


def canonical(record: Mapping) -> str:
    return json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def order(v: Version) -> tuple:
    """Shown first: the latest updated_at, then the greatest dot (the same everywhere)."""
    return (str(v.record.get("updated_at") or ""), v.dot)


def _merge_tombs(a: Tombstone | None, b: Tombstone | None) -> Tombstone | None:
    if a is None or b is None:
        return a or b
    head = max(a, b, key=lambda t: (t.deleted_at, t.dot))
    return Tombstone(head.dot, (a.seen | b.seen) - {head.dot}, head.deleted_at, head.device)


def _normalise(versions: Iterable[Version],
               tomb: Tombstone | None) -> tuple[tuple[Version, ...], tuple[Version, ...]]:
    """(live, hidden): the versions nothing supersedes, ordered, equal contents made
    one; and those only the tombstone supersedes (kept to show a record still named)."""
    by_dot: dict[str, Version] = {}
    for v in versions:
        had = by_dot.get(v.dot)
        by_dot[v.dot] = v if had is None else Version(v.dot, had.past | v.past, had.record)
    past = set().union(*(v.past for v in by_dot.values())) if by_dot else set()
    top = [v for d, v in by_dot.items() if d not in past]
    # equal contents are one version: the smallest dot names it, the others join its past
    groups: dict[str, list[Version]] = {}
    for v in top:
        groups.setdefault(canonical(v.record), []).append(v)
    merged = []
    for same in groups.values():
        same.sort(key=lambda v: v.dot)
        head = same[0]
        extra = frozenset().union(*(v.past | {v.dot} for v in same[1:]))
        merged.append(Version(head.dot, head.past | extra, head.record))
    merged.sort(key=order, reverse=True)
    seen = tomb.seen if tomb else frozenset()
    live = tuple(v for v in merged if v.dot not in seen)
    hidden = tuple(v for v in merged if v.dot in seen)
    return live, hidden


def merge(ours: State, theirs: State, refs: Refs | None = None) -> Result:
    """Merge ``theirs`` into ``ours``: the merged state, the entries that changed for
    us, and per kind what that brought (added, updated, deleted, conflicts, kept)."""
    state: State = {}
    hidden: dict[Key, tuple[Version, ...]] = {}
    for key in ours.keys() | theirs.keys():
        a, b = ours.get(key, Entry()), theirs.get(key, Entry())
        if a == b and not (a.tomb and a.live):  # a record both hold alike (the most)
            state[key] = a
            continue
        tomb = _merge_tombs(a.tomb, b.tomb)
        live, gone = _normalise((*a.live, *b.live), tomb)
        state[key] = Entry(live, tomb)
        if gone:
            hidden[key] = gone
    # whether a deleted record is still named is decided afresh at every merge, from
    # the merged records alone, so every machine decides alike
    kept = _revive(state, hidden, refs) if refs and hidden else set()
    result = Result(state)
    for key, entry in state.items():
        before = ours.get(key, Entry())
        if entry == before:
            continue
        result.changed[key] = entry
        counts = result.counts.setdefault(key[0], Counts())
        was, now = before.shown, entry.shown
        if was is None and now is not None:
            counts.added += 1
        elif was is not None and now is None:
            counts.deleted += 1
        elif was is not None and now is not None and canonical(was.record) != canonical(now.record):
            counts.updated += 1
        had = {v.dot for v in before.copies}
        counts.conflicts += sum(1 for v in entry.copies if v.dot not in had)
        if key in kept and was is not None:
            counts.kept += 1
    return result


def _revive(state: State, hidden: dict[Key, tuple[Version, ...]], refs: Refs) -> set[Key]:
    """Show again deleted records that live versions still link to; the keys revived."""
    revived: set[Key] = set()
    todo = [k for k, e in state.items() if e.live]
    while todo:
        key = todo.pop()
        for version in state[key].live:  # conflict copies too: keeping one must not dangle
            for target in refs(key[0], version.record):
                if target in hidden and not state[target].live:
                    state[target] = Entry(hidden.pop(target), state[target].tomb)
                    revived.add(target)
                    todo.append(target)
    return revived


def merge_all(ours: State, others: Iterable[State], refs: Refs | None = None) -> Result:
    """Merge several states into ours; counts and changes are against ``ours``."""
    state = ours
    for other in others:
        state = merge(state, other, refs).state
    return merge(ours, state, refs)


# --- edits on one machine (for tests and for the store's resolve) -----------------------


def edit(entry: Entry, dot: str, record: dict) -> Entry:
    """The entry after this machine changed the shown record to ``record``."""
    shown = entry.shown
    assert shown is not None, "only a shown record can be edited"
    new = Version(dot, shown.past | {shown.dot}, record)
    live, _ = _normalise((new, *entry.copies), entry.tomb)
    return Entry(live, entry.tomb)


def create(dot: str, record: dict) -> Entry:
    return Entry((Version(dot, frozenset(), record),))


def delete(entry: Entry, dot: str, deleted_at: str, device: str) -> Entry:
    """The entry after this machine deleted the record (its conflict copies with it)."""
    return Entry((), Tombstone(dot, entry.seen, deleted_at, device))


def resolve(entry: Entry, dot: str, record: dict) -> Entry:
    """The entry after the user settled its conflict copies by keeping ``record``: one
    version that supersedes every version known."""
    past = frozenset(d for v in entry.live for d in v.past | {v.dot})
    return Entry((Version(dot, past, record),), entry.tomb)


def shown_records(state: State) -> Iterator[tuple[Key, dict]]:
    for key, entry in sorted(state.items()):
        if entry.live:
            yield key, entry.live[0].record
