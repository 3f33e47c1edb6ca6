"""Taking the journal out and bringing it back: export, import, backup, restore."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from . import complete
from . import options as opt
from .output import emit_json, emit_lines, note, say


def export(
    ctx: typer.Context,
    fmt: Annotated[
        str,
        typer.Option("--format", "-f", metavar="FORMAT", show_default=False,
                     autocompletion=complete.export_formats,
                     help="markdown (readable anywhere, the default) or json (every field, for tools)."),
    ] = "markdown",
    date_from: Annotated[
        Optional[str], typer.Option("--from", metavar="DATE", help="Only what happened from this day on.")
    ] = None,
    date_until: Annotated[
        Optional[str], typer.Option("--until", metavar="DATE", help="Only what happened up to this day.")
    ] = None,
    quarter: Annotated[
        Optional[str],
        typer.Option("--quarter", "-q", metavar="Q",
                     help="Only what happened in one quarter: 2026Q4, last, -1."),
    ] = None,
    output: Annotated[
        Optional[str],
        typer.Option("--output", "-o", metavar="PATH",
                     help="Write to this file (or folder, with --split) instead of the screen."),
    ] = None,
    split: Annotated[
        Optional[str],
        typer.Option("--split", metavar="day|month", autocompletion=complete.splits,
                     help="With --output FOLDER: one markdown file per day or month, for note apps."),
    ] = None,
    encrypt: opt.Encrypt = None,
    to: opt.To = None,
    to_file: opt.ToFile = None,
    as_json: opt.Json = False,
) -> None:
    """Take your whole journal out as readable markdown or as JSON.

    Partners, prompts, objectives and evaluations always come whole; --from, --until and
    --quarter choose what is dated (reflections, sessions, commitments, trust checks,
    stories, measurements). Files are written readable by you only. With --encrypt (or
    --to) the file is encrypted in the age format, its name ending in .age, before
    anything reaches the disk.

    \b
    Examples:
      pj export --output journal.md
      pj export --quarter last --split day --output ~/notes/journal
      pj export --encrypt --output journal.md
    """
    import sys

    from ..dates import parse_date
    from ..errors import UsageError
    from ..services import quarters as sq
    from ..services import transfer as tr
    from .output import output_path

    target = output_path(output)
    env = opt.env_of(ctx)
    if quarter and (date_from or date_until):
        raise UsageError("give either --quarter or --from/--until, not both")
    if as_json and output is None:
        raise UsageError("--json reports on the files written: add --output PATH")
    start = parse_date(date_from, what="--from", base=env.today).isoformat() if date_from else None
    end = parse_date(date_until, what="--until", base=env.today).isoformat() if date_until else None
    if quarter:
        q = sq.resolve(env.conn, quarter, env.today)
        start, end = q.start.isoformat(), q.end.isoformat()
    report = tr.export_journal(
        env.conn,
        now=env.now(),
        fmt=fmt.strip().lower(),
        out=sys.stdout,
        output=target,
        split=split.strip().lower() if split else None,
        date_from=start,
        date_until=end,
        journal_path=env.db_path,
        encryption=opt.encryption_choice(ctx, encrypt, to, to_file),
    )
    if as_json:
        emit_json(report.as_json())
    elif output is not None:
        say(report.summary())


def import_(
    ctx: typer.Context,
    path: Annotated[
        str,
        typer.Argument(metavar="PATH",
                       help="A file or folder written by 'pj export', a jrnl JSON export, or - for standard input."),
    ],
    fmt: Annotated[
        Optional[str],
        typer.Option("--format", "-f", metavar="FORMAT", autocompletion=complete.import_formats,
                     help="json, markdown or jrnl (default: told from the file)."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would change, and change nothing.")
    ] = False,
    identity: opt.Identity = None,
    as_json: opt.Json = False,
) -> None:
    """Bring an export back in, merging it with your journal.

    Everything is matched by the id the export gave it: what you already have is kept
    unless the import holds a newer version; partners with the same name are the same
    partner. Importing the same file twice adds nothing. A bad file changes nothing and
    says where it broke. Encrypted exports (age files) are read as they are: the
    passphrase comes from PARTNERJOURNAL_PASSPHRASE or is asked for; a key from
    --identity.

    \b
    Examples:
      pj import --dry-run journal.md
      jrnl --format json > old.json && pj import old.json
    """
    import sys
    from pathlib import Path

    from ..services import transfer as tr

    env = opt.env_of(ctx)
    if path == "-":
        stream = tr.stdin_text(sys.stdin, opt.decryption_keys(ctx, identity, terminal=False))
        summary = tr.import_path(env.conn, None, fmt=fmt, stream=stream, dry_run=dry_run)
    else:
        summary = tr.import_path(env.conn, Path(path).expanduser(), fmt=fmt, dry_run=dry_run,
                                 keys=opt.decryption_keys(ctx, identity))
    if as_json:
        emit_json(summary.as_json())
    else:
        emit_lines(summary.lines())
        for line in summary.notes:
            note(line)
        if summary.skipped_files:
            note(f"Not exports, left alone: {', '.join(summary.skipped_files)}")
    if dry_run:
        note("Dry run: nothing was changed.")


def backup(
    ctx: typer.Context,
    path: Annotated[
        Optional[str],
        typer.Argument(metavar="[PATH]",
                       help="The backup file or folder (default: a 'backups' folder beside the journal)."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace PATH if it exists.")] = False,
    encrypt: opt.Encrypt = None,
    to: opt.To = None,
    to_file: opt.ToFile = None,
    as_json: opt.Json = False,
) -> None:
    """Save a complete copy of your journal, safe even while pj is writing.

    The copy is readable by you only; bring it back with 'pj restore PATH'.

    With --encrypt (or --to) it is encrypted in the age format, its name ending in .age,
    before anything reaches the disk: a copy a cloud folder can carry but not read.

    \b
    Examples:
      pj backup ~/backups/before-the-move.sqlite
      pj backup --encrypt
    """
    from pathlib import Path

    from ..services import transfer as tr

    env = opt.env_of(ctx)
    target, counts = tr.backup_journal(
        env.db_path, Path(path).expanduser() if path else None, now=env.now(), force=force,
        encryption=opt.encryption_choice(ctx, encrypt, to, to_file),
    )
    if as_json:
        emit_json({"path": str(target), "records": counts})
    else:
        say(f"Backed up the journal to {target}")


def restore(
    ctx: typer.Context,
    path: Annotated[str, typer.Argument(metavar="PATH", help="A backup made by 'pj backup'.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask; for scripts.")] = False,
    identity: opt.Identity = None,
    as_json: opt.Json = False,
) -> None:
    """Replace your journal with a backup (asks first).

    The backup is checked before anything changes; your current journal is kept beside
    it as journal.sqlite.before-restore.

    Encrypted backups (age files) are read as they are: the passphrase comes from
    PARTNERJOURNAL_PASSPHRASE or is asked for; a key from --identity.

    \b
    Example:
      pj restore ~/backups/journal-2026-11-23.sqlite
    """
    from pathlib import Path

    from ..errors import UsageError
    from ..services import transfer as tr

    env = opt.env_of(ctx)
    if not yes and not env.stdin_is_terminal:
        raise UsageError("restoring replaces your journal: add --yes to confirm")
    keys = opt.decryption_keys(ctx, identity)
    with tr.prepare_restore(env.db_path, Path(path).expanduser(), keys) as plan:
        if not yes and not typer.confirm(plan.question(), default=False):
            note("Kept your journal; nothing restored.")
            return
        env.close()  # our own connection must not hold the file being replaced
        result = tr.complete_restore(plan)
    if as_json:
        emit_json(result.as_json())
    else:
        say(f"Restored {path} as your journal")
        if result.kept_as:
            note(f"Your previous journal is kept as {result.kept_as}")


def register(app: typer.Typer) -> None:
    app.command("export")(export)
    app.command("import")(import_)
    app.command("backup")(backup)
    app.command("restore")(restore)
