"""The terminal renderer as it was drawn with rich: the reference that the rich-free
renderer in partnerjournal.render.terminal must match byte for byte.

A verbatim copy of the rich implementation; only the imports differ.

Every piece of user text goes in as ``rich.text.Text`` (never markup), so a partner
called ``[bold]`` prints as written. With ``color=False`` the output is plain text.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from rich import box
from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from partnerjournal.charts import bar, sparkline
from partnerjournal.render import common as c

if TYPE_CHECKING:  # annotations only: pj progress does not load the report's module
    from partnerjournal.progress import ProgressReport
    from partnerjournal.report import QuarterlyReport

PHASE_STYLE = {"example": "#3b82a6", "teach": "#5f8f3e", "evaluate": "#b7793a"}
HEAT_CHARS = ("·", "░", "▒", "▓", "█")
# the glyph's density carries the level, so one vivid green reads on light and dark terminals
HEAT_STYLE = ("#6b7280", "#3fae5f", "#3fae5f", "#3fae5f", "#3fae5f")
UP, DOWN = "#2f8f55", "#c2410c"
MUTED = "#6b7280"
ACCENT = "#2c6e8f"


def _console(width: int | None, color: bool) -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    console = Console(
        file=out,
        width=width or 100,
        color_system="truecolor" if color else None,
        no_color=not color,
        force_terminal=color,
        highlight=False,
        emoji=False,
        record=False,
        markup=False,  # user text is never markup
    )
    return console, out


# --- small pieces -----------------------------------------------------------------------


def _source(key: str) -> Text:
    return Text(c.SECTIONS[key].source, style=f"italic {MUTED}")


def _hint(text: str) -> Text:
    return Text(text, style=MUTED)


def _section(key: str, *body: RenderableType, title: str | None = None) -> Panel:
    return Panel(
        Group(_source(key), Text(""), *body),
        title=Text(title or c.SECTIONS[key].title, style=f"bold {ACCENT}"),
        title_align="left",
        box=box.ROUNDED,
        padding=(0, 1),
    )


def _change(change: float | None, places: int = 2) -> Text:
    if change is None:
        return Text("")
    style = UP if change > 0 else DOWN if change < 0 else MUTED
    return Text(c.change_text(change, places), style=style)


def _rating(rating: int | None, previous: int | None) -> Text:
    text = Text(c.rating_text(rating, previous))
    if rating is not None and previous is not None and rating != previous:
        text.stylize(UP if rating > previous else DOWN)
    return text


def _phase(phase: str) -> Text:
    return Text(c.PHASE_SHORT.get(phase, phase), style=PHASE_STYLE.get(phase, ""))


def _bar(fraction: float, width: int, style: str = ACCENT) -> Text:
    filled = bar(fraction, width)
    return Text(filled, style=style)


def _phase_bars(phases: list, width: int = 30) -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(no_wrap=True)
    grid.add_column(no_wrap=True)
    grid.add_column(justify="right", no_wrap=True)
    for p in phases:
        grid.add_row(
            Text(p.title, style=PHASE_STYLE.get(p.phase, "")),
            _bar(p.share, width, PHASE_STYLE.get(p.phase, ACCENT)),
            Text(f"{c.percent(p.share):>4}  {c.plural(p.reflections_quarter, 'tag')}"),
        )
    return grid


def heat_map(days: list, weeks: list, start, end, as_of) -> Text:
    """The quarter's calendar: weeks as columns, Monday to Sunday as rows."""
    cal = c.calendar(days, weeks, start, end, as_of)
    text = Text()
    header = "    " + "".join(f"{m:<3}" for m in cal.months)
    text.append(header.rstrip() + "\n", style=MUTED)
    for weekday, row in zip(c.WEEKDAYS, cal.rows):
        text.append(f"{weekday} ", style=MUTED)
        for cell in row:
            if cell.state == "outside":
                text.append("   ")
            elif cell.state == "future":
                text.append("   ")
            else:
                glyph = HEAT_CHARS[cell.level]
                text.append(glyph * 2, style=HEAT_STYLE[cell.level])
                text.append(" ")
        text.rstrip()
        text.append("\n")
    text.append("    less ", style=MUTED)
    for level, glyph in enumerate(HEAT_CHARS):
        text.append(glyph * 2, style=HEAT_STYLE[level])
        text.append(" ")
    text.append("more", style=MUTED)
    return text


def _header(title: str, quarter: str, start, end, as_of) -> Panel:
    line = Text()
    line.append(title, style=f"bold {ACCENT}")
    line.append(f"  ·  {quarter}", style="bold")
    line.append(f"  ·  {c.span(start, end)}  ·  as of {c.day(as_of)}", style=MUTED)
    return Panel(line, box=box.HEAVY, padding=(0, 1))


# --- the quarterly report ---------------------------------------------------------------


def _summary(r: QuarterlyReport) -> Panel:
    s = r.summary
    if s.reflections == 0:
        return _section("summary", _hint(c.empty_hint("summary", r.quarter)))
    stats = Table.grid(padding=(0, 2))
    stats.add_column(style=MUTED, no_wrap=True)
    stats.add_column(no_wrap=True)
    stats.add_row("Reflections", Text(str(s.reflections), style="bold"))
    journaled = Text(f"{s.days_journaled} of {s.days_elapsed} days  ")
    journaled.append_text(_bar(c.fraction_of(s.days_journaled, s.days_elapsed), 12))
    stats.add_row("Days journaled", journaled)
    stats.add_row("Longest streak", Text(c.plural(s.longest_streak, "day")))
    p = r.partnerships
    if p.sessions_expected:
        stats.add_row("Sessions held", Text(f"{p.sessions_held} of {p.sessions_expected} due"))
    if p.kept_rate is not None:
        stats.add_row(
            "Kept on time",
            Text(f"{c.percent(p.kept_rate)} of {c.plural(p.commitments_settled, 'commitment')}"),
        )
    top = Table.grid(padding=(0, 4))
    top.add_column()
    top.add_column()
    top.add_row(stats, _report_heat_map(r))
    return _section(
        "summary", top, Text(""), Text("Phase balance", style="bold"), _phase_bars(s.phases)
    )


def _report_heat_map(r: QuarterlyReport) -> RenderableType:
    # the calendar shows once the report model carries its per-day counts
    days = getattr(r, "days", None)
    if days is None:
        return Text("")
    return heat_map(days, r.weeks, r.start, r.end, r.as_of)


def _step_table(columns: list[tuple[str, dict]]) -> Table:
    table = Table(box=box.SIMPLE_HEAD, expand=True, padding=(0, 1), show_edge=False,
                  pad_edge=False)
    for header, options in columns:
        table.add_column(header, **options)
    return table


def _phase_row(table: Table, phase: str, titles: dict[str, str]) -> None:
    cells = [Text(""), Text(titles.get(phase, phase), style=f"bold {PHASE_STYLE.get(phase, '')}")]
    table.add_row(*cells, *[""] * (len(table.columns) - 2))


NUM = {"justify": "right", "no_wrap": True}


def _steps(r: QuarterlyReport) -> Panel:
    table = _step_table([
        ("#", NUM),
        ("Step", {"ratio": 1, "min_width": 24}),
        ("Rating", {"no_wrap": True}),
        ("This\nquarter", NUM),
        ("All\ntime", NUM),
        ("Weeks\nin a row", NUM),
        ("Weekly", {"no_wrap": True}),
    ])
    titles = {p.phase: p.title for p in r.summary.phases}
    previous_phase = None
    for s in r.steps:
        if s.phase != previous_phase:
            _phase_row(table, s.phase, titles)
        previous_phase = s.phase
        table.add_row(
            str(s.number),
            Text(s.title),
            _rating(s.rating, s.previous_rating),
            str(s.reflections_quarter),
            str(s.reflections_total),
            str(s.streak_weeks),
            Text(sparkline(c.weekly_until(s.weekly, r.weeks, r.as_of)),
                 style=PHASE_STYLE.get(s.phase, "")),
        )
    body: list[RenderableType] = [table]
    if all(s.rating is None for s in r.steps):
        body.append(_hint(c.empty_hint("ratings", r.quarter)))
    else:
        body.append(_hint(f"Ratings are this quarter's, with the change from {r.previous_quarter}."))
    notes = [s for s in r.steps if s.note]
    if notes:
        body.append(Text(""))
        for s in notes:
            line = Text(f"Note on step {s.number}: ", style=MUTED)
            line.append(s.note)
            body.append(line)
    return _section("steps", *body)


def _box_panel(r: QuarterlyReport, key: str) -> Panel:
    line = next(b for b in r.partnerships.boxes if b.box == key)
    by_name = {p.name: p for p in r.partnerships.partners}
    body = Text()
    if not line.partners:
        body.append(c.empty_hint("box", r.quarter), style=MUTED)
    for i, name in enumerate(line.partners):
        p = by_name[name]
        if i:
            body.append("\n")
        body.append(name, style="bold" if not p.archived else MUTED)
        if p.archived:
            body.append(" (archived)", style=MUTED)
        body.append("\n  ")
        if p.sessions_held:
            body.append(f"✓ {c.plural(p.sessions_held, 'session')}", style=UP)
        elif p.session_due:
            body.append("session due", style=DOWN)
        else:
            body.append("no session needed", style=MUTED)
        if p.trust is not None:
            body.append(f" · trust {c.number(p.trust)}")
            if p.trust_change is not None:
                body.append(" ")
                body.append_text(_change(p.trust_change))
    title = Text(f"{c.BOX_LABELS[key]} · {line.sessions_held} held", style="bold")
    if line.sessions_due:
        title.append(f", {line.sessions_due} due", style=DOWN)
    return Panel(body, title=title, title_align="left", box=box.SQUARE, padding=(0, 1))


def _partnerships(r: QuarterlyReport) -> Panel:
    p = r.partnerships
    if not p.partners:
        return _section("partnerships", _hint(c.empty_hint("partnerships", r.quarter)))
    grid = Table.grid(expand=True, padding=(0, 1))
    grid.add_column(ratio=1)
    grid.add_column(ratio=1)
    for left, right in c.BOX_GRID:
        grid.add_row(_box_panel(r, left), _box_panel(r, right))

    totals = Text()
    totals.append("Sessions held: ", style=MUTED)
    totals.append(f"{p.sessions_held} of {p.sessions_expected} due this quarter")
    totals.append("   Commitments kept on time: ", style=MUTED)
    if p.kept_rate is None:
        totals.append("none settled yet")
    else:
        totals.append(
            f"{p.commitments_kept_on_time} of {p.commitments_settled} ({c.percent(p.kept_rate)})"
        )

    table = _step_table([
        ("Partner", {"ratio": 1, "min_width": 16}),
        ("Box", {"no_wrap": True}),
        ("Relation", {"no_wrap": True}),
        ("Sessions", NUM),
        ("Kept on\ntime", NUM),
        ("Open", NUM),
        ("Trust", NUM),
        ("Change", {"no_wrap": True}),
        ("Mentions", NUM),
    ])
    for line in p.partners:
        name = Text(line.name)
        if line.archived:
            name.append(" (archived)", style=MUTED)
        sessions = str(line.sessions_held)
        if line.session_due:
            sessions = "due"
        table.add_row(
            name,
            Text(c.BOX_LABELS.get(line.box or "", "—")),
            Text(line.relation or "—"),
            Text(sessions, style=DOWN if line.session_due else ""),
            f"{line.commitments_kept_on_time}/{line.commitments_settled}"
            if line.commitments_settled
            else "—",
            str(line.commitments_open),
            c.number(line.trust),
            _change(line.trust_change),
            str(line.reflections),
        )
    body: list[RenderableType] = [grid, totals, Text(""), table, _hint(
        "Mentions: reflections naming the partner this quarter. Trust: the latest check, "
        "with the change from the one before.")]
    if p.unplaced:
        line = Text("Without a box yet: ", style=MUTED)
        line.append(c.partners_text(p.unplaced))
        line.append(" — place them with pj partner edit NAME --box BOX", style=MUTED)
        body.append(line)
    return _section("partnerships", *body)


def _partner_view(r: QuarterlyReport) -> Panel:
    v = r.partner_view
    body: list[RenderableType] = []
    if not v.partners:
        body.append(_hint(c.empty_hint("partner_view", r.quarter)))
    for i, line in enumerate(v.partners):
        if i:
            body.append(Text(""))
        head = Text(line.name, style="bold")
        head.append(f"  {c.feedback_compared(line)}", style=MUTED)
        body.append(head)
        table = Table(box=box.SIMPLE_HEAD, padding=(0, 1), show_edge=False)
        table.add_column("Term")
        for title in ("You", "Them", "Gap"):
            table.add_column(title, justify="right", no_wrap=True)
        for t in line.terms:
            title = c.term_title(t.term) + (" (lower is better)" if t.term == "self_orientation" else "")
            table.add_row(title, c.number(t.self_rating), c.number(t.partner),
                          c.gap_text(t.gap))
        table.add_row(Text("Trust", style="bold"), c.number(line.trust_self),
                      c.number(line.trust_partner), c.signed(line.trust_gap) or "—")
        body.append(Padding(table, (0, 0, 0, 2)))
        satisfaction = Text("Satisfaction: ", style=MUTED)
        satisfaction.append(c.satisfaction_text(line))
        body.append(Padding(satisfaction, (0, 0, 0, 2)))
        body.append(Padding(Text(c.largest_gap_text(line)), (0, 0, 0, 2)))
    if v.not_asked:
        asked = Text("Not asked this quarter: ", style=MUTED)
        asked.append(c.partners_text(v.not_asked))
        asked.append(" — hand them a form with pj survey NAME", style=MUTED)
        body += [Text(""), asked]
    return _section("partner_view", *body)


def _objectives(r: QuarterlyReport) -> Panel:
    if not r.objectives:
        return _section("objectives", _hint(c.empty_hint("objectives", r.quarter)))
    table = _step_table([
        ("Objective", {"ratio": 1, "min_width": 16}),
        ("Start", NUM),
        ("Latest", NUM),
        ("Target", NUM),
        ("Toward target", {"no_wrap": True}),
        ("Trend", {"no_wrap": True}),
    ])
    for o in r.objectives:
        values = ([o.start] if o.start is not None and o.measurements and
                  o.start != o.measurements[0].value else [])
        values += [m.value for m in o.measurements]
        if o.lower_is_better and values:  # a falling cost is drawn as a rising line
            top = max(values)
            values = [top - v for v in values]
        progress = c.target_progress(o)
        toward = Text()
        if progress is not None:
            toward.append_text(_bar(progress, 10, UP if o.met else ACCENT))
            toward.append(" ")
        toward.append(c.objective_status(o), style=UP if o.met else "")
        name = Text(o.name)
        name.append(f"\n{o.kind}", style=MUTED)
        table.add_row(
            name,
            Text(c.with_unit(o.start, o.unit)),
            Text(c.with_unit(o.latest.value if o.latest else None, o.unit)),
            Text(c.target_text(o)),
            toward,
            Text(sparkline(values) if len(values) > 1 else "", style=ACCENT),
        )
    return _section("objectives", table)


def _important(r: QuarterlyReport) -> Panel:
    recorded = [w for w in r.important_share if w.average is not None]
    if not recorded:
        return _section("important", _hint(c.empty_hint("important", r.quarter)))
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style=MUTED, no_wrap=True)
    grid.add_column(no_wrap=True)
    grid.add_column(justify="right", no_wrap=True)
    grid.add_column(style=MUTED, no_wrap=True)
    for w in r.important_share:
        if w.week > r.as_of:
            continue
        if w.average is None:
            grid.add_row(f"week of {c.day_short(w.week)}", Text(" " * 30), "—", "")
            continue
        grid.add_row(
            f"week of {c.day_short(w.week)}",
            _bar(w.average / 100, 30),
            f"{c.number(w.average, 0)}%",
            c.plural(w.reflections, "day"),
        )
    average = Text("Quarter average: ", style=MUTED)
    average.append(f"{c.number(c.share_average(r.important_share), 0)}%", style="bold")
    return _section("important", grid, Text(""), average)


def _stories(r: QuarterlyReport) -> Panel:
    if not r.stories:
        return _section("stories", _hint(c.empty_hint("stories", r.quarter)))
    body: list[RenderableType] = []
    for i, s in enumerate(r.stories):
        if i:
            body.append(Text(""))
        head = Text(c.day(s.date), style="bold")
        if s.partners:
            head.append("  with ", style=MUTED)
            head.append(c.partners_text(s.partners))
        body.append(head)
        body.append(Padding(Text(s.text), (0, 0, 0, 2)))
        if s.impact:
            impact = Text("Impact: ", style=MUTED)
            impact.append(s.impact, style=UP)
            body.append(Padding(impact, (0, 0, 0, 2)))
    return _section("stories", *body)


def _adjustments(r: QuarterlyReport) -> Panel:
    title = f"{c.SECTIONS['adjustments'].title} ({r.previous_quarter})"
    if not r.previous_adjustments:
        return _section(
            "adjustments",
            _hint(c.empty_hint("adjustments", r.quarter, r.previous_quarter)),
            title=title,
        )
    table = Table(box=box.SIMPLE_HEAD, expand=True, padding=(0, 1), show_edge=False)
    table.add_column("Adjustment", ratio=1)
    table.add_column("Steps", no_wrap=True)
    table.add_column("Reflections since", justify="right", no_wrap=True)
    table.add_column("Rating", no_wrap=True)
    table.add_column("", no_wrap=True)
    for a in r.previous_adjustments:
        style = UP if a.acted_on else DOWN if a.acted_on is False else MUTED
        table.add_row(
            Text(a.text),
            c.steps_text(a.steps),
            str(a.reflections_since) if a.steps else "—",
            _change(a.rating_change, 0),
            Text(c.acted_text(a.acted_on), style=style),
        )
    return _section("adjustments", table, title=title)


def _evaluation(r: QuarterlyReport) -> Panel:
    e = r.evaluation
    if e is None:
        return _section("evaluation", _hint(c.empty_hint("evaluation", r.quarter)))
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style=MUTED, no_wrap=True)
    grid.add_column(ratio=1)
    grid.add_row("Progress", Text(e.progress or "—"))
    grid.add_row("Feedback", Text(e.feedback or "—"))
    adjustments = Text()
    for i, a in enumerate(e.adjustments):
        if i:
            adjustments.append("\n")
        adjustments.append("• ")
        adjustments.append(a)
    grid.add_row("Adjustments", adjustments if e.adjustments else Text("—"))
    return _section("evaluation", grid)


def _focus(r: QuarterlyReport) -> Panel:
    body: list[RenderableType] = []
    for i, f in enumerate(r.focus):
        if i:
            body.append(Text(""))
        head = Text(f"Step {f.number} · {f.title}", style=f"bold {PHASE_STYLE.get(f.phase, '')}")
        head.append(f"  {f.reason}", style=MUTED)
        body.append(head)
        prompts = Table.grid(padding=(0, 1))
        prompts.add_column(no_wrap=True)
        prompts.add_column(ratio=1)
        for p in f.prompts:
            line = Text(p.text)
            line.append(f"\n{p.author}, {p.work}", style=f"italic {MUTED}")
            prompts.add_row(Text(" ›"), line)
        body.append(prompts)
    return _section("focus", *body)


def render_report(report: QuarterlyReport, *, width: int | None = None, color: bool = False,
                  **_: object) -> str:
    """The quarterly report as terminal text (ANSI colours only when ``color``)."""
    console, out = _console(width, color)
    r = report
    console.print(_header("Quarterly self-evaluation", r.quarter, r.start, r.end, r.as_of))
    for part in (_summary, _steps, _partnerships, _partner_view, _objectives, _important,
                 _stories, _adjustments, _evaluation, _focus):
        console.print(part(r))
    return out.getvalue()


# --- the progress report ----------------------------------------------------------------


def render_progress(report: ProgressReport, *, width: int | None = None, color: bool = False,
                    **_: object) -> str:
    """The progress report on the 13 steps as terminal text."""
    console, out = _console(width, color)
    r = report
    console.print(_header("Progress on the 13 steps", r.quarter, r.start, r.end, r.as_of))

    table = _step_table([
        ("#", NUM),
        ("Step", {"ratio": 1, "min_width": 22}),
        ("This\nquarter", NUM),
        ("All\ntime", NUM),
        ("Last\npractised", {"no_wrap": True}),
        ("Weeks\nin a row", NUM),
        ("Rating", {"no_wrap": True}),
        ("Weekly", {"no_wrap": True}),
    ])
    titles = {p.phase: p.title for p in r.phases}
    previous_phase = None
    for s in r.steps:
        if s.phase != previous_phase:
            _phase_row(table, s.phase, titles)
        previous_phase = s.phase
        last = s.last_practiced
        table.add_row(
            str(s.number),
            Text(s.title),
            str(s.reflections_quarter),
            str(s.reflections_total),
            Text(("never" if last is None else
                  c.day_short(last) if last.year == r.as_of.year else c.day(last)),
                 style="" if last else MUTED),
            str(s.streak_weeks),
            _rating(s.rating, s.previous_rating),
            Text(sparkline(c.weekly_until(s.weekly, r.weeks, r.as_of)),
                 style=PHASE_STYLE.get(s.phase, "")),
        )
    body: list[RenderableType] = [table]
    if not r.has_evaluation:
        body.append(_hint(c.empty_hint("ratings", r.quarter)))
    console.print(_section("steps", *body))

    summary = Text()
    summary.append(c.plural(r.reflections_quarter, "reflection"), style="bold")
    summary.append(f" on {r.days_journaled} of "
                   f"{max((r.as_of - r.start).days + 1, 0)} days this quarter", style=MUTED)
    console.print(_section("phases", summary, Text(""), _phase_bars(r.phases)))
    if r.reflections_quarter == 0:
        calendar: RenderableType = _hint(c.empty_hint("summary", r.quarter))
    else:
        calendar = heat_map(r.days, r.weeks, r.start, r.end, r.as_of)
    console.print(_section("calendar", calendar))
    return out.getvalue()
