"""Segment logs, WAL and lake on real files: torn tails, replay, idempotence, orphan parts, index rebuild."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ecer.gateway.lake import Lake, LakeRow, query
from ecer.gateway.pipeline import lake_rows, replay_wal
from ecer.gateway.segments import SegmentLog
from ecer.gateway.stores import WriteAheadLog

RX = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)


def row(mn: str, t: dt.datetime, factor: str = "w01018", value: float = 1.0, seq: int = 1) -> LakeRow:
    return LakeRow(mn, "32", "2011", t, factor, "Rtd", value, str(value), "N", RX, seq, factor)


def test_torn_tail_is_truncated_and_earlier_records_survive(tmp_path: Path) -> None:
    log = SegmentLog(tmp_path, "x")
    for i in range(3):
        log.append(b"record %d" % i)
    log.close()
    seg = log.segments()[-1]
    seg.write_bytes(seg.read_bytes() + b"\x20\x00\x00\x00garbage")  # half-written record after a crash
    reopened = SegmentLog(tmp_path, "x")
    assert [p for _, p in reopened.iter_all()] == [b"record 0", b"record 1", b"record 2"]
    reopened.append(b"record 3")
    reopened.sync()
    assert [p for _, p in reopened.iter_all()][-1] == b"record 3"


def test_corrupted_record_stops_reading(tmp_path: Path) -> None:
    log = SegmentLog(tmp_path, "x")
    log.append(b"aaaa")
    log.append(b"bbbb")
    log.close()
    seg = log.segments()[-1]
    data = bytearray(seg.read_bytes())
    data[-1] ^= 0xFF  # flip a bit in the last payload: CRC catches it
    seg.write_bytes(bytes(data))
    assert [p for _, p in SegmentLog(tmp_path, "x").iter_all()] == [b"aaaa"]


def test_segments_rotate_and_wal_removes_flushed_ones(tmp_path: Path) -> None:
    wal = WriteAheadLog(tmp_path, max_segment_bytes=200)
    seqs = [wal.append({"mn": "M", "n": i, "pad": "x" * 50}) for i in range(10)]
    wal.sync()
    assert seqs == list(range(1, 11)) and len(wal.log.segments()) > 3
    wal.remove_through(6)
    assert [seq for seq, _ in wal.replay(0)][0] <= 7  # nothing above the checkpoint was removed
    assert {seq for seq, _ in wal.replay(6)} == set(range(7, 11))
    wal.close()
    assert WriteAheadLog(tmp_path, first_seq=50).next_seq == 50  # numbering never goes back


def test_lake_writes_each_key_once(tmp_path: Path) -> None:
    lake = Lake(tmp_path)
    t = dt.datetime.now().replace(microsecond=0)
    assert lake.write([row("M1", t), row("M1", t, "w21003"), row("M1", t)], checkpoint=1) == 2
    assert lake.write([row("M1", t, value=9.0), row("M2", t)], checkpoint=2) == 1
    assert lake.checkpoint == 2
    lake.close()
    assert _rows(tmp_path) == [("M1", "w01018", 1.0), ("M1", "w21003", 1.0), ("M2", "w01018", 1.0)]


def _rows(root: Path) -> list[tuple[str, str, float]]:
    import duckdb

    return duckdb.connect().execute(
        f"SELECT mn, factor, value FROM read_parquet('{root}/measurements/*/*.parquet') ORDER BY mn, factor"
    ).fetchall()


def test_orphan_parts_from_a_crash_are_removed_and_replayed(tmp_path: Path) -> None:
    lake = Lake(tmp_path)
    t = dt.datetime.now().replace(microsecond=0)
    lake.write([row("M1", t)], checkpoint=1)
    # A crash after the Parquet file was renamed but before the index commit: an unregistered part.
    lake._write_parts({("k",): row("M1", t, "w21003")}, checkpoint=2)
    lake.close()
    assert len(list(tmp_path.glob("measurements/*/*.parquet"))) == 2
    lake = Lake(tmp_path)
    assert len(list(tmp_path.glob("measurements/*/*.parquet"))) == 1
    assert lake.checkpoint == 1


def test_a_half_written_part_from_a_crash_does_not_stop_the_lake_opening(tmp_path: Path) -> None:
    lake = Lake(tmp_path)
    t = dt.datetime.now().replace(microsecond=0)
    lake.write([row("M1", t)], checkpoint=1)
    lake.close()
    day = next((tmp_path / "measurements").iterdir())
    # A crash inside pq.write_table: the temporary name (which also ends in .parquet) is left behind.
    (day / ".tmp-part-000000000002-0badf00d.parquet").write_bytes(b"PAR1 torn")
    lake = Lake(tmp_path)
    assert [p.name for p in day.iterdir()] == [p.name for p in day.glob("part-*.parquet")]
    lake.close()
    (day / ".tmp-part-000000000003-0badf00d.parquet").write_bytes(b"PAR1 torn")
    for index in tmp_path.glob("index.sqlite*"):
        index.unlink()
    lake = Lake(tmp_path)  # index lost as well: rebuilt from the committed parts only
    assert lake.write([row("M1", t), row("M1", t, "w21003")], checkpoint=2) == 1
    lake.close()
    assert len(_rows(tmp_path)) == 2


def test_wal_replay_after_crash_fills_the_lake_without_duplicates(tmp_path: Path) -> None:
    t = dt.datetime.now().replace(microsecond=0).isoformat(sep=" ")
    wal = WriteAheadLog(tmp_path / "wal")
    body = {"mn": "M", "st": "32", "cn": "2011", "rx": 0.0, "rows": [[t, "w01018", "Rtd", 1.0, "1.0", "N", "011"]]}
    wal.append(body)
    wal.append(body)  # the logger re-sent it
    wal.sync()
    lake = Lake(tmp_path / "lake")
    assert replay_wal(lake, wal) == 1
    assert replay_wal(lake, wal) == 0  # checkpoint reached: nothing to do
    lake.close()
    assert _rows(tmp_path / "lake") == [("M", "w01018", 1.0)]


def test_index_rebuilt_from_parquet_and_old_rows_checked_against_the_lake(tmp_path: Path) -> None:
    lake = Lake(tmp_path, dedup_window_days=1)
    old = dt.datetime(2020, 5, 1, 12, 0, 0)  # far outside the window: not kept in the index
    new = dt.datetime.now().replace(microsecond=0)
    assert lake.write([row("M", old), row("M", new)], checkpoint=1) == 2
    assert lake.write([row("M", old), row("M", new)], checkpoint=2) == 0  # old one found via DuckDB
    lake.close()
    (tmp_path / "index.sqlite").unlink()
    for extra in tmp_path.glob("index.sqlite-*"):
        extra.unlink()
    lake = Lake(tmp_path)  # index lost: rebuilt from the Parquet files
    assert lake.write([row("M", old), row("M", new), row("M", new, "w21003")], checkpoint=3) == 1
    lake.close()
    assert len(_rows(tmp_path)) == 3


def test_lake_rows_from_wal_bodies() -> None:
    body = {"mn": "M", "st": "31", "cn": "2061", "rx": 1.5,
            "rows": [["2025-01-01 10:00:00", "a21026", "Avg", 3.0, "3.0", "N", "02"]]}
    (r,) = lake_rows([(7, body)])
    assert (r.factor, r.factor_sent, r.wal_seq, r.data_time.hour) == ("a21026", "02", 7, 10)


def test_query_helper_reads_the_lake(tmp_path: Path) -> None:
    lake = Lake(tmp_path / "lake")
    lake.write([row("M", dt.datetime(2025, 2, 3, 4, 5, 6))], checkpoint=1)
    lake.close()
    assert query("SELECT mn, date, value FROM measurements", data_dir=tmp_path) == [
        {"mn": "M", "date": dt.date(2025, 2, 3), "value": 1.0}]
    assert query("SELECT count(*) AS n FROM measurements", data_dir=tmp_path / "empty") == [{"n": 0}]
