"""Use case: one enterprise's or one city's monitoring year — emissions by month and pollutant, data
quality by month (per point / per enterprise), its alarms, and for a city its enterprises ranked by
emissions. Scoped to the actor; reads the monthly roll-ups only (never the raw lake parts, never the
hourly files), so the cost does not grow with the days stored.

Rules (docs/monitoring-analytics.md, "Enterprise and city pages"):
- emissions: the monthly `amount_kg` of the pollutants of `EMISSION_FACTORS`, summed over the points;
  each row says where its amount came from — `cou` (every hour from the logger's Cou),
  `concentration_x_flow` (none from Cou) or `mixed` (with the Cou part in `cou_t`);
- quality: per point and month as `ecer.analytics.quality` counts it; a group's transmission rate is
  Σ min(received, expected) ÷ Σ expected over its points, its valid-data rate Σ valid ÷ Σ readings.
  A point counts from its first month with data in the year to the last month with data of the whole
  overview (a month it stayed silent in between counts with 0 received; before its first month it is
  taken as not yet installed);
- alarms: those not closed (newest first, at most OPEN_ALARMS), then the closed ones that started in
  the year (newest first, at most RECENT_CLOSED_ALARMS).

Scope: an enterprise id outside the actor's scope answers exactly like one that does not exist
(NotFound), a region code outside it is refused (PermissionDenied), as docs/roles.md says.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ecer.analytics.params import AnalyticsParams
from ecer.services.actor import (
    Actor,
    may_read_region,
    may_see_enterprise,
    require_region,
    visible_region_codes,
)
from ecer.services.errors import InvalidRequest, NotFound

#: At most this many alarms not yet closed are listed (newest first); the alarm list has them all.
OPEN_ALARMS = 100
#: Closed alarms of the year listed after the open ones (newest first).
RECENT_CLOSED_ALARMS = 20
YEARS = range(2000, 2101)
TONNES_PER_KG = 1e-3


@dataclass(frozen=True)
class EmissionRow:
    month: str  # YYYY-MM
    factor: str  # HJ 212 code
    pollutant: str  # COD, NH3-N, NOx, SO2, particulates, VOCs (NMHC)
    amount_t: float
    hours: int  # point-hours with an amount
    cou_t: float  # the part of amount_t the loggers sent as Cou
    cou_hours: int
    source: str  # cou | concentration_x_flow | mixed


@dataclass(frozen=True)
class QualityRow:
    key: str  # "" for the whole enterprise/city, else MN (enterprise page) or enterprise id (city page)
    name: str
    month: str
    expected: int
    received: int  # capped at expected per point
    valid: int
    readings: int

    @property
    def transmission_rate(self) -> float | None:
        return self.received / self.expected if self.expected else None

    @property
    def valid_rate(self) -> float | None:
        return self.valid / self.readings if self.readings else None


@dataclass(frozen=True)
class RankRow:
    enterprise_id: int
    name: str
    region_code: str
    total_t: float
    by_pollutant: dict[str, float]


@dataclass(frozen=True)
class Overview:
    kind: str  # enterprise | city
    key: str  # enterprise id or region code
    name: str
    region_code: str
    region_name: str
    year: int
    members: list[dict[str, Any]]  # the points (enterprise) or enterprises (city) it covers
    pollutants: list[str]  # those with an amount in the year, in EMISSION_FACTORS order
    emissions: list[EmissionRow]  # month × pollutant
    totals: dict[str, float]  # pollutant → t in the year
    quality: list[QualityRow]  # per month, the whole enterprise/city
    quality_by: list[QualityRow]  # per month and point (enterprise) or enterprise (city)
    alarms: list[Any]
    ranking: list[RankRow] = field(default_factory=list)  # city only, largest total first
    city_code: str | None = None  # the enterprise's city, when the actor may open that city's page


def may_open_cities(actor: Actor) -> bool:
    """Whether city pages are open to the actor at all (pages link city names only then): not to an
    enterprise reporter or a visitor, whose region scope is empty."""
    return visible_region_codes(actor) is None or bool(visible_region_codes(actor))


def _check_year(year: int) -> None:
    if year not in YEARS:
        raise InvalidRequest(f"year {year} outside {YEARS.start}–{YEARS.stop - 1}", param="year")


def enterprise_overview(actor: Actor, enterprise_id: int, year: int, *, lang: str = "zh",
                        params: AnalyticsParams | None = None) -> Overview:
    """The monitoring year of one enterprise: its points' emissions and quality, its alarms.
    `params`: the analytics parameters (upload interval); the documented defaults when None."""
    from ecer.monitoring.models import Enterprise
    from ecer.services.monitoring_analytics import _registry

    _check_year(year)
    ent = Enterprise.objects.filter(pk=enterprise_id).first()
    if ent is None or not may_see_enterprise(actor, ent):
        raise NotFound(f"no monitored enterprise {enterprise_id}")
    registry = _registry(actor, enterprise_id=ent.pk)
    members = [{"key": mn, "name": i["point"], "kind": i["kind"]} for mn, i in sorted(registry.items())]
    city = ent.region_code[:4] + "00"
    rows = _monthly_rows(registry, year)
    return Overview("enterprise", str(ent.pk), ent.name, ent.region_code, _region_name(ent.region_code, lang), year,
                    members, *_emissions(rows), *_quality(rows, {mn: (mn, i["point"]) for mn, i in registry.items()}, params),
                    _alarms(actor, year, enterprise_ids=[ent.pk]), city_code=city if may_read_region(actor, city) else None)


def city_overview(actor: Actor, region_code: str, year: int, *, lang: str = "zh",
                  params: AnalyticsParams | None = None) -> Overview:
    """The monitoring year of one city (市/州, a GB/T 2260 code ending in 00): every enterprise of the
    city and its counties, their emissions, quality and alarms, and the enterprises ranked."""
    from ecer.masterdata.models import Region
    from ecer.services.monitoring_analytics import _registry

    _check_year(year)
    code = region_code.strip()
    if not (len(code) == 6 and code.isdigit() and code.endswith("00") and not code.endswith("0000")):
        raise InvalidRequest(f"{region_code!r} is not a city code (6 digits ending in 00)", param="region_code")
    require_region(actor, code)
    if not Region.objects.filter(code=code).exists():
        raise NotFound(f"no region {code}")
    # a city covers the codes of its counties: the first four digits (as the point list's city filter)
    registry = _registry(actor, region_prefix=code[:4])
    enterprises = sorted({(i["enterprise_id"], i["enterprise"], i["region_code"]) for i in registry.values()},
                         key=lambda e: e[1])
    members = [{"key": str(e), "name": n, "region_code": r} for e, n, r in enterprises]
    rows = _monthly_rows(registry, year)
    emissions = _emissions(rows)
    quality = _quality(rows, {mn: (str(i["enterprise_id"]), i["enterprise"]) for mn, i in registry.items()},
                       params)
    return Overview("city", code, _region_name(code, lang), code, _region_name(code, lang), year, members,
                    *emissions, *quality, _alarms(actor, year, region_prefix=code[:4]),
                    _ranking(rows, registry), city_code=code)


def _region_name(code: str, lang: str) -> str:
    from ecer.services.regions import region_names

    return region_names({code}, lang).get(code, code)


def _monthly_rows(registry: dict[str, dict[str, Any]], year: int) -> list[dict[str, Any]]:
    """The year's monthly roll-up rows of the registry's MNs, every factor (quality needs the flow's too)."""
    from ecer.analytics import reads
    from ecer.services.monitoring_analytics import _data_dir

    if not registry:
        return []
    # "*": files written before roll-up schema 2 have no cou_kg / cou_hours (read as missing)
    return reads.rows(_data_dir(), "monthly", dt.date(year, 1, 1), dt.date(year, 12, 31), mns=sorted(registry))


def _source(hours: int, cou_hours: int) -> str:
    if cou_hours >= hours:
        return "cou"
    return "concentration_x_flow" if cou_hours == 0 else "mixed"


def _emissions(rows: list[dict[str, Any]]) -> tuple[list[str], list[EmissionRow], dict[str, float]]:
    from ecer.analytics.params import EMISSION_FACTORS

    cells: dict[tuple[str, str], list[float]] = {}
    for r in rows:
        if r["factor"] not in EMISSION_FACTORS or r["amount_kg"] is None:
            continue
        cell = cells.setdefault((r["month"].isoformat()[:7], r["factor"]), [0.0, 0, 0.0, 0])
        cell[0] += r["amount_kg"]
        cell[1] += int(r["amount_hours"])
        cell[2] += r.get("cou_kg") or 0.0
        cell[3] += int(r.get("cou_hours") or 0)
    order = list(EMISSION_FACTORS)
    out = [EmissionRow(month, f, EMISSION_FACTORS[f], kg * TONNES_PER_KG, int(h), cou * TONNES_PER_KG, int(ch),
                       _source(int(h), int(ch)))
           for (month, f), (kg, h, cou, ch) in sorted(cells.items(), key=lambda c: (c[0][0], order.index(c[0][1])))]
    pollutants = [EMISSION_FACTORS[f] for f in order if any(e.factor == f for e in out)]
    totals = {p: sum(e.amount_t for e in out if e.pollutant == p) for p in pollutants}
    return pollutants, out, totals


def _quality(rows: list[dict[str, Any]], group_of: dict[str, tuple[str, str]],
             params: AnalyticsParams | None) -> tuple[list[QualityRow], list[QualityRow]]:
    """(per month for the whole, per month and group) — see the module's rules."""
    from ecer.analytics.quality import Rates, _days_in_month, monthly_rates

    params = params or AnalyticsParams()
    rates = {(r.mn, r.period): r for r in monthly_rates(rows, params)}
    # a month "with data" has real-time readings (a month of bad-time readings only has none)
    sent = [(mn, period) for (mn, period), r in rates.items() if r.readings]
    if not sent:
        return [], []
    last = max(period for _, period in sent)
    first: dict[str, str] = {}
    for mn, period in sent:
        first[mn] = min(first.get(mn, period), period)
    whole: dict[str, list[int]] = {}
    by: dict[tuple[str, str], list[int]] = {}
    for mn, start in first.items():
        for month in _months(start, last):
            r = rates.get((mn, month)) or Rates(mn, month, 86400 * _days_in_month(month) // params.upload_interval_s,
                                                0, 0, 0)
            counts = [r.expected, min(r.received, r.expected), r.valid, r.readings]
            for cell in (whole.setdefault(month, [0, 0, 0, 0]), by.setdefault((group_of[mn][0], month), [0, 0, 0, 0])):
                for i, n in enumerate(counts):
                    cell[i] += n
    names = dict(group_of.values())
    return ([QualityRow("", "", m, *c) for m, c in sorted(whole.items())],
            [QualityRow(k, names[k], m, *c) for (k, m), c in sorted(by.items(), key=lambda x: (names[x[0][0]], x[0][1]))])


def _months(start: str, end: str) -> list[str]:
    out, (y, m) = [], (int(start[:4]), int(start[5:7]))
    while f"{y:04d}-{m:02d}" <= end:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _alarms(actor: Actor, year: int, *, enterprise_ids: list[int] | None = None,
            region_prefix: str | None = None) -> list[Any]:
    from ecer.alarms.models import AlarmStatus
    from ecer.services.alarms import scoped

    qs = scoped(actor)
    qs = qs.filter(enterprise_id__in=enterprise_ids) if enterprise_ids is not None else qs.filter(
        region_code__startswith=region_prefix)
    not_closed = list(qs.exclude(status=AlarmStatus.CLOSED).order_by("-start", "-pk")[:OPEN_ALARMS])
    closed = list(qs.filter(status=AlarmStatus.CLOSED, start__year=year).order_by("-start", "-pk")
                  [:RECENT_CLOSED_ALARMS])
    return not_closed + closed


def _ranking(rows: list[dict[str, Any]], registry: dict[str, dict[str, Any]]) -> list[RankRow]:
    from ecer.analytics.params import EMISSION_FACTORS

    per: dict[int, dict[str, float]] = {}
    for r in rows:
        if r["factor"] in EMISSION_FACTORS and r["amount_kg"] is not None:
            cell = per.setdefault(registry[r["mn"]]["enterprise_id"], {})
            pollutant = EMISSION_FACTORS[r["factor"]]
            cell[pollutant] = cell.get(pollutant, 0.0) + r["amount_kg"] * TONNES_PER_KG
    info = {i["enterprise_id"]: i for i in registry.values()}
    ranked = [RankRow(e, info[e]["enterprise"], info[e]["region_code"], sum(p.values()), p) for e, p in per.items()]
    return sorted(ranked, key=lambda r: (-r.total_t, r.name))
