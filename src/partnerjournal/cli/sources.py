"""pj sources: the works the catalog draws on, cited so a leader can read them."""

from __future__ import annotations

import typer

from . import options as opt
from .output import emit_json, emit_lines


def sources_cmd(ctx: typer.Context, as_json: opt.Json = False) -> None:
    """The books and articles behind the prompts: a full citation for each, what it
    contributes to the method, and how many prompts draw on it.

    \b
    Examples:
      pj sources
      pj sources --json
    """
    from ..catalog import load_catalog

    catalog = load_catalog()
    rows = []
    for source in catalog.sources.values():
        drawing = catalog.prompts_from(source.key)
        steps = sorted({n for p in drawing for n in p.steps})
        rows.append((source, len(drawing), steps))
    if as_json:
        emit_json([{**s.as_json(), "prompts": n, "steps": steps} for s, n, steps in rows])
        return
    lines = []
    for source, n, steps in rows:
        lines.append(source.citation())
        served = f" · steps {', '.join(map(str, steps))}" if steps else ""
        lines.append(f"  {n} prompt{'' if n == 1 else 's'}{served}  (pj prompts --source {source.key})")
        lines.append(f"  {source.contributes}")
        lines.append("")
    emit_lines(lines[:-1])


def register(app: typer.Typer) -> None:
    app.command("sources")(sources_cmd)
