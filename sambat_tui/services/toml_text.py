"""Writing the little TOML the client keeps (a profile, the app config); reading is the stdlib's ``tomllib``.

Only what those files hold: strings, integers, booleans, lists of strings, one level of tables and arrays of
tables. Anything else is a programming error and raises ``TypeError``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")

Scalar = str | int | bool
Value = Scalar | Sequence[str]


def quote(text: str) -> str:
    """A TOML basic string. JSON's escapes are TOML's, except that TOML also wants DEL escaped."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def key(name: str) -> str:
    return name if _BARE_KEY.match(name) else quote(name)


def value(item: object) -> str:
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, int):
        return str(item)
    if isinstance(item, str):
        return quote(item)
    if isinstance(item, list | tuple) and all(isinstance(i, str) for i in item):
        return "[" + ", ".join(quote(i) for i in item) + "]"
    raise TypeError(f"cannot write {type(item).__name__} as TOML here")


def dumps(
    top: Mapping[str, Value],
    tables: Mapping[str, Mapping[str, Value]] | None = None,
    arrays: Mapping[str, Sequence[Mapping[str, Value]]] | None = None,
) -> str:
    lines = [f"{key(k)} = {value(v)}" for k, v in top.items()]
    for name, table in (tables or {}).items():
        lines += ["", f"[{key(name)}]"] + [f"{key(k)} = {value(v)}" for k, v in table.items()]
    for name, items in (arrays or {}).items():
        for item in items:
            lines += ["", f"[[{key(name)}]]"] + [f"{key(k)} = {value(v)}" for k, v in item.items()]
    return "\n".join(lines) + "\n"
