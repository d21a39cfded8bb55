"""A job kind for the worker-survives-a-locked-database test, imported by the worker process it starts
(`python worker_probe.py worker …` / `python worker_probe.py enqueue`)."""

from __future__ import annotations

import sys

from ecer.jobs.registry import JobContext, job_handler


@job_handler("test.probe")
def _probe(ctx: JobContext) -> dict[str, object]:
    return {"ran": True}


if __name__ == "__main__":
    if sys.argv[1] == "enqueue":
        from ecer.site.django_setup import setup

        setup()
        from ecer.services import jobs
        from ecer.services.actor import system_actor

        print(jobs.start_job("test.probe", system_actor()).id)
    else:
        from ecer.cli.main import cli

        cli(["jobs", *sys.argv[1:]])
