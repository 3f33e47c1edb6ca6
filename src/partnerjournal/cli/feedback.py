"""The partner's view: survey (a feedback form to hand a partner) and feedback (record,
list, edit and delete what came back)."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from . import options as opt
from .output import emit_json, emit_lines, note, say

_PARTNER_ARG = Annotated[str, typer.Argument(help="The partner's name (any case).", metavar="PARTNER")]
_ID_ARG = Annotated[int, typer.Argument(help="The feedback's number (see 'pj feedback list').", metavar="ID")]
_FORMATS = ("text", "markdown", "html")


def _score_opt(flag: str, what: str):
    return Annotated[Optional[int], typer.Option(flag, help=f"1–10: {what}", metavar="N")]


_Credibility = _score_opt("--credibility", "how far they trust what you say and know.")
_Reliability = _score_opt("--reliability", "how far they can rely on what you promise.")
_Intimacy = _score_opt("--intimacy", "how safe it feels to raise a difficult matter with you.")
_SelfOrientation = _score_opt(
    "--self-orientation",
    "how much you seem focused on your own interests rather than theirs (lower is better).")
_Satisfaction = _score_opt("--satisfaction", "how satisfied they are with the partnership.")
_Keep = Annotated[Optional[str], typer.Option("--keep", help="Their answer to 'what should I keep doing?'.", metavar="TEXT")]
_Change = Annotated[Optional[str], typer.Option("--change", help="Their answer to 'what should I change?'.", metavar="TEXT")]

_QUESTIONS = {
    "credibility": "Credibility: how far they trust what you say",
    "reliability": "Reliability: how far they can rely on your promises",
    "intimacy": "Intimacy: how safe it feels to raise a difficult matter",
    "self_orientation": "Self-orientation: how focused on yourself you seem (lower is better)",
    "satisfaction": "Satisfaction with the partnership",
}


def _ask_optional_score(question: str) -> int | None:
    """Ask for 1-10 until the answer is one, or Enter to skip."""
    while True:
        answer = typer.prompt(f"{question} (1-10, Enter to skip)", default="",
                              show_default=False).strip()
        if not answer:
            return None
        if answer.isdigit() and 1 <= int(answer) <= 10:
            return int(answer)
        typer.echo("Give a whole number from 1 to 10, or press Enter to skip.", err=True)


def _cell(value: int | None) -> str:
    return "—" if value is None else str(value)


def _first_line(text: str, limit: int = 70) -> str:
    line = " ".join(text.split("\n", 1)[0].split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _score(value: float, signed: bool = False) -> str:
    from .partners import _score as shown

    return shown(value, signed)


def feedback_line(f, *, partner: bool = True) -> str:
    """``#3  2026-11-20  Maria Lopez  credibility 7 · ... · satisfaction 8``."""
    from ..partner_view import SCORES, label

    scores = " · ".join(f"{label(k)} {_cell(getattr(f, k))}" for k in SCORES)
    score = f" · trust {_score(f.score)}" if f.score is not None else ""
    who = f"{f.partner}  " if partner else ""
    return f"#{f.id}  {f.date}  {who}{scores}{score}"


def _answer_lines(f, indent: str = "  ") -> list[str]:
    lines = []
    if f.keep:
        lines.append(f"{indent}keep: {_first_line(f.keep)}")
    if f.change:
        lines.append(f"{indent}change: {_first_line(f.change)}")
    return lines


def gap_lines(view, indent: str = "  ") -> list[str]:
    """The leader's terms beside the partner's, with the gap (theirs minus yours)."""
    from ..partner_view import TERMS, label

    check, f = view.check, view.feedback
    rows = [["", "you", "them", "gap"]]
    for term in TERMS:
        mine = None if check is None else getattr(check, term)
        gap = view.gaps.get(term)
        note_ = "  (lower is better)" if term == "self_orientation" else ""
        rows.append([label(term), _cell(mine), _cell(getattr(f, term)),
                     ("—" if gap is None else f"{gap:+d}" if gap else "0") + note_])
    mine_score = None if check is None else _score(check.score)
    their_score = None if f.score is None else _score(f.score)
    score_gap = "—" if view.score_gap is None else _score(view.score_gap, signed=True)
    rows.append(["trust", mine_score or "—", their_score or "—", score_gap])
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    out = [indent + f"{r[0]:<{widths[0]}}  {r[1]:>{widths[1]}}  {r[2]:>{widths[2]}}  {r[3]}".rstrip()
           for r in rows]
    if f.satisfaction is not None:
        out.append(f"{indent}satisfaction {f.satisfaction}/10")
    return out


# --- survey ---------------------------------------------------------------------------

def survey(
    ctx: typer.Context,
    partner: _PARTNER_ARG,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text, markdown or html (printable, self-contained).", metavar="FORMAT")] = "text",
    output: Annotated[Optional[str], typer.Option("--output", "-o", help="Write the form to this file instead of printing it.", metavar="FILE")] = None,
) -> None:
    """A short feedback form to hand a partner: the trust terms from their side on the
    1–10 scale of pj trust, their satisfaction, and what to keep and change. It holds
    nothing from your journal: only their name, yours (pj config set your-name NAME)
    and the date. Note their answers afterwards with pj feedback add.

    \b
    Examples:
      pj survey "Maria Lopez"
      pj survey "Maria Lopez" --format html --output maria.html
    """
    from ..errors import UsageError
    from ..services import feedback as sfb
    from ..survey import RENDERERS

    key = fmt.strip().lower()
    if key not in RENDERERS:
        raise UsageError(f"--format {fmt!r} is not one of {', '.join(_FORMATS)}")
    env = opt.env_of(ctx)
    form = sfb.survey_form(env.conn, partner, env.today)
    text = RENDERERS[key](form.partner, form.leader, form.date)
    if output is None:
        typer.echo(text, nl=False)
        return
    from .output import write_output

    note(f"Survey for {form.partner} written to {write_output(output, text, env.db_path)}")


# --- feedback -------------------------------------------------------------------------

feedback_app = typer.Typer(
    help="What partners answered on the feedback survey (pj survey), beside your own trust"
    " checks.\n\n\b\nExamples:\n  pj feedback add \"Maria Lopez\" --reliability 5 --satisfaction 7\n"
    "  pj feedback list \"Maria Lopez\"",
    rich_markup_mode=None, no_args_is_help=True,
)


def _scores(*values: int | None) -> dict[str, int | None]:
    """The form's 1-10 answers by term, in the order of ``partner_view.SCORES``."""
    from ..partner_view import SCORES

    return dict(zip(SCORES, values))


@feedback_app.command("add")
def feedback_add(
    ctx: typer.Context,
    partner: _PARTNER_ARG,
    credibility: _Credibility = None,
    reliability: _Reliability = None,
    intimacy: _Intimacy = None,
    self_orientation: _SelfOrientation = None,
    satisfaction: _Satisfaction = None,
    keep: _Keep = None,
    change: _Change = None,
    date: opt.DateOpt = None,
) -> None:
    """Record a partner's answers to the feedback survey. On a terminal it asks for
    what you did not give (Enter skips a question the partner left blank).

    \b
    Examples:
      pj feedback add "Maria Lopez"
      pj feedback add "Maria Lopez" --reliability 5 --satisfaction 7 --keep "Weekly updates"
    """
    from ..partner_view import SCORES
    from ..services import feedback as sfb
    from ..services import partnerships as ps
    from .partners import _day

    env = opt.env_of(ctx)
    scores = _scores(credibility, reliability, intimacy, self_orientation, satisfaction)
    day = _day(env, date)
    for key in SCORES:  # a bad number is refused before any question
        sfb.score(scores[key], key)
    missing = [k for k in SCORES if scores[k] is None]
    if env.stdin_is_terminal and (missing or keep is None or change is None):
        ps.require_active(ps.require_partner(env.conn, partner))  # before the questions
        for key in missing:
            scores[key] = _ask_optional_score(_QUESTIONS[key])
        if keep is None:
            keep = typer.prompt("What should you keep doing? (Enter to skip)", default="",
                                show_default=False)
        if change is None:
            change = typer.prompt("What should you change? (Enter to skip)", default="",
                                  show_default=False)
    f = sfb.add_feedback(env.conn, partner, scores=scores, keep=keep, change=change, day=day,
                         today=env.today, now=env.now())
    say(f"Saved feedback #{f.id} from {f.partner} on {f.date}")
    check = _latest_check(env, f.partner_id)
    if check is not None:
        emit_lines(["Beside your latest trust check"
                    f" ({check.date}):", *gap_lines(sfb.compare(f, check))])
    else:
        note(f"No trust check of your own yet: rate it with pj trust \"{f.partner}\" to see the gap")


def _latest_check(env, partner_id: int):
    from ..store import partnerships as sp

    checks = sp.trust_checks_of(env.conn, partner_id)
    return checks[-1] if checks else None


@feedback_app.command("list")
def feedback_list(
    ctx: typer.Context,
    partner: Annotated[Optional[str], typer.Argument(help="Only this partner's (any case).", metavar="[PARTNER]")] = None,
    as_json: opt.Json = False,
) -> None:
    """Feedback that came back from partners, oldest first, with the trust score of
    each complete form.

    \b
    Examples:
      pj feedback list
      pj feedback list "Maria Lopez" --json
    """
    from ..services import feedback as sfb

    rows = sfb.list_feedback(opt.env_of(ctx).conn, partner)
    if as_json:
        emit_json([f.as_json() for f in rows])
        return
    lines = []
    for f in rows:
        lines += [feedback_line(f), *_answer_lines(f)]
    if not emit_lines(lines):
        note("No feedback yet. Hand a partner a form with: pj survey NAME")


@feedback_app.command("edit")
def feedback_edit(
    ctx: typer.Context,
    fid: _ID_ARG,
    credibility: _Credibility = None,
    reliability: _Reliability = None,
    intimacy: _Intimacy = None,
    self_orientation: _SelfOrientation = None,
    satisfaction: _Satisfaction = None,
    keep: _Keep = None,
    change: _Change = None,
    clear: Annotated[Optional[list[str]], typer.Option("--clear", help="Empty a term or answer the partner skipped, e.g. --clear intimacy (repeat for several).", metavar="TERM")] = None,
    date: opt.DateOpt = None,
) -> None:
    """Correct what you noted from a partner's form: give the new values, or --clear
    what they skipped.

    \b
    Example:
      pj feedback edit 3 --reliability 6 --clear intimacy
    """
    from ..services import feedback as sfb
    from .partners import _day

    env = opt.env_of(ctx)
    scores = _scores(credibility, reliability, intimacy, self_orientation, satisfaction)
    f = sfb.edit_feedback(env.conn, fid, scores=scores, keep=keep, change=change, clear=clear,
                          day=_day(env, date) if date else None, today=env.today,
                          now=env.now())
    say(f"Updated feedback #{f.id} from {f.partner}")


@feedback_app.command("delete")
def feedback_delete(
    ctx: typer.Context,
    fid: _ID_ARG,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask; for scripts.")] = False,
) -> None:
    """Delete a partner's feedback for good (asks first).

    \b
    Example:
      pj feedback delete 3
    """
    from ..errors import UsageError
    from ..services import feedback as sfb

    env = opt.env_of(ctx)
    f = sfb.get_feedback(env.conn, fid)
    if not yes:
        if not env.stdin_is_terminal:
            raise UsageError(f"deleting feedback #{fid} needs confirmation: add --yes")
        if not typer.confirm(f"Delete feedback #{f.id} from {f.partner} of {f.date}?", default=False):
            note("Kept; nothing deleted.")
            return
    sfb.delete_feedback(env.conn, fid)
    say(f"Deleted feedback #{fid} from {f.partner}")


def register(app: typer.Typer) -> None:
    app.command("survey")(survey)
    app.add_typer(feedback_app, name="feedback")
