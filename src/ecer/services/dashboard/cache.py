"""Progress computed once per data version and reused (进度结果缓存).

`data_version(plan)` fingerprints everything a progress report depends on: the approved observations
(count, highest id, sum of ids: a new version, an approval or a rejection changes it), the plan's
regional targets and the decomposition runs behind them, the plan file's hash, the indicator
formulas, the accounting options and the code's rule version. It costs three small queries, so every
request checks it: a change of data is seen by the next page view, never a stale report.

A report is looked up in this process's memory, then in the `ProgressSnapshot` table (shared by all
server processes and the CLI), and computed only when neither has it; computing stores it and drops
older snapshots of the same plan and year.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
import zlib
from dataclasses import dataclass, fields

import ecer
from ecer.accounting import AccountingOptions, ProgressReport, ReportRow

#: Bump when the stored payload's shape or the meaning of a computed number changes.
SNAPSHOT_FORMAT = 1
_ROW_FIELDS = frozenset(f.name for f in fields(ReportRow))


@dataclass(frozen=True)
class VersionInfo:
    """The data version of a plan and what the pages need to know with it."""

    key: str  # sha256 hex
    latest_data_year: int | None  # the latest year with an approved observation
    observations: int  # approved observations counted


_memory: dict[tuple[str, int], tuple[str, ProgressReport]] = {}
_lock = threading.Lock()
_stats = {"memory": 0, "snapshot": 0, "computed": 0}


def _version_sql() -> tuple[str, str]:
    """The two queries of `data_version`, written once as SQL: the ORM's query building cost more
    than the queries themselves on every page view."""
    from ecer.masterdata.models import Indicator, Observation, Plan, RegionalTarget

    obs, plan, rt, ind = (m._meta.db_table for m in (Observation, Plan, RegionalTarget, Indicator))
    main = (f"SELECT (SELECT COUNT(*) FROM {obs} WHERE status = %s),"
            f" (SELECT MAX(id) FROM {obs} WHERE status = %s),"
            f" (SELECT SUM(id) FROM {obs} WHERE status = %s),"
            f" (SELECT MAX(year) FROM {obs} WHERE status = %s),"
            f" (SELECT source_sha256 FROM {plan} WHERE code = %s),"
            f" (SELECT COUNT(*) FROM {rt} t JOIN {plan} p ON p.id = t.plan_id WHERE p.code = %s),"
            f" (SELECT MAX(t.id) FROM {rt} t JOIN {plan} p ON p.id = t.plan_id WHERE p.code = %s),"
            f" (SELECT SUM(t.id) FROM {rt} t JOIN {plan} p ON p.id = t.plan_id WHERE p.code = %s),"
            f" (SELECT SUM(t.decomposition_id) FROM {rt} t JOIN {plan} p ON p.id = t.plan_id WHERE p.code = %s),"
            f" (SELECT SUM(t.basic_value) FROM {rt} t JOIN {plan} p ON p.id = t.plan_id WHERE p.code = %s),"
            f" (SELECT SUM(t.incentive_value) FROM {rt} t JOIN {plan} p ON p.id = t.plan_id WHERE p.code = %s)")
    formulas = f"SELECT code, formula, unit FROM {ind} ORDER BY code"
    return main, formulas


def data_version(plan_code: str, options: AccountingOptions | None = None) -> VersionInfo:
    """The data version of `plan_code` now (two queries). Regional targets are fingerprinted by
    count, ids, decomposition runs and value sums: a decomposition replaces them (new ids), an edit
    changes a sum."""
    from django.db import connection

    from ecer.masterdata.models.observations import ObservationStatus

    main, formulas = _version_sql()
    approved = str(ObservationStatus.APPROVED)
    with connection.cursor() as cursor:
        cursor.execute(main, [approved] * 4 + [plan_code] * 7)
        n, top, total, year, sha, *targets = cursor.fetchone()
        cursor.execute(formulas)
        indicators = cursor.fetchall()
    from ecer.services.key_projects import ledger_version

    material = [SNAPSHOT_FORMAT, ecer.__version__, plan_code, repr(options or AccountingOptions()), ledger_version(), _today(),
                [n, top, total], sha, [str(t) for t in targets], [list(r) for r in indicators]]
    digest = hashlib.sha256(json.dumps(material, default=str, sort_keys=True).encode()).hexdigest()
    return VersionInfo(digest, year, n or 0)


def _today() -> str:
    """The accounting date of the ledger's reductions (a stable-operation date passing today changes them)."""
    import datetime as dt

    return dt.date.today().isoformat()


def _decode(payload: bytes) -> ProgressReport:
    data = json.loads(zlib.decompress(payload))
    rows = [ReportRow(**{k: v for k, v in r.items() if k in _ROW_FIELDS}) for r in data["rows"]]
    return ProgressReport(data["plan"], data["year"], rows, data.get("parameters", {}), data.get("notes", []),
                          bool(data.get("illustrative_data")))


def _compute(plan_code: str, year: int, options: AccountingOptions | None) -> ProgressReport:
    """Every region of the plan (the system's view); readers cut it to their scope."""
    from ecer.accounting import progress_report
    from ecer.services.progress import key_project_cells

    return progress_report(plan_code, year, None, options, ledger=key_project_cells(plan_code))


def cached_report(plan_code: str, year: int, version: VersionInfo | None = None,
                  options: AccountingOptions | None = None) -> ProgressReport:
    """The progress report of `plan_code` in `year` for all regions, computed at most once per data
    version (see the module doc). Callers apply the actor's scope to its rows."""
    version = version or data_version(plan_code, options)
    key = (plan_code, year)
    hit = _memory.get(key)
    if hit and hit[0] == version.key:
        _stats["memory"] += 1
        return hit[1]
    with _lock:  # one computation per key at a time; the others wait and read its result
        hit = _memory.get(key)
        if hit and hit[0] == version.key:
            return hit[1]
        report = _from_snapshot(plan_code, year, version.key)
        if report is None:
            report = _compute_and_store(plan_code, year, version.key, options)
        _memory[key] = (version.key, report)
        return report


def _from_snapshot(plan_code: str, year: int, key: str) -> ProgressReport | None:
    from ecer.results.models import ProgressSnapshot

    payload = (ProgressSnapshot.objects.filter(plan_code=plan_code, year=year, data_version=key)
               .values_list("payload", flat=True).first())
    if payload is None:
        return None
    _stats["snapshot"] += 1
    return _decode(bytes(payload))


def _compute_and_store(plan_code: str, year: int, key: str, options: AccountingOptions | None) -> ProgressReport:
    from django.db import IntegrityError, transaction

    from ecer.results.models import ProgressSnapshot

    started = time.perf_counter()
    report = _compute(plan_code, year, options)
    elapsed_ms = (time.perf_counter() - started) * 1000
    _stats["computed"] += 1
    payload = zlib.compress(json.dumps(report.to_dict(), ensure_ascii=False).encode(), 6)
    try:
        with transaction.atomic():
            ProgressSnapshot.objects.filter(plan_code=plan_code, year=year).exclude(data_version=key).delete()
            ProgressSnapshot.objects.create(plan_code=plan_code, year=year, data_version=key, payload=payload,
                                            rows=len(report.rows), compute_ms=elapsed_ms)
    except IntegrityError:
        pass  # another process stored the same version first: same inputs, same report
    return report


def forget_memory() -> None:
    """Drop this process's copies (tests, benchmarks: force the snapshot or the computation path)."""
    _memory.clear()


def stats() -> dict[str, int]:
    """How often reports came from memory, from a snapshot, or were computed (since start)."""
    return dict(_stats)


def warm(plan_code: str, years: list[int]) -> dict[int, float]:
    """Compute (or load) the reports of `years` now, so the first page view is fast; seconds per year."""
    version = data_version(plan_code)
    out = {}
    for year in years:
        started = time.perf_counter()
        cached_report(plan_code, year, version)
        out[year] = time.perf_counter() - started
    return out

