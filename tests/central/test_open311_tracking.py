"""The /lacak tracking page: both languages, deadlines, the public history, hostile text, the 404 page."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import httpx
import pytest

from tests.central.support import Api

ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "body", "header", "main", "p", "a", "h1", "h2", "section",
    "dl", "dt", "dd", "time", "span", "ol", "li", "br", "strong", "form", "label", "input", "button",
}  # fmt: skip
HOSTILE = (
    '<script>alert("x")</script><img src=x onerror=alert(1)> "\'><b>tebal</b> '
    "\x1b[2J\x1b]52;c;aGk=\x07 \u202egnp.exe"
)


class Page(HTMLParser):
    """The tags, attributes and text of a page, as a browser's parser would see them."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self._stack: list[str] = []
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in ("meta", "br", "input"):
            self._stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._stack and self._stack[-1] == tag:
            self._stack.pop()

    def handle_data(self, data: str) -> None:
        if "style" not in self._stack:
            self.text.append(data)

    def first(self, tag: str) -> dict[str, str | None]:
        return next(attrs for name, attrs in self.tags if name == tag)

    def count(self, tag: str) -> int:
        return sum(1 for name, _ in self.tags if name == tag)

    @property
    def all_text(self) -> str:
        return "".join(self.text)


def _get(api: Api, path: str, **params: Any) -> tuple[httpx.Response, Page]:
    response = api.client.get(path, params=params)
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    return response, Page(response.text)


def _responded(api: Api, **fields: Any) -> dict[str, Any]:
    complaint = api.new_complaint(**fields)
    api.clock.advance(hours=2)
    assert api.act(complaint, "start", "operator.dpuprpkp").status_code == 200
    api.update(complaint, "operator.dpuprpkp", "internal_note", "CATATAN-INTERNAL")
    api.update(
        complaint, "operator.dpuprpkp", "public_response", "Lubang sudah\nditambal.", status_after="responded"
    )
    return complaint


def test_the_page_in_indonesian(api: Api) -> None:
    complaint = _responded(api)
    api.clock.advance(days=1)
    response, page = _get(api, f"/lacak/{complaint['public_ref']}")
    assert response.status_code == 200
    assert page.first("html")["lang"] == "id"
    assert page.count("h1") == 1 and page.count("script") == 0
    text = page.all_text
    assert f"Laporan {complaint['public_ref']}" in text
    assert "Sudah ditanggapi" in text
    assert "Dinas Pekerjaan Umum, Penataan Ruang, Perumahan dan Kawasan Permukiman" in text
    assert "Ditanggapi" in text and "2 Feb 2026" in text
    assert "Target selesai" in text and "9 Feb 2026" in text and "sisa 4 hari kerja" in text
    assert "Lubang sudah\nditambal." in text
    assert "CATATAN-INTERNAL" not in response.text
    # The history is a list, newest first: response, status change, forwarding, intake.
    assert page.count("li") == 5
    assert "reversed" in page.first("ol")
    assert page.first("form")["action"] == "/lacak" and page.first("form")["method"] == "get"
    assert page.first("meta") == {"charset": "utf-8"}
    assert any(name == "meta" and attrs.get("name") == "viewport" for name, attrs in page.tags)
    assert any(
        attrs.get("datetime") == "2026-02-09T23:59:59+07:00" for name, attrs in page.tags if name == "time"
    )


def test_the_page_in_english(api: Api) -> None:
    complaint = api.new_complaint()
    response, page = _get(api, f"/lacak/{complaint['public_ref']}", lang="en")
    assert response.status_code == 200 and response.headers["content-language"] == "en"
    assert page.first("html")["lang"] == "en"
    text = page.all_text
    assert f"Report {complaint['public_ref']}" in text
    assert "Assigned" in text and "Follow-up due" in text and "5 working days left" in text
    assert "Responsible agency" in text and "Report received" in text
    switch = page.first("a")
    assert switch["href"] == f"/lacak/{complaint['public_ref']}" and switch["hreflang"] == "id"
    hidden = [a for name, a in page.tags if name == "input" and a.get("type") == "hidden"]
    assert hidden == [{"type": "hidden", "name": "lang", "value": "en"}]


def test_deadlines_turn_overdue_and_closed_reports_show_when(api: Api) -> None:
    complaint = api.new_complaint()
    api.clock.advance(days=10)
    _, page = _get(api, f"/lacak/{complaint['public_ref']}")
    assert "terlambat" in page.all_text
    api.update(
        complaint, "operator.dpuprpkp", "public_response", "Selesai dikerjakan.", status_after="responded"
    )
    assert api.act(complaint, "close", "supervisor.dpuprpkp").status_code == 200
    _, page = _get(api, f"/lacak/{complaint['public_ref']}", lang="en")
    assert "Closed" in page.all_text and "12 Feb 2026" in page.all_text and "left" not in page.all_text


def test_hostile_text_is_shown_as_text_never_as_markup(api: Api) -> None:
    complaint = api.new_complaint(title=HOSTILE, description=f"Isi: {HOSTILE}\nbaris dua")
    api.update(complaint, "operator.dpuprpkp", "public_response", HOSTILE, status_after="responded")
    for lang in ("id", "en"):
        response, page = _get(api, f"/lacak/{complaint['public_ref']}", lang=lang)
        assert response.status_code == 200
        assert {name for name, _ in page.tags} <= ALLOWED_TAGS
        assert not any(key.startswith("on") for _, attrs in page.tags for key in attrs)
        assert page.count("b") == 0 and page.count("img") == 0
        # The words are there, as text, with the controls neutralised.
        assert '<script>alert("x")</script>' in page.all_text and "<b>tebal</b>" in page.all_text
        assert "\x1b" not in response.text and "\x07" not in response.text and "\u202e" not in response.text
        assert "\ufffdgnp.exe" in page.all_text


def test_headers_keep_the_page_small_safe_and_briefly_cached(api: Api) -> None:
    complaint = _responded(api)
    response, _ = _get(api, f"/lacak/{complaint['public_ref']}")
    assert response.headers["cache-control"] == "public, max-age=60"
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "style-src 'sha256-" in policy and "script" not in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    assert len(response.content) < 12_000


@pytest.mark.parametrize(("lang", "heading"), [("id", "Laporan tidak ditemukan"), ("en", "Report not found")])
def test_an_unknown_report_is_a_404_page_in_the_same_language(api: Api, lang: str, heading: str) -> None:
    response, page = _get(api, "/lacak/MLG-2026-424242", lang=lang)
    assert response.status_code == 404
    assert page.first("html")["lang"] == lang
    assert heading in page.all_text and "MLG-2026-424242" in page.all_text
    assert page.count("form") == 1


def test_a_hostile_reference_is_not_echoed_as_markup(api: Api) -> None:
    response = api.client.get("/lacak/%3Cscript%3Ealert(1)%3C%2Fscript%3E")
    assert response.status_code == 404
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    page = Page(response.text)
    assert page.count("script") == 0 and {name for name, _ in page.tags} <= ALLOWED_TAGS
    assert "<SCRIPT>ALERT(1)</SCRIPT>" in page.all_text  # shown upper-cased, as text


def test_the_form_sends_the_browser_to_the_report(api: Api) -> None:
    complaint = api.new_complaint()
    for path in ("/lacak", "/lacak/"):
        response, page = _get(api, path)
        assert response.status_code == 200 and page.first("input")["name"] == "ref"
    typed = " " + complaint["public_ref"].lower() + " "
    redirect = api.client.get("/lacak", params={"ref": typed})
    assert redirect.status_code == 303 and redirect.headers["location"] == f"/lacak/{complaint['public_ref']}"
    redirect = api.client.get("/lacak", params={"ref": complaint["public_ref"], "lang": "en"})
    assert redirect.headers["location"] == f"/lacak/{complaint['public_ref']}?lang=en"


def test_a_malformed_reference_in_the_form_is_explained(api: Api) -> None:
    response, page = _get(api, "/lacak", ref='"><script>x</script>')
    assert response.status_code == 400
    assert page.count("script") == 0
    assert "Nomor laporan tidak dikenali" in page.all_text
    assert page.first("input")["value"] == '"><script>x</script>'  # kept in the box, as text
