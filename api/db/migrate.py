"""Apply the Alembic migrations (``api/migrations``) to a database."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection

INI = Path(__file__).resolve().parent.parent / "alembic.ini"


def alembic_config(*, database_url: str, connection: Connection | None = None) -> Config:
    """The Alembic configuration for ``database_url`` (or an open ``connection`` to it)."""
    config = Config(str(INI))
    config.attributes["database_url"] = database_url
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(*, database_url: str, connection: Connection | None = None) -> None:
    """Bring the database's schema to the newest migration."""
    command.upgrade(alembic_config(database_url=database_url, connection=connection), "head")


def downgrade_to_base(*, database_url: str) -> None:
    """Undo every migration (tests check that migrations run both ways)."""
    command.downgrade(alembic_config(database_url=database_url), "base")
