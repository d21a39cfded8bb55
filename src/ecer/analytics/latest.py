"""The latest values: one row per (MN, CN, factor, field) of the series the device page shows — the
newest real-time value (2011 Rtd), minute average (2051 Avg) and hourly average (2061 Avg) — kept by
the roll-up run, so no page or API reads the lake's raw parts.

    rollups/latest.parquet   mn, cn, factor, field, data_time, value, flag, received_at; sorted by mn

Bounded: at most devices × factors × len(SERIES) rows, whatever the number of days stored. A run
(`update`) reads the lake parts of the dates the roll-up just recomputed (the same parts it read) and
keeps, per key, the row with the newest DataTime (then the newest reception) of the old file and the
new rows. So the values are as new as the last roll-up run (`as_of`, shown on the page): every
ECER_ROLLUP_INTERVAL_MINUTES with the scheduler. The file is written under a temporary name and
renamed (readers see the old or the new file, never half of one). Rules: docs/monitoring-analytics.md.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

#: (CN, field) per series of the device page: real-time value, minute average, hourly average.
SERIES = {"realtime": ("2011", "Rtd"), "minute": ("2051", "Avg"), "hourly": ("2061", "Avg")}
FILE = "latest.parquet"
AS_OF_KEY = b"ecer.latest.as_of"  # Parquet metadata: when the run that wrote the file ended (UTC, ISO)
COLUMNS = ["mn", "cn", "factor", "field", "data_time", "value", "flag", "received_at"]
ROW_GROUP = 20_000  # rows; sorted by mn, so a read of one MN opens one row group


def path(data_dir: Path) -> Path:
    from ecer.analytics.store import rollup_dir  # (store imports Ibis: not at import time)

    return rollup_dir(data_dir) / FILE


def _pairs_sql() -> str:
    return " OR ".join(f"(cn = '{cn}' AND field = '{field}')" for cn, field in SERIES.values())


def update(data_dir: Path, dates: Iterable[str], now: dt.datetime | None = None) -> int:
    """Merge the newest values of the lake parts of `dates` into latest.parquet; returns its rows.

    Called by the roll-up run with the dates it recomputed (never by a page)."""
    import duckdb

    from ecer.gateway.lake import _readable, lake_files

    dates = sorted(set(dates))
    target = path(data_dir)
    now = now or dt.datetime.now(dt.UTC)
    lake_root = data_dir / "lake"
    measurements = str(lake_root / "measurements")
    prefixes = tuple(f"{measurements}{os.sep}date={d}{os.sep}" for d in dates)
    files = [f for f in lake_files(lake_root) if f.startswith(prefixes)] if dates else []
    if not files and target.exists():
        _write(pq.read_table(target), target, now)  # nothing new: only the time of the run changes
        return int(pq.read_metadata(target).num_rows)
    try:
        table = _merge(files, target)
    except (duckdb.IOException, duckdb.InvalidInputException):  # a damaged part must not hide the rest
        table = _merge(_readable(files), target)
    if table is None:
        return 0
    _write(table, target, now)
    return int(table.num_rows)


def _merge(files: list[str], target: Path) -> pa.Table | None:
    import duckdb

    con = duckdb.connect()
    sources = []
    if files:
        con.read_parquet(files, union_by_name=True).create_view("parts")
        sources.append(f"SELECT {', '.join(COLUMNS)} FROM parts WHERE {_pairs_sql()}")
    if target.exists():
        con.read_parquet(str(target)).create_view("old")
        sources.append(f"SELECT {', '.join(COLUMNS)} FROM old")
    if not sources:
        return None
    table = con.execute(
        f"SELECT {', '.join(COLUMNS)} FROM ({' UNION ALL '.join(sources)})"
        " QUALIFY row_number() OVER (PARTITION BY mn, cn, factor, field"
        " ORDER BY data_time DESC, received_at DESC NULLS LAST) = 1 ORDER BY mn, factor, cn, field").to_arrow_table()
    return table.read_all() if isinstance(table, pa.RecordBatchReader) else table


def _write(table: pa.Table, target: Path, now: dt.datetime) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".tmp-{target.name}")
    meta = dict(table.schema.metadata or {}) | {AS_OF_KEY: now.astimezone(dt.UTC).isoformat().encode()}
    pq.write_table(table.replace_schema_metadata(meta), tmp, row_group_size=ROW_GROUP, compression="zstd")
    with open(tmp, "rb") as f:
        os.fsync(f.fileno())
    tmp.replace(target)


def read(data_dir: Path, mn: str) -> list[dict[str, Any]]:
    """The latest rows of one MN ([] before any run)."""
    target = path(data_dir)
    if not target.exists():
        return []
    return list(pq.read_table(target, filters=[("mn", "=", mn)]).to_pylist())


def as_of(data_dir: Path) -> dt.datetime | None:
    """When the run that wrote latest.parquet ended (aware, UTC); None before any run."""
    try:
        meta = pq.read_schema(path(data_dir)).metadata or {}
    except (OSError, pa.ArrowException):
        return None
    raw = meta.get(AS_OF_KEY)
    return dt.datetime.fromisoformat(raw.decode()) if raw else None
