"""Canned public responses (tanggapan siap pakai), kept as data in ``services/data/canned_responses.toml``."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from sambat_tui.domain.model import Status
from sambat_tui.domain.package_data import package_text

ANY_GROUP = "*"
PLACEHOLDER_REF = "{ref}"


class TemplateError(ValueError):
    """The canned responses file is malformed; the message names the entry."""


@dataclass(frozen=True)
class CannedResponse:
    id: str
    title: str
    body: str
    """With ``{ref}`` still in it; :meth:`render` fills it."""
    statuses: frozenset[Status]
    groups: frozenset[str]

    def matches(self, status: Status, group: str | None) -> bool:
        return status in self.statuses and (ANY_GROUP in self.groups or group in self.groups)

    def render(self, public_ref: str) -> str:
        return self.body.replace(PLACEHOLDER_REF, public_ref)


def _parse(data: dict[str, object], where: str) -> tuple[CannedResponse, ...]:
    entries = data.get("response")
    if not isinstance(entries, list):
        raise TemplateError(f"{where}: expected [[response]] tables")
    seen: set[str] = set()
    out: list[CannedResponse] = []
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or set(entry) != {"id", "title", "statuses", "groups", "body"}:
            raise TemplateError(f"{where}: response {number} needs exactly id, title, statuses, groups, body")
        ident, title, body = entry["id"], entry["title"], entry["body"]
        statuses, groups = entry["statuses"], entry["groups"]
        if not all(isinstance(v, str) and v.strip() for v in (ident, title, body)):
            raise TemplateError(f"{where}: response {number}: id, title and body are non-empty strings")
        if ident in seen:
            raise TemplateError(f"{where}: response id {ident!r} appears twice")
        seen.add(ident)
        if not isinstance(groups, list) or not groups or not all(isinstance(g, str) for g in groups):
            raise TemplateError(f"{where}: response {ident}: groups is a non-empty list of strings")
        try:
            parsed = frozenset(Status(s) for s in statuses) if isinstance(statuses, list) else None
        except ValueError as error:
            raise TemplateError(f"{where}: response {ident}: {error}") from None
        if not parsed:
            raise TemplateError(f"{where}: response {ident}: statuses is a non-empty list of statuses")
        out.append(CannedResponse(ident, title, body, parsed, frozenset(groups)))
    return tuple(out)


def load_canned_responses(path: Path | None = None) -> tuple[CannedResponse, ...]:
    """The shipped responses, or those of a city's own file."""
    if path is None:
        text = package_text("sambat_tui.services", "data", "canned_responses.toml")
        where = "canned_responses.toml"
    else:
        text, where = path.read_text(encoding="utf-8"), str(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise TemplateError(f"{where}: {error}") from None
    return _parse(data, where)


def responses_for(
    responses: tuple[CannedResponse, ...], status: Status, group: str | None
) -> tuple[CannedResponse, ...]:
    """Those that fit the status and category group: the group's own first, then the general ones."""
    fitting = [r for r in responses if r.matches(status, group)]
    return tuple(sorted(fitting, key=lambda r: ANY_GROUP in r.groups))
