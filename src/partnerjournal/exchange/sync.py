"""The sync file: one journal's whole merge state in a shared folder, as JSON (or an
age file holding that JSON). Writing a state out and reading one back, checking every
record as an import does; no SQL, no folder walking (services/sync.py does that).

The file: ``format`` ("partnerjournal-sync"), ``version``, ``schema``, ``device``,
``name``, ``written_at`` and ``entries``, each naming a record (``kind``, ``uid``) with
its live ``versions`` (``dot``, ``past``, ``record`` as a JSON export writes it) and,
if deleted, ``deleted`` (``dot``, ``past``, ``at``, ``device``). See docs/sync.md.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable, Iterable

from .merge import Entry, Key, State, Tombstone, Version

FORMAT = "partnerjournal-sync"
FORMAT_VERSION = 1
PREFIX = "pj-"
SUFFIX = ".age"  # an encrypted sync file


class BadFile(Exception):
    """A file in the folder that is not a sync file this pj can read; says why."""


def sync_file_name(device: str) -> str:
    return f"{PREFIX}{device}.json"


def is_sync_file(name: str) -> bool:
    return name.startswith(PREFIX) and name.endswith((".json", ".json" + SUFFIX))


def state_to_text(state: State, kinds: list, device: str, name: str, schema: int,
                  now: str) -> str:
    """The sync file of ``state`` (records in the kinds' order, then by uid)."""
    return json.dumps(state_to_file(state, kinds, device, name, schema, now),
                      ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


def state_to_file(state: State, kinds: list, device: str, name: str, schema: int,
                  now: str) -> dict:
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
    return {"format": FORMAT, "version": FORMAT_VERSION, "schema": schema,
            "device": device, "name": name, "written_at": now, "entries": entries}


def _dots(value, what: str) -> frozenset[str]:
    if not isinstance(value, list) or not all(
            isinstance(d, str) and 0 < len(d) <= 200 for d in value):
        raise BadFile(f"{what} is not a list of edit names")
    return frozenset(value)


def state_from_file(data, kinds: dict, latest: int,
                    refs: Callable[[str, dict], Iterable[Key]]) -> tuple[str, str, State]:
    """(device, name, state) of a sync file's JSON, every record checked as an import
    checks it (``kinds`` by name), every link it holds resolved within it; or BadFile."""
    from ..store.transfer import RecordError, check_record

    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BadFile("not a pj sync file")
    version, schema = data.get("version"), data.get("schema")
    if not isinstance(version, int) or not isinstance(schema, int):
        raise BadFile("not a pj sync file")
    if version > FORMAT_VERSION or schema > latest:
        raise BadFile(f"written by a newer pj (schema {schema}): update pj on this machine")
    device, name = data.get("device"), data.get("name", "")
    if not isinstance(device, str) or not device or not isinstance(name, str):
        raise BadFile("it names no device")
    state: State = {}
    entries = data.get("entries")
    if not isinstance(entries, list):
        raise BadFile("it has no entries")
    for n, item in enumerate(entries, 1):
        where = f"entry {n}"
        if not isinstance(item, dict):
            raise BadFile(f"{where} is not an object")
        kind = kinds.get(item.get("kind"))
        uid = item.get("uid")
        if kind is None or not isinstance(uid, str):
            raise BadFile(f"{where}: unknown kind {item.get('kind')!r} or no uid")
        live = []
        for v in item.get("versions") or []:
            if not isinstance(v, dict) or not isinstance(v.get("dot"), str):
                raise BadFile(f"{where}: a version without its edit name")
            try:
                record = check_record(kind, v.get("record"))
            except RecordError as exc:
                raise BadFile(f"{where}: {exc}") from None
            if record.get(kind.key) != uid:
                raise BadFile(f"{where}: the record's id is not {uid}")
            live.append(Version(v["dot"], _dots(v.get("past", []), where), record))
        tomb = None
        gone = item.get("deleted")
        if gone is not None:
            if not isinstance(gone, dict) or not all(
                    isinstance(gone.get(k), str) for k in ("dot", "at", "device")):
                raise BadFile(f"{where}: a malformed delete")
            tomb = Tombstone(gone["dot"], _dots(gone.get("past", []), where), gone["at"],
                             gone["device"])
        if live or tomb:
            state[(kind.name, uid)] = Entry(tuple(live), tomb)
    # a journal's file holds every record its records name
    for (kind_name, uid), entry in state.items():
        for v in entry.live:
            for target in refs(kind_name, v.record):
                if target not in state or not state[target].live:
                    raise BadFile(f"its {kinds[kind_name].marker} {uid} names"
                                   f" {target[0]} {target[1]}, which it does not hold")
    return device, name, state


def read_text(path: Path, keys) -> str:
    """A sync file's text; an encrypted one is decrypted with ``keys`` (a key that does
    not open it is an error, before anything is merged)."""
    from ..exchange import encryption as enc

    data = path.read_bytes()
    if enc.is_encrypted(data[:enc.HEAD]):
        data = enc.decrypt(data, keys or enc.keys_to_decrypt(None, terminal=False), path.name)
    return data.decode("utf-8")
