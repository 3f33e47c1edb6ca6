"""Writing the journal out as JSON or readable markdown, record by record: the formats
live in exchange/ (json.py, markdown.py, each with its reader); this module maps their
names to their writers.

Writers are plain functions looked up by format name in :data:`EXPORTERS`. Each takes
the records as an iterator of ``(kind, rows)`` batches, in the order
``store.transfer.iter_rows`` yields them, a text stream and an :class:`ExportMeta`.
Nothing is kept in memory but the few names readable markdown shows for partners,
objectives, evaluations and prompts. ``docs/formats.md`` describes both formats.

Speed: a large journal is mostly reflections of one shape, so each kind's output is
planned once (:class:`_JsonPlan`, :class:`_MarkdownPlan`) and a record costs a few
lookups: values that repeat (steps, partners, tags, prompts) are encoded once and
remembered. ``render_record`` stays the reference for every record; the plans give
the same bytes (tests/test_export_golden.py holds both to that) and hand anything
unusual back to it.
"""

from __future__ import annotations

from typing import Callable, TextIO

from .exchange.formats import (  # noqa: F401 - the names exports are known by
    FORMAT, MAIN_FILE, MARKDOWN_HEADER, VERSION, ExportMeta, Rows,
)
from .exchange.json import _JsonPlan, write_json  # noqa: F401
from .exchange.markdown import (  # noqa: F401
    _heading, _MarkdownPlan, _Names, encode_value, escape_line, header_line, inline_items,
    render_record, write_markdown, write_markdown_split,
)

EXPORTERS: dict[str, Callable[[Rows, TextIO, ExportMeta], None]] = {
    "markdown": write_markdown,
    "json": write_json,
}
