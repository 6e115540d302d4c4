"""Python's cyclic garbage collector on a clock of the app's, off the way of the key presses.

Each key press leaves cyclic garbage (Textual's messages and callbacks) that only the collector frees. Left to
itself, Python collects when 700 more objects were made than freed: inside the handling of about every key
press (~0.3 ms), and every tenth time the middle generation too (~2.5 ms, up to 4), which the frame of that
key then waits for. Here the app's clock asks every ``TICK_SECONDS``, between events, and Python's own trigger
stays only as a safety net for a burst that never lets the clock tick.
"""

from __future__ import annotations

import gc
from typing import Final

TICK_SECONDS: Final = 0.05
YOUNG: Final = 700
"""Objects made (net) since the last collection that make a tick collect: Python's own threshold."""
SAFETY_THRESHOLD: Final = 50_000
"""Python's trigger while the clock runs: far above what a tick finds, so it fires only if ticks stop."""
OLDER_EVERY: Final = 10
"""A collection of the next generation too after this many of the one below (Python's own ratio)."""


def take_over() -> None:
    """From now on the clock collects; Python collects by itself only past ``SAFETY_THRESHOLD``."""
    gc.set_threshold(SAFETY_THRESHOLD, OLDER_EVERY, OLDER_EVERY)


def tick() -> int | None:
    """Collect if enough was made since the last time: the generation collected, or None."""
    young, middle, old = gc.get_count()
    if young < YOUNG:
        return None
    generation = 2 if old >= OLDER_EVERY else 1 if middle >= OLDER_EVERY else 0
    gc.collect(generation)
    return generation
