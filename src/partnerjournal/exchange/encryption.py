"""Encrypting the files that leave the machine, in the standard age format.

An exported or backed-up journal holds candid notes about colleagues; once it sits in
a cloud folder it should be readable only with the owner's passphrase or private key.
The files are plain age files (https://age-encryption.org/v1), so the ``age`` tool
opens them too: ``age -d -o journal.md journal.md.age``.

This module knows nothing of commands or the journal: it turns bytes into age bytes
and back, and tells an age file from another. Export writes through :func:`encrypting`
(streamed when encrypting to keys), backup uses :func:`encrypt`; import and restore read
every file through :func:`plain_reader` (or :func:`decrypt`), which passes other files
through untouched. A later ``pj sync`` can use the same calls for the files it writes
and reads, and :class:`Choice` for its own ``--encrypt`` and the same setting.

Keys: a passphrase (age's scrypt recipient) from ``PARTNERJOURNAL_PASSPHRASE`` or asked
on a terminal, or X25519 recipients (``age1...``), whose files open with an identity
file (``AGE-SECRET-KEY-1...`` lines, as ``age-keygen`` writes) named by
``--identity`` or ``PARTNERJOURNAL_IDENTITY``.

The age implementation is pyrage, imported only when a file is encrypted or
decrypted, so no other command pays for loading it.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import io
import os
import queue
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Callable, Iterator

from ..errors import PJError, UsageError

PASSPHRASE_ENV = "PARTNERJOURNAL_PASSPHRASE"
IDENTITY_ENV = "PARTNERJOURNAL_IDENTITY"
SUFFIX = ".age"
MAGIC = b"age-encryption.org/v1\n"
ARMOR_BEGIN = b"-----BEGIN AGE ENCRYPTED FILE-----"
ARMOR_END = b"-----END AGE ENCRYPTED FILE-----"
HEAD = 64  # bytes read to tell an age file from another

_RECIPIENT = re.compile(r"age1[02-9ac-hj-np-z]{58}")


# --- what a file is encrypted to ------------------------------------------------------


@dataclass(frozen=True)
class Lock:
    """How to encrypt: with a passphrase, or to one or more age recipients."""

    passphrase: str | None = field(default=None, repr=False)
    recipients: tuple[str, ...] = ()

    def describe(self) -> str:
        if self.passphrase is not None:
            return "with a passphrase"
        n = len(self.recipients)
        return "to 1 age key" if n == 1 else f"to {n} age keys"


def check_recipient(text: str, where: str = "--to") -> str:
    """One age recipient (``age1`` and 58 more characters), or a UsageError saying what
    is wrong with it."""
    value = text.strip()
    if not _RECIPIENT.fullmatch(value):
        shown = value if len(value) <= 70 else value[:67] + "..."
        hint = ("an age public key starts with age1 and has 62 characters"
                " (age-keygen -y KEYFILE prints yours)")
        if value.startswith(("ssh-", "AGE-SECRET-KEY-")):
            hint = ("give an age public key (age1...), not an SSH key or a secret key"
                    " (age-keygen -y KEYFILE prints the public key)")
        raise UsageError(f"{where} {shown!r} is not an age recipient: {hint}")
    from pyrage import RecipientError, x25519

    try:
        x25519.Recipient.from_str(value)
    except RecipientError:
        raise UsageError(
            f"{where} {value!r} is not a valid age recipient (its checksum does not match):"
            " copy the whole key again"
        ) from None
    return value


def recipients_file(path: Path) -> list[str]:
    """The recipients listed in ``path``: one per line, ``#`` comments and blank lines
    ignored, as the age tool's ``-R`` reads them."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        why = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise UsageError(f"--to-file {path} cannot be read ({why}): check the path") from None
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if line and not line.startswith("#"):
            found.append(check_recipient(line, f"{path} line {number}:"))
    if not found:
        raise UsageError(f"--to-file {path} lists no age recipients (age1... lines)")
    return found


def _recipients(lock: Lock) -> list:
    from pyrage import x25519

    if not lock.recipients:
        raise UsageError("nothing to encrypt to: give a passphrase or --to age1...")
    return [x25519.Recipient.from_str(r) for r in lock.recipients]


def encrypt(data: bytes, lock: Lock) -> bytes:
    """``data`` as the bytes of a binary age file, for ``lock``'s passphrase or
    recipients. The work is done in memory: nothing is written anywhere."""
    import pyrage

    if lock.passphrase is not None:
        return pyrage.passphrase.encrypt(data, lock.passphrase)
    return pyrage.encrypt(data, _recipients(lock))


CHUNK = 64 * 1024  # age encrypts 64 KiB at a time


@contextlib.contextmanager
def encrypting(out: BinaryIO, lock: Lock) -> Iterator[BinaryIO]:
    """A binary stream whose bytes reach ``out`` as one age file. Example::

        with encrypting(file, lock) as sink:
            sink.write(b"...")

    To keys the bytes stream through (a second thread encrypts them as they come), so
    memory stays flat however long the export. With a passphrase they are gathered in
    memory and encrypted at the end: pyrage offers age's scrypt mode on whole bytes only.
    If the block fails, ``out`` never receives a complete age file (its last chunk is
    missing, which age reports as a damaged file)."""
    if lock.passphrase is not None:
        gathered = io.BytesIO()
        yield gathered
        out.write(encrypt(gathered.getvalue(), lock))
        return
    recipients = _recipients(lock)
    handover = _Handover()
    failure: list[BaseException] = []

    def work() -> None:
        import pyrage

        try:
            pyrage.encrypt_io(io.BufferedReader(handover, CHUNK), out, recipients)
        except pyrage.EncryptError as exc:  # a failed write to out, mostly
            failure.append(PJError(f"the encrypted file could not be written ({exc})"))
        except BaseException as exc:  # noqa: BLE001 - handed over to the writing thread
            failure.append(exc)
        finally:
            handover.reader_gone = True

    worker = threading.Thread(target=work, name="age-encrypt", daemon=True)
    worker.start()
    feed = _Feed(handover)
    sink = io.BufferedWriter(feed, CHUNK)
    try:
        yield sink
        sink.flush()
    except BaseException as exc:
        feed.discard = True  # what is still buffered goes nowhere, quietly
        handover.put(_Aborted())
        worker.join()
        if isinstance(exc, _ReaderGone) and failure:
            raise failure[0] from None  # the cause, not the broken hand-over
        raise
    handover.put(None)  # the end: age writes its last chunk
    worker.join()
    if failure:
        raise failure[0]


class _Aborted(Exception):
    """Raised into age's reading thread so that it stops without ending the file."""


class _ReaderGone(Exception):
    """age's thread stopped (its own error is raised in this one's place)."""


class _Handover(io.RawIOBase):
    """Bytes handed from the writing thread to age's reading thread, a few chunks at a
    time (the queue is bounded, so the writer waits while age catches up)."""

    def __init__(self) -> None:
        self.chunks: queue.Queue = queue.Queue(maxsize=8)
        self.rest = b""
        self.reader_gone = False
        self.ended = False  # the end was taken: every later read gives nothing

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self.rest:
            if self.ended:
                return 0
            item = self.chunks.get()
            if item is None:
                self.ended = True
                return 0
            if isinstance(item, BaseException):
                raise item
            self.rest = item
        n = min(len(buffer), len(self.rest))
        buffer[:n], self.rest = self.rest[:n], self.rest[n:]
        return n

    def put(self, item) -> bool:
        """Queue ``item`` (bytes, None for the end, or an exception to raise there);
        False if the reader has gone and will never take it."""
        while not self.reader_gone:
            try:
                self.chunks.put(item, timeout=0.2)
                return True
            except queue.Full:
                continue
        return False


class _Feed(io.RawIOBase):
    """The writing end of a :class:`_Handover`."""

    def __init__(self, handover: _Handover):
        self.handover = handover
        self.discard = False

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        if not self.discard and not self.handover.put(bytes(data)):
            raise _ReaderGone()
        return len(data)


# --- choosing: the command line and the journal's setting ----------------------------

SETTING = "encrypt"  # the journal setting: off, passphrase, or age recipients
OFF, PASSPHRASE = "off", "passphrase"


def parse_setting(value: str) -> str:
    """What ``pj config set encrypt VALUE`` stores: ``off``, ``passphrase``, or the
    age recipients it names, separated by spaces."""
    text = value.strip()
    if text.lower() in (OFF, "no", "none", "false"):
        return OFF
    if text.lower() in (PASSPHRASE, "on", "yes", "true"):
        return PASSPHRASE
    parts = [p for p in re.split(r"[\s,]+", text) if p]
    if not parts or not all(p.startswith("age1") for p in parts):
        raise UsageError(
            f"{SETTING} cannot be {text!r}: give off, passphrase, or one or more age public"
            " keys (age1...)"
        )
    return " ".join(check_recipient(p, SETTING) for p in parts)


def describe_setting(value: str) -> str:
    if value == OFF:
        return "off (plain files)"
    n = len(value.split())
    return value if n <= 1 else f"{value} ({n} keys)"


@dataclass(frozen=True)
class Choice:
    """What a command was asked: ``wanted`` is --encrypt (True), --no-encrypt (False)
    or neither (None: the journal's setting decides); ``recipients`` from --to and
    --to-file; ``passphrase`` gives the passphrase when one is needed."""

    wanted: bool | None = None
    recipients: tuple[str, ...] = ()
    passphrase: Callable[[], str] | None = field(default=None, repr=False)

    def mode(self, setting: str | None) -> str | tuple[str, ...] | None:
        """None (write plain), PASSPHRASE, or the recipients to encrypt to."""
        if self.recipients:
            if self.wanted is False:
                raise UsageError("--to encrypts the file: leave out --no-encrypt")
            return self.recipients
        if self.wanted is False:
            return None
        try:
            stored = parse_setting(setting) if setting else OFF
        except UsageError:
            raise UsageError(
                f"the journal's setting {SETTING} holds {setting!r}, which pj cannot use:"
                f" pj config set {SETTING} off|passphrase|age1..."
            ) from None
        if stored == OFF:
            return PASSPHRASE if self.wanted else None
        return PASSPHRASE if stored == PASSPHRASE else tuple(stored.split())

    def lock(self, mode: str | tuple[str, ...] | None) -> Lock | None:
        """The :class:`Lock` for ``mode``; asks for the passphrase if it needs one."""
        if mode is None:
            return None
        if mode == PASSPHRASE:
            if self.passphrase is None:
                raise PJError(f"encrypting needs a passphrase: set {PASSPHRASE_ENV}")
            return Lock(passphrase=self.passphrase())
        return Lock(recipients=tuple(mode))


def passphrase_to_encrypt(*, terminal: bool) -> Callable[[], str]:
    """Where an encrypting command gets its passphrase: ``PARTNERJOURNAL_PASSPHRASE``,
    else asked twice on the terminal (hidden), else a one-line error."""

    def get() -> str:
        value = os.environ.get(PASSPHRASE_ENV)
        if value:
            return value
        if not terminal:
            raise PJError(
                f"encrypting needs a passphrase: set {PASSPHRASE_ENV}, run pj in a terminal"
                " to be asked for it, or encrypt to an age key with --to age1..."
            )
        return _ask(confirm=True)

    return get


def keys_to_decrypt(identity: str | None, *, terminal: bool) -> "Keys":
    """What an importing or restoring command can open files with: ``--identity`` or
    ``PARTNERJOURNAL_IDENTITY``, ``PARTNERJOURNAL_PASSPHRASE``, and on a terminal a
    passphrase asked once when a file needs it."""
    return Keys(
        identity_files(identity),
        os.environ.get(PASSPHRASE_ENV) or None,
        (lambda: _ask(confirm=False)) if terminal else None,
    )


def _ask(*, confirm: bool) -> str:
    import getpass

    first = getpass.getpass("Passphrase: ")
    if not first:
        raise UsageError("an empty passphrase protects nothing: nothing was written or read")
    if confirm and getpass.getpass("The same passphrase again: ") != first:
        raise UsageError("the two passphrases differ: nothing was written")
    return first


# --- what opens a file ----------------------------------------------------------------


@dataclass
class Keys:
    """What may open an age file: identity files, and a passphrase given or asked for
    only when a file needs one (``ask`` is None off a terminal)."""

    identity_files: tuple[Path, ...] = ()
    passphrase: str | None = field(default=None, repr=False)
    ask: Callable[[], str] | None = field(default=None, repr=False)

    def get_passphrase(self, name: str) -> str:
        if self.passphrase is None:
            if self.ask is None:
                raise PJError(
                    f"{name} is encrypted with a passphrase: set {PASSPHRASE_ENV},"
                    " or run pj in a terminal to be asked for it"
                )
            self.passphrase = self.ask()
        return self.passphrase


def is_encrypted(head: bytes) -> bool:
    """Whether a file beginning with ``head`` (its first 64 bytes or all of it) is an
    age file, binary or armored."""
    text = head.lstrip(b"\xef\xbb\xbf").lstrip(b" \t\r\n")
    return head.startswith(MAGIC) or text.startswith(ARMOR_BEGIN)


def _binary(data: bytes, name: str) -> bytes:
    """The binary form of an age file that may be armored (PEM-like base64)."""
    if data.startswith(MAGIC):
        return data
    text = data.strip()
    if not (text.startswith(ARMOR_BEGIN) and text.endswith(ARMOR_END)):
        raise PJError(f"{name} is a damaged age file (its armor has no end line): copy it again")
    body = text[len(ARMOR_BEGIN):-len(ARMOR_END)]
    try:
        return base64.b64decode(b"".join(body.split()), validate=True)
    except (binascii.Error, ValueError):
        raise PJError(
            f"{name} is a damaged age file (bad base64 in its armor): copy it again"
        ) from None


def _stanzas(data: bytes) -> list[str]:
    """The recipient types named in an age header (``scrypt``, ``X25519``, ...)."""
    kinds = []
    for line in data[len(MAGIC):].split(b"\n"):
        if line.startswith(b"---"):
            break
        if line.startswith(b"-> "):
            kinds.append(line[3:].split(b" ", 1)[0].decode("ascii", "replace"))
    return kinds


def decrypt(data: bytes, keys: Keys, name: str) -> bytes:
    """The plain bytes of the age file ``data`` (binary or armored), opened with the
    passphrase or identities in ``keys``. A wrong key is one PJError naming ``name``."""
    import pyrage

    data = _binary(data, name)
    kinds = _stanzas(data)
    if "scrypt" in kinds:
        passphrase = keys.get_passphrase(name)
        try:
            return pyrage.passphrase.decrypt(data, passphrase)
        except pyrage.DecryptError as exc:
            if str(exc) == "Decryption failed":
                raise PJError(
                    f"{name}: the passphrase does not open it: check {PASSPHRASE_ENV}"
                    " or type it again"
                ) from None
            raise PJError(f"{name} is a damaged age file ({exc}): copy it again") from None
    identities = _identities(keys, name)
    try:
        return pyrage.decrypt(data, identities)
    except pyrage.DecryptError as exc:
        if str(exc) == "No matching keys found":
            shown = ", ".join(str(p) for p in keys.identity_files)
            raise PJError(
                f"{name}: the identity in {shown} does not open it: it was encrypted to"
                " another age key"
            ) from None
        raise PJError(f"{name} is a damaged age file ({exc}): copy it again") from None


def _identities(keys: Keys, name: str) -> list:
    from pyrage import IdentityError, x25519

    if not keys.identity_files:
        raise PJError(
            f"{name} is encrypted to an age key: give --identity KEYFILE or set"
            f" {IDENTITY_ENV} to your age identity file"
        )
    found = []
    for path in keys.identity_files:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            why = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
            raise UsageError(
                f"identity file {path} cannot be read ({why}): check the path"
            ) from None
        for number, line in enumerate(text.splitlines(), start=1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            try:
                found.append(x25519.Identity.from_str(line))
            except IdentityError:
                raise UsageError(
                    f"identity file {path} line {number}: not an age secret key"
                    " (AGE-SECRET-KEY-1..., as age-keygen writes)"
                ) from None
    if not found:
        raise UsageError(f"identity file {path} holds no age secret key (AGE-SECRET-KEY-1...)")
    return found


# --- reading files that may be encrypted ----------------------------------------------


class _Rejoined(io.RawIOBase):
    """A binary stream whose first bytes were already read (to tell its kind)."""

    def __init__(self, head: bytes, rest: BinaryIO):
        self.head, self.rest = head, rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.head:
            n = min(len(buffer), len(self.head))
            buffer[:n], self.head = self.head[:n], self.head[n:]
            return n
        data = self.rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def plain_reader(stream: BinaryIO, keys: Keys, name: str) -> tuple[BinaryIO, bool]:
    """``stream`` as plain bytes: an age file is decrypted (in memory; nothing is
    written), any other content passes through as it comes. Returns the stream and
    whether it was encrypted. Example::

        with open(path, "rb") as raw:
            plain, _ = plain_reader(raw, keys, str(path))
            text = io.TextIOWrapper(plain, encoding="utf-8")
    """
    peek = getattr(stream, "peek", None)
    head = peek(HEAD)[:HEAD] if peek is not None else b""
    if len(head) == HEAD:  # a file: the first bytes seen without reading them
        if is_encrypted(head):
            return io.BytesIO(decrypt(stream.read(), keys, name)), True
        return stream, False
    head = b""  # a pipe, or a short file: read the first bytes and put them back in front
    while len(head) < HEAD:
        more = stream.read(HEAD - len(head))
        if not more:
            break
        head += more
    if is_encrypted(head):
        return io.BytesIO(decrypt(head + stream.read(), keys, name)), True
    return io.BufferedReader(_Rejoined(head, stream)), False


def ask_early(head: bytes, keys: Keys, name: str) -> None:
    """Ask for the passphrase now if the file beginning with ``head`` (its first 256
    bytes) needs one, so nobody types it while the journal is held for writing."""
    if not is_encrypted(head):
        return
    text = head.strip()
    if text.startswith(ARMOR_BEGIN):
        first = text[len(ARMOR_BEGIN):].split(None, 1)
        try:
            head = base64.b64decode(first[0][:64] if first else b"", validate=True)
        except (binascii.Error, ValueError):
            return  # decrypting will say what is wrong
    if "scrypt" in _stanzas(head):
        keys.get_passphrase(name)


def identity_files(option: str | None) -> tuple[Path, ...]:
    """The identity file from ``--identity``, else from ``PARTNERJOURNAL_IDENTITY``."""
    value = option or os.environ.get(IDENTITY_ENV)
    return (Path(value).expanduser(),) if value else ()


def with_suffix(path: Path) -> Path:
    """``journal.md`` -> ``journal.md.age``; a name already ending in .age is kept."""
    return path if path.name.lower().endswith(SUFFIX) else path.with_name(path.name + SUFFIX)
