"""``e`` in the inbox: the view on screen (its tab, search and sort) as CSV in the profile's export folder,
where the supervisor's views write theirs, with the writer ``sambat-tui export --csv`` uses.

The rows are read and written in a worker thread a page at a time: a million cached complaints never sit in
memory, and the keys keep working meanwhile. The key is hidden when the session's services cannot export
and dimmed while an export of this screen runs; the file's path is notified when it is done.
"""

from __future__ import annotations

import logging
import weakref
from typing import TYPE_CHECKING, Protocol

from sambat_tui.domain.text_safety import one_line
from sambat_tui.ui.i18n import t

if TYPE_CHECKING:
    from textual.screen import Screen

    from sambat_tui.services.exports import Exported
    from sambat_tui.ui.flows import Context
    from sambat_tui.ui.ports import Sort

_log = logging.getLogger(__name__)

GROUP = "inbox-export"
_exporting: weakref.WeakSet[Screen[None]] = weakref.WeakSet()


class InboxExportPort(Protocol):
    def export(self, tab_id: str, query: str, sort: Sort, descending: bool) -> Exported: ...


def exporter(ctx: Context) -> InboxExportPort | None:
    """The session's inbox when it can export (``services.inbox.InboxService.export``)."""
    inbox = ctx.session.inbox
    return inbox if callable(getattr(inbox, "export", None)) else None  # type: ignore[return-value]


def export_key_state(ctx: Context, screen: Screen[None]) -> bool | None:
    """``check_action`` for ``export``: hidden without an exporter, dimmed while this screen's one runs."""
    if exporter(ctx) is None:
        return False
    return None if screen in _exporting else True


def export_view(
    screen: Screen[None], ctx: Context, tab_id: str, query: str, sort: Sort, descending: bool
) -> None:
    """Start the export of this view in a thread; its end is notified on ``screen``."""
    port = exporter(ctx)
    if port is None or screen in _exporting:
        return
    _exporting.add(screen)
    screen.refresh_bindings()
    screen.notify(t("export.started"))

    def work() -> None:
        try:
            done = port.export(tab_id, query, sort, descending)
        except Exception as error:  # a full disk, a folder we may not write, a bug: said, not raised
            _log.exception("inbox export failed")
            screen.app.call_from_thread(_finished, screen, None, str(error))
            return
        screen.app.call_from_thread(_finished, screen, done, None)

    screen.run_worker(work, name="inbox export", group=GROUP, thread=True, exit_on_error=False)


def _finished(screen: Screen[None], done: Exported | None, error: str | None) -> None:
    _exporting.discard(screen)
    screen.refresh_bindings()
    if done is None:
        screen.notify(t("export.failed", error=one_line(error or "?", 200)), severity="error")
    else:
        screen.notify(t("export.inbox_done", n=done.rows, path=one_line(str(done.path), 200)))
