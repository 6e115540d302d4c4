"""``/lacak``: "how far along is my complaint?", a small HTML page for citizens in Indonesian (``?lang=en``).

Built for a cheap phone on a slow link: no JavaScript, no images, one tiny inline stylesheet, a page of a few
kilobytes that reads well at 320 px. Semantic HTML (the ``lang`` attribute, headings, a definition list for
the facts, an ordered list for the history) so a screen reader can walk it.

Everything a citizen, an agency or the database wrote is untrusted: it is passed through
``text_safety.neutralise`` (control characters, escape sequences, bidi tricks) and then HTML-escaped, and the
Content-Security-Policy allows nothing but this page's own stylesheet, so even a mistake here could not run a
script. An unknown reference and a ``rahasia`` complaint get the same 404 page: the page never tells whether
a hidden complaint exists. HEAD is answered like GET, without the body.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from collections.abc import Mapping
from datetime import datetime
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from sambat_tui.central import storage_open311 as sql
from sambat_tui.central.context import Context
from sambat_tui.central.http_head import GET_AND_HEAD, answer_for
from sambat_tui.central.open311.public import (
    STATUS_MEANINGS,
    PublicEntry,
    entry_summary,
    public_address,
    status_label,
)
from sambat_tui.central.open311.views import Snapshot
from sambat_tui.contract import Agency
from sambat_tui.domain.calendar import JAKARTA, WorkingCalendar
from sambat_tui.domain.model import Status
from sambat_tui.domain.text_safety import neutralise
from sambat_tui.domain.timefmt import format_date, format_datetime, format_working_days_left, to_rfc3339

router = APIRouter(tags=["tracking"])

MAX_AGE = 60
"""Seconds a browser or proxy may reuse a page: statuses change in hours, "days left" at midnight."""
_REF = re.compile(r"[A-Z]{2,6}-[0-9]{4}-[0-9]{1,10}")

CSS = """\
*{box-sizing:border-box}
body{margin:0;font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;\
color:#1b1b1b;background:#fff}
header,main,footer{max-width:40rem;margin:0 auto;padding:.75rem 1rem}
header{display:flex;justify-content:space-between;gap:1rem;border-bottom:1px solid #d0d0d0}
.brand{margin:0;font-weight:700}
h1{font-size:1.35rem;margin:.5rem 0}
h2{font-size:1.1rem;margin:1.25rem 0 .5rem}
a{color:#0a4fb3}
a:focus,button:focus,input:focus{outline:3px solid #f2a900;outline-offset:2px}
.status{display:inline-block;margin:0;padding:.15rem .6rem;border-radius:.3rem;font-weight:700;\
background:#e6effc;color:#0b2e6b}
.status.closed{background:#e3f4e8;color:#0d4a22}
dl{margin:.5rem 0}
dt{font-weight:700;margin-top:.5rem}
dd{margin:0}
.text,.timeline p{white-space:pre-line;overflow-wrap:anywhere}
.muted{color:#4a4a4a}
.timeline{padding-left:1.25rem}
.timeline li{margin-bottom:.75rem}
.timeline p{margin:.25rem 0 0}
form{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end}
label{flex-basis:100%;font-weight:700}
input[type=text]{flex:1 1 12rem;min-width:0;padding:.5rem;font:inherit;border:1px solid #6b6b6b;\
border-radius:.3rem}
button{padding:.5rem 1rem;font:inherit;border:0;border-radius:.3rem;background:#0a4fb3;color:#fff}
.error{color:#8a1111;font-weight:700}
"""
_CSS_HASH = base64.b64encode(hashlib.sha256(CSS.encode("utf-8")).digest()).decode("ascii")
_SECURITY_HEADERS = {
    "Content-Security-Policy": (
        f"default-src 'none'; style-src 'sha256-{_CSS_HASH}'; form-action 'self'; base-uri 'none'; "
        "frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}

_WORDS: dict[str, dict[str, str]] = {
    "id": {
        "brand": "SAMBAT Kota Malang",
        "track": "Lacak laporan",
        "heading": "Laporan {ref}",
        "status": "Status",
        "agency": "Instansi penanggung jawab",
        "agency_none": "Menunggu verifikasi Admin Koordinator",
        "category": "Kategori",
        "place": "Lokasi",
        "reported": "Dilaporkan",
        "respond_by": "Batas tindak lanjut",
        "responded": "Ditanggapi",
        "resolve_by": "Target selesai",
        "finished": "Selesai",
        "archived": "Diarsipkan",
        "content": "Isi laporan",
        "history": "Riwayat",
        "other": "Lacak laporan lain",
        "field": "Nomor laporan",
        "hint": "Contoh: MLG-2026-000123",
        "button": "Lacak",
        "switch": "English",
        "not_found_title": "Laporan tidak ditemukan",
        "not_found": "Tidak ada laporan publik dengan nomor {ref}. "
        "Periksa lagi nomor pada bukti laporan Anda.",
        "bad_ref": "Nomor laporan tidak dikenali. Tulis seperti contoh: MLG-2026-000123.",
        "intro": "Tulis nomor laporan Anda untuk melihat sejauh mana laporan itu ditindaklanjuti.",
    },
    "en": {
        "brand": "SAMBAT Malang City",
        "track": "Track a report",
        "heading": "Report {ref}",
        "status": "Status",
        "agency": "Responsible agency",
        "agency_none": "Awaiting verification by the city coordinator",
        "category": "Category",
        "place": "Location",
        "reported": "Reported",
        "respond_by": "Follow-up due",
        "responded": "Responded",
        "resolve_by": "Resolution due",
        "finished": "Closed",
        "archived": "Archived",
        "content": "The report",
        "history": "History",
        "other": "Track another report",
        "field": "Report number",
        "hint": "For example: MLG-2026-000123",
        "button": "Track",
        "switch": "Bahasa Indonesia",
        "not_found_title": "Report not found",
        "not_found": "There is no public report numbered {ref}. Please check the number on your receipt.",
        "bad_ref": "That report number was not recognised. Write it like the example: MLG-2026-000123.",
        "intro": "Type your report number to see how far along it is.",
    },
}


def _lang(request: Request) -> str:
    return "en" if request.query_params.get("lang", "").strip().lower() == "en" else "id"


def safe(text: str | None) -> str:
    """Untrusted text for HTML: control characters neutralised, then escaped (quotes too)."""
    return html.escape(neutralise(text or ""), quote=True)


def _time(moment: datetime, lang: str, *, with_time: bool = True) -> str:
    shown = format_datetime(moment, lang) if with_time else format_date(moment, lang)
    machine = to_rfc3339(moment, zone=JAKARTA, timespec="seconds")
    return f'<time datetime="{machine}">{html.escape(shown)}</time>'


def normalise_ref(text: str) -> str:
    """``ref`` as people type it (lower case, spaces) in the stored form: ``MLG-2026-000123``."""
    return "".join(text.split()).upper()


def _page(lang: str, title: str, body: str, *, switch_href: str, status: int) -> Response:
    words = _WORDS[lang]
    other = "en" if lang == "id" else "id"
    document = (
        "<!doctype html>\n"
        f'<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title} · {html.escape(words['brand'])}</title>\n"
        f"<style>{CSS}</style>\n</head>\n<body>\n"
        f'<header><p class="brand">{html.escape(words["brand"])}</p>'
        f'<a href="{switch_href}" hreflang="{other}" lang="{other}">{html.escape(words["switch"])}</a>'
        "</header>\n"
        f"<main>\n{body}</main>\n</body>\n</html>\n"
    )
    headers = {
        **_SECURITY_HEADERS,
        "Cache-Control": f"public, max-age={MAX_AGE}",
        "Content-Language": lang,
    }
    return Response(
        document.encode("utf-8"), status_code=status, media_type="text/html; charset=utf-8", headers=headers
    )


def _form(lang: str, value: str = "", error: str | None = None) -> str:
    words = _WORDS[lang]
    message = f'<p class="error" role="alert">{html.escape(error)}</p>\n' if error else ""
    keep_lang = '<input type="hidden" name="lang" value="en">' if lang == "en" else ""
    return (
        f'<section aria-labelledby="other-h">\n<h2 id="other-h">{html.escape(words["other"])}</h2>\n{message}'
        '<form method="get" action="/lacak">'
        f'<label for="ref">{html.escape(words["field"])}</label>'
        f'<input type="text" id="ref" name="ref" value="{safe(value)}" autocomplete="off" '
        f'autocapitalize="characters" spellcheck="false" aria-describedby="ref-hint" required>'
        f"{keep_lang}"
        f'<button type="submit">{html.escape(words["button"])}</button>'
        f'<p id="ref-hint" class="muted">{html.escape(words["hint"])}</p>'
        "</form>\n</section>\n"
    )


def _switch(path: str, lang: str, **params: str) -> str:
    query = {**params, **({"lang": "en"} if lang == "id" else {})}
    return html.escape(path + (f"?{urlencode(query)}" if query else ""), quote=True)


def _deadline(label: str, due: datetime, now: datetime, calendar: WorkingCalendar, lang: str) -> str:
    left = format_working_days_left(calendar.working_days_left(due, now), lang)
    return (
        f"<dt>{html.escape(label)}</dt><dd>{_time(due, lang, with_time=False)} "
        f'<span class="muted">({html.escape(left)})</span></dd>\n'
    )


def _facts(
    complaint: sql.PublicComplaint, snapshot: Snapshot, calendar: WorkingCalendar, now: datetime, lang: str
) -> str:
    words = _WORDS[lang]
    agency = snapshot.agencies.get(complaint.agency_id) if complaint.agency_id else None
    category = snapshot.categories.get(complaint.category_code) if complaint.category_code else None
    rows = [
        f"<dt>{html.escape(words['agency'])}</dt>"
        f"<dd>{safe(agency.name) if agency is not None else html.escape(words['agency_none'])}</dd>\n"
    ]
    if category is not None:
        rows.append(f"<dt>{html.escape(words['category'])}</dt><dd>{safe(category.name)}</dd>\n")
    address = public_address(complaint)
    if address:
        rows.append(f"<dt>{html.escape(words['place'])}</dt><dd>{safe(address)}</dd>\n")
    rows.append(f"<dt>{html.escape(words['reported'])}</dt><dd>{_time(complaint.created_at, lang)}</dd>\n")
    if not complaint.status.is_open:
        key = "finished" if complaint.status is Status.CLOSED else "archived"
        when = complaint.closed_at or complaint.updated_at
        rows.append(f"<dt>{html.escape(words[key])}</dt><dd>{_time(when, lang, with_time=False)}</dd>\n")
        return "<dl>\n" + "".join(rows) + "</dl>\n"
    if complaint.first_response_at is not None:
        rows.append(
            f"<dt>{html.escape(words['responded'])}</dt>"
            f"<dd>{_time(complaint.first_response_at, lang, with_time=False)}</dd>\n"
        )
    else:
        rows.append(_deadline(words["respond_by"], complaint.response_due, now, calendar, lang))
    rows.append(_deadline(words["resolve_by"], complaint.resolve_due, now, calendar, lang))
    return "<dl>\n" + "".join(rows) + "</dl>\n"


def _history(entries: list[PublicEntry], agencies: Mapping[str, Agency], lang: str) -> str:
    items = []
    for entry in reversed(entries):  # newest first: what a citizen comes back for
        text = f"\n<p>{safe(entry.body)}</p>" if entry.body.strip() else ""
        summary = safe(entry_summary(entry, agencies, lang))
        items.append(f"<li>{_time(entry.at, lang)}<br><strong>{summary}</strong>{text}</li>\n")
    return '<ol class="timeline" reversed>\n' + "".join(items) + "</ol>\n"


def _context(request: Request) -> Context:
    context: Context = request.app.state.context
    return context


@router.api_route("/lacak", methods=GET_AND_HEAD, include_in_schema=False)
def lookup(request: Request) -> Response:
    """The form; with ``?ref=`` it sends the browser on to that report's page."""
    return answer_for(request, _lookup(request))


def _lookup(request: Request) -> Response:
    lang = _lang(request)
    words = _WORDS[lang]
    typed = request.query_params.get("ref", "")
    if typed.strip():
        ref = normalise_ref(typed)
        if _REF.fullmatch(ref):
            target = f"/lacak/{quote(ref, safe='')}" + ("?lang=en" if lang == "en" else "")
            return Response(status_code=303, headers={"Location": target, "Cache-Control": "no-store"})
        body = f"<h1>{html.escape(words['track'])}</h1>\n" + _form(lang, typed, words["bad_ref"])
        return _page(lang, html.escape(words["track"]), body, switch_href=_switch("/lacak", lang), status=400)
    body = f"<h1>{html.escape(words['track'])}</h1>\n<p>{html.escape(words['intro'])}</p>\n" + _form(lang)
    return _page(lang, html.escape(words["track"]), body, switch_href=_switch("/lacak", lang), status=200)


@router.api_route("/lacak/{ref:path}", methods=GET_AND_HEAD, include_in_schema=False)
def track(request: Request, ref: str) -> Response:
    return answer_for(request, _track(request, ref))


def _track(request: Request, ref: str) -> Response:
    lang = _lang(request)
    words = _WORDS[lang]
    context = _context(request)
    wanted = normalise_ref(ref)
    if not wanted.strip("/"):
        return _lookup(request)  # /lacak/ is the form, like /lacak
    snapshot: Snapshot | None = None
    if _REF.fullmatch(wanted):
        with context.storage.read() as tx:
            found = sql.public_complaint(tx, wanted)
            if found is not None:
                snapshot = Snapshot.read(tx, [found])
    switch = _switch(f"/lacak/{quote(wanted, safe='')}", lang)
    if snapshot is None or not snapshot.complaints:
        shown = wanted if len(wanted) <= 40 else wanted[:39] + "…"
        body = (
            f"<h1>{html.escape(words['not_found_title'])}</h1>\n"
            f"<p>{html.escape(words['not_found']).format(ref=safe(shown))}</p>\n" + _form(lang, shown)
        )
        return _page(lang, html.escape(words["not_found_title"]), body, switch_href=switch, status=404)
    complaint = snapshot.complaints[0]
    status_class = "status" if complaint.status.is_open else "status closed"
    ref_text = safe(complaint.public_ref)
    body = (
        f"<h1>{html.escape(words['heading']).format(ref=ref_text)}</h1>\n"
        f'<p class="text">{safe(complaint.title)}</p>\n'
        f'<section aria-labelledby="status-h">\n<h2 id="status-h">{html.escape(words["status"])}</h2>\n'
        f'<p class="{status_class}">{html.escape(status_label(complaint.status, lang))}</p>\n'
        f"<p>{html.escape(STATUS_MEANINGS[lang][complaint.status])}</p>\n"
        + _facts(complaint, snapshot, context.calendar, context.now(), lang)
        + "</section>\n"
        f'<section aria-labelledby="content-h">\n<h2 id="content-h">{html.escape(words["content"])}</h2>\n'
        f'<p class="text">{safe(complaint.description)}</p>\n</section>\n'
        f'<section aria-labelledby="history-h">\n<h2 id="history-h">{html.escape(words["history"])}</h2>\n'
        + _history(snapshot.timeline(complaint), snapshot.agencies, lang)
        + "</section>\n"
        + _form(lang)
    )
    title = f"{ref_text} · {html.escape(words['track'])}"
    return _page(lang, title, body, switch_href=switch, status=200)
