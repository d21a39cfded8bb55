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
