"""Installing pj's shell completion where each shell looks for it.

bash and zsh get the script in their usual completion folder and one marked line in
their start-up file that loads it; fish loads its completions folder by itself.
Installing again rewrites the script and leaves the start-up file alone.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import UsageError

SHELLS = ("bash", "zsh", "fish")
MARK = "# pj completion"  # ends the line we add to a start-up file, so we add it once


@dataclass(frozen=True)
class Installed:
    shell: str
    script: Path
    script_changed: bool
    rc_file: Path | None  # the start-up file that loads the script (None: the shell does)
    rc_changed: bool

    def lines(self) -> list[str]:
        home = str(Path.home())

        def short(path: Path) -> str:
            text = str(path)
            return "~" + text[len(home):] if text.startswith(home + os.sep) else text

        out = [
            f"Wrote the {self.shell} completion script to {short(self.script)}"
            if self.script_changed
            else f"The {self.shell} completion script at {short(self.script)} is up to date"
        ]
        if self.rc_file is None:
            out.append(f"{self.shell} loads it from there by itself")
        elif self.rc_changed:
            out.append(f"Added a line to {short(self.rc_file)} that loads it")
        else:
            out.append(f"{short(self.rc_file)} already loads it")
        out.append("Open a new terminal to complete pj commands, options and names with Tab.")
        return out


def shell_of(name: str | None) -> str:
    """The shell asked for, or the login shell ($SHELL) when none is named."""
    if name is None:
        name = Path(os.environ.get("SHELL", "")).name
        if name not in SHELLS:
            raise UsageError("say which shell: bash, zsh or fish (e.g. pj completion install zsh)")
    key = name.strip().lower()
    if key not in SHELLS:
        raise UsageError(f"shell {name!r} is not one of {', '.join(SHELLS)}")
    return key


def _places(shell: str) -> tuple[Path, Path | None]:
    """(where the script goes, the start-up file that loads it or None)."""
    home = Path.home()
    if shell == "bash":
        data = Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share")
        folder = Path(os.environ.get("BASH_COMPLETION_USER_DIR") or data / "bash-completion")
        return folder / "completions" / "pj", home / ".bashrc"
    if shell == "zsh":
        zdot = Path(os.environ.get("ZDOTDIR") or home)
        return zdot / ".zfunc" / "_pj", zdot / ".zshrc"
    config = Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config")
    return config / "fish" / "completions" / "pj.fish", None


def _loader(shell: str, script: Path) -> str:
    quoted = "'" + str(script).replace("'", "'\\''") + "'"
    if shell == "zsh":  # compdef needs compinit, which many .zshrc files never run
        return (
            "(( $+functions[compdef] )) || { autoload -Uz compinit && compinit; }; "
            f"[ -f {quoted} ] && . {quoted}  {MARK}"
        )
    return f"[ -f {quoted} ] && . {quoted}  {MARK}"


def install(shell: str, script_text: str) -> Installed:
    """Write the completion script for ``shell`` and make the shell load it."""
    from ..files import atomic_write_text

    script, rc_file = _places(shell)
    current = script.read_text(encoding="utf-8") if script.is_file() else None
    if current != script_text:
        atomic_write_text(script, script_text)
    rc_changed = False
    if rc_file is not None:
        before = rc_file.read_text(encoding="utf-8") if rc_file.is_file() else ""
        if MARK not in before:
            # appended, not rewritten: the leader's file keeps its content and mode
            fd = os.open(rc_file, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            with os.fdopen(fd, "a", encoding="utf-8") as fh:
                fh.write(("\n" if before and not before.endswith("\n") else "")
                         + _loader(shell, script) + "\n")
            rc_changed = True
    return Installed(shell, script, current != script_text, rc_file, rc_changed)
