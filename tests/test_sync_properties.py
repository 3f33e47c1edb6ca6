"""pj sync as a property, on real journals through a real folder (hypothesis).

Three journal files write, edit and delete reflections (naming partners, new and
shared) and write evaluations of two quarters (so one quarter is often evaluated on
two machines before they sync), and sync through one folder pairwise in random orders;
one machine's clock is a year ahead. Then each syncs until all agree:
- the three journals hold the same records, versions, conflict copies and deletes;
- every evaluation written is on show or listed by pj conflicts, unless one written
  after seeing it replaced it;
- no deleted reflection is back (unless edited on a machine that had not seen the
  delete, which keeps it);
- every edit's text survives as the reflection or as a conflict copy, unless an edit
  or delete made after seeing it replaced it.
"""

from __future__ import annotations

import datetime as dt
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_export_import import dump

from partnerjournal.quarters import parse_quarter
from partnerjournal.services import evaluation as se
from partnerjournal.services import reflections as sr
from partnerjournal.exchange import sync as sync_file
from partnerjournal.services import sync as sv
from partnerjournal.store import connect, transaction
from partnerjournal.store import sync as ss

TODAY = dt.date(2026, 11, 23)
PARTNERS = ["Maria Lopez", "Sam Okafor", "Ana Silva"]


class Journal:
    def __init__(self, path, skew_days: int):
        self.conn = connect(path)
        self.skew = skew_days
        self.path = path
        self.t = 0

    def now(self, t: int) -> str:
        moment = dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc) + dt.timedelta(
            days=self.skew, seconds=t)
        return moment.isoformat()

    def reflections(self) -> list[tuple[int, str, str]]:
        return self.conn.execute("SELECT id, uid, text FROM reflections ORDER BY uid").fetchall()


def run(tmp_path, script, order):
    folder = tmp_path / "shared"
    folder.mkdir()
    js = [Journal(tmp_path / f"{n}.sqlite", skew) for n, skew in (("a", 365), ("b", 0), ("c", 0))]
    made: list[tuple[str, str, str]] = []  # (uid, dot, text) of every add and edit
    evaluated: list[tuple[str, str, str]] = []  # (uid, dot, progress) of evaluations
    clock = 0
    try:
        for what, i, pick, j in script:
            clock += 61
            me = js[i]
            rows = me.reflections()
            if what == "add":
                text = f"{i} wrote at {clock}"
                sr.add_reflection(me.conn, text=text, day=TODAY, now=me.now(clock), today=TODAY,
                                  partners=[PARTNERS[pick % 3]])
                uid = me.conn.execute(
                    "SELECT uid FROM reflections WHERE text = ?", (text,)).fetchone()[0]
                made.append((uid, dot_of(me, uid), text))
            elif what == "edit" and rows:
                rid, uid, _ = rows[pick % len(rows)]
                text = f"{i} edited at {clock}"
                sr.edit(me.conn, rid, now=me.now(clock), text=text)
                made.append((uid, dot_of(me, uid), text))
            elif what == "evaluate":
                text = f"{i} evaluated at {clock}"
                quarter = parse_quarter(("2026Q3", "2026Q4")[pick % 2], today=TODAY)
                saved, _ = se.evaluate(me.conn, quarter, now=me.now(clock),
                                       ratings={3: pick % 5 + 1}, notes={}, progress=text,
                                       adjustments=[f"3: {text}"])
                uid = me.conn.execute("SELECT uid FROM evaluations WHERE quarter = ?",
                                      (str(quarter),)).fetchone()[0]
                evaluated.append((uid, dot_of(me, uid, "evaluations"), text))
            elif what == "delete" and rows:
                sr.delete(me.conn, rows[pick % len(rows)][0])
            elif what == "sync":
                sv.sync(js[i].conn, folder, me.now(clock))
                if j != i:
                    sv.sync(js[j].conn, folder, js[j].now(clock))
        for _ in range(2):
            for i in order:
                sv.sync(js[i].conn, folder, js[i].now(clock))
        return js, made, evaluated
    except BaseException:
        for me in js:
            me.conn.close()
        raise


def dot_of(me: Journal, uid: str, kind: str = "reflections") -> str:
    return me.conn.execute(
        "SELECT dot FROM versions WHERE kind = ? AND uid = ?", (kind, uid)).fetchone()[0]


def state_of(me: Journal) -> dict:
    return {k: e for k, e in ss.load_state(me.conn).items()}


ops = st.lists(
    st.tuples(st.sampled_from(["add", "add", "edit", "edit", "delete", "evaluate", "sync",
                               "sync"]),
              st.integers(0, 2), st.integers(0, 20), st.integers(0, 2)),
    max_size=25,
)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(ops, st.permutations([0, 1, 2]))
def test_journals_syncing_in_any_order_end_identical_and_lose_no_edit(tmp_path_factory, script,
                                                                     order):
    tmp_path = tmp_path_factory.mktemp("sync")
    js, made, evaluated = run(tmp_path, script, order)
    try:
        states = [state_of(me) for me in js]
        assert states[0] == states[1] == states[2]
        dumps = [dump(me.path) for me in js]
        assert dumps[0] == dumps[1] == dumps[2]
        state = states[0]
        # every evaluation's version is on show or a conflict copy on every machine,
        # unless one written after seeing it replaced it
        for uid, dot, text in evaluated:
            entry = state[("evaluations", uid)]
            if dot not in {v.dot for v in entry.live}:
                assert any(dot in v.past for v in entry.live), (uid, dot, text)
        for me in js:
            visible = {r[0] for r in me.conn.execute("SELECT progress FROM evaluations")}
            visible |= {json.loads(r)["progress"] for (r,) in me.conn.execute(
                "SELECT record FROM conflicts WHERE kind = 'evaluations'")}
            for (kind, uid), entry in state.items():
                if kind == "evaluations":
                    assert {v.record["progress"] for v in entry.live} <= visible, uid
            quarters = [r[0] for r in me.conn.execute("SELECT quarter FROM evaluations")]
            assert len(quarters) == len(set(quarters))
        for uid, dot, text in made:
            entry = state[("reflections", uid)]
            live = {v.dot: v.record["text"] for v in entry.live}
            if dot in live:
                assert live[dot] == text
                continue
            # replaced by an edit or a delete made where this version had been seen
            # (or the same text arrived twice and is one version)
            assert (any(dot in v.past for v in entry.live)
                    or (entry.tomb is not None and dot in entry.tomb.seen)), (uid, dot, text)
            if entry.tomb is None or dot not in entry.tomb.seen:
                assert text in live.values() or any(dot in v.past for v in entry.live)
        for (kind, uid), entry in state.items():
            if kind == "reflections" and entry.tomb and entry.live:
                # shown after a delete: only with an edit the delete had not seen
                assert all(v.dot not in entry.tomb.seen for v in entry.live)
    finally:
        for me in js:
            me.conn.close()


def test_the_folder_holds_one_file_per_journal_in_a_stable_form(tmp_path):
    js, _, _ = run(tmp_path, [("add", 0, 1, 0), ("add", 1, 2, 0), ("sync", 0, 0, 1)], [0, 1, 2])
    try:
        files = sorted((tmp_path / "shared").iterdir())
        assert [f.name for f in files] == sorted(
            sync_file.sync_file_name(ss.device(me.conn).id) for me in js)
        bodies = [json.loads(f.read_text()) for f in files]
        assert all(b["format"] == "partnerjournal-sync" and b["version"] == 1 for b in bodies)
        assert len({json.dumps(b["entries"], sort_keys=True) for b in bodies}) == 1
    finally:
        for me in js:
            me.conn.close()
