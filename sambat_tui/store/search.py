"""Full-text search over complaints: public_ref, title, description, address (FTS5).

The index ``complaints_fts`` is an external-content FTS5 table that reads its text through the view
``complaints_fts_source`` (the description and address live inside ``complaints.data``, stored once).
Tokenizer ``unicode61 remove_diacritics 2`` folds case and diacritics (``cafe`` finds ``café``);
``prefix='2 3'`` makes two- and three-letter prefixes cheap.

It is maintained per batch, inside the transaction that writes the rows (``complaints.upsert_many`` calls
``unindex`` and ``index``), never by per-row triggers, which cut the insert rate about fivefold. A bulk load
may skip indexing and call ``rebuild`` once; ``mark_stale`` records that in the same transaction, so a crash
between the two is noticed (``is_stale``) and repaired at the next ``rebuild_if_stale``.

User text never reaches FTS5 syntax: ``match_expression`` quotes every word as a string, so ``"``, ``*``,
``NEAR(``, ``-``, ``:`` and the like are plain characters. Matches are never ordered by rank: the inbox
combines them with its filter and pages them by the chosen sort (store/inbox.py).
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Final

from sambat_tui.domain.query import TextTerm

_STALE_KEY: Final = "store.fts_stale"

SOURCE_COLUMNS: Final = ("public_ref", "title", "description", "address")
"""Indexed columns, in index order; ``complaints_fts_source`` yields them for a ``rid``."""

_UNUSABLE = re.compile("[\x00\ud800-\udfff]")

MIN_PREFIX: Final = 2
"""A bare word shorter than this matches whole tokens only: a one-letter prefix would scan every term."""


def _is_token_char(ch: str) -> bool:
    # unicode61's default token classes are L*, N* and Co; everything else separates tokens.
    category = unicodedata.category(ch)
    return category[0] in "LN" or category == "Co"


def tokens(text: str) -> list[str]:
    """The tokens unicode61 would make of ``text`` (an approximation: before case and diacritic folding)."""
    out: list[str] = []
    current: list[str] = []
    for ch in text:
        if _is_token_char(ch):
            current.append(ch)
        elif current:
            out.append("".join(current))
            current = []
    if current:
        out.append("".join(current))
    return out


def match_expression(words: Sequence[TextTerm]) -> str | None:
    """An FTS5 query that ANDs the words (prefix match) and phrases (exact), or None if none is usable.

    Every term becomes a quoted FTS5 string, so nothing the user typed is read as syntax. A term without a
    single token character (``"!!!"``, ``*``) is dropped: as an FTS5 string it would match nothing at all.
    """
    parts: list[str] = []
    for word in words:
        found = tokens(word.text)
        if not found:
            continue
        # NUL would end the FTS5 query string early; lone surrogates cannot be bound. Neither is a token.
        text = _UNUSABLE.sub(" ", word.text)
        quoted = '"' + text.replace('"', '""') + '"'
        if not word.phrase and len(found[-1]) >= MIN_PREFIX:
            quoted += " *"
        parts.append(quoted)
    return " AND ".join(parts) if parts else None


def count_upto(conn: sqlite3.Connection, expression: str, bound: int) -> int:
    """How many complaints match, counting no further than ``bound`` (cost: at most ``bound`` index hits)."""
    row = conn.execute(
        "SELECT count(*) FROM (SELECT rowid FROM complaints_fts WHERE complaints_fts MATCH ? LIMIT ?)",
        (expression, bound),
    ).fetchone()
    return int(row[0])


def unindex(conn: sqlite3.Connection, rids: Iterable[int]) -> None:
    """Remove rows from the index, reading the text they were indexed with from the (unchanged) table.

    Call it *before* the rows' text changes or the rows are deleted.
    """
    conn.execute(
        "INSERT INTO complaints_fts(complaints_fts, rowid, public_ref, title, description, address) "
        "SELECT 'delete', rid, public_ref, title, description, address FROM complaints_fts_source "
        "WHERE rid IN (SELECT value FROM json_each(?))",
        (_json_list(rids),),
    )


def index(conn: sqlite3.Connection, rids: Iterable[int]) -> None:
    """Add rows to the index from their current text. Call it *after* the rows are written."""
    conn.execute(
        "INSERT INTO complaints_fts(rowid, public_ref, title, description, address) "
        "SELECT rid, public_ref, title, description, address FROM complaints_fts_source "
        "WHERE rid IN (SELECT value FROM json_each(?))",
        (_json_list(rids),),
    )


def mark_stale(conn: sqlite3.Connection) -> None:
    """Record that rows were written without indexing; ``rebuild`` clears it."""
    conn.execute(
        "INSERT INTO sync_state(key, value) VALUES (?, '1') ON CONFLICT(key) DO UPDATE SET value = '1'",
        (_STALE_KEY,),
    )


def is_stale(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM sync_state WHERE key = ?", (_STALE_KEY,)).fetchone() is not None


def rebuild(conn: sqlite3.Connection) -> None:
    """Rebuild the whole index from the table (one pass; ~40 s at 1M complaints) and clear the stale mark."""
    conn.execute("INSERT INTO complaints_fts(complaints_fts) VALUES ('rebuild')")
    conn.execute("DELETE FROM sync_state WHERE key = ?", (_STALE_KEY,))


def rebuild_if_stale(conn: sqlite3.Connection) -> bool:
    """Rebuild when a bulk load left the index behind; return whether it did."""
    if not is_stale(conn):
        return False
    rebuild(conn)
    return True


def check(conn: sqlite3.Connection) -> None:
    """FTS5's own integrity check against the content; raises ``sqlite3.DatabaseError`` on a mismatch."""
    conn.execute("INSERT INTO complaints_fts(complaints_fts, rank) VALUES ('integrity-check', 1)")


def _json_list(values: Iterable[int]) -> str:
    return "[" + ",".join(str(int(v)) for v in values) + "]"
