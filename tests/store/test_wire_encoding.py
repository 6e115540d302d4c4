"""The JSON text the cache keeps for a wire object: the same data back, byte for byte, or a clear refusal."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sambat_tui.store.complaints import BadRecord, encode_wire

_TEXT = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=20)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**53), max_value=2**53) | _TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_TEXT, inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(_TEXT, _JSON, max_size=6))
def test_storable_data_comes_back_unchanged(data: dict[str, Any]) -> None:
    assert json.loads(encode_wire(data)) == data


@settings(max_examples=100, deadline=None)
@given(_TEXT, _TEXT)
def test_nul_anywhere_is_refused_and_a_backslash_before_it_is_not_mistaken(before: str, after: str) -> None:
    with pytest.raises(BadRecord, match="NUL"):
        encode_wire({"body": before + "\x00" + after})
    text = before + "\\u0000" + after  # the six characters, as a citizen may type them
    assert json.loads(encode_wire({"body": text})) == {"body": text}


@pytest.mark.parametrize("text", ["\ud800", "a\udfffb", "ok \udc80"])
def test_a_lone_surrogate_is_refused(text: str) -> None:
    with pytest.raises(BadRecord, match="lone surrogate"):
        encode_wire({"title": text})


def test_a_value_json_has_no_form_for_is_refused() -> None:
    with pytest.raises(BadRecord, match="not JSON data"):
        encode_wire({"when": object()})
