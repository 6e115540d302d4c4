"""A cache that cannot be read (a damaged file, a failing disk): how to say so, and ``sambat-tui repair``.

Whatever reads the cache raises ``StoreDamaged`` then. The app and the commands stop with words, not a
traceback, and name the command that rebuilds the cache (``store.salvage``): the changes not yet sent are
carried over, the rest comes again from the server at the next sync, and the old file is kept aside.
"""

from __future__ import annotations

from sambat_tui.services.profiles import DEFAULT_PROFILE, Profile
from sambat_tui.store.db import StoreDamaged as StoreDamaged
from sambat_tui.store.salvage import Rebuilt as Rebuilt
from sambat_tui.store.salvage import rebuild


def repair_command(profile_name: str) -> str:
    """The command line that repairs the cache of ``profile_name``, for a message to show."""
    if profile_name == DEFAULT_PROFILE:
        return "sambat-tui repair"
    return f"sambat-tui --profile {profile_name} repair"


def repair_cache(profile: Profile, *, force: bool = False) -> Rebuilt:
    """Rebuild the profile's cache if it is damaged (always, with ``force``); see ``store.salvage.rebuild``.
    ``StoreLocked`` while the app or a sync has it open."""
    return rebuild(profile.cache_path, force=force)
