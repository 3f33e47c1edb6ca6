from conftest import snapshot


def test_reflect_then_log(pj, db):
    r = pj("reflect", "First reflection", "--step", "1")
    assert r.exit_code == 0, r
    assert r.stdout.strip() == "1"
    entries = pj("log", "--json").json()
    assert [e["text"] for e in entries] == ["First reflection"]


def test_bad_step_changes_nothing(pj, db):
    pj("reflect", "keep me")
    before = snapshot(db)
    r = pj("reflect", "x", "--step", "14")
    assert r.exit_code == 2
    assert r.stderr.count("\n") == 1 and "step 14" in r.stderr
    assert snapshot(db) == before
