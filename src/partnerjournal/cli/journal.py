"""The daily commands: today, reflect, prompt(s), steps, log, show, edit, delete."""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer

from . import complete
from . import options as opt
from .output import emit_json, emit_json_stream, emit_lines, note, say




def _read_stdin() -> str:
    data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read()
    if isinstance(data, bytes):
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            from ..errors import UsageError

            raise UsageError(
                f"standard input is not valid UTF-8 (byte {exc.start}): save the text as UTF-8"
            ) from None
    return data


def _saved_line(saved) -> str:
    streak = f"{saved.streak} day" + ("" if saved.streak == 1 else "s")
    return (
        f"Saved reflection #{saved.id} · {saved.quarter_count} this quarter ({saved.quarter})"
        f" · streak {streak}"
    )


def _announce_created(names: list[str]) -> None:
    for name in names:
        note(f"New partner {name!r} added; give them a box with: pj partner edit \"{name}\" --box ...")


def _prompt_block(prompt, catalog) -> list[str]:
    steps = ", ".join(f"{n} {catalog.step(n).title}" for n in prompt.steps)
    source = prompt.source.label()
    if getattr(prompt, "kind", "catalog") == "context":
        source += f" · {prompt.idea}"
    return [
        prompt.text,
        f"  step {steps}" if len(prompt.steps) == 1 else f"  steps {steps}",
        f"  source: {source}  [{prompt.id}]",
    ]


def _explain_block(prompt, catalog) -> list[str]:
    """Why the day's prompt was chosen, and why each claimed step is claimed."""
    lines = ["", "Why this prompt:", f"  {prompt.reason[0].upper()}{prompt.reason[1:]}."]
    if prompt.kind == "context":
        about = prompt.about or "a record no longer in the journal"
        lines.append(f"  About: {about} ({prompt.record}).")
    if prompt.note:
        lines.append(f"  {prompt.note[0].upper()}{prompt.note[1:]}.")
    lines.append("Steps it claims:")
    why = getattr(prompt, "why", ()) or ()
    for i, n in enumerate(prompt.steps):
        reason = why[i] if i < len(why) else "no reason recorded in the catalog"
        lines.append(f"  {n} {catalog.step(n).title}: {reason}")
    return lines


def _wrapped(lines: list[str]) -> list[str]:
    """Lines wrapped at word boundaries to the terminal's width.

    Printed as they are, a long prompt is folded by the terminal itself at the last
    column, mid-word. Off a terminal lines are left whole for scripts and pipes.
    """
    if not sys.stdout.isatty():
        return lines
    import shutil
    import textwrap

    width = max(shutil.get_terminal_size().columns - 1, 20)
    out: list[str] = []
    for line in lines:
        indent = " " * (len(line) - len(line.lstrip(" ")))
        out += textwrap.wrap(line, width, subsequent_indent=indent + "  " if indent else "",
                             break_long_words=False, break_on_hyphens=False) or [""]
    return out


NoContext = Annotated[
    bool,
    typer.Option("--no-context", help="Only catalog prompts, none built from your journal "
                 "(to turn them off for good: pj config set contextual-prompts off)."),
]

FIRST_RUN = [
    "First entry. The loop: set the example yourself (steps 1-5), teach others (6-10),"
    " and each quarter evaluate and adjust (11-13); a prompt a day, two minutes each.",
    "To see a quarter of a journal in use first, run: pj demo",
]


def today(
    ctx: typer.Context,
    editor: Annotated[bool, typer.Option("--editor", "-e", help="Write in $VISUAL/$EDITOR.")] = False,
    text: Annotated[Optional[str], typer.Option("--text", help="The reflection (skips the question).")] = None,
    steps: opt.Steps = None,
    partners: opt.Partners = None,
    tags: opt.Tags = None,
    important_share: opt.Share = None,
    no_context: NoContext = False,
) -> None:
    """Today's prompt and your two-minute reflection on it.

    On a terminal it asks for the reflection, the steps it served (the prompt's by
    default), the partners involved (a new one is asked for a box and relation), tags
    and the share of your day that went to important-but-not-urgent work. Piped text
    is saved with the options given. Some days the prompt is built from your journal:
    a commitment coming due, a session to prepare (see pj prompt --explain).

    \b
    Examples:
      pj today
      echo "Asked Ana what finance needs from us" | pj today --partner Ana
    """
    from ..services import coach as scoach
    from ..services import prompts as sp
    from ..services import reflections as sr

    env = opt.env_of(ctx)
    conn = env.conn
    context = not no_context and scoach.enabled(conn)
    pick = scoach.choose(conn, env.today, context=context)
    first = scoach.first_run(conn)
    written, answered = scoach.answered_today(conn, env.today, pick)
    prompt = scoach.next_prompt(conn, env.today, pick) if answered else pick
    catalog = sp.catalog_with_custom(conn)
    interactive = env.stdin_is_terminal and text is None and not editor

    header = f"Today's prompt · {env.today.isoformat()}"
    if written:
        ids = ", ".join(f"#{i}" for i in written)
        header += f" · you already wrote today ({ids})"
        if answered:
            header += "; here is another prompt"
    screen = [header, *_prompt_block(prompt, catalog)]
    if first:
        screen += ["", *FIRST_RUN]
    recalled = sr.on_this_day(conn, env.today)
    if recalled is not None:
        line = recalled.text.splitlines()[0] if recalled.text else ""
        if len(line) > 90:
            line = line[:87] + "..."
        screen.append(f"On this day, {recalled.date}: {line} (#{recalled.id})")
    emit_lines(_wrapped([*screen, ""]))

    details: dict[str, dict] = {}
    if editor:
        from .editor import edit_text

        text = edit_text("", comment=f"{prompt.text}\nLines starting with '# ' are ignored.")
        if text is None:
            note("Nothing written; nothing saved.")
            return
    elif text is None and not env.stdin_is_terminal:
        piped = _read_stdin()
        if not piped.strip():
            from ..errors import UsageError

            raise UsageError(
                "no reflection given: pipe the text in, pass --text, or run 'pj today' on a terminal"
            )
        text = piped
    elif interactive:
        text = _ask_text()
        if steps is None:
            default = ",".join(str(s) for s in prompt.steps)
            steps = _ask_int_list("Steps it served", default)
        if partners is None:
            answer = typer.prompt("Partners involved (comma-separated)", default="", show_default=False)
            partners = [answer] if answer.strip() else []
        details = _ask_new_partners(conn, partners)
        if tags is None:
            answer = typer.prompt("Tags (optional)", default="", show_default=False)
            tags = [t for t in answer.replace(",", " ").split()]
        if important_share is None:
            answer = typer.prompt(
                "Share of today on important, not urgent, work (0-100, optional)",
                default="", show_default=False,
            )
            important_share = _parse_int(answer, "important share")

    saved = sr.add_reflection(
        conn,
        text=text,
        day=env.today,
        now=env.now(),
        today=env.today,
        steps=steps or list(prompt.steps),
        partners=partners,
        tags=tags,
        prompt_id=prompt.id if prompt.kind == "catalog" else None,
        important_share=important_share,
        context=prompt if prompt.kind == "context" else None,
        keep=None if no_context else pick,
        partner_details=details,
    )
    _announce_created([n for n in saved.created_partners if not details.get(n)])
    say(_saved_line(saved))


def _ask_new_partners(conn, partners: list[str] | None) -> dict[str, dict]:
    """Ask a box and a relation for each partner the journal does not know yet (Enter
    skips either)."""
    from ..services import partnerships as ps
    from ..services import validate
    from ..store.journal import find_partner

    details: dict[str, dict] = {}
    for name in validate.names(partners):
        if name in details or find_partner(conn, name) is not None:
            continue
        typer.echo(f"{name} is a new partner.")
        box = ask_choice(f"  Box for {name} (leadership, managers, teams, employees;"
                          " Enter skips)", ps.box)
        relation = ask_choice(f"  Relation with {name} (direct, influential, guidance;"
                               " Enter skips)", ps.relation)
        details[name] = {"box": box, "relation": relation}
    return details


def ask_choice(question: str, check, *, required: bool = False) -> str | None:
    """Ask until the answer passes ``check`` (or is empty, when not required)."""
    from ..errors import UsageError

    while True:
        answer = typer.prompt(question, default="", show_default=False).strip()
        if not answer and not required:
            return None
        try:
            if answer:
                return check(answer)
            raise UsageError("an answer is needed here")
        except UsageError as exc:
            typer.echo(f"{exc}; try again.", err=True)


def _ask_text() -> str:
    typer.echo("Your reflection (finish with an empty line):")
    lines: list[str] = []
    while True:
        try:
            line = input()
        except EOFError:
            break
        if not line.strip() and lines:
            break
        lines.append(line)
    return "\n".join(lines)


def _parse_int(answer: str, what: str) -> int | None:
    answer = answer.strip().rstrip("%")
    if not answer:
        return None
    try:
        return int(answer)
    except ValueError:
        from ..errors import UsageError

        raise UsageError(f"{what} {answer!r} is not a whole number") from None


def _ask_int_list(question: str, default: str) -> list[int]:
    answer = typer.prompt(question, default=default)
    out = []
    for part in answer.replace(",", " ").split():
        value = _parse_int(part, "step")
        if value is not None:
            out.append(value)
    return out


def reflect(
    ctx: typer.Context,
    text: Annotated[
        Optional[str], typer.Argument(help="The reflection; '-' or a pipe reads standard input.")
    ] = None,
    steps: opt.Steps = None,
    partners: opt.Partners = None,
    tags: opt.Tags = None,
    prompt_id: Annotated[
        Optional[str], typer.Option("--prompt", help="The prompt it answers: an id from 'pj prompts', or the"
                                    " day's coach:RULE id shown by 'pj prompt'.",
                                    metavar="ID", autocompletion=complete.prompt_ids)
    ] = None,
    important_share: opt.Share = None,
    date: opt.DateOpt = None,
) -> None:
    """Save a reflection without questions, for scripts and quick capture.

    \b
    Example:
      pj reflect "Told Ana the launch date was unrealistic, kindly." --step 1 --partner Ana
    """
    from ..dates import parse_date
    from ..errors import UsageError
    from ..services import reflections as sr

    env = opt.env_of(ctx)
    if text == "-" or (text is None and not env.stdin_is_terminal):
        text = _read_stdin()
    elif text is None:
        raise UsageError("give the reflection as an argument, or '-' to read it from standard input")
    day = parse_date(date, what="--date", base=env.today) if date else env.today
    context = None
    if prompt_id:
        from ..services import coach as scoach

        context = scoach.resolve(env.conn, prompt_id.strip(), day)
        if context is not None:
            prompt_id = None
    saved = sr.add_reflection(
        env.conn,
        text=text,
        day=day,
        now=env.now(),
        today=env.today,
        steps=steps,
        partners=partners,
        tags=tags,
        prompt_id=prompt_id,
        important_share=important_share,
        context=context,
    )
    _announce_created(saved.created_partners)
    say(str(saved.id))


def prompt(
    ctx: typer.Context,
    step: Annotated[Optional[int], typer.Option("--step", "-s", help="Only prompts for this step.", metavar="N")] = None,
    source: Annotated[Optional[str], typer.Option("--source", help="Only prompts from this source (author or work).", metavar="NAME")] = None,
    date: opt.DateOpt = None,
    explain: Annotated[bool, typer.Option("--explain", help="Say why this prompt was chosen and why it claims each step.")] = False,
    no_context: NoContext = False,
    as_json: opt.Json = False,
) -> None:
    """Show the prompt for a day (today by default).

    Some days it is built from your journal (a commitment coming due, a session to
    prepare, last quarter's adjustment...); otherwise it comes from the catalog,
    favouring the phase you practised least this quarter. Today's prompt is kept so it
    stays the same all day; other days are only shown.

    \b
    Examples:
      pj prompt --explain
      pj prompt --date yesterday
    """
    from ..dates import parse_date
    from ..services import coach as scoach
    from ..services import prompts as sp

    env = opt.env_of(ctx)
    conn = env.conn
    day = parse_date(date, what="--date", base=env.today) if date else env.today
    if step is not None or source is not None:
        chosen_prompt, balance = sp.catalog_pick(conn, day, step, source)
        chosen = scoach.from_catalog(chosen_prompt, scoach.BALANCE + balance,
                                     "only the prompts matching --step/--source were considered")
    else:
        context = not no_context and scoach.enabled(conn)
        chosen = scoach.day_prompt(conn, day, today=env.today, now=env.now(),
                                   context=context, keep_it=not no_context)
    if as_json:
        emit_json(chosen.as_json())
        return
    catalog = sp.catalog_with_custom(conn)
    lines = _prompt_block(chosen, catalog)
    if explain:
        lines += _explain_block(chosen, catalog)
    emit_lines(_wrapped(lines))


prompts_app = typer.Typer(
    help="The catalog of prompts, and your own: each with its id, the steps it serves and its"
    " source.\n\n\b\nExamples:\n  pj prompts --step 3\n"
    "  pj prompts add \"Whose problem did I solve today?\" --step 5",
    rich_markup_mode=None,
)


@prompts_app.callback(invoke_without_command=True)
def prompts_list(
    ctx: typer.Context,
    step: Annotated[Optional[int], typer.Option("--step", "-s", help="Only prompts for this step.", metavar="N", autocompletion=complete.steps)] = None,
    source: Annotated[Optional[str], typer.Option("--source", help="Only prompts from this source.", metavar="NAME")] = None,
    retired: Annotated[bool, typer.Option("--retired", help="The first edition's prompts that are no longer offered (your older reflections may answer them).")] = False,
    as_json: opt.Json = False,
) -> None:
    """List the prompts: each with its id, the steps it serves and its source."""
    if ctx.invoked_subcommand is not None:
        return
    from ..services import prompts as sp

    env = opt.env_of(ctx)
    chosen = sp.filter_prompts(sp.catalog_with_custom(env.conn), step, source, retired=retired)
    if as_json:
        emit_json([p.as_json() for p in chosen])
        return
    lines = []
    for p in chosen:
        steps = ",".join(str(s) for s in p.steps)
        lines.append(f"{p.id}  [step {steps} · {p.phase}]  {p.source.label()}")
        lines.append(f"  {p.text}")
    emit_lines(lines)
    note(f"{len(chosen)} {'retired ' if retired else ''}prompts")


@prompts_app.command("add")
def prompts_add(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help="The question you want to be asked.")],
    steps: opt.Steps = None,
) -> None:
    """Add a prompt of your own, kept in the journal and marked as yours.

    \b
    Example:
      pj prompts add "Whose problem did I solve today?" --step 5
    """
    from ..services import prompts as sp

    env = opt.env_of(ctx)
    added = sp.add_custom_prompt(env.conn, text, steps or [], env.now())
    say(f"Added prompt {added.id} (step {','.join(map(str, added.steps))})")


def steps_cmd(ctx: typer.Context, as_json: opt.Json = False) -> None:
    """The 13 steps of the partnership loop, in their three phases.

    \b
    Example:
      pj steps
    """
    from ..catalog import load_catalog

    catalog = load_catalog()
    if as_json:
        emit_json(
            [
                {"number": s.number, "phase": s.phase, "title": s.title, "description": s.description}
                for s in catalog.steps
            ]
        )
        return
    lines = []
    for phase in catalog.phases:
        lines.append(f"{phase.title} (steps {phase.steps[0]}–{phase.steps[-1]})")
        for n in phase.steps:
            s = catalog.step(n)
            lines.append(f"  {n:>2}. {s.title}")
            lines.append(f"      {s.description}")
        lines.append("")
    emit_lines(lines[:-1])


def _format_entry(r, full: bool = True) -> list[str]:
    meta = [r.date, f"#{r.id}"]
    if r.steps:
        meta.append("step " + ",".join(str(s) for s in r.steps))
    if r.partners:
        meta.append("with " + ", ".join(r.partners))
    if r.tags:
        meta.append(" ".join("@" + t for t in r.tags))
    if r.important_share is not None:
        meta.append(f"important {r.important_share}%")
    head = "  ·  ".join(meta)
    if not full:
        first = r.text.split("\n", 1)[0]
        return [f"{head}  {first[:80]}"]
    return [head, *("  " + line for line in r.text.split("\n")), ""]


def log(
    ctx: typer.Context,
    n: Annotated[Optional[int], typer.Option("-n", help="Show at most N reflections.", metavar="N")] = None,
    date_from: Annotated[Optional[str], typer.Option("--from", help="From this day (inclusive).", metavar="DATE")] = None,
    date_until: Annotated[Optional[str], typer.Option("--until", help="Until this day (inclusive).", metavar="DATE")] = None,
    on: Annotated[Optional[str], typer.Option("--on", help="Only this day.", metavar="DATE")] = None,
    steps: opt.Steps = None,
    phase: Annotated[
        Optional[str],
        typer.Option("--phase", help="Only one phase: example, teach or evaluate.", metavar="PHASE",
                     autocompletion=complete.phases),
    ] = None,
    partner: Annotated[Optional[str], typer.Option("--partner", "-p", help="Only reflections naming this partner.", metavar="NAME", autocompletion=complete.partners)] = None,
    tags: opt.Tags = None,
    search: Annotated[Optional[str], typer.Option("--search", help="Only reflections with these words, best match first.", metavar="WORDS")] = None,
    short: Annotated[bool, typer.Option("--short", help="One line per reflection.")] = False,
    as_json: opt.Json = False,
) -> None:
    """Your reflections, newest first, filtered as you like.

    \b
    Examples:
      pj log -n 5 --short
      pj log --partner "Maria Lopez" --from 2026-10-01 --search budget
    """
    from ..catalog import PHASES, load_catalog
    from ..dates import parse_date
    from ..errors import UsageError
    from ..services import reflections as sr
    from ..services import validate
    from ..store.journal import ReflectionFilter

    env = opt.env_of(ctx)
    if n is not None and n < 1:
        raise UsageError(f"-n {n} shows nothing: give a number of entries of 1 or more")
    # SQLite integers stop at 2**63 - 1; asking for more entries than that means all
    flt = ReflectionFilter(limit=None if n is None or n >= 2**63 else n)
    if on:
        flt.date_from = flt.date_until = parse_date(on, what="--on", base=env.today).isoformat()
    if date_from:
        flt.date_from = parse_date(date_from, what="--from", base=env.today).isoformat()
    if date_until:
        flt.date_until = parse_date(date_until, what="--until", base=env.today).isoformat()
    if flt.date_from and flt.date_until and flt.date_from > flt.date_until:
        raise UsageError(f"--from {flt.date_from} is after --until {flt.date_until}: swap them")
    flt.steps = validate.steps(steps)
    if phase:
        key = phase.strip().lower()
        if key not in PHASES:
            raise UsageError(f"phase {phase!r} is not one of example, teach, evaluate")
        wanted = set(load_catalog().phase(key).steps)
        flt.steps = sorted(wanted & set(flt.steps)) if flt.steps else sorted(wanted)
        if not flt.steps:
            flt.steps = [0]  # no step is both: matches nothing
    if partner:
        flt.partner_id = sr.partner_id(env.conn, partner)
    flt.tags = validate.tags(tags)
    if search is not None:
        if not search.strip():
            raise UsageError("--search needs words to look for")
        flt.search = search
    entries = sr.log(env.conn, flt)
    if as_json:
        emit_json_stream(r.as_json() for r in entries)
        return
    lines = (line for r in entries for line in _format_entry(r, full=not short))
    if emit_lines(lines) == 0:
        note("No reflections match.")


def show(
    ctx: typer.Context,
    entry_id: Annotated[int, typer.Argument(help="The reflection's number (see 'pj log').", metavar="ID")],
    as_json: opt.Json = False,
) -> None:
    """Show one reflection in full, with its prompt and source.

    \b
    Example:
      pj show 42
    """
    from ..services import prompts as sp
    from ..services import reflections as sr

    from ..store.journal import conflict_copies

    env = opt.env_of(ctx)
    r = sr.get(env.conn, entry_id)
    copies = conflict_copies(env.conn, "reflections", r.uid)
    if as_json:
        emit_json({**r.as_json(), "conflict_copies": copies} if copies else r.as_json())
        return
    lines = _format_entry(r)
    if r.prompt_rule:
        from ..coach import RULES
        from ..services import coach as scoach

        rule = RULES.get(r.prompt_rule)
        about = scoach.describe(env.conn, r.prompt_record) if r.prompt_record else "-"
        lines.append(f"Prompt: {r.prompt_text or '(not kept)'}")
        lines.append(f"From your journal: rule {r.prompt_rule}, about {about}")
        if rule is not None:
            lines.append(f"Source: {scoach.rule_source(rule.id).label()} · {rule.idea}")
    elif r.prompt_id:
        p = sp.catalog_with_custom(env.conn).prompt(r.prompt_id)
        if p is not None:
            lines += [f"Prompt: {p.text}", f"Source: {p.source.label()}"]
    lines.append(f"Written {r.created_at}" + (f", edited {r.updated_at}" if r.updated_at != r.created_at else ""))
    if copies:
        lines.append(
            f"Also changed on another machine: {copies} conflict "
            f"{'copy' if copies == 1 else 'copies'} kept (see pj conflicts)"
        )
    emit_lines(lines)


def edit(
    ctx: typer.Context,
    entry_id: Annotated[int, typer.Argument(help="The reflection's number (see 'pj log').", metavar="ID")],
    text: Annotated[Optional[str], typer.Option("--text", help="The new text ('-' reads standard input).")] = None,
    steps: opt.Steps = None,
    partners: opt.Partners = None,
    tags: opt.Tags = None,
) -> None:
    """Change a reflection: in your editor, or with --text, --step, --partner and --tag
    (each replaces what the reflection had; what you leave out stays).

    \b
    Example:
      pj edit 42 --tag budget --partner "Maria Lopez"
    """
    from ..services import reflections as sr

    env = opt.env_of(ctx)
    current = sr.get(env.conn, entry_id)
    if text == "-":
        text = _read_stdin()
    if text is None and not (steps or partners or tags):
        from .editor import edit_text

        text = edit_text(current.text)
        if text is None:
            note("Unchanged; nothing saved.")
            return
    updated, created = sr.edit(
        env.conn, entry_id, now=env.now(), text=text, steps=steps, partners=partners, tags=tags
    )
    _announce_created(created)
    say(f"Updated reflection #{updated.id}")


def delete(
    ctx: typer.Context,
    entry_id: Annotated[int, typer.Argument(help="The reflection's number (see 'pj log').", metavar="ID")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask; for scripts.")] = False,
) -> None:
    """Delete a reflection for good (asks first).

    \b
    Example:
      pj delete 42
    """
    from ..errors import UsageError
    from ..services import reflections as sr

    env = opt.env_of(ctx)
    r = sr.get(env.conn, entry_id)
    if not yes:
        if not env.stdin_is_terminal:
            raise UsageError(f"deleting #{entry_id} needs confirmation: add --yes")
        first = r.text.split("\n", 1)[0][:60]
        if not typer.confirm(f"Delete #{r.id} of {r.date} ({first!r})?", default=False):
            note("Kept; nothing deleted.")
            return
    sr.delete(env.conn, entry_id)
    say(f"Deleted reflection #{entry_id}")


def register(app: typer.Typer) -> None:
    app.command("today")(today)
    app.command("reflect")(reflect)
    app.command("prompt")(prompt)
    app.add_typer(prompts_app, name="prompts")
    app.command("steps")(steps_cmd)
    app.command("log")(log)
    app.command("show")(show)
    app.command("edit")(edit)
    app.command("delete")(delete)
