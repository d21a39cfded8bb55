"""The key-project ledger's Excel file (重点工程项目台账.xlsx): columns, template, reading and checking.

One sheet, one header row, one row per project. The fixed columns are the project's ledger entry;
then the verification inputs per pollutant (the source's baseline, offsets used and deducted); then
one column per formula input of the reduction catalog (`ecer.catalogs.reductions`), named by the
catalog: `capacity`, or `removal_after:cod` for an input given per pollutant. A column is found by its
header label or its key. An input cell holds a number (in the input's first catalog unit) or
"number unit" (e.g. `2 10k_m3_per_day`); the unit is checked by the core.

The formula inputs are checked by `ecer.core.reduction` itself (one call per pollutant, so every
pollutant's problem is named): negative capacities, efficiencies above 100%, unit mismatches, unknown
project types, a stable-operation date in the future with a reduction counted. Nothing is checked
twice here. Every problem of the file is collected (file, row, column) before anything is stored.
Scope and the database checks (regions, monitoring points) are `ecer.services.key_projects`'.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ecer.core import credit_code as credit
from ecer.core.reduction import (
    POLLUTANTS,
    ProjectParameters,
    Quantity,
    ReductionCatalog,
    ReductionInputError,
    ReductionOptions,
    reductions,
)
from ecer.errors import InputFileError, Problem
from ecer.services.workbook_file import HINT_PREFIXES, Column, read_lines, write_workbook

SHEET = "重点工程项目台账"


STATUS_LABELS = {"planned": "计划", "under_construction": "在建", "completed": "建成", "stable_operation": "稳定运行"}
STATUSES = list(STATUS_LABELS)
#: the date column of each status (planned has none)
STATUS_DATE = {"under_construction": "construction_started_on", "completed": "completed_on",
               "stable_operation": "stable_operation_on"}
POLLUTANT_ZH = {"cod": "COD", "nh3n": "氨氮", "nox": "氮氧化物", "voc": "VOCs"}

FIXED = (
    Column("code", "项目编号", True, "unique code of the project"),
    Column("name", "项目名称", True, "name"),
    Column("programme_code", "所属重点工程", True, "programme code of the plan, e.g. key_regions"),
    Column("region_code", "行政区划代码", True, "GB/T 2260 code of the 市(州) or county"),
    Column("owner_name", "项目业主", True, "enterprise or agency"),
    Column("owner_credit_code", "业主统一社会信用代码", True, "18 characters, GB 32100-2015 check character"),
    Column("project_type", "项目类型", True, "code of reduction_project_types.csv, e.g. urban_sewage"),
    Column("source_id", "排放源或设施编号", True, "the discharge source or facility the project acts on"),
    Column("monitoring_point", "监测点位（排放口编号）", False, "outlet code of the owner's monitoring point"),
    Column("planned_start", "计划开工日期", False, "YYYY-MM-DD"),
    Column("planned_end", "计划完工日期", False, "YYYY-MM-DD"),
    Column("investment_10k_yuan", "总投资（万元）", False, "a number ≥ 0"),
    Column("status", "项目状态", True, "计划 / 在建 / 建成 / 稳定运行"),
    Column("construction_started_on", "开工日期", False, "YYYY-MM-DD; required from 在建"),
    Column("completed_on", "建成日期", False, "YYYY-MM-DD; required from 建成"),
    Column("stable_operation_on", "稳定运行日期", False, "YYYY-MM-DD; required for 稳定运行 (closure: the closure date)"),
    Column("note", "备注", False, "free text"),
)
VERIFICATION = (
    *(Column(f"baseline:{p}", f"排放源基准年排放量 {POLLUTANT_ZH[p]}（吨/年）", False,
             "the source's 2020 emission (t/yr): a claim above it is a finding") for p in POLLUTANTS),
    *(Column(f"offset_used:{p}", f"已用于区域削减替代 {POLLUTANT_ZH[p]}（吨）", False,
             "t of this reduction used as offsets for new projects") for p in POLLUTANTS),
    *(Column(f"offset_deducted:{p}", f"已扣减替代量 {POLLUTANT_ZH[p]}（吨）", False,
             "t of those offsets already taken off this claim") for p in POLLUTANTS),
    Column("offset_new_projects", "替代的新建项目", False, "codes of the new projects, separated by spaces"),
)
DATE_KEYS = ("planned_start", "planned_end", "construction_started_on", "completed_on", "stable_operation_on")
CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-.]{0,39}$")


def input_columns(catalog: ReductionCatalog) -> list[Column]:
    """One column per input name of the catalog (shared by formulas), `name:pollutant` for per-pollutant ones."""
    seen: dict[str, Column] = {}
    for formula in catalog.formulas.values():
        for spec in formula.inputs:
            keys = [f"{spec.name}:{p}" for p in formula.pollutants] if spec.per_pollutant else [spec.name]
            for key in keys:
                if key in seen:
                    continue
                pollutant = key.partition(":")[2]
                label = f"{spec.name_zh}{' ' + POLLUTANT_ZH[pollutant] if pollutant else ''} [{key}]"
                seen[key] = Column(key, label, False, f"{spec.name_en}; unit {' | '.join(spec.units)}")
    per_pollutant = sorted((c for c in seen.values() if ":" in c.key),
                           key=lambda c: (POLLUTANTS.index(c.key.partition(":")[2]), list(seen).index(c.key)))
    return [c for c in seen.values() if ":" not in c.key] + per_pollutant


def columns(catalog: ReductionCatalog) -> list[Column]:
    return [*FIXED, *VERIFICATION, *input_columns(catalog)]


@dataclass(frozen=True)
class LedgerRow:
    """One checked row; `inputs` is the KeyProject.inputs JSON, `params` what the core computed from."""

    row: int
    code: str
    name: str
    programme_code: str
    region_code: str
    owner_name: str
    owner_credit_code: str
    project_type: str
    source_id: str
    monitoring_point: str
    planned_start: dt.date | None
    planned_end: dt.date | None
    investment_10k_yuan: float | None
    status: str
    construction_started_on: dt.date | None
    completed_on: dt.date | None
    stable_operation_on: dt.date | None
    note: str
    inputs: dict[str, Any] = field(default_factory=dict)
    baseline_t_per_year: dict[str, float] = field(default_factory=dict)
    offsets_used_t: dict[str, float] = field(default_factory=dict)
    offsets_deducted_t: dict[str, float] = field(default_factory=dict)
    offset_new_projects: str = ""

    def project_fields(self) -> dict[str, Any]:
        """The KeyProject fields of this row (the owner and monitoring point are linked by the service)."""
        skip = {"row", "monitoring_point"}
        return {k: getattr(self, k) for k in self.__dataclass_fields__ if k not in skip}


def parameters(code: str, project_type: str, stable: dt.date | None, inputs: Mapping[str, Any]) -> ProjectParameters:
    """The core's ProjectParameters from a KeyProject.inputs JSON."""
    def quantities(d: Mapping[str, Any]) -> dict[str, Quantity]:
        return {k: Quantity(float(v["value"]), str(v["unit"])) for k, v in d.items()}
    return ProjectParameters(code, project_type, stable, quantities(inputs.get("values", {})),
                             {p: quantities(v) for p, v in inputs.get("pollutants", {}).items()})


def template_bytes(catalog: ReductionCatalog, rows: Iterable[dict[str, Any]] = ()) -> bytes:
    """The ledger workbook: header (labels), a row of hints, then `rows` (by column key; an export)."""
    return write_workbook(SHEET, columns(catalog), rows, _cell_text,
                          lambda column: max(12, min(40, len(column.label_zh) * 2)))


def _cell_text(key: str, value: Any) -> Any:
    if key == "status" and isinstance(value, str):
        return STATUS_LABELS.get(value, value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else value


def export_cells(project: Any, catalog: ReductionCatalog) -> dict[str, Any]:
    """A KeyProject as the cells of its row (reads back to the same project)."""
    cells: dict[str, Any] = {c.key: getattr(project, c.key, None) for c in FIXED if c.key != "monitoring_point"}
    cells["monitoring_point"] = project.monitoring_point.outlet_code if project.monitoring_point_id else ""
    for name, attr in (("baseline", "baseline_t_per_year"), ("offset_used", "offsets_used_t"),
                       ("offset_deducted", "offsets_deducted_t")):
        for pollutant, value in getattr(project, attr).items():
            cells[f"{name}:{pollutant}"] = value
    cells["offset_new_projects"] = project.offset_new_projects
    kind = catalog.project_types.get(project.project_type)
    formula = catalog.formulas[kind.formula] if kind else None
    def text(name: str, q: Mapping[str, Any]) -> Any:
        default_unit = formula.input(name).units[0] if formula else None
        return q["value"] if q["unit"] == default_unit else f"{q['value']:g} {q['unit']}"
    for name, q in project.inputs.get("values", {}).items():
        cells[name] = text(name, q)
    for pollutant, given in project.inputs.get("pollutants", {}).items():
        for name, q in given.items():
            cells[f"{name}:{pollutant}"] = text(name, q)
    return cells


def read_ledger(data: bytes, file: str, catalog: ReductionCatalog, programmes: Mapping[str, str], *,
                years: Sequence[int], options: ReductionOptions, as_of: dt.date) -> list[LedgerRow]:
    """Every row of the workbook, checked (formula inputs by the core); raises InputFileError with every problem.

    `programmes` are the plan's programme codes (→ Chinese name, also accepted in the cell)."""
    lines = read_lines(data, file, SHEET)
    cols = columns(catalog)
    by_name = {c.label_zh: c for c in cols} | {c.key: c for c in cols}
    header: list[Column | None] = []
    problems: list[Problem] = []
    for index, value in enumerate(lines[0], start=1):
        text = "" if value is None else str(value).strip()
        bracket = re.search(r"\[([^\]]+)\]$", text)
        col = by_name.get(text) or (by_name.get(bracket.group(1)) if bracket else None)
        if text and col is None:
            problems.append(Problem(file, "header", f"column {index} '{text}' is not a ledger column (an unknown "
                                    "input name is not silently ignored)", text))
        header.append(col)
    problems += [Problem(file, "header", f"missing column '{c.label_zh}' ({c.key})", c.label_zh)
                 for c in FIXED if c.required and c not in header]
    if problems:
        raise InputFileError(problems)
    checker = _RowChecker(file, catalog, programmes, years, options, as_of, problems)
    rows: list[LedgerRow] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(lines[1:], start=2):
        values = {col.key: _text(v) for col, v in zip(header, line, strict=False) if col is not None}
        if not any(values.values()) or values.get("code", "").startswith(HINT_PREFIXES):
            continue  # blank rows and the template's hint row
        checked = checker.check(values, number)
        if checked is None:
            continue
        if checked.code in seen:
            problems.append(Problem(file, f"row {number}", f"project {checked.code} is already in row "
                                    f"{seen[checked.code]}; one row per project", "项目编号"))
            continue
        seen[checked.code] = number
        rows.append(checked)
    problems += _baseline_conflicts(rows, file)
    if problems:
        raise InputFileError(problems)
    return rows


def _baseline_conflicts(rows: list[LedgerRow], file: str) -> list[Problem]:
    """One source has one baseline: two rows giving different ones for the same source and pollutant are refused."""
    first: dict[tuple[str, str], tuple[float, int]] = {}
    out = []
    for row in rows:
        for pollutant, value in row.baseline_t_per_year.items():
            key = (row.source_id, pollutant)
            if key in first and abs(first[key][0] - value) > 1e-9:
                out.append(Problem(file, f"row {row.row}", f"source {row.source_id} has baseline {first[key][0]:g} t/yr "
                                   f"in row {first[key][1]}, here {value:g}: one source has one baseline",
                                   f"排放源基准年排放量 {POLLUTANT_ZH[pollutant]}（吨/年）"))
            first.setdefault(key, (value, row.row))
    return out


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


class _RowChecker:
    def __init__(self, file: str, catalog: ReductionCatalog, programmes: Mapping[str, str], years: Sequence[int],
                 options: ReductionOptions, as_of: dt.date, problems: list[Problem]) -> None:
        self.file, self.catalog, self.years, self.options, self.as_of = file, catalog, years, options, as_of
        self.problems = problems
        self.programmes = dict(programmes)
        self.programme_by_name = {name: code for code, name in programmes.items()}
        self.type_by_name = {t.name_zh: t.code for t in catalog.project_types.values()}
        self.labels = {c.key: c.label_zh for c in columns(catalog)}
        self.input_keys = {c.key for c in input_columns(catalog)}

    def check(self, values: dict[str, str], number: int) -> LedgerRow | None:
        before = len(self.problems)

        def bad(key: str, message: str) -> None:
            self.problems.append(Problem(self.file, f"row {number}", message, self.labels.get(key, key)))

        code = values.get("code", "")
        owner_code, programme, kind = self._identity(values, bad)
        status_text = values.get("status", "")
        status = next((s for s, label in STATUS_LABELS.items() if status_text in (s, label)), "")
        if status_text and not status:
            bad("status", f"'{status_text}' is not a status; expected {' / '.join(STATUS_LABELS.values())}")
        dates: dict[str, dt.date | None] = {}
        for key in DATE_KEYS:
            dates[key] = self._date(values.get(key, ""), lambda m, k=key: bad(k, m))
        if status:
            self._status_dates(status, dates, bad)
        if dates["planned_start"] and dates["planned_end"] and dates["planned_end"] < dates["planned_start"]:
            bad("planned_end", f"{dates['planned_end']} is before the planned start {dates['planned_start']}")
        investment = self._number(values.get("investment_10k_yuan", ""), lambda m: bad("investment_10k_yuan", m))
        per_pollutant: dict[str, dict[str, float]] = {"baseline": {}, "offset_used": {}, "offset_deducted": {}}
        for name, into in per_pollutant.items():
            for pollutant in POLLUTANTS:
                key = f"{name}:{pollutant}"
                number_ = self._number(values.get(key, ""), lambda m, k=key: bad(k, m))
                if number_ is not None:
                    into[pollutant] = number_
        inputs = self._inputs(code or f"row {number}", kind, dates["stable_operation_on"] if status ==
                              "stable_operation" else None, values, bad)
        if len(self.problems) > before or inputs is None:
            return None
        return LedgerRow(number, code, values["name"], programme, values["region_code"], values["owner_name"], owner_code, kind,
                         values["source_id"], values.get("monitoring_point", ""), dates["planned_start"],
                         dates["planned_end"], investment, status, dates["construction_started_on"],
                         dates["completed_on"], dates["stable_operation_on"], values.get("note", ""), inputs,
                         per_pollutant["baseline"], per_pollutant["offset_used"], per_pollutant["offset_deducted"],
                         values.get("offset_new_projects", ""))

    def _identity(self, values: dict[str, str], bad: Any) -> tuple[str, str, str]:
        """Required cells, code, owner's credit code, region, programme and type (names accepted for the last two)."""
        for column in FIXED:
            if column.required and not values.get(column.key):
                what = {"programme_code": "a project without a programme is refused",
                        "source_id": "a project without a source or facility is refused: a reduction must name "
                                     "what it acts on"}.get(column.key, "value is required")
                bad(column.key, f"{what} ({column.hint})")
        code = values.get("code", "")
        if code and not CODE.fullmatch(code):
            bad("code", f"'{code}' is not a project code (letters, digits, _ - ., at most 40)")
        owner_code = values.get("owner_credit_code", "").upper()
        if owner_code and (issue := credit.problem(owner_code)) is not None:
            bad("owner_credit_code", str(issue))
        region = values.get("region_code", "")
        if region and not re.fullmatch(r"\d{6}", region):
            bad("region_code", f"'{region}' is not a 6-digit GB/T 2260 code")
        programme = values.get("programme_code", "")
        programme = self.programme_by_name.get(programme, programme)
        if programme and programme not in self.programmes:
            bad("programme_code", f"unknown programme '{programme}' (the plan's: {', '.join(self.programmes)})")
        kind = values.get("project_type", "")
        kind = self.type_by_name.get(kind, kind)
        return owner_code, programme, kind

    def _status_dates(self, status: str, dates: dict[str, dt.date | None], bad: Any) -> None:
        reached = STATUSES[: STATUSES.index(status) + 1]
        for stage, key in STATUS_DATE.items():
            if stage == status and dates[key] is None:
                bad(key, f"status {STATUS_LABELS[status]} needs its date")
            if stage not in reached and dates[key] is not None:
                bad(key, f"a date for {STATUS_LABELS[stage]}, but the status is {STATUS_LABELS[status]}")
        given = [(key, dates[key]) for key in STATUS_DATE.values() if dates[key] is not None]
        for (key_a, a), (key_b, b) in zip(given, given[1:], strict=False):
            if a is not None and b is not None and b < a:
                bad(key_b, f"{b} is before {self.labels[key_a]} {a}")

    def _inputs(self, code: str, kind: str, stable: dt.date | None, values: dict[str, str],
                bad: Any) -> dict[str, Any] | None:
        """The formula inputs of the row, checked by the core (one call per pollutant: each is named)."""
        if not kind:
            return None
        given: dict[str, Any] = {"values": {}, "pollutants": {}}
        try:
            _, formula = self.catalog.formula_for(code, kind)
        except ReductionInputError as err:
            bad("project_type", err.reason)
            return None
        units = {s.name: s.units[0] for s in formula.inputs}
        for key, text in values.items():
            name, _, pollutant = key.partition(":")
            if not text or key not in self.input_keys:
                continue
            parsed = self._quantity(text, units.get(name), lambda m, k=key: bad(k, m))
            if parsed is None:
                continue
            if pollutant:
                given["pollutants"].setdefault(pollutant, {})[name] = parsed
            else:
                given["values"][name] = parsed
        if not given["pollutants"]:
            bad("project_type", f"no per-pollutant input given: a {kind} project claims the pollutants whose "
                                f"inputs are filled in ({', '.join(s.name for s in formula.inputs if s.per_pollutant)})")
            return None
        ok = True
        if stable is not None and stable > self.as_of and self.years and stable.year > self.years[-1]:
            # the core refuses a future date that would be counted; past the last accounting year none is,
            # yet a stage is recorded when it is reached
            bad("stable_operation_on", f"stable-operation date is after the accounting date {self.as_of}: a "
                                       "status is recorded when it is reached")
            ok = False
        for pollutant in given["pollutants"]:
            one = {**given, "pollutants": {pollutant: given["pollutants"][pollutant]}}
            try:
                reductions(parameters(code, kind, stable, one), self.catalog, self.years, options=self.options,
                           as_of=self.as_of)
            except ReductionInputError as err:
                ok = False
                column = {"stable_operation_date": "stable_operation_on", "project_type": "project_type"}.get(
                    err.field or "", f"{err.field}:{err.pollutant}" if err.pollutant else err.field or "")
                bad(column, err.reason + (f" (value {err.value}{' ' + err.unit if err.unit else ''})"
                                          if err.value is not None else ""))
                if err.field == "stable_operation_date":
                    break  # the same for every pollutant
        return given if ok else None

    @staticmethod
    def _quantity(text: str, default_unit: str | None, bad: Any) -> dict[str, Any] | None:
        number, _, unit = text.replace(",", "").partition(" ")
        try:
            value = float(number)
        except ValueError:
            bad(f"'{text}' is not a number (or 'number unit')")
            return None
        return {"value": value, "unit": unit.strip() or default_unit or ""}

    @staticmethod
    def _date(text: str, bad: Any) -> dt.date | None:
        if not text:
            return None
        try:
            return dt.date.fromisoformat(text[:10])
        except ValueError:
            bad(f"'{text}' is not a date (YYYY-MM-DD)")
            return None

    @staticmethod
    def _number(text: str, bad: Any) -> float | None:
        if not text:
            return None
        try:
            value = float(text.replace(",", ""))
        except ValueError:
            bad(f"'{text}' is not a number")
            return None
        if value != value or value < 0:
            bad(f"{text}: must be a number ≥ 0")
            return None
        return value
