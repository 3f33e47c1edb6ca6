"""The files pj encrypts are standard age files: the age command-line tool (Debian's
``age``) opens them, and pj opens the files it makes, with a key and with a passphrase
(typed on a real terminal, the only place age reads one from).

scripts/test.sh installs age; without it these tests fail (they never skip).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from conftest import FIXED_TODAY
from terminal import in_terminal
from test_export_import import add_all_tables, dump, fill_everything, without_stamp

pytestmark = pytest.mark.age_tool

PASSPHRASE = "a passphrase typed by hand"


@pytest.fixture(scope="module")
def age() -> dict[str, str]:
    found = {name: shutil.which(name) for name in ("age", "age-keygen")}
    missing = [name for name, path in found.items() if path is None]
    if missing:
        pytest.fail(f"{' and '.join(missing)} not installed: run scripts/test.sh, which installs "
                    "it (apt-get install age)")
    return found


@pytest.fixture
def journal(pj, db):
    fill_everything(db)
    assert pj("reflect", "Written through pj", "--partner", "Cy").exit_code == 0
    return db


@pytest.fixture
def key(age, tmp_path) -> tuple[Path, str]:
    """An identity made by age-keygen, and its public key."""
    path = tmp_path / "key.txt"
    subprocess.run([age["age-keygen"], "-o", str(path)], check=True, capture_output=True)
    public = subprocess.run([age["age-keygen"], "-y", str(path)], check=True,
                            capture_output=True, text=True).stdout.strip()
    return path, public


@pytest.fixture
def env(db) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("PARTNERJOURNAL_", "PJ_"))}
    clean.update(PARTNERJOURNAL_DB=str(db), PARTNERJOURNAL_TODAY=FIXED_TODAY)
    return clean


def age_decrypt(age: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([age["age"], "--decrypt", *args], capture_output=True, timeout=60)


def test_age_opens_our_export_and_backup_made_for_its_key(pj, journal, age, key, tmp_path):
    identity, public = key
    assert pj("export", "--to", public, "-o", tmp_path / "j.md").exit_code == 0
    assert pj("export", "-o", tmp_path / "plain.md").exit_code == 0
    done = age_decrypt(age, "-i", str(identity), str(tmp_path / "j.md.age"))
    assert done.returncode == 0, done.stderr
    assert without_stamp(done.stdout.decode()) == without_stamp(
        (tmp_path / "plain.md").read_bytes().decode())

    # a backup opened by hand is a journal pj restores as it is (docs/formats.md)
    assert pj("backup", tmp_path / "b.sqlite", "--to", public).exit_code == 0
    out = tmp_path / "by-hand.sqlite"
    done = age_decrypt(age, "-i", str(identity), "-o", str(out), str(tmp_path / "b.sqlite.age"))
    assert done.returncode == 0, done.stderr
    c = sqlite3.connect(out)
    assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    c.close()
    target = tmp_path / "restored.sqlite"
    assert pj("--db", target, "restore", out, "--yes").exit_code == 0
    assert dump(target) == dump(journal)


def test_we_open_files_age_encrypted_to_a_key(pj, journal, age, key, tmp_path):
    identity, public = key
    assert pj("export", "-f", "json", "-o", tmp_path / "plain.json").exit_code == 0
    for armor in ([], ["--armor"]):
        sealed = tmp_path / f"by-age{len(armor)}.json.age"
        done = subprocess.run([age["age"], "-r", public, *armor, "-o", str(sealed),
                               str(tmp_path / "plain.json")], capture_output=True, timeout=60)
        assert done.returncode == 0, done.stderr
        other = tmp_path / f"other{len(armor)}.sqlite"
        add_all_tables(other)
        r = pj("--db", other, "import", sealed, "--identity", identity)
        assert r.exit_code == 0, r
        assert dump(other) == dump(journal)


def test_passphrase_files_open_both_ways(pj, journal, age, tmp_path, env, monkeypatch):
    # ours, opened by age with the passphrase typed at its prompt
    monkeypatch.setenv("PARTNERJOURNAL_PASSPHRASE", PASSPHRASE)
    assert pj("export", "--encrypt", "-o", tmp_path / "ours.md").exit_code == 0
    assert pj("export", "-o", tmp_path / "plain.md").exit_code == 0
    typed = in_terminal([age["age"], "--decrypt", "-o", "opened.md", "ours.md.age"],
                        [PASSPHRASE], env=env, cwd=tmp_path)
    assert typed.status == 0 and typed.prompts == 1, typed
    assert without_stamp((tmp_path / "opened.md").read_bytes().decode()) == without_stamp(
        (tmp_path / "plain.md").read_bytes().decode())

    # age's, made with the passphrase typed twice, imported by pj
    typed = in_terminal([age["age"], "--passphrase", "-o", "theirs.md.age", "plain.md"],
                        [PASSPHRASE, PASSPHRASE], env=env, cwd=tmp_path)
    assert typed.status == 0 and typed.prompts == 2, typed
    other = tmp_path / "other.sqlite"
    add_all_tables(other)
    r = pj("--db", other, "import", tmp_path / "theirs.md.age")
    assert r.exit_code == 0, r
    assert dump(other) == dump(journal)
