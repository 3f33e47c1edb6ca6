"""Files we write for the leader: owner-only, and atomic (temp file, fsync, rename)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import IO, BinaryIO, ContextManager, Iterator, TextIO

from .errors import UsageError


def _mkstemp(**names) -> tuple[int, str]:
    # tempfile (and the random module under it) is imported only when a file is
    # written, not by every command that merely opens the journal
    import tempfile

    return tempfile.mkstemp(**names)


def make_private_dir(folder: Path) -> None:
    """Create ``folder`` and any missing parents as owner-only (0700), whatever the
    umask; folders that exist are left as they are."""
    missing = []
    probe = folder
    while not probe.exists():
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    for path in reversed(missing):
        try:
            os.mkdir(path, 0o700)
        except FileExistsError:
            continue
        os.chmod(path, 0o700)
    if not folder.is_dir():
        raise UsageError(f"{folder} is not a folder: choose another place")


def same_file(a: Path, b: Path) -> bool:
    """Whether two paths name the same existing file (links and ``..`` included)."""
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every file system lets a folder be synced
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def _atomic_file(path: Path, mode: str, **text) -> Iterator[IO]:
    fd, tmp = _mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(tmp, 0o600)  # mkstemp makes it 0600 already; say so whatever the platform
        with os.fdopen(fd, mode, **text) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    fsync_dir(path.parent)


def atomic_text_file(path: Path) -> ContextManager[TextIO]:
    """A UTF-8 text stream that becomes ``path`` (mode 0600) only if the block ends
    without error; until then the old file, if any, stays untouched. A crash never
    leaves a half-written file in place of a good one."""
    return _atomic_file(path, "w", encoding="utf-8", newline="\n")


def atomic_bytes_file(path: Path) -> ContextManager[BinaryIO]:
    """The binary twin of :func:`atomic_text_file` (encrypted exports and backups)."""
    return _atomic_file(path, "wb")


class AtomicFolder:
    """Many files written into ``folder`` that all take their place together, only if
    the whole block ends without error (see :func:`atomic_files`). Each is written to a
    private temporary file first; at the end all are flushed to disk, then renamed over
    their targets, and the folder is synced once, so a folder of thousands of files
    costs far less than as many :func:`atomic_text_file` calls."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.pending: list[tuple[str, Path]] = []  # (temporary file, target)
        self.made: list[Path] = []  # subfolders this writing created, parents first

    @contextlib.contextmanager
    def open(self, name: str) -> Iterator[TextIO]:
        """A file ``name`` (``2026-11.md``, ``partners/Ana.md``) in the folder; a
        subfolder it needs is created owner-only (and removed again on discard)."""
        path = self.folder / name
        if "/" in name or os.sep in name or name.startswith(".."):  # in a subfolder?
            if Path(name).is_absolute() or ".." in Path(name).parts:
                raise ValueError(f"{name!r} is not a name inside the folder")
            if not path.parent.is_dir():
                missing = [p for p in reversed(path.relative_to(self.folder).parents)
                           if p != Path(".") and not (self.folder / p).exists()]
                make_private_dir(path.parent)
                self.made += [self.folder / p for p in missing]
        fd, tmp = _mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        self.pending.append((tmp, path))
        os.chmod(tmp, 0o600)  # mkstemp makes it 0600 already; say so whatever the platform
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            yield fh

    def commit(self) -> None:
        for _, path in self.pending:  # checked first: a refused rename would leave a mix
            if path.is_dir():
                raise UsageError(f"{path} is a folder: move it away, or export to another folder")
        if len(self.pending) > 64 and hasattr(os, "sync"):
            # One sync writes them all out together (Linux waits for it); the fsyncs
            # below then find them on disk already, instead of one journal commit each.
            os.sync()
        for tmp, _ in self.pending:
            fd = os.open(tmp, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        for tmp, path in self.pending:
            os.replace(tmp, path)
        folders = {path.parent for _, path in self.pending}
        self.pending.clear()
        for folder in sorted(folders - {self.folder}):
            fsync_dir(folder)
        fsync_dir(self.folder)

    def discard(self) -> None:
        for tmp, _ in self.pending:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        self.pending.clear()
        for folder in reversed(self.made):
            with contextlib.suppress(OSError):  # left if something else was put there
                os.rmdir(folder)
        self.made.clear()


@contextlib.contextmanager
def atomic_files(folder: Path) -> Iterator[AtomicFolder]:
    """Write many files into ``folder`` (``files.open(name)``); they replace their
    targets only if the block ends without error, and none is left half-written."""
    files = AtomicFolder(folder)
    try:
        yield files
        files.commit()
    except BaseException:
        files.discard()
        raise


@contextlib.contextmanager
def atomic_path(path: Path, *, infix: str = "") -> Iterator[Path]:
    """A private (0600) temporary file beside ``path`` for the block to fill by name
    (SQLite's backup writes to a path, not a stream); flushed to disk and renamed over
    ``path`` only if the block ends without error, removed otherwise."""
    fd, tmp = _mkstemp(dir=path.parent, prefix=f".{path.name}.{infix}", suffix=".tmp")
    os.close(fd)
    try:
        os.chmod(tmp, 0o600)
        yield Path(tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    fsync_dir(path.parent)


@contextlib.contextmanager
def private_temp_path(folder: Path, prefix: str) -> Iterator[Path]:
    """A private (0600) temporary file in ``folder``, removed after the block with the
    ``-wal`` and ``-shm`` files SQLite may leave beside it."""
    fd, tmp = _mkstemp(dir=folder, prefix=prefix, suffix=".tmp")
    os.close(fd)
    path = Path(tmp)
    try:
        os.chmod(path, 0o600)
        yield path
    finally:
        for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(leftover)


def atomic_write_text(path: Path | str, text: str) -> None:
    """Write ``text`` to ``path`` atomically, owner-only; a folder is refused."""
    path = Path(path)
    if path.is_dir():
        raise UsageError(f"{path} is a folder: give a file name for --output")
    make_private_dir(path.parent)
    with atomic_text_file(path) as fh:
        fh.write(text)
