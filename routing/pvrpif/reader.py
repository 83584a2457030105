"""Reader of the PVRP-IF waste-collection instances of Taverna & Tilk (GeoJSON files).

A file is a GeoJSON ``FeatureCollection`` with two members of its own:

- ``info``: ``numVehicles`` (vehicles available each day), ``maxDuration`` (longest route: travel
  plus service), ``maxCapacity`` (load between two unloadings) and ``planningHorizon`` (days),
  all required; and summaries that the reader checks against the features when they are present:
  the counts ``customer``, ``intermediateFacility`` and ``depot``, the histogram ``frequency``
  (``"2.0": 18``; the depot and the facilities are counted under ``"0.0"``), and ``totDemand``,
  which is the demand over the whole horizon, the sum of demand × frequency.
- ``duration``: the square matrix of travel times, integers written as ``16.0``, asymmetric,
  indexed by feature ``id``.

Each feature is a point whose properties give ``id`` (its index in the matrix), ``type``
(``depot``, ``customer`` or ``intermediateFacility``), ``frequency`` (visits in the horizon),
``demand`` (load picked up at each visit) and ``service`` (time spent at each visit). Times are in
the file's unit, which the upstream README does not state (minutes, by their size).

Visiting patterns
-----------------
The files give a frequency, not the days. The published solution reports list, for every node
``i`` (``Scheme(i)``: the feature id), the ``options`` a solution may choose from, and all of them
(59 reports, 2,080 customer lines, the options in the same order) agree with one rule
(:func:`day_patterns`): a customer visited ``f`` times in a horizon of ``H`` days, ``f`` dividing
``H``, is visited every ``H / f`` days, starting on one of the first ``H / f`` days::

    patterns = {(s, s + H/f, ..., s + (f - 1) H/f) : 0 <= s < H/f}

so with ``H = 4``: ``f = 1`` gives (0), (1), (2), (3); ``f = 2`` gives (0, 2), (1, 3); ``f = 4``
gives (0, 1, 2, 3); and with ``H = 6``: ``f = 2`` gives (0, 3), (1, 4), (2, 5); ``f = 3`` gives
(0, 2, 4), (1, 3, 5); ``f = 6`` gives every day. The published frequencies are 1, 2 and 4 over 4
days and 1, 2, 3 and 6 over 6 days; all divide the horizon.

Frequency 0 is carried only by the depot and the intermediate facilities, never by a customer; the
reports give those nodes no options (``options: []``) and accept whatever days they are visited.
:func:`patterns` returns ``()`` for them likewise. The reader refuses a customer whose frequency
is 0 or does not divide the horizon, since no pattern of the rule above would exist for it.
"""

from __future__ import annotations

import enum
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from routing import fields
from routing._checks import checked, non_negative, positive, require
from routing.errors import FieldError

REQUIRED_INFO = ("numVehicles", "maxDuration", "maxCapacity", "planningHorizon")


class NodeKind(enum.StrEnum):
    """What a feature of the file is, spelt as in its ``type`` property."""

    DEPOT = "depot"
    CUSTOMER = "customer"
    FACILITY = "intermediateFacility"


@dataclass(frozen=True, slots=True)
class PvrpifCustomer:
    """A customer (a bin) to be emptied on the days of one of its patterns.

    Parameters
    ----------
    index
        The feature id: the customer's row and column in the duration matrix.
    frequency
        Visits over the planning horizon; see :func:`day_patterns`.
    demand
        Load picked up at each visit, in the file's load unit.
    service
        Time spent at each visit, in the file's time unit.
    coordinates
        Longitude and latitude, in degrees.
    """

    index: int
    frequency: int
    demand: int
    service: int
    coordinates: tuple[float, float] = (0.0, 0.0)

    @checked
    def __post_init__(self) -> None:
        non_negative(self.index, "index")
        positive(self.frequency, "frequency")
        non_negative(self.demand, "demand")
        non_negative(self.service, "service")


@dataclass(frozen=True, slots=True)
class PvrpifInstance:
    """A PVRP-IF instance: the fleet's daily limits, the nodes and the travel times.

    Parameters
    ----------
    name
        The file stem, e.g. ``"Milano_020_4_0"``.
    horizon_days
        Days of the planning horizon, numbered from 0.
    vehicles_per_day
        Routes that may run on one day.
    max_duration
        Longest route (travel plus service), in the file's time unit.
    max_capacity
        Largest load between two unloadings (leaving the depot, or a facility, and the next
        facility).
    depot
        Index of the depot, where every route starts and ends.
    customers
        The customers, in index order.
    facilities
        Indices of the intermediate facilities, where a vehicle unloads (its load drops to 0).
    duration
        ``duration[a][b]``: travel time from node ``a`` to node ``b``; not symmetric.
    coordinates
        Longitude and latitude of every node, by index.
    area
        The city the instance lies in (``info.area``), for display.
    """

    name: str
    horizon_days: int
    vehicles_per_day: int
    max_duration: int
    max_capacity: int
    depot: int
    customers: tuple[PvrpifCustomer, ...]
    facilities: tuple[int, ...]
    duration: tuple[tuple[int, ...], ...]
    coordinates: tuple[tuple[float, float], ...]
    area: str = ""

    @checked
    def __post_init__(self) -> None:
        positive(self.horizon_days, "horizon_days")
        positive(self.vehicles_per_day, "vehicles_per_day")
        positive(self.max_duration, "max_duration")
        positive(self.max_capacity, "max_capacity")
        size = len(self.coordinates)
        require(
            len(self.duration) == size and all(len(row) == size for row in self.duration),
            "duration",
            f"must be a square matrix with one row and one column per node ({size})",
        )
        require(
            all(isinstance(t, int) and t >= 0 for row in self.duration for t in row),
            "duration",
            "must hold integers of 0 or more",
        )
        indices = [self.depot, *(c.index for c in self.customers), *self.facilities]
        require(
            sorted(indices) == list(range(size)),
            "customers",
            f"the depot, customers and facilities must number the nodes 0 to {size - 1} once each",
        )
        require(bool(self.facilities), "facilities", "needs at least one intermediate facility")
        for customer in self.customers:
            require(
                self.horizon_days % customer.frequency == 0,
                "frequency",
                f"customer {customer.index}: {customer.frequency} visits do not divide "
                f"the planning horizon of {self.horizon_days} days",
            )

    @property
    def size(self) -> int:
        """Number of nodes: the depot, the customers and the facilities."""
        return len(self.coordinates)

    def kind(self, index: int) -> NodeKind:
        """What node ``index`` is.

        Raises
        ------
        FieldError
            ``index`` is not a node of the instance.
        """
        if index == self.depot:
            return NodeKind.DEPOT
        if index in self.facilities:
            return NodeKind.FACILITY
        if any(c.index == index for c in self.customers):
            return NodeKind.CUSTOMER
        raise FieldError("index", f"{index} is not a node of {self.name}")

    def customer(self, index: int) -> PvrpifCustomer:
        """The customer at ``index``.

        Raises
        ------
        FieldError
            ``index`` is not a customer of the instance.
        """
        for customer in self.customers:
            if customer.index == index:
                return customer
        raise FieldError("index", f"{index} is not a customer of {self.name}")


def day_patterns(frequency: int, horizon_days: int) -> tuple[tuple[int, ...], ...]:
    """The day sets a customer of ``frequency`` visits may be served on (see the module's notes).

    Parameters
    ----------
    frequency
        Visits over the horizon; a divisor of ``horizon_days``.
    horizon_days
        Days of the planning horizon.

    Returns
    -------
    tuple of tuple of int
        One pattern per starting day ``s`` in ``0 .. H/f - 1``: the days ``s, s + H/f, ...``,
        in the order of their first day.

    Raises
    ------
    FieldError
        ``frequency`` is not a positive divisor of ``horizon_days``.
    """
    if frequency < 1 or horizon_days < 1 or horizon_days % frequency:
        raise FieldError(
            "frequency",
            f"must be a positive divisor of the planning horizon of {horizon_days} days, "
            f"got {frequency}",
        )
    step = horizon_days // frequency
    return tuple(tuple(range(start, horizon_days, step)) for start in range(step))


def patterns(
    instance: PvrpifInstance, customer: PvrpifCustomer | int
) -> tuple[tuple[int, ...], ...]:
    """The allowed day patterns of a customer of ``instance`` (a customer or its index).

    The depot and the facilities have none (``()``), as in the published reports: any days are
    right for them.
    """
    if isinstance(customer, int):
        if instance.kind(customer) is not NodeKind.CUSTOMER:
            return ()
        customer = instance.customer(customer)
    return day_patterns(customer.frequency, instance.horizon_days)


class PvrpifFormatError(FieldError):
    """A PVRP-IF file cannot be read; the message names the file, the record and the field."""


def _field(raw: Mapping[str, Any], name: str, record: str, *, minimum: int = 0) -> int:
    """Integer field ``name`` of ``raw`` (``5.0`` accepted), at least ``minimum``."""
    try:
        value = fields.get(raw, name, fields.integer)
    except FieldError as error:
        raise PvrpifFormatError(error.field, error.message, record=record) from None
    if value < minimum:
        raise PvrpifFormatError(name, f"must be {minimum} or more, got {value}", record=record)
    return value


def _member(raw: Mapping[str, Any], name: str, kind: type, record: str) -> Any:
    value = raw.get(name)
    if value is None:
        raise PvrpifFormatError(name, "is required", record=record)
    if not isinstance(value, kind):
        what = "an object" if kind is dict else "a list"
        raise PvrpifFormatError(name, f"must be {what}, got {type(value).__name__}", record=record)
    return value


@dataclass(frozen=True, slots=True)
class _Node:
    """One feature as read, before it is sorted into depot, customer or facility."""

    index: int
    kind: NodeKind
    frequency: int
    demand: int
    service: int
    coordinates: tuple[float, float]


def _node(feature: Any, record: str, horizon: int) -> _Node:
    if not isinstance(feature, dict):
        raise PvrpifFormatError("feature", "must be a GeoJSON Feature object", record=record)
    props = _member(feature, "properties", dict, record)
    index = _field(props, "id", record)
    kind_text = props.get("type")
    if kind_text not in {k.value for k in NodeKind}:
        raise PvrpifFormatError(
            "type",
            f"must be depot, customer or intermediateFacility, got {kind_text!r}",
            record=record,
        )
    kind = NodeKind(kind_text)
    values = {name: _field(props, name, record) for name in ("frequency", "demand", "service")}
    if kind is not NodeKind.CUSTOMER:
        for name, value in values.items():
            if value != 0:
                raise PvrpifFormatError(
                    name, f"must be 0 for a node of type {kind_text}", record=record
                )
    elif values["frequency"] < 1 or horizon % values["frequency"]:
        raise PvrpifFormatError(
            "frequency",
            f"must divide the planning horizon of {horizon} days, got {values['frequency']}",
            record=record,
        )
    return _Node(
        index=index,
        kind=kind,
        frequency=values["frequency"],
        demand=values["demand"],
        service=values["service"],
        coordinates=_point(feature, record),
    )


def _point(feature: Mapping[str, Any], record: str) -> tuple[float, float]:
    geometry = _member(feature, "geometry", dict, record)
    xy = _member(geometry, "coordinates", list, record)
    if len(xy) < 2:
        raise PvrpifFormatError("coordinates", "must hold longitude and latitude", record=record)
    try:
        return fields.number(xy[0], "coordinates"), fields.number(xy[1], "coordinates")
    except FieldError as error:
        raise PvrpifFormatError(error.field, error.message, record=record) from None


def _matrix(rows: Sequence[Any], size: int, where: str) -> tuple[tuple[int, ...], ...]:
    if len(rows) != size:
        raise PvrpifFormatError(
            "duration", f"has {len(rows)} rows, expected one per feature ({size})", record=where
        )
    matrix = []
    for a, row in enumerate(rows):
        record = f"{where}, duration row {a}"
        if not isinstance(row, list) or len(row) != size:
            got = len(row) if isinstance(row, list) else type(row).__name__
            raise PvrpifFormatError(
                "duration", f"must have {size} columns (one per feature), got {got}", record=record
            )
        values = []
        for b, cell in enumerate(row):
            try:
                value = fields.integer(cell, f"duration[{a}][{b}]")
            except FieldError as error:
                raise PvrpifFormatError(error.field, error.message, record=record) from None
            if value < 0:
                raise PvrpifFormatError(
                    f"duration[{a}][{b}]", f"must be 0 or more, got {value}", record=record
                )
            values.append(value)
        matrix.append(tuple(values))
    return tuple(matrix)


def _check_summaries(info: Mapping[str, Any], nodes: Sequence[_Node], where: str) -> None:
    """The info's counts, frequency histogram and total demand agree with the features."""
    record = f"{where}, info"
    counts = Counter(n.kind for n in nodes)
    for kind in NodeKind:
        if kind.value in info and _field(info, kind.value, record) != counts[kind]:
            raise PvrpifFormatError(
                kind.value,
                f"says {info[kind.value]}, the features have {counts[kind]}",
                record=record,
            )
    if "frequency" in info:
        histogram = _member(info, "frequency", dict, record)
        try:
            stated = {
                fields.integer(float(k), "frequency"): fields.integer(v, "frequency")
                for k, v in histogram.items()
            }
        except (ValueError, FieldError):
            raise PvrpifFormatError(
                "frequency", "must map frequencies to counts", record=record
            ) from None
        actual = dict(Counter(n.frequency for n in nodes))
        if stated != actual:
            raise PvrpifFormatError(
                "frequency", f"says {stated}, the features have {actual}", record=record
            )
    if "totDemand" in info:
        total = sum(n.demand * n.frequency for n in nodes)
        if _field(info, "totDemand", record) != total:
            raise PvrpifFormatError(
                "totDemand",
                f"says {info['totDemand']}, the customers' demand × frequency sums to {total}",
                record=record,
            )


def parse_pvrpif(text: str, *, name: str, source: str = "") -> PvrpifInstance:
    """A PVRP-IF instance from the text of its GeoJSON file.

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
    PvrpifFormatError
        A member or field is missing or bad; the message names the file, the record (``info``,
        ``feature 3``, ``duration row 7``) and the field.
    """
    where = source or name
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as error:
        raise PvrpifFormatError(
            "json", f"{error.msg} at line {error.lineno}, column {error.colno}", record=where
        ) from None
    if not isinstance(raw, dict):
        raise PvrpifFormatError("type", "must be a GeoJSON FeatureCollection", record=where)
    info = _member(raw, "info", dict, where)
    record = f"{where}, info"
    limits = {key: _field(info, key, record, minimum=1) for key in REQUIRED_INFO}
    features = _member(raw, "features", list, where)
    horizon = limits["planningHorizon"]
    nodes = [_node(feature, f"{where}, feature {n}", horizon) for n, feature in enumerate(features)]
    seen: set[int] = set()
    for n, node in enumerate(nodes):
        if node.index >= len(nodes) or node.index in seen:
            raise PvrpifFormatError(
                "id",
                f"{node.index} must number the features 0 to {len(nodes) - 1} once each",
                record=f"{where}, feature {n}",
            )
        seen.add(node.index)
    nodes.sort(key=lambda node: node.index)
    depots = [n.index for n in nodes if n.kind is NodeKind.DEPOT]
    if len(depots) != 1:
        raise PvrpifFormatError("type", f"needs one depot, found {len(depots)}", record=where)
    _check_summaries(info, nodes, where)
    try:
        return PvrpifInstance(
            name=name,
            horizon_days=horizon,
            vehicles_per_day=limits["numVehicles"],
            max_duration=limits["maxDuration"],
            max_capacity=limits["maxCapacity"],
            depot=depots[0],
            customers=tuple(
                PvrpifCustomer(n.index, n.frequency, n.demand, n.service, n.coordinates)
                for n in nodes
                if n.kind is NodeKind.CUSTOMER
            ),
            facilities=tuple(n.index for n in nodes if n.kind is NodeKind.FACILITY),
            duration=_matrix(_member(raw, "duration", list, where), len(nodes), where),
            coordinates=tuple(n.coordinates for n in nodes),
            area=str(info.get("area", "")),
        )
    except PvrpifFormatError:
        raise
    except FieldError as error:
        raise PvrpifFormatError(error.field, error.message, record=where) from None


def read_pvrpif(path: Path) -> PvrpifInstance:
    """Read a PVRP-IF GeoJSON file; see :func:`parse_pvrpif`."""
    return parse_pvrpif(path.read_text(encoding="utf-8"), name=path.stem, source=path.name)
