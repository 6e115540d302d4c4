"""Every status x action x actor against a table written out here, by hand, from INTERFACES.md.

The expected results below do not reuse the implementation's TRANSITIONS or PERMISSIONS, so a slip in either
one shows up as a failing case rather than being copied into the test.
"""

from __future__ import annotations

from itertools import combinations, product

import pytest

from sambat_tui.domain.model import Action, DispositionKind, Role, Status, Visibility
from sambat_tui.domain.transitions import (
    PERMISSIONS,
    Permission,
    RuleViolation,
    allowed_actions,
    apply_action,
    check_disposition,
    has_permission,
    may_read_reporter,
    permissions_of,
    status_after_disposition,
)

A, S = Action, Status
OP, FO, SV, CO, AU = "operator", "field_officer", "supervisor", "coordinator", "auditor"
SYSTEM = "system"
ACTORS = (OP, FO, SV, CO, AU, SYSTEM)

# (action, from status) -> (who may, status after). Anything not listed is refused.
EXPECTED: dict[tuple[Action, Status], tuple[set[str], Status]] = {
    (A.TAKE, S.ASSIGNED): ({OP, FO, SV}, S.ASSIGNED),
    (A.TAKE, S.IN_PROGRESS): ({OP, FO, SV}, S.IN_PROGRESS),
    (A.TAKE, S.ON_HOLD): ({OP, FO, SV}, S.ON_HOLD),
    (A.START, S.ASSIGNED): ({OP, FO, SV}, S.IN_PROGRESS),
    (A.HOLD, S.ASSIGNED): ({OP, FO, SV, CO}, S.ON_HOLD),
    (A.HOLD, S.IN_PROGRESS): ({OP, FO, SV, CO}, S.ON_HOLD),
    (A.RESUME, S.ON_HOLD): ({OP, FO, SV, CO}, S.IN_PROGRESS),
    (A.RESPOND, S.ASSIGNED): ({OP, FO, SV}, S.RESPONDED),
    (A.RESPOND, S.IN_PROGRESS): ({OP, FO, SV}, S.RESPONDED),
    (A.RESPOND, S.ON_HOLD): ({OP, FO, SV}, S.RESPONDED),
    (A.RETURN, S.ASSIGNED): ({OP, FO, SV}, S.RETURNED),
    (A.RETURN, S.IN_PROGRESS): ({OP, FO, SV}, S.RETURNED),
    (A.RETURN, S.ON_HOLD): ({OP, FO, SV}, S.RETURNED),
    (A.CLOSE, S.RESPONDED): ({SV, CO, SYSTEM}, S.CLOSED),
    (A.CLOSE, S.IN_PROGRESS): ({SV, CO, SYSTEM}, S.CLOSED),
    (A.CLOSE, S.ON_HOLD): ({SV, CO, SYSTEM}, S.CLOSED),
    (A.ARCHIVE, S.RECEIVED): ({CO}, S.ARCHIVED),
    (A.ARCHIVE, S.ASSIGNED): ({CO}, S.ARCHIVED),
    (A.ARCHIVE, S.IN_PROGRESS): ({CO}, S.ARCHIVED),
    (A.ARCHIVE, S.ON_HOLD): ({CO}, S.ARCHIVED),
    (A.ARCHIVE, S.RESPONDED): ({CO}, S.ARCHIVED),
    (A.ARCHIVE, S.RETURNED): ({CO}, S.ARCHIVED),
    (A.VERIFY, S.RECEIVED): ({CO}, S.ASSIGNED),
    (A.REOPEN, S.RESPONDED): ({SYSTEM}, S.IN_PROGRESS),
}
NEEDS_REASON = {A.RETURN, A.ARCHIVE}


def roles_of(actor: str) -> list[Role] | None:
    return None if actor == SYSTEM else [Role(actor)]


def expected_code(action: Action, status: Status, actor: str) -> str | None:
    entry = EXPECTED.get((action, status))
    if entry is not None and actor in entry[0]:
        return None
    may_ever = any(actor in who for (a, _), (who, _) in EXPECTED.items() if a is action)
    return "invalid_transition" if may_ever else "forbidden"


@pytest.mark.parametrize(("status", "action", "actor"), list(product(Status, Action, ACTORS)))
def test_every_status_action_actor(status: Status, action: Action, actor: str) -> None:
    code = expected_code(action, status, actor)
    if code is None:
        assert (
            apply_action(status, action, roles_of(actor), reason="bukan wewenang kami")
            is (EXPECTED[(action, status)][1])
        )
    else:
        with pytest.raises(RuleViolation) as caught:
            apply_action(status, action, roles_of(actor), reason="bukan wewenang kami")
        assert caught.value.code == code


@pytest.mark.parametrize(("status", "actor"), list(product(Status, ACTORS)))
def test_allowed_actions_lists_exactly_the_expected_ones(status: Status, actor: str) -> None:
    expected = {a for (a, s), (who, _) in EXPECTED.items() if s is status and actor in who}
    assert allowed_actions(status, roles_of(actor)) == expected


@pytest.mark.parametrize(("first", "second"), list(combinations((OP, FO, SV, CO, AU), 2)))
def test_several_roles_allow_what_any_of_them_allows(first: str, second: str) -> None:
    roles = [Role(first), Role(second)]
    for status in Status:
        expected = {
            a for (a, s), (who, _) in EXPECTED.items() if s is status and (first in who or second in who)
        }
        assert allowed_actions(status, roles) == expected


def test_a_user_without_roles_may_do_nothing_and_is_not_the_system() -> None:
    for status, action in product(Status, Action):
        with pytest.raises(RuleViolation) as caught:
            apply_action(status, action, [], reason="x")
        assert caught.value.code == "forbidden"
    assert allowed_actions(Status.RESPONDED, []) == frozenset()


def test_roles_may_be_any_iterable_even_a_generator() -> None:
    assert apply_action(Status.ASSIGNED, Action.START, (r for r in [Role.OPERATOR])) is Status.IN_PROGRESS


def test_a_role_that_could_act_elsewhere_gets_invalid_transition() -> None:
    # A supervisor may close, but not a complaint still waiting for verification.
    with pytest.raises(RuleViolation) as caught:
        apply_action(Status.RECEIVED, Action.CLOSE, [Role.SUPERVISOR])
    assert caught.value.code == "invalid_transition"
    assert "received" in caught.value.message


@pytest.mark.parametrize(
    ("status", "action", "actor"),
    [(s, a, actor) for (a, s), (who, _) in EXPECTED.items() if a in NEEDS_REASON for actor in sorted(who)],
)
@pytest.mark.parametrize("reason", [None, "", "   ", "\n\t"])
def test_return_and_archive_need_a_reason(
    status: Status, action: Action, actor: str, reason: str | None
) -> None:
    with pytest.raises(RuleViolation) as caught:
        apply_action(status, action, roles_of(actor), reason=reason)
    assert caught.value.code == "reason_required"


@pytest.mark.parametrize(
    ("status", "action", "actor"),
    [(s, a, sorted(who)[0]) for (a, s), (who, _) in EXPECTED.items() if a not in NEEDS_REASON],
)
def test_other_actions_need_no_reason(status: Status, action: Action, actor: str) -> None:
    assert apply_action(status, action, roles_of(actor)) is EXPECTED[(action, status)][1]


def test_forbidden_is_reported_before_a_missing_reason() -> None:
    with pytest.raises(RuleViolation) as caught:
        apply_action(Status.ASSIGNED, Action.ARCHIVE, [Role.OPERATOR], reason=None)
    assert caught.value.code == "forbidden"


def test_wire_strings_are_accepted_and_unknown_ones_rejected() -> None:
    assert apply_action("assigned", "start", ["operator"]) is Status.IN_PROGRESS  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        apply_action(Status.ASSIGNED, "teleport", [Role.OPERATOR])  # type: ignore[arg-type]


# --- permissions ------------------------------------------------------------------------------------

P = Permission
EXPECTED_PERMISSIONS: dict[str, set[Permission]] = {
    OP: {P.READ, P.TRANSITION, P.POST_UPDATE, P.INTAKE},
    FO: {P.READ, P.TRANSITION, P.POST_UPDATE},
    SV: {P.READ, P.TRANSITION, P.POST_UPDATE, P.REASSIGN, P.DISPOSE, P.LINK_DUPLICATE},
    CO: {
        P.READ,
        P.TRANSITION,
        P.POST_UPDATE,
        P.REASSIGN,
        P.DISPOSE,
        P.ARCHIVE,
        P.SET_VISIBILITY,
        P.READ_REPORTER,
        P.INTAKE,
        P.LINK_DUPLICATE,
    },
    AU: {P.READ},
}


@pytest.mark.parametrize(("role", "permission"), list(product((OP, FO, SV, CO, AU), Permission)))
def test_every_role_and_permission(role: str, permission: Permission) -> None:
    assert has_permission([Role(role)], permission) is (permission in EXPECTED_PERMISSIONS[role])


@pytest.mark.parametrize(("first", "second"), list(combinations((OP, FO, SV, CO, AU), 2)))
def test_permissions_of_several_roles_are_the_union(first: str, second: str) -> None:
    union = EXPECTED_PERMISSIONS[first] | EXPECTED_PERMISSIONS[second]
    assert permissions_of([Role(first), Role(second)]) == union


def test_permission_table_names_every_permission_and_no_roles_means_none() -> None:
    assert set(PERMISSIONS) == set(Permission)
    assert permissions_of([]) == frozenset()
    assert not has_permission([], Permission.READ)


@pytest.mark.parametrize(
    ("role", "visibility", "may"),
    [
        (CO, Visibility.PUBLIC, True),
        (CO, Visibility.ANONIM, True),
        (CO, Visibility.RAHASIA, True),
        (OP, Visibility.PUBLIC, True),
        (OP, Visibility.ANONIM, False),
        (FO, Visibility.PUBLIC, True),
        (FO, Visibility.RAHASIA, False),
        (SV, Visibility.PUBLIC, True),
        (SV, Visibility.ANONIM, False),
        (AU, Visibility.PUBLIC, False),
        (AU, Visibility.RAHASIA, False),
    ],
)
def test_reporter_identity_by_role_and_visibility(role: str, visibility: Visibility, may: bool) -> None:
    assert may_read_reporter([Role(role)], visibility) is may


# --- dispositions -----------------------------------------------------------------------------------

K = DispositionKind


@pytest.mark.parametrize(
    ("kind", "actor", "actor_agency", "from_agency", "to_agency"),
    [
        (K.REASSIGN, CO, None, "dishub", "dishub"),
        (K.REASSIGN, CO, None, "dishub", "dlh"),
        (K.REASSIGN, SV, "dishub", "dishub", "dishub"),
        (K.DISPOSE, CO, None, None, "dishub"),
        (K.DISPOSE, CO, None, "dishub", "dlh"),
        (K.DISPOSE, CO, None, "dishub", "dishub"),
        (K.DISPOSE, SV, "dishub", "dishub", "dlh"),
        (K.DISPOSE, SV, "dishub", "dishub", "pln"),
        (K.AUTO_ROUTE, SYSTEM, None, None, "dishub"),
        (K.RETURN, SYSTEM, None, "dishub", "diskominfo"),
        (K.ESCALATE, SYSTEM, None, "dishub", "dishub"),
    ],
)
def test_allowed_dispositions(
    kind: DispositionKind, actor: str, actor_agency: str | None, from_agency: str | None, to_agency: str
) -> None:
    check_disposition(kind, roles_of(actor), actor_agency, from_agency, to_agency)


@pytest.mark.parametrize(
    ("kind", "actor", "actor_agency", "from_agency", "to_agency", "fragment"),
    [
        (K.REASSIGN, SV, "dishub", "dishub", "dlh", "stays inside the agency"),
        (K.REASSIGN, SV, "dishub", "dlh", "dlh", "their own agency"),
        (K.REASSIGN, SV, None, "dishub", "dishub", "their own agency"),
        (K.DISPOSE, SV, "dishub", "dishub", "dishub", "sends to another agency"),
        (K.DISPOSE, SV, "dishub", "dlh", "pln", "their own agency"),
        (K.DISPOSE, SV, "dishub", None, "dlh", "their own agency"),
        (K.DISPOSE, OP, "dishub", "dishub", "dlh", "only a supervisor or the coordinator"),
        (K.REASSIGN, FO, "dishub", "dishub", "dishub", "only a supervisor or the coordinator"),
        (K.DISPOSE, AU, None, "dishub", "dlh", "only a supervisor or the coordinator"),
        (K.RETURN, OP, "dishub", "dishub", "diskominfo", "system only"),
        (K.AUTO_ROUTE, CO, None, None, "dishub", "system only"),
        (K.ESCALATE, SV, "dishub", "dishub", "dishub", "system only"),
        (K.DISPOSE, SYSTEM, None, "dishub", "dlh", "not by the system"),
        (K.REASSIGN, SYSTEM, None, "dishub", "dishub", "not by the system"),
    ],
)
def test_refused_dispositions(
    kind: DispositionKind,
    actor: str,
    actor_agency: str | None,
    from_agency: str | None,
    to_agency: str,
    fragment: str,
) -> None:
    with pytest.raises(RuleViolation) as caught:
        check_disposition(kind, roles_of(actor), actor_agency, from_agency, to_agency)
    assert caught.value.code == "forbidden"
    assert fragment in caught.value.message


def test_a_supervisor_who_is_also_coordinator_disposes_anywhere() -> None:
    check_disposition(K.DISPOSE, [Role.SUPERVISOR, Role.COORDINATOR], "dishub", "dlh", "dlh")


def test_a_disposition_needs_a_target_agency() -> None:
    with pytest.raises(ValueError, match="to_agency_id"):
        check_disposition(K.DISPOSE, [Role.COORDINATOR], None, "dishub", "")


# (kind, status) -> status after; closed and archived are refused for every kind, and so is
# returning a complaint that is received or responded.
AFTER: dict[tuple[DispositionKind, Status], Status] = {
    (K.DISPOSE, S.RECEIVED): S.ASSIGNED,
    (K.DISPOSE, S.ASSIGNED): S.ASSIGNED,
    (K.DISPOSE, S.IN_PROGRESS): S.ASSIGNED,
    (K.DISPOSE, S.ON_HOLD): S.ASSIGNED,
    (K.DISPOSE, S.RESPONDED): S.ASSIGNED,
    (K.DISPOSE, S.RETURNED): S.ASSIGNED,
    (K.AUTO_ROUTE, S.RECEIVED): S.ASSIGNED,
    (K.AUTO_ROUTE, S.ASSIGNED): S.ASSIGNED,
    (K.AUTO_ROUTE, S.IN_PROGRESS): S.ASSIGNED,
    (K.AUTO_ROUTE, S.ON_HOLD): S.ASSIGNED,
    (K.AUTO_ROUTE, S.RESPONDED): S.ASSIGNED,
    (K.AUTO_ROUTE, S.RETURNED): S.ASSIGNED,
    (K.REASSIGN, S.RECEIVED): S.ASSIGNED,
    (K.REASSIGN, S.ASSIGNED): S.ASSIGNED,
    (K.REASSIGN, S.IN_PROGRESS): S.IN_PROGRESS,
    (K.REASSIGN, S.ON_HOLD): S.ON_HOLD,
    (K.REASSIGN, S.RESPONDED): S.RESPONDED,
    (K.REASSIGN, S.RETURNED): S.ASSIGNED,
    (K.RETURN, S.ASSIGNED): S.RETURNED,
    (K.RETURN, S.IN_PROGRESS): S.RETURNED,
    (K.RETURN, S.ON_HOLD): S.RETURNED,
    (K.RETURN, S.RETURNED): S.RETURNED,
    (K.ESCALATE, S.RECEIVED): S.RECEIVED,
    (K.ESCALATE, S.ASSIGNED): S.ASSIGNED,
    (K.ESCALATE, S.IN_PROGRESS): S.IN_PROGRESS,
    (K.ESCALATE, S.ON_HOLD): S.ON_HOLD,
    (K.ESCALATE, S.RESPONDED): S.RESPONDED,
    (K.ESCALATE, S.RETURNED): S.RETURNED,
}


@pytest.mark.parametrize(("kind", "status"), list(product(DispositionKind, Status)))
def test_status_after_every_disposition(kind: DispositionKind, status: Status) -> None:
    if (kind, status) in AFTER:
        assert status_after_disposition(status, kind) is AFTER[(kind, status)]
    else:
        with pytest.raises(RuleViolation) as caught:
            status_after_disposition(status, kind)
        assert caught.value.code == "invalid_transition"
