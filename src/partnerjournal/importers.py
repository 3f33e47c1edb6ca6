"""Reading exports back: partnerjournal JSON and markdown, and jrnl's JSON export.

Readers are plain functions looked up by format name in :data:`IMPORTERS`. Each takes a
text stream, the name to show in messages and the record kinds (``store.transfer``'s
description), and yields :class:`Incoming` items one at a time, so memory stays flat
however large the file. The first item is always the file's ``header``. A file that
cannot be read raises :class:`ImportFormatError` naming the file and line.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterator, TextIO

from .errors import ImportFormatError
from .exporters import FORMAT, MARKDOWN_HEADER, VERSION
from .notes import PARTNER_NOTE

HEADER = "header"  # the kind of the first item: the file's format, version and schema


@dataclass
class Incoming:
    kind: str  # a record kind ("reflections"), or HEADER
    data: Any
    where: str  # "FILE line N"


# --- JSON, streamed -------------------------------------------------------------------

_WS = re.compile(r"[ \t\n\r]*")


class _NotANumber(ValueError):
    pass


def _reject_constant(name: str) -> None:
    raise _NotANumber(name)


_DECODER = json.JSONDecoder(parse_constant=_reject_constant)


class JsonStream:
    """Walks a JSON document a value at a time, reading the file in chunks, and knows
    the line it is on. Values that are not walked into (a record, a header field) are
    decoded whole."""

    CHUNK = 1 << 16

    def __init__(self, stream: TextIO, name: str):
        self.stream, self.name = stream, name
        self.buf = ""
        self.pos = 0
        self.line_base = 1  # line number of buf[0]
        self.eof = False
        self._mark, self._mark_line = 0, 1  # newlines are counted once, up to _mark

    def _more(self) -> bool:
        if self.eof:
            return False
        try:
            chunk = self.stream.read(max(self.CHUNK, len(self.buf) - self.pos))
        except UnicodeDecodeError as exc:
            raise ImportFormatError(
                f"{self.where()}: the file is not UTF-8 text ({exc.reason}): save it as UTF-8"
            ) from None
        if not chunk:
            self.eof = True
            return False
        self.line_base = self._line(self.pos)
        self.buf = self.buf[self.pos :] + chunk
        self.pos = 0
        self._mark, self._mark_line = 0, self.line_base
        return True

    def _line(self, pos: int) -> int:
        """The line number at ``pos`` in the buffer; places are asked for in order,
        so each newline is counted once."""
        if pos < self._mark:
            return self.line_base + self.buf.count("\n", 0, pos)
        self._mark_line += self.buf.count("\n", self._mark, pos)
        self._mark = pos
        return self._mark_line

    def where(self, pos: int | None = None) -> str:
        return f"{self.name} line {self._line(self.pos if pos is None else pos)}"

    def error(self, message: str, pos: int | None = None) -> ImportFormatError:
        return ImportFormatError(f"{self.where(pos)}: {message}")

    def peek(self) -> str:
        """The next character that is not white space ('' at the end)."""
        while True:
            self.pos = _WS.match(self.buf, self.pos).end()
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self._more():
                return ""

    def expect(self, char: str, what: str) -> None:
        found = self.peek()
        if found != char:
            got = repr(found) if found else "the end of the file"
            raise self.error(f"expected {what}, found {got}: the JSON is broken or truncated")
        self.pos += 1

    def value(self) -> Any:
        self.peek()
        while True:
            try:
                value, end = _DECODER.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                if self._more():
                    continue
                line = self.line_base + exc.lineno - 1
                raise ImportFormatError(
                    f"{self.name} line {line}: {exc.msg.lower()} (column {exc.colno}):"
                    " the JSON is broken or truncated"
                ) from None
            except RecursionError:
                raise self.error("the JSON is nested too deeply to be an export") from None
            except _NotANumber as exc:
                raise self.error(f"{exc} is not a number JSON allows") from None
            except ValueError as exc:  # an integer with thousands of digits
                raise self.error(f"a value cannot be read ({exc})") from None
            if end == len(self.buf) and self._more():
                continue  # a number may go on in the next chunk
            self.pos = end
            return value

    def key(self) -> str:
        if self.peek() != '"':
            raise self.error("expected a quoted key: the JSON is broken or truncated")
        return self.value()

    def members(self) -> Iterator[str]:
        """The keys of the object starting here; the caller reads each value."""
        self.expect("{", "'{'")
        if self.peek() == "}":
            self.pos += 1
            return
        while True:
            key = self.key()
            self.expect(":", "':'")
            yield key
            if self.peek() == ",":
                self.pos += 1
                continue
            self.expect("}", "',' or '}'")
            return

    def items(self) -> Iterator[str]:
        """Walk the array starting here; yields the place of each element, which the
        caller reads."""
        self.expect("[", "'['")
        if self.peek() == "]":
            self.pos += 1
            return
        while True:
            self.peek()
            yield self.where()
            if self.peek() == ",":
                self.pos += 1
                continue
            self.expect("]", "',' or ']'")
            return

    def end(self) -> None:
        if self.peek():
            raise self.error("unexpected text after the end of the JSON")


_HEADER_KEYS = {"format", "version", "exported_at", "schema", "from", "until"}


def read_json(stream: TextIO, name: str, kinds: Any = None) -> Iterator[Incoming]:
    """A partnerjournal JSON export (see docs/formats.md), record by record."""
    js = JsonStream(stream, name)
    first = js.peek()
    if first != "{":
        shown = "it is empty" if not first else "it does not start with '{'"
        raise js.error(f"not a partnerjournal export: {shown}")
    header: dict = {}
    header_where = js.where()
    for key in js.members():
        if key == "records":
            _check_json_header(header, header_where, partial=True)
            yield Incoming(HEADER, dict(header, format="json"), header_where)
            for kind in js.members():
                for where in js.items():
                    yield Incoming(kind, js.value(), where)
        elif key in _HEADER_KEYS:
            header[key] = js.value()
        elif key in ("entries", "tags"):
            raise js.error("this is a jrnl export, not a partnerjournal one: use --format jrnl")
        else:
            raise js.error(f"not a partnerjournal export: unexpected key {key!r}")
    js.end()
    _check_json_header(header, header_where, partial=False)
    # again at the end: a file with sorted keys names its schema after its records
    yield Incoming(HEADER, dict(header, format="json", final=True), header_where)


def _check_json_header(header: dict, where: str, *, partial: bool) -> None:
    if "format" in header or not partial:
        if header.get("format") != FORMAT:
            raise ImportFormatError(
                f"{where}: not a partnerjournal export (its \"format\" is not \"{FORMAT}\")"
            )
    version = header.get("version")
    if "version" in header or not partial:
        if isinstance(version, bool) or not isinstance(version, int):
            raise ImportFormatError(f"{where}: the export has no valid \"version\" number")
        if version > VERSION:
            raise ImportFormatError(
                f"{where}: written by a newer partnerjournal (format version {version}):"
                " upgrade pj to import it"
            )


# --- markdown -------------------------------------------------------------------------

_MARKER = re.compile(r"<!-- pj:([a-z_]+)((?: [a-z_]+=[^ ]*)*) -->")
_HEAD = re.compile(re.escape(MARKDOWN_HEADER) + r"(\d+)((?: [a-z_]+=[^ ]*)*) -->")
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_INT = re.compile(r"-?\d{1,19}")
END = "<!-- pj:end -->"


def decode_value(text: str) -> str:
    """Undo :func:`exporters.encode_value`; ValueError when it is not well formed."""
    if _BAD_PERCENT.search(text):
        raise ValueError("a '%' must be followed by two hex digits")
    if "%" not in text:
        return text
    from urllib.parse import unquote

    try:
        return unquote(text, errors="strict")
    except UnicodeDecodeError:
        raise ValueError("its %-escapes are not UTF-8") from None


def _pairs(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for token in text.split():
        key, _, value = token.partition("=")
        if key in out:
            raise ValueError(f"{key!r} is given twice")
        out[key] = value
    return out


def _scalar(ftype: str, text: str) -> Any:
    if ftype == "int":
        if not _INT.fullmatch(text):
            raise ValueError(f"{text[:40]!r} is not a whole number")
        return int(text)
    if ftype == "real":
        try:
            return float(text)
        except ValueError:
            raise ValueError(f"{text[:40]!r} is not a number") from None
    if ftype == "bool":
        if text not in ("true", "false"):
            raise ValueError(f"{text[:40]!r} is not true or false")
        return text == "true"
    value = decode_value(text)
    if ftype == "raw":
        try:
            return json.loads(value, parse_constant=_reject_constant)
        except (ValueError, RecursionError):
            raise ValueError(f"{value[:40]!r} is not a JSON value") from None
    return value


def _values(items: dict[str, tuple[str, bool]], pairs: dict[str, str]) -> dict:
    """Typed values of a marker's pairs; ``items`` maps a name to (type, is a list)."""
    out: dict = {}
    for key, text in pairs.items():
        if key not in items:
            raise ValueError(f"unknown field {key!r}")
        ftype, many = items[key]
        try:
            if many:
                out[key] = [_scalar(ftype, part) for part in text.split(",")] if text else []
            elif ftype == "steps":
                out[key] = [_scalar("int", part) for part in text.split(",")] if text else []
            else:
                out[key] = _scalar(ftype, text)
        except ValueError as exc:
            raise ValueError(f"field {key!r}: {exc}") from None
    for key, (ftype, many) in items.items():
        if key not in out and (many or ftype == "steps"):
            out[key] = []  # an empty list is left out of the marker
    return out


class _Lines:
    """The lines of a text file split at '\\n' only, so a '\\r' or a Unicode line
    separator inside a text survives; a file saved with CRLF endings throughout loses
    one '\\r' per line."""

    def __init__(self, stream: TextIO, name: str):
        self.stream, self.name = stream, name
        self.number = 0
        self.crlf: bool | None = None

    def __iter__(self) -> Iterator[str]:
        while True:
            try:
                line = self.stream.readline()
            except UnicodeDecodeError as exc:
                raise ImportFormatError(
                    f"{self.name} line {self.number + 1}: the file is not UTF-8 text"
                    f" ({exc.reason}): save it as UTF-8"
                ) from None
            if not line:
                return
            self.number += 1
            if line.endswith("\n"):
                line = line[:-1]
            if self.crlf is None:
                self.crlf = line.endswith("\r")
            if self.crlf and line.endswith("\r"):
                line = line[:-1]
            yield line

    def where(self, number: int | None = None) -> str:
        return f"{self.name} line {self.number if number is None else number}"


def read_markdown(stream: TextIO, name: str, kinds: Any) -> Iterator[Incoming]:
    """A partnerjournal markdown export (a whole-journal file or one file of a --split
    folder), record by record. Only the ``<!-- pj:... -->`` markers and the text between
    a block marker and ``<!-- pj:end -->`` are read; headings and the lines written for
    the reader are ignored. A partner's note of a --split folder yields nothing."""
    lines = _Lines(stream, name)
    it = iter(lines)
    by_marker = {k.marker: k for k in kinds}
    first = next(it, None)
    if first == "---":  # YAML front matter (split files): skipped
        opened = lines.number
        for line in it:
            if line == "---":
                break
        else:
            raise ImportFormatError(
                f"{lines.where(opened)}: the front matter opened here is not closed with '---'"
            )
        first = next(it, None)
        while first is not None and not first.strip():
            first = next(it, None)
        if first is not None and first.startswith(PARTNER_NOTE):
            return  # a partner's note of a --split folder: no records in it
    head = _HEAD.fullmatch(first or "")
    if head is None:
        shown = "it is empty" if first is None else f"line {lines.number} is not its header"
        raise ImportFormatError(
            f"{lines.where()}: not a partnerjournal export ({shown}; an export starts with"
            f" '{MARKDOWN_HEADER}1 ...-->')"
        )
    try:
        info = {k: decode_value(v) for k, v in _pairs(head.group(2)).items()}
    except ValueError as exc:
        raise ImportFormatError(f"{lines.where()}: broken export header: {exc}") from None
    version = int(head.group(1))
    if version > VERSION:
        raise ImportFormatError(
            f"{lines.where()}: written by a newer partnerjournal (markdown format v{version}):"
            " upgrade pj to import it"
        )
    if not _INT.fullmatch(info.get("schema", "")):
        raise ImportFormatError(f"{lines.where()}: the export header has no valid schema=N")
    yield Incoming(
        HEADER,
        {"format": "markdown", "version": version, "schema": int(info["schema"]),
         "exported_at": info.get("exported_at")},
        lines.where(),
    )

    record: dict | None = None
    kind = None
    record_where = ""
    child: dict | None = None
    child_spec = None
    for line in it:
        if not line.startswith("<!-- pj:"):
            continue  # headings and the reader's lines
        here = lines.number
        m = _MARKER.fullmatch(line)
        if m is None:
            raise ImportFormatError(
                f"{lines.where()}: broken marker {line[:60]!r}: it should read"
                " '<!-- pj:NAME key=value ... -->'"
            )
        marker, rest = m.group(1), m.group(2)
        try:
            pairs = _pairs(rest)
        except ValueError as exc:
            raise ImportFormatError(f"{lines.where()}: broken marker: {exc}") from None
        if marker in by_marker:
            if record is not None:
                yield Incoming(kind.name, record, record_where)
            kind = by_marker[marker]
            child = None
            record_where = lines.where()
            items = {}
            for item in kind.layout():
                if hasattr(item, "table"):
                    if item.scalar:
                        items[item.name] = (item.fields[0].type, True)
                elif not item.in_block:
                    items[item.name] = (item.type, False)
            try:
                record = _values(items, pairs)
            except ValueError as exc:
                raise ImportFormatError(f"{lines.where()}: broken {marker} marker: {exc}") from None
            for c in kind.children:
                if not c.scalar:
                    record[c.name] = []
            continue
        if record is None:
            known = {"end"} | {c.marker for k in kinds for c in k.children if c.marker} | {
                f.name for k in kinds for f in k.fields if f.in_block}
            if marker not in known:
                raise ImportFormatError(f"{lines.where()}: unknown marker 'pj:{marker}'")
            raise ImportFormatError(
                f"{lines.where()}: marker 'pj:{marker}' comes before any record marker"
            )
        sub = next((c for c in kind.children if not c.scalar and c.marker == marker), None)
        if sub is not None:
            items = {f.name: (f.type, False) for f in sub.fields if not f.in_block}
            try:
                child = _values(items, pairs)
            except ValueError as exc:
                raise ImportFormatError(f"{lines.where()}: broken {marker} marker: {exc}") from None
            record[sub.name].append(child)
            child_spec = sub
            continue
        if marker == "end":
            raise ImportFormatError(
                f"{lines.where()}: '{END}' without a text opened before it"
            )
        if pairs:
            raise ImportFormatError(f"{lines.where()}: unknown marker 'pj:{marker}'")
        # a text block: it belongs to the rating just read, or else to the record
        target, fields = record, kind.fields
        if child is not None and any(f.name == marker and f.in_block for f in child_spec.fields):
            target, fields = child, child_spec.fields
        if not any(f.name == marker and f.in_block for f in fields):
            raise ImportFormatError(
                f"{lines.where()}: unknown marker 'pj:{marker}' in a {kind.marker}"
            )
        if marker in target:
            raise ImportFormatError(f"{lines.where()}: the {marker} of this {kind.marker} is given twice")
        body: list[str] = []
        for text_line in it:
            if text_line == END:
                break
            if text_line.startswith("<!-- pj:"):
                raise ImportFormatError(
                    f"{lines.where()}: a marker inside the text opened at line {here}:"
                    f" is its '{END}' missing?"
                )
            if text_line.startswith("\\") and _ESCAPED.match(text_line):
                text_line = text_line[1:]
            body.append(text_line)
        else:
            raise ImportFormatError(
                f"{lines.where(here)}: the text opened here is not closed with '{END}'"
            )
        target[marker] = "\n".join(body)
    if record is not None:
        yield Incoming(kind.name, record, record_where)


_ESCAPED = re.compile(r"\\+<!-- pj:")


# --- jrnl -----------------------------------------------------------------------------

_TIME = re.compile(r"\d{2}:\d{2}(:\d{2})?")


def jrnl_uid(date: str, time: str, title: str, body: str, repeat: int = 0) -> str:
    """A stable uid for a jrnl entry, so importing the same entries again adds nothing."""
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


def sniff(head: str) -> str | None:
    """The format of a file from its first characters, or None."""
    text = head.lstrip("\ufeff")
    if text.startswith(MARKDOWN_HEADER) or text.startswith("---"):
        return "markdown"
    stripped = text.lstrip()
    if stripped.startswith("{"):
        m = re.match(r'\{\s*"([^"\\]{1,40})"', stripped)
        if m and m.group(1) in ("tags", "entries"):
            return "jrnl"
        return "json"
    return None


IMPORTERS: dict[str, Callable[[TextIO, str, Any], Iterator[Incoming]]] = {
    "json": read_json,
    "markdown": read_markdown,
    "jrnl": read_jrnl,
}
