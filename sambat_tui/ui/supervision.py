"""The supervisor's and the coordinator's part of the app: what it needs from the services, which keys a role
sees, and the acting flows (reassign or dispose, archive, visibility, duplicates, dispose to a guess).

The views (workload, escalations, dashboard, triage) are screens pushed by app keys; for a desk operator or
a field officer those keys are hidden (``check_action`` answers False). The acting keys are dimmed for a
role that may not use them (None), and a flow started anyway is refused at once, before any dialog. The
services check again, and the server a third time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from textual.app import App

from sambat_tui.domain.model import Visibility
from sambat_tui.domain.text_safety import one_line
from sambat_tui.domain.transitions import Permission, has_permission, may_view_supervision, may_view_triage
from sambat_tui.ui.flows import Context, Flows, Target, describe, kept_for_retry, why_not_done
from sambat_tui.ui.i18n import t

if TYPE_CHECKING:
    from sambat_tui.domain.weeks import IsoWeek
    from sambat_tui.services.actions import ActionResult
    from sambat_tui.services.exports import Table
    from sambat_tui.services.supervision import (
        Dashboard,
        DuplicateSuggestion,
        EscalationRow,
        Guess,
        TriageItem,
        Workload,
    )
    from sambat_tui.services.supervision import Target as MoveTarget


class SupervisionPort(Protocol):
    def now(self) -> datetime: ...
    def may_view(self) -> bool: ...
    def may_view_triage(self) -> bool: ...
    def may_supervise(self) -> bool: ...
    def workload(self) -> Workload: ...
    def escalations(self, limit: int = 500) -> tuple[EscalationRow, ...]: ...
    def dashboard(self, weeks: int = 12, until: IsoWeek | None = None) -> Dashboard: ...
    def triage(self, limit: int = 200) -> tuple[TriageItem, ...]: ...
    def duplicates(self, complaint_id: str, limit: int = 10) -> tuple[DuplicateSuggestion, ...]: ...
    def targets(self) -> tuple[MoveTarget, ...]: ...
    def export(self, view: str, table: Table) -> Path: ...


class SupervisorActionsPort(Protocol):
    def move(
        self,
        ids: Sequence[str],
        *,
        to_agency: str,
        to_desk: str | None = None,
        to_user: str | None = None,
        reason: str,
    ) -> ActionResult: ...
    def archive(self, ids: Sequence[str], reason: str) -> ActionResult: ...
    def set_visibility(self, ids: Sequence[str], visibility: Visibility, *, reason: str) -> ActionResult: ...
    def link_duplicate(self, complaint_id: str, original_id: str | None, *, reason: str) -> ActionResult: ...


def supervision_of(session: object) -> SupervisionPort | None:
    """The session's supervision service, when this build of the services has one."""
    found: SupervisionPort | None = getattr(session, "supervision", None)
    return found


def supervisor_actions(session: object) -> SupervisorActionsPort | None:
    actions = getattr(session, "actions", None)
    return actions if actions is not None and hasattr(actions, "move") else None


# --- which keys a role sees ---------------------------------------------------------------------------

VIEW_ACTIONS: frozenset[str] = frozenset({"workload", "escalations", "dashboard", "triage"})


def offers_supervision(session: object) -> bool:
    """Whether the session has a supervision service, without making it (its module is a big import, and
    the key bar of the first frame asks)."""
    return "supervision" in vars(session) or hasattr(type(session), "supervision")


def view_key_state(ctx: Context | None, action: str) -> bool | None:
    """App keys that open a view: hidden (False) for roles the view is not for, dim before the first sync.

    Decided by the roles alone (the same rule the service applies), so the service is made when a view
    first opens, not for the first frame.
    """
    if ctx is None:
        return None
    if not offers_supervision(ctx.session):
        return False
    if ctx.identity is None:
        return None
    return may_view_triage(ctx.roles) if action == "triage" else may_view_supervision(ctx.roles)


def act_key_state(ctx: Context, permission: Permission) -> bool | None:
    """A mutating key: removed in read-only mode, dim for a role without ``permission``."""
    if ctx.read_only:
        return False
    if ctx.identity is None or supervisor_actions(ctx.session) is None:
        return None
    return True if has_permission(ctx.roles, permission) else None


# --- acting --------------------------------------------------------------------------------------------


class Moved(NamedTuple):
    """What the reassign / dispose dialog answers: where to, and why."""

    target: MoveTarget
    reason: str


def move_to(
    actions: SupervisorActionsPort, ids: Sequence[str], target: MoveTarget, reason: str
) -> ActionResult:
    """``ActionService.move`` to a picked desk, person or agency."""
    return actions.move(
        ids,
        to_agency=target.agency_id,
        to_desk=target.id if target.kind == "desk" else None,
        to_user=target.id if target.kind == "person" else None,
        reason=reason,
    )


class SupervisorFlows:
    """The acting flows of the supervisor's keys, shared by the inbox, complaint and triage screens."""

    def __init__(self, app: App[Any], ctx: Context, flows: Flows) -> None:
        self.app = app
        self.ctx = ctx
        self.flows = flows  # its ``report`` says what was queued or refused and refreshes the status bar

    def _allowed(self, targets: Sequence[Target], permission: Permission) -> SupervisorActionsPort | None:
        """The actions port when the flow may start; otherwise it says why (refused at once, no dialog)."""
        if not targets:
            self.app.notify(t("notify.no_row"), severity="warning")
            return None
        if self.ctx.read_only:
            self.app.notify(t("notify.read_only"), severity="warning")
            return None
        if self.ctx.identity is None:
            self.app.notify(t("notify.no_identity"), severity="warning")
            return None
        actions = supervisor_actions(self.ctx.session)
        if actions is None or not has_permission(self.ctx.roles, permission):
            self.app.notify(
                t("notify.refused", n=len(targets), reason=t("refused.forbidden")), severity="warning"
            )
            return None
        return actions

    def reassign(self, targets: Sequence[Target], done: Callable[[], None]) -> None:
        """``a``: pick a desk, a person or an agency with fuzzy search, give the required reason."""
        actions = self._allowed(targets, Permission.REASSIGN)
        port = supervision_of(self.ctx.session)
        if actions is None or port is None:
            return
        from sambat_tui.ui.dialogs.dispose import DisposeDialog

        ids = [x.id for x in targets]

        def open_dialog(chosen: Moved | None = None, error: str | None = None) -> None:
            dialog = DisposeDialog(describe(targets), port.targets(), chosen=chosen, error=error)
            self.app.push_screen(dialog, moved)

        def moved(result: Moved | None) -> None:
            if result is None:
                return
            try:
                outcome = move_to(actions, ids, result.target, result.reason)
            except kept_for_retry() as refused:
                open_dialog(result, why_not_done(refused))
                return
            self.flows.report([outcome])
            done()

        open_dialog()

    def dispose_to_guess(self, item: TriageItem, guess: Guess, done: Callable[[], None]) -> None:
        """Verify and dispose in one step: the routing engine's guess, the reason written for the user."""
        target = Target(item.complaint_id, item.public_ref, item.status)
        actions = self._allowed([target], Permission.DISPOSE)
        if actions is None:
            return
        place = guess.agency_label + (f" / {guess.desk_label}" if guess.desk_label else "")
        reason = t("triage.reason", target=one_line(place, 120), rule=one_line(guess.rule_id or "-", 60))
        ids, agency, desk = [item.complaint_id], guess.agency_id, guess.desk_id
        results = self.flows.saved(lambda: [actions.move(ids, to_agency=agency, to_desk=desk, reason=reason)])
        if results is None:
            return
        self.flows.report(results)
        done()

    def archive(self, targets: Sequence[Target], done: Callable[[], None]) -> None:
        actions = self._allowed(targets, Permission.ARCHIVE)
        if actions is None:
            return
        ids = [x.id for x in targets]
        self.flows.ask_reason(
            t("archive.title", target=describe(targets)),
            t("archive.reason"),
            lambda reason: [actions.archive(ids, reason)],
            done,
        )

    def visibility(self, targets: Sequence[Target], done: Callable[[], None]) -> None:
        actions = self._allowed(targets, Permission.SET_VISIBILITY)
        if actions is None:
            return
        from sambat_tui.ui.dialogs.visibility import VisibilityDialog, VisibilityPicked

        ids = [x.id for x in targets]

        def open_dialog(chosen: VisibilityPicked | None = None, error: str | None = None) -> None:
            self.app.push_screen(VisibilityDialog(describe(targets), chosen=chosen, error=error), picked)

        def picked(result: VisibilityPicked | None) -> None:
            if result is None:
                return
            try:
                outcome = actions.set_visibility(ids, result.visibility, reason=result.reason)
            except kept_for_retry() as refused:
                open_dialog(result, why_not_done(refused))
                return
            self.flows.report([outcome])
            done()

        open_dialog()

    def link(self, duplicate: Target, original: Target, done: Callable[[], None]) -> None:
        """Mark ``duplicate`` as a duplicate of ``original`` (it then follows the original's status)."""
        actions = self._allowed([duplicate], Permission.LINK_DUPLICATE)
        if actions is None:
            return
        title = t(
            "duplicates.link_title",
            duplicate=one_line(duplicate.public_ref, 40),
            original=one_line(original.public_ref, 40),
        )
        self.flows.ask_reason(
            title,
            t("duplicates.reason"),
            lambda reason: [actions.link_duplicate(duplicate.id, original.id, reason=reason)],
            done,
        )


# --- opening the views --------------------------------------------------------------------------------


def open_view(app: App[Any], ctx: Context | None, flows: Flows | None, view: str) -> None:
    """Push one of the supervisor's views (``workload``, ``escalations``, ``dashboard``, ``triage``), or
    bring it to the top when it is already open."""
    if ctx is None or flows is None:
        return
    port = supervision_of(ctx.session)
    if port is None or view_key_state(ctx, view) is not True:
        app.notify(t("supervision.not_for_role"), severity="warning")
        return
    for screen in app.screen_stack:
        if screen.id == f"{view}-view":
            while app.screen is not screen:
                app.pop_screen()
            return
    from sambat_tui.ui.screens.dashboard import DashboardScreen
    from sambat_tui.ui.screens.escalations import EscalationsScreen
    from sambat_tui.ui.screens.triage import TriageScreen
    from sambat_tui.ui.screens.workload import WorkloadScreen

    screens = {
        "workload": WorkloadScreen,
        "escalations": EscalationsScreen,
        "dashboard": DashboardScreen,
        "triage": TriageScreen,
    }
    app.push_screen(screens[view](ctx, flows, port))


def open_duplicates(app: App[Any], ctx: Context, flows: Flows, complaint_id: str) -> None:
    port = supervision_of(ctx.session)
    if port is None or not port.may_view():
        app.notify(t("supervision.not_for_role"), severity="warning")
        return
    from sambat_tui.ui.screens.duplicates import DuplicatesScreen

    app.push_screen(DuplicatesScreen(ctx, flows, port, complaint_id))


if TYPE_CHECKING:
    _AppBase = App[None]
else:
    _AppBase = object


class SupervisorAppKeys(_AppBase):
    """Mixed into the app: the app-wide keys that open the supervisor's views (hidden for other roles)."""

    ctx: Context | None
    flows: Flows | None

    def supervisor_key_state(self, action: str) -> bool | None:
        return view_key_state(self.ctx, action)

    def action_workload(self) -> None:
        open_view(self, self.ctx, self.flows, "workload")

    def action_escalations(self) -> None:
        open_view(self, self.ctx, self.flows, "escalations")

    def action_dashboard(self) -> None:
        open_view(self, self.ctx, self.flows, "dashboard")

    def action_triage(self) -> None:
        open_view(self, self.ctx, self.flows, "triage")


if TYPE_CHECKING:
    from sambat_tui.services.actions import ActionService
    from sambat_tui.services.supervision import SupervisionService

    def _the_real_services_fit(service: SupervisionService, actions: ActionService) -> None:
        """Never called: makes mypy prove that the services satisfy the two ports."""
        port: SupervisionPort = service
        acting: SupervisorActionsPort = actions
        del port, acting
