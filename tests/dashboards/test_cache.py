"""Progress is computed once per data version, reused, and recomputed when the data change."""

from __future__ import annotations

import json

import pytest

from ecer.services.dashboard import cache

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_data")]
PLAN = "sichuan-14fyp"


def _json(report: object) -> object:
    return json.loads(json.dumps(report.to_dict(), ensure_ascii=False))  # type: ignore[attr-defined]


def test_report_is_computed_once_then_read_from_memory_and_from_the_snapshot() -> None:
    from ecer.accounting import progress_report
    from ecer.results.models import ProgressSnapshot
    from ecer.services.progress import key_project_cells

    cache.forget_memory()
    ProgressSnapshot.objects.all().delete()
    before = cache.stats()
    first = cache.cached_report(PLAN, 2023)
    again = cache.cached_report(PLAN, 2023)
    assert again is first
    after = cache.stats()
    assert after["computed"] == before["computed"] + 1 and after["memory"] == before["memory"] + 1
    assert ProgressSnapshot.objects.filter(plan_code=PLAN, year=2023).count() == 1
    cache.forget_memory()
    stored = cache.cached_report(PLAN, 2023)
    assert cache.stats()["snapshot"] == after["snapshot"] + 1
    fresh = progress_report(PLAN, 2023, ledger=key_project_cells(PLAN))  # the key-project actuals' sources
    # The snapshot is a JSON round trip (tuples come back as lists): compare in that form.
    assert _json(stored) == _json(fresh) == _json(first)


def test_a_new_observation_version_changes_the_data_version_and_the_report() -> None:
    from ecer.masterdata.models import Observation, Region, Variable
    from ecer.masterdata.services.observations import record_observation

    version = cache.data_version(PLAN)
    assert cache.data_version(PLAN) == version  # stable while nothing changes
    report = cache.cached_report(PLAN, 2023, version)
    old = next(r for r in report.rows if r.region_code == "510800" and r.target_code == "energy_intensity")
    current = Observation.objects.filter(region__code="510800", variable__code="energy_total", year=2023,
                                         status="approved").order_by("-version").first()
    assert current is not None
    record_observation(Region.objects.get(code="510800"), 2023, Variable.objects.get(code="energy_total"),
                       current.value * 0.9, unit=current.unit, status="approved", source="test revision")
    changed = cache.data_version(PLAN)
    assert changed.key != version.key
    new = next(r for r in cache.cached_report(PLAN, 2023, changed).rows
               if r.region_code == "510800" and r.target_code == "energy_intensity")
    assert new.actual is not None and old.actual is not None and new.actual > old.actual
