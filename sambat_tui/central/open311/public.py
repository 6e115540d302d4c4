"""What the public may know of a complaint: shared by the Open311 facade and the tracking page (/lacak).

The public timeline is the complaint's intake, the agencies it was forwarded to (the agency only: never the
reason, the desk or the person), its status changes and its public responses. Internal notes, system notes,
escalations, reassignments inside an agency and citizen replies are never part of it, and nothing here ever
carries the reporter's identity. ``rahasia`` complaints are kept out before any of this is called.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from enum import StrEnum
from functools import lru_cache

from sambat_tui.central.storage_open311 import Forwarding, PublicComplaint, PublicUpdate
from sambat_tui.contract import Agency
from sambat_tui.domain.calendar import WorkingCalendar
from sambat_tui.domain.model import AgencyKind, Status, UpdateKind
from sambat_tui.domain.timefmt import format_date

CITY = "Kota Malang"

STATUS_LABELS: dict[str, dict[Status, str]] = {
    "id": {
        Status.RECEIVED: "Belum diverifikasi",
        Status.ASSIGNED: "Didisposisikan",
        Status.IN_PROGRESS: "Sedang ditindaklanjuti",
        Status.ON_HOLD: "Ditunda",
        Status.RESPONDED: "Sudah ditanggapi",
        Status.RETURNED: "Bukan wewenang",
        Status.CLOSED: "Selesai",
        Status.ARCHIVED: "Diarsipkan",
    },
    "en": {
        Status.RECEIVED: "Not yet verified",
        Status.ASSIGNED: "Assigned",
        Status.IN_PROGRESS: "In progress",
        Status.ON_HOLD: "On hold",
        Status.RESPONDED: "Responded",
        Status.RETURNED: "Not our authority",
        Status.CLOSED: "Closed",
        Status.ARCHIVED: "Archived",
    },
}
"""The labels of the agents' app (ui/i18n), repeated here because the server may not import the UI."""

STATUS_MEANINGS: dict[str, dict[Status, str]] = {
    "id": {
        Status.RECEIVED: "Laporan sudah masuk dan menunggu verifikasi Admin Koordinator.",
        Status.ASSIGNED: "Laporan sudah diteruskan ke instansi yang berwenang.",
        Status.IN_PROGRESS: "Instansi sedang menindaklanjuti laporan ini.",
        Status.ON_HOLD: "Tindak lanjut ditunda sementara; alasannya ada di riwayat.",
        Status.RESPONDED: "Instansi sudah menanggapi laporan ini.",
        Status.RETURNED: "Instansi menyatakan laporan ini bukan wewenangnya; Admin Koordinator akan "
        "meneruskannya ke instansi yang tepat.",
        Status.CLOSED: "Laporan ini sudah selesai.",
        Status.ARCHIVED: "Laporan ini diarsipkan (misalnya karena sama dengan laporan lain atau kurang "
        "jelas).",
    },
    "en": {
        Status.RECEIVED: "The report has arrived and awaits verification by the city coordinator.",
        Status.ASSIGNED: "The report has been forwarded to the responsible agency.",
        Status.IN_PROGRESS: "The agency is working on this report.",
        Status.ON_HOLD: "Work on the report is on hold for now; the reason is in the history.",
        Status.RESPONDED: "The agency has responded to this report.",
        Status.RETURNED: "The agency says the report is outside its authority; the city coordinator will "
        "forward it to the right agency.",
        Status.CLOSED: "This report is closed.",
        Status.ARCHIVED: "This report was archived (for example as a duplicate of another, or too vague).",
    },
}


def status_label(status: Status, lang: str = "id") -> str:
    return STATUS_LABELS[lang][status]


class EntryKind(StrEnum):
    """Also the ``type`` of an Open311 note (extensions=true)."""

    OPENED = "opened"
    FORWARDED = "forwarded"
    STATUS_CHANGE = "status_change"
    RESPONSE = "response"


@dataclass(frozen=True, slots=True)
class PublicEntry:
    at: datetime
    kind: EntryKind
    body: str = ""
    """The text of a public response, or the reason of a status change (may be empty)."""
    status: Status | None = None
    agency_id: str | None = None


def public_timeline(
    complaint: PublicComplaint, updates: Sequence[PublicUpdate], forwardings: Sequence[Forwarding]
) -> list[PublicEntry]:
    """The public history of one complaint, oldest first."""
    entries = [PublicEntry(complaint.created_at, EntryKind.OPENED)]
    entries += [PublicEntry(f.at, EntryKind.FORWARDED, agency_id=f.agency_id) for f in forwardings]
    for update in updates:
        if update.kind is UpdateKind.PUBLIC_RESPONSE:
            entries.append(
                PublicEntry(update.recorded_at, EntryKind.RESPONSE, update.body, update.status_after)
            )
        elif update.kind is UpdateKind.STATUS_CHANGE:
            entries.append(
                PublicEntry(update.recorded_at, EntryKind.STATUS_CHANGE, update.body, update.status_after)
            )
    entries.sort(key=lambda e: e.at)  # stable: the intake stays first within its instant
    return entries


def agency_label(agency_id: str | None, agencies: Mapping[str, Agency]) -> str | None:
    if agency_id is None:
        return None
    agency = agencies.get(agency_id)
    return agency.name if agency is not None else agency_id


def entry_summary(entry: PublicEntry, agencies: Mapping[str, Agency], lang: str = "id") -> str:
    """One line that says what happened, for the note's summary and the tracking page's timeline."""
    english = lang == "en"
    if entry.kind is EntryKind.OPENED:
        return "Report received" if english else "Laporan diterima"
    if entry.kind is EntryKind.FORWARDED:
        name = agency_label(entry.agency_id, agencies) or "-"
        return f"Forwarded to {name}" if english else f"Diteruskan ke {name}"
    if entry.kind is EntryKind.RESPONSE:
        return "Response from the agency" if english else "Tanggapan instansi"
    label = status_label(entry.status, lang) if entry.status is not None else "-"
    return f"Status: {label}"


def public_address(complaint: PublicComplaint) -> str | None:
    """The address as written, else the kelurahan and kecamatan it lies in, most specific first."""
    if complaint.address:
        return complaint.address
    parts = []
    if complaint.kelurahan:
        parts.append(f"Kel. {complaint.kelurahan}")
    if complaint.kecamatan:
        parts.append(f"Kec. {complaint.kecamatan}")
    return ", ".join([*parts, CITY]) if parts else None


WIB = timezone(timedelta(hours=7), "WIB")
"""Jakarta's offset, fixed since 1964: far cheaper to convert to than the tz database zone, same result."""


def wib_date(moment: datetime) -> date:
    return moment.astimezone(WIB).date()


@lru_cache(maxsize=8192)
def _clause(calendar: WorkingCalendar, label: str, start: date, due: date) -> str:
    # Pages of 1000 requests share a few hundred (start, due) pairs: each is worded once.
    days = max(0, calendar.working_days_between(start, due))
    return f"{label} {days} hari kerja (sampai {format_date(due)})"


def service_notice(complaint: PublicComplaint, agency: Agency | None, calendar: WorkingCalendar) -> str:
    """What will happen next, in Indonesian: who handles the report and by when (working days and a date).

    E.g. "Laporan Anda diteruskan ke DPUPRPKP. Batas tindak lanjut 5 hari kerja (sampai 9 Feb 2026)." The
    resolution target is added when it lies after the follow-up deadline (it never lies before: a light
    class's follow-up is due by its resolution, ``domain.sla.deadlines_for``).
    """
    if complaint.status is Status.CLOSED:
        when = complaint.closed_at or complaint.updated_at
        return f"Laporan ini sudah selesai ({format_date(wib_date(when))})."
    if complaint.status is Status.ARCHIVED:
        when = complaint.closed_at or complaint.updated_at
        return f"Laporan ini diarsipkan ({format_date(wib_date(when))})."
    created = wib_date(complaint.created_at)
    respond = _clause(calendar, "Batas tindak lanjut", created, wib_date(complaint.response_due))
    resolve = _clause(calendar, "target selesai", created, wib_date(complaint.resolve_due))
    if complaint.status is Status.RETURNED:
        return (
            "Instansi menyatakan laporan ini bukan wewenangnya; Admin Koordinator akan meneruskannya ke "
            f"instansi yang tepat. {respond}."
        )
    if agency is None:
        verify = _clause(calendar, "dalam", created, wib_date(complaint.verify_due))
        return f"Laporan Anda diterima dan akan diverifikasi Admin Koordinator {verify}. {respond}."
    if agency.kind is AgencyKind.EXTERNAL:
        return (
            f"Laporan Anda di luar kewenangan Pemerintah {CITY} dan dirujuk ke {agency.name}. "
            f"Admin Koordinator memantau rujukan ini. {respond}."
        )
    if complaint.resolve_due > complaint.response_due:
        return f"Laporan Anda diteruskan ke {agency.short_name}. {respond}; {resolve}."
    return f"Laporan Anda diteruskan ke {agency.short_name}. {respond}."
