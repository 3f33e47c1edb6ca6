"""Writing to the terminal: JSON for scripts, plain lines in batches, rich when it helps."""

from __future__ import annotations

import json
import os
import sys
from typing import Any, Iterable

BATCH = 256  # lines per write: one write per batch keeps long listings fast


def reader_gone() -> None:
    """The reader closed the pipe (``pj log | head``): stop quietly, successfully."""
    import typer

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    raise typer.Exit(0)


def emit_json(data: Any) -> None:
    try:
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        sys.stdout.flush()
    except BrokenPipeError:
        reader_gone()


def emit_json_stream(items: Iterable[dict]) -> None:
    """A JSON array written item by item, so a long listing never sits in memory."""
    try:
        _emit_json_stream(items)
    except BrokenPipeError:
        reader_gone()


def _emit_json_stream(items: Iterable[dict]) -> None:
    out = sys.stdout
    out.write("[")
    buf: list[str] = []
    first = True
    for item in items:
        text = json.dumps(item, ensure_ascii=False, indent=2)
        buf.append(("\n" if first else ",\n") + "  " + text.replace("\n", "\n  "))
        first = False
        if len(buf) >= BATCH:
            out.write("".join(buf))
            buf.clear()
    buf.append("\n]\n" if not first else "]\n")
    out.write("".join(buf))


def emit_lines(lines: Iterable[str]) -> int:
    """Write lines in batches; returns how many were written."""
    try:
        return _emit_lines(lines)
    except BrokenPipeError:
        reader_gone()
        return 0


def _emit_lines(lines: Iterable[str]) -> int:
    out = sys.stdout
    buf: list[str] = []
    n = 0
    for line in lines:
        buf.append(line)
        n += 1
        if len(buf) >= BATCH:
            out.write("\n".join(buf) + "\n")
            buf.clear()
    if buf:
        out.write("\n".join(buf) + "\n")
    out.flush()
    return n


def say(message: str) -> None:
    sys.stdout.write(message + "\n")


def note(message: str) -> None:
    """A side remark (created a partner, nothing to do) on stderr, out of the data."""
    sys.stderr.write(message + "\n")


def output_path(value: str | None):
    """``--output`` as a path (``~`` expanded), or None when it was not given. One rule
    for every command with -o/--output: an empty value is refused, not taken as 'here'."""
    if value is None:
        return None
    if not value.strip():
        from ..errors import UsageError

        raise UsageError("--output needs a file name (leave it out to print to the screen)")
    from pathlib import Path

    return Path(value).expanduser()


def write_output(value: str, text: str, journal=None):
    """Write a command's result to its ``--output`` file: missing folders are created
    owner-only (0700), the file is owner-only (0600) and written atomically, a folder or
    the journal itself is refused. Returns the path written."""
    from ..files import atomic_write_text, same_file

    path = output_path(value)
    if journal is not None and same_file(path, journal):
        from ..errors import UsageError

        raise UsageError(f"{path} is your journal: give --output another file")
    atomic_write_text(path, text)
    return path


def use_color() -> bool:
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def console(width: int | None = None):
    """A rich console that is plain (no colour, no styling) off a terminal or with
    NO_COLOR."""
    from rich.console import Console

    color = use_color()
    return Console(
        no_color=not color,
        color_system="auto" if color else None,
        highlight=False,
        emoji=False,
        width=width,
        force_terminal=None if color else False,
        markup=True,
    )
