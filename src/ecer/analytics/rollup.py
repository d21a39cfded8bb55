"""The roll-ups, written once in Ibis: the same expressions run on DuckDB and on PySpark.

hourly(measurements)  → one row per (mn, factor, hour): real-time readings counted by flag,
                        min/avg/max of the valid ones, the logger's hourly average (2061 Avg, ZsAvg),
                        the Cou it sent, bad-time readings, cumulative values going backwards,
                        readings in a declared unit that does not convert, and the emission amount in kg
daily(hourly)         → one row per (mn, factor, day); monthly(daily) → per (mn, factor, month),
                        with the part of the amount that came from Cou (`cou_kg`, `cou_hours`)

Averages of longer periods are weighted by the valid readings of each hour, so a daily average is
the average of the day's valid readings, not an average of averages. Rules and units:
docs/monitoring-analytics.md.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import ibis
from ibis import _

from ecer.analytics.params import FLOW_FACTORS, INVALID_FLAGS, VALID_FLAG, AnalyticsParams

FLAG_COLUMNS = {flag: f"n_flag_{flag.lower()}" for flag in INVALID_FLAGS}
COUNT_COLUMNS = ["n_readings", "n_valid", "n_invalid", *FLAG_COLUMNS.values(), "n_negative", "n_bad_time",
                 "n_zero_flow", "n_cou_backwards", "n_unit_mismatch"]
# CN of the interval records whose Cou is the period's amount (minute, hourly, daily): never below 0
INTERVAL_CNS = ("2051", "2061", "2031")


def _n(cond: Any) -> Any:
    return cond.cast("int64").sum()


def hourly(t: Any, now: dt.datetime, params: AnalyticsParams, carry: Any = None, units: Any = None) -> Any:
    """Hourly roll-up of a measurements table (lake schema) judged at `now` (logger local time).

    `carry` (from `carry_in` over the previous date's hourly rows, or None) holds each (mn, factor)'s
    last real-time totaliser value before this table's first, so a totaliser that goes backwards
    across midnight is caught too. `units` (None, or a table of `analytics.units` rules: mn, factor,
    unit_scale, unit_note) converts declared units to the reference unit, or marks a factor whose
    declared unit does not convert: its values are counted (`n_unit_mismatch`), never averaged or summed."""
    late_ok = ibis.literal(now + dt.timedelta(hours=params.future_tolerance_hours))
    early_ok = ibis.literal(now - dt.timedelta(days=params.max_age_days))
    t = t.mutate(hour=t.data_time.truncate("h"), bad_time=(t.data_time > late_ok) | (t.data_time < early_ok))
    raw = t
    if units is not None:
        t = t.left_join(units, ["mn", "factor"]).select(t, units.unit_scale, units.unit_note)
        # a Cou is an amount (kg, m³), not in the concentration's unit: never rescaled
        t = t.mutate(value=ibis.cases((t.field == "Cou", t.value), else_=t.value * ibis.coalesce(t.unit_scale, 1.0)),
                     unit_ok=t.unit_note.isnull() | t.unit_scale.notnull())
    rt = (t.cn == "2011") & (t.field == "Rtd") & ~t.bad_time
    valid = rt & (t.flag == VALID_FLAG) & t.value.notnull()
    hourly_cn = (t.cn == "2061") & ~t.bad_time
    if units is not None:
        valid, hourly_cn = valid & t.unit_ok, hourly_cn & t.unit_ok
    # an interval record's Cou is the period's amount: below zero it is flagged, never summed
    interval_cou = t.cn.isin(list(INTERVAL_CNS)) & (t.field == "Cou") & ~t.bad_time
    metrics = {
        "n_readings": _n(rt),
        "n_valid": _n(valid),
        "n_invalid": _n(rt & (t.flag != VALID_FLAG)),
        **{col: _n(rt & (t.flag == flag)) for flag, col in FLAG_COLUMNS.items()},
        "n_negative": _n(valid & (t.value < 0)),
        "n_bad_time": _n((t.cn == "2011") & (t.field == "Rtd") & t.bad_time),
        "min": t.value.min(where=valid),
        "avg": t.value.mean(where=valid),
        "max": t.value.max(where=valid),
        "sum_valid": t.value.sum(where=valid),
        "hourly_avg": t.value.max(where=hourly_cn & (t.field == "Avg")),
        "hourly_zs_avg": t.value.max(where=hourly_cn & (t.field == "ZsAvg")),
        "cou_sent": t.value.max(where=hourly_cn & (t.field == "Cou") & (t.value >= 0)),
        "n_cou_negative": _n(interval_cou & (t.value < 0)),
    }
    if units is not None:
        metrics |= {"n_unit_mismatch": _n(rt & ~t.unit_ok), "unit_note": t.unit_note.max()}
    agg = t.group_by(["mn", "factor", "hour"]).aggregate(**metrics)
    if units is None:
        agg = agg.mutate(n_unit_mismatch=ibis.literal(0, "int64"), unit_note=ibis.null("string"))
    totals = _totaliser(raw, carry)
    agg = agg.left_join(totals, ["mn", "factor", "hour"]).select(agg, totals.n_tot_backwards, totals.cou_last)
    agg = agg.mutate(n_cou_backwards=agg.n_cou_negative + ibis.coalesce(agg.n_tot_backwards, 0)).drop(
        "n_cou_negative", "n_tot_backwards")
    return _with_amounts(agg, params)


def _totaliser(t: Any, carry: Any) -> Any:
    """Per (mn, factor, hour) of the real-time totaliser (2011 Cou, a running total where sent): readings
    lower than the one before of the same (mn, factor), and the hour's last value (the next date's
    carry). Only these few rows are ordered, not the whole table."""
    tot = t.filter((t.cn == "2011") & (t.field == "Cou") & ~t.bad_time & t.value.notnull())
    tot = tot.mutate(prev=tot.value.lag().over(ibis.window(group_by=[tot.mn, tot.factor], order_by=tot.data_time)))
    if carry is not None:
        tot = tot.left_join(carry, ["mn", "factor"]).select(tot, carry.cou_prev)
        tot = tot.mutate(prev=ibis.coalesce(tot.prev, tot.cou_prev))
    return tot.group_by(["mn", "factor", "hour"]).aggregate(
        n_tot_backwards=_n(tot.prev.notnull() & (tot.value < tot.prev)),
        cou_last=tot.value.argmax(tot.data_time))


def carry_in(previous_hourly: Any) -> Any:
    """Each (mn, factor)'s last totaliser value of a date's hourly rows: the carry of the next date."""
    t = previous_hourly.filter(previous_hourly.cou_last.notnull())
    return t.group_by(["mn", "factor"]).aggregate(cou_prev=t.cou_last.argmax(t.hour))


def _with_amounts(agg: Any, params: AnalyticsParams) -> Any:
    """Emission amount per hour in kg: the logger's Cou where sent, else concentration × flow × unit factor."""
    flows = agg.filter(agg.factor.isin(list(FLOW_FACTORS.values()))).select(
        mn=_.mn, hour=_.hour, flow=ibis.coalesce(_.hourly_avg, _.avg))
    joined = agg.left_join(flows, ["mn", "hour"]).select(agg, flows.flow)
    conc = ibis.coalesce(joined.hourly_avg, joined.avg)
    per_hour = ibis.cases((joined.factor.startswith("w"), params.kg_per_hour("water")),
                          else_=params.kg_per_hour("air"))
    is_flow = joined.factor.isin(list(FLOW_FACTORS.values()))
    computed = conc * joined.flow * per_hour
    return joined.mutate(
        amount_kg=ibis.cases((is_flow, ibis.null("float64")), else_=ibis.coalesce(joined.cou_sent, computed)),
        amount_source=ibis.cases((is_flow, ibis.null("string")),
                                 (joined.cou_sent.notnull(), "cou"),
                                 (computed.notnull(), "concentration_x_flow"), else_=ibis.null("string")),
        n_zero_flow=ibis.cases(((joined.flow == 0) & (conc > 0) & ~is_flow, 1), else_=0).cast("int64"),
    )


def _is_cou(t: Any) -> Any:
    return ibis.coalesce(t.amount_source, "") == "cou"


def _period(t: Any, key: str, period: Any) -> Any:
    t = t.mutate(**{key: period})
    return t.group_by(["mn", "factor", key]).aggregate(
        **{col: t[col].sum() for col in COUNT_COLUMNS},
        hours=t.count(),
        min=t["min"].min(),
        max=t["max"].max(),
        sum_valid=t.sum_valid.sum(),
        amount_kg=t.amount_kg.sum(),
        amount_hours=t.amount_kg.notnull().cast("int64").sum(),
        unit_note=t.unit_note.max(),
        # the part of the amount the logger sent as Cou (the rest is concentration × flow), so a
        # month's figure can say where it came from
        cou_kg=t.amount_kg.sum(where=_is_cou(t)),
        cou_hours=_n(_is_cou(t)),
    ).mutate(avg=_.sum_valid / ibis.cases((_.n_valid > 0, _.n_valid.cast("float64")), else_=ibis.null("float64")))


def daily(hourly_table: Any) -> Any:
    """Daily roll-up from hourly rows (`hours` = hours with data; `amount_hours` = hours with an amount)."""
    return _period(hourly_table, "day", hourly_table.hour.date())


def monthly(daily_table: Any) -> Any:
    """Monthly roll-up from daily rows: the same sums (`hours` adds the days' hours)."""
    t = daily_table.mutate(hours_in=daily_table.hours)
    t = t.mutate(month=t.day.truncate("M"))
    return t.group_by(["mn", "factor", "month"]).aggregate(
        **{col: t[col].sum() for col in COUNT_COLUMNS},
        hours=t.hours_in.sum(),
        min=t["min"].min(),
        max=t["max"].max(),
        sum_valid=t.sum_valid.sum(),
        amount_kg=t.amount_kg.sum(),
        amount_hours=t.amount_hours.sum(),
        unit_note=t.unit_note.max(),
        cou_kg=t.cou_kg.sum(),
        cou_hours=t.cou_hours.sum(),
    ).mutate(avg=_.sum_valid / ibis.cases((_.n_valid > 0, _.n_valid.cast("float64")), else_=ibis.null("float64")))
