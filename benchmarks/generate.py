"""Synthetic journals for the benchmark suite, from a fixed seed.

One call writes the same reflections twice: as a pj journal (SQLite, through the store's
own ``connect`` so the schema is always the current one) and as a jrnl plain-text
journal with its config file. The partnership tables (partners, sessions, commitments,
trust checks, stories, objectives, measurements, evaluations) are filled in proportion
to the years covered, but only the tables the current schema has: other features add
them over time, and a table the generator does not understand is skipped with a note.

    python benchmarks/generate.py --size 10000 --out benchmarks/work/data/10000

Entries are 40-400 words of varied English words, dated over about one year at 1,000
entries, three at 10,000 and ten at 100,000 (several a day), ending on ``END``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import math
import os
import random
import sqlite3
import sys
import time
from pathlib import Path

GENERATOR_VERSION = 1  # bump when the content changes: cached journals are rebuilt
SEED = 20261123
END = dt.date(2026, 11, 23)  # the last day with entries; the suite fixes "today" to it
OFFSET = "+00:00"
BATCH = 5_000

# Common English words, a leader's working vocabulary among them. Ordered roughly by
# how often they are drawn (Zipf weights by rank), so texts read unevenly like prose.
WORDS = """
the and to of a in that it with for on was we is they this as but be at not have
team had about what so she he from my our their more time when them one which there
would all out who could been if said up how people work then than day will week just
also were some into did very because meeting after need over through before project
other only again first next asked much felt clear made way good still back most
plan manager morning question quarter today why where decision trust own while
little well long thought tomorrow later same never help know right changed problem
customer priority between budget idea finance partner strategy during without under
small around whole hard next talked spoke listened late early business review lead
listen noticed promised delivered promise sales product support design engineering
deadline goal goals numbers result results change office conversation feedback
coaching hiring board vendor contract release launch roadmap forecast margin target
targets agenda notes summary honest candid patient calm tense quiet direct careful
generous curious useful difficult simple complex urgent important schedule calendar
everyone nobody somebody colleague colleagues director directors executive leader
leaders leadership managers employees teams department function region market
pricing quality risk risks issue issues escalation budgeting hiring onboarding
learning training mentor mentoring delegate delegated delegation ownership
accountable accountability credibility reliability intimacy humility curiosity
courage respect credit blame mistake mistakes lesson lessons story stories example
examples energy focus attention distraction interruption email emails message call
calls slide slides document draft proposal approval request requests answer
answers reason reasons context background detail details picture signal signals
pattern patterns habit habits routine ritual practice practiced reflected wrote
written read reading writing thinking planning waiting walking driving travelling
lunch dinner coffee breakfast hallway kitchen whiteboard spreadsheet dashboard
metric metrics survey satisfaction retention turnover growth revenue cost costs
savings profit loss win wins lost gained shared showed explained agreed disagreed
argued pushed pulled moved stopped started finished opened closed missed kept
dropped carried followed forgot remembered apologized thanked praised challenged
supported ignored interrupted surprised worried relieved proud tired grateful
frustrated hopeful nervous confident unsure certain aware honestly openly quickly
slowly carefully briefly finally already almost nearly perhaps maybe probably
certainly rarely often sometimes always usually seldom together alone apart
forward upward outward inside outside behind ahead above below across beyond
warehouse factory clinic school campus store branch headquarters remote hybrid
garden river harbor mountain village city station airport bridge tunnel window
winter spring summer autumn rain snow sunshine wind evening night afternoon
monday tuesday wednesday thursday friday weekend holiday vacation anniversary
""".split()

TAGS = [
    "feedback", "hiring", "oneonone", "budget", "strategy", "customer", "conflict",
    "delegation", "recognition", "planning", "offsite", "roadmap", "quality",
    "coaching", "boardmeeting", "retro", "escalate", "learning", "wellbeing", "travel",
]
# Rarer words, each in about 1.5 % of entries: what a leader searches for is specific.
RARE_WORDS = [
    "sabbatical", "reorganisation", "offboarding", "keynote", "audit", "merger",
    "promotion", "hackathon", "outage", "relocation",
]
SEARCH_WORD = "sabbatical"

PARTNERS = [
    "Ana Moreno", "Ben Okafor", "Chloe Martin", "Daniel Weiss", "Elif Kaya",
    "Farah Haddad", "Gustav Lind", "Hana Sato", "Ivan Petrov", "Julia Costa",
    "Kwame Mensah", "Laura Becker", "Mateo Rossi", "Nadia Rahman", "Oscar Nilsson",
    "Priya Nair", "Quentin Dubois", "Rosa Alvarez", "Samuel Cohen", "Tamar Levi",
    "Umar Siddiqui", "Vera Novak", "William Hughes", "Xiu Chen", "Yusuf Demir",
    "Zoe Fischer", "Amara Eze", "Bruno Silva", "Carmen Ortiz", "Dmitri Volkov",
]
BOXES = ("leadership", "managers", "teams", "employees")
RELATIONS = ("direct", "influential", "guidance")
OBJECTIVES = [  # name, kind, unit, target, lower is better
    ("Quarterly revenue", "business", "MEUR", 12.0, 0),
    ("Delivery lead time", "business", "days", 10.0, 1),
    ("Customer satisfaction", "customer", "NPS", 45.0, 0),
    ("Support tickets reopened", "customer", "%", 5.0, 1),
    ("Employee engagement", "employee", "score", 80.0, 0),
    ("Regretted attrition", "employee", "%", 4.0, 1),
]


def span_days(size: int) -> int:
    """Days covered by a journal of ``size`` entries: ~1 year at 1k, ~10 at 100k."""
    return max(30, min(3650, round(365 * math.sqrt(size / 1000))))


def _quarter_of(day: dt.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def _quarter_bounds(year: int, number: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, 3 * number - 2, 1)
    after = dt.date(year + (number == 4), 1 if number == 4 else 3 * number + 1, 1)
    return start, after - dt.timedelta(days=1)


def last_full_quarter(end: dt.date = END) -> tuple[str, str]:
    """The quarter before the one ``end`` falls in, as (first day, last day)."""
    start, _ = _quarter_bounds(*_quarter_of(end))
    q_start, q_end = _quarter_bounds(*_quarter_of(start - dt.timedelta(days=1)))
    return q_start.isoformat(), q_end.isoformat()


class Text:
    """Sentences drawn from a fixed pool (fast), entries of 40-400 words."""

    def __init__(self, rng: random.Random, pool: int = 30_000):
        weights = [1 / (rank + 8) for rank in range(len(WORDS))]
        cum = list(itertools.accumulate(weights))
        self.rng = rng
        self.sentences: list[tuple[str, int]] = []
        for _ in range(pool):
            n = rng.randint(5, 18)
            words = rng.choices(WORDS, cum_weights=cum, k=n)
            if rng.random() < 0.01:
                words[rng.randrange(n)] = rng.choice(RARE_WORDS)
            if n > 9 and rng.random() < 0.4:
                words[rng.randint(3, n - 3)] += ","
            end = "?" if rng.random() < 0.08 else "."
            self.sentences.append((" ".join(words).capitalize() + end, n))

    def entry(self, partner: str | None, tags: list[str]) -> str:
        rng = self.rng
        random_ = rng.random
        pool, size = self.sentences, len(self.sentences)
        target = int(rng.triangular(40, 400, 110))
        paragraphs: list[list[str]] = [[]]
        words = 0
        while words < target:
            sentence, n = pool[int(random_() * size)]
            if words + n > 400 and words >= 40:
                break
            if paragraphs[-1] and random_() < 0.18:
                paragraphs.append([])
            paragraphs[-1].append(sentence)
            words += n
        if partner:
            paragraphs[0].insert(min(1, len(paragraphs[0])), f"Spoke with {partner}.")
        if tags:
            paragraphs[-1].append(" ".join("@" + t for t in tags))
        # The first sentence is the title (jrnl's rule); the rest is the body.
        first, rest = paragraphs[0][0], " ".join(paragraphs[0][1:])
        body = "\n\n".join([rest, *(" ".join(p) for p in paragraphs[1:])]).strip("\n")
        return first + ("\n" + body if body else "")


def _entry_days(rng: random.Random, size: int) -> list[dt.date]:
    days = span_days(size)
    start = END - dt.timedelta(days=days - 1)
    offsets = sorted(rng.randrange(days) for _ in range(size))
    offsets[-1] = days - 1  # the journal ends on END
    return [start + dt.timedelta(days=o) for o in offsets]


def _times(rng: random.Random, count: int) -> list[str]:
    minutes = sorted(rng.sample(range(7 * 60, 22 * 60), min(count, 900)))
    while len(minutes) < count:
        minutes.append(minutes[-1])
    return [f"{m // 60:02d}:{m % 60:02d}" for m in minutes]


def _uid(rng: random.Random) -> str:
    return f"{rng.getrandbits(128):032x}"


def _columns(conn: sqlite3.Connection, table: str) -> dict[str, bool]:
    """Column name -> whether a value is required (NOT NULL without a default)."""
    return {
        r[1]: bool(r[3]) and r[4] is None and not r[5]
        for r in conn.execute(f"PRAGMA table_info({table})")
    }


def _tables(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


class Writer:
    """Bulk inserts into whichever of the known tables the schema has."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self.tables = _tables(conn)
        self.counts: dict[str, int] = {}
        self.skipped: dict[str, str] = {}

    def usable(self, table: str, provided: set[str]) -> bool:
        if table in self.skipped:
            return False
        if table not in self.tables:
            self.skipped[table] = "not in this schema"
            return False
        missing = [c for c, req in _columns(self.conn, table).items() if req and c not in provided]
        if missing:
            self.skipped[table] = f"unknown required column(s) {', '.join(missing)}"
            return False
        return True

    def insert(self, table: str, rows: list[dict]) -> bool:
        """Insert ``rows`` (dicts; keys the table lacks are dropped). Returns whether
        the table was written."""
        if not rows or not self.usable(table, set(rows[0])):
            return False
        cols = [c for c in rows[0] if c in _columns(self.conn, table)]
        sql = (
            f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})"
        )
        self.conn.executemany(sql, ([row[c] for c in cols] for row in rows))
        self.counts[table] = self.counts.get(table, 0) + len(rows)
        return True


def _stamp(day: dt.date, hhmm: str = "09:00") -> str:
    return f"{day.isoformat()}T{hhmm}:00{OFFSET}"


class Batch:
    """Reflections and their links, written with executemany every ``BATCH`` entries.

    When the full-text index is an external-content FTS5 table fed by an insert
    trigger (as in schema v1), the trigger is set aside during the load and the index
    rebuilt once at the end: four times faster, and the same index. Any other trigger
    design is left alone.
    """

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self.suspended = self._suspend_index_triggers()
        self.reflections: list[tuple] = []
        self.steps: list[tuple] = []
        self.partners: list[tuple] = []
        self.tags: list[tuple] = []

    def add(self, row: tuple, steps, partner_id: int | None, tags: list[str]) -> None:
        rid = row[0]
        self.reflections.append(row)
        self.steps.extend((rid, s) for s in steps)
        if partner_id is not None:
            self.partners.append((rid, partner_id))
        self.tags.extend((rid, t) for t in tags)
        if len(self.reflections) >= BATCH:
            self.flush()

    def _suspend_index_triggers(self) -> list[tuple[str, str]]:
        fts = [
            name for name, sql in self.conn.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'table'"
                " AND sql LIKE 'CREATE VIRTUAL TABLE%fts5%'")
            if "content='reflections'" in sql.replace('"', "'").replace(" ", "")
        ]
        triggers = self.conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
            " AND tbl_name = 'reflections' AND sql LIKE '%AFTER INSERT ON reflections%'"
        ).fetchall()
        if not fts or not triggers:
            return []
        for _, sql in triggers:
            body = sql.split("BEGIN", 1)[-1].rsplit("END", 1)[0].strip().rstrip(";")
            if ";" in body or not any(f"INSERT INTO {t} " in body for t in fts):
                return []  # the trigger does more than feed the index: keep it
        for name, _ in triggers:
            self.conn.execute(f"DROP TRIGGER {name}")
        self.fts_tables = fts
        return [tuple(t) for t in triggers]

    def rebuild_search_index(self) -> None:
        for _, sql in self.suspended:
            self.conn.execute(sql)
        for table in getattr(self, "fts_tables", []) if self.suspended else []:
            self.conn.execute(f"INSERT INTO {table} ({table}) VALUES ('rebuild')")

    def flush(self) -> None:
        self.conn.executemany(
            "INSERT INTO reflections (id, uid, date, text, prompt_id, important_share,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            self.reflections,
        )
        self.conn.executemany("INSERT INTO reflection_steps VALUES (?, ?)", self.steps)
        self.conn.executemany("INSERT INTO reflection_partners VALUES (?, ?)", self.partners)
        self.conn.executemany("INSERT INTO reflection_tags VALUES (?, ?)", self.tags)
        for rows in (self.reflections, self.steps, self.partners, self.tags):
            rows.clear()


def schema_signature(db: Path) -> str:
    """The schema version and its tables: a cached journal is rebuilt when it changes."""
    conn = sqlite3.connect(db)
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        sql = "".join(r[0] or "" for r in conn.execute(
            "SELECT sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name"))
    finally:
        conn.close()
    import hashlib

    return f"v{version}-{hashlib.sha256(sql.encode()).hexdigest()[:12]}"


def jrnl_config(journal: Path) -> str:
    """A jrnl 4.6 config for ``journal``: plain text, no editor, no colour, so that
    ``jrnl "text"`` adds an entry without asking anything."""
    return "\n".join([
        "colors:",
        "  body: none",
        "  date: none",
        "  tags: none",
        "  title: none",
        "default_hour: 0",
        "default_minute: 0",
        "editor: ''",
        "encrypt: false",
        "highlight: false",
        "indent_character: '|'",
        "journals:",
        "  default:",
        f"    journal: {json.dumps(str(journal.resolve()))}",
        "linewrap: 79",
        "tagsymbols: '#@'",
        "template: false",
        "timeformat: '%Y-%m-%d %H:%M'",
        "version: '4.6'",
        "",
    ])


def generate(size: int, out: Path, seed: int = SEED) -> dict:
    """Write ``out/journal.sqlite``, ``out/journal.txt`` and ``out/jrnl.yaml``.

    Returns (and writes to ``out/meta.json``) what the benchmark needs to know: record
    counts, the tag, word and quarter it filters on and how many entries match each.
    """
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from partnerjournal import store
    from partnerjournal.catalog import load_catalog
    from partnerjournal.store import journal as sj

    started = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    db, txt = out / "journal.sqlite", out / "journal.txt"
    for stale in (db, Path(f"{db}-wal"), Path(f"{db}-shm"), txt, out / "meta.json"):
        stale.unlink(missing_ok=True)

    rng = random.Random(seed)
    text = Text(rng)
    prompts = [(p.id, p.steps) for p in load_catalog().prompts]
    days = _entry_days(rng, size)
    first_day = days[0]
    tag_weights = [1 / (k + 2) for k in range(len(TAGS))]
    tag_counts = dict.fromkeys(TAGS, 0)
    q_from, q_until = last_full_quarter()
    search_hits = quarter_hits = 0

    conn = store.connect(db)
    conn.execute("PRAGMA synchronous = OFF")  # a throwaway file: no need to be durable
    writer = Writer(conn)
    partner_cols = _columns(conn, "partners")
    with store.transaction(conn), open(txt, "w", encoding="utf-8") as jrnl:
        partner_ids = []
        for i, name in enumerate(PARTNERS):
            extra = {}
            if "box" in partner_cols:
                extra["box"] = BOXES[i % 4]
            if "relation" in partner_cols:
                extra["relation"] = RELATIONS[i % 3]
            partner_ids.append(
                sj.insert_partner(conn, name, _stamp(first_day), uid=_uid(rng), **extra)
            )
        writer.counts["partners"] = len(partner_ids)

        batch = Batch(conn)
        rid = 0
        for day, group in itertools.groupby(days):
            iso = day.isoformat()
            for hhmm in _times(rng, len(list(group))):
                rid += 1
                partner = rng.randrange(len(PARTNERS)) if rng.random() < 0.55 else None
                k = rng.choice((0, 0, 1, 1, 1, 2, 3))
                tags = sorted(set(rng.choices(TAGS, weights=tag_weights, k=k)))
                body = text.entry(PARTNERS[partner] if partner is not None else None, tags)
                prompt_id, steps = None, (rng.randint(1, 13),)
                if rng.random() < 0.6:
                    prompt_id, steps = prompts[rng.randrange(len(prompts))]
                share = rng.randint(0, 100) if rng.random() < 0.5 else None
                stamp = _stamp(day, hhmm)
                batch.add(
                    (rid, _uid(rng), iso, body, prompt_id, share, stamp, stamp),
                    steps,
                    partner_ids[partner] if partner is not None else None,
                    tags,
                )
                jrnl.write(f"[{iso} {hhmm}] {body}\n\n")
                for t in tags:
                    tag_counts[t] += 1
                search_hits += SEARCH_WORD in body.lower()
                quarter_hits += q_from <= iso <= q_until
        batch.flush()
        batch.rebuild_search_index()
        writer.counts["reflections"] = rid
        _partnership_records(writer, rng, text, first_day, partner_ids)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("ANALYZE")
    conn.close()
    os.chmod(db, 0o600)

    (out / "jrnl.yaml").write_text(jrnl_config(txt), encoding="utf-8")
    tag = sorted(TAGS, key=lambda t: (tag_counts[t], t))[len(TAGS) // 2]
    meta = {
        "generator": GENERATOR_VERSION,
        "seed": seed,
        "size": size,
        "first_day": first_day.isoformat(),
        "last_day": END.isoformat(),
        "schema": schema_signature(db),
        "records": writer.counts,
        "skipped_tables": writer.skipped,
        "tag": tag,
        "tag_entries": tag_counts[tag],
        "search_word": SEARCH_WORD,
        "search_entries": search_hits,
        "quarter": [q_from, q_until],
        "quarter_entries": quarter_hits,
        "sqlite_mb": round(db.stat().st_size / 2**20, 1),
        "jrnl_mb": round(txt.stat().st_size / 2**20, 1),
        "seconds": round(time.perf_counter() - started, 2),
    }
    (out / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return meta


def _quarters(first: dt.date, last: dt.date):
    year, number = _quarter_of(first)
    while (year, number) <= _quarter_of(last):
        yield year, number
        year, number = (year + 1, 1) if number == 4 else (year, number + 1)


def _partnership_records(
    w: Writer, rng: random.Random, text: Text, first: dt.date, partner_ids: list[int]
) -> None:
    """Sessions, commitments, trust checks, stories, objectives, measurements and
    evaluations over the journal's quarters, as a leader who keeps the method would."""

    def day_in(a: dt.date, b: dt.date) -> dt.date:
        return a + dt.timedelta(days=rng.randrange((b - a).days + 1))

    def short(n: int = 2) -> str:
        return " ".join(text.sentences[rng.randrange(len(text.sentences))][0] for _ in range(n))

    def record(rid: int, day: dt.date) -> dict:
        stamp = _stamp(day)
        return {"id": rid, "uid": _uid(rng), "created_at": stamp, "updated_at": stamp}

    sessions, commitments, trust, stories, story_partners = [], [], [], [], []
    evaluations, ratings, adjustments = [], [], []
    current = _quarter_of(END)
    for year, number in _quarters(first, END):
        q_start, q_end = _quarter_bounds(year, number)
        q_start, q_end = max(q_start, first), min(q_end, END)
        for pid in partner_ids:
            if rng.random() < 0.8:
                day = day_in(q_start, q_end)
                sessions.append(record(len(sessions) + 1, day) | {
                    "partner_id": pid, "date": day.isoformat(),
                    "minutes": rng.choice((60, 75, 90, 90, 90, 120)),
                    "successes": short(), "objectives": short(), "feedback": short(),
                })
                for _ in range(rng.randint(0, 3)):
                    due = day + dt.timedelta(days=rng.randint(7, 60))
                    status = "open"
                    if due < END - dt.timedelta(days=30) or rng.random() < 0.3:
                        status = rng.choices(("kept", "dropped", "open"), (75, 10, 15))[0]
                    closed = None
                    if status != "open":
                        closed = min(END, day + dt.timedelta(days=rng.randint(1, 70)))
                    commitments.append(record(len(commitments) + 1, day) | {
                        "partner_id": pid, "date": day.isoformat(), "text": short(1),
                        "due": due.isoformat(), "status": status,
                        "closed_at": closed.isoformat() if closed else None,
                        "reason": short(1) if status == "dropped" else None,
                    })
            if rng.random() < 0.5:
                day = day_in(q_start, q_end)
                trust.append(record(len(trust) + 1, day) | {
                    "partner_id": pid, "date": day.isoformat(),
                    "credibility": rng.randint(3, 10), "reliability": rng.randint(3, 10),
                    "intimacy": rng.randint(2, 9), "self_orientation": rng.randint(1, 7),
                })
        for _ in range(rng.randint(3, 8)):
            day = day_in(q_start, q_end)
            stories.append(record(len(stories) + 1, day) | {
                "date": day.isoformat(), "text": short(3), "impact": short(1)})
            for pid in rng.sample(partner_ids, rng.randint(1, 2)):
                story_partners.append({"story_id": len(stories), "partner_id": pid})
        if (year, number) != current:
            eid = len(evaluations) + 1
            evaluations.append(record(eid, q_end) | {
                "quarter": f"{year}Q{number}", "progress": short(3), "feedback": short(2)})
            for step in range(1, 14):
                ratings.append({"evaluation_id": eid, "step": step, "rating": rng.randint(1, 5),
                                "note": short(1) if rng.random() < 0.3 else None})
            for _ in range(rng.randint(1, 3)):
                adjustments.append(record(len(adjustments) + 1, q_end) | {
                    "evaluation_id": eid, "text": short(1)})

    objectives, measurements = [], []
    for oid, (name, kind, unit, target, lower) in enumerate(OBJECTIVES, start=1):
        objectives.append(record(oid, first) | {
            "name": name, "name_key": name.casefold(), "kind": kind, "unit": unit,
            "target": target, "lower_is_better": lower})
        month = dt.date(first.year, first.month, 1)
        value = target * (1.3 if lower else 0.7)
        while month <= END:
            day = min(END, month + dt.timedelta(days=rng.randint(0, 27)))
            value += (target - value) * 0.05 + rng.gauss(0, target * 0.03)
            measurements.append(record(len(measurements) + 1, day) | {
                "objective_id": oid, "date": day.isoformat(), "value": round(value, 2),
                "note": short(1) if rng.random() < 0.2 else None})
            month = dt.date(month.year + (month.month == 12), month.month % 12 + 1, 1)

    for parent, rows, children in (
        ("sessions", sessions, []),
        ("commitments", commitments, []),
        ("trust_checks", trust, []),
        ("stories", stories, [("story_partners", story_partners)]),
        ("objectives", objectives, [("measurements", measurements)]),
        ("evaluations", evaluations,
         [("evaluation_ratings", ratings), ("adjustments", adjustments)]),
    ):
        if w.insert(parent, rows):
            for child, child_rows in children:
                w.insert(child, child_rows)
        else:
            for child, _ in children:
                w.skipped.setdefault(child, f"its parent table {parent} was not written")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, required=True, help="number of reflections")
    parser.add_argument("--out", type=Path, required=True, help="folder to write into")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    meta = generate(args.size, args.out, args.seed)
    print(json.dumps(meta, indent=2))


if __name__ == "__main__":
    main()
