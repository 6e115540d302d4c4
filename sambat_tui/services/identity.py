"""Who is signed in, as the services and the UI see it: taken from the last ``/v1/me`` kept in the cache."""

from __future__ import annotations

from dataclasses import dataclass

from sambat_tui.contract import Me
from sambat_tui.domain.model import Role


@dataclass(frozen=True)
class Identity:
    user_id: str
    name: str
    agency_id: str | None
    desk_ids: tuple[str, ...]
    roles: frozenset[Role]
    lang: str

    @classmethod
    def from_me(cls, me: Me) -> Identity:
        return cls(
            user_id=me.user.id,
            name=me.user.name,
            agency_id=me.user.agency_id,
            desk_ids=tuple(d.id for d in me.desks) or me.user.desk_ids,
            roles=frozenset(me.roles or me.user.roles),
            lang=me.user.lang,
        )
