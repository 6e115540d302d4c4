"""Entry point of ``sambat-tui``: the terminal app and its headless twins for scripts and cron.

``sambat-tui`` alone opens the app. The commands work from the local cache, offline, and say how many
changes are waiting to be sent; only ``login`` and ``sync`` talk to the server. Every line that carries text
from outside (titles, descriptions, names, server messages) goes through ``domain.text_safety`` first.

Exit codes: 0 done (``sync``: in sync); 1 refused or failed (bad input, not in the cache, an act the role
may not do, a server error at login); 2 ``sync``: the server could not be reached or failed, nothing lost,
changes wait (also argparse's usage errors); 3 ``sync``: conflicts wait for a person (``sambat-tui outbox``).
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from typing import IO, TYPE_CHECKING, Any, NoReturn, TextIO, cast

from sambat_tui import __version__
from sambat_tui.domain.calendar import JAKARTA
from sambat_tui.domain.model import Action
from sambat_tui.domain.query import QueryError
from sambat_tui.domain.text_safety import neutralise, one_line
from sambat_tui.domain.timefmt import format_datetime

if TYPE_CHECKING:
    import argparse
    import logging

    from sambat_tui.store.db import StoreDamaged

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_UNREACHABLE = 2
EXIT_CONFLICTS = 3

PROFILE_ENV = "SAMBAT_TUI_PROFILE"
APP_SWITCH_INTERVAL = 0.0005
"""Seconds a thread may hold the GIL while another waits, in the app (see ``run_app``)."""

# --- messages (Indonesian first; the profile's config may choose English) ---

_TEXT: dict[str, tuple[str, str]] = {
    "waiting": (
        "{n} perubahan menunggu dikirim ({conflicts} konflik); jalankan `sambat-tui sync`.",
        "{n} change(s) waiting to be sent ({conflicts} in conflict); run `sambat-tui sync`.",
    ),
    "queued": (
        "Diantrekan: {what} untuk {ref} (mutasi {mid}). `sambat-tui sync` mengirimnya.",
        "Queued: {what} for {ref} (mutation {mid}). `sambat-tui sync` sends it.",
    ),
    "not_cached": (
        "{ref} tidak ada di data lokal (jalankan `sambat-tui sync`, atau bukan lingkup Anda).",
        "{ref} is not in the local data (run `sambat-tui sync`, or it is outside your scope).",
    ),
    "refused.forbidden": ("peran Anda tidak boleh melakukannya", "your role may not do this"),
    "refused.invalid_transition": (
        "status sekarang tidak memungkinkan tindakan ini",
        "the current status does not allow this",
    ),
    "refused.reason_required": ("perlu alasan (--reason)", "a reason is required (--reason)"),
    "refused.read_only": ("mode hanya baca", "read-only mode"),
    "refused.not_found": ("tidak ada di data lokal", "not in the local data"),
    "refused.duplicate_chain": (
        "tidak bisa ditautkan: aslinya sendiri duplikat, atau sama dengan pengaduan ini",
        "cannot be linked: the original is itself a duplicate, or the same complaint",
    ),
    "notify.no_identity": (
        "peran Anda belum diketahui: jalankan `sambat-tui sync` dulu",
        "your role is not known yet: run `sambat-tui sync` first",
    ),
    "refused": ("Ditolak untuk {ref}: {reason}", "Refused for {ref}: {reason}"),
    "damaged": (
        "Data lokal profil {profile} tidak bisa dibaca: file-nya rusak atau disknya gagal dibaca ({error})."
        " Jalankan `{command}`: perubahan yang belum terkirim dipindahkan ke data baru, sisanya diunduh lagi"
        " dari server, dan file lama disimpan.",
        "The local data of profile {profile} cannot be read: its file is damaged or its disk failed a read"
        " ({error}). Run `{command}`: the changes not yet sent are carried into new data, the rest is"
        " downloaded again from the server, and the old file is kept.",
    ),
    "repair.checking": (
        "Memeriksa data lokal ({mib} MiB), setiap halamannya: untuk data besar bisa beberapa menit…",
        "Checking the local data ({mib} MiB), every page of it: for a large cache this can take minutes…",
    ),
    "repair.sound": (
        "Data lokal profil {profile} utuh: tidak ada yang diubah. (--force membangunnya ulang juga.)",
        "The local data of profile {profile} is sound: nothing was changed. (--force rebuilds it anyway.)",
    ),
    "repair.done": (
        "Data lokal profil {profile} dibangun ulang ({problem}). {kept} perubahan yang belum terkirim"
        " dipindahkan ke data baru. File lama disimpan: {aside}. Jalankan `sambat-tui sync` untuk mengunduh"
        " sisanya.",
        "The local data of profile {profile} was rebuilt ({problem}). {kept} change(s) not yet sent were"
        " carried into the new data. The old file is kept: {aside}. Run `sambat-tui sync` to download the"
        " rest.",
    ),
    "repair.unread": (
        "{n} perubahan di file lama tidak terbaca dan tidak ikut; file itu tidak dihapus: {aside}.",
        "{n} change(s) in the old file could not be read and were not carried over; that file is not"
        " deleted: {aside}.",
    ),
    "repair.incomplete": (
        "Antrean perubahan di file lama rusak: tidak semua perubahan yang belum terkirim bisa dibaca"
        " (tidak terbaca: {n} yang diketahui, mungkin lebih). File itu tidak dihapus: {aside}. Periksa"
        " di kotak keluar apa yang masih ada, dan ulangi yang hilang.",
        "The queue of changes in the old file is damaged: not every change not yet sent could be read"
        " (could not be read: {n} known, possibly more). That file is not deleted: {aside}. Check the outbox"
        " for what is there, and make again what is missing.",
    ),
    "locked": (
        "Data profil {profile} sedang dipakai proses lain (aplikasi atau sync): {error}",
        "The data of profile {profile} is in use by another process (the app or a sync): {error}",
    ),
    "sync.elsewhere": (
        "Data profil {profile} dipakai proses lain, yang menyinkronkannya; --read-only tidak menyinkronkan.",
        "Profile {profile} is in use by another process, which syncs it; --read-only does not sync.",
    ),
    "sync.ok": (
        "Sinkron: {pulled} perubahan masuk, {pushed} terkirim.",
        "In sync: {pulled} change(s) in, {pushed} sent.",
    ),
    "sync.unreachable": (
        "Server tidak terjangkau ({error}). Tidak ada yang hilang: {n} perubahan menunggu.",
        "The server could not be reached ({error}). Nothing is lost: {n} change(s) waiting.",
    ),
    "sync.failed": (
        "Sinkron belum selesai ({error}). Tidak ada yang hilang: {n} perubahan menunggu.",
        "Sync did not finish ({error}). Nothing is lost: {n} change(s) waiting.",
    ),
    "sync.conflicts": (
        "{n} konflik menunggu keputusan Anda: `sambat-tui outbox`.",
        "{n} conflict(s) wait for you: `sambat-tui outbox`.",
    ),
    "sync.server_restored": (
        "Basis data server dipulihkan dari cadangan: data lokal diselaraskan ulang, dan {n} perubahan yang "
        "sudah diterimanya dikirim ulang.",
        "The server's database was restored from a backup: the local data is brought back in line with it, "
        "and {n} change(s) it had taken are sent again.",
    ),
    "sync.quarantined": (
        "{n} data dari server tidak bisa disimpan dan dikarantina.",
        "{n} record(s) from the server could not be stored and were quarantined.",
    ),
    "login.ok": (
        "Masuk sebagai {user} ({roles}) di {server}. Token disimpan di: {where}.",
        "Signed in as {user} ({roles}) on {server}. Token kept in: {where}.",
    ),
    "login.next": ("Jalankan `sambat-tui sync` untuk mengunduh data.", "Run `sambat-tui sync` to download."),
    "disk_full": (
        "Disk penuh atau tidak bisa ditulis: perubahan ini tidak tersimpan. Kosongkan ruang disk, lalu coba"
        " lagi. ({error})",
        "The disk is full or cannot be written: this change was not saved. Free some disk space, then try"
        " again. ({error})",
    ),
    "disk_full.file": (
        "Disk penuh: berkas tidak bisa ditulis ({error}). Kosongkan ruang disk, lalu coba lagi.",
        "The disk is full: the file could not be written ({error}). Free some disk space, then try again.",
    ),
    "outbox.empty": (
        "Kotak keluar kosong: semua sudah terkirim.",
        "The outbox is empty: everything was sent.",
    ),
    "app.no_terminal": (
        "sambat-tui perlu terminal (masukan atau keluarannya bukan terminal). Untuk skrip dan cron ada"
        " perintah headless: sambat-tui --help.",
        "sambat-tui needs a terminal (its input or output is not one). For scripts and cron there are the"
        " headless commands: sambat-tui --help.",
    ),
    "app.missing": (
        "Aplikasi terminal belum terpasang di instalasi ini; perintah headless tersedia (sambat-tui --help).",
        "The terminal app is not installed in this build; the headless commands are (sambat-tui --help).",
    ),
}


class Out:
    """Where a command writes: results to stdout, notes to stderr, in the profile's language."""

    def __init__(self, lang: str = "id", stdout: TextIO | None = None, stderr: TextIO | None = None) -> None:
        self.lang = lang if lang in LANGS else "id"
        self.stdout = stdout or sys.stdout
        self.stderr = stderr or sys.stderr

    def text(self, key: str, **values: object) -> str:
        pair = _TEXT.get(key)
        if pair is None:
            return key
        return pair[0 if self.lang == "id" else 1].format(**values)

    def line(self, text: str) -> None:
        self.stdout.write(text + "\n")

    def note(self, text: str) -> None:
        self.stderr.write(text + "\n")

    def say(self, key: str, **values: object) -> None:
        self.line(self.text(key, **values))

    def warn(self, key: str, **values: object) -> None:
        self.note(self.text(key, **values))


def safe(text: object, max_len: int | None = None) -> str:
    """One line of outside text, fit for a terminal or a TSV cell."""
    return one_line(str(text), max_len) if text is not None else "-"


# --- the parser ---


PROG = "sambat-tui"


LANGS = ("id", "en")
_READ_ONLY_HELP = "open the app without any mutating key"
_LANG_HELP = "language of the app and the messages"


def _add_app_options(parser: argparse.ArgumentParser, *, version: bool = False) -> None:
    """The options before any command: those the app itself takes, and ``--version`` when asked."""
    parser.add_argument(
        "--profile",
        default=os.environ.get(PROFILE_ENV, "default"),
        help="profile name (default: $SAMBAT_TUI_PROFILE or 'default')",
    )
    if version:
        parser.add_argument("--version", action="version", version=f"sambat-tui {__version__}")
    parser.add_argument("--read-only", action="store_true", help=_READ_ONLY_HELP)
    parser.add_argument("--lang", choices=LANGS, help=_LANG_HELP)


class _NotAppStart(Exception):
    """The command line is more than the app's own options: the full parser reads it."""


def parse_app_start(argv: Sequence[str] | None) -> argparse.Namespace | None:
    """The arguments of a plain app start (``sambat-tui [--profile P] [--read-only] [--lang L]``), or None
    for anything else: a command, help, the version, an error.

    Building every command's parser (and importing the demo's and the supervisor's modules for theirs) is
    time the app's first frame waits for; a plain start needs only these three options. It reads them as
    the full parser does (its top-level options minus ``--help`` and ``--version``, which abbreviate
    nothing these three do), so it accepts exactly the app starts the full parser accepts and leaves every
    other command line, and every message about one, to ``build_parser``.

    The plain start of every working day, with no argument at all, reads no parser: argparse (and the
    gettext it loads) would be ~3 ms before the first frame, for the defaults below.
    """
    if not (sys.argv[1:] if argv is None else argv):
        defaults = SimpleNamespace(
            profile=os.environ.get(PROFILE_ENV, "default"), read_only=False, lang=None, command=None
        )
        return cast("argparse.Namespace", defaults)
    import argparse

    class _AppStartParser(argparse.ArgumentParser):
        def error(self, message: str) -> NoReturn:
            raise _NotAppStart(message)

    parser = _AppStartParser(prog=PROG, add_help=False)
    _add_app_options(parser)
    parser.set_defaults(command=None)
    try:
        return parser.parse_args(argv)
    except _NotAppStart:
        return None


def build_parser() -> argparse.ArgumentParser:
    import argparse

    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Kotak masuk pengaduan untuk operator OPD / complaint inbox for agency operators.",
    )
    _add_app_options(parser, version=True)
    # The same options after the command (`sambat-tui demo --lang en` is how people type it); SUPPRESS keeps
    # a subcommand's default from overwriting the value given before the command (argparse copies subparser
    # defaults over the namespace).
    after = argparse.ArgumentParser(add_help=False)
    after.add_argument("--read-only", action="store_true", default=argparse.SUPPRESS, help=_READ_ONLY_HELP)
    after.add_argument("--lang", choices=LANGS, default=argparse.SUPPRESS, help=_LANG_HELP)
    common = argparse.ArgumentParser(add_help=False, parents=[after])
    common.add_argument("--profile", default=argparse.SUPPRESS, help="profile name")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    login = commands.add_parser("login", parents=[common], help="sign in to a server (checks the token)")
    login.add_argument("--server", required=True, help="server address, https://...")
    login.add_argument(
        "--token", help="bearer token; '-' reads it from stdin; omitted: asked for without echo"
    )
    login.set_defaults(run=cmd_login)

    sync = commands.add_parser("sync", parents=[common], help="pull and push until caught up")
    sync.set_defaults(run=cmd_sync)

    listing = commands.add_parser("list", parents=[common], help="list cached complaints")
    listing.add_argument("--plain", action="store_true", help="tab-separated lines for scripts")
    listing.add_argument("--tab", default="semua", help="inbox tab id (default: semua)")
    listing.add_argument("--sort", choices=("due", "age", "priority"), default="due")
    listing.add_argument("--desc", action="store_true", help="reverse the order")
    listing.add_argument("query", nargs="*", help="filter: words, status:, cat:, kec:, overdue, due:<3d ...")
    listing.set_defaults(run=cmd_list)

    show = commands.add_parser("show", parents=[common], help="one complaint and its timeline")
    show.add_argument("ref", help="public reference (MLG-2026-000123) or id")
    show.add_argument("--json", action="store_true", help="the complaint as JSON (ASCII-escaped)")
    show.set_defaults(run=cmd_show)

    take = commands.add_parser("take", parents=[common], help="take a complaint (assign it to me)")
    take.add_argument("ref")
    take.set_defaults(run=cmd_take)

    status = commands.add_parser("status", parents=[common], help="change the status (start, hold, ...)")
    status.add_argument("ref")
    status.add_argument(
        "action", choices=sorted(a.value for a in Action if a not in (Action.RESPOND, Action.REOPEN))
    )
    status.add_argument("--reason", help="why (required for return and archive)")
    status.set_defaults(run=cmd_status)

    respond = commands.add_parser("respond", parents=[common], help="a public response (tanggapan)")
    respond.add_argument("ref")
    respond.add_argument("text", help="the response; '-' reads it from stdin")
    respond.set_defaults(run=cmd_respond)

    note = commands.add_parser("note", parents=[common], help="an internal note")
    note.add_argument("ref")
    note.add_argument("text", help="the note; '-' reads it from stdin")
    note.set_defaults(run=cmd_note)

    ret = commands.add_parser("return", parents=[common], help="return as bukan wewenang")
    ret.add_argument("ref")
    ret.add_argument("--reason", required=True)
    ret.set_defaults(run=cmd_return)

    box = commands.add_parser("outbox", parents=[common], help="what is waiting to be sent")
    box.add_argument("--plain", action="store_true", help="tab-separated lines for scripts")
    box.set_defaults(run=cmd_outbox)

    export = commands.add_parser("export", parents=[common], help="export cached complaints")
    export.add_argument("--csv", action="store_true", required=True, help="as CSV (the only format)")
    export.add_argument("--tab", default="semua")
    export.add_argument("--sort", choices=("due", "age", "priority"), default="due")
    export.add_argument("--desc", action="store_true", help="reverse the order")
    export.add_argument("--output", "-o", help="file to write (default: standard output)")
    export.add_argument("query", nargs="*")
    export.set_defaults(run=cmd_export)

    locate = commands.add_parser("locate", parents=[common], help="where config, data and logs are")
    locate.set_defaults(run=cmd_locate)

    repair = commands.add_parser(
        "repair",
        parents=[common],
        help="rebuild local data that cannot be read, keeping the changes not yet sent",
    )
    repair.add_argument("--force", action="store_true", help="rebuild it even when it is sound")
    repair.set_defaults(run=cmd_repair)

    demo = commands.add_parser(  # no --profile: the demo signs in a profile of its own
        "demo",
        parents=[after],
        help="try it: an embedded server with a seeded city, the app signed in as one desk",
    )
    from sambat_tui.cli_demo import configure_parser as configure_demo

    configure_demo(demo)
    demo.set_defaults(run=cmd_demo)

    from sambat_tui.cli_supervisor import add_commands

    add_commands(commands, common)
    return parser


# --- shared steps ---


def _profile(args: argparse.Namespace) -> Any:
    from sambat_tui.services.profiles import profile_paths

    return profile_paths(args.profile)


def _out(args: argparse.Namespace, profile: Any) -> Out:
    lang = getattr(args, "lang", None)
    if lang is None:
        from sambat_tui.services.config import ConfigError, load_config

        try:
            lang = load_config(profile).lang
        except ConfigError:
            lang = "id"
    return Out(lang)


def _open(args: argparse.Namespace, out: Out, profile: Any) -> Any:
    """The profile's session; with ``--read-only`` beside another process's writer, one that reads only."""
    from sambat_tui.services.session import Session
    from sambat_tui.store.db import StoreDamaged, StoreError, StoreLocked

    try:
        return Session.open(profile, read_only=bool(getattr(args, "read_only", False)))
    except StoreLocked as error:
        out.warn("locked", profile=profile.name, error=error)
        raise SystemExit(EXIT_FAILED) from None
    except StoreDamaged as error:
        _say_damaged(out, profile.name, error)
        raise SystemExit(EXIT_FAILED) from None
    except StoreError as error:
        out.note(f"sambat-tui: {safe(error)}")
        raise SystemExit(EXIT_FAILED) from None


def _say_damaged(out: Out, profile_name: str, error: StoreDamaged) -> None:
    from sambat_tui.services.repair import repair_command

    said = safe(f"{error.path}: {error.detail}", 500)
    out.warn("damaged", profile=profile_name, error=said, command=repair_command(profile_name))


def _waiting(out: Out, session: Any) -> None:
    counts = session.outbox.counts()
    if counts.waiting:
        out.warn("waiting", n=counts.waiting, conflicts=counts.conflicts)


def _read_text(value: str) -> str:
    return sys.stdin.read() if value == "-" else value


def _jakarta(moment: datetime | None) -> str:
    return "-" if moment is None else moment.astimezone(JAKARTA).strftime("%Y-%m-%d %H:%M")


# --- commands ---


def cmd_login(args: argparse.Namespace) -> int:
    from sambat_tui.services.login import SignInRefused, sign_in
    from sambat_tui.sync.client import ServerUrlError
    from sambat_tui.sync.errors import ApiError, Offline, ProtocolError

    profile = _profile(args)
    out = _out(args, profile)
    token = args.token
    if token == "-":
        token = sys.stdin.readline()
    elif token is None:
        import getpass

        token = getpass.getpass("Token: ") if sys.stdin.isatty() else sys.stdin.readline()
    token = (token or "").strip()
    if not token:
        out.note("sambat-tui: a token is needed (--token, '-' for stdin)")
        return EXIT_FAILED
    try:
        signed = sign_in(profile, args.server, token)
    except (ServerUrlError, SignInRefused, ValueError) as error:
        out.note(f"sambat-tui: {safe(error)}")
        return EXIT_FAILED
    except Offline as error:
        out.note(f"sambat-tui: {safe(error)}")
        return EXIT_UNREACHABLE
    except (ApiError, ProtocolError) as error:
        out.note(f"sambat-tui: {safe(error)}")
        return EXIT_FAILED
    me = signed.identity
    out.say(
        "login.ok",
        user=safe(me.user_id),
        roles=",".join(sorted(r.value for r in me.roles)),
        server=safe(signed.profile.server_url),
        where=safe(signed.token_location),
    )
    out.say("login.next")
    return EXIT_OK


class _SyncProgress:
    """A rich progress bar on a terminal, plain phase lines otherwise (cron, pipes)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.fancy = stream.isatty() and not os.environ.get("NO_COLOR_PROGRESS")
        self._bar: Any = None
        self._task: Any = None
        self._phase: str | None = None

    def __enter__(self) -> _SyncProgress:
        if self.fancy:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn

            self._bar = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                console=Console(file=self.stream),
                transient=True,
            )
            self._bar.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)

    def __call__(self, progress: Any) -> None:
        if self._bar is not None:
            if progress.phase != self._phase:
                self._task = self._bar.add_task(progress.phase, total=progress.total)
            self._bar.update(self._task, completed=progress.done, total=progress.total)
        elif progress.phase != self._phase:
            self.stream.write(f"sambat-tui: {progress.phase} ...\n")
        self._phase = progress.phase


def cmd_sync(args: argparse.Namespace) -> int:
    profile = _profile(args)
    out = _out(args, profile)
    with _open(args, out, profile) as session:
        if session.synced_elsewhere:  # --read-only beside the process that holds the writer: it syncs
            out.warn("sync.elsewhere", profile=profile.name)
            return EXIT_FAILED
        with _SyncProgress(out.stderr) as progress:
            report = session.sync.run_once(progress, retry_now=True)
        counts = session.outbox.counts()
        waiting = counts.pending + counts.failed
        if report.server_restored:
            out.warn("sync.server_restored", n=report.resent)
        if report.quarantined:
            out.warn("sync.quarantined", n=report.quarantined)
        if report.error is not None:
            key = "sync.unreachable" if not report.online else "sync.failed"
            out.warn(key, error=safe(report.error, 300), n=counts.waiting)
            if counts.conflicts:
                out.warn("sync.conflicts", n=counts.conflicts)
            return EXIT_UNREACHABLE if not report.online or waiting else EXIT_FAILED
        out.say("sync.ok", pulled=report.pulled, pushed=report.pushed)
        if counts.conflicts:
            out.warn("sync.conflicts", n=counts.conflicts)
            return EXIT_CONFLICTS
        if waiting:
            out.warn("sync.failed", error="retry later", n=waiting)
            return EXIT_UNREACHABLE
    return EXIT_OK


def _query_or_fail(out: Out, session: Any, tab: str, query: str) -> bool:
    try:
        session.inbox.criteria(tab, query)
    except QueryError as error:
        out.note(f"sambat-tui: {safe(error.message(out.lang))}")
        return False
    except KeyError as error:
        out.note(f"sambat-tui: {safe(error.args[0] if error.args else error)}")
        return False
    return True


def cmd_list(args: argparse.Namespace) -> int:
    profile = _profile(args)
    out = _out(args, profile)
    query = " ".join(args.query)
    with _open(args, out, profile) as session:
        if not _query_or_fail(out, session, args.tab, query):
            return EXIT_FAILED
        from sambat_tui.services.inbox import Sort

        rows = session.inbox.rows(args.tab, query, Sort(args.sort), args.desc)
        if args.plain or not out.stdout.isatty():
            for row in rows:
                place = f"{row.agency_id or '-'}/{row.desk_id or '-'}" if row.agency_id else "-"
                cells = (row.public_ref, row.status.value, _jakarta(row.due_at), place, row.title)
                out.line("\t".join(safe(c) for c in cells))
        else:
            _rich_list(out, rows)
        _waiting(out, session)
    return EXIT_OK


def _rich_list(out: Out, rows: Iterator[Any]) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, header_style="bold")
    for column in ("Ref", "Status", "SLA", "Meja / desk", "Judul / title", ""):
        table.add_column(column)
    for row in rows:
        days = "-" if row.sla_days_left is None else str(row.sla_days_left)
        mark = "*" if row.pending else ""
        cells = (row.public_ref, row.status.value, days, row.desk_id or "-", row.title, mark)
        # Text objects, never markup: a title holding "[bold]" stays text.
        table.add_row(*(Text(safe(c, 80)) for c in cells))
    Console(file=out.stdout).print(table)


def _find(out: Out, session: Any, ref: str) -> Any:
    detail = session.complaints.get(ref)
    if detail is None:
        out.warn("not_cached", ref=safe(ref, 60))
    return detail


def cmd_show(args: argparse.Namespace) -> int:
    profile = _profile(args)
    out = _out(args, profile)
    with _open(args, out, profile) as session:
        detail = _find(out, session, args.ref)
        if detail is None:
            return EXIT_FAILED
        if args.json:
            body = {
                "complaint": detail.data,
                "timeline": [
                    {
                        "id": e.id,
                        "at": e.at.isoformat(),
                        "kind": e.kind,
                        "subkind": e.subkind,
                        "public": e.public,
                        "body": e.body,
                        "author": e.author,
                        "status_after": e.status_after,
                        "detail": e.detail,
                        "pending": e.pending,
                    }
                    for e in detail.timeline
                ],
                "allowed": sorted(a.value for a in detail.allowed),
                "pending": detail.pending,
                "conflicts": detail.conflicts,
            }
            # ASCII-escaped: no control character or bidi override can reach the terminal as such.
            out.line(json.dumps(body, ensure_ascii=True, indent=2))
        else:
            _show_text(out, detail)
        _waiting(out, session)
    return EXIT_OK


def _show_text(out: Out, detail: Any) -> None:
    data = detail.data
    sla = data.get("sla") or {}
    location = data.get("location") or {}

    def when(value: object) -> str:
        if not isinstance(value, str):
            return "-"
        try:
            return format_datetime(datetime.fromisoformat(value), out.lang)
        except ValueError:
            return safe(value)

    out.line(f"{safe(data.get('public_ref'))}  {safe(data.get('status'))}  {safe(data.get('title'), 200)}")
    place = ", ".join(safe(location.get(k)) for k in ("address", "kelurahan", "kecamatan") if location.get(k))
    fields = (
        ("kategori / category", safe(data.get("category_code"))),
        ("instansi / agency", f"{safe(data.get('agency_id'))} / {safe(data.get('desk_id'))}"),
        ("petugas / assignee", safe(data.get("assignee_id"))),
        ("lokasi / location", place or "-"),
        ("visibilitas / visibility", safe(data.get("visibility"))),
        ("prioritas / priority", safe(data.get("priority"))),
        ("tenggat / resolve due", when(sla.get("resolve_due"))),
        ("dibuat / created", when(data.get("created_at"))),
    )
    for label, value in fields:
        out.line(f"  {label}: {value}")
    out.line("")
    out.line(neutralise(str(data.get("description", "")), max_len=20_000))
    out.line("")
    for entry in detail.timeline:
        flag = " (menunggu / pending)" if entry.pending else ""
        scope = "publik" if entry.public else "internal"
        head = (
            f"- {format_datetime(entry.at, out.lang)}  {entry.subkind} [{scope}] {safe(entry.author)}{flag}"
        )
        out.line(head + (f"  {safe(entry.detail)}" if entry.detail else ""))
        if entry.body:
            for text_line in neutralise(entry.body, max_len=20_000).splitlines():
                out.line(f"    {text_line}")
    if detail.allowed:
        out.line("")
        out.line("tindakan / actions: " + ", ".join(sorted(a.value for a in detail.allowed)))


def _act(args: argparse.Namespace, what: str, perform: Callable[[Any, str], Any]) -> int:
    """Find the complaint, queue the act, and say what was queued or why it was refused."""
    from sambat_tui.services.actions import StoreFull, TextRefused

    profile = _profile(args)
    out = _out(args, profile)
    with _open(args, out, profile) as session:
        detail = _find(out, session, args.ref)
        if detail is None:
            _waiting(out, session)
            return EXIT_FAILED
        complaint_id = str(detail.data["id"])
        ref = safe(detail.data.get("public_ref"))
        try:
            result = perform(session, complaint_id)
        except TextRefused as error:
            out.note(f"sambat-tui: {safe(error)}")
            return EXIT_FAILED
        except StoreFull as error:
            out.warn("disk_full", error=safe(error, 300))
            return EXIT_FAILED
        for _, key in result.refused:
            out.warn("refused", ref=ref, reason=out.text(key))
        for mutation_id in result.queued:
            out.say("queued", what=what, ref=ref, mid=mutation_id[:8])
        _waiting(out, session)
        return EXIT_OK if result.queued and not result.refused else EXIT_FAILED


def cmd_take(args: argparse.Namespace) -> int:
    return _act(args, "take", lambda s, cid: s.actions.transition([cid], Action.TAKE))


def cmd_status(args: argparse.Namespace) -> int:
    action = Action(args.action)
    return _act(args, action.value, lambda s, cid: s.actions.transition([cid], action, args.reason))


def cmd_respond(args: argparse.Namespace) -> int:
    text = _read_text(args.text)
    return _act(args, "respond", lambda s, cid: s.actions.respond(cid, text))


def cmd_note(args: argparse.Namespace) -> int:
    text = _read_text(args.text)
    return _act(args, "note", lambda s, cid: s.actions.note(cid, text))


def cmd_return(args: argparse.Namespace) -> int:
    return _act(args, "return", lambda s, cid: s.actions.return_(cid, args.reason))


def cmd_outbox(args: argparse.Namespace) -> int:
    profile = _profile(args)
    out = _out(args, profile)
    with _open(args, out, profile) as session:
        entries = session.outbox.entries()
        if not entries:
            out.say("outbox.empty")
            return EXIT_OK
        plain = args.plain or not out.stdout.isatty()
        if not plain:
            # A person reads what each change does in the profile's language, as the app's outbox says it;
            # scripts (--plain, or a pipe) keep the wire's words, which do not change with the language.
            from sambat_tui.ui.i18n import set_language, t
            from sambat_tui.ui.wire_words import outbox_what

            set_language(out.lang)
        for e in entries:
            why = e.server_reason or e.last_error or ""
            if plain:
                cells = (str(e.seq), e.state, e.public_ref, e.summary, str(e.attempts), why)
                out.line("\t".join(safe(c, 300) for c in cells))
            else:
                state = t(f"outbox.state.{e.state}")
                out.line(f"{e.seq:>5}  {state:<15}  {safe(e.public_ref)}  {outbox_what(e)}")
                if why:
                    out.line(f"       {safe(why, 200)}")
        _waiting(out, session)
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    """The tab and query as CSV, with the app's writer (``e`` in the inbox), streamed row by row."""
    from sambat_tui.services.exports import write_inbox_csv
    from sambat_tui.services.inbox import Sort

    profile = _profile(args)
    out = _out(args, profile)
    query = " ".join(args.query)
    with _open(args, out, profile) as session:
        if not _query_or_fail(out, session, args.tab, query):
            return EXIT_FAILED
        with contextlib.ExitStack() as stack:
            target: IO[str] = out.stdout
            if args.output:
                target = stack.enter_context(Path(args.output).open("w", encoding="utf-8", newline=""))
            write_inbox_csv(session.inbox.rows(args.tab, query, Sort(args.sort), args.desc), target)
        _waiting(out, session)
    return EXIT_OK


def cmd_locate(args: argparse.Namespace) -> int:
    from sambat_tui.services.credentials import TokenStore

    profile = _profile(args)
    out = _out(args, profile)
    out.line(f"profile\t{profile.name}")
    out.line(f"config\t{profile.config_dir}")
    out.line(f"data\t{profile.data_dir}")
    out.line(f"cache\t{profile.cache_path}")
    out.line(f"logs\t{profile.log_dir}")
    out.line(f"server\t{safe(profile.server_url or '-')}")
    out.line(f"token\t{safe(TokenStore(profile).describe())}")
    return EXIT_OK


def cmd_repair(args: argparse.Namespace) -> int:
    """A cache that cannot be read: its unsent changes and identity go into a new one, the old file is kept
    aside, the next sync fetches the rest (``store.salvage``)."""
    from sambat_tui.services.repair import repair_cache
    from sambat_tui.store.db import StoreLocked

    profile = _profile(args)
    out = _out(args, profile)
    if profile.cache_path.exists():  # the check reads the whole file: about two minutes for 2 GB
        out.warn("repair.checking", mib=f"{profile.cache_path.stat().st_size / 2**20:,.0f}")
    try:
        rebuilt = repair_cache(profile, force=args.force)
    except StoreLocked as error:
        out.warn("locked", profile=profile.name, error=error)
        return EXIT_FAILED
    if rebuilt.problem is None:
        out.say("repair.sound", profile=profile.name)
        return EXIT_OK
    aside = "-" if rebuilt.aside is None else str(rebuilt.aside)
    problem = safe(rebuilt.problem, 300)
    out.say("repair.done", profile=profile.name, problem=problem, kept=rebuilt.kept, aside=aside)
    if not rebuilt.complete:
        out.warn("repair.incomplete", n=rebuilt.unread, aside=aside)
        return EXIT_FAILED
    if rebuilt.unread:
        out.warn("repair.unread", n=rebuilt.unread, aside=aside)
        return EXIT_FAILED
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    if (refused := _without_terminal(args)) is not None:
        return refused  # before seeding a city nobody would see
    from sambat_tui.cli_demo import run_demo

    return run_demo(args, run_app)


def _without_terminal(args: argparse.Namespace) -> int | None:
    """Exit code and message when the app would have no terminal to draw on, else None."""
    if sys.stdin.isatty() and sys.stdout.isatty():
        return None
    # Without a terminal Textual's input loop spins (a core at 66 % for as long as it runs, seen with
    # `sambat-tui --read-only < /dev/null > file`) and nobody sees the screen: say what to use instead.
    sys.stderr.write(Out(getattr(args, "lang", None) or "id").text("app.no_terminal") + "\n")
    return EXIT_UNREACHABLE


def run_app(args: argparse.Namespace) -> int:
    """Open the Textual app (loaded only now: the headless commands never import textual).

    The app opens the session for its first frame, the inbox; only what that frame shows loads before it
    (``bench.ui_scale_bench`` times it against a bare Textual app). The sync client, the wire contract and
    every other screen load after it, when first used.
    """
    import gc

    # The cyclic collector, paused until the first frame is on screen (``SambatApp`` freezes what start-up
    # made and resumes it): a tenth of the time to that frame went to collections that found nothing.
    gc.disable()
    # Textual hands each frame to its writer thread, which then waits for the GIL while the UI thread draws
    # ahead: up to the switch interval (5 ms by default) at a time. At 0.5 ms the worst p99 of the moves
    # at 1M fell from 18-20 ms to 15-17 ms in two paired runs of ui_scale_bench's keys.
    switch_interval = sys.getswitchinterval()
    sys.setswitchinterval(APP_SWITCH_INTERVAL)
    try:
        return _run_app(args)
    finally:
        sys.setswitchinterval(switch_interval)
        gc.enable()


def _run_app(args: argparse.Namespace) -> int:
    if (refused := _without_terminal(args)) is not None:
        return refused
    try:
        from sambat_tui.ui.app import SambatApp
        from sambat_tui.ui.keys import KeymapError
        from sambat_tui.ui.ports import AppOptions
    except ImportError:
        sys.stderr.write(Out().text("app.missing") + "\n")
        return EXIT_UNREACHABLE
    from sambat_tui.services.config import load_config

    profile = _profile(args)
    config = load_config(profile)
    handler, log_problem = _log_file(profile.log_dir / "sambat-tui.log")
    options = AppOptions(
        lang=args.lang or config.lang,
        theme=config.theme,
        keymap=dict(config.keys),
        read_only=args.read_only,
        sync_interval_seconds=float(config.sync_interval_seconds),
        profile_name=profile.name,
        log_problem=log_problem,
    )

    def open_session() -> Any:
        from sambat_tui.services.session import Session

        return Session.open(profile, read_only=args.read_only, repair=False)  # the app repairs after frame 1

    try:
        app = SambatApp(open_session, options)
    except KeymapError as error:
        sys.stderr.write(f"sambat-tui: {profile.config_file}: {safe(error)}\n")
        return EXIT_FAILED
    # While the app owns the terminal, log records go to the profile's log file, never to the screen.
    import logging

    if handler is not None:
        logging.getLogger().addHandler(handler)
    try:
        app.run()
    finally:
        app.close_session()
        if handler is not None:
            logging.getLogger().removeHandler(handler)
            handler.close()
    if app.stopped_because is not None:
        sys.stderr.write(f"sambat-tui: {app.stopped_because}\n")
        return EXIT_FAILED
    return EXIT_FAILED if app.return_code else EXIT_OK


def _log_file(path: Path) -> tuple[logging.Handler | None, str | None]:
    """The app's log handler, or None and why: a log that cannot be opened (a full or read-only disk, a
    file left by ``sudo``) must not keep anyone from their work; the app says so and runs without it."""
    import logging

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(path, encoding="utf-8")
    except OSError as error:
        return None, safe(error, 300)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    return handler, None


def main(argv: Sequence[str] | None = None) -> int:
    from sambat_tui.services.config import ConfigError
    from sambat_tui.services.profiles import ProfileError
    from sambat_tui.store.db import StoreDamaged

    args = parse_app_start(argv) or build_parser().parse_args(argv)
    run: Callable[[argparse.Namespace], int] = getattr(args, "run", run_app)
    try:
        return run(args)
    except (ProfileError, ConfigError) as error:
        sys.stderr.write(f"sambat-tui: {safe(error)}\n")
        return EXIT_FAILED
    except StoreDamaged as error:  # read half-way through a command: a damaged file, a failing disk
        profile = _profile(args)
        _say_damaged(_out(args, profile), profile.name, error)
        return EXIT_FAILED
    except BrokenPipeError:
        # The reader went away (`sambat-tui list --plain | head`): silence the interpreter's final flush.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except OSError as error:
        if error.errno not in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
            raise
        # An export, a profile or a token written to a full disk: one line, as a full cache says it.
        sys.stderr.write(Out().text("disk_full.file", error=safe(error, 300)) + "\n")
        return EXIT_FAILED


if __name__ == "__main__":
    raise SystemExit(main())
