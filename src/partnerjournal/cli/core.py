"""The click classes every ``pj`` command and command group is built with.

They give every command the same behaviour in one place: help that reads cleanly,
``--db`` accepted after the command as well as before it, and a suggestion for a
mistyped subcommand.
"""

from __future__ import annotations

import re

import click
from typer.core import TyperCommand, TyperGroup

DB_META = "partnerjournal.db"  # where a --db given after the command is kept (root ctx.meta)

# Typer escapes the "[required]" / "[default: 90]" it appends to a parameter's help for
# rich (``\[required]``) whenever rich is installed, even though our help is printed by
# click's plain formatter (rich_markup_mode=None). Undo exactly that escape: an odd run
# of backslashes before a trailing "[tag...]" is rich's escape of half as many.
_RICH_ESCAPED_TAIL = re.compile(r"(\\+)(\[[a-z#/@][^[]*?\])$")


def _unescape_tail(text: str) -> str:
    def plain(match: re.Match) -> str:
        slashes = len(match.group(1))
        if slashes % 2 == 0:
            return match.group(0)  # not an escape: backslashes the text really holds
        return "\\" * (slashes // 2) + match.group(2)

    return _RICH_ESCAPED_TAIL.sub(plain, text)


class PJHelpFormatter(click.HelpFormatter):
    """click's plain help formatter, minus the rich escapes Typer leaves in rows."""

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        super().write_dl([(term, _unescape_tail(text)) for term, text in rows], col_max, col_spacing)


class PJContext(click.Context):
    formatter_class = PJHelpFormatter


class PlainHelp:
    """Help as click's plain formatter prints it, each section once."""

    context_class = PJContext

    def format_arguments(self, ctx, formatter) -> None:
        """Nothing: Typer's format_options already lists the arguments (click 8.5 added
        a section of its own, which would list them twice)."""


def _suggest(group: click.Group, ctx: click.Context, name: str) -> str:
    """' did you mean 'today'?' for a mistyped command name, or ''."""
    import difflib

    names = [n for n in group.list_commands(ctx) if not n.startswith("_")]
    close = difflib.get_close_matches(name.lower(), names, n=1, cutoff=0.6)
    if not close and name:  # a beginning: 'pj obj' -> objective
        close = [n for n in names if n.startswith(name.lower())]
    if not close:
        return ""
    if len(close) > 1:
        return ": did you mean " + " or ".join(f"'{n}'" for n in close) + "?"
    return f": did you mean '{close[0]}'?"


def no_such_command(group: click.Group, ctx: click.Context, args: list[str]):
    """The error for an unknown command name, with the closest one suggested."""
    name = args[0]
    raise click.UsageError(f"no such command '{name}'{_suggest(group, ctx, name)}", ctx)


def check_db(value: str | None, ctx: click.Context | None = None) -> str | None:
    """--db in either place: a file name, never an empty one."""
    if value is not None and not value.strip():
        raise click.UsageError(
            "--db needs a file name (leave it out to use PARTNERJOURNAL_DB or your own journal)",
            ctx,
        )
    return value


def _db_after_command(ctx: click.Context, param: click.Parameter, value):
    """``pj log --db X`` means the same as ``pj --db X log``."""
    if check_db(value, ctx) is None:
        return value
    root = ctx.find_root()
    # a --db before the command must agree; PARTNERJOURNAL_DB is overridden, as by any --db
    typed = root.get_parameter_source("db") == click.core.ParameterSource.COMMANDLINE
    before = root.params.get("db") if typed else None
    given = root.meta.get(DB_META)
    for other in (before, given):
        if other is not None and other != value:
            raise click.UsageError(
                f"--db is given twice ({other} and {value}): give it once", ctx
            )
    root.meta[DB_META] = value
    if root.obj is not None:  # the root callback ran: point its environment at the file
        root.obj.use_db(value)
    return value


def db_option() -> click.Option:
    """The --db every command accepts after its name (the root group has its own)."""
    return click.Option(
        ["--db"],
        metavar="PATH",
        expose_value=False,
        callback=_db_after_command,
        help="The journal file to use, here or before the command (or set PARTNERJOURNAL_DB).",
    )


def _restore_argument_help(callback, params: list[click.Parameter]) -> None:
    """Put back an argument's help text. click 8.5 gave arguments a ``help`` of their
    own, and Typer 0.19 does not pass its help on to it, so click resets it to None;
    Typer's description of the function still holds it."""
    lost = [p for p in params if isinstance(p, click.Argument) and not getattr(p, "help", None)]
    original = getattr(callback, "__wrapped__", None)
    if not lost or original is None:
        return
    from typer.utils import get_params_from_function

    described = get_params_from_function(original)
    for param in lost:
        meta = described.get(param.name or "")
        text = getattr(meta.default, "help", None) if meta is not None else None
        if text:
            param.help = text


def _with_db(params: list[click.Parameter] | None) -> list[click.Parameter]:
    params = list(params or [])
    if not any("--db" in p.opts for p in params):  # 'pj demo --db' keeps its own meaning
        params.append(db_option())
    return params


class PJCommand(PlainHelp, TyperCommand):
    """A leaf command: plain help, and --db accepted after its name."""

    def __init__(self, name, *, params=None, **kwargs) -> None:
        super().__init__(name, params=_with_db(params), **kwargs)
        _restore_argument_help(self.callback, self.params)


class PJSubGroup(PlainHelp, TyperGroup):
    """A command group under pj (pj partner, pj session, ...): plain help, --db after
    its name, and a suggestion for a mistyped subcommand."""

    def __init__(self, *, params=None, **kwargs) -> None:
        super().__init__(params=_with_db(params), **kwargs)
        _restore_argument_help(self.callback, self.params)

    def resolve_command(self, ctx, args):
        if args and not ctx.resilient_parsing and self.get_command(ctx, args[0]) is None:
            if not args[0].startswith("-"):
                no_such_command(self, ctx, args)
        return super().resolve_command(ctx, args)
