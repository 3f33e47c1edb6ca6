"""pj sync DIR, pj conflicts and what they promise (docs/sync.md), through the CLI on
real journals sharing a real folder."""

from __future__ import annotations

import json
import os
import sqlite3
import stat

import pytest
from conftest import snapshot
from test_export_import import dump

from partnerjournal.exchange.sync import sync_file_name


@pytest.fixture
def machines(pj, tmp_path):
    """Three journals (a, b, c) and the folder they share."""
    folder = tmp_path / "shared"
    folder.mkdir()

    def machine(name):
        path = tmp_path / f"{name}.sqlite"

        def run(*args, **kw):
            return pj("--db", path, *args, **kw)

        run.path = path
        return run

    return folder, machine("a"), machine("b"), machine("c")


def ok(r):
    assert r.exit_code == 0, r
    return r


def sync(m, folder):
    return ok(m("sync", folder, "--json")).json()


def device_id(m) -> str:
    conn = sqlite3.connect(m.path)
    try:
        return conn.execute("SELECT id FROM device").fetchone()[0]
    finally:
        conn.close()


def entry_of(m, kind):
    from partnerjournal.store import connect
    from partnerjournal.store.sync import load_state

    conn = connect(m.path)
    try:
        (entry,) = [e for (k, _), e in load_state(conn).items() if k == kind and e.live]
        return entry
    finally:
        conn.close()


def texts(m) -> list[str]:
    return sorted(r["text"] for r in ok(m("log", "--json")).json())


def test_two_machines_share_records_and_a_second_sync_changes_nothing(machines):
    folder, a, b, _ = machines
    ok(a("reflect", "Asked Maria what lies behind the target", "--partner", "Maria Lopez",
         "--tag", "listening", "--step", "1"))
    ok(a("commitment", "add", "Maria Lopez", "Send the forecast", "--due", "2026-12-01"))
    first = sync(a, folder)
    assert first["peers"] == [] and first["added"] == 0
    got = sync(b, folder)
    assert got["peers"][0]["device"] == device_id(a)
    assert got["kinds"]["reflections"]["added"] == 1 and got["kinds"]["partners"]["added"] == 1
    assert got["kinds"]["commitments"]["added"] == 1
    assert texts(b) == ["Asked Maria what lies behind the target"]
    assert dump(a.path) == dump(b.path)
    # idempotent: nothing more comes in, nothing in either journal changes
    before = snapshot(b.path)
    again = sync(b, folder)
    assert (again["added"], again["updated"], again["deleted"], again["conflicts"]) == (0, 0, 0, 0)
    assert {k: v for k, v in snapshot(b.path).items() if k != "sync_peers"} == {
        k: v for k, v in before.items() if k != "sync_peers"}
    # each machine writes only its own file, readable by its owner only
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted([sync_file_name(device_id(a)), sync_file_name(device_id(b))])
    for p in folder.iterdir():
        assert stat.S_IMODE(p.stat().st_mode) == 0o600


def test_the_report_is_one_or_two_lines(machines):
    folder, a, b, _ = machines
    ok(a("reflect", "One"))
    ok(a("config", "set", "device-name", "Work laptop"))
    sync(a, folder)
    r = ok(b("sync", folder))
    assert r.stdout == (f"Synced with 1 other journal in {folder}: 1 added, 0 updated,"
                        " 0 deleted, 0 conflicts.\n")
    assert json.loads((folder / sync_file_name(device_id(a))).read_text())["name"] == "Work laptop"
    # the folder is remembered
    assert ok(b("sync")).stdout.startswith(f"Synced with 1 other journal in {folder}:")


def test_deletions_travel_and_an_old_file_does_not_bring_them_back(machines):
    folder, a, b, _ = machines
    ok(a("reflect", "Keep me"))
    ok(a("reflect", "Delete me"))
    sync(a, folder)
    sync(b, folder)
    old_file = (folder / sync_file_name(device_id(a))).read_bytes()
    (gone,) = [r["id"] for r in ok(b("log", "--json")).json() if r["text"] == "Delete me"]
    ok(b("delete", str(gone), "--yes"))
    sync(b, folder)
    assert sync(a, folder)["kinds"]["reflections"]["deleted"] == 1
    assert texts(a) == ["Keep me"]
    # a's file from before the delete comes back (a backup, a slow sync engine)
    (folder / sync_file_name(device_id(a))).write_bytes(old_file)
    assert sync(b, folder)["added"] == 0 and texts(b) == ["Keep me"]


def test_edits_on_both_machines_become_a_conflict_both_can_see_and_settle(machines):
    folder, a, b, _ = machines
    ok(a("reflect", "First words"))
    sync(a, folder)
    sync(b, folder)
    ok(a("edit", "1", "--text", "Edited at work"))
    ok(b("edit", "1", "--text", "Edited at home"))
    sync(a, folder)
    got = sync(b, folder)
    assert got["conflicts"] == 1 and got["open_conflicts"] == 1
    sync(a, folder)
    for m in (a, b):
        listed = ok(m("conflicts", "--json")).json()
        assert len(listed) == 1
        assert {listed[0]["mine"]["text"], listed[0]["theirs"]["text"]} == {
            "Edited at work", "Edited at home"}
        shown = ok(m("show", "1")).stdout
        assert "Also changed on another machine: 1 conflict copy kept (see pj conflicts)" in shown
        assert ok(m("show", "1", "--json")).json()["conflict_copies"] == 1
    assert texts(a) == texts(b)
    theirs = ok(b("conflicts", "--json")).json()[0]["theirs"]["text"]
    before = entry_of(b, "reflections")
    ok(b("conflicts", "resolve", "1", "--keep", "theirs"))
    after = entry_of(b, "reflections")
    # the settled version supersedes both: it travels as an edit made after them
    assert len(after.live) == 1 and {v.dot for v in before.live} <= after.live[0].past
    assert texts(b) == [theirs] and ok(b("conflicts", "--json")).json() == []
    sync(b, folder)
    sync(a, folder)
    assert texts(a) == [theirs] and ok(a("conflicts", "--json")).json() == []
    assert "conflict" not in ok(a("show", "1")).stdout


def test_keep_both_makes_the_copy_a_reflection_of_its_own(machines):
    folder, a, b, _ = machines
    ok(a("reflect", "First words"))
    sync(a, folder)
    sync(b, folder)
    ok(a("edit", "1", "--text", "Version A"))
    ok(b("edit", "1", "--text", "Version B"))
    sync(a, folder)
    sync(b, folder)
    ok(b("conflicts", "resolve", "1", "--keep", "both"))
    assert texts(b) == ["Version A", "Version B"]
    sync(b, folder)
    sync(a, folder)
    assert texts(a) == ["Version A", "Version B"] and ok(a("conflicts", "--json")).json() == []


def test_resolve_refuses_what_it_cannot_do(machines):
    folder, a, _, _ = machines
    r = a("conflicts", "resolve", "1", "--keep", "mine")
    assert r.exit_code == 1 and "no conflict #1" in r.stderr
    r = a("conflicts", "resolve", "1", "--keep", "everything")
    assert r.exit_code == 2 and "say mine, theirs or both" in r.stderr
    r = a("conflicts", "resolve", "1")
    assert r.exit_code == 2 and "--keep" in r.stderr
    none = "No conflicts: nothing was changed on two machines at once.\n"
    assert ok(a("conflicts")).stdout == none


def test_three_machines_in_any_order_end_with_the_same_journal(machines):
    folder, a, b, c = machines
    ok(a("reflect", "From a", "--partner", "Maria Lopez"))
    ok(b("reflect", "From b", "--partner", "Sam Okafor"))
    ok(c("reflect", "From c"))
    for m in (c, a, b, c, a):
        sync(m, folder)
    assert texts(a) == texts(b) == texts(c) == ["From a", "From b", "From c"]
    assert dump(a.path) == dump(b.path) == dump(c.path)


def test_the_same_partner_made_on_two_machines_is_one_partner(machines):
    folder, a, b, _ = machines
    ok(a("reflect", "Met Maria at work", "--partner", "Maria Lopez"))
    ok(b("reflect", "Called Maria from home", "--partner", "maria lopez"))
    sync(a, folder)
    r = ok(b("sync", folder))
    assert "was made on two machines: both are kept as one here" in r.stderr
    sync(a, folder)
    for m in (a, b):
        partners = ok(m("partner", "list", "--json")).json()
        assert len(partners) == 1
        assert sorted(p for r in ok(m("log", "--json")).json() for p in r["partners"]) == [
            partners[0]["name"]] * 2
    assert sync(a, folder)["added"] == 0 and sync(b, folder)["added"] == 0


def test_files_of_unknown_or_newer_formats_are_reported_and_left_alone(machines):
    folder, a, b, _ = machines
    ok(a("reflect", "From a"))
    sync(a, folder)
    (folder / "notes.txt").write_text("my own notes")
    (folder / ".stfolder").mkdir()  # a sync engine's own: not mentioned
    newer = {"format": "partnerjournal-sync", "version": 1, "schema": 99, "device": "f" * 16,
             "name": "", "written_at": "2027-01-01T00:00:00+00:00", "entries": []}
    (folder / "pj-ffffffffffffffff.json").write_text(json.dumps(newer))
    (folder / "pj-eeeeeeeeeeeeeeee.json").write_text('{"format": "partnerjournal-sync", "vers')
    bad = dict(newer, schema=6, device="d" * 16, entries=[
        {"kind": "reflections", "uid": "x1", "versions": [
            {"dot": "d:1", "past": [], "record": {"uid": "x1", "text": ""}}]}])
    (folder / "pj-dddddddddddddddd.json").write_text(json.dumps(bad))
    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    got = sync(b, folder)
    assert got["added"] == 1 and [p["device"] for p in got["peers"]] == [device_id(a)]
    left = "\n".join(got["left_alone"])
    assert "notes.txt (not a pj sync file)" in left
    assert "pj-ffffffffffffffff.json (written by a newer pj (schema 99)" in left
    assert "pj-eeeeeeeeeeeeeeee.json (is not complete JSON)" in left
    assert "pj-dddddddddddddddd.json (entry 1:" in left
    assert ".stfolder" not in left
    for name, data in before.items():
        assert (folder / name).read_bytes() == data  # left alone
    text = ok(b("sync", folder)).stdout
    assert text.count("\n") == 2 and "left alone: " in text.splitlines()[1]


def test_sync_refuses_a_missing_folder_and_changes_nothing(machines, tmp_path):
    _, a, _, _ = machines
    ok(a("reflect", "One"))
    before = snapshot(a.path)
    r = a("sync", tmp_path / "nowhere")
    assert r.exit_code == 2 and "is not a folder" in r.stderr and r.stderr.count("\n") == 1
    assert snapshot(a.path) == before
    r = a("sync")
    assert r.exit_code == 2 and "give the shared folder" in r.stderr


def test_nudge_mentions_a_sync_folder_not_synced_for_a_week(machines, monkeypatch):
    folder, a, _, _ = machines
    ok(a("reflect", "One"))
    sync(a, folder)
    conn = sqlite3.connect(a.path)
    conn.execute("UPDATE sync_peers SET synced_at = '2026-11-16T09:00:00+00:00'")
    conn.commit()
    conn.close()
    monkeypatch.setenv("PARTNERJOURNAL_TODAY", "2026-11-22")  # six days: quiet
    assert "not synced" not in ok(a("nudge")).stdout
    monkeypatch.setenv("PARTNERJOURNAL_TODAY", "2026-11-23")
    assert f"not synced for 7 days: pj sync {folder}" in ok(a("nudge")).stdout


def test_the_device_name_stays_on_this_machine(machines):
    folder, a, b, _ = machines
    ok(a("config", "set", "device-name", "Work laptop"))
    assert ok(a("config", "get", "device-name", "--json")).json()["value"] == "Work laptop"
    sync(a, folder)
    sync(b, folder)
    assert ok(b("config", "get", "device-name", "--json")).json()["default"] is True
    export = json.loads(ok(a("export", "-f", "json")).stdout)
    assert "Work laptop" not in json.dumps(export)


def test_daily_commands_do_not_import_the_merge(tmp_path):
    import subprocess
    import sys

    env = dict(os.environ, PARTNERJOURNAL_DB=str(tmp_path / "j.sqlite"))
    code = ("import sys; from partnerjournal.cli import app;"
            " sys.argv=['pj','reflect','x'];\ntry: app()\nexcept SystemExit: pass\n"
            "print(sorted(m for m in sys.modules if 'exchange' in m or m.endswith(('services.sync',"
            " 'store.sync', 'store.transfer'))))")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.stdout.strip().splitlines()[-1] == "[]", out


def test_edits_on_three_machines_keep_all_three(machines):
    folder, a, b, c = machines
    ok(a("reflect", "First words"))
    for m in (a, b, c):
        sync(m, folder)
    for m, text in ((a, "From a"), (b, "From b"), (c, "From c")):
        ok(m("edit", "1", "--text", text))
    for m in (a, b, c, a, b):
        sync(m, folder)
    for m in (a, b, c):
        entry = entry_of(m, "reflections")
        assert sorted(v.record["text"] for v in entry.live) == ["From a", "From b", "From c"]
        assert len(ok(m("conflicts", "--json")).json()) == 2


def test_a_copy_of_a_journal_loses_nothing_and_can_become_its_own_device(machines, tmp_path):
    folder, a, b, _ = machines
    ok(a("reflect", "Before the copy"))
    sync(a, folder)
    b.path.write_bytes(a.path.read_bytes())  # a backup restored on the second machine
    assert device_id(b) == device_id(a)
    ok(b("reflect", "Written on the copy"))
    sync(b, folder)  # writes a's file name
    got = ok(a("sync", folder))
    assert "held changes this journal lacked" in got.stderr
    assert texts(a) == ["Before the copy", "Written on the copy"]
    r = ok(b("sync", folder, "--new-device", "--json")).json()
    assert device_id(b) != device_id(a) and r["device"] == device_id(b)
    ok(b("reflect", "Now on its own"))
    sync(b, folder)
    sync(a, folder)
    assert texts(a) == texts(b) == ["Before the copy", "Now on its own", "Written on the copy"]
    assert len(list(folder.iterdir())) == 2


def test_a_restored_backup_gets_back_what_it_had_synced_since(machines, tmp_path):
    folder, a, b, _ = machines
    ok(a("reflect", "Old"))
    ok(a("backup", tmp_path / "old.sqlite"))
    ok(a("reflect", "Newer, synced"))
    sync(a, folder)
    ok(a("restore", tmp_path / "old.sqlite", "--yes"))
    assert texts(a) == ["Old"]
    sync(a, folder)
    assert texts(a) == ["Newer, synced", "Old"]


def test_a_partner_deleted_while_named_elsewhere_is_kept_until_nothing_names_them(machines):
    """No pj command deletes a partner yet; the journal's own triggers do the same for
    any delete, so the rule is tested on a delete made in SQL."""
    folder, a, b, _ = machines
    ok(a("partner", "add", "Maria Lopez", "--box", "managers", "--relation", "direct"))
    sync(a, folder)
    sync(b, folder)
    conn = sqlite3.connect(a.path)
    with conn:
        conn.execute("DELETE FROM partners WHERE name = 'Maria Lopez'")
    conn.close()
    ok(b("reflect", "Met Maria about the budget", "--partner", "Maria Lopez"))
    sync(a, folder)
    got = sync(b, folder)
    assert got["kinds"]["partners"]["kept"] == 1 and got["deleted"] == 0
    assert sync(a, folder)["kinds"]["partners"]["added"] == 1
    for m in (a, b):
        assert [p["name"] for p in ok(m("partner", "list", "--json")).json()] == ["Maria Lopez"]
        assert ok(m("log", "--json")).json()[0]["partners"] == ["Maria Lopez"]
    # once the reflection is gone, the delete takes effect on both machines
    ok(b("delete", "1", "--yes"))
    sync(b, folder)
    sync(a, folder)
    sync(b, folder)
    for m in (a, b):
        assert ok(m("partner", "list", "--json")).json() == []


def test_a_file_naming_records_it_does_not_hold_is_left_alone(machines):
    folder, a, b, _ = machines
    ok(a("reflect", "Met Maria", "--partner", "Maria Lopez"))
    sync(a, folder)
    path = folder / sync_file_name(device_id(a))
    data = json.loads(path.read_text())
    data["entries"] = [e for e in data["entries"] if e["kind"] != "partners"]
    path.write_text(json.dumps(data))
    got = sync(b, folder)
    assert got["peers"] == [] and got["added"] == 0
    assert any("names partners" in x and "which it does not hold" in x for x in got["left_alone"])
    assert texts(b) == []


def test_two_copies_of_an_older_journal_sync_without_conflicts(machines, copy_fixture):
    """A leader who carried one v5 journal to two machines (a copy, or export and
    import) upgrades both: every record is the same first version on both, so the first
    sync brings nothing and finds no conflict; later edits flow as usual."""
    folder, a, b, _ = machines
    source = copy_fixture("journal-v5.sqlite")
    a.path.write_bytes(source.read_bytes())
    b.path.write_bytes(source.read_bytes())
    sync(a, folder)
    got = sync(b, folder)
    assert (got["added"], got["updated"], got["deleted"], got["conflicts"]) == (0, 0, 0, 0)
    assert device_id(a) != device_id(b)
    ok(a("edit", "1", "--text", "Edited after the upgrade"))
    sync(a, folder)
    assert sync(b, folder)["updated"] == 1
    assert "Edited after the upgrade" in texts(b)
    assert dump(a.path) == dump(b.path)


def test_a_machine_whose_clock_is_far_ahead_is_named(machines):
    folder, a, b, _ = machines
    ok(a("config", "set", "device-name", "Work laptop"))
    ok(a("reflect", "One"))
    sync(a, folder)
    path = folder / sync_file_name(device_id(a))
    data = json.loads(path.read_text())
    data["written_at"] = "2099-01-01T09:00:00+00:00"
    path.write_text(json.dumps(data))
    got = sync(b, folder)
    assert got["added"] == 1
    assert any(n.startswith("Work laptop's clock is ") and "days ahead" in n for n in got["notes"])
    data["written_at"] = "2000-01-01T09:00:00+00:00"  # behind: nothing to say
    path.write_text(json.dumps(data))
    assert not any("clock" in n for n in sync(b, folder)["notes"])
