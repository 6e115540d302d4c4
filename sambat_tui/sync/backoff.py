"""When to try a failed mutation again: exponential backoff with full jitter, capped.

Full jitter (a uniform draw between zero and the exponential ceiling) spreads the retries of many laptops
that lost the same server at the same moment, so they do not all come back in one wave.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Backoff:
    base_seconds: float = 2.0
    cap_seconds: float = 15 * 60.0
    floor_seconds: float = 1.0
    """Never sooner than this: a retry in the same instant helps no one."""
    rng: random.Random = field(default_factory=random.Random, compare=False)

    def __post_init__(self) -> None:
        if not 0 < self.floor_seconds <= self.base_seconds <= self.cap_seconds:
            raise ValueError("backoff needs 0 < floor <= base <= cap")

    def ceiling(self, attempts: int) -> float:
        """The upper bound of the delay after ``attempts`` failed attempts (1 = the first failure)."""
        if attempts < 1:
            raise ValueError("attempts counts failures, starting at 1")
        # 2**60 already dwarfs any cap; bounding the exponent keeps the float finite.
        return min(self.cap_seconds, self.base_seconds * 2.0 ** min(attempts - 1, 60))

    def delay(self, attempts: int, retry_after: float | None = None) -> float:
        """Seconds to wait; a server's Retry-After is honoured as a lower bound (within the cap)."""
        drawn = self.rng.uniform(self.floor_seconds, max(self.floor_seconds, self.ceiling(attempts)))
        if retry_after is not None:
            drawn = max(drawn, min(retry_after, self.cap_seconds))
        return drawn

    def next_attempt(self, now: datetime, attempts: int, retry_after: float | None = None) -> datetime:
        return now + timedelta(seconds=self.delay(attempts, retry_after))
