"""Candidates for "is this a duplicate?": cached complaints of the same category, reported close in time and
place, read through the ``complaints_category_created`` index (migration 3), never by a scan.

The place condition is the same kelurahan, or coordinates inside a box around the subject's (the scoring in
``domain.duplicates`` then measures the real distance); a subject with neither falls back to the same
kecamatan. Complaints that are already duplicates are left out: a link goes to an original.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from sambat_tui.domain.duplicates import Report, bounding_box

MAX_CANDIDATES: Final = 500
"""The most rows one look-up reads; the nearest in time first."""


@dataclass(frozen=True, slots=True)
class Candidate:
    report: Report
    public_ref: str
    title: str
    status: str
    desk_id: str | None


def _float(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def report_of(data: dict[str, Any]) -> Report:
    """The scoring's view of a wire complaint (the cached ``data``)."""
    location = data.get("location") or {}
    created = datetime.fromisoformat(str(data["created_at"])).astimezone(UTC)
    return Report(
        id=str(data["id"]),
        category_code=data.get("category_code"),
        kelurahan=location.get("kelurahan"),
        lat=_float(location.get("lat")),
        lon=_float(location.get("lon")),
        created_at=created,
        text=f"{data.get('title', '')}\n{data.get('description', '')}",
    )


def candidates(
    conn: sqlite3.Connection,
    subject: dict[str, Any],
    *,
    max_days: float,
    max_metres: float,
    limit: int = MAX_CANDIDATES,
) -> list[Candidate]:
    """Cached complaints that could be the same report as ``subject`` (a wire complaint)."""
    me = report_of(subject)
    created = int(me.created_at.timestamp())
    span = int(max_days * 86_400)
    place: list[str] = []
    params: list[Any] = [me.category_code, created - span, created + span, me.id]
    if me.kelurahan:
        place.append("c.kelurahan = ? COLLATE NOCASE")
        params.append(" ".join(me.kelurahan.split()))
    if me.lat is not None and me.lon is not None:
        low_lat, high_lat, low_lon, high_lon = bounding_box(me.lat, me.lon, max_metres)
        place.append(
            "(json_extract(c.data, '$.location.lat') BETWEEN ? AND ? "
            "AND json_extract(c.data, '$.location.lon') BETWEEN ? AND ?)"
        )
        params += [low_lat, high_lat, low_lon, high_lon]
    if not place:
        kecamatan = (subject.get("location") or {}).get("kecamatan")
        if not isinstance(kecamatan, str) or not kecamatan.strip():
            return []
        place.append("c.kec_key = ?")
        params.append(" ".join(kecamatan.split()).casefold())
    rows = conn.execute(
        "SELECT c.data, c.public_ref, c.title, c.status, c.desk_id "
        "FROM complaints AS c INDEXED BY complaints_category_created "
        "WHERE c.category_code IS ? AND c.created_at BETWEEN ? AND ? AND c.id != ? "
        f"AND c.duplicate_of IS NULL AND ({' OR '.join(place)}) "
        "ORDER BY abs(c.created_at - ?) LIMIT ?",
        [*params, created, limit],
    ).fetchall()
    return [
        Candidate(report=report_of(json.loads(r[0])), public_ref=r[1], title=r[2], status=r[3], desk_id=r[4])
        for r in rows
    ]
