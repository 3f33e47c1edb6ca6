"""Rendering the report models: one function per format, looked up by name.

Renderers are imported only when used, so a command pays only for its own format.
"""

from __future__ import annotations

import importlib
from typing import Callable

# format name -> (module in this package, function). Each function takes the model and
# keyword options and returns the whole text.
REPORT_RENDERERS: dict[str, tuple[str, str]] = {
    "terminal": ("terminal", "render_report"),
    "markdown": ("markdown", "render_report"),
    "html": ("html", "render_report"),
    "json": ("json", "render_model"),
}

PROGRESS_RENDERERS: dict[str, tuple[str, str]] = {
    "terminal": ("terminal", "render_progress"),
    "json": ("json", "render_model"),
}


def renderer(table: dict[str, tuple[str, str]], fmt: str) -> Callable[..., str]:
    module, function = table[fmt]
    return getattr(importlib.import_module(f"{__name__}.{module}"), function)
