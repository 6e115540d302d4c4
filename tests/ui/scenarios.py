"""Every screen state of the app, once: the snapshot tests and ``render_screens`` both walk this list.

A scenario is data (size, language, theme, role, records, keys to press) plus an optional setup on the
in-memory session; ``build`` turns it into an app that shows the same thing every time: a fixed clock, a
seeded data set, no periodic sync.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import timedelta

from textual.keys import _character_to_key

from sambat_tui.domain.model import Action, Role, Status
from sambat_tui.services.complaints import TimelineEntry
from sambat_tui.services.outbox import OutboxEntry, describe, summarise
from sambat_tui.ui.app import SambatApp
from sambat_tui.ui.ports import AppOptions
from tests.ui.fakes import NOW, FakeSession, make_records
from tests.ui.supervision_fakes import install as supervision

# A citizen's text that tries everything: an OSC 52 clipboard write, a screen clear, a title change, Rich
# markup that would crash or click, a bidi override, and control characters.
HOSTILE_TITLE = (
    "Jalan rusak \x1b]52;c;cm0gLXJmIH4=\x07[bold]tebal[/bold] [@click=app.quit]klik[/] "
    "\x1b[2J\x1b]0;PWNED\x07 \u202egnalaj\u202c \x00\x07 selesai"
)
LONG_LINE = "Jalan" + "x" * 10_000
HUGE_DESCRIPTION = ("Laporan panjang dari warga. " * 40 + "\n") * 180  # ~200 KB


def typed(text: str) -> tuple[str, ...]:
    """Key names that type ``text`` (``:`` -> ``colon``), for ``Pilot.press``."""
    return tuple(_character_to_key(c) for c in text)


def _hostile(session: FakeSession) -> None:
    first, second, third = session.records[:3]
    first.title = HOSTILE_TITLE
    first.description = HOSTILE_TITLE + "\n" + LONG_LINE + "\n" + HUGE_DESCRIPTION
    first.reporter = {
        "name": "[red]Ani[/red] \x1b[31mMerah",
        "phone": "0812\u202e0987",
        "email": None,
        "nik": None,
    }
    second.title = LONG_LINE
    third.kecamatan = "\x1b[5mKlojen"
    # Put them first in the due-date order so the inbox shows them at the top.
    for record in (first, second, third):
        record.resolve_due = NOW - timedelta(days=30)


def _sync_marks(session: FakeSession) -> None:
    session.actions.transition([session.records[0].id], Action.TAKE)
    session.records[1].conflict = True
    session.records[1].pending = 1
    _outbox_states(session)


def _outbox_states(session: FakeSession) -> None:
    records = session.records
    entries = [
        ("transition", {"action": "take"}, "pending", 0, None, None),
        (
            "update",
            {"kind": "public_response", "body": "Perbaikan dijadwalkan minggu ini."},
            "sending",
            1,
            None,
            None,
        ),
        ("transition", {"action": "close"}, "failed", 4, "HTTP 503 from the server", None),
        (
            "update",
            {"kind": "public_response", "body": "Sudah kami tangani."},
            "conflict",
            1,
            "409",
            "Pengaduan sudah dialihkan ke instansi lain (bukan lingkup Anda lagi).",
        ),
    ]
    for n, (op, payload, state, attempts, error, reason) in enumerate(entries):
        kind, details = describe(op, payload)
        record = records[n + 2]
        record.pending += 1
        session.outbox_entries.append(
            OutboxEntry(
                seq=len(session.outbox_entries) + 1,
                mutation_id=f"m-{n}",
                complaint_id=record.id,
                public_ref=record.public_ref,
                op=op,
                summary=summarise(op, payload),
                state=state,
                attempts=attempts,
                last_error=error,
                server_reason=reason,
                created_at=NOW - timedelta(minutes=30 - n),
                kind=kind,
                details=details,
            )
        )


def _offline(session: FakeSession) -> None:
    _sync_marks(session)
    session.sync.online = False
    session.sync.run_once()


def _online(session: FakeSession) -> None:
    session.sync.run_once()


def _rich_timeline(session: FakeSession) -> None:
    record = session.records[0]
    record.status = Status.ASSIGNED
    record.resolve_due = NOW - timedelta(days=40)  # first in "Baru" by due date
    record.timeline.append(
        TimelineEntry(
            id="reply-1",
            at=NOW - timedelta(hours=2),
            kind="update",
            subkind="citizen_reply",
            public=True,
            body="Sampai sekarang belum ada petugas yang datang.",
            author=None,
            status_after=Status.IN_PROGRESS,
            detail="",
            pending=False,
        )
    )
    record.timeline.append(
        TimelineEntry(
            id="note-pending",
            at=NOW - timedelta(minutes=5),
            kind="update",
            subkind="internal_note",
            public=False,
            body="Cek ulang dengan UPT besok; jangan dijawab dulu.",
            author="operator.dpuprpkp",
            status_after=None,
            detail="",
            pending=True,
        )
    )
    record.pending = 1


@dataclass(frozen=True)
class Scenario:
    name: str
    title: str
    size: tuple[int, int] = (120, 36)
    lang: str = "id"
    theme: str = "dark"
    role: Role = Role.OPERATOR
    read_only: bool = False
    signed_in: bool = True
    records: int = 120
    setup: Callable[[FakeSession], None] | None = None
    press: tuple[str, ...] = ()
    keymap: dict[str, str] = field(default_factory=dict)
    open_fails: bool = False


def build(scenario: Scenario) -> tuple[SambatApp, FakeSession]:
    session = FakeSession(
        make_records(scenario.records),
        role=scenario.role,
        read_only=scenario.read_only,
        signed_in=scenario.signed_in,
    )
    if scenario.setup is not None:
        scenario.setup(session)
    options = AppOptions(
        lang=scenario.lang,
        theme=scenario.theme,
        keymap=scenario.keymap,
        read_only=scenario.read_only,
        sync_interval_seconds=0,
    )

    def open_session() -> FakeSession:
        if scenario.open_fails:
            raise OSError("database is locked")
        return session

    return SambatApp(open_session, options, now=lambda: NOW), session


def _disk_full(session: FakeSession) -> None:
    session.room = 0  # no change can be written to the cache


def _synced_elsewhere(session: FakeSession) -> None:
    session.synced_elsewhere = True  # another window holds the cache and syncs it


_BASE = Scenario("inbox", "Kotak masuk, tab Baru, 120x36, gelap")

SCENARIOS: tuple[Scenario, ...] = (
    _BASE,
    replace(_BASE, name="inbox_80x24", title="Kotak masuk di 80x24", size=(80, 24)),
    replace(_BASE, name="inbox_light_en", title="Inbox in English, light theme", lang="en", theme="light"),
    replace(_BASE, name="inbox_semua_sorted", title="Tab Semua, urut umur", press=("5", "S")),
    replace(_BASE, name="inbox_overdue_tab", title="Tab Jatuh tempo", press=("3",)),
    replace(_BASE, name="inbox_empty", title="Tab kosong", records=0),
    replace(_BASE, name="inbox_marked", title="Tiga baris ditandai", press=("space", "space", "j", "space")),
    replace(_BASE, name="inbox_preview", title="Pratinjau di samping daftar", press=("j", "p")),
    replace(
        _BASE,
        name="inbox_search",
        title="Pencarian dengan bahasa saring",
        press=("slash", *typed("kec:klojen"), "enter"),
    ),
    replace(
        _BASE,
        name="inbox_search_error",
        title="Kueri salah: galat di bawah kotak cari",
        press=("slash", *typed("foo:bar"), "enter"),
    ),
    replace(_BASE, name="inbox_sync_marks", title="Tanda antre dan konflik", setup=_sync_marks),
    replace(_BASE, name="inbox_online", title="Sesudah sinkron berhasil", setup=_online),
    replace(_BASE, name="inbox_offline", title="Luring, perubahan menunggu", setup=_offline),
    replace(_BASE, name="inbox_read_only", title="--read-only: tanpa tombol pengubah", read_only=True),
    replace(
        _BASE,
        name="inbox_read_only_beside",
        title="--read-only di samping jendela yang menyinkronkan: ctrl+r memuat ulang",
        read_only=True,
        setup=_synced_elsewhere,
    ),
    replace(_BASE, name="inbox_auditor", title="Auditor: tombol tindakan redup", role=Role.AUDITOR),
    replace(
        _BASE,
        name="inbox_not_signed_in",
        title="Belum sinkron pertama: peran belum diketahui",
        signed_in=False,
    ),
    replace(
        _BASE, name="inbox_hostile", title="Teks berbahaya ditampilkan aman", setup=_hostile, size=(100, 30)
    ),
    replace(_BASE, name="complaint", title="Layar pengaduan", press=("enter",), setup=_rich_timeline),
    replace(
        _BASE,
        name="complaint_en",
        title="Complaint screen in English",
        lang="en",
        press=("enter",),
        setup=_rich_timeline,
    ),
    replace(
        _BASE,
        name="complaint_80x24",
        title="Layar pengaduan di 80x24",
        size=(80, 24),
        press=("enter",),
        setup=_rich_timeline,
    ),
    replace(
        _BASE,
        name="complaint_hostile",
        title="Uraian 200 KB dan baris 10.000 karakter",
        setup=_hostile,
        press=("enter",),
        size=(100, 30),
    ),
    replace(_BASE, name="compose_respond", title="Menulis tanggapan publik", press=("r",)),
    replace(_BASE, name="compose_note", title="Menulis catatan internal", press=("j", "j", "c")),
    replace(
        _BASE,
        name="compose_disk_full",
        title="Disk penuh: catatan kembali ke dialognya",
        setup=_disk_full,
        press=("j", "j", "c", *"cek", "space", *"lokasi", "ctrl+s"),
    ),
    replace(_BASE, name="status_picker", title="Pilih status (hanya yang boleh)", press=("s",)),
    replace(_BASE, name="return_dialog", title="Kembalikan: alasan wajib", press=("b", "enter")),
    replace(
        _BASE, name="outbox", title="Kotak keluar: antre, gagal, konflik", setup=_sync_marks, press=("o",)
    ),
    replace(
        _BASE,
        name="outbox_discard",
        title="Buang perubahan: konfirmasi",
        setup=_sync_marks,
        press=("o", "j", "j", "d"),
    ),
    replace(
        _BASE,
        name="quit_confirm",
        title="Keluar dengan perubahan belum terkirim",
        setup=_sync_marks,
        press=("q",),
    ),
    replace(_BASE, name="help", title="Bantuan dari tabel tombol", press=("question_mark",)),
    replace(
        _BASE, name="help_remapped", title="Bantuan dengan tombol diubah", keymap={"take": "T"}, press=("f1",)
    ),
    replace(_BASE, name="open_failed", title="Data tidak bisa dibuka", open_fails=True),
    # supervisors and the coordinator
    *(
        replace(_BASE, setup=supervision, role=role, **fields)  # type: ignore[arg-type]
        for role, fields in (
            (
                Role.SUPERVISOR,
                {"name": "supervisor_inbox", "title": "Kotak masuk supervisor: tombol a aktif"},
            ),
            (
                Role.SUPERVISOR,
                {"name": "workload", "title": "Beban kerja per meja dan petugas", "press": ("W",)},
            ),
            (
                Role.SUPERVISOR,
                {
                    "name": "workload_80x24",
                    "title": "Beban kerja di 80x24",
                    "press": ("W",),
                    "size": (80, 24),
                },
            ),
            (Role.SUPERVISOR, {"name": "escalations", "title": "Eskalasi, terlama di atas", "press": ("E",)}),
            (Role.SUPERVISOR, {"name": "dashboard", "title": "Dasbor 12 minggu", "press": ("D",)}),
            (
                Role.SUPERVISOR,
                {
                    "name": "dashboard_light_en",
                    "title": "Dashboard in English, light theme",
                    "press": ("D",),
                    "lang": "en",
                    "theme": "light",
                },
            ),
            (Role.SUPERVISOR, {"name": "dispose_dialog", "title": "Alihkan / disposisikan", "press": ("a",)}),
            (
                Role.SUPERVISOR,
                {
                    "name": "dispose_search",
                    "title": "Alihkan: cari samar 'pju' untuk tiga pengaduan ditandai",
                    "press": ("space", "space", "space", "a", *typed("pju")),
                },
            ),
            (Role.SUPERVISOR, {"name": "duplicates", "title": "Dugaan duplikat", "press": ("u",)}),
            (
                Role.COORDINATOR,
                {"name": "triage", "title": "Antrean verifikasi koordinator", "press": ("V",)},
            ),
            (
                Role.COORDINATOR,
                {
                    "name": "triage_80x24",
                    "title": "Antrean verifikasi di 80x24",
                    "press": ("V",),
                    "size": (80, 24),
                },
            ),
            (
                Role.COORDINATOR,
                {"name": "visibility_dialog", "title": "Ubah kerahasiaan", "press": ("V", "v")},
            ),
            (
                Role.COORDINATOR,
                {"name": "archive_dialog", "title": "Arsipkan dengan alasan", "press": ("V", "x")},
            ),
            (
                Role.OPERATOR,
                {
                    "name": "operator_no_supervision",
                    "title": "Operator: W tidak membuka apa pun",
                    "press": ("W", "a"),
                },
            ),
        )
    ),
)

BY_NAME: dict[str, Scenario] = {s.name: s for s in SCENARIOS}
