"""What an operation answers, and the HTTP preconditions around it (If-Match, Idempotency-Key)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from uuid import UUID

from pydantic import BaseModel

from sambat_tui.central.problems import ApiProblem
from sambat_tui.central.records import StoredComplaint
from sambat_tui.central.scope import Scope
from sambat_tui.central.storage import ReadTx, WriteTx
from sambat_tui.contract import Complaint, ProblemCode, User

MAX_IDEMPOTENCY_KEY = 200


@dataclass(frozen=True, slots=True)
class Reply:
    """A JSON answer: status, body, and the ETag of the complaint it carries (if any)."""

    status: int
    body: str
    etag: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, status: int, model: BaseModel, etag: str | None = None) -> Reply:
        return cls(status, model.model_dump_json(), etag)


def request_hash(method: str, path: str, payload: BaseModel | None) -> str:
    """A digest of what was asked, independent of key order and of defaults sent or left out."""
    canonical = json.dumps(
        {
            "method": method,
            "path": path,
            "body": None if payload is None else payload.model_dump(mode="json"),
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


def check_idempotency_key(key: str | None) -> str | None:
    if key is None:
        return None
    if not key or len(key) > MAX_IDEMPOTENCY_KEY or not key.isascii() or not key.isprintable():
        raise ApiProblem(
            ProblemCode.VALIDATION_FAILED,
            f"Idempotency-Key harus 1-{MAX_IDEMPOTENCY_KEY} karakter ASCII cetak / "
            f"Idempotency-Key must be 1-{MAX_IDEMPOTENCY_KEY} printable ASCII characters",
        )
    return key


def replay(tx: ReadTx, user: User, key: str | None, digest: str) -> Reply | None:
    """The first answer under ``key`` for a retry of the same request; 422 when the key was reused."""
    if key is None:
        return None
    stored = tx.stored_response(user.id, key)
    if stored is None:
        return None
    if stored.request_hash != digest:
        raise ApiProblem(
            ProblemCode.IDEMPOTENCY_KEY_REUSED,
            "Idempotency-Key ini sudah dipakai untuk permintaan lain / "
            "this Idempotency-Key was already used for a different request",
        )
    etag = _etag_of_body(stored.body)
    return Reply(stored.status, stored.body, etag, {"Idempotent-Replayed": "true"})


def remember(tx: WriteTx, user: User, key: str | None, digest: str, reply: Reply) -> None:
    # Only successes are kept: a refused request may be retried after the situation changed (a 412 rebase).
    if key is not None and 200 <= reply.status < 300:
        tx.remember_response(user.id, key, digest, reply.status, reply.body)


def _etag_of_body(body: str) -> str | None:
    data = json.loads(body)
    complaint = data.get("complaint", data) if isinstance(data, dict) else None
    version = complaint.get("version") if isinstance(complaint, dict) else None
    return f'"v{version}"' if isinstance(version, int) else None


def complaint_in_scope(tx: ReadTx, user: User, complaint_id: UUID) -> StoredComplaint:
    """The complaint, or 404 when it does not exist or lies outside the user's scope (the same answer)."""
    stored = tx.complaint(str(complaint_id))
    if stored is None or not Scope.of(user).matches_complaint(stored.complaint):
        raise ApiProblem(
            ProblemCode.NOT_FOUND,
            f"Pengaduan {complaint_id} tidak ditemukan / complaint {complaint_id} not found",
        )
    return stored


def etag_matches(header: str, complaint: Complaint) -> bool:
    """RFC 9110 If-Match: a list of entity tags or ``*``; weak tags compare by their opaque part."""
    for part in header.split(","):
        tag = part.strip()
        if tag == "*":
            return True
        tag = tag.removeprefix("W/")
        if tag == complaint.etag:
            return True
    return False


def check_if_match(header: str | None, complaint: Complaint) -> None:
    if header is None or not header.strip():
        raise ApiProblem(
            ProblemCode.PRECONDITION_REQUIRED,
            f"Kirim If-Match: {complaint.etag} dari versi yang Anda lihat / "
            "send If-Match with the version you saw",
        )
    if not etag_matches(header, complaint):
        raise ApiProblem(
            ProblemCode.VERSION_MISMATCH,
            f"Pengaduan sudah berubah (sekarang {complaint.etag}, Anda kirim {header}) / "
            f"the complaint changed (now {complaint.etag}, you sent {header})",
            extra={"current": complaint.model_dump(mode="json")},
            headers={"ETag": complaint.etag},
        )
