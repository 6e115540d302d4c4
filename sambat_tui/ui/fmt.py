"""How times, ages and SLA clocks read on screen: "28 Nov 2026 14.05 WIB", "3h", "-2 hk".

Times show in Asia/Jakarta (WIB), the zone every deadline is counted in. Indonesian writes the hour with a
dot (14.05); English with a colon.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sambat_tui.ui.i18n import language, t

JAKARTA = ZoneInfo("Asia/Jakarta")

_MONTHS: dict[str, tuple[str, ...]] = {
    "id": ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}


def _local(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError(f"naive datetime {moment.isoformat()}: every time in sambat-tui is aware")
    return moment.astimezone(JAKARTA)


def when(moment: datetime | None) -> str:
    """``28 Nov 2026 14.05 WIB`` (or with ``14:05`` in English); ``–`` for no time."""
    if moment is None:
        return t("field.none")
    local = _local(moment)
    lang = language()
    month = _MONTHS.get(lang, _MONTHS["en"])[local.month - 1]
    sep = "." if lang == "id" else ":"
    return f"{local.day} {month} {local.year} {local.hour:02d}{sep}{local.minute:02d} WIB"


def clock(moment: datetime | None) -> str:
    """The time of day only, for the status bar: ``14.05``."""
    if moment is None:
        return t("field.none")
    local = _local(moment)
    sep = "." if language() == "id" else ":"
    return f"{local.hour:02d}{sep}{local.minute:02d}"


def age(created_at: datetime, now: datetime) -> str:
    """How long ago, in the largest whole unit: ``12m``, ``5j``, ``3h`` (``5h``, ``3d`` in English)."""
    seconds = max(0, int((now - created_at).total_seconds()))
    if seconds < 3600:
        return t("age.minutes", n=seconds // 60)
    if seconds < 86400:
        return t("age.hours", n=seconds // 3600)
    return t("age.days", n=seconds // 86400)


def sla_days(days_left: int | None) -> str:
    """Working days left on the resolution clock: ``4 hk``, ``0 hk`` (due today), ``-2 hk`` (overdue)."""
    if days_left is None:
        return t("sla.none")
    return t("sla.days", n=days_left)


def sla_sentence(days_left: int | None) -> str:
    if days_left is None:
        return t("sla.none")
    if days_left > 0:
        return t("sla.working_days_left", n=days_left)
    if days_left == 0:
        return t("sla.due_today")
    return t("sla.overdue_by", n=-days_left)
