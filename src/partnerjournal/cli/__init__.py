"""The ``pj`` command line: a thin Typer layer over the use cases in ``services``.

Every command parses its options, calls one use case and renders the result. Errors
are mapped to a one-line message and an exit status in one place, :class:`PJGroup`.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated, Optional

import typer
from typer.core import TyperGroup

# Typer may bundle its own copy of click: take the exception classes from Typer itself
# so both layouts are caught.
_UsageError = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "UsageError")

from .. import __version__
from ..errors import PJError


class PJGroup(TyperGroup):
    """The root group: turns every failure into one clear line and an exit status
    (2 for usage errors, 1 for the rest), never a traceback."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        code = 0
        try:
            rv = super().main(
                args, prog_name or "pj", complete_var, standalone_mode=False, **extra
            )
            code = rv if isinstance(rv, int) else 0
        except typer.Exit as exc:
            code = exc.exit_code
        except _UsageError as exc:
            where = exc.ctx.command_path if exc.ctx else "pj"
            message = " ".join(exc.format_message().split())
            _fail(f"{message} (see '{where} --help')", 2)
            code = 2
        except typer.Abort:
            _fail("cancelled; nothing was changed", 1)
            code = 1
        except PJError as exc:
            _fail(str(exc), exc.exit_code)
            code = exc.exit_code
        except BrokenPipeError:
            sys.stderr.close()  # the reader went away (| head): not an error
            code = 0
        except KeyboardInterrupt:
            _fail("interrupted; nothing was changed", 130)
            code = 130
        except OSError as exc:
            _fail(f"{exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), 1)
            code = 1
        except Exception as exc:  # noqa: BLE001 - the last line of defence
            import sqlite3

            if isinstance(exc, sqlite3.Error):
                _fail(_sqlite_message(exc), 1)
                code = 1
            elif os.environ.get("PJ_DEBUG"):
                raise
            else:  # a bug: still one line, and a way to see the details
                _fail(
                    f"unexpected {type(exc).__name__}: {exc} (run with PJ_DEBUG=1 for details;"
                    " nothing was changed)",
                    1,
                )
                code = 1
        if standalone_mode:
            sys.exit(code)
        return code

    # The command tree is built lazily: Typer turns a function's signature into a
    # click command by introspection, which costs milliseconds per command. Only the
    # command being run is built; --help lists the others from their docstrings.
    def list_commands(self, ctx) -> list[str]:
        return list(_registry().entries)

    def get_command(self, ctx, cmd_name: str):
        return _registry().build(cmd_name)

    def format_commands(self, ctx, formatter) -> None:
        rows = [(name, _registry().short_help(name)) for name in _registry().entries]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def _sqlite_message(exc: Exception) -> str:
    text = str(exc)
    if "readonly" in text:
        return "the journal is read-only: check the file's permissions (pj doctor)"
    if "locked" in text or "busy" in text:
        return "the journal is busy (another program holds it): try again in a moment"
    if "malformed" in text or "not a database" in text:
        return "the journal file is damaged or not a journal: run 'pj doctor'"
    return f"the journal could not be used ({text}): run 'pj doctor'"


def _fail(message: str, code: int) -> None:
    typer.echo(f"pj: error: {message}", err=True)


app = typer.Typer(
    cls=PJGroup,
    name="pj",
    help=(
        "partnerjournal: two minutes a day to become a trusted partner, not an order taker.\n\n"
        "Start with 'pj today'. Every command takes --help."
    ),
    add_completion=False,
    no_args_is_help=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"partnerjournal {__version__}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def root(
    ctx: typer.Context,
    db: Annotated[
        Optional[str],
        typer.Option(
            "--db",
            envvar="PARTNERJOURNAL_DB",
            show_envvar=False,  # said in the help text: keeps 'pj --help' from loading rich
            help="The journal file to use (or set PARTNERJOURNAL_DB; default: a journal in "
            "your user data folder).",
            metavar="PATH",
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """partnerjournal: two minutes a day to become a trusted partner, not an order taker."""
    from ..context import Env

    env = Env.from_option(db)
    ctx.obj = env
    ctx.call_on_close(env.close)
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())


class _Registry:
    """The commands each module registers, kept unbuilt until one is run."""

    def __init__(self) -> None:
        self.entries: dict[str, object] = {}
        self._built: dict[str, object] = {}

    # the two calls the command modules make, as on a Typer app
    def command(self, name: str):
        def record(function):
            self.entries[name] = function
            return function

        return record

    def add_typer(self, sub_app: typer.Typer, name: str) -> None:
        self.entries[name] = sub_app

    def build(self, name: str):
        if name not in self.entries:
            return None
        if name not in self._built:
            target = self.entries[name]
            if not isinstance(target, typer.Typer):
                single = typer.Typer(add_completion=False, rich_markup_mode=None)
                single.command(name)(target)
                target = single
            target._add_completion = False  # completion is not offered per subcommand
            command = typer.main.get_command(target)
            command.name = name
            self._built[name] = command
        return self._built[name]

    def short_help(self, name: str) -> str:
        target = self.entries[name]
        if isinstance(target, typer.Typer):
            text = target.info.help or ""
            if not isinstance(text, str):
                text = ""
        else:
            text = target.__doc__ or ""
        first = text.strip().split("\n\n", 1)[0]
        return " ".join(first.split())


_REGISTRY: _Registry | None = None


def _registry() -> _Registry:
    """Each command module registers its commands; they import heavy parts lazily."""
    global _REGISTRY
    if _REGISTRY is None:
        from . import feedback, journal, maintenance, partners, reports, sources, transfer

        registry = _Registry()
        for module in (journal, reports, partners, feedback, transfer, maintenance, sources):
            module.register(registry)
        _REGISTRY = registry
    return _REGISTRY


def main() -> None:
    """Entry point of the ``pj`` and ``partnerjournal`` scripts."""
    app()
