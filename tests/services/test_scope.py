"""Scope is applied in the service layer: a city account sees its city only, in the CLI (via
`--user`), the API and the services themselves; a foreign region is refused, not filtered."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.contrib.auth.models import User
from django.test import Client

from ecer.cli.main import cli
from ecer.masterdata.models import Region, Variable
from ecer.masterdata.services.observations import record_observation
from ecer.services.actor import PermissionDenied, Role, actor_for_user, anonymous_actor, require_role


@pytest.fixture
def accounts(db: None) -> None:
    from ecer.masterdata.services.accounts import ensure_demo_accounts
    from ecer.masterdata.services.catalogs import load_catalogs
    from ecer.masterdata.services.plans import load_plan_into_db

    load_catalogs()
    load_plan_into_db("sichuan-14fyp")
    ensure_demo_accounts()
    energy = Variable.objects.get(code="energy_total")
    for code, value in (("510800", 10.0), ("510100", 20.0)):
        record_observation(Region.objects.get(code=code), 2021, energy, value, status="approved")


def test_api_observations_are_cut_to_the_city_and_foreign_regions_refused(accounts: None) -> None:
    client = Client()
    client.force_login(User.objects.get(username="guangyuan"))
    page = client.get("/api/observations?variable=energy_total").json()
    assert {r["region"] for r in page["items"]} == {"510800"} and page["count"] == 1
    refused = client.get("/api/observations?region=510100")
    assert refused.status_code == 403 and "510100" in refused.json()["detail"]
    client.force_login(User.objects.get(username="province"))
    assert client.get("/api/observations?variable=energy_total").json()["count"] == 2


def test_progress_service_scope(accounts: None) -> None:
    from ecer.services.progress import default_regions, progress_report

    city = actor_for_user(User.objects.get(username="guangyuan"))
    assert default_regions("sichuan-14fyp", city) == ["510800"]
    with pytest.raises(PermissionDenied):
        progress_report("sichuan-14fyp", 2021, ["成都"], actor=city)
    assert len(default_regions("sichuan-14fyp", actor_for_user(User.objects.get(username="province")))) == 22


def test_cli_user_option_applies_the_accounts_scope(accounts: None) -> None:
    denied = CliRunner().invoke(cli, ["progress", "--year", "2021", "--region", "510100", "--user", "guangyuan"])
    assert denied.exit_code == 1 and "may not read region(s) 510100" in denied.output
    unknown = CliRunner().invoke(cli, ["progress", "--year", "2021", "--user", "nobody"])
    assert unknown.exit_code == 2 and "nobody" in unknown.output
    mine = CliRunner().invoke(cli, ["progress", "--year", "2021", "--format", "json", "--user", "guangyuan"])
    assert mine.exit_code == 0, mine.output
    assert {r["region_code"] for r in json.loads(mine.stdout)["rows"]} == {"510800"}


def test_statistics_import_refuses_rows_of_other_regions(accounts: None, tmp_path: Path) -> None:
    from ecer.services.statistics import import_statistics

    path = tmp_path / "s.csv"
    path.write_text("region_code,year,variable,value,unit,source,note\n"
                    "510800,2022,energy_total,11,10k_tce,test,\n510100,2022,energy_total,21,10k_tce,test,\n",
                    encoding="utf-8")
    city = actor_for_user(User.objects.get(username="guangyuan"))
    with pytest.raises(PermissionDenied, match="row 3 \\(510100\\)"):
        import_statistics(path, actor=city)
    auditor = actor_for_user(User.objects.get(username="auditor"))
    with pytest.raises(PermissionDenied):
        import_statistics(path, actor=auditor)


def test_anonymous_actor_sees_nothing_and_may_do_nothing() -> None:
    from ecer.services.actor import visible_region_codes

    anon = anonymous_actor()
    assert visible_region_codes(anon) == frozenset()
    with pytest.raises(PermissionDenied):
        require_role(anon, Role.CITY_OPERATOR)


def test_monitoring_list_shows_region_names(accounts: None) -> None:
    from ecer.monitoring.demo import seed_demo_registry

    seed_demo_registry()
    client = Client()
    client.force_login(User.objects.get(username="province"))
    html = client.get("/monitoring/").content.decode()
    # the city's name (a link to its monitoring page for those who may open cities), its code as the title
    assert 'class="region" title="510100"><a href="/monitoring/cities/510100/">成都市</a>' in html
    client.cookies["django_language"] = "en"
    assert 'href="/monitoring/cities/510100/">Chengdu' in client.get("/monitoring/").content.decode()


def test_a_job_keeps_the_whole_actor_an_enterprise_reporter_included() -> None:
    """A background job acts with the scope of whoever started it: the enterprise a reporter is bound
    to travels with the job (without it the job would see no enterprise at all)."""
    import json

    from ecer.services.actor import Actor, Role, actor_from_params, actor_params

    for actor in (Actor("ent", Role.ENTERPRISE_REPORTER, enterprise_id=7, user_id=3),
                  Actor("gy", Role.CITY_OPERATOR, "510800", frozenset({"510800", "510802"}), user_id=4)):
        assert actor_from_params(json.loads(json.dumps(actor_params(actor)))) == actor
