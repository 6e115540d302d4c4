"""Signing a profile in: check the token against ``/v1/me``, then keep the server, the user and the token.

A cache belongs to one user on one server. Signing a profile in as someone else (or elsewhere) starts a new
cache, and is refused while the old one still has changes waiting to be sent: they would be lost.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

from sambat_tui.services.credentials import TokenStore
from sambat_tui.services.identity import Identity
from sambat_tui.services.profiles import Profile, save_profile
from sambat_tui.services.sync import ClientFactory
from sambat_tui.store import outbox, sync_state
from sambat_tui.store.db import Store
from sambat_tui.store.outbox import OutboxState
from sambat_tui.sync.client import ApiClient, check_server_url


class SignInRefused(Exception):
    """Signing in would lose queued work, or the cache cannot be replaced; the message says what to do."""


@dataclass(frozen=True)
class SignedIn:
    profile: Profile
    identity: Identity
    token_location: str
    """Where the token is kept (the keyring, or the file's path); never the token itself."""
    new_cache: bool


def _remove_cache(path: Path) -> None:
    for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        with contextlib.suppress(FileNotFoundError):
            candidate.unlink()


def sign_in(
    profile: Profile, server_url: str, token: str, *, client_factory: ClientFactory = ApiClient
) -> SignedIn:
    """Verify ``token`` with ``GET /v1/me`` and sign ``profile`` in. Raises the client's errors (Offline,
    ApiError 401, ...), ``ServerUrlError`` for a bad address and ``SignInRefused`` (see the module)."""
    url = check_server_url(server_url)
    client = client_factory(url, token.strip())
    try:
        me = client.me()
    finally:
        client.close()
    identity = Identity.from_me(me)
    new_cache = False
    if profile.cache_path.exists():
        with Store.open(profile.cache_path) as store, store.read() as conn:
            old_user, old_server = sync_state.user_id(conn), sync_state.server_url(conn)
            counts = outbox.counts(conn)
        waiting = sum(counts.values())
        same = old_user in (None, identity.user_id) and old_server in (None, url)
        if not same:
            if waiting:
                raise SignInRefused(
                    f"{waiting} perubahan milik {old_user} di {old_server} belum terkirim; jalankan "
                    f"`sambat-tui sync` dulu, atau masuk dengan --profile lain / {waiting} change(s) of "
                    f"{old_user} on {old_server} are still waiting ({counts[OutboxState.CONFLICT]} in "
                    "conflict): sync them first, or sign in with another --profile"
                )
            _remove_cache(profile.cache_path)
            new_cache = True
    signed = save_profile(profile, server_url=url, user_id=identity.user_id)
    location = TokenStore(signed).set(token)
    with Store.open(signed.cache_path) as store, store.transaction() as conn:
        sync_state.set_user_id(conn, identity.user_id)
        sync_state.set_server_url(conn, url)
        sync_state.put(conn, sync_state.SyncKey.ME, me.model_dump_json(by_alias=True))
    return SignedIn(signed, identity, location, new_cache)
