"""The model of OR-Tools' routing library for one stream's small, tightly constrained routing.

:func:`build_model` makes a stream problem's model for :mod:`routing.solve.ortools_routing`:
each slot a vehicle from its depot and back, every dump a node the route chooses (its hours and
tipping time exact), kilograms, litres and seconds on board loads a dump empties, and every route
ending empty (CT4).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from ortools.constraint_solver import pywrapcp

from routing.fleet import milli_fen_per_s
from routing.solve.model import SlotRoute, StreamProblem

#: Leg metres and seconds to or from a location a profile's matrix lacks (never allowed there).
UNREACHABLE = 10**7

#: Per profile: metres and seconds (service left) between every two nodes, and the nodes absent.
_Legs = dict[str, tuple[np.ndarray, np.ndarray, frozenset[int]]]


class Nodes:
    """The model's nodes: each depot once, ``copies[d]`` visits of each dump d, then the jobs."""

    def __init__(self, sub: StreamProblem, copies: Sequence[int]) -> None:
        self.depots = sorted({s.depot_id for s in sub.slots})
        self.ids: list[str] = list(self.depots)
        self.dump_nodes: list[list[int]] = []
        for d, dump in enumerate(sub.dumps):
            self.dump_nodes.append(list(range(len(self.ids), len(self.ids) + copies[d])))
            self.ids += [dump.facility_id] * copies[d]
        self.first_job = len(self.ids)
        self.ids += [j.point_id for j in sub.jobs]
        self.dump_of = {n: d for d, nodes in enumerate(self.dump_nodes) for n in nodes}


@dataclass(frozen=True, slots=True)
class StreamModel:
    """A stream problem, its nodes, and OR-Tools' index manager and routing model over them."""

    sub: StreamProblem
    nodes: Nodes
    manager: pywrapcp.RoutingIndexManager
    routing: pywrapcp.RoutingModel

    @classmethod
    def empty(cls, sub: StreamProblem, nodes: Nodes) -> StreamModel:
        """A model without costs or constraints: each slot a vehicle leaving from and coming
        back to its depot."""
        depot_node = {d: k for k, d in enumerate(nodes.depots)}
        starts = [depot_node[s.depot_id] for s in sub.slots]
        manager = pywrapcp.RoutingIndexManager(len(nodes.ids), len(sub.slots), starts, starts)
        return cls(sub, nodes, manager, pywrapcp.RoutingModel(manager))

    @property
    def time_dim(self) -> pywrapcp.RoutingDimension:
        """The model's time dimension (the time of day at each node)."""
        return self.routing.GetDimensionOrDie("time")

    def assignment(self, paths: list[list[int]]) -> pywrapcp.Assignment | None:
        """The model's assignment of the paths (nodes per vehicle), or None if they break it."""
        return self.routing.ReadAssignmentFromRoutes(
            [[self.manager.NodeToIndex(n) for n in path] for path in paths], True
        )


def build_model(sub: StreamProblem, *, initial: Sequence[SlotRoute], penalty: int) -> StreamModel:
    """The routing model of ``sub``, with room for the routes ``initial``.

    Each slot is a vehicle with its depot, hours, profile, capacities, cost per km (legs) and
    per hour (from leaving to coming back). A job its body may not reach (CT6 by size, or absent
    from its profile's roads) is not allowed to it; a job may be left out at ``penalty``
    (milli-fen).
    """
    model = StreamModel.empty(sub, Nodes(sub, _copies(sub, initial)))
    legs = {p: _legs(sub, model.nodes, p) for p in sorted({s.profile for s in sub.slots})}
    time_callbacks = _arc_costs(model, legs)
    horizon = max(s.end_s for s in sub.slots) + 1
    time_dim = _time_dimension(model, time_callbacks, horizon)
    _load_dimensions(model, horizon)
    _visits(model, legs, time_dim, horizon=horizon, penalty=penalty)
    return model


def _legs(
    sub: StreamProblem, nodes: Nodes, profile: str
) -> tuple[np.ndarray, np.ndarray, frozenset[int]]:
    """Metres, and seconds with the service (or tipping) at the node left, between every two
    nodes on ``profile``'s roads; and the nodes its matrix lacks."""
    matrix = sub.matrices[profile]
    index = np.array([matrix.index.get(i, 0) for i in nodes.ids], dtype=np.int64)
    absent = [k for k, i in enumerate(nodes.ids) if i not in matrix.index]
    metres = np.minimum(matrix.distance_m[np.ix_(index, index)], UNREACHABLE).astype(np.int64)
    seconds = np.minimum(matrix.time_s[np.ix_(index, index)], UNREACHABLE).astype(np.int64)
    metres[absent, :] = UNREACHABLE
    metres[:, absent] = UNREACHABLE
    seconds[absent, :] = UNREACHABLE
    seconds[:, absent] = UNREACHABLE
    service = np.zeros(len(nodes.ids), dtype=np.int64)
    for d, dump_nodes in enumerate(nodes.dump_nodes):
        service[dump_nodes] = sub.dumps[d].tipping_s
    service[nodes.first_job :] = [j.service_s for j in sub.jobs]
    seconds += service[:, None]
    np.fill_diagonal(metres, 0)
    np.fill_diagonal(seconds, 0)
    return metres, seconds, frozenset(absent)


def _copies(sub: StreamProblem, initial: Sequence[SlotRoute]) -> list[int]:
    """Visits of each dump the model offers: those the routes given use, and room for as many
    trips again as the stream's loads (kilograms, litres, time on board) need in the smallest
    body, plus one per slot."""
    used = [0] * len(sub.dumps)
    for route in initial:
        for trip in route.trips:
            used[trip.dump] += 1
    trips = len(sub.slots)
    for total, smallest in (
        (sum(j.kg for j in sub.jobs), min(s.capacity_kg for s in sub.slots)),
        (sum(j.litres for j in sub.jobs), min(s.capacity_l for s in sub.slots)),
        (sum(j.board_s for j in sub.jobs), sub.on_board_s),
    ):
        if smallest > 0:
            trips = max(trips, len(sub.slots) + -(-total // smallest))
    copies = [u + trips for u in used]
    if not initial:  # the start from nothing makes a trip of every job, to the first dump
        copies[0] = max(copies[0], len(sub.jobs))
    return copies


def _arc_costs(model: StreamModel, legs: _Legs) -> dict[str, int]:
    """Each vehicle's cost of a leg, its metres at its cost per km; the seconds' transit
    callback of each profile."""
    routing = model.routing
    time_callbacks: dict[str, int] = {}
    cost_callbacks: dict[tuple[str, int], int] = {}
    for profile, (_metres, seconds, _absent) in legs.items():
        time_callbacks[profile] = routing.RegisterTransitMatrix(seconds.tolist())
    for v, slot in enumerate(model.sub.slots):
        key = (slot.profile, slot.cost_per_km_fen)
        if key not in cost_callbacks:
            metres = legs[slot.profile][0]
            cost_callbacks[key] = routing.RegisterTransitMatrix(
                (metres * slot.cost_per_km_fen).tolist()
            )
        routing.SetArcCostEvaluatorOfVehicle(cost_callbacks[key], v)
    return time_callbacks


def _time_dimension(
    model: StreamModel, time_callbacks: dict[str, int], horizon: int
) -> pywrapcp.RoutingDimension:
    """The time dimension: each vehicle within its slot's hours, its cost per hour from leaving
    to coming back, leaving as late and coming back as early as its route allows."""
    routing = model.routing
    slots = model.sub.slots
    routing.AddDimensionWithVehicleTransits(
        [time_callbacks[s.profile] for s in slots], horizon, horizon, False, "time"
    )
    time_dim = routing.GetDimensionOrDie("time")
    for v, slot in enumerate(slots):
        early, late = max(0, slot.start_s), max(0, slot.start_s, slot.end_s)
        time_dim.CumulVar(routing.Start(v)).SetRange(early, late)
        time_dim.CumulVar(routing.End(v)).SetRange(early, late)
        time_dim.SetSpanCostCoefficientForVehicle(milli_fen_per_s(slot.cost_per_hour_fen), v)
        routing.AddVariableMinimizedByFinalizer(time_dim.CumulVar(routing.End(v)))
        routing.AddVariableMaximizedByFinalizer(time_dim.CumulVar(routing.Start(v)))
    return time_dim


def _load_dimensions(model: StreamModel, horizon: int) -> None:
    """Kilograms, litres and seconds on board: loads each job adds to, each dump empties, and
    every vehicle brings home empty (CT4)."""
    sub, nodes, routing = model.sub, model.nodes, model.routing
    # Loads a dump empties: a dump's transit is minus the largest capacity, and its slack (at
    # most that capacity) brings the load back to anything from empty up.
    board_cap = sub.on_board_s or horizon
    loads = {
        "kg": ([max(1, j.kg) for j in sub.jobs], [s.capacity_kg for s in sub.slots]),
        "litres": ([j.litres for j in sub.jobs], [s.capacity_l for s in sub.slots]),
        "board": ([j.board_s for j in sub.jobs], [board_cap] * len(sub.slots)),
    }
    dims: list[pywrapcp.RoutingDimension] = []
    for name, (amounts, capacities) in loads.items():
        top = max(max(capacities), max(amounts, default=0))
        vector = [0] * len(nodes.ids)
        for n in nodes.dump_of:
            vector[n] = -top
        vector[nodes.first_job :] = amounts
        callback = routing.RegisterUnaryTransitVector(vector)
        routing.AddDimensionWithVehicleCapacity(callback, top, capacities, True, name)
        dims.append(routing.GetDimensionOrDie(name))
    for index in range(routing.Size()):
        node = model.manager.IndexToNode(index)
        if node not in nodes.dump_of:
            for dim in dims:
                dim.SlackVar(index).SetValue(0)
    for v in range(len(sub.slots)):
        dims[0].CumulVar(routing.End(v)).SetMax(0)  # home empty (CT4)


def _visits(
    model: StreamModel,
    legs: _Legs,
    time_dim: pywrapcp.RoutingDimension,
    *,
    horizon: int,
    penalty: int,
) -> None:
    """The dumps' and the jobs' windows; a dump visited at no cost or not at all, a job by the
    vehicles whose bodies and roads reach it, or left out at ``penalty``."""
    sub, nodes, manager, routing = model.sub, model.nodes, model.manager, model.routing
    for d, dump in enumerate(sub.dumps):
        for n in nodes.dump_nodes[d]:
            index = manager.NodeToIndex(n)
            _window(routing, time_dim, index, dump.open_s, dump.close_s, horizon)
            routing.AddDisjunction([index], 0)
    for k, job in enumerate(sub.jobs):
        node = nodes.first_job + k
        index = manager.NodeToIndex(node)
        _window(routing, time_dim, index, job.tw_start, job.tw_end, horizon)
        barred = [
            v
            for v, slot in enumerate(sub.slots)
            if job.max_size < slot.size or node in legs[slot.profile][2]
        ]
        if len(barred) == len(sub.slots):
            routing.ActiveVar(index).SetValue(0)
        elif barred:
            routing.VehicleVar(index).RemoveValues(barred)
        routing.AddDisjunction([index], penalty)


def _window(
    routing: pywrapcp.RoutingModel,
    time_dim: pywrapcp.RoutingDimension,
    index: int,
    early: int,
    late: int,
    horizon: int,
) -> None:
    """A node's window within the day's horizon; a node whose window lies beyond it is never
    visited (a window the model cannot hold would fail its whole construction)."""
    if early > horizon:
        routing.ActiveVar(index).SetValue(0)
        return
    time_dim.CumulVar(index).SetRange(max(0, early), min(horizon, max(early, late)))
