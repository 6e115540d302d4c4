"""The Open311 GeoReport v2 facade of the central server (``/open311/v2/``), for citizens' and partners' apps.

``install_open311(app)`` adds its routes to the central app. The modules: ``router`` (routes and arguments),
``submit`` (POST requests: checks, intake, retries), ``views`` (complaints as service requests), ``services``
(the service list and the attributes of each category), ``public`` (what the public may know of a complaint,
shared with the tracking page), ``documents`` (XML and JSON), ``params``, ``errors`` and ``keys`` (partner
api keys and the ``sambat-central apikey`` command).
"""

from __future__ import annotations

from fastapi import FastAPI

from sambat_tui.central.open311.router import Open311Config, build_router


def install_open311(app: FastAPI, config: Open311Config | None = None) -> None:
    app.include_router(build_router(config))


__all__ = ["Open311Config", "build_router", "install_open311"]
