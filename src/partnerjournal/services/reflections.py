"""Writing, reading, editing and deleting reflections."""

from __future__ import annotations

import datetime as dt
import sqlite3
from typing import NamedTuple

from ..errors import NotFound, UsageError
from ..models import Reflection
from ..store import journal as sj
from ..store import transaction
from . import quarters as jq
from . import validate
from .prompts import get_prompt


class Saved(NamedTuple):
    id: int
    created_partners: list[str] = []  # never changed in place
    quarter: str = ""
    quarter_count: int = 0
    streak: int = 0


def add_reflection(
    conn: sqlite3.Connection,
    *,
    text: str,
    day: dt.date,
    now: str,
    today: dt.date,
    steps: list[int] | None = None,
    partners: list[str] | None = None,
    tags: list[str] | None = None,
    prompt_id: str | None = None,
    important_share: int | None = None,
    context=None,
    keep=None,
    partner_details: dict[str, dict] | None = None,
) -> Saved:
    """Validate and save one reflection in one transaction.

    Without ``steps``, a reflection on a prompt serves the prompt's steps. ``context``
    is the contextual prompt it answers (``services.coach.DayPrompt``): its rule, record
    and text are kept with it. ``keep`` is the day's prompt to record for the day in
    the same transaction; ``partner_details`` gives new partners their box and relation.
    """
    text = validate.text(text)
    steps = validate.steps(steps)
    names = validate.names(partners)
    tag_list = validate.tags(tags)
    share = validate.share(important_share)
    if day > today:
        raise UsageError(f"{day} is in the future: reflect on today or an earlier day")
    if context is not None:
        prompt_id = None
        steps = steps or list(context.steps)
    elif prompt_id:
        prompt = get_prompt(conn, prompt_id)
        if prompt.retired:  # kept for old reflections; its first-edition steps are not to be trusted
            raise UsageError(f"prompt {prompt_id!r} is retired from the catalog: answer one on offer"
                             " (see 'pj prompts')")
        steps = steps or list(prompt.steps)
    with transaction(conn):
        if keep is not None:
            from .coach import keep as keep_day

            keep_day(conn, today, keep, now)
        partner_ids, created = sj.ensure_partners(conn, names, now, partner_details)
        rid = sj.insert_reflection(
            conn,
            date=day.isoformat(),
            text=text,
            created_at=now,
            steps=steps,
            partner_ids=partner_ids,
            tags=tag_list,
            prompt_id=prompt_id,
            important_share=share,
            prompt_rule=context.rule if context is not None else None,
            prompt_record=context.record if context is not None else None,
            prompt_text=context.text if context is not None else None,
        )
    quarter = jq.current(conn, today)
    return Saved(
        id=rid,
        created_partners=created,
        quarter=str(quarter),
        quarter_count=sj.count_reflections(conn, quarter.start.isoformat(), quarter.end.isoformat()),
        streak=streak(conn, today),
    )


def streak(conn: sqlite3.Connection, today: dt.date) -> int:
    """Days in a row with a reflection, ending today (or yesterday, if today is still
    open)."""
    expected = today
    count = 0
    for d in sj.journal_dates_desc(conn, today.isoformat()):
        day = dt.date.fromisoformat(d)
        if count == 0 and day == today - dt.timedelta(days=1):
            expected = day
        if day != expected:
            break
        count += 1
        expected -= dt.timedelta(days=1)
    return count


def get(conn: sqlite3.Connection, rid: int) -> Reflection:
    validate.positive_id(rid)
    found = sj.get_reflection(conn, rid)
    if found is None:
        raise NotFound(f"no reflection #{rid} in this journal: see 'pj log' for ids")
    return found


def edit(
    conn: sqlite3.Connection,
    rid: int,
    *,
    now: str,
    text: str | None = None,
    steps: list[int] | None = None,
    partners: list[str] | None = None,
    tags: list[str] | None = None,
) -> tuple[Reflection, list[str]]:
    """Change a reflection; only what is given changes. Returns it and new partners."""
    current = get(conn, rid)
    fields: dict[str, object] = {}
    if text is not None:
        fields["text"] = validate.text(text)
    new_steps = validate.steps(steps) if steps else current.steps
    new_tags = validate.tags(tags) if tags else current.tags
    names = validate.names(partners) if partners else current.partners
    created: list[str] = []
    with transaction(conn):
        sj.update_reflection(conn, rid, updated_at=now, **fields)
        partner_ids, created = sj.ensure_partners(conn, names, now)
        sj.set_reflection_links(conn, rid, new_steps, partner_ids, new_tags)
    return get(conn, rid), created


def delete(conn: sqlite3.Connection, rid: int) -> None:
    get(conn, rid)
    with transaction(conn):
        sj.delete_reflection(conn, rid)


def on_this_day(conn: sqlite3.Connection, today: dt.date, years: int = 15) -> Reflection | None:
    """The oldest reflection written on this day in an earlier quarter or year."""
    days = []
    for k in range(1, years * 4 + 1):
        months = today.year * 12 + today.month - 1 - 3 * k
        try:
            days.append(dt.date(months // 12, months % 12 + 1, today.day).isoformat())
        except ValueError:
            continue  # 31 May has no 31 February three months earlier
    return sj.oldest_on_date(conn, days)


def log(conn: sqlite3.Connection, flt: sj.ReflectionFilter):
    return sj.query_reflections(conn, flt)


def partner_id(conn: sqlite3.Connection, name: str) -> int:
    found = sj.find_partner(conn, validate.name(name))
    if found is None:
        raise NotFound(f"no partner named {name!r}: see 'pj partner list'")
    return found.id
