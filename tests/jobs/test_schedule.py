"""Recurring jobs: the scheduler queues `monitoring.rollup_alarms` when due, never two at once, and a
run abandoned by a killed worker does not hold the schedule back for ever."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import timezone

from ecer.alarms import ROLLUP_ALARMS_JOB
from ecer.jobs import runner
from ecer.jobs.models import Job, JobStatus
from ecer.services.schedule import FIRST_DATA, NextRun, Recurring, is_due, next_run, recurring_jobs, tick

EVERY = dt.timedelta(minutes=10)
T0 = dt.datetime(2026, 5, 1, 8, 0, tzinfo=dt.UTC)


def test_due_when_never_run_or_an_interval_has_passed() -> None:
    assert is_due(EVERY, None, active=False, now=T0)
    assert not is_due(EVERY, T0 - dt.timedelta(minutes=9), active=False, now=T0)
    assert is_due(EVERY, T0 - EVERY, active=False, now=T0)


def test_never_due_while_a_run_is_queued_or_running() -> None:
    assert not is_due(EVERY, None, active=True, now=T0)
    assert not is_due(EVERY, T0 - 10 * EVERY, active=True, now=T0)


def test_the_default_schedule_holds_the_rollups_every_ten_minutes(settings: object) -> None:
    [item] = recurring_jobs()
    assert (item.kind, item.every) == (ROLLUP_ALARMS_JOB, EVERY)


def test_an_interval_of_zero_switches_it_off(settings: object) -> None:
    settings.ECER_ROLLUP_INTERVAL_MINUTES = 0  # type: ignore[attr-defined]
    assert recurring_jobs() == []


@pytest.mark.django_db
def test_tick_queues_once_then_waits_for_the_run_and_the_interval() -> None:
    schedule = [Recurring(ROLLUP_ALARMS_JOB, EVERY)]
    [first] = tick(timezone.now(), schedule)
    now = Job.objects.get(pk=first).created_at  # the interval counts from the row's own time
    assert Job.objects.get(pk=first).owner_username == "system"
    assert tick(now + 2 * EVERY, schedule) == [], "the first run is still queued: no second one"

    Job.objects.filter(pk=first).update(status=JobStatus.SUCCEEDED)
    assert tick(now + EVERY / 2, schedule) == [], "finished, but the interval has not passed"
    assert len(tick(now + EVERY, schedule)) == 1
    assert Job.objects.filter(kind=ROLLUP_ALARMS_JOB).count() == 2


@pytest.mark.django_db
def test_a_run_abandoned_by_a_killed_worker_stops_holding_the_schedule() -> None:
    item = Recurring(ROLLUP_ALARMS_JOB, EVERY, stale_intervals=3)
    [stuck] = tick(timezone.now(), [item])
    now = Job.objects.get(pk=stuck).created_at
    Job.objects.filter(pk=stuck).update(status=JobStatus.RUNNING)
    assert tick(now + 2 * EVERY, [item]) == []
    assert len(tick(now + 3 * EVERY, [item])) == 1


def _lake_with_a_row(data_dir: Path) -> None:
    """What the gateway's first write leaves: one row in the lake (and its change log)."""
    from ecer.gateway.lake import Lake, LakeRow

    lake = Lake(data_dir / "lake")
    try:
        lake.write([LakeRow("MN1", "32", "2011", dt.datetime(2026, 5, 1, 8), "w01018", "Rtd", 1.0, "1.0", "N",
                            dt.datetime.now(dt.UTC), 1, "w01018")], 1)
    finally:
        lake.close()


@pytest.mark.django_db
def test_the_first_rollup_waits_for_the_loggers_first_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ECER_DATA_DIR", str(tmp_path))
    now = timezone.now()
    assert next_run(ROLLUP_ALARMS_JOB, now) == NextRun(ROLLUP_ALARMS_JOB, EVERY, None, waiting_for=FIRST_DATA)
    assert tick(now, recurring_jobs()) == [], "nothing in the lake: no empty first run"
    _lake_with_a_row(tmp_path)
    assert next_run(ROLLUP_ALARMS_JOB, now) == NextRun(ROLLUP_ALARMS_JOB, EVERY, now)
    [job_id] = tick(now, recurring_jobs())
    assert next_run(ROLLUP_ALARMS_JOB, now) == NextRun(ROLLUP_ALARMS_JOB, EVERY, None, running=True)
    Job.objects.filter(pk=job_id).update(status=JobStatus.SUCCEEDED)
    created = Job.objects.get(pk=job_id).created_at
    assert next_run(ROLLUP_ALARMS_JOB, created) == NextRun(ROLLUP_ALARMS_JOB, EVERY, created + EVERY)
    # once it has run, an empty lake no longer holds it back (alarm detection also finds offline loggers)
    (tmp_path / "lake" / "index.sqlite").unlink()
    assert len(tick(created + EVERY, recurring_jobs())) == 1


@pytest.mark.django_db
def test_an_energy_upload_also_lets_the_first_run_go(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The job also rolls up the energy uploads: an installation without HJ 212 loggers is not held back."""
    from ecer.energy.models import EnergyUpload
    from ecer.monitoring.models import Enterprise

    monkeypatch.setenv("ECER_DATA_DIR", str(tmp_path))
    assert tick(timezone.now(), recurring_jobs()) == []
    ent = Enterprise.objects.create(name="甲", credit_code="91510100MA000000X1", region_code="510100")
    EnergyUpload.objects.create(enterprise=ent, upload_id="u1", digest="0" * 64, received_at=timezone.now(),
                                uploaded_by="e", result={})
    assert len(tick(timezone.now(), recurring_jobs())) == 1


def test_no_next_run_when_switched_off(settings: object) -> None:
    settings.ECER_ROLLUP_INTERVAL_MINUTES = 0  # type: ignore[attr-defined]
    assert next_run(ROLLUP_ALARMS_JOB) is None


@pytest.mark.django_db
def test_the_queued_job_runs_the_rollups_and_alarm_detection(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ECER_DATA_DIR", str(tmp_path))
    _lake_with_a_row(tmp_path)
    [job_id] = tick(timezone.now(), recurring_jobs())
    runner.execute(job_id)
    job = Job.objects.get(pk=job_id)
    assert job.status == JobStatus.SUCCEEDED, job.message
    assert {"rolled_dates", "opened", "closed"} <= set(job.result)


def test_the_command_queues_what_is_due_and_exits(tmp_path: Path) -> None:
    env_dir = str(tmp_path)
    run = [sys.executable, "-m", "ecer"]
    env = {"ECER_DATA_DIR": env_dir, "PATH": "/usr/bin:/bin"}
    subprocess.run([*run, "manage", "migrate", "-v", "0"], env=env, check=True, capture_output=True)
    waiting = subprocess.run([*run, "jobs", "scheduler", "--once"], env=env, check=True, capture_output=True,
                             text=True)
    assert waiting.stdout == "", "an empty lake: the first roll-up waits for data"
    _lake_with_a_row(Path(env_dir))
    first = subprocess.run([*run, "jobs", "scheduler", "--once"], env=env, check=True, capture_output=True,
                           text=True)
    again = subprocess.run([*run, "jobs", "scheduler", "--once"], env=env, check=True, capture_output=True,
                           text=True)
    assert len(first.stdout.split()) == 1, first.stdout + first.stderr
    assert again.stdout == "", "the first run is still queued"
