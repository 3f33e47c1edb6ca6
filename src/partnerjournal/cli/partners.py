"""The partnership commands: partner, session, commitment, trust, story, objective,
map, nudge and config."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from ..context import Env
from . import complete
from . import options as opt
from .output import emit_json, emit_lines, note, say




def _day(env: Env, text: str | None, what: str = "--date"):
    """The day a record is about: ``--date`` if given, else today."""
    from ..dates import parse_date

    return parse_date(text, what=what, base=env.today) if text else env.today


def _announce_created(names: list[str]) -> None:
    for name in names:
        note(f"New partner {name!r} added; give them a box with: pj partner edit \"{name}\" --box ...")


def _first_line(text: str, limit: int = 70) -> str:
    line = " ".join(text.split("\n", 1)[0].split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _require(**flags: object) -> None:
    """Required options, checked here so the message says how to give them."""
    from ..errors import UsageError

    missing = ["--" + k.replace("_", "-") for k, v in flags.items() if v is None]
    if missing:
        raise UsageError(f"missing {', '.join(missing)}: see --help for the values")


def _score(value: float, signed: bool = False) -> str:
    """A trust score (or its change) as every screen shows it: the report's rounding."""
    from ..render import common

    return common.signed(value) if signed else common.number(value)


def _table(rows: list[list[str]]) -> list[str]:
    """Rows of cells as lines with aligned columns (the last column is not padded)."""
    if not rows:
        return []
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    return [
        "  ".join([*(c.ljust(w) for c, w in zip(r, widths)), r[-1]]).rstrip() for r in rows
    ]


_PARTNER_ARG = Annotated[
    str, typer.Argument(help="The partner's name (any case).", metavar="PARTNER",
                        autocompletion=complete.partners)
]
_BOX_HELP = "Hitt's box: leadership, managers, teams or employees."
_RELATION_HELP = (
    "How you work together: direct (reporting, daily work), influential (direction, "
    "customer needs, long-term goals) or guidance (quality, service, ways of working)."
)

# --- partner --------------------------------------------------------------------------

partner_app = typer.Typer(
    help="The people and groups you partner with, placed in Hitt's four boxes.\n\n\b\n"
    "Examples:\n  pj partner add \"Maria Lopez\" --box managers --relation direct\n"
    "  pj partner show \"Maria Lopez\"",
    rich_markup_mode=None, no_args_is_help=True,
)


@partner_app.command("add")
def partner_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Their name, e.g. 'Maria Lopez' or 'Team Leads'.")],
    box: Annotated[Optional[str], typer.Option("--box", "-b", help=_BOX_HELP + " Asked on a terminal when left out.", metavar="BOX", autocompletion=complete.boxes)] = None,
    relation: Annotated[Optional[str], typer.Option("--relation", "-r", help=_RELATION_HELP + " Asked on a terminal when left out.", metavar="TYPE", autocompletion=complete.relations)] = None,
    note_: Annotated[Optional[str], typer.Option("--note", help="Anything worth remembering about them.", metavar="TEXT")] = None,
) -> None:
    """Add a partner: who they are, which of Hitt's boxes they sit in and how you work
    together. Without --box or --relation it asks for them on a terminal.

    \b
    Example:
      pj partner add "Maria Lopez" --box managers --relation direct
    """
    from ..errors import UsageError
    from ..services import partnerships as ps

    env = opt.env_of(ctx)
    missing = [flag for flag, value in (("--box", box), ("--relation", relation)) if value is None]
    if missing and not env.stdin_is_terminal:
        raise UsageError(f"missing {', '.join(missing)}: give them when not on a terminal,"
                         " e.g. --box managers --relation direct")
    if missing:
        from .journal import ask_choice

        box = ps.box(box)
        relation = ps.relation(relation)
        ps.require_new(env.conn, name)  # before the questions, not after them
        if box is None:
            box = ask_choice("Box (leadership, managers, teams, employees)", ps.box,
                              required=True)
        if relation is None:
            relation = ask_choice("Relation (direct, influential, guidance)", ps.relation,
                                   required=True)
    p = ps.add_partner(env.conn, name, box_=box, relation_=relation, note_=note_, now=env.now())
    say(f"Added partner {p.name} ({p.box} · {p.relation})")


@partner_app.command("list")
def partner_list(ctx: typer.Context, as_json: opt.Json = False) -> None:
    """Your partners with their box, relation and last session; archived ones are marked.

    \b
    Example:
      pj partner list
    """
    from ..services import partnerships as ps

    rows = ps.list_partners(opt.env_of(ctx).conn)
    if as_json:
        emit_json([r.as_json() for r in rows])
        return
    table = []
    for r in rows:
        p = r.partner
        where = f"{p.box or '(no box)'} · {p.relation or '(no relation)'}"
        when = f"last session {r.last_session}" if r.last_session else "no session yet"
        if p.archived:
            when += f" · archived {p.archived_at[:10]}"
        table.append([p.name, where, when])
    if not emit_lines(_table(table)):
        note("No partners yet. Add one with: pj partner add NAME --box managers --relation direct")


def _partner_lines(d) -> list[str]:
    p, day = d.partner, d.today.isoformat()
    lines = [p.name]
    facts = [f"box {p.box or '(none)'}", f"relation {p.relation or '(none)'}",
             f"partner since {p.created_at[:10]}"]
    if p.archived:
        facts.append(f"archived {p.archived_at[:10]}")
    lines.append("  " + " · ".join(facts))
    if p.note:
        lines += ["  note: " + line for line in p.note.split("\n")]
    shown = len(d.reflections)
    head = f"Reflections naming them: {d.reflection_count}"
    if d.reflection_count > shown:
        head += f" (latest {shown})"
    lines += ["", head]
    lines += [f"  {r.date}  #{r.id}  {_first_line(r.text)}" for r in d.reflections]
    lines += ["", f"Sessions: {len(d.sessions)}"]
    for s in d.sessions:
        lines.append(f"  {s.date}  {s.minutes} min")
        lines.append(f"    successes: {_first_line(s.successes)}")
        lines.append(f"    objectives: {_first_line(s.objectives)}")
        lines.append(f"    feedback: {_first_line(s.feedback)}")
    lines += ["", f"Commitments: {len(d.commitments)} · {d.kept.label()}"]
    lines += ["  " + _commitment_line(c, day) for c in d.commitments]
    lines += ["", f"Trust checks: {len(d.trust_checks)}"]
    for t in d.trust_checks:
        lines.append(
            f"  {t.date}  {_score(t.score)}  (credibility {t.credibility}, reliability"
            f" {t.reliability}, intimacy {t.intimacy}, self-orientation {t.self_orientation})"
        )
    lines += _feedback_lines(d)
    lines += ["", f"Stories: {len(d.stories)}"]
    for s in d.stories:
        lines.append(f"  {s.date}  #{s.id}  {_first_line(s.text)}")
        if s.impact:
            lines.append(f"    impact: {_first_line(s.impact)}")
    return lines


def _feedback_lines(d) -> list[str]:
    """The partner's feedback over time, each beside your check on or before its day."""
    from .feedback import feedback_line, gap_lines

    lines = ["", f"Their feedback: {len(d.feedback)}"]
    for view in d.feedback:
        lines.append("  " + feedback_line(view.feedback, partner=False))
        lines += [f"    {k}: {_first_line(getattr(view.feedback, k))}"
                  for k in ("keep", "change") if getattr(view.feedback, k)]
        if view.check is None:
            lines.append("    (no trust check of yours on or before that day to compare with)")
        else:
            lines.append(f"    beside your trust check of {view.check.date}:")
            lines += gap_lines(view, indent="    ")
    return lines


@partner_app.command("show")
def partner_show(ctx: typer.Context, name: _PARTNER_ARG, as_json: opt.Json = False) -> None:
    """Everything about one partner: reflections naming them, sessions, commitments,
    trust checks, their feedback beside your own checks, and stories.

    \b
    Example:
      pj partner show "Maria Lopez"
    """
    from ..services import partnerships as ps

    env = opt.env_of(ctx)
    detail = ps.show_partner(env.conn, name, env.today)
    if as_json:
        emit_json(detail.as_json())
        return
    emit_lines(_partner_lines(detail))


@partner_app.command("edit")
def partner_edit(
    ctx: typer.Context,
    name: _PARTNER_ARG,
    new_name: Annotated[Optional[str], typer.Option("--name", help="A new name.", metavar="NAME")] = None,
    box: Annotated[Optional[str], typer.Option("--box", "-b", help=_BOX_HELP + " 'none' clears it.", metavar="BOX", autocompletion=complete.boxes)] = None,
    relation: Annotated[Optional[str], typer.Option("--relation", "-r", help=_RELATION_HELP + " 'none' clears it.", metavar="TYPE", autocompletion=complete.relations)] = None,
    note_: Annotated[Optional[str], typer.Option("--note", help="A new note ('' clears it).", metavar="TEXT")] = None,
) -> None:
    """Change a partner's name, box, relation or note.

    \b
    Example:
      pj partner edit "Maria Lopez" --box leadership
    """
    from ..services import partnerships as ps

    env = opt.env_of(ctx)
    p = ps.edit_partner(env.conn, name, now=env.now(), new_name=new_name, box_=box,
                        relation_=relation, note_=note_)
    say(f"Updated partner {p.name} ({p.box or 'no box'} · {p.relation or 'no relation'})")


@partner_app.command("archive")
def partner_archive(
    ctx: typer.Context,
    name: _PARTNER_ARG,
    undo: Annotated[bool, typer.Option("--undo", help="Restore an archived partner.")] = False,
) -> None:
    """Archive a partner you no longer work with: their history stays, they leave the
    map and the sessions due.

    \b
    Example:
      pj partner archive "Maria Lopez"
    """
    from ..services import partnerships as ps

    env = opt.env_of(ctx)
    p = ps.archive_partner(env.conn, name, today=env.today, now=env.now(), undo=undo)
    say(f"Restored partner {p.name}" if undo else f"Archived partner {p.name}")


# --- session --------------------------------------------------------------------------

session_app = typer.Typer(
    help="Quarterly partnership sessions: about 90 minutes with each partner, spread over the"
    " quarter.\n\n\b\nExamples:\n  pj session due\n  pj session prep \"Maria Lopez\"",
    rich_markup_mode=None, no_args_is_help=True,
)

_SESSION_QUESTIONS = (
    ("successes", "Successes you shared"),
    ("objectives", "Objectives you discussed"),
    ("feedback", "Feedback you gathered"),
)


@session_app.command("add")
def session_add(
    ctx: typer.Context,
    partner: _PARTNER_ARG,
    date: opt.DateOpt = None,
    minutes: Annotated[int, typer.Option("--minutes", help="How long it lasted.", metavar="N")] = 90,
    successes: Annotated[Optional[str], typer.Option("--successes", help="The successes you shared.", metavar="TEXT")] = None,
    objectives: Annotated[Optional[str], typer.Option("--objectives", help="The objectives you discussed.", metavar="TEXT")] = None,
    feedback: Annotated[Optional[str], typer.Option("--feedback", help="The feedback you gathered.", metavar="TEXT")] = None,
) -> None:
    """Record a partnership session that took place (asks its three questions on a
    terminal).

    \b
    Example:
      pj session add "Maria Lopez" --successes "Launch on time" --objectives "Q1 budget" --feedback "Involve her team earlier"
    """
    from ..errors import UsageError
    from ..services import sessions as ss

    env = opt.env_of(ctx)
    texts = {"successes": successes, "objectives": objectives, "feedback": feedback}
    missing = [k for k, v in texts.items() if v is None]
    if missing and not env.stdin_is_terminal:
        flags = ", ".join(f"--{k}" for k in missing)
        raise UsageError(f"missing {flags}: give them when not on a terminal")
    day = _day(env, date)
    if missing:
        from ..services import partnerships as ps

        ps.require_active(ps.require_partner(env.conn, partner))  # before the questions
    for key, question in _SESSION_QUESTIONS:
        if texts[key] is None:
            texts[key] = typer.prompt(question)
    saved = ss.add_session(env.conn, partner, day=day, today=env.today, minutes=minutes,
                           now=env.now(), **texts)
    s = saved.session
    say(
        f"Saved session #{s.id} with {s.partner} on {s.date} · {saved.met} of {saved.active}"
        f" partnerships met in {saved.quarter}"
    )


@session_app.command("due")
def session_due(ctx: typer.Context, quarter: opt.Quarter = None, as_json: opt.Json = False) -> None:
    """Active partners with no session yet in the quarter, with proposed dates spread
    over the weekdays left, skipping public holidays and your blocked days (see
    'pj config list').

    \b
    Example:
      pj session due
    """
    from ..services import sessions as ss

    env = opt.env_of(ctx)
    due = ss.due_sessions(env.conn, env.today, quarter)
    if due.remark:
        note(due.remark)
    if as_json:
        emit_json([d.as_json() for d in due.due])
        return
    if not due.due:
        if not due.remark:
            note(f"Every active partner has had a session in {due.quarter}.")
        return
    say(f"Sessions due in {due.quarter} ({len(due.due)}, {due.weekdays_left} weekdays left):")
    rows = []
    for d in due.due:
        last = f"last {d.last_session}" if d.last_session else "never met"
        rows.append([f"  {d.partner.name}", f"propose {d.proposed_date:%a %Y-%m-%d}", last])
    emit_lines(_table(rows))
    if due.skipped_line():
        note(due.skipped_line())


@session_app.command("prep")
def session_prep(
    ctx: typer.Context,
    partner: _PARTNER_ARG,
    output: Annotated[Optional[str], typer.Option("--output", "-o", help="Write the agenda to this file (markdown).", metavar="FILE")] = None,
) -> None:
    """The agenda for your next session with a partner, in markdown: successes to share,
    objectives, open commitments, last feedback and what you did with it, questions.

    \b
    Example:
      pj session prep "Maria Lopez" --output ~/agendas/maria.md
    """
    from ..services import sessions as ss
    from .output import output_path, write_output

    output_path(output)  # a bad --output fails before any work
    env = opt.env_of(ctx)
    text = ss.agenda_markdown(ss.prepare(env.conn, partner, env.today))
    if output is None:
        typer.echo(text, nl=False)
        return
    note(f"Agenda written to {write_output(output, text, env.db_path)}")


# --- commitments ----------------------------------------------------------------------

commitment_app = typer.Typer(
    help="The trust ledger: what you promised partners, and whether you delivered on time."
    "\n\n\b\nExamples:\n  pj commitment add \"Maria Lopez\" \"Send the forecast\" --due 2026-12-04"
    "\n  pj commitment done 7",
    rich_markup_mode=None, no_args_is_help=True,
)
_ID_ARG = Annotated[int, typer.Argument(help="The commitment's number (see 'pj commitment list').", metavar="ID")]


def _commitment_line(c, day: str) -> str:
    if c.status == "open":
        state = "overdue" if c.is_overdue(day) else "open"
    else:
        state = f"{c.status} {c.closed_at}"
        if c.status == "kept" and not c.kept_on_time():
            state += " (late)"
    due = f" · due {c.due}" if c.due else ""
    line = f"#{c.id}  [{state}]  {c.partner}: {_first_line(c.text)}{due}"
    if c.status == "dropped" and c.reason:
        line += f" · because {_first_line(c.reason, 50)}"
    return line


@commitment_app.command("add")
def commitment_add(
    ctx: typer.Context,
    partner: _PARTNER_ARG,
    text: Annotated[str, typer.Argument(help="What you promised.")],
    due: Annotated[Optional[str], typer.Option("--due", help="When it is due: YYYY-MM-DD.", metavar="DATE")] = None,
    date: opt.DateOpt = None,
) -> None:
    """Record a promise to a partner.

    \b
    Example:
      pj commitment add "Maria Lopez" "Send the revised forecast" --due 2026-12-04
    """
    from ..services import commitments as sc

    env = opt.env_of(ctx)
    due_day = _day(env, due, "--due") if due else None
    c = sc.add_commitment(env.conn, partner, text, day=_day(env, date), today=env.today,
                          due=due_day, now=env.now())
    say(f"Commitment #{c.id} to {c.partner}" + (f", due {c.due}" if c.due else ""))


@commitment_app.command("done")
def commitment_done(ctx: typer.Context, cid: _ID_ARG, date: opt.DateOpt = None) -> None:
    """Mark a commitment kept (today, or --date).

    \b
    Example:
      pj commitment done 7
    """
    from ..services import commitments as sc

    env = opt.env_of(ctx)
    c = sc.close_commitment(env.conn, cid, status="kept", day=_day(env, date), today=env.today,
                            now=env.now())
    say(f"Kept #{c.id} for {c.partner}" + ("" if c.kept_on_time() else f" (late: due {c.due})"))


@commitment_app.command("drop")
def commitment_drop(
    ctx: typer.Context,
    cid: _ID_ARG,
    reason: Annotated[Optional[str], typer.Option("--reason", help="Why it will not be delivered (tell the partner too). Required.", metavar="TEXT")] = None,
    date: opt.DateOpt = None,
) -> None:
    """Drop a commitment you will not deliver, saying why.

    \b
    Example:
      pj commitment drop 7 --reason "The budget freeze cancelled the project"
    """
    from ..services import commitments as sc

    _require(reason=reason)
    env = opt.env_of(ctx)
    c = sc.close_commitment(env.conn, cid, status="dropped", day=_day(env, date),
                            today=env.today, now=env.now(), reason=reason)
    say(f"Dropped #{c.id} for {c.partner}")


@commitment_app.command("list")
def commitment_list(
    ctx: typer.Context,
    only_open: Annotated[bool, typer.Option("--open", help="Only open commitments.")] = False,
    only_overdue: Annotated[bool, typer.Option("--overdue", help="Only open commitments past their due date.")] = False,
    partner: Annotated[Optional[str], typer.Option("--partner", "-p", help="Only this partner's.", metavar="NAME", autocompletion=complete.partners)] = None,
    as_json: opt.Json = False,
) -> None:
    """Your commitments (open ones first, by due date) and how many you kept on time.

    \b
    Example:
      pj commitment list --overdue
    """
    from ..services import commitments as sc

    env = opt.env_of(ctx)
    ledger = sc.ledger(env.conn, env.today, partner=partner, only_open=only_open,
                       only_overdue=only_overdue)
    day = env.today.isoformat()
    if as_json:
        emit_json([c.as_json(day) for c in ledger.commitments])
        return
    if not emit_lines(_commitment_line(c, day) for c in ledger.commitments):
        note("No commitments match.")
    if ledger.by_partner:
        lines = ["", f"Overall: {ledger.overall.label()}"]
        if len(ledger.by_partner) > 1:
            lines += _table([[f"  {name}", rate.label()] for name, rate in ledger.by_partner.items()])
        emit_lines(lines)


# --- trust ----------------------------------------------------------------------------

_SCORE_HELP = "1–10: {}"


def _ask_score(question: str) -> int:
    """Ask until the answer is a whole number from 1 to 10."""
    while True:
        answer = typer.prompt(question, type=int)
        if 1 <= answer <= 10:
            return answer
        typer.echo("Give a whole number from 1 to 10.", err=True)


def trust(
    ctx: typer.Context,
    partner: _PARTNER_ARG,
    credibility: Annotated[Optional[int], typer.Option("--credibility", help=_SCORE_HELP.format("how believable your words are to them."), metavar="N")] = None,
    reliability: Annotated[Optional[int], typer.Option("--reliability", help=_SCORE_HELP.format("how dependable your actions have been."), metavar="N")] = None,
    intimacy: Annotated[Optional[int], typer.Option("--intimacy", help=_SCORE_HELP.format("how safe they feel confiding in you."), metavar="N")] = None,
    self_orientation: Annotated[Optional[int], typer.Option("--self-orientation", help=_SCORE_HELP.format("how much your attention is on yourself (lower is better)."), metavar="N")] = None,
    date: opt.DateOpt = None,
    show: Annotated[bool, typer.Option("--show", help="Only show your latest check beside the partner's latest feedback; saves nothing.")] = False,
    as_json: opt.Json = False,
) -> None:
    """Check trust with a partner (Maister's trust equation): credibility, reliability
    and intimacy, divided by self-orientation. Asks on a terminal. Your check is shown
    beside the partner's own latest view of the same four terms (pj feedback add).

    \b
    Examples:
      pj trust "Maria Lopez" --credibility 7 --reliability 8 --intimacy 6 --self-orientation 4
      pj trust "Maria Lopez" --show
    """
    from ..errors import UsageError
    from ..services import commitments as sc

    env = opt.env_of(ctx)
    scores = {"credibility": credibility, "reliability": reliability, "intimacy": intimacy,
              "self_orientation": self_orientation}
    missing = [k for k, v in scores.items() if v is None]
    if show:
        if len(missing) < len(scores) or date is not None:
            raise UsageError("--show only looks: leave out the scores and --date")
        result = sc.latest_trust(env.conn, partner)
        if result is None:
            if as_json:
                emit_json(None)
                return
            from ..services import partnerships as ps

            name = ps.require_partner(env.conn, partner).name
            note(f"No trust check with {name} yet: rate it with pj trust \"{name}\"")
            return
        _show_trust(env, result, as_json)
        return
    if missing and not env.stdin_is_terminal:
        flags = ", ".join("--" + k.replace("_", "-") for k in missing)
        raise UsageError(f"missing {flags}: give each score (1–10) when not on a terminal,"
                         " or --show to see your latest check")
    day = _day(env, date)
    if missing:
        from ..services import partnerships as ps

        ps.require_partner(env.conn, partner)  # before the questions, not after them
        for key in missing:
            scores[key] = _ask_score(f"{key.replace('_', '-').capitalize()} (1-10)")
    result = sc.add_trust_check(env.conn, partner, scores=scores, day=day, today=env.today,
                                now=env.now())
    _show_trust(env, result, as_json)


def _show_trust(env, result, as_json: bool) -> None:
    """A trust check with its change, beside the partner's latest feedback."""
    from ..services import feedback as sfb

    view = sfb.latest_view(env.conn, result.check, env.today)  # the partner's side of it
    if as_json:
        emit_json({**result.as_json(), "partner_view": view.as_json() if view else None})
        return
    c = result.check
    line = f"Trust with {c.partner} on {c.date}: {_score(c.score)}"
    if result.previous is not None:
        line += f" ({_score(result.change, signed=True)} since {result.previous.date}, was {_score(result.previous.score)})"
    else:
        line += " (first check)"
    say(line)
    say(f"  = ({c.credibility} + {c.reliability} + {c.intimacy}) / {c.self_orientation}")
    from .feedback import gap_lines

    if view is None:
        note(f"No feedback from {c.partner} yet: hand them a form with pj survey \"{c.partner}\"")
    else:
        emit_lines([f"{c.partner}'s view (feedback of {view.feedback.date}) beside yours:",
                    *gap_lines(view)])


# --- stories --------------------------------------------------------------------------

story_app = typer.Typer(
    help="Stories of collaboration and its impact, to celebrate and retell.\n\n\b\n"
    "Examples:\n  pj story add \"Finance and the plant cut cost per unit together\" --partner Sam\n"
    "  pj story list --all",
    rich_markup_mode=None, no_args_is_help=True,
)


@story_app.command("add")
def story_add(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help="What happened.")],
    partners: opt.Partners = None,
    impact: Annotated[Optional[str], typer.Option("--impact", help="What it changed for the organisation.", metavar="TEXT")] = None,
    date: opt.DateOpt = None,
) -> None:
    """Keep a story of working across a boundary.

    \b
    Example:
      pj story add "Finance and the plant cut cost per unit together" --partner Sam --impact "-4% unit cost"
    """
    from ..services import objectives as so

    env = opt.env_of(ctx)
    saved = so.add_story(env.conn, text, partners=partners, impact=impact,
                         day=_day(env, date), today=env.today, now=env.now())
    _announce_created(saved.created_partners)
    say(f"Saved story #{saved.story.id}")


@story_app.command("list")
def story_list(
    ctx: typer.Context,
    quarter: opt.Quarter = None,
    everything: Annotated[bool, typer.Option("--all", help="Every story, not one quarter's.")] = False,
    as_json: opt.Json = False,
) -> None:
    """The stories of a quarter (this one by default), oldest first.

    \b
    Example:
      pj story list --quarter last
    """
    from ..services import objectives as so

    env = opt.env_of(ctx)
    label, stories = so.list_stories(env.conn, env.today, quarter, everything)
    if as_json:
        emit_json([s.as_json() for s in stories])
        return
    lines = []
    for s in stories:
        with_ = f"  (with {', '.join(s.partners)})" if s.partners else ""
        lines.append(f"{s.date}  #{s.id}  {_first_line(s.text)}{with_}")
        if s.impact:
            lines.append(f"  impact: {_first_line(s.impact)}")
    if not emit_lines(lines):
        note(f"No stories in {label}." if label != "all" else "No stories yet.")


# --- objectives -----------------------------------------------------------------------

objective_app = typer.Typer(
    help="Business, customer and employee objectives, and your measurements of them.\n\n\b\n"
    "Examples:\n  pj objective add \"Cost per unit\" --kind business --unit EUR --target 4.2"
    " --lower-is-better\n  pj objective measure \"Cost per unit\" 4.35",
    rich_markup_mode=None, no_args_is_help=True,
)


@objective_app.command("add")
def objective_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="What you measure, e.g. 'Cost per unit'.")],
    kind: Annotated[Optional[str], typer.Option("--kind", "-k", help="business, customer or employee. Required.", metavar="KIND", autocompletion=complete.objective_kinds)] = None,
    unit: Annotated[Optional[str], typer.Option("--unit", help="The unit, e.g. EUR, %, days.", metavar="U")] = None,
    target: Annotated[Optional[str], typer.Option("--target", help="The value you aim for.", metavar="X")] = None,
    lower_is_better: Annotated[bool, typer.Option("--lower-is-better", help="Lower values are better (costs, delays).")] = False,
) -> None:
    """Add an objective to measure progress against.

    \b
    Example:
      pj objective add "Cost per unit" --kind business --unit EUR --target 4.2 --lower-is-better
    """
    from ..services import objectives as so

    _require(kind=kind)
    env = opt.env_of(ctx)
    o = so.add_objective(env.conn, name, kind_=kind, unit=unit, target=target,
                         lower_is_better=lower_is_better, now=env.now())
    say(f"Added objective {o.name} ({o.kind})")


@objective_app.command("measure", context_settings={"ignore_unknown_options": True})
def objective_measure(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The objective's name (any case).", autocompletion=complete.objectives)],
    value: Annotated[str, typer.Argument(help="The value measured (negative values are fine).", metavar="VALUE")],
    date: opt.DateOpt = None,
    note_: Annotated[Optional[str], typer.Option("--note", help="Where it comes from, what it means.", metavar="TEXT")] = None,
) -> None:
    """Record a measurement of an objective (today, or --date).

    \b
    Example:
      pj objective measure "Cost per unit" 4.35 --note "October close"
    """
    from ..services import objectives as so

    env = opt.env_of(ctx)
    status = so.measure(env.conn, name, value, day=_day(env, date), today=env.today,
                        note=note_, now=env.now())
    say(status.summary())


@objective_app.command("list")
def objective_list(ctx: typer.Context, as_json: opt.Json = False) -> None:
    """Your objectives with the latest value, its trend and the distance to target.

    \b
    Example:
      pj objective list
    """
    from ..services import objectives as so

    statuses = so.objective_statuses(opt.env_of(ctx).conn)
    if as_json:
        emit_json([s.as_json() for s in statuses])
        return
    if not emit_lines(s.summary() for s in statuses):
        note("No objectives yet. Add one with: pj objective add NAME --kind business")


# --- map ------------------------------------------------------------------------------

_BOX_LAYOUT = (("leadership", "teams"), ("managers", "employees"))  # as Hitt draws them
_COLUMN = 38  # two columns and a separator fit 80 characters


def _map_entry(e) -> tuple[str, str]:
    """(mark and name, the facts) of one partner on the map."""
    facts = [e.relation or "no relation"]
    if e.overdue:
        facts.append(f"{e.overdue} overdue")
    if e.trust is not None:
        facts.append(f"trust {_score(e.trust)}")
    return f"{'✓' if e.session_done else '○'} {e.name}", " · ".join(facts)


def _box_title(name: str, entries: list) -> str:
    done = sum(e.session_done for e in entries)
    return f"{name.upper()} · {done} of {len(entries)} met" if entries else f"{name.upper()} · nobody yet"


def _map_footer(m) -> list[str]:
    lines = []
    if m.unboxed:
        names = ", ".join(e.name for e in m.unboxed)
        lines.append(f"No box yet: {names} (pj partner edit NAME --box ...)")
    if m.archived:
        lines.append(f"Archived: {m.archived} partner{'s' if m.archived != 1 else ''}")
    return lines


def _map_plain(m) -> list[str]:
    def cell(text: str) -> str:
        return text if len(text) <= _COLUMN else text[: _COLUMN - 1] + "…"

    lines = [f"Partnership map · {m.quarter} · ✓ session held this quarter, ○ not yet", ""]
    for row, (left, right) in enumerate(_BOX_LAYOUT):
        if row:
            lines.append("-" * _COLUMN + "-+-" + "-" * _COLUMN)
        cols = []
        for box in (left, right):
            entries = m.boxes[box]
            cells = [_box_title(box, entries)]
            for e in entries:
                who, facts = _map_entry(e)
                cells += [f"  {who}", f"    {facts}"]
            cols.append(cells)
        for i in range(max(len(c) for c in cols)):
            a, b = (c[i] if i < len(c) else "" for c in cols)
            lines.append(f"{cell(a):<{_COLUMN}} | {cell(b)}".rstrip())
    footer = _map_footer(m)
    return lines + ([""] + footer if footer else [])


def _map_rich(m) -> None:
    from rich import box as rbox
    from rich.table import Table
    from rich.text import Text

    from .output import console

    table = Table(
        title=f"Partnership map · {m.quarter}", caption="✓ session held this quarter · ○ not yet",
        show_header=False, box=rbox.ROUNDED, show_lines=True, expand=True,
    )
    table.add_column(ratio=1)
    table.add_column(ratio=1)
    for left, right in _BOX_LAYOUT:
        cells = []
        for box in (left, right):
            entries = m.boxes[box]
            text = Text()
            text.append(_box_title(box, entries), style="bold")
            for e in entries:
                who, facts = _map_entry(e)
                text.append(f"\n{who}", style="green" if e.session_done else "yellow")
                text.append(f"\n  {facts}", style="dim")
            cells.append(text)
        table.add_row(*cells)
    out = console()
    out.print(table)
    for line in _map_footer(m):
        out.print(line, markup=False)


def map_cmd(ctx: typer.Context, quarter: opt.Quarter = None, as_json: opt.Json = False) -> None:
    """The four boxes (leadership, teams, managers, employees) with your partners: this
    quarter's session held or not, overdue commitments, latest trust score.

    \b
    Example:
      pj map --quarter last
    """
    from ..services import partnerships as ps
    from .output import use_color

    env = opt.env_of(ctx)
    m = ps.partnership_map(env.conn, env.today, quarter)
    if as_json:
        emit_json(m.as_json())
    elif use_color():
        _map_rich(m)
    else:
        emit_lines(_map_plain(m))


# --- nudge ----------------------------------------------------------------------------

def nudge(ctx: typer.Context) -> None:
    """One short line of what needs attention today, or nothing when all is well. Fast
    enough for your shell's start-up file: add 'pj nudge' to ~/.bashrc or ~/.zshrc.

    \b
    Example:
      echo 'pj nudge' >> ~/.bashrc
    """
    env = opt.env_of(ctx)
    if not env.db_path.exists():
        return  # no journal yet: stay silent rather than create one from a shell start-up
    from ..services.nudge import nudge_line

    line = nudge_line(env.conn, env.today)
    if line:
        say(line)


# --- config ---------------------------------------------------------------------------

config_app = typer.Typer(
    help="Settings kept in the journal itself: the month your fiscal year starts, the public"
    " holidays and your own days without sessions.\n\n\b\nExamples:\n  pj config list\n"
    "  pj config set holidays US-CA",
    rich_markup_mode=None, no_args_is_help=True,
)
_KEY_ARG = Annotated[
    str, typer.Argument(help="The setting: fiscal-year-start, holidays or blocked.", metavar="KEY",
                        autocompletion=complete.settings)
]


@config_app.command("set")
def config_set(
    ctx: typer.Context,
    key: _KEY_ARG,
    value: Annotated[str, typer.Argument(help="The new value, e.g. April, US-CA or 2026-12-21..2027-01-01.", metavar="VALUE")],
) -> None:
    """Change a setting ('pj config list' shows them all with what they do).

    \b
    Examples:
      pj config set fiscal-year-start April
      pj config set holidays US-CA
      pj config set blocked 2026-12-21..2027-01-01,2027-04-02
    """
    from ..services import partnerships as ps
    from ..services import quarters as jq

    env = opt.env_of(ctx)
    key, stored = ps.set_setting(env.conn, key, value)
    say(f"{key} = {ps.SETTINGS[key].show(stored)}")
    if key == jq.FISCAL_KEY:
        q = jq.current(env.conn, env.today)
        note(f"This quarter is now {q}: {q.start} to {q.end}")


@config_app.command("get")
def config_get(ctx: typer.Context, key: _KEY_ARG, as_json: opt.Json = False) -> None:
    """Print one setting's value.

    \b
    Example:
      pj config get holidays
    """
    from ..services import partnerships as ps

    setting, value, default = ps.get_setting(opt.env_of(ctx).conn, key)
    if as_json:
        emit_json({"key": setting.key, "value": value, "default": default})
        return
    say(value)


@config_app.command("list")
def config_list(ctx: typer.Context, as_json: opt.Json = False) -> None:
    """Every setting with its value and what it does.

    \b
    Example:
      pj config list
    """
    from ..services import partnerships as ps

    rows = ps.list_settings(opt.env_of(ctx).conn)
    if as_json:
        emit_json([{"key": s.key, "value": v, "default": d, "help": s.help} for s, v, d in rows])
        return
    emit_lines(
        _table([[s.key, f"= {s.show(v)}" + (" (default)" if d else ""), f"# {s.help}"]
                for s, v, d in rows])
    )


def register(app: typer.Typer) -> None:
    app.add_typer(partner_app, name="partner")
    app.add_typer(session_app, name="session")
    app.add_typer(commitment_app, name="commitment")
    app.command("trust")(trust)
    app.add_typer(story_app, name="story")
    app.add_typer(objective_app, name="objective")
    app.command("map")(map_cmd)
    app.command("nudge")(nudge)
    app.add_typer(config_app, name="config")
