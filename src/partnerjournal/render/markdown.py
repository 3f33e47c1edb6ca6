"""The quarterly report as GitHub-flavoured Markdown that also reads well as plain text.

Charts are unicode bars and sparklines in code blocks; user text is escaped so that a
reflection containing ``*``, ``|`` or ``<script>`` shows as written and never becomes
markup, a broken table or HTML.
"""

from __future__ import annotations

import re

from ..charts import bar, sparkline
from ..report import QuarterlyReport
from . import common as c

_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_ENTITY = re.compile(r"&(?=#?\w+;)")  # '&amp;' would otherwise turn into '&'
_LINE_START = re.compile(r"^(\s*)([#+\-=]|\d+[.)])", re.MULTILINE)


def md(text: str) -> str:
    """Escape user text for use inline (a table cell, a list item): one line."""
    text = " ".join(text.split())
    text = _SPECIAL.sub(r"\\\1", text)
    return _ENTITY.sub(r"\\&", text)


def md_block(text: str, indent: str = "") -> str:
    """Escape user text that may span lines; each line keeps its break."""
    lines = [_SPECIAL.sub(r"\\\1", " ".join(line.split())) for line in text.strip().splitlines()]
    lines = [_ENTITY.sub(r"\\&", line) for line in lines if line]
    lines = [_LINE_START.sub(r"\1\\\2", line) for line in lines]
    return ("  \n" + indent).join(lines)


def _table(headers: list[str], rows: list[list[str]], align: str) -> list[str]:
    """A GFM table; ``align`` has one letter per column: l(eft) or r(ight)."""
    marks = {"l": "---", "r": "--:"}
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join(marks[a] for a in align) + "|"]
    out += ["| " + " | ".join(row) + " |" for row in rows]
    return out


def _source(key: str) -> list[str]:
    return [f"_{c.SECTIONS[key].source}_", ""]


def _heading(key: str, suffix: str = "") -> list[str]:
    return [f"## {c.SECTIONS[key].title}{suffix}", ""]


def _code(lines: list[str]) -> list[str]:
    """A fenced block: its content is shown as is, so user text in it needs no escaping;
    the fence is longer than any run of backticks inside, so nothing can close it early."""
    longest = max((len(run) for line in lines for run in re.findall(r"`+", line)), default=0)
    fence = "`" * max(3, longest + 1)
    return [f"{fence}text", *[line.rstrip() for line in lines], fence, ""]


def _plain(text: str) -> str:
    """User text for a code block: one line."""
    return " ".join(text.split())


def _phase_lines(phases: list) -> list[str]:
    width = max(len(p.title) for p in phases)
    return [
        f"{p.title:<{width}}  {bar(p.share, 24)}  {c.percent(p.share):>4}  "
        f"{c.plural(p.reflections_quarter, 'tag')}"
        for p in phases
    ]


def heat_map_lines(days: list, weeks: list, start, end, as_of) -> list[str]:
    """The calendar as text: weeks as columns, Monday to Sunday as rows."""
    glyphs = ("·", "░", "▒", "▓", "█")
    cal = c.calendar(days, weeks, start, end, as_of)
    lines = ["    " + "".join(f"{m:<3}" for m in cal.months)]
    for weekday, row in zip(c.WEEKDAYS, cal.rows):
        cells = "".join(
            "   " if cell.state != "day" else glyphs[cell.level] * 2 + " " for cell in row
        )
        lines.append(f"{weekday} {cells}")
    lines.append("    less " + " ".join(g * 2 for g in glyphs) + " more")
    return lines


def _summary(r: QuarterlyReport) -> list[str]:
    out = _heading("summary") + _source("summary")
    s = r.summary
    if s.reflections == 0:
        return out + [c.empty_hint("summary", r.quarter), ""]
    p = r.partnerships
    headers = ["Reflections", "Days journaled", "Longest streak"]
    row = [str(s.reflections), f"{s.days_journaled} of {s.days_elapsed}",
           c.plural(s.longest_streak, "day")]
    if p.sessions_expected:
        headers.append("Sessions held")
        row.append(f"{p.sessions_held} of {p.sessions_expected}")
    if p.kept_rate is not None:
        headers.append("Kept on time")
        row.append(f"{c.percent(p.kept_rate)} ({p.commitments_kept_on_time} of "
                   f"{p.commitments_settled})")
    out += _table(headers, [row], "r" * len(headers)) + [""]
    out += ["**Phase balance**", ""] + _code(_phase_lines(s.phases))
    days = getattr(r, "days", None)  # the calendar shows once the model carries it
    if days is not None:
        out += ["**Days journaled**", ""]
        out += _code(heat_map_lines(days, r.weeks, r.start, r.end, r.as_of))
    return out


def _steps(r: QuarterlyReport) -> list[str]:
    out = _heading("steps") + _source("steps")
    rows = []
    for s in r.steps:
        rows.append([
            str(s.number), md(s.title), c.PHASE_SHORT.get(s.phase, s.phase),
            c.rating_text(s.rating, s.previous_rating), str(s.reflections_quarter),
            str(s.reflections_total), str(s.streak_weeks),
            f"`{sparkline(c.weekly_until(s.weekly, r.weeks, r.as_of)).rstrip()}`",
        ])
    out += _table(
        ["#", "Step", "Phase", f"Rating (vs {r.previous_quarter})", "This quarter", "All time",
         "Weeks in a row", "Weekly"],
        rows, "rlllrrrl",
    ) + [""]
    if all(s.rating is None for s in r.steps):
        out += [c.empty_hint("ratings", r.quarter), ""]
    notes = [s for s in r.steps if s.note]
    if notes:
        out += [f"- **Note on step {s.number}:** {md(s.note)}" for s in notes] + [""]
    return out


def _box_cell(r: QuarterlyReport, key: str) -> str:
    line = next(b for b in r.partnerships.boxes if b.box == key)
    by_name = {p.name: p for p in r.partnerships.partners}
    head = f"**{c.BOX_LABELS[key]}** ({line.sessions_held} held"
    head += f", {line.sessions_due} due)" if line.sessions_due else ")"
    if not line.partners:
        return f"{head}: {c.empty_hint('box', r.quarter)}"
    items = []
    for name in line.partners:
        p = by_name[name]
        bits = [md(name) + (" (archived)" if p.archived else "")]
        if p.sessions_held:
            bits.append(f"✓ {c.plural(p.sessions_held, 'session')}")
        elif p.session_due:
            bits.append("session due")
        if p.trust is not None:
            trust = f"trust {c.number(p.trust)}"
            if p.trust_change is not None:
                trust += f" {c.change_text(p.trust_change)}"
            bits.append(trust)
        items.append(", ".join(bits))
    return f"{head}: " + "; ".join(items)


def _partnerships(r: QuarterlyReport) -> list[str]:
    out = _heading("partnerships") + _source("partnerships")
    p = r.partnerships
    if not p.partners:
        return out + [c.empty_hint("partnerships", r.quarter), ""]
    (tl, tr), (bl, br) = c.BOX_GRID
    out += _table([_box_cell(r, tl), _box_cell(r, tr)], [[_box_cell(r, bl), _box_cell(r, br)]],
                  "ll") + [""]
    kept = ("none settled yet" if p.kept_rate is None else
            f"{p.commitments_kept_on_time} of {p.commitments_settled} "
            f"({c.percent(p.kept_rate)})")
    out += [f"Sessions held: **{p.sessions_held} of {p.sessions_expected}** due this quarter. "
            f"Commitments kept on time: **{kept}**.", ""]
    rows = []
    for line in p.partners:
        rows.append([
            md(line.name) + (" (archived)" if line.archived else ""),
            c.BOX_LABELS.get(line.box or "", "—"),
            md(line.relation) if line.relation else "—",
            "due" if line.session_due else str(line.sessions_held),
            f"{line.commitments_kept_on_time}/{line.commitments_settled}"
            if line.commitments_settled else "—",
            str(line.commitments_open),
            c.number(line.trust),
            c.change_text(line.trust_change) or "—",
            str(line.reflections),
        ])
    out += _table(["Partner", "Box", "Relation", "Sessions", "Kept on time", "Open", "Trust",
                   "Change", "Mentions"], rows, "lllrrrrlr") + [""]
    out += ["Mentions: reflections naming the partner this quarter. Trust: the latest check, "
            "with the change from the one before.", ""]
    if p.unplaced:
        out += [f"Without a box yet: {md(c.partners_text(p.unplaced))} — place them with "
                "`pj partner edit NAME --box BOX`.", ""]
    return out


def _partner_view(r: QuarterlyReport) -> list[str]:
    out = _heading("partner_view") + _source("partner_view")
    v = r.partner_view
    if not v.partners:
        out += [c.empty_hint("partner_view", r.quarter), ""]
    for line in v.partners:
        out += [f"### {md(line.name)}", "", f"_{md(c.feedback_compared(line))}_", ""]
        rows = [[c.term_title(t.term) + (" (lower is better)" if t.term == "self_orientation"
                                         else ""),
                 c.number(t.self_rating), c.number(t.partner), c.gap_text(t.gap)]
                for t in line.terms]
        rows.append(["**Trust**", c.number(line.trust_self), c.number(line.trust_partner),
                     c.signed(line.trust_gap) or "—"])
        out += _table(["Term", "You", "Them", "Gap"], rows, "lrrr") + [""]
        out += [f"Satisfaction: **{c.satisfaction_text(line)}**", "",
                md(c.largest_gap_text(line)), ""]
    if v.not_asked:
        out += [f"Not asked this quarter: {md(c.partners_text(v.not_asked))} — hand them a "
                "form with `pj survey NAME`.", ""]
    return out


def _objectives(r: QuarterlyReport) -> list[str]:
    out = _heading("objectives") + _source("objectives")
    if not r.objectives:
        return out + [c.empty_hint("objectives", r.quarter), ""]
    rows = []
    for o in r.objectives:
        rows.append([
            md(o.name), o.kind, md(c.with_unit(o.start, o.unit)),
            md(c.with_unit(o.latest.value if o.latest else None, o.unit)),
            md(c.target_text(o)), md(c.objective_status(o)),
        ])
    out += _table(["Objective", "Kind", "Start", "Latest", "Target", "Status"], rows,
                  "llrrrl") + [""]
    charted = [o for o in r.objectives if c.target_progress(o) is not None]
    if charted:
        width = max(len(_plain(o.name)) for o in charted)
        lines = [f"{_plain(o.name):<{width}}  {bar(c.target_progress(o), 24)}  "
                 f"{c.percent(c.target_progress(o)):>4}" for o in charted]
        out += ["**Of the way from the start to the target**", ""] + _code(lines)
    return out


def _important(r: QuarterlyReport) -> list[str]:
    out = _heading("important") + _source("important")
    if not any(w.average is not None for w in r.important_share):
        return out + [c.empty_hint("important", r.quarter), ""]
    lines = []
    for w in r.important_share:
        if w.week > r.as_of:
            continue
        label = f"week of {c.day_short(w.week):<6}"
        if w.average is None:
            lines.append(f"{label}  {'':24}     —")
        else:
            lines.append(f"{label}  {bar(w.average / 100, 24)}  {c.number(w.average, 0):>3}%  "
                         f"({c.plural(w.reflections, 'day')})")
    out += _code(lines)
    out += [f"Quarter average: **{c.number(c.share_average(r.important_share), 0)}%**", ""]
    return out


def _stories(r: QuarterlyReport) -> list[str]:
    out = _heading("stories") + _source("stories")
    if not r.stories:
        return out + [c.empty_hint("stories", r.quarter), ""]
    for s in r.stories:
        head = f"- **{c.day(s.date)}**"
        if s.partners:
            head += f" with {md(c.partners_text(s.partners))}"
        item = f"{head}:  \n  {md_block(s.text, '  ')}"
        if s.impact:
            item += f"  \n  _Impact:_ {md(s.impact)}"
        out.append(item)
    return out + [""]


def _adjustments(r: QuarterlyReport) -> list[str]:
    out = _heading("adjustments", f" ({r.previous_quarter})") + _source("adjustments")
    if not r.previous_adjustments:
        return out + [c.empty_hint("adjustments", r.quarter, r.previous_quarter), ""]
    rows = [
        [md(a.text), c.steps_text(a.steps), str(a.reflections_since) if a.steps else "—",
         c.change_text(a.rating_change, 0) or "—", c.acted_text(a.acted_on)]
        for a in r.previous_adjustments
    ]
    return out + _table(["Adjustment", "Steps", "Reflections since", "Rating change", "Acted on"],
                        rows, "llrll") + [""]


def _evaluation(r: QuarterlyReport) -> list[str]:
    out = _heading("evaluation") + _source("evaluation")
    e = r.evaluation
    if e is None:
        return out + [c.empty_hint("evaluation", r.quarter), ""]
    out += [f"**Progress:** {md_block(e.progress) or '—'}", ""]
    out += [f"**Feedback:** {md_block(e.feedback) or '—'}", ""]
    out += ["**Adjustments for next quarter:**", ""]
    out += [f"- {md(a)}" for a in e.adjustments] or ["- —"]
    return out + [""]


def _focus(r: QuarterlyReport) -> list[str]:
    out = _heading("focus") + _source("focus")
    for f in r.focus:
        out += [f"### Step {f.number} · {md(f.title)}", "",
                f"{c.PHASE_SHORT.get(f.phase, f.phase)} phase — {f.reason}.", ""]
        out += [f"{i}. {md(p.text)}  \n   — _{md(p.author)}, {md(p.work)}_"
                for i, p in enumerate(f.prompts, 1)]
        out.append("")
    return out


def render_report(report: QuarterlyReport, **_: object) -> str:
    """The quarterly report as Markdown (width and colour do not apply)."""
    r = report
    out = [f"# Quarterly self-evaluation — {r.quarter}", "",
           f"**{c.span(r.start, r.end)}** · as of {c.day(r.as_of)}", ""]
    for part in (_summary, _steps, _partnerships, _partner_view, _objectives, _important,
                 _stories, _adjustments, _evaluation, _focus):
        out += part(r)
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"
