"""The report's underlying tables as an Excel workbook: one sheet per table, Chinese headers, a first
row saying 示例数据 on demo data, and a sheet with the sources and versions. Text cells that a
spreadsheet would run as a formula go through `neutralise` (the caller passes
ecer.services.spreadsheet_safety.neutralise_cell, the one rule of every export)."""

from __future__ import annotations

import io
from collections.abc import Callable

from ecer.reports.document import Document


def render_xlsx(document: Document, neutralise: Callable[[object], object]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    _safe = neutralise

    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for table in document.tables():
        name = table.sheet[:31]
        n = 2
        while name in used:
            name = f"{table.sheet[:28]}({n})"
            n += 1
        used.add(name)
        sheet = book.create_sheet(name)
        if document.illustrative:
            sheet.append(["示例数据 Illustrative data — not official statistics"])
            sheet.cell(row=1, column=1).font = Font(bold=True, color="E00000")
        sheet.append([_safe(table.caption)])
        sheet.append([_safe(h) for h in table.headers])
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append([_safe(v) for v in row])
        for note in table.notes:
            sheet.append([_safe(note)])
        for column in sheet.columns:
            letter = column[0].column_letter
            sheet.column_dimensions[letter].width = min(40, max(8, *(len(str(c.value or "")) * 1.6 for c in column)))
    meta = book.create_sheet("来源 Sources")
    meta.append(["项目 What", "值 Value"])
    meta.append(["标题 Title", document.title])
    meta.append(["发文机关 Issuer", document.issuer])
    meta.append(["日期 Date", document.date.isoformat()])
    for key, value in document.provenance:
        meta.append([_safe(key), _safe(value)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
