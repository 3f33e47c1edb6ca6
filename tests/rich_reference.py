"""The terminal reports drawn with rich: the reference that ``render.layout`` must match
byte for byte.

It is ``partnerjournal/render/terminal.py`` itself, loaded a second time with rich's
classes in place of ``layout``'s (under the same names and options, as the reports were
drawn before they had their own layout) and a rich ``Console`` doing the drawing. The
sections are the same code, so a change to a section needs no change here; what the
comparison checks is the drawing.
"""

from __future__ import annotations

import importlib.util
import io
from pathlib import Path

from rich.box import HEAVY, ROUNDED, SIMPLE_HEAD, SQUARE
from rich.console import Console, Group
from rich.padding import Padding
from rich.panel import Panel as _RichPanel
from rich.table import Table
from rich.text import Text

from partnerjournal.render import terminal as _ours


def Panel(renderable, *, title=None, box=ROUNDED):  # noqa: N802  (layout's class name)
    """rich's panel with layout's defaults: the title on the left, one space inside."""
    return _RichPanel(renderable, title=title, title_align="left", box=box, padding=(0, 1))


def console(width: int, color: bool) -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, width=width, color_system="truecolor" if color else None,
                   no_color=not color, force_terminal=color, highlight=False, emoji=False,
                   record=False, markup=False), out


def _draw(parts: list, width: int | None, color: bool) -> str:
    printer, out = console(width or 100, color)
    for part in parts:
        printer.print(part)
    return out.getvalue()


def _load():
    spec = importlib.util.spec_from_file_location(
        "partnerjournal.render._terminal_with_rich", Path(_ours.__file__))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    swapped = {"HEAVY": HEAVY, "ROUNDED": ROUNDED, "SIMPLE_HEAD": SIMPLE_HEAD,
               "SQUARE": SQUARE, "Group": Group, "Padding": Padding, "Panel": Panel,
               "Table": Table, "Text": Text, "_draw": _draw}
    drawing = {"print_lines", "to_string"}  # used by _draw only, which is swapped
    from partnerjournal.render import layout

    left = {name for name in vars(module) if getattr(layout, name, None) is vars(module)[name]
            and not name.startswith("__")} - set(swapped) - drawing - {"Renderable", "annotations"}
    assert not left, f"terminal.py uses layout's {sorted(left)}: give rich's equivalent here"
    vars(module).update(swapped)
    return module


_reference = _load()
render_report = _reference.render_report
render_progress = _reference.render_progress
