"""Shell completion: show or install the script for bash, zsh or fish."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from . import complete
from .output import emit_lines, say

completion_app = typer.Typer(
    help="Complete pj's commands, options, partner names, tags and prompt ids with Tab."
    "\n\n\b\nExample:\n  pj completion install",
    rich_markup_mode=None, no_args_is_help=True,
)

_SHELL_ARG = Annotated[
    Optional[str],
    typer.Argument(help="bash, zsh or fish (default: your login shell).", metavar="[SHELL]",
                   autocompletion=complete.shells),
]


def _script(ctx: typer.Context, shell: str) -> str:
    from click.shell_completion import get_completion_class

    from . import COMPLETE_VAR

    completer = get_completion_class(shell)(ctx.find_root().command, {}, "pj", COMPLETE_VAR)
    return completer.source()


@completion_app.command("show")
def completion_show(ctx: typer.Context, shell: _SHELL_ARG = None) -> None:
    """Print the completion script, to read it or load it your own way.

    \b
    Example:
      eval "$(pj completion show bash)"
    """
    from ..services.shell_completion import shell_of

    say(_script(ctx, shell_of(shell)).rstrip("\n"))


@completion_app.command("install")
def completion_install(ctx: typer.Context, shell: _SHELL_ARG = None) -> None:
    """Install completion for your shell: the script goes where the shell looks for
    completions, and ~/.bashrc or ~/.zshrc gets one line that loads it (fish needs
    none). Running it again changes nothing more.

    \b
    Example:
      pj completion install zsh
    """
    from ..services.shell_completion import install, shell_of

    chosen = shell_of(shell)
    emit_lines(install(chosen, _script(ctx, chosen)).lines())


def register(app: typer.Typer) -> None:
    app.add_typer(completion_app, name="completion")
