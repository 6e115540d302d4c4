"""Acting on complaints offline-first: each act is checked, then queued with its optimistic change.

For every complaint: the role and the status are checked with ``domain.transitions`` first (an act the role
may not do is refused at once, nothing is queued), then the optimistic change of the cached row and the
outbox mutation are written in ONE store transaction. The sync sends it later.

Refusals come back per complaint with an i18n message key (``refused.forbidden``, ...), not as exceptions:
a bulk action on 30 marked complaints queues what it can. Text that can never be sent (blank, too long, NUL,
a lone surrogate) raises ``TextRefused``: that is the caller's to fix, for every complaint alike.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sambat_tui.contract import check_text
from sambat_tui.domain import transitions as rules
from sambat_tui.domain.model import Action, DispositionKind, Status, UpdateKind, Visibility
from sambat_tui.services.identity import Identity
from sambat_tui.services.templates import CannedResponse, responses_for
from sambat_tui.store import complaints, outbox, reference, timeline
from sambat_tui.store.complaints import CachedComplaint
from sambat_tui.store.db import Store
from sambat_tui.store.db import StoreFull as StoreFull  # what a change on a full disk raises
from sambat_tui.store.reference import RefEntity
from sambat_tui.sync.optimistic import Op, changes_for

MAX_BODY = 20_000
MAX_REASON = 2_000

REFUSED_NOT_FOUND = "refused.not_found"
REFUSED_READ_ONLY = "refused.read_only"
REFUSED_NO_IDENTITY = "notify.no_identity"
REFUSED_DUPLICATE_CHAIN = "refused.duplicate_chain"


class TextRefused(ValueError):
    """A body or reason the server would refuse whatever the complaint: say why, in both languages."""


def checked_text(text: str, *, limit: int, what: str) -> str:
    if not text.strip():
        raise TextRefused(f"{what} kosong / {what} is empty")
    if len(text) > limit:
        raise TextRefused(f"{what} lebih dari {limit} karakter / {what} is longer than {limit} characters")
    try:
        return check_text(text)
    except ValueError as error:
        raise TextRefused(f"{what}: {error}") from None


@dataclass(frozen=True)
class ActionResult:
    queued: tuple[str, ...]
    """Mutation ids, one per complaint queued."""
    refused: tuple[tuple[str, str], ...]
    """(complaint id or the reference given, i18n message key) for each complaint refused."""

    @classmethod
    def one(cls, queued: str | None, refused: tuple[str, str] | None) -> ActionResult:
        return cls((queued,) if queued else (), (refused,) if refused else ())


class _Refusal(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _violation_key(violation: rules.RuleViolation) -> str:
    return f"refused.{violation.code}"


class ActionService:
    def __init__(
        self,
        store: Store,
        *,
        identity: Callable[[], Identity | None],
        read_only: bool,
        now: Callable[[], datetime],
        canned: tuple[CannedResponse, ...],
    ) -> None:
        self._store = store
        self._identity = identity
        self._read_only = read_only
        self._now = now
        self._canned = canned

    # --- reading ---

    def allowed(self, complaint_id: str) -> frozenset[Action]:
        from sambat_tui.services.complaints import allowed_for

        me = self._identity()
        with self._store.read() as conn:
            cached = complaints.get(conn, complaint_id)
        if cached is None:
            return frozenset()
        return allowed_for(cached.status, me.roles if me else None, read_only=self._read_only)

    def templates(self, complaint_id: str) -> tuple[CannedResponse, ...]:
        """Canned responses for the complaint's status and category group, the group's own first."""
        with self._store.read() as conn:
            cached = complaints.get(conn, complaint_id)
            if cached is None:
                return ()
            code = cached.data.get("category_code")
            category = reference.get(conn, RefEntity.CATEGORY, code) if isinstance(code, str) else None
        group = category.get("group") if category else None
        return responses_for(self._canned, cached.status, group if isinstance(group, str) else None)

    # --- the one way to queue ---

    def _queue(
        self,
        complaint_id: str,
        op: str,
        payload: Mapping[str, Any],
        check: Callable[[CachedComplaint, Identity], None],
        local_update: Mapping[str, Any] | None = None,
    ) -> ActionResult:
        if self._read_only:
            return ActionResult.one(None, (complaint_id, REFUSED_READ_ONLY))
        me = self._identity()
        if me is None:
            return ActionResult.one(None, (complaint_id, REFUSED_NO_IDENTITY))
        mutation_id = str(uuid.uuid4())
        now = self._now()
        try:
            with self._store.transaction() as conn:
                cached = complaints.get(conn, complaint_id)
                if cached is None:
                    raise _Refusal(REFUSED_NOT_FOUND)
                try:
                    check(cached, me)
                except rules.RuleViolation as violation:
                    raise _Refusal(_violation_key(violation)) from None
                full = {**payload, "ref": cached.data.get("public_ref")}
                self._append(conn, mutation_id, cached, op, full, me, now)
                changed = changes_for(cached.data, op, full, me.user_id)
                if changed:
                    complaints.patch_local(conn, cached.id, changed)
                if local_update is not None:
                    timeline.put_local_update(conn, {**local_update, "complaint_id": cached.id})
        except _Refusal as refusal:
            return ActionResult.one(None, (complaint_id, refusal.key))
        return ActionResult.one(mutation_id, None)

    @staticmethod
    def _append(
        conn: sqlite3.Connection,
        mutation_id: str,
        cached: CachedComplaint,
        op: str,
        payload: Mapping[str, Any],
        me: Identity,
        now: datetime,
    ) -> None:
        outbox.append(
            conn,
            mutation_id=mutation_id,
            complaint_id=cached.id,
            op=op,
            payload=payload,
            base_version=cached.version,
            authored_at=now,
            actor=me.user_id,
            now=now,
        )

    @staticmethod
    def _merge(results: Sequence[ActionResult]) -> ActionResult:
        return ActionResult(
            tuple(q for r in results for q in r.queued), tuple(x for r in results for x in r.refused)
        )

    # --- acts ---

    def transition(self, ids: Sequence[str], action: Action, reason: str | None = None) -> ActionResult:
        """Queue ``action`` on each complaint. ``respond`` needs its text: use ``respond``."""
        action = Action(action)
        if reason is not None:
            reason = checked_text(reason, limit=MAX_REASON, what="alasan / reason")
        if action is Action.RESPOND:
            raise ValueError(
                "respond carries a public response: use ActionService.respond(complaint_id, body)"
            )

        def check(cached: CachedComplaint, me: Identity) -> None:
            rules.apply_action(cached.status, action, me.roles, reason)

        payload: dict[str, Any] = {"action": action.value}
        if reason is not None:
            payload["reason"] = reason
        return self._merge([self._queue(i, Op.TRANSITION, payload, check) for i in ids])

    def return_(self, complaint_id: str, reason: str) -> ActionResult:
        """Return as *bukan wewenang*; the reason is required."""
        return self.transition([complaint_id], Action.RETURN, reason)

    def _update(self, complaint_id: str, kind: UpdateKind, body: str) -> ActionResult:
        body = checked_text(body, limit=MAX_BODY, what="teks / text")
        update_id = str(uuid.uuid4())
        authored_at = self._now().isoformat()
        payload: dict[str, Any] = {"update_id": update_id, "kind": kind.value, "body": body}
        if kind is UpdateKind.PUBLIC_RESPONSE:
            payload["status_after"] = Status.RESPONDED.value
        payload["authored_at"] = authored_at

        def check(cached: CachedComplaint, me: Identity) -> None:
            if kind is UpdateKind.PUBLIC_RESPONSE:
                rules.apply_action(cached.status, Action.RESPOND, me.roles)
            elif not rules.has_permission(me.roles, rules.Permission.POST_UPDATE):
                raise rules.RuleViolation(rules.ViolationCode.FORBIDDEN, "this role may not post notes")

        identity = self._identity()
        local = {
            "id": update_id,
            "kind": kind.value,
            "body": body,
            "status_after": payload.get("status_after"),
            "author_id": identity.user_id if identity else "",
            "authored_at": authored_at,
        }
        return self._queue(complaint_id, Op.UPDATE, payload, check, local)

    def respond(self, complaint_id: str, body: str) -> ActionResult:
        """A public response (*tanggapan*) with the respond transition, applied together by the server."""
        return self._update(complaint_id, UpdateKind.PUBLIC_RESPONSE, body)

    def note(self, complaint_id: str, body: str) -> ActionResult:
        """An internal note; never shown to the reporter."""
        return self._update(complaint_id, UpdateKind.INTERNAL_NOTE, body)

    def dispose(
        self,
        ids: Sequence[str],
        kind: DispositionKind,
        to_agency: str,
        *,
        reason: str,
        to_desk: str | None = None,
        to_user: str | None = None,
    ) -> ActionResult:
        """Reassign within the agency or dispose to another one (supervisor, coordinator); reason required."""
        kind = DispositionKind(kind)
        reason = checked_text(reason, limit=MAX_REASON, what="alasan / reason")
        payload: dict[str, Any] = {"kind": kind.value, "to_agency": to_agency, "reason": reason}
        if to_desk is not None:
            payload["to_desk"] = to_desk
        if to_user is not None:
            payload["to_user"] = to_user

        def check(cached: CachedComplaint, me: Identity) -> None:
            rules.check_disposition(kind, me.roles, me.agency_id, cached.data.get("agency_id"), to_agency)
            rules.status_after_disposition(cached.status, kind)

        return self._merge([self._queue(i, Op.DISPOSITION, payload, check) for i in ids])

    def move(
        self,
        ids: Sequence[str],
        *,
        to_agency: str,
        to_desk: str | None = None,
        to_user: str | None = None,
        reason: str,
    ) -> ActionResult:
        """Send each complaint to a desk, a person or an agency: a reassign where the complaint already is
        at ``to_agency`` (and a desk or person is named), a dispose otherwise. The kind is decided per
        complaint, so the coordinator can move marked complaints of several agencies at once."""
        with self._store.read() as conn:
            agencies = {i: (c.data.get("agency_id") if (c := complaints.get(conn, i)) else None) for i in ids}
        results = []
        for complaint_id in dict.fromkeys(ids):
            within = agencies.get(complaint_id) == to_agency and (to_desk is not None or to_user is not None)
            kind = DispositionKind.REASSIGN if within else DispositionKind.DISPOSE
            results.append(
                self.dispose([complaint_id], kind, to_agency, reason=reason, to_desk=to_desk, to_user=to_user)
            )
        return self._merge(results)

    def archive(self, ids: Sequence[str], reason: str) -> ActionResult:
        """Archive (too vague, irrelevant, a duplicate): the coordinator's, with a reason."""
        return self.transition(ids, Action.ARCHIVE, reason)

    def set_visibility(self, ids: Sequence[str], visibility: Visibility, *, reason: str) -> ActionResult:
        """public, anonim (reporter hidden) or rahasia (hidden from the public): the coordinator's."""
        visibility = Visibility(visibility)
        reason = checked_text(reason, limit=MAX_REASON, what="alasan / reason")

        def check(cached: CachedComplaint, me: Identity) -> None:
            if not rules.has_permission(me.roles, rules.Permission.SET_VISIBILITY):
                raise rules.RuleViolation(
                    rules.ViolationCode.FORBIDDEN, "only the coordinator sets visibility"
                )

        payload = {"visibility": visibility.value, "reason": reason}
        return self._merge([self._queue(i, Op.VISIBILITY, payload, check) for i in ids])

    def link_duplicate(self, complaint_id: str, original_id: str | None, *, reason: str) -> ActionResult:
        """Mark ``complaint_id`` as a duplicate of ``original_id`` (it then follows its status); None unlinks.

        Refused at once for a role without the right, a closed complaint, a link to itself, an original the
        cache does not hold or that is itself a duplicate (the server refuses chains too).
        """
        reason = checked_text(reason, limit=MAX_REASON, what="alasan / reason")
        original_ref: str | None = None
        if original_id is not None:
            with self._store.read() as conn:
                original = complaints.get(conn, original_id)
            if original is None:
                return ActionResult.one(None, (complaint_id, REFUSED_NOT_FOUND))
            if original.data.get("duplicate_of") is not None or original.id == complaint_id:
                return ActionResult.one(None, (complaint_id, REFUSED_DUPLICATE_CHAIN))
            original_ref = str(original.data.get("public_ref") or original.id)

        def check(cached: CachedComplaint, me: Identity) -> None:
            if not rules.has_permission(me.roles, rules.Permission.LINK_DUPLICATE):
                raise rules.RuleViolation(rules.ViolationCode.FORBIDDEN, "this role may not link duplicates")
            if original_id is not None and not cached.status.is_open:
                raise rules.RuleViolation(
                    rules.ViolationCode.INVALID_TRANSITION, f"a {cached.status} complaint is not linked"
                )

        payload: dict[str, Any] = {"duplicate_of": original_id, "reason": reason}
        if original_ref is not None:
            payload["duplicate_of_ref"] = original_ref
        return self._queue(complaint_id, Op.DUPLICATE, payload, check)
