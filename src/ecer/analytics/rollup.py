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
    declared unit does not convert: its values are counted (`n_unit_mismatch`), never averaged or summed.

    How (docs/performance.md, "Where the time goes"): the readings are split into three disjoint sets,
    each aggregated with a plain, pushed-down filter instead of some twenty conditional aggregates over
    every reading: the valid real-time readings (nine in ten: count, min, max, sum), the other
    real-time readings (grouped by flag, then pivoted: a few per hour) and everything else (interval
    records: the logger's hourly Avg/ZsAvg/Cou). The three partial rows of an hour are then added up,
    and the unit rules, constant per (mn, factor), are applied to the hour's figures (a positive scale
    commutes with min, max and sums), so no reading is joined."""
    late_ok = ibis.literal(now + dt.timedelta(hours=params.future_tolerance_hours))
    early_ok = ibis.literal(now - dt.timedelta(days=params.max_age_days))
    raw = t.mutate(hour=t.data_time.truncate("h"), bad_time=(t.data_time > late_ok) | (t.data_time < early_ok))
    t = t.select("mn", "factor", "cn", "field", "flag", "value", "data_time")
    rt = (t.cn == "2011") & (t.field == "Rtd")
    valid = t.filter(rt, t.flag == VALID_FLAG, t.value.notnull(), t.data_time <= late_ok, t.data_time >= early_ok)
    valid = valid.group_by(["mn", "factor", valid.data_time.truncate("h").name("hour")]).aggregate(
        n_valid=valid.count(), min=valid.value.min(), max=valid.value.max(), sum_valid=valid.value.sum(),
        n_negative=_n(valid.value < 0))
    # the rest of the real-time readings: invalid flags, no value, bad time (a few in a hundred)
    other = t.filter(rt, t.flag.isnull() | (t.flag != VALID_FLAG) | t.value.isnull()
                     | (t.data_time > late_ok) | (t.data_time < early_ok))
    other = other.group_by(["mn", "factor", other.data_time.truncate("h").name("hour"), "flag",
                            ((other.data_time > late_ok) | (other.data_time < early_ok)).name("bad_time")]).aggregate(
        n=other.count())
    ok = ~other.bad_time
    other = other.group_by(["mn", "factor", "hour"]).aggregate(
        n_readings=other.n.sum(where=ok), n_invalid=other.n.sum(where=ok & (other.flag != VALID_FLAG)),
        **{col: other.n.sum(where=ok & (other.flag == flag)) for flag, col in FLAG_COLUMNS.items()},
        n_bad_time=other.n.sum(where=other.bad_time))
    # every other reading: interval records (the logger's hourly Avg/ZsAvg/Cou) and the real-time
    # totaliser etc., so an hour that has any reading has a row (two filters the Parquet scan applies)
    rec = ibis.union(t.filter(t.cn != "2011"), t.filter(t.cn == "2011", t.field != "Rtd"), distinct=False)
    rec = rec.mutate(ok=(rec.data_time <= late_ok) & (rec.data_time >= early_ok))
    hourly_cn = rec.ok & (rec.cn == "2061")
    # an interval record's Cou is the period's amount: below zero it is flagged, never summed
    interval_cou = rec.ok & rec.cn.isin(list(INTERVAL_CNS)) & (rec.field == "Cou")
    rec = rec.group_by(["mn", "factor", rec.data_time.truncate("h").name("hour")]).aggregate(
        hourly_avg=rec.value.max(where=hourly_cn & (rec.field == "Avg")),
        hourly_zs_avg=rec.value.max(where=hourly_cn & (rec.field == "ZsAvg")),
        cou_sent=rec.value.max(where=hourly_cn & (rec.field == "Cou") & (rec.value >= 0)),
        n_cou_negative=_n(interval_cou & (rec.value < 0)))
    agg = _add_up([valid, other, rec])
    agg = _apply_units(agg, units)
    totals = _totaliser(raw, carry)
    agg = agg.left_join(totals, ["mn", "factor", "hour"]).select(agg, totals.n_tot_backwards, totals.cou_last)
    agg = agg.mutate(n_cou_backwards=agg.n_cou_negative + ibis.coalesce(agg.n_tot_backwards, 0)).drop(
        "n_cou_negative", "n_tot_backwards")
    return _with_amounts(agg, params)


#: The columns of a partial hourly row and how partial rows of one hour add up.
_PARTIAL = {"n_readings": ("int64", "sum"), "n_valid": ("int64", "sum"), "n_invalid": ("int64", "sum"),
            **{col: ("int64", "sum") for col in FLAG_COLUMNS.values()},
            "n_negative": ("int64", "sum"), "n_bad_time": ("int64", "sum"),
            "min": ("float64", "min"), "max": ("float64", "max"), "sum_valid": ("float64", "sum"),
            "hourly_avg": ("float64", "max"), "hourly_zs_avg": ("float64", "max"), "cou_sent": ("float64", "max"),
            "n_cou_negative": ("int64", "sum")}


def _add_up(parts: list[Any]) -> Any:
    """One row per (mn, factor, hour) from partial rows that each carry some of the columns."""
    def full(p: Any) -> Any:
        cols = {}
        for col, (dtype, _how) in _PARTIAL.items():
            if col in p.columns:
                cols[col] = p[col].cast(dtype)
            else:
                cols[col] = ibis.literal(0, dtype) if dtype == "int64" else ibis.null(dtype)
        if "n_valid" in p.columns:  # a valid reading is a reading
            cols["n_readings"] = p.n_valid.cast("int64")
        return p.select("mn", "factor", "hour", **cols)

    u = ibis.union(*[full(p) for p in parts], distinct=False)
    out = u.group_by(["mn", "factor", "hour"]).aggregate(
        **{col: getattr(u[col], how)() for col, (_dtype, how) in _PARTIAL.items()})
    counts = [col for col, (dtype, how) in _PARTIAL.items() if how == "sum" and dtype == "int64"]
    return out.mutate(**{col: ibis.coalesce(out[col], 0) for col in counts})


def _apply_units(agg: Any, units: Any) -> Any:
    """The hour's figures in the reference unit (`units`: mn, factor, unit_scale, unit_note; None: no rules).
    A factor whose declared unit does not convert keeps its counts, and its values are left out."""
    if units is None:
        return agg.mutate(avg=_avg(agg.sum_valid, agg.n_valid), n_unit_mismatch=ibis.literal(0, "int64"),
                          unit_note=ibis.null("string"))
    j = agg.left_join(units, ["mn", "factor"]).select(agg, units.unit_scale, units.unit_note)
    bad = j.unit_note.notnull() & j.unit_scale.isnull()
    scale = ibis.coalesce(j.unit_scale, 1.0)

    def value(col: Any, scaled: bool = True) -> Any:
        return ibis.cases((bad, ibis.null("float64")), else_=col * scale if scaled else col)

    n_valid = ibis.cases((bad, 0), else_=j.n_valid).cast("int64")
    sum_valid = value(j.sum_valid)
    return j.mutate(n_valid=n_valid, n_negative=ibis.cases((bad, 0), else_=j.n_negative).cast("int64"),
                    min=value(j["min"]), max=value(j["max"]), sum_valid=sum_valid, avg=_avg(sum_valid, n_valid),
                    # a Cou is an amount (kg, m³), not in the concentration's unit: never rescaled
                    hourly_avg=value(j.hourly_avg), hourly_zs_avg=value(j.hourly_zs_avg),
                    cou_sent=value(j.cou_sent, scaled=False),
                    n_unit_mismatch=ibis.cases((bad, j.n_readings), else_=0).cast("int64")).drop("unit_scale")


def _avg(total: Any, n: Any) -> Any:
    return total / ibis.cases((n > 0, n.cast("float64")), else_=ibis.null("float64"))


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
    """Emission amount per hour in kg: the logger's Cou where sent, else concentration × flow × unit factor.
    The flow is the same point's flow factor in the same hour (a window over the hourly rows, so the
    hourly rows are computed once, not once more for a self-join)."""
    is_flow = agg.factor.isin(list(FLOW_FACTORS.values()))
    flow = ibis.cases((is_flow, ibis.coalesce(agg.hourly_avg, agg.avg)), else_=ibis.null("float64")).max().over(
        ibis.window(group_by=[agg.mn, agg.hour]))
    joined = agg.mutate(flow=flow)
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
    ).mutate(avg=_avg(_.sum_valid, _.n_valid))


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
    ).mutate(avg=_avg(_.sum_valid, _.n_valid))
