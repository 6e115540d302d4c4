"""``sambat-tui demo``: the whole loop on one machine, for a newcomer or a trainer.

An embedded ``sambat-central`` runs in a thread on 127.0.0.1 (a free port, a temporary data directory seeded
with a realistic city); the app opens signed in as one desk's user and syncs with it. Quitting the app stops
the server and removes the temporary directory. Nothing touches the user's own profiles or keyring: the
client's config, cache and token live under the same temporary directory.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROLES = ("operator", "field", "supervisor", "coordinator", "auditor")
DEFAULT_AGENCY = "dpuprpkp"
DEFAULT_COMPLAINTS = 5000


def demo_user(role: str, agency: str) -> str:
    """The seeded user a ``--as`` choice signs in as (``operator.dpuprpkp``, ``coordinator``, ...)."""
    return role if role in ("coordinator", "auditor") else f"{role}.{agency}"


def configure_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--as",
        dest="role",
        choices=ROLES,
        default="operator",
        help="whose desk to open (default: %(default)s)",
    )
    parser.add_argument(
        "--agency", default=DEFAULT_AGENCY, help="the agency of a desk role (default: %(default)s)"
    )
    parser.add_argument(
        "--complaints", type=int, default=DEFAULT_COMPLAINTS, help="how many to seed (default: %(default)s)"
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed of the city (default: %(default)s)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory after quitting")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _say(text: str) -> None:
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


@contextmanager
def embedded_central(data_dir: Path, *, complaints: int, seed_value: int) -> Iterator[tuple[str, Any]]:
    """A seeded central server listening on 127.0.0.1; yields its URL and its storage."""
    import uvicorn

    from sambat_tui.central.app import create_app
    from sambat_tui.central.bootstrap import ensure_initialised
    from sambat_tui.central.context import Settings
    from sambat_tui.central.seed import seed
    from sambat_tui.central.storage import Storage

    settings = Settings(data_dir=data_dir)
    storage = Storage.open(data_dir)
    try:
        storage.migrate()
        now = datetime.now(UTC)
        ensure_initialised(
            storage, settings.reference, now, coordinator_agency_id=settings.coordinator_agency_id
        )
        seed(storage, complaints=complaints, seed=seed_value, now=now, workers=1)
    finally:
        storage.close()
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    # Run in a thread, uvicorn leaves signal handling to the app, which owns the terminal.
    thread = threading.Thread(target=server.run, name="sambat-central-demo", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the embedded sambat-central did not start")
        time.sleep(0.05)
    side = Storage.open(data_dir, auto_checkpoint=False)
    try:
        yield f"http://127.0.0.1:{port}", side
    finally:
        side.close()
        server.should_exit = True
        thread.join(timeout=10)


def _issue_token(storage: Any, user_id: str) -> str:
    from sambat_tui.central.auth import new_token, token_hash

    with storage.read() as tx:
        if tx.user(user_id) is None:
            raise SystemExit(f"sambat-tui demo: no seeded user {user_id!r} (try another --agency)")
    token = new_token()
    with storage.write(datetime.now(UTC)) as tx:
        tx.add_token(token_hash(token), user_id)
    return token


def run_demo(args: argparse.Namespace, run_app: Callable[[argparse.Namespace], int]) -> int:
    home = Path(tempfile.mkdtemp(prefix="sambat-demo-"))
    saved_env = {k: os.environ.get(k) for k in ("SAMBAT_TUI_HOME", "SAMBAT_TUI_KEYRING")}
    os.environ["SAMBAT_TUI_HOME"] = str(home / "client")
    os.environ["SAMBAT_TUI_KEYRING"] = "file"
    try:
        _say(f"sambat-tui demo: menyiapkan kota contoh ({args.complaints} aduan) / seeding a demo city ...")
        with embedded_central(home / "central", complaints=args.complaints, seed_value=args.seed) as (
            url,
            storage,
        ):
            from sambat_tui.services.login import sign_in
            from sambat_tui.services.profiles import profile_paths
            from sambat_tui.services.session import Session

            user = demo_user(args.role, args.agency)
            profile = sign_in(profile_paths("demo"), url, _issue_token(storage, user)).profile
            _say(f"sambat-tui demo: {url} — masuk sebagai / signed in as {user}; sinkron / syncing ...")
            with Session.open(profile) as session:
                report = session.sync.run_once()
            if not report.online:
                _say(f"sambat-tui demo: sync failed: {report.error}")
                return 2
            args.profile = profile.name
            return run_app(args)
    finally:
        for key, value in saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        if args.keep:
            _say(f"sambat-tui demo: kept {home}")
        else:
            shutil.rmtree(home, ignore_errors=True)
