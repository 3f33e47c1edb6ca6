"""Checks on what a leader types, each failing with one line that says how to fix it."""

from __future__ import annotations

import unicodedata

from ..errors import UsageError

MAX_TEXT = 1_000_000
MAX_NAME = 100
MAX_TAG = 60


def _has_control(text: str, allow_newlines: bool) -> bool:
    for ch in text:
        if ch in "\n\t\r" and allow_newlines:
            continue
        if unicodedata.category(ch) == "Cc":
            return True
    return False


def text(value: str | None, what: str = "the reflection") -> str:
    """A non-empty text without NUL bytes; line endings normalised to ``\\n``."""
    if value is None or not value.strip():
        raise UsageError(f"{what} is empty: write a few words")
    if "\x00" in value:
        raise UsageError(f"{what} contains a NUL byte: remove it and try again")
    if len(value) > MAX_TEXT:
        raise UsageError(
            f"{what} is {len(value):,} characters; the limit is {MAX_TEXT:,}: shorten it"
        )
    return value.replace("\r\n", "\n").replace("\r", "\n").strip("\n")


def name(value: str | None, what: str = "partner name") -> str:
    cleaned = " ".join((value or "").split())
    if not cleaned:
        raise UsageError(f"the {what} is empty: give a name like 'Maria Lopez'")
    if _has_control(value or "", allow_newlines=False) or "\n" in (value or ""):
        raise UsageError(f"the {what} contains control characters: type it plainly")
    if len(cleaned) > MAX_NAME:
        raise UsageError(f"the {what} is longer than {MAX_NAME} characters: shorten it")
    return cleaned


def names(values: list[str] | None, what: str = "partner name") -> list[str]:
    """Names given as repeated options or comma-separated lists, de-duplicated."""
    out: list[str] = []
    seen: set[str] = set()
    for raw in values or []:
        for part in raw.split(",") if "," in raw else [raw]:
            n = name(part, what)
            if n.casefold() not in seen:
                seen.add(n.casefold())
                out.append(n)
    return out


def tags(values: list[str] | None) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    for raw in values or []:
        for part in raw.split(",") if "," in raw else [raw]:
            t = part.strip().lstrip("@#").strip()
            if not t:
                raise UsageError("a tag is empty: write it like --tag feedback")
            if any(c.isspace() for c in t) or _has_control(t, allow_newlines=False):
                raise UsageError(f"tag {t!r} has spaces or control characters: use one word")
            if len(t) > MAX_TAG:
                raise UsageError(f"a tag is longer than {MAX_TAG} characters: shorten it")
            if t.casefold() not in seen:
                seen.add(t.casefold())
                out.append(t)
    return out


def steps(values: list[int] | None) -> list[int]:
    out = []
    for s in values or []:
        if not 1 <= s <= 13:
            raise UsageError(f"step {s} does not exist: steps are numbered 1 to 13 (see 'pj steps')")
        if s not in out:
            out.append(s)
    return sorted(out)


def share(value: int | None) -> int | None:
    if value is None:
        return None
    if not 0 <= value <= 100:
        raise UsageError(f"important share {value} is not a percentage: give 0 to 100")
    return value


def positive_id(value: int, what: str = "entry id") -> int:
    if value < 1:
        raise UsageError(f"{what} {value} is not valid: ids are positive numbers (see 'pj log')")
    if value > 2**62:
        raise UsageError(f"{what} {value} is too large: see 'pj log' for ids")
    return value


def record_number(conn, number: int, get, what: str, listing: str):
    """The record ``get(conn, number)`` for a number a leader typed (``#3``), or one line:
    a number outside what a journal can hold is a usage error, a missing one not found.

    ``what`` names it in the message ("commitment"), ``listing`` is the command that
    shows the numbers ("pj commitment list")."""
    from ..errors import NotFound

    if not 1 <= number <= 2**62:
        raise UsageError(f"{what} #{number} is not valid: see '{listing}' for the numbers")
    found = get(conn, number)
    if found is None:
        raise NotFound(f"no {what} #{number} in this journal: see '{listing}'")
    return found
