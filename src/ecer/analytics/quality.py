"""Data-quality figures from the roll-ups (rules in docs/monitoring-analytics.md).

Per point (MN) and day or month:
- transmission rate = real-time readings received ÷ expected (period seconds ÷ upload interval),
  received counted on the point's most complete factor (a packet carries every factor), capped at 1;
- valid-data rate = valid readings (flag N) ÷ readings received, over all factors;
- gaps = hours of the period without any reading (of the days that have data);
- stuck values = runs of at least `stuck_hours` consecutive hours whose valid min equals max and
  equals the previous hour's (a sensor frozen on one number);
- negative readings, readings with a future or far-past DataTime, hours with zero flow but a
  concentration, cumulative values going backwards (a real-time totaliser below its previous value,
  an interval Cou below zero), real-time readings of a factor whose declared unit does not convert
  to the factor's unit (with the reason): counted from the roll-up columns.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ecer.analytics.params import AnalyticsParams
from ecer.analytics.store import rollup_dir


@dataclass(frozen=True)
class Quality:
    mn: str
    period: str  # YYYY-MM-DD or YYYY-MM
    expected: int
    received: int
    valid: int
    readings: int  # over all factors
    transmission_rate: float
    valid_rate: float | None
    gap_hours: int
    stuck_runs: int
    negative: int
    bad_time: int
    zero_flow_hours: int
    cou_backwards: int
    unit_mismatch: int
    unit_notes: tuple[str, ...]  # the reasons: declared unit, expected unit, converted or left out
    flags: dict[str, int]


def _sql(con: Any, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    cur = con.execute(sql, params)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def quality(data_dir: Path, start: dt.date, end: dt.date, mns: list[str] | None = None,
            params: AnalyticsParams | None = None, by: str = "month") -> list[Quality]:
    """Quality per MN and month (`by="month"`) or day (`by="day"`) for DataTime dates in [start, end]."""
    import duckdb

    params = params or AnalyticsParams()
    files = _hourly_files(data_dir, start, end)
    if not files:
        return []
    con = duckdb.connect()
    con.read_parquet(files).create_view("hourly")
    key = "strftime(hour, '%Y-%m')" if by == "month" else "strftime(hour, '%Y-%m-%d')"
    where = "WHERE mn IN (SELECT unnest(?::VARCHAR[]))" if mns is not None else ""
    args: list[Any] = [mns] if mns is not None else []
    per_factor = _sql(con, f"""
        SELECT mn, {key} AS period, factor, sum(n_readings) AS n, sum(n_valid) AS v, sum(n_negative) AS neg,
               sum(n_bad_time) AS bad, sum(n_zero_flow) AS zf, sum(n_cou_backwards) AS cb,
               sum(n_unit_mismatch) AS um, max(unit_note) AS note, count(DISTINCT CAST(hour AS DATE)) AS days,
               count(*) FILTER (WHERE n_readings > 0) AS hours_with,
               sum(n_flag_f) AS f, sum(n_flag_m) AS m, sum(n_flag_s) AS s, sum(n_flag_d) AS d,
               sum(n_flag_c) AS c, sum(n_flag_t) AS t, sum(n_flag_b) AS b
        FROM hourly {where} GROUP BY ALL ORDER BY mn, period, factor""", args)
    stuck = _stuck_runs(con, key, where, args, params.stuck_hours)
    out: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in per_factor:
        out.setdefault((row["mn"], row["period"]), []).append(row)
    return [_combine(mn, period, rows, stuck.get((mn, period), 0), params, by) for (mn, period), rows in out.items()]


def _combine(mn: str, period: str, rows: list[dict[str, Any]], stuck: int, params: AnalyticsParams,
             by: str) -> Quality:
    seconds = 86400 * (_days_in_month(period) if by == "month" else 1)
    expected = seconds // params.upload_interval_s
    received = max(int(r["n"]) for r in rows)
    readings, valid = sum(int(r["n"]) for r in rows), sum(int(r["v"]) for r in rows)
    hours = max(int(r["hours_with"]) for r in rows)
    flags = {f.upper(): sum(int(r[f]) for r in rows) for f in "fmsdctb"}
    return Quality(mn, period, expected, received, valid, readings, min(1.0, received / expected),
                   valid / readings if readings else None, seconds // 3600 - hours, stuck,
                   sum(int(r["neg"]) for r in rows), sum(int(r["bad"]) for r in rows),
                   sum(int(r["zf"]) for r in rows), sum(int(r["cb"]) for r in rows),
                   sum(int(r["um"]) for r in rows), tuple(sorted({r["note"] for r in rows if r["note"]})), flags)


def _stuck_runs(con: Any, key: str, where: str, args: list[Any], hours: int) -> dict[tuple[str, str], int]:
    rows = _sql(con, f"""
        WITH h AS (SELECT mn, factor, hour, {key} AS period,
                          (n_valid > 0 AND "min" = "max" AND "min" = lag("min") OVER w
                           AND hour = lag(hour) OVER w + INTERVAL 1 HOUR) AS same
                   FROM hourly {where} WINDOW w AS (PARTITION BY mn, factor ORDER BY hour)),
             g AS (SELECT *, sum(CASE WHEN same THEN 0 ELSE 1 END) OVER (PARTITION BY mn, factor ORDER BY hour) AS grp
                   FROM h),
             runs AS (SELECT mn, factor, min(period) AS period, count(*) AS len FROM g GROUP BY mn, factor, grp)
        SELECT mn, period, count(*) AS n FROM runs WHERE len >= ? GROUP BY mn, period""", [*args, hours])
    return {(r["mn"], r["period"]): int(r["n"]) for r in rows}


def _days_in_month(period: str) -> int:
    year, month = int(period[:4]), int(period[5:7])
    nxt = dt.date(year + month // 12, month % 12 + 1, 1)
    return (nxt - dt.date(year, month, 1)).days


def _hourly_files(data_dir: Path, start: dt.date, end: dt.date) -> list[str]:
    root = rollup_dir(data_dir) / "hourly"
    files = []
    for path in sorted(root.glob("date=*.parquet")):
        day = dt.date.fromisoformat(path.stem.removeprefix("date="))
        if start <= day <= end:
            files.append(str(path))
    return files


@dataclass(frozen=True)
class Rates:
    """Transmission and valid-data counts of one point and month, as `quality` counts them (received on
    the point's most complete factor; valid and readings over all factors), taken from the monthly
    roll-up instead of the hourly files: twelve small files for a year instead of 365."""

    mn: str
    period: str  # YYYY-MM
    expected: int
    received: int
    valid: int
    readings: int

    @property
    def transmission_rate(self) -> float:
        return min(1.0, self.received / self.expected) if self.expected else 0.0

    @property
    def valid_rate(self) -> float | None:
        return self.valid / self.readings if self.readings else None


def monthly_rates(monthly_rows: list[dict[str, Any]], params: AnalyticsParams | None = None) -> list[Rates]:
    """`Rates` per (MN, month) from monthly roll-up rows (columns mn, month, n_readings, n_valid)."""
    params = params or AnalyticsParams()
    per: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in monthly_rows:
        per.setdefault((r["mn"], r["month"].isoformat()[:7]), []).append(r)
    out = []
    for (mn, period), rows in sorted(per.items()):
        expected = 86400 * _days_in_month(period) // params.upload_interval_s
        out.append(Rates(mn, period, expected, max(int(r["n_readings"]) for r in rows),
                         sum(int(r["n_valid"]) for r in rows), sum(int(r["n_readings"]) for r in rows)))
    return out
