"""Reader of the Kim, Kim & Sahoo (2006) waste-collection VRPTW files.

Five header lines (vehicle capacity in yards, yards per vehicle per day, regular stops per vehicle
per day, lunch seconds, speed in mph), one line of column titles, then one row per site:
``id x_ft y_ft early_HHMM late_HHMM service_s load_yd type`` (type 0 depot, 1 stop, 2 disposal
facility). The published files are not uniform, and the reader takes them as they are: spaces or
tabs, spreadsheet exports with quoted tokens and empty trailing columns, ids that are not row
numbers (rows are indexed by position), times without leading zeros, a few invalid clock values
such as ``790`` (read as 7 h 90 min), stops with no load, several sites at one spot.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path

from routing.errors import FieldError

HEADER_FIELDS = ("capacity_yd", "daily_yd", "daily_stops", "lunch_s", "speed_mph")
ROW_FIELDS = ("id", "x_ft", "y_ft", "early", "late", "service_s", "load_yd", "type")


class SiteType(IntEnum):
    """What a row of the file is."""

    DEPOT = 0
    STOP = 1
    DISPOSAL = 2


@dataclass(frozen=True, slots=True)
class KimSite:
    """One row of a Kim file.

    Parameters
    ----------
    label
        The id column as written (not necessarily the row number).
    x_ft, y_ft
        Coordinates in feet.
    early_s, late_s
        Earliest and latest start of service, seconds since midnight.
    service_s
        Service (or unloading) time in seconds.
    load_yd
        Yards picked up; meaningless (9999 in the files) for the depot and disposal facilities.
    kind
        Depot, regular stop or disposal facility.
    """

    label: str
    x_ft: float
    y_ft: float
    early_s: int
    late_s: int
    service_s: int
    load_yd: float
    kind: SiteType


@dataclass(frozen=True, slots=True)
class KimInstance:
    """A Kim instance: the fleet's limits and the sites, indexed by row position.

    Parameters
    ----------
    name
        The file stem, e.g. ``"102_stop"``.
    capacity_yd
        Yards a vehicle holds on one trip (between two unloadings).
    daily_yd
        Yards a vehicle may collect in a day.
    daily_stops
        Regular stops a vehicle may serve in a day.
    lunch_s
        Length of the lunch break in seconds; it starts between 11:00 and 12:00.
    speed_mph
        Driving speed in miles per hour.
    sites
        Every row, in file order; positions are the indices used by solutions.
    """

    name: str
    capacity_yd: float
    daily_yd: float
    daily_stops: int
    lunch_s: int
    speed_mph: float
    sites: tuple[KimSite, ...]

    @property
    def depot(self) -> int:
        """Row position of the depot."""
        return next(i for i, s in enumerate(self.sites) if s.kind is SiteType.DEPOT)

    @property
    def stops(self) -> tuple[int, ...]:
        """Row positions of the regular stops."""
        return tuple(i for i, s in enumerate(self.sites) if s.kind is SiteType.STOP)

    @property
    def disposals(self) -> tuple[int, ...]:
        """Row positions of the disposal facilities."""
        return tuple(i for i, s in enumerate(self.sites) if s.kind is SiteType.DISPOSAL)

    @property
    def total_yd(self) -> float:
        """Yards over all regular stops."""
        return sum(self.sites[i].load_yd for i in self.stops)


class KimFormatError(FieldError):
    """A line of a Kim file cannot be read; the message names file, line and field."""


def _tokens(line: str) -> list[str]:
    """The non-empty tokens of a line, spreadsheet quotes removed."""
    return [t.strip('"') for t in line.split() if t.strip('"')]


def _number(token: str, field: str, record: str) -> float:
    try:
        return float(token)
    except ValueError:
        raise FieldError(field, f"must be a number, got {token!r}", record=record) from None


def _integer(token: str, field: str, record: str) -> int:
    value = _number(token, field, record)
    if value != int(value):
        raise FieldError(field, f"must be a whole number, got {token!r}", record=record)
    return int(value)


def clock_s(value: int) -> int:
    """Seconds since midnight of an HHMM clock value, read as h = v // 100 and m = v % 100.

    Invalid values such as 790 are read the same way (7 h 90 min = 08:30), as the files use them.
    """
    return (value // 100) * 3600 + (value % 100) * 60


def _site(tokens: list[str], record: str) -> KimSite:
    if len(tokens) < len(ROW_FIELDS):
        missing = ROW_FIELDS[len(tokens)]
        raise FieldError(missing, f"missing: the row has {len(tokens)} of 8 fields", record=record)
    label, x, y, early, late, service, load, kind = tokens[:8]
    early_v = _integer(early, "early", record)
    late_v = _integer(late, "late", record)
    kind_v = _integer(kind, "type", record)
    if kind_v not in (0, 1, 2):
        raise FieldError("type", f"must be 0, 1 or 2, got {kind!r}", record=record)
    load_v = _number(load, "load_yd", record)
    if load_v < 0:
        raise FieldError("load_yd", f"must not be negative, got {load!r}", record=record)
    service_v = _integer(service, "service_s", record)
    if service_v < 0:
        raise FieldError("service_s", f"must not be negative, got {service!r}", record=record)
    if early_v < 0 or clock_s(late_v) < clock_s(early_v):
        raise FieldError("late", f"window {early}-{late} is empty", record=record)
    return KimSite(
        label=label,
        x_ft=_number(x, "x_ft", record),
        y_ft=_number(y, "y_ft", record),
        early_s=clock_s(early_v),
        late_s=clock_s(late_v),
        service_s=service_v,
        load_yd=load_v,
        kind=SiteType(kind_v),
    )


def parse_kim(text: str, *, name: str, source: str = "") -> KimInstance:
    """A Kim instance from the text of a file.

    Parameters
    ----------
    text
        The file's content.
    name
        The instance name (the file stem).
    source
        The file name used in error messages; ``name`` when empty.

    Raises
    ------
    KimFormatError
        A header or row field cannot be read; the message names file, line and field.
    """
    where = source or name
    lines = text.splitlines()
    capacity, daily, stops, lunch, mph = _header(lines, where)
    sites = _sites(lines, where)
    kinds = [s.kind for s in sites]
    if kinds.count(SiteType.DEPOT) != 1:
        raise KimFormatError(
            "type", f"needs exactly one depot, found {kinds.count(SiteType.DEPOT)}", record=where
        )
    if SiteType.DISPOSAL not in kinds:
        raise KimFormatError("type", "needs at least one disposal facility (type 2)", record=where)
    return KimInstance(
        name=name,
        capacity_yd=capacity,
        daily_yd=daily,
        daily_stops=int(stops),
        lunch_s=int(lunch),
        speed_mph=mph,
        sites=tuple(sites),
    )


def _header(lines: list[str], where: str) -> list[float]:
    """The five header values, each positive, in the order of :data:`HEADER_FIELDS`."""
    header: list[float] = []
    for n, field in enumerate(HEADER_FIELDS):
        record = f"{where}, line {n + 1}"
        tokens = _tokens(lines[n]) if n < len(lines) else []
        if not tokens:
            raise KimFormatError(field, "missing header value", record=record)
        try:
            header.append(_number(tokens[0], field, record))
        except FieldError as e:
            raise KimFormatError(e.field, e.message, record=e.record) from None
        if header[-1] <= 0:
            raise KimFormatError(field, f"must be positive, got {tokens[0]!r}", record=record)
    return header


def _sites(lines: list[str], where: str) -> list[KimSite]:
    """The rows after the header, skipping blank lines and the line of column titles."""
    sites: list[KimSite] = []
    for n in range(len(HEADER_FIELDS), len(lines)):
        tokens = _tokens(lines[n])
        if not tokens:
            continue
        if not sites and n == len(HEADER_FIELDS):
            try:
                float(tokens[0])
            except ValueError:
                continue  # the line of column titles
        try:
            sites.append(_site(tokens, f"{where}, line {n + 1}"))
        except FieldError as e:
            raise KimFormatError(e.field, e.message, record=e.record) from None
    return sites


def read_kim(path: Path) -> KimInstance:
    """Read a Kim file; see :func:`parse_kim`."""
    return parse_kim(path.read_text(encoding="utf-8"), name=path.stem, source=path.name)
