"""POST /api/energy/uploads through Django's test client over the real view: per-enterprise upload tokens
and their scope, all-or-nothing with every problem named, idempotency, and what is stored."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.test import Client

from ecer.accounts.roles import bind_user
from ecer.core.meters import CHINA_TZ
from ecer.energy.models import (
    EnergyUpload,
    IntervalEnergy,
    KeyEnergyUnit,
    MeteringPoint,
    MeterReading,
    MeterReset,
)
from ecer.services import energy_register as register
from ecer.services import energy_tokens
from ecer.services.energy_register_file import template_bytes
from ecer.services.tokens import create_token
from energy.conftest import PROVINCE, city_actor
from energy.test_register import CEMENT, PAPER, unit

pytestmark = pytest.mark.usefixtures("regions")
URL = "/api/energy/uploads"
T0 = dt.datetime(2026, 3, 1, 0, 0, tzinfo=CHINA_TZ)
Q = dt.timedelta(minutes=15)


@pytest.fixture
def points(regions: None) -> dict[str, MeteringPoint]:
    register.import_register(template_bytes([unit(), unit(code=PAPER, region="510100", industry_code="2211")]),
                             "r.xlsx", actor=PROVINCE)
    cement = KeyEnergyUnit.objects.get(enterprise__credit_code=CEMENT)
    paper = KeyEnergyUnit.objects.get(enterprise__credit_code=PAPER)
    return {
        "E1": MeteringPoint.objects.create(energy_unit=cement, code="E1", energy_type="electricity", unit="kwh",
                                           kind="cumulative", rollover_value=1_000_000),
        "G1": MeteringPoint.objects.create(energy_unit=cement, code="G1", energy_type="natural_gas", unit="m3",
                                           kind="interval"),
        "P1": MeteringPoint.objects.create(energy_unit=paper, code="P1", energy_type="electricity", unit="kwh",
                                           kind="interval"),
    }


def token_for(code: str) -> str:
    return energy_tokens.create_upload_token(code, actor=PROVINCE, name="meter gateway").token


def post(token: str | None, body: dict[str, Any]) -> Any:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return Client().post(URL, body, content_type="application/json", **headers)


def reading(point: str, at: dt.datetime, value: float, kind: str) -> dict[str, Any]:
    return {"point": point, "timestamp": at.isoformat(), "value": value, "kind": kind}


def body(upload_id: str, readings: list[dict[str, Any]], enterprise: str = CEMENT) -> dict[str, Any]:
    return {"enterprise": enterprise, "upload_id": upload_id, "readings": readings}


def day_one() -> list[dict[str, Any]]:
    cumulative = [reading("E1", T0 + k * Q, 1000.0 + 25.0 * k, "cumulative") for k in range(5)]
    interval = [reading("G1", T0 + k * Q, 3.5, "interval") for k in range(1, 5)]
    return cumulative + interval


def stored() -> tuple[int, int, int]:
    return EnergyUpload.objects.count(), MeterReading.objects.count(), IntervalEnergy.objects.count()


@pytest.mark.usefixtures("points")
def test_an_upload_is_stored_with_its_interval_consumption_and_a_repeat_answers_the_same() -> None:
    token = token_for(CEMENT)
    first = post(token, body("u-1", day_one()))
    assert first.status_code == 200, first.content
    answer = first.json()
    assert (answer["readings"], answer["intervals"], answer["replayed"]) == (9, 8, False)
    e1 = next(p for p in answer["points"] if p["point"] == "E1")
    assert (e1["intervals"], e1["consumption"]) == (4, 100.0)
    assert stored() == (1, 9, 8)
    # the first cumulative reading closes no interval (the one before it is unknown): completeness counts 8
    assert MeterReading.objects.filter(closes_interval=True).count() == 8
    assert IntervalEnergy.objects.filter(point__code="E1", local_date=dt.date(2026, 3, 1)).count() == 4
    again = post(token, body("u-1", list(reversed(day_one()))))  # same content, other order
    assert again.status_code == 200 and again.json() == {**answer, "replayed": True}
    assert stored() == (1, 9, 8)
    # the next batch chains from the stored register value
    nxt = post(token, body("u-2", [reading("E1", T0 + 5 * Q, 1140.0, "cumulative")]))
    assert nxt.status_code == 200 and nxt.json()["points"][0]["consumption"] == 40.0


@pytest.mark.usefixtures("points")
def test_an_upload_id_reused_with_other_values_is_refused_and_a_stored_reading_never_changes() -> None:
    token = token_for(CEMENT)
    assert post(token, body("u-1", day_one())).status_code == 200
    changed = day_one()
    changed[-1]["value"] = 4.0
    conflict = post(token, body("u-1", changed))
    assert conflict.status_code == 409 and "u-1" in conflict.json()["detail"]
    other_id = post(token, body("u-9", changed))
    assert other_id.status_code == 400
    assert other_id.json()["problems"] == [{"field": f"readings[{len(changed) - 1}].value", "value": "4.0",
                                            "expected": f"3.5, the value stored for point G1 at "
                                                        f"{(T0 + 4 * Q).isoformat()} by upload 'u-1' "
                                                        "(a stored reading is never changed)"}]
    # the same readings again under a new id are accepted as already stored, nothing is doubled
    same = post(token, body("u-10", day_one()))
    assert same.status_code == 200 and (same.json()["readings"], same.json()["already_stored"]) == (0, 9)
    assert stored() == (2, 9, 8)


@pytest.mark.usefixtures("points")
def test_every_problem_of_a_bad_upload_is_named_and_nothing_is_stored() -> None:
    token = token_for(CEMENT)
    assert post(token, body("u-1", day_one())).status_code == 200
    before = stored()
    future = dt.datetime.now(CHINA_TZ).replace(second=0, microsecond=0) + dt.timedelta(days=2)
    future -= dt.timedelta(minutes=future.minute % 15)
    bad = [
        reading("E1", T0 + 5 * Q, 1200.0, "cumulative"),  # fine on its own
        reading("E1", T0 + 6 * Q, 1190.0, "cumulative"),  # backwards, no declared reset
        reading("X9", T0 + 5 * Q, 1.0, "interval"),  # unknown metering point
        reading("G1", future, 2.0, "interval"),  # in the future
        {**reading("G1", T0 + 5 * Q, 2.0, "interval"), "unit": "kwh"},  # a unit that does not fit natural gas
        reading("G1", T0 + 6 * Q, 2.0, "cumulative"),  # not the point's kind
    ]
    answer = post(token, body("u-2", bad))
    assert answer.status_code == 400
    problems = {p["field"]: p for p in answer.json()["problems"]}
    assert set(problems) == {"readings[1].value", "readings[2].point", "readings[3].timestamp", "readings[4].unit",
                             "readings[5].kind"}
    assert problems["readings[1].value"]["expected"].startswith("≥ 1200.0")
    assert "declared reset" in problems["readings[1].value"]["expected"]
    assert problems["readings[2].point"] == {"field": "readings[2].point", "value": "'X9'",
                                             "expected": f"an active metering point of {CEMENT}: E1, G1"}
    assert "not after now" in problems["readings[3].timestamp"]["expected"]
    assert problems["readings[4].unit"]["expected"] == "a unit of natural_gas: 10k_m3, m3"
    assert stored() == before
    # declared, the reset makes the same drop acceptable
    MeterReset.objects.create(point=MeteringPoint.objects.get(code="E1"), at=T0 + 6 * Q, start_value=0.0,
                              final_value=1210.0)
    ok = post(token, body("u-3", [reading("E1", T0 + 5 * Q, 1200.0, "cumulative"),
                                  reading("E1", T0 + 6 * Q, 5.0, "cumulative")]))
    assert ok.status_code == 200, ok.content
    assert ok.json()["points"][0]["consumption"] == pytest.approx(100.0 + 10.0 + 5.0)  # 1100 → 1200, → 1210 (final), 0 → 5


@pytest.mark.usefixtures("points")
def test_an_invalid_credit_code_is_named() -> None:
    answer = post(token_for(CEMENT), body("u-1", day_one(), enterprise=CEMENT[:-1] + "0"))
    assert answer.status_code == 400
    [problem] = answer.json()["problems"]
    assert problem["field"] == "enterprise" and "GB 32100-2015" in problem["expected"]


@pytest.mark.usefixtures("points")
def test_a_token_uploads_for_its_own_enterprise_only() -> None:
    cement = token_for(CEMENT)
    assert post(cement, body("u-1", [reading("P1", T0 + Q, 1.0, "interval")], enterprise=PAPER)).status_code == 403
    assert post(None, body("u-1", day_one())).status_code == 401
    assert post("ecerup_not-a-token", body("u-1", day_one())).status_code == 401
    made = energy_tokens.create_upload_token(PAPER, actor=city_actor("510100"), name="gw")
    assert post(made.token, body("p-1", [reading("P1", T0 + Q, 1.0, "interval")], enterprise=PAPER)).status_code == 200
    energy_tokens.revoke_upload_token(made.info.id, actor=PROVINCE)
    assert post(made.token, body("p-2", [reading("P1", T0 + 2 * Q, 1.0, "interval")], enterprise=PAPER)
                ).status_code == 401
    # an upload token opens nothing else
    assert Client().get("/api/energy/units", HTTP_AUTHORIZATION=f"Bearer {cement}").status_code == 401
    # a city's staff cannot make tokens for another city's unit (not found), nor can they upload
    with pytest.raises(energy_tokens.NotFound):
        energy_tokens.create_upload_token(CEMENT, actor=city_actor("510100"), name="gw")
    user_model = get_user_model()
    operator = user_model.objects.create_user("gy", password="pw-long-enough-1")
    bind_user(operator, "city_operator", "510800")
    from ecer.services.actor import actor_for_user

    city_token = create_token(actor=actor_for_user(operator), name="t").token
    assert post(city_token, body("u-1", day_one())).status_code == 403
    # an enterprise reporter's own API token uploads for its enterprise
    reporter = user_model.objects.create_user("ent", password="pw-long-enough-1")
    bind_user(reporter, "enterprise_reporter", None, CEMENT)
    reporter_token = create_token(actor=actor_for_user(reporter), name="t").token
    assert post(reporter_token, body("u-1", day_one())).status_code == 200


@pytest.mark.usefixtures("points")
def test_a_metering_point_whose_unit_does_not_fit_its_energy_type_is_refused() -> None:
    point = MeteringPoint(energy_unit=KeyEnergyUnit.objects.get(enterprise__credit_code=CEMENT), code="E2",
                          energy_type="electricity", unit="m3", kind="interval")
    with pytest.raises(ValidationError, match="a unit of electricity"):
        point.full_clean()
    steam = MeteringPoint(energy_unit=point.energy_unit, code="S1", energy_type="heat", unit="t", kind="interval")
    with pytest.raises(ValidationError, match="enthalpy"):
        steam.full_clean()


def test_the_upload_is_in_the_openapi_document(db: None) -> None:
    schema = Client().get("/api/openapi.json").json()
    post_ = schema["paths"]["/api/energy/uploads"]["post"]
    assert {"200", "400", "403", "409"} <= set(post_["responses"])
    ref = post_["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert set(schema["components"]["schemas"][ref]["properties"]) == {"enterprise", "upload_id", "readings"}


@pytest.mark.usefixtures("points")
def test_the_unit_page_and_its_api_show_monthly_energy_with_factors_and_quality(
        monkeypatch: pytest.MonkeyPatch) -> None:
    assert post(token_for(CEMENT), body("u-1", day_one())).status_code == 200
    user = get_user_model().objects.create_user("prov", password="pw-long-enough-1")
    bind_user(user, "province_admin", "510000")
    client = Client()
    client.force_login(user)
    api = client.get(f"/api/energy/units/{CEMENT}/energy", {"year": 2026}).json()
    march = next(m for m in api["months"] if m["month"] == "2026-03")
    electricity = next(f for f in march["figures"] if f["energy_type"] == "electricity")
    assert (electricity["quantity"], electricity["calorific_tce"]) == (100.0, pytest.approx(0.01229))
    assert "GB/T 2589" in electricity["calorific_factor"]
    assert electricity["energy_name"] == "电力"  # not the catalog row's 电力(等价值): a quantity has no basis
    # 2026 has no coal rate in the catalog: not guessed, said why
    assert electricity["coal_equivalent_tce"] is None and march["coal_equivalent_tce"] is None
    assert "ECER_COAL_RATES" in api["coal_equivalent_note"]
    assert (march["received"], march["expected"]) == (8, 31 * 96 * 2) and not march["completeness_passed"]
    html = client.get(f"/energy/units/{CEMENT}/", {"year": 2026}).content.decode()
    assert 'id="energy"' in html and 'data-month="2026-03"' in html and 'id="coal-note"' in html
    monkeypatch.setenv("ECER_COAL_RATES", "2026:0.3")
    api = client.get(f"/api/energy/units/{CEMENT}/energy", {"year": 2026}).json()
    march = next(m for m in api["months"] if m["month"] == "2026-03")
    electricity = next(f for f in march["figures"] if f["energy_type"] == "electricity")
    assert electricity["coal_equivalent_tce"] == pytest.approx(0.03) and "configured" in electricity[
        "coal_equivalent_factor"]
    assert api["coal_equivalent_note"] is None
    # scoped like the register: another city's staff get 404, the enterprise itself sees its own
    other = get_user_model().objects.create_user("cd", password="pw-long-enough-1")
    bind_user(other, "city_operator", "510100")
    foreign = Client()
    foreign.force_login(other)
    assert foreign.get(f"/api/energy/units/{CEMENT}/energy").status_code == 404
    assert foreign.get(f"/energy/units/{CEMENT}/").status_code == 404
    reporter = get_user_model().objects.create_user("ent", password="pw-long-enough-1")
    bind_user(reporter, "enterprise_reporter", None, CEMENT)
    own = Client()
    own.force_login(reporter)
    assert own.get(f"/api/energy/units/{CEMENT}/energy", {"year": 2026}).status_code == 200


@pytest.mark.usefixtures("points")
def test_the_current_month_expects_data_up_to_yesterday(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.utils import timezone

    from ecer.services.energy_monitoring import unit_energy

    assert post(token_for(CEMENT), body("u-1", day_one())).status_code == 200
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2026, 3, 3, 12, 0, tzinfo=CHINA_TZ))
    [march] = unit_energy(CEMENT, actor=PROVINCE, year=2026).months
    assert (march.month, march.received, march.expected) == ("2026-03", 8, 2 * 96 * 2)


@pytest.mark.usefixtures("points")
def test_a_retired_point_without_data_is_not_expected() -> None:
    from ecer.services.energy_monitoring import unit_energy

    assert post(token_for(CEMENT), body("u-1", day_one())).status_code == 200
    MeteringPoint.objects.create(energy_unit=KeyEnergyUnit.objects.get(enterprise__credit_code=CEMENT), code="OLD",
                                 energy_type="electricity", unit="kwh", kind="interval", active=False)
    march = unit_energy(CEMENT, actor=PROVINCE, year=2026).months[0]
    assert (march.month, march.expected) == ("2026-03", 31 * 96 * 2)  # E1 and G1, not OLD
