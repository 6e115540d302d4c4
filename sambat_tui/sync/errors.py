"""What can go wrong talking to ``/v1``, as types the sync engine decides on.

- :class:`Offline`: the server could not be reached or the exchange broke off. Whether a request that was
  sent had an effect is unknown; only an idempotent retry can tell.
- :class:`ApiError`: the server answered with an error status (problem+json where it could).
- :class:`ProtocolError`: the server answered something that is not what the contract says. For a
  mutation the server may still have committed it, so this too is answered by an idempotent retry.
"""

from __future__ import annotations

from typing import Any

from sambat_tui.contract import Complaint

RATE_LIMITED = 429
TRANSIENT_STATUSES = frozenset({408, 425, RATE_LIMITED})


class SyncError(Exception):
    """Base of every error the /v1 client raises."""


class Offline(SyncError):
    """No answer: connection refused or dropped, a timeout, a TLS failure."""


class ProtocolError(SyncError):
    """An answer that breaks the contract (not JSON, a missing field, a wrong type)."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class ApiError(SyncError):
    """An error answer. ``code`` is the problem's stable code (``version_mismatch``, ``forbidden``, ...)."""

    def __init__(
        self,
        status: int,
        code: str,
        detail: str,
        *,
        title: str | None = None,
        current: Complaint | None = None,
        retry_after: float | None = None,
        problem: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(f"{status} {code}: {detail}")
        self.status = status
        self.code = code
        self.detail = detail
        self.title = title
        self.current = current
        """For 412: the complaint as the server has it now (None if the body did not carry a valid one)."""
        self.retry_after = retry_after
        self.problem = problem or {}

    @property
    def transient(self) -> bool:
        """Worth retrying later as it is: the server was busy or broken, not refusing the request."""
        return self.status >= 500 or self.status in TRANSIENT_STATUSES

    @property
    def unauthenticated(self) -> bool:
        return self.status == 401

    @property
    def rate_limited(self) -> bool:
        """The server asks this client to wait (``retry_after`` seconds, when it said): not a failure."""
        return self.status == RATE_LIMITED
