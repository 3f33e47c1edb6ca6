"""Encrypted exports and backups (age format): round trips with a passphrase and with an
X25519 key, wrong keys and bad recipients refused in one line with the journal
unchanged, files that hold no plain text and are owner-only, the encrypt setting, and
a passphrase typed on a real terminal.

Passphrase files cost about a second each (age's scrypt is slow on purpose), so most
tests use X25519 keys, which are instant.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pyrage
import pytest
from conftest import FIXED_TODAY, snapshot
from terminal import in_terminal
from test_export_import import add_all_tables, dump, fill_everything, without_stamp

from hypothesis import given, settings
from hypothesis import strategies as hs

from partnerjournal.exchange import encryption as enc

PASSPHRASE = "correct horse battery staple"
MAGIC = b"age-encryption.org/v1\n"
# texts of fill_everything and the journal fixture that must never show in an encrypted file
SECRETS = ["Ana López", "offsite", "Written through pj", "Plain day."]


@pytest.fixture
def journal(pj, db):
    fill_everything(db)
    assert pj("reflect", "Written through pj", "--partner", "Cy").exit_code == 0
    return db


@pytest.fixture
def key(tmp_path):
    """A fresh X25519 identity file as age-keygen writes it, and its public key."""
    identity = pyrage.x25519.Identity.generate()
    public = str(identity.to_public())
    path = tmp_path / "keys" / "me.txt"
    path.parent.mkdir()
    path.write_text(f"# created: {FIXED_TODAY}T10:00:00Z\n# public key: {public}\n{identity}\n")
    return path, public


@pytest.fixture
def other(tmp_path) -> Path:
    """An empty journal with every table, to import into."""
    path = tmp_path / "other.sqlite"
    add_all_tables(path)
    return path


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def one_line_error(r, code: int, *words: str) -> None:
    assert r.exit_code == code, r
    assert r.stderr.startswith("pj: error: ") and r.stderr.count("\n") == 1, r.stderr
    for word in words:
        assert word in r.stderr, r.stderr


def assert_sealed(path: Path) -> bytes:
    """The file is an owner-only age file in which no text of the journal shows."""
    data = path.read_bytes()
    assert data.startswith(MAGIC)
    assert mode(path) == 0o600
    for text in SECRETS:
        assert text.encode() not in data
    assert b"SQLite format 3" not in data and b"partnerjournal" not in data
    return data


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# --- export and import ----------------------------------------------------------------


def test_export_with_a_passphrase_round_trips_and_a_wrong_one_changes_nothing(
        pj, journal, other, tmp_path, monkeypatch):
    monkeypatch.setenv(enc.PASSPHRASE_ENV, PASSPHRASE)
    out = tmp_path / "out"
    old = os.umask(0)
    try:
        r = pj("export", "--encrypt", "-o", out / "journal.md")
    finally:
        os.umask(old)
    assert r.exit_code == 0, r
    made = out / "journal.md.age"
    assert r.stdout.endswith(f"to {made} (encrypted with a passphrase)\n")
    assert names(out) == ["journal.md.age"] and mode(out) == 0o700  # no plain file, no temp
    data = assert_sealed(made)
    # the content is exactly the plain export, encrypted
    plain = pyrage.passphrase.decrypt(data, PASSPHRASE).decode()
    assert pj("export", "-o", tmp_path / "plain.md").exit_code == 0
    assert without_stamp(plain) == without_stamp((tmp_path / "plain.md").read_bytes().decode())

    before = snapshot(other)
    monkeypatch.setenv(enc.PASSPHRASE_ENV, "not the passphrase")
    r = pj("--db", other, "import", made)
    one_line_error(r, 1, f"{made}: the passphrase does not open it", enc.PASSPHRASE_ENV)
    monkeypatch.delenv(enc.PASSPHRASE_ENV)
    r = pj("--db", other, "import", made)  # and none at all, off a terminal
    one_line_error(r, 1, "encrypted with a passphrase", enc.PASSPHRASE_ENV)
    assert snapshot(other) == before

    monkeypatch.setenv(enc.PASSPHRASE_ENV, PASSPHRASE)
    r = pj("--db", other, "import", made)
    assert r.exit_code == 0, r
    assert "reflections: 3 added, 0 updated, 0 skipped" in r.stdout
    assert dump(other) == dump(journal)


def test_export_to_a_key_round_trips_and_another_key_changes_nothing(
        pj, journal, other, tmp_path, key, monkeypatch):
    identity, public = key
    r = pj("export", "-f", "json", "--to", public, "-o", tmp_path / "j.json", "--json")
    assert r.exit_code == 0, r
    made = tmp_path / "j.json.age"
    assert r.json()["files"] == [str(made)] and r.json()["encrypted"] is True
    assert not (tmp_path / "j.json").exists()
    assert_sealed(made)

    before = snapshot(other)
    r = pj("--db", other, "import", made)
    one_line_error(r, 1, "encrypted to an age key", "--identity", enc.IDENTITY_ENV)
    stranger = tmp_path / "stranger.txt"
    stranger.write_text(f"{pyrage.x25519.Identity.generate()}\n")
    r = pj("--db", other, "import", made, "--identity", stranger)
    one_line_error(r, 1, f"the identity in {stranger} does not open it")
    not_a_key = tmp_path / "not-a-key.txt"
    not_a_key.write_text(f"{public}\n")  # the public key where the secret one belongs
    r = pj("--db", other, "import", made, "--identity", not_a_key)
    one_line_error(r, 2, f"{not_a_key} line 1: not an age secret key")
    assert snapshot(other) == before

    monkeypatch.setenv(enc.IDENTITY_ENV, str(identity))
    r = pj("--db", other, "import", made)
    assert r.exit_code == 0, r
    assert dump(other) == dump(journal)


def test_import_reads_encrypted_files_from_stdin_folders_and_armor(
        pj, journal, other, tmp_path, key):
    identity, public = key
    plain = pj("export", "-f", "json").stdout.encode()
    recipient = pyrage.x25519.Recipient.from_str(public)
    r = pj("--db", other, "import", "-", "--identity", identity,
           input=pyrage.encrypt(plain, [recipient]))
    assert r.exit_code == 0, r
    assert dump(other) == dump(journal)

    # armored, in a folder beside a plain file that is not an export, with a .age name
    folder = tmp_path / "carried"
    folder.mkdir()
    (folder / "journal.json.age").write_bytes(pyrage.encrypt(plain, [recipient], armored=True))
    (folder / "notes.txt").write_text("not an export")
    third = tmp_path / "third.sqlite"
    add_all_tables(third)
    r = pj("--db", third, "import", folder, "--identity", identity)
    assert r.exit_code == 0, r
    assert "Not exports, left alone: notes.txt" in r.stderr
    assert dump(third) == dump(journal)

    # an encrypted file on stdin without a key: one line, nothing changed
    before = snapshot(third)
    r = pj("--db", third, "import", "-", input=pyrage.encrypt(b"{}", [recipient]))
    one_line_error(r, 1, "<stdin> is encrypted to an age key")
    assert snapshot(third) == before


def test_a_damaged_encrypted_file_is_one_line(pj, journal, other, tmp_path, key):
    identity, public = key
    pj("export", "--to", public, "-o", tmp_path / "j.md")
    data = (tmp_path / "j.md.age").read_bytes()
    (tmp_path / "cut.md.age").write_bytes(data[: len(data) - 20])
    before = snapshot(other)
    r = pj("--db", other, "import", tmp_path / "cut.md.age", "--identity", identity)
    one_line_error(r, 1, "cut.md.age is a damaged age file")
    armor = tmp_path / "armor.md"
    armor.write_text("-----BEGIN AGE ENCRYPTED FILE-----\nYWdl\n")
    r = pj("--db", other, "import", armor, "--identity", identity)
    one_line_error(r, 1, "damaged age file (its armor has no end line)")
    assert snapshot(other) == before


class Trickle(io.RawIOBase):
    """A stream that gives at most ``step`` bytes per read, as a pipe may."""

    def __init__(self, data: bytes, step: int):
        self.data, self.step = data, step

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = min(len(buffer), self.step, len(self.data))
        buffer[:n], self.data = self.data[:n], self.data[n:]
        return n


READER_KEY = pyrage.x25519.Identity.generate()


@pytest.fixture(scope="module")
def reader_keys(tmp_path_factory) -> enc.Keys:
    identity = tmp_path_factory.mktemp("reader") / "key.txt"
    identity.write_text(f"{READER_KEY}\n")
    return enc.Keys((identity,))


@settings(max_examples=150, deadline=None)
@given(data=hs.binary(max_size=3000), step=hs.integers(1, 200),
       form=hs.sampled_from(["plain", "binary", "armored"]), buffered=hs.booleans())
def test_plain_reader_gives_back_every_byte_however_the_stream_comes(
        reader_keys, data, step, form, buffered):
    """Plain, binary age and armored age content, read in pieces of any size from a
    stream with or without peek(): the same bytes come out."""
    if form == "plain":
        if enc.is_encrypted(data):
            return  # bytes that begin like an age file are an age file
        payload = data
    else:
        payload = pyrage.encrypt(data, [READER_KEY.to_public()], armored=form == "armored")
    stream = Trickle(payload, step)
    source = io.BufferedReader(stream, buffer_size=step) if buffered else stream
    plain, encrypted = enc.plain_reader(source, reader_keys, "<test>")
    assert encrypted == (form != "plain")
    assert plain.read() == data


@pytest.mark.parametrize("armored", [False, True])
def test_plain_reader_opens_more_than_one_age_chunk(reader_keys, armored):
    data = os.urandom(70_000)  # more than one 64 KiB age chunk
    payload = pyrage.encrypt(data, [READER_KEY.to_public()], armored=armored)
    plain, encrypted = enc.plain_reader(Trickle(payload, 7), reader_keys, "<test>")
    assert encrypted and plain.read() == data


def test_an_export_encrypted_to_a_key_streams_with_flat_memory(db, tmp_path):
    """Ten times the reflections must not need anywhere near ten times the memory: the
    export reaches age a few chunks at a time, never whole."""
    import tracemalloc

    from partnerjournal import store
    from partnerjournal.services import transfer as tr
    from test_export_import import NOW, T1

    conn = store.connect(db)
    choice = enc.Choice(recipients=(str(READER_KEY.to_public()),))

    def peak(n: int) -> int:
        with store.transaction(conn):
            conn.execute("DELETE FROM reflections")
            conn.executemany(
                "INSERT INTO reflections (uid, date, text, created_at, updated_at)"
                " VALUES (?, '2026-01-01', ?, ?, ?)",
                [(f"u{i}", "word " * 100, T1, T1) for i in range(n)],
            )
        tracemalloc.start()
        report = tr.export_journal(conn, now=NOW, fmt="json", output=tmp_path / f"x{n}.json",
                                   encryption=choice)
        top = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert report.files == [str(tmp_path / f"x{n}.json.age")]
        return top

    small, large = peak(1000), peak(10_000)
    conn.close()
    assert (tmp_path / "x10000.json.age").stat().st_size > 5_000_000
    assert large < small * 2, (small, large)


# --- backup and restore ---------------------------------------------------------------


def test_backup_with_a_passphrase_restores_and_a_wrong_one_changes_nothing(
        pj, journal, tmp_path, monkeypatch):
    monkeypatch.setenv(enc.PASSPHRASE_ENV, PASSPHRASE)
    old = os.umask(0)
    try:
        r = pj("backup", "--encrypt")
    finally:
        os.umask(old)
    assert r.exit_code == 0, r
    backups = tmp_path / "backups"
    [made] = list(backups.iterdir())  # the encrypted file alone: no temporary file left
    assert made.name.startswith("journal-") and made.name.endswith(".sqlite.age")
    assert r.stdout == f"Backed up the journal to {made}\n"
    assert mode(backups) == 0o700
    data = assert_sealed(made)
    image = pyrage.passphrase.decrypt(data, PASSPHRASE)
    assert image.startswith(b"SQLite format 3\x00") and image[18:20] == b"\x01\x01"

    elsewhere = tmp_path / "elsewhere" / "journal.sqlite"
    pj("--db", elsewhere, "reflect", "Only here")
    before, files = snapshot(elsewhere), names(elsewhere.parent)
    monkeypatch.setenv(enc.PASSPHRASE_ENV, "wrong")
    r = pj("--db", elsewhere, "restore", made, "--yes")
    one_line_error(r, 1, f"{made}: the passphrase does not open it")
    assert snapshot(elsewhere) == before and names(elsewhere.parent) == files

    monkeypatch.setenv(enc.PASSPHRASE_ENV, PASSPHRASE)
    r = pj("--db", elsewhere, "restore", made, "--yes")
    assert r.exit_code == 0, r
    assert dump(elsewhere) == dump(journal)
    assert mode(elsewhere) == 0o600


def test_backup_to_a_key_and_restore_with_the_identity(pj, journal, tmp_path, key):
    identity, public = key
    r = pj("backup", tmp_path / "safe" / "journal.sqlite", "--to", public, "--json")
    assert r.exit_code == 0, r
    made = tmp_path / "safe" / "journal.sqlite.age"
    assert r.json()["path"] == str(made) and names(made.parent) == ["journal.sqlite.age"]
    assert_sealed(made)
    # an existing encrypted backup is not replaced without --force
    r = pj("backup", tmp_path / "safe" / "journal.sqlite", "--to", public)
    one_line_error(r, 1, f"{made} exists")
    assert pj("backup", made, "--to", public, "--force").exit_code == 0

    target = tmp_path / "restored" / "journal.sqlite"
    r = pj("--db", target, "restore", made, "--yes")
    one_line_error(r, 1, "encrypted to an age key", "--identity")
    assert not target.parent.exists() or names(target.parent) == []
    r = pj("--db", target, "restore", made, "--yes", "--identity", identity)
    assert r.exit_code == 0, r
    assert dump(target) == dump(journal)
    c = sqlite3.connect(target)
    assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    c.close()


def test_encrypted_backup_while_another_pj_is_writing(pj, journal, tmp_path, key):
    identity, public = key
    writer = sqlite3.connect(journal, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO settings VALUES ('half-written', 'x')")
    try:
        r = pj("backup", tmp_path / "b.sqlite", "--to", public)
        assert r.exit_code == 0, r
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    secret = pyrage.x25519.Identity.from_str(identity.read_text().split()[-1])
    opened = tmp_path / "opened.sqlite"
    opened.write_bytes(pyrage.decrypt((tmp_path / "b.sqlite.age").read_bytes(), [secret]))
    c = sqlite3.connect(opened)
    assert c.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # self-contained
    assert c.execute("SELECT count(*) FROM settings WHERE key = 'half-written'").fetchone() == (0,)
    c.close()
    assert dump(opened) == dump(journal)


def test_an_encrypted_file_that_is_not_a_backup_is_refused(pj, journal, tmp_path, key):
    identity, public = key
    pj("export", "--to", public, "-o", tmp_path / "j.md")
    before = snapshot(journal)
    r = pj("restore", tmp_path / "j.md.age", "--yes", "--identity", identity)
    one_line_error(r, 1, "decrypts, but not to a partnerjournal backup")
    assert snapshot(journal) == before


def test_a_failure_while_encrypting_leaves_no_file(pj, journal, tmp_path, key, monkeypatch):
    _, public = key

    def broken(data, lock):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(enc, "encrypt", broken)  # the backup's one call to age
    r = pj("backup", "--to", public)
    assert r.exit_code == 1 and "No space left on device" in r.stderr, r
    assert names(tmp_path / "backups") == []


@pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")  # no noise after
@pytest.mark.parametrize("secret", ["key", "passphrase"])
def test_an_export_failing_half_way_leaves_no_file_and_no_whole_age_stream(
        pj, journal, tmp_path, key, monkeypatch, secret):
    """The export breaks after writing part of the journal: the file is never put in
    place, and what went to a pipe is not a complete age file (age calls it truncated)."""
    from partnerjournal import exporters

    identity, public = key
    write_json = exporters.EXPORTERS["json"]

    def half_way(records, out, meta):
        write_json(records, io.StringIO(), meta)  # the records are read as usual...
        out.write("x" * 300_000)  # ...part of the export is out, past a few 64 KiB age chunks
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(exporters, "EXPORTERS", {**exporters.EXPORTERS, "json": half_way})
    monkeypatch.setenv(enc.PASSPHRASE_ENV, PASSPHRASE)
    how = ["--to", public] if secret == "key" else ["--encrypt"]
    r = pj("export", "-f", "json", *how, "-o", tmp_path / "out" / "j.json")
    one_line_error(r, 1, "Input/output error")
    assert names(tmp_path / "out") == []


class FullDisk(io.RawIOBase):
    """A file that fills up after ``room`` bytes."""

    def __init__(self, room: int):
        self.room, self.kept = room, b""

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        if len(self.kept) + len(data) > self.room:
            raise OSError(28, "No space left on device")
        self.kept += bytes(data)
        return len(data)


def test_encrypting_to_keys_streams_and_a_broken_block_never_ends_the_file():
    recipient = str(READER_KEY.to_public())
    lock = enc.Lock(recipients=(recipient,))
    data = os.urandom(300_000)
    out = io.BytesIO()
    with enc.encrypting(out, lock) as sink:
        for start in range(0, len(data), 1000):
            sink.write(data[start:start + 1000])
    assert pyrage.decrypt(out.getvalue(), [READER_KEY]) == data

    out = io.BytesIO()
    with pytest.raises(ValueError, match="the export broke"):
        with enc.encrypting(out, lock) as sink:
            sink.write(data)
            raise ValueError("the export broke")
    assert len(out.getvalue()) > 200_000  # most of it streamed out before the failure...
    with pytest.raises(pyrage.DecryptError, match="truncated"):
        pyrage.decrypt(out.getvalue(), [READER_KEY])  # ...but never as a whole age file


def test_encrypting_reports_the_disk_filling_up_as_one_error():
    lock = enc.Lock(recipients=(str(READER_KEY.to_public()),))
    with pytest.raises(enc.PJError, match="could not be written .*No space left on device"):
        with enc.encrypting(FullDisk(100_000), lock) as sink:
            for _ in range(100):
                sink.write(b"y" * 10_000)


# --- recipients and passphrases that cannot be used ----------------------------------


def _bad_checksum(public: str) -> str:
    last = "q" if public[-1] != "q" else "p"
    return public[:-1] + last


@pytest.mark.parametrize("bad, words", [
    ("age1nope", "is not an age recipient: an age public key starts with age1"),
    ("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHg", "not an SSH key or a secret key"),
    ("AGE-SECRET-KEY-1QQQQ", "not an SSH key or a secret key"),
    ("checksum", "its checksum does not match"),
])
@pytest.mark.parametrize("command", ["export", "backup"])
def test_a_malformed_recipient_is_one_line_and_writes_nothing(
        pj, journal, tmp_path, key, bad, words, command):
    _, public = key
    bad = _bad_checksum(public) if bad == "checksum" else bad
    args = ["-o", tmp_path / "out" / "j.md"] if command == "export" else [tmp_path / "out"]
    r = pj(command, "--to", public, "--to", bad, *args)
    one_line_error(r, 2, "--to", words)
    assert not (tmp_path / "out").exists()


def test_recipients_from_a_file(pj, journal, tmp_path, key, other):
    identity, public = key
    second = pyrage.x25519.Identity.generate()
    listed = tmp_path / "recipients.txt"
    listed.write_text(f"# the laptop\n{public}\n\n# the home machine\n{second.to_public()}\n")
    r = pj("export", "--to-file", listed, "-o", tmp_path / "j.md")
    assert r.exit_code == 0 and "(encrypted to 2 age keys)" in r.stdout, r
    data = (tmp_path / "j.md.age").read_bytes()
    assert pyrage.decrypt(data, [second]) == pyrage.decrypt(
        data, [pyrage.x25519.Identity.from_str(identity.read_text().split()[-1])])
    listed.write_text(f"{public}\nage1typo\n")
    one_line_error(pj("export", "--to-file", listed, "-o", tmp_path / "k.md"), 2,
                   f"{listed} line 2: 'age1typo' is not an age recipient")
    listed.write_text("# nobody yet\n")
    one_line_error(pj("export", "--to-file", listed, "-o", tmp_path / "k.md"), 2,
                   "lists no age recipients")
    one_line_error(pj("export", "--to-file", tmp_path / "missing.txt", "-o", tmp_path / "k.md"),
                   2, "cannot be read")
    assert not (tmp_path / "k.md.age").exists() and not (tmp_path / "k.md").exists()


@pytest.mark.parametrize("command", [["export", "-o", "out/j.md"], ["backup", "out/b.sqlite"],
                                     ["backup"]])
def test_no_passphrase_and_no_terminal_is_one_line(pj, journal, tmp_path, monkeypatch, command):
    monkeypatch.delenv(enc.PASSPHRASE_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    before = names(tmp_path)
    r = pj(*command, "--encrypt")
    one_line_error(r, 1, f"encrypting needs a passphrase: set {enc.PASSPHRASE_ENV}", "--to")
    assert names(tmp_path) == before  # no file, and no folder made for one


def test_what_an_encrypted_export_cannot_be(pj, journal, tmp_path, key):
    _, public = key
    r = pj("export", "--encrypt", "--split", "day", "-o", tmp_path / "vault")
    one_line_error(r, 2, "an encrypted export is one file: leave out --split")
    r = pj("export", "--no-encrypt", "--to", public, "-o", tmp_path / "j.md")
    one_line_error(r, 2, "--to encrypts the file: leave out --no-encrypt")
    (tmp_path / "j.md.age").mkdir()
    r = pj("export", "--to", public, "-o", tmp_path / "j.md")
    one_line_error(r, 2, "is a folder")
    assert not (tmp_path / "vault").exists() and not (tmp_path / "j.md").exists()


# --- the encrypt setting --------------------------------------------------------------


def test_the_encrypt_setting_is_the_default_for_export_and_backup(
        pj, journal, tmp_path, key, other):
    identity, public = key
    assert pj("config", "get", "encrypt").stdout == "off\n"
    one_line_error(pj("config", "set", "encrypt", "sometimes"), 2,
                   "encrypt cannot be 'sometimes': give off, passphrase, or one or more age")
    one_line_error(pj("config", "set", "encrypt", _bad_checksum(public)), 2, "checksum")

    r = pj("config", "set", "encrypt", f" {public} ")
    assert (r.exit_code, r.stdout) == (0, f"encrypt = {public}\n"), r
    row = {s["key"]: s for s in pj("config", "list", "--json").json()}["encrypt"]
    assert row["value"] == public and row["default"] is False
    assert pj("export", "-o", tmp_path / "j.md").exit_code == 0
    assert_sealed(tmp_path / "j.md.age")
    r = pj("export", "--encrypt", "-o", tmp_path / "k.md")  # --encrypt uses the setting's keys
    assert r.exit_code == 0 and r.stdout.endswith("(encrypted to 1 age key)\n"), r
    r = pj("backup", tmp_path / "b.sqlite")
    assert r.exit_code == 0 and (tmp_path / "b.sqlite.age").exists(), r
    assert pj("--db", other, "import", tmp_path / "j.md.age", "-i", identity).exit_code == 0

    # --split would write plain files: refused unless --no-encrypt says so
    r = pj("export", "--split", "day", "-o", tmp_path / "vault")
    one_line_error(r, 2, "your setting encrypt asks for encrypted exports", "--no-encrypt")
    assert pj("export", "--split", "day", "-o", tmp_path / "vault", "--no-encrypt").exit_code == 0
    assert pj("backup", tmp_path / "plain.sqlite", "--no-encrypt").exit_code == 0
    assert (tmp_path / "plain.sqlite").read_bytes().startswith(b"SQLite format 3\x00")

    assert pj("config", "set", "encrypt", "OFF").stdout.startswith("encrypt = off")
    assert pj("export", "-o", tmp_path / "again.md").exit_code == 0
    assert (tmp_path / "again.md").read_text().startswith("<!-- partnerjournal export")


def test_an_unusable_stored_setting_is_one_line(pj, journal, tmp_path):
    c = sqlite3.connect(journal)  # as an import from an older or edited file could leave it
    c.execute("INSERT OR REPLACE INTO settings (key, value) VALUES ('encrypt', 'maybe')")
    c.commit()
    c.close()
    r = pj("backup", tmp_path / "b.sqlite")
    one_line_error(r, 2, "the journal's setting encrypt holds 'maybe'", "pj config set encrypt")
    assert not (tmp_path / "b.sqlite").exists()


# --- the installed pj -----------------------------------------------------------------


@pytest.fixture
def installed(db, tmp_path):
    found = shutil.which("pj")
    if found is None:
        pytest.fail("the installed 'pj' is not on PATH: pip install -e '.[test]'")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PARTNERJOURNAL_", "PJ_"))}
    env.update(PARTNERJOURNAL_DB=str(db), PARTNERJOURNAL_TODAY=FIXED_TODAY, NO_COLOR="1")
    return found, env


@pytest.mark.e2e
def test_installed_pj_writes_an_encrypted_export_to_a_pipe(journal, installed, key, tmp_path):
    pj_path, env = installed
    identity, public = key
    done = subprocess.run([pj_path, "export", "--to", public], capture_output=True, env=env,
                          cwd=tmp_path, timeout=60, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(MAGIC)
    for text in SECRETS:
        assert text.encode() not in done.stdout
    plain = subprocess.run([pj_path, "export"], capture_output=True, env=env, timeout=60)
    secret = pyrage.x25519.Identity.from_str(identity.read_text().split()[-1])
    assert without_stamp(pyrage.decrypt(done.stdout, [secret]).decode()) == without_stamp(
        plain.stdout.decode())


@pytest.mark.e2e
def test_installed_pj_asks_for_the_passphrase_on_a_terminal(journal, installed, tmp_path):
    pj_path, env = installed
    mismatch = in_terminal([pj_path, "backup", "--encrypt", "b.sqlite"], ["one", "two"],
                           env=env, cwd=tmp_path)
    assert mismatch.status == 2 and mismatch.prompts == 2, mismatch
    assert "the two passphrases differ: nothing was written" in mismatch.output
    assert not list(tmp_path.glob("b.sqlite*"))

    typed = in_terminal([pj_path, "backup", "--encrypt", "b.sqlite"], [PASSPHRASE, PASSPHRASE],
                        env=env, cwd=tmp_path)
    assert typed.status == 0 and typed.prompts == 2, typed
    assert PASSPHRASE not in typed.output  # hidden while typed
    made = tmp_path / "b.sqlite.age"
    assert_sealed(made)

    target = tmp_path / "restored.sqlite"
    restored = in_terminal([pj_path, "--db", str(target), "restore", "--yes", str(made)],
                           [PASSPHRASE], env=env, cwd=tmp_path)
    assert restored.status == 0 and restored.prompts == 1, restored
    assert dump(target) == dump(journal)

    # an export typed for, then imported with the passphrase asked once
    typed = in_terminal([pj_path, "export", "--encrypt", "-o", "j.md"], [PASSPHRASE, PASSPHRASE],
                        env=env, cwd=tmp_path)
    assert typed.status == 0 and typed.prompts == 2, typed
    other = tmp_path / "other.sqlite"
    add_all_tables(other)
    imported = in_terminal([pj_path, "--db", str(other), "import", "j.md.age"], [PASSPHRASE],
                           env=env, cwd=tmp_path)
    assert imported.status == 0 and imported.prompts == 1, imported
    assert "reflections: 3 added" in imported.output
    assert dump(other) == dump(journal)


@pytest.mark.e2e
def test_installed_pj_keeps_an_encrypted_export_off_the_screen(journal, installed, key, tmp_path):
    pj_path, env = installed
    _, public = key
    shown = in_terminal([pj_path, "export", "--to", public], [], env=env, cwd=tmp_path)
    assert shown.status == 2, shown
    assert "an encrypted export is not for the screen: add --output FILE" in shown.output
    assert "age-encryption.org" not in shown.output


@pytest.mark.e2e
def test_plain_commands_never_load_the_age_library(journal, installed, tmp_path, key):
    """pyrage is loaded only by a command that encrypts or decrypts; the check can fail:
    the same probe sees it loaded by an encrypted export."""
    _, env = installed
    _, public = key
    code = (
        "import json, sys\n"
        "from partnerjournal.cli import app\n"
        "try:\n"
        "    app(sys.argv[1:])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(json.dumps('pyrage' in sys.modules))\n"
    )

    def loads_pyrage(*args: str) -> bool:
        done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True,
                              text=True, env=env, cwd=tmp_path, timeout=60, check=True)
        return json.loads(done.stdout.splitlines()[-1])

    assert not loads_pyrage("export", "-o", "plain.md")
    assert not loads_pyrage("backup", "plain.sqlite")
    assert not loads_pyrage("import", "plain.md")
    assert not loads_pyrage("log")
    assert loads_pyrage("export", "--to", public, "-o", "sealed.md")
