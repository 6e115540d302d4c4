"""Settings of a central server, and the resolved context its routes and jobs share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sambat_tui.central.ratelimit import RateLimit, TokenBuckets
from sambat_tui.central.storage import Storage
from sambat_tui.domain.calendar import WorkingCalendar
from sambat_tui.domain.reference import Reference, load_reference
from sambat_tui.domain.sla import SlaPolicy

if TYPE_CHECKING:
    from sambat_tui.central.open311.services import AttributeCatalogue
    from sambat_tui.domain.routing import Router

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    clock: Clock = utc_now
    """Returns an aware datetime; tests pass a fixed or hand-moved clock."""
    reference: Reference = field(default_factory=load_reference)
    """Loaded into an empty database at start; afterwards the database is the reference."""
    router: Router | None = None
    """None: ``Router.load(reference=reference)`` with the shipped rules."""
    calendar: WorkingCalendar = field(default_factory=WorkingCalendar.load)
    policy: SlaPolicy = field(default_factory=SlaPolicy.load)
    attributes: AttributeCatalogue | None = None
    """The Open311 attributes of each category; None: the shipped ``category_attributes.toml``."""
    reference_from_files: bool = False
    """True when a city's own agency, desk or category tables are given: each start then brings their added
    and changed rows into the database (a row a file no longer lists stays). False: the database, once it
    has agencies, is the reference."""
    coordinator_agency_id: str = "diskominfo"
    """Where a ``return`` disposition lands: the coordinator's triage."""
    standard_users: bool = True
    """Create the standard users (coordinator, auditor, per-agency desk roles) in a database that has none."""
    job_interval_seconds: float | None = 60.0
    """How often the server runs the SLA jobs in the background; None: never (tests run them by hand)."""
    feed_retention_days: int | None = 90
    """Superseded change-log rows older than this are compacted by the jobs; None: never."""
    idempotency_retention_days: int = 35
    """Idempotency keys and their first answers are kept this long (clients may be offline for weeks)."""
    rate_limit: RateLimit | None = field(default_factory=RateLimit)
    """Requests per credential (token, api key, or client address); None: no limit."""

    def __post_init__(self) -> None:
        if self.idempotency_retention_days < 30:
            raise ValueError(
                "idempotency_retention_days must be at least 30: field offices stay offline for days"
            )
        if self.feed_retention_days is not None and self.feed_retention_days < 1:
            raise ValueError("feed_retention_days must be at least 1 (or None to never compact)")
        if self.job_interval_seconds is not None and self.job_interval_seconds <= 0:
            raise ValueError(
                "job_interval_seconds must be positive (or None to not run jobs in the background)"
            )


@dataclass(frozen=True)
class Context:
    """What a request or a job needs, resolved once when the app is made."""

    settings: Settings
    storage: Storage
    router: Router
    limiter: TokenBuckets | None = None
    """The request buckets of this server run (``ratelimit.RateLimitMiddleware``); None: no limit."""

    @property
    def calendar(self) -> WorkingCalendar:
        return self.settings.calendar

    @property
    def policy(self) -> SlaPolicy:
        return self.settings.policy

    def now(self) -> datetime:
        moment = self.settings.clock()
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError("the clock must return an aware datetime")
        return moment.astimezone(UTC)

    @classmethod
    def open(cls, settings: Settings) -> Context:
        """Open the database in ``settings.data_dir`` and migrate it; the caller closes ``storage``."""
        router = settings.router
        if router is None:
            from sambat_tui.domain.routing import Router

            router = Router.load(reference=settings.reference)
        storage = Storage.open(settings.data_dir)
        try:
            storage.migrate()
        except BaseException:
            storage.close()
            raise
        limit = settings.rate_limit
        limiter = TokenBuckets(limit) if limit is not None else None
        return cls(settings=settings, storage=storage, router=router, limiter=limiter)
