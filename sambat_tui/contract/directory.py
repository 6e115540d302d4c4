"""Reference entities every signed-in user may read: agencies, desks, categories, users; and ``/v1/me``."""

from __future__ import annotations

from pydantic import AwareDatetime

from sambat_tui.contract.base import WireModel
from sambat_tui.contract.text import Identifier, ShortText
from sambat_tui.domain.model import AgencyKind, Role, SlaClass


class Agency(WireModel):
    id: Identifier
    name: ShortText
    short_name: ShortText
    kind: AgencyKind
    active: bool = True


class Desk(WireModel):
    id: Identifier
    agency_id: Identifier
    name: ShortText
    active: bool = True
    """False once the city removed it from its table: nothing is moved to it, its complaints stay on it."""


class Category(WireModel):
    code: Identifier
    name: ShortText
    group: ShortText
    keywords: tuple[ShortText, ...] = ()
    default_agency_id: Identifier | None = None
    """Null for matters outside the city: routing picks the external body."""
    default_desk_id: Identifier | None = None
    sla_class: SlaClass
    active: bool = True
    """False once the city removed it from its table: offered to no new complaint, still named by old ones."""


class User(WireModel):
    id: Identifier
    name: ShortText
    agency_id: Identifier | None = None
    desk_ids: tuple[Identifier, ...] = ()
    roles: tuple[Role, ...] = ()
    lang: Identifier = "id"


class Me(WireModel):
    user: User
    agency: Agency | None
    desks: tuple[Desk, ...]
    roles: tuple[Role, ...]
    server_time: AwareDatetime
