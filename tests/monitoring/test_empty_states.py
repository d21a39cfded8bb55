"""The empty state of the pages over the roll-ups says when the scheduler's next roll-up runs (the
scheduler runs them; nobody has to type `ecer monitoring rollup`), in Chinese and English."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from ecer.alarms import ROLLUP_ALARMS_JOB
from ecer.gateway.lake import Lake, LakeRow
from ecer.jobs.models import Job, JobStatus
from ecer.masterdata.models import Region
from ecer.monitoring.demo import seed_demo_registry
from ecer.monitoring.models import Device
from ecer.services.actor import system_actor
from ecer.services.jobs import start_job

pytestmark = pytest.mark.django_db
MN = "DEMO510100W000000000001"


@pytest.fixture
def pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setenv("ECER_DATA_DIR", str(tmp_path))
    seed_demo_registry()
    Region.add_root(code="510100", name_zh="成都市", name_en="Chengdu", level="city")
    enterprise = Device.objects.select_related("point").get(mn=MN).point.enterprise_id
    return [f"/monitoring/enterprises/{enterprise}/", "/monitoring/cities/510100/",
            f"/monitoring/devices/{MN}/rollups/", "/monitoring/emissions/", "/monitoring/quality/"]


def _texts(client: Client, pages: list[str]) -> list[str]:
    """The roll-up empty state of each page (exactly one per page)."""
    out = []
    for url in pages:
        html = client.get(url).content.decode()
        found = [t for t in re.findall(r'class="empty">([^<]*)</div>', html)
                 if t.startswith(("尚无统计数据", "No roll-ups yet"))]
        assert len(found) == 1, (url, found)
        out += found
    return out


def test_before_the_loggers_first_data(client_in: Client, pages: list[str]) -> None:
    texts = _texts(client_in, pages)
    assert set(texts) == {"尚无统计数据：数采仪的首批数据到达后即运行首次定时汇总。"}, texts
    client_in.post("/i18n/setlang/", {"language": "en"})
    assert set(_texts(client_in, pages)) == {
        "No roll-ups yet: the first scheduled roll-up runs as soon as the loggers&#x27; first data has arrived."}


def test_when_the_next_run_comes_or_runs_now(client_in: Client, pages: list[str], tmp_path: Path) -> None:
    lake = Lake(tmp_path / "lake")
    try:  # the gateway's first write (no roll-up has run yet)
        lake.write([LakeRow(MN, "32", "2011", dt.datetime(2020, 1, 1), "w01018", "Rtd", 1.0, "1.0", "N",
                            dt.datetime.now(dt.UTC), 1, "w01018")], 1)
    finally:
        lake.close()
    now = timezone.localtime().strftime("%H:%M")
    texts = _texts(client_in, pages)
    assert set(texts) <= {f"尚无统计数据：下一次定时汇总于 {t} 运行（每 10 分钟一次）。"
                          for t in (now, (timezone.localtime() + dt.timedelta(minutes=1)).strftime("%H:%M"))}, texts

    job = start_job(ROLLUP_ALARMS_JOB, system_actor(), {})
    assert set(_texts(client_in, pages)) == {"尚无统计数据：汇总正在运行，请一分钟后刷新页面。"}

    created = timezone.now() - dt.timedelta(minutes=3)
    Job.objects.filter(pk=job.id).update(status=JobStatus.SUCCEEDED, created_at=created)
    at = timezone.localtime(created + dt.timedelta(minutes=10)).strftime("%H:%M")
    assert set(_texts(client_in, pages)) == {f"尚无统计数据：下一次定时汇总于 {at} 运行（每 10 分钟一次）。"}


def test_when_the_rollups_are_not_scheduled(client_in: Client, pages: list[str], settings: object) -> None:
    settings.ECER_ROLLUP_INTERVAL_MINUTES = 0  # type: ignore[attr-defined]
    assert set(_texts(client_in, pages)) == {
        "尚无统计数据：汇总未设定定时运行（ECER_ROLLUP_INTERVAL_MINUTES 为 0），请运行 `ecer monitoring rollup`。"}
