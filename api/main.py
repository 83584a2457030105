"""The app factory: nothing (no settings, no engine) is created at import time."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.gzip import GZipMiddleware
from fastapi_offline import FastAPIOffline
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from api.core.bodies import StrictJSONMiddleware
from api.core.cache import BuildCache
from api.core.config import Settings
from api.core.errors import install_error_handlers
from api.core.headers import SecurityHeadersMiddleware
from api.core.rate_limit import SignInLimiter
from api.db.engine import make_engine, session_factory
from api.jobs.queue import JobQueue
from api.jobs.runner import Solver
from api.repositories import users
from api.repositories.driver_days import DriverDayReader
from api.routes import ROUTERS, health
from api.routes.driver import CachedAssignmentMiddleware, new_cache
from api.routes.plans import GEOJSON_CACHE
from routing.solve import solve

#: Answers shorter than this are sent as they are (gzip's header and the work are not worth it).
GZIP_MIN_BYTES = 1024


def create_app(
    settings: Settings | None = None,
    *,
    engine: Engine | None = None,
    sessions: sessionmaker[Session] | None = None,
    solver: Solver = solve,
) -> FastAPI:
    """The Huanwei API.

    Parameters
    ----------
    settings
        Default: :meth:`Settings.from_env`, read when this is called.
    engine, sessions
        An engine or a session factory to use instead of one made from the settings (tests
        bind sessions to a connection they roll back).
    solver
        The solve function of thread-executor jobs (tests pass slow ones).
    """
    settings = settings or Settings.from_env()
    # The key is read (or generated) once, here: every request signs and checks with it.
    settings = dataclasses.replace(settings, secret_key=settings.signing_key())
    # The API docs' scripts and styles are served from the package, not a CDN: offline, and
    # on networks where the CDN is unreachable, /docs would be blank.
    app = FastAPIOffline(
        title="Huanwei",
        summary="Waste-collection fleet, shift and route planning for a district (环卫).",
        version="0.1.0",
        lifespan=_lifespan(settings, engine=engine, sessions=sessions, solver=solver),
        swagger_ui_parameters={"validatorUrl": None},  # no badge fetched from swagger.io
    )
    app.state.settings = settings
    app.state.assignments = new_cache()
    app.state.plan_geojson = BuildCache(GEOJSON_CACHE)
    app.state.sign_in_limiter = SignInLimiter()
    install_error_handlers(app)
    app.add_middleware(CachedAssignmentMiddleware)
    app.add_middleware(StrictJSONMiddleware)
    # JSON to phones on slow networks: a driver's day of 100 stops is ~60 kB, ~8 kB gzipped.
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_MIN_BYTES)
    app.add_middleware(SecurityHeadersMiddleware)  # the last added is outermost: every answer
    for router in ROUTERS:
        app.include_router(router)
    app.include_router(health.router)
    return app


def _lifespan(
    settings: Settings,
    *,
    engine: Engine | None,
    sessions: sessionmaker[Session] | None,
    solver: Solver,
) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """The app's lifespan: sessions, the drivers' reader and the job queue while it serves.

    Parameters are :func:`create_app`'s; an engine made here from the settings is disposed of
    at the end, one that was given is not.
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own_engine = None
        factory = sessions
        if factory is None:
            own_engine = engine or make_engine(settings.database_url)
            factory = session_factory(own_engine)
        reader = _open_state(app, settings, factory)
        queue = JobQueue(settings=settings, sessions=factory, solver=solver)
        app.state.queue = queue
        queue.start()
        try:
            yield
        finally:
            queue.shutdown()
            if reader is not None:
                await reader.close()
            if own_engine is not None and engine is None:
                own_engine.dispose()

    return lifespan


def _open_state(
    app: FastAPI, settings: Settings, factory: sessionmaker[Session]
) -> DriverDayReader | None:
    """Put the session factory and the drivers' reader in the app's state, and make sure the
    configured admin exists; the reader (None when the sessions are bound to no engine)."""
    app.state.sessions = factory
    bind = factory.kw.get("bind")
    reader = DriverDayReader(bind) if isinstance(bind, Engine) else None
    app.state.driver_days = reader  # the assignment hot path's connection
    if settings.admin_password:
        with factory() as session:
            users.ensure_admin(session, settings.admin_password)
    return reader
