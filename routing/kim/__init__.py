"""The Kim, Kim & Sahoo (2006) waste-collection VRPTW benchmark: reader, conversion to and from the
product's problem and plan (:mod:`routing.kim.convert`; the product's optimiser plans it), and the
benchmark's own judge."""

from routing.kim.reader import KimFormatError, KimInstance, KimSite, SiteType, parse_kim, read_kim
from routing.kim.solution import (
    KimRoute,
    KimSolution,
    solution_from_dict,
    solution_to_dict,
    write_solution,
)
from routing.kim.validate import KimReport, KimViolation, validate_kim

__all__ = [
    "KimFormatError",
    "KimInstance",
    "KimReport",
    "KimRoute",
    "KimSite",
    "KimSolution",
    "KimViolation",
    "SiteType",
    "parse_kim",
    "read_kim",
    "solution_from_dict",
    "solution_to_dict",
    "validate_kim",
    "write_solution",
]
