"""Drivers: the caller's own assignment for a day (JSON, GPX, iCalendar) and stop reports.

A driver is bound to one crew of one district and sees only that crew's routes of the day's
published plan.

``GET /me/assignment`` is the request every driver's app repeats, so it is cheap: the token's
signature is checked without the database, one query reads what the answer depends on (the user's
role, token version and crew, the day's published version, the stop reports on it;
:func:`driver_day`), and the answer is
served from a cache of encoded assignments keyed by exactly that. A new publication or a stop
report changes the key, so a stale assignment is never served, whichever process made the change.
A cache hit is answered by :class:`CachedAssignmentMiddleware` before the router; everything else
by the route, whose database session lives only inside its one worker-thread step.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import parse_qs

from fastapi import APIRouter, Request, Response, status
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker
from starlette.types import ASGIApp, Receive, Scope, Send

from api.core.cache import BuildCache
from api.core.errors import NotFoundError, PermissionDeniedError
from api.core.security import TokenClaims, read_token
from api.db import models as m
from api.deps import (
    DriverUser,
    Role,
    SessionDep,
    TokenClaimsDep,
    invalid_token,
    role_refused,
)
from api.repositories import plans as plan_store
from api.repositories.assignments import build_assignment, to_gpx, to_icalendar
from api.repositories.driver_days import DriverDay, DriverDayReader, driver_day
from api.routes.web import road_legs
from api.schemas.plans import Assignment, StopReport, StopStatusPublic
from routing.errors import FieldError
from routing.plan_geojson import LegDrawer

router = APIRouter(prefix="/me", tags=["drivers"])

JSON = "application/json"
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

#: Assignments kept encoded (each the JSON of one crew's day).
CACHE_ENTRIES = 512
#: The earliest and latest offsets from UTC in use: a day lasts from its start at UTC+14 to its
#: end at UTC-12, wherever the district is (it states no time zone).
EARLIEST_ZONE = dt.timezone(dt.timedelta(hours=14))
LATEST_ZONE = dt.timezone(dt.timedelta(hours=-12))


@dataclass(frozen=True, slots=True)
class CachedAssignment:
    """A built assignment: its plan version, JSON body, the crew's visits (point, visit) and the
    body's entity tag (a phone polling with ``If-None-Match`` gets 304 while it holds), hashed
    once when built, not on every request."""

    plan_id: int
    body: bytes
    visits: frozenset[tuple[str, int]]
    etag: str

    @classmethod
    def of(cls, plan_id: int, body: bytes, visits: frozenset[tuple[str, int]]) -> CachedAssignment:
        """A built assignment with its body's entity tag."""
        etag = f'"{hashlib.blake2b(body, digest_size=12).hexdigest()}"'
        return cls(plan_id, body, visits, etag)

    def answer(self, if_none_match: str | None) -> Response:
        """The body, or 304 Not Modified when the caller holds it already."""
        headers = {"ETag": self.etag}
        if if_none_match is not None and self.etag in {t.strip() for t in if_none_match.split(",")}:
            return Response(status_code=304, headers=headers)
        return Response(self.body, media_type=JSON, headers=headers)


AssignmentKey = tuple[int, str, tuple[tuple[str, int, str, str], ...]]
AssignmentCache = BuildCache[AssignmentKey, CachedAssignment]


def new_cache() -> AssignmentCache:
    """An empty assignment cache (one per app: ``app.state.assignments``)."""
    return BuildCache(CACHE_ENTRIES)


def _checked(day: DriverDay, date: dt.date, token_version: int) -> tuple[int, str]:
    """The day's published version and the crew, or the error the caller gets."""
    if day.role is None or day.token_version != token_version:
        raise invalid_token()
    if day.role != Role.DRIVER:
        raise role_refused(day.role, (Role.DRIVER,))
    if day.crew is None:
        raise PermissionDeniedError("this driver is not bound to a crew")
    if day.plan_id is None:
        raise NotFoundError(f"no published plan for {date.isoformat()}", loc=("query", "date"))
    return day.plan_id, day.crew


#: For a problem (file form), the drawer of its legs along the roads, or None.
LegsFor = Callable[[Mapping[str, Any]], LegDrawer | None]


def _assignment(
    session: Session,
    day: DriverDay,
    date: dt.date,
    token_version: int,
    legs_for: LegsFor | None = None,
) -> Assignment:
    plan_id, crew = _checked(day, date, token_version)
    row = plan_store.get_plan(session, plan_id)
    legs = legs_for(row.problem) if legs_for is not None else None
    return build_assignment(row, crew, day.statuses(), legs=legs)


def _key(day: DriverDay, date: dt.date, token_version: int) -> AssignmentKey:
    plan_id, crew = _checked(day, date, token_version)
    return plan_id, crew, day.reports


def _build(
    sessions: sessionmaker[Session],
    cache: AssignmentCache,
    key: AssignmentKey,
    day: DriverDay,
    date: dt.date,
    token_version: int,
    legs_for: LegsFor | None = None,
) -> CachedAssignment:
    """The cached assignment of ``key``, built (once) if missing."""

    def build() -> CachedAssignment:
        with sessions() as session:
            assignment = _assignment(session, day, date, token_version, legs_for)
        visits = frozenset(
            (stop.id, stop.visit)
            for route in assignment.routes
            for stop in route.stops
            if stop.visit is not None
        )
        return CachedAssignment.of(key[0], assignment.model_dump_json().encode(), visits)

    return cache.get(key, build)


def cached_assignment(
    sessions: sessionmaker[Session],
    cache: AssignmentCache,
    claims: TokenClaims,
    date: dt.date,
    legs_for: LegsFor | None = None,
) -> CachedAssignment:
    """The token's user's assignment for ``date``, from ``cache`` unless it changed since it was
    built (its route lines along the roads of ``legs_for``); :class:`AuthenticationError` if the
    token's version is not the user's."""
    with _reading(sessions) as connection:
        day = driver_day(connection, claims.user_id, date)
    key = _key(day, date, claims.version)
    return _build(sessions, cache, key, day, date, claims.version, legs_for)


@contextmanager
def _reading(sessions: sessionmaker[Session]) -> Iterator[Connection | Session]:
    """A pooled connection of the sessions' engine for a read (a session if they are bound to
    a connection, as in the tests)."""
    bind = sessions.kw.get("bind")
    if isinstance(bind, Engine):
        with bind.connect() as connection:
            yield connection
    else:
        with sessions() as session:
            yield session


def _sessions(request: Request) -> sessionmaker[Session]:
    sessions: sessionmaker[Session] = request.app.state.sessions
    return sessions


def _cache(request: Request) -> AssignmentCache:
    cache: AssignmentCache = request.app.state.assignments
    return cache


@router.get("/assignment", response_model=Assignment)
def get_assignment(date: dt.date, request: Request, claims: TokenClaimsDep) -> Response:
    """The caller's shift, vehicle, ordered stops with ETAs, unloading stops and route map."""
    entry = cached_assignment(_sessions(request), _cache(request), claims, date, road_legs(request))
    return entry.answer(request.headers.get("if-none-match"))


class CachedAssignmentMiddleware:
    """Answers ``GET /me/assignment`` from the cache when it can, before the router.

    The route above is the reference: it runs in a worker thread, builds on a miss and answers
    every error. This path, on the event loop, only checks the token, runs the one
    :data:`~api.repositories.driver_days.DRIVER_DAY` query (an indexed join, well under a
    millisecond) and sends the cached bytes; for anything else (no or a bad token, a date not in
    ``YYYY-MM-DD`` form, another role, no crew, no published plan, a miss) it passes the request
    on, and the route gives the same answer it always gives. The router, dependency solving and
    a worker thread per request cost several times the query (BENCHMARKS.md). The query runs on
    the app's :class:`DriverDayReader` (autocommit connections of its own; on PostgreSQL without
    blocking the loop).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == "/me/assignment":
            entry = await self._hit(scope)
            if entry is not None:
                tag = dict(scope["headers"]).get(b"if-none-match")
                await entry.answer(tag.decode("latin-1") if tag else None)(scope, receive, send)
                return
        await self.app(scope, receive, send)

    @staticmethod
    async def _hit(scope: Scope) -> CachedAssignment | None:
        if scope["method"] != "GET":
            return None
        query = parse_qs(scope["query_string"].decode("latin-1"))
        dates = query.get("date", [])
        if len(query) != 1 or len(dates) != 1 or not ISO_DATE.fullmatch(dates[0]):
            return None
        token = dict(scope["headers"]).get(b"authorization", b"").decode("latin-1")
        scheme, _, credentials = token.partition(" ")
        if scheme.lower() != "bearer":
            return None
        state = scope["app"].state
        claims = read_token(credentials, secret_key=state.settings.signing_key())
        if claims is None:
            return None
        try:
            date = dt.date.fromisoformat(dates[0])
        except ValueError:
            return None
        reader: DriverDayReader | None = getattr(state, "driver_days", None)
        try:
            if reader is not None:
                day = await reader.read(claims.user_id, date)
            else:  # sessions bound to one connection (tests): read through them
                with _reading(state.sessions) as connection:
                    day = driver_day(connection, claims.user_id, date)
        except Exception:  # the route reports database errors as the error table says
            return None
        if day.role != Role.DRIVER or day.crew is None or day.plan_id is None:
            return None
        if day.token_version != claims.version:
            return None  # the route answers 401
        cache: AssignmentCache = state.assignments
        return cache.peek((day.plan_id, day.crew, day.reports))


def within_day(at: dt.datetime, day: dt.date) -> bool:
    """Whether a report time can be of ``day``: a local time (no offset) on that date; a time
    with an offset, within the day in some time zone (a phone may send UTC)."""
    if at.tzinfo is None:
        return at.date() == day
    start = dt.datetime.combine(day, dt.time(), tzinfo=EARLIEST_ZONE)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=LATEST_ZONE)
    return start <= at < end


def _uncached(request: Request, claims: TokenClaims, date: dt.date) -> Assignment:
    with _sessions(request)() as session:
        day = driver_day(session, claims.user_id, date)
        return _assignment(session, day, date, claims.version)


@router.get("/assignment.gpx", response_class=Response)
def get_assignment_gpx(
    date: dt.date, request: Request, claims: TokenClaimsDep, lang: Literal["zh", "en"] = "zh"
) -> Response:
    """The assignment as GPX (waypoints and a route per shift), for navigation apps; names in
    Chinese or English."""
    gpx = to_gpx(_uncached(request, claims, date), lang)
    return Response(gpx, media_type="application/gpx+xml")


@router.get("/assignment.ics", response_class=Response)
def get_assignment_ics(
    date: dt.date, request: Request, claims: TokenClaimsDep, lang: Literal["zh", "en"] = "zh"
) -> Response:
    """The assignment as iCalendar: one event per stop, in Chinese or English."""
    ics = to_icalendar(_uncached(request, claims, date), lang)
    return Response(ics, media_type="text/calendar")


@router.post("/stops", status_code=status.HTTP_201_CREATED)
def report_stop(
    body: StopReport,
    request: Request,
    session: SessionDep,
    user: DriverUser,
    claims: TokenClaimsDep,
) -> StopStatusPublic:
    """Mark one of the crew's visits done, or skipped with a reason; a later report replaces it,
    and ``planned`` withdraws it (a tap by mistake is undone the same day)."""
    if body.status == "skipped" and not body.reason.strip():
        raise FieldError("reason", "a skipped stop needs a reason").at("body")
    if body.at is not None and not within_day(body.at, body.date):
        raise FieldError(
            "at", f"{body.at.isoformat()} is not a time of the plan's day {body.date.isoformat()}"
        ).at("body")
    entry = cached_assignment(
        _sessions(request), _cache(request), claims, body.date, road_legs(request)
    )
    if (body.point_id, body.visit) not in entry.visits:
        raise NotFoundError(
            f"visit {body.visit} of {body.point_id!r} is not on this crew's routes",
            loc=("body", "point_id"),
        )
    plan = entry.plan_id
    if body.status == "planned":
        plan_store.withdraw_report(session, plan_id=plan, point=body.point_id, visit=body.visit)
        session.commit()
        return StopStatusPublic(
            plan_id=plan,
            point_id=body.point_id,
            visit=body.visit,
            status="planned",
            reason="",
            at=body.at or m.utcnow(),
        )
    row = plan_store.record_report(
        session,
        plan_id=plan,
        point=body.point_id,
        visit=body.visit,
        status=body.status,
        reason=body.reason.strip(),
        at=body.at or m.utcnow(),
        user_id=user.id,
    )
    session.commit()
    return StopStatusPublic(
        plan_id=plan,
        point_id=row.point_code,
        visit=row.visit,
        status=body.status,
        reason=row.reason,
        at=row.at,
    )
