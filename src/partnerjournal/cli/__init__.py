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
from .core import PJCommand, PJSubGroup, PlainHelp, check_db, no_such_command

COMPLETE_VAR = "_PJ_COMPLETE"  # click's shell completion protocol: the scripts set it


class PJGroup(PlainHelp, TyperGroup):
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
        return list(COMMANDS)

    def get_command(self, ctx, cmd_name: str):
        if cmd_name not in COMMANDS:
            return None
        return _registry(cmd_name).build(cmd_name)

    def resolve_command(self, ctx, args):
        if args and not ctx.resilient_parsing and not args[0].startswith("-"):
            if args[0] not in COMMANDS:
                no_such_command(self, ctx, args)
        return super().resolve_command(ctx, args)

    # Shell completion: click's own protocol (_PJ_COMPLETE=bash_complete, as the scripts
    # of 'pj completion show' use), not Typer's, and silent whatever goes wrong.
    def _main_shell_completion(self, ctx_args, prog_name, complete_var=None) -> None:
        if not os.environ.get(complete_var or COMPLETE_VAR):
            return
        try:
            super(TyperGroup, self)._main_shell_completion(
                ctx_args, prog_name, complete_var or COMPLETE_VAR
            )
        except Exception:  # noqa: BLE001 - a Tab press must never print an error
            if os.environ.get("PJ_DEBUG"):
                raise
            sys.exit(1)

    def shell_complete(self, ctx, incomplete: str):
        """Command names with their one-line help, without building every command."""
        import click
        from click.shell_completion import CompletionItem

        items = [
            CompletionItem(name, help=_registry().short_help(name))
            for name in COMMANDS
            if name.startswith(incomplete)
        ]
        return items + click.Command.shell_complete(self, ctx, incomplete)  # option names

    def format_commands(self, ctx, formatter) -> None:
        rows = [(name, _registry().short_help(name)) for name in COMMANDS]
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
        "Start with 'pj today'. Every command takes --help; --db goes before or after the"
        " command.\n\n"
        "\b\nExamples:\n  pj today\n  pj log -n 5\n  pj --db ~/work/journal.sqlite map"
    ),
    add_completion=False,
    no_args_is_help=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version_line(db_path) -> str:
    """The version, the journal in use and its schema, read without creating it."""
    from ..store.lookup import schema_of

    try:
        schema = schema_of(db_path)
    except Exception as exc:  # noqa: BLE001 - the version line must always print
        import sqlite3

        if not isinstance(exc, (OSError, sqlite3.Error)):
            raise
        state = "cannot be read: run 'pj doctor'"
    else:
        state = "no journal yet" if schema is None else f"schema v{schema}"
    return f"partnerjournal {__version__} · journal {db_path} ({state})"


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
        typer.Option("--version", help="Show the version, the journal in use and its schema."),
    ] = False,
) -> None:
    """partnerjournal: two minutes a day to become a trusted partner, not an order taker."""
    from ..context import Env

    env = Env.from_option(check_db(db, ctx))
    if version:
        typer.echo(_version_line(env.db_path))
        raise typer.Exit()
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
                single.command(name, cls=PJCommand)(target)
                target = single
            else:  # every command is built with pj's classes (core.py), whoever wrote it
                _use_pj_classes(target)
            target._add_completion = False  # completion is offered by 'pj completion'
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


def _use_pj_classes(group: typer.Typer) -> None:
    if not isinstance(group.info.cls, type):  # not set by the module that made it
        group.info.cls = PJSubGroup
    for info in group.registered_commands:
        if info.cls in (None, typer.core.TyperCommand):  # Typer's default, not a choice
            info.cls = PJCommand
    for sub in group.registered_groups:
        _use_pj_classes(sub.typer_instance)


# Each command, in the order --help lists them, and the module that registers it: a
# command imports its own module only (a test keeps this table in step with them).
COMMANDS: dict[str, str] = {
    "today": "journal", "reflect": "journal", "prompt": "journal", "prompts": "journal",
    "steps": "journal", "log": "journal", "show": "journal", "edit": "journal",
    "delete": "journal",
    "evaluate": "reports", "progress": "reports", "report": "reports", "demo": "reports",
    "partner": "partners", "session": "partners", "commitment": "partners",
    "trust": "partners", "story": "partners", "objective": "partners", "map": "partners",
    "nudge": "partners", "config": "partners",
    "survey": "feedback", "feedback": "feedback",
    "export": "transfer", "import": "transfer", "backup": "transfer", "restore": "transfer",
    "sync": "sync", "conflicts": "sync",
    "doctor": "maintenance", "sources": "sources", "completion": "completion",
}

_REGISTRY: _Registry | None = None
_LOADED: set[str] = set()


def _registry(command: str | None = None) -> _Registry:
    """The registered commands: only the module of ``command`` when one is named, every
    module otherwise (--help, completion). Modules import their heavy parts lazily."""
    global _REGISTRY
    if _REGISTRY is None:
        _REGISTRY = _Registry()
    modules = [COMMANDS[command]] if command in COMMANDS else dict.fromkeys(COMMANDS.values())
    for name in modules:
        if name not in _LOADED:
            import importlib

            importlib.import_module(f"{__name__}.{name}").register(_REGISTRY)
            _LOADED.add(name)
    return _REGISTRY


def main() -> None:
    """Entry point of the ``pj`` and ``partnerjournal`` scripts.

    When the command returns, its work is done: every transaction is committed, the
    journal closed, every file written closed and synced. What would follow is the
    interpreter taking apart every module it loaded, 10-15 ms that a leader waits for
    after every command. So the output is flushed and the process ends at once."""
    try:
        app()
        code = 0
    except SystemExit as exc:
        code = exc.code
    finish(code)


def finish(code: object) -> None:
    """Flush stdout and stderr and end the process with ``code`` (as ``sys.exit`` would
    read it), without the interpreter's shutdown."""
    if code is None:
        code = 0
    elif not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (BrokenPipeError, ValueError):  # the reader went away, or it is closed
            pass
    os._exit(code)
