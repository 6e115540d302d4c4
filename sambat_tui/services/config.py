"""The app config of a profile, ``config.toml``: language, theme, key remaps, saved filters, sync interval.

```toml
lang = "id"                    # "id" or "en"
theme = "dark"
sync_interval_seconds = 60     # 0: sync only when asked (ctrl+r, `sambat-tui sync`)

[keys]                         # binding id = key, see the help screen for the ids
take = "T"

[[filters]]
name = "Jalan Lowokwaru"
query = "cat:JALAN_RUSAK kec:Lowokwaru"
```

A missing file is the defaults. A misspelt key is an error, not silently ignored.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

from sambat_tui.services import toml_text
from sambat_tui.services.files import write_private_text

if TYPE_CHECKING:
    from sambat_tui.services.profiles import Profile

LANGUAGES = ("id", "en")
MIN_SYNC_INTERVAL = 5
_TOP_KEYS = frozenset({"lang", "theme", "sync_interval_seconds", "keys", "filters"})


class ConfigError(ValueError):
    """The config file cannot be used; the message names the file and the entry."""


class SavedFilter(NamedTuple):
    name: str
    query: str


class AppConfig(NamedTuple):
    lang: str = "id"
    theme: str = "dark"
    keys: Mapping[str, str] = MappingProxyType({})
    filters: tuple[SavedFilter, ...] = ()
    sync_interval_seconds: int = 60


def _string(data: Mapping[str, Any], name: str, default: str, where: str) -> str:
    got = data.get(name, default)
    if not isinstance(got, str) or not got.strip():
        raise ConfigError(f"{where}: {name} must be a non-empty string")
    return got


def parse_config(data: Mapping[str, Any], where: str = "config.toml") -> AppConfig:
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise ConfigError(
            f"{where}: unknown setting(s) {', '.join(unknown)}; known: {', '.join(sorted(_TOP_KEYS))}"
        )
    lang = _string(data, "lang", "id", where)
    if lang not in LANGUAGES:
        raise ConfigError(f"{where}: lang must be one of {', '.join(LANGUAGES)}, not {lang!r}")
    theme = _string(data, "theme", "dark", where)
    interval = data.get("sync_interval_seconds", 60)
    if isinstance(interval, bool) or not isinstance(interval, int) or (0 < interval < MIN_SYNC_INTERVAL):
        raise ConfigError(
            f"{where}: sync_interval_seconds must be 0 (manual) or a whole number >= {MIN_SYNC_INTERVAL}"
        )
    if interval < 0:
        raise ConfigError(f"{where}: sync_interval_seconds cannot be negative")
    raw_keys = data.get("keys", {})
    if not isinstance(raw_keys, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and v for k, v in raw_keys.items()
    ):
        raise ConfigError(f'{where}: [keys] maps binding ids to keys, e.g. take = "T"')
    raw_filters = data.get("filters", [])
    if not isinstance(raw_filters, list):
        raise ConfigError(f"{where}: filters is a list of [[filters]] tables")
    filters: list[SavedFilter] = []
    for number, item in enumerate(raw_filters, start=1):
        if not isinstance(item, dict) or set(item) != {"name", "query"}:
            raise ConfigError(f"{where}: filter {number} needs exactly name and query")
        name, query = item["name"], item["query"]
        if not isinstance(name, str) or not name.strip() or not isinstance(query, str):
            raise ConfigError(f"{where}: filter {number}: name is a non-empty string, query a string")
        filters.append(SavedFilter(name, query))
    return AppConfig(
        lang=lang,
        theme=theme,
        keys=MappingProxyType(dict(raw_keys)),
        filters=tuple(filters),
        sync_interval_seconds=interval,
    )


def load_config(profile: Profile) -> AppConfig:
    path = profile.config_file
    if not path.exists():
        return AppConfig()
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: {error}") from None
    return parse_config(data, str(path))


def save_config(profile: Profile, config: AppConfig) -> None:
    text = toml_text.dumps(
        {"lang": config.lang, "theme": config.theme, "sync_interval_seconds": config.sync_interval_seconds},
        tables={"keys": dict(config.keys)} if config.keys else None,
        arrays={"filters": [{"name": f.name, "query": f.query} for f in config.filters]}
        if config.filters
        else None,
    )
    write_private_text(profile.config_file, text)
