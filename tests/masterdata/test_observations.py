"""Observations are append-only: a revision is a new version; the current value is the latest approved."""

from __future__ import annotations

import pytest

from ecer.masterdata.models import Observation, ObservationStatus, Region, Variable, current_observations
from ecer.masterdata.models.observations import AppendOnlyError
from ecer.masterdata.services.catalogs import load_catalogs
from ecer.masterdata.services.observations import record_observation, set_status

APPROVED = ObservationStatus.APPROVED


@pytest.fixture
def gy(catalogs: None) -> tuple[Region, Variable]:
    return Region.objects.get(code="510800"), Variable.objects.get(code="energy_total")


def test_catalogs_load_the_region_tree_idempotently(catalogs: None) -> None:
    before = Region.objects.count()
    load_catalogs()
    assert Region.objects.count() == before > 3
    sichuan = Region.objects.get(code="510000")
    assert sichuan.level == "province"
    assert "510800" in [c.code for c in Region.objects.get_children(sichuan)]
    assert Region.objects.get_parent(Region.objects.get(code="510800")).code == "510000"


def test_revision_creates_version_that_supersedes(gy: tuple[Region, Variable]) -> None:
    region, var = gy
    first = record_observation(region, 2021, var, 100.0, status=APPROVED)
    same = record_observation(region, 2021, var, 100.0, status=APPROVED)
    second = record_observation(region, 2021, var, 101.5, status=APPROVED)
    assert first.created and not same.created and second.created
    assert same.observation.pk == first.observation.pk
    assert second.observation.version == 2
    assert second.observation.supersedes_id == first.observation.pk
    assert Observation.objects.filter(region=region, year=2021, variable=var).count() == 2
    assert first.observation.unit == var.unit


def test_stored_value_cannot_be_changed(gy: tuple[Region, Variable]) -> None:
    region, var = gy
    obs = record_observation(region, 2021, var, 100.0).observation
    obs.value = 99.0
    with pytest.raises(AppendOnlyError, match="append-only"):
        obs.save()
    assert Observation.objects.get(pk=obs.pk).value == 100.0
    set_status(Observation.objects.get(pk=obs.pk), APPROVED)  # review moves are allowed
    assert Observation.objects.get(pk=obs.pk).status == APPROVED


def test_current_is_latest_approved_version(gy: tuple[Region, Variable]) -> None:
    region, var = gy
    record_observation(region, 2021, var, 100.0, status=APPROVED)
    record_observation(region, 2021, var, 105.0, status=APPROVED)
    pending = record_observation(region, 2021, var, 110.0).observation  # submitted, not yet approved
    record_observation(region, 2022, var, 120.0, status=APPROVED)
    current = {(o.year, o.value) for o in current_observations(["510800"], ["energy_total"])}
    assert current == {(2021, 105.0), (2022, 120.0)}
    set_status(pending, APPROVED)
    assert {o.value for o in current_observations(years=[2021])} == {110.0}
    set_status(pending, ObservationStatus.REJECTED)
    assert {o.value for o in current_observations(years=[2021])} == {105.0}
    assert not current_observations(region_codes=["510100"]).exists()
