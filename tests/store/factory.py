"""Wire complaints for store tests, and a brute-force oracle of the inbox filter, independent of the store.

Values come from small sets so that sort keys tie often (keyset paging must break ties by rid) and filters
hit both common and rare values.
"""

from __future__ import annotations

import atexit
import random
import shutil
import sqlite3
import tempfile
import unicodedata
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from sambat_tui.domain.calendar import JAKARTA, WorkingCalendar
from sambat_tui.domain.model import Status
from sambat_tui.domain.query import ME, Criteria, DueOp, parse
from sambat_tui.store import complaints
from sambat_tui.store.db import Store

NOW = datetime(2026, 3, 10, 3, 0, 0, tzinfo=UTC)  # a Tuesday, 10:00 WIB
CALENDAR = WorkingCalendar.load()
USER = "operator.dpuprpkp"

CATEGORIES = ("JALAN_RUSAK", "PJU", "SAMPAH", None)
KECAMATAN = ("Klojen", "Sukun", "Kedung Kandang", None)
DESKS = ("dpuprpkp.jalan", "dpuprpkp.pju", "dlh.sampah", None)
ASSIGNEES = (USER, "field.dpuprpkp", None)
VISIBILITIES = ("public", "anonim", "rahasia")
PRIORITIES = ("low", "normal", "high", "urgent")
TITLE_WORDS = ("jalan", "lampu", "sampah", "banjir", "café", "Lowokwaru", "rusak", "gelap")
DESCRIPTION_WORDS = ("mohon", "segera", "diperbaiki", "naïve", "genangan", "lubang", "bau")


def iso(moment: datetime) -> str:
    return moment.isoformat()


def deadline(day_offset: int) -> datetime:
    """The end of a Jakarta day, like every SLA deadline (23:59:59.999999 WIB)."""
    local = (NOW + timedelta(days=day_offset)).astimezone(JAKARTA)
    return datetime.combine(local.date(), datetime.max.time(), tzinfo=JAKARTA).astimezone(UTC)


def make_complaint(n: int, **overrides: Any) -> dict[str, Any]:
    """A valid wire complaint; ``n`` makes its id and public_ref; ``overrides`` replace top-level fields."""
    created = NOW - timedelta(hours=n % 7)
    data: dict[str, Any] = {
        "id": str(uuid.UUID(int=n + 1)),
        "public_ref": f"MLG-2026-{n:06d}",
        "channel": "web",
        "classification": "pengaduan",
        "title": "Jalan rusak",
        "description": "Mohon segera diperbaiki",
        "category_code": "JALAN_RUSAK",
        "location": {
            "lat": None,
            "lon": None,
            "address": "Jl. Ijen 1",
            "kelurahan": "Oro-oro Dowo",
            "kecamatan": "Klojen",
        },
        "media": [],
        "visibility": "public",
        "status": "assigned",
        "agency_id": "dpuprpkp",
        "desk_id": "dpuprpkp.jalan",
        "assignee_id": None,
        "priority": "normal",
        "sla": {
            "class": "normatif",
            "verify_due": iso(deadline(1)),
            "response_due": iso(deadline(2)),
            "resolve_due": iso(deadline(7)),
            "reply_due": None,
        },
        "duplicate_of": None,
        "external_refs": [],
        "version": 1,
        "created_at": iso(created),
        "updated_at": iso(created),
        "closed_at": None,
        "first_response_at": None,
        "escalation_level": 0,
    }
    data.update(overrides)
    return data


@st.composite
def complaint_fields(draw: st.DrawFn) -> dict[str, Any]:
    """Overrides for ``make_complaint`` drawn from small value sets."""
    kec = draw(st.sampled_from(KECAMATAN))
    created = NOW - timedelta(hours=draw(st.integers(0, 6)) * 24 + draw(st.sampled_from([0, 0, 5])))
    return {
        "status": draw(st.sampled_from([s.value for s in Status])),
        "category_code": draw(st.sampled_from(CATEGORIES)),
        "desk_id": draw(st.sampled_from(DESKS)),
        "assignee_id": draw(st.sampled_from(ASSIGNEES)),
        "visibility": draw(st.sampled_from(VISIBILITIES)),
        "priority": draw(st.sampled_from(PRIORITIES)),
        "title": " ".join(draw(st.lists(st.sampled_from(TITLE_WORDS), min_size=1, max_size=3))),
        "description": " ".join(draw(st.lists(st.sampled_from(DESCRIPTION_WORDS), min_size=1, max_size=3))),
        "location": {
            "lat": None,
            "lon": None,
            "address": draw(st.sampled_from(["Jl. Ijen", "Gang Mawar", None])),
            "kelurahan": None,
            "kecamatan": kec,
        },
        "created_at": iso(created),
        "updated_at": iso(created),
        "first_response_at": draw(st.sampled_from([None, None, iso(created)])),
        "sla": {
            "class": "normatif",
            "verify_due": iso(deadline(draw(st.integers(-3, 6)))),
            "response_due": iso(deadline(draw(st.integers(-3, 6)))),
            "resolve_due": iso(deadline(draw(st.integers(-3, 12)))),
            "reply_due": None,
        },
    }


def random_complaints(n: int, seed: int) -> list[dict[str, Any]]:
    """``n`` complaints drawn from the same value sets as ``complaint_fields``, deterministically."""
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        created = NOW - timedelta(hours=rnd.randint(0, 6) * 24 + rnd.choice([0, 0, 5]))
        out.append(
            make_complaint(
                i,
                status=rnd.choice([s.value for s in Status]),
                category_code=rnd.choice(CATEGORIES),
                desk_id=rnd.choice(DESKS),
                assignee_id=rnd.choice(ASSIGNEES),
                visibility=rnd.choice(VISIBILITIES),
                priority=rnd.choice(PRIORITIES),
                title=" ".join(rnd.choices(TITLE_WORDS, k=rnd.randint(1, 3))),
                description=" ".join(rnd.choices(DESCRIPTION_WORDS, k=rnd.randint(1, 3))),
                location={
                    "lat": None,
                    "lon": None,
                    "address": rnd.choice(["Jl. Ijen", "Gang Mawar", None]),
                    "kelurahan": None,
                    "kecamatan": rnd.choice(KECAMATAN),
                },
                created_at=iso(created),
                updated_at=iso(created),
                first_response_at=rnd.choice([None, None, iso(created)]),
                sla={
                    "class": "normatif",
                    "verify_due": iso(deadline(rnd.randint(-3, 6))),
                    "response_due": iso(deadline(rnd.randint(-3, 6))),
                    "resolve_due": iso(deadline(rnd.randint(-3, 12))),
                    "reply_due": None,
                },
            )
        )
    return out


def complaint_lists(max_size: int = 40) -> st.SearchStrategy[list[dict[str, Any]]]:
    return st.lists(complaint_fields(), max_size=max_size).map(
        lambda fields: [make_complaint(i, **f) for i, f in enumerate(fields)]
    )


# --- fast fresh caches -----------------------------------------------------------------------------------

_TEMPLATE_DIR = Path(tempfile.mkdtemp(prefix="sambat-store-template-"))
atexit.register(shutil.rmtree, _TEMPLATE_DIR, True)
_TEMPLATE = _TEMPLATE_DIR / "template.sqlite3"


def fresh_cache(directory: Path) -> Path:
    """A migrated, empty cache file in ``directory`` (copied from one migrated once: opening and
    migrating with synchronous=FULL costs tens of milliseconds, a copy does not)."""
    if not _TEMPLATE.exists():
        Store.open(_TEMPLATE).close()
    target = directory / "cache.sqlite3"
    shutil.copyfile(_TEMPLATE, target)
    target.chmod(0o600)
    return target


# --- the oracle -------------------------------------------------------------------------------------------


def _moment(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def active_due(c: Mapping[str, Any]) -> datetime | None:
    """Independent of the store: the deadline each status runs against."""
    status = c["status"]
    sla = c["sla"]
    if status in ("received", "returned"):
        return _moment(sla["verify_due"])
    if status in ("assigned", "in_progress", "on_hold"):
        return _moment(sla["response_due"] if c["first_response_at"] is None else sla["resolve_due"])
    return None


def _fold(text: str) -> str:
    return "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
    ).casefold()


def _tokens(text: str | None) -> list[str]:
    out, current = [], ""
    for ch in _fold(text or ""):
        if ch.isalnum():
            current += ch
        elif current:
            out.append(current)
            current = ""
    if current:
        out.append(current)
    return out


def _text_matches(c: Mapping[str, Any], word: str, phrase: bool) -> bool:
    wanted = _tokens(word)
    if not wanted:
        return True  # the store drops a word without tokens
    fields = (c["public_ref"], c["title"], c["description"], (c.get("location") or {}).get("address"))
    for field in fields:
        tokens = _tokens(field)
        for i in range(len(tokens) - len(wanted) + 1):
            window = tokens[i : i + len(wanted)]
            if window[:-1] != wanted[:-1]:
                continue
            last, target = window[-1], wanted[-1]
            prefix = not phrase and len(target) >= 2
            if last == target or (prefix and last.startswith(target)):
                return True
    return False


def _days_left(due: datetime) -> int:
    return CALENDAR.working_days_left(due, NOW)


def matches(c: Mapping[str, Any], criteria: Criteria, *, user_id: str = USER, now: datetime = NOW) -> bool:
    """Whether the store should return complaint ``c`` for ``criteria`` (brute force)."""
    if criteria.empty:
        return False
    if c["status"] not in {s.value for s in criteria.statuses}:
        return False
    if c["visibility"] not in {v.value for v in criteria.visibilities}:
        return False
    if not criteria.categories.allows(c["category_code"]):
        return False
    kec = (c.get("location") or {}).get("kecamatan")
    if not criteria.kecamatan.allows(None if kec is None else " ".join(kec.split()).casefold()):
        return False
    if not criteria.desks.allows(c["desk_id"]):
        return False
    assignees = criteria.assignees
    resolved = type(assignees)(
        None
        if assignees.include is None
        else frozenset(user_id if v == ME else v for v in assignees.include),
        frozenset(user_id if v == ME else v for v in assignees.exclude),
    )
    if not resolved.allows(c["assignee_id"]):
        return False
    due = active_due(c)
    if criteria.overdue is not None:
        overdue = due is not None and now > due
        if overdue != criteria.overdue:
            return False
    for term in criteria.due:
        if due is None:
            holds = False
        else:
            left = _days_left(due)
            holds = {
                DueOp.LT: left < term.days,
                DueOp.LE: left <= term.days,
                DueOp.GT: left > term.days,
                DueOp.GE: left >= term.days,
            }[term.op]
        if holds == term.negated:
            return False
    return all(_text_matches(c, w.text, w.phrase) for w in criteria.words)


_NO_DUE = float("inf")
_PRIORITY = {"urgent": 0, "high": 1, "normal": 2, "low": 3}


def sort_key(c: Mapping[str, Any], sort: str, rid: int) -> tuple[float, ...]:
    due = active_due(c)
    due_s = _NO_DUE if due is None else float(int(due.timestamp()))
    if sort == "due":
        return (due_s, rid)
    if sort == "age":
        return (float(int(datetime.fromisoformat(c["created_at"]).timestamp())), rid)
    return (float(_PRIORITY[c["priority"]]), due_s, rid)


QUERIES = (
    "",
    "status:baru",
    "status:dikerjakan",
    "-status:selesai -status:arsip",
    "status:ditanggapi,ditunda",
    "cat:pju",
    "-cat:pju",
    "kec:klojen,sukun",
    'kec:"kedung kandang"',
    "desk:dpuprpkp.jalan assignee:@me",
    "assignee:none",
    "-assignee:@me",
    "vis:publik",
    "-vis:rahasia status:terbuka",
    "overdue",
    "-overdue",
    "due:<3d",
    "due:<=1d",
    "due:>2d",
    "due:>=0d -due:>5d",
    "due:<0d",
    "jalan",
    "caf",
    "lampu gelap",
    '"jalan rusak"',
    "naive",
    "la status:baru",
    "mlg-2026-00000",
    "sampah overdue",
    "cat:jalan_rusak,sampah kec:sukun -vis:anonim",
    "status:selesai status:baru overdue",
)
PARSED = tuple(parse(q) for q in QUERIES)


def pending_of(conn: sqlite3.Connection, complaint_id: str) -> int:
    """The outbox rows the cache counts on a complaint."""
    cached = complaints.get(conn, complaint_id)
    assert cached is not None
    return cached.pending
