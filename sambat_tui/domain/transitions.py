"""The status machine and the role rules: who may move a complaint where, dispose it, or see what.

Both the server (which enforces) and the client (which only offers what will be accepted) ask these
functions. The rules are data, ``TRANSITIONS`` and ``PERMISSIONS``, so a screen can list what a role may do.
A user holds several roles; an act is allowed when any of them allows it. ``roles=None`` is the system
itself: periodic jobs (auto-close after the reply window) and a citizen's reply arriving through a channel.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import NamedTuple

from sambat_tui.domain.model import Action, DispositionKind, Role, Status, Visibility


class ViolationCode(StrEnum):
    FORBIDDEN = "forbidden"
    INVALID_TRANSITION = "invalid_transition"
    REASON_REQUIRED = "reason_required"


class RuleViolation(Exception):
    """An act the rules refuse; ``code`` is the stable API error code (403, 409 or 422 on the wire)."""

    def __init__(self, code: ViolationCode, message: str) -> None:
        super().__init__(message)
        self.code: str = code
        self.message = message


DESK_ROLES: frozenset[Role] = frozenset({Role.OPERATOR, Role.FIELD_OFFICER, Role.SUPERVISOR})
OPEN_STATUSES: frozenset[Status] = frozenset(s for s in Status if s.is_open)


class TransitionRule(NamedTuple):
    sources: frozenset[Status]
    target: Status | None  # None: the status stays (take only changes the assignee)
    roles: frozenset[Role]
    by_system: bool = False
    reason_required: bool = False

    def allows_actor(self, roles: frozenset[Role] | None) -> bool:
        return self.by_system if roles is None else not self.roles.isdisjoint(roles)


_WORKING = frozenset({Status.ASSIGNED, Status.IN_PROGRESS, Status.ON_HOLD})

TRANSITIONS: Mapping[Action, TransitionRule] = MappingProxyType(
    {
        Action.TAKE: TransitionRule(_WORKING, None, DESK_ROLES),
        Action.START: TransitionRule(frozenset({Status.ASSIGNED}), Status.IN_PROGRESS, DESK_ROLES),
        Action.HOLD: TransitionRule(
            frozenset({Status.ASSIGNED, Status.IN_PROGRESS}), Status.ON_HOLD, DESK_ROLES | {Role.COORDINATOR}
        ),
        Action.RESUME: TransitionRule(
            frozenset({Status.ON_HOLD}), Status.IN_PROGRESS, DESK_ROLES | {Role.COORDINATOR}
        ),
        # The public response itself travels with the act; see the updates endpoint.
        Action.RESPOND: TransitionRule(_WORKING, Status.RESPONDED, DESK_ROLES),
        Action.RETURN: TransitionRule(_WORKING, Status.RETURNED, DESK_ROLES, reason_required=True),
        Action.CLOSE: TransitionRule(
            frozenset({Status.RESPONDED, Status.IN_PROGRESS, Status.ON_HOLD}),
            Status.CLOSED,
            frozenset({Role.SUPERVISOR, Role.COORDINATOR}),
            by_system=True,
        ),
        Action.ARCHIVE: TransitionRule(
            OPEN_STATUSES, Status.ARCHIVED, frozenset({Role.COORDINATOR}), reason_required=True
        ),
        Action.VERIFY: TransitionRule(
            frozenset({Status.RECEIVED}), Status.ASSIGNED, frozenset({Role.COORDINATOR})
        ),
        # A citizen's reply inside the reply window; no person reopens by hand.
        Action.REOPEN: TransitionRule(
            frozenset({Status.RESPONDED}), Status.IN_PROGRESS, frozenset(), by_system=True
        ),
    }
)


def _actor(roles: Iterable[Role] | None) -> frozenset[Role] | None:
    return None if roles is None else frozenset(Role(r) for r in roles)


def _who(roles: frozenset[Role] | None) -> str:
    if roles is None:
        return "the system"
    return "a user with roles " + ", ".join(sorted(roles)) if roles else "a user without roles"


def apply_action(
    status: Status, action: Action, roles: Iterable[Role] | None, reason: str | None = None
) -> Status:
    """The status after ``action``; else RuleViolation: forbidden, invalid_transition, reason_required.

    Forbidden comes first so that a role never learns from the error which statuses it could act on.
    """
    status, action, actor = Status(status), Action(action), _actor(roles)
    rule = TRANSITIONS[action]
    if not rule.allows_actor(actor):
        raise RuleViolation(ViolationCode.FORBIDDEN, f"{_who(actor)} may not {action} a complaint")
    if status not in rule.sources:
        allowed = ", ".join(sorted(rule.sources))
        raise RuleViolation(
            ViolationCode.INVALID_TRANSITION,
            f"cannot {action} a complaint that is {status} (only: {allowed})",
        )
    if rule.reason_required and (reason is None or not reason.strip()):
        raise RuleViolation(ViolationCode.REASON_REQUIRED, f"{action} needs a reason")
    return rule.target or status


def allowed_actions(status: Status, roles: Iterable[Role] | None) -> frozenset[Action]:
    """Actions the actor may take from ``status``; those needing a reason are included (ask for it)."""
    status, actor = Status(status), _actor(roles)
    return frozenset(
        a for a, rule in TRANSITIONS.items() if status in rule.sources and rule.allows_actor(actor)
    )


class Permission(StrEnum):
    READ = "read"
    TRANSITION = "transition"
    POST_UPDATE = "post_update"
    REASSIGN = "reassign"
    DISPOSE = "dispose"
    ARCHIVE = "archive"
    SET_VISIBILITY = "set_visibility"
    READ_REPORTER = "read_reporter"  # reporter identity whatever the visibility; see may_read_reporter
    INTAKE = "intake"
    LINK_DUPLICATE = "link_duplicate"


_EVERY_ROLE = frozenset(Role)
_SUPERVISION = frozenset({Role.SUPERVISOR, Role.COORDINATOR})
_COORDINATOR = frozenset({Role.COORDINATOR})

PERMISSIONS: Mapping[Permission, frozenset[Role]] = MappingProxyType(
    {
        Permission.READ: _EVERY_ROLE,
        Permission.TRANSITION: DESK_ROLES | _COORDINATOR,
        Permission.POST_UPDATE: DESK_ROLES | _COORDINATOR,
        Permission.REASSIGN: _SUPERVISION,
        Permission.DISPOSE: _SUPERVISION,
        Permission.ARCHIVE: _COORDINATOR,
        Permission.SET_VISIBILITY: _COORDINATOR,
        Permission.READ_REPORTER: _COORDINATOR,
        # An operator takes walk-in and phone reports at the agency's desk.
        Permission.INTAKE: frozenset({Role.COORDINATOR, Role.OPERATOR}),
        Permission.LINK_DUPLICATE: _SUPERVISION,
    }
)


def has_permission(roles: Iterable[Role], permission: Permission) -> bool:
    return not PERMISSIONS[Permission(permission)].isdisjoint(Role(r) for r in roles)


# The supervisor's views (workload, escalations, dashboard) and the coordinator's triage list: the auditor
# reads them all and acts on nothing. Desk operators and field officers work from the inbox.
_VIEWERS = _SUPERVISION | {Role.AUDITOR}
_TRIAGE_VIEWERS = _COORDINATOR | {Role.AUDITOR}


def may_view_supervision(roles: Iterable[Role]) -> bool:
    return not _VIEWERS.isdisjoint(Role(r) for r in roles)


def may_view_triage(roles: Iterable[Role]) -> bool:
    return not _TRIAGE_VIEWERS.isdisjoint(Role(r) for r in roles)


def permissions_of(roles: Iterable[Role]) -> frozenset[Permission]:
    held = frozenset(Role(r) for r in roles)
    return frozenset(p for p, allowed in PERMISSIONS.items() if not allowed.isdisjoint(held))


def may_read_reporter(roles: Iterable[Role], visibility: Visibility) -> bool:
    """The role half of the reporter rule: coordinator always, desk roles for public reports, auditor never.

    Whether the complaint is in the desk user's scope is the caller's check.
    """
    held = frozenset(Role(r) for r in roles)
    if has_permission(held, Permission.READ_REPORTER):
        return True
    return Visibility(visibility) is Visibility.PUBLIC and not held.isdisjoint(DESK_ROLES)


SYSTEM_DISPOSITIONS: frozenset[DispositionKind] = frozenset(
    {DispositionKind.AUTO_ROUTE, DispositionKind.RETURN, DispositionKind.ESCALATE}
)


def check_disposition(
    kind: DispositionKind,
    roles: Iterable[Role] | None,
    actor_agency_id: str | None,
    from_agency_id: str | None,
    to_agency_id: str,
) -> None:
    """Raise RuleViolation(forbidden) unless the actor may write this disposition.

    reassign: a supervisor within their own agency, the coordinator anywhere. dispose: a supervisor from
    their own agency to another one, the coordinator anywhere. auto_route, return, escalate: the system only
    (``roles=None``); the server writes a return when a desk does the ``return`` action.
    """
    kind, actor = DispositionKind(kind), _actor(roles)
    if not to_agency_id:
        raise ValueError("to_agency_id is required: every disposition lands at an agency")
    if actor is None:
        if kind in SYSTEM_DISPOSITIONS:
            return
        raise RuleViolation(ViolationCode.FORBIDDEN, f"{kind} is done by a person, not by the system")
    if kind in SYSTEM_DISPOSITIONS:
        raise RuleViolation(ViolationCode.FORBIDDEN, f"a {kind} disposition is written by the system only")
    if Role.COORDINATOR in actor:
        return
    if Role.SUPERVISOR not in actor:
        raise RuleViolation(ViolationCode.FORBIDDEN, f"only a supervisor or the coordinator may {kind}")
    if actor_agency_id is None or from_agency_id != actor_agency_id:
        raise RuleViolation(
            ViolationCode.FORBIDDEN, f"a supervisor may only {kind} complaints that are at their own agency"
        )
    if kind is DispositionKind.REASSIGN and to_agency_id != actor_agency_id:
        raise RuleViolation(
            ViolationCode.FORBIDDEN, "reassign stays inside the agency; dispose sends to another agency"
        )
    if kind is DispositionKind.DISPOSE and to_agency_id == actor_agency_id:
        raise RuleViolation(
            ViolationCode.FORBIDDEN, "dispose sends to another agency; reassign moves inside your own"
        )


def status_after_disposition(status: Status, kind: DispositionKind) -> Status:
    """The status a disposition leaves behind; closed and archived complaints are not disposed.

    dispose and auto_route land in assigned (the new agency starts fresh); reassign lifts received and
    returned to assigned and keeps the rest; return lands in returned; escalate keeps the status.
    """
    status, kind = Status(status), DispositionKind(kind)
    if not status.is_open:
        raise RuleViolation(
            ViolationCode.INVALID_TRANSITION, f"a complaint that is {status} takes no {kind} disposition"
        )
    if kind in (DispositionKind.DISPOSE, DispositionKind.AUTO_ROUTE):
        return Status.ASSIGNED
    if kind is DispositionKind.REASSIGN:
        return Status.ASSIGNED if status in (Status.RECEIVED, Status.RETURNED) else status
    if kind is DispositionKind.RETURN:
        if status not in TRANSITIONS[Action.RETURN].sources | {Status.RETURNED}:
            raise RuleViolation(
                ViolationCode.INVALID_TRANSITION, f"a complaint that is {status} cannot be returned"
            )
        return Status.RETURNED
    return status
