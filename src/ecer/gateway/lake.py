"""The monitoring lake: measurements as Parquet, partitioned by date, written exactly once per key.

Layout under `<data-dir>/lake/`:

    measurements/date=YYYY-MM-DD/part-<wal-seq>-<n>.parquet   the data (DataTime is logger local time)
    index.sqlite                                              dedup index, part list, WAL checkpoint

Idempotence key: (MN, CN, DataTime, factor, field). A batch of WAL records becomes Parquet files
first (written to a temporary name, fsynced, renamed, directory fsynced); then ONE SQLite
transaction inserts the batch's keys, registers the part files and advances the WAL checkpoint.
A crash before that commit leaves part files that are not registered: `Lake()` deletes them on open
and the WAL replay (records above the checkpoint) writes them again. A crash after the commit is
covered by the checkpoint: those records are not replayed, and if they were (checkpoint lost), the
index filters every key already present. Either way each key is in the lake exactly once.

The index keeps keys whose DataTime is within `dedup_window_days` of the newest data seen (loggers
re-send hours or days of history after an outage); older keys are pruned to bound its size, and a
row older than the window is checked against the Parquet partition of its date with DuckDB instead
(exact, just slower). If index.sqlite is lost, it is rebuilt from the Parquet files on open.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import logging
import os
import sqlite3
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ecer.gateway.segments import fsync_dir

log = logging.getLogger(__name__)

SCHEMA = pa.schema([
    ("mn", pa.string()),
    ("st", pa.string()),
    ("cn", pa.string()),
    ("data_time", pa.timestamp("ms")),
    ("factor", pa.string()),
    ("field", pa.string()),
    ("value", pa.float64()),
    ("value_text", pa.string()),
    ("flag", pa.string()),
    ("received_at", pa.timestamp("ms", tz="UTC")),
    ("wal_seq", pa.int64()),
    ("factor_sent", pa.string()),  # the code as the device sent it (2005 codes differ)
])
DEFAULT_DEDUP_WINDOW_DAYS = 7


@dataclass(frozen=True, slots=True)
class LakeRow:
    mn: str
    st: str
    cn: str
    data_time: dt.datetime  # naive, logger local time
    factor: str
    field: str
    value: float | None
    value_text: str
    flag: str
    received_at: dt.datetime  # aware, UTC
    wal_seq: int
    factor_sent: str

    @property
    def key(self) -> tuple[str, str, str, str, str]:
        return (self.mn, self.cn, self.data_time.isoformat(sep=" "), self.factor, self.field)


def committed_parts(measurements: Path, pattern: str = "date=*") -> list[Path]:
    """Part files under the date directories matching `pattern`, without the `.tmp-*` names a write
    starts with (pathlib's `*` matches dot files, so `*.parquet` alone would include them)."""
    return sorted(p for p in measurements.glob(f"{pattern}/*.parquet") if not p.name.startswith("."))


class Lake:
    def __init__(self, root: Path, dedup_window_days: int = DEFAULT_DEDUP_WINDOW_DAYS, instance: str = "") -> None:
        # Several gateway processes (SO_REUSEPORT) may feed one lake, each from its own WAL: each has
        # its own checkpoint and part-name prefix, and writes are serialised by an exclusive flock on
        # `write.lock` (dedup check, part files and index commit as one step across processes).
        self.root = root
        self.instance = instance
        self.dir = root / "measurements"
        self.dir.mkdir(parents=True, exist_ok=True)
        self._write_lock = os.open(root / "write.lock", os.O_RDWR | os.O_CREAT, 0o600)
        self.dedup_window = dt.timedelta(days=dedup_window_days)
        index_path = root / "index.sqlite"
        fresh = not index_path.exists()
        self.db = sqlite3.connect(index_path, check_same_thread=False, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.executescript("""
            CREATE TABLE IF NOT EXISTS keys (mn TEXT, cn TEXT, data_time TEXT, factor TEXT, field TEXT,
                PRIMARY KEY (mn, cn, data_time, factor, field)) WITHOUT ROWID;
            CREATE INDEX IF NOT EXISTS keys_time ON keys (data_time);
            CREATE TABLE IF NOT EXISTS parts (name TEXT PRIMARY KEY) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT) WITHOUT ROWID;
        """)
        with self._locked():
            if fresh and committed_parts(self.dir):
                self._rebuild_index()
            self._remove_orphans()

    # -- state -------------------------------------------------------------------------------
    @property
    def checkpoint(self) -> int:
        """Highest WAL sequence number whose rows are committed to the lake."""
        row = self.db.execute("SELECT v FROM meta WHERE k=?", (self._checkpoint_key,)).fetchone()
        return int(row[0]) if row else 0

    @property
    def _checkpoint_key(self) -> str:
        return f"checkpoint:{self.instance}" if self.instance else "checkpoint"

    def _locked(self) -> _FileLock:
        return _FileLock(self._write_lock)

    def _remove_orphans(self) -> None:
        registered = {name for (name,) in self.db.execute("SELECT name FROM parts")}
        removed = False
        # a set: a `.tmp-*.parquet` leftover of a crashed write matches both patterns
        for path in {*self.dir.glob("*/*.parquet"), *self.dir.glob("*/.tmp-*")}:
            if str(path.relative_to(self.dir)) not in registered:
                path.unlink()
                removed = True
        if removed:
            fsync_dir(self.dir)

    def _rebuild_index(self) -> None:
        import duckdb

        parts = committed_parts(self.dir)
        found = duckdb.connect().execute(
            "SELECT DISTINCT mn, cn, data_time, factor, field FROM read_parquet(?)", [[str(p) for p in parts]]
        ).fetchall()
        with _Transaction(self.db):
            self.db.executemany("INSERT OR IGNORE INTO keys VALUES (?,?,?,?,?)",
                                [(mn, cn, t.isoformat(sep=" "), f, fl) for mn, cn, t, f, fl in found])
            self.db.executemany("INSERT OR IGNORE INTO parts VALUES (?)",
                                [(str(p.relative_to(self.dir)),) for p in parts])

    # -- writing -----------------------------------------------------------------------------
    def write(self, rows: Iterable[LakeRow], checkpoint: int) -> int:
        """Add the rows whose key is new; commit them with the WAL checkpoint. Returns rows written."""
        batch: dict[tuple[str, str, str, str, str], LakeRow] = {}
        for row in rows:
            batch.setdefault(row.key, row)
        with self._locked():
            return self._write_locked(batch, checkpoint)

    def _write_locked(self, batch: dict[tuple[str, str, str, str, str], LakeRow], checkpoint: int) -> int:
        cutoff = self.cutoff()
        fresh = self._filter_known(batch, cutoff)
        parts = self._write_parts(fresh, checkpoint)
        with _Transaction(self.db):
            self.db.executemany("INSERT INTO keys VALUES (?,?,?,?,?)", [k for k in fresh if k[2] >= cutoff])
            self.db.executemany("INSERT INTO parts VALUES (?)", [(p,) for p in parts])
            self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (self._checkpoint_key, str(checkpoint)))
        return len(fresh)

    def cutoff(self) -> str:
        """Keys with an older DataTime are not kept in the index (checked against Parquet instead).

        Based on the wall clock, not on the data, so a logger with a clock set to 2099 cannot push
        everything out of the window; one extra day covers any offset of logger local time from UTC.
        """
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        return (now - self.dedup_window - dt.timedelta(days=1)).isoformat(sep=" ")

    def prune(self) -> int:
        """Drop index keys older than the window (called now and then by the flusher)."""
        with _Transaction(self.db):
            return self.db.execute("DELETE FROM keys WHERE data_time < ?", (self.cutoff(),)).rowcount

    def _filter_known(self, batch: dict[Any, LakeRow], cutoff: str) -> dict[Any, LakeRow]:
        fresh = {}
        old: dict[Any, LakeRow] = {}
        for key, row in batch.items():
            if key[2] < cutoff:
                old[key] = row
            elif self.db.execute("SELECT 1 FROM keys WHERE mn=? AND cn=? AND data_time=? AND factor=? AND field=?",
                                 key).fetchone() is None:
                fresh[key] = row
        if old:
            known = self._keys_in_lake(old.values())
            fresh.update({k: r for k, r in old.items() if k not in known})
        return fresh

    def _keys_in_lake(self, rows: Iterable[LakeRow]) -> set[Any]:
        """Exact check of rows older than the dedup window against their date partitions."""
        import duckdb

        rows = list(rows)
        dates = sorted({r.data_time.date().isoformat() for r in rows})
        files = [str(p) for d in dates for p in committed_parts(self.dir, f"date={d}")]
        if not files:
            return set()
        con = duckdb.connect()
        found = con.execute(
            "SELECT mn, cn, data_time, factor, field FROM read_parquet(?) WHERE mn IN (SELECT unnest(?))",
            [files, sorted({r.mn for r in rows})],
        ).fetchall()
        return {(mn, cn, t.isoformat(sep=" "), f, fl) for mn, cn, t, f, fl in found}

    def _write_parts(self, rows: dict[Any, LakeRow], checkpoint: int) -> list[str]:
        by_date: dict[str, list[LakeRow]] = {}
        for row in rows.values():
            by_date.setdefault(row.data_time.date().isoformat(), []).append(row)
        names = []
        for date, date_rows in sorted(by_date.items()):
            directory = self.dir / f"date={date}"
            created = not directory.exists()
            directory.mkdir(exist_ok=True)
            prefix = f"{self.instance}-" if self.instance else ""
            name = f"part-{prefix}{checkpoint:012d}-{uuid.uuid4().hex[:8]}.parquet"
            tmp = directory / f".tmp-{name}"
            pq.write_table(_table(date_rows), tmp, compression="zstd")
            with open(tmp, "rb") as f:
                os.fsync(f.fileno())
            tmp.rename(directory / name)
            fsync_dir(directory)
            if created:
                fsync_dir(self.dir)
            names.append(f"date={date}/{name}")
        return names

    def close(self) -> None:
        self.db.close()
        os.close(self._write_lock)


class _FileLock:
    def __init__(self, fd: int) -> None:
        self.fd = fd

    def __enter__(self) -> None:
        fcntl.flock(self.fd, fcntl.LOCK_EX)

    def __exit__(self, *_: object) -> None:
        fcntl.flock(self.fd, fcntl.LOCK_UN)


class _Transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> sqlite3.Connection:
        self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, exc_type: object, *_: object) -> None:
        self.db.execute("COMMIT" if exc_type is None else "ROLLBACK")


def _table(rows: Sequence[LakeRow]) -> pa.Table:
    return pa.table({
        "mn": [r.mn for r in rows],
        "st": [r.st for r in rows],
        "cn": [r.cn for r in rows],
        "data_time": [r.data_time for r in rows],
        "factor": [r.factor for r in rows],
        "field": [r.field for r in rows],
        "value": [r.value for r in rows],
        "value_text": [r.value_text for r in rows],
        "flag": [r.flag for r in rows],
        "received_at": [r.received_at for r in rows],
        "wal_seq": [r.wal_seq for r in rows],
        "factor_sent": [r.factor_sent for r in rows],
    }, schema=SCHEMA)


def lake_files(root: Path) -> list[str]:
    """The committed part files (the gateway writes `.tmp-*` names first, which a reader must skip)."""
    return [str(p) for p in committed_parts(root / "measurements")]


def _readable(files: list[str]) -> list[str]:
    """The files whose Parquet footer can be read (a damaged or truncated part must not hide the rest)."""
    good = []
    for name in files:
        try:
            pq.read_metadata(name)
        except (OSError, pa.ArrowException):
            log.warning("lake: skipping unreadable part %s", name)
            continue
        good.append(name)
    return good


def query(sql: str, params: Sequence[Any] | None = None, data_dir: Path | None = None) -> list[dict[str, Any]]:
    """Run SQL over the lake with DuckDB; the table is called `measurements` (plus a `date` column).

    Safe while the gateway writes: only committed part names are read, and if a part cannot be read
    (damaged, or removed as an orphan between listing and reading) the query is run again over the
    parts that can.
    """
    import duckdb

    from ecer import config

    root = (data_dir or config.data_dir()) / "lake"
    try:
        return _query(duckdb.connect(), sql, params, lake_files(root))
    except (duckdb.IOException, duckdb.InvalidInputException):
        return _query(duckdb.connect(), sql, params, _readable(lake_files(root)))


def _query(con: Any, sql: str, params: Sequence[Any] | None, files: list[str]) -> list[dict[str, Any]]:
    if files:
        con.read_parquet(files, hive_partitioning=True, union_by_name=True).create_view("measurements")
    else:
        con.register("_empty", pa.Table.from_pylist([], schema=SCHEMA.append(pa.field("date", pa.date32()))))
        con.execute("CREATE VIEW measurements AS SELECT * FROM _empty")
    cursor = con.execute(sql, params or [])
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
