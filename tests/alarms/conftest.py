"""A demo registry and a lake with one 成都 water point's COD over its limit (100 mg/L) for three hours
(09–12 h), then no data for two hours (12 and 13 h) and an hour inside the limit (14 h).

The lake keeps the first copy of a reading (re-sent data is dropped), so late data here is data of
hours that had none."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ecer.analytics import store
from ecer.gateway.lake import Lake, LakeRow
from ecer.monitoring.demo import seed_demo_registry

MN = "DEMO510100W000000000001"  # 成都 510100, water, COD limit 100 mg/L
DAY = dt.date(2025, 3, 4)
RX = dt.datetime(2025, 3, 4, tzinfo=dt.UTC)
NOW = dt.datetime(2025, 3, 4, 23, 30, tzinfo=dt.UTC)  # 2025-03-05 07:30 Beijing time


def write_hours(data_dir: Path, values: dict[int, float], seq: int = 1) -> None:
    """Hourly records (CN 2061 Avg) of COD on DAY at the given hours, then the roll-ups."""
    lake = Lake(data_dir / "lake")
    lake.write([LakeRow(MN, "32", "2061", dt.datetime.combine(DAY, dt.time(h)), "w01018", "Avg", v, "", "N", RX, seq,
                        "w01018") for h, v in values.items()], seq)
    lake.close()
    store.update(data_dir, now=dt.datetime(2025, 3, 10))


@pytest.fixture
def lake_dir(db: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ECER_DATA_DIR", str(tmp_path))
    seed_demo_registry()
    write_hours(tmp_path, {8: 50.0, 9: 120.0, 10: 180.0, 11: 140.0, 14: 60.0})
    return tmp_path
