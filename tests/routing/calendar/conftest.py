"""A small PVRP-IF instance as a calendar, shared by the joint and compound-move tests."""

from __future__ import annotations

import pytest

from routing.calendar.model import CalendarProblem
from routing.pvrpif import read_pvrpif
from routing.pvrpif.bounds import data_dir
from routing.pvrpif.convert import pvrpif_problem


@pytest.fixture(scope="module")
def milano() -> CalendarProblem:
    """Milano_020_4_0: 20 customers, four days, two trucks a day."""
    return pvrpif_problem(read_pvrpif(data_dir() / "planning horizon 4" / "Milano_020_4_0.geojson"))
