"""Files we write for the leader: owner-only, and atomic (temp file, fsync, rename)."""

from __future__ import annotations

import contextlib
import os
import sys
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


_NEW_FILE = (os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
             | getattr(os, "O_BINARY", 0))


def _open_folder(folder: Path) -> int:
    """A descriptor of ``folder`` for :func:`sync_file_system`; -1 where a folder
    cannot be opened (Windows)."""
    try:
        return os.open(folder, os.O_RDONLY)
    except OSError:
        return -1


def sync_file_system(fd: int) -> bool:
    """Write everything on the file system that holds the open folder ``fd`` to disk
    and wait for it (Linux's syncfs): one pass instead of an fsync per file, each of
    which also flushes the disk's cache. Raises OSError if writing failed since ``fd``
    was opened (Linux 5.8 and later say so). False where there is no syncfs."""
    if fd < 0 or not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        syncfs = ctypes.CDLL(None, use_errno=True).syncfs
    except (ImportError, OSError, AttributeError):
        return False
    if syncfs(fd) != 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))
    return True


class AtomicFolder:
    """Many files written into ``folder`` that all take their place together, only if
    the whole block ends without error (see :func:`atomic_files`).

    A folder that does not exist yet is made whole beside it (a private ``.NAME.*.tmp``
    folder) and renamed into place at the end. Into a folder that exists, each file is
    written to a private temporary file beside its target, and all are renamed over
    their targets at the end. Either way every file is on disk before any takes its
    place (many files in one pass, :func:`sync_file_system`) and the folders are synced
    once, so a folder of thousands of files costs far less than as many
    :func:`atomic_text_file` calls."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.pending: list[tuple[str, Path]] = []  # (temporary file, target)
        self.made: list[Path] = []  # subfolders this writing created, parents first
        self.fresh: Path | None = None  # the folder being made whole, renamed at the end
        if not os.path.lexists(folder):
            make_private_dir(folder.parent)
            import tempfile

            self.fresh = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}.",
                                               suffix=".tmp"))
            os.chmod(self.fresh, 0o700)  # mkdtemp asks for 0700; say so whatever the umask
        else:
            make_private_dir(folder)
        # Opened before writing: a sync through it reports every write error since.
        self.fd = _open_folder(self.fresh or folder)

    @contextlib.contextmanager
    def open(self, name: str) -> Iterator[TextIO]:
        """A file ``name`` (``2026-11.md``, ``partners/Ana.md``) in the folder; a
        subfolder it needs is created owner-only (and removed again on discard)."""
        root = self.fresh or self.folder
        path = root / name
        if "/" in name or os.sep in name or name.startswith(".."):  # in a subfolder?
            if Path(name).is_absolute() or ".." in Path(name).parts:
                raise ValueError(f"{name!r} is not a name inside the folder")
            if not path.parent.is_dir():
                missing = [p for p in reversed(path.relative_to(root).parents)
                           if p != Path(".") and not (root / p).exists()]
                make_private_dir(path.parent)
                self.made += [root / p for p in missing]
        if self.fresh is not None:  # a private folder of our own: the names are free
            tmp = str(path)
            fd = os.open(tmp, _NEW_FILE, 0o600)
            self.pending.append((tmp, self.folder / name))
        else:
            fd, tmp = _mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            self.pending.append((tmp, path))
        os.chmod(tmp, 0o600)  # 0600 already; say so whatever the platform and umask
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            yield fh

    def commit(self) -> None:
        if self.fresh is not None:
            self._commit_fresh()
            return
        for _, path in self.pending:  # checked first: a refused rename would leave a mix
            if path.is_dir():
                raise UsageError(f"{path} is a folder: move it away, or export to another folder")
        self._to_disk()
        for tmp, path in self.pending:
            os.replace(tmp, path)
        folders = {path.parent for _, path in self.pending}
        self.pending.clear()
        for folder in sorted(folders - {self.folder}):
            fsync_dir(folder)
        fsync_dir(self.folder)
        self._close()

    def _commit_fresh(self) -> None:
        self._to_disk()
        try:
            os.rename(self.fresh, self.folder)  # an empty folder made meanwhile is replaced
        except OSError:
            if not self.folder.is_dir() or self.folder.is_symlink():
                raise
            # Someone filled it meanwhile: move the files in one by one instead.
            for tmp, path in self.pending:
                make_private_dir(path.parent)
                os.replace(tmp, path)
            for folder in sorted({path.parent for _, path in self.pending}, reverse=True):
                fsync_dir(folder)
            import shutil

            shutil.rmtree(self.fresh, ignore_errors=True)
        self.pending.clear()
        fsync_dir(self.folder.parent)
        self._close()

    def _to_disk(self) -> None:
        """Every file written (and, in a folder being made, the folders holding them)
        on disk before any takes its place."""
        many = len(self.pending) > 64
        if many and sync_file_system(self.fd):
            return
        if many and hasattr(os, "sync"):
            # One sync writes them all out together; the fsyncs below then find them on
            # disk already, instead of one journal commit each.
            os.sync()
        for tmp, _ in self.pending:
            fd = os.open(tmp, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        if self.fresh is not None:
            for folder in sorted({os.path.dirname(tmp) for tmp, _ in self.pending}, reverse=True):
                fsync_dir(Path(folder))
            fsync_dir(self.fresh)

    def _close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def discard(self) -> None:
        self._close()
        if self.fresh is not None:
            import shutil

            shutil.rmtree(self.fresh, ignore_errors=True)
            self.pending.clear()
            return
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
