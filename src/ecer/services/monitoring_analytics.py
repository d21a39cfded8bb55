"""Use case: monitoring analytics — roll-ups per point, emissions per enterprise/city/pollutant/month,
data quality — scoped to the actor, reading the roll-up files only (never the raw lake parts).

The roll-ups themselves are computed by `run_rollups` (a CLI command or a background job), never in
a web request. `monitored_emissions` is the monitored-emissions source offered to the accounting.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ecer.services.actor import Actor, PermissionDenied, Role, may_see_point, require_role

TONNES_PER_KG = 1e-3


def _data_dir() -> Path:
    from ecer import config

    return config.data_dir()


def _registry(actor: Actor, *, mns: list[str] | None = None, enterprise_id: int | None = None,
              region_prefix: str | None = None) -> dict[str, dict[str, Any]]:
    """MN → its point, enterprise and region, for the devices the actor may see — of `mns`, of one
    enterprise or of the regions under a code prefix when given (a page about one point, enterprise or
    city reads those rows only, not the whole registry)."""
    from ecer.monitoring.models import Device

    devices = Device.objects.select_related("point__enterprise")
    if mns is not None:
        devices = devices.filter(mn__in=mns)
    if enterprise_id is not None:
        devices = devices.filter(point__enterprise_id=enterprise_id)
    if region_prefix is not None:
        devices = devices.filter(point__enterprise__region_code__startswith=region_prefix)
    out = {}
    for d in devices:
        ent = d.point.enterprise
        if not may_see_point(actor, d.point):
            continue
        out[d.mn] = {"mn": d.mn, "enterprise": ent.name, "enterprise_id": ent.pk, "region_code": ent.region_code,
                     "point": f"{d.point.outlet_code} {d.point.outlet_name}", "kind": d.point.kind}
    return out


def run_rollups(*, actor: Actor, engine: str = "duckdb") -> Any:
    """Bring the roll-ups up to date with the lake (incremental), then the latest values of the dates
    they recomputed (`ecer.analytics.latest`: what the device page shows). Province administrators
    and the system."""
    from ecer.analytics import latest, store

    require_role(actor, Role.PROVINCE_ADMIN)
    result = store.update(_data_dir(), engine=store.SparkEngine() if engine == "spark" else store.Engine(),
                          units=declared_units())
    latest.update(_data_dir(), result.dates)
    return result


def next_rollup() -> Any:
    """When the scheduler runs the roll-ups next (`ecer.services.schedule.NextRun`; None when they
    are not scheduled): what the pages' empty states say."""
    from ecer.alarms import ROLLUP_ALARMS_JOB
    from ecer.services.schedule import next_run

    return next_run(ROLLUP_ALARMS_JOB)


def declared_units() -> list[tuple[str, str, str]]:
    """(mn, factor, unit) of every declared unit in the registry: what the roll-ups convert or flag."""
    from ecer.monitoring.models import DeclaredUnit

    return [(d.device.mn, d.factor_code, d.unit) for d in DeclaredUnit.objects.select_related("device")]


@dataclass(frozen=True)
class PointRollups:
    mn: str
    info: dict[str, Any]
    period: str
    rows: list[dict[str, Any]]
    limits: dict[str, tuple[float | None, float]]  # factor → (lower, upper)


def point_rollups(mn: str, period: str, start: dt.date, end: dt.date, *, actor: Actor) -> PointRollups:
    """Hourly/daily/monthly roll-ups of one point in [start, end]; PermissionDenied outside scope."""
    from ecer.analytics import reads
    from ecer.monitoring.models import PermittedLimit

    info = _registry(actor, mns=[mn]).get(mn)
    if info is None:
        raise PermissionDenied(f"{actor.username} may not read monitoring point {mn}")
    limits = {lim.factor_code: lim.catalog_range  # in the unit the roll-ups' values are in
              for lim in PermittedLimit.objects.filter(point__devices__mn=mn)}
    return PointRollups(mn, info, period, reads.rows(_data_dir(), period, start, end, mns=[mn]), limits)


def _month_range(year: int, month: int | None) -> tuple[dt.date, dt.date]:
    if month is None:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    nxt = dt.date(year + month // 12, month % 12 + 1, 1)
    return dt.date(year, month, 1), nxt - dt.timedelta(days=1)


def emissions(*, actor: Actor, year: int, month: int | None = None, group: str = "enterprise") -> list[dict[str, Any]]:
    """Emission amounts (t) per `group` (point|enterprise|city), pollutant and month, from the monthly
    roll-ups: Cou where the logger sent it, else concentration × flow (docs/monitoring-analytics.md)."""
    from ecer.analytics import reads
    from ecer.analytics.params import EMISSION_FACTORS

    registry = _registry(actor)
    start, end = _month_range(year, month)
    rows = reads.rows(_data_dir(), "monthly", start, end, mns=sorted(registry), factors=sorted(EMISSION_FACTORS),
                      columns="mn, factor, month, amount_kg, amount_hours, hours")
    key_of = {"point": lambda i: (i["mn"], i["enterprise"] + " " + i["point"]),
              "enterprise": lambda i: (str(i["enterprise_id"]), i["enterprise"]),
              "city": lambda i: (i["region_code"], i["region_code"])}[group]
    totals: dict[tuple[str, str, str, str], dict[str, Any]] = {}
    for r in rows:
        if r["amount_kg"] is None:
            continue
        key, name = key_of(registry[r["mn"]])
        cell = totals.setdefault((key, r["factor"], r["month"].isoformat()[:7], name), {"t": 0.0, "hours": 0})
        cell["t"] += r["amount_kg"] * TONNES_PER_KG
        cell["hours"] += int(r["amount_hours"])
    return [{"key": k, "name": name, "pollutant": EMISSION_FACTORS[f], "factor": f, "month": m,
             "amount_t": v["t"], "hours": v["hours"]} for (k, f, m, name), v in sorted(totals.items())]


def monitored_emissions(*, actor: Actor, year: int) -> list[dict[str, Any]]:
    """The monitored-emissions source for the accounting: tonnes per city (region code), pollutant and
    year, with how many point-hours carried an amount (the 'why' of each figure)."""
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for row in emissions(actor=actor, year=year, group="city"):
        cell = out.setdefault((row["key"], row["pollutant"]), {"region_code": row["key"], "pollutant": row["pollutant"],
                                                              "year": year, "amount_t": 0.0, "hours": 0,
                                                              "source": "online monitoring roll-ups (HJ 212)"})
        cell["amount_t"] += row["amount_t"]
        cell["hours"] += row["hours"]
    return list(out.values())


def quality(*, actor: Actor, year: int, month: int, by: str = "month") -> list[dict[str, Any]]:
    """Data-quality figures per point for a month (or per day of it), with enterprise and region."""
    from ecer.analytics.quality import quality as compute

    registry = _registry(actor)
    start, end = _month_range(year, month)
    rows = compute(_data_dir(), start, end, mns=sorted(registry), by=by)
    return [{**registry[q.mn], **q.__dict__} for q in rows]
