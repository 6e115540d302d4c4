"""The change feed: scope-aware pages of the change log behind an opaque cursor.

For each complaint row the caller gets an upsert when the row's scope matches theirs, an evict when only
the previous scope did (the complaint left them), and nothing otherwise. Timeline entries (updates,
dispositions) go only to callers whose scope holds their complaint now; when a complaint moves, its timeline
is logged again so that those who gain it receive it. Reference entities go to everyone. Rows are served
only up to the storage's watermark, so a page never skips a row that commits later with a lower number.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass

from sambat_tui.central.context import Context
from sambat_tui.central.problems import ApiProblem
from sambat_tui.central.records import FeedRow, FeedState
from sambat_tui.central.scope import Scope
from sambat_tui.central.storage import LOG_REANNOUNCE
from sambat_tui.contract import (
    REFERENCE_ENTITIES,
    ChangeOp,
    CursorExpiredReason,
    Entity,
    ProblemCode,
    User,
)

_CURSOR_TEXT = re.compile(r"^([0-9a-f]{1,64})\.(0|[1-9][0-9]{0,9})\.(0|[1-9][0-9]{0,18})$")
_REFERENCE = frozenset(e.value for e in REFERENCE_ENTITIES)


@dataclass(frozen=True, slots=True)
class Cursor:
    epoch: str
    """The database the cursor belongs to."""
    generation: int
    """The compaction generation it was issued in."""
    seq: int
    """Everything up to here has been served."""


def encode_cursor(cursor: Cursor) -> str:
    text = f"{cursor.epoch}.{cursor.generation}.{cursor.seq}"
    return base64.urlsafe_b64encode(text.encode("ascii")).decode("ascii").rstrip("=")


def _bad_cursor(detail: str) -> ApiProblem:
    return ApiProblem(
        ProblemCode.VALIDATION_FAILED,
        f"Kursor tidak dikenal / unrecognised cursor: {detail}",
        extra={"errors": [{"loc": ["query", "cursor"], "msg": detail, "type": "value_error"}]},
    )


def decode_cursor(cursor: str) -> Cursor:
    """A cursor this server made; 422 for anything else."""
    if len(cursor) > 120 or not re.fullmatch(r"[A-Za-z0-9_-]+", cursor):
        raise _bad_cursor("not a cursor from this server")
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise _bad_cursor("not a cursor from this server") from None
    match = _CURSOR_TEXT.fullmatch(text)
    if match is None:
        raise _bad_cursor("not a cursor from this server")
    return Cursor(match.group(1), int(match.group(2)), int(match.group(3)))


def _op_for(scope: Scope, row: FeedRow) -> ChangeOp | None:
    if row.entity in _REFERENCE:
        return ChangeOp.UPSERT
    if row.entity == Entity.COMPLAINT.value:
        if scope.matches(row.scope):
            return ChangeOp.UPSERT
        return ChangeOp.EVICT if scope.matches(row.prev_scope) else None
    # A timeline entry goes only where its complaint is now: a reader who lost the complaint meanwhile
    # gets (or got) its evict, and after a compaction the rows that would have evicted may be gone.
    if row.current_scope is None or not scope.matches(row.current_scope):
        return None
    if row.op == LOG_REANNOUNCE:
        # Logged again because the complaint moved: news only to those who did not have it before.
        return ChangeOp.UPSERT if scope.matches(row.scope) and not scope.matches(row.prev_scope) else None
    return ChangeOp.UPSERT if scope.matches(row.scope) else None


def _change_json(row: FeedRow, op: ChangeOp) -> str:
    # The stored entity JSON is spliced in as written: no parse, no re-encoding, byte-exact text.
    data = row.data if op is ChangeOp.UPSERT and row.data is not None else "null"
    return (
        f'{{"seq":{row.seq},"entity":{json.dumps(row.entity)},"id":{json.dumps(row.entity_id)},'
        f'"op":"{op.value}","version":{row.version},"data":{data}}}'
    )


def _expired(reason: CursorExpiredReason, detail: str) -> ApiProblem:
    return ApiProblem(ProblemCode.CURSOR_EXPIRED, detail, extra={"reason": reason.value})


def _check_cursor(position: Cursor, state: FeedState) -> None:
    """410 for a cursor this database cannot resume, with the ``reason`` a client tells its cases by."""
    # The watermark and the generation only grow (compaction keeps the newest row of every entity): a
    # cursor past either is from this database's future, i.e. the file was set back in time (restored from
    # a plain copy or a filesystem snapshot). Its sequence numbers will be reused for other changes, so
    # resuming it would silently skip them: it is another database's cursor.
    if (
        position.epoch != state.epoch
        or position.seq > state.watermark
        or position.generation > state.generation
    ):
        raise _expired(
            CursorExpiredReason.OTHER_DATABASE,
            "Kursor berasal dari basis data lain (atau yang dipulihkan); unduh ulang dari awal / "
            "the cursor is from another database (or a restored one); bootstrap again",
        )
    if position.generation != state.generation and position.seq < state.min_seq:
        raise _expired(
            CursorExpiredReason.COMPACTED,
            "Log perubahan sudah dipadatkan melewati kursor ini; unduh ulang dari awal / "
            "the change log was compacted past this cursor; bootstrap again",
        )


def changes_page(context: Context, user: User, cursor: str | None, limit: int) -> str:
    """The JSON of one ``ChangePage``. 410 when the cursor is from before a compaction or another database."""
    scope = Scope.of(user)
    with context.storage.read() as tx:
        state = tx.feed_state()
        after = 0
        if cursor:
            position = decode_cursor(cursor)
            _check_cursor(position, state)
            after = position.seq
        rows = tx.feed_rows(scope, after=after, upto=state.watermark, limit=limit)
    parts = [_change_json(row, op) for row in rows if (op := _op_for(scope, row)) is not None]
    if len(rows) == limit and rows[-1].seq < state.watermark:
        served, has_more = rows[-1].seq, True
    else:
        served, has_more = state.watermark, False
    next_cursor = encode_cursor(Cursor(state.epoch, state.generation, served))
    more = "true" if has_more else "false"
    return '{"changes":[' + ",".join(parts) + f'],"next_cursor":"{next_cursor}","has_more":{more}}}'
