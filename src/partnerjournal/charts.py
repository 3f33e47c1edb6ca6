"""Tiny unicode charts shared by the terminal and markdown renderers."""

from __future__ import annotations

SPARKS = "▁▂▃▄▅▆▇█"


def sparkline(values: list[int | float | None]) -> str:
    """``[0, 1, 3, 2]`` → ``'▁▃█▆'``; ``None`` is a gap (a space)."""
    present = [v for v in values if v is not None]
    top = max(present, default=0)
    out = []
    for v in values:
        if v is None:
            out.append(" ")
        elif top == 0:
            out.append(SPARKS[0])
        else:
            out.append(SPARKS[min(int(v / top * (len(SPARKS) - 1) + 0.5), len(SPARKS) - 1)])
    return "".join(out)


def bar(fraction: float, width: int = 20) -> str:
    """A horizontal bar of ``width`` cells for a 0-1 fraction, in eighths."""
    fraction = max(0.0, min(1.0, fraction))
    eighths = round(fraction * width * 8)
    full, rest = divmod(eighths, 8)
    partial = " ▏▎▍▌▋▊▉"[rest] if rest else ""
    return ("█" * full + partial).ljust(width)
