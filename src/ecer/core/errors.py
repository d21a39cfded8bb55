"""Typed error for bad accounting input: names the region, the indicator and the year, and says why.

The core never returns a silent NaN or a wrong light: every check that finds a non-finite, zero,
negative or implausible value raises this error instead.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray


class AccountingInputError(ValueError):
    """Input that the accounting rules cannot use.

    `region`, `indicator` and `year` say where the problem is (any may be None when the problem is
    not tied to one of them, e.g. a target year before the base year).
    """

    def __init__(
        self,
        message: str,
        *,
        region: str | None = None,
        indicator: str | None = None,
        year: int | None = None,
    ) -> None:
        self.region = region
        self.indicator = indicator
        self.year = year
        self.reason = message
        where = ", ".join(
            part
            for part in (
                f"region {region}" if region is not None else "",
                f"indicator {indicator}" if indicator is not None else "",
                f"year {year}" if year is not None else "",
            )
            if part
        )
        super().__init__(f"{where}: {message}" if where else message)

    @classmethod
    def from_text(cls, text: str) -> AccountingInputError:
        """The error back from its text (`str(error)`), which result rows carry because they are
        serialised: "region 510800, indicator energy_total, year 2023: … missing" gives the region,
        indicator, year and reason again. Text without that prefix is all reason."""
        head, sep, reason = text.partition(": ")
        parts = dict(part.split(" ", 1) for part in head.split(", ") if " " in part) if sep else {}
        if not sep or not parts or set(parts) - {"region", "indicator", "year"}:
            return cls(text)
        year = parts.get("year")
        return cls(reason, region=parts.get("region"), indicator=parts.get("indicator"),
                   year=int(year) if year and year.isdigit() else None)


def first_bad_cell(mask: NDArray[np.bool_]) -> tuple[int, ...] | None:
    """Index of the first True cell of `mask`, or None when there is none."""
    if not mask.any():
        return None
    return tuple(int(i) for i in np.argwhere(mask)[0])


def raise_at(
    mask: NDArray[np.bool_],
    message: str,
    *,
    regions: Sequence[str],
    years: Sequence[int] = (),
    indicator: str | None,
    year: int | None = None,
) -> None:
    """Raise AccountingInputError for the first True cell of a mask, if any.

    A 2-D mask is (regions × years); a 1-D mask is per region, for the single `year` given (or none).
    """
    cell = first_bad_cell(mask)
    if cell is None:
        return
    if mask.ndim == 1:
        raise AccountingInputError(message, region=regions[cell[0]], indicator=indicator, year=year)
    raise AccountingInputError(message, region=regions[cell[0]], indicator=indicator, year=years[cell[1]])
