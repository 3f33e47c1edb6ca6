"""The quarterly report as one self-contained HTML page, for the screen and for print.

Inline CSS and inline SVG charts only: no JavaScript, no fonts or images fetched from
anywhere (a Content-Security-Policy says so to the browser as well). Every piece of
user text passes through ``html.escape``. Prints on A4 and Letter alike: the page size
is left to the printer, sections avoid breaking across pages.
"""

from __future__ import annotations

import datetime as dt
from html import escape

from ..report import QuarterlyReport
from . import common as c

PHASE_COLOR = {"example": "#3b82a6", "teach": "#5f8f3e", "evaluate": "#b7793a"}
HEAT_COLOR = ("#ebeef2", "#c6e6cf", "#86c99a", "#449e66", "#1f6b3f")


def e(value: object) -> str:
    """Escape text (quotes too, so it is safe in attributes)."""
    return escape(str(value), quote=True)


def _n(value: float) -> str:
    """A coordinate for SVG: short and stable."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


CSS = """
:root {
  --ink: #1f2933; --muted: #5b6775; --faint: #8a96a3; --line: #e3e7ec; --wash: #f4f6f8;
  --card: #ffffff; --accent: #2c6e8f; --accent-soft: #e3eff5;
  --example: #3b82a6; --teach: #5f8f3e; --evaluate: #b7793a;
  --up: #2f8f55; --down: #c2410c; --up-soft: #e3f3e8; --down-soft: #fbe9e1;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; background: var(--wash); color: var(--ink);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
    "Noto Sans", "Liberation Sans", sans-serif;
  font-variant-numeric: tabular-nums;
}
.report { max-width: 980px; margin: 0 auto; padding: 28px 24px 40px; }
.masthead { padding: 8px 0 18px; }
.eyebrow { margin: 0; color: var(--accent); font-size: .78rem; font-weight: 600;
  letter-spacing: .08em; text-transform: uppercase; }
h1 { margin: 4px 0 2px; font-size: 1.9rem; line-height: 1.2; font-weight: 650; }
h1 .span { color: var(--muted); font-weight: 400; font-size: 1.2rem; margin-left: .35em; }
.asof { margin: 0; color: var(--muted); font-size: .9rem; }
.kpis { display: grid; grid-template-columns: repeat(auto-fit, minmax(128px, 1fr)); gap: 10px;
  margin: 0 0 6px; padding: 0; }
.kpi { background: var(--wash); border-radius: 10px; padding: 10px 14px; }
.kpi dt { color: var(--muted); font-size: .7rem; text-transform: uppercase;
  letter-spacing: .04em; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.kpi dd { margin: 2px 0 0; font-size: 1.35rem; font-weight: 600; }
.kpi dd small { font-size: .8rem; font-weight: 400; color: var(--muted); }
section { background: var(--card); border: 1px solid var(--line); border-radius: 12px;
  padding: 18px 24px 20px; margin: 14px 0; }
h2 { margin: 0; font-size: 1.15rem; font-weight: 650; display: flex; align-items: baseline;
  gap: .5em; }
h2::before { content: ""; width: 4px; height: .95em; background: var(--accent);
  border-radius: 2px; align-self: center; }
h3 { font-size: 1rem; margin: 0 0 4px; }
h4 { margin: 14px 0 6px; font-size: .8rem; color: var(--muted); text-transform: uppercase;
  letter-spacing: .05em; font-weight: 600; }
p.source { margin: 3px 0 14px; color: var(--muted); font-size: .85rem; font-style: italic; }
p.empty { margin: 0; padding: 12px 14px; background: var(--wash); border-radius: 8px;
  color: var(--muted); }
p.note { margin: 8px 0 0; color: var(--muted); font-size: .85rem; }
.user { white-space: pre-line; overflow-wrap: anywhere; }
table { width: 100%; border-collapse: collapse; font-size: .9rem; }
th { text-align: left; color: var(--muted); font-weight: 600; font-size: .72rem;
  text-transform: uppercase; letter-spacing: .04em; padding: 6px 8px;
  border-bottom: 1px solid var(--line); vertical-align: bottom; }
td { padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: middle; }
tr:last-child td { border-bottom: none; }
th.num, td.num { text-align: right; white-space: nowrap; }
tr.phase td { padding-top: 12px; font-weight: 600; font-size: .8rem; text-transform: uppercase;
  letter-spacing: .05em; border-bottom: 1px solid var(--line); }
td.step-n { color: var(--faint); width: 2em; text-align: right; }
.up { color: var(--up); } .down { color: var(--down); } .same { color: var(--faint); }
.dots { letter-spacing: 1px; color: var(--accent); white-space: nowrap; }
.dots .off { color: #d5dbe1; }
.pill { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: .78rem;
  font-weight: 600; white-space: nowrap; }
.pill.good { background: var(--up-soft); color: var(--up); }
.pill.bad { background: var(--down-soft); color: var(--down); }
.pill.quiet { background: var(--wash); color: var(--muted); }
.phase-legend { display: flex; flex-wrap: wrap; gap: 6px 22px; margin: 8px 0 0; padding: 0;
  list-style: none; font-size: .88rem; }
.phase-legend i { display: inline-block; width: 10px; height: 10px; border-radius: 2px;
  margin-right: 6px; }
.summary-grid { display: grid; grid-template-columns: minmax(0, 1fr) auto; gap: 18px 32px;
  align-items: start; }
svg { display: block; max-width: 100%; height: auto; }
svg.chart { width: 100%; height: auto; margin-top: 4px; }
th .sub { text-transform: none; letter-spacing: 0; font-weight: 400; }
td.rating { white-space: nowrap; font-size: .85rem; }
svg text { font-family: inherit; }
.boxes { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; }
.box { border: 1px solid var(--line); border-radius: 10px; padding: 10px 14px 12px;
  border-top: 3px solid var(--accent); }
.box h3 { display: flex; justify-content: space-between; gap: 8px; }
.box h3 span { color: var(--muted); font-weight: 400; font-size: .82rem; }
.box ul { list-style: none; margin: 0; padding: 0; }
.box li { padding: 5px 0; border-top: 1px dashed var(--line); display: flex;
  flex-wrap: wrap; justify-content: space-between; gap: 2px 10px; }
.box li:first-child { border-top: none; }
.box .who { font-weight: 600; overflow-wrap: anywhere; }
.box .facts { color: var(--muted); font-size: .85rem; }
.box.leadership { border-top-color: #2c6e8f; } .box.teams { border-top-color: #5f8f3e; }
.box.managers { border-top-color: #7a5ea8; } .box.employees { border-top-color: #b7793a; }
.archived { color: var(--faint); }
.totals { display: flex; flex-wrap: wrap; gap: 6px 28px; margin: 14px 0 6px; }
.totals b { font-size: 1.05rem; }
.objectives { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; }
.objective { border: 1px solid var(--line); border-radius: 10px; padding: 12px 14px; }
.objective header { display: flex; justify-content: space-between; gap: 8px;
  align-items: baseline; }
.objective h3 { overflow-wrap: anywhere; }
.kind { color: var(--muted); font-size: .75rem; text-transform: uppercase;
  letter-spacing: .05em; }
.figures { display: grid; grid-template-columns: repeat(3, auto); justify-content: start;
  gap: 0 22px; margin: 6px 0 8px; font-size: .75rem; color: var(--muted);
  text-transform: uppercase; letter-spacing: .04em; }
.figures b { display: block; color: var(--ink); font-size: 1.05rem; text-transform: none;
  letter-spacing: 0; }
.views { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; }
.view { border: 1px solid var(--line); border-radius: 10px; padding: 12px 14px; }
.view h3 { overflow-wrap: anywhere; }
.view td.num, .view th.num { width: 3.6em; }
.stories { list-style: none; margin: 0; padding: 0; display: grid; gap: 10px; }
.story { border-left: 3px solid var(--accent); background: var(--wash); border-radius: 0 8px 8px 0;
  padding: 10px 14px; }
.story .meta { color: var(--muted); font-size: .82rem; margin-bottom: 3px; }
.story .impact { margin-top: 6px; font-size: .88rem; }
.story .impact b { color: var(--up); }
dl.answers { display: grid; grid-template-columns: max-content 1fr; gap: 8px 18px; margin: 0; }
dl.answers dt { color: var(--muted); font-weight: 600; font-size: .85rem; }
dl.answers dd { margin: 0; }
dl.answers ol { margin: 0; padding-left: 1.2em; }
.focus { display: grid; gap: 12px; }
.focus-step { border: 1px solid var(--line); border-radius: 10px; padding: 12px 16px;
  border-left: 4px solid var(--accent); }
.focus-step.example { border-left-color: var(--example); }
.focus-step.teach { border-left-color: var(--teach); }
.focus-step.evaluate { border-left-color: var(--evaluate); }
.focus-step .why { color: var(--muted); font-size: .85rem; margin: 0 0 6px; }
.focus-step ol { margin: 0; padding-left: 1.3em; }
.focus-step li { margin: 5px 0; }
.focus-step cite { display: block; color: var(--muted); font-size: .8rem; font-style: normal; }
footer { color: var(--faint); font-size: .78rem; text-align: center; margin-top: 18px; }
@media (max-width: 680px) {
  .boxes, .objectives, .summary-grid, .views { grid-template-columns: 1fr; }
  section { padding: 14px 14px 16px; }
  .report { padding: 16px 10px 28px; }
  .wide { overflow-x: auto; }
}
@page { margin: 14mm 13mm; }
@media print {
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  html, body { background: #fff; font-size: 9.5pt; }
  .report { max-width: none; padding: 0; }
  .masthead { padding-top: 0; }
  section { border: 0; border-top: 1px solid var(--line); border-radius: 0; margin: 0;
    padding: 10pt 0 8pt; break-inside: avoid; page-break-inside: avoid; }
  h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
  table, tr, figure, svg, .box, .objective, .view, .story, .focus-step, .kpis {
    break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  /* the long sections may continue on the next page, between rows and cards */
  section.long, section.long table.long { break-inside: auto; page-break-inside: auto; }
  .kpis { grid-template-columns: repeat(6, 1fr); }
  .kpi, .box, .objective, .focus-step { border-color: #cfd6dd; }
  .kpi { padding: 4pt 8pt; }
  .kpi dd { font-size: 13pt; }
  td, th { padding: 3pt 5pt; }
  tr.phase td { padding-top: 6pt; }
  p.source { margin-bottom: 8pt; }
  svg.chart { max-height: 42mm; }
  .objective svg.chart { max-height: 30mm; }
  footer { margin-top: 8pt; }
}
"""


# --- charts (inline SVG) ----------------------------------------------------------------


def phase_bar_svg(phases: list) -> str:
    """One stacked bar: the quarter's step tags by phase."""
    width, height = 600, 22
    parts = []
    x = 0.0
    total = sum(p.share for p in phases)
    for p in phases:
        w = width * (p.share / total) if total else 0
        if w > 0:
            parts.append(
                f'<rect x="{_n(x)}" y="0" width="{_n(w)}" height="{height}" '
                f'fill="{PHASE_COLOR.get(p.phase, "#999")}"><title>{e(p.title)}: '
                f'{c.percent(p.share)}</title></rect>'
            )
        x += w
    if not parts:
        parts.append(f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ebeef2"/>')
    label = "; ".join(f"{p.title} {c.percent(p.share)}" for p in phases)
    return (
        f'<svg class="phase-bar" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" preserveAspectRatio="none" role="img" aria-label="{e(label)}" '
        f'style="width:100%;height:{height}px;border-radius:6px">{"".join(parts)}</svg>'
    )


def phase_weeks_svg(steps: list, weeks: list[dt.date], as_of: dt.date) -> str:
    """Stacked columns: step tags per week, coloured by phase."""
    width, height = 640, 150
    left, right, top, bottom = 28, 8, 10, 24
    plot_w, plot_h = width - left - right, height - top - bottom
    totals: list[dict[str, int]] = [{} for _ in weeks]
    for s in steps:
        for i, n in enumerate(s.weekly):
            totals[i][s.phase] = totals[i].get(s.phase, 0) + n
    top_value = max((sum(t.values()) for t in totals), default=0) or 1
    scale = max(5, -(-(top_value + 1) // 5) * 5)  # headroom, rounded up to a multiple of 5
    slot = plot_w / max(len(weeks), 1)
    out = []
    for tick in range(0, scale + 1, 5 if scale <= 20 else 10):
        y = top + plot_h * (1 - tick / scale)
        out.append(f'<line x1="{left}" y1="{_n(y)}" x2="{left + plot_w}" y2="{_n(y)}" '
                   f'stroke="{"#cfd6dd" if tick == 0 else "#edf0f3"}"/>')
        out.append(f'<text x="{left - 5}" y="{_n(y + 3.5)}" font-size="10" fill="#8a96a3" '
                   f'text-anchor="end">{tick}</text>')
    for i, (monday, t) in enumerate(zip(weeks, totals)):
        cx = left + slot * (i + 0.5)
        bw = slot * 0.62
        if i % 2 == 0:
            out.append(f'<text x="{_n(cx)}" y="{height - 8}" font-size="10" fill="#5b6775" '
                       f'text-anchor="middle">{e(c.day_short(monday))}</text>')
        if monday > as_of:
            continue
        y = top + plot_h
        for phase in ("example", "teach", "evaluate"):
            n = t.get(phase, 0)
            if not n:
                continue
            h = plot_h * n / scale
            y -= h
            out.append(f'<rect x="{_n(cx - bw / 2)}" y="{_n(y)}" width="{_n(bw)}" '
                       f'height="{_n(h)}" fill="{PHASE_COLOR[phase]}"><title>week of '
                       f'{c.day(monday)}: {c.plural(n, "tag")} in {c.PHASE_SHORT[phase]}'
                       f'</title></rect>')
    return (f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" '
            f'height="{height}" role="img" aria-label="steps practised per week, by phase">'
            f'{"".join(out)}</svg>')


def weekly_svg(values: list[int | None], top: int, color: str) -> str:
    """A row of small columns, one per week; ``None`` weeks are still to come."""
    step, w, h = 8, 6, 22
    width = step * len(values)
    bars = [f'<line x1="0" y1="{h - 0.5}" x2="{width}" y2="{h - 0.5}" stroke="#e3e7ec"/>']
    for i, v in enumerate(values):
        if v is None or v == 0:
            continue
        bh = max(2.0, (h - 2) * v / top) if top else 0
        bars.append(
            f'<rect x="{i * step + 1}" y="{_n(h - bh)}" width="{w}" height="{_n(bh)}" rx="1" '
            f'fill="{color}"/>'
        )
    label = ", ".join("-" if v is None else str(v) for v in values)
    return (
        f'<svg viewBox="0 0 {width} {h}" width="{width}" height="{h}" role="img" '
        f'aria-label="reflections per week: {e(label)}">{"".join(bars)}</svg>'
    )


def heat_map_svg(days: list, weeks: list, start, end, as_of) -> str:
    """The calendar of days journaled: weeks as columns, Monday to Sunday as rows."""
    cal = c.calendar(days, weeks, start, end, as_of)
    cell, gap, left, top = 15, 3, 30, 16
    width = left + len(cal.weeks) * (cell + gap)
    height = top + 7 * (cell + gap) + 22
    out = []
    for i, month in enumerate(cal.months):
        if month:
            out.append(f'<text x="{left + i * (cell + gap)}" y="11" font-size="10" '
                       f'fill="#5b6775">{e(month)}</text>')
    for r, (weekday, row) in enumerate(zip(c.WEEKDAYS, cal.rows)):
        y = top + r * (cell + gap)
        if r % 2 == 0:
            out.append(f'<text x="0" y="{y + 10}" font-size="9.5" fill="#5b6775">'
                       f'{weekday}</text>')
        for i, cellv in enumerate(row):
            x = left + i * (cell + gap)
            if cellv.state == "outside":
                continue
            if cellv.state == "future":
                out.append(f'<rect x="{x + 0.5}" y="{y + 0.5}" width="{cell - 1}" '
                           f'height="{cell - 1}" rx="2" fill="none" stroke="#e3e7ec"/>')
                continue
            out.append(
                f'<rect x="{x}" y="{y}" width="{cell}" height="{cell}" rx="2" '
                f'fill="{HEAT_COLOR[cellv.level]}"><title>{c.day(cellv.date)}: '
                f'{c.plural(cellv.count, "reflection")}</title></rect>'
            )
    ly = top + 7 * (cell + gap) + 8
    out.append(f'<text x="{left}" y="{ly + 9}" font-size="9.5" fill="#5b6775">less</text>')
    for level, color in enumerate(HEAT_COLOR):
        out.append(f'<rect x="{left + 26 + level * (cell + 2)}" y="{ly}" width="{cell - 2}" '
                   f'height="{cell - 2}" rx="2" fill="{color}"/>')
    out.append(f'<text x="{left + 30 + 5 * (cell + 2)}" y="{ly + 9}" font-size="9.5" '
               f'fill="#5b6775">more</text>')
    return (f'<svg class="heat" viewBox="0 0 {width} {height}" width="{width}" '
            f'height="{height}" role="img" aria-label="days journaled in the quarter">'
            f'{"".join(out)}</svg>')


def share_svg(weeks: list, as_of: dt.date) -> str:
    """Columns: the average important-not-urgent share per week, 0-100 %."""
    width, height = 640, 190
    left, right, top, bottom = 34, 58, 12, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    slot = plot_w / max(len(weeks), 1)
    out = []
    for pct in (0, 25, 50, 75, 100):
        y = top + plot_h * (1 - pct / 100)
        out.append(f'<line x1="{left}" y1="{_n(y)}" x2="{left + plot_w}" y2="{_n(y)}" '
                   f'stroke="{"#cfd6dd" if pct == 0 else "#edf0f3"}"/>')
        out.append(f'<text x="{left - 6}" y="{_n(y + 3.5)}" font-size="10" fill="#8a96a3" '
                   f'text-anchor="end">{pct}%</text>')
    for i, w in enumerate(weeks):
        cx = left + slot * (i + 0.5)
        if i % 2 == 0:
            out.append(f'<text x="{_n(cx)}" y="{height - 10}" font-size="10" fill="#5b6775" '
                       f'text-anchor="middle">{e(c.day_short(w.week))}</text>')
        if w.week > as_of:
            continue
        if w.average is None:
            out.append(f'<text x="{_n(cx)}" y="{_n(top + plot_h - 4)}" font-size="10" '
                       f'fill="#8a96a3" text-anchor="middle">–</text>')
            continue
        bh = plot_h * w.average / 100
        bw = slot * 0.62
        out.append(
            f'<rect x="{_n(cx - bw / 2)}" y="{_n(top + plot_h - bh)}" width="{_n(bw)}" '
            f'height="{_n(bh)}" rx="2" fill="#2c6e8f"><title>week of {c.day(w.week)}: '
            f'{c.number(w.average, 1)}% over {c.plural(w.reflections, "day")}</title></rect>'
        )
        out.append(f'<text x="{_n(cx)}" y="{_n(top + plot_h - bh - 4)}" font-size="9.5" '
                   f'fill="#1f2933" text-anchor="middle">{c.number(w.average, 0)}</text>')
    average = c.share_average(weeks)
    if average is not None:
        y = top + plot_h * (1 - average / 100)
        out.append(f'<line x1="{left}" y1="{_n(y)}" x2="{left + plot_w}" y2="{_n(y)}" '
                   f'stroke="#b7793a" stroke-width="1.5" stroke-dasharray="5 4"/>')
        out.append(f'<text x="{left + plot_w + 4}" y="{_n(y + 3.5)}" font-size="10" '
                   f'fill="#b7793a">avg {c.number(average, 0)}%</text>')
    return (f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" '
            f'height="{height}" role="img" aria-label="important, not urgent share by week">{"".join(out)}</svg>')


def objective_svg(o, start: dt.date, end: dt.date) -> str:
    """Measurements across the quarter as a line, the target as a dashed line."""
    points: list[tuple[dt.date, float, bool]] = []
    carried = o.start is not None and (
        not o.measurements or o.measurements[0].value != o.start
    )
    if carried:  # the value carried in from before the quarter, drawn on its first day
        points.append((start, o.start, True))
    points += [(m.date, m.value, False) for m in o.measurements]
    width, height = 300, 112
    left, right, top, bottom = 6, 64, 12, 18
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for _, v, _ in points] + ([o.target] if o.target is not None else [])
    if not values:
        return ""
    low, high = min(values), max(values)
    pad = (high - low) * 0.15 or abs(high) * 0.1 or 1.0
    low, high = low - pad, high + pad
    days = max((end - start).days, 1)

    def xy(d: dt.date, v: float) -> tuple[float, float]:
        x = left + plot_w * min(max((d - start).days, 0), days) / days
        y = top + plot_h * (1 - (v - low) / (high - low))
        return x, y

    out = [f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" '
           f'stroke="#cfd6dd"/>']
    for label_day, anchor in ((start, "start"), (end, "end")):
        x = left if anchor == "start" else left + plot_w
        out.append(f'<text x="{x}" y="{height - 4}" font-size="9.5" fill="#8a96a3" '
                   f'text-anchor="{anchor}">{e(c.day_short(label_day))}</text>')
    if o.target is not None:
        _, ty = xy(start, o.target)
        out.append(f'<line x1="{left}" y1="{_n(ty)}" x2="{left + plot_w}" y2="{_n(ty)}" '
                   f'stroke="#b7793a" stroke-width="1.5" stroke-dasharray="5 4"/>')
        out.append(f'<text x="{left + plot_w + 5}" y="{_n(ty + 3.5)}" font-size="10" '
                   f'fill="#b7793a">target</text>')
    coords = [xy(d, v) for d, v, _ in points]
    if len(coords) > 1:
        path = " ".join(f"{'M' if i == 0 else 'L'}{_n(x)},{_n(y)}" for i, (x, y) in
                        enumerate(coords))
        out.append(f'<path d="{path}" fill="none" stroke="#2c6e8f" stroke-width="2" '
                   f'stroke-linejoin="round"/>')
    for (d, v, carried), (x, y) in zip(points, coords):
        fill = "#ffffff" if carried else "#2c6e8f"
        what = "carried in from before the quarter" if carried else c.day(d)
        out.append(f'<circle cx="{_n(x)}" cy="{_n(y)}" r="3.5" fill="{fill}" stroke="#2c6e8f" '
                   f'stroke-width="1.5"><title>{e(c.with_unit(v, o.unit))} · {e(what)}'
                   f'</title></circle>')
    if coords:
        x, y = coords[-1]
        if o.target is not None:
            ty = xy(start, o.target)[1]
            if abs(y - ty) < 12:  # keep the value clear of the target's label
                y = ty - 12 if y <= ty else ty + 14
        out.append(f'<text x="{_n(x + 7)}" y="{_n(y + 3.5)}" font-size="10.5" '
                   f'font-weight="600" fill="#1f2933">{e(c.number(points[-1][1]))}</text>')
    label = f"{o.name}: " + ", ".join(f"{c.day(d)} {c.number(v)}" for d, v, _ in points)
    return (f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" '
            f'height="{height}" role="img" aria-label="{e(label)}">{"".join(out)}</svg>')


# --- sections ---------------------------------------------------------------------------


LONG_SECTIONS = ("steps", "focus")


def _section(key: str, body: str, *, title: str | None = None) -> str:
    long = ' class="long"' if key in LONG_SECTIONS else ""
    return (
        f'<section id="{key}"{long} aria-labelledby="{key}-title">'
        f'<h2 id="{key}-title">{e(title or c.SECTIONS[key].title)}</h2>'
        f'<p class="source">{e(c.SECTIONS[key].source)}</p>{body}</section>'
    )


def _empty(text: str) -> str:
    return f'<p class="empty">{e(text)}</p>'


def _change(change: float | None, places: int = 2) -> str:
    if change is None:
        return ""
    cls = "up" if change > 0 else "down" if change < 0 else "same"
    return f'<span class="{cls}">{e(c.change_text(change, places))}</span>'


def _dots(rating: int | None) -> str:
    if rating is None:
        return '<span class="same">—</span>'
    return (f'<span class="dots" title="{rating} of 5">{"●" * rating}'
            f'<span class="off">{"●" * (5 - rating)}</span></span>')


def _versus(rating: int | None, previous: int | None) -> str:
    """``▲ from 3`` beside this quarter's rating."""
    if previous is None:
        return ""
    if rating is None:
        return f'<span class="same">was {previous}</span>'
    change = rating - previous
    if change == 0:
        return f'<span class="same">= {previous}</span>'
    cls = "up" if change > 0 else "down"
    return f'<span class="{cls}">{c.arrow(change)} from {previous}</span>'


def _kpis(r: QuarterlyReport) -> str:
    s, p = r.summary, r.partnerships
    tiles = [
        ("Reflections", str(s.reflections), ""),
        ("Days journaled", str(s.days_journaled), f"of {s.days_elapsed}"),
        ("Longest streak", str(s.longest_streak), "days" if s.longest_streak != 1 else "day"),
    ]
    if p.sessions_expected:
        tiles.append(("Sessions held", str(p.sessions_held), f"of {p.sessions_expected}"))
    if p.kept_rate is not None:
        tiles.append(("Kept on time", c.percent(p.kept_rate),
                      f"of {p.commitments_settled}"))
    average = c.share_average(r.important_share)
    if average is not None:
        tiles.append(("Important work", f"{c.number(average, 0)}%", "of days, avg"))
    return '<dl class="kpis">' + "".join(
        f'<div class="kpi"><dt>{e(label)}</dt><dd>{e(value)}'
        f'{f" <small>{e(small)}</small>" if small else ""}</dd></div>'
        for label, value, small in tiles
    ) + "</dl>"


def _summary(r: QuarterlyReport) -> str:
    s = r.summary
    if s.reflections == 0:
        return _section("summary", _empty(c.empty_hint("summary", r.quarter)))
    legend = "".join(
        f'<li><i style="background:{PHASE_COLOR.get(p.phase, "#999")}"></i>{e(p.title)} '
        f'<b>{c.percent(p.share)}</b> <span class="same">'
        f'({c.plural(p.reflections_quarter, "tag")})</span></li>'
        for p in s.phases
    )
    balance = (f'<h4>Phase balance</h4>{phase_bar_svg(s.phases)}'
               f'<ul class="phase-legend">{legend}</ul>')
    weekly = (f'<h4>Steps practised per week</h4>'
              f'{phase_weeks_svg(r.steps, r.weeks, r.as_of)}')
    days = getattr(r, "days", None)  # the calendar shows once the model carries it
    if days is not None:
        calendar = heat_map_svg(days, r.weeks, r.start, r.end, r.as_of)
        body = (f'{_kpis(r)}<div class="summary-grid"><div>{balance}{weekly}</div>'
                f'<div><h4>Days journaled</h4>{calendar}</div></div>')
    else:
        body = _kpis(r) + balance + weekly
    return _section("summary", body)


def _steps(r: QuarterlyReport) -> str:
    titles = {p.phase: p.title for p in r.summary.phases}
    top = max((max(s.weekly, default=0) for s in r.steps), default=0)
    rows = []
    previous = None
    for s in r.steps:
        if s.phase != previous:
            rows.append(f'<tr class="phase"><td></td><td colspan="6" '
                        f'style="color:{PHASE_COLOR.get(s.phase, "#555")}">'
                        f'{e(titles.get(s.phase, s.phase))}</td></tr>')
            previous = s.phase
        versus = _versus(s.rating, s.previous_rating)
        note = f'<div class="note same user">{e(s.note)}</div>' if s.note else ""
        rows.append(
            f'<tr><td class="step-n">{s.number}</td><td>{e(s.title)}{note}</td>'
            f'<td class="rating">{_dots(s.rating)} {versus}</td>'
            f'<td class="num">{s.reflections_quarter}</td><td class="num">'
            f'{s.reflections_total}</td><td class="num">{s.streak_weeks}</td>'
            f'<td>{weekly_svg(c.weekly_until(s.weekly, r.weeks, r.as_of), top, PHASE_COLOR.get(s.phase, "#2c6e8f"))}</td></tr>'
        )
    table = (
        '<div class="wide"><table class="steps long"><thead><tr><th class="num">#</th><th>Step</th>'
        f'<th>Rating <span class="sub">vs {e(r.previous_quarter)}</span></th>'
        '<th class="num">This quarter</th>'
        '<th class="num">All time</th><th class="num">Weeks in a row</th><th>Weekly</th>'
        '</tr></thead><tbody>' + "".join(rows) + "</tbody></table></div>"
    )
    if all(s.rating is None for s in r.steps):
        table += f'<p class="note">{e(c.empty_hint("ratings", r.quarter))}</p>'
    return _section("steps", table)


def _box(r: QuarterlyReport, key: str) -> str:
    line = next(b for b in r.partnerships.boxes if b.box == key)
    by_name = {p.name: p for p in r.partnerships.partners}
    count = f"{line.sessions_held} held"
    if line.sessions_due:
        count += f" · {line.sessions_due} due"
    items = []
    for name in line.partners:
        p = by_name[name]
        facts = []
        if p.sessions_held:
            facts.append(f'<span class="up">✓ {e(c.plural(p.sessions_held, "session"))}</span>')
        elif p.session_due:
            facts.append('<span class="pill bad">session due</span>')
        if p.trust is not None:
            facts.append(f"trust <b>{e(c.number(p.trust))}</b> {_change(p.trust_change)}")
        who = f'<span class="who{" archived" if p.archived else ""}">{e(name)}'
        who += " (archived)</span>" if p.archived else "</span>"
        items.append(f'<li>{who}<span class="facts">{" · ".join(facts)}</span></li>')
    body = f"<ul>{''.join(items)}</ul>" if items else (
        f'<p class="same" style="margin:0">{e(c.empty_hint("box", r.quarter))}</p>')
    return (f'<div class="box {key}"><h3>{e(c.BOX_LABELS[key])} <span>{e(count)}</span></h3>'
            f"{body}</div>")


def _partnerships(r: QuarterlyReport) -> str:
    p = r.partnerships
    if not p.partners:
        return _section("partnerships", _empty(c.empty_hint("partnerships", r.quarter)))
    boxes = "".join(_box(r, key) for row in c.BOX_GRID for key in row)
    kept = ("none settled yet" if p.kept_rate is None else
            f"{p.commitments_kept_on_time} of {p.commitments_settled} "
            f"({c.percent(p.kept_rate)})")
    totals = (f'<div class="totals"><span>Sessions held <b>{p.sessions_held} of '
              f'{p.sessions_expected}</b> due this quarter</span><span>Commitments kept on '
              f'time <b>{e(kept)}</b></span></div>')
    rows = []
    for line in p.partners:
        name = e(line.name) + (' <span class="archived">(archived)</span>'
                               if line.archived else "")
        sessions = ('<span class="pill bad">due</span>' if line.session_due
                    else str(line.sessions_held))
        kept_cell = (f"{line.commitments_kept_on_time} of {line.commitments_settled}"
                     if line.commitments_settled else '<span class="same">—</span>')
        rows.append(
            f"<tr><td>{name}</td><td>{e(c.BOX_LABELS.get(line.box or '', '—'))}</td>"
            f"<td>{e(line.relation or '—')}</td><td class=\"num\">{sessions}</td>"
            f'<td class="num">{kept_cell}</td><td class="num">{line.commitments_open}</td>'
            f'<td class="num">{e(c.number(line.trust))}</td>'
            f'<td class="num">{_change(line.trust_change)}</td>'
            f'<td class="num">{line.reflections}</td></tr>'
        )
    table = (
        '<h4>By partner</h4><div class="wide"><table><thead><tr><th>Partner</th><th>Box</th>'
        '<th>Relation</th><th class="num">Sessions</th><th class="num">Kept on time</th>'
        '<th class="num">Open</th><th class="num">Trust</th><th class="num">Change</th>'
        '<th class="num">Mentions</th></tr></thead><tbody>' + "".join(rows)
        + "</tbody></table></div>"
        '<p class="note">Between the boxes, Hitt names three kinds of relationship: direct '
        "(top to bottom), influential (left to right) and guidance (across the diagonal). "
        "Mentions: reflections naming the partner this quarter. Trust: the latest check, "
        "with the change from the one before.</p>"
    )
    if p.unplaced:
        table += (f'<p class="note">Without a box yet: <b>{e(c.partners_text(p.unplaced))}</b>'
                  " — place them with pj partner edit NAME --box BOX.</p>")
    return _section("partnerships", f'<div class="boxes">{boxes}</div>{totals}{table}')


def _partner_view(r: QuarterlyReport) -> str:
    v = r.partner_view
    parts = [] if v.partners else [_empty(c.empty_hint("partner_view", r.quarter))]
    cards = []
    for line in v.partners:
        rows = []
        for t in line.terms:
            worse = t.gap is not None and t.gap != 0 and (
                (t.gap > 0) == (t.term == "self_orientation"))
            cls = "down" if worse else "up" if t.gap else "same"
            lower = (' <span class="same">(lower is better)</span>'
                     if t.term == "self_orientation" else "")
            rows.append(
                f"<tr><td>{e(c.term_title(t.term))}{lower}</td>"
                f'<td class="num">{e(c.number(t.self_rating))}</td>'
                f'<td class="num">{e(c.number(t.partner))}</td>'
                f'<td class="num"><span class="{cls}">{e(c.gap_text(t.gap))}</span></td></tr>'
            )
        rows.append(
            f'<tr><td><b>Trust</b></td><td class="num">{e(c.number(line.trust_self))}</td>'
            f'<td class="num">{e(c.number(line.trust_partner))}</td>'
            f'<td class="num">{e(c.signed(line.trust_gap) or "—")}</td></tr>'
        )
        cards.append(
            f'<article class="view"><h3>{e(line.name)}</h3><p class="note" style="margin-top:0">'
            f"{e(c.feedback_compared(line))}</p>"
            '<table><thead><tr><th>Term</th><th class="num">You</th>'
            '<th class="num">Them</th><th class="num">Gap</th></tr></thead><tbody>'
            + "".join(rows) + "</tbody></table>"
            f'<p class="note">Satisfaction <b>{e(c.satisfaction_text(line))}</b></p>'
            f'<p class="note">{e(c.largest_gap_text(line))}</p></article>'
        )
    if cards:
        parts.append(f'<div class="views">{"".join(cards)}</div>')
    if v.not_asked:
        parts.append(f'<p class="note">Not asked this quarter: <b>'
                     f"{e(c.partners_text(v.not_asked))}</b> — hand them a form with pj survey"
                     " NAME.</p>")
    return _section("partner_view", "".join(parts))


def _objectives(r: QuarterlyReport) -> str:
    if not r.objectives:
        return _section("objectives", _empty(c.empty_hint("objectives", r.quarter)))
    cards = []
    for o in r.objectives:
        status = c.objective_status(o)
        cls = "good" if o.met else "quiet" if o.met is None else "bad"
        figures = [
            f"<span>start <b>{e(c.with_unit(o.start, o.unit))}</b></span>",
            f"<span>latest <b>{e(c.with_unit(o.latest.value if o.latest else None, o.unit))}"
            f"</b></span>",
            f"<span>target <b>{e(c.target_text(o))}</b></span>",
        ]
        chart = objective_svg(o, r.start, r.end)
        latest_note = ""
        if o.latest is not None and not r.start <= o.latest.date <= r.end:
            latest_note = (f'<p class="note">Not measured this quarter; the latest value is from '
                           f'{e(c.day(o.latest.date))}.</p>')
        cards.append(
            f'<article class="objective"><header><h3>{e(o.name)}</h3>'
            f'<span class="kind">{e(o.kind)}</span></header>'
            f'<div class="figures">{"".join(figures)}</div>'
            f'<span class="pill {cls}">{e(status)}</span>{chart}{latest_note}</article>'
        )
    return _section("objectives", f'<div class="objectives">{"".join(cards)}</div>')


def _important(r: QuarterlyReport) -> str:
    if not any(w.average is not None for w in r.important_share):
        return _section("important", _empty(c.empty_hint("important", r.quarter)))
    return _section("important", share_svg(r.important_share, r.as_of) + (
        '<p class="note">Each column is the average over the days that recorded a share; '
        "the dashed line is the quarter's average.</p>"))


def _stories(r: QuarterlyReport) -> str:
    if not r.stories:
        return _section("stories", _empty(c.empty_hint("stories", r.quarter)))
    items = []
    for s in r.stories:
        meta = e(c.day(s.date))
        if s.partners:
            meta += f" · with {e(c.partners_text(s.partners))}"
        impact = (f'<div class="impact"><b>Impact</b> <span class="user">{e(s.impact)}</span>'
                  "</div>" if s.impact else "")
        items.append(f'<li class="story"><div class="meta">{meta}</div>'
                     f'<div class="user">{e(s.text)}</div>{impact}</li>')
    return _section("stories", f'<ul class="stories">{"".join(items)}</ul>')


def _adjustments(r: QuarterlyReport) -> str:
    title = f"{c.SECTIONS['adjustments'].title} ({r.previous_quarter})"
    if not r.previous_adjustments:
        return _section("adjustments", _empty(
            c.empty_hint("adjustments", r.quarter, r.previous_quarter)), title=title)
    rows = []
    for a in r.previous_adjustments:
        cls = "good" if a.acted_on else "bad" if a.acted_on is False else "quiet"
        rows.append(
            f'<tr><td class="user">{e(a.text)}</td><td>{e(c.steps_text(a.steps))}</td>'
            f'<td class="num">{a.reflections_since if a.steps else "—"}</td>'
            f'<td class="num">{_change(a.rating_change, 0) or "—"}</td>'
            f'<td><span class="pill {cls}">{e(c.acted_text(a.acted_on))}</span></td></tr>'
        )
    table = ('<div class="wide"><table><thead><tr><th>Adjustment</th><th>Steps</th>'
             '<th class="num">Reflections since</th><th class="num">Rating change</th>'
             '<th>Acted on</th></tr></thead><tbody>' + "".join(rows) + "</tbody></table></div>")
    return _section("adjustments", table, title=title)


def _evaluation(r: QuarterlyReport) -> str:
    ev = r.evaluation
    if ev is None:
        return _section("evaluation", _empty(c.empty_hint("evaluation", r.quarter)))
    adjustments = ("<ol>" + "".join(f'<li class="user">{e(a)}</li>' for a in ev.adjustments)
                   + "</ol>") if ev.adjustments else "—"
    body = (
        '<dl class="answers">'
        f'<dt>Progress</dt><dd class="user">{e(ev.progress) or "—"}</dd>'
        f'<dt>Feedback</dt><dd class="user">{e(ev.feedback) or "—"}</dd>'
        f"<dt>Adjustments</dt><dd>{adjustments}</dd></dl>"
    )
    return _section("evaluation", body)


def _focus(r: QuarterlyReport) -> str:
    cards = []
    for f in r.focus:
        prompts = "".join(
            f"<li>{e(p.text)}<cite>{e(p.author)}, <i>{e(p.work)}</i></cite></li>"
            for p in f.prompts
        )
        cards.append(
            f'<article class="focus-step {e(f.phase)}"><h3>Step {f.number} · {e(f.title)}</h3>'
            f'<p class="why">{e(c.PHASE_SHORT.get(f.phase, f.phase))} phase — {e(f.reason)}</p>'
            f"<ol>{prompts}</ol></article>"
        )
    return _section("focus", f'<div class="focus">{"".join(cards)}</div>')


def render_report(report: QuarterlyReport, **_: object) -> str:
    """The quarterly report as one HTML page (width and colour do not apply)."""
    r = report
    fiscal = ""
    if r.fiscal_year_start != 1:
        month = c.MONTHS[r.fiscal_year_start - 1]
        fiscal = f" · fiscal year starting in {month}"
    title = f"Quarterly self-evaluation — {r.quarter}"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        # the page needs nothing from anywhere: say so, so a browser refuses to fetch
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:\">",
        '<meta name="generator" content="partnerjournal">',
        f"<title>{e(title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        '<main class="report">',
        '<header class="masthead"><p class="eyebrow">partnerjournal · quarterly '
        "self-evaluation</p>"
        f'<h1>{e(r.quarter)}<span class="span">{e(c.span(r.start, r.end))}</span></h1>'
        f'<p class="asof">As of {e(c.day(r.as_of))}{e(fiscal)}</p></header>',
    ]
    for part in (_summary, _steps, _partnerships, _partner_view, _objectives, _important,
                 _stories, _adjustments, _evaluation, _focus):
        parts.append(part(r))
    parts += [
        "<footer>Written from your own journal by partnerjournal. Each section names the "
        "work its idea comes from.</footer>",
        "</main>",
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"
