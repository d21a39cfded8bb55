"""The energy lake (the analytic copy of the accepted uploads) and its Ibis/DuckDB roll-ups: copied only
from committed uploads, once each, in batches; a batch claimed but not written (a crash) is written again
under the same names, never doubled; the monthly roll-up per enterprise equals the unit page's figures
(the system of record's daily roll-up) on both quantities and tce; the scheduled job runs it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from ecer.analytics import energy_rollup
from ecer.energy.models import EnergyUpload, IntervalEnergy
from ecer.services.actor import PermissionDenied, system_actor
from ecer.services.energy_lake import _batch_rows, copy_to_lake, monthly_energy, run_energy_rollups
from ecer.services.energy_monitoring import unit_energy
from energy.conftest import PROVINCE, city_actor
from energy.test_energy_days import _uploads
from energy.test_register import CEMENT, PAPER
from energy.test_uploads import T0, Q, body, points, post, reading, token_for  # noqa: F401 - a fixture

pytestmark = pytest.mark.usefixtures("regions", "points")


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ECER_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("ECER_COAL_RATES", "2026:0.3")
    return tmp_path


def _lake_rows(data_dir: Path) -> list[tuple[str, str, str]]:
    files = [str(p) for p in energy_rollup.intervals_dir(data_dir).rglob("part-*.parquet")]
    if not files:
        return []
    return [(e, p, s.astimezone(dt.UTC).isoformat()) for e, p, s in duckdb.connect().execute(
        "SELECT enterprise, point, start FROM read_parquet(?) ORDER BY ALL", [files]).fetchall()]


def test_the_lake_holds_every_committed_interval_once_and_the_roll_up_equals_the_page(data_dir: Path) -> None:
    _uploads()
    assert post(token_for(PAPER), body("p-1", [reading("P1", T0 + k * Q, 2.0 + k, "interval") for k in range(1, 9)],
                                      enterprise=PAPER)).status_code == 200
    first = run_energy_rollups(actor=system_actor())
    assert first.batches == [1] and first.uploads == EnergyUpload.objects.count() == 4
    assert first.intervals == IntervalEnergy.objects.count()
    stored = sorted((i.point.energy_unit.enterprise.credit_code, i.point.code, i.start.astimezone(dt.UTC).isoformat())
                    for i in IntervalEnergy.objects.select_related("point__energy_unit__enterprise"))
    assert _lake_rows(data_dir) == stored
    assert first.rolled_months == ["2026-03"]  # E1's first reading (28 Feb) closes no interval: no lake row
    # nothing new: no batch, nothing rolled again
    again = run_energy_rollups(actor=system_actor())
    assert (again.batches, again.rolled_dates) == ([], [])
    # the monthly roll-up per enterprise equals the unit page (system of record), quantity and tce
    rows = monthly_energy(["2026-03"], actor=PROVINCE)
    for code in (CEMENT, PAPER):
        [march] = [m for m in unit_energy(code, actor=PROVINCE, year=2026).months if m.month == "2026-03"]
        mine = [r for r in rows if r["enterprise"] == code]
        assert sum(r["calorific_tce"] for r in mine) == pytest.approx(march.calorific_tce, rel=1e-12)
        assert sum(r["coal_equivalent_tce"] for r in mine) == pytest.approx(march.coal_equivalent_tce, rel=1e-12)
        assert {(r["energy_type"], r["unit"]): pytest.approx(r["quantity"], rel=1e-12) for r in mine} == {
            (f.energy_type, f.unit): f.quantity for f in march.figures}
    # a later upload goes in the next batch, and only its dates (and their month) are rolled up again
    late = [reading("P1", T0 + dt.timedelta(days=3) + k * Q, 1.0, "interval") for k in range(1, 5)]
    assert post(token_for(PAPER), body("p-2", late, enterprise=PAPER)).status_code == 200
    nxt = run_energy_rollups(actor=system_actor())
    assert nxt.batches == [2] and nxt.intervals == 4 and nxt.rolled_dates == ["2026-03-04"]
    assert len(_lake_rows(data_dir)) == IntervalEnergy.objects.count()


def test_a_batch_claimed_but_not_written_is_written_again_once(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _uploads()
    calls = []

    def crash(*args: object) -> list[str]:
        calls.append(args)
        raise OSError("disk full")

    monkeypatch.setattr(energy_rollup, "write_batch", crash)
    with pytest.raises(OSError):
        copy_to_lake(actor=system_actor())
    assert calls and set(EnergyUpload.objects.values_list("lake_batch", flat=True)) == {1}
    monkeypatch.undo()
    monkeypatch.setenv("ECER_DATA_DIR", str(data_dir))
    redo = copy_to_lake(actor=system_actor())
    assert redo.batches == [1] and len(_lake_rows(data_dir)) == IntervalEnergy.objects.count()
    # written twice (same part names): still once each
    energy_rollup.write_batch(data_dir, 1, _batch_rows(1))
    assert len(_lake_rows(data_dir)) == IntervalEnergy.objects.count()
    assert copy_to_lake(actor=system_actor()).batches == []


def test_only_the_province_runs_or_reads_the_lake() -> None:
    with pytest.raises(PermissionDenied):
        run_energy_rollups(actor=city_actor())
    with pytest.raises(PermissionDenied):
        monthly_energy(actor=city_actor())


def test_the_scheduled_roll_up_job_copies_and_rolls_up_the_energy_uploads(data_dir: Path) -> None:
    from ecer.alarms import ROLLUP_ALARMS_JOB
    from ecer.jobs.models import Job, JobStatus
    from ecer.jobs.runner import execute
    from ecer.services.jobs import start_job

    _uploads()
    info = start_job(ROLLUP_ALARMS_JOB, system_actor(), {})
    execute(info.id)
    job = Job.objects.get(pk=info.id)
    assert job.status == JobStatus.SUCCEEDED, job.result
    assert job.result["energy_batches"] == [1] and "2026-03-01" in job.result["energy_rolled_dates"]
    assert (data_dir / "rollups" / "energy" / "monthly" / "month=2026-03.parquet").exists()


def test_ecer_energy_rollup_copies_and_rolls_up(data_dir: Path) -> None:
    from click.testing import CliRunner

    from ecer.cli.main import cli

    _uploads()
    run = CliRunner().invoke(cli, ["energy", "rollup"])
    assert run.exit_code == 0, run.output
    assert "lake: 1 batch(es), 3 upload(s)" in run.output and "1 month(s)" in run.output
    again = CliRunner().invoke(cli, ["energy", "rollup"])
    assert again.exit_code == 0 and "lake: 0 batch(es)" in again.output


def test_a_backlog_is_copied_in_batches_of_at_most_max_uploads(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ecer.services import energy_lake

    _uploads()  # three uploads
    monkeypatch.setattr(energy_lake, "MAX_BATCH_UPLOADS", 2)
    run = copy_to_lake(actor=system_actor())
    assert run.batches == [1, 2] and run.uploads == 3 and len(_lake_rows(data_dir)) == IntervalEnergy.objects.count()
    assert sorted(EnergyUpload.objects.values_list("lake_batch", flat=True)) == [1, 1, 2]
