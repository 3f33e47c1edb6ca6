"""The quarterly commands: evaluate, progress, report, demo."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from . import complete
from . import options as opt
from .output import note, say




def _width() -> int | None:
    import shutil

    return shutil.get_terminal_size((100, 40)).columns


def evaluate(
    ctx: typer.Context,
    quarter: opt.Quarter = None,
    rating: Annotated[
        Optional[list[str]],
        typer.Option("--rating", "-r", help="A self-rating, STEP=SCORE with SCORE 1-5 (repeat).",
                     metavar="STEP=SCORE"),
    ] = None,
    note_: Annotated[
        Optional[list[str]],
        typer.Option("--note", help="A note on a step, STEP=TEXT (repeat).", metavar="STEP=TEXT"),
    ] = None,
    progress: Annotated[
        Optional[str],
        typer.Option("--progress", help="What progress you made against your objectives."),
    ] = None,
    feedback: Annotated[
        Optional[str],
        typer.Option("--feedback", help="What feedback came from the partnership sessions."),
    ] = None,
    adjust: Annotated[
        Optional[list[str]],
        typer.Option("--adjust", "-a",
                     help="Something you will adjust next quarter (repeat). Start it with the "
                          "steps it touches, e.g. '3,4: hold sessions in the first month'.",
                     metavar="TEXT"),
    ] = None,
) -> None:
    """The quarterly self-evaluation (steps 11-13): rate each step 1-5, then say what
    progress you made, what feedback you heard and what you will adjust.

    On a terminal it walks you through the 13 steps, showing last quarter's rating
    beside each. Running it again for the same quarter updates that evaluation.

    \b
    Examples:
      pj evaluate
      pj evaluate --rating 3=4 --note "3=met every partner" --adjust "3,4: book sessions in month one"
    """
    from ..catalog import load_catalog
    from ..services import evaluation as se
    from ..services import quarters as jq
    from ..store.evaluations import get_evaluation

    env = opt.env_of(ctx)
    q = jq.resolve(env.conn, quarter, env.today)
    ratings = se.parse_ratings(rating)
    notes = se.parse_pairs(note_, "--note")
    scripted = bool(rating or note_ or progress or feedback or adjust)
    if not scripted:
        if not env.stdin_is_terminal:
            from ..errors import UsageError

            raise UsageError(
                "give --rating STEP=SCORE (and --note, --adjust), or run it on a terminal"
            )
        ratings, notes, progress, feedback, adjust = _walk(
            load_catalog(), get_evaluation(env.conn, str(q)),
            get_evaluation(env.conn, str(q.previous())), str(q),
        )
    saved, created = se.evaluate(
        env.conn, q, now=env.now(), ratings=ratings, notes=notes,
        progress=progress, feedback=feedback, adjustments=adjust,
    )
    verb = "Saved" if created else "Updated"
    say(
        f"{verb} the {q} evaluation: {len(saved['ratings'])}/13 steps rated, "
        f"{len(saved['adjustments'])} adjustment(s). See it with: pj report --quarter {q}"
    )


def _walk(catalog, current, previous, quarter):
    """The interactive evaluation on a terminal."""
    from ..services import evaluation as se

    typer.echo(f"Self-evaluation for {quarter}. Rate each step 1-5 (Enter keeps the shown value, "
               "'-' skips).")
    ratings: dict[int, int] = {}
    notes: dict[int, str] = {}
    for step in catalog.steps:
        before = (previous or {}).get("ratings", {}).get(step.number, {}).get("rating")
        now = (current or {}).get("ratings", {}).get(step.number, {}).get("rating")
        hint = f" (last quarter: {before})" if before else ""
        typer.echo(f"\n{step.number:>2}. {step.title}{hint}\n    {step.description}")
        while True:
            answer = typer.prompt("    rating", default=str(now) if now else "-", show_default=True)
            if answer.strip() in ("", "-"):
                break
            if answer.strip().isdigit() and 1 <= int(answer) <= 5:
                ratings[step.number] = int(answer)
                text = typer.prompt("    note (optional)", default="", show_default=False)
                if text.strip():
                    notes[step.number] = text
                break
            typer.echo("    Please give a whole number from 1 to 5, or '-' to skip.")
    progress = typer.prompt("\nWhat progress did you make against your objectives?", default="",
                            show_default=False)
    feedback = typer.prompt("What feedback came from the partnership sessions?", default="",
                            show_default=False)
    adjustments = []
    typer.echo("What will you adjust next quarter? One per line, optionally starting with the "
               "steps it touches ('3,4: ...'); an empty line ends.")
    while True:
        line = typer.prompt("  adjust", default="", show_default=False)
        if not line.strip():
            break
        se.parse_adjustment(line)  # checked now, while the leader can retype it
        adjustments.append(line)
    return ratings, notes, progress, feedback, adjustments or None


def progress(
    ctx: typer.Context,
    quarter: opt.Quarter = None,
    as_json: opt.Json = False,
) -> None:
    """Your progress on the 13 steps: practice this quarter and overall, weeks in a row,
    self-ratings and their change, a weekly chart per step and a calendar of days
    journaled.

    \b
    Example:
      pj progress --quarter last
    """
    from ..render import PROGRESS_RENDERERS, renderer
    from ..services import quarters as jq
    from ..services import reports as sr

    env = opt.env_of(ctx)
    q = jq.resolve(env.conn, quarter, env.today)
    model = sr.progress(env.conn, q, env.today)
    fmt = "json" if as_json else "terminal"
    text = renderer(PROGRESS_RENDERERS, fmt)(model, width=_width(), color=_color())
    typer.echo(text, nl=False)


def _color() -> bool:
    from .output import use_color

    return use_color()


def report(
    ctx: typer.Context,
    quarter: opt.Quarter = None,
    fmt: Annotated[
        str,
        typer.Option("--format", "-f", help="terminal, markdown, html or json.",
                     metavar="FORMAT", autocompletion=complete.report_formats),
    ] = "terminal",
    output: Annotated[
        Optional[str], typer.Option("--output", "-o", help="Write to this file instead.",
                                    metavar="FILE")
    ] = None,
    as_json: opt.Json = False,
) -> None:
    """The quarterly self-evaluation report, to read or print for your quarterly review.

    \b
    Examples:
      pj report
      pj report --quarter last --format html --output ~/reviews/2026Q3.html
    """
    from ..errors import UsageError
    from ..render import REPORT_RENDERERS, renderer
    from ..services import quarters as jq
    from ..services import reports as sr
    from .output import output_path, write_output

    env = opt.env_of(ctx)
    fmt = "json" if as_json else fmt.strip().lower()
    if fmt not in REPORT_RENDERERS:
        raise UsageError(f"format {fmt!r} is not one of {', '.join(REPORT_RENDERERS)}")
    output_path(output)  # a bad --output fails before any work
    q = jq.resolve(env.conn, quarter, env.today)
    model = sr.quarterly_report(env.conn, q, env.today)
    color = _color() and output is None
    text = renderer(REPORT_RENDERERS, fmt)(model, width=None if output else _width(), color=color)
    if output is not None:
        written = write_output(output, text, env.db_path)
        note(f"Wrote the {q} report ({fmt}) to {written}")
    else:
        typer.echo(text, nl=False)


def demo(
    ctx: typer.Context,
    db: Annotated[
        Optional[str],
        typer.Option("--db", help="Where to build the demo journal, to explore it afterwards "
                     "(default: a throwaway one; your own journal is never touched).",
                     metavar="PATH"),
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="terminal, markdown, html or json.",
                          metavar="FORMAT", autocompletion=complete.report_formats)
    ] = "terminal",
) -> None:
    """Build the example journal (a realistic quarter of a leader's journal) and print
    its quarterly report, so you can see what partnerjournal gives back.

    \b
    Example:
      pj demo --format html > demo.html
    """
    import tempfile
    from pathlib import Path

    from ..context import Env
    from ..errors import UsageError
    from ..render import REPORT_RENDERERS, renderer
    from ..services import demo as sd
    from ..services import reports as sr

    fmt = fmt.strip().lower()
    if fmt not in REPORT_RENDERERS:
        raise UsageError(f"format {fmt!r} is not one of {', '.join(REPORT_RENDERERS)}")
    root = opt.env_of(ctx)
    with tempfile.TemporaryDirectory(prefix="pj-demo-") as tmp:
        path = Path(db).expanduser() if db else Path(tmp) / "demo.sqlite"
        if path.exists():
            raise UsageError(f"{path} already exists: give --db a new file for the demo journal")
        env = Env(db_path=path, today=root.today)
        try:
            quarter = sd.build_demo(env.conn, env.today)
            model = sr.quarterly_report(env.conn, quarter, env.today)
        finally:
            env.close()
        text = renderer(REPORT_RENDERERS, fmt)(model, width=_width(), color=_color())
        typer.echo(text, nl=False)
    if db:
        note(f"The demo journal is at {path}. Try: pj --db {path} log -n 5")
    else:
        note("This was a throwaway demo journal. Start your own with: pj today")


def register(app: typer.Typer) -> None:
    app.command("evaluate")(evaluate)
    app.command("progress")(progress)
    app.command("report")(report)
    app.command("demo")(demo)
