"""A client profile with a filled cache and a known identity, without a server: for offline tests."""

from __future__ import annotations

import itertools
import os
import socket
import sqlite3
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from sambat_tui.contract import Me
from sambat_tui.services.profiles import Profile, profile_paths, save_profile
from sambat_tui.store import complaints, sync_state
from sambat_tui.store.db import Store

SERVER = "https://sambat.example.go.id"
CREATED = datetime(2026, 2, 2, 2, 0, tzinfo=UTC)
_numbers = itertools.count(1)

USERS: dict[str, dict[str, Any]] = {
    "operator.dpuprpkp": {"agency_id": "dpuprpkp", "roles": ["operator"]},
    "supervisor.dpuprpkp": {"agency_id": "dpuprpkp", "roles": ["supervisor"]},
    "coordinator": {"agency_id": "diskominfo", "roles": ["coordinator"]},
    "auditor": {"agency_id": None, "roles": ["auditor"]},
}


def wire_complaint(**fields: Any) -> dict[str, Any]:
    """A valid wire complaint (JALAN_RUSAK at dpuprpkp.jalan, assigned, version 1), ``fields`` over it."""
    number = next(_numbers)
    created = fields.pop("created", CREATED + timedelta(minutes=number))
    iso = created.isoformat()
    base: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "public_ref": f"MLG-2026-{number:06d}",
        "channel": "web",
        "classification": "pengaduan",
        "title": f"Jalan berlubang nomor {number}",
        "description": "Lubang besar di depan sekolah, membahayakan pengendara motor.",
        "category_code": "JALAN_RUSAK",
        "location": {"lat": None, "lon": None, "address": None, "kelurahan": None, "kecamatan": "Lowokwaru"},
        "media": [],
        "visibility": "public",
        "status": "assigned",
        "agency_id": "dpuprpkp",
        "desk_id": "dpuprpkp.jalan",
        "assignee_id": None,
        "priority": "normal",
        "sla": {
            "class": "normatif",
            "verify_due": (created + timedelta(days=3)).isoformat(),
            "response_due": (created + timedelta(days=7)).isoformat(),
            "resolve_due": (created + timedelta(days=7)).isoformat(),
            "reply_due": None,
        },
        "duplicate_of": None,
        "external_refs": [],
        "version": 1,
        "created_at": iso,
        "updated_at": iso,
        "closed_at": None,
        "first_response_at": None,
        "escalation_level": 0,
    }
    return {**base, **fields}


def me_of(user_id: str) -> Me:
    user = USERS[user_id]
    return Me.model_validate(
        {
            "user": {"id": user_id, "name": user_id, "agency_id": user["agency_id"], "roles": user["roles"]},
            "agency": None,
            "desks": [],
            "roles": user["roles"],
            "server_time": CREATED.isoformat(),
        }
    )


def seeded_profile(
    items: Iterable[dict[str, Any]],
    *,
    user_id: str | None = "operator.dpuprpkp",
    name: str = "default",
    server: str = SERVER,
) -> Profile:
    """A signed-in profile whose cache holds ``items``; ``user_id=None``: before the first sync (no /v1/me).

    Needs a private SAMBAT_TUI_HOME (the ``client_home`` fixture)."""
    profile = save_profile(profile_paths(name), server_url=server, user_id=user_id)
    with Store.open(profile.cache_path) as store, store.transaction() as conn:
        complaints.upsert_many(conn, list(items))
        sync_state.set_cursor(conn, "cursor-1")
        sync_state.set_server_url(conn, server)
        if user_id is not None:
            sync_state.set_user_id(conn, user_id)
            sync_state.put(conn, sync_state.SyncKey.ME, me_of(user_id).model_dump_json(by_alias=True))
    return profile


def unused_loopback_port() -> int:
    """A 127.0.0.1 port nothing listens on: a sync attempt fails at once, on this machine, never elsewhere."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def offline_home(
    home: Path, items: Iterable[dict[str, Any]], *, config: str, user_id: str = "operator.dpuprpkp"
) -> Path:
    """``home`` made a SAMBAT_TUI_HOME for the real app in a pty: a signed-in profile (no token) whose
    server is an unused 127.0.0.1 port, ``config`` as its config file and ``items`` cached."""
    previous = os.environ.get("SAMBAT_TUI_HOME")
    os.environ["SAMBAT_TUI_HOME"] = str(home)
    try:
        server = f"http://127.0.0.1:{unused_loopback_port()}"
        profile = seeded_profile(items, user_id=user_id, server=server)
    finally:
        if previous is None:
            del os.environ["SAMBAT_TUI_HOME"]
        else:
            os.environ["SAMBAT_TUI_HOME"] = previous
    profile.config_file.parent.mkdir(parents=True, exist_ok=True)
    profile.config_file.write_text(config, encoding="utf-8")
    return home


def private_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point SAMBAT_TUI_HOME at a temporary folder; tokens go to a file, never the real keyring."""
    home = tmp_path / "client-home"
    monkeypatch.setenv("SAMBAT_TUI_HOME", str(home))
    monkeypatch.setenv("SAMBAT_TUI_KEYRING", "file")
    return home


def started_profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, titles: Iterable[str]) -> Profile:
    """A private home and a profile whose cache holds a complaint per title and has been opened once, as the
    app's first start leaves it (the reference tables seeded): ready for a second window beside it."""
    from sambat_tui.services.session import Session

    private_home(tmp_path, monkeypatch)
    made = seeded_profile([wire_complaint(title=title) for title in titles])
    Session.open(made).close()
    return made


def sent_count(conn: sqlite3.Connection) -> int:
    """Acknowledged mutations the cache keeps to send again after a server restore (``outbox_sent``)."""
    return int(conn.execute("SELECT count(*) FROM outbox_sent").fetchone()[0])
