"""Use case: why one region's indicator has its value and light in a year (`ecer explain`, the
"why" link of every published number): the report row with its explanation and provenance
(rule, version, parameters, every input with its data version)."""

from __future__ import annotations

from dataclasses import dataclass

from ecer.accounting import ReportRow
from ecer.core.errors import AccountingInputError
from ecer.services.actor import Actor
from ecer.services.errors import InvalidRequest, ServiceError
from ecer.services.progress import DEFAULT_PLAN, progress_report, resolve_regions


@dataclass(frozen=True)
class Explanation:
    row: ReportRow
    illustrative: bool  # computed from data labelled illustrative (示例数据)

    @property
    def text_zh(self) -> str:
        return self.row.explanation("zh")

    @property
    def text_en(self) -> str:
        return self.row.explanation("en")


def explain(region: str, indicator: str, year: int, plan_code: str = DEFAULT_PLAN, *, actor: Actor) -> Explanation:
    """The row of `region` (code or name) and `indicator` (indicator or target code) in `year`.

    Raises InvalidRequest (unknown region or no such target), PermissionDenied (region out of scope),
    ServiceError (the row could not be computed: names the missing variable and year)."""
    from ecer.accounting import find_row

    code = resolve_regions([region])[0]
    report = progress_report(plan_code, year, [code], actor=actor)
    try:
        row = find_row(report, code, indicator)
    except AccountingInputError as exc:
        raise InvalidRequest(str(exc)) from exc
    if row.status not in ("ok", "exempt", "not_assessed"):  # not assessed: the row's `reason` says why
        raise ServiceError(f"{row.region_code} {row.indicator} {year}: {row.status}: {row.error}")
    return Explanation(row, report.illustrative)
