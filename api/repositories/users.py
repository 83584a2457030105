"""Users: the one place that reads, creates, changes and removes them.

The ``/users`` and ``/auth`` routes, the API's start (an ``admin`` from
``HUANWEI_ADMIN_PASSWORD``) and ``huanwei demo-serve`` (the demo's logins) all go through here, so
a user is always made the same way: an Argon2 hash of the password, a unique name, a driver bound
to a crew of its district. Functions flush and leave committing to the caller.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.core.errors import ConflictError, NotFoundError
from api.core.security import hash_password
from api.db import models as m

ADMIN = "admin"


def get_user(session: Session, user_id: int) -> m.UserRow:
    """The user, or :class:`NotFoundError` naming the path's ``user_id``."""
    user = session.get(m.UserRow, user_id)
    if user is None:
        raise NotFoundError(f"no user {user_id}", loc=("path", "user_id"))
    return user


def crew_of(session: Session, user: m.UserRow) -> m.CrewRow | None:
    """The crew a driver is bound to, if any."""
    return session.get(m.CrewRow, user.crew_id) if user.crew_id is not None else None


def by_name(session: Session, username: str) -> m.UserRow | None:
    """The user named ``username``, if any."""
    return session.scalar(select(m.UserRow).where(m.UserRow.username == username))


def list_users(session: Session, *, offset: int, limit: int) -> Sequence[m.UserRow]:
    """A page of users by id."""
    return session.scalars(
        select(m.UserRow).order_by(m.UserRow.id).offset(offset).limit(limit)
    ).all()


def add_user(
    session: Session, *, username: str, password: str, role: str, crew_row_id: int | None = None
) -> m.UserRow:
    """A new user (flushed); :class:`ConflictError` if the name is taken.

    ``crew_row_id`` binds a driver to a crew (the crew row's id).
    """
    if by_name(session, username) is not None:
        raise ConflictError(f"user name {username!r} is taken", loc=("body", "username"))
    user = m.UserRow(
        username=username, password_hash=hash_password(password), role=role, crew_id=crew_row_id
    )
    session.add(user)
    session.flush()
    return user


def end_sessions(user: m.UserRow) -> None:
    """Refuse every token issued to ``user`` so far (its token version moves on)."""
    user.token_version += 1


def set_password(user: m.UserRow, password: str) -> None:
    """Give ``user`` a new password; every token issued before is refused."""
    user.password_hash = hash_password(password)
    end_sessions(user)


def set_role(user: m.UserRow, role: str) -> None:
    """Give ``user`` another role (not driver: a driver is created with its crew); it leaves
    any crew, and every token issued before is refused."""
    user.role = role
    user.crew_id = None
    end_sessions(user)


def replace_user(
    session: Session, *, username: str, password: str, role: str, crew_row_id: int | None = None
) -> m.UserRow:
    """The user ``username`` with this password and role, in place of any of that name (its
    tokens end with it: the new user has a new id). Flushed."""
    remove_user(session, username)
    return add_user(
        session, username=username, password=password, role=role, crew_row_id=crew_row_id
    )


def remove_user(session: Session, username: str) -> None:
    """Remove the user ``username`` if there is one (flushed)."""
    session.execute(delete(m.UserRow).where(m.UserRow.username == username))


def ensure_admin(session: Session, password: str) -> None:
    """Create the user ``admin`` with ``password`` unless an admin exists (committed; several
    API processes starting at once: one creates it)."""
    if session.scalar(select(m.UserRow.id).where(m.UserRow.role == ADMIN).limit(1)) is not None:
        return
    try:
        add_user(session, username=ADMIN, password=password, role=ADMIN)
        session.commit()
    except (IntegrityError, ConflictError):
        session.rollback()
