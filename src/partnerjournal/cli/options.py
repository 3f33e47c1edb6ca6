"""Options shared by many commands, declared once."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from . import complete


def env_of(ctx: typer.Context):
    """The command's :class:`~partnerjournal.context.Env`, set up by the root group."""
    return ctx.find_root().obj

Json = Annotated[bool, typer.Option("--json", help="Print JSON for scripts instead of text.")]
Steps = Annotated[
    Optional[list[int]],
    typer.Option("--step", "-s", help="A step it served, 1–13 (repeat for several).", metavar="N",
                 autocompletion=complete.steps),
]
Partners = Annotated[
    Optional[list[str]],
    typer.Option("--partner", "-p", help="A partner involved (repeat; new names are created).",
                 metavar="NAME", autocompletion=complete.partners),
]
Tags = Annotated[
    Optional[list[str]],
    typer.Option("--tag", "-t", help="A tag (repeat for several).", metavar="TAG",
                 autocompletion=complete.tags),
]
Share = Annotated[
    Optional[int],
    typer.Option(
        "--important-share",
        help="Share of the day (0–100 %) spent on important, not urgent, work (Hummel).",
        metavar="PCT",
    ),
]
Quarter = Annotated[
    Optional[str],
    typer.Option("--quarter", "-q", help="A quarter: 2026Q4, 2026-Q4, last, -1 (default: this one).",
                 metavar="Q"),
]
DateOpt = Annotated[
    Optional[str],
    typer.Option("--date", help="The day it is about: YYYY-MM-DD, today, yesterday.", metavar="DATE"),
]
Encrypt = Annotated[
    Optional[bool],
    typer.Option("--encrypt/--no-encrypt", show_default=False,
                 help="Encrypt the file (age format) with a passphrase, or to --to keys."
                      " --no-encrypt writes it plain whatever 'pj config get encrypt' says."),
]
To = Annotated[
    Optional[list[str]],
    typer.Option("--to", metavar="AGE1...",
                 help="Encrypt to this age public key instead of a passphrase (repeat for several)."),
]
ToFile = Annotated[
    Optional[str],
    typer.Option("--to-file", metavar="PATH",
                 help="Encrypt to the age public keys listed in this file, one per line."),
]
Identity = Annotated[
    Optional[str],
    typer.Option("--identity", "-i", metavar="KEYFILE",
                 help="Your age identity file, for files encrypted to your age key"
                      " (or set PARTNERJOURNAL_IDENTITY). Passphrases come from"
                      " PARTNERJOURNAL_PASSPHRASE or are asked for."),
]


def encryption_choice(ctx: typer.Context, encrypt: bool | None, to: list[str] | None,
                      to_file: str | None):
    """What --encrypt, --no-encrypt, --to and --to-file ask for (with none of them the
    journal's encrypt setting decides); the passphrase is fetched only if needed."""
    from pathlib import Path

    from ..exchange import encryption as enc

    recipients = [enc.check_recipient(r) for r in to or []]
    if to_file:
        recipients += enc.recipients_file(Path(to_file).expanduser())
    terminal = env_of(ctx).stdin_is_terminal
    return enc.Choice(encrypt, tuple(dict.fromkeys(recipients)),
                      enc.passphrase_to_encrypt(terminal=terminal))


def decryption_keys(ctx: typer.Context, identity: str | None, *,
                    terminal: bool | None = None):
    """What may open encrypted files: --identity, PARTNERJOURNAL_IDENTITY and
    PARTNERJOURNAL_PASSPHRASE, and a passphrase asked for on a terminal."""
    from ..exchange import encryption as enc

    if terminal is None:
        terminal = env_of(ctx).stdin_is_terminal
    return enc.keys_to_decrypt(identity, terminal=terminal)
