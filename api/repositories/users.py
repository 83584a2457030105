"""Users stored outside the ``/users`` endpoints (the demo's logins)."""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.orm import Session

from api.core.security import hash_password
from api.db import models as m


def replace_user(
    session: Session, *, username: str, password: str, role: str, crew_row_id: int | None = None
) -> m.UserRow:
    """The user ``username`` with this password and role, in place of any of that name.

    ``crew_row_id`` binds a driver to a crew (the crew row's id). Flushed, not committed.
    """
    session.execute(delete(m.UserRow).where(m.UserRow.username == username))
    user = m.UserRow(
        username=username, password_hash=hash_password(password), role=role, crew_id=crew_row_id
    )
    session.add(user)
    session.flush()
    return user


def remove_user(session: Session, username: str) -> None:
    """Remove the user ``username`` if there is one (flushed, not committed)."""
    session.execute(delete(m.UserRow).where(m.UserRow.username == username))
