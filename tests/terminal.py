"""Running a program in a real pseudo-terminal and typing passphrases when it asks, as
a person at the keyboard would (pj's getpass and the age tool read from /dev/tty)."""

from __future__ import annotations

import os
import pty
import re
import select
import time
from dataclasses import dataclass
from pathlib import Path

# pj asks "Passphrase: " and "The same passphrase again: "; age asks "Enter passphrase
# (...): " and "Confirm passphrase: "
PROMPT = re.compile(
    rb"(?:Passphrase|The same passphrase again|Enter passphrase[^\n:]*|Confirm passphrase): ")


@dataclass
class Typed:
    status: int
    output: str  # what the terminal showed: prompts, messages (with \r\n line ends)
    prompts: int


def in_terminal(argv: list[str], answers: list[str], *, env: dict, cwd: Path,
                limit: float = 120) -> Typed:
    """Run ``argv`` with a pseudo-terminal as its controlling terminal and its standard
    streams; each time it asks for a passphrase, type the next of ``answers``."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: becomes the program
        try:
            os.chdir(cwd)
            os.execve(argv[0], argv, env)
        finally:
            os._exit(127)
    out, pending, answered = b"", list(answers), 0
    stop = time.monotonic() + limit  # a safety net against a hung child, not a timing check
    try:
        while time.monotonic() < stop:
            ready, _, _ = select.select([fd], [], [], 1)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            out += chunk
            asked = len(PROMPT.findall(out))
            while answered < asked and pending:
                os.write(fd, pending.pop(0).encode() + b"\n")
                answered += 1
        else:
            os.kill(pid, 9)
    finally:
        os.close(fd)
    _, status = os.waitpid(pid, 0)
    return Typed(os.waitstatus_to_exitcode(status), out.decode(errors="replace"),
                 len(PROMPT.findall(out)))
