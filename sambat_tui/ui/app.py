"""The sambat-tui Textual app: opens the session, shows the inbox, runs sync in a thread, owns the bar.

Start-up is measured (``bench.ui_scale_bench``: spawn to the first inbox frame, against a bare Textual app):
the first frame is the inbox itself, painted once, and what it needs is all that loads before it. Opening
the session reads the cache's first page and the status bar's figures; the tab counts (a pass over the
whole cache) follow the first frame, and the sync engine (httpx, the wire contract) loads in the worker
thread the first time it runs, which is after that frame too. Screens, dialogs and services the inbox does
not show load when they are first opened.

The sync worker is a THREAD (``@work(thread=True)``): an async pull on the UI loop raised key latency from
12 ms to 64-167 ms (ARCHITECTURE.md). It reports back with messages; the UI thread alone touches widgets.
"""

from __future__ import annotations

import errno
import gc
import logging
import sys
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import App
from textual.screen import Screen
from textual.timer import Timer

from sambat_tui.domain.text_safety import one_line
from sambat_tui.ui import collector
from sambat_tui.ui.flows import Context, Flows
from sambat_tui.ui.i18n import LANGUAGES, language, set_language, t
from sambat_tui.ui.keys import Scope, bindings, check_keymap
from sambat_tui.ui.keys_in_order import KeysInOrder
from sambat_tui.ui.messages import CacheUnreadable, DataChanged, SyncFinished, SyncProgressed
from sambat_tui.ui.ports import AppOptions, SessionPort
from sambat_tui.ui.stylesheets import APP_CSS, SCREENS_CSS
from sambat_tui.ui.supervision import VIEW_ACTIONS, SupervisorAppKeys
from sambat_tui.ui.themes import THEMES, theme_name
from sambat_tui.ui.widgets.status_bar import BarState, StatusBar
from sambat_tui.ui.widgets.tabs_bar import tab_label

if TYPE_CHECKING:
    from textual.command import Provider

    from sambat_tui.ui.palette import PaletteCommand
    from sambat_tui.ui.ports import SyncProgress
    from sambat_tui.ui.screens.inbox import InboxScreen

_log = logging.getLogger(__name__)

SHUTDOWN_WAIT_SECONDS = 30.0  # a sync in flight finishes its transaction before the store closes
FOLLOW_SECONDS = 5.0
"""Seconds between the looks of a read-only window beside the one that syncs: has that one written? (SQLite's
``data_version``: no page is read.) Only then is everything read again."""
PUSH_SOON_SECONDS = 2.0
"""A change queued while the server answers goes out this long after, not at the next sync interval (a minute
by default): the reporter sees the progress sooner, and the changes of a few keys in a row go out together."""


def utc_now() -> datetime:
    return datetime.now(UTC)


HANGUP_CHECK_SECONDS = 2.0
"""How often the app asks whether its terminal is still there (one ioctl)."""
PALETTE_KEYS = ("sync", "outbox", "help", "quit")
"""App keys the palette offers too (their ids are their actions)."""


def _sambat_commands() -> type[Provider]:
    # The palette's provider loads when the palette first opens (Textual calls this then), not before the
    # first frame.
    from sambat_tui.ui.palette import SambatCommands

    return SambatCommands


class SambatApp(KeysInOrder, SupervisorAppKeys, App[None]):
    CSS_PATH = APP_CSS
    TITLE = "SAMBAT"
    BINDINGS = bindings(Scope.APP)
    # Only the app's own commands: Textual's system commands are English, and their theme list and key panel
    # are not this app's (its themes and keys are in the app's provider).
    COMMANDS: ClassVar[set[type[Provider] | Callable[[], type[Provider]]]] = {_sambat_commands}

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
        # Set while no sync thread is inside run_once. Cleared by the thread itself, under the gate: a worker
        # that shutdown cancelled before its thread began never clears it, so closing never waits for one.
        self._sync_idle = threading.Event()
        self._sync_idle.set()
        self._sync_gate = threading.Lock()
        self._closing = False
        self._sync_timer: Timer | None = None
        self._push_timer: Timer | None = None
        self._push_after_sync = False  # a change was queued while a sync ran: push it once that one is done
        self._take_over_failed = False  # taking the writer from a closed window went wrong once: not again
        self.stopped_because: str | None = None
        """Why the app ended itself (a cache that cannot be read): words for the command line to print."""
        for theme in THEMES.values():
            self.register_theme(theme)
        self._start_with_theme(theme_name(self.options.theme))

    # -- start and stop -------------------------------------------------------------------------------------

    def _start_with_theme(self, name: str) -> None:
        """Take the configured theme before any CSS is read, as Textual takes its default one.

        Setting ``theme`` runs its watcher, which re-reads every stylesheet and restyles every widget once the
        app has started: that is a tenth of the time to the first frame, spent to arrive at the same CSS.
        Before the start nothing is styled yet; the watcher's other work is what ``App.__init__`` does for
        the default theme, done here for this one. (A change of theme later goes through the watcher.)
        """
        if self.get_theme(name) is None:
            self.theme = name  # not a theme Textual knows: refused by Textual, as ever
        self.set_reactive(App.theme, name)
        theme = self.current_theme
        self.stylesheet.set_variables(self.get_css_variables())
        self.set_class(True, f"-theme-{theme.name}", update=False)
        self.set_class(theme.dark, "-dark-mode", update=False)
        self.set_class(not theme.dark, "-light-mode", update=False)
        self._refresh_truecolor_filter(self.ansi_theme)

    def get_default_screen(self) -> Screen[None]:
        """The first screen, the one painted first: the inbox, or why the data could not be opened.

        Not pushed over Textual's blank default screen: the screen below the top one is always composited
        as a background, and its first update made the inbox paint its whole area a second time. (Neither a
        "loading" screen first: that cost one more full frame on the wire, and the time of one.)
        """
        if self._keymap_checked:
            self.set_keymap(self._keymap_checked)
        try:
            session = self._open_session()
        except Exception as exc:  # any failure to open the data is shown; the user can still quit
            _log.exception("opening the session failed")
            from sambat_tui.ui.screens.loading import LoadingScreen

            damaged = self._cache_damaged(exc)
            self.stopped_because = damaged  # said again once the terminal is back: it names a command
            return LoadingScreen(damaged or t("app.open_failed", error=one_line(str(exc), 500)), id="loading")
        from sambat_tui.ui.screens.inbox import InboxScreen

        self.session = session
        self.ctx = Context(session, self.now, self.options.read_only or session.read_only)
        self.flows = Flows(self, self.ctx, self._after_change)
        self.bar_state = BarState(read_only=self.ctx.read_only, synced_elsewhere=self._synced_elsewhere)
        self.refresh_bar()  # before the screen mounts: its status bar starts from this state
        return InboxScreen(self.ctx, self.flows)

    def _cache_damaged(self, error: BaseException) -> str | None:
        """What to tell the user of a cache that cannot be read, and how to repair it; None for any other
        error."""
        from sambat_tui.services.repair import StoreDamaged, repair_command

        if not isinstance(error, StoreDamaged):
            return None
        command = repair_command(self.options.profile_name)
        return t("app.cache_damaged", error=one_line(f"{error.path}: {error.detail}", 500), command=command)

    def _handle_exception(self, error: Exception) -> None:
        """Textual ends the app on any error a handler lets through, and shows a traceback meant for a
        developer. A cache that cannot be read (a damaged file, a failing disk) is no bug: the app ends with
        words that say what to do, which ``cli`` prints once the terminal is back; the log keeps the
        traceback. What was saved is in the cache, and nothing half-done was: every write is a transaction."""
        said = self._cache_damaged(error)
        if said is None:
            super()._handle_exception(error)
            return
        _log.error("the cache could not be read: the app stops", exc_info=error)
        if self.stopped_because is None:
            self.stopped_because = said
            self.exit(return_code=1)

    def on_cache_unreadable(self, message: CacheUnreadable) -> None:
        self._handle_exception(message.error)

    @property
    def _synced_elsewhere(self) -> bool:
        """A read-only window beside another that holds the cache: that one syncs, this one reads."""
        return self.session is not None and self.session.synced_elsewhere

    def on_ready(self) -> None:
        """The first frame is on screen: what waits for it starts now (a person takes longer to react)."""
        if not gc.isenabled():
            # ``cli.run_app`` paused the cyclic collector for the start-up: it walked the few hundred
            # thousand objects the imports and the CSS make again and again, a tenth of the time to the first
            # frame. They live as long as the process: frozen, no later collection walks them (nor stalls a
            # key press on the way).
            gc.freeze()
            collector.take_over()
            gc.enable()
            self.set_interval(collector.TICK_SECONDS, collector.tick, name="collector")
        self.read_screens_css()
        if not self.is_headless:
            self.set_interval(HANGUP_CHECK_SECONDS, self._exit_if_terminal_gone, name="hangup")
        if self.options.log_problem is not None:
            self.notify(t("notify.no_log", error=self.options.log_problem), severity="warning", timeout=20)
        if self.session is None:
            return
        self._finish_opening(self.session)
        interval = self.options.sync_interval_seconds
        if interval > 0 and self._synced_elsewhere:
            self.session.cache_changed()  # takes note of the cache as this window first read it
            self._sync_timer = self.set_interval(min(interval, FOLLOW_SECONDS), self._follow_other_window)
        elif interval > 0:
            # The first sync loads httpx and the engine: not before the first frame.
            self.start_sync()
            self._sync_timer = self.set_interval(interval, self.start_sync)

    def _exit_if_terminal_gone(self) -> None:
        """End the app once its terminal has hung up (an SSH link dropped, a terminal window closed).

        The hangup signal ends it only when it reaches it: started from a wrapper that outlives the hangup
        (``make demo``, a script) it never does, and Textual's input thread then reads end-of-file in a loop
        at 60 % of a core, while the app keeps the cache locked against the user's next login. A hung-up
        terminal answers every query with EIO."""
        try:
            import termios  # loaded already by Textual's driver; not on Windows
        except ImportError:
            return
        try:
            termios.tcgetattr(sys.__stdin__.fileno() if sys.__stdin__ is not None else 0)
        except OSError as error:
            if error.errno == errno.EIO:
                _log.warning("the terminal hung up: the app ends")
                self.exit(return_code=1)
        except ValueError:  # stdin closed
            self.exit(return_code=1)

    def _finish_opening(self, session: SessionPort) -> None:
        """The start-up repairs the session left for now (before any sync starts)."""
        try:
            session.finish_opening()
        except Exception as error:  # the app goes on: the repairs wait for the next start (see the port)
            _log.exception("the start-up repairs of the cache failed")
            self.notify(t("notify.repair_failed", error=str(error)), severity="error", timeout=30)

    def read_screens_css(self) -> None:
        """Parse the other screens' CSS (``stylesheets.SCREENS_CSS``), once: after the first frame, which it
        would have taken ~12 ms longer to draw, and before any of them opens.

        Textual would read it too when the first of those screens opens (it is their ``CSS_PATH``), but by
        parsing every stylesheet again; here only this file is parsed (the others are in the stylesheet's
        cache). Its rules select those screens' widgets only, so the inbox's styles stay as they are."""
        if self.stylesheet.has_source(str(SCREENS_CSS)):
            return
        self.stylesheet.read(SCREENS_CSS)
        self.stylesheet.parse()

    def _follow_other_window(self) -> None:
        """A read-only window beside the one that syncs reads the cache again when that one has written, and
        syncs itself once that one has closed (a lock file asked, and a page-less pragma: both cheap)."""
        session = self.session
        if session is None:
            return
        took_over = False
        if not self._take_over_failed:
            try:
                took_over = session.take_over()
            except Exception:  # e.g. a full disk: keep following, quietly, rather than fail every few seconds
                _log.exception("taking over the cache's writer failed; this window keeps following")
                self._take_over_failed = True
        if took_over:
            self._sync_here()
        elif session.cache_changed():
            self.reload_from_cache(announce=False)

    def _sync_here(self) -> None:
        """The window that synced the cache has closed: this one has the writer now, and syncs instead."""
        if self._sync_timer is not None:
            self._sync_timer.stop()
        self.reload_from_cache(announce=False)  # what that window wrote before it closed
        self.notify(t("notify.syncing_here"))
        self.start_sync()
        self._sync_timer = self.set_interval(self.options.sync_interval_seconds, self.start_sync)

    def close_session(self) -> None:
        """Wait for a sync in flight, then close the session (its store connections)."""
        if self._sync_timer is not None:
            self._sync_timer.stop()
        if self._push_timer is not None:
            self._push_timer.stop()
        with self._sync_gate:
            self._closing = True  # a sync thread that has not begun yet will not begin
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
            synced_elsewhere=self._synced_elsewhere,
        )
        self._publish_bar()

    def _publish_bar(self) -> None:
        for screen in self.screen_stack:
            for bar in screen.query(StatusBar):
                bar.state = self.bar_state

    # -- sync -----------------------------------------------------------------------------------------------

    def _after_change(self) -> None:
        """A flow acted (queued changes, or was refused): the bar shows it, and the changes go out soon."""
        self.refresh_bar()
        self.push_soon()

    def push_soon(self) -> None:
        """Sync in ``PUSH_SOON_SECONDS`` when changes wait and the server answered last time. Offline they
        wait for the interval, as does everything when syncs run only when asked (interval 0)."""
        if self.options.sync_interval_seconds <= 0 or self._synced_elsewhere or self.session is None:
            return
        if self._syncing:
            self._push_after_sync = True  # the run in flight may have read the outbox before this change
            return
        if self._push_timer is not None or not self.bar_state.pending or not self.bar_state.online:
            return
        self._push_timer = self.set_timer(PUSH_SOON_SECONDS, self._push_now, name="push soon")

    def _push_now(self) -> None:
        self._push_timer = None
        self.start_sync()

    def start_sync(self, manual: bool = False) -> None:
        if self.session is None or self._syncing or self._synced_elsewhere:
            return
        self._syncing = True
        self._manual_sync = manual
        self.refresh_bar()
        self._sync_worker(self.session)

    @work(thread=True, exclusive=True, group="sync", exit_on_error=False)
    def _sync_worker(self, session: SessionPort) -> None:
        def progressed(progress: SyncProgress) -> None:
            self.post_message(SyncProgressed(progress))

        with self._sync_gate:
            if self._closing:
                return
            self._sync_idle.clear()
        try:
            report = session.sync.run_once(progress=progressed)
        except Exception as exc:  # the engine reports failures in its report; a bug must not kill the app
            from sambat_tui.ui.ports import SyncReport

            _log.exception("sync raised")
            report = SyncReport(False, 0, 0, 0, 0, f"{type(exc).__name__}: {exc}")
            if self._cache_damaged(exc) is not None:
                self.post_message(CacheUnreadable(exc))
        finally:
            self._sync_idle.set()
        self.post_message(SyncFinished(report))

    def on_sync_progressed(self, message: SyncProgressed) -> None:
        if self._syncing:
            self.bar_state = self.bar_state._replace(progress=message.progress)
            self._publish_bar()

    def on_sync_finished(self, message: SyncFinished) -> None:
        self._syncing = False
        report = message.report
        if self.ctx is not None:
            self.ctx.refresh_identity()  # the first sync brings the user's roles
        self.refresh_bar()
        if self._push_after_sync:
            self._push_after_sync = False
            self.push_soon()
        if self._manual_sync:
            if report.error:
                self.notify(t("notify.sync_failed", error=report.error), severity="warning")
            else:
                self.notify(t("notify.sync_done", pulled=report.pulled, pushed=report.pushed))
        if report.server_restored:
            self.notify(t("notify.server_restored", n=report.resent), severity="warning", timeout=30)
        if report.conflicts:
            self.notify(t("notify.sync_conflicts", n=report.conflicts), severity="error")
        if report.pulled or report.pushed or report.conflicts:
            self._tell_screens_data_changed()
        self._refresh_keys()

    def _refresh_keys(self) -> None:
        if self.screen_stack:  # empty while the app shuts down, when a sync may still finish
            self.screen.refresh_bindings()

    def _tell_screens_data_changed(self) -> None:
        for screen in self.screen_stack:
            screen.post_message(DataChanged())

    # -- app keys -------------------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("sync", "reload"):
            # One ctrl+r: a sync, or, where another window syncs the cache, reading it again.
            if (action == "reload") != self._synced_elsewhere:
                return False
            return None if self.session is None else True
        if action == "outbox" and self.session is None:
            return None
        if action in VIEW_ACTIONS:
            return self.supervisor_key_state(action)  # hidden for the roles the views are not for
        return True

    def action_sync(self) -> None:
        self.start_sync(manual=True)

    def action_reload(self) -> None:
        self.reload_from_cache()

    def reload_from_cache(self, *, announce: bool = True) -> None:
        """Read the cache again on every screen: what ctrl+r does where another window syncs the cache (and,
        unannounced, what this window does by itself when that window has written)."""
        if self.ctx is not None:
            self.ctx.refresh_identity()
        self.refresh_bar()
        self._tell_screens_data_changed()
        self._refresh_keys()
        if announce:
            self.notify(t("notify.reloaded"))

    def action_outbox(self) -> None:
        from sambat_tui.ui.screens.outbox import OutboxScreen

        if self.ctx is None or isinstance(self.screen, OutboxScreen):
            return
        self.push_screen(OutboxScreen(self.ctx))

    def action_help(self) -> None:
        from sambat_tui.ui.screens.help import HelpScreen, dim_reason, help_text, key_states, scope_of

        if isinstance(self.screen, HelpScreen):
            return
        screen = self.screen
        scope = scope_of(screen)
        read_only = self.ctx.read_only if self.ctx else self.options.read_only
        text = help_text(
            scope,
            self._keymap,
            key_states(self, screen, scope, self.ctx),
            read_only,
            hidden_scopes=self._views_not_for_role(),
            reason=partial(dim_reason, self.ctx),
        )
        self.push_screen(HelpScreen(text))

    def _views_not_for_role(self) -> frozenset[Scope]:
        """The key scopes of the views this role cannot open (their keys are hidden): left out of help."""
        hidden: set[Scope] = set()
        if self.supervisor_key_state("workload") is False:
            hidden |= {Scope.SUPERVISOR, Scope.DUPLICATES}
        if self.supervisor_key_state("triage") is False:
            hidden.add(Scope.TRIAGE)
        return frozenset(hidden)

    async def action_quit(self) -> None:
        unsent = 0
        if self.session is not None and not self._synced_elsewhere:  # the other window sends them
            counts = self.session.outbox.counts()
            unsent = counts.pending + counts.failed + counts.conflicts
        if not unsent:
            self.exit()
            return
        from sambat_tui.ui.dialogs.confirm import ConfirmDialog

        def answered(yes: bool | None) -> None:
            if yes:
                self.exit()

        self.push_screen(ConfirmDialog(t("quit.title"), t("quit.outbox_not_empty", n=unsent)), answered)

    # -- palette --------------------------------------------------------------------------------------------

    def palette_commands(self) -> list[PaletteCommand]:
        from sambat_tui.ui.palette import PaletteCommand

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
        for key_id in PALETTE_KEYS:  # the app's keys that apply here, as the key bar names them
            if self.check_action(key_id, ()) is True:
                commands.append(
                    PaletteCommand(
                        t(f"key.{key_id}"), t(f"palette.{key_id}_help"), partial(self.run_action, key_id)
                    )
                )
        return commands

    def action_command_palette(self) -> None:
        from sambat_tui.ui.palette import SambatPalette

        if self.use_command_palette and not isinstance(self.screen, SambatPalette):
            self.push_screen(SambatPalette())

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
