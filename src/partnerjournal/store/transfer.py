"""SQL for export, import, backup and restore, driven by the description of the record
kinds in exchange/kinds.py.

Each :class:`Kind` names its table, its stable key (``uid``), its fields and its links to
other kinds *by uid*; child rows (a reflection's steps, partners and tags, a story's
partners, an evaluation's ratings) travel inside their parent record. Local integer ids
never leave the journal. Export streams every kind whose table exists; import checks
each record, then merges it in batches: by uid, newer ``updated_at`` wins, partners,
objectives and evaluations also match by name or quarter when uids differ.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sqlite3
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterator

from ..errors import ImportFormatError, JournalError
# The description of the record kinds lives in exchange/kinds.py (no SQL); these names
# stay importable from here, where the SQL that reads it lives.
from ..exchange.kinds import (  # noqa: F401 - re-exported
    DELETED, INT64, KIND, KINDS, MAX_TEXT, STEP, Child, Field, Kind, RecordError, _shown,
    check_record, check_value,
)
from .journal import name_key

BATCH = 500  # records per executemany; also bounds the size of every IN (...) list
FETCH = 128  # rows an export reads at a time (two batches are alive at once)


# Tables that are not records: bookkeeping, search index, counts kept by triggers
# (step_weeks), and the link tables above.
NOT_RECORDS = {"migrations", "sqlite_sequence", "sqlite_stat1", "coach_days",
               "device", "versions", "tombstones", "conflicts", "sync_peers", "sync_seen",
               "sync_aliases", "step_weeks"}


# --- which kinds this journal has -----------------------------------------------------


def _columns(conn: sqlite3.Connection) -> dict[str, list[str]]:
    tables = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE '%VIRTUAL%'"
        )
    ]
    return {t: [r[1] for r in conn.execute(f"PRAGMA table_info([{t}])")] for t in tables}


def has_deletes(conn: sqlite3.Connection) -> bool:
    """Whether deletions are recorded (they travel in exports, after every record)."""
    return conn.execute("SELECT 1 FROM tombstones LIMIT 1").fetchone() is not None


def available_kinds(conn: sqlite3.Connection) -> list[Kind]:
    """The kinds whose tables exist in this journal, trimmed to the columns it has.

    A column the description does not know yet travels as a ``raw`` field, so an export
    never silently drops data added by a newer migration.
    """
    columns = _columns(conn)
    out = []
    for kind in KINDS:
        cols = columns.get(kind.table)
        if cols is None:
            continue
        known = {f.col for f in kind.fields} | {c for c, _ in kind.derived}
        if kind.local_id:
            known.add("id")
        fields = [f for f in kind.fields if f.col in cols]
        extra = [Field(c, "raw", null=True) for c in cols if c not in known]
        stamps = [f for f in fields if f.name in ("created_at", "updated_at")]
        fields = [f for f in fields if f not in stamps] + extra + stamps
        children = []
        for child in kind.children:
            ccols = columns.get(child.table)
            if ccols is None:
                continue
            cknown = {f.col for f in child.fields} | {child.parent}
            cfields = [f for f in child.fields if f.col in ccols]
            cfields += [Field(c, "raw", null=True) for c in ccols if c not in cknown]
            children.append(replace(child, fields=tuple(cfields)))
        out.append(replace(kind, fields=tuple(fields), children=tuple(children)))
    return out


# --- export ---------------------------------------------------------------------------


def _value_sql(f: Field, alias: str) -> str:
    if f.link:
        return f"(SELECT l.uid FROM [{KIND[f.link].table}] l WHERE l.rowid = {alias}.[{f.col}])"
    return f"{alias}.[{f.col}]"


def _order_sql(kind: Kind) -> str:
    """The kind's export order (exchange/kinds.py) as SQL over the table aliased t."""
    terms = []
    for name in kind.order:
        if "." in name:  # a field of the linked record: evaluation.quarter
            link, column = name.split(".", 1)
            f = kind.field_names[link]
            terms.append(f"(SELECT l.[{column}] FROM [{KIND[f.link].table}] l"
                         f" WHERE l.rowid = t.[{f.col}])")
        else:
            terms.append(f"t.[{name}]")
    return ", ".join(terms)


def reader_sorts(child: Child) -> bool:
    """Whether a child list comes from SQLite unsorted, for its reader to sort: a list
    of links (a reflection's partners), whose uids are texts (their column is TEXT), so
    Python's sort gives SQLite's BINARY order. Sorting them in SQLite ran a sorter for
    every record (0.03 s at 100,000 reflections); a reader sorts each distinct list once."""
    return child.scalar and bool(child.fields[0].link)


def _child_sql(child: Child) -> str:
    """A record's child list as JSON text (see :func:`reader_sorts` for its order)."""
    where = f"x.[{child.parent}] = t.rowid"
    if child.scalar:
        f = child.fields[0]
        value = _value_sql(f, "x")
        if reader_sorts(child):
            return f"(SELECT json_group_array({value}) FROM [{child.table}] x WHERE {where})"
        return (
            f"(SELECT json_group_array(v) FROM (SELECT {value} AS v FROM [{child.table}] x"
            f" WHERE {where} ORDER BY v))"
        )
    pairs = ", ".join(f"'{f.name}', {_value_sql(f, 'x')}" for f in child.fields)
    order = _value_sql(next(f for f in child.fields if f.name == child.order), "x")
    return (
        f"(SELECT json_group_array(json(v)) FROM (SELECT json_object({pairs}) AS v"
        f" FROM [{child.table}] x WHERE {where} ORDER BY {order}))"
    )


def _out_value(f: Field, value: Any) -> Any:
    if value is None:
        return None
    if f.type == "bool":
        return bool(value)
    if f.type == "steps":
        return json.loads(value)
    if f.type == "real":
        return float(value)
    return value


def iter_rows(
    conn: sqlite3.Connection,
    kinds: list[Kind],
    date_from: str | None = None,
    date_until: str | None = None,
    columns: Callable[[Kind], list[str]] | None = None,
    raw_text: bool = False,
) -> Iterator[tuple[Kind, list[tuple]]]:
    """Every record of ``kinds`` in dependency order, in batches of raw rows read from
    one consistent snapshot: the fields in ``kind.fields`` order (links as uids), then
    each child list as JSON text. :func:`record_maker` turns a row into a record;
    exporters that write rows directly save that per-record work. ``columns`` gives
    other select expressions for a kind (table alias ``t``), such as
    :func:`json_columns`. ``date_from``/``date_until`` limit the dated kinds. With
    ``raw_text`` texts come as the UTF-8 bytes SQLite holds, for a writer that passes
    them on without decoding them."""
    own = not conn.in_transaction
    if own:
        conn.execute("BEGIN")  # one snapshot, even while another pj writes
    try:
        for kind in kinds:
            if columns is not None:
                cols = columns(kind)
            else:
                cols = [_value_sql(f, "t") for f in kind.fields]
                cols += [_child_sql(c) for c in kind.children]
            where, params = [], []
            if kind.day and date_from:
                where.append(f"t.[{kind.day}] >= ?")
                params.append(date_from)
            if kind.day and date_until:
                where.append(f"t.[{kind.day}] <= ?")
                params.append(date_until)
            sql = f"SELECT {', '.join(cols)} FROM [{kind.table}] t"
            if where:
                sql += " WHERE " + " AND ".join(where)
            sql += f" ORDER BY {_order_sql(kind)}"
            cur = conn.cursor()
            cur.row_factory = None  # plain tuples: read by position, and cheaper to make
            cur.execute(sql, params)
            while rows := _fetch(cur, raw_text):
                yield kind, rows
    finally:
        # An export that failed half way may drop this generator after the connection
        # closed, which ended the read transaction already.
        with contextlib.suppress(sqlite3.ProgrammingError):
            if own and conn.in_transaction:
                conn.execute("COMMIT")


def _fetch(cur: sqlite3.Cursor, raw_text: bool) -> list[tuple]:
    if not raw_text:
        return cur.fetchmany(FETCH)
    conn = cur.connection
    factory = conn.text_factory  # read as each row is fetched; only these rows see bytes
    conn.text_factory = bytes
    try:
        return cur.fetchmany(FETCH)
    finally:
        conn.text_factory = factory


def record_maker(kind: Kind) -> Callable[[tuple], dict]:
    """A function turning a row of :func:`iter_rows` into the record as plain data,
    its keys in ``kind.layout()`` order."""
    n = len(kind.fields)
    fields = list(enumerate(kind.fields))
    children = [(n + j, child, reader_sorts(child)) for j, child in enumerate(kind.children)]
    order = [item.name for item in kind.layout()]

    def make(row: tuple) -> dict:
        values = {f.name: _out_value(f, row[i]) for i, f in fields}
        for i, child, unsorted in children:
            items = json.loads(row[i])
            if unsorted:
                items.sort()
            if not child.scalar:
                items = [
                    {f.name: _out_value(f, it[f.name]) for f in child.fields} for it in items
                ]
            values[child.name] = items
        return {name: values[name] for name in order}

    return make


# Field types SQLite's json_quote writes exactly as json.dumps(ensure_ascii=False) does:
# text columns (and link uids). Numbers stay with Python: a REAL prints differently.
_JSON_QUOTED = {"uid", "timestamp", "date", "when", "quarter", "line", "tag", "text",
                "choice", "link"}
_JSON_PROBE = "".join(map(chr, range(1, 32))) + "\"\\/\x7f\u2028\u2029\u00a0é😀'<&"


def json_quote_agrees(conn: sqlite3.Connection) -> bool:
    """Whether this SQLite's json_quote escapes text exactly as Python's json does."""
    try:
        quoted = conn.execute("SELECT json_quote(?)", (_JSON_PROBE,)).fetchone()[0]
    except sqlite3.Error:  # built without JSON
        return False
    return quoted == json.encoder.encode_basestring(_JSON_PROBE)


def json_columns(kind: Kind, quote: bool = True) -> tuple[list[str], list[tuple[str, Field | Child | None]]]:
    """Select expressions for a record's JSON line, one per field in ``kind.layout()``
    order, the text values quoted by json_quote. Returns the expressions and, for each,
    the text that comes before its value in the line (``{"uid": ``, ``, "date": ``) and
    None where SQLite wrote the value as JSON, or the field or child whose raw value
    Python still has to encode (numbers, children; with ``quote`` False, texts too).

    One column per value rather than the line joined with ``||`` in SQL: each ``||``
    copies everything before it, the long texts included (0.09 s of 0.6 s at 100,000
    reflections). Texts that are mostly empty and follow each other (a reflection's
    prompt_rule, prompt_record and prompt_text) share one column, a constant when all
    are NULL (0.02 s)."""
    exprs: list[str] = []
    spec: list[tuple[str, Field | Child | None]] = []
    run: list[tuple[str, Field]] = []  # quoted texts that may be NULL, in a row

    def close_run() -> None:
        if not run:
            return
        values = [(key, f"json_quote({_value_sql(f, 't')})") for key, f in run]
        if len(run) == 1:
            exprs.append(values[0][1])
        else:
            all_null = " AND ".join(f"{_value_sql(f, 't')} IS NULL" for _, f in run)
            nulls = "null" + "".join(key + "null" for key, _ in run[1:])
            joined = " || ".join([values[0][1]] + [f"{_sql_text(key)} || {value}"
                                                    for key, value in values[1:]])
            exprs.append(f"CASE WHEN {all_null} THEN {_sql_text(nulls)} ELSE {joined} END")
        spec.append((run[0][0], None))
        run.clear()

    for n, item in enumerate(kind.layout()):
        key = ("{" if n == 0 else ", ") + json.dumps(item.name) + ": "
        if quote and not hasattr(item, "table") and item.type in _JSON_QUOTED:
            if item.null and not item.link:
                run.append((key, item))
                continue
            close_run()
            exprs.append(f"json_quote({_value_sql(item, 't')})")
            spec.append((key, None))
            continue
        close_run()
        exprs.append(_child_sql(item) if hasattr(item, "table") else _value_sql(item, "t"))
        spec.append((key, item))
    close_run()
    return exprs, spec


def _sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


class Snapshot:
    """The records an export writes, read from one consistent snapshot when iterated:
    as raw rows (:meth:`rows`) or as JSON pieces (:meth:`json_rows`). ``counts`` tells
    how many records of each kind were read."""

    def __init__(self, conn: sqlite3.Connection, kinds: list[Kind],
                 date_from: str | None = None, date_until: str | None = None):
        self.conn, self.kinds = conn, kinds
        self.date_from, self.date_until = date_from, date_until
        self.counts = {k.name: 0 for k in kinds}
        self.json_spec: dict[str, list[tuple[str, Field | Child | None]]] = {}

    def rows(self) -> Iterator[tuple[Kind, list[tuple]]]:
        """Batches of rows as :func:`iter_rows` reads them."""
        yield from self._counted(iter_rows(self.conn, self.kinds, self.date_from, self.date_until))

    def json_rows(self) -> Iterator[tuple[Kind, list[tuple]]]:
        """Batches of rows of :func:`json_columns`, texts as UTF-8 bytes;
        ``json_spec[kind.name]`` says what each column holds."""
        quote = json_quote_agrees(self.conn)

        def columns(kind: Kind) -> list[str]:
            exprs, self.json_spec[kind.name] = json_columns(kind, quote)
            return exprs

        yield from self._counted(iter_rows(self.conn, self.kinds, self.date_from,
                                           self.date_until, columns, raw_text=True))

    def _counted(self, batches):
        for kind, rows in batches:
            self.counts[kind.name] += len(rows)
            yield kind, rows


def iter_records(
    conn: sqlite3.Connection,
    kinds: list[Kind],
    date_from: str | None = None,
    date_until: str | None = None,
) -> Iterator[tuple[Kind, dict]]:
    """Every record of ``kinds`` in dependency order, as plain data (see
    :func:`iter_rows`)."""
    makers: dict[str, Callable[[tuple], dict]] = {}
    for kind, rows in iter_rows(conn, kinds, date_from, date_until):
        make = makers.get(kind.name) or makers.setdefault(kind.name, record_maker(kind))
        for row in rows:
            yield kind, make(row)


# --- import ---------------------------------------------------------------------------


@dataclass
class Counts:
    added: int = 0
    updated: int = 0
    skipped: int = 0
    merged: int = 0  # matched by name (or quarter) although the ids differ

    @property
    def total(self) -> int:
        return self.added + self.updated + self.skipped + self.merged

    def as_json(self) -> dict:
        return {"added": self.added, "updated": self.updated, "skipped": self.skipped,
                "merged": self.merged}


@dataclass
class _Item:
    rec: dict
    where: str
    links: dict = field(default_factory=dict)  # field name → local id(s)


def _stamp(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def newer(incoming: str, current: str) -> bool:
    """Whether ``incoming`` is a later moment than ``current`` (ISO 8601, any offsets)."""
    try:
        return _stamp(incoming) > _stamp(current)
    except (ValueError, TypeError):  # a stamp without offset: compare as text
        return incoming > current


def _chunks(values: list, size: int = BATCH) -> Iterator[list]:
    for i in range(0, len(values), size):
        yield values[i : i + size]


def _first_version_tables(conn: sqlite3.Connection) -> dict[str, tuple[str, str]]:
    """The tables whose insert trigger gives a new row the version "0:<updated_at>"
    (schema v6), with the kind the ``versions`` table names them by and the trigger's
    SQL."""
    from .schema import SYNCED_TABLES

    triggers = dict(conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'sync_%_insert'"
    ).fetchall())
    return {
        table: (kind, triggers[f"sync_{table}_insert"])
        for kind, table, key, first in SYNCED_TABLES
        if key == "uid" and first == "updated_at" and f"sync_{table}_insert" in triggers
    }


@contextlib.contextmanager
def rollback_journal_if_empty(conn: sqlite3.Connection) -> Iterator[None]:
    """Around an import's transaction: into a journal without reflections, write through
    a rollback journal instead of the WAL.

    In WAL mode every page of a large import is written twice, to the WAL and then, at
    the commit's checkpoint, into the journal (200 MB each for 100,000 reflections). A
    rollback journal only keeps the few pages the empty journal had; the new ones go
    straight into the file, once. The commit stays atomic, and an import killed half
    way leaves a hot rollback journal that SQLite undoes when the journal is next
    opened. The mode can change only while no other connection has the journal open:
    if one has, the import runs in WAL mode as always. The WAL comes back afterwards,
    success or not."""
    switched = False
    if not conn.in_transaction and not conn.execute("SELECT 1 FROM reflections LIMIT 1").fetchone():
        with contextlib.suppress(sqlite3.OperationalError):  # another connection: locked
            switched = conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0] == "delete"
    try:
        yield
    finally:
        if switched:
            with contextlib.suppress(sqlite3.OperationalError):
                conn.execute("PRAGMA journal_mode = WAL")


def pause_derived(conn: sqlite3.Connection) -> list[str] | None:
    """Into a journal without reflections, an import fills the full-text index and the
    reflections per step and week once at the end instead of row by row (about 4x
    faster on large imports). Drops their triggers (and the reflections' secondary
    indexes) and returns their SQL for :func:`resume_derived`; call both inside
    the import's transaction, so a failure brings the triggers back with everything
    else. Returns None (nothing paused) when the journal already holds reflections:
    rebuilding their index would cost more than it saves."""
    if conn.execute("SELECT 1 FROM reflections LIMIT 1").fetchone():
        return None
    triggers = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
        " AND ((tbl_name = 'reflections' AND name LIKE 'reflections_a_')"
        " OR name LIKE 'step~_weeks~_%' ESCAPE '~')"
    ).fetchall()
    for name, _ in triggers:
        conn.execute(f"DROP TRIGGER [{name}]")
    # The reflections' own secondary indexes (by day, by step, partner and tag) are
    # likewise built once, sorted, at the end: the import never looks rows up by them.
    indexes = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        " AND tbl_name IN ('reflections', 'reflection_steps', 'reflection_partners',"
        " 'reflection_tags')"
    ).fetchall()
    for name, _ in indexes:
        conn.execute(f"DROP INDEX [{name}]")
    return [sql for _, sql in indexes] + [sql for _, sql in triggers]


def resume_derived(conn: sqlite3.Connection, triggers: list[str] | None) -> None:
    if triggers is None:
        return
    for sql in triggers:
        conn.execute(sql)
    # what the step_weeks triggers would have counted, in one grouped pass (as the
    # migration that made the table fills it)
    conn.execute("DELETE FROM step_weeks")
    conn.execute(
        "INSERT INTO step_weeks (step, week, reflections)"
        " SELECT x.step, date(r.date, 'weekday 0', '-6 days') AS week, count(*)"
        " FROM reflection_steps x JOIN reflections r ON r.id = x.reflection_id"
        " WHERE week IS NOT NULL GROUP BY x.step, week"
    )
    # Merging segments while the index is rebuilt costs a quarter of the rebuild; the
    # default merging (automerge 4) is back before the transaction ends. The rebuild
    # also gathers terms in a 4 MB hash instead of 1 MB before it writes a segment:
    # fewer, larger segments, 0.2 s less at 100,000 reflections, for at most 3 MB more
    # memory whatever the journal's size; the default is back as well.
    option = "INSERT INTO reflections_fts (reflections_fts, rank) VALUES (?, ?)"
    conn.executemany(option, [(name, during) for name, during, _ in _REBUILD_OPTIONS])
    conn.execute("INSERT INTO reflections_fts (reflections_fts) VALUES ('rebuild')")
    conn.executemany(option, [(name, default) for name, _, default in _REBUILD_OPTIONS])


# The full-text index's options while it is rebuilt, and their defaults.
_REBUILD_OPTIONS = (("automerge", 0, 4), ("hashsize", 4 << 20, 1 << 20))


class Merge:
    """Merges checked records into the journal; call inside ``store.transaction``.

    Records are buffered per kind and written in batches. A record whose link points to
    a record not seen yet waits until the end of the import (files of a folder may come
    in any order); one still unresolved then is an error naming its file and line.
    Call :meth:`finish` before the transaction ends: it writes what is buffered and
    gives the new records their versions.
    """

    def __init__(self, conn: sqlite3.Connection, kinds: list[Kind]):
        self.conn = conn
        self.kinds = {k.name: k for k in kinds}
        self.by_marker = {k.marker: k for k in kinds}
        self.counts: dict[str, Counts] = {k.name: Counts() for k in kinds}
        self.notes: list[str] = []
        self._kind: Kind | None = None
        self._batch: list[_Item] = []
        self._keys: set = set()
        self._waiting: list[tuple[Kind, _Item]] = []
        self._retrying = False
        self._alias: dict[tuple[str, str], int] = {}  # (kind, uid in the file) → local id
        self._renamed: dict[str, dict[str, str]] = {}  # kind → {id in the file: id here}
        self._row_plans: dict[tuple[str, bool], tuple[list[str], list[tuple[str, str]]]] = {}
        self._first_versions = _first_version_tables(conn)
        self._unversioned: dict[str, int] = {}  # table → its largest rowid before them
        self._held: list[str] = []  # tables whose insert trigger is dropped for now

    # records in

    def add(self, kind_name: str, data: Any, where: str) -> None:
        kind = self.kinds.get(kind_name)
        if kind is None:
            if kind_name in KIND:
                raise ImportFormatError(
                    f"{where}: this journal has no {KIND[kind_name].label.lower()} yet:"
                    " update pj, then import again"
                )
            raise ImportFormatError(
                f"{where}: {_shown(kind_name)} is not a kind of record"
                f" (known: {', '.join(self.kinds)})"
            )
        try:
            rec = check_record(kind, data)
        except RecordError as exc:
            raise ImportFormatError(f"{where}: {exc}") from None
        keys = {("k", rec[kind.key])}
        if kind.natural:
            keys.add(("n", kind.natural_value(rec)))
        if kind is not self._kind or len(self._batch) >= BATCH or keys & self._keys:
            self.flush()
            self._kind = kind
        self._batch.append(_Item(rec, where))
        self._keys |= keys

    def flush(self) -> None:
        if self._batch and self._kind is not None:
            self._apply(self._kind, self._batch)
        self._batch, self._keys = [], set()

    def finish(self) -> dict[str, Counts]:
        """Write what is buffered, retry records that waited for a link; the counts."""
        self.flush()
        self._kind = None
        self._retrying = True
        waiting, self._waiting = self._waiting, []
        for kind in KINDS:
            for k, item in waiting:
                if k.name == kind.name:
                    self.add(k.name, item.rec, item.where)
            self.flush()
        self._write_first_versions()
        for table in self._held:  # the insert triggers, dropped by _write_rows
            self.conn.execute(self._first_versions[table][1])
        self._held.clear()
        return self.counts

    # links

    def _local_ids(self, kind: Kind, uids: set[str]) -> dict[str, int]:
        found = {u: self._alias[(kind.name, u)] for u in uids if (kind.name, u) in self._alias}
        rest = [u for u in uids if u not in found]
        for part in _chunks(rest):
            marks = ", ".join("?" for _ in part)
            for uid, rowid in self.conn.execute(
                f"SELECT uid, rowid FROM [{kind.table}] WHERE uid IN ({marks})", part
            ):
                found[uid] = rowid
        return found

    def _resolve(self, kind: Kind, items: list[_Item]) -> list[_Item]:
        """Fill each item's local link ids; items with a link not found yet wait."""
        wanted: dict[str, set[str]] = {}
        link_fields = [f for f in kind.fields if f.link]
        link_children = [c for c in kind.children if c.scalar and c.fields[0].link]
        for item in items:
            for f in link_fields:
                wanted.setdefault(f.link, set()).add(item.rec[f.name])
            for c in link_children:
                wanted.setdefault(c.fields[0].link, set()).update(item.rec[c.name])
        ids = {target: self._local_ids(KIND[target], uids) for target, uids in wanted.items()}
        ready = []
        for item in items:
            missing = None
            for f in link_fields:
                local = ids[f.link].get(item.rec[f.name])
                if local is None:
                    missing = (f.link, item.rec[f.name])
                item.links[f.name] = local
            for c in link_children:
                target = c.fields[0].link
                locals_ = []
                for uid in item.rec[c.name]:
                    if uid not in ids[target]:
                        missing = (target, uid)
                    locals_.append(ids[target].get(uid))
                item.links[c.name] = locals_
            if missing is None:
                ready.append(item)
            elif not self._retrying:
                self._waiting.append((kind, item))
            else:
                target, uid = missing
                raise ImportFormatError(
                    f"{item.where}: this {kind.marker} names {KIND[target].marker} {uid},"
                    " which is neither in the journal nor in the import"
                )
        return ready

    # merging

    def _existing(self, kind: Kind, column: str, values: list) -> dict[Any, dict]:
        """Rows of ``kind`` whose ``column`` is one of ``values``, keyed by that value."""
        cols = {"rowid": "rowid", "k": f"[{column}]"}
        if kind.timestamps:
            cols["updated_at"] = "updated_at"
        for f in kind.fields:
            if f.name == kind.rename or not kind.timestamps:
                cols[f.col] = f"[{f.col}]"
        select = ", ".join(f"{expr} AS [{name}]" for name, expr in cols.items())
        found = {}
        for part in _chunks(values):
            marks = ", ".join("?" for _ in part)
            sql = f"SELECT {select} FROM [{kind.table}] WHERE [{column}] IN ({marks})"
            for row in self.conn.execute(sql, part):
                found[row[1]] = dict(zip(cols, row))
        return found

    def _apply(self, kind: Kind, items: list[_Item]) -> None:
        for f in kind.fields:
            if f.remap and f.remap in self._renamed:
                for item in items:
                    value = item.rec[f.name]
                    item.rec[f.name] = self._renamed[f.remap].get(value, value)
        items = self._resolve(kind, items)
        if not items:
            return
        counts = self.counts[kind.name]
        by_key = self._existing(kind, kind.key, [i.rec[kind.key] for i in items])
        by_natural: dict = {}
        if kind.natural:
            loose = [kind.natural_value(i.rec) for i in items if i.rec[kind.key] not in by_key]
            if loose:
                by_natural = self._existing(kind, kind.natural, loose)
        inserts: list[_Item] = []
        updates: list[tuple[_Item, int]] = []
        for item in items:
            rec = item.rec
            row = by_key.get(rec[kind.key])
            merged = False
            if row is None and kind.natural:
                row = by_natural.get(kind.natural_value(rec))
                merged = row is not None
            if row is None:
                inserts.append(item)
                continue
            if merged:
                self._alias[(kind.name, rec[kind.key])] = row["rowid"]
                shown = rec.get("name") or rec.get(kind.natural)
                self.notes.append(
                    f"{kind.marker} {shown!r} matched the journal's by "
                    f"{'name' if kind.natural == 'name_key' else kind.natural}: merged"
                )
            if kind.rename:
                here = row[kind.field_names[kind.rename].col]
                if here != rec[kind.rename]:
                    self._renamed.setdefault(kind.name, {})[rec[kind.rename]] = here
            if not kind.timestamps:
                values = [rec[f.name] for f in kind.fields if f.name != kind.key]
                here_values = [row[f.col] for f in kind.fields if f.name != kind.key]
                if values != here_values:
                    self.notes.append(
                        f"{kind.marker} {rec[kind.key]!r} differs in the import:"
                        " kept this journal's value"
                    )
                counts.skipped += 1
                continue
            if newer(rec["updated_at"], row["updated_at"]):
                updates.append((item, row["rowid"]))
                if not merged:
                    counts.updated += 1
            elif not merged:
                counts.skipped += 1
            if merged:
                counts.merged += 1
        if kind.rename:
            self._fresh_ids(kind, inserts)
        counts.added += len(inserts)
        self._write(kind, inserts, updates)

    def _fresh_ids(self, kind: Kind, inserts: list[_Item]) -> None:
        """Give a new record whose short id is taken (two machines both made mine-1)
        the next free one, and remember it so records naming it follow."""
        if not inserts:
            return
        from ..catalog import load_catalog

        col = kind.field_names[kind.rename].col
        taken = {r[0] for r in self.conn.execute(f"SELECT [{col}] FROM [{kind.table}]")}
        taken |= {p.id for p in load_catalog().prompts}
        renamed = self._renamed.setdefault(kind.name, {})
        for item in inserts:
            wanted = item.rec[kind.rename]
            if wanted in taken:
                n = 1
                while f"mine-{n}" in taken:
                    n += 1
                item.rec[kind.rename] = f"mine-{n}"
                renamed[wanted] = item.rec[kind.rename]
                self.notes.append(
                    f"{kind.marker} {wanted} from the import is saved as mine-{n}:"
                    f" {wanted} was taken"
                )
            taken.add(item.rec[kind.rename])

    def _row(self, kind: Kind, item: _Item, *, update: bool) -> tuple[list[str], list]:
        cols, plan = self._row_plan(kind, update)
        rec, links = item.rec, item.links
        values = [
            (links[name] if how == "link" else json.dumps(rec[name]) if how == "steps"
             else int(rec[name]) if how == "bool" else name_key(rec[name]) if how == "key"
             else rec[name])
            for name, how in plan
        ]
        return cols, values

    def _row_plan(self, kind: Kind, update: bool) -> tuple[list[str], list[tuple[str, str]]]:
        """The columns a record is written to and, for each, the field it comes from and
        how (as is, a link's local id, steps as JSON, a bool as 0/1, a name's key)."""
        key = (kind.name, update)
        plan = self._row_plans.get(key)
        if plan is None:
            cols, how = [], []
            for f in kind.fields:
                if update and (f.name == kind.key or f.name == kind.rename):
                    continue  # the journal keeps its own uid and short id
                cols.append(f.col)
                how.append((f.name, "link" if f.link else f.type if f.type in ("steps", "bool")
                            else ""))
            for column, source in kind.derived:
                cols.append(column)
                how.append((source, "key"))
            plan = self._row_plans[key] = (cols, how)
        return plan

    def _write(self, kind: Kind, inserts: list[_Item], updates: list[tuple[_Item, int]]) -> None:
        if not updates:
            self._insert(kind, inserts)
            return
        self.conn.execute("SAVEPOINT pj_import_batch")
        try:
            self._write_rows(kind, inserts, updates)
        except sqlite3.IntegrityError:
            self.conn.execute("ROLLBACK TO pj_import_batch")
            self._find_refused(kind, inserts, updates)
            raise  # not reached: _find_refused raises with the record's place
        finally:
            self.conn.execute("RELEASE pj_import_batch")

    def _insert(self, kind: Kind, inserts: list[_Item]) -> None:
        """A batch of new records only, written without a savepoint: SQLite would first
        copy aside every page the batch touches that was there before it (mostly the
        uid index's, at random places), about a quarter of the writing of a large
        import. A record the journal refuses fails the whole import, whose transaction
        then rolls back; to name it, the batch's rows (and with them their child rows)
        are taken out again and written one by one."""
        table = kind.table
        before = self.conn.execute(f"SELECT coalesce(max(rowid), 0) FROM [{table}]").fetchone()[0]
        try:
            self._write_rows(kind, inserts, [])
        except sqlite3.IntegrityError:
            self.conn.execute(f"DELETE FROM [{table}] WHERE rowid > ?", (before,))
            self._find_refused(kind, inserts, [])
            raise  # not reached: _find_refused raises with the record's place

    def _find_refused(self, kind: Kind, inserts, updates) -> None:
        """Write row by row to name the record the journal refuses."""
        for item, one_insert, one_update in [
            *((i, [i], []) for i in inserts),
            *((u[0], [], [u]) for u in updates),
        ]:
            self.conn.execute("SAVEPOINT pj_import_row")
            try:
                self._write_rows(kind, one_insert, one_update)
            except sqlite3.IntegrityError as exc:
                self.conn.execute("ROLLBACK TO pj_import_row")
                self.conn.execute("RELEASE pj_import_row")
                raise ImportFormatError(f"{item.where}: {self._refusal(kind, item, exc)}") from None
            self.conn.execute("RELEASE pj_import_row")

    def _refusal(self, kind: Kind, item: _Item, exc: sqlite3.IntegrityError) -> str:
        text = " ".join(str(exc).split())  # a CHECK constraint may span lines
        if "UNIQUE" in text and kind.natural and kind.natural in text:
            what = "name" if kind.natural == "name_key" else kind.natural
            value = item.rec.get("name") or item.rec.get(kind.natural)
            return (
                f"another {kind.marker} in the journal already has the {what} {value!r}:"
                " rename one of them, then import again"
            )
        return f"the journal refused this {kind.marker} ({text}): correct it and import again"

    def _write_rows(self, kind: Kind, inserts: list[_Item], updates: list[tuple[_Item, int]]) -> None:
        conn = self.conn
        last_rowid = f"SELECT coalesce(max(rowid), 0) FROM [{kind.table}]"
        before = after = 0
        if inserts:
            cols, _ = self._row(kind, inserts[0], update=False)
            marks = ", ".join("?" for _ in cols)
            before = conn.execute(last_rowid).fetchone()[0]
            if kind.table in self._first_versions:
                self._unversioned.setdefault(kind.table, before)
                if kind.table not in self._held:
                    conn.execute(f"DROP TRIGGER [sync_{kind.table}_insert]")
                    self._held.append(kind.table)
            conn.executemany(
                f"INSERT INTO [{kind.table}] ({', '.join(f'[{c}]' for c in cols)}) VALUES ({marks})",
                [self._row(kind, i, update=False)[1] for i in inserts],
            )
            if kind.children:
                after = conn.execute(last_rowid).fetchone()[0]
        if updates:
            self._write_first_versions()  # an update builds on the version it replaces
            cols, _ = self._row(kind, updates[0][0], update=True)
            sets = ", ".join(f"[{c}] = ?" for c in cols)
            conn.executemany(
                f"UPDATE [{kind.table}] SET {sets} WHERE rowid = ?",
                [[*self._row(kind, i, update=True)[1], rowid] for i, rowid in updates],
            )
        if not kind.children:
            return
        parents: list[tuple[_Item, int]] = list(updates)
        if inserts and after - before == len(inserts):
            # SQLite gave each new row the next rowid after the largest, in order
            parents += [(item, rowid) for rowid, item in enumerate(inserts, before + 1)]
        elif inserts:
            ids = self._local_ids_direct(kind, [i.rec["uid"] for i in inserts])
            parents += [(i, ids[i.rec["uid"]]) for i in inserts]
        for child in kind.children:
            if updates:
                for part in _chunks([rowid for _, rowid in updates]):
                    marks = ", ".join("?" for _ in part)
                    conn.execute(
                        f"DELETE FROM [{child.table}] WHERE [{child.parent}] IN ({marks})", part
                    )
            cols = [child.parent, *(f.col for f in child.fields)]
            rows = []
            for item, rowid in parents:
                if child.scalar:
                    values = item.links[child.name] if child.fields[0].link else item.rec[child.name]
                    rows += [(rowid, v) for v in values]
                else:
                    rows += [
                        (rowid, *(it[f.name] for f in child.fields)) for it in item.rec[child.name]
                    ]
            if rows:
                marks = ", ".join("?" for _ in cols)
                conn.executemany(
                    f"INSERT OR IGNORE INTO [{child.table}] ({', '.join(f'[{c}]' for c in cols)})"
                    f" VALUES ({marks})",
                    rows,
                )

    def _write_first_versions(self) -> None:
        """Give the records inserted since the last call their first version, as the
        journal's insert triggers would have one by one ("0:<updated_at>", made here).

        The insert triggers are dropped while the import writes (:meth:`finish` puts
        them back, in the same transaction: a failed import rolls back to them); the
        versions are written here in one statement per table, sorted by uid, instead
        of 100,000 lookups and inserts at random places in ``versions`` (1.2 s of an
        import of 100,000 reflections into an empty journal, 0.15 s now). Called before
        any update (whose trigger reads the version it replaces) and by :meth:`finish`."""
        for table, after in self._unversioned.items():
            kind = self._first_versions[table][0]
            self.conn.execute(
                "INSERT OR REPLACE INTO versions (kind, uid, dot, past, record)"
                f" SELECT ?, uid, '0:' || updated_at, '[]', NULL FROM [{table}]"
                " WHERE rowid > ? ORDER BY +uid",  # +: sort, not a walk of the uid index
                (kind, after),
            )
        self._unversioned.clear()

    def _local_ids_direct(self, kind: Kind, uids: list[str]) -> dict[str, int]:
        found = {}
        for part in _chunks(uids):
            marks = ", ".join("?" for _ in part)
            for uid, rowid in self.conn.execute(
                f"SELECT uid, rowid FROM [{kind.table}] WHERE uid IN ({marks})", part
            ):
                found[uid] = rowid
        return found


# --- backup and restore ---------------------------------------------------------------


def backup_to(source: sqlite3.Connection, target: Path) -> None:
    """Copy the journal behind ``source`` into the (new, empty) file ``target`` through
    SQLite's online backup: a consistent snapshot even while another pj writes."""
    dest = sqlite3.connect(target, isolation_level=None)
    try:
        source.backup(dest)
        dest.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
    finally:
        dest.close()


def backup_image(source: sqlite3.Connection) -> bytes:
    """The bytes of a consistent copy of the journal behind ``source``, made in memory
    through SQLite's online backup, so that it can be encrypted before anything reaches
    the disk. The image is a self-contained rollback-journal file, as :func:`backup_to`
    writes."""
    memory = sqlite3.connect(":memory:", isolation_level=None)
    try:
        source.backup(memory)
        image = memory.serialize()
    finally:
        memory.close()
    # Bytes 18 and 19 of the header say WAL (2) or rollback journal (1); a copy of a WAL
    # journal keeps 2, and outside memory that mode needs a -wal file beside it. Joined
    # through a memoryview: one copy of the journal in memory, not two.
    return b"".join((image[:18], b"\x01\x01", memoryview(image)[20:]))


@dataclass
class JournalFileInfo:
    schema: int
    counts: dict[str, int]


def inspect_journal_file(path: Path, latest: int) -> JournalFileInfo:
    """Check that ``path`` is a sound partnerjournal file; its schema and record counts.

    Raises :class:`JournalError` saying what is wrong. Opens the file read-write, so call
    it on a private copy.
    """
    from . import SQLITE_HEADER

    with open(path, "rb") as fh:
        header = fh.read(16)
    if header != SQLITE_HEADER:
        raise JournalError(f"{path} is not a partnerjournal backup (not an SQLite file)")
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        try:
            result = conn.execute("PRAGMA integrity_check").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            columns = _columns(conn)
        except sqlite3.DatabaseError as exc:
            raise JournalError(f"{path} is damaged or not a journal ({exc})") from None
        if result != "ok":
            raise JournalError(f"{path} is damaged (integrity check: {result})")
        if version > latest:
            raise JournalError(
                f"{path} was written by a newer partnerjournal (schema {version}, this one"
                f" knows {latest}): upgrade pj to restore it"
            )
        if version < 1 or not {"reflections", "partners", "settings"} <= set(columns):
            raise JournalError(f"{path} is an SQLite file but not a partnerjournal journal")
        counts = record_counts(conn)
        conn.execute("PRAGMA journal_mode = WAL")  # the journal's own mode once in place
        return JournalFileInfo(schema=version, counts=counts)
    finally:
        conn.close()


def record_counts(conn: sqlite3.Connection) -> dict[str, int]:
    """How many records of each kind the journal holds."""
    tables = set(_columns(conn))
    return {
        k.name: conn.execute(f"SELECT count(*) FROM [{k.table}]").fetchone()[0]
        for k in KINDS
        if k.table in tables
    }


def hold_for_restore(path: Path) -> sqlite3.Connection:
    """Take the journal out of WAL mode and hold it exclusively, so no other pj reads
    or writes while it is copied aside and replaced. Close the connection afterwards."""
    conn = sqlite3.connect(path, timeout=5, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = DELETE")  # folds the WAL in; needs sole use
        conn.execute("BEGIN EXCLUSIVE")
    except sqlite3.OperationalError:
        conn.close()
        raise JournalError(
            "the journal is in use by another pj: close it, then restore again"
        ) from None
    return conn


def release_hold(conn: sqlite3.Connection, *, kept: bool) -> None:
    """End :func:`hold_for_restore`; a journal that was ``kept`` (the restore failed)
    gets its WAL mode back."""
    try:
        if kept:
            conn.execute("ROLLBACK")
            conn.execute("PRAGMA journal_mode = WAL")
    except sqlite3.Error:
        pass  # the journal is still sound in rollback-journal mode
    finally:
        conn.close()
