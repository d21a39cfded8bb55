"""Background-job handler: a report generated in the worker, kept as the job's file."""

from __future__ import annotations

from typing import Any

from ecer.jobs.registry import JobContext, JobFailed, job_handler
from ecer.services import reports
from ecer.services.actor import actor_from_params
from ecer.services.errors import ServiceError


@job_handler(reports.REPORT_JOB)
def generate(ctx: JobContext, kind: str, year: int, format: str, actor: dict[str, Any],  # noqa: A002 - the API's name
             quarter: int | None = None, plan: str = reports.DEFAULT_PLAN, lang: str = "zh") -> dict[str, Any]:
    req = reports.Request(kind, year, format, quarter, plan, lang)
    ctx.progress(0, 2, "汇总数据 / gathering the figures")
    try:
        document = reports.build(req, actor=actor_from_params(actor))
        ctx.progress(1, 2, "排版 / laying out")
        data = reports.render(document, req.fmt)
    except (ServiceError, RuntimeError, OSError) as failed:
        raise JobFailed([], f"报告未生成 / the report was not generated: {failed}") from None
    ctx.write_result_file(req.file_name(), data, reports.FORMATS[req.fmt])
    ctx.progress(2, 2, "完成 / done")
    return {"file": req.file_name(), "bytes": len(data), "title": document.title}
