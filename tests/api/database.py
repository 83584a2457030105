"""The API tests' own PostGIS database, made for one test run and dropped after it.

Each run uses ``huanwei_test_<pid>`` on the PostgreSQL server of ``HUANWEI_TEST_POSTGRES_URL``
(default: the machine's server over its Unix socket, as ``postgres``), created with the PostGIS
extension when the first test needs it and dropped at the end, so two runs on one machine (two
engineers, CI beside a benchmark) never share tables. A database named by
``HUANWEI_TEST_DATABASE_URL`` is used as it is instead, and kept.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import make_url, text

from api.db.engine import make_engine

SERVER_URL = os.environ.get(
    "HUANWEI_TEST_POSTGRES_URL", "postgresql://postgres@/postgres?host=/var/run/postgresql"
)
GIVEN_URL = os.environ.get("HUANWEI_TEST_DATABASE_URL") or None
NAME = f"huanwei_test_{os.getpid()}"
#: The database of this run.
URL = GIVEN_URL or make_url(SERVER_URL).set(database=NAME).render_as_string(hide_password=False)


def _on_server(*statements: str) -> None:
    admin = make_engine(SERVER_URL).execution_options(isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            for statement in statements:
                conn.execute(text(statement))
    finally:
        admin.dispose()


@contextmanager
def run_database() -> Iterator[str]:
    """This run's database, new and empty, dropped when the block ends (unless it was given)."""
    if GIVEN_URL is not None:
        yield GIVEN_URL
        return
    _on_server(f'DROP DATABASE IF EXISTS "{NAME}" WITH (FORCE)', f'CREATE DATABASE "{NAME}"')
    try:
        yield URL
    finally:
        _on_server(f'DROP DATABASE IF EXISTS "{NAME}" WITH (FORCE)')
