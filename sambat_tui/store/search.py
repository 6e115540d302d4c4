"""Full-text search over complaints: public_ref, title, description, address (FTS5).

The index ``complaints_fts`` is an external-content FTS5 table that reads its text through the view
``complaints_fts_source`` (the description and address live inside ``complaints.data``, stored once).
Tokenizer ``unicode61 remove_diacritics 2`` folds case and diacritics (``cafe`` finds ``café``);
``prefix='2 3'`` makes two- and three-letter prefixes cheap.

It is maintained per batch, inside the transaction that writes the rows (``complaints.upsert_many`` calls
``unindex`` and ``index``), never by per-row triggers, which cut the insert rate about fivefold. A bulk load
may skip indexing and call ``rebuild`` once; ``mark_stale`` records that in the same transaction, so a crash
between the two is noticed (``is_stale``) and repaired at the next ``rebuild_if_stale``. While the index is
stale every write leaves it alone (the rebuild reads the table as it is then) and searches miss the rows
written since: a caller can say so from ``is_stale``.

Two ways to find the rows an expression matches, chosen per page by store/inbox.py:

- ``hits`` materialises them all once per connection and reuses them for every page until the index
  changes. It costs the number of matches: right for rare words.
- ``matching`` checks a handful of candidate rows (the next ones in the inbox's sort order) by indexing
  their text afresh in a small TEMP FTS5 table with the same tokenizer and running the same expression
  there. It costs the rows checked: right for common words, where a page of matches turns up after a few
  dozen rows while their match set would hold hundreds of thousands.

User text never reaches FTS5 syntax: ``match_expression`` quotes every word as a string, so ``"``, ``*``,
``NEAR(``, ``-``, ``:`` and the like are plain characters. Matches are never ordered by rank: the inbox
combines them with its filter and pages them by the chosen sort (store/inbox.py).
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from sambat_tui.domain.query import TextTerm

_STALE_KEY: Final = "store.fts_stale"

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


TOKENIZE: Final = "unicode61 remove_diacritics 2"
"""The tokenizer of ``complaints_fts`` (store/migrations.py); the probe table must read text the same way."""

HIT_SLOTS: Final = 3
"""Match sets kept per connection (the current search, and the ones just before it)."""


@dataclass(frozen=True, slots=True)
class HitSet:
    """The complaints matching an expression, materialised in a TEMP table of the connection.

    Use ``c.rid IN temp.<table>`` to filter (a rowid lookup per row, nothing copied) or join it to drive a
    query from the matches. Valid for the connection's current snapshot.
    """

    table: str
    count: int


def hits(conn: sqlite3.Connection, expression: str) -> HitSet:
    """Materialise (or reuse) the set of rows matching ``expression`` on this connection.

    FTS5 answers a prefix query (``"jalan" *``) by merging the doclists of every matching term in memory,
    for the whole index, each time it runs; probing it once per inbox row costs milliseconds a row. So a
    match set is computed once (cost: the number of matches) into a TEMP table and reused for every page of
    the same search until the full-text index changes (FTS5's structure record, which every index write
    rewrites). Works on read-only connections (TEMP is the connection's own) and inside transactions.
    """
    _ensure_slots(conn)
    version = _index_version(conn)
    found = _stored(conn, expression)
    clock = int(conn.execute("SELECT coalesce(max(used), 0) + 1 FROM temp.search_slots").fetchone()[0])
    if found is not None and version is not None and found[2] == version:
        conn.execute("UPDATE temp.search_slots SET used = ? WHERE slot = ?", (clock, found[0]))
        return HitSet(_slot_table(found[0]), found[1])
    slot = found[0] if found is not None else _free_slot(conn)
    table = _slot_table(slot)
    conn.execute(f"DELETE FROM temp.{table}")
    count = conn.execute(
        f"INSERT INTO temp.{table}(rid) SELECT rowid FROM complaints_fts WHERE complaints_fts MATCH ?",
        (expression,),
    ).rowcount
    conn.execute(
        "INSERT INTO temp.search_slots(slot, expression, hits, version, used) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT(slot) DO UPDATE SET expression = excluded.expression, hits = excluded.hits, "
        "version = excluded.version, used = excluded.used",
        (slot, expression, count, version, clock),
    )
    return HitSet(table, count)


def cached_hits(conn: sqlite3.Connection, expression: str) -> HitSet | None:
    """The match set ``hits`` made for ``expression`` on this connection, if the index is unchanged since."""
    if not _has_slots(conn):
        return None
    found = _stored(conn, expression)
    if found is None or found[2] is None or found[2] != _index_version(conn):
        return None
    return HitSet(_slot_table(found[0]), found[1])


def matching(conn: sqlite3.Connection, expression: str, rids: Sequence[int]) -> set[int]:
    """Which of ``rids`` match ``expression``, judged on their current text.

    FTS5 cannot check a row against a prefix query without merging the prefix's doclists for the whole
    index (milliseconds per row for a common word), so the candidates' text is tokenized again into a TEMP
    table of the connection (content-less, same tokenizer and columns as ``complaints_fts``) and the same
    expression runs there: the same answer as the real index, for about 15 us a row. Works on read-only
    connections and inside the caller's snapshot; the table is emptied again before returning.
    """
    if not rids:
        return set()
    _ensure_probe(conn)
    conn.execute(
        "INSERT INTO temp.search_probe(rowid, public_ref, title, description, address) "
        "SELECT rid, public_ref, title, description, address FROM complaints_fts_source "
        "WHERE rid IN (SELECT value FROM json_each(?))",
        (_json_list(rids),),
    )
    try:
        return {
            int(row[0])
            for row in conn.execute(
                "SELECT rowid FROM temp.search_probe WHERE search_probe MATCH ?", (expression,)
            )
        }
    finally:
        conn.execute("INSERT INTO temp.search_probe(search_probe) VALUES ('delete-all')")


def _ensure_probe(conn: sqlite3.Connection) -> None:
    if conn.execute("SELECT 1 FROM temp.sqlite_master WHERE name = 'search_probe'").fetchone():
        return
    conn.execute(
        "CREATE VIRTUAL TABLE temp.search_probe USING fts5("
        f"public_ref, title, description, address, content = '', tokenize = '{TOKENIZE}', columnsize = 0)"
    )


def forget_hits(conn: sqlite3.Connection) -> None:
    """Drop this connection's materialised match sets (frees their memory; the next search recomputes)."""
    if not _has_slots(conn):
        return
    conn.execute("DELETE FROM temp.search_slots")
    for slot in range(HIT_SLOTS):
        conn.execute(f"DELETE FROM temp.{_slot_table(slot)}")


def _has_slots(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM temp.sqlite_master WHERE name = 'search_slots'").fetchone() is not None


def _stored(conn: sqlite3.Connection, expression: str) -> tuple[int, int, bytes | None] | None:
    """(slot, matches, index version) of the match set kept for ``expression``, if one is."""
    found = conn.execute(
        "SELECT slot, hits, version FROM temp.search_slots WHERE expression = ?", (expression,)
    ).fetchone()
    return None if found is None else (int(found[0]), int(found[1]), found[2])


def _slot_table(slot: int) -> str:
    return f"search_hits_{slot:d}"


def _ensure_slots(conn: sqlite3.Connection) -> None:
    if _has_slots(conn):
        return
    conn.execute(
        "CREATE TEMP TABLE search_slots (slot INTEGER PRIMARY KEY, expression TEXT NOT NULL UNIQUE, "
        "hits INTEGER NOT NULL, version BLOB, used INTEGER NOT NULL)"
    )
    for slot in range(HIT_SLOTS):
        conn.execute(f"CREATE TEMP TABLE {_slot_table(slot)} (rid INTEGER PRIMARY KEY)")


def _free_slot(conn: sqlite3.Connection) -> int:
    taken = {row[0] for row in conn.execute("SELECT slot FROM temp.search_slots")}
    for slot in range(HIT_SLOTS):
        if slot not in taken:
            return slot
    oldest = conn.execute("SELECT slot FROM temp.search_slots ORDER BY used LIMIT 1").fetchone()[0]
    conn.execute("DELETE FROM temp.search_slots WHERE slot = ?", (oldest,))
    return int(oldest)


def _index_version(conn: sqlite3.Connection) -> bytes | None:
    # FTS5 keeps its segment structure in row 10 of its %_data table and rewrites it on every change.
    row = conn.execute("SELECT block FROM complaints_fts_data WHERE id = 10").fetchone()
    return None if row is None else bytes(row[0])


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
    """Rebuild the whole index from the table (one pass over every row) and clear the stale mark."""
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
