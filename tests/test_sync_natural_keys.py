"""Records that a name, a quarter or a short id makes unique, made on two or three
machines under different uids: every journal ends showing the same one, whatever the
order of syncs, and the other is a conflict copy that `pj conflicts` lists and settles
(docs/sync.md, "made on two machines")."""

from __future__ import annotations

import itertools

import pytest
from test_export_import import dump
from test_sync import machines, ok, sync  # noqa: F401 - the fixture

ORDERS = [(0, 1, 2, 0, 1), (2, 1, 0, 2, 1), (1, 0, 2, 1, 0)]


def records(m) -> dict:
    return ok(m("export", "--format", "json")).json()["records"]


def same(ms) -> None:
    first = dump(ms[0].path)
    for m in ms[1:]:
        assert dump(m.path) == first
    assert all(records(m) == records(ms[0]) for m in ms[1:])


def make_evaluations(ms):
    for n, m in enumerate(ms, 1):
        ok(m("evaluate", "--quarter", "2026Q3", "--rating", f"3={n}",
             "--progress", f"progress {n}", "--adjust", f"3: adjustment {n}"))


def make_prompts(ms):
    for n, m in enumerate(ms, 1):
        ok(m("prompts", "add", f"Question from machine {n}?", "--step", "5"))


def make_objectives(ms):
    for n, m in enumerate(ms, 1):
        ok(m("objective", "add", "Cost per unit", "--kind", "business",
             "--target", str(n)))
        ok(m("objective", "measure", "Cost per unit", str(10 + n)))


MAKERS = {"evaluation": make_evaluations, "prompt": make_prompts,
          "objective": make_objectives}


@pytest.mark.parametrize("order", ORDERS)
@pytest.mark.parametrize("what", sorted(MAKERS))
def test_three_machines_end_with_the_same_record_and_the_others_as_copies(
        machines, what, order):  # noqa: F811
    folder, *ms = machines
    MAKERS[what](ms)
    for i in order:
        sync(ms[i], folder)
    same(ms)
    for m in ms:
        listed = ok(m("conflicts", "--json")).json()
        assert len(listed) == 2 and {c["kind"] for c in listed} == {what}
        assert all(c["mine"] and c["theirs"] and c["mine"] != c["theirs"] for c in listed)
    # every version made is on show or listed as a copy
    listed = ok(ms[0]("conflicts", "--json")).json()
    shown = listed[0]["mine"]
    versions = [shown] + [c["theirs"] for c in listed]
    if what == "evaluation":
        assert sorted(v["progress"] for v in versions) == ["progress 1", "progress 2",
                                                           "progress 3"]
    elif what == "prompt":
        assert sorted(v["text"] for v in versions) == [
            f"Question from machine {n}?" for n in (1, 2, 3)]
    else:
        assert sorted(v["target"] for v in versions) == [1.0, 2.0, 3.0]


@pytest.mark.parametrize("keep", ["mine", "theirs"])
@pytest.mark.parametrize("what", sorted(MAKERS))
def test_settling_a_copy_travels(machines, what, keep):  # noqa: F811
    folder, a, b, _ = machines
    MAKERS[what]([a, b])
    for m in (b, a, b):
        sync(m, folder)
    same([a, b])
    (c,) = ok(a("conflicts", "--json")).json()
    r = a("conflicts", "resolve", str(c["id"]), "--keep", "both")
    assert r.exit_code == 2 and "cannot be kept twice" in r.stderr
    ok(a("conflicts", "resolve", str(c["id"]), "--keep", keep))
    assert ok(a("conflicts", "--json")).json() == []
    for m in (a, b, a):
        sync(m, folder)
    same([a, b])
    assert ok(b("conflicts", "--json")).json() == []
    want = c["mine"] if keep == "mine" else c["theirs"]
    field = {"evaluation": "progress", "prompt": "text", "objective": "target"}[what]
    kinds = {"evaluation": "evaluations", "prompt": "custom_prompts",
             "objective": "objectives"}[what]
    got = records(b)[kinds]
    assert [r[field] for r in got] == [want[field]]


def test_two_machines_in_both_orders_agree(machines):  # noqa: F811
    folder, a, b, _ = machines
    make_evaluations([a, b])
    make_prompts([a, b])
    sync(a, folder)
    got = sync(b, folder)
    assert got["conflicts"] == 2 and got["open_conflicts"] == 2
    assert got["kinds"]["evaluations"]["conflicts"] == got["kinds"]["custom_prompts"][
        "conflicts"] == 1
    for first, second in itertools.permutations((a, b)):
        sync(first, folder)
        sync(second, folder)
    same([a, b])
    assert sync(a, folder)["conflicts"] == 0  # listed once, not at every sync
    assert len(ok(b("conflicts", "--json")).json()) == 2
    text = ok(b("conflicts")).stdout
    assert text.count("made on two machines") == 2
    assert "2026Q3 · 3=1 · progress 1" in text and "2026Q3 · 3=2 · progress 2" in text
    assert "Question from machine 1?" in text and "Question from machine 2?" in text
    # one name allows one record: the hint offers only what resolve accepts
    assert text.splitlines()[-1] == "Settle one with: pj conflicts resolve ID --keep mine|theirs"
