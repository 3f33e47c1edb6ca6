"""JSON: the report model itself, for scripts and other tools."""

from __future__ import annotations

from pydantic import BaseModel


def render_model(model: BaseModel, **_: object) -> str:
    return model.model_dump_json(indent=2) + "\n"
