"""The FastAPI application of the central server: ``create_app(settings)``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

import sambat_tui
from sambat_tui.central.bootstrap import ensure_initialised
from sambat_tui.central.context import Context, Settings
from sambat_tui.central.jobs import JobRunner
from sambat_tui.central.open311 import Open311Config, install_open311
from sambat_tui.central.problems import document_problems, install_problem_handlers
from sambat_tui.central.ratelimit import RateLimitMiddleware
from sambat_tui.central.routes import acts, changes, complaints, directory, supervision
from sambat_tui.central.tracking import router as tracking_router


def create_app(settings: Settings) -> FastAPI:
    """Open and migrate the database, load the reference data on first start, and build the app.

    The app's ``state.context`` holds the storage and the rest; the SLA jobs run in the background while the
    app's lifespan runs (when ``settings.job_interval_seconds`` is set). Shutting the lifespan down closes the
    database; an app used without its lifespan is closed with ``app.state.context.storage.close()``.
    """
    context = Context.open(settings)
    try:
        ensure_initialised(
            context.storage,
            settings.reference,
            context.now(),
            coordinator_agency_id=settings.coordinator_agency_id,
            with_standard_users=settings.standard_users,
            update_reference=settings.reference_from_files,
        )
    except BaseException:
        context.storage.close()
        raise
    interval = settings.job_interval_seconds

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runner = JobRunner(context, interval) if interval is not None else None
        if runner is not None:
            runner.start()
        try:
            yield
        finally:
            if runner is not None:
                runner.stop()
            context.storage.close()

    app = FastAPI(
        title="sambat-central",
        version=sambat_tui.__version__,
        summary="Central API of the SAMBAT citizen-complaint system",
        lifespan=lifespan,
    )
    app.state.context = context
    install_problem_handlers(app)
    # Around the routes: a refused request costs no body parsing and no database read.
    app.add_middleware(RateLimitMiddleware)
    for module in (directory, changes, complaints, acts, supervision):
        app.include_router(module.router)
    # For citizens and partner apps: the Open311 GeoReport v2 facade and the /lacak tracking page.
    attributes = settings.attributes
    install_open311(app, Open311Config(catalogue=attributes) if attributes is not None else None)
    app.include_router(tracking_router)
    document_problems(app)
    return app
