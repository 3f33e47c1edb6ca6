"""The quarterly and progress reports: what the pure builders compute from hand-built
journals, and how each format (terminal, markdown, html, json) renders the models."""

from __future__ import annotations

import datetime as dt
import html as htmllib
import json
import random
import re

import pydantic
import pytest
from model_contract import check
from report_samples import (
    HOSTILE,
    SAMPLE_QUARTER,
    SAMPLE_TODAY,
    empty_report,
    hostile_report,
    sample_inputs,
    sample_progress,
    sample_report,
)

from partnerjournal.catalog import load_catalog
from partnerjournal.progress import ProgressReport, build_progress
from partnerjournal.quarters import Quarter
from partnerjournal.render import PROGRESS_RENDERERS, REPORT_RENDERERS, renderer
from partnerjournal.render import common as c
from partnerjournal.render import html, markdown, terminal
from partnerjournal.render.json import number as json_number
from partnerjournal.report import QuarterlyReport, ReportInputs, build_quarterly_report

D = dt.date
ANSI = re.compile(r"\x1b\[")
FORMATS = ["terminal", "markdown", "html", "json"]


def build(quarter: Quarter = SAMPLE_QUARTER, today: dt.date = SAMPLE_TODAY, **inputs):
    """A report from hand-built inputs: anything not given is empty."""
    data = dict(reflections=[], step_totals={}, streak_weeks={}, ratings=None,
                previous_ratings=None)
    data.update(inputs)
    return build_quarterly_report(load_catalog(), quarter, today, ReportInputs(**data))


def refl(day: str, steps: list[int], partners: list[str] | None = None, share=None,
         prompt=None) -> dict:
    return {"id": 0, "date": day, "steps": steps, "partners": partners or [],
            "important_share": share, "prompt_id": prompt}


def render_all(report: QuarterlyReport) -> dict[str, str]:
    return {fmt: renderer(REPORT_RENDERERS, fmt)(report, width=100, color=False)
            for fmt in FORMATS}


def visible(fmt: str, text: str) -> str:
    """The text a reader sees: HTML unescaped and stripped of tags, markdown unescaped."""
    if fmt == "html":
        return htmllib.unescape(re.sub(r"<[^>]+>", " ", text))
    if fmt == "markdown":
        return re.sub(r"\\(.)", r"\1", text)
    return text


def squash(text: str) -> str:
    """Whitespace (and terminal box borders) out of the way, for phrase checks."""
    return " ".join(re.sub(r"[│╭╮╰╯─┃━┏┓┗┛]", " ", text).split())


# --- the computations -------------------------------------------------------------------


def test_empty_quarter_computes_zeros_and_still_suggests_a_focus():
    r = empty_report()
    assert (r.summary.reflections, r.summary.days_journaled, r.summary.longest_streak) == (0, 0, 0)
    assert r.summary.days_elapsed == (SAMPLE_TODAY - D(2026, 10, 1)).days + 1
    assert [p.share for p in r.summary.phases] == [0.0, 0.0, 0.0]
    assert r.partnerships.partners == [] and r.partnerships.kept_rate is None
    assert r.objectives == [] and r.stories == [] and r.previous_adjustments == []
    assert r.evaluation is None
    assert all(w.average is None for w in r.important_share)
    assert len(r.focus) == 3 and all(len(f.prompts) == 3 for f in r.focus)


def test_one_entry():
    r = build(reflections=[refl("2026-11-03", [6], share=70)],
              step_totals={6: (1, "2026-11-03")}, streak_weeks={6: 1})
    assert (r.summary.reflections, r.summary.days_journaled, r.summary.longest_streak) == (1, 1, 1)
    assert {p.phase: p.share for p in r.summary.phases} == {
        "example": 0.0, "teach": 1.0, "evaluate": 0.0}
    step6 = r.steps[5]
    assert (step6.reflections_quarter, step6.reflections_total, step6.streak_weeks) == (1, 1, 1)
    assert step6.weekly[r.weeks.index(D(2026, 11, 2))] == 1 and sum(step6.weekly) == 1
    recorded = [w for w in r.important_share if w.average is not None]
    assert [(w.week, w.reflections, w.average) for w in recorded] == [(D(2026, 11, 2), 1, 70.0)]
    for fmt, text in render_all(r).items():
        assert "No objectives yet" in text or fmt == "json", fmt


def test_summary_counts_and_longest_streak():
    days = ["2026-10-01", "2026-10-02", "2026-10-02", "2026-10-03",  # 3 days, one twice
            "2026-10-05", "2026-10-06", "2026-10-07", "2026-10-08",  # 4 in a row
            "2026-12-30"]
    r = build(reflections=[refl(d, [1]) for d in days], today=D(2027, 2, 1))
    assert r.summary.reflections == 9
    assert r.summary.days_journaled == 8
    assert r.summary.longest_streak == 4
    assert r.summary.days_elapsed == 92  # the whole quarter, it is over
    assert r.as_of == D(2026, 12, 31)


def test_phase_balance_counts_every_step_a_reflection_served():
    r = build(reflections=[refl("2026-10-05", [1]), refl("2026-10-06", [6]),
                           refl("2026-10-07", [2, 11])])
    shares = {p.phase: (p.reflections_quarter, p.share) for p in r.summary.phases}
    assert shares == {"example": (2, 0.5), "teach": (1, 0.25), "evaluate": (1, 0.25)}


def _commitment(status, due, closed=None, date="2026-10-02", partner="Ana"):
    return {"partner": partner, "date": date, "text": "x", "due": due, "status": status,
            "closed_at": closed}


def test_kept_on_time_rate():
    ana = {"name": "Ana", "box": "managers", "relation": "direct",
           "created_at": "2026-01-01T00:00:00+00:00", "archived_at": None}
    r = build(
        partners=[ana],
        commitments=[
            _commitment("kept", "2026-10-20", "2026-10-19"),  # kept on time
            _commitment("kept", "2026-10-20", "2026-10-25"),  # kept, late
            _commitment("kept", None, "2026-11-01"),  # no due date: on time
            _commitment("dropped", "2026-11-10", "2026-11-05"),  # dropped: settled, not kept
            _commitment("open", "2026-11-30"),  # overdue by the report date: counts against
            _commitment("open", "2027-01-15"),  # not due yet: not settled
            _commitment("kept", "2026-09-10", "2026-09-09", date="2026-09-01"),  # last quarter
        ],
    )
    p = r.partnerships
    assert (p.commitments_settled, p.commitments_kept_on_time, p.kept_rate) == (5, 2, 0.4)
    ana_line = p.partners[0]
    assert ana_line.commitments_open == 2 and ana_line.kept_rate == 0.4


def test_trust_score_and_its_change_follow_maisters_equation():
    r = sample_report()
    chen = next(p for p in r.partnerships.partners if p.name == "Chen Wei")
    assert chen.trust == round((8 + 7 + 6) / 4, 2)
    assert chen.trust_change == round((8 + 7 + 6) / 4 - (7 + 6 + 5) / 4, 2)
    plant = next(p for p in r.partnerships.partners if p.name == "Plant Ops Leads")
    assert plant.trust == 3.4 and plant.trust_change is None  # one check: no change yet
    dana = next(p for p in r.partnerships.partners if p.name == "Dana Fox")
    assert dana.trust is None


def test_objective_distance_to_target():
    by_name = {o.name: o for o in sample_report().objectives}
    cost = by_name["Cost per unit"]  # lower is better: 4.31 against 4.2
    assert (cost.start, cost.latest.value, cost.distance_to_target, cost.met) == (
        4.61, 4.31, 0.11, False)
    assert cost.change == -0.3
    assert c.target_progress(cost) == pytest.approx(1 - 0.11 / 0.41)
    csat = by_name["Customer satisfaction"]
    assert (csat.distance_to_target, csat.met, c.target_progress(csat)) == (0.0, True, 1.0)
    otd = by_name["On-time delivery"]
    assert otd.distance_to_target is None and otd.met is None
    assert c.objective_status(otd) == "no target"
    engagement = by_name["Team engagement"]  # measured only before the quarter
    assert engagement.measurements == [] and engagement.latest.date == D(2026, 6, 30)
    assert engagement.distance_to_target == pytest.approx(0.4)
    assert c.objective_status(engagement) == "0.4 score to go"


def test_fiscal_year_starting_in_april():
    q = Quarter(2026, 1, fiscal_start=4)
    r = build(q, D(2026, 5, 20), reflections=[refl("2026-04-01", [1]), refl("2026-05-19", [13])])
    assert (r.start, r.end, r.as_of) == (D(2026, 4, 1), D(2026, 6, 30), D(2026, 5, 20))
    assert r.quarter == "2026Q1" and r.previous_quarter == "2025Q4"
    assert r.fiscal_year_start == 4
    assert r.weeks[0] == D(2026, 3, 30) and r.weeks[-1] == D(2026, 6, 29)
    assert r.summary.days_elapsed == 50
    page = html.render_report(r)
    assert "fiscal year starting in April" in page
    assert "1 Apr – 30 Jun 2026" in page
    assert "2025Q4" in markdown.render_report(r)


def test_quarter_without_an_evaluation():
    r = sample_report(ratings=None, evaluation=None)
    assert r.evaluation is None
    assert all(s.rating is None and s.rating_change is None for s in r.steps)
    assert r.steps[0].previous_rating == 3  # last quarter's ratings still show
    out = render_all(r)
    for fmt in ("terminal", "markdown", "html"):
        seen = squash(visible(fmt, out[fmt]))
        assert "No evaluation for 2026Q4 yet — run pj evaluate --quarter 2026Q4." in seen, fmt
        assert "No self-evaluation for 2026Q4 yet" in seen, fmt
    assert json.loads(out["json"])["evaluation"] is None


def test_partner_archived_mid_quarter():
    r = sample_report()
    names = [p.name for p in r.partnerships.partners]
    assert "Old Supplier Desk" not in names  # archived before the quarter began
    sam = next(p for p in r.partnerships.partners if p.name == "Sam O'Neill")
    assert sam.archived and not sam.session_due  # no session owed after leaving
    assert sam.commitments_kept_on_time == 1  # what was kept before leaving still counts
    managers = next(b for b in r.partnerships.boxes if b.box == "managers")
    assert managers.partners == ["Maria Lopez", "Sam O'Neill"] and managers.sessions_due == 0
    assert r.partnerships.unplaced == ["Dana Fox"]
    assert (r.partnerships.sessions_held, r.partnerships.sessions_expected) == (4, 5)
    for fmt, text in render_all(r).items():
        if fmt != "json":
            assert re.search(r"Sam O(&#x27;|')Neill\W+\(archived\)", text), fmt


def test_partner_created_after_the_quarter_is_left_out():
    later = {"name": "Newcomer", "box": "teams", "relation": "direct",
             "created_at": "2027-01-05T09:00:00+01:00", "archived_at": None}
    r = sample_report(partners=sample_inputs().partners + [later])
    assert "Newcomer" not in [p.name for p in r.partnerships.partners]


def test_previous_adjustments_acted_on_not_and_unknown():
    r = build(
        reflections=[refl("2026-10-05", [3]), refl("2026-10-12", [3, 5])],
        ratings={3: {"rating": 3}, 4: {"rating": 3}, 12: {"rating": 2}},
        previous_ratings={3: {"rating": 3}, 4: {"rating": 2}, 12: {"rating": 2}},
        previous_evaluation={"adjustments": [
            {"text": "Sessions early", "steps": [3]},  # practised since
            {"text": "Types on purpose", "steps": [4]},  # not practised, but rated higher
            {"text": "Cross training", "steps": [12]},  # neither
            {"text": "Protect Fridays", "steps": []},  # names no step: cannot tell
        ]},
    )
    got = [(a.text, a.reflections_since, a.rating_change, a.acted_on)
           for a in r.previous_adjustments]
    assert got == [
        ("Sessions early", 2, 0, True),
        ("Types on purpose", 0, 1, True),
        ("Cross training", 0, 0, False),
        ("Protect Fridays", 0, None, None),
    ]
    out = render_all(r)
    for fmt in ("terminal", "markdown", "html"):
        seen = visible(fmt, out[fmt])
        assert seen.count("not acted on") == 1, fmt
        assert seen.count("unknown (names no step)") == 1, fmt
        assert len(re.findall(r"(?<!not )acted on(?! when)", seen)) >= 2, fmt


def test_focus_steps_have_three_sourced_prompts_each():
    catalog = load_catalog()
    r = sample_report()
    assert [f.number for f in r.focus] == [4, 12, 7]  # rated 2, then the least practised
    for f in r.focus:
        assert len(f.prompts) == 3 and len({p.id for p in f.prompts}) == 3
        for p in f.prompts:
            prompt = catalog.prompt(p.id)
            assert f.number in prompt.steps
            assert (p.author, p.work) == (prompt.source.author, prompt.source.work)
    out = render_all(r)
    for fmt in ("terminal", "markdown", "html"):
        seen = squash(visible(fmt, out[fmt]))
        for f in r.focus:
            assert f"Step {f.number} · {f.title}" in seen, fmt
            for p in f.prompts:
                assert squash(p.text) in seen, (fmt, p.id)
                assert squash(f"{p.author}, {p.work}") in seen, (fmt, p.id)


# --- every format -----------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["terminal", "markdown", "html"])
def test_every_section_and_its_source_line_is_rendered(fmt):
    seen = squash(visible(fmt, render_all(sample_report())[fmt]))
    for key in ("summary", "steps", "partnerships", "objectives", "important", "stories",
                "adjustments", "evaluation", "focus"):
        section = c.SECTIONS[key]
        assert section.title in seen, key
        assert squash(section.source) in seen, key
    for phrase in ("Leadership", "Teams", "Managers", "Employees", "Without a box yet",
                   "Dana Fox", "Cost per unit", "Forecast error down from 12% to 5%",
                   "Book every partnership session in the first month"):
        assert phrase in seen, phrase


@pytest.mark.parametrize("fmt", ["terminal", "markdown", "html"])
def test_empty_quarter_renders_a_hint_for_every_empty_section(fmt):
    seen = squash(visible(fmt, render_all(empty_report())[fmt]))
    for hint in (
        c.empty_hint("summary", "2026Q4"),
        c.empty_hint("partnerships", "2026Q4"),
        c.empty_hint("objectives", "2026Q4"),
        c.empty_hint("important", "2026Q4"),
        c.empty_hint("stories", "2026Q4"),
        c.empty_hint("adjustments", "2026Q4", "2026Q3"),
        c.empty_hint("evaluation", "2026Q4"),
    ):
        assert squash(hint) in seen, hint
    assert "No objectives yet — add one with pj objective add" in seen


def test_json_is_the_model_itself():
    """Every field, with exactly its declared type, as pydantic writes the same data."""
    r = sample_report()
    assert check(r) == renderer(REPORT_RENDERERS, "json")(r)
    p = sample_progress()
    assert check(p) == renderer(PROGRESS_RENDERERS, "json")(p)
    assert check(empty_report()) == renderer(REPORT_RENDERERS, "json")(empty_report())


def test_a_model_that_breaks_its_annotations_is_caught():
    r = sample_report()
    r.summary.reflections = float(r.summary.reflections)  # an int field holding a float
    with pytest.raises(pydantic.ValidationError):
        check(r)
    r = sample_report()
    r.partner_view.partners[0].date = r.partner_view.partners[0].date.isoformat()
    with pytest.raises(pydantic.ValidationError):
        check(r)


def test_json_numbers_are_written_as_pydantic_writes_them():
    values = [3.0, 0.1, 1e-05, 2.5e-07, 1e16, 1e15, -0.0, 0.0, 5e-324, 1.7976931348623157e308,
              123456789012345678.0, 1 / 3, -2 / 7, 1e21, 1e-4, 9.999e-06]
    rng = random.Random(11)
    values += [rng.random() * 10 ** rng.randint(-30, 30) * rng.choice((1, -1)) for _ in range(2000)]
    values += [rng.randint(-10**7, 10**7) / rng.choice((1, 3, 10, 7, 1000)) for _ in range(2000)]
    reference = pydantic.TypeAdapter(list[float]).dump_json(values).decode()
    assert reference == "[" + ",".join(json_number(v) for v in values) + "]"
    assert json_number(float("nan")) == json_number(float("inf")) == "null"


def test_every_registered_renderer_exists():
    for table, model in ((REPORT_RENDERERS, sample_report()),
                         (PROGRESS_RENDERERS, sample_progress())):
        for fmt in table:
            assert renderer(table, fmt)(model, width=80, color=False).endswith("\n")


# --- terminal ---------------------------------------------------------------------------


@pytest.mark.parametrize("width", [100, 80, 60])
def test_terminal_is_plain_without_colour_and_fits_the_width(width):
    for text in (terminal.render_report(sample_report(), width=width, color=False),
                 terminal.render_progress(sample_progress(), width=width, color=False)):
        assert not ANSI.search(text)
        assert max(len(line) for line in text.splitlines()) <= width


def test_terminal_colours_only_when_asked():
    assert ANSI.search(terminal.render_report(sample_report(), width=100, color=True))
    assert ANSI.search(terminal.render_progress(sample_progress(), width=100, color=True))


def test_terminal_default_width_is_100():
    text = terminal.render_report(sample_report(), width=None, color=False)
    assert max(len(line) for line in text.splitlines()) == 100


def test_terminal_prints_markup_like_user_text_as_written():
    text = squash(terminal.render_report(hostile_report(), width=200, color=True))
    plain = squash(ANSI.sub("", terminal.render_report(hostile_report(), width=200,
                                                        color=False)))
    assert "[bold]x[/bold]" in plain
    assert "[bold]x[/bold]" in re.sub(r"\x1b\[[0-9;]*m", "", text)


def test_terminal_report_shows_steps_with_rating_arrows_and_sparklines():
    r = sample_report()
    text = terminal.render_report(r, width=100, color=False)
    assert "4 ▲ from 3" in text and "2 ▼ from 3" in text and "4 = 4" in text
    spark = c.weekly_until(r.steps[0].weekly, r.weeks, r.as_of)
    from partnerjournal.charts import sparkline

    assert sparkline(spark).rstrip() in text
    assert "▲ +0.75" in text and "▼ −0.33" in text  # trust changes
    assert "≤ 4.2 EUR" in text and "target met" in text


def test_terminal_progress_lists_every_step_with_phase_and_calendar():
    p = sample_progress()
    text = terminal.render_progress(p, width=100, color=False)
    flat = squash(text)
    for s in p.steps:
        assert re.search(rf"^\W*{s.number}\s", text, re.MULTILINE), s.number
    for title in ("Set the example", "Teach to strengthen others", "Evaluate and adjust"):
        assert title in flat
    assert "never" in text  # steps 4 and 12 were never practised
    rows = [line for line in text.splitlines() if re.match(r"│ (Mon|Tue|Wed|Thu|Fri|Sat|Sun) ",
                                                          line)]
    assert [row[2:5] for row in rows] == list(c.WEEKDAYS)
    assert "Oct" in text and "Nov" in text and "Dec" in text
    assert "62 reflections on 55 of 79 days" in flat


def test_terminal_progress_without_reflections_says_how_to_start():
    data = ReportInputs(reflections=[], step_totals={}, streak_weeks={}, ratings=None,
                        previous_ratings=None)
    p = build_progress(load_catalog(), SAMPLE_QUARTER, SAMPLE_TODAY, data)
    flat = squash(terminal.render_progress(p, width=100, color=False))
    assert "No reflections in 2026Q4 yet — write one with pj today." in flat
    assert "No self-evaluation for 2026Q4 yet" in flat


def test_calendar_lays_days_out_as_weeks_by_weekday():
    p = sample_progress()
    cal = c.calendar(p.days, p.weeks, p.start, p.end, p.as_of)
    assert len(cal.rows) == 7 and all(len(row) == len(p.weeks) for row in cal.rows)
    cells = [cell for row in cal.rows for cell in row]
    assert sum(cell.state == "day" for cell in cells) == (p.as_of - p.start).days + 1
    assert sum(cell.state == "future" for cell in cells) == (p.end - p.as_of).days
    assert sum(cell.state == "outside" for cell in cells) == 7 * len(p.weeks) - SAMPLE_QUARTER.days()
    assert sum(cell.count for cell in cells if cell.state == "day") == p.reflections_quarter
    assert cal.rows[3][0].date == D(2026, 10, 1)  # a Thursday, in the first column
    assert cal.months[0] == "Oct" and cal.months.count("Nov") == 1
    assert {cell.level for cell in cells} <= {0, 1, 2, 3, 4}


def test_heat_map_in_the_report_once_the_model_carries_the_days():
    r = sample_report()
    text = terminal.render_report(r, width=100, color=False)
    page = html.render_report(r)
    if "days" in QuarterlyReport._fields:
        assert "Mon " in text and 'class="heat"' in page
    else:
        assert "less ·· ░░" not in text and 'class="heat"' not in page


def test_heat_map_renders_in_every_format():
    p = sample_progress()
    lines = markdown.heat_map_lines(p.days, p.weeks, p.start, p.end, p.as_of)
    assert [line[:3] for line in lines[1:8]] == list(c.WEEKDAYS)
    svg = html.heat_map_svg(p.days, p.weeks, p.start, p.end, p.as_of)
    assert svg.count("reflection</title>") + svg.count("reflections</title>") == 79


# --- markdown ---------------------------------------------------------------------------


def test_markdown_tables_keep_their_shape_with_pipes_in_user_text():
    text = markdown.render_report(hostile_report())
    for block in re.findall(r"(?:^\|.*\|$\n?)+", text, re.MULTILINE):
        widths = {len(re.findall(r"(?<!\\)\|", row)) for row in block.strip().splitlines()}
        assert len(widths) == 1, block


def test_markdown_escapes_user_text():
    full = markdown.render_report(hostile_report())
    blocks = re.findall(r"^(`{3,})text\n(.*?)^\1$", full, re.MULTILINE | re.DOTALL)
    assert blocks and all("```" not in body or len(fence) > 3 for fence, body in blocks)
    text = re.sub(r"^(`{3,})text\n.*?^\1$", "", full, flags=re.MULTILINE | re.DOTALL)
    assert "<script>" not in text and "</style>" not in text
    assert r"\<script\>alert(1)\</script\>" in text
    assert r"\[bold\]x\[/bold\]" in text and r"\*star\*" in text
    assert markdown.md("a &amp; b & c") == r"a \&amp; b & c"
    assert markdown.md_block("# not a heading\n- not a list") == "\\# not a heading  \n\\- not a list"


def test_markdown_draws_charts_as_unicode_bars():
    text = markdown.render_report(sample_report())
    assert "```text" in text and "█" in text
    assert re.search(r"week of 14 Dec\s+█+.*54%", text)
    assert re.search(r"Customer satisfaction\s+█{24}\s+100%", text)


# --- html -------------------------------------------------------------------------------


def test_html_escapes_every_piece_of_user_text():
    page = html.render_report(hostile_report())
    assert "<script" not in page.lower()
    assert page.count("</style>") == 1  # only the page's own stylesheet closes
    escaped = htmllib.escape(HOSTILE, quote=True)
    for prefix in ("Eve ", "Story ", "Impact ", "Objective ", "Note ", "Progress ", "Feedback ",
                   "Adjust ", "Earlier "):
        assert htmllib.escape(prefix) + escaped in page, prefix
    assert "u" + escaped in page  # the unit
    assert "&lt;v2&gt;" in page


def test_html_is_self_contained():
    page = html.render_report(sample_report())
    lowered = page.lower()
    for forbidden in ("<script", "<link", "<img", "<iframe", "<object", "@import", "url(",
                      "http://", "https://", "src=", "href=", "javascript:"):
        assert forbidden not in lowered, forbidden
    assert "default-src 'none'" in page  # the browser is told to fetch nothing, too
    assert lowered.count("<style>") == 1 and "<svg" in lowered


def test_html_prints_cleanly():
    page = html.render_report(sample_report())
    assert "@page {" in page and "@media print" in page
    assert "break-inside: avoid" in page and "print-color-adjust: exact" in page
    assert "size:" not in page.split("@page", 1)[1].split("}", 1)[0]  # A4 or Letter: printer's


def test_html_has_its_charts():
    page = html.render_report(sample_report())
    assert page.count('aria-label="reflections per week') == 13  # one per step
    assert 'aria-label="important, not urgent share by week"' in page
    assert 'aria-label="steps practised per week, by phase"' in page
    assert page.count('class="objective"') == 4
    assert page.count("stroke-dasharray") >= 4  # targets and the share average
    assert '<div class="boxes">' in page
    boxes = re.findall(r'<div class="box (\w+)">', page)
    assert boxes == ["leadership", "teams", "managers", "employees"]  # Hitt's 2x2, in order


def test_html_objective_chart_handles_missing_values():
    r = sample_report()
    for o in r.objectives:
        svg = html.objective_svg(o, r.start, r.end)
        assert svg.startswith("<svg") and "nan" not in svg.lower()
    blank = r.objectives[0].replace(measurements=[], start=None, latest=None, target=None)
    assert html.objective_svg(blank, r.start, r.end) == ""
