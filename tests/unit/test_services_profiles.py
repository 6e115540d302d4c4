"""Profiles, the app config, the token's home, canned responses, and the backoff schedule."""

from __future__ import annotations

import random
import stat
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sambat_tui.domain.model import Status
from sambat_tui.services import credentials
from sambat_tui.services.config import (
    AppConfig,
    ConfigError,
    SavedFilter,
    load_config,
    parse_config,
    save_config,
)
from sambat_tui.services.credentials import CredentialError, TokenStore
from sambat_tui.services.profiles import (
    ProfileError,
    check_profile_name,
    list_profiles,
    profile_paths,
    save_profile,
)
from sambat_tui.services.templates import TemplateError, load_canned_responses, responses_for
from sambat_tui.services.toml_text import dumps, quote
from sambat_tui.sync.backoff import Backoff
from tests.support.cache import private_home


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return private_home(tmp_path, monkeypatch)


def test_sambat_tui_home_moves_everything_under_one_folder(home: Path) -> None:
    profile = profile_paths("lapangan")
    assert profile.config_dir == home / "config" / "lapangan"
    assert profile.cache_path == home / "data" / "lapangan" / "cache.sqlite3"
    assert profile.log_dir == home / "logs" / "lapangan"
    assert not profile.configured and not home.exists(), "looking a profile up creates nothing"


def test_profiles_are_saved_and_listed(home: Path) -> None:
    for name in ("kantor", "lapangan"):
        save_profile(profile_paths(name), server_url=f"https://{name}.example.go.id", user_id=f"u.{name}")
    again = profile_paths("lapangan")
    assert (again.server_url, again.user_id, again.configured) == (
        "https://lapangan.example.go.id",
        "u.lapangan",
        True,
    )
    assert list_profiles() == ("kantor", "lapangan")
    assert stat.S_IMODE(again.profile_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(again.config_dir.stat().st_mode) == 0o700


@pytest.mark.parametrize("name", ["", "Default", "../etc", "a b", "-x", "x" * 41])
def test_bad_profile_names_are_refused(name: str) -> None:
    with pytest.raises(ProfileError):
        check_profile_name(name)


def test_a_broken_profile_file_is_a_clear_error(home: Path) -> None:
    profile = profile_paths()
    profile.config_dir.mkdir(parents=True)
    profile.profile_file.write_text("server_url = [1, 2]\n")
    with pytest.raises(ProfileError, match="server_url"):
        profile_paths()


def test_config_defaults_and_round_trip(home: Path) -> None:
    profile = profile_paths()
    assert load_config(profile) == AppConfig()
    config = AppConfig(
        lang="en",
        theme="light",
        keys={"take": "T", "sync": "ctrl+r"},
        filters=(SavedFilter('Jalan "Lowokwaru"\x7f', 'cat:jalan_rusak kec:"Lowokwaru"'),),
        sync_interval_seconds=0,
    )
    save_config(profile, config)
    loaded = load_config(profile)
    assert (loaded.lang, loaded.theme, dict(loaded.keys), loaded.filters, loaded.sync_interval_seconds) == (
        "en",
        "light",
        {"take": "T", "sync": "ctrl+r"},
        config.filters,
        0,
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"sync_interval": 5}, "unknown setting"),
        ({"lang": "fr"}, "lang"),
        ({"sync_interval_seconds": 2}, "sync_interval_seconds"),
        ({"sync_interval_seconds": True}, "sync_interval_seconds"),
        ({"keys": {"take": 1}}, "keys"),
        ({"filters": [{"name": "x"}]}, "filter 1"),
    ],
)
def test_config_mistakes_are_named(data: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_config(data)


@given(st.text(alphabet=st.characters(exclude_categories=["Cs"])))
def test_toml_strings_round_trip(text: str) -> None:
    assert tomllib.loads(f"x = {quote(text)}\n")["x"] == text


def test_toml_refuses_what_it_cannot_write() -> None:
    with pytest.raises(TypeError):
        dumps({"x": 1.5})  # type: ignore[dict-item]


def test_the_token_goes_to_a_private_file_without_a_keyring(home: Path) -> None:
    profile = save_profile(profile_paths(), server_url="https://x.example.go.id", user_id="u")
    store = TokenStore(profile)
    assert store.get() is None and store.describe() == "none"
    where = store.set("sbt_secret-token\n")
    assert where == str(store.file) and "sbt_secret" not in store.describe()
    assert stat.S_IMODE(store.file.stat().st_mode) == 0o600
    assert store.get() == "sbt_secret-token"
    store.file.chmod(0o644)
    with pytest.raises(CredentialError, match="chmod 600"):
        store.get()
    store.delete()
    assert store.get() is None


def test_a_bad_token_is_refused(home: Path) -> None:
    with pytest.raises(CredentialError):
        TokenStore(profile_paths()).set("two words")


class _MemoryKeyring:
    priority = 5.0

    def __init__(self) -> None:
        self.saved: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, user: str) -> str | None:
        return self.saved.get((service, user))

    def set_password(self, service: str, user: str, password: str) -> None:
        self.saved[(service, user)] = password

    def delete_password(self, service: str, user: str) -> None:
        self.saved.pop((service, user), None)


def test_a_usable_keyring_keeps_the_token_instead_of_the_file(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keyring = _MemoryKeyring()
    monkeypatch.setattr(credentials, "usable_keyring", lambda: keyring)
    profile = save_profile(profile_paths(), server_url="https://x.example.go.id", user_id="u")
    store = TokenStore(profile)
    store.file.write_text("old\n")
    store.file.chmod(0o600)
    assert store.set("sbt_k").startswith("OS keyring")
    assert keyring.saved == {("sambat-tui", "default"): "sbt_k"}
    assert not store.file.exists(), "no stale copy left in the file"
    assert store.get() == "sbt_k"


def test_the_fail_and_null_keyrings_are_not_usable(monkeypatch: pytest.MonkeyPatch) -> None:
    import keyring
    from keyring.backends import fail, null

    monkeypatch.delenv("SAMBAT_TUI_KEYRING", raising=False)
    previous = keyring.get_keyring()
    try:
        for backend in (fail.Keyring(), null.Keyring()):
            keyring.set_keyring(backend)
            assert credentials.usable_keyring() is None
        monkeypatch.setenv("SAMBAT_TUI_KEYRING", "file")
        assert credentials.usable_keyring() is None
    finally:
        keyring.set_keyring(previous)


def test_the_shipped_canned_responses_cover_every_working_status() -> None:
    shipped = load_canned_responses()
    for status in (Status.ASSIGNED, Status.IN_PROGRESS, Status.ON_HOLD):
        assert responses_for(shipped, status, None), status
    assert responses_for(shipped, Status.CLOSED, "infrastruktur") == ()
    assert all("{ref}" in r.body for r in shipped)


@pytest.mark.parametrize(
    "text",
    [
        "[[response]]\nid = 'a'\n",
        "[[response]]\nid='a'\ntitle='t'\nstatuses=['nope']\ngroups=['*']\nbody='b'\n",
        "[[response]]\nid='a'\ntitle='t'\nstatuses=['assigned']\ngroups=[]\nbody='b'\n",
        "[[response]]\nid='a'\ntitle='t'\nstatuses=['assigned']\ngroups=['*']\nbody='b'\n" * 2,
        "response = 3",
        "not toml [",
    ],
)
def test_a_malformed_canned_responses_file_is_refused(tmp_path: Path, text: str) -> None:
    path = tmp_path / "canned.toml"
    path.write_text(text)
    with pytest.raises(TemplateError):
        load_canned_responses(path)


def test_backoff_grows_is_capped_and_honours_retry_after() -> None:
    backoff = Backoff(base_seconds=2, cap_seconds=60, rng=random.Random(7))
    ceilings = [backoff.ceiling(n) for n in range(1, 9)]
    assert ceilings == [2, 4, 8, 16, 32, 60, 60, 60]
    for attempts in range(1, 9):
        for _ in range(50):
            assert 1.0 <= backoff.delay(attempts) <= backoff.ceiling(attempts)
    assert backoff.delay(1, retry_after=30) >= 30
    assert backoff.delay(1, retry_after=3600) <= 60
    assert len({round(backoff.delay(6), 3) for _ in range(20)}) > 1, "jitter spreads the retries"
    with pytest.raises(ValueError):
        backoff.ceiling(0)
    with pytest.raises(ValueError):
        Backoff(base_seconds=10, cap_seconds=5)
