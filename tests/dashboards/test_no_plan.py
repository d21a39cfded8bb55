"""A fresh installation (only `ecer manage migrate`): the overview says no plan is loaded and how to
load one, instead of a 404; `ecer plan load` then gives the pages a plan."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from django.contrib.auth.models import User
from django.test import Client

pytestmark = [pytest.mark.django_db]


def _fresh() -> None:
    from ecer.masterdata.models import DecompositionRun, Plan, RegionalTarget

    # Inside the test's transaction (rolled back afterwards); the package's demo data may be loaded.
    RegionalTarget.objects.all().delete()
    DecompositionRun.objects.all().delete()
    Plan.objects.all().delete()


def test_overview_without_a_plan_is_a_friendly_page_for_the_logged_in_and_a_login_for_visitors() -> None:
    _fresh()
    assert Client().get("/").status_code == 302  # visitors log in first, as on every dashboard page
    client = Client()
    client.force_login(User.objects.create_user("fresh-admin", is_superuser=True))
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200 and 'id="overview-no-plan"' in html
    assert "尚未载入方案" in html and "ecer demo" in html and "ecer plan load sichuan-14fyp" in html
    client.cookies["django_language"] = "en"
    english = client.get("/").content.decode()
    assert "No plan is loaded yet" in english


def test_ecer_plan_load_loads_the_plan_the_overview_needs(settings: object) -> None:
    from ecer.cli.main import cli
    from ecer.masterdata.models import Plan

    _fresh()
    result = CliRunner().invoke(cli, ["plan", "load", "sichuan-14fyp"])
    assert result.exit_code == 0, result.output
    assert "sichuan-14fyp" in result.output and "loaded" in result.output
    assert Plan.objects.filter(code="sichuan-14fyp").exists()
    again = CliRunner().invoke(cli, ["plan", "load", "sichuan-14fyp"])
    assert "unchanged" in again.output
    refused = CliRunner().invoke(cli, ["plan", "load", "sichuan-14fyp", "--user", "nobody-here"])
    assert refused.exit_code != 0
