"""What the push does with each kind of server answer, against canned answers and a real cache."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from sambat_tui.contract import Me
from sambat_tui.store import complaints, outbox
from sambat_tui.store.db import Store
from sambat_tui.store.outbox import OutboxState
from sambat_tui.sync.backoff import Backoff
from sambat_tui.sync.client import ApiClient
from sambat_tui.sync.errors import ApiError
from sambat_tui.sync.pull import refetch_requests
from sambat_tui.sync.push import Pusher, PushStopped
from tests.sync.test_client import COMPLAINT

NOW = datetime(2026, 2, 2, 3, 0, tzinfo=UTC)
ME = Me.model_validate(
    {
        "user": {
            "id": "operator.dpuprpkp",
            "name": "Operator",
            "agency_id": "dpuprpkp",
            "roles": ["operator"],
        },
        "agency": None,
        "desks": [],
        "roles": ["operator"],
        "server_time": NOW.isoformat(),
    }
)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(tmp_path / "cache.sqlite3")
    with opened.transaction() as conn:
        complaints.upsert_many(conn, [COMPLAINT])
    yield opened
    opened.close()


def _queue(store: Store, action: str = "start") -> str:
    mutation_id = str(uuid.uuid4())
    with store.transaction() as conn:
        outbox.append(
            conn,
            mutation_id=mutation_id,
            complaint_id=COMPLAINT["id"],
            op="transition",
            payload={"action": action},
            base_version=COMPLAINT["version"],
            authored_at=NOW,
            actor="operator.dpuprpkp",
            now=NOW,
        )
    return mutation_id


def _pusher(store: Store, handler: Callable[[httpx.Request], httpx.Response]) -> Pusher:
    client = ApiClient("https://sambat.example.go.id", "sbt_t", transport=httpx.MockTransport(handler))
    return Pusher(store, client, identity=lambda: ME, now=lambda: NOW, backoff=Backoff(base_seconds=2))


def _problem(status: int, code: str, detail: str, **extra: Any) -> httpx.Response:
    body = {"type": "urn:x", "title": "t", "status": status, "code": code, "detail": detail, **extra}
    return httpx.Response(
        status, content=json.dumps(body), headers={"Content-Type": "application/problem+json"}
    )


def _entry(store: Store, mutation_id: str) -> outbox.OutboxEntry:
    with store.read() as conn:
        found = outbox.find(conn, mutation_id)
    assert found is not None
    return found


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (403, "forbidden"),
        (404, "not_found"),
        (409, "invalid_transition"),
        (410, "gone"),
        (422, "validation_failed"),
    ],
)
def test_refusals_become_conflicts_with_the_servers_reason(store: Store, status: int, code: str) -> None:
    mutation_id = _queue(store)
    pusher = _pusher(store, lambda _r: _problem(status, code, f"Alasan server {status}"))
    stats = pusher.push()
    entry = _entry(store, mutation_id)
    assert (entry.state, entry.server_reason, entry.last_error) == (
        OutboxState.CONFLICT,
        f"Alasan server {status}",
        f"{status} {code}",
    )
    assert stats.conflicts == 1 and stats.sent == 0
    with store.read() as conn:
        assert refetch_requests(conn) == [COMPLAINT["id"]], "the row is to show the server's copy again"


@pytest.mark.parametrize(
    "answer",
    [
        lambda _r: httpx.Response(503, text="maintenance"),
        lambda _r: httpx.Response(200, text="<html>captive portal</html>"),
    ],
)
def test_server_trouble_is_retried_later_in_place(
    store: Store, answer: Callable[[httpx.Request], httpx.Response]
) -> None:
    mutation_id = _queue(store)
    later = _queue(store, "hold")
    stats = _pusher(store, answer).push()
    entry = _entry(store, mutation_id)
    assert entry.state is OutboxState.FAILED and entry.attempts == 1
    assert entry.next_attempt_at is not None and NOW < entry.next_attempt_at <= NOW + timedelta(seconds=2)
    assert _entry(store, later).state is OutboxState.PENDING, "the next act of the complaint waits behind it"
    assert stats.failed == 1


def test_a_rate_limit_stops_the_push_and_leaves_the_mutation_pending(store: Store) -> None:
    mutation_id = _queue(store)
    later = _queue(store, "hold")
    requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        answer = _problem(429, "rate_limited", "slow down")
        answer.headers["Retry-After"] = "120"
        return answer

    with pytest.raises(PushStopped) as stopped:
        _pusher(store, handler).push()
    assert isinstance(stopped.value.error, ApiError) and stopped.value.error.retry_after == 120
    entry = _entry(store, mutation_id)
    assert (entry.state, entry.next_attempt_at, entry.last_error) == (OutboxState.PENDING, None, None)
    assert _entry(store, later).state is OutboxState.PENDING
    assert len(requests) == 1, "nothing more is sent once the server asked to wait"


def test_a_network_error_stops_the_push_and_keeps_everything(store: Store) -> None:
    mutation_id = _queue(store)

    def handler(_request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("no route to host")

    with pytest.raises(PushStopped):
        _pusher(store, handler).push()
    assert _entry(store, mutation_id).state is OutboxState.FAILED


def test_an_unauthenticated_answer_stops_the_push(store: Store) -> None:
    _queue(store)
    with pytest.raises(PushStopped) as stopped:
        _pusher(store, lambda _r: _problem(401, "unauthenticated", "token dicabut")).push()
    assert stopped.value.reason == "token dicabut"


def test_sending_is_committed_before_the_request_leaves(store: Store) -> None:
    mutation_id = _queue(store)
    states: list[OutboxState] = []

    def handler(request: httpx.Request) -> httpx.Response:
        states.append(_entry(store, mutation_id).state)
        assert request.headers["idempotency-key"] == mutation_id
        assert request.headers["if-match"] == '"v3"'
        done = {**COMPLAINT, "status": "in_progress", "version": 4}
        return httpx.Response(200, json={"complaint": done, "updates": [], "dispositions": []})

    assert _pusher(store, handler).push().sent == 1
    assert states == [OutboxState.SENDING]
    with store.read() as conn:
        assert outbox.find(conn, mutation_id) is None
        cached = complaints.get(conn, COMPLAINT["id"])
    assert cached is not None and (cached.version, cached.status.value, cached.pending) == (
        4,
        "in_progress",
        0,
    )


def test_a_malformed_queued_mutation_is_a_conflict_not_a_crash(store: Store) -> None:
    with store.transaction() as conn:
        outbox.append(
            conn,
            mutation_id="m-1",
            complaint_id=COMPLAINT["id"],
            op="transition",
            payload={"action": "fly"},
            base_version=3,
            authored_at=NOW,
            actor="operator.dpuprpkp",
        )
    _pusher(store, lambda _r: httpx.Response(500)).push()
    entry = _entry(store, "m-1")
    assert entry.state is OutboxState.CONFLICT and entry.last_error == "422 invalid_mutation"
