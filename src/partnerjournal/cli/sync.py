"""One journal on several machines: sync and conflicts."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from . import options as opt
from .output import emit_json, emit_lines, note, say

conflicts_app = typer.Typer(
    help="What was changed on two machines since they last synced: the version each"
    " journal shows, and the other kept as a conflict copy until you choose.\n\n\b\n"
    "Examples:\n  pj conflicts\n  pj conflicts resolve 3 --keep theirs",
    rich_markup_mode=None, invoke_without_command=True,
)


def _summary(record: dict | None) -> str:
    if record is None:
        return "(deleted)"
    if record.get("quarter"):  # an evaluation: its quarter and what it says
        ratings = ", ".join(f"{r['step']}={r['rating']}" for r in record.get("ratings") or ())
        line = " · ".join(x for x in (record["quarter"], ratings,
                                      " ".join((record.get("progress") or "").split())) if x)
        return line if len(line) <= 60 else line[:57] + "..."
    if record.get("name") and record.get("kind"):  # an objective: its name and target
        target, unit = record.get("target"), record.get("unit")
        if target is None:
            return record["name"]
        return f"{record['name']} (target {target:g}{' ' + unit if unit else ''})"
    for name in ("text", "name", "quarter", "value", "keep", "change", "successes"):
        value = record.get(name)
        if isinstance(value, str) and value.strip():
            line = " ".join(value.split())
            return line if len(line) <= 60 else line[:57] + "..."
    return record.get("date") or record.get("uid") or "-"


@conflicts_app.callback()
def conflicts_list(ctx: typer.Context, as_json: opt.Json = False) -> None:
    """List the conflict copies: for each, what your journal shows now (mine: the
    version changed last) and the other version, kept as a copy (theirs), with the
    machine each was written on.

    \b
    Example:
      pj conflicts --json
    """
    if ctx.invoked_subcommand is not None:
        return
    from ..services import sync as sync_service
    from ..store.transfer import KIND

    env = opt.env_of(ctx)
    found = sync_service.conflicts(env.conn)
    if as_json:
        emit_json([c.as_json() for c in found])
        return
    if not found:
        say("No conflicts: nothing was changed on two machines at once.")
        return
    lines = []
    for c in found:
        what = KIND[c.kind].marker.replace("_", " ")
        number = f" #{c.local_id}" if c.local_id else ""
        how = "made on two machines" if c.made_twice else "changed on two machines"
        lines.append(f"{c.id}. {what}{number}, {how} (found {c.found_at[:10]})")
        lines.append(f"   mine (shown, from {c.shown_by}):  {_summary(c.shown)}")
        lines.append(f"   theirs (a copy, from {c.copy_by}):  {_summary(c.record)}")
    twice = [c.made_twice for c in found]
    if all(twice):  # one name allows one record: keeping both is refused
        lines.append("Settle one with: pj conflicts resolve ID --keep mine|theirs")
    else:
        lines.append("Settle one with: pj conflicts resolve ID --keep mine|theirs|both"
                     + (" (both: not for one made on two machines)" if any(twice) else ""))
    emit_lines(lines)


@conflicts_app.command("resolve")
def conflicts_resolve(
    ctx: typer.Context,
    cid: Annotated[
        int, typer.Argument(metavar="ID", help="The conflict's number (see 'pj conflicts').")
    ],
    keep: Annotated[
        Optional[str],
        typer.Option("--keep", metavar="mine|theirs|both",
                     help="mine: what your journal shows; theirs: the copy; both: keep the"
                     " copy as well, as a reflection (story, session...) of its own."),
    ] = None,
    as_json: opt.Json = False,
) -> None:
    """Settle a conflict copy; the choice reaches your other machines at their next sync.

    \b
    Example:
      pj conflicts resolve 3 --keep both
    """
    from ..errors import UsageError
    from ..services import sync as sync_service

    if keep is None:
        raise UsageError("say which version to keep: --keep mine, --keep theirs or --keep both")
    env = opt.env_of(ctx)
    c = sync_service.resolve(env.conn, cid, keep, env.now())
    if as_json:
        emit_json({"resolved": c.id, "kept": keep.strip().lower()})
    else:
        say(f"Conflict {c.id} settled: kept {keep.strip().lower()}.")


def sync(
    ctx: typer.Context,
    folder: Annotated[
        Optional[str],
        typer.Argument(metavar="[DIR]",
                       help="The folder your machines share (Syncthing, Dropbox, iCloud Drive,"
                       " OneDrive, a git checkout); default: the one you synced with last."),
    ] = None,
    new_device: Annotated[
        bool,
        typer.Option("--new-device",
                     help="Give this journal a new device id first: for a copy of a journal"
                     " (a backup restored on another machine) that should sync as its own."),
    ] = False,
    encrypt: Annotated[
        Optional[bool],
        typer.Option("--encrypt/--no-encrypt", show_default=False,
                     help="Encrypt this journal's file (age format) with a passphrase, or to"
                     " --to keys. --no-encrypt writes it plain whatever 'pj config get"
                     " sync-encrypt' says."),
    ] = None,
    to: opt.To = None,
    to_file: opt.ToFile = None,
    identity: opt.Identity = None,
    as_json: opt.Json = False,
) -> None:
    """Merge this journal with your other machines' journals through a shared folder.

    Each journal writes only its own file there (named by this machine's id; give it a
    name with 'pj config set device-name "Work laptop"') and reads the others'. What
    was added, changed or deleted elsewhere comes in; anything changed on two machines
    keeps both versions (see 'pj conflicts'). Run it as often as you like, in any order.

    With --encrypt (or 'pj config set sync-encrypt passphrase'), this journal's file is
    written in the age format, with the passphrase from PARTNERJOURNAL_PASSPHRASE (or
    asked for), or to --to keys; the other machines' files are read whether encrypted
    or not.

    \b
    Examples:
      pj sync ~/Sync/partnerjournal
      pj sync ~/Dropbox/partnerjournal --encrypt
      pj sync --json
    """
    from pathlib import Path

    from ..errors import UsageError
    from ..services import sync as sync_service
    from ..store.sync import last_sync

    env = opt.env_of(ctx)
    if folder is None:
        last = last_sync(env.conn)
        if last is None:
            raise UsageError("give the shared folder: pj sync DIR (it is remembered)")
        folder = last[0]
    report = sync_service.sync(
        env.conn, Path(folder).expanduser().resolve(), env.now(), new_device=new_device,
        encryption=opt.encryption_choice(ctx, encrypt, to, to_file),
        keys=opt.decryption_keys(ctx, identity))
    if as_json:
        emit_json(report.as_json())
        return
    emit_lines(report.lines())
    for line in report.notes:
        note(line)


def register(app: typer.Typer) -> None:
    app.command("sync")(sync)
    app.add_typer(conflicts_app, name="conflicts")
