"""Field checks of the domain data classes.

Inside a ``__post_init__`` decorated with :func:`checked`, every failed check is gathered and the
record raises one :class:`RecordError` naming each bad field; outside, a failed check raises its
:class:`FieldError` at once.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, TypeVar

from routing.errors import FieldError, RecordError
from routing.units import DAY

_gathered: ContextVar[list[FieldError] | None] = ContextVar("_gathered", default=None)

F = TypeVar("F", bound=Callable[[Any], None])


def checked(post_init: F) -> F:
    """Gather every failed check of a ``__post_init__`` into one error."""

    @functools.wraps(post_init)
    def wrapper(self: Any) -> None:
        bucket: list[FieldError] = []
        token = _gathered.set(bucket)
        try:
            post_init(self)
        except (TypeError, ValueError) as error:
            # A later check may trip over a field already reported as bad.
            if not bucket or isinstance(error, FieldError):
                raise
        finally:
            _gathered.reset(token)
        if len(bucket) == 1:
            raise bucket[0]
        if bucket:
            raise RecordError(bucket)

    return wrapper  # type: ignore[return-value]


def require(condition: bool, field: str, message: str) -> bool:
    """Report a :class:`FieldError` on ``field`` unless ``condition`` holds; True when it holds."""
    if condition:
        return True
    error = FieldError(field, message)
    bucket = _gathered.get()
    if bucket is None:
        raise error
    bucket.append(error)
    return False


def integer(value: object, field: str) -> bool:
    """``value`` must be an integer (not a bool)."""
    return require(
        isinstance(value, int) and not isinstance(value, bool), field, "must be an integer"
    )


def non_negative(value: int, field: str) -> bool:
    """``value`` must be an integer of at least zero."""
    return integer(value, field) and require(value >= 0, field, f"must be 0 or more, got {value}")


def positive(value: int, field: str) -> bool:
    """``value`` must be an integer of at least one."""
    return integer(value, field) and require(value > 0, field, f"must be more than 0, got {value}")


def clock(value: int, field: str) -> bool:
    """``value`` must be seconds since midnight within the day (0 to 24:00)."""
    return non_negative(value, field) and require(
        value <= DAY, field, f"must be at most 24:00 (86400 s), got {value}"
    )


def identifier(value: str, field: str = "id") -> bool:
    """``value`` must be a non-empty string without surrounding blanks."""
    return require(
        isinstance(value, str) and value.strip() != "", field, "must be a non-empty text"
    ) and require(value == value.strip(), field, f"must not start or end with blanks: {value!r}")
