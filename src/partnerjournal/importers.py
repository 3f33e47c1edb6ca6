"""Reading exports back: partnerjournal JSON and markdown, and jrnl's JSON export. The
readers live in exchange/ (json.py, markdown.py, jrnl.py); this module maps format
names to them.

Readers are plain functions looked up by format name in :data:`IMPORTERS`. Each takes a
text stream, the name to show in messages and the record kinds (``store.transfer``'s
description), and yields :class:`Incoming` items one at a time, so memory stays flat
however large the file. The first item is always the file's ``header``. A file that
cannot be read raises :class:`ImportFormatError` naming the file and line.
"""

from __future__ import annotations

from typing import Any, Callable, Iterator, TextIO

from .exchange.formats import HEADER, Incoming, sniff  # noqa: F401
from .exchange.jrnl import jrnl_entry, jrnl_uid, read_jrnl  # noqa: F401
from .exchange.json import JsonStream, read_json  # noqa: F401
from .exchange.markdown import END, decode_value, read_markdown  # noqa: F401

IMPORTERS: dict[str, Callable[[TextIO, str, Any], Iterator[Incoming]]] = {
    "json": read_json,
    "markdown": read_markdown,
    "jrnl": read_jrnl,
}
