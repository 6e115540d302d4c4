"""``sambat-central``: serve the API, issue tokens, list users, migrate; ``seed`` is filled by the seeder.

Every command takes ``--data-dir`` (default: the platform's user data directory for "sambat-central"); each
one migrates the database first, and all but ``migrate`` load the reference data and the standard users into
a database that has none. Those also take ``--city-dir`` (or ``SAMBAT_CITY_DIR``): the city's own data files
(``central.city``), all read and checked before the database is opened; ``city init DIR`` copies the shipped
ones there to edit.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from platformdirs import user_data_dir

from sambat_tui.central.auth import new_token, token_hash
from sambat_tui.central.bootstrap import ensure_initialised
from sambat_tui.central.city import (
    CITY_FILES,
    ENV_VAR,
    City,
    CityDataError,
    city_dir_from,
    init_city,
    load_city,
)
from sambat_tui.central.context import utc_now
from sambat_tui.central.datalock import owning
from sambat_tui.central.open311.keys import add_apikey_commands
from sambat_tui.central.ratelimit import DEFAULT_PER_MINUTE, RateLimit
from sambat_tui.central.storage import DB_FILENAME, Storage, StorageError

SEED_MODULE = "sambat_tui.central.seed"
"""The seeder's hook: a module with ``configure_parser(parser)`` and ``run(args) -> int``."""

EXIT_USAGE = 2


def _out(line: str) -> None:
    sys.stdout.write(line + "\n")


def _err(line: str) -> None:
    sys.stderr.write(f"sambat-central: {line}\n")


def _default_data_dir() -> Path:
    return Path(user_data_dir("sambat-central"))


def load_city_of(args: argparse.Namespace) -> City:
    """The city data a command runs with: ``--city-dir``, else ``SAMBAT_CITY_DIR``, else the shipped files.

    Unusable data raises ``CityDataError`` (``main`` answers it with exit code 2); a data-looking file the
    directory holds that is not a city file is only warned about.
    """
    city = load_city(city_dir_from(args.city_dir))
    for name in city.ignored:
        _err(f"warning: {city.directory}/{name} is not a city file and is ignored ({', '.join(CITY_FILES)})")
    return city


def _open(args: argparse.Namespace, *, initialise: bool = True) -> Storage:
    city = load_city_of(args) if initialise else None
    # A side process: the running server (if any) does the checkpoints.
    storage = Storage.open(args.data_dir, auto_checkpoint=False)
    try:
        storage.migrate()
        if city is not None:
            settings = city.settings(args.data_dir)
            ensure_initialised(
                storage,
                settings.reference,
                utc_now(),
                coordinator_agency_id=settings.coordinator_agency_id,
                update_reference=settings.reference_from_files,
            )
    except BaseException:
        storage.close()
        raise
    return storage


def _serve(args: argparse.Namespace) -> int:
    from sambat_tui.central.app import create_app
    from sambat_tui.central.serving import ListenError, bind, serve, url_of

    rate_limit = RateLimit(args.rate_limit, args.rate_burst) if args.rate_limit > 0 else None
    settings = load_city_of(args).settings(
        args.data_dir, job_interval_seconds=args.job_interval, rate_limit=rate_limit
    )
    # The address first: a busy port must not cost a migration, nor leave a half-started server.
    try:
        listening = bind(args.host, args.port)
    except ListenError as error:
        _err(str(error))
        return EXIT_USAGE
    try:
        # Owned for as long as it serves: a second server on the same data, or a restore swapping the file
        # under it, is refused (``DataDirInUse`` is a ``StorageError``: one line, exit 1).
        with owning(args.data_dir, "serve"):
            app = create_app(settings)
            announce = f"data in {args.data_dir}, listening on {url_of(listening)}"
            serve(app, listening, log_level=args.log_level, ready=lambda: _err(announce))
    finally:
        listening.close()
    return 0


def _token_create(args: argparse.Namespace) -> int:
    storage = _open(args)
    try:
        with storage.read() as tx:
            user = tx.user(args.user)
        if user is None:
            _err(f"unknown user {args.user!r}; `sambat-central users --data-dir {args.data_dir}` lists them")
            return EXIT_USAGE
        token = new_token()
        with storage.write(utc_now()) as tx:
            tx.add_token(token_hash(token), user.id)
    finally:
        storage.close()
    _out(token)
    return 0


def _token_revoke(args: argparse.Namespace) -> int:
    storage = _open(args)
    try:
        with storage.read() as tx:
            known = tx.user(args.user) is not None
        if not known:
            _err(f"unknown user {args.user!r}")
            return EXIT_USAGE
        with storage.write(utc_now()) as tx:
            revoked = tx.revoke_tokens(args.user)
    finally:
        storage.close()
    _err(f"revoked {revoked} token(s) of {args.user}")
    return 0


def _users(args: argparse.Namespace) -> int:
    storage = _open(args)
    try:
        with storage.read() as tx:
            users = tx.users()
    finally:
        storage.close()
    width = max((len(u.id) for u in users), default=2)
    for user in users:
        roles = ",".join(r.value for r in user.roles)
        _out(
            f"{user.id:<{width}}  {roles:<14}  {user.agency_id or '-':<16}  {' '.join(user.desk_ids) or '-'}"
        )
    return 0


def _migrate(args: argparse.Namespace) -> int:
    storage = _open(args, initialise=False)
    try:
        version = storage.schema_version()
    finally:
        storage.close()
    _err(f"schema at version {version}")
    return 0


def _writing(failed: str, work: Callable[[], str]) -> int:
    """Run a command that writes database files: its one-line summary, or what the disk refused (exit 1)."""
    try:
        said = work()
    except OSError as error:
        _err(f"{failed}: {error}")
        return 1
    _err(said)
    return 0


def _backup(args: argparse.Namespace) -> int:
    from sambat_tui.central.backup import back_up

    destination = Path(args.destination)
    if args.destination.endswith(("/", os.sep)) and not destination.is_dir():
        # Path() drops the slash: without this, "backups/" would become a file named "backups".
        _err(f"backup not written: there is no directory {args.destination}; create it first, or name a file")
        return 1

    def work() -> str:
        made = back_up(args.data_dir, destination)
        source = args.data_dir / DB_FILENAME
        return (
            f"backup of {source} (schema {made.schema_version}, {made.bytes:,} bytes, checked): {made.path}"
        )

    return _writing("backup not written", work)


def _restore(args: argparse.Namespace) -> int:
    from sambat_tui.central.restore import restore

    def work() -> str:
        done = restore(args.data_dir, args.backup)
        taken, version = done.lineage.snapshot_at, done.lineage.schema_version
        when = f"as of {taken:%Y-%m-%dT%H:%M:%SZ}" if taken else "of unknown date (not made by `backup`)"
        before = f"the database it replaced is now {done.aside[0]}" if done.aside else "there was none before"
        return f"restored {args.backup} (schema {version}, {when}) as {done.database}; {before}"

    return _writing("restore failed", work)


def _city_init(args: argparse.Namespace) -> int:
    written = init_city(args.directory, force=args.force)
    _err(f"copied {len(written)} city files to {args.directory}; edit them, then start the server with")
    sys.stderr.write(f"  sambat-central serve --city-dir {args.directory}  (or {ENV_VAR}={args.directory})\n")
    return 0


def _seed_unavailable(args: argparse.Namespace) -> int:
    _err(f"seeding is not available yet ({SEED_MODULE} does not exist in this installation)")
    return EXIT_USAGE


def _whole(text: str, least: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < least:
        raise argparse.ArgumentTypeError(f"must be {least} or more, got {value}")
    return value


def _count(text: str) -> int:
    return _whole(text, 0)


def _positive(text: str) -> int:
    return _whole(text, 1)


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir",
        type=Path,
        default=_default_data_dir(),
        help="directory of the database (default: %(default)s)",
    )
    with_city = argparse.ArgumentParser(add_help=False, parents=[common])
    with_city.add_argument(
        "--city-dir",
        type=Path,
        default=None,
        help=f"directory of the city's own data files (default: ${ENV_VAR}); a file it lacks is shipped",
    )
    parser = argparse.ArgumentParser(prog="sambat-central", description="The SAMBAT central API server.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", parents=[with_city], help="run the API server")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    serve.add_argument("--port", type=int, default=8080, help="port to listen on (default: %(default)s)")
    serve.add_argument(
        "--job-interval", type=float, default=60.0, help="seconds between SLA job runs (default: %(default)s)"
    )
    serve.add_argument(
        "--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"]
    )
    serve.add_argument(
        "--rate-limit",
        type=_count,
        default=DEFAULT_PER_MINUTE,
        metavar="PER_MINUTE",
        help="requests a minute per token, api key or client address; 0: no limit (default: %(default)s)",
    )
    serve.add_argument(
        "--rate-burst",
        type=_positive,
        default=None,
        metavar="N",
        help="requests allowed at once before the rate applies (default: PER_MINUTE)",
    )
    serve.set_defaults(run=_serve)

    token = commands.add_parser("token", help="manage bearer tokens")
    token_commands = token.add_subparsers(dest="token_command", required=True, metavar="ACTION")
    create = token_commands.add_parser("create", parents=[with_city], help="print a new token for a user")
    create.add_argument("--user", required=True, help="user id, e.g. operator.dpuprpkp")
    create.set_defaults(run=_token_create)
    revoke = token_commands.add_parser("revoke", parents=[with_city], help="revoke every token of a user")
    revoke.add_argument("--user", required=True, help="user id")
    revoke.set_defaults(run=_token_revoke)

    users = commands.add_parser("users", parents=[with_city], help="list the users")
    users.set_defaults(run=_users)

    migrate = commands.add_parser("migrate", parents=[common], help="bring the database schema up to date")
    migrate.set_defaults(run=_migrate)

    backup = commands.add_parser(
        "backup",
        parents=[common],
        help="copy the database, consistent and checked, beside the running server",
    )
    backup.add_argument(
        "destination", help="a new file, or a directory to put a dated file in (DIR/: it must exist)"
    )
    backup.set_defaults(run=_backup)

    restore = commands.add_parser(
        "restore",
        parents=[common],
        help="put a backup in place of the database (the server stopped); the old one is moved aside",
    )
    restore.add_argument("backup", type=Path, metavar="BACKUP", help="a file `backup` made")
    restore.set_defaults(run=_restore)

    # Api keys of Open311 partner apps: `apikey create --name APP` prints a key, `apikey revoke --name APP`.
    add_apikey_commands(commands, common)

    city = commands.add_parser("city", help="the city's own data files")
    city_commands = city.add_subparsers(dest="city_command", required=True, metavar="ACTION")
    init = city_commands.add_parser(
        "init", help="copy the shipped data files into DIR to edit (routing rules, holidays, SLA, ...)"
    )
    init.add_argument("directory", type=Path, metavar="DIR")
    init.add_argument("--force", action="store_true", help="overwrite the city files DIR already holds")
    init.set_defaults(run=_city_init)

    seed = commands.add_parser("seed", parents=[with_city], help="fill the database with realistic data")
    if importlib.util.find_spec(SEED_MODULE) is not None:
        seeder = importlib.import_module(SEED_MODULE)
        seeder.configure_parser(seed)
        seed.set_defaults(run=seeder.run)
    else:
        seed.set_defaults(run=_seed_unavailable)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown and args.run is not _seed_unavailable:
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    try:
        code: int = args.run(args)
    except CityDataError as error:
        _err(f"city data: {error}")
        return EXIT_USAGE
    except StorageError as error:
        _err(f"{error}")
        return 1
    except BrokenPipeError:
        # The reader went away (`sambat-central users | head`): point stdout at /dev/null so that the
        # interpreter's final flush does not fail too (the recipe of Python's signal documentation).
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    return code


if __name__ == "__main__":
    sys.exit(main())
