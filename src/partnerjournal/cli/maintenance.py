"""Looking after the journal: doctor."""

from __future__ import annotations

import typer

from . import options as opt
from .output import emit_json, emit_lines


def doctor(ctx: typer.Context, as_json: opt.Json = False) -> None:
    """Check your journal: whether the file is sound and up to date, what it holds, who
    can read it and the free space, with what to do about each problem found. Changes
    nothing.

    \b
    Example:
      pj doctor
    """
    from ..services.doctor import diagnose

    env = opt.env_of(ctx)
    d = diagnose(env.db_path)
    if as_json:
        emit_json(d.as_json())
    else:
        lines = [f"Journal: {d.path}"]
        for c in d.checks:
            lines.append(f"  {'ok ' if c.ok else 'FIX'}  {c.name}: {c.detail}")
            if c.fix:
                lines.append(f"       → {c.fix}")
        if d.counts:
            shown = ", ".join(f"{n} {t}" for t, n in d.counts.items() if t != "migrations")
            lines.append(f"  Records: {shown}")
        lines.append("All good." if d.ok else "Some checks need attention (see → above).")
        emit_lines(lines)
    if not d.ok:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("doctor")(doctor)
