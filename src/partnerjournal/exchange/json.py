"""The JSON export, written and read: ``{"format": "partnerjournal", "version": 1, ...,
"records": {kind: [...]}}`` with one record per line (docs/formats.md).

The writer is planned once per kind (:class:`_JsonPlan`): SQLite quotes the texts,
Python adds numbers and child lists. The reader streams (:class:`JsonStream`), so
memory stays flat however large the file; jrnl's reader uses it too.
"""

from __future__ import annotations

import json
import operator
import re
from typing import Any, Callable, Iterator, TextIO

from ..errors import ImportFormatError
from .formats import (CHUNK, FORMAT, HEADER, VERSION, ExportMeta, Incoming, Rows, _memo,
                      utf8_writer)

# --- JSON -----------------------------------------------------------------------------


_ENCODE_STR = json.encoder.encode_basestring  # what json.dumps(ensure_ascii=False) uses


def _json_scalar(value: Any) -> bytes:
    """json.dumps of a field's value, as UTF-8; a text comes as SQLite's UTF-8 bytes."""
    if value is None:
        return b"null"
    cls = value.__class__
    if cls is bytes:
        return _ENCODE_STR(value.decode("utf-8")).encode("utf-8")
    if cls is int:
        return int.__repr__(value).encode()
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


def _json_encoder(item) -> Callable[[Any], bytes]:
    """What json.dumps writes (as UTF-8) for the raw (SQL) value of a field or child
    list; texts come as SQLite's UTF-8 bytes."""
    if hasattr(item, "table"):  # a child list, as SQLite's json_group_array wrote it
        from ..store.transfer import reader_sorts

        unsorted = reader_sorts(item)

        def child(text: bytes) -> bytes:
            items = json.loads(text)
            if unsorted:
                items.sort()
            if not item.scalar:
                from ..store.transfer import _out_value

                items = [{f.name: _out_value(f, it[f.name]) for f in item.fields}
                         for it in items]
            return json.dumps(items, ensure_ascii=False).encode("utf-8")

        return _memo(child)
    if item.type == "bool":
        return lambda v: b"null" if v is None else (b"true" if v else b"false")
    if item.type == "real":
        return lambda v: b"null" if v is None else json.dumps(float(v)).encode()
    if item.type == "steps":
        return _memo(lambda v: b"null" if v is None
                     else json.dumps(json.loads(v), ensure_ascii=False).encode("utf-8"))
    if item.type == "int":
        return _memo(_json_scalar)  # a few distinct numbers, each encoded once
    return _json_scalar


def _same(value: bytes) -> bytes:
    return value


class _JsonPlan:
    """One kind's records as JSON lines, as ``json.dumps(record, ensure_ascii=False)``
    writes them (in UTF-8), without building the record: SQLite quotes the texts
    (``store.transfer.json_columns``), Python encodes the numbers and the child lists,
    remembering the child lists that repeat, and one ``%`` per line puts the keys and
    values together. Rows hold texts as bytes (``Snapshot.json_rows``): they are passed
    on as SQLite wrote them, never decoded and encoded again."""

    def __init__(self, spec: list):
        self.template = ("".join(key.replace("%", "%%") + "%s" for key, _ in spec) + "}").encode()
        self.encoders = [_same if item is None else _json_encoder(item) for _, item in spec]
        self.encoded = [(i, enc) for i, enc in enumerate(self.encoders) if enc is not _same]

    def line(self, row: tuple) -> bytes:
        return self.template % tuple(map(operator.call, self.encoders, row))

    def lines(self, rows: list[tuple]) -> Iterator[bytes]:
        """The lines of a batch of rows; the values Python encodes are mapped a column
        at a time, so no Python code runs per record."""
        if not self.encoded:
            return map(self.template.__mod__, rows)
        columns: list = list(zip(*rows))
        for i, encode in self.encoded:
            columns[i] = map(encode, columns[i])
        return map(self.template.__mod__, zip(*columns))


_SEP = b",\n      "


def write_json(rows: Rows, out: TextIO, meta: ExportMeta) -> None:
    """``{"format": "partnerjournal", "version": 1, ..., "records": {kind: [...]}}``,
    one record per line so that a diff of two exports shows the records that changed."""
    head = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": meta.exported_at,
        "schema": meta.schema,
        "from": meta.date_from,
        "until": meta.date_until,
    }
    out.write("{\n" + "".join(f"  {json.dumps(k)}: {json.dumps(v)},\n" for k, v in head.items()))
    out.write('  "records": {')
    write = utf8_writer(out)
    names = [k.name for k in meta.kinds]
    buf: list[bytes] = []
    size = 0
    opened = -1  # index in names of the kind whose list is open
    count = 0
    plans: dict[str, _JsonPlan] = {}

    def open_until(index: int) -> None:
        nonlocal opened, count
        while opened < index:
            if opened >= 0:
                buf.append(b"\n    ]" if count else b"]")
            opened += 1
            name = json.dumps(names[opened])
            buf.append(("," if opened else "").encode() + f"\n    {name}: [".encode("utf-8"))
            count = 0

    for kind, batch in rows.json_rows():
        if opened < 0 or names[opened] != kind.name:
            open_until(names.index(kind.name))
        plan = plans.get(kind.name)
        if plan is None:
            plan = plans[kind.name] = _JsonPlan(rows.json_spec[kind.name])
        data = (_SEP if count else b"\n      ") + _SEP.join(plan.lines(batch))
        if not data.isascii():
            data.decode("utf-8")  # a text SQLite holds that is not UTF-8 fails here, as before
        buf.append(data)
        count += len(batch)
        size += len(data)
        if size >= CHUNK:
            write(b"".join(buf))
            buf.clear()
            size = 0
    if names:
        open_until(len(names) - 1)
        buf.append(b"\n    ]" if count else b"]")
        buf.append(b"\n  }\n}\n")
    else:
        buf.append(b"}\n}\n")
    write(b"".join(buf))


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
