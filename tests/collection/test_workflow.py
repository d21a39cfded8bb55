"""The submission workflow through the service layer: draft → submitted → returned | approved, versions,
plausibility, scope, and what the accounting then reads."""

from __future__ import annotations

import pytest

from ecer.collection.models import FrozenSubmissionError, Submission, SubmissionValue
from ecer.masterdata.models import Observation, current_observations
from ecer.services import submissions as s
from ecer.services.actor import PermissionDenied, Role

from .conftest import ANNUAL, CHENGDU, city_actor, reviewer


def _filled(period: str) -> s.SubmissionView:
    view = s.start_submission(city_actor(), "510800", period, "annual_statistics")
    return s.save_values(city_actor(), view.id, {k: (v, "") for k, v in ANNUAL.items()})


def test_whole_path_with_return_revision_and_approval(period: str) -> None:
    draft = _filled(period)
    assert draft.status == "draft" and draft.hard_count == 0 and draft.version == 1
    sent = s.submit(city_actor(), draft.id)
    assert sent.status == "submitted"
    with pytest.raises(s.SubmissionError):
        s.save_values(city_actor(), sent.id, {"gdp_current": (1.0, "")})  # frozen once submitted
    returned = s.return_submission(reviewer(), sent.id, "请核实", {"energy_total": "能耗偏低，请核实"})
    assert returned.status == "returned"
    cell = next(c for c in returned.cells if c.variable == "energy_total")
    assert cell.comments[0]["text"] == "能耗偏低，请核实"
    v2 = s.revise(city_actor(), returned.id, "")
    assert (v2.version, v2.status) == (2, "draft")
    assert next(c for c in v2.cells if c.variable == "energy_total").comments  # the comment follows the revision
    v2 = s.save_values(city_actor(), v2.id, {"energy_total": (650.0, "")})
    assert [d.variable for d in s.diff(city_actor(), v2.id) if d.changed] == ["energy_total"]
    s.submit(city_actor(), v2.id)
    approved = s.approve(reviewer(), v2.id)
    assert approved.status == "approved" and approved.batch_id is not None
    current = current_observations(["510800"], ["energy_total"], [2024]).get()
    assert current.value == 650.0 and current.batch_id == approved.batch_id
    assert f"#{v2.id}" in current.batch.file_name and "v2" in current.batch.file_name
    # Approved data are kept for ever: no edit, no delete.
    with pytest.raises(FrozenSubmissionError):
        Submission.objects.get(pk=v2.id).delete()
    with pytest.raises(FrozenSubmissionError):
        SubmissionValue.objects.filter(submission_id=v2.id).update(value=1)
    with pytest.raises(FrozenSubmissionError):
        SubmissionValue.objects.filter(submission_id=v2.id).first().save()  # type: ignore[union-attr]
    # A revision after approval is a new version with a reason.
    with pytest.raises(s.SubmissionError, match="needs a reason"):
        s.revise(city_actor(), v2.id, "")
    v3 = s.revise(city_actor(), v2.id, "统计局修订 revised by the statistics bureau")
    assert v3.version == 3 and v3.reason.startswith("统计局修订")


def test_hard_violations_block_and_soft_ones_need_an_explanation(period: str) -> None:
    view = _filled(period)
    view = s.save_values(city_actor(), view.id, {"cod_emission": (-5.0, "")})
    assert view.hard_count == 1
    with pytest.raises(s.SubmissionError, match="cod_emission = -5 is outside the valid range"):
        s.submit(city_actor(), view.id)
    # energy per GDP far outside its band: soft, needs an explanation
    view = s.save_values(city_actor(), view.id, {"cod_emission": (3.0, ""), "energy_total": (6500.0, ""), "industrial_energy": (600.0, "")})
    assert view.hard_count == 0 and view.unexplained_soft_count == 1
    with pytest.raises(s.SubmissionError, match="explanation missing"):
        s.submit(city_actor(), view.id)
    view = s.save_values(city_actor(), view.id, {"energy_total": (6500.0, "新建电解铝项目投产")})
    assert s.submit(city_actor(), view.id).status == "submitted"
    cell = next(c for c in s.get_submission(reviewer(), view.id).cells if c.variable == "energy_total")
    assert cell.findings and cell.explanation == "新建电解铝项目投产"  # what the reviewer sees


def test_required_cells_duplicates_and_closed_periods(period: str) -> None:
    view = s.start_submission(city_actor(), "510800", period, "annual_statistics")
    with pytest.raises(s.SubmissionError, match="gdp_current: 必填 / required"):
        s.submit(city_actor(), view.id)
    with pytest.raises(s.SubmissionError, match="duplicate submission"):
        s.start_submission(city_actor(), "510800", period, "annual_statistics")
    with pytest.raises(s.SubmissionError, match="period 2019 is closed"):
        s.start_submission(city_actor(), "510800", "2019", "annual_statistics")


def test_scope_foreign_regions_and_roles(period: str) -> None:
    view = _filled(period)
    chengdu = city_actor(CHENGDU, name="cd")
    for call in (lambda: s.get_submission(chengdu, view.id), lambda: s.save_values(chengdu, view.id, {}),
                 lambda: s.submit(chengdu, view.id), lambda: s.template(chengdu, view.id),
                 lambda: s.diff(chengdu, view.id)):
        with pytest.raises(PermissionDenied):
            call()
    with pytest.raises(PermissionDenied):
        s.start_submission(city_actor(), CHENGDU, period, "annual_statistics")  # a submission for another region
    with pytest.raises(PermissionDenied):
        s.get_submission(city_actor(), 999999)  # guessed ids: same answer as foreign ones
    s.submit(city_actor(), view.id)
    with pytest.raises(PermissionDenied):
        s.approve(city_actor(), view.id)  # a city cannot approve its own data
    with pytest.raises(PermissionDenied):
        s.approve(city_actor(role=Role.AUDITOR, name="aud"), view.id)
    assert s.list_submissions(chengdu) == [] and len(s.list_submissions(reviewer())) == 1
    assert [v.id for v in s.review_queue(reviewer())] == [view.id]
    assert Observation.objects.filter(region__code="510800").count() == 0  # nothing approved, nothing written


def test_todo_lists_what_is_due(period: str) -> None:
    items = s.todo(city_actor())
    assert {(i.period, i.kind, i.status) for i in items} == {
        ("2024", "annual_statistics", "due"), ("2024", "programme_indicators", "due")}
    _filled(period)
    assert {i.status for i in s.todo(city_actor()) if i.kind == "annual_statistics"} == {"draft"}


def test_each_period_has_its_deadline_and_past_deadlines_show_as_overdue(period: str) -> None:
    import datetime as dt

    from ecer.services.actor import system_actor

    s.ensure_period(system_actor(), "2022", 2022, dt.date(2023, 3, 31))  # open, deadline passed
    items = {(i.period, i.kind): i for i in s.todo(city_actor())}
    late, current = items[("2022", "annual_statistics")], items[("2024", "annual_statistics")]
    assert (late.deadline, late.overdue) == (dt.date(2023, 3, 31), True)
    assert (current.deadline, current.overdue) == (dt.date(2099, 3, 31), False)
