"""The assessment pages and API: the figures shown are the assessment service's (the one behind
`ecer assess`), every figure links to its computation, scope holds, English on request."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from dashboards.pages_support import logged_in as _client
from dashboards.pages_support import text_of as _text
from ecer.accounting.report import format_number
from ecer.services.actor import actor_for_user, system_actor
from ecer.services.assess import assess
from ecer.services.dashboard.assessment import assessment_page

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_data")]




def test_the_period_list_links_the_assessable_periods() -> None:
    html = _client("province").get("/assessment/").content.decode()
    assert 'href="/assessment/annual:2023/"' in html and 'href="/assessment/midterm/"' in html
    assert 'href="/assessment/final/"' not in html and "2025年尚无已审核数据" in html  # no 2025 data in the demo
    assert 'href="/assessment/"' in html  # the nav link


def test_a_period_shows_what_ecer_assess_computes_with_links_to_each_computation() -> None:
    cli = {r.region_code: r for r in assess("annual:2023", actor=system_actor(), measures="demo").results}
    page = assessment_page("annual:2023", actor=system_actor())
    html = _client("province").get("/assessment/annual:2023/").content.decode()
    assert len(page.cities) == 21 and {c.code for c in page.cities} == set(cli)
    for c in page.cities:
        r = cli[c.code]
        assert (c.total, c.score, c.veto) == (r.total, r.score, r.veto_applied) and c.grade_name == r.grade.name_zh
        row = re.search(rf'<tr id="city-{c.code}".*?</tr>', html, re.S)[0]
        text = _text(row)
        for figure in (c.achieved_pct, c.required_pct, c.base_points, c.measures_points, c.total):
            assert format_number(figure) in text
        assert c.grade_name in text and str(c.rank) in text  # the grade is written, not only coloured
        assert f'href="/why/{c.code}/energy_intensity/2023/"' in row and f'href="#measures-{c.code}"' in row
        assert ("一票否决" in text) == c.veto
        assert sum(i.points for i in c.items) == pytest.approx(c.measures_points)
        assert f'id="measures-{c.code}"' in html and f'id="explain-{c.code}"' in html
    ranks = [c.rank for c in page.cities]
    assert ranks == sorted(ranks) and ranks[0] == 1
    vetoed = [c for c in page.cities if c.veto]
    assert vetoed and all(c.grade_code == "not_completed" for c in vetoed)
    assert page.vetoed == len(vetoed) and "illustrative-measures-2023.csv" in html and "示例评分" in html


def test_a_city_sees_its_own_row_with_its_rank_in_the_province_and_the_api_agrees() -> None:
    everyone = {c.code: c for c in assessment_page("annual:2023", actor=system_actor()).cities}
    user = User.objects.get(username="guangyuan")
    own = assessment_page("annual:2023", actor=actor_for_user(user))
    assert [c.code for c in own.cities] == ["510800"] and own.cities[0] == everyone["510800"]
    html = _client("guangyuan").get("/assessment/annual:2023/").content.decode()
    assert 'id="city-510800"' in html and 'id="city-510100"' not in html and "名次为全省排名" in html
    data = _client("guangyuan").get("/api/assessment/annual:2023").json()
    assert [c["code"] for c in data["cities"]] == ["510800"]
    assert data["cities"][0]["total"] == everyone["510800"].total and data["cities"][0]["rank"] == everyone["510800"].rank
    province = _client("auditor").get("/api/assessment/annual:2023").json()
    assert len(province["cities"]) == 21 and province["measures"]["illustrative"] is True


def test_unknown_or_unassessable_periods_say_why_and_english_on_request() -> None:
    client = _client("province")
    assert client.get("/assessment/annual:1999/").status_code == 404
    response = client.get("/assessment/final/")
    assert response.status_code == 400 and "2025" in response.content.decode()
    assert client.get("/assessment/?period=midterm").url == "/assessment/midterm/"
    assert Client().get("/assessment/annual:2023/").status_code == 302
    assert Client().get("/api/assessment/annual:2023").status_code == 401
    client.cookies["django_language"] = "en"
    html = client.get("/assessment/annual:2023/").content.decode()
    assert "annual evaluation 2023" in html and "Guangyuan" in html and "not completed" in html


def test_a_year_the_data_cannot_complete_is_422_with_the_reason_not_a_server_error() -> None:
    from ecer.masterdata.models.observations import Observation

    Observation.objects.filter(region__code="510800", year=2023).delete()  # 广元's 2023 statistics
    response = _client("province").get("/assessment/annual:2023/")
    body = response.content.decode()
    assert response.status_code == 422, body[:500]
    assert "根据现有数据无法计算" in body and "2023" in body and ("510800" in body or "广元" in body)
    # the place is named for a reader, beside the codes the core uses
    assert "广元市 (510800)" in body and "原因" in body, body[body.find("problem"):][:800]
