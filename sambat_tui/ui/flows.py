"""The acting flows shared by the inbox (marked rows, else the cursor row) and the complaint screen.

Each flow asks what it must (a status, a text, a reason) in a dialog, calls the action service once per
decision, tells the user what was queued or refused, and then calls ``done`` so the screen rereads its rows
and moves on. The services decide; this code only offers what the domain rules say the role may do.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from textual.app import App

from sambat_tui.domain.model import Action, Role, Status
from sambat_tui.domain.text_safety import one_line
from sambat_tui.domain.transitions import Permission, allowed_actions, has_permission
from sambat_tui.ui.i18n import current, t
from sambat_tui.ui.ports import SessionPort

if TYPE_CHECKING:
    from sambat_tui.ui.dialogs.compose import Composed
    from sambat_tui.ui.ports import ActionResult, Identity

# The dialogs load when a flow first opens one: the inbox's first frame needs none of them.

# The order people think in: move on, pause, answer, hand back, finish.
_ORDER = (
    Action.VERIFY,
    Action.START,
    Action.RESUME,
    Action.HOLD,
    Action.RESPOND,
    Action.RETURN,
    Action.CLOSE,
    Action.ARCHIVE,
)


def offered(allowed: frozenset[Action]) -> tuple[Action, ...]:
    """The allowed status changes, in a fixed order (take has its own key; reopen is the system's)."""
    return tuple(a for a in _ORDER if a in allowed)


class Target(NamedTuple):
    id: str
    public_ref: str
    status: Status


class Context:
    """What every screen needs: the session, the clock, and whether this run may change anything.

    The signed-in identity is read once and again after each sync (``refresh_identity``), not at every
    key: ``check_action`` asks for it on every cursor move, and the session reads it from the cache.
    """

    __slots__ = ("_identity", "_loaded", "now", "read_only", "session")

    def __init__(self, session: SessionPort, now: Callable[[], datetime], read_only: bool) -> None:
        self.session = session
        self.now = now
        self.read_only = read_only
        self._identity: Identity | None = None
        self._loaded = False

    def refresh_identity(self) -> None:
        self._identity = self.session.identity
        self._loaded = True

    @property
    def identity(self) -> Identity | None:
        if not self._loaded:
            self.refresh_identity()
        return self._identity

    @property
    def roles(self) -> frozenset[Role]:
        identity = self.identity
        return identity.roles if identity is not None else frozenset()


def target_of(data: Mapping[str, Any], complaint_id: str) -> Target | None:
    """The acting target for a wire complaint; None when its status is missing or unknown to this client."""
    raw = data.get("status")
    try:
        status = Status(raw) if isinstance(raw, str) else None
    except ValueError:
        return None
    if status is None:
        return None
    ref = data.get("public_ref")
    return Target(complaint_id, ref if isinstance(ref, str) else complaint_id, status)


FlowStep = Callable[[Sequence["Target"], Callable[[], None]], None]
"""A flow: given its targets and what to do once a change is queued."""


_KEY_ACTIONS: dict[str, Action] = {"take": Action.TAKE, "respond": Action.RESPOND, "return": Action.RETURN}


def key_state(ctx: Context, key_action: str, statuses: Sequence[Status]) -> bool | None:
    """``check_action`` for a mutating key: False hides it (read-only), None dims it (not allowed now)."""
    if ctx.read_only:
        return False
    supervises = ctx.identity is not None and has_permission(ctx.roles, Permission.REASSIGN)
    if key_action == "reassign" and ctx.identity is not None and not supervises:
        return False  # the supervisor's and the coordinator's: hidden for every other role
    if ctx.identity is None or not statuses:
        return None
    roles = ctx.roles
    if key_action == "note":
        return True if has_permission(roles, Permission.POST_UPDATE) else None
    if key_action == "status":
        allowed = set.intersection(*(set(offered(allowed_actions(s, roles))) for s in statuses))
        return True if allowed else None
    if key_action == "reassign":  # dim on a closed or archived complaint
        return True if all(s.is_open for s in statuses) else None
    action = _KEY_ACTIONS.get(key_action)
    if action is None:
        return True
    return True if any(action in allowed_actions(s, roles) for s in statuses) else None


def describe(targets: Sequence[Target]) -> str:
    if len(targets) == 1:
        return one_line(targets[0].public_ref, 40)
    return t("targets.many", n=len(targets))


def refusal_text(key: str) -> str:
    translator = current()
    return translator.t(key) if translator.has(key) else one_line(key, 80)


def kept_for_retry() -> tuple[type[Exception], ...]:
    """What an act started from a dialog may raise having done nothing: the dialog opens again, with what the
    user wrote and why (a text the rules refuse, a full disk)."""
    from sambat_tui.services.actions import StoreFull, TextRefused

    return (TextRefused, StoreFull)


def tell_disk_full(app: App[Any]) -> None:
    """Nothing was written: the cache's disk is full (said longer than a notice: the user must act)."""
    app.notify(t("notify.disk_full"), severity="error", timeout=30)


def why_not_done(error: Exception) -> str:
    from sambat_tui.services.actions import StoreFull

    return t("notify.disk_full") if isinstance(error, StoreFull) else str(error)


class Flows:
    def __init__(self, app: App[Any], ctx: Context, after: Callable[[], None]) -> None:
        self.app = app
        self.ctx = ctx
        self._after = after  # the app refreshes its status bar after every queued change

    def report(self, results: Sequence[ActionResult]) -> None:
        queued = sum(len(r.queued) for r in results)
        refused = [reason for r in results for _, reason in r.refused]
        if queued:
            self.app.notify(t("notify.queued", n=queued))
        if refused:
            self.app.notify(
                t("notify.refused", n=len(refused), reason=refusal_text(refused[0])), severity="warning"
            )
        self._after()

    def saved(self, act: Callable[[], list[ActionResult]]) -> list[ActionResult] | None:
        """``act``'s results; None when the cache could not be written (a full disk): that is said, and
        nothing was queued."""
        from sambat_tui.services.actions import StoreFull

        try:
            return act()
        except StoreFull:
            tell_disk_full(self.app)
            return None

    def _guard(self, targets: Sequence[Target]) -> bool:
        if not targets:
            self.app.notify(t("notify.no_row"), severity="warning")
            return False
        if self.ctx.read_only:
            self.app.notify(t("notify.read_only"), severity="warning")
            return False
        if self.ctx.identity is None:
            self.app.notify(t("notify.no_identity"), severity="warning")
            return False
        return True

    def take(self, targets: Sequence[Target], done: Callable[[], None]) -> None:
        if not self._guard(targets):
            return
        actions = self.ctx.session.actions
        results = self.saved(lambda: [actions.transition([x.id for x in targets], Action.TAKE)])
        if results is None:
            return
        self.report(results)
        done()

    def status(self, targets: Sequence[Target], done: Callable[[], None]) -> None:
        if not self._guard(targets):
            return
        service = self.ctx.session.actions
        allowed = frozenset.intersection(*(service.allowed(x.id) for x in targets))

        def picked(action: Action | None) -> None:
            if action is None:
                return
            if action is Action.RESPOND:
                self.respond(targets, done)
            elif action is Action.RETURN:
                self.return_(targets, done)
            elif action is Action.ARCHIVE:
                self._with_reason(targets, action, done)
            else:
                results = self.saved(lambda: [service.transition([x.id for x in targets], action)])
                if results is None:
                    return
                self.report(results)
                done()

        from sambat_tui.ui.dialogs.status_picker import StatusPicker

        self.app.push_screen(StatusPicker(describe(targets), allowed), picked)

    def _with_reason(self, targets: Sequence[Target], action: Action, done: Callable[[], None]) -> None:
        title = t("status.title", target=describe(targets))
        service = self.ctx.session.actions
        self.ask_reason(
            title,
            t("status.reason"),
            lambda r: [service.transition([x.id for x in targets], action, r)],
            done,
        )

    def ask_reason(
        self,
        title: str,
        prompt: str,
        act: Callable[[str], list[ActionResult]],
        done: Callable[[], None],
        reason: str = "",
        error: str | None = None,
    ) -> None:
        """Ask for a reason, act with it; a reason the services refuse comes back to the dialog to fix."""

        def reasoned(given: str | None) -> None:
            if given is None:
                return
            try:
                results = act(given)
            except kept_for_retry() as refused:
                self.ask_reason(title, prompt, act, done, given, why_not_done(refused))
                return
            self.report(results)
            done()

        from sambat_tui.ui.dialogs.reason import ReasonDialog

        self.app.push_screen(ReasonDialog(title, prompt, reason=reason, error=error), reasoned)

    def respond(self, targets: Sequence[Target], done: Callable[[], None]) -> None:
        self._compose(targets, done, public=True)

    def note(self, targets: Sequence[Target], done: Callable[[], None]) -> None:
        self._compose(targets, done, public=False)

    def _compose(
        self,
        targets: Sequence[Target],
        done: Callable[[], None],
        *,
        public: bool,
        body: str = "",
        error: str | None = None,
        then: Action | None = None,
        noted: Sequence[Target] = (),
    ) -> None:
        """``body``, ``error``, ``then``: the dialog as it was, given back; ``noted``: the complaints whose
        text was queued already (a full disk came half way): the status change is theirs too."""
        if not self._guard(targets):
            return
        service = self.ctx.session.actions
        first = targets[0]
        templates = service.templates(first.id) if public else ()
        next_actions: tuple[Action, ...] = ()
        if not public:
            allowed = frozenset.intersection(*(service.allowed(x.id) for x in targets))
            # Only changes that need nothing more than the note: no reason, no public response.
            next_actions = tuple(
                a for a in offered(allowed) if a not in (Action.RESPOND, Action.RETURN, Action.ARCHIVE)
            )

        from sambat_tui.ui.dialogs.compose import ComposeDialog

        def open_dialog(body: str = "", error: str | None = None) -> None:
            dialog = ComposeDialog(
                public=public,
                target=describe(targets),
                public_ref=first.public_ref,
                templates=templates,
                next_actions=next_actions,
                body=body,
                error=error,
                then=then,
            )
            self.app.push_screen(dialog, composed)

        def composed(result: Composed | None) -> None:
            if result is None:
                return
            results: list[ActionResult] = []
            for n, target in enumerate(targets):
                try:
                    if public:
                        results.append(service.respond(target.id, result.body))
                    else:
                        results.append(service.note(target.id, result.body))
                except kept_for_retry() as refused:
                    # Nothing of this one was queued: the text goes back to the user, for the complaints
                    # not done yet (a bad text fails at the first; a full disk may come at any).
                    if results:
                        self.report(results)
                    self._compose(
                        targets[n:],
                        done,
                        public=public,
                        body=result.body,
                        error=why_not_done(refused),
                        then=result.then,
                        noted=[*noted, *targets[:n]],
                    )
                    return
            if result.then is not None:
                action, ids = result.then, [x.id for x in [*noted, *targets]]
                results += self.saved(lambda: [service.transition(ids, action)]) or []
            self.report(results)
            done()

        open_dialog(body, error)

    def return_(self, targets: Sequence[Target], done: Callable[[], None]) -> None:
        if not self._guard(targets):
            return
        service = self.ctx.session.actions
        title = t("return.title", target=describe(targets))
        self.ask_reason(
            title, t("return.reason"), lambda r: [service.return_(x.id, r) for x in targets], done
        )
