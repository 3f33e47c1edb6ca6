"""The merge of two machines' journals (exchange/merge.py), case by case: the cases
docs/sync.md promises, each written out once."""

from __future__ import annotations

from test_merge_properties import Machine, refs

from partnerjournal.exchange import merge as m

P = ("partners", "p1")
R = ("reflections", "r1")


def rec(text: str, stamp: str, **more) -> dict:
    return {"text": text, "updated_at": stamp, **more}


def pull(here: Machine, there: Machine) -> m.Result:
    result = m.merge(here.state, there.state, refs)
    here.state = result.state
    return result


def two_in_agreement(record: dict | None = None) -> tuple[Machine, Machine]:
    a, b = Machine("a"), Machine("b")
    a.state[R] = m.create(a.dot(), record or rec("first", "2026-11-01T09:00:00+00:00"))
    pull(b, a)
    return a, b


def test_an_edit_made_after_seeing_the_other_wins_whatever_the_clocks_say():
    a, b = two_in_agreement()
    # a's clock is a year ahead: its edit carries a far later updated_at
    a.state[R] = m.edit(a.state[R], a.dot(), rec("from a", "2027-11-02T09:00:00+00:00"))
    pull(b, a)
    # b edits after having seen a's edit, with a correct (earlier) clock
    b.state[R] = m.edit(b.state[R], b.dot(), rec("from b, later", "2026-11-03T09:00:00+00:00"))
    result = pull(a, b)
    assert a.state[R].shown.record["text"] == "from b, later"
    assert a.state[R].copies == ()  # nothing concurrent: no conflict
    assert result.counts["reflections"].as_json() == {
        "added": 0, "updated": 1, "deleted": 0, "conflicts": 0, "kept": 0}


def test_edits_on_both_machines_keep_both_the_later_shown_the_other_a_copy():
    a, b = two_in_agreement()
    a.state[R] = m.edit(a.state[R], a.dot(), rec("from a", "2026-11-05T09:00:00+00:00"))
    b.state[R] = m.edit(b.state[R], b.dot(), rec("from b", "2026-11-04T09:00:00+00:00"))
    result = pull(a, b)
    pull(b, a)
    assert a.state == b.state
    assert [v.record["text"] for v in a.state[R].live] == ["from a", "from b"]
    assert result.counts["reflections"].conflicts == 1 and result.counts["reflections"].updated == 0
    # a wrong clock only chooses which is shown first: the other is kept and counted
    # resolving keeps one version that supersedes both; it travels as an edit
    a.state[R] = m.resolve(a.state[R], a.dot(), rec("from b", "2026-11-06T09:00:00+00:00"))
    pull(b, a)
    assert b.state[R].copies == () and b.state[R].shown.record["text"] == "from b"


def test_a_deleted_record_does_not_come_back_from_a_machine_that_had_it():
    a, b = two_in_agreement()
    a.state[R] = m.delete(a.state[R], a.dot(), "2026-11-05T09:00:00+00:00", "a")
    result = pull(b, a)
    assert b.state[R].live == () and result.counts["reflections"].deleted == 1
    pull(a, b)
    assert a.state[R].live == ()
    # b merging a's old journal again, or a journal from before the delete, changes nothing
    c = Machine("c")
    c.state[R] = two_in_agreement()[0].state[R]
    c.state[R] = m.Entry(c.state[R].live)  # same first version, no delete known
    assert pull(b, c).counts.get("reflections", m.Counts()).added == 0
    assert b.state[R].live == ()


def test_an_edit_made_while_another_machine_deleted_keeps_the_record():
    a, b = two_in_agreement()
    a.state[R] = m.delete(a.state[R], a.dot(), "2026-11-05T09:00:00+00:00", "a")
    b.state[R] = m.edit(b.state[R], b.dot(), rec("edited on b", "2026-11-04T09:00:00+00:00"))
    pull(a, b)
    pull(b, a)
    assert a.state == b.state and a.state[R].shown.record["text"] == "edited on b"


def test_the_same_record_brought_by_an_export_is_not_a_conflict():
    a, b = Machine("a"), Machine("b")
    same = rec("imported on both", "2026-11-01T09:00:00+00:00")
    a.state[R] = m.create(a.dot(), same)
    b.state[R] = m.create(b.dot(), dict(same))
    result = pull(a, b)
    assert len(a.state[R].live) == 1 and result.changed[R].copies == ()
    assert result.counts["reflections"].as_json()["conflicts"] == 0


def test_a_partner_deleted_while_a_reflection_named_them_elsewhere_is_kept():
    a, b = Machine("a"), Machine("b")
    a.state[P] = m.create(a.dot(), rec("Maria", "2026-11-01T09:00:00+00:00"))
    pull(b, a)
    a.state[P] = m.delete(a.state[P], a.dot(), "2026-11-02T09:00:00+00:00", "a")
    b.state[R] = m.create(b.dot(), rec("Met Maria", "2026-11-02T10:00:00+00:00", partners=["p1"]))
    result = pull(a, b)
    assert a.state[P].shown.record["text"] == "Maria"  # no dangling link
    assert result.counts["partners"].added == 1
    assert pull(b, a).counts["partners"].kept == 1  # b had it and keeps it, and says so
    assert a.state == b.state
    # once nothing names the partner any more, the delete takes effect everywhere
    b.state[R] = m.delete(b.state[R], b.dot(), "2026-11-03T09:00:00+00:00", "b")
    pull(a, b)
    pull(b, a)
    assert a.state == b.state and a.state[P].live == () and a.state[R].live == ()
