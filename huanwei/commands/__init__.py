"""Sub-commands. Each module has ``register(subparsers)``, which adds its parsers and sets
``run`` to a function taking the parsed arguments and returning the exit status."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from huanwei.commands import bench, calendar, demo_serve, dispatch, gis, plans, scenario, serve

Register = Callable[["argparse._SubParsersAction[Any]"], None]

COMMANDS: tuple[Register, ...] = (
    plans.register,
    gis.register,
    serve.register,
    bench.register,
    demo_serve.register,
    scenario.register,
    dispatch.register,
    calendar.register,
)
