"""Report API: a machine client starts a report job and then polls /api/jobs/{id} and downloads
/jobs/{id}/file/ (the same service and scope as the reports page)."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from ninja import Router, Schema

from ecer.jobs.api import JobOut
from ecer.services import jobs, reports
from ecer.services.actor import actor_from_request

router = Router(tags=["reports"])


class ReportIn(Schema):
    kind: Literal["barometer", "annual", "assessment"]
    year: int
    format: Literal["docx", "pdf", "xlsx"]
    quarter: int | None = None
    lang: Literal["zh", "en"] = "zh"


@router.post("/", response={202: JobOut})
def start_report(request: HttpRequest, body: ReportIn) -> tuple[int, jobs.JobInfo]:
    """Queue a report (晴雨表通报 / 年度报告 / 考核结果); 400 for an unknown year or quarter."""
    req = reports.Request(body.kind, body.year, body.format, body.quarter, lang=body.lang)
    return 202, reports.start(req, actor=actor_from_request(request))
