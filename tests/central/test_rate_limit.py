"""Rate limiting: a token bucket per credential; 429 ``rate_limited`` with Retry-After, bounded memory."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from hypothesis import given, settings
from hypothesis import strategies as st

from sambat_tui.central import cli
from sambat_tui.central.context import Context, Settings
from sambat_tui.central.open311.keys import issue_key
from sambat_tui.central.ratelimit import RateLimit, TokenBuckets
from tests.central.open311_support import BASE, assert_json_errors, assert_xml_errors
from tests.central.support import Api, Clock, assert_problem, serving
from tests.support.server import CentralServer

BURST = 3


class Ticks:
    """A monotonic clock moved by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def ticks() -> Ticks:
    return Ticks()


@pytest.fixture
def limited(settings: Settings, clock: Clock, shared_app: FastAPI, ticks: Ticks) -> Iterator[Api]:
    """The app with a small limit (60 a minute, bursts of 3) on a clock of its own."""
    limit = RateLimit(per_minute=60, burst=BURST)
    opened = Context.open(dataclasses.replace(settings, rate_limit=limit))
    context = dataclasses.replace(opened, limiter=TokenBuckets(limit, clock=ticks))
    with serving(shared_app, context, clock) as api:
        yield api


def test_a_token_gets_its_burst_then_429_with_retry_after(limited: Api, ticks: Ticks) -> None:
    for _ in range(BURST):
        assert limited.get("/v1/me", "operator.dlh").status_code == 200
    refused = limited.get("/v1/me", "operator.dlh")
    body = assert_problem(refused, 429, "rate_limited")
    # Wait for the whole burst, not for the next request only: that one would go to the next /v1/me.
    assert refused.headers["retry-after"] == str(BURST) and f"dalam {BURST} detik" in body["detail"]
    assert limited.get("/v1/me", "field.dlh").status_code == 200, "another token has its own bucket"
    ticks.now += 1.0  # one request a second comes back
    assert limited.get("/v1/me", "operator.dlh").status_code == 200
    assert limited.get("/v1/me", "operator.dlh").status_code == 429
    ticks.now += BURST
    assert [limited.get("/v1/me", "operator.dlh").status_code for _ in range(BURST)] == [200] * BURST


def test_requests_without_a_token_share_their_addresss_bucket(limited: Api) -> None:
    client = limited.client
    answers = [client.get("/v1/me").status_code, client.get("/lacak").status_code]
    answers.append(client.get(f"{BASE}/services.json").status_code)
    assert answers == [401, 200, 200]
    assert_problem(client.get("/lacak"), 429, "rate_limited")
    assert limited.get("/v1/me", "coordinator").status_code == 200, "a token is not the address"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_open311_answers_429_in_its_own_error_shape(limited: Api, fmt: str) -> None:
    for _ in range(BURST):
        assert limited.client.get(f"{BASE}/services.{fmt}").status_code == 200
    refused = limited.client.get(f"{BASE}/services.{fmt}")
    check = assert_json_errors if fmt == "json" else assert_xml_errors
    [description] = check(refused, 429)
    assert "coba lagi" in description and refused.headers["retry-after"] == str(BURST)


def test_an_open311_post_is_charged_to_its_api_key_wherever_the_key_is(limited: Api) -> None:
    key = issue_key(limited.context.storage, "lapor-malang", limited.clock())
    for _ in range(BURST):
        limited.client.get(f"{BASE}/services.json")  # the address's bucket is now empty
    fields: dict[str, Any] = {
        "service_code": "SAMPAH",
        "lat": "-7.95",
        "long": "112.64",
        "description": "TPS penuh sejak kemarin",
        "attribute[jenis_sampah][]": "kebun",
    }
    sent = [
        limited.client.post(f"{BASE}/requests.json", data={"api_key": key, **fields}),
        limited.client.post(
            f"{BASE}/requests.json",
            content=json.dumps({"api_key": key, **fields}),
            headers={"content-type": "application/json"},
        ),
        limited.client.post(
            f"{BASE}/requests.json", files={k: (None, v) for k, v in {"api_key": key, **fields}.items()}
        ),
    ]
    assert [r.status_code for r in sent] == [201, 201, 201], [r.text for r in sent]
    assert_json_errors(limited.client.post(f"{BASE}/requests.json?api_key={key}", data=fields), 429)
    assert_json_errors(limited.client.post(f"{BASE}/requests.json", data=fields), 429)  # no key: address


def test_made_up_tokens_from_one_address_share_one_bucket(limited: Api) -> None:
    assert limited.get("/v1/me", "operator.dlh").status_code == 200  # proven before the guessing starts
    guesses = [
        limited.client.get("/v1/me", headers={"authorization": f"Bearer made-up-{n}"}).status_code
        for n in range(BURST - 1)  # the proven token's first request was charged to that bucket too
    ]
    assert guesses == [401] * (BURST - 1)
    refused = limited.client.get("/v1/me", headers={"authorization": "Bearer made-up-again"})
    assert_problem(refused, 429, "rate_limited")
    assert limited.get("/v1/me", "operator.dlh").status_code == 200, "a proven token pays only its own bucket"
    assert limited.get("/v1/me", "field.dlh").status_code == 429, "a new token from there waits like a guess"


def test_made_up_api_keys_from_one_address_share_one_bucket(limited: Api) -> None:
    fields = {"service_code": "SAMPAH", "lat": "-7.95", "long": "112.64", "description": "TPS penuh"}
    answers = [
        limited.client.post(f"{BASE}/requests.json", data={"api_key": f"tebakan-{n}", **fields}).status_code
        for n in range(BURST + 1)
    ]
    assert answers == [403] * BURST + [429]


def test_an_accepted_answer_proves_a_credential_and_proofs_stay_bounded(ticks: Ticks) -> None:
    buckets = TokenBuckets(RateLimit(per_minute=60, burst=5), clock=ticks, max_keys=3)
    assert not buckets.is_proven("bearer:a")
    for key in ("bearer:a", "bearer:b", "bearer:c"):
        buckets.prove(key)
    assert buckets.is_proven("bearer:a")  # now the most recently used
    buckets.prove("bearer:d")
    assert [buckets.is_proven(k) for k in ("bearer:a", "bearer:b", "bearer:c", "bearer:d")] == [
        True,
        False,
        True,
        True,
    ]


def test_no_limit_when_the_settings_have_none(api: Api, settings: Settings) -> None:
    assert settings.rate_limit is not None and api.context.limiter is not None
    off = Context.open(dataclasses.replace(settings, rate_limit=None))
    try:
        assert off.limiter is None
    finally:
        off.storage.close()


def test_serve_takes_the_limit_from_its_options(tmp_path: Path) -> None:
    server = CentralServer(tmp_path / "central", serve_options=("--rate-limit", "1", "--rate-burst", "1"))
    server.start()  # its readiness probe, without a token, has spent the address's one request
    try:
        refused = httpx.get(f"{server.url}/v1/me")
        assert_problem(refused, 429, "rate_limited")
        assert refused.headers["retry-after"] == "60"
        assert_json_errors(httpx.get(f"{server.url}{BASE}/services.json"), 429)
        assert server.http("coordinator").get("/v1/me").status_code == 200
        assert_problem(server.http("coordinator").get("/v1/me"), 429, "rate_limited")
    finally:
        server.stop()


@pytest.mark.parametrize("options", [["--rate-limit", "-1"], ["--rate-burst", "0"], ["--rate-limit", "x"]])
def test_bad_limits_are_usage_errors(options: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.build_parser().parse_args(["serve", *options])
    assert exit_.value.code == 2 and "--rate-" in capsys.readouterr().err


def test_buckets_refill_at_the_rate_up_to_the_burst(ticks: Ticks) -> None:
    buckets = TokenBuckets(RateLimit(per_minute=120, burst=4), clock=ticks)
    assert [buckets.take("a") for _ in range(4)] == [0.0] * 4
    assert buckets.take("a") == pytest.approx(2.0)  # until full: 4 requests at 2 a second
    ticks.now += 0.5
    assert buckets.take("a") == 0.0 and buckets.take("a") == pytest.approx(2.0)
    ticks.now += 60.0  # a long pause refills to the burst, not beyond
    assert [buckets.take("a") == 0.0 for _ in range(5)] == [True] * 4 + [False]


def test_idle_buckets_are_dropped(ticks: Ticks) -> None:
    buckets = TokenBuckets(RateLimit(per_minute=60, burst=10), clock=ticks)
    for n in range(1000):
        buckets.take(f"addr:10.0.{n // 256}.{n % 256}")
    assert len(buckets) == 1000
    ticks.now += 10.0  # time for every bucket to be full again
    buckets.take("addr:10.9.9.9")
    assert len(buckets) == 1


STEPS = st.lists(st.tuples(st.integers(0, 30), st.floats(0, 3, allow_nan=False)), min_size=1, max_size=300)
"""Requests as (which of 31 credentials, seconds since the previous request)."""


@settings(max_examples=150, deadline=None)
@given(steps=STEPS, max_keys=st.integers(1, 20))
def test_memory_stays_bounded_however_many_credentials_come(
    steps: list[tuple[int, float]], max_keys: int
) -> None:
    ticks = Ticks()
    buckets = TokenBuckets(RateLimit(per_minute=60, burst=5), clock=ticks, max_keys=max_keys)
    for key, pause in steps:
        ticks.now += pause
        buckets.take(str(key))
        assert len(buckets) <= max_keys


@settings(max_examples=150, deadline=None)
@given(steps=STEPS)
def test_no_credential_gets_more_than_its_burst_plus_the_rate(steps: list[tuple[int, float]]) -> None:
    ticks = Ticks()
    start = ticks.now
    limit = RateLimit(per_minute=60, burst=5)
    buckets = TokenBuckets(limit, clock=ticks)
    allowed: dict[int, int] = {}
    for key, pause in steps:
        ticks.now += pause
        if buckets.take(str(key)) == 0.0:
            allowed[key] = allowed.get(key, 0) + 1
        elapsed = ticks.now - start
        assert allowed.get(key, 0) <= limit.capacity + elapsed * limit.per_minute / 60
