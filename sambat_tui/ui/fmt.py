"""How times, ages and SLA clocks read on screen, in the current UI language.

The wording is the domain's (``domain.timefmt``: "28 Nov 2026 14.05 WIB", "3h", "sisa 2 hari kerja"); this
module only adds the current language and the narrow forms the inbox columns need.
"""

from __future__ import annotations

from datetime import datetime

from sambat_tui.domain.timefmt import JAKARTA, format_age, format_datetime, format_working_days_left
from sambat_tui.ui.i18n import language, t


def when(moment: datetime | None) -> str:
    """``28 Nov 2026 14.05 WIB`` (``14:05`` in English); ``–`` for no time."""
    return t("field.none") if moment is None else format_datetime(moment, language())


def clock(moment: datetime | None) -> str:
    """The time of day only, for the status bar: ``14.05``."""
    if moment is None:
        return t("field.none")
    local = moment.astimezone(JAKARTA)
    sep = "." if language() == "id" else ":"
    return f"{local.hour:02d}{sep}{local.minute:02d}"


def age(created_at: datetime, now: datetime) -> str:
    """How long ago, compact: ``12m``, ``5j``, ``3h`` (``5h``, ``3d`` in English)."""
    return format_age(created_at, now, language(), compact=True)


def sla_days(days_left: int | None, width: int | None = None) -> str:
    """Working days left on the resolution clock, for a column: ``4 hk``, ``0 hk``, ``-2 hk``.

    In ``width`` characters the unit loses its space first (``-737hk``), then itself (``-1234``): cut,
    "-737 h" would read as calendar days."""
    if days_left is None:
        return t("sla.none")
    text = t("sla.days", n=days_left)
    if width is None or len(text) <= width:
        return text
    return text.replace(" ", "") if len(text) - 1 <= width else str(days_left)


def sla_sentence(days_left: int | None) -> str:
    """``sisa 2 hari kerja`` / ``jatuh tempo hari ini`` / ``terlambat 3 hari kerja``."""
    return t("sla.none") if days_left is None else format_working_days_left(days_left, language())
