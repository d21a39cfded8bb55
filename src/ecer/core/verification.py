"""Verification of key-project reduction claims (plan §四(二), METHODOLOGY §7): automatic checks whose
findings become cases a reviewer resolves.

A *claim* is a reduction (t) a project counts for one source (or facility) and pollutant over a
period (both ends inclusive). The checks:

- `double_count_projects` — the same source and pollutant claimed by two projects over overlapping
  periods; `double_count_periods` — by one project twice over overlapping periods. Amount: the part
  counted twice, min of the two claims pro rata by the overlapping days.
- `offset_not_deducted` — reductions of a project's source used as regional offsets (区域削减替代)
  for new projects, more than its claims deducted. Amount: used − deducted.
- `above_baseline` — a claim above the source's baseline emission over the claim's period
  (baseline t/yr pro rata by days). Amount: the excess.
- `contradicted_by_monitoring` — over the months with monitored emissions, the claim (pro rata by
  the covered days) exceeds the monitored reduction (baseline − monitored, per month) by more than
  `monitoring_tolerance_pct` of the claim. Amount: claimed − monitored reduction.
- `stable_operation_in_future` — a reduction counted while the project's stable-operation date is
  after the accounting date, or it has none; `claimed_before_stable_operation` — a claim whose
  period ends before stable operation began.

A clean claim produces no finding. Unknown rules are `VerificationOptions` (docs/key-projects.md).
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from ecer.core.reduction import POLLUTANT_NAMES, POLLUTANTS, T_PER_10K_T, ReductionInputError


class FindingKind(StrEnum):
    DOUBLE_COUNT_PROJECTS = "double_count_projects"
    DOUBLE_COUNT_PERIODS = "double_count_periods"
    OFFSET_NOT_DEDUCTED = "offset_not_deducted"
    ABOVE_BASELINE = "above_baseline"
    CONTRADICTED_BY_MONITORING = "contradicted_by_monitoring"
    STABLE_OPERATION_IN_FUTURE = "stable_operation_in_future"
    CLAIMED_BEFORE_STABLE_OPERATION = "claimed_before_stable_operation"


KIND_NAMES_ZH = {
    FindingKind.DOUBLE_COUNT_PROJECTS: "重复计算(不同项目)", FindingKind.DOUBLE_COUNT_PERIODS: "重复计算(时段重叠)",
    FindingKind.OFFSET_NOT_DEDUCTED: "区域削减替代未扣减", FindingKind.ABOVE_BASELINE: "超过基准排放量",
    FindingKind.CONTRADICTED_BY_MONITORING: "与监测数据不符", FindingKind.STABLE_OPERATION_IN_FUTURE: "尚未稳定运行即计入",
    FindingKind.CLAIMED_BEFORE_STABLE_OPERATION: "稳定运行前计入",
}


@dataclass(frozen=True)
class Claim:
    claim: str
    project: str
    source: str
    pollutant: str
    period_start: dt.date
    period_end: dt.date  # inclusive
    amount_t: float
    stable_operation_date: dt.date | None = None
    offsets_deducted_t: float = 0.0  # offsets of this source already taken off this claim

    @property
    def days(self) -> int:
        return (self.period_end - self.period_start).days + 1


@dataclass(frozen=True)
class SourceBaseline:
    """The source's reference-year emission (t/yr), the ceiling of what can be reduced."""

    source: str
    pollutant: str
    emission_t_per_year: float


@dataclass(frozen=True)
class OffsetUse:
    """A reduction of `project` at `source` used as a regional offset (区域削减替代) for `new_project`."""

    offset: str
    new_project: str
    project: str
    source: str
    pollutant: str
    amount_t: float


@dataclass(frozen=True)
class MonitoredMonth:
    """A source's monitored emission in a month (t), e.g. from the monitoring roll-ups."""

    source: str
    pollutant: str
    year: int
    month: int
    emission_t: float


@dataclass(frozen=True)
class VerificationOptions:
    """Documented parameters of the checks; none of them is stated in a public rule [open]."""

    #: a claim may exceed the monitored reduction by this share of the claim (CEMS uncertainty)
    monitoring_tolerance_pct: float = 20.0
    #: the monitoring check needs monitored months covering at least this share of the claim's days
    monitoring_min_coverage_pct: float = 50.0
    #: differences up to this many tonnes are rounding, not findings
    rounding_t: float = 0.001
    #: the accounting date; None skips the stable-operation-in-the-future check
    as_of: dt.date | None = None


@dataclass(frozen=True)
class Finding:
    kind: FindingKind
    projects: tuple[str, ...]
    claims: tuple[str, ...]
    source: str
    pollutant: str
    amount_t: float
    explanation_en: str
    explanation_zh: str

    @property
    def amount_10k_t(self) -> float:
        return self.amount_t / T_PER_10K_T


def _days_in_year(year: int) -> int:
    return 366 if calendar.isleap(year) else 365


def overlap_days(a_start: dt.date, a_end: dt.date, b_start: dt.date, b_end: dt.date) -> int:
    return max(0, (min(a_end, b_end) - max(a_start, b_start)).days + 1)


def baseline_over(rate_t_per_year: float, start: dt.date, end: dt.date) -> float:
    """The baseline emission (t) over [start, end], pro rata by days of each calendar year."""
    total = 0.0
    for year in range(start.year, end.year + 1):
        days = overlap_days(start, end, dt.date(year, 1, 1), dt.date(year, 12, 31))
        total += rate_t_per_year * days / _days_in_year(year)
    return total


def check_claims(claims: Sequence[Claim]) -> None:
    """Refuse claims the checks cannot judge (ReductionInputError names project, field, value)."""
    seen: set[str] = set()
    for c in claims:
        def bad(reason: str, field: str, value: object, claim: Claim = c) -> ReductionInputError:
            return ReductionInputError(f"claim {claim.claim}: {reason}", project=claim.project or "?",
                                       field=field, pollutant=claim.pollutant, value=value)
        if not c.project:
            raise bad("no project", "project", c.project)
        if not c.source:
            raise bad("no source or facility: a reduction must name what it acts on", "source", c.source)
        if c.pollutant not in POLLUTANTS:
            raise bad(f"unknown pollutant (known: {', '.join(POLLUTANTS)})", "pollutant", c.pollutant)
        if c.period_end < c.period_start:
            raise bad("period ends before it starts", "period_end", c.period_end.isoformat())
        for name in ("amount_t", "offsets_deducted_t"):
            value = getattr(c, name)
            if not math.isfinite(value) or value < 0:
                raise bad("must be a finite, non-negative number of tonnes", name, value)
        if c.claim in seen:
            raise bad("claim id given twice", "claim", c.claim)
        seen.add(c.claim)


def verify(claims: Sequence[Claim], baselines: Iterable[SourceBaseline] = (), offsets: Iterable[OffsetUse] = (),
           monitoring: Iterable[MonitoredMonth] = (), options: VerificationOptions = VerificationOptions(),
           ) -> list[Finding]:
    """Every finding over the claims, in a stable order (kind, source, pollutant, claims)."""
    check_claims(claims)
    rates = {(b.source, b.pollutant): b.emission_t_per_year for b in baselines}
    monitored: dict[tuple[str, str], dict[tuple[int, int], float]] = defaultdict(dict)
    for m in monitoring:
        monitored[(m.source, m.pollutant)][(m.year, m.month)] = m.emission_t
    found = [*_double_counts(claims, options), *_offsets(claims, list(offsets), options)]
    for c in claims:
        found += _stable_operation(c, options)
        rate = rates.get((c.source, c.pollutant))
        if rate is not None:
            found += _above_baseline(c, rate, options)
            found += _monitoring(c, rate, monitored.get((c.source, c.pollutant), {}), options)
    return sorted(found, key=lambda f: (f.kind.value, f.source, f.pollutant, f.claims))


def _label(pollutant: str) -> tuple[str, str]:
    return POLLUTANT_NAMES[pollutant]


def _double_counts(claims: Sequence[Claim], options: VerificationOptions) -> list[Finding]:
    by_source: dict[tuple[str, str], list[Claim]] = defaultdict(list)
    for c in claims:
        by_source[(c.source, c.pollutant)].append(c)
    out = []
    for (source, pollutant), group in by_source.items():
        group.sort(key=lambda c: (c.period_start, c.claim))
        for i, a in enumerate(group):
            for b in group[i + 1:]:
                if b.period_start > a.period_end:
                    break  # sorted by start: no later claim overlaps a
                days = overlap_days(a.period_start, a.period_end, b.period_start, b.period_end)
                twice = min(a.amount_t * days / a.days, b.amount_t * days / b.days)
                if twice <= options.rounding_t:
                    continue
                same = a.project == b.project
                zh, en = _label(pollutant)
                whom_en = f"project {a.project} twice" if same else f"projects {a.project} and {b.project}"
                whom_zh = f"项目{a.project}两次" if same else f"项目{a.project}与{b.project}"
                out.append(Finding(
                    FindingKind.DOUBLE_COUNT_PERIODS if same else FindingKind.DOUBLE_COUNT_PROJECTS,
                    tuple(sorted({a.project, b.project})), (a.claim, b.claim), source, pollutant, twice,
                    f"source {source} {en} is claimed by {whom_en} over {days} overlapping days "
                    f"({max(a.period_start, b.period_start)}–{min(a.period_end, b.period_end)}): claims {a.claim} "
                    f"({a.amount_t:g} t over {a.days} d) and {b.claim} ({b.amount_t:g} t over {b.days} d) count "
                    f"{twice:.4f} t twice (the smaller pro-rata share of the overlap)",
                    f"排放源{source}的{zh}被{whom_zh}在重叠的{days}天内重复申报，重复计算{twice:.4f}吨"))
    return out


def _offsets(claims: Sequence[Claim], offsets: list[OffsetUse], options: VerificationOptions) -> list[Finding]:
    used: dict[tuple[str, str, str], list[OffsetUse]] = defaultdict(list)
    for o in offsets:
        if not math.isfinite(o.amount_t) or o.amount_t < 0:
            raise ReductionInputError(f"offset {o.offset}: must be a finite, non-negative number of tonnes",
                                      project=o.project, field="amount_t", pollutant=o.pollutant, value=o.amount_t)
        used[(o.project, o.source, o.pollutant)].append(o)
    out = []
    for (project, source, pollutant), uses in sorted(used.items()):
        mine = [c for c in claims if (c.project, c.source, c.pollutant) == (project, source, pollutant)]
        if not mine:
            continue  # the reduction is not counted here, so it is not counted twice
        total_used = sum(o.amount_t for o in uses)
        deducted = sum(c.offsets_deducted_t for c in mine)
        missing = total_used - deducted
        if missing <= options.rounding_t:
            continue
        zh, en = _label(pollutant)
        news = sorted({o.new_project for o in uses})
        out.append(Finding(
            FindingKind.OFFSET_NOT_DEDUCTED, (project, *news), tuple(sorted(c.claim for c in mine)), source,
            pollutant, missing,
            f"{total_used:g} t of {en} reduced by project {project} at source {source} are used as regional offsets "
            f"for new project(s) {', '.join(news)} (offsets {', '.join(sorted(o.offset for o in uses))}), but its "
            f"claims deduct only {deducted:g} t: {missing:.4f} t are counted twice",
            f"项目{project}在排放源{source}的{zh}减排量中有{total_used:g}吨已用于新建项目{'、'.join(news)}的区域削减替代，"
            f"申报仅扣减{deducted:g}吨，{missing:.4f}吨未扣减"))
    return out


def _above_baseline(c: Claim, rate: float, options: VerificationOptions) -> list[Finding]:
    ceiling = baseline_over(rate, c.period_start, c.period_end)
    excess = c.amount_t - ceiling
    if excess <= options.rounding_t:
        return []
    zh, en = _label(c.pollutant)
    return [Finding(FindingKind.ABOVE_BASELINE, (c.project,), (c.claim,), c.source, c.pollutant, excess,
                    f"claim {c.claim} of project {c.project}: {c.amount_t:g} t of {en} over {c.period_start}–"
                    f"{c.period_end}, but source {c.source} emitted only {ceiling:.4f} t in that time at its "
                    f"baseline of {rate:g} t/yr: {excess:.4f} t more than can be reduced",
                    f"项目{c.project}申报{c.amount_t:g}吨{zh}，超过排放源{c.source}同期基准排放量{ceiling:.4f}吨，"
                    f"超出{excess:.4f}吨")]


def _monitoring(c: Claim, rate: float, months: dict[tuple[int, int], float],
                options: VerificationOptions) -> list[Finding]:
    covered = 0
    reduction = 0.0
    year, month = c.period_start.year, c.period_start.month
    while (year, month) <= (c.period_end.year, c.period_end.month):
        last = calendar.monthrange(year, month)[1]
        if (year, month) in months:
            days = overlap_days(c.period_start, c.period_end, dt.date(year, month, 1), dt.date(year, month, last))
            base_month = rate * last / _days_in_year(year)  # seasonality is not modelled [open]
            reduction += (base_month - months[(year, month)]) * days / last
            covered += days
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    if covered == 0 or covered * 100 < options.monitoring_min_coverage_pct * c.days:
        return []
    claimed = c.amount_t * covered / c.days
    gap = claimed - reduction
    if gap <= claimed * options.monitoring_tolerance_pct / 100 + options.rounding_t:
        return []
    zh, en = _label(c.pollutant)
    return [Finding(FindingKind.CONTRADICTED_BY_MONITORING, (c.project,), (c.claim,), c.source, c.pollutant, gap,
                    f"claim {c.claim} of project {c.project}: over the {covered} monitored days it claims "
                    f"{claimed:.4f} t of {en}, but source {c.source}'s monitored emissions are only {reduction:.4f} t "
                    f"below its baseline ({rate:g} t/yr): {gap:.4f} t unsupported, beyond the "
                    f"{options.monitoring_tolerance_pct:g}% tolerance",
                    f"项目{c.project}在有监测数据的{covered}天内申报{zh}减排{claimed:.4f}吨，监测数据显示仅比基准减少"
                    f"{reduction:.4f}吨，{gap:.4f}吨无监测数据支撑(超出{options.monitoring_tolerance_pct:g}%容差)")]


def _stable_operation(c: Claim, options: VerificationOptions) -> list[Finding]:
    if c.amount_t <= options.rounding_t:
        return []
    zh, en = _label(c.pollutant)
    stable = c.stable_operation_date
    if options.as_of is not None and (stable is None or stable > options.as_of):
        when = f"its stable-operation date {stable} is after {options.as_of}" if stable else "it has no stable-operation date"
        when_zh = f"稳定运行日期{stable}晚于{options.as_of}" if stable else "尚无稳定运行日期"
        return [Finding(FindingKind.STABLE_OPERATION_IN_FUTURE, (c.project,), (c.claim,), c.source, c.pollutant,
                        c.amount_t, f"claim {c.claim} of project {c.project} counts {c.amount_t:g} t of {en}, but "
                        f"{when}: a reduction counts only from stable operation",
                        f"项目{c.project}已计入{zh}减排{c.amount_t:g}吨，但{when_zh}，减排量自稳定运行起计")]
    if stable is not None and stable > c.period_end:
        return [Finding(FindingKind.CLAIMED_BEFORE_STABLE_OPERATION, (c.project,), (c.claim,), c.source, c.pollutant,
                        c.amount_t, f"claim {c.claim} of project {c.project} counts {c.amount_t:g} t of {en} for "
                        f"{c.period_start}–{c.period_end}, before its stable operation on {stable}",
                        f"项目{c.project}在稳定运行({stable})之前的时段申报{zh}减排{c.amount_t:g}吨")]
    return []
