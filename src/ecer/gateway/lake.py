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

Compaction (`Lake.compact`, run by the flusher between flushes, or `ecer lake compact` on a stopped
gateway) merges the small parts of a date into one file: into `day-<gen>.parquet` once the date is
closed (older than `open_days`), into `merged-<gen>.parquet` batches while it is still being written.
The new file is written under a `.tmp-` name, fsynced and renamed; ONE SQLite transaction then
swaps the part list (old names out, new name in); only after that are the old files unlinked.
Readers take the part list from index.sqlite (`lake_files`), never from a directory listing, so
they see either the old parts or the new file, never both and never half of one. A crash before the
commit leaves an unregistered new file (deleted on open); after it, unregistered old files (deleted
on open). A merged file names the parts it replaces in its Parquet metadata, so a lost index is
rebuilt without doubling rows. See docs/lake.md.

The index keeps keys whose DataTime is within `dedup_window_days` of the newest data seen (loggers
re-send hours or days of history after an outage); older keys are pruned to bound its size, and a
row older than the window is checked against the Parquet partition of its date with DuckDB instead
(exact, just slower). If index.sqlite is lost, it is rebuilt from the Parquet files on open.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
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
SCHEMA_VERSION = 1  # of the measurement files; stored in meta and in each merged file's metadata
DEFAULT_OPEN_DAYS = 2  # dates newer than this many days (by the wall clock) are still being written
DEFAULT_MIN_PARTS = 8  # an open date is compacted once it has this many small parts
SMALL_PART_ROWS = 1_000_000  # an open date's parts below this size are merged; bigger ones are left
REPLACES_KEY = b"ecer.lake.replaces"  # Parquet metadata: JSON list of the part names a merged file replaces


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
            -- one row per (write, date): what the incremental roll-ups must recompute (ecer.analytics)
            CREATE TABLE IF NOT EXISTS changes (seq INTEGER PRIMARY KEY AUTOINCREMENT, date TEXT, rows INTEGER);
        """)
        self.db.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
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

        parts = _unreplaced(committed_parts(self.dir))
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
        per_date: dict[str, int] = {}
        for key in fresh:
            per_date[key[2][:10]] = per_date.get(key[2][:10], 0) + 1
        with _Transaction(self.db):
            self.db.executemany("INSERT INTO keys VALUES (?,?,?,?,?)", [k for k in fresh if k[2] >= cutoff])
            self.db.executemany("INSERT INTO parts VALUES (?)", [(p,) for p in parts])
            self.db.executemany("INSERT INTO changes (date, rows) VALUES (?, ?)", sorted(per_date.items()))
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
        recent = [key for key in batch if key[2] >= cutoff]
        old = {key: row for key, row in batch.items() if key[2] < cutoff}
        known = self._known_keys(recent)
        fresh = {key: batch[key] for key in recent if key not in known}
        if old:
            known = self._keys_in_lake(old.values())
            fresh.update({k: r for k, r in old.items() if k not in known})
        return fresh

    def _known_keys(self, keys: list[tuple[str, str, str, str, str]]) -> set[tuple[str, str, str, str, str]]:
        """The keys of `keys` already in the index: one join over a temporary table, not a query per key."""
        if not keys:
            return set()
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS batch (mn TEXT, cn TEXT, data_time TEXT, factor TEXT,"
                        " field TEXT)")
        self.db.execute("DELETE FROM batch")
        self.db.executemany("INSERT INTO batch VALUES (?,?,?,?,?)", keys)
        found = self.db.execute(
            "SELECT b.mn, b.cn, b.data_time, b.factor, b.field FROM batch b JOIN keys k ON k.mn = b.mn"
            " AND k.cn = b.cn AND k.data_time = b.data_time AND k.factor = b.factor AND k.field = b.field"
        ).fetchall()
        self.db.execute("DELETE FROM batch")
        return set(found)

    def registered(self, date: str | None = None) -> list[str]:
        """Registered part names (relative to measurements/), of one date or all."""
        if date is None:
            return [n for (n,) in self.db.execute("SELECT name FROM parts ORDER BY name")]
        prefix = f"date={date}/"
        return [n for (n,) in self.db.execute("SELECT name FROM parts WHERE name >= ? AND name < ? ORDER BY name",
                                              (prefix, prefix[:-1] + "0"))]

    # -- compaction --------------------------------------------------------------------------
    def compact(self, open_days: int = DEFAULT_OPEN_DAYS, min_parts: int = DEFAULT_MIN_PARTS,
                today: dt.date | None = None) -> int:
        """Merge small parts of each date; returns the number of files replaced. Crash-safe (module doc)."""
        today = today or dt.datetime.now(dt.UTC).date()
        by_date: dict[str, list[str]] = {}
        for name in self.registered():
            by_date.setdefault(name.split("/", 1)[0].removeprefix("date="), []).append(name)
        replaced = 0
        for date, names in sorted(by_date.items()):
            closed = dt.date.fromisoformat(date) <= today - dt.timedelta(days=open_days)
            with self._locked():  # one date at a time, so the gateway's writes wait at most one merge
                current = self.registered(date)  # another gateway instance may have added parts meanwhile
                replaced += self.compact_date(date, [n for n in names if n in current], closed, min_parts)
        return replaced

    def compact_date(self, date: str, names: list[str], closed: bool, min_parts: int) -> int:
        sizes = _row_counts(self.dir, names)  # unreadable (damaged) parts are left alone, never merged
        if closed:
            todo = list(sizes) if len(sizes) > 1 else []
        else:
            todo = [n for n, rows in sizes.items() if rows < SMALL_PART_ROWS]
            todo = todo if len(todo) >= min_parts else []
        if not todo:
            return 0
        table = pa.concat_tables([pq.read_table(self.dir / n, schema=SCHEMA) for n in todo])
        # sorted so a reader filtering one point or factor skips most row groups (min/max statistics)
        table = table.sort_by([("mn", "ascending"), ("factor", "ascending"), ("cn", "ascending"),
                               ("data_time", "ascending"), ("field", "ascending")])
        table = table.replace_schema_metadata({REPLACES_KEY: json.dumps(todo).encode(),
                                               b"ecer.lake.schema_version": str(SCHEMA_VERSION).encode()})
        directory = self.dir / f"date={date}"
        name = f"{'day' if closed else 'merged'}-{uuid.uuid4().hex[:12]}.parquet"
        tmp = directory / f".tmp-{name}"
        pq.write_table(table, tmp, compression="zstd", row_group_size=256 * 1024)
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
        tmp.rename(directory / name)
        fsync_dir(directory)
        with _Transaction(self.db):  # the switch: readers see the old parts or the new file, never both
            self.db.executemany("DELETE FROM parts WHERE name = ?", [(n,) for n in todo])
            self.db.execute("INSERT INTO parts VALUES (?)", (f"date={date}/{name}",))
        for n in todo:
            (self.dir / n).unlink(missing_ok=True)
        fsync_dir(directory)
        return len(todo)

    def changes_since(self, seq: int) -> tuple[int, list[str]]:
        """(newest change number, dates written after change `seq`): what roll-ups must recompute."""
        rows = self.db.execute("SELECT seq, date FROM changes WHERE seq > ? ORDER BY seq", (seq,)).fetchall()
        return (rows[-1][0] if rows else seq), sorted({d for _, d in rows})

    def _keys_in_lake(self, rows: Iterable[LakeRow]) -> set[Any]:
        """Exact check of rows older than the dedup window against their date partitions."""
        import duckdb

        rows = list(rows)
        dates = sorted({r.data_time.date().isoformat() for r in rows})
        files = [str(self.dir / n) for d in dates for n in self.registered(d)]
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


def _row_counts(directory: Path, names: list[str]) -> dict[str, int]:
    counts = {}
    for name in names:
        try:
            counts[name] = pq.read_metadata(directory / name).num_rows
        except (OSError, pa.ArrowException):
            log.warning("lake: part %s is unreadable; not compacted", name)
    return counts


def _unreplaced(parts: list[Path]) -> list[Path]:
    """`parts` less those that a merged file among them names as replaced (index rebuild after loss)."""
    replaced: set[str] = set()
    for part in parts:
        if part.name.startswith(("day-", "merged-")):
            try:
                meta = pq.read_schema(part).metadata or {}
            except (OSError, pa.ArrowException):
                continue
            replaced.update(json.loads(meta.get(REPLACES_KEY, b"[]")))
    measurements = parts[0].parent.parent if parts else Path()
    return [p for p in parts if str(p.relative_to(measurements)) not in replaced]


def lake_files(root: Path) -> list[str]:
    """The committed part files, from the part list in index.sqlite (a consistent snapshot while the
    gateway writes or compacts). Without an index (no lake yet, or an old copy) the directory listing
    is used, skipping the `.tmp-*` names a write starts with."""
    measurements = root / "measurements"
    index = root / "index.sqlite"
    if index.exists():
        try:
            db = sqlite3.connect(f"file:{index}?mode=ro", uri=True)
            try:
                return [str(measurements / n) for (n,) in db.execute("SELECT name FROM parts ORDER BY name")]
            finally:
                db.close()
        except sqlite3.Error:
            log.warning("lake: cannot read the part list in %s; listing the directory", index)
    return [str(p) for p in committed_parts(measurements)]


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
    for _ in range(3):  # a compaction between listing and reading removes parts: list again
        try:
            return _query(duckdb.connect(), sql, params, lake_files(root))
        except (duckdb.IOException, duckdb.InvalidInputException):
            continue
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


def _main(argv: list[str]) -> int:
    """`python -m ecer.gateway.lake compact LAKE_DIR [--open-days N]`: compact a lake no gateway is using."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m ecer.gateway.lake")
    parser.add_argument("command", choices=["compact"])
    parser.add_argument("lake_dir", type=Path)
    parser.add_argument("--open-days", type=int, default=DEFAULT_OPEN_DAYS)
    args = parser.parse_args(argv)
    lake = Lake(args.lake_dir)
    print("ready", flush=True)  # the crash test starts its random delay here, after the imports
    try:
        replaced = lake.compact(open_days=args.open_days)
    finally:
        lake.close()
    print(f"compacted {replaced} part file(s)", flush=True)
    return 0


if __name__ == "__main__":
    import sys

    raise SystemExit(_main(sys.argv[1:]))
