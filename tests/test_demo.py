"""`ecer demo --no-serve` builds a complete installation, and running it again changes nothing."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from django.contrib.auth import authenticate
from django.contrib.auth.models import User

from ecer.cli.main import cli
from ecer.masterdata.models import (
    DecompositionRun,
    ImportBatch,
    Observation,
    Plan,
    Region,
    RegionalTarget,
    Target,
)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: object) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]


@pytest.mark.django_db(transaction=True)
def test_demo_no_serve_twice() -> None:
    runner = CliRunner()
    first = runner.invoke(cli, ["demo", "--no-serve"])
    assert first.exit_code == 0, first.output + repr(first.exception)
    assert "province" in first.output and "demo-province" in first.output
    assert "示例数据（非官方统计）" in first.output and "not official statistics" in first.output
    counts = (Region.objects.count(), Plan.objects.count(), Target.objects.count(),
              Observation.objects.count(), ImportBatch.objects.count(), User.objects.count())
    assert Plan.objects.filter(code="sichuan-14fyp").exists()
    assert Target.objects.filter(plan__code="sichuan-14fyp", code="energy_intensity").exists()
    assert Observation.objects.count() > 1000
    assert Observation.objects.filter(is_illustrative=False).count() == 0
    assert Observation.objects.exclude(status="approved").count() == 0
    user = User.objects.get(username="guangyuan")
    assert user.password.startswith("md5$")  # stored hashed, never in clear
    assert user.ecer_profile.region.code == "510800"
    assert user.groups.filter(name="city_staff").exists()
    assert authenticate(username="auditor", password="demo-auditor") is not None
    # the city targets are the decomposed (illustrative) ones, with their run as provenance
    assert "目标分解 / decomposition: 21 city targets" in first.output
    decomposed = RegionalTarget.objects.filter(plan__code="sichuan-14fyp", indicator__code="energy_intensity")
    assert decomposed.count() == 21 and not decomposed.filter(decomposition=None).exists()
    assert DecompositionRun.objects.get().is_illustrative

    second = runner.invoke(cli, ["demo", "--no-serve"])
    assert second.exit_code == 0, second.output + repr(second.exception)
    assert "already imported" in second.output and "(unchanged)" in second.output
    assert "unchanged; 示例分解" in second.output and DecompositionRun.objects.count() == 1
    assert counts == (Region.objects.count(), Plan.objects.count(), Target.objects.count(),
                      Observation.objects.count(), ImportBatch.objects.count(), User.objects.count())
