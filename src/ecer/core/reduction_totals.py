"""Key-project reductions summed by region, programme and year, against the plan's tonnages.

The plan's key-project targets (川府发〔2022〕20号 §二: COD 14.92, NH₃-N 0.79, NOx 5.95, VOCs 2.53 万吨 by
2025) are the targets whose indicator is `<pollutant>_key_project_reduction`, taken from a loaded
`ecer.plans.Plan` (the plan loader parses the file; nothing is parsed here). A year's reduction is a
stock (`ecer.core.reduction`): totals add projects within a year, never years together, and the
province's total in the target year is compared with the plan's tonnage. A city is compared with its
share only where shares are given (the plan does not state them; see decomposition_amounts).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from ecer.core.reduction import (
    POLLUTANT_NAMES,
    POLLUTANTS,
    T_PER_10K_T,
    PollutantReduction,
    ReductionInputError,
)
from ecer.core.reduction import variable_code as variable_code
from ecer.plans.model import Plan

Dimension = Literal["region", "programme"]


@dataclass(frozen=True)
class ProjectPlace:
    """Where a project's reductions are summed: its region (city code) and one of the ten programmes."""

    project: str
    region: str
    programme: str


@dataclass(frozen=True)
class KeyProjectTarget:
    pollutant: str
    code: str
    value_10k_t: float
    base_year: int
    target_year: int
    clause: str
    plan: str


@dataclass(frozen=True)
class Total:
    pollutant: str
    year: int
    region: str | None  # None: all regions
    programme: str | None  # None: all programmes
    amount_t: float
    projects: tuple[str, ...]
    target_10k_t: float | None
    target_source: str | None
    explanation_en: str
    explanation_zh: str

    @property
    def amount_10k_t(self) -> float:
        return self.amount_t / T_PER_10K_T

    @property
    def completion_pct(self) -> float | None:
        """Share of the (target-year) tonnage reached in this year, in percent; None without a target."""
        if not self.target_10k_t:
            return None
        return 100 * self.amount_10k_t / self.target_10k_t


def plan_targets(plan: Plan) -> dict[str, KeyProjectTarget]:
    """The plan's key-project tonnages by pollutant (only the pollutants the plan sets)."""
    out = {}
    for target in plan.targets:
        for pollutant in POLLUTANTS:
            if target.indicator == variable_code(pollutant):
                if target.unit != "10k_t":
                    raise ValueError(f"plan {plan.code}, target {target.code}: unit {target.unit}, expected 10k_t")
                out[pollutant] = KeyProjectTarget(pollutant, target.code, target.value, target.base_year,
                                                  target.target_year, target.clause, plan.code)
    return out


def totals(reductions: Iterable[PollutantReduction], places: Mapping[str, ProjectPlace],
           by: Sequence[Dimension] = (), *, targets: Mapping[str, KeyProjectTarget] | None = None,
           city_shares: Mapping[tuple[str, str], float] | None = None) -> list[Total]:
    """Sum per pollutant, year and the chosen dimensions (none: the province).

    The province's total is compared with `targets` (plan_targets), a region's with
    `city_shares[(region, pollutant)]` in 万吨. A project without a place, region or programme is refused.
    """
    if any(d not in ("region", "programme") for d in by):
        raise ValueError(f"group by region and/or programme, not {list(by)}")
    sums: dict[tuple[str, int, str | None, str | None], float] = defaultdict(float)
    members: dict[tuple[str, int, str | None, str | None], set[str]] = defaultdict(set)
    for r in reductions:
        place = places.get(r.project)
        if place is None or not place.region or not place.programme:
            missing = "place" if place is None else ("region" if not place.region else "programme")
            raise ReductionInputError(f"the project has no {missing}: its reduction cannot be summed",
                                      project=r.project, field=missing)
        key = (r.pollutant, r.year, place.region if "region" in by else None,
               place.programme if "programme" in by else None)
        sums[key] += r.amount_t
        if r.amount_t > 0:
            members[key].add(r.project)
    return [_total(key, amount, tuple(sorted(members[key])), targets or {}, city_shares or {})
            for key, amount in sorted(sums.items(), key=lambda kv: tuple(str(k) for k in kv[0]))]


def _total(key: tuple[str, int, str | None, str | None], amount_t: float, projects: tuple[str, ...],
           targets: Mapping[str, KeyProjectTarget], shares: Mapping[tuple[str, str], float]) -> Total:
    pollutant, year, region, programme = key
    target: float | None = None
    source: str | None = None
    if region is None and programme is None and pollutant in targets:
        t = targets[pollutant]
        target, source = t.value_10k_t, f"plan {t.plan} §{t.clause} {t.code} ({t.target_year})"
    elif region is not None and programme is None and (region, pollutant) in shares:
        target, source = shares[(region, pollutant)], f"city share of {region}"
    zh, en = POLLUTANT_NAMES[pollutant]
    where_en = " ".join(p for p in (f"region {region}" if region else "all regions",
                                     f"programme {programme}" if programme else "") if p)
    where_zh = (region or "全省") + (f" {programme}" if programme else "")
    tail_en = tail_zh = ""
    if target:
        pct = 100 * amount_t / T_PER_10K_T / target
        tail_en = f"; {pct:.1f}% of {target:g} 万吨 ({source})"
        tail_zh = f"，为目标{target:g}万吨的{pct:.1f}%"
    return Total(pollutant, year, region, programme, amount_t, projects, target, source,
                 f"{en} {year}, {where_en}: {len(projects)} project(s), {amount_t:.4f} t = "
                 f"{amount_t / T_PER_10K_T:.6f} 万吨{tail_en}",
                 f"{where_zh} {year}年{zh}重点工程减排量：{len(projects)}个项目，{amount_t / T_PER_10K_T:.6f}万吨{tail_zh}")
