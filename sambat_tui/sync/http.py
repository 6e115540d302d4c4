"""``httpx`` without its command-line tool.

httpx's package imports ``httpx._main`` (its ``httpx`` command) whenever click is installed, and that
loads rich and pygments: tens of milliseconds at start, and a UI toolkit inside the headless layers. The
client needs none of it. A ``None`` entry in ``sys.modules`` makes that one import fail, and httpx then
falls back to its own stub; nothing else changes. Import httpx from here.
"""

from __future__ import annotations

import sys

if "httpx" not in sys.modules:
    sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]

import httpx

__all__ = ["httpx"]
