"""Roll-up files and the incremental runner.

Layout under `$ECER_DATA_DIR/rollups/` (docs/monitoring-analytics.md):

    hourly/date=YYYY-MM-DD.parquet    one row per (mn, factor, hour) of that DataTime date
    daily/date=YYYY-MM-DD.parquet     one row per (mn, factor, day)
    monthly/month=YYYY-MM.parquet     one row per (mn, factor, month), from the month's daily files
    units.parquet                     the unit rules of the last run (analytics.units), if any
    state.json                        the lake change number the files reflect, schema, unit rules

A run reads the lake's change log (index.sqlite `changes`: one row per write and date) after the
number in state.json, recomputes the hourly and daily file of each date written since, and the
monthly file of each month those dates fall in. A new day therefore costs one day, and late or
re-sent data correct exactly the dates (and their months) they touch, plus the next date where that
one holds real-time totaliser readings (its first is compared with this date's last: see
`rollup.carry_in`). A change of ROLLUP_SCHEMA_VERSION or of the unit rules (a device's declared
unit changed) makes the next run recompute every date.
Every file is written under a
temporary name and renamed; state.json is replaced last, so a crash means the next run does the same
dates again (the results are the same).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ecer.analytics import rollup
from ecer.analytics import units as unit_rules
from ecer.analytics.params import AnalyticsParams

#: 2: hourly n_cou_backwards, cou_last; 3: n_unit_mismatch, unit_note; 4: daily and monthly cou_kg,
#: cou_hours (the Cou part of the amount). A run that finds state.json of another version recomputes
#: every date once.
ROLLUP_SCHEMA_VERSION = 4


def rollup_dir(data_dir: Path) -> Path:
    return data_dir / "rollups"


class Engine:
    """Where the Ibis expressions run: DuckDB in-process (default) or a Spark session.

    Every input is a Parquet file (the lake's parts, then the hourly and daily files just written),
    never an in-memory table handed over through pandas: a pandas round trip turns the naive
    DataTime into an instant in the process's local time zone (Django sets TZ=Asia/Shanghai), which
    Spark then shifts by eight hours and spreads each day over two dates."""

    name = "duckdb"

    def __init__(self) -> None:
        import ibis

        self.con = ibis.duckdb.connect()

    def read(self, files: list[str]) -> Any:
        return self.con.read_parquet(files)

    def to_arrow(self, expr: Any) -> pa.Table:
        """The result with the expression's own schema (dates stay dates on every engine)."""
        return self.con.to_pyarrow(expr)


class SparkEngine(Engine):
    """The same expressions on Apache Spark (local mode in the tests; a cluster via `spark`)."""

    name = "spark"

    def __init__(self, spark: Any = None) -> None:
        import ibis

        if spark is None:
            from pyspark.sql import SparkSession

            spark = (SparkSession.builder.master("local[1]").appName("ecer-rollups")
                     .config("spark.sql.session.timeZone", "UTC").config("spark.ui.enabled", "false")
                     .getOrCreate())
        self.spark = spark
        self.con = ibis.pyspark.connect(spark)

    def read(self, files: list[str]) -> Any:
        # Spark takes the file list itself (Ibis's read_parquet would turn it into one glob string)
        name = f"t_{time.monotonic_ns()}"
        self.spark.read.parquet(*files).createOrReplaceTempView(name)
        return self.con.table(name)


@dataclass
class RunResult:
    engine: str
    dates: list[str] = field(default_factory=list)
    months: list[str] = field(default_factory=list)
    change_seq: int = 0
    hourly_rows: int = 0
    seconds: float = 0.0


def _lake_changes(lake_root: Path, after: int) -> tuple[int, list[str]]:
    index = lake_root / "index.sqlite"
    if not index.exists():
        return after, []
    db = sqlite3.connect(f"file:{index}?mode=ro", uri=True)
    try:
        rows = db.execute("SELECT seq, date FROM changes WHERE seq > ? ORDER BY seq", (after,)).fetchall()
    finally:
        db.close()
    return (rows[-1][0] if rows else after), sorted({d for _, d in rows})


def _date_files(lake_root: Path, date: str) -> list[str]:
    """The date's committed parts whose footer reads (a damaged part is logged and left out, as the
    lake's readers do, so it cannot stop every later roll-up run)."""
    from ecer.gateway.lake import _readable, lake_files

    prefix = str(lake_root / "measurements" / f"date={date}") + os.sep
    return _readable([f for f in lake_files(lake_root) if f.startswith(prefix)])


def _write_atomic(table: pa.Table, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".tmp-{path.name}")
    table = table.replace_schema_metadata({b"ecer.rollups.schema_version": str(ROLLUP_SCHEMA_VERSION).encode()})
    pq.write_table(table, tmp, compression="zstd")
    with open(tmp, "rb") as f:
        os.fsync(f.fileno())
    tmp.replace(path)


def _read_state(root: Path) -> dict[str, Any]:
    try:
        return dict(json.loads((root / "state.json").read_text()))
    except (OSError, ValueError):
        return {"change_seq": 0}


def _write_state(root: Path, state: dict[str, Any]) -> None:
    root.mkdir(parents=True, exist_ok=True)
    tmp = root / ".tmp-state.json"
    tmp.write_text(json.dumps(state))
    tmp.replace(root / "state.json")


def update(data_dir: Path, engine: Engine | None = None, now: dt.datetime | None = None,
           params: AnalyticsParams | None = None, dates: Iterable[str] | None = None,
           units: Iterable[tuple[str, str, str]] = ()) -> RunResult:
    """Recompute the roll-ups of the dates written since the last run (or of `dates`, if given).

    `now` (logger local time) is the clock that future/far-past readings are judged against;
    `units` the registry's declared units (mn, factor, unit code)."""
    started = time.perf_counter()
    engine = engine or Engine()
    params = params or AnalyticsParams()
    now = now or (dt.datetime.now(dt.UTC) + dt.timedelta(hours=8)).replace(tzinfo=None)
    lake_root, root = data_dir / "lake", rollup_dir(data_dir)
    state = _read_state(root)
    rules = unit_rules.rules(units, params)
    digest = unit_rules.digest(rules)
    same = state.get("schema_version") == ROLLUP_SCHEMA_VERSION and state.get("units") == digest
    after = int(state.get("change_seq", 0)) if same else 0
    units_table = _write_unit_rules(engine, root, rules)
    seq, changed = _lake_changes(lake_root, after)
    todo = _with_followers(root, sorted(set(dates)) if dates is not None else changed)
    result = RunResult(engine.name, change_seq=seq)
    for date in todo:
        result.hourly_rows += _roll_date(engine, lake_root, root, date, now, params, units_table)
        result.dates.append(date)
    for month in sorted({d[:7] for d in todo}):
        _roll_month(engine, root, month)
        result.months.append(month)
    if dates is None:
        _write_state(root, {"change_seq": seq, "schema_version": ROLLUP_SCHEMA_VERSION, "units": digest})
    result.seconds = time.perf_counter() - started
    return result


def _next_date(date: str) -> str:
    return (dt.date.fromisoformat(date) + dt.timedelta(days=1)).isoformat()


def _has_totaliser(hourly_path: Path, older_schema: bool = True) -> bool:
    """Whether a date's hourly file holds real-time totaliser readings (so the next date's flags depend
    on it); `older_schema` is the answer for a file written before the column existed."""
    if not hourly_path.exists():
        return False
    if "cou_last" not in pq.read_schema(hourly_path).names:
        return older_schema
    col = pq.read_table(hourly_path, columns=["cou_last"]).column("cou_last")
    return bool(col.null_count < len(col))


def _with_followers(root: Path, dates: list[str]) -> list[str]:
    """`dates` and, for each, the next date when that one's totaliser check reads this one's last value."""
    nxt = {_next_date(d) for d in dates}
    return sorted(set(dates) | {d for d in nxt if _has_totaliser(root / "hourly" / f"date={d}.parquet")})


def _write_unit_rules(engine: Engine, root: Path, rules: list[unit_rules.UnitRule]) -> Any:
    """The rules as a Parquet file the engine reads (None when there are none: no join at all)."""
    path = root / "units.parquet"
    if not rules:
        path.unlink(missing_ok=True)
        return None
    table = pa.table({"mn": [r.mn for r in rules], "factor": [r.factor for r in rules],
                      "unit_scale": pa.array([r.scale for r in rules], pa.float64()),
                      "unit_note": [r.note for r in rules]})
    _write_atomic(table, path)
    return engine.read([str(path)])


def _roll_date(engine: Engine, lake_root: Path, root: Path, date: str, now: dt.datetime,
               params: AnalyticsParams, units: Any = None) -> int:
    files = _date_files(lake_root, date)
    hourly_path, daily_path = root / "hourly" / f"date={date}.parquet", root / "daily" / f"date={date}.parquet"
    if not files:
        hourly_path.unlink(missing_ok=True)
        daily_path.unlink(missing_ok=True)
        return 0
    previous = root / "hourly" / f"date={(dt.date.fromisoformat(date) - dt.timedelta(days=1)).isoformat()}.parquet"
    carry = rollup.carry_in(engine.read([str(previous)])) if _has_totaliser(previous, False) else None
    expr = rollup.hourly(engine.read(files), now, params, carry, units)
    hourly = engine.to_arrow(expr.order_by(["mn", "factor", "hour"]))
    _write_atomic(hourly, hourly_path)
    daily = engine.to_arrow(rollup.daily(engine.read([str(hourly_path)])).order_by(["mn", "factor", "day"]))
    _write_atomic(daily, daily_path)
    return int(hourly.num_rows)


def _roll_month(engine: Engine, root: Path, month: str) -> None:
    files = sorted(str(p) for p in (root / "daily").glob(f"date={month}-*.parquet"))
    path = root / "monthly" / f"month={month}.parquet"
    if not files:
        path.unlink(missing_ok=True)
        return
    _write_atomic(engine.to_arrow(rollup.monthly(engine.read(files)).order_by(["mn", "factor", "month"])), path)
