"""Tokens and users: sign in, who am I, and (admins) managing users."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, status
from fastapi.security import OAuth2PasswordRequestForm
from sqlalchemy import func, select

from api.core.errors import AuthenticationError, ConflictError, NotFoundError
from api.core.security import hash_password, issue_token, verify_password
from api.db import models as m
from api.deps import AdminUser, CurrentUser, PagingDep, SessionDep, SettingsDep
from api.repositories import districts as repo
from api.repositories import kinds as k
from api.schemas.districts import Token, UserCreate, UserPublic

router = APIRouter(tags=["users"])


def user_public(session: SessionDep, user: m.UserRow) -> UserPublic:
    """The public form of a user (a driver's district and crew by id)."""
    crew = session.get(m.CrewRow, user.crew_id) if user.crew_id is not None else None
    return UserPublic(
        id=user.id,
        username=user.username,
        role=user.role,  # type: ignore[arg-type]
        district_id=crew.district_id if crew else None,
        crew_id=crew.code if crew else None,
    )


@router.post("/auth/token")
def sign_in(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    session: SessionDep,
    settings: SettingsDep,
) -> Token:
    """A bearer token for a user name and password (OAuth2 password form)."""
    user = session.scalar(select(m.UserRow).where(m.UserRow.username == form.username))
    if user is None or not verify_password(form.password, user.password_hash):
        raise AuthenticationError("wrong user name or password", loc=("body", "password"))
    token = issue_token(user.id, secret_key=settings.secret_key, ttl_s=settings.token_ttl_s)
    return Token(access_token=token, expires_in=settings.token_ttl_s)


@router.get("/users/me")
def who_am_i(user: CurrentUser, session: SessionDep) -> UserPublic:
    """The caller."""
    return user_public(session, user)


@router.get("/users")
def list_users(session: SessionDep, admin: AdminUser, paging: PagingDep) -> list[UserPublic]:
    """A page of users by id."""
    rows = session.scalars(
        select(m.UserRow).order_by(m.UserRow.id).offset(paging.offset).limit(paging.limit)
    )
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
    taken = session.scalar(
        select(func.count()).select_from(m.UserRow).where(m.UserRow.username == body.username)
    )
    if taken:
        raise ConflictError(f"user name {body.username!r} is taken", loc=("body", "username"))
    user = m.UserRow(
        username=body.username,
        password_hash=hash_password(body.password),
        role=body.role,
        crew_id=crew_row_id,
    )
    session.add(user)
    session.commit()
    return user_public(session, user)


@router.delete("/users/{user_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_user(user_id: int, session: SessionDep, admin: AdminUser) -> None:
    """Remove a user (not oneself)."""
    user = session.get(m.UserRow, user_id)
    if user is None:
        raise NotFoundError(f"no user {user_id}", loc=("path", "user_id"))
    if user.id == admin.id:
        raise ConflictError("an admin cannot remove itself", loc=("path", "user_id"))
    session.delete(user)
    session.commit()
