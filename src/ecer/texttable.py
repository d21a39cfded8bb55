"""Plain-text tables that line up in a terminal when cells mix CJK and Latin text.

A CJK character takes two terminal columns (East Asian Width W or F), so `len()` cannot be used
for padding. Long cells are wrapped onto several lines instead of widening the table.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def wrap(text: str, width: int) -> list[str]:
    """Split `text` into lines of at most `width` columns, preferring breaks at spaces and 、,."""
    lines: list[str] = []
    current = ""
    for ch in text:
        if display_width(current + ch) > width and current:
            cut = max(current.rfind(" "), current.rfind("、"), current.rfind(","))
            if 0 < cut < len(current) - 1:
                lines.append(current[: cut + 1].rstrip())
                current = current[cut + 1:].lstrip()
            else:
                lines.append(current)
                current = ""
        current += ch
    lines.append(current)
    return lines


def pad(text: str, width: int, right: bool = False) -> str:
    fill = " " * (width - display_width(text))
    return fill + text if right else text + fill


def render_table(headers: Sequence[str], rows: Sequence[Sequence[str]],
                 max_cell: int | None | Sequence[int | None] = 28, *, rule: bool = True,
                 right: Sequence[bool] | None = None) -> str:
    """Render rows under headers; cells wider than their column's limit wrap onto extra lines.

    `max_cell` is one limit for every column or one per column (None: never wrap, e.g. codes);
    `rule` draws a line of dashes under the headers; `right` right-aligns the flagged columns (numbers).
    """
    limits = [max_cell] * len(headers) if max_cell is None or isinstance(max_cell, int) else list(max_cell)
    wrapped = [[wrap(cell, limit) if limit else [cell] for cell, limit in zip(row, limits, strict=True)]
               for row in rows]
    widths = [display_width(h) for h in headers]
    for row in wrapped:
        for i, lines in enumerate(row):
            widths[i] = max(widths[i], *(display_width(line) for line in lines))
    flush = list(right) if right is not None else [False] * len(headers)
    out = ["  ".join(pad(h, w, r) for h, w, r in zip(headers, widths, flush, strict=True)).rstrip()]
    if rule:
        out.append("  ".join("-" * w for w in widths))
    for row in wrapped:
        height = max(len(lines) for lines in row)
        for k in range(height):
            cells = [lines[k] if k < len(lines) else "" for lines in row]
            out.append("  ".join(pad(c, w, r) for c, w, r in zip(cells, widths, flush, strict=True)).rstrip())
    return "\n".join(out)
