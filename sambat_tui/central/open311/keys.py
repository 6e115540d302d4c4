"""API keys of partner apps for POST requests: ``o311_`` + 32 random bytes; only their SHA-256 is stored.

``sambat-central apikey create --name APP`` prints a new key and nothing else (so that a script can capture
it); ``sambat-central apikey revoke --name APP`` revokes every key of that app.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import secrets
import sys
from datetime import UTC, datetime
from pathlib import Path

from sambat_tui.central import storage_open311 as sql
from sambat_tui.central.storage import Storage
from sambat_tui.contract import User
from sambat_tui.domain.model import Role

KEY_PREFIX = "o311_"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,59}")
EXIT_USAGE = 2


def new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def check_name(name: str) -> str:
    if not _NAME.fullmatch(name):
        raise ValueError(
            f"app name {name!r} must be 1-60 letters, digits, '.', '_' or '-', "
            "starting with a letter or a digit"
        )
    return name


def issue_key(storage: Storage, name: str, now: datetime) -> str:
    """A new key for the partner app ``name``; the key itself is not kept, so this is the only copy."""
    check_name(name)
    key = new_key()
    with storage.write(now) as tx:
        sql.add_api_key(tx, key_hash(key), name)
    return key


def revoke_keys(storage: Storage, name: str, now: datetime) -> int:
    with storage.write(now) as tx:
        return sql.revoke_api_keys(tx, check_name(name))


def principal(key: sql.ApiKey) -> User:
    """Who files an Open311 complaint: the partner app, acting as an intake channel of the city.

    Intake lets only the coordinator record channels other than walk-in, because a channel gateway speaks for
    the city's intake; this principal exists only for the length of one intake call and is never stored as
    a user (so no token can be made for it). The complaint's ``created_by`` names the app.
    """
    return User(
        id=f"open311.{key.name}", name=f"Open311: {key.name}", agency_id=None, roles=(Role.COORDINATOR,)
    )


# --- the CLI ---


def _open(data_dir: Path) -> Storage:
    # A side process next to a running server: it leaves the WAL checkpoints to the server.
    storage = Storage.open(data_dir, auto_checkpoint=False)
    try:
        storage.migrate()
    except BaseException:
        storage.close()
        raise
    return storage


def _create(args: argparse.Namespace) -> int:
    try:
        check_name(args.name)
    except ValueError as error:
        sys.stderr.write(f"sambat-central: {error}\n")
        return EXIT_USAGE
    storage = _open(args.data_dir)
    try:
        key = issue_key(storage, args.name, datetime.now(UTC))
    finally:
        storage.close()
    sys.stdout.write(key + "\n")
    return 0


def _revoke(args: argparse.Namespace) -> int:
    try:
        check_name(args.name)
    except ValueError as error:
        sys.stderr.write(f"sambat-central: {error}\n")
        return EXIT_USAGE
    storage = _open(args.data_dir)
    try:
        count = revoke_keys(storage, args.name, datetime.now(UTC))
    finally:
        storage.close()
    sys.stderr.write(f"sambat-central: revoked {count} key(s) of {args.name}\n")
    return 0 if count else 1


def add_apikey_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    """The ``apikey`` command of ``sambat-central`` (``common`` carries ``--data-dir``)."""
    apikey = commands.add_parser("apikey", help="manage the api keys of Open311 partner apps")
    actions = apikey.add_subparsers(dest="apikey_command", required=True, metavar="ACTION")
    create = actions.add_parser("create", parents=[common], help="print a new api key for a partner app")
    create.add_argument("--name", required=True, help="the partner app, e.g. lapor-malang-android")
    create.set_defaults(run=_create)
    revoke = actions.add_parser("revoke", parents=[common], help="revoke every api key of a partner app")
    revoke.add_argument("--name", required=True, help="the partner app")
    revoke.set_defaults(run=_revoke)
