"""Fixtures: one app per test on a temporary database, with a hand-moved clock and no background jobs."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI

from sambat_tui.central.app import create_app
from sambat_tui.central.bootstrap import ensure_initialised
from sambat_tui.central.context import Context, Settings
from sambat_tui.central.storage import DB_FILENAME, Storage
from sambat_tui.domain.calendar import WorkingCalendar
from sambat_tui.domain.reference import Reference, load_reference
from sambat_tui.domain.routing import Router
from sambat_tui.domain.sla import SlaPolicy
from tests.central.support import START, Api, Clock, serving


@pytest.fixture(scope="session")
def reference() -> Reference:
    return load_reference()


@pytest.fixture(scope="session")
def calendar() -> WorkingCalendar:
    return WorkingCalendar.load()


@pytest.fixture(scope="session")
def policy() -> SlaPolicy:
    return SlaPolicy.load()


@pytest.fixture(scope="session")
def router(reference: Reference) -> Router:
    return Router.load(reference=reference)


@pytest.fixture
def clock() -> Clock:
    return Clock()


def _scratch_base(fallback: Path) -> Path:
    """A fresh directory on tmpfs where there is one (fsync costs nothing there), else under ``fallback``."""
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        return Path(tempfile.mkdtemp(prefix="sambat-central-test-", dir=shm))
    fallback.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(dir=fallback))


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory, reference: Reference) -> Iterator[Path]:
    """A migrated database with the reference data and standard users, copied for each test."""
    base = _scratch_base(tmp_path_factory.mktemp("template"))
    storage = Storage.open(base)
    try:
        storage.migrate()
        ensure_initialised(storage, reference, START, coordinator_agency_id="diskominfo")
    finally:
        storage.close()  # the writer's close checkpoints: the file alone holds everything
    try:
        yield base / DB_FILENAME
    finally:
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def data_dir(tmp_path: Path, template_db: Path) -> Iterator[Path]:
    base = _scratch_base(tmp_path)
    directory = base / "central"
    directory.mkdir(mode=0o700)
    shutil.copyfile(template_db, directory / DB_FILENAME)
    try:
        yield directory
    finally:
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def settings(
    data_dir: Path,
    clock: Clock,
    reference: Reference,
    calendar: WorkingCalendar,
    policy: SlaPolicy,
    router: Router,
) -> Settings:
    return Settings(
        data_dir=data_dir,
        clock=clock,
        reference=reference,
        router=router,
        calendar=calendar,
        policy=policy,
        job_interval_seconds=None,
    )


@pytest.fixture(scope="session")
def shared_app(
    tmp_path_factory: pytest.TempPathFactory,
    template_db: Path,
    reference: Reference,
    calendar: WorkingCalendar,
    policy: SlaPolicy,
    router: Router,
) -> Iterator[FastAPI]:
    """One app per test process: building a FastAPI app costs ~35 ms of route analysis.

    Each test gives it its own context (its own database copy and clock) through ``app.state.context``,
    which is where the routes read it from.
    """
    directory = tmp_path_factory.mktemp("shared-app") / "central"
    directory.mkdir()
    shutil.copyfile(template_db, directory / DB_FILENAME)
    app = create_app(
        Settings(
            data_dir=directory,
            reference=reference,
            router=router,
            calendar=calendar,
            policy=policy,
            job_interval_seconds=None,
        )
    )
    own: Context = app.state.context
    try:
        yield app
    finally:
        own.storage.close()


@pytest.fixture
def api(settings: Settings, clock: Clock, shared_app: FastAPI) -> Iterator[Api]:
    with serving(shared_app, Context.open(settings), clock) as opened:
        yield opened
