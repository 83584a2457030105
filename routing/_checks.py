"""Small field checks shared by the domain data classes (each raises :class:`FieldError`)."""

from __future__ import annotations

from routing.errors import FieldError
from routing.units import DAY


def require(condition: bool, field: str, message: str) -> None:
    """Raise a :class:`FieldError` on ``field`` unless ``condition`` holds."""
    if not condition:
        raise FieldError(field, message)


def non_negative(value: int, field: str) -> None:
    """``value`` must be an integer of at least zero."""
    require(isinstance(value, int) and not isinstance(value, bool), field, "must be an integer")
    require(value >= 0, field, f"must be 0 or more, got {value}")


def positive(value: int, field: str) -> None:
    """``value`` must be an integer of at least one."""
    require(isinstance(value, int) and not isinstance(value, bool), field, "must be an integer")
    require(value > 0, field, f"must be more than 0, got {value}")


def clock(value: int, field: str) -> None:
    """``value`` must be seconds since midnight within the day (0 to 24:00)."""
    non_negative(value, field)
    require(value <= DAY, field, f"must be at most 24:00 (86400 s), got {value}")


def identifier(value: str, field: str = "id") -> None:
    """``value`` must be a non-empty string without surrounding blanks."""
    require(isinstance(value, str) and value.strip() != "", field, "must be a non-empty text")
    require(value == value.strip(), field, f"must not start or end with blanks: {value!r}")
