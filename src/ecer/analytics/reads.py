"""Reading the roll-up files (what pages and the API show; never the raw lake parts)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from ecer.analytics.store import rollup_dir

PERIODS = {"hourly": ("hourly", "date", "hour"), "daily": ("daily", "date", "day"),
           "monthly": ("monthly", "month", "month")}


def _files(data_dir: Path, period: str, start: dt.date, end: dt.date) -> list[str]:
    sub, prefix, _ = PERIODS[period]
    lo, hi = (start.isoformat(), end.isoformat()) if prefix == "date" else (start.isoformat()[:7], end.isoformat()[:7])
    out = []
    for path in sorted((rollup_dir(data_dir) / sub).glob(f"{prefix}=*.parquet")):
        stamp = path.stem.split("=", 1)[1]
        if lo <= stamp <= hi:
            out.append(str(path))
    return out


def rows(data_dir: Path, period: str, start: dt.date, end: dt.date, mns: list[str] | None = None,
         factors: list[str] | None = None, columns: str = "*") -> list[dict[str, Any]]:
    """Roll-up rows of `period` (hourly|daily|monthly) for DataTime dates in [start, end]."""
    import duckdb

    files = _files(data_dir, period, start, end)
    if not files:
        return []
    time_col = PERIODS[period][2]
    con = duckdb.connect()
    con.read_parquet(files, union_by_name=True).create_view("r")
    where, args = [], []
    if mns is not None:
        where.append("mn IN (SELECT unnest(?::VARCHAR[]))")
        args.append(mns)
    if factors is not None:
        where.append("factor IN (SELECT unnest(?::VARCHAR[]))")
        args.append(factors)
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    cur = con.execute(f"SELECT {columns} FROM r {clause} ORDER BY mn, factor, {time_col}", args)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


# The judged hourly average of an hourly row: the oxygen-corrected one (ZsAvg) where the logger sent
# it, else its hourly average (2061 Avg); rows with neither are not judged (the mean of real-time
# values is not an hourly average the logger reported).
_JUDGED = "coalesce(hourly_zs_avg, hourly_avg)"


def hourly_outside(data_dir: Path, since: dt.datetime, limits: list[tuple[str, str, float | None, float]],
                   count_only: bool = False, limit_rows: int = 20) -> list[dict[str, Any]]:
    """Hourly averages (ZsAvg, else Avg) from `since` (logger local time) on, outside the permitted
    range of `limits` — (mn, factor, lower or None, upper) — from the hourly roll-ups of the dates
    from `since` to today (a fixed number of files, whatever the days stored).

    `count_only`: one row per MN (`mn`, `n`); else the rows (`mn`, `factor`, `hour`, `value`,
    `basis` ZsAvg|Avg, `lo`, `lim`), newest first, at most `limit_rows`."""
    import duckdb

    if not limits:
        return []
    files = _files(data_dir, "hourly", since.date(), dt.date.max)
    if not files:
        return []
    con = duckdb.connect()
    con.read_parquet(files, union_by_name=True).create_view("r")
    con.register("l", _limits_table(limits))
    outside = f"(({_JUDGED}) > l.lim OR (l.lo IS NOT NULL AND ({_JUDGED}) < l.lo))"
    base = f"FROM r JOIN l ON r.mn = l.mn AND r.factor = l.factor WHERE r.hour >= ? AND {outside}"
    if count_only:
        sql, args = f"SELECT r.mn, count(*) AS n {base} GROUP BY r.mn", [since]
    else:
        sql = (f"SELECT r.mn, r.factor, r.hour, {_JUDGED} AS value,"
               " CASE WHEN hourly_zs_avg IS NOT NULL THEN 'ZsAvg' ELSE 'Avg' END AS basis, l.lo, l.lim"
               f" {base} ORDER BY r.hour DESC, r.factor LIMIT ?")
        args = [since, limit_rows]
    cur = con.execute(sql, args)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]


def _limits_table(limits: list[tuple[str, str, float | None, float]]) -> Any:
    import pyarrow as pa

    return pa.table({"mn": [x[0] for x in limits], "factor": [x[1] for x in limits],
                     "lo": pa.array([x[2] for x in limits], pa.float64()),
                     "lim": pa.array([x[3] for x in limits], pa.float64())})


def lake_changed(data_dir: Path) -> bool:
    """Whether the lake under `data_dir` has recorded a write (a row in index.sqlite's change log),
    without opening a part file."""
    import sqlite3

    index = data_dir / "lake" / "index.sqlite"
    if not index.exists():
        return False
    try:
        db = sqlite3.connect(f"file:{index}?mode=ro", uri=True)
        try:
            return db.execute("SELECT 1 FROM changes LIMIT 1").fetchone() is not None
        finally:
            db.close()
    except sqlite3.Error:  # an index being created, or from before the change log
        return False
