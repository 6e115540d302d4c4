"""Who sees which complaint (INTERFACES.md, Scope): a function of the user and where the complaint sits."""

from __future__ import annotations

from dataclasses import dataclass

from sambat_tui.central.records import ScopeKey
from sambat_tui.contract import Complaint, User
from sambat_tui.domain import transitions as rules
from sambat_tui.domain.model import Role, Visibility

_CITY_WIDE = frozenset({Role.COORDINATOR, Role.AUDITOR})


@dataclass(frozen=True, slots=True)
class Scope:
    """The union of a user's role scopes. ``everything`` for city-wide roles."""

    everything: bool
    agency_id: str | None = None
    """Set for a supervisor: the whole agency."""
    desk_ids: tuple[str, ...] = ()
    """Set for an operator: the user's desks."""
    user_id: str | None = None
    """Set for a field officer: complaints assigned to them."""

    @classmethod
    def of(cls, user: User) -> Scope:
        roles = set(user.roles)
        if roles & _CITY_WIDE:
            return cls(everything=True)
        return cls(
            everything=False,
            agency_id=user.agency_id if Role.SUPERVISOR in roles else None,
            desk_ids=tuple(user.desk_ids) if Role.OPERATOR in roles else (),
            user_id=user.id if Role.FIELD_OFFICER in roles else None,
        )

    def matches_complaint(self, complaint: Complaint) -> bool:
        return self.matches(ScopeKey.of(complaint))

    def matches(self, key: ScopeKey) -> bool:
        if self.everything:
            return True
        return (
            (self.agency_id is not None and key.agency_id == self.agency_id)
            or (key.desk_id is not None and key.desk_id in self.desk_ids)
            or (self.user_id is not None and key.assignee_id == self.user_id)
        )


def may_read_reporter(user: User, visibility: Visibility, in_scope: bool) -> bool:
    """The role half is the domain's rule; a desk role must also have the complaint in scope."""
    if not rules.may_read_reporter(user.roles, visibility):
        return False
    return in_scope or rules.has_permission(user.roles, rules.Permission.READ_REPORTER)
