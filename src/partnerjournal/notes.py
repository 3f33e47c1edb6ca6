"""What a ``--split`` export adds for notes apps (Obsidian, Logseq and the like).

Each day or month file starts with YAML front matter holding its ``date``, ``source``,
``tags`` (the reflections' own tags and their steps as ``pj/step-N``) and ``partners``
(wiki links such as ``"[[Ruth Achterberg]]"``). Each partner gets a note of their own,
``partners/NAME.md``: their box, relation, note, sessions, commitments and trust checks,
with ``tags`` and ``aliases`` in its front matter. ``pj import`` recognises these notes
by the line after their front matter and reads nothing from them: the partner's records
travel in ``partnerjournal.md``.

Everything here is gathered from the rows the export writes anyway (no extra queries),
and every YAML value that is not a bare date is written as a double-quoted scalar, so
the front matter stays valid whatever a name or a tag holds. docs/formats.md describes
the folder.
"""

from __future__ import annotations

import functools
import json
import operator
import re
import unicodedata
from typing import Any, Callable, Iterator

PARTNERS_FOLDER = "partners"
# The line after a partner note's front matter; pj import skips a file that starts so.
PARTNER_NOTE = "<!-- partnerjournal partner note"
PARTNER_NOTE_LINE = (f"{PARTNER_NOTE} v1: no records here, pj import reads this"
                     " partner from partnerjournal.md -->")
SOURCE = "partnerjournal"
STEP_TAG = "pj/step-{}"


# --- YAML -----------------------------------------------------------------------------

# What a double-quoted YAML scalar cannot hold as it is: the quote and the backslash,
# C0 and C1 controls and DEL, the characters YAML 1.1 reads as line breaks (NEL, U+2028,
# U+2029), the byte order mark, surrogates and the non-characters U+FFFE and U+FFFF.
_YAML_UNSAFE = re.compile(
    '[\\\\"\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]'
)
_YAML_SHORT = {"\\": "\\\\", '"': '\\"', "\x00": "\\0", "\t": "\\t", "\n": "\\n",
               "\r": "\\r", "\x1b": "\\e"}


def _yaml_escape(match: re.Match) -> str:
    ch = match.group()
    short = _YAML_SHORT.get(ch)
    if short is not None:
        return short
    n = ord(ch)
    if 0xD800 <= n <= 0xDFFF:
        # A lone surrogate is no character (no UTF-8 file can hold one), and strict
        # parsers such as libyaml refuse its escape: it becomes the replacement character.
        return "\\uFFFD"
    if n < 0x100:
        return f"\\x{n:02X}"
    return f"\\u{n:04X}" if n < 0x10000 else f"\\U{n:08X}"


def yaml_quote(text: str) -> str:
    """``text`` as a YAML double-quoted scalar on one line, the characters YAML cannot
    hold escaped and every other one kept as it is: ``yaml_quote('Ana "A" López')`` is
    ``"Ana \\"A\\" López"``."""
    return '"' + _YAML_UNSAFE.sub(_yaml_escape, text) + '"'


class Plain(str):
    """A front matter value written bare (a date, so that note apps see a date)."""


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


# A list item's line; tags and links repeat from file to file.
_item = functools.lru_cache(maxsize=8192)(lambda value: f"  - {yaml_quote(value)}\n")


def front_matter(fields: list[tuple[str, Any]]) -> str:
    """YAML front matter: a :class:`Plain` value bare, any other text quoted, a list as
    one quoted item a line (``[]`` when empty)."""
    parts = ["---\n"]
    for key, value in fields:
        if isinstance(value, list):
            parts.append(f"{key}:\n" if value else f"{key}: []\n")
            parts += map(_item, value)
        elif isinstance(value, Plain):
            parts.append(f"{key}: {value}\n")
        else:
            parts.append(f"{key}: {yaml_quote(value)}\n")
    parts.append("---\n")
    return "".join(parts)


def date_value(day: str) -> str:
    """A day as a bare YAML date, or quoted should it not be one."""
    return Plain(day) if _ISO_DAY.fullmatch(day) else day


# --- file names and links -------------------------------------------------------------

# Refused by Windows (\ / : * ? " < >) or by links in note apps (# ^ [ ] |).
_NAME_UNSAFE = re.compile(r'[\\/:*?"<>|#^\[\]]')
_BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\ufeff")
_RESERVED = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
             *(f"{d}{n}" for d in ("COM", "LPT") for n in "0123456789¹²³")}
MAX_NAME_BYTES = 120  # the temporary file adds a few more; file systems stop at 255


def safe_file_name(name: str) -> str:
    """``name`` as a file name every system and notes app accepts (without ``.md``):
    the characters they refuse become spaces, invisible and direction-changing ones
    go, hidden (leading dot) and reserved (CON, NUL...) names are avoided and the name
    stays under MAX_NAME_BYTES bytes. ``safe_file_name('Sales: Ana/Ben')`` is
    ``'Sales Ana Ben'``."""
    text = unicodedata.normalize("NFC", name)
    text = "".join(
        " " if unicodedata.category(c) in ("Cc", "Zl", "Zp", "Zs") or _NAME_UNSAFE.match(c)
        else "" if c in _BIDI or unicodedata.category(c) in ("Cs", "Co", "Cn") else c
        for c in text
    )
    text = " ".join(text.split())
    data = text.encode()
    if len(data) > MAX_NAME_BYTES:
        text = data[:MAX_NAME_BYTES].decode("utf-8", "ignore")
    text = text.lstrip(". ").rstrip(". \u200d")
    stem, dot, rest = text.partition(".")
    if stem.rstrip().upper() in _RESERVED:  # reserved whatever follows a dot
        text = f"{stem.rstrip()}_{dot}{rest}"
    return text or "partner"


_LINK_UNSAFE = re.compile(r"[\[\]|]")


def wiki_link(file_name: str, name: str) -> str:
    """A link to a partner's note: ``[[Ana López]]``, or ``[[safe|Real Name]]`` when the
    file name differs from the name (the shown name without brackets and bars, which
    would end the link)."""
    shown = " ".join(_LINK_UNSAFE.sub(" ", name).split())
    if shown == file_name or not shown:
        return f"[[{file_name}]]"
    return f"[[{file_name}|{shown}]]"


def note_names(partners: list[tuple[str, str]]) -> dict[str, str]:
    """A file name for each ``(uid, name)``, unique even where file names are compared
    without case: later partners with the same name get `` (2)``, `` (3)``..."""
    taken: set[str] = set()
    out = {}
    for uid, name in partners:
        base = safe_file_name(name)
        candidate, n = base, 1
        while candidate.casefold() in taken:
            n += 1
            candidate = f"{base} ({n})"
        taken.add(candidate.casefold())
        out[uid] = candidate
    return out


# --- gathering as the rows go by ------------------------------------------------------


def _first_line(text: str | None) -> str:
    for line in (text or "").splitlines():
        if line.strip():
            return " ".join(line.split())
    return ""


def _plain(text: str) -> str:
    """One line for the reader, without control characters."""
    text = str(text)
    if not text.isprintable():  # rare: a character at a time
        text = "".join(" " if unicodedata.category(c)[0] == "C" and c != "\u200d" else c
                       for c in text)
    return " ".join(text.split())


_decode = functools.lru_cache(maxsize=4096)(json.loads)  # child lists repeat


class DayFront:
    """The steps, partners and tags of one day or month file's reflections, kept as
    the JSON texts the rows carry (a few distinct ones), decoded when the file ends."""

    __slots__ = ("steps", "partners", "tags", "pick")

    def __init__(self, pick: tuple[Callable[[tuple], Any], ...]):
        self.pick = pick
        self.steps: set[str] = set()
        self.partners: set[str] = set()
        self.tags: set[str] = set()

    def add(self, rows: list[tuple]) -> None:
        steps, partners, tags = self.pick
        self.steps.update(map(steps, rows))
        self.partners.update(map(partners, rows))
        self.tags.update(map(tags, rows))


class SplitNotes:
    """Front matter and partner notes of a --split export, from the rows it writes:
    call :meth:`see` with every batch that is not reflections, :meth:`day` for each
    day or month file, then :meth:`front` when that file ends, and write
    :meth:`partner_notes` last."""

    WATCHED = ("partners", "sessions", "commitments", "trust_checks")

    def __init__(self) -> None:
        self.partners: list[dict] = []  # in export order (by name)
        self.by_uid: dict[str, dict] = {}
        self._files: dict[str, str] | None = None
        self._links: dict[str, str] = {}
        self._pick: dict[tuple, Callable[[tuple], Any]] = {}

    def _getter(self, kind, names: tuple[str, ...]) -> Callable[[tuple], Any]:
        """What picks ``names`` out of a row of ``kind`` (fields, then children); a
        column an older journal lacks reads as None."""
        key = (kind.name, names)
        if key not in self._pick:
            where = {f.name: i for i, f in enumerate(kind.fields)}
            n = len(kind.fields)
            where.update({c.name: n + j for j, c in enumerate(kind.children)})
            if all(k in where for k in names):
                self._pick[key] = operator.itemgetter(*(where[k] for k in names))
            else:
                at = [where.get(k) for k in names]
                pick = (lambda row: tuple(None if i is None else row[i] for i in at))
                self._pick[key] = pick if len(at) > 1 else (lambda row: pick(row)[0])
        return self._pick[key]

    def see(self, kind, rows: list[tuple]) -> None:
        if kind.name not in self.WATCHED:
            return
        if kind.name == "partners":
            get = self._getter(kind, ("uid", "name", "box", "relation", "note", "archived_at"))
            for uid, name, box, relation, note, archived in map(get, rows):
                partner = {"uid": uid, "name": name, "box": box, "relation": relation,
                           "note": note, "archived_at": archived,
                           "sessions": [], "commitments": [], "trust_checks": []}
                self.partners.append(partner)
                self.by_uid[uid] = partner
            self._files = None
            self._links.clear()
            return
        if kind.name == "sessions":
            get = self._getter(kind, ("partner", "date", "minutes", "successes",
                                      "objectives", "feedback"))
            for uid, date, minutes, *texts in map(get, rows):
                if uid in self.by_uid:
                    self.by_uid[uid]["sessions"].append(
                        (date, minutes, *map(_first_line, texts)))
        elif kind.name == "commitments":
            get = self._getter(kind, ("partner", "date", "text", "due", "status", "closed_at"))
            for uid, date, text, due, status, closed in map(get, rows):
                if uid in self.by_uid:
                    self.by_uid[uid]["commitments"].append(
                        (date, _first_line(text), due, status, closed))
        else:
            get = self._getter(kind, ("partner", "date", "credibility", "reliability",
                                      "intimacy", "self_orientation"))
            for uid, *check in map(get, rows):
                if uid in self.by_uid:
                    self.by_uid[uid]["trust_checks"].append(tuple(check))

    @property
    def files(self) -> dict[str, str]:
        """Each partner's note file name (without folder and ``.md``), by uid."""
        if self._files is None:
            self._files = note_names([(p["uid"], p["name"]) for p in self.partners])
        return self._files

    def link(self, uid: str) -> str:
        """The wiki link to a partner's note."""
        found = self._links.get(uid)
        if found is None:
            partner = self.by_uid.get(uid)
            if partner is None:
                found = f"[[{safe_file_name(uid)}]]"
            else:
                found = wiki_link(self.files[uid], partner["name"])
            self._links[uid] = found
        return found

    def day(self, kind) -> DayFront:
        """A gatherer for the next day or month file's reflections."""
        steps, partners, tags = (self._getter(kind, (n,)) for n in ("steps", "partners", "tags"))
        return DayFront((steps, partners, tags))

    def front(self, date: str, day: DayFront) -> str:
        """The front matter of a day or month file (``date`` its first day)."""
        tags = {t for raw in day.tags if raw for t in _decode(raw)}
        tags.update(STEP_TAG.format(s) for raw in day.steps if raw for s in _decode(raw))
        uids = {u for raw in day.partners if raw for u in _decode(raw)}
        return front_matter([
            ("date", date_value(date)),
            ("source", Plain(SOURCE)),
            ("tags", sorted(tags)),
            ("partners", sorted(map(self.link, uids))),
        ])

    def partner_notes(self) -> Iterator[tuple[str, str]]:
        """``(file name in the folder, text)`` of each partner's note."""
        for partner in self.partners:
            name = f"{PARTNERS_FOLDER}/{self.files[partner['uid']]}.md"
            yield name, partner_note(partner)


def partner_note(p: dict) -> str:
    """One partner's note: front matter, the line pj import knows, then what a reader
    wants at hand before meeting them."""
    tags = ["pj/partner"]
    if p["box"]:
        tags.append(f"pj/box/{p['box']}")
    if p["relation"]:
        tags.append(f"pj/relation/{p['relation']}")
    if p["archived_at"]:
        tags.append("pj/archived")
    lines = [
        front_matter([("tags", sorted(tags)), ("aliases", [p["name"]]),
                      ("source", Plain(SOURCE))]) + PARTNER_NOTE_LINE,
        f"# {_plain(p['name'])}",
        "",
    ]
    facts = [("Box", p["box"]), ("Relation", p["relation"]), ("Archived", p["archived_at"])]
    facts = [f"- {label}: {_plain(value)}" for label, value in facts if value]
    if facts:
        lines += [*facts, ""]
    if p["note"]:
        lines += ["## Note", "", p["note"].rstrip("\n"), ""]
    if p["sessions"]:
        lines += ["## Sessions", ""]
        for date, minutes, *texts in p["sessions"]:
            parts = [date, f"{minutes} minutes"] + [
                f"{label}: {text}" for label, text
                in zip(("Successes", "Objectives", "Feedback"), texts) if text]
            lines.append("- " + _plain(" · ".join(parts)))
        lines.append("")
    if p["commitments"]:
        lines += ["## Commitments", ""]
        for date, text, due, status, closed in p["commitments"]:
            parts = [date, status if not closed else f"{status} {closed}"]
            if due:
                parts.append(f"due {due}")
            parts.append(text)
            lines.append("- " + _plain(" · ".join(parts)))
        lines.append("")
    if p["trust_checks"]:
        lines += ["## Trust checks", ""]
        for date, *scores in p["trust_checks"]:
            shown = " · ".join(f"{label} {value}" for label, value in zip(
                ("credibility", "reliability", "intimacy", "self-orientation"), scores))
            lines.append(f"- {_plain(date)} · {shown}")
        lines.append("")
    return "\n".join(lines)
