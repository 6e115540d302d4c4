"""Rate limiting: a token bucket per credential, answered with 429 and ``Retry-After``.

The credential is what a request presents: the bearer token on ``/v1``, the ``api_key`` of an Open311 POST
(in the query or the body), and otherwise the client's address (``/lacak``, Open311 GETs, a request without
a token). Each bucket holds up to ``burst`` requests and refills at ``per_minute``; a request that finds it
empty is refused before any route runs: ``rate_limited`` problem+json, or the GeoReport error list under
``/open311/``, with ``Retry-After`` = the seconds until the bucket is full again (at most a minute with the
default burst). Tokens and keys are kept only as hashes.

A credential the server has not yet accepted is charged twice: to its own bucket and to its address's
bucket of unproven credentials (``unproven:`` + the address). Otherwise each made-up token would bring a
full bucket of its own, and guessing tokens or keys from one address would never be slowed down. One answer
below 400 proves the credential; from then on only its own bucket pays. A client's first request is all
that the unproven bucket sees of it.

Memory stays bounded: a bucket idle long enough to be full again is the same as no bucket, so it is dropped
(least recently used first, as requests come in), and past ``max_keys`` buckets the least recently used one
goes even if not yet full (that client gets a fresh bucket: lenient, never stricter).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from starlette.responses import Response

from sambat_tui.central.problems import come_back_later
from sambat_tui.contract import ProblemCode

DEFAULT_PER_MINUTE = 600
MAX_KEYS = 100_000
"""Buckets kept, and proven credentials kept: about 100 bytes each, some twenty megabytes at worst."""
MAX_SCANNED_BODY = 64 * 1024
"""An Open311 POST body is read this far for its api_key; the route refuses bigger ones anyway."""
OPEN311_PREFIX = "/open311/"

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
Asgi = Callable[[Scope, Receive, Send], Awaitable[None]]


@dataclass(frozen=True)
class RateLimit:
    per_minute: int = DEFAULT_PER_MINUTE
    burst: int | None = None
    """Requests a full bucket allows at once; None: as many as a minute's worth (``per_minute``)."""

    def __post_init__(self) -> None:
        if self.per_minute < 1:
            raise ValueError(f"the rate limit must be at least 1 request a minute, got {self.per_minute}")
        if self.burst is not None and self.burst < 1:
            raise ValueError(f"the burst must be at least 1 request, got {self.burst}")

    @property
    def capacity(self) -> int:
        return self.burst if self.burst is not None else self.per_minute


class TokenBuckets:
    """The buckets of every credential; ``take`` is safe from any thread."""

    def __init__(
        self,
        limit: RateLimit,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = MAX_KEYS,
    ) -> None:
        if max_keys < 1:
            raise ValueError("max_keys must be at least 1")
        self.limit = limit
        self._rate = limit.per_minute / 60.0
        self._capacity = float(limit.capacity)
        self._refill_seconds = self._capacity / self._rate
        self._clock = clock
        self._max_keys = max_keys
        # key -> (tokens left, when counted); least recently used first.
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        # Credentials that got an accepted answer; least recently used first, at most ``max_keys``.
        self._proven: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._buckets)

    def take(self, key: str) -> float:
        """Spend one request of ``key``'s bucket: 0.0 when allowed, else the seconds until it is full again.

        Not until the next single request: that is what ``Retry-After`` says, and a client that waited for
        one request would spend it on its first call (a sync starts with ``/v1/me``) and be refused again
        without ever getting its work through.
        """
        with self._lock:
            now = self._clock()
            self._evict(now)
            tokens, then = self._buckets.pop(key, (self._capacity, now))
            tokens = min(self._capacity, tokens + (now - then) * self._rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (self._capacity - tokens) / self._rate

    def is_proven(self, key: str) -> bool:
        with self._lock:
            if key not in self._proven:
                return False
            self._proven.move_to_end(key)
            return True

    def prove(self, key: str) -> None:
        """Remember that ``key`` was accepted: its requests are no longer charged to the unproven bucket."""
        with self._lock:
            self._proven[key] = None
            self._proven.move_to_end(key)
            while len(self._proven) > self._max_keys:
                self._proven.popitem(last=False)

    def _evict(self, now: float) -> None:
        while self._buckets:
            key, (_, then) = next(iter(self._buckets.items()))
            if now - then < self._refill_seconds and len(self._buckets) < self._max_keys:
                return
            del self._buckets[key]


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogateescape")).hexdigest()[:32]


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None


def _address(scope: Scope) -> str:
    client = scope.get("client")
    return f"addr:{client[0]}" if client else "addr:unknown"


def _bearer(scope: Scope) -> str | None:
    scheme, _, value = (_header(scope, b"authorization") or "").partition(" ")
    value = value.strip()
    return value if scheme.lower() == "bearer" and value else None


_MULTIPART_KEY = re.compile(rb'name="api_key"\r\n(?:[^\r\n]+\r\n)*\r\n([^\r\n]*)')


def _api_key(query: bytes, media_type: str, body: bytes) -> str | None:
    """The api_key an Open311 POST carries: in the query, a form, a JSON object or a multipart part."""
    pairs = parse_qsl(query.decode("latin-1"))
    if media_type == "application/x-www-form-urlencoded":
        pairs += parse_qsl(body.decode("utf-8", "replace"))
    found = next((value for name, value in pairs if name == "api_key" and value.strip()), None)
    if found is not None:
        return found.strip()
    if media_type == "application/json":
        try:
            data = json.loads(body)
        except ValueError:
            return None
        value = data.get("api_key") if isinstance(data, dict) else None
        return value.strip() if isinstance(value, str) and value.strip() else None
    if media_type == "multipart/form-data":
        match = _MULTIPART_KEY.search(body)
        value = match.group(1).decode("utf-8", "replace").strip() if match is not None else ""
        return value or None
    return None


async def _buffered(receive: Receive) -> tuple[list[Message], bytes]:
    """The first messages of a request body (up to ``MAX_SCANNED_BODY``), to be replayed to the app."""
    messages: list[Message] = []
    body = b""
    while len(body) <= MAX_SCANNED_BODY:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            break
        body += message.get("body", b"")
        if not message.get("more_body", False):
            break
    return messages, body


def _replaying(messages: list[Message], receive: Receive) -> Receive:
    async def replay() -> Message:
        return messages.pop(0) if messages else await receive()

    return replay


def _retry_after(seconds: float) -> str:
    return str(max(1, math.ceil(seconds)))


def _refusal(scope: Scope, seconds: float) -> Response:
    retry_after = _retry_after(seconds)
    text = (
        f"Terlalu banyak permintaan; coba lagi dalam {retry_after} detik / "
        f"too many requests; try again in {retry_after} s"
    )
    return come_back_later(scope.get("path", ""), ProblemCode.RATE_LIMITED, text, retry_after)


class RateLimitMiddleware:
    """Charges each HTTP request to its credential's bucket in the app's context (``context.limiter``).

    The limiter is read per request from ``app.state.context``, so a context swapped in (as the tests do)
    brings its own buckets; a context without one (``Settings.rate_limit`` None) limits nothing.
    """

    def __init__(self, app: Asgi) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        context = getattr(getattr(scope.get("app"), "state", None), "context", None)
        limiter: TokenBuckets | None = getattr(context, "limiter", None)
        if scope["type"] != "http" or limiter is None:
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        key: str | None = None
        if path.startswith("/v1/") or path == "/v1":
            token = _bearer(scope)
            key = f"bearer:{_digest(token)}" if token is not None else None
        elif path.startswith(OPEN311_PREFIX) and scope.get("method") == "POST":
            messages, body = await _buffered(receive)
            receive = _replaying(messages, receive)
            media_type = (_header(scope, b"content-type") or "").split(";")[0].strip().lower()
            api_key = _api_key(scope.get("query_string", b""), media_type, body)
            key = f"apikey:{_digest(api_key)}" if api_key is not None else None
        if key is None:
            wait = limiter.take(_address(scope))
        elif limiter.is_proven(key):
            wait = limiter.take(key)
        else:
            wait = max(limiter.take(f"unproven:{_address(scope)}"), limiter.take(key))
            send = _proving(send, limiter, key)
        if wait > 0:
            await _refusal(scope, wait)(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _proving(send: Send, limiter: TokenBuckets, key: str) -> Send:
    """``send``, proving ``key`` when the app's answer is accepted (a status below 400)."""

    async def watched(message: Message) -> None:
        if message["type"] == "http.response.start" and int(message.get("status", 500)) < 400:
            limiter.prove(key)
        await send(message)

    return watched
