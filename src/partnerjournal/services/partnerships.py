"""Partners (add, list, show, edit, archive), the partnership map and the journal's
settings. Sessions, commitments and objectives have their own modules."""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass, field
from typing import Callable

from ..errors import Conflict, NotFound, UsageError
from ..models import BOXES, RELATIONS, Partner, Reflection
from ..store import journal as sj
from ..store import partnerships as sp
from ..store import transaction
from . import days_off
from . import quarters as jq
from . import validate

CLEAR = ("none", "-")  # what a leader types to unset a box or relation
NOTE_MAX = 2000
SHOW_REFLECTIONS = 10


# --- checks ---------------------------------------------------------------------------

def box(value: str | None, *, allow_clear: bool = False) -> str | None:
    """``leadership``, ``managers``, ``teams`` or ``employees`` (any case)."""
    if value is None:
        return None
    key = value.strip().lower()
    if allow_clear and key in CLEAR:
        return None
    if key not in BOXES:
        extra = " (or 'none' to clear it)" if allow_clear else ""
        raise UsageError(f"box {value!r} is not one of {', '.join(BOXES)}{extra}")
    return key


def relation(value: str | None, *, allow_clear: bool = False) -> str | None:
    """``direct``, ``influential`` or ``guidance`` (any case)."""
    if value is None:
        return None
    key = value.strip().lower()
    if allow_clear and key in CLEAR:
        return None
    if key not in RELATIONS:
        extra = " (or 'none' to clear it)" if allow_clear else ""
        raise UsageError(f"relation {value!r} is not one of {', '.join(RELATIONS)}{extra}")
    return key


def note(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    value = validate.text(value, "the note")
    if len(value) > NOTE_MAX:
        raise UsageError(f"the note is longer than {NOTE_MAX} characters: shorten it")
    return value


def require_partner(conn: sqlite3.Connection, name: str) -> Partner:
    """The partner called ``name`` (any case), or a NotFound that says how to add them."""
    cleaned = validate.name(name)
    found = sp.get_partner(conn, cleaned)
    if found is None:
        raise NotFound(
            f"no partner named {cleaned!r}: add them with pj partner add \"{cleaned}\""
            " --box ... --relation ..."
        )
    return found


def require_active(partner: Partner) -> None:
    if partner.archived:
        raise Conflict(
            f"{partner.name} is archived: restore them first with"
            f" pj partner archive \"{partner.name}\" --undo"
        )


def _existing(conn: sqlite3.Connection, name: str) -> Partner:
    found = sp.get_partner(conn, validate.name(name))
    if found is None:
        raise NotFound(f"no partner named {validate.name(name)!r}: see 'pj partner list'")
    return found


# --- partners -------------------------------------------------------------------------

def require_new(conn: sqlite3.Connection, name: str) -> str:
    """The cleaned name, or a Conflict when a partner already has it."""
    cleaned = validate.name(name)
    existing = sp.get_partner(conn, cleaned)
    if existing is not None:
        raise Conflict(
            f"{existing.name} is already a partner: change them with pj partner edit"
            f" \"{existing.name}\""
        )
    return cleaned


def add_partner(
    conn: sqlite3.Connection, name: str, *, box_: str | None, relation_: str | None,
    note_: str | None, now: str,
) -> Partner:
    fields = {"box": box(box_), "relation": relation(relation_), "note": note(note_)}
    cleaned = require_new(conn, name)
    with transaction(conn):
        sj.insert_partner(conn, cleaned, now, **fields)
    return sp.get_partner(conn, cleaned)


@dataclass
class PartnerRow:
    partner: Partner
    last_session: str | None

    def as_json(self) -> dict:
        return {**self.partner.as_json(), "last_session": self.last_session}


def list_partners(conn: sqlite3.Connection, *, include_archived: bool = True) -> list[PartnerRow]:
    last = sp.last_session_dates(conn)
    return [
        PartnerRow(p, last.get(p.id))
        for p in sp.list_partners(conn)
        if include_archived or not p.archived
    ]


def edit_partner(
    conn: sqlite3.Connection, name: str, *, now: str, new_name: str | None = None,
    box_: str | None = None, relation_: str | None = None, note_: str | None = None,
) -> Partner:
    """Change what is given; ``none`` clears a box or relation, an empty note clears it."""
    partner = _existing(conn, name)
    fields: dict[str, object] = {}
    if new_name is not None:
        cleaned = validate.name(new_name, "new name")
        other = sp.get_partner(conn, cleaned)
        if other is not None and other.id != partner.id:
            raise Conflict(f"another partner is already called {other.name}: choose another name")
        fields["name"] = cleaned
    if box_ is not None:
        fields["box"] = box(box_, allow_clear=True)
    if relation_ is not None:
        fields["relation"] = relation(relation_, allow_clear=True)
    if note_ is not None:
        fields["note"] = note(note_)
    if not fields:
        raise UsageError("nothing to change: give --name, --box, --relation or --note")
    with transaction(conn):
        sp.update_partner(conn, partner.id, updated_at=now, **fields)
    return sp.get_partner(conn, str(fields.get("name", partner.name)))


def archive_partner(
    conn: sqlite3.Connection, name: str, *, today: dt.date, now: str, undo: bool = False
) -> Partner:
    """Archive a partnership that has ended (its history stays), or restore it."""
    partner = _existing(conn, name)
    if undo and not partner.archived:
        raise Conflict(f"{partner.name} is not archived: nothing to restore")
    if not undo and partner.archived:
        raise Conflict(f"{partner.name} was already archived on {partner.archived_at[:10]}")
    with transaction(conn):
        sp.update_partner(
            conn, partner.id, updated_at=now, archived_at=None if undo else today.isoformat()
        )
    return sp.get_partner(conn, partner.name)


@dataclass
class KeptRate:
    """Commitments kept on time out of those that came to a head (closed, or open past
    their due date)."""

    kept_on_time: int = 0
    counted: int = 0

    @property
    def rate(self) -> float | None:
        return self.kept_on_time / self.counted if self.counted else None

    def label(self) -> str:
        if not self.counted:
            return "no commitments due yet"
        return f"{self.rate:.0%} kept on time ({self.kept_on_time} of {self.counted})"

    def as_json(self) -> dict:
        rate = None if self.rate is None else round(self.rate, 3)
        return {"kept_on_time": self.kept_on_time, "counted": self.counted, "rate": rate}


def kept_rate(commitments: list[sp.Commitment], today: dt.date) -> KeptRate:
    """The trust ledger's score: kept commitments closed on or before their due date (or
    with none) over all closed commitments and open ones past due."""
    day = today.isoformat()
    counted = [c for c in commitments if c.status != "open" or c.is_overdue(day)]
    return KeptRate(sum(c.kept_on_time() for c in counted), len(counted))


@dataclass
class PartnerDetail:
    partner: Partner
    reflection_count: int
    reflections: list[Reflection]  # the latest, newest first
    sessions: list[sp.Session]
    commitments: list[sp.Commitment]
    trust_checks: list[sp.TrustCheck]
    stories: list[sp.Story]
    kept: KeptRate
    today: dt.date
    # the partner's feedback, each beside the leader's check on or before its day
    feedback: list = field(default_factory=list)

    def as_json(self) -> dict:
        day = self.today.isoformat()
        return {
            **self.partner.as_json(),
            "reflections": {
                "count": self.reflection_count,
                "latest": [r.as_json() for r in self.reflections],
            },
            "sessions": [s.as_json() for s in self.sessions],
            "commitments": [c.as_json(day) for c in self.commitments],
            "kept_on_time": self.kept.as_json(),
            "trust_checks": [t.as_json() for t in self.trust_checks],
            "stories": [s.as_json() for s in self.stories],
            "feedback": [f.as_json() for f in self.feedback],
        }


def show_partner(conn: sqlite3.Connection, name: str, today: dt.date) -> PartnerDetail:
    partner = _existing(conn, name)
    commitments = sp.query_commitments(conn, partner_id=partner.id)
    return PartnerDetail(
        partner=partner,
        reflection_count=sp.reflection_count(conn, partner.id),
        reflections=list(
            sj.query_reflections(
                conn, sj.ReflectionFilter(partner_id=partner.id, limit=SHOW_REFLECTIONS)
            )
        ),
        sessions=sp.sessions_of(conn, partner.id),
        commitments=commitments,
        trust_checks=sp.trust_checks_of(conn, partner.id),
        stories=sp.query_stories(conn, partner_id=partner.id),
        kept=kept_rate(commitments, today),
        today=today,
        feedback=_feedback_history(conn, partner.id),
    )


def _feedback_history(conn: sqlite3.Connection, partner_id: int) -> list:
    from . import feedback

    return feedback.history(conn, partner_id)


# --- the partnership map --------------------------------------------------------------

@dataclass
class MapEntry:
    name: str
    relation: str | None
    session_done: bool
    overdue: int
    trust: float | None

    def as_json(self) -> dict:
        return {
            "name": self.name, "relation": self.relation, "session_done": self.session_done,
            "overdue_commitments": self.overdue,
            "trust": self.trust,
        }


@dataclass
class PartnershipMap:
    quarter: str
    boxes: dict[str, list[MapEntry]] = field(default_factory=dict)
    unboxed: list[MapEntry] = field(default_factory=list)
    archived: int = 0

    def as_json(self) -> dict:
        return {
            "quarter": self.quarter,
            "boxes": {k: [e.as_json() for e in v] for k, v in self.boxes.items()},
            "unboxed": [e.as_json() for e in self.unboxed],
            "archived": self.archived,
        }


def partnership_map(conn: sqlite3.Connection, today: dt.date, quarter: str | None = None) -> PartnershipMap:
    """The four boxes with their active partners: this quarter's session held or not,
    overdue commitments, latest trust score."""
    q = jq.resolve(conn, quarter, today)
    met = sp.partners_met_between(conn, q.start.isoformat(), q.end.isoformat())
    overdue = sp.overdue_counts(conn, today.isoformat())
    trust = sp.latest_trust_checks(conn, min(today, q.end).isoformat())
    result = PartnershipMap(quarter=str(q), boxes={b: [] for b in BOXES})
    for p in sp.list_partners(conn):
        if p.archived:
            result.archived += 1
            continue
        check = trust.get(p.id)
        entry = MapEntry(p.name, p.relation, p.id in met, overdue.get(p.id, 0),
                         check.score if check else None)
        (result.boxes[p.box] if p.box else result.unboxed).append(entry)
    return result


# --- settings -------------------------------------------------------------------------

MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december")


def month(value: str) -> int:
    """A month as 1–12 or its English name (``april``, ``Apr``)."""
    text = value.strip().lower()
    if text.isdigit() and 1 <= int(text) <= 12:
        return int(text)
    if len(text) >= 3:
        for n, name in enumerate(MONTHS, start=1):
            if name.startswith(text):
                return n
    raise UsageError(f"month {value!r} is not valid: give 1 to 12 or a name like April")


@dataclass(frozen=True)
class Setting:
    key: str
    help: str
    default: str
    parse: Callable[[str], str]  # what the leader typed -> stored value (or UsageError)
    describe: Callable[[str], str]  # stored value -> words for people

    def show(self, value: str) -> str:
        return self.describe(value)


def _leader_name(value: str) -> str:
    """Your own name as a partner should read it; 'none' clears it."""
    if value.strip().lower() in CLEAR:
        return ""
    return validate.name(value, "name")


SETTINGS = {
    jq.FISCAL_KEY: Setting(
        jq.FISCAL_KEY,
        "month your fiscal year starts in; quarters count from it",
        "1",
        lambda v: str(month(v)),
        lambda v: f"{v} ({MONTHS[int(v) - 1].capitalize()})",
    ),
    "your-name": Setting(
        "your-name",
        "your name as partners should read it on the feedback survey ('none' clears it)",
        "",
        _leader_name,
        lambda v: v or "(not set)",
    ),
    "contextual-prompts": Setting(
        "contextual-prompts",
        "on: some days the prompt is built from your journal (a commitment coming due,"
        " a session to prepare); off: catalog prompts only",
        "on",
        lambda v: _coach().parse_setting(v),
        lambda v: v,
    ),
    days_off.HOLIDAYS_KEY: Setting(
        days_off.HOLIDAYS_KEY,
        "public holidays no session date is proposed on: a country, or country-region "
        "(US, US-CA, DE-BY); none to clear",
        "",
        days_off.parse_holidays,
        days_off.describe_holidays,
    ),
    days_off.BLOCKED_KEY: Setting(
        days_off.BLOCKED_KEY,
        "your own days without sessions: days or ranges like 2026-12-21..2027-01-01, "
        "separated by commas (replaces the list; none to clear)",
        "",
        days_off.parse_blocked,
        days_off.describe_blocked,
    ),
    "encrypt": Setting(  # encryption.SETTING
        "encrypt",
        "encrypt exports and backups: off, passphrase, or age public keys (age1...)",
        "off",
        lambda v: _encryption().parse_setting(v),
        lambda v: _encryption().describe_setting(v),
    ),
    "sync-encrypt": Setting(  # services.sync.SETTING
        "sync-encrypt",
        "encrypt this journal's file in a sync folder: off, passphrase, or age public keys",
        "off",
        lambda v: _sync_encryption(v),
        lambda v: _encryption().describe_setting(v),
    ),
    "device-name": Setting(
        "device-name",
        "this machine's name in a sync folder, e.g. 'Work laptop' (kept on this machine"
        " only; 'none' clears it)",
        "",
        lambda v: "" if v.strip().lower() in CLEAR else validate.name(v, "device name"),
        lambda v: v or "(not set)",
    ),
}


def _sync_encryption(value: str) -> str:
    try:
        return _encryption().parse_setting(value)
    except UsageError as exc:
        raise UsageError(str(exc).replace("encrypt cannot be", "sync-encrypt cannot be", 1)
                         .replace("encrypt '", "sync-encrypt '", 1)) from None


# Settings of this machine, not of the journal: kept out of exports and sync.
LOCAL_SETTINGS = {"device-name"}


def _coach():
    from . import coach

    return coach


def _encryption():
    from ..exchange import encryption

    return encryption


def _setting(key: str) -> Setting:
    found = SETTINGS.get(key.strip().lower())
    if found is None:
        raise UsageError(f"no setting called {key!r}: known settings are {', '.join(SETTINGS)}")
    return found


def set_setting(conn: sqlite3.Connection, key: str, value: str) -> tuple[str, str]:
    setting = _setting(key)
    stored = setting.parse(value)
    with transaction(conn):
        if setting.key in LOCAL_SETTINGS:
            sj.set_device_name(conn, stored)
        else:
            sj.set_setting(conn, setting.key, stored)
    return setting.key, stored


def get_setting(conn: sqlite3.Connection, key: str) -> tuple[Setting, str, bool]:
    """(setting, value, whether it is the default)."""
    setting = _setting(key)
    if setting.key in LOCAL_SETTINGS:
        value = sj.device_name(conn) or None
    else:
        value = sj.get_setting(conn, setting.key)
    return setting, value if value is not None else setting.default, value is None


def list_settings(conn: sqlite3.Connection) -> list[tuple[Setting, str, bool]]:
    stored = sj.all_settings(conn)
    if name := sj.device_name(conn):
        stored["device-name"] = name
    return [(s, stored.get(k, s.default), k not in stored) for k, s in SETTINGS.items()]
