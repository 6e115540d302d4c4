"""Sync for the UI and the headless commands: one blocking run at a time, and the status bar's figures.

``run_once`` blocks: the UI calls it from a worker thread, never from the event loop. The engine and its
one long-lived HTTP client are made at the first run (the token is read then, from the keyring or file).

The engine's modules (httpx, pydantic, the wire contract) load at that first run too, not with this module:
the status bar reads ``status()`` on the app's first frame, which needs the store alone.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from importlib import import_module
from typing import TYPE_CHECKING, NamedTuple

from sambat_tui.services.profiles import Profile
from sambat_tui.store import outbox, sync_state
from sambat_tui.store.db import Store
from sambat_tui.store.outbox import OutboxState

if TYPE_CHECKING:
    from sambat_tui.sync.client import ApiClient
    from sambat_tui.sync.engine import SyncEngine, SyncProgress, SyncReport

__all__ = ["SyncProgress", "SyncReport", "SyncService", "SyncStatus"]

ClientFactory = Callable[[str, str], "ApiClient"]


def __getattr__(name: str) -> object:
    # The engine's report types, re-exported without loading the engine with this module.
    if name in ("SyncProgress", "SyncReport"):
        return getattr(import_module("sambat_tui.sync.engine"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class SyncStatus(NamedTuple):
    online: bool | None
    """None until a run in this session has tried."""
    last_sync_at: datetime | None
    pending: int
    """Not yet on the server: pending, sending and failed mutations."""
    conflicts: int


class SyncService:
    def __init__(
        self,
        profile: Profile,
        store: Store,
        *,
        now: Callable[[], datetime],
        client_factory: ClientFactory | None = None,
    ) -> None:
        """``client_factory`` makes the HTTP client (default: ``sync.client.ApiClient``)."""
        self._profile = profile
        self._store = store
        self._now = now
        self._client_factory = client_factory
        self._engine: SyncEngine | None = None
        self._lock = threading.Lock()
        self._online: bool | None = None

    def _make_engine(self) -> SyncEngine | str:
        """The engine, or why there is none (an error line for the report)."""
        with self._lock:
            if self._engine is not None:
                return self._engine
            if not self._profile.configured:
                return f"not signed in: run `sambat-tui login --profile {self._profile.name} --server URL`"
            from sambat_tui.services.credentials import CredentialError, TokenStore

            try:
                token = TokenStore(self._profile).get()
            except CredentialError as error:
                return str(error)
            if token is None:
                return f"no token for profile {self._profile.name}: run `sambat-tui login` again"
            from sambat_tui.sync.client import ApiClient
            from sambat_tui.sync.engine import SyncEngine

            factory = self._client_factory or ApiClient
            client = factory(self._profile.server_url, token)
            self._engine = SyncEngine(self._store, client, now=self._now)
            return self._engine

    def not_run(self, why: str) -> SyncReport:
        """The report of a sync that could not run: offline, nothing moved, ``why`` as its error."""
        from sambat_tui.sync.engine import SyncReport

        conflicts = self.status().conflicts
        return SyncReport(online=False, pulled=0, pushed=0, conflicts=conflicts, quarantined=0, error=why)

    def run_once(
        self, progress: Callable[[SyncProgress], None] | None = None, *, retry_now: bool = False
    ) -> SyncReport:
        """Pull and push once (blocking).

        ``retry_now``: failed mutations are sent now instead of at their backoff time (a sync asked for).
        """
        engine = self._make_engine()
        if isinstance(engine, str):
            return self.not_run(engine)
        report = engine.run_once(progress, retry_now=retry_now)
        self._online = report.online
        return report

    def status(self) -> SyncStatus:
        with self._store.read() as conn:
            found = outbox.counts(conn)
            last = sync_state.last_sync_at(conn)
        return SyncStatus(
            online=self._online,
            last_sync_at=last,
            pending=found[OutboxState.PENDING] + found[OutboxState.SENDING] + found[OutboxState.FAILED],
            conflicts=found[OutboxState.CONFLICT],
        )

    def close(self) -> None:
        with self._lock:
            if self._engine is not None:
                self._engine.client.close()
                self._engine = None
