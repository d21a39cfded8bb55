"""Lake compaction: small parts become daily files, readers never see both, a kill at any moment
neither loses nor doubles a row; the dedup index checks a batch in one query."""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from gwtools import REPO

from ecer.gateway.lake import Lake, LakeRow, lake_files, query

START = dt.date(2025, 3, 1)
RX = dt.datetime(2025, 3, 1, tzinfo=dt.UTC)


def _rows(date: dt.date, n: int, seed: int, mn_count: int = 20) -> list[LakeRow]:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        at = dt.datetime.combine(date, dt.time()) + dt.timedelta(seconds=rng.randrange(86400))
        mn = f"MN{rng.randrange(mn_count):04d}"
        rows.append(LakeRow(mn, "32", "2011", at, f"w0{i % 7}", "Rtd", rng.uniform(0, 100), "", "N", RX, 1, ""))
    return rows


def _fill(root: Path, dates: int, parts: int, rows_per_part: int, seed: int = 1) -> int:
    lake = Lake(root)
    written = 0
    try:
        for d in range(dates):
            for p in range(parts):
                written += lake.write(_rows(START + dt.timedelta(days=d), rows_per_part, seed * 1000 + d * 50 + p),
                                      lake.checkpoint + 1)
    finally:
        lake.close()
    return written


def _content(root: Path) -> Counter[tuple[object, ...]]:
    rows = query("SELECT mn, cn, data_time, factor, field, value FROM measurements", data_dir=root.parent)
    return Counter(tuple(r.values()) for r in rows)


def _files_on_disk(root: Path) -> set[str]:
    return {str(p) for p in (root / "measurements").glob("*/*") if p.is_file()}


def test_closed_dates_become_one_daily_file_and_rows_stay_the_same(tmp_path: Path) -> None:
    root = tmp_path / "lake"
    _fill(root, dates=3, parts=4, rows_per_part=300)
    before = _content(root)
    lake = Lake(root)
    replaced = lake.compact(today=START + dt.timedelta(days=30))
    changes_seq, changed = lake.changes_since(0)
    lake.close()
    assert replaced == 12 and sum(before.values()) == 3600
    assert _content(root) == before
    names = [Path(f).name for f in lake_files(root)]
    assert len(names) == 3 and all(n.startswith("day-") for n in names)
    assert _files_on_disk(root) == set(lake_files(root))  # old parts are gone from the disk too
    assert changed == ["2025-03-01", "2025-03-02", "2025-03-03"] and changes_seq == 12  # compaction adds none

    # late data for a compacted date: one new part, merged into a new daily file on the next run
    lake = Lake(root)
    late = _rows(START, 50, 99)
    assert lake.write(late, lake.checkpoint + 1) == 50
    assert lake.changes_since(changes_seq)[1] == ["2025-03-01"]
    assert lake.compact(today=START + dt.timedelta(days=30)) == 2
    lake.close()
    assert sum(_content(root).values()) == 3650 and len(lake_files(root)) == 3


def test_open_dates_merge_small_parts_only_past_a_count(tmp_path: Path) -> None:
    root = tmp_path / "lake"
    _fill(root, dates=1, parts=5, rows_per_part=100)
    lake = Lake(root)
    assert lake.compact(today=START, min_parts=8) == 0  # still being written, only 5 parts
    assert lake.compact(today=START, min_parts=4) == 5
    lake.close()
    assert [Path(f).name.split("-")[0] for f in lake_files(root)] == ["merged"]
    assert sum(_content(root).values()) == 500


def test_duplicates_after_compaction_are_still_refused(tmp_path: Path) -> None:
    root = tmp_path / "lake"
    rows = _rows(START, 200, 5)
    lake = Lake(root, dedup_window_days=100000)  # keys kept in the index
    lake.write(rows[:100], 1)
    lake.write(rows[100:], 2)
    lake.compact(today=START + dt.timedelta(days=10))
    assert lake.write(rows, 3) == 0
    lake.close()
    old = Lake(root, dedup_window_days=1)  # outside the window: checked against the (compacted) Parquet
    assert old.write(rows, 4) == 0
    old.close()
    assert sum(_content(root).values()) == 200


def test_lost_index_after_a_compaction_is_rebuilt_without_doubling(tmp_path: Path) -> None:
    root = tmp_path / "lake"
    _fill(root, dates=1, parts=3, rows_per_part=100)
    before = _content(root)
    lake = Lake(root)
    old_parts = [root / "measurements" / n for n in lake.registered()]
    saved = {p: p.read_bytes() for p in old_parts}
    lake.compact(today=START + dt.timedelta(days=10))
    lake.close()
    for path, data in saved.items():  # as if the crash came after the commit and before the unlinks
        path.write_bytes(data)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{root / 'index.sqlite'}{suffix}").unlink(missing_ok=True)
    Lake(root).close()
    assert _content(root) == before


def test_dedup_checks_a_batch_with_one_query_not_one_per_key(tmp_path: Path) -> None:
    lake = Lake(tmp_path / "lake")
    statements: list[str] = []
    lake.db.set_trace_callback(statements.append)
    lake.write(_rows(dt.datetime.now(dt.UTC).date(), 2000, 3, mn_count=200), 1)
    lake.close()
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT") and "keys" in s]
    assert 0 < len(selects) <= 2, selects[:5]


def _start_compactor(root: Path) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
    proc = subprocess.Popen([sys.executable, "-m", "ecer.gateway.lake", "compact", str(root)], env=env,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    return proc


def _add_late_rows(root: Path, rng: random.Random, round_no: int, dates: int) -> None:
    lake = Lake(root)
    try:
        for d in rng.sample(range(dates), 2):
            lake.write(_rows(START + dt.timedelta(days=d), 2000, 10_000 + round_no * 10 + d), lake.checkpoint + 1)
    finally:
        lake.close()


@pytest.mark.slow
@pytest.mark.once
def test_killing_the_compactor_at_random_points_never_loses_or_doubles_a_row(tmp_path: Path) -> None:
    root, dates = tmp_path / "lake", 6
    _fill(root, dates=dates, parts=3, rows_per_part=2000)
    rng = random.Random()
    # how long one uninterrupted run takes (on a copy), so the kills land inside the work, at random points
    probe = tmp_path / "probe"
    shutil.copytree(root, probe)
    _add_late_rows(probe, random.Random(0), 0, dates)
    started = time.monotonic()
    _start_compactor(probe).wait(timeout=120)
    duration = time.monotonic() - started
    expected = _content(root)
    outcomes = Counter[str]()
    for i in range(20):
        _add_late_rows(root, rng, i, dates)  # every round has parts to merge into the daily files
        grown = _content(root)
        assert grown - expected and not expected - grown  # only new rows (the write dedups the rest)
        expected = grown
        proc = _start_compactor(root)
        time.sleep(rng.uniform(0.0, duration))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            outcomes["killed"] += 1
        proc.wait(timeout=60)
        assert _content(root) == expected, f"round {i}: rows differ after the kill"
        Lake(root).close()  # re-open: leftovers of the killed run are removed
        assert _files_on_disk(root) == set(lake_files(root)), f"round {i}: leftover files"
        assert _content(root) == expected
    assert outcomes["killed"] >= 10, outcomes  # most rounds really were interrupted
    lake = Lake(root)
    lake.compact(today=START + dt.timedelta(days=365))
    lake.close()
    assert _content(root) == expected and len(lake_files(root)) == dates
