"""Spreadsheet formula injection: a text cell that starts with = + - @ (or a tab / carriage return)
is run as a formula by Excel and LibreOffice. Every exported text cell goes through
`neutralise_cell`, which prefixes such text with an apostrophe so it is shown, not evaluated.
Numbers are left alone (a negative number is a number, not a formula)."""

from __future__ import annotations

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value
