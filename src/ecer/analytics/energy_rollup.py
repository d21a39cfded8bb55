"""The energy lake (online energy monitoring, issue 11) and its roll-ups, in Ibis on DuckDB.

The database stays the system of record of the uploads (`ecer.energy.models`: all-or-nothing,
idempotent, a stored reading never changes — these need its transactions and unique keys). The lake
is the analytic copy for province-scale roll-ups, next to the monitoring lake, with its conventions
(docs/energy-monitoring.md, "Lake and roll-ups"):

    energy/intervals/date=YYYY-MM-DD/part-<batch>.parquet   accepted interval consumption, by local date
    energy/index.sqlite                                      change log: (seq, batch, date, rows)
    rollups/energy/daily/date=YYYY-MM-DD.parquet             per (enterprise, energy type, unit, enthalpy, day)
    rollups/energy/monthly/month=YYYY-MM.parquet             the same per month, from the month's daily files
    rollups/energy/state.json                                the change seq and factor digest they reflect

A *batch* is a set of committed uploads claimed in the database (`EnergyUpload.lake_batch`) and
written here by `write_batch` (`ecer.services.energy_lake`, run by the scheduled roll-up job): one
part per local date, each under a `.tmp-` name, fsynced and renamed; then ONE SQLite transaction logs
the batch's dates. A crash before that leaves the batch unlogged, and the next run writes the same
parts again under the same names (same rows: no doubling). `update` recomputes the daily file of each
date logged since its last run and the monthly file of each month they fall in; a change of the
factor rows (a coal rate configured, a catalog update) recomputes every date.

tce: quantity (the point's unit) × the factor row of (energy type, unit, enthalpy, year), on the
calorific basis and, where the year's coal rate is known, the coal-equivalent one (null otherwise,
never guessed). The factor rows come from the catalog (`ecer.catalogs.energy_units`) through the
service, so this module holds no factor.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ecer.gateway.segments import fsync_dir

SCHEMA = pa.schema([
    ("enterprise", pa.string()),  # unified social credit code
    ("point", pa.string()),
    ("energy_type", pa.string()),
    ("unit", pa.string()),
    ("enthalpy_gj_per_t", pa.float64()),
    ("start", pa.timestamp("us", tz="UTC")),
    ("local_date", pa.date32()),
    ("value", pa.float64()),
    ("source", pa.string()),  # measured | spread
    ("upload", pa.int64()),  # EnergyUpload id in the system of record
])
#: 1: daily/monthly quantity, intervals, spread, calorific_tce, coal_equivalent_tce
ENERGY_ROLLUP_SCHEMA_VERSION = 1
KEYS = ["enterprise", "energy_type", "unit", "enthalpy_gj_per_t"]


def lake_root(data_dir: Path) -> Path:
    return data_dir / "energy"


def intervals_dir(data_dir: Path) -> Path:
    return lake_root(data_dir) / "intervals"


def rollup_root(data_dir: Path) -> Path:
    return data_dir / "rollups" / "energy"


@dataclass(frozen=True)
class FactorRow:
    """tce per unit of quantity of one (energy type, unit, enthalpy) in one year, on both bases
    (`coal_equivalent` None: the year has no coal rate)."""

    energy_type: str
    unit: str
    enthalpy_gj_per_t: float | None
    year: int
    calorific: float
    coal_equivalent: float | None


@dataclass(frozen=True)
class FactorRows:
    rows: list[FactorRow]

    def digest(self) -> str:
        text = json.dumps(sorted([r.energy_type, r.unit, r.enthalpy_gj_per_t or 0.0, r.year, r.calorific,
                                  r.coal_equivalent] for r in self.rows))
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def table(self) -> pa.Table:
        return pa.table({
            "f_energy_type": [r.energy_type for r in self.rows], "f_unit": [r.unit for r in self.rows],
            "f_enthalpy": pa.array([r.enthalpy_gj_per_t or 0.0 for r in self.rows], pa.float64()),
            "f_year": pa.array([r.year for r in self.rows], pa.int32()),
            "f_calorific": pa.array([r.calorific for r in self.rows], pa.float64()),
            "f_coal_equivalent": pa.array([r.coal_equivalent for r in self.rows], pa.float64())})


# --- the lake -------------------------------------------------------------------------------------


def _index(data_dir: Path) -> sqlite3.Connection:
    root = lake_root(data_dir)
    root.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(root / "index.sqlite", isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE IF NOT EXISTS changes (seq INTEGER PRIMARY KEY AUTOINCREMENT, batch INTEGER, "
               "date TEXT, rows INTEGER)")
    return db


def _write_atomic(table: pa.Table, path: Path, metadata: dict[bytes, bytes] | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".tmp-{path.name}")
    if metadata:
        table = table.replace_schema_metadata(metadata)
    pq.write_table(table, tmp, compression="zstd")
    with open(tmp, "rb") as f:
        os.fsync(f.fileno())
    tmp.replace(path)
    fsync_dir(path.parent)


def logged_batches(data_dir: Path) -> set[int]:
    """The batches whose parts are all written (logged in index.sqlite)."""
    if not (lake_root(data_dir) / "index.sqlite").exists():
        return set()
    db = _index(data_dir)
    try:
        return {b for (b,) in db.execute("SELECT DISTINCT batch FROM changes")}
    finally:
        db.close()


def write_batch(data_dir: Path, batch: int, rows: pa.Table) -> list[str]:
    """Write one batch's interval rows (SCHEMA) as one part per local date, then log them. Writing the
    same batch again replaces its parts (same names): a crash between parts and log is repaired by
    writing the batch again. Returns the dates written."""
    rows = rows.cast(SCHEMA)
    dates = sorted({d.isoformat() for d in rows.column("local_date").to_pylist()})
    import pyarrow.compute as pc

    for date in dates:
        part = rows.filter(pc.equal(rows.column("local_date"), pa.scalar(dt.date.fromisoformat(date), pa.date32())))
        _write_atomic(part.sort_by([("enterprise", "ascending"), ("point", "ascending"), ("start", "ascending")]),
                      intervals_dir(data_dir) / f"date={date}" / f"part-{batch:09d}.parquet")
    db = _index(data_dir)
    try:
        db.execute("BEGIN IMMEDIATE")
        db.execute("DELETE FROM changes WHERE batch = ?", (batch,))
        db.executemany("INSERT INTO changes (batch, date, rows) VALUES (?, ?, ?)",
                       [(batch, d, 0) for d in dates] or [(batch, "", 0)])
        db.execute("COMMIT")
    finally:
        db.close()
    return dates


def _changes(data_dir: Path, after: int) -> tuple[int, list[str]]:
    if not (lake_root(data_dir) / "index.sqlite").exists():
        return after, []
    db = _index(data_dir)
    try:
        rows = db.execute("SELECT seq, date FROM changes WHERE seq > ? ORDER BY seq", (after,)).fetchall()
    finally:
        db.close()
    return (rows[-1][0] if rows else after), sorted({d for _, d in rows if d})


def lake_dates(data_dir: Path) -> list[str]:
    return sorted(p.name.split("=", 1)[1] for p in intervals_dir(data_dir).glob("date=*") if p.is_dir())


def _date_files(data_dir: Path, date: str) -> list[str]:
    folder = intervals_dir(data_dir) / f"date={date}"
    return sorted(str(p) for p in folder.glob("part-*.parquet"))


# --- the roll-ups (Ibis) --------------------------------------------------------------------------


def daily(intervals: Any, factors: Any) -> Any:
    """Per (enterprise, energy type, unit, enthalpy, local date): Σ quantity, intervals, spread ones, tce."""
    import ibis

    t = intervals.mutate(enthalpy_key=ibis.coalesce(intervals.enthalpy_gj_per_t, 0.0))
    agg = t.group_by([*KEYS[:3], "enthalpy_key", "local_date"]).aggregate(
        enthalpy_gj_per_t=t.enthalpy_gj_per_t.max(), quantity=t.value.sum(), intervals=t.count(),
        spread=(t.source == "spread").cast("int64").sum())
    agg = agg.mutate(year=agg.local_date.year().cast("int32"))
    joined = agg.left_join(factors, [agg.energy_type == factors.f_energy_type, agg.unit == factors.f_unit,
                                     agg.enthalpy_key == factors.f_enthalpy, agg.year == factors.f_year])
    return joined.select(
        "enterprise", "energy_type", "unit", "enthalpy_gj_per_t", day=joined.local_date, quantity=joined.quantity,
        intervals=joined.intervals, spread=joined.spread,
        calorific_tce=joined.quantity * joined.f_calorific,
        coal_equivalent_tce=joined.quantity * joined.f_coal_equivalent)


def monthly(daily_table: Any) -> Any:
    """The daily rows summed per calendar month (the sum of its days, as `ecer.core.energy_rollup`)."""
    import ibis

    t = daily_table.mutate(month=daily_table.day.truncate("M"),
                           enthalpy_key=ibis.coalesce(daily_table.enthalpy_gj_per_t, 0.0))
    return t.group_by([*KEYS[:3], "enthalpy_key", "month"]).aggregate(
        enthalpy_gj_per_t=t.enthalpy_gj_per_t.max(), quantity=t.quantity.sum(), intervals=t.intervals.sum(),
        spread=t.spread.sum(), days=t.count(), calorific_tce=t.calorific_tce.sum(),
        # a month with a day lacking its coal-equivalent factor has none (never a partial sum)
        coal_equivalent_tce=ibis.cases((t.coal_equivalent_tce.count() == t.count(), t.coal_equivalent_tce.sum()),
                                       else_=ibis.null("float64"))).drop("enthalpy_key")


@dataclass
class EnergyRunResult:
    dates: list[str] = field(default_factory=list)
    months: list[str] = field(default_factory=list)
    change_seq: int = 0
    daily_rows: int = 0
    seconds: float = 0.0


def _read_state(root: Path) -> dict[str, Any]:
    try:
        return dict(json.loads((root / "state.json").read_text()))
    except (OSError, ValueError):
        return {"change_seq": 0}


def _roll_dates(con: Any, data_dir: Path, root: Path, dates: list[str], factor_table: Any,
                meta: dict[bytes, bytes]) -> int:
    """The daily files of `dates` from one query over their parts, split by day; a date without parts
    loses its daily file."""
    import numpy as np

    files = {d: _date_files(data_dir, d) for d in dates}
    for d in dates:
        if not files[d]:
            (root / "daily" / f"date={d}.parquet").unlink(missing_ok=True)
    todo = [d for d in dates if files[d]]
    if not todo:
        return 0
    expr = daily(con.read_parquet([f for d in todo for f in files[d]]), factor_table).order_by(["day", *KEYS])
    table = con.to_pyarrow(expr)
    days = table.column("day").cast(pa.int32()).to_numpy()
    for d in todo:
        n = (dt.date.fromisoformat(d) - dt.date(1970, 1, 1)).days
        lo, hi = np.searchsorted(days, n, "left"), np.searchsorted(days, n, "right")
        _write_atomic(table.slice(int(lo), int(hi - lo)), root / "daily" / f"date={d}.parquet", meta)
    return int(table.num_rows)


def update(data_dir: Path, factors: FactorRows, dates: list[str] | None = None) -> EnergyRunResult:
    """Recompute the energy roll-ups of the dates logged since the last run (every date when the factor
    rows or the schema changed; only `dates` if given), on DuckDB."""
    import ibis

    started = time.perf_counter()
    root = rollup_root(data_dir)
    state = _read_state(root)
    digest = factors.digest()
    same = state.get("schema_version") == ENERGY_ROLLUP_SCHEMA_VERSION and state.get("factors") == digest
    seq, changed = _changes(data_dir, int(state.get("change_seq", 0)) if same else 0)
    todo = sorted(set(dates)) if dates is not None else (changed if same else lake_dates(data_dir))
    con = ibis.duckdb.connect()
    con.raw_sql("SET threads TO 2")
    factor_table = ibis.memtable(factors.table())
    meta = {b"ecer.energy_rollups.schema_version": str(ENERGY_ROLLUP_SCHEMA_VERSION).encode()}
    result = EnergyRunResult(change_seq=seq)
    # one query per month of dates to do (not one per date: the fixed cost of a query is paid per month)
    for month in sorted({d[:7] for d in todo}):
        of_month = [d for d in todo if d[:7] == month]
        result.daily_rows += _roll_dates(con, data_dir, root, of_month, factor_table, meta)
        result.dates += of_month
    for month in sorted({d[:7] for d in todo}):
        files = sorted(str(p) for p in (root / "daily").glob(f"date={month}-*.parquet"))
        path = root / "monthly" / f"month={month}.parquet"
        if not files:
            path.unlink(missing_ok=True)
            continue
        _write_atomic(con.to_pyarrow(monthly(con.read_parquet(files)).order_by([*KEYS, "month"])), path, meta)
        result.months.append(month)
    if dates is None:
        root.mkdir(parents=True, exist_ok=True)
        tmp = root / ".tmp-state.json"
        tmp.write_text(json.dumps({"change_seq": seq, "schema_version": ENERGY_ROLLUP_SCHEMA_VERSION,
                                   "factors": digest}))
        tmp.replace(root / "state.json")
    result.seconds = time.perf_counter() - started
    return result


def monthly_rows(data_dir: Path, months: list[str] | None = None,
                 enterprises: list[str] | None = None) -> list[dict[str, Any]]:
    """Monthly roll-up rows (per enterprise, energy type, unit, enthalpy), optionally of some months
    ('YYYY-MM') and enterprises."""
    import duckdb

    files = sorted(str(p) for p in (rollup_root(data_dir) / "monthly").glob("month=*.parquet")
                   if months is None or p.stem.split("=", 1)[1] in months)
    if not files:
        return []
    con = duckdb.connect()
    con.read_parquet(files).create_view("m")
    where, args = "", []
    if enterprises is not None:
        where, args = "WHERE enterprise IN (SELECT unnest(?::VARCHAR[]))", [enterprises]
    cur = con.execute(f"SELECT * FROM m {where} ORDER BY enterprise, month, energy_type, unit", args)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]
