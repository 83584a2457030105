"""The PVRP-IF waste-collection benchmark of Taverna & Tilk: the periodic vehicle routing problem
with intermediate facilities. Reader of the GeoJSON instances with the rule that turns a
customer's frequency into its day patterns, the published solution reports and bounds, and the
benchmark's own judge."""

from routing.pvrpif.bounds import Published, parse_published, published, read_published
from routing.pvrpif.reader import (
    NodeKind,
    PvrpifCustomer,
    PvrpifFormatError,
    PvrpifInstance,
    day_patterns,
    parse_pvrpif,
    patterns,
    read_pvrpif,
)
from routing.pvrpif.solution import (
    PvrpifSolution,
    ReportedRoute,
    ReportedScheme,
    Route,
    SolutionReport,
    parse_report,
    read_report,
    read_solution,
    solution_from_dict,
    solution_to_dict,
    write_solution,
)
from routing.pvrpif.validate import PvrpifReport, PvrpifViolation, validate_pvrpif

__all__ = [
    "NodeKind",
    "Published",
    "PvrpifCustomer",
    "PvrpifFormatError",
    "PvrpifInstance",
    "PvrpifReport",
    "PvrpifSolution",
    "PvrpifViolation",
    "ReportedRoute",
    "ReportedScheme",
    "Route",
    "SolutionReport",
    "day_patterns",
    "parse_published",
    "parse_pvrpif",
    "parse_report",
    "patterns",
    "published",
    "read_published",
    "read_pvrpif",
    "read_report",
    "read_solution",
    "solution_from_dict",
    "solution_to_dict",
    "validate_pvrpif",
    "write_solution",
]
