"""The quarterly self-evaluation (steps 11-13): ratings, answers, adjustments."""

from __future__ import annotations

import re
import sqlite3

from ..errors import UsageError
from ..quarters import Quarter
from ..store import transaction
from ..store.evaluations import get_evaluation, save_evaluation
from . import validate

_ADJUST_STEPS = re.compile(r"^\s*(\d{1,2}(?:\s*,\s*\d{1,2})*)\s*:\s*(.+)$", re.S)


def parse_pairs(values: list[str] | None, what: str) -> dict[int, str]:
    """``STEP=VALUE`` pairs, e.g. ``--rating 3=4``."""
    out: dict[int, str] = {}
    for raw in values or []:
        step_text, sep, value = raw.partition("=")
        if not sep or not step_text.strip().isdigit():
            raise UsageError(f"{what} {raw!r} must be written STEP=VALUE, e.g. 3=4")
        step = int(step_text)
        validate.steps([step])
        out[step] = value.strip()
    return out


def parse_ratings(values: list[str] | None) -> dict[int, int]:
    ratings = {}
    for step, value in parse_pairs(values, "--rating").items():
        if not value.isdigit() or not 1 <= int(value) <= 5:
            raise UsageError(f"rating {value!r} for step {step} must be a whole number from 1 to 5")
        ratings[step] = int(value)
    return ratings


def parse_adjustment(text: str) -> tuple[str, list[int]]:
    """``"3,4: hold the sessions earlier"`` names the steps it touches; plain text names
    none."""
    m = _ADJUST_STEPS.match(text)
    steps: list[int] = []
    if m:
        steps = validate.steps([int(s) for s in m.group(1).split(",")])
        text = m.group(2)
    return " ".join(validate.text(text, "an adjustment").split()), steps


def evaluate(
    conn: sqlite3.Connection,
    quarter: Quarter,
    *,
    now: str,
    ratings: dict[int, int],
    notes: dict[int, str],
    progress: str | None = None,
    feedback: str | None = None,
    adjustments: list[str] | None = None,
) -> tuple[dict, bool]:
    """Save (or update) the quarter's evaluation; returns it and whether it is new."""
    existing = get_evaluation(conn, str(quarter))
    rated = set(ratings) | set(existing["ratings"] if existing else {})
    for step in notes:
        if step not in rated:
            raise UsageError(f"a note for step {step} needs a rating too: add --rating {step}=N")
    parsed = [parse_adjustment(a) for a in adjustments] if adjustments else None
    if progress is not None:
        progress = validate.text(progress, "the progress answer") if progress.strip() else ""
    if feedback is not None:
        feedback = validate.text(feedback, "the feedback answer") if feedback.strip() else ""
    clean_notes = {s: validate.text(n, f"the note for step {s}") for s, n in notes.items() if n}
    if not (ratings or clean_notes or progress or feedback or parsed) and existing is None:
        raise UsageError("nothing to record: give --rating STEP=SCORE, --note or --adjust")
    with transaction(conn):
        _, created = save_evaluation(
            conn,
            str(quarter),
            now=now,
            ratings=ratings,
            notes=clean_notes,
            progress=progress,
            feedback=feedback,
            adjustments=parsed,
        )
    return get_evaluation(conn, str(quarter)), created
