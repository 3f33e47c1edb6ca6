"""The report as JSON: every field of the model, in the order the model declares them.

Written by hand rather than through a serialisation library so the report commands
import nothing heavy; the format is fixed by the golden files and checked against the
models' annotations in the tests. Numbers are written as JavaScript and most JSON
tools write them (``0.00001``, ``2.5e-7``, ``1e+16``), dates as ``YYYY-MM-DD``.
"""

from __future__ import annotations

import datetime as dt
import json
import math

from ..records import Model

_string = json.JSONEncoder(ensure_ascii=False).encode


def render_model(model: Model, **_: object) -> str:
    out: list[str] = []
    _write(model, out, "\n")
    out.append("\n")
    return "".join(out)


def _write(value: object, out: list[str], newline: str) -> None:
    if isinstance(value, Model):
        value = {name: getattr(value, name) for name in value._fields}
    if isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        inner = newline + "  "
        out.append("{")
        for i, (key, item) in enumerate(value.items()):
            out.append(("," if i else "") + inner + _string(str(key)) + ": ")
            _write(item, out, inner)
        out.append(newline + "}")
    elif isinstance(value, (list, tuple)):
        if not value:
            out.append("[]")
            return
        inner = newline + "  "
        out.append("[")
        for i, item in enumerate(value):
            out.append(("," if i else "") + inner)
            _write(item, out, inner)
        out.append(newline + "]")
    elif isinstance(value, str):
        out.append(_string(value))
    elif value is None:
        out.append("null")
    elif value is True or value is False:
        out.append("true" if value else "false")
    elif isinstance(value, int):
        out.append(str(value))
    elif isinstance(value, float):
        out.append(number(value))
    elif isinstance(value, dt.date):
        out.append('"' + value.isoformat() + '"')
    else:
        raise TypeError(f"cannot write {type(value).__name__} in a JSON report")


def number(x: float) -> str:
    """A float as the shortest text that reads back as the same number, in the layout
    of JavaScript's ``Number.toString`` with a ``.0`` on whole numbers: plain digits
    from 1e-5 up to 1e16, an exponent outside; ``null`` for what JSON cannot hold.

    >>> [number(v) for v in (3.0, 0.1, 1e-05, 2.5e-07, 1e16, 123.456)]
    ['3.0', '0.1', '0.00001', '2.5e-7', '1e+16', '123.456']
    """
    if not math.isfinite(x):
        return "null"
    text = repr(x)
    sign = ""
    if text[0] == "-":
        sign, text = "-", text[1:]
    mantissa, _, exponent = text.partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = (whole + fraction).lstrip("0")
    if not digits.rstrip("0"):
        return sign + "0.0"
    # the value is 0.DIGITS times ten to the power point
    point = len(whole) - (len(whole + fraction) - len(digits)) + int(exponent or 0)
    digits = digits.rstrip("0")
    if len(digits) <= point <= 16:
        return sign + digits + "0" * (point - len(digits)) + ".0"
    if 0 < point <= 16:
        return sign + digits[:point] + "." + digits[point:]
    if -5 < point <= 0:
        return sign + "0." + "0" * -point + digits
    power = point - 1
    shown = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    return sign + shown + "e" + ("+" if power > 0 else "-") + str(abs(power))
