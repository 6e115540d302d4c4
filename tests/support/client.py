"""A signed-in client profile against a test server (directly or through a fault proxy)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sambat_tui.services.login import sign_in
from sambat_tui.services.profiles import Profile, profile_paths
from sambat_tui.services.session import Session
from tests.support.server import CentralServer


@dataclass
class Clock:
    """The client's clock, moved by hand (backoff times are compared with it)."""

    now: datetime = field(default_factory=lambda: datetime.now(UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


def signed_in(
    server: CentralServer, user_id: str, *, url: str | None = None, name: str = "default"
) -> Profile:
    """Sign the profile ``name`` in as ``user_id`` (needs a private SAMBAT_TUI_HOME: ``client_home``)."""
    signed = sign_in(profile_paths(name), url or server.url, server.token(user_id))
    return signed.profile


def open_session(profile: Profile, now: Callable[[], datetime] | None = None) -> Session:
    return Session.open(profile, now=now) if now is not None else Session.open(profile)
