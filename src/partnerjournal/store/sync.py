"""SQL for sync: this journal's device, its merge state (every record's versions, its
conflict copies and tombstones) and writing a merged state back.

The state read here is what ``exchange.merge`` merges and what a sync file carries. A
version made on this machine is read from its row; one merged from another machine
from the JSON kept with it (``versions.record``), so what this journal passes on is
exactly what it received, even where a row had to differ (a partner merged into one
of the same name).
"""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass
from typing import Iterable

from ..errors import JournalError, NotFound, UsageError
from ..exchange.merge import Entry, Key, State, Tombstone, Version, order, canonical
from .journal import name_key, new_uid
from ..exchange.kinds import DELETED, links  # noqa: F401 - DELETED re-exported
from .transfer import KIND, Kind, available_kinds, has_deletes, iter_records, newer  # noqa: F401


@dataclass(frozen=True)
class Device:
    id: str
    name: str


def device(conn: sqlite3.Connection) -> Device:
    row = conn.execute("SELECT id, name FROM device").fetchone()
    return Device(row[0], row[1])


def set_device_name(conn: sqlite3.Connection, name: str) -> None:
    conn.execute("UPDATE device SET name = ?", (name,))


def renew_device(conn: sqlite3.Connection) -> str:
    """A new id for this journal (a copy of another that must sync as its own)."""
    new = os.urandom(8).hex()
    conn.execute("UPDATE device SET id = ?", (new,))
    return new


def new_dot(conn: sqlite3.Connection) -> str:
    return f"{device(conn).id}:{os.urandom(6).hex()}"


# --- reading the state ----------------------------------------------------------------


def _past(text: str) -> frozenset[str]:
    return frozenset(json.loads(text))


def load_state(conn: sqlite3.Connection, kinds: list[Kind] | None = None) -> State:
    """Every record's entry: its shown version, conflict copies and tombstone."""
    kinds = kinds if kinds is not None else available_kinds(conn)
    names = {k.name for k in kinds}
    versions = {
        (k, u): (d, _past(p), r)
        for k, u, d, p, r in conn.execute("SELECT kind, uid, dot, past, record FROM versions")
        if k in names
    }
    copies: dict[Key, list[Version]] = {}
    for k, u, d, p, r in conn.execute(
        "SELECT kind, uid, dot, past, record FROM conflicts ORDER BY id"
    ):
        copies.setdefault((k, u), []).append(Version(d, _past(p), json.loads(r)))
    tombs = {
        (k, u): Tombstone(d, _past(p), at, dev)
        for k, u, at, dev, d, p in conn.execute(
            "SELECT kind, uid, deleted_at, device, dot, past FROM tombstones"
        )
    }
    shown: dict[Key, Version] = {}
    for kind, rec in iter_records(conn, kinds):
        key = (kind.name, rec[kind.key])
        first = (f"0:{rec.get('updated_at', '')}", frozenset(), None)
        dot, past, stored = versions.get(key) or first
        shown[key] = Version(dot, past, json.loads(stored) if stored else rec)
    for key, (dot, past, stored) in versions.items():  # merged into a row of another uid
        if key not in shown and stored:
            shown[key] = Version(dot, past, json.loads(stored))
    state: State = {}
    for key in shown.keys() | copies.keys() | tombs.keys():
        rest = sorted(copies.get(key, ()), key=order, reverse=True)  # as merges order them
        if key in shown:  # a record on show under another's name is listed, not doubled
            rest = [v for v in rest if v.dot != shown[key].dot]
        live = ((shown[key],) if key in shown else ()) + tuple(rest)
        state[key] = Entry(live, tombs.get(key))
    return state


# --- writing a merged state -----------------------------------------------------------


@dataclass
class Applied:
    notes: list[str]
    listed: dict[str, int] | None = None  # per kind, records newly listed as conflict copies


def apply(conn: sqlite3.Connection, changed: dict[Key, Entry], kinds: list[Kind],
          now: str, state: State | None = None) -> Applied:
    """Write merged entries; call inside ``store.transaction``. The rows follow each
    entry's shown version; the triggers do not count these writes as edits made here.

    ``state`` is the whole merged state: where records of one name (quarter, prompt id)
    were made under several uids, the row shows the one that ranks first in it
    (:func:`rank`), so every journal holding the same state shows the same one, and
    the others are listed as conflict copies (partners: joined, not listed)."""
    conn.execute("UPDATE device SET syncing = 1")
    notes: list[str] = []
    writer = _Writer(conn, {k.name: k for k in kinds}, notes, state)
    for kind in kinds:  # records others link to first
        for key in sorted(k for k in changed if k[0] == kind.name):
            entry = changed[key]
            if entry.live:
                writer.put(kind, entry.live[0].record)
    for kind in reversed(kinds):  # records that link to others first
        for key in sorted(k for k in changed if k[0] == kind.name):
            if not changed[key].live:
                writer.remove(kind, key[1])
    for key, entry in changed.items():
        _save_entry(conn, key, entry, now)
    listed: dict[str, int] = {}
    if state is not None:
        writer.settle()
        listed = _park(conn, state, kinds, now)
    conn.execute("UPDATE device SET syncing = 0")
    return Applied(notes, listed)


def rank(state: State, key: Key) -> tuple:
    """Of records sharing a name (quarter, prompt id), the one on show ranks first:
    the version a merge would show first (the latest updated_at, then the greatest
    dot), then the greatest uid. A function of the merged state alone, so every
    machine that has merged the same versions picks the same record."""
    entry = state.get(key)
    if entry is None or entry.shown is None:
        return ()
    return (*order(entry.shown), key[1])


PARKED = ("custom_prompts", "objectives", "evaluations")  # the others listed as copies


def _park(conn: sqlite3.Connection, state: State, kinds: list[Kind],
          now: str) -> dict[str, int]:
    """List every record of a name held by another (an alias) as a conflict copy: a
    row of ``conflicts`` under its own uid and its own shown dot (load_state does not
    count it twice). Rows listed before keep their number."""
    names = {k.name for k in kinds if k.name in PARKED}
    want: dict[tuple[str, str, str], Version] = {}
    for kind, uid, _ in conn.execute("SELECT kind, uid, target FROM sync_aliases"):
        entry = state.get((kind, uid))
        if kind in names and entry is not None and entry.shown is not None:
            want[(kind, uid, entry.shown.dot)] = entry.shown
    have = {
        (k, u, d): cid for cid, k, u, d in conn.execute(
            "SELECT c.id, c.kind, c.uid, c.dot FROM conflicts c JOIN versions v"
            " ON v.kind = c.kind AND v.uid = c.uid AND v.dot = c.dot")
    }
    for key, cid in have.items():
        if key not in want:
            conn.execute("DELETE FROM conflicts WHERE id = ?", (cid,))
    listed: dict[str, int] = {}
    for key, v in want.items():
        if key not in have:
            conn.execute(
                "INSERT INTO conflicts (kind, uid, dot, past, record, found_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (*key, json.dumps(sorted(v.past)), canonical(v.record), now))
            if not any(k[:2] == key[:2] for k in have):  # not one listed before, edited
                listed[key[0]] = listed.get(key[0], 0) + 1
    return listed


def _save_entry(conn: sqlite3.Connection, key: Key, entry: Entry, now: str) -> None:
    """The entry's versions, conflict copies and tombstone; a copy kept before keeps
    its number (pj conflicts) and the time it was found."""
    kind, uid = key
    conn.execute("DELETE FROM versions WHERE kind = ? AND uid = ?", key)
    conn.execute("DELETE FROM tombstones WHERE kind = ? AND uid = ?", key)
    copies = {v.dot: v for v in entry.live[1:]}
    had = {d for (d,) in conn.execute(
        "SELECT dot FROM conflicts WHERE kind = ? AND uid = ?", key)}
    for dot in had - copies.keys():
        conn.execute("DELETE FROM conflicts WHERE kind = ? AND uid = ? AND dot = ?", (*key, dot))
    for dot, v in copies.items():
        if dot in had:
            conn.execute(
                "UPDATE conflicts SET past = ?, record = ? WHERE kind = ? AND uid = ? AND dot = ?",
                (json.dumps(sorted(v.past)), canonical(v.record), *key, dot))
        else:
            conn.execute(
                "INSERT INTO conflicts (kind, uid, dot, past, record, found_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (kind, uid, dot, json.dumps(sorted(v.past)), canonical(v.record), now))
    if entry.live:
        shown = entry.live[0]
        conn.execute(
            "INSERT INTO versions (kind, uid, dot, past, record) VALUES (?, ?, ?, ?, ?)",
            (kind, uid, shown.dot, json.dumps(sorted(shown.past)), canonical(shown.record)),
        )
    if entry.tomb:
        t = entry.tomb
        conn.execute(
            "INSERT INTO tombstones (kind, uid, deleted_at, device, dot, past)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (kind, uid, t.deleted_at, t.device, t.dot, json.dumps(sorted(t.past))),
        )


class _Writer:
    """Rows from records as exports give them (links by uid)."""

    def __init__(self, conn: sqlite3.Connection, kinds: dict[str, Kind], notes: list[str],
                 state: State | None = None):
        self.conn = conn
        self.kinds = kinds
        self.notes = notes
        self.state = state

    def settle(self) -> None:
        """Make each row of a shared name show the record that ranks first among those
        merged into it (see :func:`rank`), whichever this journal had first."""
        state = self.state
        assert state is not None
        while True:
            rows = self.conn.execute(
                "SELECT kind, uid, target FROM sync_aliases ORDER BY kind, uid").fetchall()
            swap = next(((k, u, t) for k, u, t in rows if k in self.kinds
                         and rank(state, (k, u)) > rank(state, (k, t))
                         and self.conn.execute(
                             f"SELECT 1 FROM [{KIND[k].table}] WHERE [{KIND[k].key}] = ?",
                             (t,)).fetchone()), None)
            if swap is None:
                return
            self.swap(self.kinds[swap[0]], swap[2], swap[1])

    def swap(self, kind: Kind, held: str, by: str) -> None:
        """The row of ``held`` shows ``by`` instead (two records of one name); ``held``
        is kept, as merged, for the sync file and its copies. The local versions of the
        records naming ``held`` are kept as they were made (their rows follow the row)."""
        conn, state = self.conn, self.state
        assert state is not None
        named = links(self.kinds.values())
        for other in self.kinds.values():
            if not any(f.link == kind.name for f in other.fields) and not any(
                    c.scalar and c.fields[0].link == kind.name for c in other.children):
                continue
            for _, rec in iter_records(conn, [other]):
                if (kind.name, held) in named(other.name, rec):
                    conn.execute(
                        "UPDATE versions SET record = ? WHERE kind = ? AND uid = ?"
                        " AND record IS NULL", (canonical(rec), other.name, rec[other.key]))
        entry = state.get((kind.name, held))
        if entry is not None and entry.shown is not None:
            conn.execute(
                "INSERT OR IGNORE INTO versions (kind, uid, dot, past) VALUES (?, ?, ?, ?)",
                (kind.name, held, entry.shown.dot, json.dumps(sorted(entry.shown.past))))
            conn.execute(
                "UPDATE versions SET record = ? WHERE kind = ? AND uid = ? AND record IS NULL",
                (canonical(entry.shown.record), kind.name, held))
        conn.execute(f"UPDATE [{kind.table}] SET [{kind.key}] = ? WHERE [{kind.key}] = ?",
                     (by, held))
        conn.execute("UPDATE sync_aliases SET target = ? WHERE kind = ? AND target = ?",
                     (by, kind.name, held))
        conn.execute("INSERT OR REPLACE INTO sync_aliases (kind, uid, target) VALUES (?, ?, ?)",
                     (kind.name, held, by))
        self.put(kind, state[(kind.name, by)].shown.record)

    def local_id(self, kind_name: str, uid: str) -> int | None:
        table = KIND[kind_name].table
        row = self.conn.execute(f"SELECT rowid FROM [{table}] WHERE uid = ?", (uid,)).fetchone()
        if row is None:
            alias = self.conn.execute(
                "SELECT target FROM sync_aliases WHERE kind = ? AND uid = ?", (kind_name, uid)
            ).fetchone()
            if alias:
                row = self.conn.execute(
                    f"SELECT rowid FROM [{table}] WHERE uid = ?", (alias[0],)
                ).fetchone()
        return row[0] if row else None

    def _values(self, kind: Kind, rec: dict) -> tuple[list[str], list]:
        cols, values = [], []
        for f in kind.fields:
            value = rec.get(f.name)
            if f.link and value is not None:
                uid, value = value, self.local_id(f.link, value)
                if value is None:
                    raise JournalError(
                        f"the {kind.marker} {rec.get(kind.key)} names {KIND[f.link].marker}"
                        f" {uid}, which no journal holds: nothing was changed")
            elif f.type == "steps":
                value = json.dumps(value if value is not None else [])
            elif f.type == "bool" and value is not None:
                value = int(value)
            cols.append(f.col)
            values.append(value)
        for column, source in kind.derived:
            cols.append(column)
            values.append(name_key(rec[source]))
        return cols, values

    def _natural_holder(self, kind: Kind, rec: dict) -> str | None:
        """The uid of another row with this record's name (or quarter, or short id)."""
        checks = []
        if kind.natural:
            checks.append((kind.natural, kind.natural_value(rec)))
        if kind.rename:
            col = kind.field_names[kind.rename].col
            checks.append((col, rec[kind.rename]))
        for column, value in checks:
            row = self.conn.execute(
                f"SELECT {kind.key} FROM [{kind.table}] WHERE [{column}] = ? AND {kind.key} <> ?",
                (value, rec[kind.key]),
            ).fetchone()
            if row:
                return row[0]
        return None

    def put(self, kind: Kind, rec: dict) -> None:
        conn, key = self.conn, rec[kind.key]
        row = conn.execute(
            f"SELECT rowid FROM [{kind.table}] WHERE [{kind.key}] = ?", (key,)
        ).fetchone()
        holder = self._natural_holder(kind, rec) if kind.local_id or kind.rename else None
        if holder is not None and row is not None:
            shown = rec.get("name") or rec.get("quarter") or rec.get("id")
            self.notes.append(
                f"{kind.marker} {shown!r} from another machine: the name is taken here,"
                " kept this journal's"
            )
            return
        if holder is not None:
            # two machines made the same partner (objective, quarter's evaluation, prompt
            # id): one row holds both; the other version is kept for the sync file
            conn.execute(
                "INSERT OR REPLACE INTO sync_aliases (kind, uid, target) VALUES (?, ?, ?)",
                (kind.name, key, holder),
            )
            shown = rec.get("name") or rec.get("quarter") or rec.get("id")
            self.notes.append(
                f"{kind.marker} {shown!r} was made on two machines: "
                + ("one is shown, the other kept as a conflict copy (see pj conflicts)"
                   if kind.name in PARKED else "both are kept as one here"))
            return
        cols, values = self._values(kind, rec)
        if row is None:
            conn.execute(
                f"INSERT INTO [{kind.table}] ({', '.join(f'[{c}]' for c in cols)})"
                f" VALUES ({', '.join('?' for _ in cols)})",
                values,
            )
            rowid = conn.execute(
                f"SELECT rowid FROM [{kind.table}] WHERE [{kind.key}] = ?", (key,)
            ).fetchone()[0]
        else:
            rowid = row[0]
            sets = ", ".join(f"[{c}] = ?" for c in cols if c != kind.key)
            conn.execute(
                f"UPDATE [{kind.table}] SET {sets} WHERE rowid = ?",
                [v for c, v in zip(cols, values) if c != kind.key] + [rowid],
            )
        conn.execute("DELETE FROM sync_aliases WHERE kind = ? AND uid = ?", (kind.name, key))
        for child in kind.children:
            conn.execute(f"DELETE FROM [{child.table}] WHERE [{child.parent}] = ?", (rowid,))
            items = rec.get(child.name) or []
            ccols = [child.parent, *(f.col for f in child.fields)]
            rows = []
            for item in items:
                if child.scalar:
                    f = child.fields[0]
                    value = self.local_id(f.link, item) if f.link else item
                    if value is None:
                        continue  # a link to a record this journal does not hold
                    rows.append((rowid, value))
                else:
                    rows.append((rowid, *(item.get(f.name) for f in child.fields)))
            conn.executemany(
                f"INSERT OR IGNORE INTO [{child.table}] ({', '.join(f'[{c}]' for c in ccols)})"
                f" VALUES ({', '.join('?' for _ in ccols)})",
                rows,
            )

    def remove(self, kind: Kind, key: str) -> None:
        if self.state is not None:  # a record of its name still lives: it takes the row
            heirs = [u for (u,) in self.conn.execute(
                "SELECT uid FROM sync_aliases WHERE kind = ? AND target = ?", (kind.name, key))
                if rank(self.state, (kind.name, u))]
            if heirs and self.conn.execute(
                    f"SELECT 1 FROM [{kind.table}] WHERE [{kind.key}] = ?", (key,)).fetchone():
                self.swap(kind, key, max(heirs, key=lambda u: rank(self.state, (kind.name, u))))
        self.conn.execute(f"DELETE FROM [{kind.table}] WHERE [{kind.key}] = ?", (key,))
        self.conn.execute("DELETE FROM sync_aliases WHERE kind = ? AND uid = ?", (kind.name, key))


# --- conflicts ------------------------------------------------------------------------


@dataclass(frozen=True)
class Conflict:
    id: int
    kind: str
    uid: str
    record: dict  # the conflict copy
    shown: dict | None  # what the journal shows now
    found_at: str
    local_id: int | None  # the shown record's number (reflections: pj show N)
    shown_by: str = ""  # where each version was made: a device name, or "this machine"
    copy_by: str = ""

    @property
    def made_twice(self) -> bool:
        """Two records of one name (quarter, prompt id), not two edits of one record."""
        return self.shown is not None and self.shown.get(KIND[self.kind].key) != self.uid

    def as_json(self) -> dict:
        return {"id": self.id, "kind": KIND[self.kind].marker, "uid": self.uid,
                "number": self.local_id, "found_at": self.found_at,
                "mine": self.shown, "theirs": self.record,
                "mine_from": self.shown_by, "theirs_from": self.copy_by,
                "made_twice": self.made_twice}


def list_conflicts(conn: sqlite3.Connection, kind: str | None = None,
                   uid: str | None = None) -> list[Conflict]:
    sql = "SELECT id, kind, uid, record, found_at FROM conflicts"
    where, params = [], []
    if kind:
        where.append("kind = ?")
        params.append(kind)
    if uid:
        where.append("uid = ?")
        params.append(uid)
    if where:
        sql += " WHERE " + " AND ".join(where)
    rows = conn.execute(sql + " ORDER BY id", params).fetchall()
    if not rows:
        return []
    state = load_state(conn)
    me = device(conn).id
    names = {d: n or d for d, n in conn.execute("SELECT device, name FROM sync_peers")}

    def made_on(dot: str) -> str:
        dev = dot.split(":", 1)[0]
        if dev == me:
            return "this machine"
        return names.get(dev, dev) if dev != "0" else "an import or an earlier version"

    held = _held(conn)
    out = []
    for cid, k, u, record, found in rows:
        entry = state.get((k, u))
        copy_dot = next((v.dot for v in (entry.live[1:] if entry else ())
                         if canonical(v.record) == canonical(json.loads(record))), "0:")
        if (k, u) in held:  # a record of a name another one holds: that one is shown
            if entry and entry.shown:
                copy_dot = entry.shown.dot
            entry = state.get((k, held[(k, u)]))
        shown = entry.shown.record if entry and entry.shown else None
        local = None
        if KIND[k].local_id and shown is not None:
            row = conn.execute(f"SELECT id FROM [{KIND[k].table}] WHERE uid = ?",
                               (shown[KIND[k].key],)).fetchone()
            local = row[0] if row else None
        out.append(Conflict(cid, k, u, json.loads(record), shown, found, local,
                            made_on(entry.shown.dot) if shown else "", made_on(copy_dot)))
    return out


def _held(conn: sqlite3.Connection) -> dict[Key, str]:
    """Records of a name another record holds, with theirs: their conflict rows are the
    record itself, listed beside the one shown."""
    return {(k, u): t for k, u, t in conn.execute(
        "SELECT a.kind, a.uid, a.target FROM sync_aliases a JOIN conflicts c"
        " ON c.kind = a.kind AND c.uid = a.uid JOIN versions v"
        " ON v.kind = a.kind AND v.uid = a.uid AND v.dot = c.dot")}


def resolve_conflict(conn: sqlite3.Connection, cid: int, keep: str, now: str) -> Conflict:
    """Settle one conflict copy: keep the shown record (mine), the copy (theirs), or
    both (the copy becomes a record of its own). Call inside ``store.transaction``.
    The result is a new version made here that supersedes both, so it travels."""
    found = [c for c in list_conflicts(conn) if c.id == cid]
    if not found:
        raise NotFound(f"no conflict #{cid}: see 'pj conflicts' for ids")
    c = found[0]
    kind = KIND[c.kind]
    if keep == "both" and (kind.natural or kind.rename or not kind.local_id):
        raise UsageError(
            f"a {kind.marker} cannot be kept twice (its name, quarter or key is unique):"
            " choose --keep mine or --keep theirs"
        )
    state = load_state(conn)
    held = _held(conn)
    if (c.kind, c.uid) in held:
        return _resolve_held(conn, c, held[(c.kind, c.uid)], keep, state, now)
    entry = state[(c.kind, c.uid)]
    copy = next(v for v in entry.live[1:] if canonical(v.record) == canonical(c.record))
    shown = entry.live[0]
    past = shown.past | {shown.dot} | copy.past | {copy.dot}
    record = dict(copy.record if keep == "theirs" else shown.record)
    if "updated_at" in record:
        record["updated_at"] = now
    rest = tuple(v for v in entry.live[1:] if v is not copy)
    new = Version(new_dot(conn), frozenset(past), record)
    kinds = available_kinds(conn)
    conn.execute("UPDATE device SET syncing = 1")
    _Writer(conn, {k.name: k for k in kinds}, []).put(
        next(k for k in kinds if k.name == c.kind), record)
    _save_entry(conn, (c.kind, c.uid), Entry((new, *rest), entry.tomb), now)
    conn.execute("UPDATE versions SET record = NULL WHERE kind = ? AND uid = ?", (c.kind, c.uid))
    if keep == "both":
        other = dict(copy.record, uid=new_uid())
        if "updated_at" in other:
            other["updated_at"] = now
        conn.execute("UPDATE device SET syncing = 0")  # a new record made here
        _Writer(conn, {k.name: k for k in kinds}, []).put(
            next(k for k in kinds if k.name == c.kind), other)
    conn.execute("UPDATE device SET syncing = 0")
    return c


def _resolve_held(conn: sqlite3.Connection, c: Conflict, target: str, keep: str,
                  state: State, now: str) -> Conflict:
    """Settle two records of one name: the one not kept is deleted (a delete that
    travels) and the records naming it name the one kept, as edits made here."""
    kinds = available_kinds(conn)
    by_name = {k.name: k for k in kinds}
    kind = by_name[c.kind]
    kept, dropped = (target, c.uid) if keep == "mine" else (c.uid, target)
    me = device(conn).id
    changed: dict[Key, Entry] = {}
    gone = state[(c.kind, dropped)]
    changed[(c.kind, dropped)] = Entry((), Tombstone(new_dot(conn), gone.seen, now, me))
    named = links(kinds)
    for key, entry in state.items():
        if entry.shown is None or (c.kind, dropped) not in named(key[0], entry.shown.record):
            continue
        record = _relink(by_name[key[0]], entry.shown.record, c.kind, dropped, kept)
        if "updated_at" in record:
            record["updated_at"] = now
        past = entry.shown.past | {entry.shown.dot}
        changed[key] = Entry((Version(new_dot(conn), past, record), *entry.copies), entry.tomb)
    new_state = {**state, **changed}
    conn.execute("UPDATE device SET syncing = 1")
    writer = _Writer(conn, by_name, [], new_state)
    if keep == "theirs":
        writer.swap(kind, target, c.uid)
    conn.execute("UPDATE device SET syncing = 0")
    apply(conn, changed, kinds, now, new_state)
    return c


def _relink(kind: Kind, record: dict, target_kind: str, old: str, new: str) -> dict:
    out = dict(record)
    for f in kind.fields:
        if f.link == target_kind and out.get(f.name) == old:
            out[f.name] = new
    for child in kind.children:
        if child.scalar and child.fields[0].link == target_kind and out.get(child.name):
            out[child.name] = [new if u == old else u for u in out[child.name]]
    return out


def refs(kinds: Iterable[Kind]):
    """The merge's view of links: the (kind, uid) each record names."""
    return links(kinds)


def open_conflicts(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT count(*) FROM conflicts").fetchone()[0]


def saw_peer(conn: sqlite3.Connection, device_id: str, name: str, folder: str, now: str) -> None:
    conn.execute(
        "INSERT INTO sync_peers (device, name, folder, synced_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (device) DO UPDATE SET name = excluded.name, folder = excluded.folder,"
        " synced_at = excluded.synced_at",
        (device_id, name, folder, now),
    )


def last_sync(conn: sqlite3.Connection) -> tuple[str, str] | None:
    """(folder, when) of this journal's last sync, if it ever synced."""
    me = device(conn).id
    row = conn.execute(
        "SELECT folder, synced_at FROM sync_peers WHERE device = ?", (me,)).fetchone()
    return (row[0], row[1]) if row else None


# --- deletes in exports and imports ----------------------------------------------------

def deleted_at(conn: sqlite3.Connection) -> dict[Key, str]:
    """When each deleted record was deleted here (those shown again excluded)."""
    out = {}
    for kind, uid, at in conn.execute("SELECT kind, uid, deleted_at FROM tombstones"):
        table = KIND[kind].table if kind in KIND else None
        if table and conn.execute(
                f"SELECT 1 FROM [{table}] WHERE [{KIND[kind].key}] = ?", (uid,)).fetchone():
            continue  # edited here after the delete: it lives, imports may update it
        out[(kind, uid)] = at
    return out


def deleted_before_written(gone: dict[Key, str], kind: str, data) -> bool:
    """Whether an imported record was deleted here after it was written: skip it."""
    if not isinstance(data, dict):
        return False
    at = gone.get((kind, data.get("uid") if kind != "settings" else data.get("key")))
    stamp = data.get("updated_at")
    if at is None or not isinstance(stamp, str):
        return False
    try:
        return not newer(stamp, at)
    except Exception:  # noqa: BLE001 - a bad stamp is reported by the record check
        return False


def apply_deletes(conn: sqlite3.Connection,
                  deletes: list[dict]) -> tuple[dict[str, int], list[str]]:
    """Deletes from an import: a record not changed here since is deleted (its
    tombstone keeps the import's time and device); one changed here after the delete
    is kept; one this journal never had is remembered as deleted. Returns per kind
    how many records were deleted, and notes."""
    counts: dict[str, int] = {}
    notes: list[str] = []
    for d in deletes:
        kind = KIND.get(d["kind"])
        if kind is None:
            continue
        key = (d["kind"], d["uid"])
        if conn.execute("SELECT 1 FROM tombstones WHERE kind = ? AND uid = ?", key).fetchone():
            continue  # deleted here too
        cols = "updated_at" if kind.timestamps else "NULL"
        row = conn.execute(
            f"SELECT {cols} FROM [{kind.table}] WHERE [{kind.key}] = ?", (d["uid"],)
        ).fetchone()
        if row is None:
            conn.execute(
                "INSERT INTO tombstones (kind, uid, deleted_at, device, dot, past)"
                " VALUES (?, ?, ?, ?, ?, '[]')",
                (*key, d["deleted_at"], d["device"], f"{d['device']}:deleted"),
            )
            continue
        if row[0] is not None and newer(row[0], d["deleted_at"]):
            notes.append(f"{kind.marker} {d['uid']} was deleted elsewhere but changed here"
                         " later: kept")
            continue
        conn.execute("SAVEPOINT pj_import_delete")
        try:
            conn.execute(f"DELETE FROM [{kind.table}] WHERE [{kind.key}] = ?", (d["uid"],))
        except sqlite3.IntegrityError:
            conn.execute("ROLLBACK TO pj_import_delete")
            notes.append(f"{kind.marker} {d['uid']} was deleted elsewhere but records here"
                         " still name it: kept")
        else:
            conn.execute(
                "UPDATE tombstones SET deleted_at = ?, device = ? WHERE kind = ? AND uid = ?",
                (d["deleted_at"], d["device"], *key),
            )
            counts[d["kind"]] = counts.get(d["kind"], 0) + 1
        conn.execute("RELEASE pj_import_delete")
    return counts, notes
