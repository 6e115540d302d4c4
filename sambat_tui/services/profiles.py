"""Profiles: one server and one user each, with their own config, cache and logs.

Paths follow the platform (platformdirs: ``~/.config/sambat-tui``, ``~/.local/share/sambat-tui``, ...).
``SAMBAT_TUI_HOME=/some/folder`` moves all three under one folder (``config/``, ``data/``, ``logs/``): a
portable install on a USB stick, a second installation for training, and every test.

Each profile has ``<config>/<name>/profile.toml`` (server URL, user id) and ``config.toml`` (the app config),
``<data>/<name>/cache.sqlite3`` (the local cache) and ``<logs>/<name>/``.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import NamedTuple

from platformdirs import user_config_dir, user_data_dir, user_log_dir

from sambat_tui.services import toml_text
from sambat_tui.services.files import private_dir, write_private_text

APP_NAME = "sambat-tui"
HOME_ENV = "SAMBAT_TUI_HOME"
DEFAULT_PROFILE = "default"
PROFILE_FILE = "profile.toml"
CACHE_FILE = "cache.sqlite3"

_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,39}$")


class ProfileError(ValueError):
    """A profile name or file the client cannot use."""


class Profile(NamedTuple):
    name: str
    server_url: str
    """Empty until ``sambat-tui login`` has set it."""
    user_id: str | None
    config_dir: Path
    data_dir: Path
    cache_path: Path
    log_dir: Path

    @property
    def configured(self) -> bool:
        return bool(self.server_url)

    @property
    def profile_file(self) -> Path:
        return self.config_dir / PROFILE_FILE

    @property
    def config_file(self) -> Path:
        return self.config_dir / "config.toml"


class Roots(NamedTuple):
    config: Path
    data: Path
    logs: Path


def roots() -> Roots:
    home = os.environ.get(HOME_ENV, "").strip()
    if home:
        base = Path(home).expanduser()
        return Roots(base / "config", base / "data", base / "logs")
    return Roots(Path(user_config_dir(APP_NAME)), Path(user_data_dir(APP_NAME)), Path(user_log_dir(APP_NAME)))


def check_profile_name(name: str) -> str:
    if not _NAME.match(name):
        raise ProfileError(
            f"profile name {name!r}: use 1-40 lowercase letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        )
    return name


def profile_paths(name: str = DEFAULT_PROFILE) -> Profile:
    """The profile ``name`` with its paths, and its server and user when it was signed in; creates nothing."""
    check_profile_name(name)
    base = roots()
    config_dir = base.config / name
    data_dir = base.data / name
    server_url, user_id = "", None
    path = config_dir / PROFILE_FILE
    if path.is_file():
        try:
            with path.open("rb") as handle:
                data = tomllib.load(handle)
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise ProfileError(f"{path}: {error}") from None
        raw_url, raw_user = data.get("server_url", ""), data.get("user_id")
        if not isinstance(raw_url, str) or not (raw_user is None or isinstance(raw_user, str)):
            raise ProfileError(f"{path}: server_url and user_id must be strings")
        server_url, user_id = raw_url, raw_user or None
    return Profile(
        name=name,
        server_url=server_url,
        user_id=user_id,
        config_dir=config_dir,
        data_dir=data_dir,
        cache_path=data_dir / CACHE_FILE,
        log_dir=base.logs / name,
    )


def save_profile(profile: Profile, *, server_url: str, user_id: str | None) -> Profile:
    """Write the profile's server and user; creates its directories (0700)."""
    for directory in (profile.config_dir, profile.data_dir, profile.log_dir):
        private_dir(directory)
    top: dict[str, toml_text.Value] = {"server_url": server_url}
    if user_id:
        top["user_id"] = user_id
    write_private_text(profile.profile_file, toml_text.dumps(top))
    return profile._replace(server_url=server_url, user_id=user_id)


def list_profiles() -> tuple[str, ...]:
    """Names of the profiles that have a profile file, sorted."""
    base = roots().config
    if not base.is_dir():
        return ()
    return tuple(
        sorted(p.name for p in base.iterdir() if _NAME.match(p.name) and (p / PROFILE_FILE).is_file())
    )


# INTERFACES.md names load_config with the profiles; it lives in config.py with the rest of the app config.
from sambat_tui.services.config import AppConfig, load_config  # noqa: E402

__all__ = [
    "DEFAULT_PROFILE",
    "HOME_ENV",
    "AppConfig",
    "Profile",
    "ProfileError",
    "check_profile_name",
    "list_profiles",
    "load_config",
    "profile_paths",
    "save_profile",
]
