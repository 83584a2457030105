"""Tokens and users: sign in and out, who am I, one's password, and (admins) managing users.

Every token carries its user's token version; signing out, a new password, a new role and
deleting the user bump or remove it, so that the tokens issued before are refused at once.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, status
from fastapi.security import OAuth2PasswordRequestForm

from api.core.config import Settings
from api.core.errors import (
    AuthenticationError,
    ConflictError,
    TooManyRequestsError,
)
from api.core.rate_limit import SignInLimiter
from api.core.security import check_password, issue_token
from api.db import models as m
from api.deps import AdminUser, CurrentUser, PagingDep, SessionDep, SettingsDep
from api.repositories import districts as repo
from api.repositories import kinds as k
from api.repositories import users
from api.schemas.districts import PasswordChange, Token, UserCreate, UserPublic, UserUpdate
from api.schemas.fields import PathId
from routing.errors import FieldError

router = APIRouter(tags=["users"])


def user_public(session: SessionDep, user: m.UserRow) -> UserPublic:
    """The public form of a user (a driver's district and crew by id)."""
    crew = users.crew_of(session, user)
    return UserPublic(
        id=user.id,
        username=user.username,
        role=user.role,  # type: ignore[arg-type]
        district_id=crew.district_id if crew else None,
        crew_id=crew.code if crew else None,
    )


def token_for(user: m.UserRow, settings: Settings) -> Token:
    """A new bearer token for ``user`` at its current token version."""
    token = issue_token(
        user.id,
        version=user.token_version,
        secret_key=settings.signing_key(),
        ttl_s=settings.token_ttl_s,
    )
    return Token(access_token=token, expires_in=settings.token_ttl_s)


@router.post("/auth/token")
def sign_in(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
) -> Token:
    """A bearer token for a user name and password (OAuth2 password form).

    An unknown user name costs the same work as a wrong password; attempts are limited per
    user name and address (429 with ``Retry-After`` beyond). A password hash of an older scheme
    is replaced by an Argon2 hash.
    """
    limiter: SignInLimiter = request.app.state.sign_in_limiter
    address = request.client.host if request.client else "unknown"
    wait_s = limiter.hit(address, form.username)
    if wait_s is not None:
        raise TooManyRequestsError(
            f"too many sign-in attempts: try again in {wait_s} s", retry_after_s=wait_s
        )
    user = users.by_name(session, form.username)
    ok, new_hash = check_password(form.password, user.password_hash if user else None)
    if user is None or not ok:
        raise AuthenticationError("wrong user name or password", loc=("body", "password"))
    if new_hash is not None:
        user.password_hash = new_hash
        session.commit()
    return token_for(user, settings)


@router.post("/auth/sign-out", status_code=status.HTTP_204_NO_CONTENT)
def sign_out(user: CurrentUser, session: SessionDep) -> None:
    """End every session of the caller: each of its tokens is refused from now on."""
    users.end_sessions(user)  # the caller's row, loaded by this request's session
    session.commit()


@router.post("/users/me/password")
def change_password(
    body: PasswordChange, user: CurrentUser, session: SessionDep, settings: SettingsDep
) -> Token:
    """Change the caller's password; every earlier token is refused, and a new one returned."""
    ok, _ = check_password(body.current_password, user.password_hash)
    if not ok:
        raise AuthenticationError("the current password is wrong", loc=("body", "current_password"))
    if body.new_password == body.current_password:
        raise ConflictError("the new password is the current one", loc=("body", "new_password"))
    users.set_password(user, body.new_password)
    session.commit()
    return token_for(user, settings)


@router.get("/users/me")
def who_am_i(user: CurrentUser, session: SessionDep) -> UserPublic:
    """The caller."""
    return user_public(session, user)


@router.get("/users")
def list_users(session: SessionDep, admin: AdminUser, paging: PagingDep) -> list[UserPublic]:
    """A page of users by id."""
    rows = users.list_users(session, offset=paging.offset, limit=paging.limit)
    return [user_public(session, row) for row in rows]


@router.post("/users", status_code=status.HTTP_201_CREATED)
def create_user(body: UserCreate, session: SessionDep, admin: AdminUser) -> UserPublic:
    """Add a user; a driver must name a district and one of its crews, others must not."""
    crew_row_id = None
    if body.role == "driver":
        if body.district_id is None or body.crew_id is None:
            raise ConflictError(
                "a driver must name district_id and crew_id", loc=("body", "crew_id")
            )
        repo.get_district(session, body.district_id)
        crew_row_id = repo.get_row(session, k.CREWS, body.district_id, body.crew_id).id
    elif body.crew_id is not None:
        raise ConflictError("only drivers are bound to a crew", loc=("body", "crew_id"))
    user = users.add_user(
        session,
        username=body.username,
        password=body.password,
        role=body.role,
        crew_row_id=crew_row_id,
    )
    session.commit()
    return user_public(session, user)


@router.patch("/users/{user_id}")
def update_user(
    user_id: PathId, body: UserUpdate, session: SessionDep, admin: AdminUser
) -> UserPublic:
    """Give a user a new role or password (not oneself's role); the user's tokens end.

    A user becomes a driver only by being created as one, with its crew; a driver given another
    role leaves its crew.
    """
    if body.role is None and body.password is None:
        raise FieldError("role", "name a new role or password").at("body")
    user = users.get_user(session, user_id)
    if body.role is not None and body.role != user.role:
        if user.id == admin.id:
            raise ConflictError("an admin cannot change its own role", loc=("body", "role"))
        if body.role == "driver":
            raise ConflictError(
                "a driver is created with its district and crew: create a new user",
                loc=("body", "role"),
            )
        users.set_role(user, body.role)
    if body.password is not None:
        users.set_password(user, body.password)
    session.commit()
    return user_public(session, user)


@router.delete("/users/{user_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_user(user_id: PathId, session: SessionDep, admin: AdminUser) -> None:
    """Remove a user (not oneself)."""
    user = users.get_user(session, user_id)
    if user.id == admin.id:
        raise ConflictError("an admin cannot remove itself", loc=("path", "user_id"))
    session.delete(user)
    session.commit()
