"""Free text on the wire: stored and returned byte for byte, with the two things SQLite and UTF-8 cannot hold.

Text is never trimmed, normalised or re-encoded. It is rejected when it holds U+0000 (C APIs and many tools
cut a string there, so what is stored would not be what was sent) or a lone surrogate (not encodable as UTF-8;
Python's JSON decoder lets ``"\\ud800"`` through, so the contract has to refuse it).
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, StringConstraints

_SURROGATE = re.compile("[\ud800-\udfff]")


def check_text(value: str) -> str:
    """Return ``value`` unchanged when it can be stored exactly; raise ``ValueError`` otherwise."""
    if "\x00" in value:
        raise ValueError("teks tidak boleh berisi karakter NUL (U+0000) / text must not contain NUL (U+0000)")
    match = _SURROGATE.search(value)
    if match is not None:
        raise ValueError(
            f"teks berisi surrogate tunggal U+{ord(match.group()):04X} yang bukan UTF-8 sah / "
            f"text holds a lone surrogate U+{ord(match.group()):04X}, which is not valid UTF-8"
        )
    return value


def check_not_blank(value: str) -> str:
    """A title, body or reason must say something; whitespace alone is not a reason."""
    if not value.strip():
        raise ValueError("teks tidak boleh kosong / text must not be blank")
    return value


Text = Annotated[str, AfterValidator(check_text)]
"""Any storable text, possibly empty."""

ShortText = Annotated[str, StringConstraints(max_length=500), AfterValidator(check_text)]
"""A name, an address, a reference: one line's worth, but newlines are kept if sent."""

Title = Annotated[
    str, StringConstraints(max_length=300), AfterValidator(check_text), AfterValidator(check_not_blank)
]

LongText = Annotated[
    str, StringConstraints(max_length=20_000), AfterValidator(check_text), AfterValidator(check_not_blank)
]
"""A description or an update body."""

Reason = Annotated[
    str, StringConstraints(max_length=2_000), AfterValidator(check_text), AfterValidator(check_not_blank)
]

Identifier = Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.\-]+$")]
"""Slugs of agencies, desks, users and category codes."""
