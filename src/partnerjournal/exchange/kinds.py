"""The record kinds: the one description of what a journal holds, read by the store,
every exchange format (json, markdown), the merge and sync.

Each :class:`Kind` names its records (``name`` in JSON, ``marker`` in markdown,
``label`` for readers), their stable key (``uid``), their fields with type, range and
whether they may be missing (:class:`Field`), the rows that travel inside a record
(:class:`Child`: a reflection's steps, partners and tags) and its links to other kinds
*by uid*. :func:`check_record` checks one record against its kind, as every import and
every sync file is checked. Where each field is stored (``table``, ``column``, the
``order`` of an export) is part of the description so that the store needs no other;
the store (store/transfer.py) turns it into SQL.

Adding a field: one migration in store/schema.py, and one line here.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from ..models import BOXES, COMMITMENT_STATUSES, OBJECTIVE_KINDS, RELATIONS, TRUST_FACTORS

MAX_TEXT = 1_000_000
INT64 = (-(2**63), 2**63 - 1)
_UID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:~-]{0,99}")
_QUARTER = re.compile(r"\d{4}Q[1-4]")


class RecordError(ValueError):
    """A record that does not fit its kind; the caller adds file and line."""


# --- the description ------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """One value of a record.

    ``type`` is one of: uid, timestamp, date, when (a date or a timestamp), quarter, int, real, bool, choice, line
    (one line of text), tag, text (free text, shown as a block in markdown), steps (a
    list of step numbers kept as JSON in the column), link (the uid of a record of kind
    ``link``; the column holds that record's local id) and raw (a column this
    description does not know yet: any JSON scalar).
    """

    name: str
    type: str
    column: str = ""
    null: bool = False
    blank: bool = True  # may a line/text be empty or blank?
    lo: int = INT64[0]
    hi: int = INT64[1]
    choices: tuple[str, ...] = ()
    link: str = ""
    remap: str = ""  # the kind whose renamed ids this value follows (reflection → prompt)
    block: bool | None = None  # markdown: a text block (default: type == "text")
    default: Any = None  # the column's default, used when a record leaves the field out

    @property
    def col(self) -> str:
        return self.column or self.name

    @property
    def in_block(self) -> bool:
        return self.type == "text" if self.block is None else self.block


@dataclass(frozen=True)
class Child:
    """Rows of a link table that travel inside their parent record.

    One field: a list of values (``"steps": [1, 3]``); several: a list of objects
    (``"ratings": [{"step": 1, "rating": 4, "note": null}]``).
    """

    name: str
    table: str
    parent: str  # the column holding the parent's local id
    fields: tuple[Field, ...]
    order: str  # field name the list is sorted by (link lists sort by uid)
    marker: str = ""  # markdown marker of an object child

    @property
    def scalar(self) -> bool:
        return len(self.fields) == 1


@dataclass(frozen=True)
class Kind:
    """A record table: how it is named, identified, linked, ordered and merged."""

    name: str  # plural: the key in JSON exports ("reflections")
    marker: str  # singular: the markdown marker and messages ("reflection")
    label: str  # section heading for readers ("Reflections")
    table: str
    fields: tuple[Field, ...]
    children: tuple[Child, ...] = ()
    key: str = "uid"
    # the export's order: columns, or "link.field" for a field of the linked record;
    # never the local id, so exports of merged journals agree
    order: tuple[str, ...] = ("uid",)
    day: str = ""  # column giving the record's day, for --from/--until
    natural: str = ""  # column also matched when uids differ (case-blind names)
    derived: tuple[tuple[str, str], ...] = ()  # (column, field): name_key from name
    rename: str = ""  # field given a fresh value when it clashes (custom prompt ids)
    local_id: bool = True  # has an integer ``id`` that stays local
    timestamps: bool = True
    rule: Callable[[dict], str | None] | None = None
    # How a record is shown to readers: its markdown heading, from the record and a
    # function giving the name of a linked record (kind, uid) -> name; and the field
    # that names it where other records link to it (a partner's name).
    heading: Callable[[dict, Callable[[str, str], str]], str] | None = None
    shown: str = ""

    # Both are asked for once per exported record: computed once per kind (the
    # instance dict is written directly, as the dataclass is frozen).
    @property
    def field_names(self) -> dict[str, Field]:
        cached = self.__dict__.get("_field_names")
        if cached is None:
            cached = self.__dict__["_field_names"] = {f.name: f for f in self.fields}
        return cached

    def layout(self) -> tuple[Field | Child, ...]:
        """Output order: fields, then children, then created_at/updated_at."""
        cached = self.__dict__.get("_layout")
        if cached is None:
            stamps = [f for f in self.fields if f.name in ("created_at", "updated_at")]
            rest = [f for f in self.fields if f.name not in ("created_at", "updated_at")]
            cached = self.__dict__["_layout"] = (*rest, *self.children, *stamps)
        return cached

    def natural_value(self, rec: dict) -> str | None:
        if not self.natural:
            return None
        for column, source in self.derived:
            if column == self.natural:
                from ..store.journal import name_key  # the one rule, kept by the store

                return name_key(rec[source])
        return rec[self.natural]


def _stamps() -> tuple[Field, Field]:
    return (Field("created_at", "timestamp"), Field("updated_at", "timestamp"))


def _partner(column: str = "partner_id") -> Field:
    return Field("partner", "link", column=column, link="partners")


# Settings pj reads back, with the stored values it can use: a bad value from an import
# would break every command that counts quarters.
_SETTING_VALUES = {"fiscal-year-start": {str(n) for n in range(1, 13)}}


def _setting_rule(rec: dict) -> str | None:
    allowed = _SETTING_VALUES.get(rec["key"])
    if allowed is not None and rec["value"] not in allowed:
        return (f"setting {rec['key']!r} cannot be {_shown(rec['value'])}:"
                " it is a month number, 1 to 12")
    return None


def _commitment_rule(rec: dict) -> str | None:
    if "status" in rec and (rec["status"] == "open") != (rec.get("closed_at") is None):
        return "a commitment has closed_at exactly when its status is kept or dropped"
    return None


STEP = Field("step", "int", lo=1, hi=13)

# In dependency order: a record only links to kinds listed before it, so a streamed
# import finds every partner before the reflections that name it.
KINDS: tuple[Kind, ...] = (
    Kind(
        "settings", "setting", "Settings", "settings", key="key", order=("key",),
        fields=(Field("key", "line", blank=False, hi=200), Field("value", "text", block=False)),
        local_id=False, timestamps=False, rule=_setting_rule,
        heading=lambda r, of: r["key"],
    ),
    Kind(
        "custom_prompts", "prompt", "Your prompts", "custom_prompts",
        fields=(
            Field("uid", "uid"), Field("id", "line", blank=False, hi=100),
            Field("text", "text", blank=False), Field("steps", "steps"), *_stamps(),
        ),
        order=("created_at", "uid"), rename="id", local_id=False,
        heading=lambda r, of: r["id"],
    ),
    Kind(
        "partners", "partner", "Partners", "partners",
        fields=(
            Field("uid", "uid"), Field("name", "line", blank=False, hi=100),
            Field("box", "choice", null=True,
                  choices=BOXES),
            Field("relation", "choice", null=True, choices=RELATIONS),
            Field("note", "text", null=True), Field("archived_at", "when", null=True),
            *_stamps(),
        ),
        order=("name_key", "uid"), natural="name_key", derived=(("name_key", "name"),),
        heading=lambda r, of: r["name"], shown="name",
    ),
    Kind(
        "objectives", "objective", "Objectives", "objectives",
        fields=(
            Field("uid", "uid"), Field("name", "line", blank=False, hi=200),
            Field("kind", "choice", choices=OBJECTIVE_KINDS),
            Field("unit", "line", null=True, hi=50), Field("target", "real", null=True),
            Field("lower_is_better", "bool", default=False), *_stamps(),
        ),
        order=("name_key", "uid"), natural="name_key", derived=(("name_key", "name"),),
        heading=lambda r, of: r["name"], shown="name",
    ),
    Kind(
        "evaluations", "evaluation", "Quarterly evaluations", "evaluations",
        fields=(
            Field("uid", "uid"), Field("quarter", "quarter"),
            Field("progress", "text", default=""), Field("feedback", "text", default=""),
            *_stamps(),
        ),
        children=(
            Child("ratings", "evaluation_ratings", "evaluation_id",
                  (STEP, Field("rating", "int", lo=1, hi=5), Field("note", "text", null=True)),
                  order="step", marker="rating"),
        ),
        order=("quarter", "uid"), natural="quarter",
        heading=lambda r, of: f"Evaluation of {r['quarter']}", shown="quarter",
    ),
    Kind(
        "reflections", "reflection", "Reflections", "reflections",
        fields=(
            Field("uid", "uid"), Field("date", "date"), Field("text", "text", blank=False),
            Field("prompt_id", "line", null=True, hi=100, remap="custom_prompts"),
            Field("important_share", "int", null=True, lo=0, hi=100),
            # written to a contextual prompt: its rule, the record it was about, its text
            Field("prompt_rule", "line", null=True, blank=False, hi=100),
            Field("prompt_record", "line", null=True, blank=False, hi=200),
            Field("prompt_text", "text", null=True, blank=False), *_stamps(),
        ),
        children=(
            Child("steps", "reflection_steps", "reflection_id", (STEP,), order="step"),
            Child("partners", "reflection_partners", "reflection_id",
                  (_partner(),), order="partner"),
            Child("tags", "reflection_tags", "reflection_id", (Field("tag", "tag"),),
                  order="tag"),
        ),
        order=("date", "created_at", "uid"), day="date",
        heading=lambda r, of: f"{r['date']} · {r['created_at'][11:16]}",
    ),
    Kind(
        "sessions", "session", "Partnership sessions", "sessions",
        fields=(
            Field("uid", "uid"), _partner(), Field("date", "date"),
            Field("minutes", "int", lo=1, hi=1440), Field("successes", "text", default=""),
            Field("objectives", "text", default=""), Field("feedback", "text", default=""),
            *_stamps(),
        ),
        order=("date", "created_at", "uid"), day="date",
        heading=lambda r, of: f"{r['date']} · session with {of('partners', r['partner'])}",
    ),
    Kind(
        "commitments", "commitment", "Commitments", "commitments",
        fields=(
            Field("uid", "uid"), _partner(), Field("date", "date"),
            Field("text", "text", blank=False), Field("due", "date", null=True),
            Field("status", "choice", choices=COMMITMENT_STATUSES, default="open"),
            Field("closed_at", "date", null=True), Field("reason", "text", null=True),
            *_stamps(),
        ),
        order=("date", "created_at", "uid"), day="date", rule=_commitment_rule,
        heading=lambda r, of: f"{r['date']} · commitment to {of('partners', r['partner'])}",
    ),
    Kind(
        "trust_checks", "trust_check", "Trust checks", "trust_checks",
        fields=(
            Field("uid", "uid"), _partner(), Field("date", "date"),
            *(Field(n, "int", lo=1, hi=10)
              for n in TRUST_FACTORS),
            *_stamps(),
        ),
        order=("date", "created_at", "uid"), day="date",
        heading=lambda r, of: f"{r['date']} · trust check with {of('partners', r['partner'])}",
    ),
    Kind(
        "feedback", "partner_feedback", "Partner feedback", "feedback",
        fields=(
            Field("uid", "uid"), _partner(), Field("date", "date"),
            *(Field(n, "int", null=True, lo=1, hi=10)
              for n in (*TRUST_FACTORS, "satisfaction")),
            Field("keep", "text", default=""), Field("change", "text", default=""),
            *_stamps(),
        ),
        order=("date", "created_at", "uid"), day="date",
    ),
    Kind(
        "stories", "story", "Stories", "stories",
        fields=(
            Field("uid", "uid"), Field("date", "date"), Field("text", "text", blank=False),
            Field("impact", "text", null=True), *_stamps(),
        ),
        children=(
            Child("partners", "story_partners", "story_id", (_partner(),), order="partner"),
        ),
        order=("date", "created_at", "uid"), day="date",
    ),
    Kind(
        "measurements", "measurement", "Measurements", "measurements",
        fields=(
            Field("uid", "uid"),
            Field("objective", "link", column="objective_id", link="objectives"),
            Field("date", "date"), Field("value", "real"), Field("note", "text", null=True),
            *_stamps(),
        ),
        order=("date", "created_at", "uid"), day="date",
        heading=lambda r, of: f"{r['date']} · {of('objectives', r['objective'])}",
    ),
    Kind(
        "adjustments", "adjustment", "Adjustments", "adjustments",
        fields=(
            Field("uid", "uid"),
            Field("evaluation", "link", column="evaluation_id", link="evaluations"),
            Field("position", "int", lo=0, hi=1_000_000, default=0),
            Field("text", "text", blank=False), Field("steps", "steps", default=()), *_stamps(),
        ),
        order=("evaluation.quarter", "position", "created_at", "uid"),
        heading=lambda r, of: f"Adjustment for {of('evaluations', r['evaluation'])}",
    ),
)
KIND = {k.name: k for k in KINDS}


# --- checking one record --------------------------------------------------------------


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _has_control(text: str, newlines: bool) -> bool:
    if text.isprintable():  # no control character at all (the usual case)
        return False
    for ch in text:
        if newlines and ch in "\n\r\t":
            continue
        if unicodedata.category(ch) == "Cc":
            return True
    return False


def check_value(f: Field, value: Any) -> Any:
    """``value`` as stored for field ``f``, or :class:`RecordError` saying what is wrong."""
    if value is None:
        if f.null or f.type == "raw":
            return None
        raise RecordError(f"field {f.name!r} is missing (null)")
    check = _CHECKS.get(f.type)
    if check is None:
        raise AssertionError(f"unknown field type {f.type}")  # a bug in KINDS
    return check(f, value)


def _check_uid(f: Field, value: Any) -> Any:
    if not isinstance(value, str) or not _UID.fullmatch(value):
        raise RecordError(
            f"field {f.name!r}: {_shown(value)} is not an id (letters, digits, - _ . : ~)"
        )
    return value


def _check_timestamp(f: Field, value: Any) -> Any:
    if isinstance(value, str) and len(value) <= 40:
        try:
            if dt.datetime.fromisoformat(value).tzinfo is not None:
                return value
        except ValueError:
            pass
    raise RecordError(
        f"field {f.name!r}: {_shown(value)} is not a time like 2026-11-23T09:15:00+01:00"
    )


def _check_when(f: Field, value: Any) -> Any:  # a day (2026-11-23) or a moment with its offset
    try:
        return _check_date(f, value)
    except RecordError:
        try:
            return _check_timestamp(f, value)
        except RecordError:
            raise RecordError(
                f"field {f.name!r}: {_shown(value)} is not a date like 2026-11-23"
                " or a time like 2026-11-23T09:15:00+01:00"
            ) from None


def _check_date(f: Field, value: Any) -> Any:
    if isinstance(value, str) and len(value) == 10:
        try:
            dt.date.fromisoformat(value)
            return value
        except ValueError:
            pass
    raise RecordError(f"field {f.name!r}: {_shown(value)} is not a date like 2026-11-23")


def _check_quarter(f: Field, value: Any) -> Any:
    if isinstance(value, str) and _QUARTER.fullmatch(value):
        return value
    raise RecordError(f"field {f.name!r}: {_shown(value)} is not a quarter like 2026Q4")


def _check_int(f: Field, value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int):
        raise RecordError(f"field {f.name!r}: {_shown(value)} is not a whole number")
    if not f.lo <= value <= f.hi:
        raise RecordError(f"field {f.name!r}: {_shown(value)} is not between {f.lo} and {f.hi}")
    return value


def _check_real(f: Field, value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise RecordError(f"field {f.name!r}: {_shown(value)} is not a number")
    number = float(value)
    if not math.isfinite(number):
        raise RecordError(f"field {f.name!r}: {_shown(value)} is too large to be a number")
    return number


def _check_bool(f: Field, value: Any) -> Any:
    if not isinstance(value, bool):
        raise RecordError(f"field {f.name!r}: {_shown(value)} is not true or false")
    return value


def _check_choice(f: Field, value: Any) -> Any:
    if value not in f.choices:
        raise RecordError(
            f"field {f.name!r}: {_shown(value)} is not one of {', '.join(f.choices)}"
        )
    return value


def _check_line(f: Field, value: Any) -> Any:  # also tags
    if not isinstance(value, str):
        raise RecordError(f"field {f.name!r}: {_shown(value)} is not text")
    if _has_control(value, newlines=False):
        raise RecordError(f"field {f.name!r} contains line breaks or control characters")
    if f.type == "tag":
        if not value or len(value) > 60 or value.split() != [value]:  # no white space
            raise RecordError(f"tag {_shown(value)} is empty, has spaces or is over 60 characters")
    elif len(value) > f.hi:
        raise RecordError(f"field {f.name!r} is longer than {f.hi} characters")
    elif not f.blank and not value.strip():
        raise RecordError(f"field {f.name!r} is empty")
    return value


def _check_text(f: Field, value: Any) -> Any:
    if not isinstance(value, str):
        raise RecordError(f"field {f.name!r}: {_shown(value)} is not text")
    if "\x00" in value:
        raise RecordError(f"field {f.name!r} contains a NUL byte")
    if len(value) > MAX_TEXT:
        raise RecordError(f"field {f.name!r} is longer than {MAX_TEXT:,} characters")
    if not f.blank and not value.strip():
        raise RecordError(f"field {f.name!r} is empty")
    return value


def _check_steps(f: Field, value: Any) -> Any:
    if not isinstance(value, list):
        raise RecordError(f"field {f.name!r}: {_shown(value)} is not a list of steps")
    return [check_value(STEP, s) for s in value]


def _check_raw(f: Field, value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise RecordError(f"field {f.name!r}: {_shown(value)} is not a plain value")
    if isinstance(value, float) and not math.isfinite(value):
        raise RecordError(f"field {f.name!r}: {_shown(value)} is too large to be a number")
    if isinstance(value, int) and not INT64[0] <= value <= INT64[1]:
        raise RecordError(f"field {f.name!r}: {_shown(value)} is too large")
    return value


_CHECKS: dict[str, Callable[[Field, Any], Any]] = {
    "uid": _check_uid, "link": _check_uid, "timestamp": _check_timestamp,
    "when": _check_when, "date": _check_date, "quarter": _check_quarter, "int": _check_int,
    "real": _check_real, "bool": _check_bool, "choice": _check_choice, "line": _check_line,
    "tag": _check_line, "text": _check_text, "steps": _check_steps, "raw": _check_raw,
}


def check_record(kind: Kind, data: Any) -> dict:
    """A record of ``kind`` with every value checked, or :class:`RecordError`."""
    try:
        return _check_record(kind, data)
    except RecordError as exc:
        text = str(exc)
        raise RecordError(f"{kind.marker} {text}" if text.startswith("field") else text) from None


def _check_plan(kind: Kind) -> tuple[frozenset, list, list]:
    """What checking a record of ``kind`` needs, worked out once per kind (the dataclass
    is frozen, so it is kept in the instance dict): the names a record may have, and
    for each field and child its check function."""
    plan = kind.__dict__.get("_check_plan")
    if plan is None:
        names = frozenset([f.name for f in kind.fields] + [c.name for c in kind.children])
        fields = [(f.name, f, _CHECKS[f.type]) for f in kind.fields]
        children = [(c, c.fields[0], _CHECKS[c.fields[0].type] if c.scalar else None)
                    for c in kind.children]
        plan = kind.__dict__["_check_plan"] = (names, fields, children)
    return plan


def _check_record(kind: Kind, data: Any) -> dict:
    if not isinstance(data, dict):
        raise RecordError(f"a {kind.marker} record must be an object, not {_shown(data)}")
    names, fields, children = _check_plan(kind)
    unknown = [] if data.keys() <= names else [k for k in data if k not in names]
    if unknown:
        raise RecordError(
            f"a {kind.marker} has no field {unknown[0]!r} (fields: {', '.join(sorted(names))})"
        )
    rec: dict = {}
    for name, f, check in fields:
        if name in data:
            value = data[name]
        elif f.default is not None:
            value = list(f.default) if isinstance(f.default, tuple) else f.default
        elif not f.null and f.type != "raw":
            raise RecordError(f"the {kind.marker} has no {name!r}")
        else:
            value = None
        rec[name] = check_value(f, value) if value is None else check(f, value)
    for child, first, check in children:
        items = data.get(child.name, [])
        if not isinstance(items, list):
            raise RecordError(f"{child.name!r} of a {kind.marker} must be a list")
        if check is not None:
            rec[child.name] = [check_value(first, v) if v is None else check(first, v)
                               for v in items]
        else:
            rec[child.name] = [_check_child(kind, child, item) for item in items]
    if kind.rule and (problem := kind.rule(rec)):
        raise RecordError(problem)
    return rec


def _check_child(kind: Kind, child: Child, item: Any) -> dict:
    if not isinstance(item, dict):
        raise RecordError(f"each of {child.name!r} of a {kind.marker} must be an object")
    names = {f.name for f in child.fields}
    unknown = [k for k in item if k not in names]
    if unknown:
        raise RecordError(f"{child.marker or child.name} has no field {unknown[0]!r}")
    out = {}
    for f in child.fields:
        if f.name not in item and not f.null and f.type != "raw":
            raise RecordError(f"a {child.marker or child.name} of a {kind.marker} has no {f.name!r}")
        out[f.name] = check_value(f, item.get(f.name))
    return out



# Deleted records (schema 6) travel in exports after every kind, when there are any: not
# records of their own, read with this description and handed to the store's deletes.
DELETED = Kind(
    "deleted", "deleted", "Deleted records", "tombstones",
    fields=(
        Field("kind", "choice", choices=tuple(k.name for k in KINDS)),
        Field("uid", "uid"),
        Field("deleted_at", "timestamp"),
        Field("device", "line", hi=100),
    ),
    order=("kind", "uid"), local_id=False, timestamps=False,
    heading=lambda r, of: f"Deleted {r['kind'].replace('_', ' ')} {r['uid']}",
)


def links(kinds: Iterable[Kind]) -> Callable[[str, dict], list[tuple[str, str]]]:
    """The records (kind, uid) a record of each kind names: for the merge and sync."""
    plan = {
        k.name: ([(f.name, f.link) for f in k.fields if f.link],
                 [(c.name, c.fields[0].link) for c in k.children
                  if c.scalar and c.fields[0].link])
        for k in kinds
    }

    def named(kind: str, record: dict) -> list[tuple[str, str]]:
        fields, children = plan.get(kind, ((), ()))
        out = [(target, record[name]) for name, target in fields if record.get(name)]
        for name, target in children:
            out += [(target, uid) for uid in record.get(name) or ()]
        return out

    return named
