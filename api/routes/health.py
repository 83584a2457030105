"""``GET /health``: whether this process can serve (for load balancers and ``make demo``).

200 when the database answers and its schema is at the newest migration of this code; 503
otherwise (the database unreachable, or migrations not applied: a new release started before
``alembic upgrade``). No token is needed, so the answer says only yes or no per check, never an
error text (which could name hosts or users). It is not an operation of the API, so the
OpenAPI spec leaves it out (as it does the pages).
"""

from __future__ import annotations

import logging
from functools import cache

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from fastapi import APIRouter, Request, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from api.db.migrate import alembic_config

log = logging.getLogger(__name__)

router = APIRouter(tags=["health"])


class Health(BaseModel):
    """Whether the process can serve, and each check."""

    status: str
    database: bool
    migrations_current: bool
    revision: list[str]
    head: list[str]


@cache
def migration_heads() -> frozenset[str]:
    """The newest revisions of ``api/migrations`` (read once per process from the scripts)."""
    return frozenset(ScriptDirectory.from_config(alembic_config(database_url="")).get_heads())


def database_revisions(sessions: sessionmaker[Session]) -> frozenset[str] | None:
    """The revisions the database's schema is at (empty: none applied); ``None`` if the
    database does not answer."""
    try:
        with sessions() as session:
            context = MigrationContext.configure(session.connection())
            return frozenset(context.get_current_heads())
    except SQLAlchemyError as error:
        log.warning("health: the database does not answer: %s", type(error).__name__)
        return None


@router.get("/health", include_in_schema=False)
def health(request: Request) -> JSONResponse:
    """200 if the database answers and its migrations are current, else 503 (no token needed)."""
    head = migration_heads()
    found = database_revisions(request.app.state.sessions)
    current = found == head
    body = Health(
        status="ok" if current else "unavailable",
        database=found is not None,
        migrations_current=current,
        revision=sorted(found or ()),
        head=sorted(head),
    )
    code = status.HTTP_200_OK if current else status.HTTP_503_SERVICE_UNAVAILABLE
    return JSONResponse(body.model_dump(), status_code=code)
