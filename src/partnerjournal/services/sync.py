"""Use cases of sync: conflict copies (list, resolve); the sync itself."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import PJError, UsageError
from ..exchange.merge import Counts, Entry, State, Tombstone, Version
from ..files import atomic_bytes_file, atomic_text_file
from ..store import sync as sync_store
from ..store import transaction
from ..store.schema import LATEST
from ..store.transfer import Kind, available_kinds

KEEP = ("mine", "theirs", "both")


def conflicts(conn: sqlite3.Connection) -> list[sync_store.Conflict]:
    return sync_store.list_conflicts(conn)


def resolve(conn: sqlite3.Connection, cid: int, keep: str, now: str) -> sync_store.Conflict:
    keep = keep.strip().lower()
    if keep not in KEEP:
        raise UsageError(f"--keep {keep!r}: say mine, theirs or both")
    if cid < 1:
        raise UsageError(f"{cid} is not a conflict number: see 'pj conflicts'")
    with transaction(conn):
        return sync_store.resolve_conflict(conn, cid, keep, now)


# --- pj sync ----------------------------------------------------------------------------

FORMAT = "partnerjournal-sync"
SETTING = "sync-encrypt"  # the journal setting: off, passphrase, or age recipients
SUFFIX = ".age"
FORMAT_VERSION = 1
PREFIX = "pj-"


@dataclass
class SyncReport:
    folder: str
    device: str
    peers: list[dict] = field(default_factory=list)  # device, name, file
    counts: dict[str, Counts] = field(default_factory=dict)
    left_alone: list[str] = field(default_factory=list)  # "file: why"
    notes: list[str] = field(default_factory=list)
    conflicts_open: int = 0
    encrypted: str | None = None  # how this journal's file was encrypted, if it was

    def total(self) -> Counts:
        out = Counts()
        for c in self.counts.values():
            out += c
        return out

    def as_json(self) -> dict:
        return {
            "folder": self.folder, "device": self.device, "peers": self.peers,
            **self.total().as_json(),
            "kinds": {k: c.as_json() for k, c in sorted(self.counts.items())},
            "open_conflicts": self.conflicts_open, "encrypted": self.encrypted is not None,
            "left_alone": self.left_alone, "notes": self.notes,
        }

    def lines(self) -> list[str]:
        t = self.total()
        n = len(self.peers)
        head = (f"Synced with {n} other journal{'' if n == 1 else 's'} in {self.folder}: "
                f"{t.added} added, {t.updated} updated, {t.deleted} deleted, "
                f"{t.conflicts} conflict{'' if t.conflicts == 1 else 's'}")
        if t.kept:
            head += f", {t.kept} kept (still named here)"
        if self.encrypted:
            head += f" (its file encrypted {self.encrypted})"
        out = [head + "."]
        more = []
        if self.conflicts_open:
            more.append(f"{self.conflicts_open} to settle: see pj conflicts")
        if self.left_alone:
            more.append("left alone: " + "; ".join(self.left_alone))
        if more:
            out.append(" · ".join(more))
        return out


def sync_file_name(device: str) -> str:
    return f"{PREFIX}{device}.json"


def _state_to_file(state: State, kinds: list[Kind], device: sync_store.Device, now: str) -> dict:
    order = {k.name: i for i, k in enumerate(kinds)}
    entries = []
    for (kind, uid), entry in sorted(state.items(),
                                     key=lambda kv: (order.get(kv[0][0], 99), kv[0][1])):
        item: dict = {"kind": kind, "uid": uid}
        if entry.live:
            item["versions"] = [
                {"dot": v.dot, "past": sorted(v.past), "record": v.record} for v in entry.live
            ]
        if entry.tomb:
            t = entry.tomb
            item["deleted"] = {"dot": t.dot, "past": sorted(t.past), "at": t.deleted_at,
                               "device": t.device}
        entries.append(item)
    return {"format": FORMAT, "version": FORMAT_VERSION, "schema": LATEST,
            "device": device.id, "name": device.name, "written_at": now, "entries": entries}


class _BadFile(Exception):
    pass


def _dots(value, what: str) -> frozenset[str]:
    if not isinstance(value, list) or not all(
            isinstance(d, str) and 0 < len(d) <= 200 for d in value):
        raise _BadFile(f"{what} is not a list of edit names")
    return frozenset(value)


def _state_from_file(data, kinds: dict[str, Kind]) -> tuple[str, str, State]:
    """A peer's state, every record checked as an import checks it."""
    from ..store.transfer import RecordError, check_record

    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise _BadFile("not a pj sync file")
    version, schema = data.get("version"), data.get("schema")
    if not isinstance(version, int) or not isinstance(schema, int):
        raise _BadFile("not a pj sync file")
    if version > FORMAT_VERSION or schema > LATEST:
        raise _BadFile(f"written by a newer pj (schema {schema}): update pj on this machine")
    device, name = data.get("device"), data.get("name", "")
    if not isinstance(device, str) or not device or not isinstance(name, str):
        raise _BadFile("it names no device")
    state: State = {}
    entries = data.get("entries")
    if not isinstance(entries, list):
        raise _BadFile("it has no entries")
    for n, item in enumerate(entries, 1):
        where = f"entry {n}"
        if not isinstance(item, dict):
            raise _BadFile(f"{where} is not an object")
        kind = kinds.get(item.get("kind"))
        uid = item.get("uid")
        if kind is None or not isinstance(uid, str):
            raise _BadFile(f"{where}: unknown kind {item.get('kind')!r} or no uid")
        live = []
        for v in item.get("versions") or []:
            if not isinstance(v, dict) or not isinstance(v.get("dot"), str):
                raise _BadFile(f"{where}: a version without its edit name")
            try:
                record = check_record(kind, v.get("record"))
            except RecordError as exc:
                raise _BadFile(f"{where}: {exc}") from None
            if record.get(kind.key) != uid:
                raise _BadFile(f"{where}: the record's id is not {uid}")
            live.append(Version(v["dot"], _dots(v.get("past", []), where), record))
        tomb = None
        gone = item.get("deleted")
        if gone is not None:
            if not isinstance(gone, dict) or not all(
                    isinstance(gone.get(k), str) for k in ("dot", "at", "device")):
                raise _BadFile(f"{where}: a malformed delete")
            tomb = Tombstone(gone["dot"], _dots(gone.get("past", []), where), gone["at"],
                             gone["device"])
        if live or tomb:
            state[(kind.name, uid)] = Entry(tuple(live), tomb)
    # a journal's file holds every record its records name
    named = sync_store.refs(kinds.values())
    for (kind_name, uid), entry in state.items():
        for v in entry.live:
            for target in named(kind_name, v.record):
                if target not in state or not state[target].live:
                    raise _BadFile(f"its {kinds[kind_name].marker} {uid} names"
                                   f" {target[0]} {target[1]}, which it does not hold")
    return device, name, state


def _is_sync_file(name: str) -> bool:
    return name.startswith(PREFIX) and name.endswith((".json", ".json" + SUFFIX))


def _read(path: Path, keys) -> str:
    """A sync file's text; an encrypted one is decrypted with ``keys`` (a key that does
    not open it is an error, before anything is merged)."""
    from .. import encryption as enc

    data = path.read_bytes()
    if enc.is_encrypted(data[:enc.HEAD]):
        data = enc.decrypt(data, keys or enc.keys_to_decrypt(None, terminal=False), path.name)
    return data.decode("utf-8")


def _read_peers(folder: Path, own: tuple[str, ...], kinds: dict[str, Kind],
                report: SyncReport, keys=None) -> tuple[list[State], State | None]:
    """The other journals' states, and what this journal's own file holds."""
    states = []
    mine = None
    for path in sorted(folder.iterdir()):
        if path.name.startswith("."):
            continue  # hidden: a sync engine's own files, our temporary files
        if path.name in own:
            try:
                device, _, state = _state_from_file(json.loads(_read(path, keys)), kinds)
            except PJError as exc:  # encrypted, and no key given this time
                report.notes.append(f"this journal's last file was not read again ({exc})")
                continue
            except (OSError, ValueError, _BadFile):
                continue  # ours, rewritten below
            if device == report.device:
                mine = state if mine is None else merge_states(mine, state)
            continue
        if not _is_sync_file(path.name) or not path.is_file():
            report.left_alone.append(f"{path.name} (not a pj sync file)")
            continue
        try:
            data = json.loads(_read(path, keys))
            device, name, state = _state_from_file(data, kinds)
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            why = "cannot be read" if isinstance(exc, OSError) else "is not complete JSON"
            report.left_alone.append(f"{path.name} ({why})")
            continue
        except _BadFile as exc:
            report.left_alone.append(f"{path.name} ({exc})")
            continue
        if device == report.device:
            report.left_alone.append(
                f"{path.name} (claims this journal's device id: a copy of this journal?)")
            continue
        report.peers.append({"device": device, "name": name, "file": path.name})
        states.append(state)
    return states, mine


def merge_states(a: State, b: State) -> State:
    from ..exchange.merge import merge

    return merge(a, b).state


def sync(conn: sqlite3.Connection, folder: Path, now: str, *,
         new_device: bool = False, encryption=None, keys=None) -> SyncReport:
    """Merge every other journal's file in ``folder`` into this journal, then write this
    journal's own file there (atomically). Running it again changes nothing.

    This journal's own file is merged too: normally it holds nothing new (it is what
    the last sync wrote), but after a backup was restored, or where a copy of this
    journal syncs under the same id, it keeps their changes from being lost."""
    from ..exchange.merge import merge

    if not folder.is_dir():
        raise UsageError(f"{folder} is not a folder: give the folder your machines share")
    lock = None
    if encryption is not None:  # asked for (and the passphrase typed) before anything
        from ..store.journal import get_setting

        lock = encryption.lock(encryption.mode(get_setting(conn, SETTING)))
        if lock is not None and lock.passphrase is not None and keys is not None:
            keys.passphrase = keys.passphrase or lock.passphrase
    if new_device:
        with transaction(conn):
            sync_store.renew_device(conn)
    me = sync_store.device(conn)
    report = SyncReport(str(folder), me.id)
    report.encrypted = lock.describe() if lock else None
    kinds = available_kinds(conn)
    own = sync_file_name(me.id)
    names = (own, own + SUFFIX)
    peers, mine = _read_peers(folder, names, {k.name: k for k in kinds}, report, keys)
    refs = sync_store.refs(kinds)
    with transaction(conn):
        ours = sync_store.load_state(conn, kinds)
        merged = ours
        if mine is not None:
            merged = merge(merged, mine, refs).state
            if merged != ours:
                report.notes.append(
                    f"{own} held changes this journal lacked (a restored backup, or a copy"
                    " of this journal syncing too): merged them. A copy on another machine"
                    " should sync as its own: pj sync DIR --new-device there")
        for peer in peers:
            merged = merge(merged, peer, refs).state
        result = merge(ours, merged, refs)
        applied = sync_store.apply(conn, result.changed, kinds, now)
        report.counts = result.counts
        report.notes += applied.notes
        for p in report.peers:
            sync_store.saw_peer(conn, p["device"], p["name"], str(folder), now)
        sync_store.saw_peer(conn, me.id, me.name, str(folder), now)
        state = sync_store.load_state(conn, kinds)
        report.conflicts_open = sync_store.open_conflicts(conn)
    text = json.dumps(_state_to_file(state, kinds, me, now), ensure_ascii=False,
                      sort_keys=True, separators=(",", ":")) + "\n"
    if lock is None:
        with atomic_text_file(folder / own) as fh:
            fh.write(text)
    else:
        from .. import encryption as enc

        with atomic_bytes_file(folder / (own + SUFFIX)) as fh:
            fh.write(enc.encrypt(text.encode("utf-8"), lock))
    # the file of the other kind (plain or encrypted) would hold an older state
    stale = folder / (own + SUFFIX if lock is None else own)
    with contextlib.suppress(FileNotFoundError):
        stale.unlink()
    return report
