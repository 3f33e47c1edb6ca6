"""The markdown export, written and read: the whole journal readable as plain text,
each record with its stable id in an HTML comment marker (docs/formats.md), in one file
or one per day or month (--split) for note tools.

The writer plans each kind once (:class:`_MarkdownPlan`) and hands anything unusual to
:func:`render_record`, the reference; the reader reads the markers line by line.
"""

from __future__ import annotations

import contextlib
import json
import re
import sys
import unicodedata
from typing import Any, Callable, ContextManager, Iterator, TextIO

from ..errors import ImportFormatError
from .formats import (CHUNK, HEADER, MAIN_FILE, MARKDOWN_HEADER, VERSION, ExportMeta,
                      Incoming, Rows, _memo, utf8_writer)
from .json import _reject_constant  # the JSON values a marker may hold, read alike
from ..notes import PARTNER_NOTE

# --- markdown -------------------------------------------------------------------------

_NEEDS_ESCAPE = re.compile(r"\\*<!-- pj:")
_SPACES = re.compile(r"\s+")


# In ASCII, what encode_value encodes is exactly these (controls, space, DEL and the
# marker's own punctuation); a regex handles the common all-ASCII case in C.
_ASCII_UNSAFE = re.compile(r"[%,=<>\x00-\x20\x7f]")
_ASCII_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _percent(match: re.Match) -> str:
    return f"%{ord(match.group()):02X}"


def encode_value(text: str) -> str:
    """Percent-encode what would break a marker: ``%``, ``,``, ``=``, ``<``, ``>``,
    spaces, line breaks and invisible characters. Everything else stays readable."""
    if text.isascii():
        return _ASCII_UNSAFE.sub(_percent, text)
    out = []
    for ch in text:
        if ch in "%,=<>" or ch.isspace() or unicodedata.category(ch)[0] in "CZ":
            out.append("".join(f"%{b:02X}" for b in ch.encode("utf-8")))
        else:
            out.append(ch)
    return "".join(out)


def escape_line(line: str) -> str:
    """A text line that could be read as a marker gets one more leading backslash."""
    return "\\" + line if _NEEDS_ESCAPE.match(line) else line


def _plain(value: Any) -> str:
    """A value for the reader's eyes only: one line, no control characters."""
    text = str(value)
    if text.isprintable():  # no control or invisible characters, no spaces but ' '
        if "  " in text or text[:1] == " " or text[-1:] == " ":
            return _SPACES.sub(" ", text).strip()
        return text
    if text.isascii():
        text = _ASCII_CONTROL.sub(" ", text)
    else:
        text = "".join(" " if unicodedata.category(c)[0] == "C" else c for c in text)
    return _SPACES.sub(" ", text).strip()


def _token(ftype: str, value: Any) -> str | None:
    if value is None:
        return None
    if ftype == "raw":
        return encode_value(json.dumps(value, ensure_ascii=False))
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return ",".join(str(v) if isinstance(v, int) else encode_value(v) for v in value) or None
    return encode_value(value)


def header_line(meta: ExportMeta, part: str | None = None) -> str:
    parts = [f"schema={meta.schema}", f"exported_at={encode_value(meta.exported_at)}"]
    if meta.date_from:
        parts.append(f"from={meta.date_from}")
    if meta.date_until:
        parts.append(f"until={meta.date_until}")
    if part:
        parts.append(f"part={part}")
    return f"{MARKDOWN_HEADER}{VERSION} {' '.join(parts)} -->"


def inline_items(kind) -> list[tuple[str, str]]:
    """(name, type) of what a record's marker carries: every field that is not a text
    block, and the lists of single values (steps, partner uids, tags).

    Remembered on the kind itself, not by its name: each journal has its own copy of a
    kind, trimmed to the columns its schema has (store.transfer.available_kinds)."""
    cached = kind.__dict__.get("_inline")
    if cached is None:
        cached = kind.__dict__["_inline"] = _inline_items(kind)
    return cached


def _inline_items(kind) -> list[tuple[str, str]]:
    out = []
    for item in kind.layout():
        if hasattr(item, "table"):
            if item.scalar:
                out.append((item.name, item.fields[0].type))
        elif not item.in_block:
            out.append((item.name, item.type))
    return out


def _marker(name: str, items: list[tuple[str, str]], values: dict) -> str:
    tokens = []
    for key, ftype in items:
        token = _token(ftype, values.get(key))
        if token is not None:
            tokens.append(f"{key}={token}")
    return f"<!-- pj:{name}{''.join(' ' + t for t in tokens)} -->"


def _block(name: str, text: str) -> list[str]:
    body = [] if text == "" else [escape_line(line) for line in text.split("\n")]
    return [f"<!-- pj:{name} -->", *body, "<!-- pj:end -->"]


class _Names:
    """What a reader needs to see instead of ids: partner and objective names, the
    quarter of an evaluation, the text and source of a prompt, the title of a step."""

    def __init__(self) -> None:
        self.by_kind: dict[str, dict[str, str]] = {}
        self._catalog = None

    def remember(self, kind, rec: dict) -> None:
        if kind.shown:
            self.by_kind.setdefault(kind.name, {})[rec["uid"]] = rec[kind.shown]
        elif kind.name == "custom_prompts":
            self.by_kind.setdefault("prompts", {})[rec["id"]] = rec["text"]

    @staticmethod
    def inert(kind) -> bool:
        """Whether records of ``kind`` are never remembered (never shown by name)."""
        return not kind.shown and kind.name != "custom_prompts"

    def of(self, kind_name: str, uid: str) -> str:
        return self.by_kind.get(kind_name, {}).get(uid, uid)

    @property
    def catalog(self):
        if self._catalog is None:
            from ..catalog import load_catalog

            self._catalog = load_catalog()
        return self._catalog

    def prompt(self, pid: str) -> str:
        if pid in self.by_kind.get("prompts", {}):
            return f"{self.by_kind['prompts'][pid]} (your prompt {pid})"
        p = self.catalog.prompt(pid)
        return f"{p.text} ({p.source.label()})" if p else pid

    def step(self, n: int) -> str:
        try:
            return f"{n} {self.catalog.step(n).title}"
        except Exception:  # noqa: BLE001 - a step the catalog lacks still shows its number
            return str(n)


def _heading(kind, rec: dict, names: _Names) -> str:
    """A record's heading, as its kind describes it (exchange/kinds.py)."""
    if kind.heading is not None:
        return kind.heading(rec, names.of)
    return " · ".join(str(rec[n]) for n in ("date",) if n in rec) or kind.label


_NOT_SHOWN = {"uid", "created_at", "updated_at", "name", "key", "id", "date", "quarter"}


def _facts(kind, rec: dict, names: _Names) -> list[str]:
    facts: list[tuple[str, str]] = []
    if kind.name == "reflections":
        if rec.get("prompt_id"):
            facts.append(("Prompt", names.prompt(rec["prompt_id"])))
        elif rec.get("prompt_text"):  # a contextual prompt: its text as it was shown
            facts.append(("Prompt", " ".join(rec["prompt_text"].split())))
    for item in kind.layout():
        name = item.name
        value = rec.get(name)
        if name in _NOT_SHOWN or name == "prompt_id" or value in (None, []):
            continue
        if hasattr(item, "table"):  # a child list
            if not item.scalar:
                continue  # shown with its own markers
            f = item.fields[0]
        else:
            f = item
            if f.in_block:
                continue
        if f.link:
            shown = (
                ", ".join(names.of(f.link, v) for v in value)
                if isinstance(value, list) else names.of(f.link, value)
            )
        elif f.name == "step" or f.type == "steps":
            shown = ", ".join(names.step(s) for s in value)
        elif f.type == "tag":
            shown = " ".join("#" + t for t in value)
        elif isinstance(value, bool):
            shown = "yes" if value else "no"
        elif name == "important_share":
            shown = f"{value} % on important, not urgent, work"
        else:
            shown = str(value) if not isinstance(value, list) else ", ".join(map(str, value))
        facts.append((name.replace("_", " ").capitalize(), shown))
    return [f"- {label}: {_plain(shown)}" for label, shown in facts]


def render_record(kind, rec: dict, names: _Names) -> str:
    """One record as markdown: a heading, its marker, a few lines for the reader, then
    its texts between block markers and its child records (ratings)."""
    lines = [
        f"### {_plain(_heading(kind, rec, names))}",
        _marker(kind.marker, inline_items(kind), rec),
        "",
    ]
    facts = _facts(kind, rec, names)
    if facts:
        lines += [*facts, ""]
    for f in kind.fields:
        if f.in_block and rec.get(f.name) is not None:
            if f.name != "text":
                lines += [f"**{f.name.replace('_', ' ').capitalize()}**", ""]
            lines += [*_block(f.name, rec[f.name]), ""]
    for child in kind.children:
        if child.scalar:
            continue
        for item in rec[child.name]:
            plain = [f for f in child.fields if not f.in_block]
            lines.append(_marker(child.marker, [(f.name, f.type) for f in plain], item))
            if child.marker == "rating":
                shown = f"Step {names.step(item['step'])}: {item['rating']} of 5"
            else:
                shown = " · ".join(
                    f"{f.name.replace('_', ' ')} {item[f.name]}"
                    for f in plain if item.get(f.name) is not None
                )
            lines += [f"- {_plain(shown)}", ""]
            for f in child.fields:
                if f.in_block and item.get(f.name) is not None:
                    lines += [*_block(f.name, item[f.name]), ""]
    return "\n".join(lines) + "\n"


_HEADING_KEYS = ("key", "id", "name", "quarter", "date", "created_at", "partner",
                 "objective", "evaluation", "kind", "uid")  # what _heading reads
_PLAIN_TOKEN = {"uid", "timestamp", "date", "when", "quarter"}  # rarely need encoding
_MARKER_START = "<!-- pj:"
# Fields ``_facts`` may read together with others: a record with one of them set is
# written by ``render_record`` itself.
_WHOLE_RECORD = {"reflections": ("prompt_rule", "prompt_record", "prompt_text")}


class _MarkdownPlan:
    """One kind's records as ``render_record`` writes them, planned once.

    A record's heading, marker, reader's lines and text blocks each come from one field
    (or a few), so the encoded token and the lines of a value that repeats are
    remembered, and the rest is one generated function per kind (a straight line of
    concatenations: a loop over the fields costs more than the record's own work). A
    record that function cannot write as is (a text that looks like a marker, a value
    to percent-encode, an unexpected type) goes to ``render_record``, as do kinds whose
    records name each other (partners, objectives, evaluations, prompts) or carry object
    children (ratings).
    """

    def __init__(self, kind, names: _Names):
        from ..store.transfer import record_maker

        self.kind, self.names = kind, names
        self.make = record_maker(kind)
        self.fast = None
        if names.inert(kind) and all(c.scalar for c in kind.children):
            self.fast = self._compile()

    def _compile(self) -> Callable[[tuple], str | None]:
        from ..store.transfer import _out_value

        kind = self.kind
        n = len(kind.fields)
        where = {f.name: i for i, f in enumerate(kind.fields)}
        where.update({c.name: n + j for j, c in enumerate(kind.children)})
        env: dict[str, Any] = {"UNSAFE": _ASCII_UNSAFE.search, "PLAIN": _plain,
                               "HEADING": _heading, "KIND": kind, "NAMES": self.names,
                               "START": _MARKER_START}
        body = []
        whole = [f for f in _WHOLE_RECORD.get(kind.name, ()) if f in where]
        if whole:  # left to render_record; None (shown nowhere) otherwise
            body.append(f"if {' or '.join(f'row[{where[f]}] is not None' for f in whole)}:"
                        " return None")
        marker, plain, facts = [], [], []
        for item in kind.layout():
            i = where[item.name]
            child = hasattr(item, "table")
            f = item.fields[0] if child else item
            if (not child and item.in_block) or item.name in whole:
                continue
            if not child and item.type in _PLAIN_TOKEN and not item.null:
                plain.append(f"row[{i}]")
                marker += [repr(" " + item.name + "="), f"row[{i}]"]
            else:
                env[f"T{i}"] = _memo(self._token_piece(item.name, f, child, _out_value))
                marker.append(f"T{i}(row[{i}])")
            if item.name not in _NOT_SHOWN:
                env[f"F{i}"] = _memo(self._fact_lines(item.name, f, child, _out_value))
                facts.append(f"F{i}(row[{i}])")
        if plain:  # ids, days and times: as they are, unless one needs encoding
            body.append(f"j = {' + '.join(plain)}")
            body.append("if not j.isascii() or UNSAFE(j) is not None: return None")
        body.append(f"facts = {' + '.join(facts) or repr(b'')}")
        body.append("marker = ''.join((" + ", ".join(marker) + ",))")
        parts = [
            repr(b"### "),
            "PLAIN(HEADING(KIND, {" + ", ".join(
                f"{k!r}: row[{where[k]}]" for k in _HEADING_KEYS if k in where)
            + "}, NAMES)).encode()",
            repr(("\n" + _MARKER_START + kind.marker).encode()), "marker.encode()",
            repr(b" -->\n\n"), "(facts + b'\\n' if facts else b'')",
        ]
        for f in kind.fields:
            if not f.in_block or f.name in whole:
                continue
            i = where[f.name]
            label = "" if f.name == "text" else f"**{f.name.replace('_', ' ').capitalize()}**\n\n"
            body += [
                f"b{i} = row[{i}]",
                f"if b{i} is not None and (b{i}.__class__ is not str or not b{i}"
                f" or START in b{i}): return None",
            ]
            opening = repr((label + _MARKER_START + f.name + " -->\n").encode())
            closing = repr(("\n" + _MARKER_START + "end -->\n\n").encode())
            parts += [f"(b'' if b{i} is None else {opening})",
                      f"(b'' if b{i} is None else b{i}.encode())",
                      f"(b'' if b{i} is None else {closing})"]
        body.append("return b''.join((" + ", ".join(parts) + "))")
        source = "def fast(row):\n" + "".join(f"    {line}\n" for line in body)
        exec(compile(source, f"<markdown plan for {kind.name}>", "exec"), env)
        return env["fast"]

    def _token_piece(self, key: str, f, child: bool, out_value) -> Callable[[Any], str]:
        value_of = self._value_of(key, f, child, out_value)

        def compute(raw) -> str:
            token = _token(f.type, value_of(raw))
            return "" if token is None else f" {key}={token}"

        return compute

    def _fact_lines(self, key: str, f, child: bool, out_value) -> Callable[[Any], str]:
        kind, names = self.kind, self.names
        value_of = self._value_of(key, f, child, out_value)

        def compute(raw) -> str:
            value = value_of(raw)
            return "".join(line + "\n" for line in _facts(kind, {key: value}, names)).encode()

        return compute

    def _value_of(self, key: str, f, child: bool, out_value) -> Callable[[Any], Any]:
        """A field's value from its raw column, a child list sorted if SQLite left it
        to its reader (``store.transfer.reader_sorts``)."""
        if not child:
            return lambda raw: out_value(f, raw)
        from ..store.transfer import reader_sorts

        if reader_sorts(next(c for c in self.kind.children if c.name == key)):
            return lambda raw: sorted(json.loads(raw))
        return json.loads

    def data(self, row: tuple) -> bytes:
        """The record as ``render_record`` writes it, in UTF-8."""
        if self.fast is not None:
            try:
                data = self.fast(row)
            except (TypeError, ValueError, AttributeError):  # an unexpected type
                data = None
            if data is not None:
                return data
        rec = self.make(row)
        text = render_record(self.kind, rec, self.names)
        self.names.remember(self.kind, rec)
        return text.encode()


class _MarkdownOut:
    """One markdown file being written: its section headings and a write buffer."""

    def __init__(self, out: TextIO, names: _Names, plans: dict[str, _MarkdownPlan],
                 hold: bool = False):
        self.write = utf8_writer(out)
        self.names, self.plans = names, plans
        self.section: str | None = None
        self.buf: list[bytes] = []
        self.size = 0
        # held: written only by finish(), once the front matter is known
        self.limit = sys.maxsize if hold else CHUNK

    def start(self, meta: ExportMeta, title: str, part: str | None = None,
              front: dict[str, str] | None = None) -> None:
        text = ""
        if front:
            text += "---\n" + "".join(f"{k}: {v}\n" for k, v in front.items()) + "---\n"
        text += header_line(meta, part) + "\n" + f"# {title}\n\n"
        self.buf.append(text.encode())

    def add(self, kind, rows: list[tuple]) -> None:
        if kind.name != self.section:
            self.section = kind.name
            self.buf.append(f"## {kind.label}\n\n".encode())
        plan = self.plans.get(kind.name)
        if plan is None:
            plan = self.plans[kind.name] = _MarkdownPlan(kind, self.names)
        buf = self.buf
        for data in map(plan.data, rows):
            buf.append(data)
            self.size += len(data)
            if self.size >= self.limit:
                self.flush()

    def finish(self, front: str) -> None:
        """Write a held file, ``front`` (its front matter) first."""
        self.buf.insert(0, front.encode())
        self.flush()

    def flush(self) -> None:
        self.write(b"".join(self.buf))
        self.buf.clear()
        self.size = 0


def write_markdown(rows: Rows, out: TextIO, meta: ExportMeta) -> None:
    """The whole journal as one readable markdown file that ``pj import`` reads back."""
    md = _MarkdownOut(out, _Names(), {})
    md.start(meta, "partnerjournal")
    for kind, batch in rows.rows():
        md.add(kind, batch)
    md.flush()


def write_markdown_split(
    rows: Rows,
    meta: ExportMeta,
    split: str,
    open_file: Callable[[str], ContextManager[TextIO]],
) -> list[str]:
    """Reflections in one file per day (``2026-11-23.md``) or month (``2026-11.md``),
    everything else in ``partnerjournal.md``, and a note per partner in ``partners/``;
    each with YAML front matter for note tools (:mod:`partnerjournal.notes`). A day or
    month file is held in memory until its front matter is known. ``open_file(name)``
    gives a stream that is kept only if the block ends without error. Returns the file
    names written."""
    from ..notes import SplitNotes

    names = _Names()
    notes = SplitNotes()
    plans: dict[str, _MarkdownPlan] = {}
    written = [MAIN_FILE]
    with open_file(MAIN_FILE) as main_out:
        main = _MarkdownOut(main_out, names, plans)
        main.start(meta, "partnerjournal", "main",
                   {"title": "partnerjournal", "source": "partnerjournal"})
        current: tuple[str, contextlib.ExitStack, _MarkdownOut, Any] | None = None
        try:
            for kind, batch in rows.rows():
                if kind.name != "reflections":
                    main.add(kind, batch)
                    notes.see(kind, batch)
                    continue
                day = [f.name for f in kind.fields].index("date")
                width = 10 if split == "day" else 7
                start = 0
                while start < len(batch):
                    key = batch[start][day][:width]
                    end = start + 1
                    while end < len(batch) and batch[end][day][:width] == key:
                        end += 1
                    if current is None or current[0] != key:
                        if current is not None:
                            _finish_day(current, split, notes)
                        stack = contextlib.ExitStack()
                        name = f"{key}.md"
                        md = _MarkdownOut(stack.enter_context(open_file(name)), names, plans,
                                          hold=True)
                        md.start(meta, key, split)
                        current = (key, stack, md, notes.day(kind))
                        written.append(name)
                    current[3].add(batch[start:end])
                    current[2].add(kind, batch[start:end])
                    start = end
            if current is not None:
                _finish_day(current, split, notes)
                current = None
        except BaseException:
            if current is not None:
                current[1].__exit__(*sys.exc_info())  # the half-written file is discarded
            raise
        main.flush()
    for name, text in notes.partner_notes():
        with open_file(name) as fh:
            fh.write(text)
        written.append(name)
    return written


def _finish_day(current: tuple, split: str, notes) -> None:
    key, stack, md, day = current
    md.finish(notes.front(key if split == "day" else f"{key}-01", day))
    stack.close()


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
