"""Units that do not match the factor: the unit table, the registry's checks, and the roll-ups run by
the service with the registry's declared units (converted, or counted and never summed)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.forms import modelform_factory
from django.utils import translation

from ecer.analytics import reads
from ecer.gateway.lake import Lake, LakeRow
from ecer.hj212.codes import factor_codes
from ecer.hj212.units import check, conversion, factor_units
from ecer.monitoring.demo import seed_demo_registry
from ecer.monitoring.models import DeclaredUnit, Device, MonitoringPoint, PermittedLimit
from ecer.services import monitoring_analytics as service
from ecer.services.actor import system_actor

MN = "DEMO510100W000000000001"  # 成都, water: COD ≤ 100 mg/L
# the service's run judges DataTime against the real clock: a recent day (logger time is UTC+8)
DAY = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=8)).date() - dt.timedelta(days=2)
RX = dt.datetime.now(dt.UTC)


def test_every_unit_of_the_code_table_is_in_the_unit_table() -> None:
    assert {f.unit for f in factor_codes().values()} <= set(factor_units())


def test_conversions_within_a_quantity_and_none_across_media() -> None:
    assert conversion("ug_per_m3", "mg_per_m3") == pytest.approx(1e-3)
    assert conversion("m3_per_h", "l_per_s") == pytest.approx(1 / 3.6)
    assert conversion("m3_per_s", "m3_per_h") == pytest.approx(3600)
    assert conversion("mg_per_l", "mg_per_m3") is None  # a water unit for flue gas: a registry error
    assert conversion("ppm", "mg_per_m3") is None  # needs the molar mass
    assert conversion("mg_per_m3", "no_such_unit") is None
    assert check("a21026", "ug_per_m3").note("a21026") == "a21026: declared ug_per_m3, converted to mg_per_m3 × 0.001"
    assert check("x99999", "whatever").fits  # a factor outside the table is not checked


def _point() -> MonitoringPoint:
    return MonitoringPoint.objects.get(devices__mn=MN)


@pytest.mark.django_db
def test_a_limit_whose_unit_does_not_fit_its_factor_is_refused_naming_point_factor_and_units() -> None:
    seed_demo_registry()
    point = _point()
    wrong = PermittedLimit(point=point, factor_code="w01018", limit_value=100.0, unit="mg_per_m3")
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        wrong.full_clean()
    message = refused.value.message_dict["unit"][0]
    assert str(point) in message and "w01018" in message and "mg_per_m3" in message and "mg_per_l" in message
    # the admin's form (a ModelForm, as the inline uses) shows the same refusal, in Chinese first
    form = modelform_factory(PermittedLimit, fields="__all__")(
        {"point": point.pk, "factor_code": "w21003", "limit_value": "15", "unit": "ppm", "source": ""})
    with translation.override("zh-hans"):
        assert not form.is_valid()
        assert "无法换算" in form.errors["unit"][0] and "w21003" in form.errors["unit"][0]
    # a convertible unit is kept as entered and judged in the factor's unit: 100000 µg/L = 100 mg/L
    fine = PermittedLimit(point=point, factor_code="w01018", limit_value=100000.0, unit="ug_per_l")
    fine.full_clean(exclude=["point"])  # (the demo already has a COD limit at this point)
    assert fine.catalog_range == (None, pytest.approx(100.0))
    assert fine.violated_by(100.5) and not fine.violated_by(99.0)


@pytest.mark.django_db
def test_a_declared_unit_must_be_a_known_code() -> None:
    seed_demo_registry()
    with translation.override("en"), pytest.raises(ValidationError, match="Unknown unit code mg/m3"):
        DeclaredUnit(device=Device.objects.get(mn=MN), factor_code="w01018", unit="mg/m3").full_clean()


def _rolled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, declared: dict[str, str]) -> Path:
    """One day of COD 50 and flow 10 (in the units `declared` says), rolled up by the service."""
    monkeypatch.setenv("ECER_DATA_DIR", str(tmp_path))
    seed_demo_registry()
    device = Device.objects.get(mn=MN)
    for factor, unit in declared.items():
        DeclaredUnit.objects.create(device=device, factor_code=factor, unit=unit)
    sent = {"w01018": 50.0 * (1000 if declared.get("w01018") == "ug_per_l" else 1), "w00000": 10.0}
    rows = [LakeRow(MN, "32", "2011", dt.datetime.combine(DAY, dt.time(h)) + dt.timedelta(seconds=30 * i), f,
                    "Rtd", v, "", "N", RX, 1, f) for h in range(24) for i in range(120) for f, v in sent.items()]
    lake = Lake(tmp_path / "lake")
    lake.write(rows, 1)
    lake.close()
    service.run_rollups(actor=system_actor())
    return tmp_path


@pytest.mark.django_db
def test_a_convertible_declared_unit_is_converted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _rolled(tmp_path, monkeypatch, {"w01018": "ug_per_l"})  # COD sent as 50000 µg/L
    rows = service.emissions(actor=system_actor(), year=DAY.year, group="city")
    assert rows[0]["amount_t"] == pytest.approx(0.0432)  # 50 mg/L × 10 L/s × 24 h
    daily = reads.rows(tmp_path, "daily", DAY, DAY, factors=["w01018"])
    assert daily[0]["avg"] == pytest.approx(50.0) and daily[0]["n_unit_mismatch"] == 0
    assert daily[0]["unit_note"] == "w01018: declared ug_per_l, converted to mg_per_l × 0.001"


@pytest.mark.django_db
def test_an_unconvertible_declared_unit_is_counted_with_its_reason_and_never_summed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, client_in) -> None:  # type: ignore[no-untyped-def]
    _rolled(tmp_path, monkeypatch, {"w01018": "mg_per_m3"})  # a flue-gas unit declared for COD in water
    assert service.emissions(actor=system_actor(), year=DAY.year) == []  # no COD amount at all
    daily = reads.rows(tmp_path, "daily", DAY, DAY, factors=["w01018", "w00000"])
    cod, flow = (next(r for r in daily if r["factor"] == f) for f in ("w01018", "w00000"))
    assert cod["n_unit_mismatch"] == 2880 and cod["n_valid"] == 0 and cod["avg"] is None and cod["max"] is None
    assert flow["n_unit_mismatch"] == 0 and flow["avg"] == pytest.approx(10.0)  # the flow is unaffected
    q = service.quality(actor=system_actor(), year=DAY.year, month=DAY.month)[0]
    assert q["unit_mismatch"] == 2880 and q["valid_rate"] == pytest.approx(0.5)
    assert q["unit_notes"] == ("w01018: declared mg_per_m3, expected mg_per_l: not convertible, "
                               "left out of min/avg/max and amounts",)
    from django.contrib.auth import get_user_model

    get_user_model().objects.filter(username="mon").update(is_superuser=True)
    page = client_in.get(f"/monitoring/quality/?year={DAY.year}&month={DAY.month}").content.decode()
    assert "单位与因子不符" in page and "declared mg_per_m3, expected mg_per_l" in page
    # correcting the registry recomputes the history at the next run: the day's COD is summed again
    DeclaredUnit.objects.all().delete()
    service.run_rollups(actor=system_actor())
    assert service.emissions(actor=system_actor(), year=DAY.year)[0]["amount_t"] == pytest.approx(0.0432)
