"""Use cases of sync: conflict copies (list, resolve); the sync itself."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import PJError, UsageError
from ..exchange import sync as sync_file
from ..exchange.merge import Counts, State, merge
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

SETTING = "sync-encrypt"  # the journal setting: off, passphrase, or age recipients


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
    now: str = ""

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


def _days_ahead(written_at, now: str) -> int:
    """Whole days by which a file's writing time lies after ``now`` (0: none, or not a
    time): a clock set wrong on another machine."""
    import datetime as dt

    try:
        gap = dt.datetime.fromisoformat(written_at) - dt.datetime.fromisoformat(now)
    except (TypeError, ValueError):
        return 0
    return gap.days if gap.days >= 1 else 0


def _read_peers(folder: Path, own: tuple[str, ...], kinds: dict[str, Kind],
                report: SyncReport, refs, keys=None) -> tuple[list[State], State | None]:
    """The other journals' states, and what this journal's own file holds."""
    states = []
    mine = None
    for path in sorted(folder.iterdir()):
        if path.name.startswith("."):
            continue  # hidden: a sync engine's own files, our temporary files
        if path.name in own:
            try:
                device, _, state = sync_file.state_from_file(
                    json.loads(sync_file.read_text(path, keys)), kinds, LATEST, refs)
            except PJError as exc:  # encrypted, and no key given this time
                report.notes.append(f"this journal's last file was not read again ({exc})")
                continue
            except (OSError, ValueError, sync_file.BadFile):
                continue  # ours, rewritten below
            if device == report.device:
                mine = state if mine is None else merge(mine, state, refs).state
            continue
        if not sync_file.is_sync_file(path.name) or not path.is_file():
            report.left_alone.append(f"{path.name} (not a pj sync file)")
            continue
        try:
            data = json.loads(sync_file.read_text(path, keys))
            device, name, state = sync_file.state_from_file(data, kinds, LATEST, refs)
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            why = "cannot be read" if isinstance(exc, OSError) else "is not complete JSON"
            report.left_alone.append(f"{path.name} ({why})")
            continue
        except sync_file.BadFile as exc:
            report.left_alone.append(f"{path.name} ({exc})")
            continue
        if device == report.device:
            report.left_alone.append(
                f"{path.name} (claims this journal's device id: a copy of this journal?)")
            continue
        report.peers.append({"device": device, "name": name, "file": path.name})
        ahead = _days_ahead(data.get("written_at"), report.now)
        if ahead:
            report.notes.append(
                f"{name or device}'s clock is {ahead} day{'' if ahead == 1 else 's'} ahead of"
                " this one: of two edits made at once there, its edit is shown first"
                " (the other is kept as a conflict copy); set its clock right")
        states.append(state)
    return states, mine


def sync(conn: sqlite3.Connection, folder: Path, now: str, *,
         new_device: bool = False, encryption=None, keys=None) -> SyncReport:
    """Merge every other journal's file in ``folder`` into this journal, then write this
    journal's own file there (atomically). Running it again changes nothing.

    This journal's own file is merged too: normally it holds nothing new (it is what
    the last sync wrote), but after a backup was restored, or where a copy of this
    journal syncs under the same id, it keeps their changes from being lost."""
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
    report = SyncReport(str(folder), me.id, now=now)
    report.encrypted = lock.describe() if lock else None
    kinds = available_kinds(conn)
    refs = sync_store.refs(kinds)
    own = sync_file.sync_file_name(me.id)
    names = (own, own + sync_file.SUFFIX)
    peers, mine = _read_peers(folder, names, {k.name: k for k in kinds}, report, refs, keys)
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
        applied = sync_store.apply(conn, result.changed, kinds, now, result.state)
        report.counts = result.counts
        for kind, n in (applied.listed or {}).items():  # records of one name made twice
            report.counts.setdefault(kind, Counts()).conflicts += n
        report.notes += applied.notes
        for p in report.peers:
            sync_store.saw_peer(conn, p["device"], p["name"], str(folder), now)
        sync_store.saw_peer(conn, me.id, me.name, str(folder), now)
        state = sync_store.load_state(conn, kinds)
        report.conflicts_open = sync_store.open_conflicts(conn)
    text = sync_file.state_to_text(state, kinds, me.id, me.name, LATEST, now)
    if lock is None:
        with atomic_text_file(folder / own) as fh:
            fh.write(text)
    else:
        from ..exchange import encryption as enc

        with atomic_bytes_file(folder / (own + sync_file.SUFFIX)) as fh:
            fh.write(enc.encrypt(text.encode("utf-8"), lock))
    # the file of the other kind (plain or encrypted) would hold an older state
    stale = folder / (own + sync_file.SUFFIX if lock is None else own)
    with contextlib.suppress(FileNotFoundError):
        stale.unlink()
    return report
