"""A driver's assignment: the crew's routes of a published plan, with ETAs and links.

Built from the plan version's stored plan and problem snapshot (no travel matrices needed).
:func:`driver_day` finds in one query everything a driver's request depends on (the user's role
and crew, the day's published version, the stop reports on it), so a built assignment can be
cached under that and reused until one of them changes (``api/routes/driver.py``).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol
from xml.sax.saxutils import escape

import psycopg
from sqlalchemy import Connection, Date, Engine, Integer, PoolProxiedConnection, bindparam, text
from sqlalchemy.orm import Session

from api.db import models as m
from api.schemas.plans import Assignment, RouteAssignment, StopPublic
from routing.plan import Trip, Unload, VisitStop
from routing.plan_file import plan_from_dict
from routing.units import format_clock


class StopReportLike(Protocol):
    """A stop's report as an assignment shows it (a stored row or a :class:`StopState`)."""

    @property
    def status(self) -> str: ...

    @property
    def reason(self) -> str: ...


@dataclass(frozen=True, slots=True)
class StopState:
    """A stop's reported status and reason."""

    status: str
    reason: str


@dataclass(frozen=True, slots=True)
class DriverDay:
    """What a driver's request for a day depends on, read in one query.

    ``role`` and ``token_version`` are None when the user does not exist; ``crew`` when the user
    has no crew; ``plan_id`` when the crew's district has no published version of the day.
    """

    role: str | None
    token_version: int | None
    crew: str | None
    plan_id: int | None
    reports: tuple[tuple[str, int, str, str], ...]

    def statuses(self) -> dict[tuple[str, int], StopState]:
        """The stop reports by (point, visit)."""
        return {
            (point, visit): StopState(status, reason)
            for point, visit, status, reason in self.reports
        }


_DRIVER_DAY_SQL = """
    SELECT {user_id}users.role, users.token_version, crews.code, plans.id,
           stop_statuses.point_code, stop_statuses.visit, stop_statuses.status,
           stop_statuses.reason
    FROM users
    LEFT OUTER JOIN crews ON crews.id = users.crew_id
    LEFT OUTER JOIN plans ON plans.district_id = crews.district_id
        AND plans.plan_date = {date} AND plans.published
    LEFT OUTER JOIN stop_statuses ON stop_statuses.plan_id = plans.id
    WHERE {users}
"""

#: Everything a driver's request depends on, in one statement built once (building and keying
#: a SQLAlchemy expression per request cost more CPU than running it). ``published`` is compared
#: as a boolean on PostgreSQL and as 0/1 on SQLite.
DRIVER_DAY = text(
    _DRIVER_DAY_SQL.format(user_id="", date=":date", users="users.id = :user_id")
).bindparams(bindparam("date", type_=Date), bindparam("user_id", type_=Integer))

#: :data:`DRIVER_DAY` for many users at once (psycopg parameters), led by the user's id.
DRIVER_DAYS_PG = _DRIVER_DAY_SQL.format(
    user_id="users.id, ", date="%(date)s", users="users.id = ANY(%(user_ids)s)"
)


def driver_day(connection: Connection | Session, user_id: int, date: dt.date) -> DriverDay:
    """The user's role and crew, the crew's published version of ``date``, its stop reports."""
    rows = connection.execute(DRIVER_DAY, {"date": date, "user_id": user_id}).all()
    return _driver_day(rows)


def _driver_day(rows: Sequence[Sequence[Any]]) -> DriverDay:
    if not rows:
        return DriverDay(role=None, token_version=None, crew=None, plan_id=None, reports=())
    role, version, crew, plan_id = rows[0][:4]
    reports = tuple(sorted((r[4], r[5], r[6], r[7]) for r in rows if r[4] is not None))
    return DriverDay(role=role, token_version=version, crew=crew, plan_id=plan_id, reports=reports)


class DriverDayReader:
    """Runs :data:`DRIVER_DAY` on connections of its own, for the event loop's hot path.

    Through the database driver directly: SQLAlchemy's pool checkout and execution machinery
    cost several times the query (about 0.4 ms against 0.03 ms on SpatiaLite). Connections are
    in autocommit, so every read sees what is committed at that moment, and are replaced after an
    error. SpatiaLite is read in the process, on one connection taken out of the engine's pool;
    PostgreSQL through up to ``pg_connections`` asynchronous psycopg connections, so the event
    loop serves other requests while the server answers, the requests of a moment batched into
    one query (a burst of 100 reads took 12–23 ms one by one; psycopg prepares the repeated
    query). Used from one event loop.
    """

    def __init__(self, engine: Engine, *, pg_connections: int = 4) -> None:
        self.engine = engine
        self.sqlite = engine.dialect.name == "sqlite"
        compiled = DRIVER_DAY.compile(dialect=engine.dialect)
        self._sql = compiled.string
        self._positions = compiled.positiontup
        self._date = Date().bind_processor(engine.dialect)
        self._connection: PoolProxiedConnection | None = None
        self._pg_size = pg_connections
        self._pg_idle: list[psycopg.AsyncConnection[Any]] = []
        self._pg_open = 0
        self._pg_freed: asyncio.Condition | None = None
        self._waiting: list[tuple[int, dt.date, asyncio.Future[DriverDay]]] = []
        self._batches: set[asyncio.Future[None]] = set()

    def _params(self, user_id: int, date: dt.date) -> dict[str, Any] | list[Any]:
        values: dict[str, Any] = {
            "date": self._date(date) if self._date else date,
            "user_id": user_id,
        }
        return [values[name] for name in self._positions] if self._positions else values

    async def read(self, user_id: int, date: dt.date) -> DriverDay:
        """What the user's request for ``date`` depends on (raises the driver's errors).

        On PostgreSQL the requests waiting at one turn of the event loop are read together, in
        one query issued after they arrived (one round trip instead of one per request).
        """
        if self.sqlite:
            return self._read_sqlite(user_id, date)
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[DriverDay] = loop.create_future()
        self._waiting.append((user_id, date, waiter))
        if len(self._waiting) == 1:
            loop.call_soon(self._start_batch)
        return await waiter

    def _start_batch(self) -> None:
        batch, self._waiting = self._waiting, []
        task = asyncio.ensure_future(self._read_batch(batch))
        self._batches.add(task)
        task.add_done_callback(self._batches.discard)

    async def _read_batch(
        self, batch: list[tuple[int, dt.date, asyncio.Future[DriverDay]]]
    ) -> None:
        for date in {day for _, day, _ in batch}:
            waiters = [(user_id, w) for user_id, day, w in batch if day == date]
            try:
                rows = await self._pg_rows(sorted({user_id for user_id, _ in waiters}), date)
            except Exception as error:
                for _, waiter in waiters:
                    if not waiter.done():
                        waiter.set_exception(error)
                continue
            by_user: dict[int, list[Sequence[Any]]] = {}
            for row in rows:
                by_user.setdefault(row[0], []).append(row[1:])
            for user_id, waiter in waiters:
                if not waiter.done():
                    waiter.set_result(_driver_day(by_user.get(user_id, [])))

    async def _pg_rows(self, user_ids: list[int], date: dt.date) -> list[Sequence[Any]]:
        connection = await self._pg_take()
        try:
            cursor = await connection.execute(DRIVER_DAYS_PG, {"date": date, "user_ids": user_ids})
            rows = await cursor.fetchall()
        except Exception:
            self._pg_open -= 1
            with contextlib.suppress(Exception):
                await connection.close()
            await self._pg_notify()
            raise
        self._pg_idle.append(connection)
        await self._pg_notify()
        return list(rows)

    def _read_sqlite(self, user_id: int, date: dt.date) -> DriverDay:
        connection = self._connection or self._connect_sqlite()
        try:
            cursor = connection.cursor()
            cursor.execute(self._sql, self._params(user_id, date))
            rows = cursor.fetchall()
            cursor.close()
        except Exception:
            self._close_sqlite()
            raise
        return _driver_day(rows)

    def _connect_sqlite(self) -> PoolProxiedConnection:
        connection = self.engine.raw_connection()
        driver = connection.driver_connection
        connection.detach()
        driver.isolation_level = None  # type: ignore[union-attr]
        self._connection = connection
        return connection

    def _close_sqlite(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(Exception):
                connection.close()

    async def _pg_take(self) -> psycopg.AsyncConnection[Any]:
        if self._pg_freed is None:
            self._pg_freed = asyncio.Condition()
        while True:
            if self._pg_idle:
                return self._pg_idle.pop()
            if self._pg_open < self._pg_size:
                self._pg_open += 1
                try:
                    return await psycopg.AsyncConnection.connect(self._conninfo(), autocommit=True)
                except Exception:
                    self._pg_open -= 1
                    raise
            async with self._pg_freed:
                await self._pg_freed.wait()

    async def _pg_notify(self) -> None:
        if self._pg_freed is not None:
            async with self._pg_freed:
                self._pg_freed.notify()

    def _conninfo(self) -> str:
        url = self.engine.url.set(drivername="postgresql")
        return url.render_as_string(hide_password=False)

    async def close(self) -> None:
        """Close the connections (a later read opens others)."""
        self._close_sqlite()
        idle, self._pg_idle = self._pg_idle, []
        self._pg_open -= len(idle)
        for connection in idle:
            with contextlib.suppress(Exception):
                await connection.close()


def _places(problem: dict[str, Any]) -> dict[str, dict[str, Any]]:
    places: dict[str, dict[str, Any]] = {}
    for key in ("points", "depots", "facilities"):
        for record in problem.get(key, []):
            places[record["id"]] = record
    return places


def _links(lon: float, lat: float) -> tuple[str, str]:
    geo = f"geo:{lat:.6f},{lon:.6f}"
    osm = f"https://www.openstreetmap.org/?mlat={lat:.6f}&mlon={lon:.6f}#map=18/{lat:.6f}/{lon:.6f}"
    return geo, osm


def build_assignment(
    row: m.PlanRow, crew_code: str, statuses: Mapping[tuple[str, int], StopReportLike]
) -> Assignment:
    """The crew's routes in the plan version ``row``: stops in order with ETAs and links."""
    plan = plan_from_dict(row.plan, source=f"plan {row.id}")
    places = _places(row.problem)
    shifts = {s["id"]: s for s in row.problem.get("shifts", [])}
    vehicles = {v["id"]: v for v in row.problem.get("vehicles", [])}
    routes: list[RouteAssignment] = []
    features: list[dict[str, Any]] = []
    for route in sorted(plan.routes, key=lambda r: r.start_s):
        if route.crew_id != crew_code:
            continue
        vehicle = vehicles.get(route.vehicle_id, {})
        depot = places.get(vehicle.get("depot_id", ""))
        in_order: list[tuple[Trip, VisitStop | Unload]] = [
            (trip, stop) for trip in route.trips for stop in _stops(trip)
        ]
        stops = [
            _stop(seq, stop, trip.stream.value, places, statuses)
            for seq, (trip, stop) in enumerate(in_order, start=1)
        ]
        line = [[p.lon, p.lat] for p in stops]
        if depot:
            line = [[depot["lon"], depot["lat"]], *line, [depot["lon"], depot["lat"]]]
        features += [_stop_feature(stop) for stop in stops]
        if len(line) >= 2:
            features.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "LineString", "coordinates": line},
                    "properties": {
                        "kind": "route",
                        "vehicle": route.vehicle_id,
                        "shift": route.shift_id,
                    },
                }
            )
        shift = shifts.get(route.shift_id, {})
        routes.append(
            RouteAssignment(
                shift=route.shift_id,
                shift_start=str(shift.get("start_s", "")),
                shift_end=str(shift.get("end_s", "")),
                vehicle=route.vehicle_id,
                vehicle_type=str(vehicle.get("type_id", "")),
                depot=str(vehicle.get("depot_id", "")),
                start=format_clock(route.start_s),
                end=format_clock(route.end_s),
                trips=len(route.trips),
                stops=stops,
            )
        )
    return Assignment(
        date=row.plan_date,
        district_id=row.district_id,
        plan_id=row.id,
        version=row.version,
        crew=crew_code,
        routes=routes,
        geojson={"type": "FeatureCollection", "features": features},
    )


def _stops(trip: Trip) -> tuple[VisitStop | Unload, ...]:
    return trip.visits if trip.unload is None else (*trip.visits, trip.unload)


def _stop_feature(stop: StopPublic) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [stop.lon, stop.lat]},
        "properties": {
            "seq": stop.seq,
            "kind": stop.kind,
            "id": stop.id,
            "eta": stop.eta,
            "status": stop.status,
            "geo_uri": stop.geo_uri,
        },
    }


def _stop(
    seq: int,
    stop: VisitStop | Unload,
    stream: str,
    places: dict[str, dict[str, Any]],
    statuses: Mapping[tuple[str, int], StopReportLike],
) -> StopPublic:
    if isinstance(stop, VisitStop):
        place_id, visit, kg = stop.point_id, stop.visit, stop.load_kg
        report = statuses.get((place_id, visit))
    else:
        place_id, visit, kg, report = stop.facility_id, None, stop.kg, None
    place = places.get(place_id, {"lon": 0.0, "lat": 0.0, "name": ""})
    lon, lat = float(place["lon"]), float(place["lat"])
    geo, osm = _links(lon, lat)
    return StopPublic(
        seq=seq,
        kind="visit" if visit is not None else "unload",
        id=place_id,
        name=str(place.get("name", "")),
        stream=stream,
        visit=visit,
        eta=format_clock(stop.arrival_s),
        eta_s=stop.arrival_s,
        departure=format_clock(stop.departure_s),
        departure_s=stop.departure_s,
        kg=kg,
        lon=lon,
        lat=lat,
        geo_uri=geo,
        osm_url=osm,
        status=report.status if report else "planned",  # type: ignore[arg-type]
        reason=report.reason if report else "",
    )


def to_gpx(assignment: Assignment) -> str:
    """The assignment as GPX 1.1: a waypoint per stop and a route per shift."""
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<gpx version="1.1" creator="Huanwei" xmlns="http://www.topografix.com/GPX/1/1">',
    ]
    for route in assignment.routes:
        for stop in route.stops:
            parts.append(
                f'<wpt lat="{stop.lat:.6f}" lon="{stop.lon:.6f}"><name>{escape(_title(stop))}</name>'
                f"<desc>{escape(f'{route.shift} {route.vehicle} ETA {stop.eta}')}</desc></wpt>"
            )
    for route in assignment.routes:
        parts.append(f"<rte><name>{escape(f'{route.shift} {route.vehicle}')}</name>")
        for stop in route.stops:
            parts.append(
                f'<rtept lat="{stop.lat:.6f}" lon="{stop.lon:.6f}">'
                f"<name>{escape(_title(stop))}</name></rtept>"
            )
        parts.append("</rte>")
    parts.append("</gpx>")
    return "\n".join(parts) + "\n"


def _title(stop: StopPublic) -> str:
    what = "unload at" if stop.kind == "unload" else "collect at"
    return f"{stop.seq}. {what} {stop.id}"


def _ics_time(day: dt.date, seconds: int) -> str:
    moment = dt.datetime.combine(day, dt.time()) + dt.timedelta(seconds=seconds)
    return moment.strftime("%Y%m%dT%H%M%S")


def _ics_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def to_icalendar(assignment: Assignment) -> str:
    """The assignment as iCalendar: an event per stop (floating local times of the district)."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Huanwei//assignment//EN"]
    for route in assignment.routes:
        for stop in route.stops:
            end_s = max(stop.departure_s, stop.eta_s)
            uid = f"{assignment.plan_id}-{route.vehicle}-{route.shift}-{stop.seq}@huanwei"
            lines += [
                "BEGIN:VEVENT",
                f"UID:{uid}",
                f"DTSTAMP:{stamp}",
                f"DTSTART:{_ics_time(assignment.date, stop.eta_s)}",
                f"DTEND:{_ics_time(assignment.date, end_s)}",
                f"SUMMARY:{_ics_text(_title(stop))}",
                f"DESCRIPTION:{_ics_text(f'{route.shift} {route.vehicle} {stop.osm_url}')}",
                f"GEO:{stop.lat:.6f};{stop.lon:.6f}",
                "END:VEVENT",
            ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"
