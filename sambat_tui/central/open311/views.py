"""Complaints as GeoReport v2 service requests, and public updates as mySociety's request updates.

Everything a page of answers needs is read in one snapshot and in a fixed number of queries, whatever the
page size. Dates are W3C date-times in Jakarta time (``2026-11-02T09:00:00+07:00``); ids are strings.
No field carries the reporter's identity: GeoReport v2 defines none for a request, and none is added.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sambat_tui.central import storage_open311 as sql
from sambat_tui.central.open311.documents import Json
from sambat_tui.central.open311.public import (
    WIB,
    EntryKind,
    PublicEntry,
    entry_summary,
    public_address,
    public_timeline,
    service_notice,
    status_label,
)
from sambat_tui.central.storage import ReadTx
from sambat_tui.contract import Agency, Category
from sambat_tui.domain.calendar import WorkingCalendar
from sambat_tui.domain.model import Status, UpdateKind


def w3c(moment: datetime | None) -> str | None:
    """``2026-02-02T09:00:00+07:00``: a W3C date-time in Jakarta time, to the second."""
    return None if moment is None else moment.astimezone(WIB).isoformat(timespec="seconds")


def open311_status(status: Status) -> str:
    """GeoReport v2 knows two statuses: closed and archived are ``closed``, every other one is ``open``."""
    return "open" if status.is_open else "closed"


@dataclass
class Snapshot:
    """What the request documents of some complaints need, read together."""

    complaints: list[sql.PublicComplaint]
    agencies: dict[str, Agency]
    categories: dict[str, Category]
    submissions: dict[str, sql.Submission]
    updates: dict[str, list[sql.PublicUpdate]] = field(default_factory=dict)
    forwardings: dict[str, list[sql.Forwarding]] = field(default_factory=dict)

    @classmethod
    def read(cls, tx: ReadTx, complaints: Sequence[sql.PublicComplaint]) -> Snapshot:
        ids = [c.id for c in complaints]
        snapshot = cls(
            complaints=list(complaints),
            agencies={a.id: a for a in tx.agencies()},
            categories={c.code: c for c in tx.categories()},
            submissions=sql.submissions_of(tx, ids),
        )
        for update in sql.public_updates_of(tx, ids):
            snapshot.updates.setdefault(update.complaint_id, []).append(update)
        for forwarding in sql.forwardings_of(tx, ids):
            snapshot.forwardings.setdefault(forwarding.complaint_id, []).append(forwarding)
        return snapshot

    def timeline(self, complaint: sql.PublicComplaint) -> list[PublicEntry]:
        key = complaint.id
        return public_timeline(complaint, self.updates.get(key, ()), self.forwardings.get(key, ()))

    def latest_response(self, complaint: sql.PublicComplaint) -> sql.PublicUpdate | None:
        responses = [u for u in self.updates.get(complaint.id, ()) if u.kind is UpdateKind.PUBLIC_RESPONSE]
        return responses[-1] if responses else None


def _note(entry: PublicEntry, agencies: dict[str, Agency]) -> Json:
    kind = entry.kind
    if kind is EntryKind.STATUS_CHANGE and entry.status is not None and not entry.status.is_open:
        kind_text = "closed"
    else:
        kind_text = kind.value
    description = entry.body or entry_summary(entry, agencies)
    return {
        "datetime": w3c(entry.at),
        "summary": entry_summary(entry, agencies),
        "description": description,
        "type": kind_text,
    }


def request_document(
    snapshot: Snapshot, complaint: sql.PublicComplaint, calendar: WorkingCalendar, *, extensions: bool
) -> Json:
    agency = snapshot.agencies.get(complaint.agency_id) if complaint.agency_id else None
    category = snapshot.categories.get(complaint.category_code) if complaint.category_code else None
    submission = snapshot.submissions.get(complaint.id)
    response = snapshot.latest_response(complaint)
    closed = not complaint.status.is_open
    updated = (complaint.closed_at or complaint.updated_at) if closed else complaint.updated_at
    document: dict[str, Json] = {
        "service_request_id": complaint.public_ref,
        "status": open311_status(complaint.status),
        "status_notes": response.body if response is not None else None,
        "service_name": category.name if category is not None else None,
        "service_code": complaint.category_code,
        "description": complaint.description,
        "agency_responsible": agency.name if agency is not None else None,
        "service_notice": service_notice(complaint, agency, calendar),
        "requested_datetime": w3c(complaint.created_at),
        "updated_datetime": w3c(updated),
        "expected_datetime": w3c(complaint.resolve_due),
        "address": public_address(complaint),
        "address_id": submission.address_id if submission is not None else None,
        "zipcode": None,
        "lat": complaint.lat,
        "long": complaint.lon,
        "media_url": complaint.media_url,
    }
    if extensions:
        document["extended_attributes"] = {
            "sambat_status": complaint.status.value,
            "status_label": status_label(complaint.status),
            "channel": complaint.channel.value,
            "kelurahan": complaint.kelurahan,
            "kecamatan": complaint.kecamatan,
            "response_due": w3c(complaint.response_due),
        }
        document["notes"] = [_note(e, snapshot.agencies) for e in snapshot.timeline(complaint)]
    return document


def requests_document(snapshot: Snapshot, calendar: WorkingCalendar, *, extensions: bool) -> Json:
    return [request_document(snapshot, c, calendar, extensions=extensions) for c in snapshot.complaints]


# --- mySociety's servicerequestupdates ---


def update_documents(tx: ReadTx, updates: Sequence[sql.PublicUpdate], agencies: dict[str, Agency]) -> Json:
    """Each public update with the open/closed status its complaint had right after it.

    A status change says its status; a response without one leaves the status where the complaint's status
    changes before it put it (every complaint starts open).
    """
    ids = list(dict.fromkeys(u.complaint_id for u in updates))
    history: dict[str, list[sql.PublicUpdate]] = {}
    for earlier in sql.public_updates_of(tx, ids):
        history.setdefault(earlier.complaint_id, []).append(earlier)
    documents: list[Json] = []
    for update in updates:
        status = Status.RECEIVED
        for earlier in history.get(update.complaint_id, ()):
            if earlier.status_after is not None:
                status = earlier.status_after
            if earlier.id == update.id:
                break
        entry = PublicEntry(
            update.recorded_at,
            EntryKind.RESPONSE if update.kind is UpdateKind.PUBLIC_RESPONSE else EntryKind.STATUS_CHANGE,
            update.body,
            update.status_after,
        )
        documents.append(
            {
                "update_id": update.id,
                "service_request_id": update.public_ref,
                "status": open311_status(status),
                "updated_datetime": w3c(update.recorded_at),
                "description": update.body or entry_summary(entry, agencies),
                "media_url": None,
            }
        )
    return documents
