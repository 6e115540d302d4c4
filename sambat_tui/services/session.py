"""A session: one profile's cache opened, and the services the UI and the headless commands use.

Thread rule: the UI thread calls inbox, complaints, actions and outbox; the sync runs in a worker thread
through ``session.sync.run_once()``. The store's one writer connection is shared under its lock; each thread
reads through its own read-only connection.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sambat_tui.domain.calendar import WorkingCalendar
from sambat_tui.domain.model import Role
from sambat_tui.domain.reference import load_reference
from sambat_tui.domain.sla import SlaPolicy
from sambat_tui.services.actions import ActionService
from sambat_tui.services.complaints import ComplaintService
from sambat_tui.services.config import AppConfig, load_config
from sambat_tui.services.identity import Identity
from sambat_tui.services.inbox import InboxService
from sambat_tui.services.outbox import OutboxService
from sambat_tui.services.profiles import Profile
from sambat_tui.services.supervision import SupervisionService
from sambat_tui.services.sync import ClientFactory, SyncService
from sambat_tui.services.templates import load_canned_responses
from sambat_tui.store import outbox, reference
from sambat_tui.store.db import Store
from sambat_tui.sync.client import ApiClient
from sambat_tui.sync.engine import stored_identity

__all__ = ["Identity", "Session", "utc_now"]


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
        client_factory: ClientFactory = ApiClient,
    ) -> None:
        self.profile = profile
        self.store = store
        self.read_only = read_only
        self.config = config
        calendar = WorkingCalendar.load()
        policy = SlaPolicy.load()
        self.inbox = InboxService(
            store,
            config=config,
            user_id=lambda: self.identity.user_id if self.identity else None,
            now=now,
            calendar=calendar,
            policy=policy,
        )
        self.supervision = SupervisionService(
            store,
            identity=lambda: self.identity,
            now=now,
            calendar=calendar,
            policy=policy,
            export_dir=profile.data_dir / "exports",
        )
        self.complaints = ComplaintService(store, roles=self._roles, read_only=read_only)
        self.actions = ActionService(
            store,
            identity=lambda: self.identity,
            read_only=read_only,
            now=now,
            canned=load_canned_responses(),
        )
        self.outbox = OutboxService(store)
        self.sync = SyncService(profile, store, now=now, client_factory=client_factory)

    @classmethod
    def open(
        cls,
        profile: Profile,
        *,
        read_only: bool = False,
        now: Callable[[], datetime] = utc_now,
        client_factory: ClientFactory = ApiClient,
    ) -> Session:
        """Open the profile's cache (creating it 0600). Raises ``store.db.StoreLocked`` when another process
        (the app, a running ``sambat-tui sync``) has it open, ``config.ConfigError`` for a bad config file."""
        config = load_config(profile)
        store = Store.open(profile.cache_path)
        try:
            with store.transaction() as conn:
                # A mutation left "sending" by a crash may or may not have reached the server; its
                # idempotency key makes sending it again harmless.
                outbox.reset_sending(conn)
                reference.seed(conn, load_reference())
        except BaseException:
            store.close()
            raise
        return cls(profile, store, read_only=read_only, now=now, config=config, client_factory=client_factory)

    @property
    def identity(self) -> Identity | None:
        """The signed-in user as the last sync saw them (read from the cache); None before the first sync."""
        me = stored_identity(self.store)
        return None if me is None else Identity.from_me(me)

    def _roles(self) -> frozenset[Role] | None:
        me = self.identity
        return None if me is None else me.roles

    def close(self) -> None:
        self.sync.close()
        self.store.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
