"""Deciding what a failed push means: retry later, rebase on the server's version, or a conflict for a person.

- network errors, 5xx, 408/425 and answers that break the contract: **retry** with backoff (the
  mutation is idempotent, so a retry after a commit the client never heard of is harmless);
- 429 ``rate_limited``: **wait**: nothing is wrong with the mutation, the server asks this client to slow
  down; it stays queued as it was and the whole run pauses for the server's ``Retry-After``;
- 412 ``version_mismatch``: **rebase** when the act is still valid on the server's current version
  (``domain.transitions``), else a conflict that says why;
- 401: **stop** the push (the token is no longer good; nothing else will pass either);
- any other refusal (403, 404, 409, 410, 422, 428): a **conflict**, with the server's own reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from sambat_tui.contract import Complaint
from sambat_tui.domain import transitions as rules
from sambat_tui.domain.model import Action, DispositionKind, Role, Status
from sambat_tui.store.outbox import OutboxEntry
from sambat_tui.sync.errors import ApiError, Offline, ProtocolError, SyncError
from sambat_tui.sync.optimistic import Op


class Verdict(StrEnum):
    RETRY = "retry"
    WAIT = "wait"
    REBASE = "rebase"
    CONFLICT = "conflict"
    STOP = "stop"


@dataclass(frozen=True, slots=True)
class Decision:
    verdict: Verdict
    error: str
    """Short technical form for ``last_error``: ``412 version_mismatch``, ``Offline: ConnectError``."""
    reason: str | None = None
    """The server's words for a conflict (its problem ``detail``), shown in the Outbox screen."""
    retry_after: float | None = None


def classify(error: SyncError) -> Decision:
    if isinstance(error, Offline):
        return Decision(Verdict.RETRY, f"offline: {error}")
    if isinstance(error, ProtocolError):
        return Decision(Verdict.RETRY, f"protocol: {error}")
    if isinstance(error, ApiError):
        short = f"{error.status} {error.code}"
        if error.unauthenticated:
            return Decision(Verdict.STOP, short, error.detail)
        if error.rate_limited:
            return Decision(Verdict.WAIT, short, error.detail, retry_after=error.retry_after)
        if error.transient:
            return Decision(Verdict.RETRY, short, retry_after=error.retry_after)
        if error.status == 412:
            return Decision(Verdict.REBASE, short, error.detail)
        return Decision(Verdict.CONFLICT, short, error.detail or error.title or short)
    return Decision(Verdict.RETRY, f"{type(error).__name__}: {error}")


def rebase_refusal(
    entry: OutboxEntry,
    current: Complaint,
    roles: Iterable[Role],
    agency_id: str | None,
) -> str | None:
    """Why ``entry`` cannot be replayed on ``current`` (a sentence), or None when it still can.

    The question is the one the server will ask: may this actor do this act on the complaint as it is now.
    """
    held = frozenset(roles)
    status = current.status
    try:
        if entry.op == Op.TRANSITION:
            action = Action(entry.payload["action"])
            rules.apply_action(status, action, held, entry.payload.get("reason"))
        elif entry.op == Op.UPDATE:
            if entry.payload.get("status_after") == Status.RESPONDED.value:
                rules.apply_action(status, Action.RESPOND, held)
        elif entry.op == Op.DISPOSITION:
            kind = DispositionKind(entry.payload["kind"])
            rules.check_disposition(kind, held, agency_id, current.agency_id, entry.payload["to_agency"])
            rules.status_after_disposition(status, kind)
        elif entry.op in (Op.VISIBILITY, Op.DUPLICATE):
            needed = (
                rules.Permission.SET_VISIBILITY
                if entry.op == Op.VISIBILITY
                else rules.Permission.LINK_DUPLICATE
            )
            if not rules.has_permission(held, needed):
                raise rules.RuleViolation(rules.ViolationCode.FORBIDDEN, f"your role may not {needed.value}")
            if entry.op == Op.DUPLICATE and entry.payload.get("duplicate_of") and not status.is_open:
                raise rules.RuleViolation(
                    rules.ViolationCode.INVALID_TRANSITION, f"a {status.value} complaint is not linked"
                )
        else:
            return f"unknown operation {entry.op!r}"
    except rules.RuleViolation as violation:
        return (
            f"Pengaduan sudah berubah di server (status {status.value}, versi {current.version}): "
            f"{violation.message} / the complaint changed on the server"
        )
    return None
