"""How many terminal cells a string takes: East Asian wide characters take two, marks
that combine with the character before them take none.

The rules follow the ones most terminals (and the rich library, which drew these
reports before) use: a character's width comes from Unicode's East Asian Width,
combining and format characters are zero wide, a zero width joiner glues the next
character onto the one before it, and the emoji variation selector (U+FE0F) widens the
few symbols that Unicode also lists in a text presentation. The character data is
Python's own ``unicodedata`` (Unicode 14 in Python 3.11), with the characters assigned
since listed here, so that every character measures as the rich library (which drew
these reports before) measures it.
"""

from __future__ import annotations

import unicodedata

# Characters Unicode lists with both a text and an emoji presentation: followed by
# U+FE0F they are drawn as a two-cell emoji.
_NARROW_TO_WIDE_RANGES = (
    (35, 35), (42, 42), (48, 57), (169, 169), (174, 174), (8252, 8252), (8265, 8265),
    (8482, 8482), (8505, 8505), (8596, 8601), (8617, 8618), (9000, 9000), (9167, 9167),
    (9197, 9199), (9201, 9202), (9208, 9210), (9410, 9410), (9642, 9643), (9654, 9654),
    (9664, 9664), (9723, 9724), (9728, 9732), (9742, 9742), (9745, 9745), (9752, 9752),
    (9757, 9757), (9760, 9760), (9762, 9763), (9766, 9766), (9770, 9770), (9774, 9775),
    (9784, 9786), (9792, 9792), (9794, 9794), (9823, 9824), (9827, 9827), (9829, 9830),
    (9832, 9832), (9851, 9851), (9854, 9854), (9874, 9874), (9876, 9879), (9881, 9881),
    (9883, 9884), (9888, 9888), (9895, 9895), (9904, 9905), (9928, 9928), (9935, 9935),
    (9937, 9937), (9939, 9939), (9961, 9961), (9968, 9969), (9972, 9972), (9975, 9977),
    (9986, 9986), (9992, 9993), (9996, 9997), (9999, 9999), (10002, 10002),
    (10004, 10004), (10006, 10006), (10013, 10013), (10017, 10017), (10035, 10036),
    (10052, 10052), (10055, 10055), (10083, 10084), (10145, 10145), (10548, 10549),
    (11013, 11015), (127344, 127345), (127358, 127359), (127777, 127777),
    (127780, 127788), (127798, 127798), (127869, 127869), (127894, 127895),
    (127897, 127899), (127902, 127903), (127947, 127950), (127956, 127967),
    (127987, 127987), (127989, 127989), (127991, 127991), (128063, 128063),
    (128065, 128065), (128253, 128253), (128329, 128330), (128367, 128368),
    (128371, 128377), (128391, 128391), (128394, 128397), (128400, 128400),
    (128421, 128421), (128424, 128424), (128433, 128434), (128444, 128444),
    (128450, 128452), (128465, 128467), (128476, 128478), (128481, 128481),
    (128483, 128483), (128488, 128488), (128495, 128495), (128499, 128499),
    (128506, 128506), (128715, 128715), (128717, 128719), (128736, 128741),
    (128745, 128745), (128752, 128752), (128755, 128755),
)
NARROW_TO_WIDE = frozenset(
    chr(code) for start, end in _NARROW_TO_WIDE_RANGES for code in range(start, end + 1)
)

# Where terminals disagree with the plain East Asian Width property: Hangul vowel and
# final jamo join the syllable before them; the skin-tone modifiers join their emoji;
# the Yijing and Tai Xuan Jing symbols and the CJK supplementary planes are wide.
_ZERO = ((0x1160, 0x11FF), (0xD7B0, 0xD7FF), (0x1F3FB, 0x1F3FF), (0x2028, 0x2029),
         (0x3164, 0x3164), (0xFFA0, 0xFFA0))
_WIDE = ((0x2630, 0x2637), (0x268A, 0x268F), (0x4DC0, 0x4DFF), (0x1D300, 0x1D356),
         (0x1D360, 0x1D376), (0x20000, 0x2FFFD), (0x30000, 0x3FFFD))
# Characters assigned after Unicode 14 (the data of Python 3.11's unicodedata): marks
# that join the character before them (and unassigned tags and specials, which take no
# space) ...
_ZERO_SINCE_14 = (
    (0x897, 0x897), (0xCF3, 0xCF3), (0xECE, 0xECE), (0x1ACF, 0x1ADD), (0x1AE0, 0x1AEB),
    (0x2065, 0x2065), (0xFFF0, 0xFFF8), (0x10D69, 0x10D6D), (0x10EFA, 0x10EFF),
    (0x11241, 0x11241), (0x113B8, 0x113C0), (0x113C2, 0x113C2), (0x113C5, 0x113C5),
    (0x113C7, 0x113CA), (0x113CC, 0x113D0), (0x113D2, 0x113D2), (0x113E1, 0x113E2),
    (0x11B60, 0x11B67), (0x11F00, 0x11F01), (0x11F03, 0x11F03), (0x11F34, 0x11F3A),
    (0x11F3E, 0x11F42), (0x11F5A, 0x11F5A), (0x13439, 0x13440), (0x13447, 0x13455),
    (0x1611E, 0x1612F), (0x1E08F, 0x1E08F), (0x1E4EC, 0x1E4EF), (0x1E5EE, 0x1E5EF),
    (0x1E6E3, 0x1E6E3), (0x1E6E6, 0x1E6E6), (0x1E6EE, 0x1E6EF), (0x1E6F5, 0x1E6F5),
    (0xE0000, 0xE0000), (0xE0002, 0xE001F), (0xE0080, 0xE00FF), (0xE01F0, 0xE0FFF),
)
# ... and wide ideographs and emoji (such as U+1FA77, the pink heart).
_WIDE_SINCE_14 = (
    (0x2FFC, 0x2FFF), (0x31E4, 0x31E5), (0x31EF, 0x31EF), (0xFA6E, 0xFA6F),
    (0xFADA, 0xFAFF), (0x16FF2, 0x16FF6), (0x187F8, 0x187FF), (0x18CFF, 0x18CFF),
    (0x18D09, 0x18D1E), (0x18D80, 0x18DF2), (0x1B132, 0x1B132), (0x1B155, 0x1B155),
    (0x1F6D8, 0x1F6D8), (0x1F6DC, 0x1F6DC), (0x1FA75, 0x1FA77), (0x1FA87, 0x1FA8A),
    (0x1FA8E, 0x1FA8F), (0x1FAAD, 0x1FAAF), (0x1FABB, 0x1FABF), (0x1FAC6, 0x1FAC6),
    (0x1FAC8, 0x1FAC8), (0x1FACD, 0x1FACF), (0x1FADA, 0x1FADC), (0x1FADF, 0x1FADF),
    (0x1FAE8, 0x1FAEA), (0x1FAEF, 0x1FAEF), (0x1FAF7, 0x1FAF8),
)
# Format characters that still take a cell (the prepended concatenation marks, the soft
# hyphen).
_FORMAT_ONE = frozenset(map(chr, (0xAD, 0x600, 0x601, 0x602, 0x603, 0x604, 0x605, 0x6DD,
                                  0x70F, 0x890, 0x891, 0x8E2, 0x110BD, 0x110CD)))
_ZERO_CATEGORIES = frozenset(("Mn", "Me", "Mc", "Cf"))
_ZWJ, _VS16 = "\u200d", "\ufe0f"
_SPECIAL = frozenset((_ZWJ, _VS16))


def _in(code: int, ranges: tuple[tuple[int, int], ...]) -> bool:
    return any(start <= code <= end for start, end in ranges)


def _char_width(character: str) -> int:
    code = ord(character)
    if code < 32 or 0x7F <= code < 0xA0:
        return 0
    if _in(code, _ZERO) or _in(code, _ZERO_SINCE_14):
        return 0
    if _in(code, _WIDE) or _in(code, _WIDE_SINCE_14):
        return 2
    category = unicodedata.category(character)
    if category in _ZERO_CATEGORIES and character not in _FORMAT_ONE:
        return 0
    if category == "Cn":
        return 1
    return 2 if unicodedata.east_asian_width(character) in ("W", "F") else 1


# Characters one cell wide (Latin, Greek and Cyrillic letters, punctuation, arrows, box
# drawing, block elements, dingbats, braille): a string made only of them (Latin text,
# the report's box and bar glyphs) is as wide as it is long.
SINGLE_CELL_RANGES = (
    (0x20, 0x7E), (0xA0, 0x2FF), (0x370, 0x482), (0x2010, 0x2027), (0x2030, 0x205E),
    (0x2190, 0x21FF), (0x2500, 0x25FC), (0x25FF, 0x25FF), (0x2700, 0x2704),
    (0x2706, 0x2709), (0x270C, 0x2727), (0x2729, 0x274B), (0x274D, 0x274D),
    (0x274F, 0x2752), (0x2756, 0x2756), (0x2758, 0x2794), (0x2798, 0x27AF),
    (0x27B1, 0x27BE), (0x2800, 0x28FF),
)
_SINGLE_CELLS = frozenset(
    chr(code) for start, end in SINGLE_CELL_RANGES for code in range(start, end + 1))
single_cells = _SINGLE_CELLS.issuperset

_char_widths: dict[str, int] = {}


def char_width(character: str) -> int:
    """Cells one character takes on its own (0, 1 or 2)."""
    width = _char_widths.get(character)
    if width is None:
        width = _char_widths[character] = _char_width(character)
    return width


_lengths: dict[str, int] = {}


def cell_len(text: str) -> int:
    """Cells ``text`` takes on a terminal."""
    if single_cells(text):
        return len(text)
    length = _lengths.get(text)
    if length is None:
        length = _cell_len(text)
        if len(_lengths) < 4096:
            _lengths[text] = length
    return length


def _cell_len(text: str) -> int:
    if _ZWJ not in text and _VS16 not in text:
        return sum(map(char_width, text))
    total = 0
    last = None  # the last character that took cells
    index, count = 0, len(text)
    while index < count:
        character = text[index]
        if character in _SPECIAL:
            if character == _ZWJ:
                index += 1  # the joined character takes no cells of its own
            elif last:
                total += last in NARROW_TO_WIDE
                last = None
        else:
            width = char_width(character)
            if width:
                last = character
                total += width
        index += 1
    return total


def graphemes(text: str) -> list[tuple[int, int, int]]:
    """``text`` as (start, end, cells) pieces that are drawn as one character."""
    spans: list[tuple[int, int, int]] = []
    last = None
    index, count = 0, len(text)
    while index < count:
        character = text[index]
        if character in _SPECIAL:
            if not spans:
                spans.append((index, index + 1, 0))
                index += 1
                continue
            start, _, cells = spans[-1]
            if character == _ZWJ:
                index += 2 if index < count - 1 else 1
            else:
                index += 1
                if last and last in NARROW_TO_WIDE:
                    last = None
                    cells += 1
            spans[-1] = (start, index, cells)
            continue
        width = char_width(character)
        if width:
            last = character
            spans.append((index, index + 1, width))
        elif spans:
            start, _, cells = spans[-1]
            spans[-1] = (start, index + 1, cells)
        else:
            spans.append((index, index + 1, 0))
        index += 1
    return spans


def _split_text(text: str, position: int) -> str:
    """The part of ``text`` in its first ``position`` cells (a wide character cut in two
    becomes a space)."""
    if position <= 0:
        return ""
    spans = graphemes(text)
    total = sum(cells for _, _, cells in spans)
    if total <= position:  # only when joiners make the two counts disagree
        return text if total else ""
    offset = int((position / total) * len(spans))
    left = sum(cells for _, _, cells in spans[:offset])
    while True:
        if left == position:
            return text if offset >= len(spans) else text[:spans[offset][0]]
        if left < position:
            start, _, cells = spans[offset]
            if left + cells > position:
                return text[:start] + " "
            offset += 1
            left += cells
        else:
            start, _, cells = spans[offset - 1]
            if left - cells < position:
                return text[:start] + " "
            offset -= 1
            left -= cells


def set_cell_size(text: str, total: int) -> str:
    """``text`` cropped or padded with spaces to exactly ``total`` cells."""
    if single_cells(text):
        size = len(text)
        return text + " " * (total - size) if size < total else text[:total]
    if total <= 0:
        return ""
    size = cell_len(text)
    if size == total:
        return text
    if size < total:
        return text + " " * (total - size)
    return _split_text(text, total)


def chop_cells(text: str, width: int) -> list[str]:
    """``text`` cut into pieces of at most ``width`` cells."""
    if single_cells(text):
        return [text[i:i + width] for i in range(0, len(text), width)]
    lines: list[str] = []
    size = offset = 0
    for start, _, cells in graphemes(text):
        if size + cells > width:
            lines.append(text[offset:start])
            offset, size = start, 0
        size += cells
    if size:
        lines.append(text[offset:])
    return lines
