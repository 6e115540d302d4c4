"""The inbox: filter tabs with counts, the virtual list, an optional preview, search, and one-key actions."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Final

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.reactive import Reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input, Static
from textual.worker import get_current_worker

from sambat_tui.domain.model import Status
from sambat_tui.domain.query import parse as parse_query
from sambat_tui.domain.text_safety import one_line
from sambat_tui.ui import search_ahead
from sambat_tui.ui.flows import Context, Flows, FlowStep, Target, key_state, target_of
from sambat_tui.ui.i18n import language, t
from sambat_tui.ui.inbox_export import export_key_state, export_view
from sambat_tui.ui.keys import MUTATING_ACTIONS, Scope, bindings
from sambat_tui.ui.messages import DataChanged
from sambat_tui.ui.ports import QueryError, Sort
from sambat_tui.ui.search_ahead import SearchAhead, SearchKey
from sambat_tui.ui.supervision import view_key_state
from sambat_tui.ui.widgets.inbox_list import InboxList
from sambat_tui.ui.widgets.key_bar import KeyBar
from sambat_tui.ui.widgets.ordered_fields import SearchField
from sambat_tui.ui.widgets.preview import Preview
from sambat_tui.ui.widgets.row_window import PageSource
from sambat_tui.ui.widgets.status_bar import StatusBar
from sambat_tui.ui.widgets.tabs_bar import TabsBar, sort_info

if TYPE_CHECKING:
    from sambat_tui.ui.ports import InboxRow, Tab

_SORTS = (Sort.DUE, Sort.AGE, Sort.PRIORITY)
_PREVIEW_DELAY = 0.15  # seconds the cursor rests before the preview reads the complaint


COUNT_INLINE_SECONDS: Final = 0.05
"""Tab counts that took less than this are read again at once; longer ones in a thread."""


class InboxScreen(Screen[None]):
    SCOPE = Scope.INBOX
    BINDINGS = bindings(Scope.INBOX)

    # Textual repaints the whole screen when the focus moves: a full frame on the wire each time the search
    # field opens or closes. The two widgets whose focus changed repaint themselves, and nothing here is
    # styled by the focus of another.
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)

    def __init__(self, ctx: Context, flows: Flows) -> None:
        super().__init__(id="inbox")
        self.ctx = ctx
        self.flows = flows
        self.tabs: tuple[Tab, ...] = ctx.session.inbox.tabs()
        self.tab_index = 0
        self.query_text = ""
        self.sort = Sort.DUE
        self.descending = False
        self.preview_on = False
        self._preview_timer: Timer | None = None
        self._next_id: str | None = None  # where the cursor goes once an action is queued
        self._counts: dict[str, int] | None = None
        self._count_seconds = 0.0
        # Kept, not queried: the key states ask for it at every binding of every key press.
        self._listing = InboxList(now=ctx.now, id="list")
        self._keys_row: InboxRow | None = None  # the row whose key states the key bar shows already
        self._keys_for: frozenset[Status] | None = None  # the statuses the key bar's states were read for
        self._ahead = SearchAhead()
        self._ahead_timer: Timer | None = None

    # -- layout -------------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield TabsBar(id="tabs")
        with Horizontal(id="inbox-body"):
            yield self._listing
            yield Preview(id="preview")
        with Vertical(id="search-box"):
            search = SearchField(placeholder=t("search.placeholder"), id="search")
            search.cursor_blink = False  # a blinking cursor repaints twice a second: bytes on a slow link
            yield search
            yield Static("", id="search-error")
        yield StatusBar(id="status-bar")
        yield KeyBar(id="key-bar")

    @property
    def listing(self) -> InboxList:
        return self._listing

    def on_mount(self) -> None:
        self.listing.empty_text = t("list.empty")
        self.set_focus(self.listing)
        # Rows before the first paint: an empty list drawn first would cost a second full frame on the wire.
        self.show_tab(0)
        self.query_one("#key-bar", KeyBar).update_now()  # the keys the first row allows, in the same frame
        for rack in self.query("ToastRack"):
            # Hidden as Textual will hide it again once the screen is up (with no notice to show): set now,
            # that later hiding changes nothing and does not lay the whole screen out again (a full frame).
            rack.display = False
        # The counts after it: they pass over the whole cache (a million rows: a good part of a second).
        self.call_after_refresh(self._update_tabs)

    # -- data ---------------------------------------------------------------------------------------------

    def _source(self) -> PageSource:
        inbox = self.ctx.session.inbox
        tab_id, query, sort, descending = (
            self.tabs[self.tab_index].id,
            self.query_text,
            self.sort,
            self.descending,
        )
        return PageSource(
            first=lambda n: inbox.first(tab_id, query, sort, descending, n),
            last=lambda n: inbox.last(tab_id, query, sort, descending, n),
            after=inbox.after,
            before=inbox.before,
        )

    def _search_key(self, query: str) -> SearchKey:
        return SearchKey(
            self.tabs[self.tab_index].id,
            query,
            self.sort,
            self.descending,
            self.listing.first_page_limit(),
            self._ahead.generation,
        )

    def _load(self) -> bool:
        """Show the current tab, query and sort; a malformed query is shown under the search box."""
        self._stop_search_ahead()
        try:
            self.listing.set_source(self._source(), first=self._ahead.take(self._search_key(self.query_text)))
        except QueryError as exc:
            self._show_query_error(exc)
            return False
        self._show_query_error(None)
        # The counts are the tabs' own, whatever the search, the sort or the tab shown: not read again here.
        self._update_tabs(recount=False)
        return True

    def _update_tabs(self, *, recount: bool = True) -> None:
        """Show the tabs; ``recount`` reads the counts again (SQL over the whole cache: after a change of
        the data only, never for a key that only moves, searches, sorts or marks).

        A cache whose last count took long (a million complaints: ~0.2 s) is counted in a thread and the
        badges follow when it is done, so the key after an action is not held up; a small one is counted at
        once and the tabs are right in the same frame."""
        if recount:
            if self._count_seconds < COUNT_INLINE_SECONDS:
                began = time.perf_counter()
                self._counts = self.ctx.session.inbox.counts()
                self._count_seconds = time.perf_counter() - began
            else:
                self._recount()
        self._show_tabs()

    def _show_tabs(self) -> None:
        info = sort_info(self.sort.value, self.descending, self.query_text, len(self.listing.marked))
        self.query_one("#tabs", TabsBar).show(self.tabs, self._counts or {}, self.tab_index, info)

    @work(thread=True, exclusive=True, group="tab-counts")
    def _recount(self) -> None:
        began = time.perf_counter()
        counts = self.ctx.session.inbox.counts()  # its own short-lived connection: fine in this thread
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._counted, counts, time.perf_counter() - began)

    def _counted(self, counts: dict[str, int], seconds: float) -> None:
        self._counts, self._count_seconds = counts, seconds
        self._show_tabs()

    def _show_query_error(self, error: QueryError | None) -> None:
        box = self.query_one("#search-error", Static)
        if error is None:
            # Only when it shows: updating a Static lays the screen out again, a full frame on the wire.
            if box.display:
                box.update("")
                box.display = False
            return
        pointer = " " * min(error.position, 200) + "^"
        box.update(Text(f"{pointer}\n{t('search.error', error=error.message(language()))}"))
        box.display = True
        self.query_one("#search-box").display = True

    def reload(self, keep_id: str | None = None) -> None:
        self._ahead.data_changed()
        self.listing.reload(keep_id)
        self._update_tabs()

    def on_data_changed(self, message: DataChanged) -> None:
        self.tabs = self.ctx.session.inbox.tabs()
        self.tab_index = min(self.tab_index, len(self.tabs) - 1)
        self.reload()

    def relabel(self) -> None:
        self.query_one("#search", Input).placeholder = t("search.placeholder")
        self.listing.empty_text = t("list.empty")
        self._update_tabs(recount=False)
        for widget in self.query("*"):
            widget.refresh()

    # -- cursor and preview --------------------------------------------------------------------------------

    @on(InboxList.CursorMoved)
    def _cursor_moved(self, message: InboxList.CursorMoved) -> None:
        if message.row is not self._keys_row or message.row is None:
            self.refresh_bindings()
        if self.preview_on:
            if self._preview_timer is not None:
                self._preview_timer.stop()
            self._preview_timer = self.set_timer(_PREVIEW_DELAY, self._update_preview)

    def _update_preview(self) -> None:
        row = self.listing.current
        preview = self.query_one("#preview", Preview)
        preview.show(self.ctx.session.complaints.get(row.id) if row else None, self.ctx.now())

    def _targets(self) -> list[Target]:
        """The marked rows, else the cursor row (bulk actions act on marks)."""
        listing = self.listing
        window = listing.window
        if listing.marked and window is not None:
            by_id = {row.id: row for row in window.rows}
            marked = [by_id[i] for i in listing.marked if i in by_id]
            # Marked rows scrolled out of the window are still targets; their status comes from the service.
            missing = [i for i in listing.marked if i not in by_id]
            targets = [Target(r.id, r.public_ref, r.status) for r in marked]
            for complaint_id in missing:
                detail = self.ctx.session.complaints.get(complaint_id)
                target = target_of(detail.data, complaint_id) if detail is not None else None
                if target is not None:
                    targets.append(target)
            return targets
        row = listing.current
        return [Target(row.id, row.public_ref, row.status)] if row else []

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in MUTATING_ACTIONS:
            return key_state(self.ctx, action, [x.status for x in self._cheap_targets()])
        if action == "export":
            return export_key_state(self.ctx, self)
        if action == "duplicates":
            return view_key_state(self.ctx, action)  # supervisors and the coordinator; hidden for others
        if action == "search":
            # A priority key: in the search field itself "/" is text (RT-05/RW-03).
            return not isinstance(self.focused, Input)
        return True

    def _cheap_targets(self) -> list[InboxRow]:
        # Asked for before the list holds rows too; while the screen mounts (is_mounted still False) it holds
        # the first ones already: the key bar's first frame shows their states.
        listing = self._listing
        if listing.window is None:
            return []
        if listing.marked:
            return [r for r in listing.window.rows if r.id in listing.marked]
        row = listing.current
        return [row] if row else []

    # -- moving ---------------------------------------------------------------------------------------------

    def refresh_bindings(self) -> None:
        # Every path that makes the key bar read the key states again comes here (the app's and Textual's
        # too): note which statuses they were read for.
        self._keys_for = self._key_statuses()
        super().refresh_bindings()

    def _key_statuses(self) -> frozenset[Status]:
        """What the key states depend on that a move can change: the statuses of the rows acted on (see
        ``flows.key_state``; the role, read-only and the focus stay as they are)."""
        return frozenset(x.status for x in self._cheap_targets())

    def _moved(self) -> None:
        # The key bar takes the new row's key states now, in the cursor's frame: left to the CursorMoved
        # message they came a frame later, and a key press cost two frames. A row of the same status has the
        # same states: the bar is left as it is (reading them costs ~1.5 ms of a move's ~10).
        self._keys_row = self.listing.current
        if self._key_statuses() != self._keys_for:
            self.refresh_bindings()

    def action_cursor_down(self) -> None:
        self.listing.cursor_down()
        self._moved()

    def action_cursor_up(self) -> None:
        self.listing.cursor_up()
        self._moved()

    def action_first(self) -> None:
        self.listing.first()
        self._moved()

    def action_last(self) -> None:
        self.listing.last()
        self._moved()

    def action_half_down(self) -> None:
        self.listing.half_down()
        self._moved()

    def action_half_up(self) -> None:
        self.listing.half_up()
        self._moved()

    def action_page_down(self) -> None:
        self.listing.page_down()
        self._moved()

    def action_page_up(self) -> None:
        self.listing.page_up()
        self._moved()

    def action_open(self) -> None:
        row = self.listing.current
        if row is None:
            return
        from sambat_tui.ui.screens.complaint import ComplaintScreen

        self.app.push_screen(ComplaintScreen(self.ctx, self.flows, row.id))

    def action_back(self) -> None:
        if self.listing.clear_marks():
            self._update_tabs(recount=False)
            self.refresh_bindings()
            return
        self.action_close_search()

    def action_close_search(self) -> None:
        """``esc`` in the search field: closes it, nothing else (the marks stay for the bulk action)."""
        search = self.query_one("#search-box")
        if search.display:
            search.display = False
            self._stop_search_ahead()
            self._ahead.drop()  # read for a search not made: by the next one, it may be out of date
            self.set_focus(self.listing)

    # -- tabs, search, sort ---------------------------------------------------------------------------------

    def show_tab(self, index: int) -> None:
        if not 0 <= index < len(self.tabs):
            return
        self.tab_index = index
        self._load()

    def action_next_tab(self) -> None:
        self.show_tab((self.tab_index + 1) % len(self.tabs))

    def action_prev_tab(self) -> None:
        self.show_tab((self.tab_index - 1) % len(self.tabs))

    def action_tab(self, index: int) -> None:
        self.show_tab(index)

    def show_tab_id(self, tab_id: str) -> None:
        for index, tab in enumerate(self.tabs):
            if tab.id == tab_id:
                self.show_tab(index)

    def action_search(self) -> None:
        self.query_one("#search-box").display = True
        field = self.query_one("#search", Input)
        field.value = self.query_text
        # At once, not as ``focus()`` does (after the messages already queued): the keys typed after "/"
        # are already on their way and must reach the field (see the binding in ui/keys.py).
        self.set_focus(field)

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        self._stop_search_ahead()
        text = event.value.strip()
        try:
            parse_query(text)
        except QueryError:
            return
        if not text or text == self.query_text:
            return
        key = self._search_key(text)
        self._ahead_timer = self.set_timer(search_ahead.DELAY, lambda: self._search_ahead_now(key))

    def _stop_search_ahead(self) -> None:
        """The field changed, closed or was entered: the read waiting for it to rest is not wanted."""
        if self._ahead_timer is not None:
            self._ahead_timer.stop()
            self._ahead_timer = None

    def _search_ahead_now(self, key: SearchKey) -> None:
        """The first page of the search being typed, now that the field rests (ui/search_ahead.py)."""
        self._ahead_timer = None
        try:
            page = self.ctx.session.inbox.first(key.tab_id, key.query, key.sort, key.descending, key.limit)
        except Exception:  # enter reads the page again itself, and shows there what went wrong
            self._ahead.drop()
            return
        self._ahead.keep(key, page)
        self.listing.draw_ahead_of(page.rows)

    @on(Input.Submitted, "#search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        try:
            parse_query(text)
        except QueryError as exc:
            self._show_query_error(exc)  # under the field, which keeps the focus and the words
            return
        previous, self.query_text = self.query_text, text
        # The focus first, then the rows: the field's blur and the list's focus are handled (and their
        # repaints queued) before the new rows' layout, which then paints them all in one frame. Moved
        # after the load, they came after that frame and the key bar went out a second time.
        self.set_focus(self.listing)
        self.query_one("#search-box").display = False
        if not self._load():
            self.query_text = previous
            self.set_focus(self.query_one("#search", Input))  # refused past the parser: shown as above

    def action_sort(self) -> None:
        """S cycles due -> age -> priority; pressing it again on the last one reverses the order."""
        if not self.descending and self.sort is not _SORTS[-1]:
            self.sort = _SORTS[_SORTS.index(self.sort) + 1]
        elif not self.descending:
            self.sort, self.descending = _SORTS[0], True
        elif self.sort is not _SORTS[-1]:
            self.sort = _SORTS[_SORTS.index(self.sort) + 1]
        else:
            self.sort, self.descending = _SORTS[0], False
        self._load()

    def action_preview(self) -> None:
        self.preview_on = not self.preview_on
        preview = self.query_one("#preview", Preview)
        preview.display = self.preview_on
        if self.preview_on:
            self._update_preview()

    def action_copy_ref(self) -> None:
        row = self.listing.current
        if row is None:
            self.notify(t("notify.no_row"), severity="warning")
            return
        self.app.copy_to_clipboard(row.public_ref)
        self.notify(t("notify.copied", ref=one_line(row.public_ref, 40)))

    def action_export(self) -> None:
        tab_id = self.tabs[self.tab_index].id
        export_view(self, self.ctx, tab_id, self.query_text, self.sort, self.descending)

    # -- marks ----------------------------------------------------------------------------------------------

    def action_mark(self) -> None:
        self.listing.toggle_mark()
        self._update_tabs(recount=False)

    def action_mark_all(self) -> None:
        self.listing.mark_visible()
        self._update_tabs(recount=False)
        self.refresh_bindings()

    # -- acting ---------------------------------------------------------------------------------------------

    def _after_acting(self) -> None:
        """Reread the rows; the cursor goes to the row after the one acted on (fast triage)."""
        self.listing.clear_marks()
        self.reload(self._next_id)

    def _act(self, flow: FlowStep) -> None:
        targets = self._targets()
        self._next_id = self.listing.next_row_id() if not self.listing.marked else None
        flow(targets, self._after_acting)

    def action_take(self) -> None:
        self._act(self.flows.take)

    def action_status(self) -> None:
        self._act(self.flows.status)

    def action_respond(self) -> None:
        self._act(self.flows.respond)

    def action_note(self) -> None:
        self._act(self.flows.note)

    def action_return(self) -> None:
        self._act(self.flows.return_)

    def action_reassign(self) -> None:
        from sambat_tui.ui.supervision import SupervisorFlows

        self._act(SupervisorFlows(self.app, self.ctx, self.flows).reassign)

    def action_duplicates(self) -> None:
        row = self.listing.current
        if row is not None:
            from sambat_tui.ui.supervision import open_duplicates

            open_duplicates(self.app, self.ctx, self.flows, row.id)
