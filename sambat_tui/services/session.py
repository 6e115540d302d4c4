"""A session: one profile's cache opened, and the services the UI and the headless commands use.

Thread rule: the UI thread calls inbox, complaints, actions and outbox; the sync runs in a worker thread
through ``session.sync.run_once()``. The store's one writer connection is shared under its lock; each thread
reads through its own read-only connection.

Start-up cost: opening a session loads the inbox and what the status bar reads, nothing more. Each other
service is made (and its module imported) the first time it is asked for: the actions and the outbox load
the wire contract (pydantic), the sync loads httpx and the engine. The app paints its first inbox frame
before any of them is needed; the headless commands load only what their command uses.

Read-only beside another window: a session opened ``read_only`` while another process (the app, a running
``sambat-tui sync``) holds the cache's writer opens the cache with readers only (``Store.open_readers_only``)
instead of failing. Such a session (``synced_elsewhere``) writes nothing: it skips the start-up repairs, and
its sync runs nothing and says why; the other process's commits show at its next read. Once that process
has closed (or died), ``take_over`` gives the session the writer: it is then an ordinary read-only session,
which syncs.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from sambat_tui.domain.calendar import WorkingCalendar
from sambat_tui.domain.model import Role
from sambat_tui.domain.sla import SlaPolicy
from sambat_tui.services.config import AppConfig, load_config
from sambat_tui.services.identity import Identity
from sambat_tui.services.inbox import InboxService
from sambat_tui.services.profiles import Profile
from sambat_tui.store import outbox, reference, sync_state
from sambat_tui.store.db import Store, StoreFull, StoreLocked

if TYPE_CHECKING:
    from sambat_tui.services.actions import ActionService
    from sambat_tui.services.complaints import ComplaintService
    from sambat_tui.services.outbox import OutboxService
    from sambat_tui.services.supervision import SupervisionService
    from sambat_tui.services.sync import ClientFactory, SyncProgress, SyncReport, SyncService, SyncStatus

__all__ = ["Identity", "Session", "SyncedElsewhere", "utc_now"]

_T = TypeVar("_T")
_log = logging.getLogger(__name__)

SYNCED_ELSEWHERE = (
    "this window is read-only and another process (an app window or `sambat-tui sync`) holds the cache: "
    "that process syncs it"
)


class SyncedElsewhere:
    """The sync of a session with readers only: the status bar's figures as the other process stores them,
    and a run that does nothing (it would need the writer) and says why in its report."""

    def __init__(self, status_of: SyncService) -> None:
        self.service = status_of
        """The sync this session runs once it has taken the writer (``Session.take_over``)."""

    def run_once(
        self, progress: Callable[[SyncProgress], None] | None = None, *, retry_now: bool = False
    ) -> SyncReport:
        return self.service.not_run(SYNCED_ELSEWHERE)

    def status(self) -> SyncStatus:
        return self.service.status()

    def close(self) -> None:
        self.service.close()


def utc_now() -> datetime:
    return datetime.now(UTC)


class Session:
    def __init__(
        self,
        profile: Profile,
        store: Store,
        *,
        read_only: bool,
        now: Callable[[], datetime],
        config: AppConfig,
        client_factory: ClientFactory | None = None,
    ) -> None:
        self.profile = profile
        self.store = store
        self.read_only = read_only
        self.config = config
        self._now = now
        self._client_factory = client_factory
        self._calendar = WorkingCalendar.load()
        self._policy = SlaPolicy.load()
        self._made: dict[str, object] = {}
        self._making = threading.Lock()
        self._stored_me: tuple[str | None, Identity | None] = (None, None)
        self._seen_version: int | None = None
        self._repairs_due = False
        self.inbox = InboxService(
            store,
            config=config,
            user_id=self._user_id,
            now=now,
            calendar=self._calendar,
            policy=self._policy,
            export_dir=self.export_dir,
        )

    @property
    def export_dir(self) -> Path:
        """Where CSV exports go, the inbox's and the supervisor's views' alike."""
        return self.profile.data_dir / "exports"

    def _service(self, name: str, make: Callable[[], _T]) -> _T:
        """The service ``name``, made on first use; the UI thread and the sync thread may ask at once."""
        with self._making:
            found = self._made.get(name)
            if found is None:
                found = self._made[name] = make()
            return found  # type: ignore[return-value]

    @property
    def supervision(self) -> SupervisionService:
        def make() -> SupervisionService:
            from sambat_tui.services.supervision import SupervisionService

            return SupervisionService(
                self.store,
                identity=lambda: self.identity,
                now=self._now,
                calendar=self._calendar,
                policy=self._policy,
                export_dir=self.export_dir,
            )

        return self._service("supervision", make)

    @property
    def complaints(self) -> ComplaintService:
        def make() -> ComplaintService:
            from sambat_tui.services.complaints import ComplaintService

            return ComplaintService(self.store, roles=self._roles, read_only=self.read_only)

        return self._service("complaints", make)

    @property
    def actions(self) -> ActionService:
        def make() -> ActionService:
            from sambat_tui.services.actions import ActionService
            from sambat_tui.services.templates import load_canned_responses

            return ActionService(
                self.store,
                identity=lambda: self.identity,
                read_only=self.read_only,
                now=self._now,
                canned=load_canned_responses(),
            )

        return self._service("actions", make)

    @property
    def outbox(self) -> OutboxService:
        def make() -> OutboxService:
            from sambat_tui.services.outbox import OutboxService

            return OutboxService(self.store)

        return self._service("outbox", make)

    @property
    def synced_elsewhere(self) -> bool:
        """Whether this session reads beside another process's writer (readers only; that process syncs)."""
        return self.store.readers_only

    def cache_changed(self) -> bool:
        """Whether another process committed to the cache since the last call (the first call only takes
        note): what a read-only window beside the syncing one asks before reading everything again."""
        version = self.store.data_version()
        seen, self._seen_version = self._seen_version, version
        return seen is not None and version != seen

    @property
    def sync(self) -> SyncService | SyncedElsewhere:
        def make() -> SyncService | SyncedElsewhere:
            from sambat_tui.services.sync import SyncService

            if self._client_factory is None:
                service = SyncService(self.profile, self.store, now=self._now)
            else:
                service = SyncService(
                    self.profile, self.store, now=self._now, client_factory=self._client_factory
                )
            return SyncedElsewhere(service) if self.synced_elsewhere else service

        return self._service("sync", make)

    @classmethod
    def open(
        cls,
        profile: Profile,
        *,
        read_only: bool = False,
        now: Callable[[], datetime] = utc_now,
        client_factory: ClientFactory | None = None,
        repair: bool = True,
    ) -> Session:
        """Open the profile's cache (creating it 0600). Raises ``store.db.StoreLocked`` when another process
        (the app, a running ``sambat-tui sync``) has it open, ``config.ConfigError`` for a bad config file.

        ``read_only``: when another process has it open, the cache is opened with readers only instead
        (``synced_elsewhere``); ``store.db.StoreError`` when that cannot be done either (e.g. its schema is
        not the one this code knows).

        ``client_factory`` makes the sync's HTTP client (default: ``sync.client.ApiClient``, loaded at the
        first sync).

        ``repair=False`` leaves the start-up repairs to ``finish_opening``: the app makes them once its
        first frame is out (checking the shipped reference data against the cache is ~5 ms of the start)."""
        config = load_config(profile)
        store = _open_store(profile.cache_path, read_only=read_only)
        if store.readers_only:
            # The process that holds the writer made these repairs when it opened the cache.
            return cls(profile, store, read_only=True, now=now, config=config, client_factory=client_factory)
        if repair:
            try:
                _repair(store)
            except BaseException:
                store.close()
                raise
        session = cls(
            profile, store, read_only=read_only, now=now, config=config, client_factory=client_factory
        )
        session._repairs_due = not repair
        return session

    def finish_opening(self) -> None:
        """Make the start-up repairs ``open(repair=False)`` left, once; a no-op otherwise. Until they are
        made, a mutation left "sending" by a crash still goes again at the next sync (the engine resends such
        rows), and the reference data are the cache's. ``StoreFull`` when the disk has no room: they are made
        at the next start then."""
        if not self._repairs_due:
            return
        self._repairs_due = False
        _repair(self.store)

    def take_over(self) -> bool:
        """For a session beside another process's writer (``synced_elsewhere``): take the cache's writer once
        that process has let it go (closed, or died), make the start-up repairs it made, and sync from then
        on. True when this session has just taken it; False while the other still holds it, and for a
        session that had the writer all along. ``store.db.StoreError`` when the writer cannot be opened."""
        if not self.synced_elsewhere or not self.store.take_writer():
            return False
        with self._making:
            made = self._made.get("sync")
            if isinstance(made, SyncedElsewhere):
                self._made["sync"] = made.service
        try:
            _repair(self.store)
        except StoreFull:
            # The writer is this session's all the same: the repairs are made at the next start, and until
            # there is room its syncs say the disk is full.
            _log.warning("the start-up repairs after taking over %s wait: its disk is full", self.store.path)
        return True

    def _user_id(self) -> str | None:
        me = self.identity
        return me.user_id if me is not None else None

    @property
    def identity(self) -> Identity | None:
        """The signed-in user as the last sync saw them (read from the cache); None before the first sync."""
        with self.store.read() as conn:
            raw = sync_state.get(conn, sync_state.SyncKey.ME)
        last_raw, last = self._stored_me
        if raw is None or raw != last_raw:
            # Parsed again only when the sync stored a new answer: the inbox asks at every page.
            last = None if raw is None else Identity.from_stored(raw)
            self._stored_me = (raw, last)
        return last

    def _roles(self) -> frozenset[Role] | None:
        me = self.identity
        return None if me is None else me.roles

    def close(self) -> None:
        with self._making:
            sync = self._made.get("sync")
        if sync is not None:
            sync.close()  # type: ignore[attr-defined]
        self.store.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def _repair(store: Store) -> None:
    """What a process that has just taken the cache's writer puts right: a mutation left "sending" by a
    crash, and the reference data the app ships."""
    from sambat_tui.domain.reference import load_reference

    shipped = load_reference()
    with store.read() as conn:
        # Both are no-ops on every start but the first and those after a crash: read before writing, so a
        # normal start makes no write transaction (a synced commit costs a disk flush).
        stale = outbox.has_sending(conn) or reference.needs_seed(conn, shipped)
    if stale:
        with store.transaction() as conn:
            # A mutation left "sending" may or may not have reached the server; its idempotency key makes
            # sending it again harmless.
            outbox.reset_sending(conn)
            reference.seed(conn, shipped)


def _open_store(path: Path, *, read_only: bool) -> Store:
    """The cache with its writer; for a read-only session whose writer another process holds, its readers."""
    try:
        return Store.open(path)
    except StoreLocked:
        if not read_only:
            raise
    return Store.open_readers_only(path)
