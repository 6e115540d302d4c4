"""RFC 9457 problem details with the stable codes of DOMAIN-AND-API.md, titled in Indonesian and English."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pydantic import ConfigDict

from sambat_tui.contract.base import WireModel

PROBLEM_MEDIA_TYPE = "application/problem+json"


class ProblemCode(StrEnum):
    UNAUTHENTICATED = "unauthenticated"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    INVALID_TRANSITION = "invalid_transition"
    ID_CONFLICT = "id_conflict"
    CURSOR_EXPIRED = "cursor_expired"
    VERSION_MISMATCH = "version_mismatch"
    VALIDATION_FAILED = "validation_failed"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    PRECONDITION_REQUIRED = "precondition_required"
    RATE_LIMITED = "rate_limited"
    INTERNAL_ERROR = "internal_error"
    STORAGE_FULL = "storage_full"
    STORAGE_UNREADABLE = "storage_unreadable"


@dataclass(frozen=True, slots=True)
class ProblemKind:
    status: int
    title: str
    title_en: str


PROBLEM_KINDS: dict[ProblemCode, ProblemKind] = {
    ProblemCode.UNAUTHENTICATED: ProblemKind(401, "Perlu masuk terlebih dahulu", "Authentication required"),
    ProblemCode.FORBIDDEN: ProblemKind(403, "Tidak berwenang", "Forbidden"),
    ProblemCode.NOT_FOUND: ProblemKind(404, "Tidak ditemukan", "Not found"),
    ProblemCode.METHOD_NOT_ALLOWED: ProblemKind(405, "Metode tidak diizinkan", "Method not allowed"),
    ProblemCode.INVALID_TRANSITION: ProblemKind(
        409, "Perubahan status tidak diizinkan", "Invalid transition"
    ),
    ProblemCode.ID_CONFLICT: ProblemKind(
        409, "Id sudah dipakai untuk data lain", "Id already used for other data"
    ),
    ProblemCode.CURSOR_EXPIRED: ProblemKind(410, "Kursor sudah kedaluwarsa", "Cursor expired"),
    ProblemCode.VERSION_MISMATCH: ProblemKind(412, "Versi data sudah berubah", "Version mismatch"),
    ProblemCode.VALIDATION_FAILED: ProblemKind(422, "Data tidak valid", "Validation failed"),
    ProblemCode.IDEMPOTENCY_KEY_REUSED: ProblemKind(
        422, "Idempotency-Key dipakai untuk permintaan lain", "Idempotency key reused"
    ),
    ProblemCode.PRECONDITION_REQUIRED: ProblemKind(
        428, "Header If-Match wajib diisi", "Precondition required"
    ),
    ProblemCode.RATE_LIMITED: ProblemKind(429, "Terlalu banyak permintaan", "Too many requests"),
    ProblemCode.INTERNAL_ERROR: ProblemKind(500, "Kesalahan pada server", "Internal server error"),
    ProblemCode.STORAGE_FULL: ProblemKind(503, "Penyimpanan server penuh", "Server storage full"),
    ProblemCode.STORAGE_UNREADABLE: ProblemKind(
        503, "Basis data server tidak bisa dibaca", "Server database unreadable"
    ),
}


def problem_type(code: ProblemCode) -> str:
    """The ``type`` URI of a problem code; stable, never dereferenced."""
    return f"urn:sambat:problem:{code.value}"


class Problem(WireModel):
    """An error answer. Extra members (``current`` on 412, ``errors`` on 422, ``reason`` on 410: a
    ``CursorExpiredReason``) are kept, as RFC 9457 allows."""

    model_config = ConfigDict(extra="allow")

    type: str
    title: str
    status: int
    detail: str | None = None
    code: str
    title_en: str | None = None
    instance: str | None = None
