"""What every exchange format shares: the export's name and version, what an export
is told (:class:`ExportMeta`), what a reader yields (:class:`Incoming`), remembered
encodings, and telling a file's format from its first characters.

The formats themselves: exchange/json.py, exchange/markdown.py (each writer and reader
together) and exchange/jrnl.py (reader); exporters.py and importers.py map format
names to them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, TextIO

FORMAT = "partnerjournal"
VERSION = 1
MARKDOWN_HEADER = "<!-- partnerjournal export v"
MAIN_FILE = "partnerjournal.md"  # the records that are not reflections, in --split folders
CHUNK = 1 << 16  # characters per write (memory stays flat however large the journal)


@dataclass
class ExportMeta:
    exported_at: str
    schema: int
    kinds: list = field(default_factory=list)  # store.transfer.Kind, in export order
    date_from: str | None = None
    date_until: str | None = None


Rows = Any  # store.transfer.Snapshot: .rows() and .json_rows(), batches of rows per kind
MEMO = 4096  # encoded values remembered per field; past that they are encoded each time


class _Memo(dict):
    """``compute`` remembered for up to MEMO distinct (hashable) values. Called through
    its ``__getitem__`` (see :func:`_memo`): a dict lookup in C for a value seen before."""

    def __init__(self, compute: Callable[[Any], Any]):
        super().__init__()
        self.compute = compute

    def __missing__(self, value):
        result = self.compute(value)
        if len(self) < MEMO:
            self[value] = result
        return result


def _memo(compute: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return _Memo(compute).__getitem__


def utf8_writer(out: TextIO) -> Callable[[bytes], Any]:
    """How to write UTF-8 bytes to the text stream ``out``: straight to its byte buffer
    when it has one, writes UTF-8 and translates no line ends (decoding and encoding a
    large export again costs more than writing it), else decoded, through the text
    stream."""
    import codecs
    import os

    buffer = getattr(out, "buffer", None)
    try:
        utf8 = codecs.lookup(out.encoding).name == "utf-8"
    except (AttributeError, LookupError, TypeError):
        utf8 = False
    if buffer is None or not utf8 or os.linesep != "\n":
        return lambda data: out.write(data.decode())
    out.flush()  # what was written as text comes first
    return buffer.write


HEADER = "header"  # the kind of the first item: the file's format, version and schema


@dataclass
class Incoming:
    kind: str  # a record kind ("reflections"), or HEADER
    data: Any
    where: str  # "FILE line N"


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
