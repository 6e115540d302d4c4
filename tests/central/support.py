"""Helpers for the central tests: a hand-moved clock, a client signed in per user, request shortcuts."""

from __future__ import annotations

import asyncio
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI

from sambat_tui.central.auth import new_token, token_hash
from sambat_tui.central.context import Context

START = datetime(2026, 2, 2, 2, 0, tzinfo=UTC)
"""Monday 2 February 2026, 09:00 WIB: a plain working week ahead."""

PROBLEM_KEYS = {"type", "title", "status", "detail", "code", "title_en"}


@dataclass
class Clock:
    now: datetime = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


class AsgiClient:
    """Synchronous calls into the app through httpx's ASGI transport, on one event loop.

    Starlette's TestClient hops through a portal thread on every call (about 10 ms each on a small VM);
    this costs a fraction of it. The app's lifespan is not run: the tests run jobs by hand.
    """

    def __init__(self, app: FastAPI) -> None:
        self._loop = asyncio.new_event_loop()
        self._client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, raise_app_exceptions=False), base_url="http://testserver"
        )

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        return self._loop.run_until_complete(self._client.request(method, url, **kwargs))

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def put(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("PUT", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def delete(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("DELETE", url, **kwargs)

    def close(self) -> None:
        self._loop.run_until_complete(self._client.aclose())
        self._loop.close()


@dataclass
class Api:
    """A client with a bearer token per user id, made on first use."""

    client: AsgiClient
    context: Context
    clock: Clock
    tokens: dict[str, str] = field(default_factory=dict)

    def token(self, user_id: str) -> str:
        if user_id not in self.tokens:
            token = new_token()
            with self.context.storage.write(self.clock()) as tx:
                assert tx.user(user_id) is not None, f"no user {user_id}"
                tx.add_token(token_hash(token), user_id)
            self.tokens[user_id] = token
        return self.tokens[user_id]

    def headers(self, user_id: str, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(user_id)}", **extra}

    def get(self, path: str, user: str, **kwargs: Any) -> httpx.Response:
        headers = {**self.headers(user), **kwargs.pop("headers", {})}
        return self.client.get(path, headers=headers, **kwargs)

    def intake(
        self, user: str = "coordinator", complaint_id: str | None = None, **fields: Any
    ) -> httpx.Response:
        body = {
            "channel": "web",
            "title": "Jalan berlubang di depan sekolah",
            "description": "Lubang besar, sudah dua minggu, membahayakan pengendara motor.",
            **fields,
        }
        cid = complaint_id or str(uuid.uuid4())
        return self.client.put(f"/v1/complaints/{cid}", json=body, headers=self.headers(user))

    def new_complaint(self, user: str = "coordinator", **fields: Any) -> dict[str, Any]:
        fields.setdefault("category_code", "JALAN_RUSAK")
        response = self.intake(user, **fields)
        assert response.status_code == 201, response.text
        data: dict[str, Any] = response.json()
        return data

    def version(self, complaint_id: str) -> int:
        """The complaint's current version, read from storage (no request: this is test plumbing)."""
        with self.context.storage.read() as tx:
            stored = tx.complaint(complaint_id)
        assert stored is not None, f"no complaint {complaint_id}"
        return stored.complaint.version

    def complaint(self, complaint_id: str, user: str = "coordinator") -> dict[str, Any]:
        response = self.get(f"/v1/complaints/{complaint_id}", user)
        assert response.status_code == 200, response.text
        data: dict[str, Any] = response.json()
        return data

    def act(
        self,
        complaint: dict[str, Any] | str,
        action: str,
        user: str,
        reason: str | None = None,
        *,
        version: int | None = None,
        key: str | None = None,
        if_match: str | None = "auto",
    ) -> httpx.Response:
        cid = complaint if isinstance(complaint, str) else complaint["id"]
        if if_match == "auto":
            if_match = f'"v{version if version is not None else self.version(cid)}"'
        headers = self.headers(user, **{"Idempotency-Key": key or str(uuid.uuid4())})
        if if_match is not None:
            headers["If-Match"] = if_match
        body: dict[str, Any] = {"action": action}
        if reason is not None:
            body["reason"] = reason
        return self.client.post(f"/v1/complaints/{cid}/transitions", json=body, headers=headers)

    def dispose(
        self,
        complaint: dict[str, Any] | str,
        user: str,
        kind: str = "dispose",
        *,
        to_agency: str,
        to_desk: str | None = None,
        to_user: str | None = None,
        reason: str = "Bukan kewenangan bidang ini",
        key: str | None = None,
    ) -> httpx.Response:
        cid = complaint if isinstance(complaint, str) else complaint["id"]
        version = self.version(cid)
        body: dict[str, Any] = {"kind": kind, "to_agency": to_agency, "reason": reason}
        if to_desk is not None:
            body["to_desk"] = to_desk
        if to_user is not None:
            body["to_user"] = to_user
        headers = self.headers(
            user, **{"If-Match": f'"v{version}"', "Idempotency-Key": key or str(uuid.uuid4())}
        )
        return self.client.post(f"/v1/complaints/{cid}/dispositions", json=body, headers=headers)

    def update(
        self,
        complaint: dict[str, Any] | str,
        user: str,
        kind: str = "internal_note",
        body: str = "Sudah dicek ke lokasi.",
        *,
        update_id: str | None = None,
        status_after: str | None = None,
        authored_at: str = "2026-02-02T09:30:00+07:00",
    ) -> httpx.Response:
        cid = complaint if isinstance(complaint, str) else complaint["id"]
        payload: dict[str, Any] = {"kind": kind, "body": body, "authored_at": authored_at}
        if status_after is not None:
            payload["status_after"] = status_after
        uid = update_id or str(uuid.uuid4())
        return self.client.put(
            f"/v1/complaints/{cid}/updates/{uid}", json=payload, headers=self.headers(user)
        )

    def changes(self, user: str, cursor: str | None = None, limit: int = 1000) -> dict[str, Any]:
        params: dict[str, Any] = {"limit": limit}
        if cursor is not None:
            params["cursor"] = cursor
        response = self.get("/v1/changes", user, params=params)
        assert response.status_code == 200, response.text
        data: dict[str, Any] = response.json()
        return data

    def all_changes(
        self, user: str, cursor: str | None = None, limit: int = 1000
    ) -> tuple[list[dict[str, Any]], str]:
        """Every change from ``cursor`` to the end, following pages; returns them and the final cursor."""
        changes: list[dict[str, Any]] = []
        while True:
            page = self.changes(user, cursor, limit)
            changes += page["changes"]
            cursor = page["next_cursor"]
            if not page["has_more"]:
                assert cursor is not None
                return changes, cursor


def assert_problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """The response is RFC 9457 problem+json with this status and stable code, titled in both languages."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json"), response.headers
    body: dict[str, Any] = response.json()
    assert body.keys() >= PROBLEM_KEYS, body
    assert body["status"] == status
    assert body["code"] == code, body
    assert body["type"].endswith(code)
    assert body["title"] and body["title_en"] and body["title"] != body["title_en"]
    return body


@contextmanager
def serving(shared_app: FastAPI, context: Context, clock: Clock) -> Iterator[Api]:
    """The shared app answering from ``context`` (closed afterwards) for the length of the block."""
    previous = shared_app.state.context
    shared_app.state.context = context
    client = AsgiClient(shared_app)
    try:
        yield Api(client=client, context=context, clock=clock)
    finally:
        client.close()
        context.storage.close()
        shared_app.state.context = previous


def meta_of(db: Path) -> dict[str, str]:
    """The ``meta`` table of the database file ``db`` (epoch, forked_from, snapshot_at, ...), read only."""
    with closing(sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)) as conn:
        return {str(key): str(value) for key, value in conn.execute("SELECT key, value FROM meta")}
