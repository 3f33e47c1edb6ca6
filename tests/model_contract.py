"""The report models' contract, checked with pydantic.

The report sections (``records.Model``) declare their fields as annotations but do not
validate at run time, so that the report commands never import a validation library.
Here each section gets a strict pydantic twin built from the same annotations, and a
built report is held to it: every value has exactly the declared type, and pydantic's
own JSON for the same data is byte for byte what ``render.json`` writes.
"""

from __future__ import annotations

import functools
import sys
import types
import typing

import pydantic

from partnerjournal.records import Model
from partnerjournal.render.json import render_model


@functools.cache
def twin(cls: type[Model]) -> type[pydantic.BaseModel]:
    hints = typing.get_type_hints(cls, vars(sys.modules[cls.__module__]))
    fields = {name: (_twin_type(hints[name]), ...) for name in cls._fields}
    config = pydantic.ConfigDict(strict=True, extra="forbid")
    return pydantic.create_model(cls.__name__, __config__=config, **fields)


def _twin_type(tp):
    if isinstance(tp, type) and issubclass(tp, Model):
        return twin(tp)
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is None:
        return tp
    mapped = tuple(_twin_type(a) for a in args)
    if origin in (types.UnionType, typing.Union):
        return typing.Union[mapped]
    return origin[mapped if len(mapped) > 1 else mapped[0]]


def plain(value):
    """A model as nested dicts and lists (dates, numbers and strings as they are)."""
    if isinstance(value, Model):
        return {name: plain(getattr(value, name)) for name in value._fields}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def check(model: Model) -> str:
    """Hold a built model to its annotations; returns its JSON."""
    text = render_model(model)
    validated = twin(type(model)).model_validate(plain(model))
    assert validated.model_dump() == plain(model)  # nothing was converted on the way
    assert validated.model_dump_json(indent=2) + "\n" == text
    assert twin(type(model)).model_validate_json(text) == validated
    return text
