"""Who is signed in, as the services and the UI see it: taken from the last ``/v1/me`` kept in the cache."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, NamedTuple

from sambat_tui.domain.model import Role

if TYPE_CHECKING:
    from sambat_tui.contract import Me


class Identity(NamedTuple):
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

    @classmethod
    def from_stored(cls, raw: str) -> Identity | None:
        """The identity in the ``/v1/me`` answer the sync kept (``Me.model_dump_json``), or None when the
        text does not have that shape.

        Read as plain JSON, not through the wire contract: the app shows who is signed in on its first
        frame, and loading pydantic and the contract models first would cost that frame a third of a second
        and 20 MiB. The sync validated the answer before it stored it; this reads the same fields
        ``from_me`` does, with the same defaults, and refuses a value of the wrong type or an unknown role.
        """
        try:
            data = json.loads(raw)
            user = data["user"]
            desks = tuple(_text(desk["id"]) for desk in data["desks"])
            roles = [Role(_text(role)) for role in data["roles"] or user.get("roles", ())]
            agency = user.get("agency_id")
            return cls(
                user_id=_text(user["id"]),
                name=_text(user["name"]),
                agency_id=None if agency is None else _text(agency),
                desk_ids=desks or tuple(_text(desk) for desk in user.get("desk_ids", ())),
                roles=frozenset(roles),
                lang=_text(user.get("lang", "id")),
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            return None


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected text, got {type(value).__name__}")
    return value
