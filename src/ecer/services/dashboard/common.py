"""Shared pieces of the dashboard view-models: the plan's targets, the years, the scoped rows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ecer.accounting import ProgressReport, ReportRow
from ecer.services.actor import Actor, require_region, visible_region_codes
from ecer.services.dashboard.cache import VersionInfo, cached_report, data_version
from ecer.services.errors import InvalidRequest, NotFound

DEFAULT_PLAN = "sichuan-14fyp"
DEFAULT_INDICATOR = "energy_intensity"


@dataclass(frozen=True)
class TargetMeta:
    code: str
    indicator: str
    name_zh: str
    name_en: str
    kind: str
    comparator: str
    headline: bool  # one of the plan's overall targets (no programme)
    programme_zh: str
    programme_en: str
    base_year: int
    target_year: int

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" and self.name_en else self.name_zh

    def programme(self, lang: str) -> str:
        return self.programme_en if lang == "en" and self.programme_en else self.programme_zh


@dataclass(frozen=True)
class PlanMeta:
    code: str
    name_zh: str
    name_en: str
    region_code: str
    base_year: int
    target_year: int
    targets: tuple[TargetMeta, ...]

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" and self.name_en else self.name_zh

    def target(self, code: str) -> TargetMeta:
        for t in self.targets:
            if code in (t.code, t.indicator):
                return t
        raise NotFound(f"plan '{self.code}' has no target or indicator '{code}'")


#: The total-consumption control row is derived from the intensity target, not a plan target.
TOTAL_CONTROL = "energy_total_control"


class PlanNotLoaded(NotFound):
    """The plan is not in the database (a fresh installation after `ecer manage migrate` only)."""


def plan_meta(plan_code: str) -> PlanMeta:
    from ecer.masterdata.models import Plan

    plan = Plan.objects.filter(code=plan_code).first()
    if plan is None:
        raise PlanNotLoaded(f"plan '{plan_code}' is not loaded (run `ecer demo` or `ecer plan load`)")
    metas = []
    for t in plan.targets.select_related("indicator", "programme", "region").order_by("order", "code"):
        prog = t.programme
        metas.append(TargetMeta(t.code, t.indicator.code, t.name_zh or t.indicator.name_zh,
                                t.name_en or t.indicator.name_en, t.kind, t.comparator, prog is None,
                                prog.name_zh if prog else "", prog.name_en if prog else "", t.base_year,
                                t.target_year))
        if t.indicator.code == DEFAULT_INDICATOR:
            # Total-consumption control (能源消费总量控制) is evaluated beside the intensity target.
            metas.append(TargetMeta(TOTAL_CONTROL, TOTAL_CONTROL, "能源消费总量控制", "total energy consumption control",
                                    "budget", "le", True, "", "", t.base_year, t.target_year))
    region = plan.targets.values_list("region__code", flat=True).first() or ""
    return PlanMeta(plan.code, plan.name_zh, plan.name_en, region, plan.base_year, plan.target_year, tuple(metas))


def report_years(meta: PlanMeta, version: VersionInfo) -> list[int]:
    """Years that can be reported: after the base year, up to the latest year with approved data."""
    last = min(version.latest_data_year or meta.base_year, meta.target_year)
    return list(range(meta.base_year + 1, last + 1))


class NoReportedYear(NotFound):
    """No year after the plan's base year has approved data yet (a fresh installation)."""


def pick_year(years: list[int], asked: int | None) -> int:
    if not years:
        raise NoReportedYear("no year after the plan's base year has approved data yet")
    if asked is None:
        return years[-1]
    if asked not in years:
        raise InvalidRequest(f"year {asked} is not reported; choose one of {years[0]}–{years[-1]}", param="year")
    return asked


def scoped_rows(report: ProgressReport, actor: Actor) -> list[ReportRow]:
    """The report's rows the actor may read (the province's staff and auditors: all)."""
    visible = visible_region_codes(actor)
    return [r for r in report.rows if visible is None or r.region_code in visible]


def check_region(actor: Actor, code: str) -> None:
    require_region(actor, code)


@dataclass(frozen=True)
class Context:
    """What every dashboard view-model starts from: plan, data version, reported years."""

    meta: PlanMeta
    version: VersionInfo
    years: list[int]

    def report(self, year: int) -> ProgressReport:
        return cached_report(self.meta.code, year, self.version)

    def reports(self, years: Iterable[int]) -> dict[int, ProgressReport]:
        return {y: self.report(y) for y in years}


_metas: dict[str, tuple[str, PlanMeta]] = {}


def context(plan_code: str) -> Context:
    """The plan's context at the current data version (the plan's targets are read again only when
    the version changes: a reloaded plan file changes it)."""
    version = data_version(plan_code)
    hit = _metas.get(plan_code)
    if hit is None or hit[0] != version.key:
        hit = (version.key, plan_meta(plan_code))
        _metas[plan_code] = hit
    return Context(hit[1], version, report_years(hit[1], version))


def index_rows(rows: Iterable[ReportRow]) -> dict[tuple[str, str], ReportRow]:
    return {(r.region_code, r.target_code): r for r in rows}


def figure(value: Any) -> float | None:
    return None if value is None else float(value)


def scope_key(actor: Actor) -> str:
    """'all', or a short digest of the region codes the actor sees (a cache key of scoped pages)."""
    import hashlib

    visible = visible_region_codes(actor)
    if visible is None:
        return "all"
    return hashlib.sha256(",".join(sorted(visible)).encode()).hexdigest()[:16]
