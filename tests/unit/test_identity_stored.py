"""The signed-in identity read from the stored /v1/me answer as plain JSON equals the contract's reading."""

from __future__ import annotations

import json

import pytest

from sambat_tui.services.identity import Identity
from tests.support.cache import USERS, me_of


@pytest.mark.parametrize("user_id", sorted(USERS))
def test_plain_reading_equals_the_contract_reading(user_id: str) -> None:
    me = me_of(user_id)
    assert Identity.from_stored(me.model_dump_json(by_alias=True)) == Identity.from_me(me)


def test_desks_and_roles_of_the_answer_win_over_the_user_record() -> None:
    me = me_of("operator.dpuprpkp")
    data = json.loads(me.model_dump_json(by_alias=True))
    data["desks"] = [{"id": "dpuprpkp.jalan", "agency_id": "dpuprpkp", "name": "Jalan"}]
    data["user"]["desk_ids"] = ["dpuprpkp.other"]
    data["roles"] = []  # empty: the user's own roles count
    parsed = Identity.from_stored(json.dumps(data))
    assert parsed is not None
    assert parsed.desk_ids == ("dpuprpkp.jalan",)
    assert {r.value for r in parsed.roles} == {"operator"}


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.pop("user"),
        lambda d: d["user"].update(id=7),
        lambda d: d["user"].update(name=None),
        lambda d: d.update(roles=["mayor"]),
        lambda d: d.update(roles="operator"),
        lambda d: d.update(desks=[{"name": "no id"}]),
        lambda d: d["user"].update(agency_id=["x"]),
    ],
)
def test_a_stored_answer_of_another_shape_reads_as_nobody(change: object) -> None:
    data = json.loads(me_of("supervisor.dpuprpkp").model_dump_json(by_alias=True))
    change(data)  # type: ignore[operator]
    assert Identity.from_stored(json.dumps(data)) is None


@pytest.mark.parametrize("raw", ["", "not json", "[]", "null", '{"user": "x"}'])
def test_text_that_is_not_an_answer_reads_as_nobody(raw: str) -> None:
    assert Identity.from_stored(raw) is None
