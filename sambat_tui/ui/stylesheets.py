"""Where the app's CSS is: ``app.tcss``, what the inbox's first frame needs, and ``screens.tcss``, the rest.

Every screen but the inbox (and the loading screen that stands in for it) names ``SCREENS_CSS`` as its
``CSS_PATH``. The app reads that file as soon as the first frame is out (``SambatApp.read_screens_css``), so
opening one of those screens finds it parsed; one opened before that gets it from Textual, which reads a
screen's ``CSS_PATH`` when the screen is first shown.
"""

from __future__ import annotations

from pathlib import Path

APP_CSS = Path(__file__).with_name("app.tcss")
SCREENS_CSS = Path(__file__).with_name("screens.tcss")
