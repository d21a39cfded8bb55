"""One enterprise's and one city's monitoring year (service, API): after a simulated month the numbers
equal the generator's ground truth and the other roll-up readers; the scope holds."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.utils import timezone

from ecer.alarms.models import Alarm
from ecer.analytics import quality as analytics_quality
from ecer.analytics import simulate, store
from ecer.analytics.params import EMISSION_FACTORS, AnalyticsParams
from ecer.gateway.lake import Lake
from ecer.masterdata.models import Region, UserProfile
from ecer.monitoring.models import Device, Enterprise, MonitoringPoint
from ecer.services import monitoring_analytics
from ecer.services.actor import Actor, PermissionDenied, Role, system_actor
from ecer.services.errors import InvalidRequest, NotFound
from ecer.services.monitoring_overview import city_overview, enterprise_overview

INTERVAL_S = 600  # compressed, as tests/analytics/test_simulated_month.py
PARAMS = AnalyticsParams(upload_interval_s=INTERVAL_S)
NOW = dt.datetime(2025, 4, 2, 12, 0)
MONTH = list(simulate.month_days(2025, 3))
SPECS = simulate.specs(4)  # 0 water, 1 air, 2 water, 3 air
# enterprise → (region, its specs): two in 成都 (one in a county of it), one in 广元
LAYOUT = {"甲化工": ("510100", [0, 1]), "乙纸业": ("510104", [2]), "丙电厂": ("510800", [3])}
CHENGDU = Actor("cd", Role.CITY_OPERATOR, "510100", frozenset({"510100", "510104"}))


@pytest.fixture(scope="module")
def month(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, simulate.Truth]:
    """A simulated March of the four loggers, rolled up (the lake, then the roll-ups, as in production)."""
    data = tmp_path_factory.mktemp("overview")
    truth = simulate.Truth()
    lake = Lake(data / "lake")
    try:
        for seq, day in enumerate(MONTH, start=1):
            lake.write([r for s in SPECS for r in simulate.simulate_day(s, day, INTERVAL_S, truth, PARAMS)], seq)
        # a logger's clock gone wrong: readings dated after NOW are counted as bad time, never summed
        lake.write([r for s in SPECS for r in simulate.future_rows(s, NOW, truth)], len(MONTH) + 1)
    finally:
        lake.close()
    store.update(data, now=NOW, params=PARAMS, units=simulate.declarations(SPECS))
    return data, truth


@pytest.fixture
def world(month: tuple[Path, simulate.Truth], db: None, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    data, truth = month
    monkeypatch.setenv("ECER_DATA_DIR", str(data))
    chengdu = Region.add_root(code="510100", name_zh="成都市", name_en="Chengdu", level="city")
    chengdu.add_child(code="510104", name_zh="锦江区", name_en="Jinjiang", level="county")
    Region.add_root(code="510800", name_zh="广元市", name_en="Guangyuan", level="city")
    ids = {}
    for i, (name, (region, specs)) in enumerate(LAYOUT.items()):
        ent = Enterprise.objects.create(name=name, credit_code=f"91510000OVERVIEW{i:02d}", region_code=region)
        ids[name] = ent.pk
        for spec in (SPECS[j] for j in specs):
            point = MonitoringPoint.objects.create(enterprise=ent, outlet_code=f"D{spec.kind[0].upper()}{spec.seed}",
                                                   outlet_name="排口", kind=spec.kind)
            Device.objects.create(mn=spec.mn, point=point, edition="2017")
    return {"data": data, "truth": truth, "ids": ids}


def _mns(*names: str) -> list[str]:
    return [SPECS[j].mn for n in names for j in LAYOUT[n][1]]


def _expected_t(truth: simulate.Truth, mns: list[str], table: dict[tuple[str, str], Any]) -> dict[str, float]:
    out: dict[str, float] = {}
    for (mn, factor), kg in table.items():
        if mn in mns:
            out[EMISSION_FACTORS[factor]] = out.get(EMISSION_FACTORS[factor], 0.0) + kg / 1000
    return out


def test_enterprise_year_equals_the_ground_truth_and_the_other_readers(world: dict[str, Any]) -> None:
    truth, mns = world["truth"], _mns("甲化工")
    view = enterprise_overview(system_actor(), world["ids"]["甲化工"], 2025, params=PARAMS)
    assert (view.kind, view.name, view.region_code, view.region_name) == ("enterprise", "甲化工", "510100", "成都市")
    assert [m["key"] for m in view.members] == sorted(mns)
    assert {e.month for e in view.emissions} == {"2025-03"}  # April holds only bad-time readings: no amount
    got = {e.pollutant: e.amount_t for e in view.emissions}
    want = _expected_t(truth, mns, truth.amount_kg)
    # no NOx: the air logger declares it in mg/L, a unit that does not convert (counted, never summed)
    assert got.keys() == want.keys() == {"COD", "NH3-N", "SO2"}
    for pollutant, t in want.items():
        assert got[pollutant] == pytest.approx(t, rel=1e-9) and view.totals[pollutant] == pytest.approx(t, rel=1e-9)
    cou = _expected_t(truth, mns, truth.cou_kg)
    for row in view.emissions:  # the generator sends Cou for about a fifth of the hours: both sources
        assert row.source == "mixed" and row.cou_t == pytest.approx(cou[row.pollutant], rel=1e-9)
        assert row.cou_hours == sum(n for (mn, f), n in truth.cou_hours.items()
                                    if mn in mns and EMISSION_FACTORS[f] == row.pollutant)
    # the same figures as the emissions page's reader
    by_enterprise = monitoring_analytics.emissions(actor=system_actor(), year=2025, month=3)
    assert {r["pollutant"]: r["amount_t"] for r in by_enterprise if r["name"] == "甲化工"} == pytest.approx(got)
    # quality per point equals the quality page's reader (hourly files) and the ground truth
    expected = 31 * 86400 // INTERVAL_S
    hourly = {q.mn: q for q in analytics_quality.quality(world["data"], MONTH[0], MONTH[-1], mns=mns, params=PARAMS)}
    assert sorted((q.key, q.month) for q in view.quality_by) == [(mn, "2025-03") for mn in sorted(mns)]
    for q in view.quality_by:
        assert (q.expected, q.received) == (expected, truth.received[q.key])
        assert q.transmission_rate == pytest.approx(hourly[q.key].transmission_rate)
        assert q.valid_rate == pytest.approx(truth.valid[q.key] / truth.readings[q.key])
        assert q.valid_rate == pytest.approx(hourly[q.key].valid_rate)
    (whole,) = view.quality
    assert whole.transmission_rate == pytest.approx(sum(truth.received[m] for m in mns) / (2 * expected))
    assert whole.valid_rate == pytest.approx(sum(truth.valid[m] for m in mns) / sum(truth.readings[m] for m in mns))


def test_city_year_sums_its_enterprises_and_ranks_them(world: dict[str, Any]) -> None:
    truth = world["truth"]
    view = city_overview(CHENGDU, "510100", 2025, params=PARAMS)
    assert [m["name"] for m in view.members] == sorted(["甲化工", "乙纸业"])  # the county's too, not 广元's
    want = _expected_t(truth, _mns("甲化工", "乙纸业"), truth.amount_kg)
    assert view.totals == pytest.approx(want, rel=1e-9)
    ranked = sorted(((n, sum(_expected_t(truth, _mns(n), truth.amount_kg).values())) for n in ("甲化工", "乙纸业")),
                    key=lambda x: -x[1])
    assert [(r.name, pytest.approx(r.total_t, rel=1e-9)) for r in view.ranking] == ranked
    assert {q.name for q in view.quality_by} == {"甲化工", "乙纸业"}
    assert view.quality[0].received == sum(truth.received[m] for m in _mns("甲化工", "乙纸业"))
    assert city_overview(system_actor(), "510800", 2025).totals.keys() == {"SO2", "NOx"}


def test_scope_city_enterprise_and_missing(world: dict[str, Any]) -> None:
    ids = world["ids"]
    with pytest.raises(NotFound):  # another city's enterprise answers like one that does not exist
        enterprise_overview(CHENGDU, ids["丙电厂"], 2025)
    with pytest.raises(NotFound):
        enterprise_overview(CHENGDU, 987654321, 2025)
    with pytest.raises(PermissionDenied):  # a region code outside the scope is refused
        city_overview(CHENGDU, "510800", 2025)
    assert enterprise_overview(CHENGDU, ids["乙纸业"], 2025).name == "乙纸业"  # its county's enterprise
    own = Actor("rep", Role.ENTERPRISE_REPORTER, "510100", enterprise_id=ids["甲化工"])
    assert enterprise_overview(own, ids["甲化工"], 2025).totals
    with pytest.raises(NotFound):  # the neighbour in the same city
        enterprise_overview(own, ids["乙纸业"], 2025)
    with pytest.raises(PermissionDenied):  # an enterprise reads no region
        city_overview(own, "510100", 2025)
    with pytest.raises(InvalidRequest):
        city_overview(system_actor(), "510104", 2025)  # a county, not a city
    with pytest.raises(NotFound):
        city_overview(system_actor(), "510900", 2025)
    with pytest.raises(InvalidRequest):
        enterprise_overview(system_actor(), ids["甲化工"], 1850)


def _alarm(mn: str, status: str, start: dt.datetime, kind: str = "offline", **fields: Any) -> Alarm:
    device = Device.objects.select_related("point__enterprise").get(mn=mn)
    ent = device.point.enterprise
    return Alarm.objects.create(key=f"{kind}:{mn}::{start.isoformat()}", kind=kind, device=device, point=device.point,
                                enterprise=ent, region_code=ent.region_code, mn=mn, start=start, status=status,
                                **fields)


def test_alarms_open_first_then_the_years_closed(world: dict[str, Any]) -> None:
    a, b = _mns("甲化工")
    at = lambda *x: dt.datetime(*x, tzinfo=dt.UTC)  # noqa: E731
    closed_new = _alarm(a, "closed", at(2025, 3, 20))
    closed_old = _alarm(a, "closed", at(2025, 3, 2))
    _alarm(a, "closed", at(2024, 12, 2))  # another year: not in 2025's list
    ack = _alarm(b, "acknowledged", at(2025, 3, 5))
    opened = _alarm(a, "open", at(2025, 3, 9))
    foreign = _alarm(_mns("丙电厂")[0], "open", at(2025, 3, 9))
    view = enterprise_overview(system_actor(), world["ids"]["甲化工"], 2025)
    assert [x.pk for x in view.alarms] == [opened.pk, ack.pk, closed_new.pk, closed_old.pk]
    city = city_overview(CHENGDU, "510100", 2025)
    assert foreign.pk not in [x.pk for x in city.alarms] and len(city.alarms) == 4
    assert [x.pk for x in city_overview(system_actor(), "510800", 2025).alarms] == [foreign.pk]


def test_older_rollup_files_are_rebuilt_once(month: tuple[Path, simulate.Truth], tmp_path: Path) -> None:
    """Roll-ups of the schema before (no cou_kg) are redone from the whole lake by the next run."""
    import shutil

    data, _ = month
    copy = tmp_path / "copy"
    shutil.copytree(data, copy)
    state = json.loads((copy / "rollups" / "state.json").read_text())
    assert store.update(copy, now=NOW, params=PARAMS, units=simulate.declarations(SPECS)).dates == []  # up to date: nothing to do
    (copy / "rollups" / "state.json").write_text(json.dumps({**state, "schema_version": store.ROLLUP_SCHEMA_VERSION - 1}))
    again = store.update(copy, now=NOW, params=PARAMS, units=simulate.declarations(SPECS))
    assert len(again.dates) == 32 and again.months == ["2025-03", "2025-04"]
    assert json.loads((copy / "rollups" / "state.json").read_text())["schema_version"] == store.ROLLUP_SCHEMA_VERSION


# -- the API twins -------------------------------------------------------------------------------
def _login(username: str, group: str, region: str | None = None, enterprise: int | None = None) -> Client:
    from ecer.accounts.models import EnterpriseBinding

    user = User.objects.create_user(username, password="pw-long-enough")
    user.groups.add(Group.objects.get_or_create(name=group)[0])
    if region:
        UserProfile.objects.create(user=user, region=Region.objects.get(code=region))
    if enterprise:
        EnterpriseBinding.objects.create(user=user, enterprise_id=enterprise)
    client = Client()
    client.force_login(user)
    return client


def test_api_twins_answer_as_the_service_under_the_same_scope(world: dict[str, Any]) -> None:
    ids = world["ids"]
    _alarm(_mns("甲化工")[0], "open", dt.datetime(2025, 3, 9, tzinfo=dt.UTC))
    chengdu = _login("cd", "city_operator", "510100")
    got = chengdu.get(f"/api/monitoring/enterprises/{ids['甲化工']}/overview?year=2025")
    assert got.status_code == 200, got.content
    body = got.json()
    service = enterprise_overview(CHENGDU, ids["甲化工"], 2025)
    assert body["totals"] == pytest.approx(service.totals)
    assert [(e["month"], e["pollutant"], e["source"]) for e in body["emissions"]] == [
        (e.month, e.pollutant, e.source) for e in service.emissions]
    assert body["quality_by"][0]["valid_rate"] == pytest.approx(service.quality_by[0].valid_rate)
    assert [a["mn"] for a in body["alarms"]] == [_mns("甲化工")[0]] and body["alarms"][0]["status"] == "open"
    city = chengdu.get("/api/monitoring/cities/510100/overview?year=2025").json()
    assert [r["name"] for r in city["ranking"]] == [r.name for r in city_overview(CHENGDU, "510100", 2025).ranking]
    assert chengdu.get("/api/monitoring/cities/510800/overview?year=2025").status_code == 403
    foreign = chengdu.get(f"/api/monitoring/enterprises/{ids['丙电厂']}/overview?year=2025")
    missing = chengdu.get("/api/monitoring/enterprises/987654321/overview?year=2025")
    assert foreign.status_code == missing.status_code == 404 and "丙电厂" not in foreign.content.decode()
    assert chengdu.get("/api/monitoring/cities/510104/overview").status_code == 400
    reporter = _login("rep", "enterprise_reporter", enterprise=ids["乙纸业"])
    assert reporter.get(f"/api/monitoring/enterprises/{ids['乙纸业']}/overview").json()["year"] == timezone.localdate().year
    assert reporter.get(f"/api/monitoring/enterprises/{ids['甲化工']}/overview").status_code == 404
    assert reporter.get("/api/monitoring/cities/510100/overview").status_code == 403
    assert Client().get("/api/monitoring/cities/510100/overview").status_code == 401


# -- the pages -------------------------------------------------------------------------------------
def test_pages_show_chart_tables_quality_and_alarms_in_chinese_and_english(world: dict[str, Any]) -> None:
    ids = world["ids"]
    alarm = _alarm(_mns("甲化工")[0], "open", dt.datetime(2025, 3, 9, tzinfo=dt.UTC))
    chengdu = _login("cd", "city_operator", "510100")
    page = chengdu.get(f"/monitoring/enterprises/{ids['甲化工']}/?year=2025")
    assert page.status_code == 200
    html = page.content.decode()
    view = enterprise_overview(CHENGDU, ids["甲化工"], 2025)
    assert html.count('<svg class="bars"') == len(view.pollutants) == 3  # one small chart per pollutant
    assert "化学需氧量" in html and "按月排放量" in html and 'id="monthly-emissions"' in html
    assert f"{view.totals['COD']:.4f}" in html  # the year's COD under the monthly table
    assert 'id="quality-months"' in html and _mns("甲化工")[0] in html
    whole = view.quality[0]
    assert f"{int(whole.transmission_rate * 1000) / 10:.1f}%" in html
    assert f'href="/monitoring/alarms/{alarm.pk}/"' in html and 'href="/monitoring/cities/510100/?year=2025"' in html
    assert '<option value="2025" selected>' in html
    city = chengdu.get("/monitoring/cities/510100/?year=2025").content.decode()
    assert 'id="ranking"' in city and f'href="/monitoring/enterprises/{ids["乙纸业"]}/?year=2025"' in city
    assert "丙电厂" not in city
    assert chengdu.get(f"/monitoring/enterprises/{ids['丙电厂']}/").status_code == 404
    assert chengdu.get("/monitoring/enterprises/987654321/").status_code == 404
    assert chengdu.get("/monitoring/cities/510800/").status_code == 403
    chengdu.post("/i18n/setlang/", {"language": "en"})
    english = chengdu.get("/monitoring/cities/510100/?year=2025").content.decode()
    assert "Emissions by month" in english and "Enterprises ranked by emissions" in english
    assert "chemical oxygen demand" in english


def test_list_pages_link_enterprises_and_cities(world: dict[str, Any]) -> None:
    ids = world["ids"]
    chengdu = _login("cd", "city_operator", "510100")
    enterprise_link = f'href="/monitoring/enterprises/{ids["甲化工"]}/'
    emissions = chengdu.get("/monitoring/emissions/?year=2025").content.decode()
    assert enterprise_link in emissions
    assert 'href="/monitoring/cities/510100/?year=2025"' in chengdu.get(
        "/monitoring/emissions/?year=2025&group=city").content.decode()
    quality = chengdu.get("/monitoring/quality/?year=2025&month=3").content.decode()
    assert enterprise_link in quality and 'href="/monitoring/cities/510100/' in quality
    points = chengdu.get("/monitoring/").content.decode()
    assert enterprise_link in points and 'href="/monitoring/cities/510100/"' in points
    reporter = _login("rep", "enterprise_reporter", enterprise=ids["甲化工"])
    own = reporter.get("/monitoring/").content.decode()
    assert enterprise_link in own and "/monitoring/cities/" not in own  # no link it may not open
    assert "/monitoring/cities/" not in reporter.get(f"/monitoring/enterprises/{ids['甲化工']}/").content.decode()
