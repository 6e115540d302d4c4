"""One complaint as the complaint screen and ``sambat-tui show`` need it: the wire object and its timeline.

Text is returned as stored (byte-exact); whoever draws it neutralises it (``domain.text_safety``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sambat_tui.domain import transitions as rules
from sambat_tui.domain.model import Action, Role, Status
from sambat_tui.store import complaints, outbox, timeline
from sambat_tui.store.complaints import CachedComplaint
from sambat_tui.store.db import Store
from sambat_tui.store.outbox import OutboxState
from sambat_tui.store.timeline import EntryType, TimelineItem

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")

_STATUSES = frozenset(s.value for s in Status)

PERSON_ACTIONS: frozenset[Action] = frozenset(Action) - {Action.REOPEN}
"""Reopen is the system's (a citizen's reply); no person is offered it."""


@dataclass(frozen=True)
class TimelineEntry:
    id: str
    at: datetime
    kind: str
    """``update`` or ``disposition``."""
    subkind: str
    """An UpdateKind or DispositionKind value."""
    public: bool
    body: str
    """An update's body, a disposition's reason."""
    author: str | None
    status_after: Status | None
    detail: str
    """For a disposition: where it went (``dpuprpkp/dpuprpkp.jalan -> dlh``; ``-> dlh`` from the intake);
    empty for updates. ASCII: ``sambat-tui show`` prints it for scripts too."""
    pending: bool
    by_rule: bool = False
    """Whether ``author`` is the routing or deadline rule that made it (``sla.resolve``), not a person."""


@dataclass(frozen=True)
class ComplaintDetail:
    data: dict[str, Any]
    timeline: tuple[TimelineEntry, ...]
    reporter: dict[str, Any] | None
    """Never in the cache (personal data stays on the server); None here."""
    allowed: frozenset[Action]
    pending: int
    conflicts: int


def _place(agency: object, desk: object) -> str:
    if not agency:
        return "-"
    return f"{agency}/{desk}" if desk else str(agency)


def timeline_entry(item: TimelineItem) -> TimelineEntry:
    data = item.data
    if item.entry is EntryType.UPDATE:
        status = data.get("status_after")
        return TimelineEntry(
            id=item.id,
            at=item.at,
            kind=item.entry.value,
            subkind=item.kind,
            public=item.public,
            body=str(data.get("body", "")),
            author=data.get("author_id"),
            status_after=Status(status) if isinstance(status, str) and status in _STATUSES else None,
            detail="",
            pending=item.pending,
        )
    source = _place(data.get("from_agency_id"), data.get("from_desk_id"))
    target = _place(data.get("to_agency_id"), data.get("to_desk_id"))
    detail = f"-> {target}" if source == "-" else f"{source} -> {target}"  # an intake comes from nowhere
    if data.get("to_user_id"):
        detail += f" @{data['to_user_id']}"
    return TimelineEntry(
        id=item.id,
        at=item.at,
        kind=item.entry.value,
        subkind=item.kind,
        public=item.public,
        body=str(data.get("reason", "")),
        author=data.get("actor_id") or data.get("rule_id"),
        status_after=None,
        detail=detail,
        pending=item.pending,
        by_rule=not data.get("actor_id") and bool(data.get("rule_id")),
    )


def allowed_for(status: Status, roles: frozenset[Role] | None, *, read_only: bool) -> frozenset[Action]:
    """What a person may do from ``status``; nothing before the identity is known or in read-only mode."""
    if roles is None or read_only:
        return frozenset()
    return rules.allowed_actions(status, roles) & PERSON_ACTIONS


def find(conn: Any, ref_or_id: str) -> CachedComplaint | None:
    key = ref_or_id.strip()
    if _UUID.match(key):
        return complaints.get(conn, key.lower())
    return complaints.get_by_ref(conn, key.upper())


class ComplaintService:
    def __init__(self, store: Store, *, roles: Callable[[], frozenset[Role] | None], read_only: bool) -> None:
        self._store = store
        self._roles = roles
        self._read_only = read_only

    def get(self, ref_or_id: str) -> ComplaintDetail | None:
        """By public reference (``MLG-2026-000123``, any case) or id; None when the cache does not hold it."""
        with self._store.read() as conn:
            cached = find(conn, ref_or_id)
            if cached is None:
                return None
            items = timeline.for_complaint(conn, cached.id)
            conflicts = sum(
                1 for e in outbox.for_complaint(conn, cached.id) if e.state is OutboxState.CONFLICT
            )
        return ComplaintDetail(
            data=cached.data,
            timeline=tuple(timeline_entry(i) for i in items),
            reporter=None,
            allowed=allowed_for(cached.status, self._roles(), read_only=self._read_only),
            pending=cached.pending,
            conflicts=conflicts,
        )
