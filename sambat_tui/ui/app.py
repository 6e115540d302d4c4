"""The sambat-tui Textual app: opens the session after the first frame, runs sync in a thread, owns the bar.

Startup order matters on old laptops: this module imports Textual and the UI only; the services (and the
store under them) load in ``open_session`` after the first frame is on screen, and the sync engine loads in
the worker thread the first time it runs.

The sync worker is a THREAD (``@work(thread=True)``): an async pull on the UI loop raised key latency from
12 ms to 64-167 ms (ARCHITECTURE.md). It reports back with messages; the UI thread alone touches widgets.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING

from textual import work
from textual.app import App
from textual.timer import Timer

from sambat_tui.ui.dialogs.confirm import ConfirmDialog
from sambat_tui.ui.flows import Context, Flows
from sambat_tui.ui.i18n import LANGUAGES, language, set_language, t
from sambat_tui.ui.keys import Scope, bindings, check_keymap
from sambat_tui.ui.messages import DataChanged, SyncFinished, SyncProgressed
from sambat_tui.ui.palette import PaletteCommand, SambatCommands
from sambat_tui.ui.ports import AppOptions, SessionPort
from sambat_tui.ui.screens.help import HelpScreen, help_text, scope_of
from sambat_tui.ui.screens.loading import LoadingScreen
from sambat_tui.ui.supervision import VIEW_ACTIONS, SupervisorAppKeys
from sambat_tui.ui.themes import THEMES, theme_name
from sambat_tui.ui.widgets.status_bar import BarState, StatusBar
from sambat_tui.ui.widgets.tabs_bar import tab_label

if TYPE_CHECKING:
    from sambat_tui.ui.ports import SyncProgress
    from sambat_tui.ui.screens.inbox import InboxScreen

_log = logging.getLogger(__name__)

SHUTDOWN_WAIT_SECONDS = 30.0  # a sync in flight finishes its transaction before the store closes


def utc_now() -> datetime:
    return datetime.now(UTC)


class SambatApp(SupervisorAppKeys, App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "SAMBAT"
    BINDINGS = bindings(Scope.APP)
    COMMANDS = App.COMMANDS | {SambatCommands}

    def __init__(
        self,
        open_session: Callable[[], SessionPort],
        options: AppOptions | None = None,
        *,
        now: Callable[[], datetime] = utc_now,
    ) -> None:
        self.options = options or AppOptions()
        self._keymap_checked = check_keymap(self.options.keymap or {})
        set_language(self.options.lang)
        super().__init__()
        self._open_session = open_session
        self.now = now
        self.session: SessionPort | None = None
        self.ctx: Context | None = None
        self.flows: Flows | None = None
        self.bar_state = BarState(read_only=self.options.read_only)
        self._syncing = False
        self._manual_sync = False
        self._sync_idle = threading.Event()
        self._sync_idle.set()
        self._sync_timer: Timer | None = None
        for theme in THEMES.values():
            self.register_theme(theme)
        self.theme = theme_name(self.options.theme)

    # -- start and stop -------------------------------------------------------------------------------------

    def on_mount(self) -> None:
        if self._keymap_checked:
            self.set_keymap(self._keymap_checked)
        self.push_screen(LoadingScreen(id="loading"))
        # Open the data after the first frame: the user sees the app at once, not after the imports.
        self.call_after_refresh(self._open)

    def _open(self) -> None:
        try:
            session = self._open_session()
        except Exception as exc:  # any failure to open the data is shown; the user can still quit
            _log.exception("opening the session failed")
            screen = self.screen
            if isinstance(screen, LoadingScreen):
                screen.show_error(t("app.open_failed", error=str(exc)))
            return
        # Loaded only now: the screens below need the services' types, which load the store and httpx.
        from sambat_tui.ui.screens.inbox import InboxScreen

        self.session = session
        self.ctx = Context(session, self.now, self.options.read_only or session.read_only)
        self.flows = Flows(self, self.ctx, self.refresh_bar)
        self.bar_state = BarState(read_only=self.ctx.read_only)
        self.switch_screen(InboxScreen(self.ctx, self.flows))
        self.refresh_bar()
        interval = self.options.sync_interval_seconds
        if interval > 0:
            self.start_sync()
            self._sync_timer = self.set_interval(interval, self.start_sync)

    def close_session(self) -> None:
        """Wait for a sync in flight, then close the session (its store connections)."""
        if self._sync_timer is not None:
            self._sync_timer.stop()
        if not self._sync_idle.wait(SHUTDOWN_WAIT_SECONDS):
            _log.warning("a sync was still running after %s s at shutdown", SHUTDOWN_WAIT_SECONDS)
        if self.session is not None:
            self.session.close()
            self.session = None

    # -- status bar -----------------------------------------------------------------------------------------

    def refresh_bar(self) -> None:
        """Read the sync status and outbox counts again and show them on every screen's status line."""
        session = self.session
        if session is None:
            return
        status = session.sync.status()
        counts = session.outbox.counts()
        identity = self.ctx.identity if self.ctx is not None else session.identity
        self.bar_state = BarState(
            online=status.online,
            last_sync_at=status.last_sync_at,
            pending=counts.pending,
            failed=counts.failed,
            conflicts=counts.conflicts,
            syncing=self._syncing,
            progress=self.bar_state.progress if self._syncing else None,
            user=identity.name if identity else None,
            roles=tuple(sorted(identity.roles)) if identity else (),
            read_only=self.ctx.read_only if self.ctx else self.options.read_only,
        )
        self._publish_bar()

    def _publish_bar(self) -> None:
        for screen in self.screen_stack:
            for bar in screen.query(StatusBar):
                bar.state = self.bar_state

    # -- sync -----------------------------------------------------------------------------------------------

    def start_sync(self, manual: bool = False) -> None:
        if self.session is None or self._syncing:
            return
        self._syncing = True
        self._manual_sync = manual
        self._sync_idle.clear()
        self.refresh_bar()
        self._sync_worker(self.session)

    @work(thread=True, exclusive=True, group="sync", exit_on_error=False)
    def _sync_worker(self, session: SessionPort) -> None:
        def progressed(progress: SyncProgress) -> None:
            self.post_message(SyncProgressed(progress))

        try:
            report = session.sync.run_once(progress=progressed)
        except Exception as exc:  # the engine reports failures in its report; a bug must not kill the app
            from sambat_tui.ui.ports import SyncReport

            _log.exception("sync raised")
            report = SyncReport(False, 0, 0, 0, 0, f"{type(exc).__name__}: {exc}")
        finally:
            self._sync_idle.set()
        self.post_message(SyncFinished(report))

    def on_sync_progressed(self, message: SyncProgressed) -> None:
        if self._syncing:
            self.bar_state = replace(self.bar_state, progress=message.progress)
            self._publish_bar()

    def on_sync_finished(self, message: SyncFinished) -> None:
        self._syncing = False
        report = message.report
        if self.ctx is not None:
            self.ctx.refresh_identity()  # the first sync brings the user's roles
        self.refresh_bar()
        if self._manual_sync:
            if report.error:
                self.notify(t("notify.sync_failed", error=report.error), severity="warning")
            else:
                self.notify(t("notify.sync_done", pulled=report.pulled, pushed=report.pushed))
        if report.conflicts:
            self.notify(t("notify.sync_conflicts", n=report.conflicts), severity="error")
        if report.pulled or report.pushed or report.conflicts:
            for screen in self.screen_stack:
                screen.post_message(DataChanged())
        self.screen.refresh_bindings()

    # -- app keys -------------------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("sync", "outbox") and self.session is None:
            return None
        if action in VIEW_ACTIONS:
            return self.supervisor_key_state(action)
        return True

    def action_sync(self) -> None:
        self.start_sync(manual=True)

    def action_outbox(self) -> None:
        from sambat_tui.ui.screens.outbox import OutboxScreen

        if self.ctx is None or isinstance(self.screen, OutboxScreen):
            return
        self.push_screen(OutboxScreen(self.ctx))

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        screen = self.screen
        state: dict[str, bool | None] = {
            active.binding.action: (True if active.enabled else None)
            for active in screen.active_bindings.values()
        }
        read_only = self.ctx.read_only if self.ctx else self.options.read_only
        self.push_screen(HelpScreen(help_text(scope_of(screen), self._keymap, state, read_only)))

    async def action_quit(self) -> None:
        unsent = 0
        if self.session is not None:
            counts = self.session.outbox.counts()
            unsent = counts.pending + counts.failed + counts.conflicts
        if not unsent:
            self.exit()
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.exit()

        self.push_screen(ConfirmDialog(t("quit.title"), t("quit.outbox_not_empty", n=unsent)), answered)

    # -- palette --------------------------------------------------------------------------------------------

    def palette_commands(self) -> list[PaletteCommand]:
        commands: list[PaletteCommand] = []
        inbox = self._inbox()
        if inbox is not None:
            for tab in inbox.tabs:
                name = tab_label(tab)
                commands.append(
                    PaletteCommand(
                        t("palette.tab", name=name), t("palette.tab_help"), partial(self.show_tab, tab.id)
                    )
                )
        for choice in THEMES:
            commands.append(
                PaletteCommand(
                    t("palette.theme", name=t(f"theme.{choice}")),
                    t("palette.theme_help"),
                    partial(self.set_theme, choice),
                )
            )
        for lang in LANGUAGES:
            commands.append(
                PaletteCommand(
                    t("palette.lang", name=t(f"lang.{lang}")),
                    t("palette.lang_help"),
                    partial(self.set_app_language, lang),
                )
            )
        return commands

    def _inbox(self) -> InboxScreen | None:
        for screen in self.screen_stack:
            if screen.id == "inbox":
                from sambat_tui.ui.screens.inbox import InboxScreen

                return screen if isinstance(screen, InboxScreen) else None
        return None

    def open_reference(self, ref: str) -> None:
        if self.ctx is None or self.flows is None:
            return
        from sambat_tui.ui.screens.complaint import ComplaintScreen

        detail = self.ctx.session.complaints.get(ref)
        if detail is None:
            self.notify(t("complaint.not_found", ref=ref), severity="warning")
            return
        complaint_id = detail.data.get("id")
        self.push_screen(
            ComplaintScreen(self.ctx, self.flows, complaint_id if isinstance(complaint_id, str) else ref)
        )

    def show_tab(self, tab_id: str) -> None:
        inbox = self._inbox()
        if inbox is None:
            return
        while self.screen is not inbox and len(self.screen_stack) > 1:
            self.pop_screen()
        inbox.show_tab_id(tab_id)

    def set_theme(self, choice: str) -> None:
        self.theme = theme_name(choice)
        self.notify(t("notify.theme", name=t(f"theme.{choice}") if choice in THEMES else choice))

    def set_app_language(self, lang: str) -> None:
        set_language(lang)
        for screen in self.screen_stack:
            relabel = getattr(screen, "relabel", None)
            if callable(relabel):
                relabel()
        self.refresh_bar()
        self.screen.refresh_bindings()
        self.notify(t("notify.language", name=t(f"lang.{language()}")))
