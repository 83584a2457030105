"""The API's own errors and the one table mapping every exception to an HTTP status.

Every error body has the same shape as FastAPI's validation errors: ``{"detail": [{"loc": [...],
"msg": "...", "type": "..."}]}``; ``loc`` names the record and the field where there is one.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastapi import FastAPI, Request
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
)


def status_of(error: Exception) -> int:
    """The HTTP status of ``error`` by :data:`STATUS_BY_EXCEPTION` (500 when unlisted)."""
    for kind, status in STATUS_BY_EXCEPTION:
        if isinstance(error, kind):
            return status
    return 500


def _entry(loc: Iterable[str], msg: str, kind: str) -> dict[str, Any]:
    return {"loc": list(loc), "msg": msg, "type": kind}


def error_detail(error: Exception) -> list[dict[str, Any]]:
    """The ``detail`` list describing ``error``."""
    if isinstance(error, ApiError):
        if error.defects:
            return [_entry((d.record, d.field), d.message, error.kind) for d in error.defects]
        return [_entry(error.loc, error.message, error.kind)]
    if isinstance(error, ProblemError):
        return [_entry((d.record, d.field), d.message, "defect") for d in error.defects]
    if isinstance(error, RecordError):
        where = (error.record,) if error.record else ("body",)
        return [_entry((*where, e.field), e.message, "value_error") for e in error.errors]
    if isinstance(error, FieldError):
        where = (error.record,) if error.record else ("body",)
        return [_entry((*where, error.field), error.message, "value_error")]
    if isinstance(error, IntegrityError):
        return [_entry((), "the change clashes with stored records", "conflict")]
    if isinstance(error, DataError):  # e.g. an id or quantity beyond the database's integers
        return [_entry((), "a value is out of the range the database stores", "value_error")]
    return [_entry((), "internal error", "internal")]


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
