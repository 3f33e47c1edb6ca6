"""Shell completion of option and argument values: partner names, tags, prompt ids,
steps, formats.

A completer runs on every Tab press, so it opens the journal read-only, imports
nothing heavy and never fails: any problem means no suggestions, never an error.
"""

from __future__ import annotations

import os
from typing import Callable, Iterable

import click

Completer = Callable[..., list]


def journal_path(ctx):
    """The journal the command line names: --db after the command, --db before it,
    PARTNERJOURNAL_DB, or the default one."""
    from ..context import Env
    from .core import DB_META

    root = ctx.find_root()
    raw = root.meta.get(DB_META) or root.params.get("db")
    return Env.from_option(raw).db_path


def _matching(candidates: Iterable[str], incomplete: str) -> list[str]:
    # case matters, as for file names (and Typer filters the same way after us)
    return [c for c in candidates if c.startswith(incomplete)]


def _from_journal(kind: str) -> Completer:
    def complete(ctx: click.Context, incomplete: str) -> list[str]:
        try:
            from ..store import lookup

            conn = lookup.open_read_only(journal_path(ctx))
            if conn is None:
                return []
            try:
                found = lookup.values(conn, kind)
            finally:
                conn.close()
            if kind == "prompts":
                from ..catalog import load_catalog

                found = [p.id for p in load_catalog().prompts] + found
            return _matching(found, incomplete)
        except Exception:  # noqa: BLE001 - a Tab press must never print an error
            if os.environ.get("PJ_DEBUG"):
                raise
            return []

    return complete


def choices(values: Callable[[], Iterable[str]]) -> Completer:
    """A completer offering the values the package describes (formats, boxes, ...),
    looked up only when Tab is pressed."""

    def complete(ctx: click.Context, incomplete: str) -> list[str]:
        try:
            return _matching(values(), incomplete)
        except Exception:  # noqa: BLE001 - a Tab press must never print an error
            if os.environ.get("PJ_DEBUG"):
                raise
            return []

    return complete


def _report_formats():
    from ..render import REPORT_RENDERERS

    return REPORT_RENDERERS


def _export_formats():
    from ..exporters import EXPORTERS

    return EXPORTERS


def _import_formats():
    from ..importers import IMPORTERS

    return IMPORTERS


def _boxes():
    from ..models import BOXES

    return BOXES


def _relations():
    from ..models import RELATIONS

    return RELATIONS


def _objective_kinds():
    from ..models import OBJECTIVE_KINDS

    return OBJECTIVE_KINDS


def _phases():
    from ..catalog import PHASES

    return PHASES


def _settings():
    from ..services.partnerships import SETTINGS

    return SETTINGS


partners = _from_journal("partners")
tags = _from_journal("tags")
prompt_ids = _from_journal("prompts")
objectives = _from_journal("objectives")
steps = choices(lambda: [str(n) for n in range(1, 14)])
report_formats = choices(_report_formats)
export_formats = choices(_export_formats)
import_formats = choices(_import_formats)
splits = choices(lambda: ("day", "month"))
boxes = choices(_boxes)
relations = choices(_relations)
objective_kinds = choices(_objective_kinds)
phases = choices(_phases)
settings = choices(_settings)
shells = choices(lambda: ("bash", "zsh", "fish"))
