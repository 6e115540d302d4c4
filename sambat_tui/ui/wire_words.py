"""Wire values in the UI's language, without Textual or Rich: the screens and the headless commands share
them (``sambat-tui outbox`` says what a queued change does in the same words as the app's outbox)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sambat_tui.domain.text_safety import one_line
from sambat_tui.ui.i18n import current, t

if TYPE_CHECKING:
    from sambat_tui.ui.ports import OutboxEntry

FIELD_LIMIT = 200
_MOVES = ("reassign", "dispose")  # the dispositions a person queues; the others are the server's


def text_of(value: object, limit: int = FIELD_LIMIT) -> str:
    """One line of display text for any wire value; ``–`` for nothing."""
    if value is None or value == "":
        return t("field.none")
    return one_line(value if isinstance(value, str) else str(value), limit)


def vocabulary(section: str, value: object) -> str:
    """The label of a wire enum value (``status``, ``in_progress``); an unknown value shows as itself."""
    key = f"{section}.{value}"
    translator = current()
    return translator.t(key) if isinstance(value, str) and translator.has(key) else text_of(value)


def outbox_what(entry: OutboxEntry, limit: int = 120) -> str:
    """What a queued change does, in the UI's language (from the entry's kind and details), then its reason
    or text: ``Alihkan ke dpuprpkp/dpuprpkp.pju: beban meja``. An entry of a kind this client does not know
    shows its wire summary."""
    details = entry.details
    if entry.kind == "transition":
        head = vocabulary("action", details.get("action"))
    elif entry.kind == "update":
        head = vocabulary("update", details.get("update_kind"))
    elif entry.kind == "disposition":
        kind = details.get("disposition", "")
        parts = (details.get(k) for k in ("to_agency", "to_desk", "to_user"))
        target = "/".join(one_line(p, 40) for p in parts if p) or "?"
        if kind in _MOVES:
            head = t(f"outbox.what.{kind}", target=target)
        else:
            head = t("outbox.what.move", kind=vocabulary("disposition", kind), target=target)
    elif entry.kind == "visibility":
        head = t("outbox.what.visibility", visibility=vocabulary("visibility", details.get("visibility")))
    elif entry.kind == "duplicate":
        original = details.get("original")
        head = t("outbox.what.duplicate", ref=one_line(original, 40)) if original else t("outbox.what.unlink")
    else:
        return one_line(entry.summary, limit)
    text = details.get("text")
    return one_line(f"{head}: {text}" if text else head, limit)
