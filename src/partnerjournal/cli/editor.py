"""Writing or editing a text in the leader's own editor ($VISUAL or $EDITOR)."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import tempfile

from ..errors import PJError, UsageError


def edit_text(initial: str, *, comment: str = "") -> str | None:
    """Open the editor on ``initial``; return the new text, or ``None`` when the text
    is unchanged or empty. The temporary file is owner-only and always removed."""
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if not editor:
        raise UsageError("no editor set: export EDITOR (for example EDITOR=nano) or pass the text")
    try:
        command = shlex.split(editor)
    except ValueError as exc:  # an unclosed quote in $EDITOR
        raise UsageError(f"the editor {editor!r} is not a command pj can run ({exc}):"
                         " check the quotes in $VISUAL/$EDITOR") from None
    if not command:
        raise UsageError("the editor is blank: set $VISUAL/$EDITOR to a program, e.g. nano")
    folder = tempfile.mkdtemp(prefix="pj-")  # mkdtemp is 0700
    path = os.path.join(folder, "reflection.md")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(initial)
            if comment:
                fh.write("\n" + "".join(f"# {line}\n" for line in comment.splitlines()))
        try:
            result = subprocess.run([*command, path])
        except FileNotFoundError:
            raise UsageError(f"the editor {editor!r} was not found: check $VISUAL/$EDITOR") from None
        if result.returncode != 0:
            raise PJError(f"the editor exited with status {result.returncode}; nothing was saved")
        with open(path, encoding="utf-8", errors="replace") as fh:
            text = fh.read()
    finally:
        # rmtree, not rmdir: editors leave backup and swap files (reflection.md~) beside it
        shutil.rmtree(folder, ignore_errors=True)
    if comment:
        text = "\n".join(line for line in text.splitlines() if not line.startswith("# "))
    text = text.strip("\n")
    if not text.strip() or text == initial.strip("\n"):
        return None
    return text
