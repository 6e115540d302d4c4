"""Reference tables from the feed: agencies, desks, users, categories (every caller receives all of them).

Each row keeps the wire object (``data``) beside the columns the client looks things up by. ``seed`` fills
the tables from the reference data shipped with the app, so pickers work before the first sync; the
server's rows replace seeded ones as they arrive (a seeded row has no version).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Mapping
from enum import StrEnum
from typing import Any, Final

from sambat_tui.domain.model import AgencyKind, SlaClass
from sambat_tui.domain.reference import Agency, Category, Desk, Reference
from sambat_tui.store import quarantine
from sambat_tui.store.complaints import BadRecord, UpsertResult, encode_wire, parse_enum


class RefEntity(StrEnum):
    """The feed's entity names of the reference tables."""

    AGENCY = "agency"
    DESK = "desk"
    USER = "user"
    CATEGORY = "category"


def _text(data: Mapping[str, Any], key: str, *, optional: bool = False) -> str | None:
    value = data.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value:
        raise BadRecord(f"missing {key}")
    return value


def _agency(data: Mapping[str, Any]) -> tuple[object, ...]:
    active = data.get("active", True)
    if not isinstance(active, bool):
        raise BadRecord("active must be true or false")
    return (
        _text(data, "id"),
        _text(data, "name"),
        _text(data, "short_name"),
        parse_enum(AgencyKind, data.get("kind"), "kind").value,
        int(active),
    )


def _desk(data: Mapping[str, Any]) -> tuple[object, ...]:
    return (_text(data, "id"), _text(data, "agency_id"), _text(data, "name"))


def _user(data: Mapping[str, Any]) -> tuple[object, ...]:
    return (_text(data, "id"), _text(data, "name"), _text(data, "agency_id", optional=True))


def _category(data: Mapping[str, Any]) -> tuple[object, ...]:
    return (
        _text(data, "code"),
        _text(data, "name"),
        _text(data, "group"),
        _text(data, "default_agency_id", optional=True),
        _text(data, "default_desk_id", optional=True),
        parse_enum(SlaClass, data.get("sla_class"), "sla_class").value,
    )


_TABLES: Final[
    dict[RefEntity, tuple[str, tuple[str, ...], Callable[[Mapping[str, Any]], tuple[object, ...]]]]
] = {
    RefEntity.AGENCY: ("agencies", ("id", "name", "short_name", "kind", "active"), _agency),
    RefEntity.DESK: ("desks", ("id", "agency_id", "name"), _desk),
    RefEntity.USER: ("users", ("id", "name", "agency_id"), _user),
    RefEntity.CATEGORY: (
        "categories",
        ("code", "name", "group_name", "default_agency_id", "default_desk_id", "sla_class"),
        _category,
    ),
}


def _upsert_sql(entity: RefEntity, *, only_unversioned: bool = False) -> str:
    table, columns, _ = _TABLES[entity]
    all_columns = (*columns, "version", "data")
    updates = ", ".join(f"{c} = excluded.{c}" for c in all_columns[1:])
    if only_unversioned:
        guard = f" WHERE {table}.version IS NULL"
    else:
        guard = (
            f" WHERE excluded.version IS NULL OR {table}.version IS NULL"
            f" OR excluded.version >= {table}.version"
        )
    return (
        f"INSERT INTO {table}({', '.join(all_columns)}) VALUES ({', '.join('?' * len(all_columns))}) "
        f"ON CONFLICT({columns[0]}) DO UPDATE SET {updates}{guard}"
    )


def upsert_many(
    conn: sqlite3.Connection,
    entity: RefEntity,
    items: Iterable[Mapping[str, Any]],
    *,
    version: int | None = None,
) -> UpsertResult:
    """Store reference records from the feed (older versions than the cached one are ignored).

    ``version`` is the change's version when each item does not carry one itself. Unstorable records go
    to quarantine.
    """
    _, _, convert = _TABLES[entity]
    rows: list[tuple[object, ...]] = []
    quarantined = 0
    for item in items:
        try:
            if not isinstance(item, Mapping):
                raise BadRecord("a reference record must be a JSON object")
            rows.append((*convert(item), item.get("version", version), encode_wire(item)))
        except BadRecord as error:
            record_id = item.get("id", item.get("code")) if isinstance(item, Mapping) else None
            quarantine.put(
                conn,
                item,
                str(error),
                entity=entity.value,
                record_id=record_id if isinstance(record_id, str) else None,
            )
            quarantined += 1
    conn.executemany(_upsert_sql(entity), rows)
    return UpsertResult(written=len(rows), quarantined=quarantined)


def get(conn: sqlite3.Connection, entity: RefEntity, key: str) -> dict[str, Any] | None:
    """One record's wire object by id (code for categories)."""
    table, columns, _ = _TABLES[entity]
    row = conn.execute(f"SELECT data FROM {table} WHERE {columns[0]} = ?", (key,)).fetchone()
    return None if row is None else dict(json.loads(row[0]))


def list_all(conn: sqlite3.Connection, entity: RefEntity) -> list[dict[str, Any]]:
    """Every record's wire object, ordered by id (code for categories)."""
    table, columns, _ = _TABLES[entity]
    return [dict(json.loads(r[0])) for r in conn.execute(f"SELECT data FROM {table} ORDER BY {columns[0]}")]


def agencies(conn: sqlite3.Connection) -> tuple[Agency, ...]:
    return tuple(
        Agency(id=r[0], name=r[1], short_name=r[2], kind=AgencyKind(r[3]), active=bool(r[4]))
        for r in conn.execute("SELECT id, name, short_name, kind, active FROM agencies ORDER BY id")
    )


def desks(
    conn: sqlite3.Connection, agency_id: str | None = None, *, active_only: bool = False
) -> tuple[Desk, ...]:
    """Desks, by id; ``active_only`` leaves out those the server retired (``"active": false`` in their wire
    record, which a server before retirement never sends)."""
    where: list[str] = []
    params: tuple[str, ...] = ()
    if agency_id is not None:
        where.append("agency_id = ?")
        params = (agency_id,)
    if active_only:
        where.append("coalesce(json_extract(data, '$.active'), 1) != 0")
    sql = "SELECT id, agency_id, name FROM desks" + (" WHERE " + " AND ".join(where) if where else "")
    return tuple(Desk(id=r[0], agency_id=r[1], name=r[2]) for r in conn.execute(sql + " ORDER BY id", params))


def categories(conn: sqlite3.Connection) -> tuple[Category, ...]:
    return tuple(
        Category(
            code=r[0],
            name=r[1],
            group=r[2],
            default_agency_id=r[3],
            default_desk_id=r[4],
            sla_class=SlaClass(r[5]),
        )
        for r in conn.execute(
            "SELECT code, name, group_name, default_agency_id, default_desk_id, sla_class FROM categories "
            "ORDER BY code"
        )
    )


def _shipped(reference: Reference) -> dict[RefEntity, list[dict[str, Any]]]:
    return {
        RefEntity.AGENCY: [
            {"id": a.id, "name": a.name, "short_name": a.short_name, "kind": a.kind.value, "active": a.active}
            for a in reference.agencies
        ],
        RefEntity.DESK: [{"id": d.id, "agency_id": d.agency_id, "name": d.name} for d in reference.desks],
        RefEntity.CATEGORY: [
            {
                "code": c.code,
                "name": c.name,
                "group": c.group,
                "keywords": [],
                "default_agency_id": c.default_agency_id,
                "default_desk_id": c.default_desk_id,
                "sla_class": c.sla_class.value,
            }
            for c in reference.categories
        ],
    }


def seed(conn: sqlite3.Connection, reference: Reference) -> None:
    """Fill agencies, desks and categories from shipped reference data, without overwriting server rows."""
    for entity, items in _shipped(reference).items():
        _, _, convert = _TABLES[entity]
        conn.executemany(
            _upsert_sql(entity, only_unversioned=True),
            [(*convert(i), None, encode_wire(i)) for i in items],
        )


def _same(a: object, b: object) -> bool:
    """JSON values equal in type as well as value (``true`` is not ``1``, ``1.0`` is not ``1``); the key
    order of objects does not count."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(value, b[key]) for key, value in a.items())
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return a == b


def _holds(stored: str, item: Mapping[str, Any]) -> bool:
    """Whether stored JSON text is ``item``, compared decoded: encoding the item to compare texts would load
    the wire encoder (pydantic-core, 30 ms and 3 MiB) at every app start, for rows that rarely change."""
    try:
        return _same(json.loads(stored), dict(item))
    except ValueError:  # unreadable text: seeding writes it again
        return False


def needs_seed(conn: sqlite3.Connection, reference: Reference) -> bool:
    """Whether ``seed`` would change anything: a shipped row missing, or a seeded one (no version) whose
    data differs from the shipped row. Reads only, so an app start can skip the write transaction."""
    for entity, items in _shipped(reference).items():
        table, columns, _ = _TABLES[entity]
        stored = {
            key: (version, data)
            for key, version, data in conn.execute(f"SELECT {columns[0]}, version, data FROM {table}")
        }
        for item in items:
            found = stored.get(item[columns[0]])
            if found is None or (found[0] is None and not _holds(found[1], item)):
                return True
    return False
