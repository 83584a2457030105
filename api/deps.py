"""Named dependencies of the routes: the session, the settings, the job queue, the caller, roles.

=================  =======================================================================
dependency         who passes
=================  =======================================================================
TokenClaimsDep     what a validly signed, unexpired token says, without a database lookup
                   (401 otherwise); its version is checked against the user's where it is used
CurrentUser        anyone with a valid token of the user's current token version (401 otherwise)
AdminUser          role admin (403 for other roles)
StaffUser          admin, dispatcher, planner: district data, plan jobs, plans
DispatcherUser     admin, dispatcher: publishing a plan
DriverUser         driver bound to a crew: the driver's own assignment
=================  =======================================================================

Dependencies that only read the app's state are ``async`` (they run on the event loop, not in a
worker thread); the database user is loaded in a transaction of its own that ends at once, so a
request does not hold a pooled connection while it waits for its next step.
"""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable, Iterable, Iterator
from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.orm import Session

from api.core.config import Settings
from api.core.errors import AuthenticationError, PermissionDeniedError
from api.core.security import TokenClaims, read_token
from api.db import models as m
from api.jobs.queue import JobQueue


class Role(enum.StrEnum):
    """What a user may do (see the module's table)."""

    ADMIN = "admin"
    DISPATCHER = "dispatcher"
    PLANNER = "planner"
    DRIVER = "driver"


async def get_settings(request: Request) -> Settings:
    """The app's settings."""
    settings: Settings = request.app.state.settings
    return settings


def get_session(request: Request) -> Iterator[Session]:
    """A database session for one request (rolled back unless a route commits)."""
    with request.app.state.sessions() as session:
        yield session


async def get_queue(request: Request) -> JobQueue:
    """The app's job queue."""
    queue: JobQueue = request.app.state.queue
    return queue


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
QueueDep = Annotated[JobQueue, Depends(get_queue)]

oauth2 = OAuth2PasswordBearer(tokenUrl="/auth/token", auto_error=False)


async def token_claims(
    settings: SettingsDep, token: Annotated[str | None, Depends(oauth2)]
) -> TokenClaims:
    """What a bearer token says; :class:`AuthenticationError` without a valid one."""
    if token is None:
        raise AuthenticationError("sign in: no bearer token", loc=("header", "Authorization"))
    claims = read_token(token, secret_key=settings.signing_key())
    if claims is None:
        raise invalid_token()
    return claims


def invalid_token() -> AuthenticationError:
    """The error for a token whose user is not (or no longer) valid."""
    return AuthenticationError("the token is invalid or expired", loc=("header", "Authorization"))


TokenClaimsDep = Annotated[TokenClaims, Depends(token_claims)]


def current_user(session: SessionDep, claims: TokenClaimsDep) -> m.UserRow:
    """The user a bearer token names; :class:`AuthenticationError` without a valid one, or when
    the user is gone or has signed out, changed password or role since the token was issued.

    The user is read in a transaction that ends here (the row stays readable), so the session's
    connection goes back to the pool until the route's own queries.
    """
    user = session.get(m.UserRow, claims.user_id)
    session.commit()
    if user is None or user.token_version != claims.version:
        raise invalid_token()
    return user


CurrentUser = Annotated[m.UserRow, Depends(current_user)]


def role_refused(role: str, allowed: Iterable[str]) -> PermissionDeniedError:
    """The error for a caller whose ``role`` is not one of ``allowed``."""
    return PermissionDeniedError(
        f"role {role} may not do this (needs: {', '.join(sorted(allowed))})"
    )


def require_roles(*roles: Role) -> Callable[[m.UserRow], Awaitable[m.UserRow]]:
    """A dependency letting through only users with one of ``roles``."""
    allowed = frozenset(roles)

    async def guard(user: CurrentUser) -> m.UserRow:
        if user.role not in allowed:
            raise role_refused(user.role, allowed)
        return user

    return guard


AdminUser = Annotated[m.UserRow, Depends(require_roles(Role.ADMIN))]
StaffUser = Annotated[m.UserRow, Depends(require_roles(Role.ADMIN, Role.DISPATCHER, Role.PLANNER))]
DispatcherUser = Annotated[m.UserRow, Depends(require_roles(Role.ADMIN, Role.DISPATCHER))]
DriverUser = Annotated[m.UserRow, Depends(require_roles(Role.DRIVER))]

MAX_PAGE = 1000


class Paging:
    """``offset`` and ``limit`` query parameters."""

    def __init__(
        self,
        offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100,
    ) -> None:
        self.offset = offset
        self.limit = limit


PagingDep = Annotated[Paging, Depends()]
