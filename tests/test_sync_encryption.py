"""pj sync --encrypt: this journal's file in the age format (a passphrase or age keys),
the other machines' files read whether encrypted or not; a key that does not open a
file is one clear line and nothing changes; the standard age tool opens the files."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess

import pyrage
import pytest
from conftest import snapshot

from partnerjournal.exchange.sync import sync_file_name

PASS = "correct horse battery staple"


@pytest.fixture
def machines(pj, tmp_path, monkeypatch):
    monkeypatch.delenv("PARTNERJOURNAL_PASSPHRASE", raising=False)
    monkeypatch.delenv("PARTNERJOURNAL_IDENTITY", raising=False)
    folder = tmp_path / "shared"
    folder.mkdir()

    def machine(name):
        path = tmp_path / f"{name}.sqlite"

        def run(*args, env=None):
            return pj("--db", path, *args, env=env)

        run.path = path
        return run

    return folder, machine("a"), machine("b")


@pytest.fixture
def key(tmp_path):
    identity = pyrage.x25519.Identity.generate()
    path = tmp_path / "me.txt"
    path.write_text(f"# public key: {identity.to_public()}\n{identity}\n")
    return path, str(identity.to_public())


def ok(r):
    assert r.exit_code == 0, r
    return r


def device_id(m) -> str:
    conn = sqlite3.connect(m.path)
    try:
        return conn.execute("SELECT id FROM device").fetchone()[0]
    finally:
        conn.close()


def one_line_error(r, *words):
    assert r.exit_code == 1, r
    assert r.stderr.startswith("pj: error: ") and r.stderr.count("\n") == 1, r.stderr
    for word in words:
        assert word in r.stderr, r.stderr


def texts(m) -> list[str]:
    return sorted(r["text"] for r in ok(m("log", "--json")).json())


def test_a_passphrase_encrypts_the_file_and_opens_it_on_the_other_machine(machines):
    folder, a, b = machines
    ok(a("reflect", "Candid note about Maria", "--partner", "Maria Lopez"))
    r = ok(a("sync", folder, "--encrypt", env={"PARTNERJOURNAL_PASSPHRASE": PASS}))
    assert "(its file encrypted with a passphrase)" in r.stdout
    (path,) = folder.iterdir()
    assert path.name == sync_file_name(device_id(a)) + ".age"
    data = path.read_bytes()
    assert data.startswith(b"age-encryption.org/v1\n") and b"Maria" not in data
    # without the passphrase, or with a wrong one: one line, nothing changed
    ok(b("reflect", "Mine"))
    before = snapshot(b.path)
    one_line_error(b("sync", folder), "is encrypted with a passphrase", "PARTNERJOURNAL_PASSPHRASE")
    one_line_error(b("sync", folder, env={"PARTNERJOURNAL_PASSPHRASE": "wrong"}),
                   "the passphrase does not open it")
    assert snapshot(b.path) == before
    got = ok(b("sync", folder, "--json", env={"PARTNERJOURNAL_PASSPHRASE": PASS})).json()
    assert got["added"] == 2 and got["encrypted"] is False
    assert texts(b) == ["Candid note about Maria", "Mine"]
    # b's own file is plain (b did not ask), and a reads it
    assert (folder / sync_file_name(device_id(b))).read_bytes().startswith(b"{")
    ok(a("sync", folder, "--encrypt", env={"PARTNERJOURNAL_PASSPHRASE": PASS}))
    assert texts(a) == texts(b)


def test_the_setting_encrypts_every_sync_and_no_encrypt_writes_plain_again(machines):
    folder, a, _ = machines
    ok(a("reflect", "One"))
    ok(a("config", "set", "sync-encrypt", "passphrase"))
    one_line_error(a("sync", folder), "encrypting needs a passphrase")
    assert list(folder.iterdir()) == []
    ok(a("sync", folder, env={"PARTNERJOURNAL_PASSPHRASE": PASS}))
    assert [p.name for p in folder.iterdir()] == [sync_file_name(device_id(a)) + ".age"]
    ok(a("sync", folder, "--no-encrypt"))  # the plain file replaces the encrypted one
    assert [p.name for p in folder.iterdir()] == [sync_file_name(device_id(a))]
    r = a("config", "set", "sync-encrypt", "bogus")
    assert r.exit_code == 2 and "sync-encrypt cannot be 'bogus'" in r.stderr


def test_age_keys_and_the_standard_age_tool(machines, key, tmp_path):
    folder, a, b = machines
    path, public = key
    ok(a("reflect", "For my keys only"))
    ok(a("sync", folder, "--to", public))
    (sealed,) = folder.iterdir()
    one_line_error(b("sync", folder), "is encrypted to an age key", "--identity")
    ok(b("sync", folder, "--identity", path))
    assert texts(b) == ["For my keys only"]
    age = shutil.which("age")
    if age is None:
        pytest.skip("the age command-line tool is not installed here")
    plain = subprocess.run([age, "-d", "-i", str(path), str(sealed)], capture_output=True,
                           timeout=60, check=True).stdout
    data = json.loads(plain)
    assert data["format"] == "partnerjournal-sync" and data["device"] == device_id(a)
