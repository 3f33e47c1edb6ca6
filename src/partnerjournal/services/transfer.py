"""Taking the journal out and bringing it back: export, import, backup and restore.

Files are written atomically (a private temporary file in the same folder, flushed to
disk, then renamed over the target) and readable by the owner only; folders created
here are owner-only too. An import is one transaction: a bad file changes nothing.

With encryption (``--encrypt``, ``--to``, or the journal's ``encrypt`` setting) an
export or backup is made in memory and only its age-encrypted bytes are written; import
and restore recognise age files by their first bytes and decrypt them in memory.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Iterator, TextIO

from ..exchange import encryption as enc
from .. import exporters, importers
from ..errors import Conflict, ImportFormatError, JournalError, PJError, UsageError
from ..files import (atomic_bytes_file, atomic_files, atomic_path, atomic_text_file, fsync_dir,
                     make_private_dir, private_temp_path)
from ..store import SQLITE_HEADER, connect, schema_version, transaction
from ..store import journal as sj
from ..store import transfer as st
from ..store.schema import LATEST

SPLITS = ("day", "month")
IMPORT_SUFFIXES = {".md": "markdown", ".markdown": "markdown", ".json": None}


def _import_suffix(path: Path) -> str:
    """The suffix that tells a file's format: ``.md`` for ``journal.md`` and for the
    encrypted ``journal.md.age``."""
    name = path.name.lower()
    if name.endswith(enc.SUFFIX):
        name = name[: -len(enc.SUFFIX)]
    return Path(name).suffix


# --- files ----------------------------------------------------------------------------


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


# --- export ---------------------------------------------------------------------------


@dataclass
class ExportReport:
    format: str
    files: list[str]
    counts: dict[str, int]
    encrypted_how: str | None = None  # "with a passphrase", "to 2 age keys"
    removed: list[str] = field(default_factory=list)  # --split files of days now empty

    def as_json(self) -> dict:
        out = {"format": self.format, "files": self.files, "records": self.counts,
               "encrypted": self.encrypted_how is not None}
        if self.removed:
            out["removed"] = self.removed
        return out

    def summary(self) -> str:
        shown = [f"{n} {kind.replace('_', ' ')}" for kind, n in self.counts.items() if n]
        what = ", ".join(shown) if shown else "no records"
        where = self.files[0] if len(self.files) == 1 else f"{len(self.files)} files"
        sealed = f" (encrypted {self.encrypted_how})" if self.encrypted_how else ""
        line = f"Exported {what} to {where}{sealed}"
        if self.removed:
            n = len(self.removed)
            line += (f"; removed {n} file{'' if n == 1 else 's'} it wrote before for days"
                     " that no longer hold reflections")
        return line


def export_journal(
    conn: sqlite3.Connection,
    *,
    now: str,
    fmt: str = "markdown",
    out: TextIO | None = None,
    output: Path | None = None,
    split: str | None = None,
    date_from: str | None = None,
    date_until: str | None = None,
    journal_path: Path | None = None,
    encryption: enc.Choice | None = None,
) -> ExportReport:
    """Write the journal (or the records dated ``date_from``..``date_until``) to
    ``out``, to the file ``output``, or with ``split`` to one file per day or month in
    the folder ``output``. With ``encryption`` (or the journal's ``encrypt`` setting)
    the one file is written as age-encrypted bytes, its name ending in ``.age``."""
    if fmt not in exporters.EXPORTERS:
        raise UsageError(f"--format {fmt!r} is not one of {', '.join(exporters.EXPORTERS)}")
    if split is not None:
        if split not in SPLITS:
            raise UsageError(f"--split {split!r} is not one of day, month")
        if fmt != "markdown":
            raise UsageError("--split writes markdown files: leave out --format json")
        if output is None:
            raise UsageError("--split needs --output DIR: the folder for the files")
    if date_from and date_until and date_from > date_until:
        raise UsageError(f"--from {date_from} is after --until {date_until}: swap them")
    if output is not None and journal_path is not None and _same_file(output, journal_path):
        raise UsageError(f"{output} is your journal: export to another file")

    lock = None
    mode = encryption.mode(sj.get_setting(conn, enc.SETTING)) if encryption else None
    if mode is not None:
        output = _check_encrypted_export(mode, encryption, output, split, out, journal_path)
        lock = encryption.lock(mode)

    kinds = st.available_kinds(conn)
    if schema_version(conn) >= 6 and st.has_deletes(conn):  # deletes travel, after the rest
        kinds = [*kinds, st.DELETED]
    meta = exporters.ExportMeta(now, schema_version(conn), kinds, date_from, date_until)
    records = st.Snapshot(conn, kinds, date_from, date_until)

    if split is not None:
        if output.exists() and not output.is_dir():
            raise UsageError(f"{output} is a file: --split needs a folder")
        # A new folder is made whole beside its place and renamed into it at the end.
        ours = _split_files_written_before(output) if output.is_dir() else {}
        with atomic_files(output) as folder:  # all the files, or none of them
            names = exporters.write_markdown_split(records, meta, split, folder.open)
        files = [str(output / name) for name in names]
        removed = _remove_stale(output, ours, set(names), date_from, date_until)
    elif output is not None:
        if output.is_dir():
            raise UsageError(f"{output} is a folder: give a file name, or add --split day|month")
        make_private_dir(output.parent)
        if lock is None:
            with atomic_text_file(output) as fh:
                exporters.EXPORTERS[fmt](records, fh, meta)
        else:
            with atomic_bytes_file(output) as fh:
                _write_encrypted(records, fmt, meta, lock, fh)
        files = [str(output)]
    elif lock is not None:
        out.flush()
        _write_encrypted(records, fmt, meta, lock, out.buffer)
        out.buffer.flush()
        files = []
    else:
        exporters.EXPORTERS[fmt](records, out, meta)
        files = []
    return ExportReport(fmt, files, records.counts, lock.describe() if lock else None,
                        removed if split is not None else [])


def _check_encrypted_export(
    mode, encryption: enc.Choice, output: Path | None, split: str | None, out: TextIO | None,
    journal_path: Path | None,
) -> Path | None:
    """Refuse what an encrypted export cannot be; the name of its file, with .age."""
    if split is not None:
        if encryption.wanted is None and not encryption.recipients:
            raise UsageError(
                f"your setting {enc.SETTING} asks for encrypted exports, and --split writes"
                " plain files for note apps: add --no-encrypt to write them anyway, or leave"
                " out --split for one encrypted file"
            )
        raise UsageError(
            "an encrypted export is one file: leave out --split (note apps cannot open"
            " encrypted files)"
        )
    if output is None:
        if out is None or getattr(out, "buffer", None) is None or out.isatty():
            raise UsageError(
                "an encrypted export is not for the screen: add --output FILE, or send it"
                " to a file or another program (pj export --encrypt > journal.md.age)"
            )
        return None
    output = enc.with_suffix(output)
    if output.is_dir():
        raise UsageError(f"{output} is a folder: give a file name for the encrypted export")
    if journal_path is not None and _same_file(output, journal_path):
        raise UsageError(f"{output} is your journal: export to another file")
    return output


def _write_encrypted(records, fmt: str, meta: exporters.ExportMeta, lock: enc.Lock,
                     out: BinaryIO) -> None:
    """The export written to ``out`` as an age file; its plain text only passes
    through memory (streamed when encrypting to keys, whole with a passphrase)."""
    with enc.encrypting(out, lock) as sink:
        text = io.TextIOWrapper(sink, encoding="utf-8", newline="\n")
        exporters.EXPORTERS[fmt](records, text, meta)
        text.flush()
        text.detach()


_SPLIT_NAME = re.compile(r"(\d{4}-\d{2})(-\d{2})?\.md")


def _split_files_written_before(folder: Path) -> dict[str, str]:
    """Day and month files in ``folder`` that a split export wrote (front matter with
    ``source: partnerjournal``, then its header with part=day or part=month): name ->
    the day or month they hold."""
    out = {}
    for entry in folder.iterdir():
        m = _SPLIT_NAME.fullmatch(entry.name)
        if m is None or not entry.is_file() or entry.is_symlink():
            continue
        try:
            with open(entry, encoding="utf-8", newline="\n") as fh:
                if fh.readline(10) != "---\n":
                    continue
                front = []
                for _ in range(10_000):  # the front matter lists the day's tags, partners
                    line = fh.readline(4096)
                    if line in ("", "---\n"):
                        break
                    front.append(line)
                header = fh.readline(400)
        except (OSError, UnicodeDecodeError):
            continue
        if "source: partnerjournal\n" not in front:
            continue
        if header.startswith(exporters.MARKDOWN_HEADER) and (
                " part=day " in header or " part=month " in header):
            out[entry.name] = entry.name[:-3]
    return out


def _remove_stale(folder: Path, ours: dict[str, str], written: set[str],
                  date_from: str | None, date_until: str | None) -> list[str]:
    """Remove the day/month files a split export wrote before that this one did not
    rewrite: their reflections were deleted (or moved). Only files whose whole period
    lies inside the exported dates; anything else in the folder is left alone."""
    import calendar

    removed = []
    for name, period in sorted(ours.items()):
        if name in written:
            continue
        if len(period) == 10:
            first = last = period
        else:
            year, month = int(period[:4]), int(period[5:7])
            first = f"{period}-01"
            last = f"{period}-{calendar.monthrange(year, month)[1]:02d}"
        if (date_from and first < date_from) or (date_until and last > date_until):
            continue
        with contextlib.suppress(FileNotFoundError):
            (folder / name).unlink()
            removed.append(str(folder / name))
    if removed:
        fsync_dir(folder)
    return removed


# --- import ---------------------------------------------------------------------------


@dataclass
class ImportSummary:
    counts: dict[str, st.Counts]
    notes: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    skipped_files: list[str] = field(default_factory=list)
    dry_run: bool = False
    deleted: dict[str, int] = field(default_factory=dict)  # deleted here as the import says

    def as_json(self) -> dict:
        return {
            "dry_run": self.dry_run,
            "files": self.files,
            "skipped_files": self.skipped_files,
            "records": {k: c.as_json() for k, c in self.counts.items() if c.total},
            "notes": self.notes,
            **({"deleted": self.deleted} if self.deleted else {}),
        }

    def lines(self) -> list[str]:
        out = []
        for kind, c in self.counts.items():
            if not c.total:
                continue
            parts = [f"{c.added} added", f"{c.updated} updated", f"{c.skipped} skipped"]
            if c.merged:
                parts.append(f"{c.merged} merged by name")
            out.append(f"{kind.replace('_', ' ')}: {', '.join(parts)}")
        if self.deleted:
            shown = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in self.deleted.items())
            out.append(f"deleted, as they were where the export was made: {shown}")
        return out or ["Nothing to import: the files hold no records."]


class _DryRun(Exception):
    """Raised inside the import's transaction so that it rolls back."""


class _Prefixed:
    """A text stream with its first characters read ahead (to tell its format)."""

    def __init__(self, head: str, stream: TextIO):
        self.head, self.stream = head, stream

    def read(self, n: int = -1) -> str:
        if self.head:
            out, self.head = self.head, ""
            return out
        return self.stream.read(n)

    def readline(self) -> str:
        if self.head:
            line, sep, rest = self.head.partition("\n")
            if sep:
                self.head = rest
                return line + sep
            self.head = ""
            return line + self.stream.readline()
        return self.stream.readline()


def _open_binary(path: Path):
    try:
        return open(path, "rb")
    except OSError as exc:
        raise PJError(f"{path} cannot be read ({exc.strerror}): check the path") from None


def _plain_text(raw, keys: enc.Keys | None, name: str) -> TextIO:
    """A file or standard input as UTF-8 text, decrypted first if it is an age file."""
    plain, _ = enc.plain_reader(raw, keys or enc.Keys(), name)
    return io.TextIOWrapper(plain, encoding="utf-8-sig", newline="\n")


def _peek_format(stream: TextIO, name: str, default: str | None = None) -> tuple[str, TextIO]:
    try:
        head = stream.read(2048)
    except UnicodeDecodeError as exc:
        raise ImportFormatError(
            f"{name} line 1: the file is not UTF-8 text ({exc.reason}): save it as UTF-8"
        ) from None
    found = importers.sniff(head) or default
    if found is None:
        raise ImportFormatError(
            f"{name} line 1: not an export of partnerjournal or jrnl"
            " (neither a markdown export nor JSON)"
        )
    return found, _Prefixed(head, stream)


def _sources(path: Path, fmt: str | None) -> tuple[list[tuple[Path, str | None]], list[str]]:
    """The files to read under ``path`` with their format (None: tell from the
    content), and the names of files in a folder that are not exports."""
    if not path.exists():
        raise UsageError(f"{path} does not exist: give a file or folder written by pj export")
    if not path.is_dir():
        return [(path, fmt or IMPORT_SUFFIXES.get(_import_suffix(path)))], []
    root = path.resolve()
    files, skipped = [], []
    # the split export's main file first: it holds the partners the days name
    entries = sorted(path.iterdir(), key=lambda p: (p.name != exporters.MAIN_FILE, p.name))
    for entry in entries:
        if entry.name.startswith("."):
            continue  # .obsidian, .git and our own temporary files
        try:
            real = entry.resolve()
        except (RuntimeError, OSError):  # a link that leads back to itself
            raise ImportFormatError(
                f"{entry}: it is a link that loops or cannot be followed: remove it"
            ) from None
        if not real.is_relative_to(root):
            raise ImportFormatError(
                f"{entry}: it links outside the folder (to {real}): remove the link,"
                " or import that file by its own path"
            )
        if not real.is_file():
            continue
        suffix = _import_suffix(entry)
        if suffix not in IMPORT_SUFFIXES:
            skipped.append(entry.name)
            continue
        files.append((entry, fmt or IMPORT_SUFFIXES[suffix]))
    if not files:
        raise UsageError(f"{path} holds no .md or .json files to import")
    return files, skipped


def import_path(
    conn: sqlite3.Connection,
    path: Path | None,
    *,
    fmt: str | None = None,
    stream: TextIO | None = None,
    dry_run: bool = False,
    keys: enc.Keys | None = None,
) -> ImportSummary:
    """Merge an export (a file, a folder written with --split, or ``stream`` when
    ``path`` is None) into the journal in one transaction; with ``dry_run`` everything
    runs, then rolls back. Age-encrypted files are opened with ``keys``. Returns what
    was added, updated and skipped per kind."""
    if fmt is not None and fmt not in importers.IMPORTERS:
        raise UsageError(f"--format {fmt!r} is not one of {', '.join(importers.IMPORTERS)}")
    if path is None:
        sources: list[tuple[Path | None, str | None]] = [(None, fmt)]
        skipped: list[str] = []
    else:
        sources, skipped = _sources(path, fmt)
    from ..store import sync as sync_store

    kinds = st.available_kinds(conn)
    have = {k.name for k in kinds}
    reader_kinds = kinds + [k for k in st.KINDS if k.name not in have] + [sync_store.DELETED]
    merge = st.Merge(conn, kinds)
    if keys is not None:
        _ask_before_writing(sources, keys)
    deletes: list[dict] = []
    deleted: dict[str, int] = {}
    try:
        with st.rollback_journal_if_empty(conn), transaction(conn):
            gone = sync_store.deleted_at(conn)
            paused = st.pause_derived(conn)
            for src, src_fmt in sources:
                name = str(src) if src is not None else "<stdin>"
                with contextlib.ExitStack() as stack:
                    if src is None:
                        fh = stream
                    else:
                        fh = _plain_text(stack.enter_context(_open_binary(src)), keys, name)
                    if src_fmt is None:
                        json_file = src is not None and src.suffix.lower() == ".json"
                        src_fmt, fh = _peek_format(fh, name, "json" if json_file else None)
                    for item in importers.IMPORTERS[src_fmt](fh, name, reader_kinds):
                        if item.kind == importers.HEADER:
                            _check_header(item)
                        elif item.kind == sync_store.DELETED.name:
                            deletes.append(_checked_delete(item))
                        elif gone and sync_store.deleted_before_written(gone, item.kind, item.data):
                            if item.kind in merge.counts:
                                merge.counts[item.kind].skipped += 1
                        else:
                            merge.add(item.kind, item.data, item.where)
            merge.finish()
            deleted, delete_notes = sync_store.apply_deletes(conn, deletes)
            merge.notes.extend(delete_notes)
            st.resume_derived(conn, paused)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    files = [str(s) if s is not None else "<stdin>" for s, _ in sources]
    return ImportSummary(merge.counts, merge.notes, files, skipped, dry_run, deleted)


def _checked_delete(item: importers.Incoming) -> dict:
    from ..store import sync as sync_store

    try:
        return st.check_record(sync_store.DELETED, item.data)
    except st.RecordError as exc:
        raise ImportFormatError(f"{item.where}: {exc}") from None


def _ask_before_writing(sources: list[tuple[Path | None, str | None]], keys: enc.Keys) -> None:
    """A passphrase a file needs is asked before the journal is held for writing."""
    for src, _ in sources:
        if src is not None and keys.passphrase is None and keys.ask is not None:
            with _open_binary(src) as raw:
                enc.ask_early(raw.read(256), keys, str(src))


def _check_header(item: importers.Incoming) -> None:
    header = item.data
    if header.get("format") == "jrnl":
        return
    schema = header.get("schema")
    if schema is None:
        if header.get("final"):
            raise ImportFormatError(f"{item.where}: the export has no \"schema\" number")
        return
    if isinstance(schema, bool) or not isinstance(schema, int) or schema < 1:
        raise ImportFormatError(f"{item.where}: the export's schema {schema!r} is not valid")
    if schema > LATEST:
        raise ImportFormatError(
            f"{item.where}: written by a newer partnerjournal (schema {schema}, this one knows"
            f" {LATEST}): upgrade pj to import it"
        )


# --- backup and restore ---------------------------------------------------------------


def _stamp(now: str) -> str:
    return now[:19].replace("-", "").replace(":", "").replace("T", "-")


def backup_journal(
    db_path: Path,
    target: Path | None,
    *,
    now: str,
    force: bool = False,
    encryption: enc.Choice | None = None,
) -> tuple[Path, dict[str, int]]:
    """A consistent copy of the journal through SQLite's online backup (safe while
    another pj writes), saved atomically as an owner-only file. Without ``target`` it
    goes to a ``backups`` folder beside the journal. With ``encryption`` (or the
    journal's ``encrypt`` setting) the copy is made in memory and written only as an
    age file ending in ``.age``. Returns its path and counts."""
    conn = connect(db_path, create=False, migrate=False)
    try:
        mode = encryption.mode(sj.get_setting(conn, enc.SETTING)) if encryption else None
        suffix = ".sqlite" + (enc.SUFFIX if mode is not None else "")
        if target is not None and mode is not None and not target.is_dir():
            target = enc.with_suffix(target)
        if target is None or target.is_dir():
            folder = target if target is not None else db_path.parent / "backups"
            target = folder / f"journal-{_stamp(now)}{suffix}"
            n = 2
            while target.exists():
                target = folder / f"journal-{_stamp(now)}-{n}{suffix}"
                n += 1
        elif _same_file(target, db_path):
            raise UsageError(f"{target} is your journal: back it up to another file")
        elif target.exists() and not force:
            raise Conflict(f"{target} exists: choose another name, or add --force to replace it")
        lock = encryption.lock(mode) if mode is not None else None  # may ask: before any folder
        make_private_dir(target.parent)
        if lock is not None:
            sealed = enc.encrypt(st.backup_image(conn), lock)
            with atomic_bytes_file(target) as fh:
                fh.write(sealed)
            return target, st.record_counts(conn)
        with atomic_path(target) as tmp:
            st.backup_to(conn, tmp)
        counts = st.record_counts(conn)
    finally:
        conn.close()
    return target, counts


@dataclass
class RestorePlan:
    """A checked private copy of a backup, waiting to replace the journal."""

    backup: Path
    journal: Path
    copy: Path
    schema: int
    counts: dict[str, int]
    journal_counts: dict[str, int] | None

    @property
    def keep_as(self) -> Path:
        return self.journal.with_name(self.journal.name + ".before-restore")

    def question(self) -> str:
        new = _counted(self.counts)
        if self.journal_counts is None:
            return f"Restore {self.backup} ({new}) as your journal at {self.journal}?"
        return (
            f"Replace your journal ({_counted(self.journal_counts)}) with {self.backup}"
            f" ({new})? The current one is kept as {self.keep_as.name}."
        )


def _counted(counts: dict[str, int]) -> str:
    return f"{counts.get('reflections', 0)} reflections, {counts.get('partners', 0)} partners"


@contextlib.contextmanager
def prepare_restore(
    db_path: Path, backup: Path, keys: enc.Keys | None = None
) -> Iterator[RestorePlan]:
    """Copy ``backup`` beside the journal and check it is a sound journal (SQLite
    header, integrity check, a schema this pj knows). An age-encrypted backup is
    decrypted in memory with ``keys`` first. The copy is removed unless
    :func:`complete_restore` put it in place."""
    if not backup.exists():
        raise UsageError(f"{backup} does not exist: give the path of a backup file")
    if backup.is_dir():
        raise UsageError(f"{backup} is a folder: give the path of a backup file")
    if _same_file(backup, db_path):
        raise UsageError(f"{backup} is your journal itself: give a backup file")
    with open(backup, "rb") as fh:
        head = fh.read(enc.HEAD)
        image = None
        if enc.is_encrypted(head):
            fh.seek(0)
            image = enc.decrypt(fh.read(), keys or enc.Keys(), str(backup))
            if image[:16] != SQLITE_HEADER:
                raise JournalError(
                    f"{backup} decrypts, but not to a partnerjournal backup (not an SQLite file)"
                )
        elif head[:16] != SQLITE_HEADER:
            raise JournalError(f"{backup} is not a partnerjournal backup (not an SQLite file)")
    make_private_dir(db_path.parent)
    with private_temp_path(db_path.parent, f".{db_path.name}.restore.") as copy:
        if image is None:
            _copy_database(backup, copy)
        else:
            _write_image(image, copy)
        info = st.inspect_journal_file(copy, LATEST)
        journal_counts = None
        if db_path.exists():
            current = connect(db_path, create=False, migrate=False)
            try:
                journal_counts = st.record_counts(current)
            finally:
                current.close()
        yield RestorePlan(backup, db_path, copy, info.schema, info.counts, journal_counts)


def _copy_database(source: Path, target: Path) -> None:
    """Copy through SQLite, reading the source only: a backup with a WAL file beside it
    comes with what that holds; one without is opened as immutable, so no lock or index
    file is left beside it."""
    from urllib.request import pathname2url

    params = "mode=ro" if Path(f"{source}-wal").exists() else "mode=ro&immutable=1"
    try:
        src = sqlite3.connect(f"file:{pathname2url(str(source.absolute()))}?{params}", uri=True)
    except sqlite3.Error as exc:
        raise JournalError(f"{source} cannot be opened as a journal ({exc})") from None
    try:
        st.backup_to(src, target)
    except sqlite3.DatabaseError as exc:
        raise JournalError(f"{source} is damaged or not a journal ({exc})") from None
    finally:
        src.close()


def _write_image(image: bytes, target: Path) -> None:
    """A decrypted backup written to the private copy beside the journal (where the
    journal itself lies in plain form anyway)."""
    with open(target, "wb") as out:
        out.write(image)
        out.flush()
        os.fsync(out.fileno())


@dataclass
class RestoreResult:
    journal: Path
    kept_as: Path | None
    counts: dict[str, int]

    def as_json(self) -> dict:
        return {
            "journal": str(self.journal),
            "kept_as": str(self.kept_as) if self.kept_as else None,
            "records": self.counts,
        }


def complete_restore(plan: RestorePlan) -> RestoreResult:
    """Put the checked copy in place of the journal in one rename, after keeping the
    current journal as ``journal.sqlite.before-restore`` (0600)."""
    journal = plan.journal
    if not journal.exists():
        os.replace(plan.copy, journal)
        fsync_dir(journal.parent)
        return RestoreResult(journal, None, plan.counts)
    hold = st.hold_for_restore(journal)
    replaced = False
    try:
        keep = plan.keep_as
        with atomic_bytes_file(keep) as out, open(journal, "rb") as src:
            shutil.copyfileobj(src, out, 1 << 20)
        os.replace(plan.copy, journal)
        replaced = True
        fsync_dir(journal.parent)
    finally:
        st.release_hold(hold, kept=not replaced)
    return RestoreResult(journal, keep, plan.counts)


def stdin_text(stream: TextIO, keys: enc.Keys | None = None) -> TextIO:
    """Standard input as UTF-8 text that keeps '\\r' characters inside texts; an age
    file on standard input is decrypted (in memory) with ``keys``."""
    buffer = getattr(stream, "buffer", None)
    if buffer is None:
        return stream
    return _plain_text(buffer, keys, "<stdin>")
