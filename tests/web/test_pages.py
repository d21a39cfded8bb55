"""The login page and the targets page, in Chinese and English, through the Django test client."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client

from ecer.masterdata.models import Region, Variable
from ecer.masterdata.services.observations import record_observation

BANNER = "示例数据（非官方统计）"


def test_home_requires_login(loaded: None, client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_login_with_demo_password(loaded: None, client: Client) -> None:
    page = client.get("/login/")
    assert "登录" in page.content.decode()
    bad = client.post("/login/", {"username": "province", "password": "wrong"})
    assert "用户名或密码不正确" in bad.content.decode()
    good = client.post("/login/", {"username": "province", "password": "demo-province"})
    assert good.status_code == 302 and good["Location"] == "/"


def test_home_in_chinese(province: User, client: Client) -> None:
    client.force_login(province)
    html = client.get("/targets/").content.decode()
    assert "四川省“十四五”节能减排综合工作方案" in html
    assert "川府发" in html  # document number in the plan header
    assert "单位地区生产总值能源消耗" in html
    assert 'id="target-energy_intensity"' in html
    assert "下降 ≥ 14<" in html or "下降 ≥ 14<span" in html.replace("\n", "")
    assert "2020 → 2025" in html
    assert "重点行业绿色升级工程" in html  # a programme heading
    assert "经济和信息化厅" in html  # a lead department
    assert 'href="/monitoring/"' in html and "在线监测" in html
    assert BANNER not in html  # no illustrative data loaded yet


def test_home_in_english(province: User, client: Client) -> None:
    client.force_login(province)
    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/targets/"})
    assert switched.status_code == 302
    html = client.get("/targets/").content.decode()
    assert "energy use per unit of GDP" in html
    assert "Overall targets" in html and "Monitoring" in html
    assert "单位地区生产总值能源消耗" not in html


def test_banner_shows_when_illustrative_data_is_loaded(province: User, client: Client) -> None:
    record_observation(Region.objects.get(code="510800"), 2021, Variable.objects.get(code="energy_total"),
                       1.0, is_illustrative=True)
    client.force_login(province)
    html = client.get("/targets/").content.decode()
    assert BANNER in html and "Illustrative data — not official statistics" in html


def test_static_css_is_shipped() -> None:
    css = Path(__file__).resolve().parents[2] / "src/ecer/web/static/web/ecer.css"
    assert "banner-illustrative" in css.read_text()


@pytest.mark.parametrize("path", ["/api/plans", "/api/regions", "/api/plans/sichuan-14fyp/targets"])
def test_api_read_endpoints(loaded: None, client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200, response.content
    assert response.json()


def test_api_targets_and_observations(province: User, client: Client) -> None:
    page = client.get("/api/plans/sichuan-14fyp/targets").json()
    targets = {t["code"]: t for t in page["items"]}
    assert page["count"] == len(targets)
    assert targets["energy_intensity"]["value"] == 14.0
    assert targets["energy_intensity"]["region"] == "510000"
    regions = {r["code"]: r for r in client.get("/api/regions?page_size=1000").json()["items"]}
    assert regions["510800"]["parent"] == "510000" and regions["510000"]["parent"] == "100000"
    assert client.get("/api/observations").status_code == 401
    gy, var = Region.objects.get(code="510800"), Variable.objects.get(code="energy_total")
    record_observation(gy, 2021, var, 10.0, status="approved")
    record_observation(gy, 2021, var, 11.0, status="approved")
    client.force_login(province)
    page = client.get("/api/observations?region=510800&variable=energy_total").json()
    assert [(r["year"], r["value"], r["version"]) for r in page["items"]] == [(2021, 11.0, 2)] and page["count"] == 1
    assert client.get("/api/plans/nope/targets").status_code == 404


def test_chinese_first_even_for_an_english_browser(province: User, client: Client) -> None:
    client.force_login(province)
    html = client.get("/targets/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="zh-hans">' in html and "单位地区生产总值能源消耗" in html
