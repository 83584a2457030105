"""The published bounds of the PVRP-IF instances: the table of the upstream README.

The README's HTML table gives, per instance, the upper and lower bound of the authors' MIP
formulation, of their branch-cut-and-price (BCP) algorithm, and the best of the two; an asterisk
on the best upper bound marks a proven optimum. The data stays where it is published
(``../shared/data/benchmarks/pvrpif-waste-uniud``, or ``$HUANWEI_PVRPIF_DIR``); nothing of it is
copied into the project.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from routing.pvrpif.reader import PvrpifFormatError

DATA_ENV = "HUANWEI_PVRPIF_DIR"
DEFAULT_DATA_DIR = Path(__file__).resolve().parents[3] / "shared/data/benchmarks/pvrpif-waste-uniud"
README = "README.upstream.md"


@dataclass(frozen=True, slots=True)
class Published:
    """One row of the published table; costs in the instance's time unit.

    Parameters
    ----------
    name
        The instance name.
    mip_ub, mip_lb
        Upper and lower bound of the MIP formulation.
    bcp_ub, bcp_lb
        Upper and lower bound of the branch-cut-and-price algorithm.
    best_ub, best_lb
        The best upper and lower bound of the two.
    optimal
        True when the best upper bound is marked (``*``) as proven optimal.
    """

    name: str
    mip_ub: int
    mip_lb: int
    bcp_ub: int
    bcp_lb: int
    best_ub: int
    best_lb: int
    optimal: bool


_ROW = re.compile(r"<tr>\s*<th>(\w+)</th>((?:\s*<td>[^<]*</td>){6})\s*</tr>")
_CELL = re.compile(r"<td>([^<]*)</td>")


def _bound(text: str, field: str, record: str) -> int:
    try:
        value = float(text.rstrip("*"))
    except ValueError:
        raise PvrpifFormatError(field, f"must be a number, got {text!r}", record=record) from None
    if not value.is_integer():
        raise PvrpifFormatError(field, f"must be a whole number, got {text!r}", record=record)
    return int(value)


def parse_published(text: str, *, source: str = README) -> dict[str, Published]:
    """The table's rows by instance name.

    Raises
    ------
    PvrpifFormatError
        A cell is not a whole number (an asterisk only on the best upper bound), or the text has
        no row.
    """
    table: dict[str, Published] = {}
    for match in _ROW.finditer(text):
        name = match[1]
        record = f"{source}, {name}"
        cells = [c.strip() for c in _CELL.findall(match[2])]
        names = ("mip_ub", "mip_lb", "bcp_ub", "bcp_lb", "best_ub", "best_lb")
        for field, cell in zip(names, cells, strict=True):
            if cell.endswith("*") and field != "best_ub":
                raise PvrpifFormatError(field, "only the best upper bound is marked", record=record)
        mip_ub, mip_lb, bcp_ub, bcp_lb, best_ub, best_lb = (
            _bound(cell, field, record) for field, cell in zip(names, cells, strict=True)
        )
        table[name] = Published(
            name, mip_ub, mip_lb, bcp_ub, bcp_lb, best_ub, best_lb, optimal=cells[4].endswith("*")
        )
    if not table:
        raise PvrpifFormatError("table", "has no row of bounds", record=source)
    return table


def read_published(path: Path) -> dict[str, Published]:
    """The table of a README file; see :func:`parse_published`."""
    return parse_published(path.read_text(encoding="utf-8"), source=path.name)


def data_dir() -> Path:
    """Where the data is: ``$HUANWEI_PVRPIF_DIR`` or ``../shared/data/benchmarks/pvrpif-waste-uniud``."""
    return Path(os.environ.get(DATA_ENV) or DEFAULT_DATA_DIR)


@functools.cache
def _table(path: Path) -> Mapping[str, Published]:
    return MappingProxyType(read_published(path))


def published(name: str, *, readme: Path | None = None) -> Published | None:
    """The published bounds of instance ``name``; None when the table has no row for it.

    Parameters
    ----------
    name
        The instance name, e.g. ``"Milano_020_4_0"``.
    readme
        The README holding the table; by default the one in :func:`data_dir`.
    """
    return _table(readme or data_dir() / README).get(name)
