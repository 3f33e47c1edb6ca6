"""The --split folder as notes apps read it: YAML front matter (tags, steps, partners as
wiki links) on every day and month file, and one note per partner in ``partners/``.

The front matter is parsed with a real YAML parser (PyYAML), for a small journal and for
one whose partner names and tags are as hostile as the journal lets them be; the folder
must still import back to exactly the same records.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import stat
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from test_export_import import T1, T2, add_all_tables, fill_everything, full  # noqa: F401

from partnerjournal import files, notes

LINK = re.compile(r"\[\[([^|\]]+)(?:\|([^\]]*))?\]\]")
LOADERS = [yaml.SafeLoader] + ([yaml.CSafeLoader] if hasattr(yaml, "CSafeLoader") else [])

# Names and tags a leader may type or import: quotes, backslashes, YAML indicators,
# wiki-link brackets, scripts, invisible characters, reserved file names, long ones.
NAMES = [
    'Ana "the boss" López', "C:\\Users\\ana", "key: value # comment", "[[Ruth]] | alias ]]",
    "- leading dash", "? question", "* star", "& anchor", "! bang", "%percent", "@at",
    "`tick`", "'single'", "{flow: map}", "[flow, seq]", "👩‍👩‍👧 family", "עברית ‏עם סימן",
    "مرحبا بكم", "---", "...", "line\u2028separator", "bom\ufeffinside", "rtl \u202e override",
    "non\ufffecharacter\uffff", "x" * 100, "é" * 100, "CON", "nul.txt", ".hidden",
    "trailing dot.", "null", "true", "~", "1.5", "2026-10-01", "Ana/Ben", "Ana:Ben",
    "Ruth Achterberg",
]
TAGS = [
    '"quoted"', "back\\slash", "a:b", "#hash", "[[x]]", "|pipe", "-dash", "?q", "*star",
    "&amp", "!bang", "---", "🙂", "עברית", "null", "true", "1.5", "~", "bom\ufeff", "t" * 60,
    "it's", "pj/step-3",
]


def front(path: Path, loader=yaml.SafeLoader) -> dict:
    """The parsed front matter of an exported file."""
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n"), path
    end = text.index("\n---\n", 3)
    data = yaml.load(text[4:end], Loader=loader)
    assert isinstance(data, dict), path
    return data


def hostile_journal(path: Path) -> dict:
    """A JSON export holding the hostile names and tags, in reflections on three days,
    with sessions, commitments and trust checks for some partners."""
    partners = [
        {"uid": f"hp{i}", "name": name, "box": ("managers", "teams", None)[i % 3],
         "relation": ("direct", None)[i % 2],
         "note": f"Note about {name}\n---\n" if i % 4 else None,
         "archived_at": None, "created_at": T1, "updated_at": T1}
        for i, name in enumerate(NAMES)
    ]
    uids = [p["uid"] for p in partners]
    reflections = [
        {"uid": "h1", "date": "2026-10-01", "text": "All of them.", "steps": [1, 3, 12],
         "partners": uids, "tags": TAGS, "created_at": T1, "updated_at": T1},
        {"uid": "h2", "date": "2026-10-01", "text": "Again.", "steps": [3],
         "partners": uids[:2], "tags": TAGS[:3], "created_at": T2, "updated_at": T2},
        {"uid": "h3", "date": "2026-10-20", "text": "Some.", "steps": [],
         "partners": uids[10:20], "tags": [], "created_at": T1, "updated_at": T1},
        {"uid": "h4", "date": "2026-11-02", "text": "None.", "steps": [13],
         "partners": [], "tags": ["solo"], "created_at": T1, "updated_at": T1},
    ]
    sessions = [
        {"uid": f"hs{i}", "partner": f"hp{i}", "date": "2026-10-05", "minutes": 30 + i,
         "successes": f"First {NAMES[i]}\nsecond", "objectives": "", "feedback": "\n\n---",
         "created_at": T1, "updated_at": T1}
        for i in range(0, len(NAMES), 5)
    ]
    commitments = [
        {"uid": "hc1", "partner": "hp0", "date": "2026-10-06", "text": "Send \"the\" plan\nsoon",
         "due": "2026-10-20", "status": "kept", "closed_at": "2026-10-18", "reason": None,
         "created_at": T1, "updated_at": T1},
        {"uid": "hc2", "partner": "hp3", "date": "2026-10-07", "text": "Call back",
         "due": None, "status": "open", "closed_at": None, "reason": None,
         "created_at": T1, "updated_at": T1},
    ]
    trust = [
        {"uid": "ht1", "partner": "hp3", "date": "2026-10-08", "credibility": 7,
         "reliability": 8, "intimacy": 6, "self_orientation": 4,
         "created_at": T1, "updated_at": T1},
    ]
    doc = {"format": "partnerjournal", "version": 1, "exported_at": T2, "schema": 5,
           "from": None, "until": None,
           "records": {"partners": partners, "reflections": reflections, "sessions": sessions,
                       "commitments": commitments, "trust_checks": trust}}
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return doc


def load_hostile(pj, db: Path, folder: Path) -> dict:
    add_all_tables(db)
    doc = hostile_journal(folder / "hostile.json")
    r = pj("import", folder / "hostile.json")
    assert r.exit_code == 0, r
    return doc


@pytest.fixture
def hostile(pj, db, tmp_path):
    return load_hostile(pj, db, tmp_path)


def export_split(pj, folder: Path, split: str = "day") -> None:
    r = pj("export", "--split", split, "--output", folder)
    assert r.exit_code == 0, r


def json_records(pj, db: Path | None = None) -> dict:
    args = ["--db", db] if db is not None else []
    r = pj(*args, "export", "--format", "json")
    assert r.exit_code == 0, r
    return r.json()["records"]


def folder_state(folder: Path) -> dict[str, bytes | None]:
    """Every file (its bytes) and folder (None) under ``folder``."""
    return {p.relative_to(folder).as_posix(): None if p.is_dir() else p.read_bytes()
            for p in sorted(folder.rglob("*"))}


# --- YAML -----------------------------------------------------------------------------


@pytest.mark.parametrize("loader", LOADERS)
def test_quoted_values_read_back_exactly_with_a_yaml_parser(loader):
    hostile = [*NAMES, *TAGS, "", " ", "a\nb\r\nc", "tab\there", "nul\x00", "esc\x1b",
               "del\x7f", "c1\x80\x85\x9f", "\ud800lone\udfff", "\U0001f600 astral",
               "\\\\\"\"", "x" * 10_000, "#", ": ", "- ", "%YAML 1.2", "&a *a", "!!str"]
    for text in hostile:
        quoted = notes.yaml_quote(text)
        assert "\n" not in quoted and "\r" not in quoted
        assert yaml.load(f"key: {quoted}\n", Loader=loader) == {"key": readable(text)}, text


def readable(text: str) -> str:
    """What a YAML parser reads back: the text, a lone surrogate (no character, and
    never in a journal) as the replacement character."""
    return re.sub("[\ud800-\udfff]", "\ufffd", text)


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(exclude_categories=())))
def test_any_text_survives_yaml_quoting(text):
    for loader in LOADERS:
        assert yaml.load(f"- {notes.yaml_quote(text)}\n", Loader=loader) == [readable(text)]


@settings(max_examples=150, deadline=None)
@given(name=st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=120),
       tags=st.lists(st.text(st.characters(exclude_categories=("Cs",)), min_size=1), max_size=5))
def test_a_partner_note_has_valid_front_matter_whatever_the_name(name, tags):
    partner = {"uid": "u", "name": name, "box": "teams", "relation": None, "note": None,
               "archived_at": None, "sessions": [], "commitments": [], "trust_checks": []}
    text = notes.partner_note(partner)
    end = text.index("\n---\n", 3)
    data = yaml.safe_load(text[4:end])
    assert data["aliases"] == [name]
    assert data["tags"] == ["pj/box/teams", "pj/partner"]
    assert text[end + 5:].startswith(notes.PARTNER_NOTE)
    fm = notes.front_matter([("tags", tags), ("partners", [notes.wiki_link("f", name)])])
    assert yaml.safe_load(fm.strip("-\n")) == {"tags": tags,
                                                "partners": [notes.wiki_link("f", name)]}


# --- file names and links -------------------------------------------------------------


def test_safe_file_names_suit_every_system_and_notes_app():
    for name in [*NAMES, "   ", "...", "/", "COM1.backup", "lpt9", "a" * 300, "\u200d"]:
        safe = notes.safe_file_name(name)
        assert safe and safe == safe.strip() and not safe.startswith(".") and not safe.endswith(".")
        assert not re.search(r'[\\/:*?"<>|#^\[\]]', safe), safe
        assert safe.isprintable() or "\u200d" in safe, repr(safe)
        assert len(safe.encode()) <= notes.MAX_NAME_BYTES
        assert safe.split(".")[0].upper() not in {"CON", "NUL", "COM1", "LPT9"}
    assert notes.safe_file_name("Ruth Achterberg") == "Ruth Achterberg"
    assert notes.safe_file_name("Sales: Ana/Ben") == "Sales Ana Ben"
    assert notes.safe_file_name("CON") == "CON_"
    assert notes.safe_file_name("...") == "partner"
    assert notes.safe_file_name("e\u0301") == "é"  # one form, whatever the system writes


def test_note_names_are_unique_even_without_case():
    names = notes.note_names([("a", "Ana/Ben"), ("b", "ana:ben"), ("c", "Ana Ben (2)"),
                              ("d", "Ruth")])
    assert names == {"a": "Ana Ben", "b": "ana ben (2)", "c": "Ana Ben (2) (2)", "d": "Ruth"}


def test_links_name_the_file_and_show_the_name():
    assert notes.wiki_link("Ruth Achterberg", "Ruth Achterberg") == "[[Ruth Achterberg]]"
    assert notes.wiki_link("Sales Ana Ben", "Sales: Ana/Ben") == "[[Sales Ana Ben|Sales: Ana/Ben]]"
    assert notes.wiki_link("Ruth alias", "[[Ruth]] | alias ]]") == "[[Ruth alias]]"


# --- the exported folder --------------------------------------------------------------


def test_day_and_month_files_carry_tags_steps_and_partners(pj, full, tmp_path):
    export_split(pj, tmp_path / "days")
    assert front(tmp_path / "days" / "2026-10-01.md") == {
        "date": dt.date(2026, 10, 1), "source": "partnerjournal",
        "tags": ["c++", "feedback", "pj/step-1", "pj/step-3"],
        "partners": ["[[Ana López]]", "[[Ben]]"],
    }
    assert front(tmp_path / "days" / "2026-11-15.md") == {
        "date": dt.date(2026, 11, 15), "source": "partnerjournal", "tags": [], "partners": []}
    export_split(pj, tmp_path / "months", "month")
    assert front(tmp_path / "months" / "2026-10.md")["date"] == dt.date(2026, 10, 1)
    assert front(tmp_path / "months" / "2026-10.md")["partners"] == ["[[Ana López]]", "[[Ben]]"]


def test_partner_notes_hold_box_relation_sessions_commitments_and_trust(pj, full, tmp_path):
    export_split(pj, tmp_path / "vault")
    ana = tmp_path / "vault" / "partners" / "Ana López.md"
    assert front(ana) == {"tags": ["pj/box/managers", "pj/partner", "pj/relation/direct"],
                          "aliases": ["Ana López"], "source": "partnerjournal"}
    body = ana.read_text(encoding="utf-8").split("\n---\n", 1)[1].splitlines()
    assert body[0].startswith(notes.PARTNER_NOTE)
    assert body[1:] == [
        "# Ana López", "", "- Box: managers", "- Relation: direct", "",
        "## Note", "", "Met at", "the offsite", "",
        "## Sessions", "", "- 2026-10-05 · 90 minutes · Successes: Launch · Feedback: ---", "",
        "## Commitments", "", "- 2026-10-06 · open · Call back", "",
        "## Trust checks", "",
        "- 2026-10-06 · credibility 7 · reliability 8 · intimacy 6 · self-orientation 3",
    ]
    ben = tmp_path / "vault" / "partners" / "Ben.md"
    assert front(ben)["tags"] == ["pj/archived", "pj/partner"]
    assert "- 2026-10-05 · kept 2026-10-18 · due 2026-10-20 · Send the plan" in ben.read_text()


@pytest.mark.parametrize("loader", LOADERS)
def test_hostile_names_and_tags_give_valid_front_matter_and_working_links(
        pj, hostile, tmp_path, loader):
    folder = tmp_path / "vault"
    export_split(pj, folder)
    partners = {p["uid"]: p["name"] for p in hostile["records"]["partners"]}
    notes_dir = folder / "partners"
    by_file = {}
    for note in notes_dir.iterdir():
        data = front(note, loader)
        assert data["source"] == "partnerjournal" and "pj/partner" in data["tags"]
        (name,) = data["aliases"]
        by_file[note.name[:-3]] = name
    assert sorted(by_file.values()) == sorted(partners.values())  # one note each, exact names

    day = front(folder / "2026-10-01.md", loader)
    assert day["date"] == dt.date(2026, 10, 1)
    assert day["tags"] == sorted(set(TAGS) | {"pj/step-1", "pj/step-3", "pj/step-12"})
    assert len(day["partners"]) == len(NAMES)
    for link in day["partners"]:
        m = LINK.fullmatch(link)
        assert m, link
        target, shown = m.groups()
        assert target in by_file, link  # the link finds its note
        if shown is not None:
            assert shown == " ".join(re.sub(r"[\[\]|]", " ", by_file[target]).split())
    assert "[[Ruth Achterberg]]" in day["partners"]
    assert {"[[Ana Ben|Ana/Ben]]", "[[Ana Ben (2)|Ana:Ben]]"} <= set(day["partners"])
    assert len(front(folder / "2026-10-20.md", loader)["partners"]) == 10
    assert front(folder / "2026-11-02.md", loader) == {
        "date": dt.date(2026, 11, 2), "source": "partnerjournal",
        "tags": ["pj/step-13", "solo"], "partners": []}


@pytest.mark.parametrize("split", ["day", "month"])
def test_the_folder_imports_back_to_the_same_records(pj, db, tmp_path, split):
    fill_everything(db)  # every kind beside the hostile names
    load_hostile(pj, db, tmp_path)
    folder = tmp_path / "vault"
    export_split(pj, folder, split)
    (folder / "Ruth Achterberg.md").write_bytes(  # a note moved beside the day files
        (folder / "partners" / "Ruth Achterberg.md").read_bytes())
    other = tmp_path / "other.sqlite"
    add_all_tables(other)
    r = pj("--db", other, "import", folder, "--json")
    assert r.exit_code == 0, r
    assert json_records(pj, other) == json_records(pj)
    # and once more through the folder: the same records again
    again = tmp_path / "again"
    r = pj("--db", other, "export", "--split", split, "--output", again)
    assert r.exit_code == 0, r
    third = tmp_path / "third.sqlite"
    add_all_tables(third)
    assert pj("--db", third, "import", again).exit_code == 0
    assert json_records(pj, third) == json_records(pj)


def test_a_partner_note_imports_as_nothing(pj, full, tmp_path):
    export_split(pj, tmp_path / "vault")
    other = tmp_path / "other.sqlite"
    r = pj("--db", other, "import", tmp_path / "vault" / "partners" / "Ana López.md", "--json")
    assert r.exit_code == 0, r
    assert all(not c["added"] and not c["updated"] for c in r.json()["records"].values())


def test_notes_are_owner_only(pj, full, tmp_path):
    old = os.umask(0)
    try:
        export_split(pj, tmp_path / "vault")
        export_split(pj, tmp_path / "vault")  # replaced, still private
    finally:
        os.umask(old)
    made = list((tmp_path / "vault").rglob("*"))
    assert any(p.parent.name == "partners" for p in made)
    for p in made:
        assert stat.S_IMODE(p.stat().st_mode) == (0o700 if p.is_dir() else 0o600), p


def test_exporting_again_replaces_the_notes_and_leaves_other_files(pj, full, tmp_path):
    folder = tmp_path / "vault"
    export_split(pj, folder)
    (folder / "partners" / "My own.md").write_text("mine\n")
    (folder / "ideas.txt").write_text("mine too\n")
    ben_before = (folder / "partners" / "Ben.md").read_bytes()
    assert pj("partner", "edit", "Ana López", "--box", "teams").exit_code == 0
    export_split(pj, folder)
    assert front(folder / "partners" / "Ana López.md")["tags"] == [
        "pj/box/teams", "pj/partner", "pj/relation/direct"]
    assert (folder / "partners" / "Ben.md").read_bytes() == ben_before
    assert (folder / "partners" / "My own.md").read_text() == "mine\n"
    assert (folder / "ideas.txt").read_text() == "mine too\n"
    assert not [p for p in folder.rglob(".*")]  # no temporary file left


def test_a_failing_export_leaves_the_folder_as_it_was(pj, full, tmp_path):
    folder = tmp_path / "vault"
    export_split(pj, folder)
    (folder / "partners" / "Ana López.md").unlink()
    (folder / "partners" / "Ana López.md").mkdir()  # a folder where a note goes
    before = folder_state(folder)
    assert pj("reflect", "A new day", "--date", "2026-10-01").exit_code == 0
    r = pj("export", "--split", "day", "--output", folder)
    assert r.exit_code == 2 and "is a folder" in r.stderr, r
    assert len(r.stderr.strip().splitlines()) == 1
    assert folder_state(folder) == before

    # 'partners' taken by a file: nothing written either, the message says why
    for p in sorted((folder / "partners").rglob("*"), reverse=True):
        p.rmdir() if p.is_dir() else p.unlink()
    (folder / "partners").rmdir()
    (folder / "partners").write_text("a file of mine\n")
    before = folder_state(folder)
    r = pj("export", "--split", "day", "--output", folder)
    assert r.exit_code == 2 and "partners is not a folder" in r.stderr, r
    assert folder_state(folder) == before


def test_an_atomic_folder_removes_the_subfolders_it_made_when_writing_fails(tmp_path):
    (tmp_path / "kept.md").write_text("old\n")
    with pytest.raises(RuntimeError):
        with files.atomic_files(tmp_path) as folder:
            with folder.open("kept.md") as fh:
                fh.write("new\n")
            with folder.open("partners/deep/Ana.md") as fh:
                fh.write("note\n")
            raise RuntimeError("disk full")
    assert folder_state(tmp_path) == {"kept.md": b"old\n"}
    with pytest.raises(ValueError):
        with files.atomic_files(tmp_path) as folder:
            folder.open("../outside.md").__enter__()


def test_a_journal_without_tags_or_partners_tables_still_gets_front_matter():
    """An older journal's kinds lack some child lists: they read as empty."""
    from dataclasses import replace

    from partnerjournal.store import transfer as st

    kind = st.KIND["reflections"]
    trimmed = replace(kind, children=tuple(c for c in kind.children if c.name == "steps"))
    split = notes.SplitNotes()
    day = split.day(trimmed)
    row = tuple(None for _ in trimmed.fields) + ("[2,4]",)
    day.add([row, row])
    assert split.front("2026-10-01", day) == (
        '---\ndate: 2026-10-01\nsource: partnerjournal\ntags:\n  - "pj/step-2"\n'
        '  - "pj/step-4"\npartners: []\n---\n')
