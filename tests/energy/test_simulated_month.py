"""Done when (issue 11 item 3): with the demo register, a month of simulated meters is uploaded over real
HTTP to a live server (`ecer energy simulate --from-registry`, compressed in time: a day per upload), and
each enterprise's monthly energy on its page's API twin (and in the energy lake's roll-up) equals the
simulator's ground truth — on both bases, with the planted gaps, rollovers and repeated uploads on the way."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from django.contrib.auth import get_user_model
from django.test import Client

from ecer.accounts.roles import bind_user
from ecer.cli.main import cli
from ecer.energy.models import IntervalEnergy, KeyEnergyUnit, MeteringPoint, MeterReading
from ecer.masterdata.services.catalogs import load_catalogs
from ecer.services.energy_monitoring import seed_demo_metering_points
from ecer.services.energy_register import seed_demo_register

CHEMICAL, CEMENT = "91510700MADEM0002X", "91510800MADEM0005C"  # 示例 绵阳某化工, 示例 广元某水泥


@pytest.fixture
def demo_register(transactional_db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    load_catalogs()
    seed_demo_register()
    assert seed_demo_metering_points() > 0 and seed_demo_metering_points() == 0  # idempotent
    # a register small enough to roll over within the month, to plant rollovers
    MeteringPoint.objects.create(energy_unit=KeyEnergyUnit.objects.get(enterprise__credit_code=CEMENT), code="E02",
                                 energy_type="electricity", unit="kwh", kind="cumulative", rollover_value=100_000)
    monkeypatch.setenv("ECER_COAL_RATES", "2026:0.3")  # 2026 is open in energy_factors.csv


def _api(code: str) -> dict[str, Any]:
    user = get_user_model().objects.create_user(f"prov-{code}", password="pw-long-enough-1")
    bind_user(user, "province_admin", "510000")
    client = Client()
    client.force_login(user)
    answer = client.get(f"/api/energy/units/{code}/energy", {"year": 2026})
    assert answer.status_code == 200, answer.content
    page = client.get(f"/energy/units/{code}/", {"year": 2026})
    html = page.content.decode()
    assert page.status_code == 200 and 'data-month="2026-03"' in html
    assert f"/api/energy/units/{code}/energy?year=2026" in html  # the page names its API twin
    return dict(answer.json())


@pytest.mark.slow
@pytest.mark.once
@pytest.mark.usefixtures("demo_register")
def test_a_month_of_simulated_meters_equals_the_ground_truth(live_server: Any, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    truth_file = tmp_path / "truth.json"
    run = CliRunner().invoke(cli, [
        "energy", "simulate", "--from-registry", "--enterprise", CHEMICAL, "--enterprise", CEMENT,
        "--url", f"{live_server.url}/api/energy/uploads", "--start", "2026-03-01", "--days", "31",
        "--batch-minutes", "1440", "--gap-every-days", "5", "--resend-every", "4", "--truth", str(truth_file)])
    assert run.exit_code == 0, run.output
    truth = json.loads(truth_file.read_text(encoding="utf-8"))
    assert truth["rejected"] == [] and truth["gaps"] > 0 and truth["replayed"] > 0
    assert truth["rollovers"][CEMENT] >= 1  # E02 passed its register's maximum
    for code in (CHEMICAL, CEMENT):
        energy = _api(code)
        [march] = [m for m in energy["months"] if m["month"] == "2026-03"]
        expected = truth["tce"][code]["2026-03"]
        assert march["calorific_tce"] == pytest.approx(expected["calorific"], rel=1e-9)
        assert march["coal_equivalent_tce"] == pytest.approx(expected["coal_equivalent"], rel=1e-9)
        # per energy type, the physical quantity too
        by_type: dict[tuple[str, str], float] = {}
        points = {p["code"]: p for p in energy["points"]}
        for point, quantity in truth["quantities"][code]["2026-03"].items():
            key = (points[point]["energy_type"], points[point]["unit"])
            by_type[key] = by_type.get(key, 0.0) + quantity
        assert {(f["energy_type"], f["unit"]): pytest.approx(f["quantity"], rel=1e-9)
                for f in march["figures"]} == by_type
        # completeness counts exactly the readings the meters delivered; the planted gaps cost some
        assert march["received"] == truth["received"][code]["2026-03"] < march["expected"]
        assert march["completeness_passed"] and march["daily_monthly_passed"]
        assert all(f["coal_equivalent_factor"] for f in march["figures"])
    # a repeated upload stored nothing twice; every reading stored once
    assert MeterReading.objects.filter(point__energy_unit__enterprise__credit_code=CEMENT, point__code="E02",
                                       at__month=3).count() > 2900
    assert not IntervalEnergy.objects.filter(local_date__gte=dt.date(2026, 4, 1)).exists()
    # the energy lake's monthly roll-up (Ibis/DuckDB, what the province-scale figures read) gives the same
    from ecer.services.actor import system_actor
    from ecer.services.energy_lake import monthly_energy, run_energy_rollups

    monkeypatch.setenv("ECER_DATA_DIR", str(tmp_path / "data"))
    assert run_energy_rollups(actor=system_actor()).rolled_months == ["2026-03"]
    lake = monthly_energy(["2026-03"], actor=system_actor())
    for code in (CHEMICAL, CEMENT):
        expected = truth["tce"][code]["2026-03"]
        mine = [r for r in lake if r["enterprise"] == code]
        assert sum(r["calorific_tce"] for r in mine) == pytest.approx(expected["calorific"], rel=1e-9)
        assert sum(r["coal_equivalent_tce"] for r in mine) == pytest.approx(expected["coal_equivalent"], rel=1e-9)
