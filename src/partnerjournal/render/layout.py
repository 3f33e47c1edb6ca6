"""Laying out the terminal reports: styled text, panels, padding and tables drawn to a
width in box characters, with ANSI colours when asked.

The output is exactly what the rich library drew for these reports before (same
wrapping, column widths, padding and colour codes), for the few things the reports use:

- ``Text``: a string with a base style and styled spans; wrapped at spaces, words too
  long for a line are folded (or, in a table cell, cut with an ellipsis);
- ``Panel``: a box around a renderable, with an optional title on its top edge;
- ``Padding``: spaces on the left and right of a renderable;
- ``Group``: renderables one after another;
- ``Table`` and ``Table.grid``: columns sized to their content (or by ratio when the
  table fills the width), with or without a rule under the header.

Rendering works on lines of segments, ``(text, style)`` pairs. A style is a pair
``(attributes, colour)``: attribute bits (bold, italic) and the SGR parameters of a
24-bit foreground colour. Widths are in terminal cells (see ``cells``).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from math import ceil
from typing import Union

from .cells import cell_len, chop_cells, set_cell_size, single_cells

# --- styles -----------------------------------------------------------------------------

Style = tuple  # (attribute bits, colour SGR or None)
NULL: Style = (0, None)
_BOLD, _ITALIC = 1, 4
_ATTRIBUTE_CODES = ((1, "1"), (2, "2"), (4, "3"))
_styles: dict[str, Style] = {"": NULL, "none": NULL}


def parse_style(definition: str) -> Style:
    """A style from words such as ``"bold #2c6e8f"`` (bold, italic, #rrggbb)."""
    parsed = _styles.get(definition)
    if parsed is None:
        bits, color = 0, None
        for word in definition.split():
            if word == "bold":
                bits |= _BOLD
            elif word == "italic":
                bits |= _ITALIC
            elif word.startswith("#") and len(word) == 7:
                red, green, blue = (int(word[i:i + 2], 16) for i in (1, 3, 5))
                color = f"38;2;{red};{green};{blue}"
            elif word != "none":
                raise ValueError(f"unknown style word {word!r}")
        parsed = _styles[definition] = (bits, color)
    return parsed


def combine(base: Style, over: Style) -> Style:
    """``over`` applied on top of ``base``: attributes add up, its colour wins."""
    if over == NULL:
        return base
    if base == NULL:
        return over
    return (base[0] | over[0], over[1] or base[1])


_sgr: dict[Style, str] = {}


def _codes(s: Style) -> str:
    codes = _sgr.get(s)
    if codes is None:
        parts = [code for bit, code in _ATTRIBUTE_CODES if s[0] & bit]
        if s[1]:
            parts.append(s[1])
        codes = _sgr[s] = ";".join(parts)
    return codes


def to_string(lines: list[list[tuple[str, Style]]], color: bool) -> str:
    """Lines of segments as text, each styled segment in its own SGR codes when
    ``color``."""
    if not color:
        return "".join(["".join([text for text, _ in line]) + "\n" for line in lines])
    out: list[str] = []
    append = out.append
    for line in lines:
        for text, s in line:
            if text and s != NULL:
                append(f"\x1b[{_codes(s)}m{text}\x1b[0m")
            else:
                append(text)
        append("\n")
    return "".join(out)


# --- text -------------------------------------------------------------------------------

_STRIP = {7: None, 8: None, 11: None, 12: None, 13: None}  # bell, backspace, VT, FF, CR
_TRAILING_SPACE = re.compile(r"\s+$")
Span = tuple  # (start, end, style)


_sizes: dict[str, tuple[int, int]] = {}


def _text_sizes(text: str) -> tuple[int, int]:
    """(widest word, widest line) of ``text`` in cells."""
    sizes = _sizes.get(text)
    if sizes is None:
        lines = text.splitlines()
        widest = max(map(cell_len, lines)) if lines else 0
        words = text.split()
        sizes = (max(map(cell_len, words)) if words else widest), widest
        if len(_sizes) < 4096:
            _sizes[text] = sizes
    return sizes


def _clean(text: str) -> str:
    """``text`` without the control characters a terminal would act on."""
    return text if text.isprintable() else text.translate(_STRIP)


class Text:
    """A string with a base style (``None`` when unstyled) and styled spans over it.

    User text goes in as it is: nothing in it is read as markup.
    """

    __slots__ = ("plain", "style", "spans", "no_wrap")

    def __init__(self, text: str = "", style: str = "", *, no_wrap: bool | None = None) -> None:
        self.plain = _clean(text)
        self.style: Style | None = parse_style(style) if style else None
        self.spans: list[Span] = []
        self.no_wrap = no_wrap  # None: as the place it is drawn in says

    def _line(self, plain: str, spans: list[Span]) -> Text:
        line = Text.__new__(Text)
        line.plain, line.style, line.spans, line.no_wrap = plain, self.style, spans, None
        return line

    def copy(self) -> Text:
        copy = self._line(self.plain, self.spans[:])
        copy.no_wrap = self.no_wrap
        return copy

    def __len__(self) -> int:
        return len(self.plain)

    @property
    def cell_len(self) -> int:
        return cell_len(self.plain)

    def append(self, text: Union[str, Text], style: str | None = None) -> Text:
        """Add ``text`` at the end, in ``style`` (a string) when given."""
        if not text:
            return self
        if isinstance(text, Text):
            return self.append_text(text)
        text = _clean(text)
        offset = len(self.plain)
        self.plain += text
        if style:
            self.spans.append((offset, offset + len(text), parse_style(style)))
        return self

    def append_text(self, text: Text) -> Text:
        """Add another Text at the end, keeping its styles."""
        offset = len(self.plain)
        if text.style is not None:
            self.spans.append((offset, offset + len(text.plain), text.style))
        self.spans.extend((start + offset, end + offset, s) for start, end, s in text.spans)
        self.plain += text.plain
        return self

    def stylize(self, style: Union[str, Style]) -> None:
        """Style the whole text (on top of what it has)."""
        if not style or style == NULL:
            return
        parsed = parse_style(style) if isinstance(style, str) else style
        if self.plain:
            self.spans.append((0, len(self.plain), parsed))

    def _set_plain(self, plain: str) -> None:
        """Replace the string; spans past its new end are cut back."""
        if plain != self.plain:
            plain = _clean(plain)
            shorter = len(plain) < len(self.plain)
            self.plain = plain
            if shorter:
                self._trim_spans(len(plain))

    def _trim_spans(self, length: int) -> None:
        self.spans = [span if span[1] < length else (span[0], min(length, span[1]), span[2])
                      for span in self.spans if span[0] < length]

    def rstrip(self) -> None:
        """Remove trailing whitespace."""
        self._set_plain(self.plain.rstrip())

    def _right_crop(self, amount: int) -> None:
        length = len(self.plain) - amount
        self._trim_spans(length)
        self.plain = self.plain[:-amount]

    def _pad_left(self, count: int) -> None:
        if count:
            self._set_plain(" " * count + self.plain)
            self.spans = [(start + count, end + count, s) for start, end, s in self.spans]

    def _pad(self, count: int) -> None:
        if count:
            pad = " " * count
            self._set_plain(pad + self.plain + pad)
            self.spans = [(start + count, end + count, s) for start, end, s in self.spans]

    def truncate(self, width: int, overflow: str = "fold", pad: bool = False) -> None:
        """Cut to ``width`` cells (ending in an ellipsis for ``"ellipsis"``, cut short for
        ``"fold"``); pad with spaces to the width when ``pad``."""
        length = cell_len(self.plain)
        if length > width:
            if overflow == "ellipsis":
                self._set_plain(set_cell_size(self.plain, width - 1) + "…")
            else:
                self._set_plain(set_cell_size(self.plain, width))
        if pad and length < width:
            self.plain += " " * (width - length)

    # -- lines

    def divide(self, offsets: list[int]) -> list[Text]:
        """The text cut at ``offsets``, each piece keeping its part of the spans."""
        if not offsets:
            return [self.copy()]
        plain = self.plain
        bounds = [0, *offsets, len(plain)]
        return self._pieces(list(zip(bounds, bounds[1:])))

    def _pieces(self, ranges: list[tuple[int, int]]) -> list[Text]:
        """The text between each (start, end) of ``ranges`` (in order, not overlapping),
        with the part of each span that falls inside it."""
        plain = self.plain
        line_spans: list[list[Span]] = [[] for _ in ranges]
        if self.spans:
            ends = [end for _, end in ranges]
            count = len(ranges)
            for start, end, s in self.spans:
                i = bisect_right(ends, start)  # the first piece that ends after the start
                while i < count:
                    line_start, line_end = ranges[i]
                    if line_start >= end:
                        break
                    new_start = start - line_start if start > line_start else 0
                    new_end = (end if end < line_end else line_end) - line_start
                    if new_end > new_start:
                        line_spans[i].append((new_start, new_end, s))
                    i += 1
        return [self._line(plain[start:end], spans)
                for (start, end), spans in zip(ranges, line_spans)]

    def split_lines(self) -> list[Text]:
        """One Text per line of the string (a trailing newline gives an empty last
        line)."""
        plain = self.plain
        if "\n" not in plain:
            return [self.copy()]
        ranges, start = [], 0
        for part in plain.split("\n"):
            ranges.append((start, start + len(part)))
            start += len(part) + 1
        return self._pieces(ranges)

    def expand_tabs(self, tab_size: int = 8) -> None:
        """Replace tabs with spaces up to the next tab stop; a span that ends at a tab
        takes in the spaces added there."""
        if "\t" not in self.plain:
            return
        pieces: list[Text] = []
        for line in self._split_keep(self, "\n"):
            if "\t" not in line.plain:
                pieces.append(line)
                continue
            position = 0
            for part in self._split_keep(line, "\t"):
                if part.plain.endswith("\t"):
                    part.plain = part.plain[:-1] + " "
                    position += part.cell_len
                    remainder = position % tab_size
                    if remainder:
                        spaces = tab_size - remainder
                        part._extend_style(spaces)
                        position += spaces
                else:
                    position += part.cell_len
                pieces.append(part)
        joined = _join(pieces)
        self.plain, self.spans = joined.plain, joined.spans

    @staticmethod
    def _split_keep(text: Text, separator: str) -> list[Text]:
        """``text`` cut after each ``separator`` (kept at the end of its piece)."""
        plain = text.plain
        if separator not in plain:
            return [text.copy()]
        offsets = [m.end() for m in re.finditer(re.escape(separator), plain)]
        pieces = text.divide(offsets)
        if plain.endswith(separator):
            pieces.pop()  # the empty piece after the last separator
        return pieces

    def _extend_style(self, spaces: int) -> None:
        if spaces <= 0:
            return
        if self.spans:
            end = len(self.plain)
            self.spans = [(start, stop + spaces, s) if stop >= end else (start, stop, s)
                          for start, stop, s in self.spans]
            self.plain += " " * spaces
        else:
            self._set_plain(self.plain + " " * spaces)

    def segments(self) -> list[tuple[str, Style]]:
        """This one line as segments: a new segment wherever a span starts or ends."""
        plain = self.plain
        spans = self.spans
        if not spans:
            return [(plain, self.style or NULL)] if plain else []
        if self.style is not None:
            spans = [(0, len(plain), self.style), *spans]
        points = sorted({0, len(plain), *(s[0] for s in spans), *(s[1] for s in spans)})
        out = []
        offset = 0
        for next_offset in points[1:]:
            # the spans over this stretch, in order: attributes add up, the last colour wins
            bits, color = 0, None
            for start, end, (span_bits, span_color) in spans:
                if start <= offset < end:
                    bits |= span_bits
                    if span_color:
                        color = span_color
            out.append((plain[offset:next_offset], (bits, color)))
            offset = next_offset
        return out

    # -- layout

    def measure(self, width: int) -> tuple[int, int]:
        return _text_sizes(self.plain)

    def render(self, options: Options) -> list[Drawn]:
        width, justify, overflow, no_wrap = options
        plain = self.plain
        if (len(plain) <= width and "\n" not in plain and "\t" not in plain
                and single_cells(plain)):
            # one line that fits: what wrapping would give, without the steps
            size = len(plain)
            if justify in (None, "default") or (justify == "left" and size == width):
                return [(self.segments(), size)]
            if justify == "left":
                return [(self._line(plain + " " * (width - size), self.spans).segments(), width)]
            if justify == "right" and not plain[-1:].isspace():
                pad = width - size
                spans = [(start + pad, end + pad, s) for start, end, s in self.spans]
                return [(self._line(" " * pad + plain, spans).segments(), width)]
        no_wrap = self.no_wrap if self.no_wrap is not None else bool(no_wrap)
        lines = self.wrap(width, justify or "default", overflow or "fold", no_wrap)
        drawn = []
        for line in lines:
            segments = line.segments()
            plain = line.plain
            drawn.append((segments, len(plain) if single_cells(plain) else line_length(segments)))
        return drawn

    def wrap(self, width: int, justify: str, overflow: str, no_wrap: bool) -> list[Text]:
        """The text broken into lines of at most ``width`` cells: between words, and
        inside a word too long for a line when ``overflow`` is ``"fold"`` (with
        ``"ellipsis"`` such a word is cut short)."""
        result: list[Text] = []
        for line in self.split_lines():
            if "\t" in line.plain:
                line.expand_tabs(8)
            plain = line.plain
            fits = len(plain) <= width and cell_len(plain) <= width
            if fits and justify in ("default", "left"):
                if justify == "left":  # padded to the width
                    line.plain += " " * (width - cell_len(plain))
                result.append(line)
                continue
            if no_wrap or fits:
                new_lines = [line]  # nothing to break (and no space to strip)
            else:
                new_lines = line.divide(divide_line(line.plain, width, overflow == "fold"))
                for new_line in new_lines:
                    new_line._rstrip_end(width)
            _justify(new_lines, width, justify, overflow)
            for new_line in new_lines:
                new_line.truncate(width, overflow)
            result.extend(new_lines)
        return result

    def _rstrip_end(self, size: int) -> None:
        length = len(self.plain)
        if length > size:
            match = _TRAILING_SPACE.search(self.plain)
            if match is not None:
                self._right_crop(min(len(match.group(0)), length - size))


def _join(pieces: list[Text]) -> Text:
    joined = Text()
    for piece in pieces:
        joined.append_text(piece)
    return joined


def _justify(lines: list[Text], width: int, justify: str, overflow: str) -> None:
    if justify == "left":
        for line in lines:
            line.truncate(width, overflow, pad=True)
    elif justify == "right":
        for line in lines:
            line.rstrip()
            line.truncate(width, overflow)
            line._pad_left(width - cell_len(line.plain))
    elif justify != "default":
        raise ValueError(f"justify {justify!r} is not supported")


_WORD = re.compile(r"\s*\S+\s*")


def divide_line(text: str, width: int, fold: bool = True) -> list[int]:
    """Where to break ``text`` so that each line fits ``width`` cells: between words,
    and inside a word longer than a line when ``fold``."""
    breaks: list[int] = []
    offset = 0  # cells used on the current line
    size = len if single_cells(text) else cell_len
    position = 0
    # the words (each with the spaces after it; the first also with those before it)
    # follow one another without a gap
    for word in _WORD.findall(text):
        start = position
        position += len(word)
        word_length = size(word.rstrip())
        if width - offset >= word_length:
            offset += size(word)
        elif word_length > width:
            if fold:
                pieces = chop_cells(word, width)
                for i, piece in enumerate(pieces):
                    if start:
                        breaks.append(start)
                    if i == len(pieces) - 1:
                        offset = size(piece)
                    else:
                        start += len(piece)
            else:
                if start:
                    breaks.append(start)
                offset = size(word)
        elif offset and start:
            breaks.append(start)
            offset = size(word)
    return breaks


# --- rendering --------------------------------------------------------------------------

# (width, justify, overflow, no_wrap): what a renderable is drawn into
Options = tuple
Line = list  # of (text, style) segments
Drawn = tuple  # (line, its width in cells)
Renderable = Union[str, Text, "Panel", "Padding", "Group", "Table"]


def render(renderable: Renderable, options: Options) -> list[Drawn]:
    """The renderable's lines and their widths, as it draws them (not yet padded to
    the width)."""
    if options[0] < 1:
        return []
    if renderable.__class__ is str:
        renderable = Text(renderable)
    return renderable.render(options)


def render_lines(renderable: Renderable, options: Options, style_: Style = NULL) -> list[Drawn]:
    """The renderable's lines in ``style_``, each cut or padded to the width."""
    return _fit(render(renderable, options), options[0], style_)


def _fit(drawn: list[Drawn], width: int, style_: Style = NULL) -> list[Drawn]:
    """Drawn lines in ``style_``, each cut or padded to ``width``."""
    if style_ == NULL:
        for _, size in drawn:
            if size != width:
                break
        else:
            return drawn  # nothing to do
    else:
        drawn = [([(text, combine(style_, s)) for text, s in line], size) for line, size in drawn]
    out = []
    for line, size in drawn:
        if size < width:
            out.append((line + [(" " * (width - size), style_)], width))
        elif size == width:
            out.append((line, size))
        else:
            cropped = _crop(line, width)
            out.append((cropped, line_length(cropped)))
    return out


def measure(renderable: Renderable, width: int) -> tuple[int, int]:
    """The fewest and the most cells the renderable wants, at most ``width`` (the
    fewest never above the most, nothing when it wants no cells at all)."""
    if width < 1:
        return 0, 0
    if renderable.__class__ is str:
        low, high = _text_sizes(_clean(renderable))
    else:
        low, high = renderable.measure(width)
    if high < 1:
        return 0, 0
    if low < 0:
        low = 0
    if low > high:
        low = high
    return (low if low < width else width), (high if high < width else width)


def line_length(line: Line) -> int:
    return sum(cell_len(text) for text, _ in line)


def _crop(line: Line, length: int) -> Line:
    """The line cut to ``length`` cells (a wide character cut in two leaves a space)."""
    cropped = []
    current = 0
    for text, s in line:
        size = cell_len(text)
        if current + size < length:
            cropped.append((text, s))
            current += size
        else:
            cropped.append((set_cell_size(text, length - current), s))
            break
    return cropped


def print_lines(renderables: list[Renderable], width: int) -> list[Line]:
    """Renderables one under the other at ``width`` cells, as the terminal shows them
    (lines wider than that cut)."""
    lines: list[Line] = []
    options = (width, None, None, None)
    for renderable in renderables:
        lines.extend(_crop(line, width) if size > width else line
                     for line, size in render(renderable, options))
    return lines


class Group:
    """Renderables one after another."""

    def __init__(self, *renderables: Renderable) -> None:
        self.renderables = renderables

    def measure(self, width: int) -> tuple[int, int]:
        if not self.renderables:
            return 0, 0
        sizes = [measure(r, width) for r in self.renderables]
        return max(low for low, _ in sizes), max(high for _, high in sizes)

    def render(self, options: Options) -> list[Drawn]:
        lines: list[Drawn] = []
        for renderable in self.renderables:
            lines.extend(render(renderable, options))
        return lines


def _unpack(pad) -> tuple[int, int, int, int]:
    if isinstance(pad, int):
        return pad, pad, pad, pad
    if len(pad) == 2:
        return pad[0], pad[1], pad[0], pad[1]
    return tuple(pad)


class Padding:
    """Spaces to the left and right of a renderable (no blank lines above or below)."""

    def __init__(self, renderable: Renderable, pad=(0, 0, 0, 0)) -> None:
        top, self.right, bottom, self.left = _unpack(pad)
        if top or bottom:
            raise ValueError("only left and right padding is supported")
        self.renderable = renderable

    def measure(self, width: int) -> tuple[int, int]:
        extra = self.left + self.right
        if width - extra < 1:
            return width, width
        low, high = measure(self.renderable, width)
        return min(low + extra, width), min(high + extra, width)

    def render(self, options: Options) -> list[Drawn]:
        inner = max(0, options[0] - self.left - self.right)
        lines = render_lines(self.renderable, (inner, *options[1:]))
        left = [(" " * self.left, NULL)] if self.left else []
        right = [(" " * self.right, NULL)] if self.right else []
        extra = self.left + self.right
        return [(left + line + right, size + extra) for line, size in lines]


# --- boxes ------------------------------------------------------------------------------

class Box:
    """The characters of a box: its corners and edges, and the rule under a header."""

    def __init__(self, drawing: str) -> None:
        rows = drawing.splitlines()
        self.top_left, self.top, self.top_divider, self.top_right = rows[0]
        self.head_row_left, self.head_row, self.head_row_cross, self.head_row_right = rows[2]
        self.mid_left, _, self.mid_vertical, self.mid_right = rows[3]
        self.bottom_left, self.bottom, self.bottom_divider, self.bottom_right = rows[7]
        self.head_vertical = rows[1][2]
        self.foot_vertical = rows[6][2]

    def get_top(self, widths: list[int]) -> str:
        return self.top_left + self.top_divider.join(self.top * w for w in widths) + self.top_right

    def get_bottom(self, widths: list[int]) -> str:
        return (self.bottom_left + self.bottom_divider.join(self.bottom * w for w in widths)
                + self.bottom_right)

    def head_rule(self, widths: list[int], edge: bool) -> str:
        rule = self.head_row_cross.join(self.head_row * w for w in widths)
        return self.head_row_left + rule + self.head_row_right if edge else rule


ROUNDED = Box("╭─┬╮\n│ ││\n├─┼┤\n│ ││\n├─┼┤\n├─┼┤\n│ ││\n╰─┴╯\n")
HEAVY = Box("┏━┳┓\n┃ ┃┃\n┣━╋┫\n┃ ┃┃\n┣━╋┫\n┣━╋┫\n┃ ┃┃\n┗━┻┛\n")
SQUARE = Box("┌─┬┐\n│ ││\n├─┼┤\n│ ││\n├─┼┤\n├─┼┤\n│ ││\n└─┴┘\n")
SIMPLE_HEAD = Box("    \n    \n ── \n    \n    \n    \n    \n    \n")


class Panel:
    """A box around a renderable, one space inside it on each side, with an optional
    title set into the top edge on the left."""

    def __init__(self, renderable: Renderable, *, title: Text | None = None,
                 box: Box = ROUNDED) -> None:
        self.renderable = renderable
        self.title = title
        self.box = box

    def _title(self) -> Text | None:
        if not self.title:
            return None
        title = self.title.copy()
        title._set_plain(title.plain.replace("\n", " "))
        title.no_wrap = True
        title.expand_tabs()
        title._pad(1)
        return title

    def measure(self, width: int) -> tuple[int, int]:
        title = self._title()
        parts = [self.renderable, title] if title else [self.renderable]
        size = max(measure(part, max(0, width - 4))[1] for part in parts) + 4
        return size, size

    def render(self, options: Options) -> list[Drawn]:
        width = options[0]
        box = self.box
        title = self._title()
        child = (max(0, width - 2), *options[1:])
        lines = render_lines(Padding(self.renderable, (0, 1)), child)
        if title is None or width <= 4:
            top = [(box.get_top([width - 2]), NULL)]
        else:
            title = _title_on_edge(title, width - 4, box.top)
            drawn = render(title, (max(0, width - 4), *options[1:]))
            top = [(box.top_left + box.top, NULL), *(drawn[0][0] if drawn else []),
                   (box.top + box.top_right, NULL)]
        out = [(top, line_length(top))]
        left, right = (box.mid_left, NULL), (box.mid_right, NULL)
        out.extend(([left, *line, right], size + 2) for line, size in lines)
        bottom = box.get_bottom([width - 2])
        out.append(([(bottom, NULL)], cell_len(bottom)))
        return out


def _title_on_edge(title: Text, width: int, character: str) -> Text:
    """The title cut to ``width`` and followed by edge characters up to it."""
    title = title.copy()
    title.truncate(width)
    excess = width - cell_len(title.plain)
    if title.style is not None:
        title.stylize(title.style)
    if not excess:
        return title
    edge = Text(no_wrap=True)
    edge.append_text(title)
    edge.append(character * excess)
    return edge


# --- tables -----------------------------------------------------------------------------

class Column:
    __slots__ = ("header", "style", "justify", "overflow", "min_width", "max_width",
                 "ratio", "no_wrap", "index", "cells")

    def __init__(self, header: Renderable, index: int, *, style: str = "",
                 justify: str = "left", min_width: int | None = None,
                 max_width: int | None = None, ratio: int | None = None,
                 no_wrap: bool = False) -> None:
        self.header = header
        self.style = parse_style(style) if style else NULL
        self.justify = justify
        self.overflow = "ellipsis"
        self.min_width, self.max_width = min_width, max_width
        self.ratio = ratio
        self.no_wrap = no_wrap
        self.index = index
        self.cells: list[Renderable] = []


_HEADER_STYLE = parse_style("bold")


class Table:
    """Rows of cells in columns. A grid has no header and no lines; a table here has a
    header row with a rule under it and no outer edge."""

    def __init__(self, *, box: Box | None = SIMPLE_HEAD, padding=(0, 1),
                 collapse_padding: bool = False, pad_edge: bool = True,
                 expand: bool = False, show_header: bool = True,
                 show_edge: bool = True) -> None:
        self.columns: list[Column] = []
        self.box = box
        self.padding = _unpack(padding)
        if self.padding[0] or self.padding[2]:
            raise ValueError("only left and right cell padding is supported")
        self.collapse_padding = collapse_padding
        self.pad_edge = pad_edge
        self.expand = expand
        self.show_header = show_header
        self.show_edge = show_edge

    @classmethod
    def grid(cls, *, padding=0, expand: bool = False) -> Table:
        return cls(box=None, padding=padding, collapse_padding=True, pad_edge=False,
                   expand=expand, show_header=False, show_edge=False)

    def add_column(self, header: Renderable = "", *, style: str = "", justify: str = "left",
                   min_width: int | None = None, max_width: int | None = None,
                   ratio: int | None = None, no_wrap: bool = False) -> None:
        self.columns.append(Column(header, len(self.columns), style=style, justify=justify,
                                   min_width=min_width, max_width=max_width, ratio=ratio,
                                   no_wrap=no_wrap))

    def add_row(self, *cells: Renderable | None) -> None:
        if len(cells) > len(self.columns):
            raise ValueError("more cells than columns")
        for column, cell in zip(self.columns, [*cells, *[None] * (len(self.columns) - len(cells))]):
            column.cells.append("" if cell is None else cell)

    # -- widths

    @property
    def _extra_width(self) -> int:
        width = 0
        if self.box and self.show_edge:
            width += 2
        if self.box:
            width += len(self.columns) - 1
        return width

    def _cell_padding(self, index: int) -> tuple[int, int]:
        """Spaces (left, right) around the cells of column ``index``."""
        _, right, _, left = self.padding
        first, last = index == 0, index == len(self.columns) - 1
        if self.collapse_padding and not first:
            left = max(0, left - right)
        if not self.pad_edge:
            if first:
                left = 0
            if last:
                right = 0
        return left, right

    def _padding_width(self, index: int) -> int:
        _, right, _, left = self.padding
        if self.collapse_padding:
            left = 0
        if not self.pad_edge:
            if index == 0:
                left = 0
            if index == len(self.columns) - 1:
                right = 0
        return left + right

    def _cells(self, column: Column) -> list[tuple[Style, Renderable]]:
        """(style, renderable) for the column's header (when shown) and cells."""
        if self.show_header:
            return [(_HEADER_STYLE, column.header), *((column.style, c) for c in column.cells)]
        return [(column.style, c) for c in column.cells]

    def _pads(self, column: Column) -> tuple[int, int] | None:
        """Spaces (left, right) around the column's cells; None when the table has no
        padding at all."""
        return self._cell_padding(column.index) if any(self.padding) else None

    def _measure_column(self, width: int, column: Column) -> tuple[int, int]:
        if width < 1:
            return 0, 0
        padding = self._padding_width(column.index)
        low, high = 1, width
        pads = self._pads(column)
        if pads is None:
            sizes = [measure(cell, width) for _, cell in self._cells(column)]
        else:
            sizes = [_measure_padded(cell, *pads, width) for _, cell in self._cells(column)]
        if sizes:
            low, high = max([s[0] for s in sizes]), max([s[1] for s in sizes])
        low, high = min(low, width), min(high, width)
        if column.min_width is not None:
            floor = max(0, column.min_width + padding)
            low, high = max(low, floor), max(high, floor)
        if column.max_width is not None:
            ceiling = column.max_width + padding
            low, high = min(low, ceiling), min(high, ceiling)
        return low, high

    def _column_widths(self, width: int) -> list[int]:
        """Each column's width (padding included, borders not) in ``width`` cells."""
        width = max(0, width)
        columns = self.columns
        ratios = [column.ratio or 0 for column in columns if column.ratio is not None]
        by_ratio = self.expand and any(ratios)
        # a column shared out by ratio gets its width from that alone
        ranges = [(0, 0) if by_ratio and column.ratio is not None else
                  self._measure_column(width, column) for column in columns]
        widths = [high or 1 for _, high in ranges]
        if by_ratio:
            fixed = [0 if column.ratio is not None else high
                     for (_, high), column in zip(ranges, columns)]
            flex_minimum = [1 + self._padding_width(column.index)
                            for column in columns if column.ratio is not None]
            flex_widths = iter(ratio_distribute(width - sum(fixed), ratios, flex_minimum))
            for index, column in enumerate(columns):
                if column.ratio is not None:
                    widths[index] = fixed[index] + next(flex_widths)
        table_width = sum(widths)
        if table_width > width:
            widths = _collapse_widths(
                widths, [not column.no_wrap for column in columns], width)
            table_width = sum(widths)
            if table_width > width:
                excess = table_width - width
                widths = ratio_reduce(excess, [1] * len(widths), widths, widths)
                table_width = sum(widths)
            widths = [self._measure_column(max(0, w), column)[1] or 0
                      for w, column in zip(widths, columns)]
        if table_width < width and self.expand:
            pads = ratio_distribute(width - table_width, widths)
            widths = [w + pad for w, pad in zip(widths, pads)]
        return widths

    def measure(self, width: int) -> tuple[int, int]:
        if width < 0:
            return 0, 0
        extra = self._extra_width
        inner = sum(self._column_widths(max(0, width - extra)))
        sizes = [self._measure_column(inner, column) for column in self.columns]
        return sum(s[0] for s in sizes) + extra, sum(s[1] for s in sizes) + extra

    # -- drawing

    def render(self, options: Options) -> list[Drawn]:
        if not self.columns:
            return [([], 0)]
        widths = self._column_widths(options[0] - self._extra_width)
        box = self.box
        edge = bool(box) and self.show_edge
        if edge:
            raise ValueError("tables with an outer edge are not supported")
        columns = [self._cells(column) for column in self.columns]
        pads = [self._pads(column) or (0, 0) for column in self.columns]
        rows = len(columns[0])
        # each column: its width, the spaces around its cells and how to draw inside them
        layouts = [(width, left, right,
                    (max(0, width - left - right), column.justify, column.overflow,
                     column.no_wrap))
                   for width, column, (left, right) in zip(widths, self.columns, pads)]
        out: list[Drawn] = []
        for index, row in enumerate(zip(*columns)):
            header = index == 0 and self.show_header
            cells = [_draw_cell(cell, cell_style, *cell_layout)
                     for (cell_style, cell), cell_layout in zip(row, layouts)]
            height = max(map(len, cells))
            if height == 1 and all(len(lines) == 1 and lines[0][1] == width
                                   for lines, width in zip(cells, widths)):
                shaped = cells  # one line each, as wide as its column
            else:
                shaped = []
                for lines, width, (cell_style, _) in zip(cells, widths, row):
                    missing = height - len(lines)
                    if missing:  # blank lines below the cell (above it in the header)
                        extra = [([(" " * width, cell_style)], width)] * missing
                        lines = extra + lines if header else lines + extra
                    shaped.append(_set_shape(lines, width, max(height, 1)))
            divider = []
            if box:  # the first row's, the last row's or a middle row's vertical line
                last = index == rows - 1
                vertical = (box.head_vertical if index == 0 else
                            box.foot_vertical if last else box.mid_vertical)
                divider = [(vertical, NULL)]
            divider_width = cell_len(divider[0][0]) if divider else 0
            for line_no in range(max(height, 1)):
                line: Line = []
                line_width = 0
                for i, lines in enumerate(shaped):
                    if i and divider:
                        line.extend(divider)
                        line_width += divider_width
                    segments, size = lines[line_no]
                    line.extend(segments)
                    line_width += size
                out.append((line, line_width))
            if header and box:
                rule = box.head_rule(widths, edge)
                out.append(([(rule, NULL)], cell_len(rule)))
        return out


def _measure_padded(cell: Renderable, left: int, right: int, width: int) -> tuple[int, int]:
    """What ``measure`` gives for the cell in a ``Padding`` of ``left`` and ``right``
    spaces (``width`` is at least 1)."""
    extra = left + right
    if width - extra < 1:
        return width, width
    low, high = measure(cell, width)
    low, high = min(low + extra, width), min(high + extra, width)
    return (0, 0) if high < 1 else (low, high)


def _draw_cell(cell: Renderable, cell_style: Style, width: int, left: int, right: int,
               inner: Options) -> list[Drawn]:
    """A cell ``width`` wide in ``cell_style``: ``left`` and ``right`` spaces around it
    (as ``Padding`` draws them) and the rest, ``inner``, for its content. A short
    string in one style is drawn straight away."""
    inner_width, justify = inner[0], inner[1]
    if width < 1 or width - left - right < 1:
        return []
    if cell.__class__ is str:
        plain, text_style = cell, NULL
    elif cell.__class__ is Text and not cell.spans:
        plain, text_style = cell.plain, cell.style or NULL
    else:
        plain = None
    if (plain is not None and len(plain) <= inner_width and single_cells(plain)
            and (justify == "left" or justify == "right" and not plain[-1:].isspace())):
        space = " " * (inner_width - len(plain))
        line = [(plain + space if justify == "left" else space + plain,
                 combine(cell_style, text_style))]
        if left:
            line.insert(0, (" " * left, cell_style))
        if right:
            line.append((" " * right, cell_style))
        return [(line, width)]
    drawn = _fit(render(cell, inner), inner_width)
    if left or right:
        before = [(" " * left, NULL)] if left else []
        after = [(" " * right, NULL)] if right else []
        drawn = [(before + line + after, size + left + right) for line, size in drawn]
    return _fit(drawn, width, cell_style)


def _set_shape(lines: list[Drawn], width: int, height: int) -> list[Drawn]:
    """The cell's lines cut or padded to ``width``, with blank ones below up to
    ``height``."""
    if len(lines) >= height:
        for _, size in lines:
            if size != width:
                break
        else:
            return lines  # nothing to do
    shaped = []
    for line, size in lines:
        if size < width:
            shaped.append((line + [(" " * (width - size), NULL)], width))
        elif size > width:
            cropped = _crop(line, width)
            shaped.append((cropped, line_length(cropped)))
        else:
            shaped.append((line, size))
    if len(shaped) < height:
        shaped.extend([([(" " * width, NULL)], width)] * (height - len(shaped)))
    return shaped


def _collapse_widths(widths: list[int], wrapable: list[bool], max_width: int) -> list[int]:
    """Narrow the widest wrapping columns, step by step, until the total fits."""
    total = sum(widths)
    excess = total - max_width
    if any(wrapable):
        while total and excess > 0:
            widest = max(w for w, wraps in zip(widths, wrapable) if wraps)
            second = max(w if wraps and w != widest else 0 for w, wraps in zip(widths, wrapable))
            difference = widest - second
            ratios = [1 if (w == widest and wraps) else 0 for w, wraps in zip(widths, wrapable)]
            if not any(ratios) or not difference:
                break
            widths = ratio_reduce(excess, ratios, [min(excess, difference)] * len(widths), widths)
            total = sum(widths)
            excess = total - max_width
    return widths


def ratio_reduce(total: int, ratios: list[int], maximums: list[int],
                 values: list[int]) -> list[int]:
    """``values`` less ``total`` shared out by ``ratios``, each cut at most by its
    maximum."""
    ratios = [ratio if maximum else 0 for ratio, maximum in zip(ratios, maximums)]
    total_ratio = sum(ratios)
    if not total_ratio:
        return values[:]
    remaining = total
    result = []
    for ratio, maximum, value in zip(ratios, maximums, values):
        if ratio and total_ratio > 0:
            distributed = min(maximum, round(ratio * remaining / total_ratio))
            result.append(value - distributed)
            remaining -= distributed
            total_ratio -= ratio
        else:
            result.append(value)
    return result


def ratio_distribute(total: int, ratios: list[int],
                     minimums: list[int] | None = None) -> list[int]:
    """``total`` shared out by ``ratios`` (rounding up), each at least its minimum."""
    if minimums:
        ratios = [ratio if minimum else 0 for ratio, minimum in zip(ratios, minimums)]
    total_ratio = sum(ratios)
    if total_ratio <= 0:
        raise ValueError("ratios must add up to more than 0")
    remaining = total
    result = []
    for ratio, minimum in zip(ratios, minimums or [0] * len(ratios)):
        distributed = max(minimum, ceil(ratio * remaining / total_ratio)) if total_ratio > 0 \
            else remaining
        result.append(distributed)
        total_ratio -= ratio
        remaining -= distributed
    return result
