"""Every role × every page and API operation × own scope / foreign scope, with guessed ids.

The routes are enumerated from the URL configuration and the OpenAPI document: a route or an API
operation added later fails `test_every_route_and_operation_has_a_case` until it gets a case here.

Each demo account (one per role) and a visitor who is not logged in asks for the records of both
cities (Guangyuan 510800, Chengdu 510100) and of nobody (ids that do not exist): import batches,
observations, submissions in every state and their versions, uploads and other jobs, monitoring
devices, decomposition runs, API tokens, the audit log. Reads and writes (POST/PUT on foreign ids)
alike. The rule:

- allowed → not refused (and listings show nothing outside the actor's scope);
- refused → 401/403/404 (pages: or the login redirect), and for a guessed id the *same* answer as
  for an id that does not exist (ids cannot be probed);
- nothing leaves a trace: every table's row count and content hash is the same before and after
  (the audit log included: refusals are not audit events, see docs/roles.md), and no job file is
  written.

Writes that are allowed (an operator saving its own draft) change data by design; they are not sent
here, tests/collection drives them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from ecer.jobs.models import Job
from ecer.masterdata.models import DecompositionRun, ImportBatch, Indicator, Plan, Region, Variable
from ecer.masterdata.services.observations import record_observation
from ecer.monitoring.demo import seed_demo_registry
from ecer.monitoring.models import Device
from ecer.services import submissions
from ecer.services.actor import system_actor
from ecer.services.tokens import create_token

GY, CD = "510800", "510100"
ENTERPRISE_REGION = "510700"  # the demo enterprise reporter's enterprise is registered there
ROLE = {"province": "province_admin", "province-reviewer": "province_reviewer", "guangyuan": "city_operator",
        "guangyuan-reviewer": "city_reviewer", "chengdu": "city_operator", "enterprise": "enterprise_reporter",
        "auditor": "auditor", "dept-ndrc": "department", None: "anonymous"}
USERS = list(ROLE)
HOME = {"guangyuan": GY, "guangyuan-reviewer": GY, "chengdu": CD}
SEES_ALL = {"province", "province-reviewer", "auditor"}
OPERATOR = {GY: "guangyuan", CD: "chengdu"}  # whose jobs and tokens a side's are
MISSING = "missing"  # the side whose ids exist nowhere

GUESS_REPORT = 987654321  # an energy-report id that exists nowhere


@dataclass(frozen=True)
class Side:
    """One city's records as another user would guess them (or ids that exist nowhere)."""

    region: str
    batch: int
    observation: int
    draft: int  # a submission being filled in
    submitted: int  # one waiting for review
    approved: int  # one approved (its observations are the region's current values)
    job: str  # an upload job of the city's operator
    device: str  # MN of a device of an enterprise in the region
    token: int  # an API token of the city's operator
    unit: str = "NO-SUCH-UNIT"  # credit code of a key energy-using unit in the region
    enterprise: int = 0  # id of the monitored enterprise of `device`
    project: str = "NO-SUCH-PROJECT"  # code of a key project in the region
    report: int = GUESS_REPORT  # id of a submitted annual energy report of `unit`
    case: int = 987654321  # an open verification case of `project`
    proposal: int = 987654321  # a submitted ledger change proposal of the city's operator for `project`
    two_high: str = "NO-SUCH-TWO-HIGH"  # code of a 两高 project in the region


# ---------------------------------------------------------------------------------------------------
# Who may do what: scope kinds and rules.

def in_scope(user: str | None, kind: str, side: str) -> bool:
    """Is `side`'s record of this kind within the user's scope?"""
    if user is None or side == MISSING:
        return False
    if kind == "job":  # a job is its owner's (and the province's)
        return user in SEES_ALL or OPERATOR.get(side) == user
    if kind == "token":  # a token is its owner's (and the province administrator's, who may revoke any)
        return user == "province" or OPERATOR.get(side) == user
    if kind in ("device", "enterprise") and user == "enterprise":
        return side == ENTERPRISE_REGION
    if kind == "run":  # plan-level: readable like the plan (its rows are cut to the scope)
        return True
    return user in SEES_ALL or HOME.get(user) == side


def role_is(*roles: str) -> Callable[[str | None], bool]:
    return lambda user: ROLE[user] in roles


NOBODY: Callable[[str | None], bool] = lambda user: False  # noqa: E731
GUESS = 987654321  # an id that exists nowhere
ANYONE: Callable[[str | None], bool] = lambda user: True  # noqa: E731
LOGGED_IN: Callable[[str | None], bool] = lambda user: user is not None  # noqa: E731
OPERATORS = role_is("city_operator")
REVIEWERS = role_is("province_admin", "province_reviewer")
QUEUE_READERS = role_is("province_admin", "province_reviewer", "auditor", "city_reviewer")
AUDIT_READERS = role_is("province_admin", "auditor")
PROVINCE = role_is("province_admin", "province_reviewer", "auditor")
REGISTER_KEEPERS = role_is("province_admin", "city_operator")
PROPOSERS = role_is("province_admin", "city_operator", "enterprise_reporter")  # in scope (own for a reporter)
EVIDENCE_ADDERS = role_is("province_admin", "city_operator", "enterprise_reporter")  # in scope (own for a reporter)
RECONCILERS = role_is("province_admin", "province_reviewer", "city_operator", "city_reviewer")
TWO_HIGH_READERS = role_is("province_admin", "province_reviewer", "auditor", "city_operator", "city_reviewer")
TWO_HIGH_DECIDERS = role_is("province_admin", "city_operator")
TASK_READERS = role_is("province_admin", "province_reviewer", "auditor", "department")
DEPARTMENTS = role_is("department")
FILERS = role_is("enterprise_reporter")  # annual energy reports: the enterprise files its own
CITY_DECIDERS = role_is("city_reviewer")  # the reviewer of the enterprise's city decides it
JOB_STARTERS = role_is("province_admin", "province_reviewer", "city_operator", "city_reviewer", "enterprise_reporter",
                       "department")  # a report is cut to the actor's scope: empty for an enterprise or a department


@dataclass(frozen=True)
class Route:
    """How to call a route for a side's record, and who may.

    scope: None (no record: the role alone decides), or the kind of record the URL names ("region",
    "job", "device", "enterprise", "token", "run"). `who`: roles that may, given the record is in scope. A write
    (`method` other than GET) is only sent when it must be refused."""

    scope: str | None
    url: Callable[[Side], str]
    who: Callable[[str | None], bool] = LOGGED_IN
    method: str = "GET"
    body: Callable[[Side], dict[str, Any]] | None = None
    json: bool = False
    listing: bool = False  # the answer must not show devices or regions outside the scope
    probe: bool = False  # anyone; only a server error is wrong (readiness: 503 without a gateway)
    ids: bool = True  # the URL names a record by id: a guessed id answers like a missing one

    @property
    def writes(self) -> bool:
        return self.method != "GET"


def _upload(side: Side) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {"file": SimpleUploadedFile("data.csv", b"variable,value\ngdp_current,1\n", "text/csv")}


START = {"period": "2024", "kind": "annual_statistics"}
VALUES = {"values": {"gdp_current": {"value": 1.0, "explanation": "x"}}}

#: Pages, by URL name.
PAGES: dict[str, Route] = {
    "healthz": Route(None, lambda s: "/healthz", ANYONE),
    "readyz": Route(None, lambda s: "/readyz", ANYONE, probe=True),
    "login": Route(None, lambda s: "/login/", ANYONE),
    "set_language": Route(None, lambda s: "/i18n/setlang/", ANYONE, "POST", lambda s: {"language": "zh-hans"},
                          probe=True),
    "totp-verify": Route(None, lambda s: "/login/verify/", ANYONE, probe=True),
    "totp-setup": Route(None, lambda s: "/account/totp/"),
    "api:openapi-json": Route(None, lambda s: "/api/openapi.json", ANYONE),
    "api:openapi-view": Route(None, lambda s: "/api/docs", ANYONE),
    "api:api-root": Route(None, lambda s: "/api/", ANYONE, probe=True),
    "home": Route(None, lambda s: "/"),
    "targets": Route(None, lambda s: "/targets/"),
    "map-outlines": Route(None, lambda s: "/map/outlines.geojson"),
    "indicators": Route(None, lambda s: "/indicators/"),
    "indicator": Route(None, lambda s: "/indicators/energy_intensity/"),
    "region": Route("region", lambda s: f"/regions/{s.region}/", ids=False),
    "why": Route("region", lambda s: f"/why/{s.region}/energy_intensity/2023/", ids=False),
    "batch": Route("region", lambda s: f"/data/batches/{s.batch}/"),
    "observation": Route("region", lambda s: f"/data/observations/{s.observation}/"),
    "decompositions": Route(None, lambda s: "/decomposition/"),
    "decomposition": Route("run", lambda s: f"/decomposition/{RUN[s.region]}/"),
    "monitoring:points": Route(None, lambda s: "/monitoring/", listing=True),
    "monitoring:device": Route("device", lambda s: f"/monitoring/devices/{s.device}/"),
    "monitoring:rollups": Route("device", lambda s: f"/monitoring/devices/{s.device}/rollups/"),
    "monitoring:emissions": Route(None, lambda s: "/monitoring/emissions/?group=point", listing=True),
    "monitoring:quality": Route(None, lambda s: "/monitoring/quality/", listing=True),
    "monitoring:enterprise": Route("enterprise", lambda s: f"/monitoring/enterprises/{s.enterprise}/", listing=True),
    "monitoring:city": Route("region", lambda s: f"/monitoring/cities/{s.region}/", ids=False, listing=True),
    "jobs:job": Route("job", lambda s: f"/jobs/{s.job}/"),
    "jobs:status": Route("job", lambda s: f"/jobs/{s.job}/status/"),
    "jobs:problems": Route("job", lambda s: f"/jobs/{s.job}/problems.csv"),
    "jobs:file": Route("job", lambda s: f"/jobs/{s.job}/file/", probe=True),  # 404 when the job left no file
    "assessments": Route(None, lambda s: "/assessment/"),
    # 422 here: the matrix's two cities do not make a complete assessment year; scope: tests/dashboards
    "assessment": Route(None, lambda s: "/assessment/annual:2021/", probe=True),
    "monitoring:alarms": Route(None, lambda s: "/monitoring/alarms/?status=all", listing=True),
    # a report's content is scoped by the services (tests/reports); the page itself is for every account
    "reports:index": Route(None, lambda s: "/reports/"),
    # A guessed alarm id (none exists here) is refused for everyone and changes nothing; one real
    # alarm's own / foreign-city / auditor cases are in tests/alarms.
    "monitoring:alarm": Route(None, lambda s: f"/monitoring/alarms/{GUESS}/", NOBODY),
    "monitoring:alarm-acknowledge": Route(None, lambda s: f"/monitoring/alarms/{GUESS}/acknowledge/", NOBODY,
                                          "POST", lambda s: {}),
    "monitoring:alarm-close": Route(None, lambda s: f"/monitoring/alarms/{GUESS}/close/", NOBODY, "POST",
                                    lambda s: {}),
    "tokens": Route(None, lambda s: "/account/tokens/"),
    "token-revoke": Route("token", lambda s: f"/account/tokens/{s.token}/revoke/", LOGGED_IN, "POST", lambda s: {}),
    "audit": Route(None, lambda s: "/audit/", AUDIT_READERS),
    "energy:units": Route(None, lambda s: "/energy/units/", listing=True),
    "energy:unit": Route("region", lambda s: f"/energy/units/{s.unit}/"),
    "energy:export": Route(None, lambda s: "/energy/units/export.xlsx"),
    "energy:template": Route(None, lambda s: "/energy/units/template.xlsx"),
    "energy:import": Route(None, lambda s: "/energy/units/import/", REGISTER_KEEPERS, "POST", _upload),
    # budgets and reconciliation: listings cut to the scope; a guessed case id answers like a missing one
    "energy:budgets": Route(None, lambda s: "/energy/budgets/?year=2026", listing=True),
    "energy:budgets-allocate": Route(None, lambda s: "/energy/budgets/allocate/", REGISTER_KEEPERS, "POST",
                                     lambda s: {"region": GY, "year": "2026", "total_tce": "1000"}),
    "energy:budgets-issued": Route(None, lambda s: "/energy/budgets/issued/", REGISTER_KEEPERS, "POST", _upload),
    "energy:budgets-template": Route(None, lambda s: "/energy/budgets/template.xlsx"),
    "energy:budgets-export": Route(None, lambda s: "/energy/budgets/export.xlsx?year=2026"),
    "energy:inspection": Route(None, lambda s: "/energy/budgets/inspection/?year=2026", listing=True),
    "energy:reconciliation": Route(None, lambda s: "/energy/reconciliation/?year=2023", listing=True),
    "energy:reconciliation-run": Route(None, lambda s: "/energy/reconciliation/run/", RECONCILERS, "POST",
                                       lambda s: {"year": "2023"}),
    "energy:reconciliation-export": Route(None, lambda s: "/energy/reconciliation/export.xlsx?year=2023"),
    "energy:reconciliation-resolve": Route(None, lambda s: f"/energy/reconciliation/cases/{GUESS}/resolve/", NOBODY,
                                           "POST", lambda s: {"note": "x"}),
    # task tracking: a task that dept-ndrc (省发展改革委) leads; other departments' tasks: tests/tasks
    "tasks:list": Route(None, lambda s: "/tasks/", TASK_READERS),
    "tasks:detail": Route(None, lambda s: f"/tasks/{TASK['drc']}/", TASK_READERS),
    "tasks:export": Route(None, lambda s: "/tasks/export.xlsx", TASK_READERS),
    # 两高一低: the register lists the caller's regions only; a decision on a foreign project is refused
    "twohigh:register": Route(None, lambda s: "/two-high/", TWO_HIGH_READERS, listing=True),
    "twohigh:export": Route(None, lambda s: "/two-high/export.xlsx", TWO_HIGH_READERS),
    "twohigh:decide": Route("region", lambda s: f"/two-high/{s.two_high}/decision/", TWO_HIGH_DECIDERS, "POST",
                            lambda s: {"decision": "stop", "deadline": "2030-01-01"}),
    "tasks:report": Route(None, lambda s: f"/tasks/{TASK['drc']}/report/", DEPARTMENTS, "POST",
                          lambda s: {"year": "2024", "status": "on_track"}),
    "tasks:score": Route(None, lambda s: f"/tasks/{TASK['drc']}/score/", REVIEWERS, "POST",
                         lambda s: {"year": "2024", "region": GY, "points": "1"}),
    "tasks:evidence": Route(None, lambda s: f"/tasks/evidence/{GUESS}/", NOBODY),
    "energy:reports": Route(None, lambda s: "/energy/reports/", listing=True),
    "energy:report_start": Route("enterprise", lambda s: "/energy/reports/start/", FILERS, "POST",
                                 lambda s: {"unit": s.unit, "period": "2024"}),
    "energy:report": Route("enterprise", lambda s: f"/energy/reports/{s.report}/"),
    "energy:report_save": Route("enterprise", lambda s: f"/energy/reports/{s.report}/save/", FILERS, "POST",
                                lambda s: {"energy-rows": "0", "then": "submit"}),
    "energy:report_decide": Route("enterprise", lambda s: f"/energy/reports/{s.report}/decide/", CITY_DECIDERS,
                                  "POST", lambda s: {"decision": "approve"}),
    "energy:report_revise": Route("enterprise", lambda s: f"/energy/reports/{s.report}/revise/", FILERS, "POST",
                                  lambda s: {"reason": "x"}),
    "energy:report_export": Route("enterprise", lambda s: f"/energy/reports/{s.report}/export.xlsx"),
    "projects:list": Route(None, lambda s: "/projects/", listing=True),
    "projects:detail": Route("region", lambda s: f"/projects/{s.project}/"),
    "projects:export": Route(None, lambda s: "/projects/export.xlsx"),
    "projects:template": Route(None, lambda s: "/projects/template.xlsx"),
    "projects:import": Route(None, lambda s: "/projects/import/", PROPOSERS, "POST", _upload),
    "projects:evidence": Route("region", lambda s: f"/projects/{s.project}/evidence/", EVIDENCE_ADDERS, "POST",
                               _upload),
    # a guessed evidence id (none exists here) answers like a missing one for everyone; real evidence: tests/projects
    "projects:evidence_file": Route(None, lambda s: f"/projects/{s.project}/evidence/{GUESS}/", NOBODY),
    # ledger change proposals: the city operator's own, submitted; deciding it is the province's
    "projects:proposals": Route(None, lambda s: "/projects/proposals/", listing=True),
    "projects:proposal": Route("region", lambda s: f"/projects/proposals/{s.proposal}/"),
    "projects:proposal_file": Route("region", lambda s: f"/projects/proposals/{s.proposal}/file.xlsx"),
    "projects:proposal_submit": Route("region", lambda s: f"/projects/proposals/{s.proposal}/submit/", OPERATORS,
                                      "POST", lambda s: {}),
    "projects:proposal_return": Route("region", lambda s: f"/projects/proposals/{s.proposal}/return/", REVIEWERS,
                                      "POST", lambda s: {"comment": "x"}),
    "projects:proposal_approve": Route("region", lambda s: f"/projects/proposals/{s.proposal}/approve/", REVIEWERS,
                                       "POST", lambda s: {}),
    # verification cases: readable with their project, resolved and re-run by the province's reviewers
    "projects:cases": Route(None, lambda s: "/projects/cases/?status=", listing=True),
    "projects:case": Route("region", lambda s: f"/projects/cases/{s.case}/"),
    "projects:case_resolve": Route("region", lambda s: f"/projects/cases/{s.case}/resolve/", REVIEWERS, "POST",
                                   lambda s: {"decision": "dismissed", "reason": "x"}),
    "projects:verify": Route(None, lambda s: "/projects/cases/verify/", REVIEWERS, "POST", lambda s: {}),
    "projects:propose": Route("region", lambda s: f"/projects/{s.project}/propose/", PROPOSERS, "POST",
                              lambda s: {"cells": "name = x"}),
    "collection:todo": Route(None, lambda s: "/collection/", listing=True),
    "collection:queue": Route(None, lambda s: "/collection/review/", QUEUE_READERS, listing=True),
    "collection:start": Route("region", lambda s: "/collection/start/", OPERATORS, "POST",
                              lambda s: {**START, "region": s.region}, ids=False),
    "collection:detail": Route("region", lambda s: f"/collection/{s.draft}/"),
    "collection:history": Route("region", lambda s: f"/collection/{s.approved}/history/"),
    "collection:template": Route("region", lambda s: f"/collection/{s.draft}/template.xlsx"),
    "collection:save": Route("region", lambda s: f"/collection/{s.draft}/save/", OPERATORS, "POST",
                             lambda s: {"value_gdp_current": "1", "action": "submit"}),
    "collection:upload": Route("region", lambda s: f"/collection/{s.draft}/upload/", OPERATORS, "POST", _upload),
    "collection:decide": Route("region", lambda s: f"/collection/{s.submitted}/decide/", REVIEWERS, "POST",
                               lambda s: {"decision": "approve"}),
    "collection:revise": Route("region", lambda s: f"/collection/{s.approved}/revise/", OPERATORS, "POST",
                               lambda s: {"reason": "correction"}),
}
#: Ends the session: sent after every other case.
LOGOUT = ("logout", Route(None, lambda s: "/logout/", ANYONE, "POST", lambda s: {}, probe=True))

#: API operations, by (method, OpenAPI path).
API: dict[tuple[str, str], Route] = {
    ("GET", "/api/plans"): Route(None, lambda s: "/api/plans", ANYONE),
    ("GET", "/api/plans/{code}/targets"): Route(None, lambda s: "/api/plans/sichuan-14fyp/targets", ANYONE),
    ("GET", "/api/regions"): Route(None, lambda s: "/api/regions", ANYONE),
    ("GET", "/api/observations"): Route("region", lambda s: f"/api/observations?region={s.region}", ids=False),
    ("GET", "/api/monitoring/points"): Route(None, lambda s: "/api/monitoring/points", listing=True),
    ("GET", "/api/monitoring/points/{mn}/status"): Route("device", lambda s: f"/api/monitoring/points/{s.device}/status"),
    ("GET", "/api/monitoring/map"): Route(None, lambda s: "/api/monitoring/map", listing=True),
    ("GET", "/api/monitoring/devices/{mn}/live"): Route("device", lambda s: f"/api/monitoring/devices/{s.device}/live"),
    ("GET", "/api/monitoring/emissions"): Route(None, lambda s: "/api/monitoring/emissions?year=2025&group=point",
                                                listing=True),
    ("GET", "/api/monitoring/quality"): Route(None, lambda s: "/api/monitoring/quality?year=2025&month=3",
                                              listing=True),
    ("GET", "/api/energy/units"): Route(None, lambda s: "/api/energy/units", listing=True),
    ("GET", "/api/energy/units/{credit_code}"): Route("region", lambda s: f"/api/energy/units/{s.unit}"),
    ("GET", "/api/energy/units/{credit_code}/energy"): Route("region",
                                                              lambda s: f"/api/energy/units/{s.unit}/energy"),
    ("POST", "/api/energy/units/import"): Route(None, lambda s: "/api/energy/units/import", REGISTER_KEEPERS, "POST",
                                                _upload),
    # meter uploads take an upload token (or an enterprise reporter's API token) for the enterprise
    # itself; a browser session of any role, and any other enterprise's code, are refused
    ("POST", "/api/energy/uploads"): Route("region", lambda s: "/api/energy/uploads", NOBODY, "POST",
                                          lambda s: {"enterprise": s.unit, "upload_id": "matrix-1", "readings": [
                                              {"point": "P1", "timestamp": "2025-03-01T00:15:00+08:00",
                                               "value": 1.0, "kind": "interval", "energy_type": "electricity",
                                               "unit": "kwh"}]}, True, ids=False),
    ("GET", "/api/energy/budgets"): Route(None, lambda s: "/api/energy/budgets?year=2026", listing=True),
    ("GET", "/api/energy/budgets/inspection"): Route(None, lambda s: "/api/energy/budgets/inspection?year=2026",
                                                     listing=True),
    ("POST", "/api/energy/budgets/allocate"): Route(None, lambda s: "/api/energy/budgets/allocate", REGISTER_KEEPERS,
                                                    "POST", lambda s: {"region": GY, "year": 2026,
                                                                       "total_tce": 1000.0}, True),
    ("POST", "/api/energy/budgets/issued"): Route(None, lambda s: "/api/energy/budgets/issued", REGISTER_KEEPERS,
                                                  "POST", _upload),
    ("GET", "/api/energy/reconciliation"): Route(None, lambda s: "/api/energy/reconciliation?year=2023",
                                                 listing=True),
    ("POST", "/api/energy/reconciliation/run"): Route(None, lambda s: "/api/energy/reconciliation/run", RECONCILERS,
                                                      "POST", lambda s: {"year": 2023}, True),
    ("GET", "/api/energy/reconciliation/cases"): Route(None, lambda s: "/api/energy/reconciliation/cases",
                                                       listing=True),
    ("POST", "/api/energy/reconciliation/cases/{case_id}/resolve"): Route(
        None, lambda s: f"/api/energy/reconciliation/cases/{GUESS}/resolve", NOBODY, "POST", lambda s: {"note": "x"},
        True),
    ("GET", "/api/tasks/"): Route(None, lambda s: "/api/tasks/", TASK_READERS),
    ("GET", "/api/tasks/{task_id}"): Route(None, lambda s: f"/api/tasks/{TASK['drc']}", TASK_READERS),
    ("GET", "/api/tasks/export.xlsx"): Route(None, lambda s: "/api/tasks/export.xlsx", TASK_READERS),
    ("GET", "/api/two-high/"): Route(None, lambda s: "/api/two-high/", TWO_HIGH_READERS, listing=True),
    ("GET", "/api/two-high/export.xlsx"): Route(None, lambda s: "/api/two-high/export.xlsx", TWO_HIGH_READERS),
    ("POST", "/api/two-high/{code}/decision"): Route(
        "region", lambda s: f"/api/two-high/{s.two_high}/decision", TWO_HIGH_DECIDERS, "POST",
        lambda s: {"decision": "stop", "deadline": "2030-01-01"}, json=True),
    ("GET", "/api/tasks/evidence/{evidence_id}"): Route(None, lambda s: f"/api/tasks/evidence/{GUESS}", NOBODY),
    ("POST", "/api/tasks/{task_id}/years/{year}/report"): Route(
        None, lambda s: f"/api/tasks/{TASK['drc']}/years/2024/report", DEPARTMENTS, "POST",
        lambda s: {"status": "on_track"}),
    ("POST", "/api/tasks/{task_id}/years/{year}/score"): Route(
        None, lambda s: f"/api/tasks/{TASK['drc']}/years/2024/score", REVIEWERS, "POST",
        lambda s: {"region": GY, "points": 1}, True),
    ("GET", "/api/energy/reports"): Route(None, lambda s: "/api/energy/reports", listing=True),
    ("POST", "/api/energy/reports"): Route("enterprise", lambda s: "/api/energy/reports", FILERS, "POST",
                                           lambda s: {"unit": s.unit, "period": "2024"}, True),
    ("GET", "/api/energy/reports/{report_id}"): Route("enterprise", lambda s: f"/api/energy/reports/{s.report}"),
    ("PUT", "/api/energy/reports/{report_id}"): Route("enterprise", lambda s: f"/api/energy/reports/{s.report}",
                                                      FILERS, "PUT", lambda s: {"content": {}}, True),
    ("POST", "/api/energy/reports/{report_id}/submit"): Route(
        "enterprise", lambda s: f"/api/energy/reports/{s.report}/submit", FILERS, "POST", lambda s: {}, True),
    ("POST", "/api/energy/reports/{report_id}/return"): Route(
        "enterprise", lambda s: f"/api/energy/reports/{s.report}/return", CITY_DECIDERS, "POST",
        lambda s: {"comment": "x"}, True),
    ("POST", "/api/energy/reports/{report_id}/approve"): Route(
        "enterprise", lambda s: f"/api/energy/reports/{s.report}/approve", CITY_DECIDERS, "POST", lambda s: {}, True),
    ("POST", "/api/energy/reports/{report_id}/revise"): Route(
        "enterprise", lambda s: f"/api/energy/reports/{s.report}/revise", FILERS, "POST",
        lambda s: {"reason": "x"}, True),
    ("GET", "/api/energy/reports/{report_id}/export.xlsx"): Route(
        "enterprise", lambda s: f"/api/energy/reports/{s.report}/export.xlsx"),
    ("GET", "/api/energy/units/{credit_code}/report-total"): Route(
        "region", lambda s: f"/api/energy/units/{s.unit}/report-total?year=2024"),
    ("GET", "/api/projects/"): Route(None, lambda s: "/api/projects/", listing=True),
    ("GET", "/api/projects/findings"): Route(None, lambda s: "/api/projects/findings", listing=True),
    ("GET", "/api/projects/{code}"): Route("region", lambda s: f"/api/projects/{s.project}"),
    ("POST", "/api/projects/import"): Route(None, lambda s: "/api/projects/import", PROPOSERS, "POST", _upload),
    ("GET", "/api/projects/proposals"): Route(None, lambda s: "/api/projects/proposals", listing=True),
    ("GET", "/api/projects/proposals/queue"): Route(None, lambda s: "/api/projects/proposals/queue", listing=True),
    ("GET", "/api/projects/proposals/{proposal_id}"): Route("region", lambda s: f"/api/projects/proposals/{s.proposal}"),
    ("GET", "/api/projects/proposals/{proposal_id}/file"): Route(
        "region", lambda s: f"/api/projects/proposals/{s.proposal}/file"),
    ("POST", "/api/projects/proposals/{proposal_id}/submit"): Route(
        "region", lambda s: f"/api/projects/proposals/{s.proposal}/submit", OPERATORS, "POST", lambda s: {}, True),
    ("POST", "/api/projects/proposals/{proposal_id}/return"): Route(
        "region", lambda s: f"/api/projects/proposals/{s.proposal}/return", REVIEWERS, "POST",
        lambda s: {"comment": "x"}, True),
    ("POST", "/api/projects/proposals/{proposal_id}/approve"): Route(
        "region", lambda s: f"/api/projects/proposals/{s.proposal}/approve", REVIEWERS, "POST", lambda s: {}, True),
    ("GET", "/api/projects/cases"): Route(None, lambda s: "/api/projects/cases", listing=True),
    ("GET", "/api/projects/cases/{case_id}"): Route("region", lambda s: f"/api/projects/cases/{s.case}"),
    ("POST", "/api/projects/cases/{case_id}/resolve"): Route(
        "region", lambda s: f"/api/projects/cases/{s.case}/resolve", REVIEWERS, "POST",
        lambda s: {"decision": "dismissed", "reason": "x"}, True),
    ("POST", "/api/projects/cases/verify"): Route(None, lambda s: "/api/projects/cases/verify", REVIEWERS, "POST",
                                                  lambda s: {}, True),
    ("POST", "/api/projects/{code}/proposals"): Route("region", lambda s: f"/api/projects/{s.project}/proposals",
                                                      PROPOSERS, "POST", lambda s: {"changes": {"name": "x"}}, True),
    ("POST", "/api/projects/{code}/evidence"): Route("region", lambda s: f"/api/projects/{s.project}/evidence",
                                                     EVIDENCE_ADDERS, "POST", _upload),
    ("GET", "/api/monitoring/quarantine"): Route(None, lambda s: "/api/monitoring/quarantine", PROVINCE),
    ("GET", "/api/monitoring/enterprises/{enterprise_id}/overview"): Route(
        "enterprise", lambda s: f"/api/monitoring/enterprises/{s.enterprise}/overview", listing=True),
    ("GET", "/api/monitoring/cities/{region_code}/overview"): Route(
        "region", lambda s: f"/api/monitoring/cities/{s.region}/overview", ids=False, listing=True),
    ("GET", "/api/assessment/periods"): Route(None, lambda s: "/api/assessment/periods"),
    ("GET", "/api/assessment/{period}"): Route(None, lambda s: "/api/assessment/annual:2021", listing=True),
    ("GET", "/api/alarms/"): Route(None, lambda s: "/api/alarms/", listing=True),
    ("GET", "/api/alarms/{alarm_id}"): Route(None, lambda s: f"/api/alarms/{GUESS}", NOBODY),
    ("POST", "/api/alarms/{alarm_id}/acknowledge"): Route(None, lambda s: f"/api/alarms/{GUESS}/acknowledge", NOBODY,
                                                          "POST", lambda s: {}, True),
    ("POST", "/api/alarms/{alarm_id}/close"): Route(None, lambda s: f"/api/alarms/{GUESS}/close", NOBODY, "POST",
                                                    lambda s: {}, True),
    ("GET", "/api/jobs/{job_id}"): Route("job", lambda s: f"/api/jobs/{s.job}"),
    # starting a report job: refused to the read-only auditor and to visitors (sent only to them)
    ("POST", "/api/reports/"): Route(None, lambda s: "/api/reports/", JOB_STARTERS, "POST",
                                     lambda s: {"kind": "annual", "year": 2023, "format": "xlsx"}, True),
    ("GET", "/api/collection/todo"): Route(None, lambda s: "/api/collection/todo", listing=True),
    ("GET", "/api/collection/review-queue"): Route(None, lambda s: "/api/collection/review-queue", QUEUE_READERS,
                                                   listing=True),
    ("GET", "/api/collection/submissions"): Route("region", lambda s: f"/api/collection/submissions?region={s.region}",
                                                  ids=False, listing=True),
    ("POST", "/api/collection/submissions"): Route("region", lambda s: "/api/collection/submissions", OPERATORS,
                                                   "POST", lambda s: {**START, "region": s.region}, True, ids=False),
    ("GET", "/api/collection/submissions/{submission_id}"): Route(
        "region", lambda s: f"/api/collection/submissions/{s.submitted}"),
    ("PUT", "/api/collection/submissions/{submission_id}/values"): Route(
        "region", lambda s: f"/api/collection/submissions/{s.draft}/values", OPERATORS, "PUT", lambda s: VALUES, True),
    ("POST", "/api/collection/submissions/{submission_id}/submit"): Route(
        "region", lambda s: f"/api/collection/submissions/{s.draft}/submit", OPERATORS, "POST", lambda s: {}, True),
    ("POST", "/api/collection/submissions/{submission_id}/return"): Route(
        "region", lambda s: f"/api/collection/submissions/{s.submitted}/return", REVIEWERS, "POST",
        lambda s: {"comment": "please check"}, True),
    ("POST", "/api/collection/submissions/{submission_id}/approve"): Route(
        "region", lambda s: f"/api/collection/submissions/{s.submitted}/approve", REVIEWERS, "POST",
        lambda s: {"comment": ""}, True),
    ("POST", "/api/collection/submissions/{submission_id}/revise"): Route(
        "region", lambda s: f"/api/collection/submissions/{s.approved}/revise", OPERATORS, "POST",
        lambda s: {"reason": "correction"}, True),
    ("GET", "/api/collection/submissions/{submission_id}/diff"): Route(
        "region", lambda s: f"/api/collection/submissions/{s.approved}/diff"),
    ("POST", "/api/collection/submissions/{submission_id}/upload"): Route(
        "region", lambda s: f"/api/collection/submissions/{s.draft}/upload", OPERATORS, "POST", _upload),
}

#: Guesses that pair an own record with a foreign one: the history / diff of one's own submission
#: against another city's version (the `against` id).
CROSS: dict[str, Callable[[Side, Side], str]] = {
    "history against": lambda own, other: f"/collection/{own.approved}/history/?against={other.approved}",
    "diff against": lambda own, other: f"/api/collection/submissions/{own.approved}/diff?against={other.approved}",
}

TASK: dict[str, int] = {}  # a plan task led by 省发展改革委 (drc), the demo department's
RUN: dict[str, int] = {}  # decomposition runs are plan-level: one run, readable by every logged-in user


# ---------------------------------------------------------------------------------------------------
# Enumerating the routes.

def _walk(patterns: list[object], prefix: str = "", namespace: str = "") -> Any:
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), f"{namespace}{p.name}" if p.name else prefix + str(p.pattern)


def _page_names() -> set[str]:
    """Every route outside the admin (Django's own staff permissions) and the static files; the API's
    operations are enumerated from its OpenAPI document instead."""
    from ecer.site.api import api

    operation_names = {op["operationId"] for ops in api.get_openapi_schema()["paths"].values() for op in ops.values()}
    return {name for pattern, name in _walk(get_resolver().url_patterns)
            if not pattern.startswith(("admin/", "static/"))
            and not (name.startswith("api:") and any(o.endswith("_" + name[4:]) for o in operation_names))}


def _operations() -> set[tuple[str, str]]:
    from ecer.site.api import api

    return {(method.upper(), path) for path, ops in api.get_openapi_schema()["paths"].items() for method in ops}


def test_every_route_and_operation_has_a_case() -> None:
    pages = sorted(_page_names() - set(PAGES) - {LOGOUT[0]})
    operations = sorted(f"{m} {p}" for m, p in _operations() - set(API))
    assert not pages and not operations, (
        "give these a case in tests/accounts/test_scope_matrix.py (PAGES / API): "
        f"pages {pages}, API operations {operations}")
    assert not {*PAGES, LOGOUT[0]} - _page_names() and not set(API) - _operations(), "cases for routes that no longer exist"


# ---------------------------------------------------------------------------------------------------
# The records.

def _submission(region: str, period: str, actor_name: str, to: str) -> int:
    from ecer.services.actor import actor_for_user

    operator = actor_for_user(User.objects.get(username=actor_name))
    values = {"gdp_current": 1200.0, "gdp_index": 106.0, "energy_total": 600.0, "energy_raw_material": 20.0,
              "renewable_electricity": 80.0, "industrial_va_current": 400.0, "industrial_va_index": 107.0,
              "industrial_energy": 300.0, "industrial_water": 9000.0, "non_fossil_energy": 200.0,
              "cod_emission": 3.0, "nh3n_emission": 0.3, "nox_emission": 1.5, "voc_emission": 1.2}
    view = submissions.start_submission(operator, region, period, "annual_statistics")
    if to == "draft":
        return view.id
    submissions.save_values(operator, view.id, {k: (v, "矩阵测试 / matrix test") for k, v in values.items()})
    submissions.submit(operator, view.id)
    if to == "approved":
        submissions.approve(system_actor(), view.id)
    return view.id


def _device_in(region: str) -> None:
    """A monitoring point with a device of an enterprise in `region` (the demo registry has none there)."""
    from ecer.monitoring.models import Enterprise, MonitoringPoint

    enterprise, _ = Enterprise.objects.get_or_create(credit_code=f"9{region}MATRIX0000X",
                                                     defaults={"name": "矩阵测试企业", "region_code": region})
    point, _ = MonitoringPoint.objects.get_or_create(enterprise=enterprise, outlet_code="DW001",
                                                     defaults={"outlet_name": "总排口", "kind": "water"})
    Device.objects.get_or_create(mn=f"MATRIX{region}W0000000001", defaults={"point": point, "edition": "2017"})


def _energy_unit_in(region: str) -> str:
    """A key energy-using unit on the register for an enterprise of `region`; its credit code."""
    from ecer.energy.models import KeyEnergyUnit
    from ecer.monitoring.models import Enterprise

    enterprise = Enterprise.objects.filter(region_code=region).order_by("pk").first()
    assert enterprise is not None, region
    KeyEnergyUnit.objects.get_or_create(enterprise=enterprise, defaults={"industry_code": "3011",
                                                                          "level": "ten_thousand"})
    return str(enterprise.credit_code)


def _reporters_unit() -> str:
    """The demo enterprise reporter's enterprise, on the energy register; its credit code."""
    from ecer.accounts.models import EnterpriseBinding
    from ecer.energy.models import KeyEnergyUnit

    enterprise = EnterpriseBinding.objects.select_related("enterprise").get(user__username="enterprise").enterprise
    KeyEnergyUnit.objects.get_or_create(enterprise=enterprise, defaults={"industry_code": "2614",
                                                                          "level": "ten_thousand"})
    return str(enterprise.credit_code)


def _energy_report_of(credit_code: str) -> int:
    """A submitted annual energy report (2024) of the unit; its id."""
    from ecer.collection.models import ReportingPeriod
    from ecer.energy.models import EnergyReport, KeyEnergyUnit

    unit = KeyEnergyUnit.objects.get(enterprise__credit_code=credit_code)
    content = {"energy": [{"energy_type": "electricity", "unit": "kwh", "quantity": 1000.0}],
               "total_calorific_tce": 0.1229}
    return int(EnergyReport.objects.create(energy_unit=unit, period=ReportingPeriod.objects.get(code="2024"),
                                           status="submitted", content=content, created_by="matrix").pk)


def _enterprise_of(mn: str | None) -> int:
    return Device.objects.get(mn=mn).point.enterprise_id if mn else 0


def _two_high_in(region: str) -> str:
    """A 两高 project of `region` in the register; its code."""
    from ecer.twohigh.models import TwoHighProject

    code = f"TH-MATRIX-{region}"
    TwoHighProject.objects.create(code=code, name="矩阵测试两高项目", region_code=region, owner_name="矩阵测试业主",
                                  owner_credit_code="91510000MA0000009", industry_code="30", stage="planned",
                                  energy_review="pending", eia="pending", energy_tce_per_year=20000,
                                  emissions_t_per_year={"nox": 150})
    return code


def _key_project_in(region: str) -> str:
    """A key project of `region` in the ledger (imported as a file would be); its code."""
    from ecer.core.credit_code import complete
    from ecer.services.key_projects import ledger_file
    from ecer.services.ledger_proposals import import_ledger

    code = f"MATRIX-{region}"
    row = {"code": code, "name": "矩阵测试项目", "programme_code": "env_infrastructure", "region_code": region,
           "owner_name": "矩阵测试业主", "owner_credit_code": complete(f"91{region}MA0000009"),
           "project_type": "urban_sewage", "source_id": f"SRC-{code}", "status": "在建",
           "construction_started_on": "2024-01-01", "capacity": 1000, "operating_days": 330, "load_rate": 80,
           "influent_concentration:cod": 300, "removal_before:cod": 60, "removal_after:cod": 90}
    import_ledger(ledger_file([row]), "matrix.xlsx", actor=system_actor())
    return code


def _proposal_in(region: str, code: str) -> int:
    """A submitted proposal of the city's operator changing the project `code`; its id."""
    from ecer.services import ledger_proposals
    from ecer.services.actor import actor_for_user

    operator = actor_for_user(User.objects.get(username=OPERATOR[region]))
    made = ledger_proposals.propose_edit(code, {"name": "矩阵测试项目（改）"}, actor=operator)
    ledger_proposals.submit(made.proposal, actor=operator)
    return int(made.proposal)


def _case_of(code: str) -> int:
    """An open verification case of the project `code` (as a run of verification would record it)."""
    from ecer.projects.models import FindingCase

    identity = f"above_baseline|SRC-{code}|cod|{code}/cod"
    return FindingCase.objects.create(key=hashlib.sha256(identity.encode()).hexdigest(), identity=identity,
                                      kind="above_baseline", source=f"SRC-{code}", pollutant="cod", projects=[code],
                                      claims=[f"{code}/cod"], amount_t=1.0, explanation_zh="矩阵测试",
                                      explanation_en="matrix test").pk


def _world() -> dict[str, Side]:
    seed_demo_registry()
    from ecer.masterdata.services.accounts import ensure_demo_accounts

    ensure_demo_accounts()  # binds the enterprise reporter now that its enterprise is registered
    _device_in(GY)
    for code, year in (("2024", 2024), ("2022", 2022), ("2021", 2021)):
        submissions.ensure_period(system_actor(), code, year, dt.date(2099, 3, 31))
    energy, gdp = Variable.objects.get(code="energy_total"), Variable.objects.get(code="gdp_current")
    sides = {}
    for code in (GY, CD):
        batch = ImportBatch.objects.create(file_name=f"{code}.csv", sha256=uuid.uuid4().hex * 2, row_count=2)
        region = Region.objects.get(code=code)
        obs = record_observation(region, 2023, energy, 500.0, status="approved", batch=batch).observation
        record_observation(region, 2023, gdp, 1000.0, status="approved", batch=batch)
        job = Job.objects.create(kind=submissions.UPLOAD_JOB, owner_username=OPERATOR[code], owner_role="city_operator",
                                 owner_region=code, status="failed", problems=[], problem_total=0)
        device = Device.objects.filter(point__enterprise__region_code=code).values_list("mn", flat=True).first()
        token = create_token(actor=system_actor(), name="matrix", username=OPERATOR[code]).info.id
        sides[code] = Side(code, batch.pk, obs.pk, _submission(code, "2024", OPERATOR[code], "draft"),
                           _submission(code, "2022", OPERATOR[code], "submitted"),
                           _submission(code, "2021", OPERATOR[code], "approved"), str(job.pk), device or "-", token,
                           _energy_unit_in(code), _enterprise_of(device), _key_project_in(code))
        sides[code] = replace(sides[code], report=_energy_report_of(sides[code].unit),
                              proposal=_proposal_in(code, sides[code].project), case=_case_of(sides[code].project),
                              two_high=_two_high_in(code))
    enterprise_device = Device.objects.filter(point__enterprise__region_code=ENTERPRISE_REGION).values_list(
        "mn", flat=True).first()
    own = _reporters_unit()
    sides[ENTERPRISE_REGION] = Side(ENTERPRISE_REGION, 0, 0, 0, 0, 0, str(uuid.uuid4()), enterprise_device or "-", 0,
                                    enterprise=_enterprise_of(enterprise_device), unit=own,
                                    report=_energy_report_of(own))
    sides[MISSING] = Side(MISSING, 987654321, 987654321, 987654321, 987654321, 987654321, str(uuid.uuid4()),
                          "NO-SUCH-DEVICE-MN", 987654321, enterprise=987654321)
    plan = Plan.objects.get(code="sichuan-14fyp")
    run = DecompositionRun.objects.create(
        plan=plan, indicator=Indicator.objects.get(code="energy_intensity"), method="matrix", rule_version="1",
        outputs={"allocations": [{"region_code": GY, "target": 14.0}, {"region_code": CD, "target": 15.0}]},
        inputs=[], data_source="matrix", fingerprint="0" * 64)
    RUN.update({GY: run.pk, CD: run.pk, ENTERPRISE_REGION: run.pk, MISSING: 987654321})
    TASK["drc"] = plan.tasks.get(code="charging_and_hydrogen_corridors").pk
    return sides


# ---------------------------------------------------------------------------------------------------
# The trace: every table's rows, and the job files.

#: Tables that change with any request, whoever sends it: sessions, the login throttle's log, the
#: dashboards' cache of computed progress (a copy keyed by data version, not data).
NOT_DATA = {"django_session", "axes_accesslog", "axes_accessattempt", "axes_accessfailurelog",
            "results_progresssnapshot"}


def _snapshot() -> dict[str, str]:
    """Per table: row count and a hash of every row (ordered by primary key); plus the job files."""
    from ecer.jobs.storage import jobs_root

    state = {}
    with connection.cursor() as cur:
        for model in apps.get_models():
            table = model._meta.db_table
            if table in NOT_DATA:
                continue
            pk = model._meta.pk.column
            cur.execute(f'SELECT * FROM "{table}" ORDER BY "{pk}"')
            rows = cur.fetchall()
            digest = hashlib.sha256(json.dumps(rows, default=str).encode()).hexdigest()[:16]
            state[table] = f"{len(rows)} rows {digest}"
    root = jobs_root()
    state["job files"] = ",".join(sorted(str(p.relative_to(root)) for p in root.rglob("*"))) if root.exists() else ""
    return state


# ---------------------------------------------------------------------------------------------------
# Calling and judging.

def _call(client: Client, route: Route, url: str, side: Side) -> Any:
    if not route.writes:
        return client.get(url)
    body = route.body(side) if route.body else {}
    send = getattr(client, route.method.lower())
    if route.json:
        return send(url, json.dumps(body), content_type="application/json")
    return send(url, body)


def _refused(response: Any) -> bool:
    return response.status_code in (401, 403, 404) or (
        response.status_code == 302 and "/login/" in response.get("Location", ""))


def _outside(user: str | None) -> tuple[set[str], set[str]]:
    """(device MNs, region codes) the user must never be shown in a listing."""
    devices = Device.objects.select_related("point__enterprise")
    if user in SEES_ALL:
        return set(), set()
    if user == "enterprise":
        return {d.mn for d in devices if d.point.enterprise.region_code != ENTERPRISE_REGION}, {GY, CD}
    home = HOME.get(user or "")
    return {d.mn for d in devices if d.point.enterprise.region_code != home}, {GY, CD} - {home}


def _listing_problem(user: str | None, response: Any) -> str | None:
    if response.status_code != 200:
        return None
    text = response.content.decode(errors="replace")
    devices, regions = _outside(user)
    shown = sorted(mn for mn in devices if mn in text)
    if shown:
        return f"shows devices outside the scope: {shown[:5]}"
    if response.get("Content-Type", "").startswith("application/json"):
        body = json.loads(text)
        rows = body.get("items", body) if isinstance(body, dict) else body
        rows = body["cities"] if isinstance(body, dict) and "cities" in body else rows  # the assessment
        rows = body["projects"] if isinstance(body, dict) and "projects" in body else rows  # the key-project ledger
        foreign = sorted({r.get("region", r.get("code", r.get("region_code"))) for r in rows
                          if isinstance(r, dict)} & regions) \
            if isinstance(rows, list) else []
        if foreign:
            return f"lists records of regions outside the scope: {foreign}"
    return None


def _judge(user: str | None, name: str, route: Route, url: str, allowed: bool, response: Any) -> str | None:
    status, who = response.status_code, user or "anonymous"
    where = f"{who} {route.method} {url} ({name})"
    if status >= 500 and not (route.probe and status == 503):  # readiness without a gateway
        return f"{where}: server error {status}"
    if route.probe:
        return None
    if allowed:
        if _refused(response):
            return f"{where}: refused ({status}) but should be allowed"
        return f"{where}: {problem}" if route.listing and (problem := _listing_problem(user, response)) else None
    return None if _refused(response) else f"{where}: answered {status} but must be refused"


def _run_matrix(client: Client, user: str | None, sides: dict[str, Side]) -> list[str]:
    problems = _cross(client, user, sides)
    targets = [sides[GY], sides[CD], sides[MISSING]]
    if user == "enterprise":
        targets.append(sides[ENTERPRISE_REGION])
    for name, route in [*PAGES.items(), *((f"{m} {p}", r) for (m, p), r in API.items()), LOGOUT]:
        answers: dict[str, int] = {}
        for side in targets if route.scope else [sides[GY]]:
            if (side.region == ENTERPRISE_REGION and route.scope not in ("device", "enterprise")) or (
                    side.region == MISSING and not route.ids):  # region codes are public, not ids to guess
                continue
            ok = route.who(user) and (route.scope is None or in_scope(user, route.scope, side.region))
            if route.writes and ok and not route.probe:
                continue  # an allowed write changes data by design: tests/collection drives it
            url = route.url(side)
            response = _call(client, route, url, side)
            problem = _judge(user, name, route, url, ok, response)
            if problem:
                problems.append(problem)
            if not ok and route.scope and route.ids:
                answers[side.region] = response.status_code
        missing = answers.pop(MISSING, None)
        differing = {r: s for r, s in answers.items() if s != missing}
        if missing is not None and differing:
            problems.append(f"{user or 'anonymous'} {name}: a guessed id answers {differing}, a missing one "
                            f"{missing}: ids can be probed")
    return problems


def _cross(client: Client, user: str | None, sides: dict[str, Side]) -> list[str]:
    problems = []
    for label, build in CROSS.items():
        own = sides[HOME[user]] if user in HOME else sides[GY]
        for other in (sides[CD] if own.region == GY else sides[GY], sides[MISSING]):
            ok = user is not None and in_scope(user, "region", own.region) and in_scope(user, "region", other.region)
            response = client.get(build(own, other))
            route = Route("region", lambda s: "")
            problem = _judge(user, label, route, build(own, other), ok, response)
            if problem:
                problems.append(problem)
    return problems


@pytest.mark.parametrize("user", USERS, ids=[u or "anonymous" for u in USERS])
def test_role_scope_matrix(loaded: None, user: str | None) -> None:
    sides = _world()
    client = Client()
    if user:
        client.force_login(User.objects.get(username=user))
    client.get("/account/totp/")  # the set-up page makes one's own pending device once: not a trace
    before = _snapshot()
    problems = _run_matrix(client, user, sides)
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(problems)
    after = _snapshot()
    changed = {t: (before[t], after.get(t)) for t in before if before[t] != after.get(t)}
    assert not changed, f"refused requests left a trace in the data: {changed}"


def test_city_api_lists_only_its_own_regions(loaded: None) -> None:
    sides = _world()
    client = Client()
    client.force_login(User.objects.get(username="guangyuan"))
    body = client.get("/api/observations").json()
    rows = body["items"] if isinstance(body, dict) else body
    assert rows and {r["region"] for r in rows} == {GY}
    assert client.get(f"/data/batches/{sides[CD].batch}/").status_code == 404
