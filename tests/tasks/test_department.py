"""The department role: bound to a plan department, it sees the tasks it leads or co-leads, reports
only for the tasks it answers for, and sees no city's statistics or scores."""

from __future__ import annotations

import pytest

from ecer.services import tasks as svc
from ecer.services.actor import PermissionDenied, Role, visible_region_codes
from ecer.services.errors import InvalidRequest, NotFound
from tasks.conftest import DRC_LEADS, ECO_ONLY, SHARED, actor, task_id

pytestmark = pytest.mark.usefixtures("plan")


def test_a_department_user_is_bound_to_its_department_and_to_no_region() -> None:
    drc = actor("ndrc", "department", "510000", "drc")
    assert drc.role == Role.DEPARTMENT and drc.department_code == "drc"
    assert drc.region_code is None and visible_region_codes(drc) == frozenset()


def test_a_department_sees_the_tasks_it_leads_or_co_leads_only() -> None:
    drc = actor("ndrc", "department", None, "drc")
    codes = {r.code for r in svc.list_tasks(actor=drc)}
    assert DRC_LEADS in codes and SHARED in codes and ECO_ONLY not in codes
    eco = {r.code for r in svc.list_tasks(actor=actor("eco", "department", None, "eco_env"))}
    assert ECO_ONLY in eco and DRC_LEADS in eco  # eco_env is co-responsible for the corridors
    with pytest.raises(NotFound):
        svc.task_detail(task_id(ECO_ONLY), actor=drc)
    province = svc.list_tasks(actor=actor("rev", "province_reviewer", "510000"))
    assert len(province) == 51 and {r.kind for r in province} == {"task", "mechanism", "arrangement"}
    assert [r.code for r in svc.list_tasks(actor=drc, kind="arrangement")] == ["organisation_and_leadership",
                                                                                 "supervision_and_assessment",
                                                                                 "public_action"]


def test_an_unbound_department_user_sees_nothing_and_city_users_are_refused() -> None:
    assert svc.list_tasks(actor=actor("nobody", "department", None, None)) == []
    with pytest.raises(PermissionDenied):
        svc.list_tasks(actor=actor("gy", "city_operator", "510800"))
    with pytest.raises(PermissionDenied):
        svc.list_tasks(actor=actor("ent", "enterprise_reporter", None))


def test_a_department_reports_its_own_task_and_not_another_s() -> None:
    drc = actor("ndrc", "department", None, "drc")
    year = svc.report(task_id(DRC_LEADS), 2024, actor=drc, status="on_track", milestones="a\nb",
                      self_assessment="ok", self_score=80)
    assert (year.status, year.milestones, year.self_score, year.reported_by) == ("on_track", ["a", "b"], 80, "ndrc")
    # eco_env is only co-responsible for the corridors (the clause names leads): it reads, does not report
    eco = actor("eco", "department", None, "eco_env")
    with pytest.raises(PermissionDenied):
        svc.report(task_id(DRC_LEADS), 2024, actor=eco, status="done")
    with pytest.raises(NotFound):  # not its task at all
        svc.report(task_id(ECO_ONLY), 2024, actor=drc, status="done")
    # no lead named: every listed department reports
    assert svc.report(task_id(SHARED), 2024, actor=eco, status="delayed").status == "delayed"
    for who in (actor("aud", "auditor"), actor("rev", "province_reviewer", "510000"),
                actor("prov", "province_admin", "510000")):
        with pytest.raises(PermissionDenied):
            svc.report(task_id(DRC_LEADS), 2024, actor=who, status="done")


def test_bad_reports_are_refused() -> None:
    drc = actor("ndrc", "department", None, "drc")
    t = task_id(DRC_LEADS)
    for kwargs in ({"status": "finished"}, {"status": "on_track", "self_score": 101},
                   {"status": "on_track", "url": "ftp://x"}, {"status": "done"},
                   {"status": "on_track", "upload": svc.Upload("e.pdf", b"")}):
        with pytest.raises(InvalidRequest):
            svc.report(t, 2024, actor=drc, **kwargs)  # type: ignore[arg-type]
    with pytest.raises(InvalidRequest):
        svc.report(t, 2020, actor=drc, status="on_track")  # the base year is not a year of the plan's work


def test_done_needs_evidence_and_a_file_is_stored_by_its_sha256() -> None:
    import hashlib

    drc = actor("ndrc", "department", None, "drc")
    t = task_id(DRC_LEADS)
    data = b"%PDF-1.4 charging stations built in 2024"
    year = svc.report(t, 2024, actor=drc, status="done", evidence_title="2024 台账", upload=svc.Upload("x.pdf", data))
    [ev] = year.evidence
    assert ev.sha256 == hashlib.sha256(data).hexdigest() and ev.size == len(data) and ev.title == "2024 台账"
    path, name = svc.evidence_file(ev.id, actor=drc)
    assert path.read_bytes() == data and name == "x.pdf"
    assert svc.report(t, 2024, actor=drc, status="done").status == "done"  # evidence on record suffices
    with pytest.raises(NotFound):
        svc.evidence_file(ev.id, actor=actor("eco2", "department", None, "water"))  # not its task
    assert [e.action for e in svc.task_detail(t, actor=drc).years[3].events] == ["report", "evidence", "report"]


def test_every_report_is_in_the_audit_log() -> None:
    from ecer.audit.models import AuditEntry

    drc = actor("ndrc", "department", None, "drc")
    svc.report(task_id(DRC_LEADS), 2023, actor=drc, status="on_track", url="https://example.org/report")
    actions = list(AuditEntry.objects.filter(obj_type="task_year").values_list("action", "obj_id", "username"))
    assert actions == [("task.report", f"sichuan-14fyp:{DRC_LEADS}:2023", "ndrc"),
                       ("task.evidence", f"sichuan-14fyp:{DRC_LEADS}:2023", "ndrc")]
