"""Files we write for the leader: owner-only, and atomic (temp file, fsync, rename)."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import IO, Iterator

from .errors import PJError


def private_dir(folder: Path) -> None:
    """Create ``folder`` (and parents) readable by the owner only."""
    if not folder.exists():
        folder.mkdir(parents=True, mode=0o700)
        os.chmod(folder, 0o700)
    elif not folder.is_dir():
        raise PJError(f"{folder} exists and is not a folder: choose another path")


@contextlib.contextmanager
def atomic_writer(path: Path | str, *, binary: bool = False) -> Iterator[IO]:
    """Write to a temporary file beside ``path`` and move it into place only when the
    whole content is written: a crash never leaves a half-written file in place of a
    good one. The result is 0600 whatever the umask."""
    path = Path(path)
    if path.is_dir():
        raise PJError(f"{path} is a folder: give a file name for --output")
    if not path.parent.exists():
        private_dir(path.parent)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o600)
        mode = "wb" if binary else "w"
        with os.fdopen(fd, mode, **({} if binary else {"encoding": "utf-8", "newline": ""})) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def atomic_write_text(path: Path | str, text: str) -> None:
    with atomic_writer(path) as fh:
        fh.write(text)
