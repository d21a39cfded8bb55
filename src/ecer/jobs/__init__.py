"""Background jobs: long work (uploads, report generation, roll-ups) never runs inside a web request.

A `Job` row is what users see (kind, owner, progress, problems, a result file); the work itself is a
django-tasks task (`ecer.jobs.tasks.run_job`) executed by a worker process (`ecer jobs worker`, started
by `ecer demo`) from the database queue. Use cases register a handler per kind:

    from ecer.jobs.registry import job_handler, JobContext

    @job_handler("reports.pdf")
    def build_pdf(ctx: JobContext, plan: str) -> dict[str, object]:
        ctx.progress(0, 10, "collecting")
        ...
        ctx.write_result_file("report.pdf", data, "application/pdf")
        return {"pages": 10}

and start one with `ecer.jobs.service.start_job(kind, actor, params)`. See docs/jobs.md.
"""
