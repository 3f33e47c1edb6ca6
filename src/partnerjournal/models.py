"""The journal's records as plain dataclasses (cheap to import on the daily path).

The report models, which need validation and JSON schemas, are pydantic and live in
``report.py``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

BOXES = ("leadership", "managers", "teams", "employees")
RELATIONS = ("direct", "influential", "guidance")
OBJECTIVE_KINDS = ("business", "customer", "employee")
COMMITMENT_STATUSES = ("open", "kept", "dropped")


@dataclass
class Reflection:
    id: int
    uid: str
    date: str
    text: str
    created_at: str
    updated_at: str
    prompt_id: str | None = None
    important_share: int | None = None
    steps: list[int] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
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


@dataclass
class Partner:
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
        d = asdict(self)
        d["archived"] = self.archived
        return d
