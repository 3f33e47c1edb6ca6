"""The journal's schema, as forward-only migrations.

Each migration runs inside one transaction together with the ``PRAGMA user_version``
bump and its row in ``migrations``; a journal is never left half-migrated. Never edit
a released migration: add a new one.
"""

from __future__ import annotations

V1_CORE = """
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE partners (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE reflections (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    date TEXT NOT NULL,
    text TEXT NOT NULL,
    prompt_id TEXT,
    important_share INTEGER CHECK (important_share BETWEEN 0 AND 100),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX reflections_date ON reflections (date, id);
CREATE TABLE reflection_steps (
    reflection_id INTEGER NOT NULL REFERENCES reflections (id) ON DELETE CASCADE,
    step INTEGER NOT NULL CHECK (step BETWEEN 1 AND 13),
    PRIMARY KEY (reflection_id, step)
) WITHOUT ROWID;
CREATE INDEX reflection_steps_step ON reflection_steps (step, reflection_id);
CREATE TABLE reflection_partners (
    reflection_id INTEGER NOT NULL REFERENCES reflections (id) ON DELETE CASCADE,
    partner_id INTEGER NOT NULL REFERENCES partners (id),
    PRIMARY KEY (reflection_id, partner_id)
) WITHOUT ROWID;
CREATE INDEX reflection_partners_partner ON reflection_partners (partner_id, reflection_id);
CREATE TABLE reflection_tags (
    reflection_id INTEGER NOT NULL REFERENCES reflections (id) ON DELETE CASCADE,
    tag TEXT NOT NULL COLLATE NOCASE,
    PRIMARY KEY (reflection_id, tag)
) WITHOUT ROWID;
CREATE INDEX reflection_tags_tag ON reflection_tags (tag, reflection_id);
CREATE TABLE custom_prompts (
    id TEXT PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    text TEXT NOT NULL,
    steps TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE VIRTUAL TABLE reflections_fts USING fts5 (
    text, content='reflections', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER reflections_ai AFTER INSERT ON reflections BEGIN
    INSERT INTO reflections_fts (rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER reflections_ad AFTER DELETE ON reflections BEGIN
    INSERT INTO reflections_fts (reflections_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER reflections_au AFTER UPDATE OF text ON reflections BEGIN
    INSERT INTO reflections_fts (reflections_fts, rowid, text) VALUES ('delete', old.id, old.text);
    INSERT INTO reflections_fts (rowid, text) VALUES (new.id, new.text);
END;
"""

V2_PARTNERSHIPS = """
ALTER TABLE partners ADD COLUMN box TEXT
    CHECK (box IN ('leadership', 'managers', 'teams', 'employees'));
ALTER TABLE partners ADD COLUMN relation TEXT
    CHECK (relation IN ('direct', 'influential', 'guidance'));
ALTER TABLE partners ADD COLUMN note TEXT;
ALTER TABLE partners ADD COLUMN archived_at TEXT;
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    partner_id INTEGER NOT NULL REFERENCES partners (id),
    date TEXT NOT NULL,
    minutes INTEGER NOT NULL CHECK (minutes BETWEEN 1 AND 1440),
    successes TEXT NOT NULL DEFAULT '',
    objectives TEXT NOT NULL DEFAULT '',
    feedback TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX sessions_partner_date ON sessions (partner_id, date);
CREATE INDEX sessions_date ON sessions (date);
CREATE TABLE commitments (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    partner_id INTEGER NOT NULL REFERENCES partners (id),
    date TEXT NOT NULL,  -- the day it was promised (reports count by it, not by created_at)
    text TEXT NOT NULL,
    due TEXT,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'kept', 'dropped')),
    closed_at TEXT,  -- the day it was kept or dropped (YYYY-MM-DD)
    reason TEXT,  -- why it was dropped
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK ((status = 'open') = (closed_at IS NULL))
);
CREATE INDEX commitments_status_due ON commitments (status, due);
CREATE INDEX commitments_partner ON commitments (partner_id, status);
CREATE TABLE trust_checks (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    partner_id INTEGER NOT NULL REFERENCES partners (id),
    date TEXT NOT NULL,
    credibility INTEGER NOT NULL CHECK (credibility BETWEEN 1 AND 10),
    reliability INTEGER NOT NULL CHECK (reliability BETWEEN 1 AND 10),
    intimacy INTEGER NOT NULL CHECK (intimacy BETWEEN 1 AND 10),
    self_orientation INTEGER NOT NULL CHECK (self_orientation BETWEEN 1 AND 10),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX trust_checks_partner_date ON trust_checks (partner_id, date);
CREATE TABLE stories (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    date TEXT NOT NULL,
    text TEXT NOT NULL,
    impact TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX stories_date ON stories (date);
CREATE TABLE story_partners (
    story_id INTEGER NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    partner_id INTEGER NOT NULL REFERENCES partners (id),
    PRIMARY KEY (story_id, partner_id)
) WITHOUT ROWID;
CREATE INDEX story_partners_partner ON story_partners (partner_id, story_id);
CREATE TABLE objectives (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('business', 'customer', 'employee')),
    unit TEXT,
    target REAL,
    lower_is_better INTEGER NOT NULL DEFAULT 0 CHECK (lower_is_better IN (0, 1)),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE measurements (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    objective_id INTEGER NOT NULL REFERENCES objectives (id) ON DELETE CASCADE,
    date TEXT NOT NULL,
    value REAL NOT NULL,
    note TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX measurements_objective_date ON measurements (objective_id, date);
"""

V3_EVALUATIONS = """
CREATE TABLE evaluations (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    quarter TEXT NOT NULL UNIQUE,
    progress TEXT NOT NULL DEFAULT '',
    feedback TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE evaluation_ratings (
    evaluation_id INTEGER NOT NULL REFERENCES evaluations (id) ON DELETE CASCADE,
    step INTEGER NOT NULL CHECK (step BETWEEN 1 AND 13),
    rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    note TEXT,
    PRIMARY KEY (evaluation_id, step)
) WITHOUT ROWID;
CREATE TABLE adjustments (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    evaluation_id INTEGER NOT NULL REFERENCES evaluations (id) ON DELETE CASCADE,
    position INTEGER NOT NULL DEFAULT 0,
    text TEXT NOT NULL,
    steps TEXT NOT NULL DEFAULT '[]',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX adjustments_evaluation ON adjustments (evaluation_id);
"""

# The coach (v4): a reflection written to a contextual prompt keeps the rule that chose
# it, the record it was about ("kind:uid") and the prompt's text as it was shown, since
# that text is built from the journal and cannot be looked up later. coach_days holds
# the prompt chosen for each day, so the day's prompt stays the same all day and a rule
# is not repeated within a few days; it is local to this journal and never exported.
V4_COACH = """
ALTER TABLE reflections ADD COLUMN prompt_rule TEXT;
ALTER TABLE reflections ADD COLUMN prompt_record TEXT;
ALTER TABLE reflections ADD COLUMN prompt_text TEXT;
CREATE TABLE coach_days (
    date TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('catalog', 'context')),
    prompt_id TEXT NOT NULL,
    rule TEXT,
    record TEXT,
    text TEXT NOT NULL,
    steps TEXT NOT NULL DEFAULT '[]',
    created_at TEXT NOT NULL
);
"""

# The partner's view (v5): what a partner answered on a feedback survey, on the same
# 1-10 scale as the leader's own trust checks. Any term may be missing (the partner
# skipped it), but a record holds at least one score or one answer.
V5_FEEDBACK = """
CREATE TABLE feedback (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    partner_id INTEGER NOT NULL REFERENCES partners (id),
    date TEXT NOT NULL,
    credibility INTEGER CHECK (credibility BETWEEN 1 AND 10),
    reliability INTEGER CHECK (reliability BETWEEN 1 AND 10),
    intimacy INTEGER CHECK (intimacy BETWEEN 1 AND 10),
    self_orientation INTEGER CHECK (self_orientation BETWEEN 1 AND 10),
    satisfaction INTEGER CHECK (satisfaction BETWEEN 1 AND 10),
    keep TEXT NOT NULL DEFAULT '',
    change TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (coalesce(credibility, reliability, intimacy, self_orientation, satisfaction)
           IS NOT NULL OR keep <> '' OR change <> '')
);
CREATE INDEX feedback_partner_date ON feedback (partner_id, date);
CREATE INDEX feedback_date ON feedback (date);
"""

# Sync (v6): what merging journals of several machines needs, kept beside the records
# so that no record table changes and exports stay as they were.
# - device: this journal's id (names its file in a sync folder) and readable name;
#   ``syncing`` is 1 only inside the transaction that writes merged records, so the
#   triggers below do not count them as edits made here.
# - versions: the version of each record: ``dot`` names the edit that made it and
#   ``past`` the edits it was built on (JSON list); ``record`` the version as merged
#   from another machine (NULL for a version made here: the row is the version).
#   One version supersedes another exactly when its past holds the other's dot,
#   which no clock can fake. A record made here (or imported) gets the dot
#   "0:<updated_at>", so the same record brought to two machines by an export is one
#   version on both; an edit gets "<device>:<random>".
# - sync_aliases: a record another machine made under a name (or quarter, or prompt
#   id) this journal already holds, mapped to the one row both share here.
# - sync_peers: the journals this one synced with, where and when (pj nudge).
# - tombstones: a deleted record (uid, kind, when, where) and the edits its delete
#   saw; written by the delete triggers, so every delete path leaves one, in the
#   delete's own transaction.
# - conflicts: versions of a record changed on two machines since they last agreed,
#   kept beside the one the journal shows, until the user resolves them.
# - sync_seen: scratch space of the delete triggers (SQLite triggers cannot hold a
#   value between statements); always empty outside them.
_V6_TABLES = """
CREATE TABLE device (
    one INTEGER PRIMARY KEY CHECK (one = 1),
    id TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    syncing INTEGER NOT NULL DEFAULT 0 CHECK (syncing IN (0, 1)),
    created_at TEXT NOT NULL
);
INSERT INTO device (one, id, created_at)
    VALUES (1, lower(hex(randomblob(8))), strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now'));
CREATE TABLE versions (
    kind TEXT NOT NULL,
    uid TEXT NOT NULL,
    dot TEXT NOT NULL,
    past TEXT NOT NULL DEFAULT '[]',
    record TEXT,  -- the version as merged (JSON); NULL: as the row holds it (made here)
    PRIMARY KEY (kind, uid)
) WITHOUT ROWID;
CREATE TABLE sync_aliases (  -- a record merged into one of the same name (or quarter)
    kind TEXT NOT NULL,
    uid TEXT NOT NULL,
    target TEXT NOT NULL,
    PRIMARY KEY (kind, uid)
) WITHOUT ROWID;
CREATE TABLE tombstones (
    kind TEXT NOT NULL,
    uid TEXT NOT NULL,
    deleted_at TEXT NOT NULL,
    device TEXT NOT NULL,
    dot TEXT NOT NULL,
    past TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (kind, uid)
) WITHOUT ROWID;
CREATE TABLE conflicts (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    uid TEXT NOT NULL,
    dot TEXT NOT NULL,
    past TEXT NOT NULL DEFAULT '[]',
    record TEXT NOT NULL,
    found_at TEXT NOT NULL,
    UNIQUE (kind, uid, dot)
);
CREATE TABLE sync_seen (  -- scratch space of the delete triggers, always empty
    kind TEXT NOT NULL,
    uid TEXT NOT NULL,
    seen TEXT NOT NULL
);
CREATE TABLE sync_peers (
    device TEXT PRIMARY KEY,
    name TEXT NOT NULL DEFAULT '',
    folder TEXT NOT NULL,
    synced_at TEXT NOT NULL
);
"""

# (kind, table, key column, the column whose value names a record's first version).
# Written out here rather than read from exchange/kinds.py: a migration must stay what
# it was when released, whatever the description becomes. A later migration that adds a
# record table adds its triggers with _sync_triggers(...) too; a new column needs none.
SYNCED_TABLES: tuple[tuple[str, str, str, str], ...] = (
    ("settings", "settings", "key", "value"),
    ("custom_prompts", "custom_prompts", "uid", "updated_at"),
    ("partners", "partners", "uid", "updated_at"),
    ("objectives", "objectives", "uid", "updated_at"),
    ("evaluations", "evaluations", "uid", "updated_at"),
    ("reflections", "reflections", "uid", "updated_at"),
    ("sessions", "sessions", "uid", "updated_at"),
    ("commitments", "commitments", "uid", "updated_at"),
    ("trust_checks", "trust_checks", "uid", "updated_at"),
    ("feedback", "feedback", "uid", "updated_at"),
    ("stories", "stories", "uid", "updated_at"),
    ("measurements", "measurements", "uid", "updated_at"),
    ("adjustments", "adjustments", "uid", "updated_at"),
)

_NEW_DOT = "(SELECT id FROM device) || ':' || lower(hex(randomblob(6)))"
_SEEN = """(SELECT json_group_array(value) FROM (
            SELECT dot AS value FROM versions WHERE kind = '{k}' AND uid = old.[{key}]
            UNION SELECT j.value FROM versions v, json_each(v.past) j
                WHERE v.kind = '{k}' AND v.uid = old.[{key}]
            UNION SELECT dot FROM conflicts WHERE kind = '{k}' AND uid = old.[{key}]
            UNION SELECT j.value FROM conflicts c, json_each(c.past) j
                WHERE c.kind = '{k}' AND c.uid = old.[{key}]
            UNION SELECT dot FROM tombstones WHERE kind = '{k}' AND uid = old.[{key}]
            UNION SELECT j.value FROM tombstones t, json_each(t.past) j
                WHERE t.kind = '{k}' AND t.uid = old.[{key}]))"""


def _sync_triggers(kind: str, table: str, key: str, first: str) -> str:
    local = "(SELECT syncing FROM device) = 0"
    seen = _SEEN.format(k=kind, key=key)
    return f"""
INSERT OR IGNORE INTO versions (kind, uid, dot, past)
    SELECT '{kind}', [{key}], '0:' || [{first}], '[]' FROM [{table}];
CREATE TRIGGER [sync_{table}_insert] AFTER INSERT ON [{table}] WHEN {local} BEGIN
    DELETE FROM versions WHERE kind = '{kind}' AND uid = new.[{key}];
    INSERT INTO versions (kind, uid, dot, past)
        VALUES ('{kind}', new.[{key}], '0:' || new.[{first}], '[]');
END;
CREATE TRIGGER [sync_{table}_update] AFTER UPDATE ON [{table}] WHEN {local} BEGIN
    INSERT INTO versions (kind, uid, dot, past)
        SELECT '{kind}', new.[{key}], '0:' || old.[{first}], '[]'
        WHERE NOT EXISTS (SELECT 1 FROM versions WHERE kind = '{kind}' AND uid = new.[{key}]);
    UPDATE versions SET past = json_insert(past, '$[#]', dot), dot = {_NEW_DOT}, record = NULL
        WHERE kind = '{kind}' AND uid = new.[{key}];
END;
CREATE TRIGGER [sync_{table}_delete] AFTER DELETE ON [{table}] WHEN {local} BEGIN
    INSERT INTO versions (kind, uid, dot, past)
        SELECT '{kind}', old.[{key}], '0:' || old.[{first}], '[]'
        WHERE NOT EXISTS (SELECT 1 FROM versions WHERE kind = '{kind}' AND uid = old.[{key}]);
    INSERT INTO sync_seen (kind, uid, seen) VALUES ('{kind}', old.[{key}], {seen});
    DELETE FROM tombstones WHERE kind = '{kind}' AND uid = old.[{key}];
    INSERT INTO tombstones (kind, uid, deleted_at, device, dot, past)
        SELECT '{kind}', old.[{key}], strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now'), d.id,
               d.id || ':' || lower(hex(randomblob(6))), s.seen
        FROM device d, sync_seen s WHERE s.kind = '{kind}' AND s.uid = old.[{key}];
    DELETE FROM sync_seen WHERE kind = '{kind}' AND uid = old.[{key}];
    DELETE FROM versions WHERE kind = '{kind}' AND uid = old.[{key}];
    DELETE FROM conflicts WHERE kind = '{kind}' AND uid = old.[{key}];
END;
"""


V6_SYNC = _V6_TABLES + "".join(_sync_triggers(*t) for t in SYNCED_TABLES)

# Reflections per step and week (the week named by its Monday), for weeks in a row: a
# streak is then one short range of this table per step, not a probe per week into the
# reflections of every year the streak spans. Kept by triggers in the same transaction
# as the change; a week whose reflections are all gone or moved keeps a row of 0, which
# readers skip. A date SQLite cannot read names no week and is not counted.
# (A reflection's steps go with it by ON DELETE CASCADE; by the time their delete
# trigger runs the reflection is gone, so the reflection's own BEFORE DELETE trigger
# counts them down, and the link trigger only acts while the reflection still exists.)
_WEEK = "date({d}, 'weekday 0', '-6 days')"
_LINK_IN = f"""
    INSERT INTO step_weeks (step, week, reflections)
        SELECT new.step, {_WEEK.format(d="r.date")}, 1 FROM reflections r
        WHERE r.id = new.reflection_id AND {_WEEK.format(d="r.date")} IS NOT NULL
    ON CONFLICT (step, week) DO UPDATE SET reflections = reflections + 1;"""
_LINK_OUT = f"""
    UPDATE step_weeks SET reflections = reflections - 1
        WHERE step = old.step AND week =
            (SELECT {_WEEK.format(d="date")} FROM reflections WHERE id = old.reflection_id);"""
V7_STEP_WEEKS = f"""
CREATE TABLE step_weeks (
    step INTEGER NOT NULL,
    week TEXT NOT NULL,
    reflections INTEGER NOT NULL,
    PRIMARY KEY (step, week)
) WITHOUT ROWID;
INSERT INTO step_weeks (step, week, reflections)
    SELECT x.step, {_WEEK.format(d="r.date")} AS week, count(*)
    FROM reflection_steps x JOIN reflections r ON r.id = x.reflection_id
    WHERE week IS NOT NULL GROUP BY x.step, week;
CREATE TRIGGER step_weeks_link_insert AFTER INSERT ON reflection_steps BEGIN{_LINK_IN}
END;
CREATE TRIGGER step_weeks_link_delete AFTER DELETE ON reflection_steps BEGIN{_LINK_OUT}
END;
CREATE TRIGGER step_weeks_link_update AFTER UPDATE ON reflection_steps BEGIN{_LINK_OUT}{_LINK_IN}
END;
CREATE TRIGGER step_weeks_reflection_delete BEFORE DELETE ON reflections BEGIN
    UPDATE step_weeks SET reflections = reflections - 1
        WHERE week = {_WEEK.format(d="old.date")}
          AND step IN (SELECT step FROM reflection_steps WHERE reflection_id = old.id);
END;
CREATE TRIGGER step_weeks_reflection_date AFTER UPDATE OF date ON reflections
WHEN {_WEEK.format(d="old.date")} IS NOT {_WEEK.format(d="new.date")} BEGIN
    UPDATE step_weeks SET reflections = reflections - 1
        WHERE week = {_WEEK.format(d="old.date")}
          AND step IN (SELECT step FROM reflection_steps WHERE reflection_id = new.id);
    INSERT INTO step_weeks (step, week, reflections)
        SELECT step, {_WEEK.format(d="new.date")}, 1 FROM reflection_steps
        WHERE reflection_id = new.id AND {_WEEK.format(d="new.date")} IS NOT NULL
    ON CONFLICT (step, week) DO UPDATE SET reflections = reflections + 1;
END;
"""

# (version, name, sql). The journal's PRAGMA user_version is the last applied version.
MIGRATIONS: list[tuple[int, str, str]] = [
    (1, "core", V1_CORE),
    (2, "partnerships", V2_PARTNERSHIPS),
    (3, "evaluations", V3_EVALUATIONS),
    (4, "coach", V4_COACH),
    (5, "feedback", V5_FEEDBACK),
    (6, "sync", V6_SYNC),
    (7, "step weeks", V7_STEP_WEEKS),
]

LATEST = MIGRATIONS[-1][0]
