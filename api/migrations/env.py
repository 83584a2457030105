"""Alembic environment: the same migrations for PostGIS and SpatiaLite."""

from __future__ import annotations

from alembic import context
from geoalchemy2 import alembic_helpers
from sqlalchemy import Connection

from api.core.config import Settings
from api.db.engine import make_engine
from api.db.models import Base

config = context.config
url = config.attributes.get("database_url") or Settings.from_env().database_url
connection = config.attributes.get("connection")


def _run(conn: Connection) -> None:
    if conn.dialect.name == "sqlite":
        # Rebuilding a table (batch migrations) drops the old one: with foreign keys on, that
        # would cascade to every row referring to it. The pragma only takes outside a
        # transaction, so it is set and committed before the migrations' transaction begins.
        conn.exec_driver_sql("PRAGMA foreign_keys = OFF")
        conn.commit()
    context.configure(
        connection=conn,
        target_metadata=Base.metadata,
        include_object=alembic_helpers.include_object,
        process_revision_directives=alembic_helpers.writer,
        render_item=alembic_helpers.render_item,
        render_as_batch=url.startswith("sqlite"),
    )
    with context.begin_transaction():
        context.run_migrations()


if connection is not None:
    _run(connection)
else:
    engine = make_engine(url)
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()
