"""Engines for PostGIS (psycopg 3) and SpatiaLite (SQLite through ``sqlean.py``).

Python's own ``sqlite3`` here cannot load extensions, so SQLite URLs use ``sqlean`` as the DBAPI
module and load ``mod_spatialite`` on every connection.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from geoalchemy2.admin.dialects.sqlite import load_spatialite
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

SPATIALITE_MODULE = "mod_spatialite"
#: Connections kept open: as many as Starlette's worker threads (40), so requests never open a
#: connection of their own under load (a SpatiaLite connection loads the extension, tens of ms; a
#: PostgreSQL one starts a server process) nor wait for one; more are opened at peaks (plan-job
#: threads). SQLite connections are file handles and have no limit; PostgreSQL's are bounded by
#: the server (benchmarks/api_load.py, BENCHMARKS.md).
POOL_SIZE = 40
POOL_OVERFLOW = 10
SQLITE_OVERFLOW = -1  # no limit


def is_sqlite(url: str) -> bool:
    """Whether ``url`` names a SQLite (SpatiaLite) database."""
    return make_url(url).get_backend_name() == "sqlite"


def normalise_url(url: str) -> str:
    """``postgresql://`` URLs are given the psycopg 3 driver; others are returned unchanged."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql" and parsed.get_driver_name() in ("", "psycopg2"):
        return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return url


def _on_sqlite_connect(dbapi_conn: Any, record: Any) -> None:
    load_spatialite(dbapi_conn, record, init_mode="WGS84")  # type: ignore[no-untyped-call]
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA busy_timeout = 30000")
    # Write-ahead log: drivers' reads neither wait for a plan job's writes nor hold them up.
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.close()


def private_file(path: Path) -> None:
    """Make the database file ``path`` (created if missing, with its folder) readable and
    writable by its owner only; SQLite gives its journal files the same mode."""
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))
    path.chmod(0o600)


def make_engine(url: str) -> Engine:
    """An engine for ``url``: PostGIS, or SpatiaLite with the extension loaded per connection."""
    if is_sqlite(url):
        import sqlean  # type: ignore[import-untyped]

        os.environ.setdefault("SPATIALITE_LIBRARY_PATH", SPATIALITE_MODULE)
        database = make_url(url).database
        if database and database != ":memory:":
            private_file(Path(database))
        engine = create_engine(
            url,
            module=sqlean,
            connect_args={"check_same_thread": False, "timeout": 30},
            pool_size=POOL_SIZE,
            max_overflow=SQLITE_OVERFLOW,
        )
        event.listen(engine, "connect", _on_sqlite_connect)
        return engine
    return create_engine(
        normalise_url(url), pool_pre_ping=True, pool_size=POOL_SIZE, max_overflow=POOL_OVERFLOW
    )


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions on ``engine`` that keep loaded rows readable after commit."""
    return sessionmaker(engine, expire_on_commit=False)
