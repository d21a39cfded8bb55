"""Use case: read current statistics (the latest approved version of each region × year × variable).

The actor sees the regions of its scope; asking for another region is refused. The result is a
lazy sequence (`CurrentValues`): its length is one COUNT query and a slice one page query, so a
paginating adapter never loads the whole table.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, overload

from ecer.services.actor import Actor, restrict_regions


def _row(o: Any) -> dict[str, Any]:
    return {"region": o.region.code, "year": o.year, "variable": o.variable.code, "value": o.value, "unit": o.unit,
            "version": o.version, "status": o.status, "is_illustrative": o.is_illustrative, "source": o.source,
            "note": o.note}


class CurrentValues(Sequence[dict[str, Any]]):
    """Current observations as plain dicts, ordered by region (tree order), variable, year."""

    def __init__(self, queryset: Any) -> None:
        self._qs = queryset.select_related("region", "variable").order_by("region__path", "variable__code", "year")
        self._count: int | None = None

    def __len__(self) -> int:
        if self._count is None:
            self._count = self._qs.count()
        return self._count

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...
    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Any]]: ...

    def __getitem__(self, index: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        if isinstance(index, slice):
            return [_row(o) for o in self._qs[index]]
        return _row(self._qs[index])


def current_values(*, actor: Actor, regions: Sequence[str] | None = None, variables: Sequence[str] | None = None,
                   years: Sequence[int] | None = None) -> CurrentValues:
    """Current approved values, filtered by region codes, variable codes and years (None: all)."""
    from ecer.masterdata.models import current_observations

    codes = restrict_regions(actor, list(regions) if regions else None)
    return CurrentValues(current_observations(codes, list(variables) if variables else None,
                                              list(years) if years else None))
