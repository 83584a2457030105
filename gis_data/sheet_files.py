"""Reading a point sheet's file: the rows of each worksheet of a workbook, or of a CSV file."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gis_data.sheet_options import SHEET_SUFFIXES, SheetOptions
from routing.errors import Defect, ProblemError


@dataclass(frozen=True, slots=True)
class SheetTable:
    """The rows of one worksheet, or of a CSV file."""

    name: str | None  # the worksheet; None for a CSV file
    rows: list[tuple[int, Sequence[Any]]]  # (row number from 1, cells)


def read_tables(source: Path, options: SheetOptions) -> list[SheetTable]:
    """The tables of ``source``: a workbook's sheets (or only ``options.sheet``), or a CSV file.

    Raises
    ------
    ProblemError
        If there is no such file, it is no readable workbook, or it lacks the sheet asked for.
    """
    if not source.is_file():
        _fail(source, "文件不存在", "no such file")
    if source.name.lower().endswith(SHEET_SUFFIXES):
        return _workbook_tables(source, options)
    return [SheetTable(None, list(_csv_rows(source)))]


def _workbook_tables(source: Path, options: SheetOptions) -> list[SheetTable]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(source, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        _fail(
            source,
            f"不是可读的 Excel 工作簿：{error}",
            f"is not a readable .xlsx workbook: {error}",
        )
    try:
        names = list(book.sheetnames)
        if options.sheet is not None and options.sheet not in names:
            _fail(
                source,
                f"没有名为「{options.sheet}」的工作表（有：{'、'.join(names)}）",
                f"has no sheet {options.sheet!r} (sheets: {', '.join(names)})",
            )
        wanted = [options.sheet] if options.sheet is not None else names
        return [
            SheetTable(name, list(enumerate(book[name].iter_rows(min_row=1, values_only=True), 1)))
            for name in wanted
        ]
    finally:
        book.close()


def _csv_rows(source: Path) -> Iterator[tuple[int, Sequence[Any]]]:
    data = source.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("gb18030", errors="replace")  # Excel in China saves CSV as GBK
    reader = csv.reader(io.StringIO(text, newline=""))
    line = 1
    for row in reader:
        yield line, row
        line = reader.line_num + 1


def _fail(source: Path, zh: str, en: str) -> None:
    raise ProblemError([Defect(str(source), "file", f"{zh} / {en}")], source=str(source))
