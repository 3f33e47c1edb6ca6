"""jrnl's JSON export (``jrnl --format json``), read: each entry becomes a reflection,
``@tags`` become tags, a starred entry gets the tag ``starred`` (docs/formats.md#jrnl).
jrnl has no import of ours, so there is no writer."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any, Iterator, TextIO

from ..errors import ImportFormatError
from .formats import HEADER, Incoming
from .json import JsonStream

# --- jrnl -----------------------------------------------------------------------------

_TIME = re.compile(r"\d{2}:\d{2}(:\d{2})?")


def jrnl_uid(date: str, time: str, title: str, body: str, repeat: int = 0) -> str:
    """A stable uid for a jrnl entry, so importing the same entries again adds nothing."""
    import hashlib  # only an import from jrnl needs it, not every export

    parts = ["jrnl", date, time, title, body] + ([str(repeat)] if repeat else [])
    return hashlib.sha256("\x00".join(parts).encode("utf-8")).hexdigest()[:32]


def jrnl_entry(entry: Any, where: str, repeat: int = 0) -> dict:
    """One jrnl entry as a reflection record (see docs/formats.md for the mapping)."""
    if not isinstance(entry, dict):
        raise ImportFormatError(f"{where}: a jrnl entry must be an object")
    for key in ("date", "time", "title", "body"):
        if not isinstance(entry.get(key), str):
            raise ImportFormatError(f"{where}: the jrnl entry has no text field {key!r}")
    date, time, title, body = entry["date"], entry["time"], entry["title"], entry["body"]
    try:
        day = dt.date.fromisoformat(date) if len(date) == 10 else None
    except ValueError:
        day = None
    if day is None or not _TIME.fullmatch(time):
        raise ImportFormatError(
            f"{where}: the jrnl entry's date and time {date!r} {time!r} are not like"
            " 2026-11-23 09:15 (export with jrnl's default time format)"
        )
    moment = dt.datetime.fromisoformat(f"{date}T{time}").astimezone()
    text = "\n\n".join(p for p in (title, body) if p)
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    tags = entry.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise ImportFormatError(f"{where}: the jrnl entry's tags must be a list of texts")
    clean: list[str] = []
    for tag in tags + (["starred"] if entry.get("starred") is True else []):
        tag = tag.lstrip("@#")
        if tag.casefold() not in {t.casefold() for t in clean}:
            clean.append(tag)
    stamp = moment.isoformat()
    return {
        "uid": jrnl_uid(date, time, title, body, repeat),
        "date": date,
        "text": text,
        "prompt_id": None,
        "important_share": None,
        "steps": [],
        "partners": [],
        "tags": sorted(clean, key=str.casefold),
        "created_at": stamp,
        "updated_at": stamp,
    }


def _same_json(a: Any, b: Any) -> bool:
    return (json.dumps(a, sort_keys=True, ensure_ascii=False)
            == json.dumps(b, sort_keys=True, ensure_ascii=False))


def read_jrnl(stream: TextIO, name: str, kinds: Any = None) -> Iterator[Incoming]:
    """jrnl's ``--format json`` export: each entry becomes a reflection."""
    js = JsonStream(stream, name)
    if js.peek() != "{":
        raise js.error("not a jrnl JSON export: it does not start with '{'")
    header_where = js.where()
    seen = False
    previous, repeat = None, 0
    for key in js.members():
        if key == "entries":
            seen = True
            yield Incoming(HEADER, {"format": "jrnl"}, header_where)
            for where in js.items():
                entry = js.value()
                # identical twins stay two; equal dicts are checked as JSON too (1 == True)
                same = previous is not None and entry == previous and _same_json(entry, previous)
                repeat = repeat + 1 if same else 0
                previous = entry
                yield Incoming("reflections", jrnl_entry(entry, where, repeat), where)
        elif key == "format":
            raise js.error("this is a partnerjournal export, not a jrnl one: use --format json")
        else:
            js.value()  # "tags" (counts) and anything newer jrnl adds
    js.end()
    if not seen:
        raise ImportFormatError(f"{header_where}: not a jrnl JSON export (no \"entries\")")
