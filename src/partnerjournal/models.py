"""The journal's records as NamedTuples (cheap to define on the daily path, and
read-only: the store builds them, nothing changes them).

The report's sections are typed models of their own, in ``progress.py`` and
``report.py``.
"""

from __future__ import annotations

from typing import NamedTuple

BOXES = ("leadership", "managers", "teams", "employees")
TRUST_FACTORS = ("credibility", "reliability", "intimacy", "self_orientation")


def trust_score(credibility: int, reliability: int, intimacy: int, self_orientation: int) -> float:
    """Maister's trust equation, (credibility + reliability + intimacy) / self-orientation,
    unrounded: data (JSON) carries it whole; screens round it with ``render.common.number``.

    >>> trust_score(7, 8, 6, 4)
    5.25
    """
    return (credibility + reliability + intimacy) / self_orientation


def trust_change(now: dict, before: dict) -> float:
    """How far the score moved between two checks (their factors by name), computed on the
    exact quotients, so 5.25 after 3.4 is 1.85, not 1.8499999999999996.

    >>> trust_change(dict(credibility=7, reliability=8, intimacy=6, self_orientation=4),
    ...              dict(credibility=6, reliability=6, intimacy=5, self_orientation=5))
    1.85
    """
    # a/b - c/d = (ad - cb) / bd on whole numbers; Python's int / int rounds the exact
    # quotient once, as float(Fraction) does (without importing fractions and decimal)
    a = now["credibility"] + now["reliability"] + now["intimacy"]
    b = now["self_orientation"]
    c = before["credibility"] + before["reliability"] + before["intimacy"]
    d = before["self_orientation"]
    return (a * d - c * b) / (b * d)


RELATIONS = ("direct", "influential", "guidance")
OBJECTIVE_KINDS = ("business", "customer", "employee")
COMMITMENT_STATUSES = ("open", "kept", "dropped")


class Reflection(NamedTuple):
    id: int
    uid: str
    date: str
    text: str
    created_at: str
    updated_at: str
    steps: list[int]
    partners: list[str]
    tags: list[str]
    prompt_id: str | None = None
    important_share: int | None = None
    # written to a contextual prompt: the rule, the record ("kind:uid") and the text shown
    prompt_rule: str | None = None
    prompt_record: str | None = None
    prompt_text: str | None = None

    def as_json(self) -> dict:
        return {
            "id": self.id,
            "uid": self.uid,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "date": self.date,
            "text": self.text,
            "steps": self.steps,
            "partners": self.partners,
            "tags": self.tags,
            "prompt_id": self.prompt_id,
            "important_share": self.important_share,
            "prompt_rule": self.prompt_rule,
            "prompt_record": self.prompt_record,
            "prompt_text": self.prompt_text,
        }


class Partner(NamedTuple):
    id: int
    uid: str
    name: str
    created_at: str
    updated_at: str
    box: str | None = None
    relation: str | None = None
    note: str | None = None
    archived_at: str | None = None

    @property
    def archived(self) -> bool:
        return self.archived_at is not None

    def as_json(self) -> dict:
        d = self._asdict()
        d["archived"] = self.archived
        return d
