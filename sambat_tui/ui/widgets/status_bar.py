"""The status line under every screen: online or not, last sync, what waits to be sent, who is signed in.

People must never wonder whether their work reached the server, so the pending count is always shown, and
failures and conflicts stand out. The line repaints only when its text changes.

A read-only window beside the one that holds the cache says that the other window syncs (``synced_elsewhere``)
instead of an online state it cannot know.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, ClassVar, NamedTuple

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from sambat_tui.domain.model import Role
from sambat_tui.domain.text_safety import one_line
from sambat_tui.ui import fmt
from sambat_tui.ui.i18n import label, t

if TYPE_CHECKING:
    from sambat_tui.ui.ports import SyncProgress


class BarState(NamedTuple):
    online: bool | None = None
    last_sync_at: datetime | None = None
    pending: int = 0
    failed: int = 0
    conflicts: int = 0
    syncing: bool = False
    progress: SyncProgress | None = None
    user: str | None = None
    roles: tuple[Role, ...] = ()
    read_only: bool = False
    synced_elsewhere: bool = False
    """This window reads beside another that holds the cache and syncs it: it never syncs itself."""


class StatusBar(Widget):
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "status-bar--online",
        "status-bar--offline",
        "status-bar--dim",
        "status-bar--warn",
        "status-bar--error",
        "status-bar--user",
        "status-bar--read-only",
    }

    def __init__(self, state: BarState | None = None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._state = state or BarState()

    @property
    def state(self) -> BarState:
        return self._state

    @state.setter
    def state(self, value: BarState) -> None:
        if value != self._state:
            self._state = value
            self.refresh()

    def on_mount(self) -> None:
        # A screen opened later starts from what the app last published, not from "never synced".
        published = getattr(self.app, "bar_state", None)
        if isinstance(published, BarState):
            self.state = published

    def relabel(self) -> None:
        self.refresh()

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"status-bar--{name}", partial=True)

    def render(self) -> Text:
        s = self._state
        left = Text(no_wrap=True, overflow="ellipsis")
        said_link = True  # whether the link's state has words before the last sync time
        if s.syncing:
            left.append("⟳ " + t("bar.syncing"), self._style("warn"))
            if s.progress is not None:
                left.append(" " + _progress(s.progress), self._style("dim"))
        elif s.synced_elsewhere:
            # Not "never synced" nor offline: this window does not sync, the one holding the cache does.
            left.append("⇄ " + t("bar.synced_elsewhere"), self._style("dim"))
        elif s.online is None and s.last_sync_at is None:
            left.append("◌ " + t("bar.never_synced"), self._style("dim"))
        elif s.online is None:
            # Not tried yet in this session: no claim either way, only when the cache was last synced (it was:
            # "never synced" beside "last sync 11.58" contradicted itself at every start).
            left.append("◌ ", self._style("dim"))
            said_link = False
        elif s.online:
            left.append("● " + t("bar.online"), self._style("online"))
        else:
            left.append("○ " + t("bar.offline"), self._style("offline"))
        if s.last_sync_at is not None and not s.syncing:
            left.append((" · " if said_link else "") + t("bar.last_sync", time=fmt.clock(s.last_sync_at)))
        left.append(" · ")
        left.append(t("bar.pending", n=s.pending), self._style("warn") if s.pending else Style())
        if s.failed:
            left.append(" · ")
            left.append(t("bar.failed", n=s.failed), self._style("error"))
        left.append(" · ")
        left.append(t("bar.conflicts", n=s.conflicts), self._style("error") if s.conflicts else Style())
        right = Text(no_wrap=True)
        if s.read_only:
            right.append(t("bar.read_only"), self._style("read-only"))
            right.append(" ")
        if s.user is None:
            right.append(t("bar.not_signed_in"), self._style("dim"))
        else:
            role = ", ".join(label(r) for r in s.roles)
            who = t("bar.user", name=one_line(s.user, 40), role=role)
            if cell_len(who) + right.cell_len + left.cell_len + 2 > self.size.width:
                who = role  # 80 columns: the role matters more than the name
            right.append(who, self._style("user"))
        gap = self.size.width - left.cell_len - right.cell_len
        if gap < 1:
            left.truncate(max(1, self.size.width - right.cell_len - 1), overflow="ellipsis")
            gap = max(1, self.size.width - left.cell_len - right.cell_len)
        return Text.assemble(left, " " * gap, right, no_wrap=True)


def _progress(progress: SyncProgress) -> str:
    phase = t(f"phase.{progress.phase}")
    if progress.total is None:
        return t("bar.progress", phase=phase, done=progress.done)
    return t("bar.progress_total", phase=phase, done=progress.done, total=progress.total)
