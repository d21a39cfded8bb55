"""The layout the register and ledger workbooks share: one sheet, a header row of Chinese labels, a
grey row of hints (required or optional, and what is expected), then one row per record.

Writing the template or an export, and opening an uploaded workbook, are the same for every such
file; the columns and the row checks are each file's own (`energy_register_file`, `key_projects_file`).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ecer.errors import InputFileError, Problem

#: How the hint row's cells begin; a row whose first cell begins so is the template's, not a record.
HINT_PREFIXES = ("(必填", "(选填")


@dataclass(frozen=True)
class Column:
    key: str
    label_zh: str
    required: bool
    hint: str  # what is expected, shown in the template's second row and in problems


def hint_text(column: Column) -> str:
    return f"({'必填 required' if column.required else '选填 optional'}) {column.hint}"


def write_workbook(title: str, columns: Sequence[Column], rows: Iterable[dict[str, Any]],
                   cell: Callable[[str, Any], Any], width: Callable[[Column], int]) -> bytes:
    """Header, hint row, then `rows` (by column key, each value through `cell(key, value)`); every text
    cell neutralised against formula injection."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from ecer.services.spreadsheet_safety import neutralise_cell

    book = Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append([c.label_zh for c in columns])
    sheet.append([hint_text(c) for c in columns])
    for hint in sheet[2]:
        hint.font = Font(italic=True, color="808080")
    for row in rows:
        sheet.append([neutralise_cell(cell(c.key, row.get(c.key))) for c in columns])
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = width(column)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read_lines(data: bytes, file: str, title: str) -> list[tuple[Any, ...]]:
    """The rows of the sheet `title` (else the first sheet) as values; InputFileError when the file is
    not a workbook or the sheet is empty."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable file is one problem for the user
        raise InputFileError([Problem(file, "file", f"not an Excel workbook (.xlsx): {exc}")]) from exc
    sheet = book[title] if title in book.sheetnames else book.worksheets[0]
    lines = list(sheet.iter_rows(values_only=True))
    if not lines:
        raise InputFileError([Problem(file, "header", "the sheet is empty; expected the template's header row")])
    return lines
