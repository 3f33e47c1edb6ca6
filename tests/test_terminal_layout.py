"""The terminal reports are drawn without rich, yet byte for byte as rich drew them.

``rich_reference`` is the same report sections drawn with rich's classes and console,
as they were drawn before; every test here renders the same model (or the same panels
and tables) both ways and wants the same text, with colour and without, at many widths:

- the sample, empty, hostile and example quarters;
- every quarter of a generated journal (the benchmark's generator), report and progress;
- quarters whose partner names, stories, objectives and evaluation text vary (wide CJK
  characters, accents, emoji, long words, markup-like brackets, line breaks);
- panels, groups, padding, tables and grids put together at random from the pieces the
  reports use, with text that mixes the same kinds of characters plus tabs and control
  characters.

PJ_LAYOUT_EXAMPLES=N runs N examples in each property test instead of the default.
"""

from __future__ import annotations

import datetime as dt
import difflib
import io
import os
import random
import sys
from pathlib import Path

import pytest
import rich_reference as ref
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from report_samples import (COMMITMENTS, SAMPLE_QUARTER, SAMPLE_TODAY, empty_report,
                            hostile_report, sample_progress, sample_reflections,
                            sample_report)

from partnerjournal.catalog import load_catalog
from partnerjournal.progress import build_progress
from partnerjournal.render import cells, layout, terminal
from partnerjournal.report import ReportInputs

ROOT = Path(__file__).resolve().parents[1]
WIDTHS = [40, 60, 72, 80, 100, 120, 160, 200, 33, 47, 91, 137]
EXAMPLES = int(os.environ.get("PJ_LAYOUT_EXAMPLES", "0"))


def examples(default: int) -> int:
    return EXAMPLES or default


@pytest.fixture(autouse=True)
def _plain_terminal(monkeypatch):
    # rich reads the terminal type even with an explicit width: a "dumb" one would be
    # drawn 80 wide in colour
    monkeypatch.setenv("TERM", "xterm-256color")


def same(expected: str, actual: str, what: str) -> None:
    if expected != actual:
        diff = "".join(list(difflib.unified_diff(
            expected.splitlines(keepends=True), actual.splitlines(keepends=True),
            "rich", "layout", n=1))[:40])
        pytest.fail(f"{what} differs from rich's drawing:\n{diff}")


def check_report(model, width: int, color: bool, what: str = "report") -> None:
    same(ref.render_report(model, width=width, color=color),
         terminal.render_report(model, width=width, color=color), f"{what} at {width}")


def check_progress(model, width: int, color: bool, what: str = "progress") -> None:
    same(ref.render_progress(model, width=width, color=color),
         terminal.render_progress(model, width=width, color=color), f"{what} at {width}")


def empty_progress():
    data = ReportInputs(reflections=[], step_totals={}, streak_weeks={}, ratings=None,
                        previous_ratings=None)
    return build_progress(load_catalog(), SAMPLE_QUARTER, SAMPLE_TODAY, data)


# --- fixed quarters ---------------------------------------------------------------------

REPORTS = {"sample": sample_report, "empty": empty_report, "hostile": hostile_report}
PROGRESS = {"sample": sample_progress, "empty": empty_progress}


@pytest.mark.parametrize("color", [False, True], ids=["plain", "colour"])
@pytest.mark.parametrize("name", REPORTS)
def test_fixed_reports_at_every_width(name, color):
    model = REPORTS[name]()
    for width in WIDTHS:
        check_report(model, width, color, name)


@pytest.mark.parametrize("color", [False, True], ids=["plain", "colour"])
@pytest.mark.parametrize("name", PROGRESS)
def test_fixed_progress_at_every_width(name, color):
    model = PROGRESS[name]()
    for width in WIDTHS:
        check_progress(model, width, color, name)


def test_the_default_width_is_100():
    model = sample_report()
    assert terminal.render_report(model) == ref.render_report(model, width=100)
    assert terminal.render_report(model, width=0) == ref.render_report(model, width=0)


def test_the_example_journal(tmp_path):
    from partnerjournal.services import demo, reports
    from partnerjournal.store import connect

    today = dt.date(2026, 10, 2)
    conn = connect(tmp_path / "example.sqlite")
    try:
        quarter = demo.build_demo(conn, today)
        model = reports.quarterly_report(conn, quarter, today)
        progress = reports.progress(conn, quarter, today)
    finally:
        conn.close()
    for width in (100, 72, 47):
        for color in (False, True):
            check_report(model, width, color, "example")
            check_progress(progress, width, color, "example")


# --- a generated journal, quarter by quarter --------------------------------------------

@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """Report and progress models of every quarter of a generated 1,000-reflection
    journal, as of its last day and as of a day inside each quarter."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import generate

    from partnerjournal.quarters import Quarter
    from partnerjournal.services import reports
    from partnerjournal.store import connect

    out = tmp_path_factory.mktemp("generated")
    meta = generate.generate(1000, out)
    first = dt.date.fromisoformat(meta["first_day"])
    conn = connect(out / "journal.sqlite", create=False)
    models = []
    try:
        quarter = Quarter(first.year, (first.month - 1) // 3 + 1)
        while quarter.start <= generate.END:
            for today in sorted({min(quarter.start + dt.timedelta(days=40), generate.END),
                                 generate.END}):
                if today >= quarter.start:
                    models.append((f"{quarter} as of {today}",
                                   reports.quarterly_report(conn, quarter, today),
                                   reports.progress(conn, quarter, today)))
            quarter = Quarter(quarter.year + quarter.number // 4, quarter.number % 4 + 1)
    finally:
        conn.close()
    return models


@pytest.mark.parametrize("color", [False, True], ids=["plain", "colour"])
def test_a_generated_journal_quarter_by_quarter(generated, color):
    assert len(generated) >= 4
    for i, (what, report, progress) in enumerate(generated):
        for width in (100, WIDTHS[i % len(WIDTHS)], 64):
            check_report(report, width, color, what)
            check_progress(progress, width, color, what)


# --- quarters with text of every kind ---------------------------------------------------

LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
UNUSUAL = ["漢字", "日本語", "한국어", "é", "e\u0301", "ü", "—", "·", "😀", "👍🏽", "☺\ufe0f",
           "[bold]", "[/]", "<b>", "&", "'", '"', "%", "…", "‐"]
word = st.one_of(
    st.text(LETTERS, min_size=1, max_size=12),
    st.text(LETTERS, min_size=13, max_size=45),  # longer than some columns
    st.sampled_from(UNUSUAL),
    st.lists(st.sampled_from(UNUSUAL + list(LETTERS)), min_size=1, max_size=8).map("".join),
)
words = st.lists(word, min_size=1, max_size=14).map(" ".join)
paragraph = st.lists(words, min_size=1, max_size=3).map("\n".join)
BOXES = [None, "leadership", "teams", "managers", "employees"]
RELATIONS = [None, "direct", "influential", "guidance"]
DAYS = ["2026-10-05", "2026-10-21", "2026-11-18", "2026-12-02", "2026-12-15"]


@st.composite
def varied_inputs(draw) -> dict:
    """Overrides of the sample quarter: its partners, stories, objectives, notes and
    evaluation replaced by drawn ones."""
    names = draw(st.lists(words.map(str.strip).filter(bool), max_size=7, unique=True))
    partners = [{"name": n, "box": draw(st.sampled_from(BOXES)),
                 "relation": draw(st.sampled_from(RELATIONS)),
                 "created_at": "2026-01-05T09:00:00+01:00",
                 "archived_at": draw(st.sampled_from([None, "2026-11-06T17:00:00+01:00"]))}
                for n in names]
    some = st.lists(st.sampled_from(names), max_size=3, unique=True) if names else st.just([])
    reflections = [{**r, "partners": draw(some) if i % 4 == 0 else []}
                   for i, r in enumerate(sample_reflections())]
    sessions = [{"partner": n, "date": draw(st.sampled_from(DAYS)), "minutes": 60}
                for n in names if draw(st.booleans())]
    commitments = [{**c, "partner": draw(st.sampled_from(names)), "text": draw(words)}
                   for c in COMMITMENTS] if names else []
    trust = [{"partner": n, "date": draw(st.sampled_from(DAYS)),
              **{k: draw(st.integers(1, 10)) for k in
                 ("credibility", "reliability", "intimacy", "self_orientation")}}
             for n in names if draw(st.booleans())]
    feedback = [{"partner": n, "date": draw(st.sampled_from(DAYS)),
                 **{k: draw(st.integers(1, 10)) for k in
                    ("credibility", "reliability", "intimacy", "self_orientation")},
                 "satisfaction": draw(st.one_of(st.none(), st.integers(1, 10))),
                 "keep": "", "change": ""}
                for n in names if draw(st.booleans())]
    stories = [{"date": draw(st.sampled_from(DAYS)), "text": draw(paragraph),
                "partners": draw(some), "impact": draw(st.one_of(st.none(), words))}
               for _ in range(draw(st.integers(0, 2)))]
    objectives = [{"name": draw(words), "kind": draw(st.sampled_from(["business", "customer"])),
                   "unit": draw(st.sampled_from(["%", "EUR", "score", "漢"])),
                   "target": draw(st.one_of(st.none(), st.integers(1, 100))),
                   "lower_is_better": draw(st.integers(0, 1)),
                   "measurements": [{"date": d, "value": draw(st.integers(0, 120)), "note": None}
                                    for d in sorted(draw(st.lists(st.sampled_from(DAYS),
                                                                  max_size=4, unique=True)))]}
                  for _ in range(draw(st.integers(0, 3)))]
    evaluation = draw(st.one_of(st.none(), st.fixed_dictionaries({
        "progress": words, "feedback": paragraph,
        "adjustments": st.lists(st.fixed_dictionaries({
            "text": words, "steps": st.lists(st.integers(1, 13), max_size=3, unique=True)}),
            max_size=3)})))
    previous = {"adjustments": [{"text": draw(words), "steps": draw(st.lists(
        st.integers(1, 13), max_size=2, unique=True))} for _ in range(draw(st.integers(0, 3)))]}
    notes = {s: draw(words) for s in draw(st.lists(st.integers(1, 13), max_size=3, unique=True))}
    ratings = {s: {"rating": draw(st.integers(1, 5)), "note": notes.get(s)} for s in range(1, 14)}
    return dict(partners=partners, reflections=reflections, sessions=sessions,
                commitments=commitments, trust_checks=trust, feedback=feedback,
                stories=stories, objectives=objectives, evaluation=evaluation,
                previous_evaluation=previous, ratings=ratings)


SLOW = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                  HealthCheck.data_too_large])


@settings(max_examples=examples(60), **SLOW)
@given(varied_inputs(), st.integers(36, 220), st.booleans())
def test_quarters_with_varied_text(overrides, width, color):
    check_report(sample_report(**overrides), width, color, "varied report")
    check_progress(sample_progress(**overrides), width, color, "varied progress")


def test_a_partner_named_in_cjk_and_emoji():
    partners = [{"name": name, "box": box, "relation": "direct",
                 "created_at": "2026-01-05T09:00:00+01:00", "archived_at": None}
                for name, box in (("王小明", "leadership"), ("山田 太郎さん", "teams"),
                                  ("José Müller", "managers"), ("Zoë 👍🏽 ☺\ufe0f", "employees"))]
    model = sample_report(partners=partners, sessions=[], commitments=[], trust_checks=[],
                          feedback=[], stories=[{"date": "2026-11-03", "partners": ["王小明"],
                                                 "text": "和王小明一起" * 12,
                                                 "impact": "日本語のテキスト"}])
    for width in WIDTHS:
        for color in (False, True):
            check_report(model, width, color, "unicode")


# --- the pieces, put together at random -------------------------------------------------

STYLES = [None, "bold", "#6b7280", "italic #6b7280", "bold #2c6e8f", "#3fae5f"]
PIECES = (list("abcdefghij    ") + ["Word", "longerword", "x" * 30, "漢字", "한글", "e\u0301",
                                     "😀", "☺\ufe0f", "\t", "\n", "\r", "·", "█", "—", "[bold]",
                                     "\u200b", " ", "  "])


def _string(rng: random.Random, most: int = 12) -> str:
    return "".join(rng.choice(PIECES) for _ in range(rng.randint(0, most)))


def _text_recipe(rng: random.Random):
    return rng.choice(STYLES), [(_string(rng), rng.choice(STYLES))
                                for _ in range(rng.randint(0, 3))]


def _table_recipe(rng: random.Random):
    kind = rng.choice(["grid", "grid_expand", "simple", "simple_expand", "simple_edge"])
    columns = [dict(header=_string(rng, 4) if rng.random() < 0.5 else "H\nh",
                    justify=rng.choice(["left", "right"]), no_wrap=rng.random() < 0.4,
                    ratio=rng.choice([None, None, 1, 2]), min_width=rng.choice([None, None, 4, 16]),
                    style=rng.choice(["", "#6b7280"]))
               for _ in range(rng.randint(1, 4))]
    rows = [[_node_recipe(rng, 2) if rng.random() < 0.15 else ("text", _text_recipe(rng))
             for _ in columns] for _ in range(rng.randint(0, 4))]
    return kind, rng.choice([(0, 1), (0, 2), (0, 4)]), columns, rows


def _node_recipe(rng: random.Random, depth: int = 0):
    r = rng.random()
    if depth >= 2 or r < 0.35:
        return "text", _text_recipe(rng)
    if r < 0.55:
        return "table", _table_recipe(rng)
    if r < 0.7:
        title = _text_recipe(rng) if rng.random() < 0.7 else None
        return "panel", (_node_recipe(rng, depth + 1), title,
                         rng.choice(["ROUNDED", "SQUARE", "HEAVY"]))
    if r < 0.8:
        return "padding", (_node_recipe(rng, depth + 1), rng.randint(0, 3))
    return "group", [_node_recipe(rng, depth + 1) for _ in range(rng.randint(0, 3))]


def _build(lib, node):
    """The recipe built with ``lib``: rich's classes or ours (same names and options)."""
    kind, recipe = node
    if kind == "text":
        base, chunks = recipe
        text = lib.Text(chunks[0][0] if chunks else "", style=base or "")
        for string, style in chunks[1:]:
            text.append(string, style=style)
        return text
    if kind == "table":
        table_kind, padding, columns, rows = recipe
        if table_kind.startswith("grid"):
            table = lib.Table.grid(padding=padding, expand=table_kind == "grid_expand")
        else:
            table = lib.Table(box=lib.SIMPLE_HEAD, expand=table_kind == "simple_expand",
                              padding=padding, show_edge=False,
                              pad_edge=table_kind != "simple_edge")
        for column in columns:
            options = dict(column)
            table.add_column(options.pop("header"), **options)
        for row in rows:
            table.add_row(*[_build(lib, cell) for cell in row])
        return table
    if kind == "panel":
        inner, title, box = recipe
        title = _build(lib, ("text", title)) if title else None
        return lib.Panel(_build(lib, inner), title=title, box=getattr(lib, box))
    if kind == "padding":
        inner, left = recipe
        return lib.Padding(_build(lib, inner), (0, 0, 0, left))
    return lib.Group(*[_build(lib, n) for n in recipe])


class _Rich:
    """rich's classes under the names and options of ``layout``."""

    from rich.box import HEAVY, ROUNDED, SIMPLE_HEAD, SQUARE
    from rich.console import Group
    from rich.padding import Padding
    from rich.table import Table
    from rich.text import Text

    @staticmethod
    def Panel(renderable, *, title, box):  # noqa: N802  (rich's class name)
        from rich.panel import Panel

        return Panel(renderable, title=title, title_align="left", box=box, padding=(0, 1))


def _rich_text(node, width: int, color: bool) -> str:
    from rich.console import Console

    out = io.StringIO()
    Console(file=out, width=width, color_system="truecolor" if color else None,
            no_color=not color, force_terminal=color, highlight=False, emoji=False,
            markup=False).print(_build(_Rich, node))
    return out.getvalue()


@settings(max_examples=examples(1000), **SLOW)
@given(st.randoms(use_true_random=False),
       st.sampled_from([1, 2, 3, 5, 8, 12, 20, 30, 40, 60, 80, 100]), st.booleans())
def test_random_layouts(rng, width, color):
    node = _node_recipe(rng)
    actual = layout.to_string(layout.print_lines([_build(layout, node)], width), color)
    try:
        expected = _rich_text(node, width, color)
    except (ZeroDivisionError, IndexError):  # rich fails on a few joiner sequences
        return  # where ours still draws something
    same(expected, actual, f"{node!r}")


# --- cell widths ------------------------------------------------------------------------

def test_cell_widths_agree_with_rich_for_every_character():
    """Every code point (surrogates aside) takes as many cells as rich says."""
    from rich.cells import get_character_cell_size

    differ = [hex(code) for code in range(0x110000) if not 0xD800 <= code < 0xE000
              and get_character_cell_size(chr(code)) != cells.char_width(chr(code))]
    assert not differ, differ[:20]


def test_the_one_cell_characters_are_one_cell_wide():
    """Strings made only of these are measured by their length, so each must be one
    cell wide by the full rules and by rich's."""
    from rich.cells import get_character_cell_size

    for start, end in cells.SINGLE_CELL_RANGES:
        for code in range(start, end + 1):
            assert cells.char_width(chr(code)) == 1 == get_character_cell_size(chr(code)), hex(code)


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(st.sampled_from(PIECES + ["\u200d", "\ufe0f", "#", "👨", "\x1b"]),
                max_size=14).map("".join), st.integers(0, 16))
def test_cell_length_cropping_and_chopping_agree_with_rich(text, width):
    from rich.cells import cell_len, chop_cells, set_cell_size

    assert cells.cell_len(text) == cell_len(text)
    cropped = cells.set_cell_size(text, width)
    try:
        expected = set_cell_size(text, width)
    except (ZeroDivisionError, IndexError):  # rich fails on a few joiner sequences
        return  # where ours still cuts
    assert cropped == expected
    if width:
        assert cells.chop_cells(text, width) == chop_cells(text, width)
