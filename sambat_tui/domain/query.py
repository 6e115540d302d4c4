"""The inbox filter language: what a person types after ``/``, parsed into a typed AST.

Grammar (terms separated by whitespace)::

    word            free text, matched as a word prefix in ref, title, description, address
    "a phrase"      free text, matched as an exact phrase
    status:V        wire value (``in_progress``) or Indonesian label (``baru``, ``selesai``,
                    ``"sedang ditindaklanjuti"``)
    cat:CODE        category code, case-insensitive (``cat:jalan_rusak``)
    kec:NAME        kecamatan, case-insensitive; quote names with spaces (``kec:"Kedung Kandang"``)
    desk:ID         desk id, exact
    assignee:@me    the signed-in user (``@saya`` too); ``assignee:none`` = nobody;
                    ``assignee:USER`` = that user
    vis:V           visibility: public (``publik``), anonim, rahasia
    overdue         past its active SLA deadline (``terlambat`` too)
    due:<3d         working days left below 3 (overdue included); also ``<=``, ``>``, ``>=``
    -key:value      negation of a key:value term; ``-overdue`` too. Words cannot be negated.

Unquoted values may list alternatives with commas (``status:baru,ditunda``). Repeating a key ORs its values,
different keys AND. Negated terms of a key each exclude. ``due`` terms AND with each other, so
``due:>1d due:<5d`` is a range. Keys have Indonesian aliases: kategori, kecamatan, meja, petugas, visibilitas,
tenggat.

``parse`` raises only ``QueryError``, which carries a stable ``code`` (the message key), the offending span
and the message in Indonesian and English. ``Query.criteria()`` folds the terms into what a store evaluates.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import StrEnum
from typing import Final, NamedTuple, TypeVar

from sambat_tui.domain.model import Status, Visibility

MAX_QUERY_LENGTH: Final = 1000
"""Longer input is refused: nobody types it, and it only costs the full-text index time."""

MAX_DUE_DAYS: Final = 999

ME: Final = "@me"
"""The assignee value standing for the signed-in user; the store resolves it from its context."""


class Key(StrEnum):
    STATUS = "status"
    CATEGORY = "cat"
    KECAMATAN = "kec"
    DESK = "desk"
    ASSIGNEE = "assignee"
    VISIBILITY = "vis"
    DUE = "due"


_KEY_ALIASES: Final[dict[str, Key]] = {
    "status": Key.STATUS,
    "cat": Key.CATEGORY,
    "kategori": Key.CATEGORY,
    "kec": Key.KECAMATAN,
    "kecamatan": Key.KECAMATAN,
    "desk": Key.DESK,
    "meja": Key.DESK,
    "assignee": Key.ASSIGNEE,
    "petugas": Key.ASSIGNEE,
    "vis": Key.VISIBILITY,
    "visibilitas": Key.VISIBILITY,
    "due": Key.DUE,
    "tenggat": Key.DUE,
}

_OPEN: Final = frozenset(s for s in Status if s.is_open)

STATUS_ALIASES: Final[dict[str, frozenset[Status]]] = {
    **{s.value: frozenset({s}) for s in Status},
    # The labels people use (DOMAIN-AND-API.md), written with "_" for spaces and hyphens.
    "baru": frozenset({Status.RECEIVED, Status.ASSIGNED}),
    "belum_diverifikasi": frozenset({Status.RECEIVED}),
    "didisposisikan": frozenset({Status.ASSIGNED}),
    "disposisi": frozenset({Status.ASSIGNED}),
    "dikerjakan": frozenset({Status.IN_PROGRESS}),
    "sedang_ditindaklanjuti": frozenset({Status.IN_PROGRESS}),
    "ditindaklanjuti": frozenset({Status.IN_PROGRESS}),
    "ditunda": frozenset({Status.ON_HOLD}),
    "tunda": frozenset({Status.ON_HOLD}),
    "sudah_ditanggapi": frozenset({Status.RESPONDED}),
    "ditanggapi": frozenset({Status.RESPONDED}),
    "menunggu_pelapor": frozenset({Status.RESPONDED}),
    "bukan_wewenang": frozenset({Status.RETURNED}),
    "dikembalikan": frozenset({Status.RETURNED}),
    "selesai": frozenset({Status.CLOSED}),
    "diarsipkan": frozenset({Status.ARCHIVED}),
    "arsip": frozenset({Status.ARCHIVED}),
    "terbuka": _OPEN,
    "open": _OPEN,
}
"""Every spelling ``status:`` accepts, normalised by ``_status_key``, and the statuses each one means."""

_VISIBILITY_ALIASES: Final[dict[str, Visibility]] = {
    **{v.value: v for v in Visibility},
    "publik": Visibility.PUBLIC,
}

_ME_ALIASES: Final = frozenset({"@me", "@saya"})
_NOBODY_ALIASES: Final = frozenset({"none", "@none", "kosong", "@kosong"})
_OVERDUE_WORDS: Final = frozenset({"overdue", "terlambat"})
_IDENTIFIER = re.compile(r"[A-Za-z0-9_.\-]{1,100}")
_KEY_PREFIX = re.compile(r"([A-Za-z_]+):")
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_DUE_SPEC = re.compile(r"(<=|>=|<|>)([0-9]{1,3})[dD]")


# ---------------------------------------------------------------------------------------------- errors

_MESSAGES: Final[dict[str, tuple[str, str]]] = {
    "bad_character": (
        "Karakter tidak sah (U+{char}) di posisi {pos}.",
        "Invalid character (U+{char}) at position {pos}.",
    ),
    "too_long": (
        "Kueri terlalu panjang (maksimal {limit} karakter).",
        "The query is too long (at most {limit} characters).",
    ),
    "unterminated_quote": (
        "Tanda kutip di posisi {pos} tidak ditutup.",
        "The quote at position {pos} is not closed.",
    ),
    "unknown_key": (
        "Kunci filter '{key}' tidak dikenal. Pilihan: status, cat, kec, desk, assignee, due, vis.",
        "Unknown filter key '{key}'. Choose from: status, cat, kec, desk, assignee, due, vis.",
    ),
    "missing_value": (
        "Filter '{key}:' perlu nilai.",
        "The filter '{key}:' needs a value.",
    ),
    "unknown_status": (
        "Status '{value}' tidak dikenal (contoh: baru, dikerjakan, ditunda, selesai).",
        "Unknown status '{value}' (for example: received, in_progress, on_hold, closed).",
    ),
    "unknown_visibility": (
        "Visibilitas '{value}' tidak dikenal (public, anonim, rahasia).",
        "Unknown visibility '{value}' (public, anonim, rahasia).",
    ),
    "bad_value": (
        "Nilai '{value}' tidak sah untuk '{key}:' (huruf, angka, titik, garis bawah, tanda hubung).",
        "'{value}' is not a valid value for '{key}:' (letters, digits, dot, underscore, hyphen).",
    ),
    "bad_due": (
        "Tenggat '{value}' tidak sah; tulis misalnya due:<3d, due:<=3d atau due:>5d (hari kerja, 0-{limit}).",
        "Bad due spec '{value}'; write e.g. due:<3d, due:<=3d or due:>5d (working days, 0-{limit}).",
    ),
    "negated_word": (
        "Tanda '-' hanya untuk filter kunci:nilai dan overdue, bukan kata '{value}'.",
        "A leading '-' works on key:value filters and overdue, not on the word '{value}'.",
    ),
}


class QueryError(ValueError):
    """Malformed filter text. ``code`` is the stable message key; ``start``/``end`` index into the input."""

    def __init__(self, code: str, start: int, end: int, **params: object) -> None:
        self.code = code
        self.start = start
        self.end = max(end, start)
        # People count columns from 1; ``start`` stays a 0-based index for code.
        self.params: dict[str, object] = {"pos": start + 1, **params}
        super().__init__(f"{self.message('en')} [{code}]")

    @property
    def position(self) -> int:
        return self.start

    def message(self, lang: str = "id") -> str:
        """The message in Indonesian (``id``, the default) or English (``en``)."""
        indonesian, english = _MESSAGES[self.code]
        return (english if lang == "en" else indonesian).format(**self.params)


# ------------------------------------------------------------------------------------------------ AST


class Span(NamedTuple):
    """Characters ``start:end`` of the source text, for highlighting a term or an error."""

    start: int
    end: int


NO_SPAN: Final = Span(0, 0)


# The AST's records are NamedTuples: this module loads before the app's first frame, where a frozen dataclass
# costs ~1 ms to make (its generated methods are compiled) and the query's were ~15 ms of the start. Each term
# is its fields' NamedTuple under ``_Term``, which keeps equality within one type: as plain tuples ``cat:X``
# and ``desk:X`` would be equal, and a test could not tell a term of one key from another's.
class _Term(tuple):  # type: ignore[type-arg]
    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and tuple.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = tuple.__hash__


class _TextFields(NamedTuple):
    text: str
    phrase: bool = False
    """True for a quoted phrase (matched exactly); a bare word matches as a prefix."""
    span: Span = NO_SPAN


class TextTerm(_Term, _TextFields):
    __slots__ = ()


class _StatusFields(NamedTuple):
    statuses: frozenset[Status]
    negated: bool = False
    span: Span = NO_SPAN


class StatusTerm(_Term, _StatusFields):
    __slots__ = ()


class _CategoryFields(NamedTuple):
    codes: frozenset[str]
    """Upper-cased: category codes are written upper case (JALAN_RUSAK)."""
    negated: bool = False
    span: Span = NO_SPAN


class CategoryTerm(_Term, _CategoryFields):
    __slots__ = ()


class _KecamatanFields(NamedTuple):
    names: frozenset[str]
    """Case-folded; compare with ``str.casefold()`` of the stored name."""
    negated: bool = False
    span: Span = NO_SPAN


class KecamatanTerm(_Term, _KecamatanFields):
    __slots__ = ()


class _DeskFields(NamedTuple):
    desk_ids: frozenset[str]
    negated: bool = False
    span: Span = NO_SPAN


class DeskTerm(_Term, _DeskFields):
    __slots__ = ()


class _AssigneeFields(NamedTuple):
    users: frozenset[str]
    """User ids, and ``ME`` for the signed-in user."""
    nobody: bool = False
    """``assignee:none``: complaints without an assignee."""
    negated: bool = False
    span: Span = NO_SPAN


class AssigneeTerm(_Term, _AssigneeFields):
    __slots__ = ()


class _VisibilityFields(NamedTuple):
    values: frozenset[Visibility]
    negated: bool = False
    span: Span = NO_SPAN


class VisibilityTerm(_Term, _VisibilityFields):
    __slots__ = ()


class _OverdueFields(NamedTuple):
    negated: bool = False
    span: Span = NO_SPAN


class OverdueTerm(_Term, _OverdueFields):
    __slots__ = ()


class DueOp(StrEnum):
    LT = "<"
    LE = "<="
    GT = ">"
    GE = ">="


class _DueFields(NamedTuple):
    op: DueOp
    days: int
    negated: bool = False
    span: Span = NO_SPAN


class DueTerm(_Term, _DueFields):
    """Working days left until the active deadline, compared with ``days``.

    Days left count like ``WorkingCalendar.working_days_left``: 0 = due today, below 0 = overdue. So ``<3d``
    means due by the end of the 2nd working day after today (overdue included), ``>5d`` means due after the
    end of the 5th working day. A complaint without an active deadline never matches a due term (it does match
    its negation).
    """

    __slots__ = ()


Term = (
    TextTerm
    | StatusTerm
    | CategoryTerm
    | KecamatanTerm
    | DeskTerm
    | AssigneeTerm
    | VisibilityTerm
    | OverdueTerm
    | DueTerm
)


class Choice(NamedTuple):
    """Allowed values of one string key: ``include`` (None = any value) minus ``exclude``.

    ``None`` inside a set stands for "no value" (a complaint without assignee, category, ...).
    """

    include: frozenset[str | None] | None = None
    exclude: frozenset[str | None] = frozenset()

    @property
    def unconstrained(self) -> bool:
        return self.include is None and not self.exclude

    def allows(self, value: str | None) -> bool:
        if self.include is not None and value not in self.include:
            return False
        return value not in self.exclude


ANY: Final = Choice()


class Criteria(NamedTuple):
    """A query folded per key: what a store turns into one WHERE clause.

    ``statuses`` and ``visibilities`` are the allowed sets (all values when unconstrained); the string keys
    are ``Choice`` objects. Category codes are upper case and kecamatan names case-folded, as the parser
    made them; ``assignees`` may hold ``ME``.
    """

    words: tuple[TextTerm, ...] = ()
    statuses: frozenset[Status] = frozenset(Status)
    visibilities: frozenset[Visibility] = frozenset(Visibility)
    categories: Choice = ANY
    kecamatan: Choice = ANY
    desks: Choice = ANY
    assignees: Choice = ANY
    overdue: bool | None = None
    """True: only overdue; False: only not overdue; None: either."""
    due: tuple[DueTerm, ...] = ()
    """All must hold (each may be negated)."""

    contradiction: bool = False
    """The terms contradict each other in a way the fields cannot say (``overdue -overdue``)."""

    @property
    def empty(self) -> bool:
        """True when no complaint can match, whatever the data (e.g. ``status:baru -status:baru``)."""
        return self.contradiction or not self.statuses or not self.visibilities


class Query(NamedTuple):
    """Parsed filter text: the terms in the order written, and the text they came from."""

    terms: tuple[Term, ...] = ()
    source: str = ""

    @property
    def words(self) -> tuple[TextTerm, ...]:
        return tuple(t for t in self.terms if isinstance(t, TextTerm))

    def criteria(self) -> Criteria:
        """Fold the terms: OR within a key, AND between keys, each negation excludes."""
        statuses = _fold_enum(
            Status, [(t.statuses, t.negated) for t in self.terms if isinstance(t, StatusTerm)]
        )
        visibilities = _fold_enum(
            Visibility, [(t.values, t.negated) for t in self.terms if isinstance(t, VisibilityTerm)]
        )
        wanted = {not t.negated for t in self.terms if isinstance(t, OverdueTerm)}
        overdue = next(iter(wanted)) if len(wanted) == 1 else None
        return Criteria(
            words=self.words,
            statuses=statuses,
            visibilities=visibilities,
            categories=_fold_choice(
                [(t.codes, t.negated) for t in self.terms if isinstance(t, CategoryTerm)]
            ),
            kecamatan=_fold_choice(
                [(t.names, t.negated) for t in self.terms if isinstance(t, KecamatanTerm)]
            ),
            desks=_fold_choice([(t.desk_ids, t.negated) for t in self.terms if isinstance(t, DeskTerm)]),
            assignees=_fold_choice(
                [
                    (frozenset([*t.users, *([None] if t.nobody else [])]), t.negated)
                    for t in self.terms
                    if isinstance(t, AssigneeTerm)
                ]
            ),
            overdue=overdue,
            contradiction=len(wanted) > 1,
            due=tuple(t for t in self.terms if isinstance(t, DueTerm)),
        )


_E = TypeVar("_E", Status, Visibility)


def _fold_enum(kind: type[_E], terms: list[tuple[frozenset[_E], bool]]) -> frozenset[_E]:
    allowed: frozenset[_E] = frozenset(kind)
    positives = [values for values, negated in terms if not negated]
    if positives:
        allowed = frozenset().union(*positives)
    for values, negated in terms:
        if negated:
            allowed -= values
    return allowed


def _fold_choice(terms: Iterable[tuple[frozenset[str | None], bool]]) -> Choice:
    include: set[str | None] | None = None
    exclude: set[str | None] = set()
    for values, negated in terms:
        if negated:
            exclude |= values
        else:
            include = (include or set()) | values
    return Choice(None if include is None else frozenset(include), frozenset(exclude))


# --------------------------------------------------------------------------------------------- parser


def parse(text: str) -> Query:
    """Parse filter text into a ``Query``; raise ``QueryError`` (and nothing else) when it is malformed."""
    if len(text) > MAX_QUERY_LENGTH:
        raise QueryError("too_long", MAX_QUERY_LENGTH, len(text), limit=MAX_QUERY_LENGTH)
    bad = _UNSTORABLE.search(text)
    if bad is not None:
        # NUL ends strings in C (SQLite's FTS5 query parser among them); a lone surrogate is not UTF-8.
        raise QueryError("bad_character", bad.start(), bad.end(), char=f"{ord(bad.group()):04X}")
    return Query(terms=tuple(_Parser(text).terms()), source=text)


def _status_key(value: str) -> str:
    return re.sub(r"[\s\-]+", "_", value.strip().casefold())


class _Raw(NamedTuple):
    """One value of a key term with its position; quoted values are never split on commas."""

    text: str
    start: int
    end: int


class _Parser:
    __slots__ = ("out", "pos", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.out: list[Term] = []

    def terms(self) -> list[Term]:
        n = len(self.text)
        while True:
            while self.pos < n and self.text[self.pos].isspace():
                self.pos += 1
            if self.pos >= n:
                return self.out
            term = self._term()
            if term is not None:
                self.out.append(term)

    def _term(self) -> Term | None:
        text, start = self.text, self.pos
        if text[start] == '"':
            body, end = self._quoted(start)
            self.pos = end
            # An empty phrase asks for nothing; dropping it beats matching nothing.
            return TextTerm(body, phrase=True, span=Span(start, end)) if body.strip() else None
        negated = text[start] == "-" and start + 1 < len(text) and not text[start + 1].isspace()
        head = start + 1 if negated else start
        key_match = _KEY_PREFIX.match(text, head)
        if key_match is not None:
            return self._key_term(key_match, start, negated)
        end = self._bare_end(head)
        self.pos = end
        word = text[head:end]
        if word.casefold() in _OVERDUE_WORDS:
            return OverdueTerm(negated=negated, span=Span(start, end))
        if negated:
            raise QueryError("negated_word", start, end, value=word)
        return TextTerm(word, phrase=False, span=Span(start, end))

    def _bare_end(self, i: int) -> int:
        n = len(self.text)
        while i < n and not self.text[i].isspace():
            i += 1
        return i

    def _quoted(self, quote: int) -> tuple[str, int]:
        close = self.text.find('"', quote + 1)
        if close < 0:
            raise QueryError("unterminated_quote", quote, len(self.text))
        return self.text[quote + 1 : close], close + 1

    def _values(self, start: int, key: str) -> list[_Raw]:
        text = self.text
        if start < len(text) and text[start] == '"':
            body, end = self._quoted(start)
            self.pos = end
            raws = [_Raw(body, start, end)] if body.strip() else []
        else:
            end = self._bare_end(start)
            self.pos = end
            raws, offset = [], start
            for part in text[start:end].split(","):
                if part:
                    raws.append(_Raw(part, offset, offset + len(part)))
                offset += len(part) + 1
        if not raws:
            raise QueryError("missing_value", start, self.pos, key=key)
        return raws

    def _key_term(self, key_match: re.Match[str], start: int, negated: bool) -> Term:
        name = key_match.group(1)
        key = _KEY_ALIASES.get(name.casefold())
        if key is None:
            raise QueryError("unknown_key", key_match.start(), key_match.end(), key=name)
        raws = self._values(key_match.end(), name)
        span = Span(start, self.pos)
        if key is Key.STATUS:
            statuses: set[Status] = set()
            for raw in raws:
                found = STATUS_ALIASES.get(_status_key(raw.text))
                if found is None:
                    raise QueryError("unknown_status", raw.start, raw.end, value=raw.text)
                statuses |= found
            return StatusTerm(frozenset(statuses), negated, span)
        if key is Key.VISIBILITY:
            values: set[Visibility] = set()
            for raw in raws:
                vis = _VISIBILITY_ALIASES.get(raw.text.strip().casefold())
                if vis is None:
                    raise QueryError("unknown_visibility", raw.start, raw.end, value=raw.text)
                values.add(vis)
            return VisibilityTerm(frozenset(values), negated, span)
        if key is Key.KECAMATAN:
            names = {" ".join(raw.text.split()).casefold() for raw in raws}
            return KecamatanTerm(frozenset(names), negated, span)
        if key is Key.DUE:
            if len(raws) != 1:
                raise QueryError(
                    "bad_due",
                    span.start,
                    span.end,
                    value=self.text[key_match.end() : self.pos],
                    limit=MAX_DUE_DAYS,
                )
            return self._due(raws[0], negated, span)
        if key is Key.ASSIGNEE:
            users: set[str] = set()
            nobody = False
            for raw in raws:
                folded = raw.text.casefold()
                if folded in _ME_ALIASES:
                    users.add(ME)
                elif folded in _NOBODY_ALIASES:
                    nobody = True
                else:
                    users.add(self._identifier(raw, name))
            return AssigneeTerm(frozenset(users), nobody, negated, span)
        ids = frozenset(self._identifier(raw, name) for raw in raws)
        if key is Key.CATEGORY:
            return CategoryTerm(frozenset(i.upper() for i in ids), negated, span)
        return DeskTerm(ids, negated, span)

    @staticmethod
    def _identifier(raw: _Raw, key: str) -> str:
        if _IDENTIFIER.fullmatch(raw.text) is None:
            raise QueryError("bad_value", raw.start, raw.end, value=raw.text, key=key)
        return raw.text

    @staticmethod
    def _due(raw: _Raw, negated: bool, span: Span) -> DueTerm:
        match = _DUE_SPEC.fullmatch(raw.text.strip())
        if match is None or int(match.group(2)) > MAX_DUE_DAYS:
            raise QueryError("bad_due", raw.start, raw.end, value=raw.text, limit=MAX_DUE_DAYS)
        return DueTerm(DueOp(match.group(1)), int(match.group(2)), negated, span)
