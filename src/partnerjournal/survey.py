"""The feedback survey a leader hands to a partner: plain text, Markdown or one
self-contained HTML page.

It asks the four terms of the trust equation from the partner's side, on the 1-10
scale of ``pj trust``, their satisfaction with the partnership and two open questions.
It shows nothing from the leader's journal: only the partner's name, the leader's name
when it is set (``pj config set your-name``) and the date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html import escape
from typing import Callable

TITLE = "How is our partnership going?"


@dataclass(frozen=True)
class Question:
    key: str  # the term it measures, as pj feedback add takes it
    heading: str
    text: str
    low: str  # what 1 means
    high: str  # what 10 means
    remark: str = ""


# In our own words, put to a colleague; the numbers match pj trust's 1-10 terms.
QUESTIONS = (
    Question("credibility", "Trust in what I say",
             "How far do you trust what I tell you, and what I know about the matters we share?",
             "not at all", "completely"),
    Question("reliability", "Relying on my promises",
             "How far can you count on me to do what I said I would, when I said I would?",
             "not at all", "completely"),
    Question("intimacy", "Raising difficult matters",
             "How safe does it feel to bring a difficult or sensitive matter to me?",
             "not safe at all", "completely safe"),
    Question("self_orientation", "Whose interests I put first",
             "How much do I seem to be looking after my own interests rather than yours?",
             "hardly ever: I look after yours", "nearly always my own",
             "On this question a LOW number is the good answer."),
    Question("satisfaction", "The partnership overall",
             "All in all, how satisfied are you with how we work together?",
             "not at all satisfied", "fully satisfied"),
)
OPEN_QUESTIONS = (
    ("keep", "What should I keep doing?"),
    ("change", "What should I change, start or stop?"),
)
CLOSING = ("Thank you. Hand the form back however suits you; anything you leave blank is "
           "fine, and what you write goes no further than me.")

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _long_date(day: dt.date) -> str:
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def _intro(leader: str | None) -> str:
    who = _one_line(leader) if leader else "I"
    return (f"{who} would value your honest view of our work together. It takes about five "
            "minutes. There are no right answers: a low score helps as much as a high one, "
            "because it shows what to change.")


def _scale_note() -> str:
    return ("For questions 1 to 5, give a whole number from 1 to 10. Skip any question you "
            "would rather not answer.")


def _byline(partner: str, leader: str | None, day: dt.date) -> str:
    parts = [f"For {_one_line(partner)}"]
    if leader:
        parts.append(f"from {_one_line(leader)}")
    parts.append(_long_date(day))
    return " · ".join(parts)


# --- the formats ----------------------------------------------------------------------


def render_text(partner: str, leader: str | None, day: dt.date) -> str:
    lines = [TITLE, _byline(partner, leader, day), "", _intro(leader), "", _scale_note(), ""]
    for n, q in enumerate(QUESTIONS, 1):
        lines += [f"{n}. {q.heading}", f"   {q.text}", f"   1 = {q.low} · 10 = {q.high}"]
        if q.remark:
            lines.append(f"   {q.remark}")
        lines += ["   Your answer (1-10): ____", ""]
    for n, (_, text) in enumerate(OPEN_QUESTIONS, len(QUESTIONS) + 1):
        lines += [f"{n}. {text}", "", "   " + "_" * 60, "", "   " + "_" * 60, "",
                  "   " + "_" * 60, ""]
    lines.append(CLOSING)
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    """A name in Markdown: characters that would become markup are escaped."""
    import re

    return re.sub(r"([\\`*_\[\]<>|~#&])", r"\\\1", _one_line(text))


def render_markdown(partner: str, leader: str | None, day: dt.date) -> str:
    byline = [f"For **{_md(partner)}**"]
    if leader:
        byline.append(f"from **{_md(leader)}**")
    byline.append(_long_date(day))
    intro = _intro(_md(leader) if leader else None)
    lines = [f"# {TITLE}", "", " · ".join(byline), "", intro, "", _scale_note(), ""]
    for n, q in enumerate(QUESTIONS, 1):
        lines += [f"## {n}. {q.heading}", "", q.text, "",
                  f"1 = {q.low} · 10 = {q.high}", ""]
        if q.remark:
            lines += [f"**{q.remark}**", ""]
        lines += ["Your answer (1–10): ____", ""]
    for n, (_, text) in enumerate(OPEN_QUESTIONS, len(QUESTIONS) + 1):
        # a line of underscores reads as a line to write on, and renders as a rule
        lines += [f"## {n}. {text}", "", "_" * 60, "", "_" * 60, "", "_" * 60, ""]
    lines.append(f"_{CLOSING}_")
    return "\n".join(lines) + "\n"


_CSS = """
* { box-sizing: border-box; }
body { margin: 0; background: #f4f6f8; color: #1f2933;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
    "Noto Sans", "Liberation Sans", sans-serif; }
main { max-width: 760px; margin: 0 auto; padding: 28px 24px 40px; background: #fff; }
h1 { margin: 0 0 4px; font-size: 1.7rem; font-weight: 650; }
.byline { margin: 0 0 16px; color: #5b6775; overflow-wrap: anywhere; }
.intro { margin: 0 0 8px; }
.how { margin: 0 0 18px; color: #5b6775; font-size: .9rem; }
ol.questions { margin: 0; padding: 0; list-style: none; counter-reset: q; }
ol.questions > li { counter-increment: q; border-top: 1px solid #e3e7ec; padding: 14px 0;
  break-inside: avoid; page-break-inside: avoid; }
h2 { margin: 0 0 2px; font-size: 1.05rem; }
h2::before { content: counter(q) ". "; color: #2c6e8f; }
.q { margin: 0 0 8px; }
.scale { display: grid; grid-template-columns: repeat(10, 1fr); gap: 6px; margin: 0;
  padding: 0; list-style: none; max-width: 520px; }
.scale li { border: 1.5px solid #8a96a3; border-radius: 50%; aspect-ratio: 1;
  display: flex; align-items: center; justify-content: center; font-weight: 600;
  max-width: 44px; }
.ends { display: flex; justify-content: space-between; max-width: 520px; color: #5b6775;
  font-size: .8rem; margin: 4px 0 0; gap: 12px; }
.remark { margin: 8px 0 0; font-weight: 650; color: #b7593a; }
.lines { margin: 6px 0 0; }
.lines div { border-bottom: 1px solid #8a96a3; height: 2.1em; }
.closing { margin: 18px 0 0; color: #5b6775; font-style: italic; }
@page { margin: 14mm 14mm; }
@media print {
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  body { background: #fff; font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
}
"""


def render_html(partner: str, leader: str | None, day: dt.date) -> str:
    e = lambda text: escape(_one_line(text), quote=True)  # noqa: E731 - one line, local
    items = []
    for q in QUESTIONS:
        scale = "".join(f"<li>{n}</li>" for n in range(1, 11))
        remark = f'<p class="remark">{e(q.remark)}</p>' if q.remark else ""
        items.append(
            f'<li id="{q.key}"><h2>{e(q.heading)}</h2><p class="q">{e(q.text)}</p>'
            f'<ol class="scale" aria-label="1 to 10">{scale}</ol>'
            f'<p class="ends"><span>1 = {e(q.low)}</span><span>10 = {e(q.high)}</span></p>'
            f"{remark}</li>"
        )
    for key, text in OPEN_QUESTIONS:
        items.append(f'<li id="{key}"><h2>{e(text)}</h2><div class="lines">'
                     + "<div></div>" * 4 + "</div></li>")
    byline = f"For <b>{e(partner)}</b>"
    if leader:
        byline += f" · from <b>{e(leader)}</b>"
    byline += f" · {e(_long_date(day))}"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        # the form needs nothing from anywhere: a browser is told to fetch nothing
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'\">",
        '<meta name="generator" content="partnerjournal">',
        f"<title>{e(TITLE)} · {e(partner)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        "<main>",
        f"<h1>{e(TITLE)}</h1>",
        f'<p class="byline">{byline}</p>',
        f'<p class="intro">{e(_intro(leader))}</p>',
        f'<p class="how">{e(_scale_note())}</p>',
        f'<ol class="questions">{"".join(items)}</ol>',
        f'<p class="closing">{e(CLOSING)}</p>',
        "</main>",
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


RENDERERS: dict[str, Callable[[str, str | None, dt.date], str]] = {
    "text": render_text,
    "markdown": render_markdown,
    "html": render_html,
}
