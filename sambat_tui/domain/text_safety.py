r"""Make text that came from outside safe to draw in a terminal.

Complaint titles, descriptions, replies, names and addresses are written by citizens and other systems.
Neither Rich nor Textual strips terminal controls, so a description carrying ``ESC ] 52`` could write the
clerk's clipboard, ``ESC [ 2 J`` could wipe the screen, and a right-to-left override could make a reference or
an amount read differently from what it is. Every widget and every headless output passes such text through
:func:`neutralise` (or :func:`one_line` for table cells) right before it is drawn. The stored text stays
byte-exact: these functions are for display only.

One rule per kind, so a clerk learns to read the marks:

- A whole escape sequence becomes one ``␛`` (U+241B) and its payload is dropped. That covers the 7-bit forms
  (``ESC ...``) and the 8-bit C1 forms (U+0080-U+009F): CSI with private and intermediate bytes; OSC ended by
  BEL or ST or running to the end of the text; DCS, SOS, PM and APC strings; SS2/SS3 with their character;
  two-byte and nF escapes; a lone ESC or C1 control.
- Any other C0 control and DEL become their control pictures: ``␀ ␇ ␈ ... ␟ ␡``.
- ``\r\n``, a lone ``\r``, NEL U+0085, U+2028 and U+2029 become a newline. A lone CR is not shown as ``␍``:
  old Mac text uses it as a line break, and as a newline it can no longer let "Selesai\rDitolak" overwrite
  itself.
- Bidi controls (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C) and lone surrogates (from
  ``surrogateescape``) become the replacement character U+FFFD. Bidi controls are shown rather than dropped
  because they are how "Trojan source" text lies about its order.
- Other invisible format characters are removed: U+200B, U+FEFF, soft hyphen, word joiner, invisible
  operators, interlinear annotation, tag characters outside an emoji flag, and the rest of category Cf.

Kept as they are: newline and tab (``one_line`` folds both), ZWJ U+200D and ZWNJ U+200C (emoji and several
scripts need them), emoji tag sequences (the flags of England, Scotland, Wales), variation selectors, and
every printable character. With ``keep_newlines=False`` a line break becomes `` ⏎ ``.

Markup is not this module's business: ``[@click=app.quit]`` or ``[/bold]`` come out unchanged, as text. The
widget must draw the result as plain text (``rich.text.Text``, Textual ``Content``, ``markup=False``).

Everything runs in a fixed number of linear passes (regular expressions without nested repetition,
``str.translate``), so a 200 KB description or a line of 10,000 controls costs milliseconds, and a bounded
``max_len`` looks only at a head of the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

__all__ = [
    "ELLIPSIS",
    "ESCAPE_MARK",
    "NEWLINE_MARK",
    "REPLACEMENT",
    "neutralise",
    "one_line",
]

ESCAPE_MARK = "\u241b"
"""Stands for one whole escape sequence: ``␛``."""
REPLACEMENT = "\ufffd"
"""Stands for a bidi control or a lone surrogate: ``\ufffd``."""
NEWLINE_MARK = " \u23ce "
"""A line break when lines are folded: `` ⏎ ``."""
ELLIPSIS = "\u2026"
"""Ends a truncated text: ``…``."""

_DEL_PICTURE = "\u2421"
_C0_PICTURES = 0x2400  # U+2400 + code is the control picture of C0 code ``code``

_LINE_BREAKS = "\r\n\x85\u2028\u2029"

# Bidi controls (all of them are format characters, category Cf).
_BIDI_RANGES: tuple[tuple[int, int], ...] = (
    (0x061C, 0x061C),
    (0x200E, 0x200F),
    (0x202A, 0x202E),
    (0x2066, 0x2069),
)
# Every other format character (Cf) but ZWNJ U+200C, ZWJ U+200D and the tag characters U+E0020-U+E007F, which
# are handled with the emoji flags they belong to. Listed by hand so that loading the module costs nothing; a
# test compares the list with ``unicodedata`` so a newer Unicode version cannot slip a new one past us.
_INVISIBLE_RANGES: tuple[tuple[int, int], ...] = (
    (0x00AD, 0x00AD),
    (0x0600, 0x0605),
    (0x06DD, 0x06DD),
    (0x070F, 0x070F),
    (0x0890, 0x0891),
    (0x08E2, 0x08E2),
    (0x180E, 0x180E),
    (0x200B, 0x200B),
    (0x2060, 0x2064),
    (0x206A, 0x206F),
    (0xFEFF, 0xFEFF),
    (0xFFF9, 0xFFFB),
    (0x110BD, 0x110BD),
    (0x110CD, 0x110CD),
    (0x13430, 0x1343F),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0001, 0xE0001),
)
_SURROGATES = (0xD800, 0xDFFF)
_TAG_FIRST, _TAG_LAST = 0xE0020, 0xE007F
_TAG_CHARS = "".join(map(chr, range(_TAG_FIRST, _TAG_LAST + 1)))
_CANCEL_TAG = "\U000e007f"

# How each kind of sequence continues after its introducer. Each is one run over a character class and an
# optional terminator that the run cannot contain, so matching never backtracks. Terminals end a string at
# ST (ESC \ or U+009C), OSC also at BEL, and abandon any sequence at CAN or SUB; an ESC inside a string that
# is not part of ST ends the string and starts the next sequence.
_CSI_BODY = r"[\x20-\x3f]*[\x40-\x7e]?"  # parameter and intermediate bytes, then the final byte
_OSC_BODY = r"[^\x07\x18\x1a\x1b\x9c]*(?:[\x07\x18\x1a\x9c]|\x1b\\)?"
_STRING_BODY = r"[^\x18\x1a\x1b\x9c]*(?:[\x18\x1a\x9c]|\x1b\\)?"  # DCS, SOS, PM, APC
_SHIFTED = r"[\x20-\x7e]?"  # the one character SS2 or SS3 shift
_C1_INTRODUCERS = {0x9B: _CSI_BODY, 0x9D: _OSC_BODY, 0x8E: _SHIFTED, 0x8F: _SHIFTED}
_C1_INTRODUCERS.update(dict.fromkeys((0x90, 0x98, 0x9E, 0x9F), _STRING_BODY))
# Every alternative starts with a literal character, which lets the regex engine skip to the next ESC or C1
# control at C speed instead of trying each alternative at every position (20 times faster on clean text).
_ESCAPE_SEQUENCE = re.compile(
    "|".join(
        [
            r"\x1b(?:"
            + "|".join(
                [
                    r"\[" + _CSI_BODY,
                    r"\]" + _OSC_BODY,
                    r"[PX^_]" + _STRING_BODY,
                    r"[NO]" + _SHIFTED,
                    r"[\x20-\x2f]+[\x30-\x7e]?",  # nF escapes: ESC ( B, ESC # 8, ...
                    r"[\x30-\x7e]?",  # two-byte escapes, and a lone ESC
                ]
            )
            + ")",
            # NEL U+0085 is left to the character table, which makes it a line break.
            *(f"\\x{code:02x}" + _C1_INTRODUCERS.get(code, "") for code in range(0x80, 0xA0) if code != 0x85),
        ]
    )
)


def _char_class(codes: set[int]) -> str:
    """A regex character class of ``codes``, written as ranges with escapes."""
    ordered = sorted(codes)
    parts: list[str] = []
    start = previous = ordered[0]
    for code in [*ordered[1:], -2]:
        if code != previous + 1:
            parts.append(f"\\U{start:08x}" if start == previous else f"\\U{start:08x}-\\U{previous:08x}")
            start = code
        previous = code
    return "[" + "".join(parts) + "]"


_ASTRAL_INVISIBLE = {
    code for first, last in _INVISIBLE_RANGES for code in range(first, last + 1) if code > 0xFFFF
}
# Above U+FFFF everything special is removed, except the tags of an emoji flag (U+1F3F4, tag letters, CANCEL
# TAG). That gets its own pass: a character class reaching above U+FFFF is scanned range by range, while one
# within the BMP is a bitmap lookup, several times faster, so the character table stays within the BMP.
_ASTRAL_SPECIAL = re.compile(_char_class(_ASTRAL_INVISIBLE | set(range(_TAG_FIRST, _TAG_LAST + 1))))
_ASTRAL_FORMAT = re.compile(
    f"(\U0001f3f4[\\U{_TAG_FIRST:08x}-\\U000e007e]+{_CANCEL_TAG})|{_ASTRAL_SPECIAL.pattern}+"
)


@dataclass(frozen=True)
class _Mode:
    """How line breaks and tabs come out, and the character table and patterns that follow from it."""

    newline: str
    tab: str
    table: dict[int, str | None] = field(init=False, compare=False, hash=False)
    special_runs: re.Pattern[str] = field(init=False, compare=False, hash=False)
    """Runs of the characters the table maps; its search also says whether a text has any (one pattern,
    not two: each compile is ~1 ms of the app's start, and the search is as fast)."""

    def __post_init__(self) -> None:
        table: dict[int, str | None] = {}
        for code in range(0x20):
            table[code] = chr(_C0_PICTURES + code)
        for code in range(0x80, 0xA0):
            # Escape sequences are gone before this table applies; the entry is a second line of defence.
            table[code] = ESCAPE_MARK
        table[0x1B] = ESCAPE_MARK
        table[0x7F] = _DEL_PICTURE
        for line_break in _LINE_BREAKS:
            table[ord(line_break)] = self.newline
        if self.newline == "\n":
            del table[ord("\n")]
        if self.tab == "\t":
            del table[ord("\t")]
        else:
            table[ord("\t")] = self.tab
        for first, last in _BIDI_RANGES:
            table.update(dict.fromkeys(range(first, last + 1), REPLACEMENT))
        table.update(dict.fromkeys(range(_SURROGATES[0], _SURROGATES[1] + 1), REPLACEMENT))
        for first, last in _INVISIBLE_RANGES:
            table.update(dict.fromkeys((code for code in range(first, last + 1) if code <= 0xFFFF), None))
        special = _char_class(set(table))
        object.__setattr__(self, "table", table)
        # Written "x(?:x)*" rather than "x+" so that the pattern starts with a character class, which the
        # regex engine skips to at C speed.
        object.__setattr__(self, "special_runs", re.compile(f"{special}(?:{special})*"))

    def translate_run(self, run: re.Match[str]) -> str:
        return run.group().translate(self.table)


@cache
def _mode(newline: str, tab: str) -> _Mode:
    return _Mode(newline, tab)


def _map_chars(text: str, mode: _Mode) -> str:
    # str.translate looks every character up in a dict, ten times slower than a regex scan, so translate only
    # the runs that need it, unless the text is so dense with them that one translate pass is cheaper.
    budget = len(text) // 64 + 16
    mapped, runs = mode.special_runs.subn(mode.translate_run, text, count=budget)
    return mapped if runs < budget else text.translate(mode.table)


def _render(text: str, mode: _Mode) -> str:
    in_bmp = mode.special_runs.search(text) is not None
    above_bmp = _ASTRAL_SPECIAL.search(text) is not None
    if in_bmp:
        # Sequences first, on the raw text, as the terminal would parse it; single characters after. Each
        # step only puts safe characters back, so no later step can assemble a control from the pieces.
        text = _ESCAPE_SEQUENCE.sub(ESCAPE_MARK, text)
    if above_bmp:
        text = _ASTRAL_FORMAT.sub(r"\1", text)
    if in_bmp:
        if "\r" in text:
            text = text.replace("\r\n", "\n")
        text = _map_chars(text, mode)
    return text


# How far the rendering of a head of the text can differ from the rendering of the whole text at its end: a
# sequence cut in two can show as two marks instead of one.
_TAIL_SLACK = 4


def _render_bounded(text: str, mode: _Mode, max_len: int | None) -> str:
    """The rendering of ``text``, or of a head of it long enough to decide a truncation to ``max_len``.

    The rendering of a head is the rendering of the whole text up to its last few characters, so when it is
    longer than ``max_len`` plus that slack, its first ``max_len + 1`` characters are the whole text's.
    """
    if max_len is not None:
        head_len = 4 * max_len + 64
        if len(text) > head_len:
            head = _render(text[:head_len], mode)
            if len(head) > max_len + _TAIL_SLACK:
                return head[: max_len + 1]
            # Most of the head collapsed (long escape strings, invisible runs): render the whole text.
    return _render(text, mode)


def _truncate(text: str, max_len: int | None) -> str:
    if max_len is None or len(text) <= max_len:
        return text
    cut = text[: max_len - 1]
    if not cut.endswith(_CANCEL_TAG):
        # Half an emoji flag would lose its tag characters on the next pass; keep the base flag only.
        cut = cut.rstrip(_TAG_CHARS)
    return cut + ELLIPSIS


def _check(text: object, max_len: int | None) -> None:
    if not isinstance(text, str):
        raise TypeError(f"expected str, got {type(text).__name__}")
    if max_len is not None and (isinstance(max_len, bool) or not isinstance(max_len, int) or max_len < 1):
        raise ValueError(f"max_len must be a positive int or None, got {max_len!r}")


def neutralise(text: str, *, max_len: int | None = None, keep_newlines: bool = True) -> str:
    """Return ``text`` with every terminal control removed or made visible, for display only.

    ``max_len`` bounds the result in characters (code points, not terminal cells); a longer text is cut and
    ends with ``…``. With ``keep_newlines=False`` each line break becomes `` ⏎ ``. Tabs are kept.
    The result is a fixed point: neutralising it again changes nothing.
    """
    _check(text, max_len)
    mode = _mode("\n" if keep_newlines else NEWLINE_MARK, "\t")
    return _truncate(_render_bounded(text, mode, max_len), max_len)


# Characters that never reach the output of ``one_line``: stripping them off the ends of the input first keeps
# a trailing newline from showing as a dangling `` ⏎ `` and keeps ``one_line`` idempotent.
_ONE_LINE_EDGES = "\t" + _LINE_BREAKS + "".join(chr(c) for a, b in _INVISIBLE_RANGES for c in range(a, b + 1))


def one_line(text: str, max_len: int | None = None) -> str:
    """Return ``text`` neutralised for a table cell: one line, tabs as spaces, at most ``max_len`` characters.

    Line breaks inside the text become `` ⏎ ``; line breaks, tabs and invisible characters at its ends are
    dropped. A cut text ends with ``…``.
    """
    _check(text, max_len)
    mode = _mode(NEWLINE_MARK, " ")
    return _truncate(_render_bounded(text.strip(_ONE_LINE_EDGES), mode, max_len), max_len)
