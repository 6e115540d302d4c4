"""Vocabulary of the complaint loop, shared by the client and the server.

Values are the wire values of DOMAIN-AND-API.md; labels for people live in the UI's i18n tables.
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    RECEIVED = "received"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    ON_HOLD = "on_hold"
    RESPONDED = "responded"
    RETURNED = "returned"
    CLOSED = "closed"
    ARCHIVED = "archived"

    @property
    def is_open(self) -> bool:
        """Open311 maps every status but closed and archived to ``open``."""
        return self not in (Status.CLOSED, Status.ARCHIVED)


class Action(StrEnum):
    """Transitions a person asks for; each one moves a complaint between statuses."""

    VERIFY = "verify"
    TAKE = "take"
    START = "start"
    HOLD = "hold"
    RESUME = "resume"
    RESPOND = "respond"
    RETURN = "return"
    CLOSE = "close"
    ARCHIVE = "archive"
    REOPEN = "reopen"


class Role(StrEnum):
    OPERATOR = "operator"
    FIELD_OFFICER = "field_officer"
    SUPERVISOR = "supervisor"
    COORDINATOR = "coordinator"
    AUDITOR = "auditor"


class Visibility(StrEnum):
    PUBLIC = "public"
    ANONIM = "anonim"
    RAHASIA = "rahasia"


class Channel(StrEnum):
    WEB = "web"
    SMS = "sms"
    APP = "app"
    WHATSAPP = "whatsapp"
    WALK_IN = "walk_in"
    PHONE = "phone"
    LAPOR = "lapor"
    OPEN311 = "open311"


class Classification(StrEnum):
    PENGADUAN = "pengaduan"
    ASPIRASI = "aspirasi"
    PERMINTAAN_INFORMASI = "permintaan_informasi"


class UpdateKind(StrEnum):
    PUBLIC_RESPONSE = "public_response"
    INTERNAL_NOTE = "internal_note"
    CITIZEN_REPLY = "citizen_reply"
    STATUS_CHANGE = "status_change"
    SYSTEM = "system"

    @property
    def is_public(self) -> bool:
        """Whether a reporter and Open311 may see an update of this kind."""
        return self in (UpdateKind.PUBLIC_RESPONSE, UpdateKind.CITIZEN_REPLY, UpdateKind.STATUS_CHANGE)


class DispositionKind(StrEnum):
    AUTO_ROUTE = "auto_route"
    DISPOSE = "dispose"
    REASSIGN = "reassign"
    RETURN = "return"
    ESCALATE = "escalate"


class AgencyKind(StrEnum):
    OPD = "opd"
    BUMD = "bumd"
    KECAMATAN = "kecamatan"
    EXTERNAL = "external"


class SlaClass(StrEnum):
    RINGAN = "ringan"
    NORMATIF = "normatif"
    TANPA_PEMERIKSAAN = "tanpa_pemeriksaan"
    PEMERIKSAAN_LAPANGAN = "pemeriksaan_lapangan"


class Priority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


KECAMATAN_MALANG: tuple[str, ...] = ("Blimbing", "Kedungkandang", "Klojen", "Lowokwaru", "Sukun")
