"""One answer, two formats: GeoReport v2 XML and its JSON mapping (the Spark convention).

An answer is built once as plain data (dicts, lists, strings, numbers, booleans, None) and written either as
JSON or as XML. The Spark convention the spec names makes the two the same tree: a JSON array is an XML
wrapper element holding one element per item (``"formats": ["text/xml"]`` is
``<formats><format>text/xml</format></formats>``), and a JSON document that is an array or an object is the
XML root element without its name. ``LIST_ITEMS`` names the item element of every wrapper this API uses.

XML is written by hand rather than with ElementTree: XML 1.0 cannot carry most C0 control characters at all,
so citizens' text has them replaced (U+FFFD) to keep the document well-formed, and a carriage return is
written as ``&#13;`` so that it survives a parser's line-end normalisation. JSON carries text as it is stored.
"""

from __future__ import annotations

import json
import math
import re
from enum import StrEnum

Json = dict[str, "Json"] | list["Json"] | str | int | float | bool | None


class Format(StrEnum):
    XML = "xml"
    JSON = "json"

    @property
    def media_type(self) -> str:
        return "text/xml; charset=utf-8" if self is Format.XML else "application/json; charset=utf-8"


LIST_ITEMS: dict[str, str] = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "notes": "note",
    "service_request_updates": "request_update",
}
"""Wrapper element -> item element, for every array of the API (also the root arrays)."""

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_XML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})


def xml_text(text: str) -> str:
    """Text as XML character data: escaped, with what XML 1.0 cannot hold replaced by U+FFFD."""
    return _XML_INVALID.sub("\ufffd", text).translate(_XML_ESCAPES)


def _scalar(value: str | int | float | bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{value!r} has no XML or JSON form")
        return repr(value)
    if isinstance(value, int):
        return str(value)
    return xml_text(value)


def _element(name: str, value: Json, out: list[str]) -> None:
    if value is None or value == "" or value == [] or value == {}:
        out.append(f"<{name}/>")
        return
    out.append(f"<{name}>")
    if isinstance(value, dict):
        for key, child in value.items():
            _element(key, child, out)
    elif isinstance(value, list):
        item = LIST_ITEMS.get(name)
        if item is None:
            raise ValueError(f"no item element is defined for the list <{name}>")
        for child in value:
            _element(item, child, out)
    else:
        out.append(_scalar(value))
    out.append(f"</{name}>")


def render_xml(root: str, document: Json) -> bytes:
    """The document as an XML file whose root element is ``root``, with the UTF-8 declaration."""
    out = ['<?xml version="1.0" encoding="utf-8"?>\n']
    _element(root, document, out)
    out.append("\n")
    return "".join(out).encode("utf-8")


def render_json(document: Json) -> bytes:
    # ensure_ascii=False: UTF-8 on the wire, as the spec requires, and smaller for Indonesian text.
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")


def render(fmt: Format, root: str, document: Json) -> bytes:
    return render_xml(root, document) if fmt is Format.XML else render_json(document)
