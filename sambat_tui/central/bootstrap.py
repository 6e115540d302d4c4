"""First start of a database: the reference data and the standard users (also the seeder's starting point).

Standard users: ``coordinator`` and ``auditor``, and for every agency of kind opd or bumd
``operator.<agency>`` (all the agency's desks but its UPTs), ``field.<agency>`` (its first desk) and
``supervisor.<agency>`` (all its desks).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TypeVar

from sambat_tui.central.storage import Storage, WriteTx
from sambat_tui.contract import Agency, Category, Desk, User
from sambat_tui.domain.model import AgencyKind, Role
from sambat_tui.domain.reference import Reference

_DESK_AGENCY_KINDS = frozenset({AgencyKind.OPD, AgencyKind.BUMD})


def _is_upt(desk: Desk) -> bool:
    # A UPT (technical unit) runs its own field desk; the agency's liaison operator does not triage for it.
    return desk.name.upper().startswith("UPT")


def reference_entities(reference: Reference) -> tuple[list[Agency], list[Desk], list[Category]]:
    agencies = [
        Agency(id=a.id, name=a.name, short_name=a.short_name, kind=a.kind, active=a.active)
        for a in reference.agencies
    ]
    desks = [Desk(id=d.id, agency_id=d.agency_id, name=d.name) for d in reference.desks]
    categories = [
        Category(
            code=c.code,
            name=c.name,
            group=c.group,
            default_agency_id=c.default_agency_id,
            default_desk_id=c.default_desk_id,
            sla_class=c.sla_class,
        )
        for c in reference.categories
    ]
    return agencies, desks, categories


def standard_users(
    agencies: Sequence[Agency], desks: Sequence[Desk], coordinator_agency_id: str
) -> list[User]:
    def desks_of(agency_id: str) -> list[Desk]:
        return [d for d in desks if d.agency_id == agency_id]

    known = {a.id for a in agencies}
    home = coordinator_agency_id if coordinator_agency_id in known else None
    users = [
        User(
            id="coordinator",
            name="Admin Koordinator SAMBAT",
            agency_id=home,
            desk_ids=tuple(d.id for d in desks_of(home)) if home else (),
            roles=(Role.COORDINATOR,),
        ),
        User(id="auditor", name="Auditor Inspektorat", agency_id=None, roles=(Role.AUDITOR,)),
    ]
    for agency in agencies:
        own = desks_of(agency.id)
        if agency.kind not in _DESK_AGENCY_KINDS or not own:
            continue
        users += [
            User(
                id=f"operator.{agency.id}",
                name=f"Admin Penghubung {agency.short_name}",
                agency_id=agency.id,
                desk_ids=tuple(d.id for d in own if not _is_upt(d)),
                roles=(Role.OPERATOR,),
            ),
            User(
                id=f"field.{agency.id}",
                name=f"Petugas Lapangan {agency.short_name}",
                agency_id=agency.id,
                desk_ids=(own[0].id,),
                roles=(Role.FIELD_OFFICER,),
            ),
            User(
                id=f"supervisor.{agency.id}",
                name=f"Kepala Bidang {agency.short_name}",
                agency_id=agency.id,
                desk_ids=tuple(d.id for d in own),
                roles=(Role.SUPERVISOR,),
            ),
        ]
    return users


def load_reference(tx: WriteTx, reference: Reference) -> int:
    """Write agencies, desks and categories; returns how many changed (each change goes to the feed).

    An agency, desk or category the database has and the tables no longer name is retired (``active``
    false), never deleted: complaints filed under it, and their history, still name it. A retired agency or
    desk takes no disposition; a retired category is offered to nobody. Naming it again brings it back.
    """
    agencies, desks, categories = reference_entities(reference)
    retired_agencies = _unnamed(tx.agencies(), {a.id for a in agencies}, lambda a: a.id)
    retired_desks = _unnamed(tx.desks(), {d.id for d in desks}, lambda d: d.id)
    retired_categories = _unnamed(tx.categories(), {c.code for c in categories}, lambda c: c.code)
    changed = sum(tx.put_agency(a) for a in [*agencies, *retired_agencies])
    changed += sum(tx.put_desk(d) for d in [*desks, *retired_desks])
    changed += sum(tx.put_category(c) for c in [*categories, *retired_categories])
    return changed


_Row = TypeVar("_Row", Agency, Desk, Category)


def _unnamed(stored: Sequence[_Row], named: set[str], key: Callable[[_Row], str]) -> list[_Row]:
    """The active rows of ``stored`` the tables no longer name, retired (``active`` false)."""
    gone = [row for row in stored if row.active and key(row) not in named]
    return [row.model_copy(update={"active": False}) for row in gone]


def create_standard_users(tx: WriteTx, coordinator_agency_id: str) -> list[User]:
    users = standard_users(tx.agencies(), tx.desks(), coordinator_agency_id)
    for user in users:
        tx.put_user(user)
    return users


def ensure_initialised(
    storage: Storage,
    reference: Reference,
    now: datetime,
    *,
    coordinator_agency_id: str,
    with_standard_users: bool = True,
    update_reference: bool = False,
) -> bool:
    """Load the reference data into an empty database, and the standard users where there are no users.

    Returns whether anything was written. A database that has agencies is left as it is (from then on the
    database, not the shipped files, is the reference) unless ``update_reference``: a city's own tables then
    add and change rows at each start, which reach the clients through the change feed.
    """
    with storage.write(now) as tx:
        wrote = False
        if update_reference or not tx.agencies():
            wrote = load_reference(tx, reference) > 0
        if with_standard_users and not tx.users():
            wrote = bool(create_standard_users(tx, coordinator_agency_id)) or wrote
    return wrote
