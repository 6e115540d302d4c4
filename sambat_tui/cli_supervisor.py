"""Headless twins of the supervisor's and the coordinator's screens (`sambat-tui reassign`, `triage`, ...).

Acts queue offline like every mutation (``sambat-tui sync`` sends them): ``reassign``, ``dispose``,
``archive``, ``visibility``, ``link``. A role that may not do an act is refused at once, per complaint, and
nothing is queued for it. Views read the local cache: ``workload``, ``escalations``, ``dashboard``,
``triage``, ``duplicates`` (``--plain``: tab-separated; ``--csv``: a CSV table; ``-o FILE``), and
``report --week YYYY-Www`` writes the weekly Markdown report. Exit codes are ``cli``'s: 0 done, 1 refused
or failed (also when only some of the complaints were queued).
"""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from sambat_tui.domain.model import DispositionKind, Visibility
from sambat_tui.domain.weeks import IsoWeek, WeekError

_TEXT: dict[str, tuple[str, str]] = {
    "view.refused": (
        "Tampilan ini untuk supervisor, koordinator dan auditor; peran Anda: {roles}.",
        "This view is for supervisors, the coordinator and auditors; your roles: {roles}.",
    ),
    "triage.refused": (
        "Antrean verifikasi untuk koordinator (dan auditor); peran Anda: {roles}.",
        "The triage queue is the coordinator's (and auditors'); your roles: {roles}.",
    ),
    "target.unknown": (
        "{kind} {target} tidak dikenal di data lokal (jalankan `sambat-tui sync`).",
        "{kind} {target} is not known in the local data (run `sambat-tui sync`).",
    ),
    "duplicates.none": ("Tidak ada dugaan duplikat untuk {ref}.", "No likely duplicates of {ref}."),
    "triage.empty": ("Antrean verifikasi kosong.", "The triage queue is empty."),
    "written": ("{n} baris ditulis ke {path}.", "{n} row(s) written to {path}."),
    "report.written": ("Laporan {week} ditulis ke {path}.", "Report {week} written to {path}."),
    "weeks.range": ("--weeks harus 1 sampai 104", "--weeks must be 1 to 104"),
    # domain.weeks.WeekError, by its code
    "week.format": (
        "bukan minggu ISO (formatnya YYYY-Www, mis. 2026-W05): {text}",
        "not an ISO week (expected YYYY-Www, e.g. 2026-W05): {text}",
    ),
    "week.range": (
        "tahun {year} punya minggu ISO 1 sampai {last}, bukan {week}",
        "{year} has ISO weeks 1 to {last}, not {week}",
    ),
    "week.year": ("tahun {year} di luar jangkauan", "year {year} is out of range"),
    "dashboard.desk": ("Meja", "Desk"),
    "dashboard.first": ("Tanggapan pertama", "First response"),
    "dashboard.close": ("Selesai", "Close"),
    "dashboard.none": ("belum ada data", "no data yet"),
}


def _say(out: Any, key: str, **values: object) -> str:
    pair = _TEXT.get(key)
    if pair is None:
        text: str = out.text(key, **values)
        return text
    return pair[0 if out.lang == "id" else 1].format(**values)


# --- the parser ---


def add_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    """Register the supervisor's commands on ``sambat-tui``'s subparsers."""
    reassign = commands.add_parser(
        "reassign", parents=[common], help="reassign within the agency, to a desk or a person"
    )
    reassign.add_argument("refs", nargs="+", metavar="REF")
    target = reassign.add_mutually_exclusive_group(required=True)
    target.add_argument("--desk", help="desk id")
    target.add_argument("--user", help="user id")
    reassign.add_argument("--reason", required=True)
    reassign.set_defaults(run=cmd_reassign)

    dispose = commands.add_parser("dispose", parents=[common], help="dispose (disposisi) to another agency")
    dispose.add_argument("refs", nargs="+", metavar="REF")
    dispose.add_argument("--agency", required=True, help="agency id")
    dispose.add_argument("--desk", help="a desk of that agency")
    dispose.add_argument("--user", help="a person of that agency")
    dispose.add_argument("--reason", required=True)
    dispose.set_defaults(run=cmd_dispose)

    archive = commands.add_parser("archive", parents=[common], help="archive (coordinator), with a reason")
    archive.add_argument("refs", nargs="+", metavar="REF")
    archive.add_argument("--reason", required=True)
    archive.set_defaults(run=cmd_archive)

    visibility = commands.add_parser("visibility", parents=[common], help="public, anonim or rahasia")
    visibility.add_argument("ref")
    visibility.add_argument("visibility", choices=[v.value for v in Visibility])
    visibility.add_argument("--reason", required=True)
    visibility.set_defaults(run=cmd_visibility)

    link = commands.add_parser("link", parents=[common], help="mark a complaint as a duplicate of another")
    link.add_argument("ref")
    link.add_argument("--duplicate-of", required=True, help="the original's reference; 'none' unlinks")
    link.add_argument("--reason", required=True)
    link.set_defaults(run=cmd_link)

    for name, run, text in (
        ("workload", cmd_workload, "open, due soon, overdue, taken today per desk and person"),
        ("escalations", cmd_escalations, "what the periodic job escalated, oldest first"),
        ("dashboard", cmd_dashboard, "backlog, SLA compliance and medians over the last weeks"),
        ("triage", cmd_triage, "the coordinator's queue with the routing engine's guesses"),
    ):
        view = commands.add_parser(name, parents=[common], help=text)
        _view_options(view)
        if name == "dashboard":
            view.add_argument("--weeks", type=int, default=12, help="weeks to show (default 12)")
        view.set_defaults(run=run)

    duplicates = commands.add_parser("duplicates", parents=[common], help="likely duplicates of a complaint")
    duplicates.add_argument("ref")
    _view_options(duplicates)
    duplicates.set_defaults(run=cmd_duplicates)

    report = commands.add_parser("report", parents=[common], help="the weekly report as Markdown")
    report.add_argument("--week", required=True, help="ISO week, e.g. 2026-W05")
    report.add_argument("--weeks", type=int, default=12, help="weeks of trend (default 12)")
    report.add_argument("--output", "-o", help="file to write (default: standard output)")
    report.set_defaults(run=cmd_report)


def _view_options(view: argparse.ArgumentParser) -> None:
    shape = view.add_mutually_exclusive_group()
    shape.add_argument("--plain", action="store_true", help="tab-separated lines for scripts")
    shape.add_argument("--csv", action="store_true", help="a CSV table (for a spreadsheet)")
    view.add_argument("--output", "-o", help="file to write (default: standard output)")


# --- shared steps ---


@contextlib.contextmanager
def _session(args: argparse.Namespace) -> Iterator[tuple[Any, Any]]:
    from sambat_tui import cli

    profile = cli._profile(args)
    out = cli._out(args, profile)
    with cli._open(args, out, profile) as session:
        yield out, session


@contextlib.contextmanager
def _target(out: Any, output: str | None) -> Iterator[IO[str]]:
    if output is None:
        yield out.stdout
        return
    with Path(output).open("w", encoding="utf-8", newline="") as handle:
        yield handle


def _resolve(out: Any, session: Any, refs: Sequence[str]) -> tuple[list[str], dict[str, str], bool]:
    """Complaint ids of the references the cache holds, their display refs, and whether any was missing."""
    from sambat_tui import cli

    ids: list[str] = []
    shown: dict[str, str] = {}
    missing = False
    for ref in refs:
        detail = session.complaints.get(ref)
        if detail is None:
            out.warn("not_cached", ref=cli.safe(ref, 60))
            missing = True
            continue
        complaint_id = str(detail.data["id"])
        if complaint_id not in shown:
            ids.append(complaint_id)
            shown[complaint_id] = cli.safe(detail.data.get("public_ref"))
    return ids, shown, missing


def _queue(
    args: argparse.Namespace, what: str, perform: Callable[[Any, Any, list[str]], Any], refs: Sequence[str]
) -> int:
    """Resolve the references, ``perform(out, session, ids)`` (None: it said why it did nothing), report."""
    from sambat_tui import cli
    from sambat_tui.services.actions import TextRefused

    with _session(args) as (out, session):
        ids, shown, missing = _resolve(out, session, refs)
        if not ids:
            cli._waiting(out, session)
            return cli.EXIT_FAILED
        try:
            result = perform(out, session, ids)
        except TextRefused as error:
            out.note(f"sambat-tui: {cli.safe(error)}")
            return cli.EXIT_FAILED
        if result is None:
            return cli.EXIT_FAILED
        queued_for = _queued_ids(session, result.queued)
        for complaint_id, key in result.refused:
            ref = shown.get(complaint_id, cli.safe(complaint_id))
            out.warn("refused", ref=ref, reason=_say(out, key))
        for mutation_id in result.queued:
            ref = shown.get(queued_for.get(mutation_id, ""), "?")
            out.say("queued", what=what, ref=ref, mid=mutation_id[:8])
        cli._waiting(out, session)
        ok = result.queued and not result.refused and not missing
        return cli.EXIT_OK if ok else cli.EXIT_FAILED


def _queued_ids(session: Any, mutation_ids: Sequence[str]) -> dict[str, str]:
    wanted = set(mutation_ids)
    return {e.mutation_id: e.complaint_id for e in session.outbox.entries() if e.mutation_id in wanted}


def _roles(session: Any) -> str:
    return ",".join(sorted(r.value for r in session.supervision.roles())) or "-"


# --- acts ---


def cmd_reassign(args: argparse.Namespace) -> int:
    from sambat_tui import cli

    kind, target = ("desk", args.desk) if args.desk is not None else ("person", args.user)

    def perform(out: Any, session: Any, ids: list[str]) -> Any:
        agency = session.supervision.agency_of(kind, target)
        if agency is None:
            out.note(_say(out, "target.unknown", kind=kind, target=cli.safe(target, 60)))
            return None
        return session.actions.dispose(
            ids, DispositionKind.REASSIGN, agency, reason=args.reason, to_desk=args.desk, to_user=args.user
        )

    return _queue(args, "reassign", perform, args.refs)


def cmd_dispose(args: argparse.Namespace) -> int:
    def perform(out: Any, session: Any, ids: list[str]) -> Any:
        return session.actions.dispose(
            ids,
            DispositionKind.DISPOSE,
            args.agency,
            reason=args.reason,
            to_desk=args.desk,
            to_user=args.user,
        )

    return _queue(args, "dispose", perform, args.refs)


def cmd_archive(args: argparse.Namespace) -> int:
    return _queue(args, "archive", lambda _, s, ids: s.actions.archive(ids, args.reason), args.refs)


def cmd_visibility(args: argparse.Namespace) -> int:
    visibility = Visibility(args.visibility)
    return _queue(
        args,
        f"visibility {visibility.value}",
        lambda _, s, ids: s.actions.set_visibility(ids, visibility, reason=args.reason),
        [args.ref],
    )


def cmd_link(args: argparse.Namespace) -> int:
    from sambat_tui import cli

    def perform(out: Any, session: Any, ids: list[str]) -> Any:
        original_id: str | None = None
        if args.duplicate_of.strip().casefold() != "none":
            original = session.complaints.get(args.duplicate_of)
            if original is None:
                out.warn("not_cached", ref=cli.safe(args.duplicate_of, 60))
                return None
            original_id = str(original.data["id"])
        return session.actions.link_duplicate(ids[0], original_id, reason=args.reason)

    return _queue(args, "link", perform, [args.ref])


# --- views ---


def _emit(out: Any, args: argparse.Namespace, table: Any) -> None:
    """A view's table as CSV, as tab-separated lines, or as an aligned table on a terminal."""
    from sambat_tui import cli
    from sambat_tui.services.exports import write_csv

    with _target(out, args.output) as target:
        if args.csv:
            n = write_csv(table, target)
            if args.output:
                out.note(_say(out, "written", n=n, path=cli.safe(args.output)))
            return
        if args.plain or args.output or not out.stdout.isatty():
            target.write("\t".join(table.header) + "\n")
            for row in table.rows:
                target.write("\t".join(cli.safe(c, 300) for c in row) + "\n")
            return
    _rich_table(out, table)


def _rich_table(out: Any, table: Any) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from sambat_tui import cli

    shown = Table(box=None, header_style="bold")
    for column in table.header:
        shown.add_column(column)
    for row in table.rows:
        # Text objects, never markup: a title holding "[bold]" stays text.
        shown.add_row(*(Text(cli.safe(c, 60)) for c in row))
    Console(file=out.stdout).print(shown)


def _viewer(args: argparse.Namespace, build: Callable[[Any], Any], *, triage: bool = False) -> int:
    from sambat_tui import cli

    with _session(args) as (out, session):
        allowed = session.supervision.may_view_triage() if triage else session.supervision.may_view()
        if not allowed:
            out.note(_say(out, "triage.refused" if triage else "view.refused", roles=_roles(session)))
            return cli.EXIT_FAILED
        _emit(out, args, build(session))
        cli._waiting(out, session)
    return cli.EXIT_OK


def cmd_workload(args: argparse.Namespace) -> int:
    from sambat_tui.services.exports import workload_table

    return _viewer(args, lambda s: workload_table(s.supervision.workload()))


def cmd_escalations(args: argparse.Namespace) -> int:
    from sambat_tui.services.exports import escalations_table

    return _viewer(args, lambda s: escalations_table(s.supervision.escalations()))


def cmd_triage(args: argparse.Namespace) -> int:
    from sambat_tui.services.exports import triage_table

    return _viewer(args, lambda s: triage_table(s.supervision.triage()), triage=True)


def cmd_dashboard(args: argparse.Namespace) -> int:
    from sambat_tui import cli
    from sambat_tui.services.exports import dashboard_table

    if not _weeks_ok(args):
        return cli.EXIT_FAILED
    if args.csv or args.plain or args.output:
        return _viewer(args, lambda s: dashboard_table(s.supervision.dashboard(args.weeks)))
    with _session(args) as (out, session):
        if not session.supervision.may_view():
            out.note(_say(out, "view.refused", roles=_roles(session)))
            return cli.EXIT_FAILED
        for line in dashboard_lines(session.supervision.dashboard(args.weeks), out.lang):
            out.line(line)
        cli._waiting(out, session)
    return cli.EXIT_OK


def _weeks_ok(args: argparse.Namespace) -> bool:
    """``--weeks`` within 1..104; otherwise says so, in the profile's language."""
    if 1 <= args.weeks <= 104:
        return True
    from sambat_tui import cli

    out = cli._out(args, cli._profile(args))
    out.note("sambat-tui: " + _say(out, "weeks.range"))
    return False


def dashboard_lines(board: Any, lang: str, width: int = 30) -> list[str]:
    """The dashboard as text bars, for a terminal or a mail."""
    from sambat_tui import cli

    def bar(value: float, top: float) -> str:
        filled = 0 if top <= 0 else round(width * value / top)
        return "#" * filled + "." * (width - filled)

    en = lang == "en"
    lines = ["SLA: " + ("responses on time per week" if en else "tanggapan tepat waktu per minggu")]
    for week in board.weeks:
        share = week.compliance
        text = "-" if share is None else f"{round(100 * share):>3}% ({week.met}/{week.met + week.missed})"
        lines.append(f"  {week.week}  {bar(share or 0, 1)}  {text}")
    for title, rows in (
        ("Backlog by category" if en else "Tunggakan per kategori", board.by_category),
        ("Backlog by kecamatan" if en else "Tunggakan per kecamatan", board.by_kecamatan),
    ):
        lines += ["", title]
        top = max((r.open for r in rows), default=0)
        lines += [f"  {cli.safe(r.label, 24):<24} {bar(r.open, top)} {r.open} ({r.overdue})" for r in rows]
    lines += ["", "Median working days per desk" if en else "Median hari kerja per meja"]
    heading = {key: _TEXT[f"dashboard.{key}"][1 if en else 0] for key in ("desk", "first", "close")}
    first_width, close_width = len(heading["first"]), len(heading["close"])
    lines.append(f"  {heading['desk']:<32}  {heading['first']}  {heading['close']}")
    for desk in board.desks:
        first = "-" if desk.first_response_days is None else f"{desk.first_response_days:g}"
        close = "-" if desk.close_days is None else f"{desk.close_days:g}"
        lines.append(f"  {cli.safe(desk.label, 32):<32}  {first:>{first_width}}  {close:>{close_width}}")
    if not board.desks:
        lines.append("  " + _TEXT["dashboard.none"][1 if en else 0])
    return lines


def cmd_duplicates(args: argparse.Namespace) -> int:
    from sambat_tui import cli
    from sambat_tui.services.exports import duplicates_table

    with _session(args) as (out, session):
        if not session.supervision.may_view():
            out.note(_say(out, "view.refused", roles=_roles(session)))
            return cli.EXIT_FAILED
        detail = session.complaints.get(args.ref)
        if detail is None:
            out.warn("not_cached", ref=cli.safe(args.ref, 60))
            return cli.EXIT_FAILED
        found = session.supervision.duplicates(str(detail.data["id"]))
        if not found and not args.csv:
            out.note(_say(out, "duplicates.none", ref=cli.safe(detail.data.get("public_ref"))))
        else:
            _emit(out, args, duplicates_table(found))
        cli._waiting(out, session)
    return cli.EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from sambat_tui import cli
    from sambat_tui.services.report import build, render_markdown

    try:
        week = IsoWeek.parse(args.week)
    except WeekError as error:
        out = cli._out(args, cli._profile(args))
        params = {k: cli.safe(v, 40) for k, v in error.params.items()}
        out.note("sambat-tui: " + _say(out, error.code, **params))
        return cli.EXIT_FAILED
    if not _weeks_ok(args):
        return cli.EXIT_FAILED
    with _session(args) as (out, session):
        if not session.supervision.may_view():
            out.note(_say(out, "view.refused", roles=_roles(session)))
            return cli.EXIT_FAILED
        me = session.identity
        city_wide = session.supervision.may_view_triage()  # the coordinator and auditors see every agency
        everyone = "semua instansi" if out.lang == "id" else "all agencies"
        scope = everyone if city_wide or me is None or not me.agency_id else me.agency_id
        text = render_markdown(build(session.supervision, week, scope=scope, weeks=args.weeks), out.lang)
        with _target(out, args.output) as target:
            target.write(text)
        if args.output:
            out.note(_say(out, "report.written", week=week, path=cli.safe(args.output)))
        cli._waiting(out, session)
    return cli.EXIT_OK
