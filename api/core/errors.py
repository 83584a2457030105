"""The API's own errors and the one table mapping every exception to an HTTP status.

Every error body has the same shape as FastAPI's validation errors: ``{"detail": [{"loc": [...],
"msg": "...", "type": "..."}]}``; ``loc`` names the record and the field where there is one.

An error body never echoes more than a short prefix of what the caller sent (:func:`shorten`):
a 5 MB name is answered in a few hundred bytes, a lone surrogate or a NaN is written so that the
body is still UTF-8 JSON, and a file with thousands of bad rows names the first
:data:`MAX_ENTRIES` of them.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, IntegrityError

from routing.errors import Defect, FieldError, ProblemError, RecordError


class ApiError(Exception):
    """An error the API reports on purpose.

    Parameters
    ----------
    message
        One sentence for the caller.
    loc
        Where the error is (e.g. ``("path", "point_id")``).
    defects
        Several defects (record, field, message) instead of one message.
    """

    kind = "error"

    def __init__(
        self, message: str, *, loc: Iterable[str] = (), defects: Iterable[Defect] = ()
    ) -> None:
        super().__init__(message)
        self.message = message
        self.loc = tuple(loc)
        self.defects = tuple(defects)


class NotFoundError(ApiError):
    """A record, district, job or plan does not exist (or the caller may not know of it)."""

    kind = "not_found"


class ConflictError(ApiError):
    """The request is valid but clashes with what is stored (a duplicate id, a record in use)."""

    kind = "conflict"


class JobStateError(ConflictError):
    """The job is in a state that does not allow the request (e.g. cancelling a finished job)."""

    kind = "job_state"


class AuthenticationError(ApiError):
    """No valid access token, or a wrong user name or password."""

    kind = "not_authenticated"


class PermissionDeniedError(ApiError):
    """The caller's role does not allow the request."""

    kind = "forbidden"


class TooManyRequestsError(ApiError):
    """Too many attempts (sign-in): try again after ``retry_after_s`` seconds."""

    kind = "too_many_requests"

    def __init__(self, message: str, *, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


#: Exception class → HTTP status; the first matching entry wins (subclasses first).
STATUS_BY_EXCEPTION: tuple[tuple[type[Exception], int], ...] = (
    (RequestValidationError, 422),
    (AuthenticationError, 401),
    (PermissionDeniedError, 403),
    (NotFoundError, 404),
    (ConflictError, 409),
    (TooManyRequestsError, 429),
    (ApiError, 400),
    (ProblemError, 422),
    (FieldError, 422),
    (IntegrityError, 409),
    (DataError, 422),
    # SQLite's driver refuses an integer beyond 64 bits with this, where PostgreSQL's raises a
    # DataError; inputs are bounded before, this is for an unbounded one (issue 18).
    (OverflowError, 422),
)


def status_of(error: Exception) -> int:
    """The HTTP status of ``error`` by :data:`STATUS_BY_EXCEPTION` (500 when unlisted)."""
    for kind, status in STATUS_BY_EXCEPTION:
        if isinstance(error, kind):
            return status
    return 500


#: The longest prefix of a value sent back (a name, a location part, a validation input).
MAX_ECHO = 100
#: The longest message (messages name values: ``no crew '…'``).
MAX_MESSAGE = 500
#: The most entries in one error body; further ones are counted in a last entry.
MAX_ENTRIES = 100


def _text(value: str, limit: int) -> str:
    """``value`` cut to ``limit`` characters, lone surrogates written as ``\\udxxx``."""
    if len(value) > limit:
        value = f"{value[:limit]}… ({len(value)} characters)"
    if not value.isascii():  # a lone surrogate cannot be encoded: JSONResponse would raise
        value = value.encode("utf-8", "backslashreplace").decode("utf-8")
    return value


def shorten(value: Any, limit: int = MAX_ECHO) -> Any:
    """What an error body may echo of ``value``: short scalars as they are; a long text, a big
    number or a container as a prefix of its JSON text; NaN and infinities as text."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):  # a 5,000-digit number cannot even be written by str()
        digits = int(value.bit_length() * math.log10(2)) + 1
        return value if digits < 16 else f"an integer of about {digits} digits"
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, str):
        return _text(value, limit)
    try:
        text = json.dumps(value, ensure_ascii=False, default=repr)
    except ValueError:  # an int too long to write
        text = repr(type(value))
    return _text(text, limit)


def _loc(parts: Iterable[Any]) -> list[Any]:
    return [p if isinstance(p, int) else _text(str(p), MAX_ECHO) for p in parts]


def detail_entry(loc: Iterable[Any], msg: str, kind: str) -> dict[str, Any]:
    """One entry of an error body; long location parts and messages are cut short."""
    return {"loc": _loc(loc), "msg": _text(msg, MAX_MESSAGE), "type": kind}


def _validation_entry(error: dict[str, Any]) -> dict[str, Any]:
    """One pydantic error as FastAPI writes it, with its input and context shortened."""
    entry = detail_entry(
        error.get("loc", ()), str(error.get("msg", "")), str(error.get("type", ""))
    )
    if "input" in error:
        entry["input"] = shorten(error["input"])
    if isinstance(error.get("ctx"), dict):
        entry["ctx"] = {str(k): shorten(v) for k, v in error["ctx"].items()}
    return entry


def _capped(entries: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    if len(entries) <= MAX_ENTRIES:
        return list(entries)
    more = len(entries) - MAX_ENTRIES
    return [*entries[:MAX_ENTRIES], detail_entry((), f"… and {more} more errors", "truncated")]


def error_detail(error: Exception) -> list[dict[str, Any]]:
    """The ``detail`` list describing ``error`` (at most :data:`MAX_ENTRIES` + 1 entries)."""
    return _capped(_detail(error))


def _detail(error: Exception) -> list[dict[str, Any]]:
    if isinstance(error, RequestValidationError):
        return [_validation_entry(e) for e in error.errors()]
    if isinstance(error, ApiError):
        if error.defects:
            return [detail_entry((d.record, d.field), d.message, error.kind) for d in error.defects]
        return [detail_entry(error.loc, error.message, error.kind)]
    if isinstance(error, ProblemError):
        return [detail_entry((d.record, d.field), d.message, "defect") for d in error.defects]
    if isinstance(error, RecordError):
        where = (error.record,) if error.record else ("body",)
        return [detail_entry((*where, e.field), e.message, "value_error") for e in error.errors]
    if isinstance(error, FieldError):
        where = (error.record,) if error.record else ("body",)
        return [detail_entry((*where, error.field), error.message, "value_error")]
    if isinstance(error, IntegrityError):
        return [detail_entry((), "the change clashes with stored records", "conflict")]
    if isinstance(error, DataError | OverflowError):  # an id or amount beyond its column
        return [detail_entry((), "a value is out of the range the database stores", "value_error")]
    return [detail_entry((), "internal error", "internal")]


def install_error_handlers(app: FastAPI) -> None:
    """Route every exception of :data:`STATUS_BY_EXCEPTION` through one handler."""

    async def handle(request: Request, error: Exception) -> JSONResponse:
        status = status_of(error)
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        if isinstance(error, TooManyRequestsError):
            headers = {"Retry-After": str(error.retry_after_s)}
        return JSONResponse({"detail": error_detail(error)}, status_code=status, headers=headers)

    for kind, _ in STATUS_BY_EXCEPTION:
        app.add_exception_handler(kind, handle)
