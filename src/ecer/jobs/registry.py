"""Job kinds and their handlers, and the context a handler reports progress through.

A handler is a plain function `handler(ctx: JobContext, **params) -> dict` registered with
`@job_handler("kind")`. It runs in the worker process. It reports progress with `ctx.progress`,
may leave one downloadable file with `ctx.write_result_file`, and refuses bad input by raising
`JobFailed(problems)`: the job is then `failed` with its problem report (the first PROBLEM_LIMIT problems
and the total), nothing else is kept.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ecer.errors import Problem

#: Problems kept (and shown, and put in the downloadable report) per job; the total is always counted.
PROBLEM_LIMIT = 1000
#: A handler's progress is written to the database at most this often (seconds), and at the end.
PROGRESS_WRITE_INTERVAL_S = 0.5

Handler = Callable[..., dict[str, Any]]
_HANDLERS: dict[str, Handler] = {}


@dataclass(frozen=True)
class ReportLine:
    """One line of a job's problem report: where (sheet, row, column) and what is wrong."""

    sheet: str
    row: str
    column: str
    problem: str

    @classmethod
    def of(cls, problem: Problem | ReportLine) -> ReportLine:
        if isinstance(problem, ReportLine):
            return problem
        return cls(problem.file, problem.location, problem.field or "", problem.message)

    def as_dict(self) -> dict[str, str]:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "problem": self.problem}


class JobFailed(Exception):  # noqa: N818 - reads as what happened to the job
    """Raised by a handler to reject its input; `problems` may be longer than PROBLEM_LIMIT."""

    def __init__(self, problems: Sequence[Problem | ReportLine], message: str = "") -> None:
        self.total = len(problems)
        self.lines = [ReportLine.of(p) for p in problems[:PROBLEM_LIMIT]]
        super().__init__(message or f"{self.total} problem(s); nothing was stored")


def job_handler(kind: str) -> Callable[[Handler], Handler]:
    def register(function: Handler) -> Handler:
        if kind in _HANDLERS and _HANDLERS[kind] is not function:
            raise ValueError(f"job kind {kind!r} is registered twice")
        _HANDLERS[kind] = function
        return function

    return register


def handler_for(kind: str) -> Handler:
    try:
        return _HANDLERS[kind]
    except KeyError:
        raise KeyError(f"no handler for job kind {kind!r} (known: {', '.join(sorted(_HANDLERS))})") from None


def known_kinds() -> list[str]:
    return sorted(_HANDLERS)


def import_handler_modules() -> None:
    """Import `<app>.job_handlers` of every installed app (as the admin does with `admin.py`)."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("job_handlers")


class JobContext:
    """Given to a handler: the job's id, its own directory for files, and progress reporting."""

    def __init__(self, job_id: str, directory: Path, save: Callable[..., None]) -> None:
        self.job_id = job_id
        self.directory = directory
        self._save = save
        self._last_write = 0.0

    def progress(self, done: int, total: int, message: str = "") -> None:
        now = time.monotonic()
        if done >= total or now - self._last_write >= PROGRESS_WRITE_INTERVAL_S:
            self._save(done=done, total=total, message=message)
            self._last_write = now

    def iterate(self, items: Iterable[Any], total: int, message: str = "") -> Iterable[Any]:
        """Yield `items`, reporting progress after each."""
        for number, item in enumerate(items, start=1):
            yield item
            self.progress(number, total, message)

    def write_result_file(self, name: str, data: bytes, content_type: str) -> Path:
        """Keep `data` as the job's downloadable result (one per job; a later call replaces it)."""
        safe = Path(name).name or "result"
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / safe
        path.write_bytes(data)
        self._save(result_file=str(path), result_content_type=content_type)
        return path
