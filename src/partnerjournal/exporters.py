"""Writing the journal out as JSON or readable markdown, record by record.

Writers are plain functions looked up by format name in :data:`EXPORTERS`. Each takes
the records as an iterator of ``(kind, record)`` pairs, in the order
``store.transfer.iter_records`` yields them, a text stream and an :class:`ExportMeta`.
Nothing is kept in memory but the few names readable markdown shows for partners,
objectives, evaluations and prompts. ``docs/formats.md`` describes both formats.
"""

from __future__ import annotations

import contextlib
import json
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Callable, ContextManager, Iterable, TextIO

FORMAT = "partnerjournal"
VERSION = 1
MARKDOWN_HEADER = "<!-- partnerjournal export v"
MAIN_FILE = "partnerjournal.md"  # the records that are not reflections, in --split folders
BATCH = 256  # records per write


@dataclass
class ExportMeta:
    exported_at: str
    schema: int
    kinds: list = field(default_factory=list)  # store.transfer.Kind, in export order
    date_from: str | None = None
    date_until: str | None = None


Records = Iterable[tuple[Any, dict]]


# --- JSON -----------------------------------------------------------------------------


def write_json(records: Records, out: TextIO, meta: ExportMeta) -> None:
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
    names = [k.name for k in meta.kinds]
    buf: list[str] = []
    opened = -1  # index in names of the kind whose list is open
    count = 0

    def open_until(index: int) -> None:
        nonlocal opened, count
        while opened < index:
            if opened >= 0:
                buf.append("\n    ]" if count else "]")
            opened += 1
            buf.append(("," if opened else "") + f"\n    {json.dumps(names[opened])}: [")
            count = 0

    for kind, rec in records:
        if opened < 0 or names[opened] != kind.name:
            open_until(names.index(kind.name))
        buf.append(("," if count else "") + "\n      " + json.dumps(rec, ensure_ascii=False))
        count += 1
        if len(buf) >= BATCH:
            out.write("".join(buf))
            buf.clear()
    if names:
        open_until(len(names) - 1)
        buf.append("\n    ]" if count else "]")
        buf.append("\n  }\n}\n")
    else:
        buf.append("}\n}\n")
    out.write("".join(buf))


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


_INLINE: dict[str, list[tuple[str, str]]] = {}


def inline_items(kind) -> list[tuple[str, str]]:
    """(name, type) of what a record's marker carries: every field that is not a text
    block, and the lists of single values (steps, partner uids, tags)."""
    if kind.name not in _INLINE:
        _INLINE[kind.name] = _inline_items(kind)
    return _INLINE[kind.name]


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
        shown = {"partners": "name", "objectives": "name", "evaluations": "quarter"}
        if kind.name in shown:
            self.by_kind.setdefault(kind.name, {})[rec["uid"]] = rec[shown[kind.name]]
        elif kind.name == "custom_prompts":
            self.by_kind.setdefault("prompts", {})[rec["id"]] = rec["text"]

    def of(self, kind_name: str, uid: str) -> str:
        return self.by_kind.get(kind_name, {}).get(uid, uid)

    @property
    def catalog(self):
        if self._catalog is None:
            from .catalog import load_catalog

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
    partner = names.of("partners", rec["partner"]) if "partner" in rec else ""
    k = kind.name
    if k == "settings":
        return rec["key"]
    if k == "custom_prompts":
        return rec["id"]
    if k in ("partners", "objectives"):
        return rec["name"]
    if k == "evaluations":
        return f"Evaluation of {rec['quarter']}"
    if k == "reflections":
        return f"{rec['date']} · {rec['created_at'][11:16]}"
    if k == "sessions":
        return f"{rec['date']} · session with {partner}"
    if k == "commitments":
        return f"{rec['date']} · commitment to {partner}"
    if k == "trust_checks":
        return f"{rec['date']} · trust check with {partner}"
    if k == "measurements":
        return f"{rec['date']} · {names.of('objectives', rec['objective'])}"
    if k == "adjustments":
        return f"Adjustment for {names.of('evaluations', rec['evaluation'])}"
    if k == "deleted":
        return f"Deleted {rec['kind'].replace('_', ' ')} {rec['uid']}"
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


class _MarkdownOut:
    """One markdown file being written: its section headings and a write buffer."""

    def __init__(self, out: TextIO, names: _Names):
        self.out, self.names = out, names
        self.section: str | None = None
        self.buf: list[str] = []

    def start(self, meta: ExportMeta, title: str, part: str | None = None,
              front: dict[str, str] | None = None) -> None:
        if front:
            self.buf.append("---\n" + "".join(f"{k}: {v}\n" for k, v in front.items()) + "---\n")
        self.buf.append(header_line(meta, part) + "\n")
        self.buf.append(f"# {title}\n\n")

    def add(self, kind, rec: dict) -> None:
        if kind.name != self.section:
            self.section = kind.name
            self.buf.append(f"## {kind.label}\n\n")
        self.buf.append(render_record(kind, rec, self.names))
        self.names.remember(kind, rec)
        if len(self.buf) >= BATCH:
            self.flush()

    def flush(self) -> None:
        self.out.write("".join(self.buf))
        self.buf.clear()


def write_markdown(records: Records, out: TextIO, meta: ExportMeta) -> None:
    """The whole journal as one readable markdown file that ``pj import`` reads back."""
    md = _MarkdownOut(out, _Names())
    md.start(meta, "partnerjournal")
    for kind, rec in records:
        md.add(kind, rec)
    md.flush()


def write_markdown_split(
    records: Records,
    meta: ExportMeta,
    split: str,
    open_file: Callable[[str], ContextManager[TextIO]],
) -> list[str]:
    """Reflections in one file per day (``2026-11-23.md``) or month (``2026-11.md``),
    everything else in ``partnerjournal.md``; each with YAML front matter for note
    tools. ``open_file(name)`` gives a stream that is kept only if the block ends
    without error. Returns the file names written."""
    names = _Names()
    written = [MAIN_FILE]
    with open_file(MAIN_FILE) as main_out:
        main = _MarkdownOut(main_out, names)
        main.start(meta, "partnerjournal", "main",
                   {"title": "partnerjournal", "source": "partnerjournal"})
        current: tuple[str, contextlib.ExitStack, _MarkdownOut] | None = None
        try:
            for kind, rec in records:
                if kind.name != "reflections":
                    main.add(kind, rec)
                    continue
                key = rec["date"] if split == "day" else rec["date"][:7]
                if current is None or current[0] != key:
                    if current is not None:
                        current[2].flush()
                        current[1].close()
                    stack = contextlib.ExitStack()
                    name = f"{key}.md"
                    md = _MarkdownOut(stack.enter_context(open_file(name)), names)
                    front = {"date": key if split == "day" else f"{key}-01", "source": "partnerjournal"}
                    md.start(meta, key, split, front)
                    current = (key, stack, md)
                    written.append(name)
                current[2].add(kind, rec)
            if current is not None:
                current[2].flush()
                current[1].close()
                current = None
        except BaseException:
            if current is not None:
                current[1].__exit__(*sys.exc_info())  # the half-written file is discarded
            raise
        main.flush()
    return written


EXPORTERS: dict[str, Callable[[Records, TextIO, ExportMeta], None]] = {
    "markdown": write_markdown,
    "json": write_json,
}
