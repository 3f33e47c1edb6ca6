"""Options shared by many commands, declared once."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from . import complete


def env_of(ctx: typer.Context):
    """The command's :class:`~partnerjournal.context.Env`, set up by the root group."""
    return ctx.find_root().obj

Json = Annotated[bool, typer.Option("--json", help="Print JSON for scripts instead of text.")]
Steps = Annotated[
    Optional[list[int]],
    typer.Option("--step", "-s", help="A step it served, 1–13 (repeat for several).", metavar="N",
                 autocompletion=complete.steps),
]
Partners = Annotated[
    Optional[list[str]],
    typer.Option("--partner", "-p", help="A partner involved (repeat; new names are created).",
                 metavar="NAME", autocompletion=complete.partners),
]
Tags = Annotated[
    Optional[list[str]],
    typer.Option("--tag", "-t", help="A tag (repeat for several).", metavar="TAG",
                 autocompletion=complete.tags),
]
Share = Annotated[
    Optional[int],
    typer.Option(
        "--important-share",
        help="Share of the day (0–100 %) spent on important, not urgent, work (Hummel).",
        metavar="PCT",
    ),
]
Quarter = Annotated[
    Optional[str],
    typer.Option("--quarter", "-q", help="A quarter: 2026Q4, 2026-Q4, last, -1 (default: this one).",
                 metavar="Q"),
]
DateOpt = Annotated[
    Optional[str],
    typer.Option("--date", help="The day it is about: YYYY-MM-DD, today, yesterday.", metavar="DATE"),
]
